//! Faults around the scheduler and the sender, on the anti-trafficking plan, on SQLite and
//! PostgreSQL, to a real SMTP server on 127.0.0.1, with time simulated by manual clocks: the mail
//! server down for a day, and three replicas ticking and sending at once for a month. After each,
//! the history checker finds every task's history one the engine may have written.

mod smtp;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use mandate_engine::domain::{Actor, UserRole};
use mandate_engine::entity::{action, notification, task};
use mandate_engine::tasks::Fire;
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::{Engine, ManualClock, db as database};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use smtp::{Received, SmtpServer, dead_port};
use support::{TestDb, history, import_anti_trafficking_plan};

on_both_databases!(
    mail_due_while_the_server_is_down_for_a_day_goes_once_when_it_is_back,
    three_replicas_over_a_month_send_each_reminder_once,
);

/// Messages claimed per round trip, as `mandate serve` does.
const BATCH: u64 = 100;

fn engine_on(db: DatabaseConnection, clock: &ManualClock) -> Engine {
    Engine::new(
        db,
        Arc::new(clock.clone()),
        Lifecycles::builtin().expect("lifecycles"),
    )
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("instant")
}

/// One message as it reached the server, in the terms it can be compared in across databases.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Delivered {
    to: Vec<String>,
    kind: String,
    subject: String,
    /// The task's thread (`<task-ID@…>`), for messages about a task.
    thread: String,
    /// The slot the reminder is for, from the Message-ID (`<nID.SLOT@…>`).
    slot: String,
}

fn header(message: &mailparse::ParsedMail<'_>, name: &str) -> String {
    use mailparse::MailHeaderMap;
    message.headers.get_first_value(name).unwrap_or_default()
}

/// What the server received, by Message-ID; panics if a message arrived twice.
fn delivered(received: &[Received]) -> BTreeMap<String, Delivered> {
    let mut by_id = BTreeMap::new();
    for message in received {
        let parsed = mailparse::parse_mail(&message.raw).expect("a mail message");
        let id = header(&parsed, "Message-ID");
        let slot = id
            .split_once('.')
            .and_then(|(_, rest)| rest.split_once('@'))
            .map(|(slot, _)| slot.to_owned())
            .unwrap_or_else(|| panic!("Message-ID `{id}` names no slot"));
        let entry = Delivered {
            to: message.to.clone(),
            kind: header(&parsed, "X-Mandate-Kind"),
            subject: header(&parsed, "Subject"),
            thread: header(&parsed, "In-Reply-To"),
            slot,
        };
        if let Some(before) = by_id.insert(id.clone(), entry) {
            panic!("{id} arrived twice: {before:?}");
        }
    }
    by_id
}

async fn outbox(db: &DatabaseConnection) -> Vec<notification::Model> {
    notification::Entity::find().all(db).await.expect("outbox")
}

async fn assert_history_healthy(db: &DatabaseConnection) {
    history::check(db, &Lifecycles::builtin().expect("lifecycles"))
        .await
        .assert_healthy();
}

/// Fault: the mail server refuses connections for a whole day (as of Bucharest's 29 June 2021,
/// one working day before the half-year deadline) while the scheduler ticks every hour and the
/// sender tries after each tick; then it is back on the same port. Guarantee: every message
/// written to the outbox that day reaches the server exactly once, to its recipient, with its
/// subject, within hours of its return; none is given up as failed.
async fn mail_due_while_the_server_is_down_for_a_day_goes_once_when_it_is_back(db: TestDb) {
    let start = at(2021, 6, 28, 21);
    let clock = ManualClock::new(start);
    let engine = engine_on(db.db.clone(), &clock);
    import_anti_trafficking_plan(&engine, &db.db).await;
    let already = outbox(&db.db).await.len();
    let port = dead_port();
    let sender = smtp::sender(port, "Mandate <mandate@mandate.test>", 8);
    let step = chrono::Duration::hours(1);

    let back = start + chrono::Duration::days(1);
    let mut now = start;
    let mut tries = 0;
    while now < back {
        clock.set(now);
        engine.tick(now).await.expect("tick");
        let summary = engine.send_outbox(&sender, BATCH).await.expect("send");
        assert_eq!((summary.sent, summary.failed), (0, 0), "at {now}");
        tries += summary.retried;
        now += step;
    }
    let due = outbox(&db.db).await;
    assert!(
        due.len() > already + 20,
        "{} messages were due during the day",
        due.len() - already
    );
    assert!(
        tries as usize > due.len(),
        "each message was tried more than once while the server was down ({tries} tries)"
    );
    for row in &due {
        assert_eq!(
            (row.status.as_str(), row.attempts),
            ("pending", 0),
            "{row:?}"
        );
        assert!(
            row.last_error
                .as_deref()
                .is_some_and(|e| e.contains("Connection refused")),
            "{row:?}"
        );
    }

    // Back on the same port; the scheduler goes on ticking every hour, and nothing new falls
    // due before 09:00 in Bucharest.
    let server = SmtpServer::on(port);
    let until = back + chrono::Duration::hours(3);
    while now < until {
        clock.set(now);
        engine.tick(now).await.expect("tick");
        engine.send_outbox(&sender, BATCH).await.expect("send");
        now += step;
    }
    let rows = outbox(&db.db).await;
    assert_eq!(rows.len(), due.len(), "nothing new was due after the day");
    let received = delivered(&server.received());
    assert_eq!(received.len(), rows.len(), "each message once");
    let numbers: BTreeMap<i64, String> = action::Entity::find()
        .all(&db.db)
        .await
        .expect("actions")
        .into_iter()
        .map(|a| (a.id, a.number))
        .collect();
    let actions: BTreeMap<i64, &String> = task::Entity::find()
        .all(&db.db)
        .await
        .expect("tasks")
        .into_iter()
        .filter_map(|t| Some((t.id, numbers.get(&t.action_id)?)))
        .collect();
    for row in &rows {
        assert_eq!((row.status.as_str(), row.attempts), ("sent", 1), "{row:?}");
        let id = row
            .message_id
            .as_deref()
            .expect("a sent message has its id");
        let message = received
            .get(id)
            .unwrap_or_else(|| panic!("{row:?} never arrived"));
        assert_eq!(message.to, std::slice::from_ref(&row.recipient));
        assert_eq!(message.kind, row.kind);
        if let Some(task) = row.task_id {
            let number = actions.get(&task).expect("the task's action");
            assert!(
                message.subject.contains(number.as_str()),
                "{} names action {number}",
                message.subject
            );
        }
    }
    let kinds: BTreeSet<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    assert!(kinds.contains("reminder"), "{kinds:?}");
    assert_history_healthy(&db.db).await;
}

