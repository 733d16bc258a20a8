//! A member of one institution reaches no other institution's task, report, event, sign-off or
//! notification, through any field: asked for by id, listed, counted, or nested under something
//! it may read. Over HTTP and WebSocket, on SQLite and PostgreSQL.
//!
//! The world: ANITP's plan, whose action 1.1 is led by IGPR with ME responsible and ONG and EIL
//! as partners, and whose action 1.2 is DIICOT's alone; and MAI's plan, in which ONG takes no
//! part. The reader is a member of ONG, a partner (not the lead). Everything of the others that
//! it must not see carries the word SECRET (reports, sign-off comments, reasons), and their ids
//! are known: no answer may contain either.
//!
//! [`PROBES`] is the table of what the member asks; adding a field to the API means adding a line.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use app::{TestApp, error_code};
use futures_util::{SinkExt, StreamExt};
use mandate_engine::deadline::Period;
use mandate_engine::domain::{Actor, InstitutionCode, UserRole};
use mandate_engine::entity::{institution, task};
use mandate_engine::plans::{AssignmentChange, NewAction, NewObjective, NewPlan};
use mandate_engine::reads::{EventFilter, NotificationFilter, TaskFilter};
use mandate_engine::tasks::{Fire, ReportInput};
use mandate_graphql::ServerConfig;
use serde_json::{Value, json};
use support::{Fixture, TestDb, date, period};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

on_both_databases!(a_member_reaches_nothing_of_another_institution);

/// What a probe's `$id` or `$code` stands for; a probe with a target runs once for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// No variable.
    Nothing,
    /// `$id`: every task of another institution, in both plans.
    ForeignTask,
    /// `$id`: the action the member's institution takes no part in (1.2, DIICOT's).
    ForeignAction,
    /// `$id`: MAI's plan, in which the member's institution takes no part.
    ForeignPlan,
    /// `$id`: action 1.1, shared with the other institutions.
    SharedAction,
    /// `$id`: ANITP's plan, which the member reads.
    OwnPlan,
    /// `$code`: the code of every other institution.
    ForeignInstitution,
}

/// What the answer must be (besides containing nothing of another institution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// `NOT_FOUND`, as for a record that does not exist.
    NotFound,
    /// An answer without errors.
    Shown,
    /// An answer without errors in which every `total` and `totalCount` is the number of the
    /// member's own tasks.
    OwnTaskCount,
}

use Expect::*;
use Target::*;

/// Everything the member asks: (what, target, expected answer, document).
#[rustfmt::skip]
const PROBES: &[(&str, Target, Expect, &str)] = &[
    ("task(id)", ForeignTask, NotFound, "query($id: ID!) { task(id: $id) { id state reports { narrative } } }"),
    ("events(entityId: task)", ForeignTask, NotFound, "query($id: ID!) { events(entityId: $id) { nodes { id comment } } }"),
    ("action(id)", ForeignAction, NotFound, "query($id: ID!) { action(id: $id) { id tasks { id } } }"),
    ("events(entityId: action)", ForeignAction, NotFound, "query($id: ID!) { events(entityId: $id) { nodes { id } } }"),
    ("signOffs(actionId)", ForeignAction, NotFound, "query($id: ID!) { signOffs(actionId: $id) { comment task { id } } }"),
    ("plan(id)", ForeignPlan, NotFound, "query($id: ID!) { plan(id: $id) { id progress { total } } }"),
    ("events(entityId: plan)", ForeignPlan, NotFound, "query($id: ID!) { events(entityId: $id) { nodes { id } } }"),
    ("tasks(filter: institution)", ForeignInstitution, Shown, "query($code: String!) { tasks(filter: { institution: $code }, first: 200) { totalCount nodes { id } } }"),
    ("notifications(filter: institution)", ForeignInstitution, Shown, "query($code: String!) { notifications(filter: { institution: $code }, first: 200) { totalCount nodes { id task { id } } } }"),
    ("tasks and their reports", Nothing, OwnTaskCount, "{ tasks(first: 200) { totalCount nodes { id reports { narrative } plan { id } } } }"),
    ("the tasks of each task's action", Nothing, Shown, "{ tasks(first: 20) { nodes { action { tasks { id reports { narrative } } } period { action { tasks { id } } } } } }"),
    ("each task's plan progress", Nothing, OwnTaskCount, "{ tasks(first: 20) { nodes { plan { progress { total byState { state count } } } } } }"),
    ("overdue tasks", Nothing, Shown, "{ tasks(filter: { overdue: true }, first: 200) { totalCount nodes { id } } }"),
    ("plans and their progress", Nothing, OwnTaskCount, "{ plans { id progress { total byState { state count } overdue } objectives { progress { total } children { id } } } }"),
    ("the actions of a plan", OwnPlan, Shown, "query($id: ID!) { plan(id: $id) { objectives { actions { id tasks { id reports { narrative } } periods { complete action { tasks { id } } } } } } }"),
    ("action(id) shared", SharedAction, Shown, "query($id: ID!) { action(id: $id) { tasks { id state reports { narrative submittedBy } } periods { complete approvedBy } assignments { institution { code } } } }"),
    ("signOffs(actionId) shared", SharedAction, Shown, "query($id: ID!) { signOffs(actionId: $id) { comment signedBy task { id reports { narrative } } period { action { tasks { id } } } } }"),
    ("events(entityId: shared action)", SharedAction, Shown, "query($id: ID!) { events(entityId: $id, first: 200) { totalCount nodes { id kind comment payload task { id } } } }"),
    ("events(entityId: own plan)", OwnPlan, Shown, "query($id: ID!) { events(entityId: $id, first: 200) { totalCount nodes { id comment payload task { id reports { narrative } } action { tasks { id } } } } }"),
    ("plan(id) own", OwnPlan, OwnTaskCount, "query($id: ID!) { plan(id: $id) { progress { total byState { count } } objectives { progress { total } } } }"),
    ("every event", Nothing, Shown, "{ events(first: 200) { totalCount nodes { id kind comment payload task { id reports { narrative } } action { tasks { id } } } } }"),
    ("every notification", Nothing, Shown, "{ notifications(first: 200) { totalCount nodes { id kind recipient lastError institution { code } task { id reports { narrative } action { tasks { id } } } } } }"),
];

