//! The task a transition is fired on, read with everything the checks need — its action, plan,
//! institution and the action's lead institution — in one query, within what the actor may read,
//! and locked for the rest of the transition.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, LockType, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryResult};

use crate::access;
use crate::domain::Actor;
use crate::entity::joined::TaskRow;
use crate::entity::{action, assignment, institution, plan, task};
use crate::error::{Error, Result};

/// A task with its action, plan, institution and the action's lead institution.
pub(super) struct Subject {
    pub task: task::Model,
    pub action: action::Model,
    pub plan: plan::Model,
    pub institution: institution::Model,
    /// The lead institution of the action, if it has one.
    pub lead: Option<i64>,
}

const LEAD: &str = "lead_id";

/// Task `task_id` as `actor` may read it (else `NotFound`), with its action, plan, institution
/// and lead.
pub(super) async fn read<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    task_id: i64,
) -> Result<Subject> {
    let lead = Query::select()
        .column((assignment::Entity, assignment::Column::InstitutionId))
        .from(assignment::Entity)
        .and_where(
            Expr::col((assignment::Entity, assignment::Column::ActionId))
                .equals((task::Entity, task::Column::ActionId)),
        )
        .and_where(assignment::Column::Lead.eq(true))
        .order_by((assignment::Entity, assignment::Column::Id), Order::Asc)
        .limit(1)
        .to_owned();
    let mut query = TaskRow::query(task_id);
    query
        .expr_as(lead, Alias::new(LEAD))
        // Held until the transition ends (PostgreSQL; SQLite's write lock is held already):
        // nothing changes the task between these checks and the update.
        .lock_with_tables(LockType::NoKeyUpdate, [task::Entity]);
    let row = db
        .query_one(&query)
        .await?
        .ok_or_else(|| Error::not_found("task", task_id))?;
    let subject = parse(&row)?;
    // The read rule of `access::task_scope`, checked on the row: as a condition in the query it
    // made PostgreSQL hash every action the actor's institution leads, on every transition.
    if !access::may_read_task(
        actor,
        subject.task.institution_id,
        subject.lead,
        subject.plan.owner_id,
    ) {
        return Err(Error::not_found("task", task_id));
    }
    Ok(subject)
}

fn parse(row: &QueryResult) -> Result<Subject> {
    let TaskRow {
        task,
        action,
        plan,
        institution,
    } = TaskRow::parse(row)?;
    Ok(Subject {
        task,
        action,
        plan,
        institution,
        lead: row.try_get("", LEAD)?,
    })
}
