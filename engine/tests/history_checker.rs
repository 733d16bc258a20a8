//! The history checker of `support::history`: it passes what the engine writes (the fixture's
//! plan, and the anti-trafficking plan after a busy day) and catches each kind of break made
//! with raw SQL in a healthy history.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use mandate_engine::domain::{Actor, EmailAddress, UserRole};
use mandate_engine::entity::{event, institution, notification, task};
use mandate_engine::plans::plan_file;
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::tasks::{Fire, ReportInput};
use mandate_engine::{Engine, ManualClock};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use support::history::{self, Break};
use support::{Fixture, TestDb};

on_both_databases!(
    each_kind_of_break_is_caught,
    the_anti_trafficking_plan_after_a_busy_day_is_healthy,
);

fn lifecycles() -> Lifecycles {
    Lifecycles::builtin().expect("lifecycles")
}

fn report(values: BTreeMap<String, serde_json::Value>) -> ReportInput {
    ReportInput {
        indicator_values: values,
        narrative: "Raport".to_owned(),
        evidence: vec!["https://anitp.mai.gov.ro/raport".to_owned()],
    }
}

/// Fires `transition` on the task `id` as `actor`, with what the transition requires.
async fn fire(
    engine: &Engine,
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    transition: &str,
) -> task::Model {
    let t = task::Entity::find_by_id(id)
        .one(db)
        .await
        .expect("task")
        .expect("the task exists");
    let mut request = Fire::new(t.id, t.version, transition);
    match transition {
        "submit" => request = request.report(report(BTreeMap::new())),
        "decline" | "return" | "cancel" => request = request.reason("motiv"),
        _ => {}
    }
    engine
        .fire(actor, request)
        .await
        .unwrap_or_else(|e| panic!("{transition} task {id}: {e}"))
}

fn member(t: &task::Model) -> Actor {
    Actor::user(
        format!("user@{}.ro", t.institution_id),
        UserRole::Member,
        Some(t.institution_id),
    )
}

async fn events_of(db: &impl ConnectionTrait, task: i64) -> Vec<event::Model> {
    event::Entity::find()
        .filter(event::Column::TaskId.eq(task))
        .order_by_asc(event::Column::Id)
        .all(db)
        .await
        .expect("events")
}

/// The breaks the checker finds about `task`.
async fn breaks_of(f: &Fixture, task: i64) -> Vec<Break> {
    history::check(&f.db, &lifecycles())
        .await
        .breaks
        .into_iter()
        .filter(|b| b.task() == Some(task))
        .collect()
}

async fn each_kind_of_break_is_caught(db: TestDb) {
    let f = Fixture::new(&db).await;
    let tasks: Vec<task::Model> = task::Entity::find()
        .filter(task::Column::PlanId.eq(f.plan.id))
        .order_by_asc(task::Column::Id)
        .all(&f.db)
        .await
        .expect("tasks");
    assert_eq!(tasks.len(), 8);
    // Every task moves on a little, one is returned and submitted again, and a tick writes
    // reminders; the history is healthy.
    for t in &tasks[..6] {
        for transition in ["acknowledge", "start", "submit"] {
            fire(&f.engine, &f.db, &member(t), t.id, transition).await;
        }
    }
    fire(&f.engine, &f.db, &f.admin, tasks[0].id, "return").await;
    fire(&f.engine, &f.db, &member(&tasks[0]), tasks[0].id, "submit").await;
    fire(&f.engine, &f.db, &f.admin, tasks[1].id, "approve").await;
    f.engine
        .tick(
            Utc.with_ymd_and_hms(2021, 6, 29, 8, 0, 0)
                .single()
                .expect("instant"),
        )
        .await
        .expect("tick");
    let healthy = history::check(&f.db, &lifecycles()).await;
    healthy.assert_healthy();
    assert!(healthy.notifications > 0, "the tick wrote reminders");

    let sql = |s: String| {
        let db = f.db.clone();
        async move { db.execute_unprepared(&s).await.expect(&s) }
    };
    // The state changed behind the engine's back.
    sql(format!(
        "UPDATE tasks SET state = 'signed_off' WHERE id = {}",
        tasks[2].id
    ))
    .await;
    assert!(
        matches!(&breaks_of(&f, tasks[2].id).await[..], [Break::State { last: Some(l), .. }] if l == "submitted"),
        "{:?}",
        breaks_of(&f, tasks[2].id).await
    );
    // A version skipped.
    sql(format!(
        "UPDATE tasks SET version = version + 1 WHERE id = {}",
        tasks[3].id
    ))
    .await;
    assert!(matches!(
        &breaks_of(&f, tasks[3].id).await[..],
        [Break::Version {
            version: 5,
            events: 4,
            ..
        }]
    ));
    // An event that starts elsewhere than the previous one ended.
    let history = events_of(&f.db, tasks[4].id).await;
    sql(format!(
        "UPDATE events SET from_state = 'pending' WHERE id = {}",
        history[2].id
    ))
    .await;
    let found = breaks_of(&f, tasks[4].id).await;
    assert!(
        found
            .iter()
            .any(|b| matches!(b, Break::Discontinuous { event, .. } if *event == history[2].id)),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|b| matches!(b, Break::NoSuchTransition { event, .. } if *event == history[2].id)),
        "start leads nowhere from pending: {found:?}"
    );
    // A path that jumps: pending straight to submitted, continuous but no transition.
    let history = events_of(&f.db, tasks[5].id).await;
    sql(format!(
        "DELETE FROM events WHERE id IN ({}, {})",
        history[1].id, history[2].id
    ))
    .await;
    sql(format!(
        "UPDATE events SET from_state = 'pending' WHERE id = {}",
        history[3].id
    ))
    .await;
    let found = breaks_of(&f, tasks[5].id).await;
    assert!(
        found
            .iter()
            .any(|b| matches!(b, Break::NoSuchTransition { event, .. } if *event == history[3].id)),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|b| matches!(b, Break::Version { events: 2, .. }))
    );
    assert!(
        !found
            .iter()
            .any(|b| matches!(b, Break::Discontinuous { .. }))
    );
    // A transition's event that records the wrong version.
    let history = events_of(&f.db, tasks[0].id).await;
    let last = history.last().expect("an event");
    sql(format!(
        "UPDATE events SET payload = '{}' WHERE id = {}",
        json!({ "version": 9 }),
        last.id
    ))
    .await;
    assert!(matches!(
        &breaks_of(&f, tasks[0].id).await[..],
        [Break::VersionGap {
            expected: 6,
            found: 9,
            ..
        }]
    ));
    // A task whose opening event is gone.
    let history = events_of(&f.db, tasks[6].id).await;
    sql(format!("DELETE FROM events WHERE id = {}", history[0].id)).await;
    assert!(matches!(
        &breaks_of(&f, tasks[6].id).await[..],
        [Break::NoEvents { .. }, ..]
    ));
    // An e-mail about a sign-off for a task never signed off.
    let assigned = notification::Entity::find()
        .filter(notification::Column::TaskId.eq(tasks[7].id))
        .filter(notification::Column::Kind.eq("assigned"))
        .one(&f.db)
        .await
        .expect("notification")
        .expect("the task's assignment e-mail");
    sql(format!(
        "UPDATE notifications SET kind = 'approved' WHERE id = {}",
        assigned.id
    ))
    .await;
    assert!(matches!(
        &breaks_of(&f, tasks[7].id).await[..],
        [Break::NotificationOutOfState { notification, .. }] if *notification == assigned.id
    ));
    // Task 1 was left alone and stays healthy.
    assert_eq!(breaks_of(&f, tasks[1].id).await, []);
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("instant")
        .with_timezone(&Utc)
}

