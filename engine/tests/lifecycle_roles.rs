//! What the engine does when a plan's lifecycle gives a role to no transition, on SQLite and
//! PostgreSQL: asking for the role is a clear `Validation` error on `lifecycle` that changes
//! nothing, withdrawal of tasks when the plan changes is refused without a `cancel` role, and
//! the transitions the lifecycle has still fire by name.

mod support;

use mandate_engine::Error;
use mandate_engine::entity::task;
use mandate_engine::plans::AssignmentChange;
use mandate_engine::tasks::Fire;
use mandate_engine::tasks::lifecycle::{Lifecycle, Lifecycles, Role};
use sea_orm::EntityTrait;
use support::{Fixture, TestDb};

on_both_databases!(a_missing_role_is_a_clear_error_that_changes_nothing);

/// The Polish lifecycle of `tests/lifecycles/` without its `cancel` role.
fn without_cancel() -> Lifecycles {
    let source = include_str!("lifecycles/polski.yaml");
    let changed = source.replace("\n  cancel: anuluj\n", "\n");
    assert_ne!(changed, source, "the lifecycle gives `cancel` a transition");
    let mut lifecycles = Lifecycles::builtin().expect("built-in lifecycles");
    lifecycles.insert(Lifecycle::parse(&changed, "polski.yaml").expect("valid lifecycle"));
    lifecycles
}

async fn a_missing_role_is_a_clear_error_that_changes_nothing(db: TestDb) {
    let f = Fixture::running(&db, without_cancel(), "polski").await;
    let partner = f.task_of(&f.partners[0]).await;

    let refused = f
        .engine
        .fire(
            &f.coordinator,
            Fire::playing(partner.id, partner.version, Role::Cancel).reason("Zmiana planu"),
        )
        .await;
    match refused {
        Err(Error::Validation { field, message }) => {
            assert_eq!(field, "lifecycle");
            assert_eq!(
                message,
                "the lifecycle `polski` gives no transition the role `cancel`"
            );
        }
        other => panic!("expected a validation error, got {other:?}"),
    }

    // Unassigning the partner would withdraw its waiting tasks: refused, nothing changed.
    let unassigned = f
        .engine
        .assign_action(
            &f.coordinator,
            f.action.id,
            AssignmentChange {
                lead: None,
                responsible: None,
                partners: Some(vec![f.partners[1].code.clone()]),
            },
        )
        .await;
    assert!(
        matches!(&unassigned, Err(Error::Validation { field, .. }) if field == "lifecycle"),
        "{unassigned:?}"
    );
    let now = task::Entity::find_by_id(partner.id)
        .one(&f.db)
        .await
        .expect("query")
        .expect("the task");
    assert_eq!(
        (now.state.as_str(), now.version),
        ("oczekuje", partner.version)
    );

    // The transition is still there by name, and the roles it does have still work.
    let fired = f
        .engine
        .fire(
            &f.coordinator,
            Fire::new(partner.id, partner.version, "anuluj").reason("Zmiana planu"),
        )
        .await
        .expect("fired by name");
    assert_eq!(fired.state, "anulowane");
    let other = f.task_of(&f.partners[1]).await;
    let member = f.member(&f.partners[1]);
    let acknowledged = f
        .engine
        .fire(
            &member,
            Fire::playing(other.id, other.version, Role::Acknowledge),
        )
        .await
        .expect("acknowledged");
    assert_eq!(acknowledged.state, "przyjete");
}
