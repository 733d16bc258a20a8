//! Who may read what, as SQL conditions: one rule per table ([`Readable`]), so that a read adds
//! the rule to its query and no list is ever loaded and then filtered. Writes are checked where
//! they happen (`tasks`, `plans`, `accounts`); they start from these rules too, so that anything
//! an actor may not read is `NotFound` before any other check.
//!
//! - admins and auditors read everything;
//! - a coordinator reads the plans its institution owns (and everything in them), and what a
//!   member of its institution reads;
//! - a member reads its institution's tasks, every task of the actions its institution leads (the
//!   lead consolidates and signs off partners' reports), the actions its institution takes part in
//!   (assigned to it, or holding a task of it), and the plans those actions belong to; the
//!   objectives, periods, indicators and assignments of what it reads; the reports and sign-offs
//!   of the tasks it reads; the events of those tasks and of those actions; the outbox rows
//!   addressed to its institution;
//! - institutions are a directory shared by every plan: everyone reads all of them.

use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait};

use crate::domain::{Actor, UserRole};
use crate::entity::{
    action, assignment, event, indicator, indicator_value, institution, notification, objective,
    performance_indicator, plan, report, reporting_period, sign_off, task,
};

/// How far an actor's reading reaches.
enum Reach {
    Everything,
    /// What institution `id` takes part in; with `owns_plans`, also the plans it owns.
    Institution {
        id: i64,
        owns_plans: bool,
    },
    Nothing,
}

fn reach(actor: &Actor) -> Reach {
    match (actor.role, actor.institution_id) {
        (UserRole::Admin | UserRole::Auditor, _) => Reach::Everything,
        (UserRole::Coordinator, Some(id)) => Reach::Institution {
            id,
            owns_plans: true,
        },
        (UserRole::Member, Some(id)) => Reach::Institution {
            id,
            owns_plans: false,
        },
        (UserRole::Coordinator | UserRole::Member, None) => Reach::Nothing,
    }
}

/// Whether `actor` reads every row of every table.
pub(crate) fn reads_everything(actor: &Actor) -> bool {
    matches!(reach(actor), Reach::Everything)
}

/// A table whose rows an actor may or may not read.
pub trait Readable: EntityTrait {
    /// The rows of this table `actor` may read.
    fn readable_by(actor: &Actor) -> Condition;
}

/// A condition that holds for no row.
fn none() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

fn owned_plans(owner: i64) -> SelectStatement {
    Query::select()
        .column(plan::Column::Id)
        .from(plan::Entity)
        .and_where(plan::Column::OwnerId.eq(owner))
        .to_owned()
}

fn assigned_actions(institution: i64) -> SelectStatement {
    Query::select()
        .column(assignment::Column::ActionId)
        .from(assignment::Entity)
        .and_where(assignment::Column::InstitutionId.eq(institution))
        .to_owned()
}

/// The actions or plans (`column` of `task`) where `institution` has a task: an institution
/// taken off an action keeps the tasks it had started there.
fn with_tasks_of(institution: i64, column: task::Column) -> SelectStatement {
    Query::select()
        .column(column)
        .from(task::Entity)
        .and_where(task::Column::InstitutionId.eq(institution))
        .to_owned()
}

fn led_actions(institution: i64) -> SelectStatement {
    Query::select()
        .column(assignment::Column::ActionId)
        .from(assignment::Entity)
        .and_where(assignment::Column::InstitutionId.eq(institution))
        .and_where(assignment::Column::Lead.eq(true))
        .to_owned()
}

/// `column` (an action id) names an action `institution` takes part in.
fn taking_part(institution: i64, column: impl ColumnTrait) -> Condition {
    Condition::any()
        .add(column.in_subquery(assigned_actions(institution)))
        .add(column.in_subquery(with_tasks_of(institution, task::Column::ActionId)))
}

/// The tasks of `institution` and of the actions it leads.
fn tasks_of(institution: i64) -> SelectStatement {
    Query::select()
        .column(task::Column::Id)
        .from(task::Entity)
        .cond_where(
            Condition::any()
                .add(task::Column::InstitutionId.eq(institution))
                .add(task::Column::ActionId.in_subquery(led_actions(institution))),
        )
        .to_owned()
}

