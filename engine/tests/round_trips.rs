//! The statements a transition sends to the database, counted and named, so that a change that
//! adds a round trip to the hot path fails here; the task a transition returns is the row as
//! committed; a version changed after the transition read the task is still a conflict; and each
//! statement to PostgreSQL over TCP leaves at once, without waiting on Nagle's algorithm.

mod support;

use std::collections::BTreeMap;

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use mandate_engine::Error;
use mandate_engine::domain::EmailAddress;
use mandate_engine::entity::{notification, task};
use mandate_engine::notifications::status;
use mandate_engine::tasks::lifecycle::Role;
use mandate_engine::tasks::{Fire, ReportInput};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};
use serde_json::json;
use support::{Fixture, TestDb};

on_both_databases!(
    acknowledge_and_submit_send_only_the_statements_they_need,
    a_version_changed_after_the_task_was_read_is_a_conflict,
    a_transition_drops_the_reminders_a_pass_queued_and_only_then_deletes,
);

/// How a transition reads its task: locked on PostgreSQL (SQLite's write lock is held already).
fn read_task(postgres: bool) -> &'static str {
    if postgres {
        "SELECT tasks FOR UPDATE"
    } else {
        "SELECT tasks"
    }
}

/// What appending one event to a plan's chain sends: the plan's lock (PostgreSQL), the last
/// hash, and the event (on PostgreSQL announced on the bus by the same statement).
fn event_append(postgres: bool) -> Vec<&'static str> {
    if postgres {
        vec![
            "SELECT plans FOR UPDATE",
            "SELECT events",
            "WITH (INSERT events RETURNING) SELECT appended",
        ]
    } else {
        vec!["SELECT events", "INSERT events RETURNING"]
    }
}

async fn acknowledge_and_submit_send_only_the_statements_they_need(db: TestDb) {
    let f = Fixture::new(&db).await;
    let (engine, log) = f.engine.with_statement_log();
    let member = f.member(&f.lead);
    let t = f.task_of(&f.lead).await;
    log.take();

    let acknowledged = engine
        .fire(&member, Fire::playing(t.id, t.version, Role::Acknowledge))
        .await
        .expect("acknowledge");
    let mut expected = vec![
        // The task with its action, plan, institution and lead, as the member may read it
        // (locked until the commit on PostgreSQL).
        read_task(db.is_postgres()),
        // The versioned update, returning the row. No scheduler pass queued reminders of the
        // task, so there are none to drop.
        "UPDATE tasks RETURNING",
    ];
    expected.extend(event_append(db.is_postgres()));
    assert_eq!(log.take_outlines(), expected, "acknowledge");
    let stored = task::Entity::find_by_id(t.id)
        .one(&db.db)
        .await
        .expect("read")
        .expect("task");
    assert_eq!(
        acknowledged, stored,
        "the returned task is the committed row"
    );
    assert_eq!(
        (stored.state.as_str(), stored.version),
        ("acknowledged", t.version + 1)
    );

    let started = engine
        .fire(
            &member,
            Fire::playing(acknowledged.id, acknowledged.version, Role::Start),
        )
        .await
        .expect("start");
    log.take();
    let report = ReportInput {
        indicator_values: BTreeMap::from([("Număr de campanii".to_owned(), json!(3))]),
        narrative: "Raport".to_owned(),
        evidence: vec!["https://anitp.mai.gov.ro/campanie".to_owned()],
    };
    let submitted = engine
        .fire(
            &member,
            Fire::playing(started.id, started.version, Role::Submit).report(report),
        )
        .await
        .expect("submit");
    let mut expected = vec![
        read_task(db.is_postgres()),
        // The action's indicators, to check the report's values against.
        "SELECT indicators",
        "UPDATE tasks RETURNING",
        "INSERT reports RETURNING",
    ];
    expected.extend(event_append(db.is_postgres()));
    assert_eq!(log.take_outlines(), expected, "submit");
    let stored = task::Entity::find_by_id(t.id)
        .one(&db.db)
        .await
        .expect("read")
        .expect("task");
    assert_eq!(submitted, stored, "the returned task is the committed row");
    assert_eq!(
        (stored.state.as_str(), stored.version),
        ("submitted", t.version + 3)
    );
}

/// Whether a session of this database waits for a row lock (PostgreSQL).
async fn someone_waits_for_a_lock(db: &TestDb) -> bool {
    db.db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT 1 AS waiting FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        ))
        .await
        .expect("sessions")
        .is_some()
}

async fn a_version_changed_after_the_task_was_read_is_a_conflict(db: TestDb) {
    let f = Fixture::new(&db).await;
    let t = f.task_of(&f.lead).await;
    // Another writer bumps the version and holds its transaction open.
    let other = mandate_engine::db::begin_write(&db.db)
        .await
        .expect("other writer");
    task::Entity::update_many()
        .col_expr(task::Column::Version, Expr::value(t.version + 1))
        .filter(task::Column::Id.eq(t.id))
        .exec(&other)
        .await
        .expect("bump");
    let firing = tokio::spawn({
        let (engine, member) = (f.engine.clone(), f.member(&f.lead));
        async move {
            engine
                .fire(&member, Fire::playing(t.id, t.version, Role::Acknowledge))
                .await
        }
    });
    if db.is_postgres() {
        // The transition waits on the row to read it (on SQLite it waits for the write lock
        // before reading anything).
        let deadline = Instant::now() + Duration::from_secs(10);
        while !someone_waits_for_a_lock(&db).await {
            assert!(
                Instant::now() < deadline,
                "the transition never waited for the row"
            );
            tokio::task::yield_now().await;
        }
    }
    other.commit().await.expect("commit");
    let outcome = firing.await.expect("transition");
    assert!(
        matches!(
            outcome,
            Err(Error::Conflict { expected, actual }) if expected == t.version && actual == t.version + 1
        ),
        "{outcome:?}"
    );
    let stored = task::Entity::find_by_id(t.id)
        .one(&db.db)
        .await
        .expect("read")
        .expect("task");
    assert_eq!(
        (stored.state.as_str(), stored.version),
        (t.state.as_str(), t.version + 1),
        "the refused transition changed nothing"
    );
}