/// The world, with the ids the member must never see.
struct World {
    app: TestApp,
    member: String,
    own_tasks: u64,
    foreign_tasks: Vec<i64>,
    foreign_action: i64,
    shared_action: i64,
    own_plan: i64,
    foreign_plan: i64,
    foreign_institutions: Vec<String>,
    /// Global ids (`Task:3`, `Event:9`, `Notification:12`) of what is another institution's.
    foreign_ids: BTreeSet<String>,
}

fn report(narrative: &str) -> ReportInput {
    ReportInput {
        narrative: narrative.to_owned(),
        ..Default::default()
    }
}

/// Fires `steps` on `task` in turn, each as its actor, with its comment, reason or report.
async fn drive(f: &Fixture, task: &task::Model, steps: &[(&Actor, &str, Option<&str>)]) {
    let mut version = task.version;
    for (actor, transition, text) in steps {
        let mut fire = Fire::new(task.id, version, transition);
        match (*transition, text) {
            ("submit", Some(text)) => fire = fire.report(report(text)),
            ("return" | "decline" | "cancel", Some(text)) => fire = fire.reason(text),
            (_, Some(text)) => fire = fire.comment(text),
            (_, None) => {}
        }
        version = f
            .engine
            .fire(actor, fire)
            .await
            .unwrap_or_else(|e| panic!("{transition} on task {}: {e}", task.id))
            .version;
    }
}

/// Every task of `institution`, first period first.
async fn tasks_of(f: &Fixture, institution: &institution::Model) -> Vec<task::Model> {
    let filter = TaskFilter {
        institution_id: Some(institution.id),
        ..Default::default()
    };
    f.engine
        .tasks(&f.admin, &filter, None, 100)
        .await
        .expect("tasks")
}