/// `column` names a row of `E` that `actor` may read.
fn among<E: Readable>(actor: &Actor, column: impl ColumnTrait, id: E::Column) -> Condition {
    match reach(actor) {
        Reach::Everything => Condition::all(),
        Reach::Nothing => none(),
        Reach::Institution { .. } => Condition::all().add(
            column.in_subquery(
                Query::select()
                    .column(id)
                    .from(E::default())
                    .cond_where(E::readable_by(actor))
                    .to_owned(),
            ),
        ),
    }
}

/// The tasks `actor` may read.
pub fn task_scope(actor: &Actor) -> Condition {
    match reach(actor) {
        Reach::Everything => Condition::all(),
        Reach::Nothing => none(),
        Reach::Institution { id, owns_plans } => {
            let mut any = Condition::any()
                .add(task::Column::InstitutionId.eq(id))
                .add(task::Column::ActionId.in_subquery(led_actions(id)));
            if owns_plans {
                any = any.add(task::Column::PlanId.in_subquery(owned_plans(id)));
            }
            any
        }
    }
}

/// [`task_scope`]'s rule for one task whose action's lead and plan's owner are known.
pub fn may_read_task(actor: &Actor, institution_id: i64, lead: Option<i64>, owner: i64) -> bool {
    match reach(actor) {
        Reach::Everything => true,
        Reach::Nothing => false,
        Reach::Institution { id, owns_plans } => {
            institution_id == id || lead == Some(id) || (owns_plans && owner == id)
        }
    }
}

/// The actions `actor` may read.
pub fn action_scope(actor: &Actor) -> Condition {
    match reach(actor) {
        Reach::Everything => Condition::all(),
        Reach::Nothing => none(),
        Reach::Institution { id, owns_plans } => {
            let mut any = Condition::any().add(taking_part(id, action::Column::Id));
            if owns_plans {
                any = any.add(action::Column::PlanId.in_subquery(owned_plans(id)));
            }
            any
        }
    }
}

/// The plans `actor` may read.
pub fn plan_scope(actor: &Actor) -> Condition {
    match reach(actor) {
        Reach::Everything => Condition::all(),
        Reach::Nothing => none(),
        Reach::Institution { id, owns_plans } => {
            let assigned = Query::select()
                .column(action::Column::PlanId)
                .from(action::Entity)
                .and_where(action::Column::Id.in_subquery(assigned_actions(id)))
                .to_owned();
            let mut any = Condition::any()
                .add(plan::Column::Id.in_subquery(assigned))
                .add(plan::Column::Id.in_subquery(with_tasks_of(id, task::Column::PlanId)));
            if owns_plans {
                any = any.add(plan::Column::OwnerId.eq(id));
            }
            any
        }
    }
}

/// The events `actor` may read: those of readable tasks, and action-level events (assignments,
/// period approvals) of the actions it takes part in; for a coordinator, every event of the plans
/// it owns.
pub fn event_scope(actor: &Actor) -> Condition {
    match reach(actor) {
        Reach::Everything => Condition::all(),
        Reach::Nothing => none(),
        Reach::Institution { id, owns_plans } => {
            let mut any = Condition::any()
                .add(event::Column::TaskId.in_subquery(tasks_of(id)))
                .add(
                    Condition::all()
                        .add(event::Column::TaskId.is_null())
                        .add(taking_part(id, event::Column::ActionId)),
                );
            if owns_plans {
                any = any.add(event::Column::PlanId.in_subquery(owned_plans(id)));
            }
            any
        }
    }
}

/// The outbox rows `actor` may read: admins and auditors all; others, those addressed to their
/// institution.
pub fn notification_scope(actor: &Actor) -> Condition {
    match (reach(actor), actor.institution_id) {
        (Reach::Everything, _) => Condition::all(),
        (_, Some(id)) => Condition::all().add(notification::Column::InstitutionId.eq(id)),
        (_, None) => none(),
    }
}