/// The month of June 2021 on the anti-trafficking plan, one scheduler instant a day (10:00 in
/// Bucharest, after the reminders' sending time);
/// on the 10th, every 10th task is acknowledged by its institution. `replicas` engines (each
/// with its own connection pool, clock and sender) run each instant at once on their own tokio
/// tasks, their clocks a few seconds apart: each ticks as of the instant, then drains the outbox.
/// Returns what the SMTP server received (sorted), and how many ticks ran (were not skipped) per
/// instant.
async fn month_of_ticks(db: &TestDb, replicas: usize) -> (Vec<Delivered>, Vec<usize>) {
    let clock = ManualClock::new(at(2021, 6, 1, 0));
    let first = engine_on(db.db.clone(), &clock);
    import_anti_trafficking_plan(&first, &db.db).await;
    let instants: Vec<DateTime<Utc>> = (0..30)
        .map(|i| at(2021, 6, 1, 7) + chrono::Duration::days(i))
        .collect();
    let acknowledge_at = at(2021, 6, 10, 7);
    let server = SmtpServer::start();
    let barrier = Arc::new(tokio::sync::Barrier::new(replicas));
    let mut running = Vec::new();
    for replica in 0..replicas {
        let clock = ManualClock::new(instants[0]);
        let pool = database::connect(&db.url).await.expect("a pool of its own");
        let engine = engine_on(pool.clone(), &clock);
        let sender = smtp::sender(server.port, "Mandate <mandate@mandate.test>", 8);
        let (barrier, instants) = (barrier.clone(), instants.clone());
        running.push(tokio::spawn(async move {
            let skew = chrono::Duration::seconds(replica as i64 * 3);
            let mut ran = Vec::new();
            for instant in instants {
                // Every replica is done with the instant before; the work between instants
                // (acknowledgements) is done before any of them ticks.
                barrier.wait().await;
                clock.set(instant + skew);
                if replica == 0 && instant == acknowledge_at {
                    acknowledge_every_tenth_task(&engine, &pool).await;
                }
                barrier.wait().await;
                let tick = engine.tick(instant).await.expect("tick");
                ran.push(usize::from(!tick.skipped));
                engine.send_outbox(&sender, BATCH).await.expect("send");
            }
            ran
        }));
    }
    let mut per_instant = vec![0; instants.len()];
    for replica in running {
        let ran = replica.await.expect("replica");
        for (total, one) in per_instant.iter_mut().zip(ran) {
            *total += one;
        }
    }
    let rows = outbox(&db.db).await;
    assert!(
        rows.iter().all(|r| r.status == "sent"),
        "every message went: {:?}",
        rows.iter().find(|r| r.status != "sent")
    );
    let received = delivered(&server.received());
    assert_eq!(received.len(), rows.len());
    assert_history_healthy(&db.db).await;
    let mut received: Vec<Delivered> = received.into_values().collect();
    received.sort();
    (received, per_instant)
}

async fn acknowledge_every_tenth_task(engine: &Engine, db: &DatabaseConnection) {
    // In id order: PostgreSQL returns rows in no set order, and the passes rewrite every task.
    let tasks = task::Entity::find()
        .order_by_asc(task::Column::Id)
        .all(db)
        .await
        .expect("tasks");
    for t in tasks.iter().step_by(10).filter(|t| t.open) {
        let member = Actor::user("m@example.ro", UserRole::Member, Some(t.institution_id));
        let fire = Fire::new(t.id, t.version, "acknowledge");
        engine.fire(&member, fire).await.expect("acknowledge");
    }
}

/// Fault: three replicas on one database run the scheduler and the sender at the same
/// instants, concurrently. Guarantee: one pass runs per instant, and the SMTP server receives
/// each reminder exactly once — the very messages a single replica sends over the same month.
async fn three_replicas_over_a_month_send_each_reminder_once(db: TestDb) {
    let (three, ran) = month_of_ticks(&db, 3).await;
    assert!(
        ran.iter().all(|&r| r == 1),
        "one pass per instant, the others skip: {ran:?}"
    );
    let alone = if db.is_postgres() {
        TestDb::postgres().await
    } else {
        TestDb::sqlite().await
    };
    let (one, _) = month_of_ticks(&alone, 1).await;
    assert!(one.len() > 200, "{} reminders in the month", one.len());
    assert_eq!(three.len(), one.len());
    assert_eq!(three, one);
}