async fn world(db: &TestDb) -> World {
    let f = Fixture::new(db).await;
    let [ong, eil] = f.partners.clone();
    let (admin, coordinator) = (&f.admin, &f.coordinator);
    let periods = [
        period(date(2021, 1, 1), date(2021, 6, 30)),
        period(date(2021, 7, 1), date(2021, 12, 31)),
    ];

    // Action 1.2 of the same plan: DIICOT's alone.
    let diicot_action = f
        .engine
        .create_action(
            coordinator,
            NewAction {
                objective_id: f.action.objective_id,
                number: "1.2".into(),
                text: "Anchete comune".into(),
                deadline: "semestrial".into(),
                recurrence: None,
                funding: vec![],
                indicators: vec![],
            },
        )
        .await
        .expect("action 1.2");
    assign(&f, coordinator, diicot_action.id, "DIICOT", &[], &periods).await;

    // MAI's plan: EIL leads, DIICOT is a partner; ONG takes no part.
    let mai_plan = f
        .engine
        .create_plan(
            admin,
            NewPlan {
                code: "mai-plan".into(),
                title: "Planul MAI".into(),
                owner: InstitutionCode::parse("MAI").expect("code"),
                period_start: date(2021, 1, 1),
                period_end: date(2021, 12, 31),
                time_zone: chrono_tz::Europe::Bucharest,
                language: "ro".into(),
                lifecycle: "default".into(),
                reminder_policy: None,
            },
        )
        .await
        .expect("MAI's plan");
    let objective = f
        .engine
        .create_objective(
            admin,
            NewObjective {
                plan_id: mai_plan.id,
                parent_id: None,
                number: "1".into(),
                title: "Ordine publică".into(),
                result: None,
            },
        )
        .await
        .expect("objective");
    let mai_action = f
        .engine
        .create_action(
            admin,
            NewAction {
                objective_id: objective.id,
                number: "1.1".into(),
                text: "Patrule mixte".into(),
                deadline: "semestrial".into(),
                recurrence: None,
                funding: vec![],
                indicators: vec![],
            },
        )
        .await
        .expect("MAI's action");
    assign(&f, admin, mai_action.id, "EIL", &["DIICOT"], &periods).await;

    // Work done by the others, leaving reports, sign-offs, reasons and mail behind.
    let member = |i: &institution::Model| f.member(i);
    let (lead, responsible) = (member(&f.lead), member(&f.responsible));
    let eil_member = member(&eil);
    let me_tasks = tasks_of(&f, &f.responsible).await;
    drive(
        &f,
        &me_tasks[0],
        &[
            (
                &responsible,
                "acknowledge",
                Some("SECRET acknowledged by ME"),
            ),
            (&responsible, "start", None),
            (&responsible, "submit", Some("SECRET report of ME")),
            (coordinator, "approve", Some("SECRET sign-off of ME")),
        ],
    )
    .await;
    let igpr_tasks = tasks_of(&f, &f.lead).await;
    drive(
        &f,
        &igpr_tasks[0],
        &[
            (&lead, "acknowledge", None),
            (&lead, "start", None),
            (&lead, "submit", Some("SECRET report of IGPR")),
            (coordinator, "approve", Some("SECRET sign-off of IGPR")),
        ],
    )
    .await;
    let eil_tasks: Vec<task::Model> = tasks_of(&f, &eil)
        .await
        .into_iter()
        .filter(|t| t.plan_id == f.plan.id)
        .collect();
    drive(
        &f,
        &eil_tasks[0],
        &[
            (&eil_member, "acknowledge", None),
            (&eil_member, "start", None),
            (&eil_member, "submit", Some("SECRET first report of EIL")),
            (
                &lead,
                "return",
                Some("SECRET reason for returning EIL's report"),
            ),
            (&eil_member, "submit", Some("SECRET second report of EIL")),
            (&lead, "approve", Some("SECRET sign-off of EIL")),
        ],
    )
    .await;
    drive(
        &f,
        &eil_tasks[1],
        &[(&eil_member, "decline", Some("SECRET why EIL declines"))],
    )
    .await;
    let diicot = member(&f.outsider);
    for t in tasks_of(&f, &f.outsider).await {
        drive(
            &f,
            &t,
            &[(&diicot, "acknowledge", Some("SECRET of DIICOT"))],
        )
        .await;
    }
    // The member's own work, which it does see.
    let ong_member = member(&ong);
    let ong_tasks = tasks_of(&f, &ong).await;
    drive(
        &f,
        &ong_tasks[0],
        &[
            (&ong_member, "acknowledge", Some("ONG is on it")),
            (&ong_member, "start", None),
            (&ong_member, "submit", Some("report of ONG")),
            (&lead, "approve", Some("well done, ONG")),
        ],
    )
    .await;
    // Every responsible institution signed off: the coordinator approves the period (an
    // approval of the whole action period, which every institution of the action sees).
    f.engine
        .approve_action_period(coordinator, me_tasks[0].period_id, Some("approved".into()))
        .await
        .expect("period approved");
    // Reminders and escalations for everyone, as the year goes by.
    for month in [6, 7, 9] {
        let at = period(date(2021, 1, 1), date(2021, month, 28)).due;
        f.clock.set(at);
        f.engine.tick(at).await.expect("tick");
    }

    let everything = Actor::operator();
    let all_tasks = f
        .engine
        .tasks(&everything, &TaskFilter::default(), None, 1000)
        .await
        .expect("tasks");
    let foreign_tasks: Vec<i64> = all_tasks
        .iter()
        .filter(|t| t.institution_id != ong.id)
        .map(|t| t.id)
        .collect();
    let own_tasks = all_tasks.len() as u64 - foreign_tasks.len() as u64;
    let mut foreign_ids: BTreeSet<String> = foreign_tasks
        .iter()
        .map(|id| format!("Task:{id}"))
        .collect();
    for e in f
        .engine
        .events(&everything, &EventFilter::default(), None, 100_000)
        .await
        .expect("events")
    {
        let foreign = match e.task_id {
            Some(t) => foreign_tasks.contains(&t),
            None => e.plan_id == mai_plan.id || e.action_id == Some(diicot_action.id),
        };
        if foreign {
            foreign_ids.insert(format!("Event:{}", e.id));
        }
    }
    let notifications = f
        .engine
        .notifications(&everything, &NotificationFilter::default(), None, 100_000)
        .await
        .expect("notifications");
    assert!(
        notifications.iter().any(|n| n.institution_id == ong.id)
            && notifications.iter().any(|n| n.institution_id != ong.id),
        "the world has mail for the member and for others"
    );
    for n in notifications.iter().filter(|n| n.institution_id != ong.id) {
        foreign_ids.insert(format!("Notification:{}", n.id));
    }
    assert!(
        foreign_tasks.len() >= 10,
        "{} foreign tasks",
        foreign_tasks.len()
    );

    let app = TestApp::spawn(f.engine.clone(), ServerConfig::default()).await;
    let member = app
        .token_for("member@ong.ro", UserRole::Member, Some(&ong.code))
        .await;
    World {
        app,
        member,
        own_tasks,
        foreign_tasks,
        foreign_action: diicot_action.id,
        shared_action: f.action.id,
        own_plan: f.plan.id,
        foreign_plan: mai_plan.id,
        foreign_institutions: [&f.owner, &f.lead, &f.responsible, &eil, &f.outsider]
            .iter()
            .map(|i| i.code.clone())
            .collect(),
        foreign_ids,
    }
}

