//! The demo's history, on SQLite and PostgreSQL: built on a fresh database up to the demo's
//! start, it leaves every task state, returned and resubmitted reports, approved periods, overdue
//! and soon-due tasks, and every kind of e-mail, and it is the same on every database.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use mandate_engine::demo::{self, DEFAULT_START, HistorySummary};
use mandate_engine::mail::{MailSettings, Renderer, Transport};
use mandate_engine::notifications::{Kind, Sender};
use mandate_engine::reads::{EventFilter, NotificationFilter, TaskFilter};
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::{Actor, Engine, ManualClock};
use support::TestDb;

on_both_databases!(
    the_history_shows_every_state_light_and_mail,
    the_history_is_the_same_on_every_database,
);

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(DEFAULT_START)
        .expect("the default start is RFC 3339")
        .with_timezone(&Utc)
}

/// An engine on `test_db` whose clock stands at the demo's start.
fn engine_at_start(test_db: &TestDb) -> Engine {
    Engine::new(
        test_db.db.clone(),
        Arc::new(ManualClock::new(start())),
        Lifecycles::builtin().expect("default lifecycle"),
    )
}

async fn built(test_db: &TestDb) -> (Engine, HistorySummary) {
    let engine = engine_at_start(test_db);
    let summary = demo::build(&engine, start())
        .await
        .expect("the demo history");
    (engine, summary)
}

/// Tasks per state, over every plan.
async fn states(engine: &Engine) -> BTreeMap<String, u64> {
    let mut all = BTreeMap::new();
    for plan in engine.status(&Actor::operator()).await.expect("status") {
        for (state, n) in plan.by_state {
            *all.entry(state).or_default() += n;
        }
    }
    all
}

/// The kinds of e-mail the demo's outbox holds: all but those people ask for on the web.
const KINDS: [Kind; 10] = [
    Kind::Assigned,
    Kind::Reminder,
    Kind::DueToday,
    Kind::Overdue,
    Kind::AckChase,
    Kind::Escalation,
    Kind::Returned,
    Kind::Approved,
    Kind::Digest,
    Kind::Invitation,
];

/// Outbox rows per kind (and status, when given).
async fn outbox(engine: &Engine, status: Option<&str>) -> BTreeMap<&'static str, u64> {
    let mut counts = BTreeMap::new();
    for kind in KINDS {
        let filter = NotificationFilter {
            kind: Some(kind),
            status: status.map(str::to_owned),
            ..Default::default()
        };
        let n = engine
            .count_notifications(&Actor::operator(), &filter)
            .await
            .expect("count");
        counts.insert(kind.as_str(), n);
    }
    counts
}

/// Every event of every plan, oldest first.
async fn events(engine: &Engine) -> Vec<mandate_engine::entity::event::Model> {
    let operator = Actor::operator();
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = engine
            .events(&operator, &EventFilter::default(), after, 500)
            .await
            .expect("events");
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        all.extend(page);
    }
    all
}