/// The pending deadline notifications of task `id`.
async fn pending_reminders(db: &TestDb, id: i64) -> usize {
    notification::Entity::find()
        .filter(notification::Column::TaskId.eq(id))
        .filter(notification::Column::Status.eq(status::PENDING))
        .filter(notification::Column::Kind.is_in(["reminder", "due_today", "overdue", "ack_chase"]))
        .all(&db.db)
        .await
        .expect("outbox")
        .len()
}

async fn a_transition_drops_the_reminders_a_pass_queued_and_only_then_deletes(db: TestDb) {
    let f = Fixture::new(&db).await;
    let address = EmailAddress::parse("lead@example.ro").expect("address");
    f.engine
        .set_institution_emails(&f.admin, &f.lead.code, &[address])
        .await
        .expect("addresses");
    // Monday 31 May 2021, 10:00 in Bucharest: 30 days before the first half-year's end.
    let at = Utc.with_ymd_and_hms(2021, 5, 31, 7, 0, 0).unwrap();
    f.clock.set(at);
    let pass = f.engine.tick(at).await.expect("tick");
    assert!(pass.written > 0, "the pass queued reminders");
    let reminded = notification::Entity::find()
        .filter(notification::Column::InstitutionId.eq(f.lead.id))
        .filter(notification::Column::Status.eq(status::PENDING))
        .one(&db.db)
        .await
        .expect("outbox")
        .and_then(|n| n.task_id)
        .expect("a reminder of one of the lead's tasks");
    let t = task::Entity::find_by_id(reminded)
        .one(&db.db)
        .await
        .expect("read")
        .expect("task");
    assert!(t.reminders_queued, "the pass marked the task");
    assert!(pending_reminders(&db, t.id).await > 0);

    let (engine, log) = f.engine.with_statement_log();
    let member = f.member(&f.lead);
    log.take();
    let acknowledged = engine
        .fire(&member, Fire::playing(t.id, t.version, Role::Acknowledge))
        .await
        .expect("acknowledge");
    assert!(
        log.take_outlines()
            .contains(&"DELETE notifications".to_owned()),
        "the reminders queued for the pending task are dropped"
    );
    assert_eq!(pending_reminders(&db, t.id).await, 0);
    assert!(!acknowledged.reminders_queued);

    // Nothing was queued since: the next transition has nothing to drop and does not look.
    engine
        .fire(
            &member,
            Fire::playing(acknowledged.id, acknowledged.version, Role::Start),
        )
        .await
        .expect("start");
    assert!(
        !log.take_outlines()
            .contains(&"DELETE notifications".to_owned())
    );
}

/// Every connection of the pool to PostgreSQL over TCP has `TCP_NODELAY`: without it, a
/// statement longer than a TCP segment waits about 40 ms for the server's delayed
/// acknowledgement before its last segment leaves (sqlx 0.9.0 no longer sets it).
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL: set MANDATE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test to run"
)]
async fn connections_to_postgresql_send_each_statement_at_once() {
    use sea_orm::TransactionTrait;

    let test_db = TestDb::postgres().await;
    // Three connections of the pool at once, each holding a transaction; the local port of each,
    // as the server sees it (other tests of this binary open connections meanwhile).
    let mut open = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..3 {
        let txn = test_db.db.begin().await.expect("a transaction");
        let port: i32 = txn
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT inet_client_port()",
            ))
            .await
            .expect("the connection's port")
            .and_then(|row| row.try_get_by_index::<Option<i32>>(0).ok().flatten())
            .expect("a connection over TCP (MANDATE_TEST_POSTGRES names a host, not a socket)");
        ports.push(u16::try_from(port).expect("a port"));
        open.push(txn);
    }
    let nodelay: Vec<Option<bool>> = ports.iter().map(|p| nodelay_of_socket_from(*p)).collect();
    assert_eq!(
        nodelay,
        [Some(true); 3],
        "TCP_NODELAY on the sockets from ports {ports:?}"
    );
}

/// Whether this process's TCP socket from local `port` has `TCP_NODELAY`; `None` if there is
/// none.
#[cfg(target_os = "linux")]
fn nodelay_of_socket_from(port: u16) -> Option<bool> {
    use rustix::process::{PidfdFlags, PidfdGetfdFlags, getpid, pidfd_getfd, pidfd_open};

    let this = pidfd_open(getpid(), PidfdFlags::empty()).expect("a pidfd of this process");
    let fds = std::fs::read_dir("/proc/self/fd").expect("this process's files");
    for entry in fds.flatten() {
        let socket = std::fs::read_link(entry.path())
            .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"));
        let number = entry.file_name().to_str().and_then(|n| n.parse().ok());
        let Some(copy) = number
            .filter(|_| socket)
            .and_then(|fd| pidfd_getfd(&this, fd, PidfdGetfdFlags::empty()).ok())
        else {
            continue;
        };
        let Ok(name) = rustix::net::getsockname(&copy) else {
            // Another test's file took the number meanwhile: closing this copy would drop the
            // process's POSIX locks on it.
            std::mem::forget(copy);
            continue;
        };
        if std::net::SocketAddr::try_from(name).is_ok_and(|a| a.port() == port) {
            return Some(rustix::net::sockopt::tcp_nodelay(&copy).expect("TCP_NODELAY"));
        }
    }
    None
}
