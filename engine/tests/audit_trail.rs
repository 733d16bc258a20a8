//! The audit trail is tamper-evident: events chain by hash per plan, `verify_audit_trail` finds
//! an event changed or removed with raw SQL at exactly that event, concurrent writers do not
//! fork a chain, and a plan with events cannot be deleted.

mod support;

use mandate_engine::audit::Verification;
use mandate_engine::entity::{event, plan, task};
use mandate_engine::tasks::Fire;
use mandate_migrations::audit_chain::GENESIS;
use mandate_migrations::{Migrator, MigratorTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use support::{Fixture, TestDb};

on_both_databases!(
    a_plans_history_verifies,
    an_edited_comment_is_found_at_that_event,
    a_deleted_event_is_found_at_the_event_after_it,
    concurrent_writers_on_one_plan_keep_one_chain,
    a_plan_with_events_cannot_be_deleted,
    an_archived_plan_keeps_its_trail_and_gets_no_reminders,
    the_migration_chains_events_written_before_it,
);

/// Acknowledges and starts the first-period tasks of the lead and the responsible institution,
/// with a comment on each step.
async fn some_history(f: &Fixture) {
    for inst in [&f.lead, &f.responsible] {
        let member = f.member(inst);
        let mut t = f.task_of(inst).await;
        for transition in ["acknowledge", "start"] {
            t = f
                .engine
                .fire(
                    &member,
                    Fire::new(t.id, t.version, transition).comment(&format!("{transition} ok")),
                )
                .await
                .unwrap_or_else(|e| panic!("{transition}: {e}"));
        }
    }
}

async fn plan_events(f: &Fixture) -> Vec<event::Model> {
    event::Entity::find()
        .filter(event::Column::PlanId.eq(f.plan.id))
        .order_by_asc(event::Column::Id)
        .all(&f.db)
        .await
        .expect("events")
}

async fn verify(f: &Fixture) -> Verification {
    f.engine
        .verify_audit_trail(Some("test-plan"))
        .await
        .expect("verify")
}

async fn a_plans_history_verifies(db: TestDb) {
    let f = Fixture::new(&db).await;
    some_history(&f).await;
    let events = plan_events(&f).await;
    assert!(events.len() > 4, "{} events", events.len());
    assert_eq!(events[0].prev_hash, GENESIS);
    for pair in events.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash, "event {}", pair[1].id);
    }
    assert_eq!(
        verify(&f).await,
        Verification::Intact {
            plans: 1,
            events: events.len() as u64
        }
    );
    assert_eq!(
        f.engine.verify_audit_trail(None).await.expect("verify all"),
        Verification::Intact {
            plans: 1,
            events: events.len() as u64
        }
    );
    assert!(
        f.engine
            .verify_audit_trail(Some("no-such-plan"))
            .await
            .is_err()
    );
}

async fn an_edited_comment_is_found_at_that_event(db: TestDb) {
    let f = Fixture::new(&db).await;
    some_history(&f).await;
    let events = plan_events(&f).await;
    let edited = events
        .iter()
        .rev()
        .nth(1)
        .expect("an event before the last");
    assert!(edited.comment.is_some());
    f.db.execute_unprepared(&format!(
        "UPDATE events SET comment = 'nothing happened' WHERE id = {}",
        edited.id
    ))
    .await
    .expect("edit the comment");
    match verify(&f).await {
        Verification::Broken(link) => {
            assert_eq!(link.plan, "test-plan");
            assert_eq!(link.event_id, edited.id);
            assert!(link.problem.contains("was changed"), "{}", link.problem);
        }
        intact => panic!("an edited event went unnoticed: {intact:?}"),
    }
}

async fn a_deleted_event_is_found_at_the_event_after_it(db: TestDb) {
    let f = Fixture::new(&db).await;
    some_history(&f).await;
    let events = plan_events(&f).await;
    let middle = events.len() / 2;
    f.db.execute_unprepared(&format!(
        "DELETE FROM events WHERE id = {}",
        events[middle].id
    ))
    .await
    .expect("delete an event");
    match verify(&f).await {
        Verification::Broken(link) => {
            assert_eq!(link.event_id, events[middle + 1].id);
            assert!(link.problem.contains("removed"), "{}", link.problem);
        }
        intact => panic!("a removed event went unnoticed: {intact:?}"),
    }
    // Removing the plan's first event breaks the link of the new first one.
    f.db.execute_unprepared(&format!("DELETE FROM events WHERE id = {}", events[0].id))
        .await
        .expect("delete the first event");
    match verify(&f).await {
        Verification::Broken(link) => assert_eq!(link.event_id, events[1].id),
        intact => panic!("a removed first event went unnoticed: {intact:?}"),
    }
}