async fn the_anti_trafficking_plan_after_a_busy_day_is_healthy(db: TestDb) {
    let clock = ManualClock::new(at("2021-06-28T05:00:00Z"));
    let engine = Engine::new(db.db.clone(), Arc::new(clock.clone()), lifecycles());
    let operator = Actor::operator();
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows/plans/pna-trafic-2021-2022.yaml");
    let draft = plan_file::load(&file, &lifecycles()).unwrap_or_else(|p| panic!("{p:?}"));
    engine
        .import_plan(&operator, &draft, false)
        .await
        .expect("import");
    for i in institution::Entity::find()
        .all(&db.db)
        .await
        .expect("institutions")
    {
        let address =
            EmailAddress::parse(&format!("{}@example.ro", i.code.to_lowercase())).expect("address");
        engine
            .set_institution_emails(&operator, &i.code, &[address])
            .await
            .expect("addresses");
    }
    let tasks: Vec<task::Model> = task::Entity::find()
        .filter(task::Column::DueAt.lt(at("2021-07-01T00:00:00Z")))
        .order_by_asc(task::Column::Id)
        .all(&db.db)
        .await
        .expect("tasks");
    assert!(
        tasks.len() > 20,
        "{} tasks due in the first half",
        tasks.len()
    );
    // A working day: every quarter of an hour a few tasks move on, each along its own path,
    // and the scheduler ticks every hour.
    let paths: [&[&str]; 6] = [
        &["acknowledge"],
        &["acknowledge", "start"],
        &["acknowledge", "start", "submit"],
        &[
            "acknowledge",
            "start",
            "submit",
            "return",
            "submit",
            "approve",
        ],
        &["decline"],
        &["acknowledge", "start", "cancel"],
    ];
    let mut step = 0;
    for (i, t) in tasks.iter().enumerate() {
        for transition in paths[i % paths.len()] {
            let actor = match *transition {
                "approve" | "return" | "cancel" => operator.clone(),
                _ => member(t),
            };
            fire(&engine, &db.db, &actor, t.id, transition).await;
            step += 1;
            if step % 4 == 0 {
                clock.advance(Duration::minutes(15));
                if step % 16 == 0 {
                    engine.tick(engine.now()).await.expect("tick");
                }
            }
        }
    }
    engine.tick(engine.now()).await.expect("tick");
    re_import_and_check(&engine, &draft, &db).await;
}

/// Imports the plan again (nothing changes) and checks the whole history.
async fn re_import_and_check(engine: &Engine, draft: &plan_file::PlanDraft, db: &TestDb) {
    engine
        .import_plan(&Actor::operator(), draft, false)
        .await
        .expect("import again");
    let report = history::check(&db.db, &lifecycles()).await;
    report.assert_healthy();
    assert!(report.events > report.tasks, "{report:?}");
    // The day wrote e-mails of the transitions and of the deadlines, which the check covered.
    let kinds: BTreeSet<String> = notification::Entity::find()
        .all(&db.db)
        .await
        .expect("notifications")
        .into_iter()
        .map(|n| n.kind)
        .collect();
    for kind in ["returned", "approved", "overdue", "escalation"] {
        assert!(kinds.contains(kind), "no `{kind}` e-mail in {kinds:?}");
    }
}