/// Assigns action `action_id` to `lead` (its only responsible institution) and `partners`, and
/// opens `periods`.
async fn assign(
    f: &Fixture,
    actor: &Actor,
    action_id: i64,
    lead: &str,
    partners: &[&str],
    periods: &[Period],
) {
    f.engine
        .assign_action(
            actor,
            action_id,
            AssignmentChange {
                lead: Some(lead.into()),
                responsible: Some(vec![lead.into()]),
                partners: Some(partners.iter().map(|p| (*p).to_owned()).collect()),
            },
        )
        .await
        .expect("assigned");
    f.engine
        .open_periods(actor, action_id, periods)
        .await
        .expect("periods");
}

/// The variables a probe runs with: one set per target.
fn variables(w: &World, target: Target) -> Vec<Value> {
    let id = |kind: &str, id: i64| json!({ "id": format!("{kind}:{id}") });
    match target {
        Nothing => vec![json!({})],
        ForeignTask => w.foreign_tasks.iter().map(|t| id("Task", *t)).collect(),
        ForeignAction => vec![id("Action", w.foreign_action)],
        ForeignPlan => vec![id("Plan", w.foreign_plan)],
        SharedAction => vec![id("Action", w.shared_action)],
        OwnPlan => vec![id("Plan", w.own_plan)],
        ForeignInstitution => w
            .foreign_institutions
            .iter()
            .map(|code| json!({ "code": code }))
            .collect(),
    }
}

/// Every string in `value`, and every number under a `total` or `totalCount` key.
fn walk<'a>(value: &'a Value, strings: &mut Vec<&'a str>, totals: &mut Vec<u64>) {
    match value {
        Value::String(s) => strings.push(s),
        Value::Array(items) => items.iter().for_each(|v| walk(v, strings, totals)),
        Value::Object(fields) => {
            for (key, v) in fields {
                if let ("total" | "totalCount", Some(n)) = (key.as_str(), v.as_u64()) {
                    totals.push(n);
                }
                walk(v, strings, totals);
            }
        }
        _ => {}
    }
}

