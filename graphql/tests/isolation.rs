//! A member of one institution reaches no other institution's task, report, event, sign-off or
//! notification, through any field: asked for by id, listed, counted, or nested under something
//! it may read. Over HTTP and WebSocket, on SQLite and PostgreSQL.
//!
//! The world (`engine/tests/support/isolation.rs`): ANITP's plan, whose action 1.1 is led by IGPR
//! with ME responsible and ONG and EIL as partners, and whose action 1.2 is DIICOT's alone; and
//! MAI's plan, in which ONG takes no part. The reader is a member of ONG, a partner (not the
//! lead). Everything of the others that it must not see carries the word SECRET (reports,
//! sign-off comments, reasons), and their ids are known: no answer may contain either.
//!
//! [`PROBES`] is the table of what the member asks; adding a field to the API means adding a line.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use app::{TestApp, error_code};
use futures_util::{SinkExt, StreamExt};
use mandate_engine::domain::{Actor, UserRole};
use mandate_engine::entity::task;
use mandate_engine::reads::TaskFilter;
use mandate_engine::tasks::Fire;
use mandate_graphql::ServerConfig;
use serde_json::{Value, json};
use support::TestDb;
use support::isolation::{self, Isolated};
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

/// The world, served over HTTP, and the member's token.
struct World {
    app: TestApp,
    member: String,
    isolated: Isolated,
}

impl std::ops::Deref for World {
    type Target = Isolated;
    fn deref(&self) -> &Isolated {
        &self.isolated
    }
}

async fn world(db: &TestDb) -> World {
    let isolated = isolation::build(db).await;
    let app = TestApp::spawn(isolated.f.engine.clone(), ServerConfig::default()).await;
    let member = app
        .token_for(
            "member@ong.ro",
            UserRole::Member,
            Some(&isolated.member_institution.code),
        )
        .await;
    World {
        app,
        member,
        isolated,
    }
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
