//! What an actor may read. Writes are checked where they happen (`tasks`, `setup`, `accounts`);
//! reads are narrowed here, as SQL conditions, so that no list is ever loaded and then filtered.
//!
//! - admins and auditors read everything;
//! - a coordinator reads the plans its institution owns, and what a member of its institution reads;
//! - a member reads its institution's tasks, every task of the actions its institution leads (the
//!   lead consolidates and signs off partners' reports), the actions its institution is assigned
//!   to, and the plans those actions belong to.

use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use crate::domain::{Actor, UserRole};
use crate::engine::Engine;
use crate::entity::{action, assignment, event, plan, task};
use crate::error::{Error, Result};

/// How far an actor's reading reaches.
enum Reach {
    Everything,
    /// Plans owned by `owner` (coordinators), plus what `institution` takes part in.
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

/// A condition that holds for no row.
fn none() -> Condition {
    Condition::all().add(sea_orm::sea_query::Expr::cust("1 = 0"))
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

fn led_actions(institution: i64) -> SelectStatement {
    Query::select()
        .column(assignment::Column::ActionId)
        .from(assignment::Entity)
        .and_where(assignment::Column::InstitutionId.eq(institution))
        .and_where(assignment::Column::Lead.eq(true))
        .to_owned()
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

/// The actions `actor` may read.
pub fn action_scope(actor: &Actor) -> Condition {
    match reach(actor) {
        Reach::Everything => Condition::all(),
        Reach::Nothing => none(),
        Reach::Institution { id, owns_plans } => {
            let mut any =
                Condition::any().add(action::Column::Id.in_subquery(assigned_actions(id)));
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
            let taking_part = Query::select()
                .column(action::Column::PlanId)
                .from(action::Entity)
                .and_where(action::Column::Id.in_subquery(assigned_actions(id)))
                .to_owned();
            let mut any = Condition::any().add(plan::Column::Id.in_subquery(taking_part));
            if owns_plans {
                any = any.add(plan::Column::OwnerId.eq(id));
            }
            any
        }
    }
}

/// The events `actor` may read: those of readable tasks, and action-level events of readable
/// actions (assignments, period approvals).
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
                        .add(event::Column::ActionId.in_subquery(assigned_actions(id))),
                );
            if owns_plans {
                any = any.add(event::Column::PlanId.in_subquery(owned_plans(id)));
            }
            any
        }
    }
}

// A row an actor may not read is answered `NotFound`, exactly as a row that does not exist, so
// that no answer tells an unreadable row from a missing one.
impl Engine {
    /// Whether `actor` may read some tasks of institution `institution_id`: its own, those of
    /// actions it leads, or, for a coordinator, those in the plans it owns.
    pub async fn may_read_tasks_of(&self, actor: &Actor, institution_id: i64) -> Result<bool> {
        match reach(actor) {
            Reach::Everything => return Ok(true),
            Reach::Nothing => return Ok(false),
            Reach::Institution { id, .. } if id == institution_id => return Ok(true),
            Reach::Institution { .. } => {}
        }
        let condition = Condition::all()
            .add(task::Column::InstitutionId.eq(institution_id))
            .add(task_scope(actor));
        Ok(task::Entity::find()
            .filter(condition)
            .one(self.db())
            .await?
            .is_some())
    }

    /// Whether `actor` may read `task` (already loaded).
    pub async fn can_read_task(&self, actor: &Actor, task: &task::Model) -> Result<bool> {
        match reach(actor) {
            Reach::Everything => Ok(true),
            Reach::Nothing => Ok(false),
            Reach::Institution { id, .. } if id == task.institution_id => Ok(true),
            Reach::Institution { .. } => Ok(task::Entity::find_by_id(task.id)
                .filter(task_scope(actor))
                .one(self.db())
                .await?
                .is_some()),
        }
    }

    /// The plan `id`, if `actor` may read it (else `NotFound`, whether or not it exists).
    pub async fn readable_plan(&self, actor: &Actor, id: i64) -> Result<plan::Model> {
        plan::Entity::find_by_id(id)
            .filter(plan_scope(actor))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("plan", id))
    }

    /// The action `id`, if `actor` may read it (else `NotFound`, whether or not it exists).
    pub async fn readable_action(&self, actor: &Actor, id: i64) -> Result<action::Model> {
        action::Entity::find_by_id(id)
            .filter(action_scope(actor))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("action", id))
    }

    /// The task `id`, if `actor` may read it (else `NotFound`, whether or not it exists).
    pub async fn readable_task(&self, actor: &Actor, id: i64) -> Result<task::Model> {
        task::Entity::find_by_id(id)
            .filter(task_scope(actor))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("task", id))
    }
}