/// What is wrong with `answer` to a probe expecting `expect`.
fn problems(w: &World, answer: &Value, expect: Expect) -> Vec<String> {
    let mut found = Vec::new();
    let text = answer.to_string();
    if text.contains("SECRET") {
        found.push("shows another institution's report, comment or reason".to_owned());
    }
    let (mut strings, mut totals) = (Vec::new(), Vec::new());
    walk(&answer["data"], &mut strings, &mut totals);
    let leaked: BTreeSet<&str> = strings
        .into_iter()
        .filter(|s| w.foreign_ids.contains(*s))
        .collect();
    if !leaked.is_empty() {
        found.push(format!("shows {leaked:?}"));
    }
    let codes: Vec<Option<String>> = answer["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    match expect {
        NotFound => {
            if error_code(answer).as_deref() != Some("NOT_FOUND") {
                found.push("is not NOT_FOUND".to_owned());
            }
        }
        Shown | OwnTaskCount => {
            if !codes.is_empty() {
                found.push(format!("has errors {codes:?}"));
            }
        }
    }
    if expect == OwnTaskCount {
        if totals.is_empty() {
            found.push("counts nothing".to_owned());
        }
        if let Some(n) = totals.iter().find(|n| **n != w.own_tasks) {
            found.push(format!(
                "counts {n} tasks; the member reads {}",
                w.own_tasks
            ));
        }
    }
    found
}

async fn a_member_reaches_nothing_of_another_institution(db: TestDb) {
    let w = world(&db).await;
    let mut failures = Vec::new();
    let mut asked = 0;
    for (what, target, expect, query) in PROBES {
        for vars in variables(&w, *target) {
            let answer = w.app.gql(&w.member, query, vars.clone()).await;
            asked += 1;
            for problem in problems(&w, &answer, *expect) {
                failures.push(format!("{what} {vars}: {problem}\n{answer:#}"));
            }
        }
    }
    assert!(
        asked > PROBES.len(),
        "every probe ran, some for many targets"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    subscriptions_carry_only_the_members_tasks(&w).await;
}

/// A `taskEvents` subscriber sees the transitions of its own tasks only, nested fields included.
async fn subscriptions_carry_only_the_members_tasks(w: &World) {
    let mut request = format!("ws://{}/graphql/ws", w.app.address)
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connected");
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", w.member) } });
    socket
        .send(Message::text(init.to_string()))
        .await
        .expect("sent");
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    let subscribe = json!({
        "id": "1",
        "type": "subscribe",
        "payload": { "query": "subscription { taskEvents { event { id comment } task { id reports { narrative } action { tasks { id } } } } }" },
    });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .expect("sent");
    w.app.wait_for_subscribers(1).await;
    // Others' tasks move first, then one of the member's own.
    let engine = &w.app.engine;
    let admin = Actor::operator();
    let open = |t: &task::Model| t.state == "pending" || t.state == "acknowledged";
    let tasks = engine
        .tasks(&admin, &TaskFilter::default(), None, 1000)
        .await
        .expect("tasks");
    let foreign: Vec<&task::Model> = tasks
        .iter()
        .filter(|t| w.foreign_tasks.contains(&t.id) && open(t))
        .take(3)
        .collect();
    assert!(!foreign.is_empty(), "some foreign task is still open");
    for t in foreign {
        let fire = Fire::new(t.id, t.version, "cancel").reason("SECRET cancellation");
        engine.fire(&admin, fire).await.expect("cancelled");
    }
    let own = tasks
        .iter()
        .find(|t| !w.foreign_tasks.contains(&t.id) && t.state == "pending")
        .expect("an own pending task");
    let fire = Fire::new(own.id, own.version, "acknowledge");
    engine
        .fire(
            &Actor::user("member@ong.ro", UserRole::Member, Some(own.institution_id)),
            fire,
        )
        .await
        .expect("acknowledged");
    let message = next_json(&mut socket).await;
    assert_eq!(message["type"], "next", "{message:#}");
    assert_eq!(
        message["payload"]["data"]["taskEvents"]["task"]["id"],
        format!("Task:{}", own.id),
        "the first event the member hears is its own: {message:#}"
    );
    let problems = problems(w, &message["payload"], Shown);
    assert!(problems.is_empty(), "{problems:?}\n{message:#}");
    socket
        .send(Message::text(json!({ "type": "ping" }).to_string()))
        .await
        .expect("sent");
    assert_eq!(
        next_json(&mut socket).await["type"],
        "pong",
        "nothing else came before"
    );
}

async fn next_json<S>(socket: &mut S) -> Value
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("a message within 20 s")
            .expect("socket open")
            .expect("a message");
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("JSON message");
        }
    }
}
