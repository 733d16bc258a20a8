//! The event bus: every subscriber sees each committed event once, in order; replicas on one
//! PostgreSQL database see each other's events; a subscriber that falls behind is resynchronised
//! with exactly the events it missed; a listener that loses its connection catches up; revoking
//! a token ends its watch on every replica.

mod support;

use std::sync::Arc;
use std::time::Duration;

use mandate_engine::accounts::NewUser;
use mandate_engine::bus::{BusItem, Credential, Subscriber};
use mandate_engine::domain::{Actor, EmailAddress, UserRole};
use mandate_engine::entity::{event, task};
use mandate_engine::tasks::Fire;
use mandate_engine::{Engine, db};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};
use support::{Fixture, TestDb};

on_both_databases!(
    every_subscriber_sees_a_transition_once,
    a_subscriber_that_falls_behind_is_resynchronised_with_what_it_missed,
    revoking_a_token_ends_its_watch,
);

/// How long a test waits for the bus before it fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// The next item of a subscriber, within [`PATIENCE`].
async fn next(subscriber: &mut Subscriber) -> BusItem {
    tokio::time::timeout(PATIENCE, subscriber.next())
        .await
        .expect("an item within the time allowed")
        .expect("the bus reads")
        .expect("the bus is open")
}

/// The id of the event of a bus item, which must be an event.
fn event_id(item: BusItem) -> i64 {
    match item {
        BusItem::Event(e) => e.event.id,
        BusItem::Resync => panic!("an event was expected, not a resync"),
    }
}

/// Acknowledges `task` as a member of its institution, through `engine`.
async fn acknowledge(engine: &Engine, task: &task::Model) -> task::Model {
    let member = Actor::user("member@bus.ro", UserRole::Member, Some(task.institution_id));
    engine
        .fire(&member, Fire::new(task.id, task.version, "acknowledge"))
        .await
        .expect("acknowledged")
}

/// The ids of the task events of the database, oldest first.
async fn task_event_ids(db: &impl ConnectionTrait) -> Vec<i64> {
    event::Entity::find()
        .filter(event::Column::TaskId.is_not_null())
        .order_by_asc(event::Column::Id)
        .all(db)
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.id)
        .collect()
}

/// A second replica: an engine with a pool of its own on the same database.
async fn replica(test_db: &TestDb, f: &Fixture) -> Engine {
    let pool = db::connect(&test_db.url).await.expect("a replica's pool");
    Engine::new(
        pool,
        Arc::new(f.clock.clone()),
        f.engine.lifecycles().clone(),
    )
}

async fn every_subscriber_sees_a_transition_once(test_db: TestDb) {
    let f = Fixture::new(&test_db).await;
    let mut first = f.engine.subscribe().await.expect("subscribed");
    let mut second = f.engine.subscribe().await.expect("subscribed");
    assert_eq!(f.engine.subscribers(), 2);
    let lead = f.task_of(&f.lead).await;
    let partner = f.task_of(&f.partners[0]).await;
    acknowledge(&f.engine, &lead).await;
    acknowledge(&f.engine, &partner).await;
    let ids = task_event_ids(&f.db).await;
    let fired = &ids[ids.len() - 2..];
    for subscriber in [&mut first, &mut second] {
        let BusItem::Event(seen) = next(subscriber).await else {
            panic!("an event, not a resync");
        };
        assert_eq!(seen.event.id, fired[0]);
        assert_eq!(seen.event.kind, "acknowledge");
        assert_eq!(seen.task.id, lead.id);
        assert_eq!(seen.task.state, "acknowledged");
        assert_eq!(event_id(next(subscriber).await), fired[1]);
    }
}

async fn a_subscriber_that_falls_behind_is_resynchronised_with_what_it_missed(test_db: TestDb) {
    let f = Fixture::new(&test_db).await;
    let engine = f.engine.clone().with_bus_capacity(2);
    let mut slow = engine.subscribe().await.expect("subscribed");
    let before = task_event_ids(&f.db).await.len();
    for institution in [&f.lead, &f.responsible, &f.partners[0], &f.partners[1]] {
        let task = f.task_of(institution).await;
        let task = acknowledge(&engine, &task).await;
        let owner = Actor::user("member@bus.ro", UserRole::Member, Some(task.institution_id));
        engine
            .fire(&owner, Fire::new(task.id, task.version, "start"))
            .await
            .expect("started");
    }
    let ids = task_event_ids(&f.db).await;
    let missed = ids[before..].to_vec();
    assert_eq!(missed.len(), 8, "two events for each of four tasks");
    let last = *missed.last().expect("an event");
    tokio::time::timeout(PATIENCE, engine.delivered(last))
        .await
        .expect("the listener fanned the events out");

    assert!(
        matches!(next(&mut slow).await, BusItem::Resync),
        "the subscriber is told it fell behind before anything else"
    );
    let mut resent = Vec::new();
    for _ in 0..missed.len() {
        resent.push(event_id(next(&mut slow).await));
    }
    assert_eq!(resent, missed, "exactly the events missed, in order");

    // Nothing is delivered twice: the next item is the next event.
    let task = f.task_of(&f.lead).await;
    let coordinator = f.coordinator.clone();
    engine
        .fire(
            &coordinator,
            Fire::new(task.id, task.version, "cancel").reason("plan changed"),
        )
        .await
        .expect("cancelled");
    let newest = *task_event_ids(&f.db).await.last().expect("an event");
    assert_eq!(event_id(next(&mut slow).await), newest);
}