async fn the_history_shows_every_state_light_and_mail(test_db: TestDb) {
    let (engine, summary) = built(&test_db).await;
    let start = start();

    // Every state of the lifecycle is held by some task.
    let by_state = states(&engine).await;
    for state in [
        "pending",
        "acknowledged",
        "in_progress",
        "submitted",
        "signed_off",
        "declined",
        "cancelled",
    ] {
        assert!(
            by_state.get(state).copied().unwrap_or(0) > 0,
            "no task is {state}: {by_state:?} ({summary})"
        );
    }

    // Red and amber as of the demo clock: overdue tasks, and open tasks due within 7 days.
    let overdue: u64 = engine
        .status(&Actor::operator())
        .await
        .expect("status")
        .iter()
        .map(|p| p.overdue)
        .sum();
    assert!(overdue > 0, "nothing is overdue");
    let soon = TaskFilter {
        due_after: Some(start),
        due_before: Some(start + Duration::days(7)),
        ..Default::default()
    };
    let due_soon = engine
        .tasks(&Actor::operator(), &soon, None, 1000)
        .await
        .expect("tasks")
        .into_iter()
        .filter(|t| t.open)
        .count();
    assert!(due_soon > 0, "nothing is due within 7 days of {start}");

    // Some action periods are approved, so some actions are complete.
    assert!(summary.periods_approved > 0, "{summary}");
    let operator = Actor::operator();
    let mut complete = 0;
    for plan in engine.plans(&operator).await.expect("plans") {
        complete += engine
            .progress(&operator, &plan, None)
            .await
            .expect("progress")
            .periods_complete;
    }
    assert_eq!(complete, summary.periods_approved);

    // The audit trail: believable times, reports returned and sent again, others still
    // waiting to be sent again.
    let events = events(&engine).await;
    assert!(
        events.iter().all(|e| e.at < start),
        "an event after the start"
    );
    assert!(
        events.iter().any(|e| e.at < start - Duration::days(200)),
        "the history starts with the plan"
    );
    let mut trail: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
    for e in &events {
        if let Some(task) = e.task_id {
            trail.entry(task).or_default().push(e.kind.as_str());
        }
    }
    let resubmitted = trail
        .values()
        .filter(|kinds| {
            kinds
                .iter()
                .position(|k| *k == "return")
                .is_some_and(|i| kinds[i..].contains(&"submit"))
        })
        .count();
    let waiting = trail
        .values()
        .filter(|kinds| kinds.last() == Some(&"return"))
        .count();
    assert!(resubmitted > 0, "no report was returned and sent again");
    assert!(waiting > 0, "no returned report waits to be sent again");
    let declined_with_reason = events
        .iter()
        .filter(|e| e.kind == "decline")
        .all(|e| e.comment.as_deref().is_some_and(|c| c.len() > 20));
    assert!(declined_with_reason, "a decline without its reason");

    // Every kind of e-mail is in the outbox...
    let written = outbox(&engine, None).await;
    assert!(written.values().all(|n| *n > 0), "{written:?}");
    // ... and goes out when the demo's sender drains it on the demo clock.
    let dir = tempfile::tempdir().expect("outbox folder");
    let sender = Sender {
        transport: Transport::files(dir.path()).expect("outbox folder"),
        renderer: Renderer::builtin().expect("templates"),
        settings: MailSettings {
            from: "Mandate <mandate@mandate.test>".parse().expect("address"),
            public_url: "https://mandate.test".into(),
        },
        lease: std::time::Duration::from_secs(300),
        max_attempts: 3,
        parallel: 8,
    };
    let sent = engine.send_outbox(&sender, 200).await.expect("send");
    assert_eq!(sent.failed, 0, "{sent:?}");
    let delivered = outbox(&engine, Some("sent")).await;
    assert!(delivered.values().all(|n| *n > 0), "{delivered:?}");
    let files = std::fs::read_dir(dir.path())
        .expect("outbox folder")
        .count();
    assert_eq!(u64::try_from(files).expect("count"), sent.sent);
}

async fn the_history_is_the_same_on_every_database(test_db: TestDb) {
    let (engine, summary) = built(&test_db).await;
    let other_db = TestDb::sqlite().await;
    let (other, again) = built(&other_db).await;
    assert_eq!(summary, again);
    assert_eq!(states(&engine).await, states(&other).await);
    assert_eq!(outbox(&engine, None).await, outbox(&other, None).await);
    let trail = |events: Vec<mandate_engine::entity::event::Model>| -> Vec<(String, String, DateTime<Utc>)> {
        events.into_iter().map(|e| (e.kind, e.actor, e.at)).collect()
    };
    let (ours, theirs) = (trail(events(&engine).await), trail(events(&other).await));
    assert_eq!(ours.len(), theirs.len());
    assert!(ours == theirs, "the audit trails differ");
    let kinds: BTreeSet<&str> = ours.iter().map(|(k, _, _)| k.as_str()).collect();
    for kind in [
        "acknowledge",
        "start",
        "submit",
        "approve",
        "return",
        "decline",
        "period_approved",
        "assigned",
    ] {
        assert!(kinds.contains(kind), "no `{kind}` event: {kinds:?}");
    }
}