/// The sign-offs `actor` may read: those of readable periods, and of them, the task sign-offs of
/// readable tasks and the coordinator's approvals (which have no task).
pub fn sign_off_scope(actor: &Actor) -> Condition {
    match reach(actor) {
        Reach::Everything => Condition::all(),
        Reach::Nothing => none(),
        Reach::Institution { .. } => Condition::all()
            .add(among::<reporting_period::Entity>(
                actor,
                sign_off::Column::PeriodId,
                reporting_period::Column::Id,
            ))
            .add(
                Condition::any()
                    .add(sign_off::Column::TaskId.is_null())
                    .add(among::<task::Entity>(
                        actor,
                        sign_off::Column::TaskId,
                        task::Column::Id,
                    )),
            ),
    }
}

impl Readable for task::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        task_scope(actor)
    }
}

impl Readable for action::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        action_scope(actor)
    }
}

impl Readable for plan::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        plan_scope(actor)
    }
}

impl Readable for event::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        event_scope(actor)
    }
}

impl Readable for notification::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        notification_scope(actor)
    }
}

impl Readable for sign_off::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        sign_off_scope(actor)
    }
}

/// The objectives of readable plans.
impl Readable for objective::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        among::<plan::Entity>(actor, objective::Column::PlanId, plan::Column::Id)
    }
}

/// The periods of readable actions.
impl Readable for reporting_period::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        among::<action::Entity>(
            actor,
            reporting_period::Column::ActionId,
            action::Column::Id,
        )
    }
}

/// The indicators of readable actions.
impl Readable for indicator::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        among::<action::Entity>(actor, indicator::Column::ActionId, action::Column::Id)
    }
}

/// The performance indicators of readable plans.
impl Readable for performance_indicator::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        among::<plan::Entity>(
            actor,
            performance_indicator::Column::PlanId,
            plan::Column::Id,
        )
    }
}

/// The values of readable performance indicators.
impl Readable for indicator_value::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        among::<performance_indicator::Entity>(
            actor,
            indicator_value::Column::PerformanceIndicatorId,
            performance_indicator::Column::Id,
        )
    }
}

/// Who takes part in readable actions.
impl Readable for assignment::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        among::<action::Entity>(actor, assignment::Column::ActionId, action::Column::Id)
    }
}

/// The reports of readable tasks.
impl Readable for report::Entity {
    fn readable_by(actor: &Actor) -> Condition {
        among::<task::Entity>(actor, report::Column::TaskId, task::Column::Id)
    }
}

/// The shared directory: every institution, for everyone.
impl Readable for institution::Entity {
    fn readable_by(_actor: &Actor) -> Condition {
        Condition::all()
    }
}

#[cfg(test)]
mod tests {
    use super::may_read_task;
    use crate::domain::{Actor, UserRole};

    #[test]
    fn a_task_is_read_by_its_institution_the_lead_and_the_plan_owner() {
        let (own, lead, owner, other) = (1, 2, 3, 4);
        let member = |id| Actor::user("m", UserRole::Member, Some(id));
        let coordinator = |id| Actor::user("c", UserRole::Coordinator, Some(id));
        assert!(may_read_task(&member(own), own, Some(lead), owner));
        assert!(may_read_task(&member(lead), own, Some(lead), owner));
        assert!(!may_read_task(&member(other), own, Some(lead), owner));
        assert!(!may_read_task(&member(own), other, None, owner));
        // Owning the plan counts for its coordinators, not its members.
        assert!(!may_read_task(&member(owner), own, Some(lead), owner));
        assert!(may_read_task(&coordinator(owner), own, Some(lead), owner));
        assert!(!may_read_task(&coordinator(other), own, Some(lead), owner));
        // Without an institution a member reads nothing; an admin or auditor everything.
        assert!(!may_read_task(
            &Actor::user("m", UserRole::Member, None),
            own,
            Some(lead),
            owner
        ));
        assert!(may_read_task(
            &Actor::user("a", UserRole::Auditor, None),
            own,
            None,
            owner
        ));
        assert!(may_read_task(&Actor::operator(), own, None, owner));
    }
}