async fn revoking_a_token_ends_its_watch(test_db: TestDb) {
    let f = Fixture::new(&test_db).await;
    let operator = Actor::operator();
    f.engine
        .create_user(
            &operator,
            NewUser {
                email: EmailAddress::parse("watcher@bus.ro").expect("e-mail"),
                name: "Watcher".to_owned(),
                role: UserRole::Auditor,
                institution: None,
            },
        )
        .await
        .expect("user");
    let kept = f
        .engine
        .issue_token(&operator, "watcher@bus.ro", None, None)
        .await
        .expect("token");
    let revoked = f
        .engine
        .issue_token(&operator, "watcher@bus.ro", None, None)
        .await
        .expect("token");
    // On PostgreSQL the watch and the revocation are on different replicas.
    let watcher = if test_db.is_postgres() {
        replica(&test_db, &f).await
    } else {
        f.engine.clone()
    };
    let kept_watch = watcher
        .watch_credential(Credential::Token(&kept.token))
        .await
        .expect("watching");
    let revoked_watch = watcher
        .watch_credential(Credential::Token(&revoked.token))
        .await
        .expect("watching");
    let kept_ended = tokio::spawn(kept_watch.ended());
    f.engine
        .revoke_token(&operator, revoked.record.id)
        .await
        .expect("revoked");
    tokio::time::timeout(PATIENCE, revoked_watch.ended())
        .await
        .expect("the revoked token's watch ended");
    assert!(!kept_ended.is_finished(), "the other token's watch goes on");

    // A token revoked before the watch begins ends it at once.
    let late = watcher
        .watch_credential(Credential::Token(&revoked.token))
        .await
        .expect("watching");
    tokio::time::timeout(PATIENCE, late.ended())
        .await
        .expect("a revoked token's watch ends at once");
    kept_ended.abort();
}

/// The acceptance of the bus: two replicas subscribe, a third fires a transition, both see it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL: set MANDATE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test to run"
)]
async fn replicas_see_a_transition_made_on_a_third() {
    let test_db = TestDb::postgres().await;
    let f = Fixture::new(&test_db).await;
    let (one, two) = (replica(&test_db, &f).await, replica(&test_db, &f).await);
    let mut on_one = one.subscribe().await.expect("subscribed");
    let mut on_two = two.subscribe().await.expect("subscribed");
    let task = f.task_of(&f.responsible).await;
    acknowledge(&f.engine, &task).await;
    let fired = *task_event_ids(&f.db).await.last().expect("an event");
    for subscriber in [&mut on_one, &mut on_two] {
        let BusItem::Event(seen) = next(subscriber).await else {
            panic!("an event, not a resync");
        };
        assert_eq!(seen.event.id, fired);
        assert_eq!(seen.task.id, task.id);
        assert_eq!(seen.task.state, "acknowledged");
    }
}

/// A listener whose connection is cut opens another and reads what committed meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL: set MANDATE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test to run"
)]
async fn a_listener_that_loses_its_connection_catches_up() {
    let test_db = TestDb::postgres().await;
    let f = Fixture::new(&test_db).await;
    let listening = replica(&test_db, &f).await;
    let mut subscriber = listening.subscribe().await.expect("subscribed");
    let cut =
        f.db.execute_raw(Statement::from_string(
            f.db.get_database_backend(),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        ))
        .await
        .expect("listener cut");
    assert_eq!(cut.rows_affected(), 1, "one listener was cut");
    let first = f.task_of(&f.lead).await;
    let second = f.task_of(&f.partners[1]).await;
    acknowledge(&f.engine, &first).await;
    acknowledge(&f.engine, &second).await;
    let ids = task_event_ids(&f.db).await;
    let fired = &ids[ids.len() - 2..];
    assert_eq!(event_id(next(&mut subscriber).await), fired[0]);
    assert_eq!(event_id(next(&mut subscriber).await), fired[1]);
}