async fn concurrent_writers_on_one_plan_keep_one_chain(db: TestDb) {
    let f = Fixture::new(&db).await;
    let tasks: Vec<task::Model> = task::Entity::find()
        .filter(task::Column::PlanId.eq(f.plan.id))
        .all(&f.db)
        .await
        .expect("tasks");
    assert!(tasks.len() >= 8, "{} tasks", tasks.len());
    let before = plan_events(&f).await.len();
    let fires = tasks.iter().map(|t| {
        let engine = f.engine.clone();
        let coordinator = f.coordinator.clone();
        let request = Fire::new(t.id, t.version, "cancel").reason("plan changed");
        async move { engine.fire(&coordinator, request).await }
    });
    for result in futures_util::future::join_all(fires).await {
        result.expect("cancel");
    }
    assert_eq!(plan_events(&f).await.len(), before + tasks.len());
    assert!(matches!(verify(&f).await, Verification::Intact { .. }));
}

async fn a_plan_with_events_cannot_be_deleted(db: TestDb) {
    let f = Fixture::new(&db).await;
    let refused =
        f.db.execute_unprepared(&format!("DELETE FROM plans WHERE id = {}", f.plan.id))
            .await;
    assert!(refused.is_err(), "a plan with events was deleted");
    assert!(
        plan::Entity::find_by_id(f.plan.id)
            .one(&f.db)
            .await
            .expect("plan")
            .is_some_and(|p| p.archived_at.is_none())
    );
    // Only the explicit purge, which says it destroys history, removes it.
    assert!(
        f.engine
            .purge_plan_destroying_history("test-plan")
            .await
            .expect("purge")
    );
    assert_eq!(event::Entity::find().count(&f.db).await.expect("count"), 0);
    assert!(
        !f.engine
            .purge_plan_destroying_history("test-plan")
            .await
            .expect("purge again")
    );
}

async fn the_migration_chains_events_written_before_it(db: TestDb) {
    let f = Fixture::new(&db).await;
    some_history(&f).await;
    let chained = plan_events(&f).await;
    Migrator::down(&db.db, Some(1)).await.expect("migrate down");
    Migrator::up(&db.db, None).await.expect("migrate up");
    let rechained = plan_events(&f).await;
    assert_eq!(
        rechained, chained,
        "the migration hashes as the engine does"
    );
    assert!(matches!(verify(&f).await, Verification::Intact { .. }));
    // The foreign key is restrictive again after the round trip.
    assert!(
        f.db.execute_unprepared(&format!("DELETE FROM plans WHERE id = {}", f.plan.id))
            .await
            .is_err()
    );
}

async fn an_archived_plan_keeps_its_trail_and_gets_no_reminders(db: TestDb) {
    let f = Fixture::new(&db).await;
    let before = plan_events(&f).await.len();
    let member = f.member(&f.lead);
    assert!(f.engine.archive_plan(&member, "test-plan").await.is_err());
    let archived = f
        .engine
        .archive_plan(&f.coordinator, "test-plan")
        .await
        .expect("archive");
    assert_eq!(archived.archived_at, Some(f.engine.now()));
    let again = f
        .engine
        .archive_plan(&f.coordinator, "test-plan")
        .await
        .expect("archive again");
    assert_eq!(again, archived);
    let events = plan_events(&f).await;
    assert_eq!(events.len(), before + 1);
    assert_eq!(events[before].kind, "plan_archived");
    assert!(matches!(verify(&f).await, Verification::Intact { .. }));
    // Far past every due date, the tick writes nothing for an archived plan.
    let late = chrono::DateTime::parse_from_rfc3339("2022-03-01T08:00:00Z")
        .expect("instant")
        .to_utc();
    let summary = f.engine.tick(late).await.expect("tick");
    assert_eq!(summary.written, 0);
}
