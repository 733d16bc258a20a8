//! Reporting periods: each (action, period, assigned institution) is a task. Opening a period
//! creates the tasks; a period withdrawn from the plan cancels its tasks still pending.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::assignment::assignments_of;
use super::{readable_action_and_plan, require_coordinator};
use crate::audit::{self, NewEvent};
use crate::deadline::Period;
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{action, assignment, reporting_period, task};
use crate::error::Result;
use crate::notifications::{self, Kind};
use crate::tasks::cancel::cancel_pending;
use crate::tasks::lifecycle::Lifecycle;

/// The kind of the event written when a task's due date moves.
pub const DUE_MOVED: &str = "due_moved";

/// Opens reporting periods for an action: one task per (period, assigned institution). A period
/// that already exists (same start and end) is kept, and its due date is updated on open tasks.
/// Returns the tasks created.
pub async fn open_periods<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    initial_state: &str,
    periods: &[Period],
) -> Result<Vec<task::Model>> {
    let assignments = assignments_of(db, action.id).await?;
    let existing = periods_of(db, action.id).await?;
    let mut created = Vec::new();
    for p in periods {
        let period = match existing
            .iter()
            .find(|e| e.start_date == p.start && e.end_date == p.end)
        {
            Some(found) if found.due_at == p.due => found.clone(),
            Some(found) => {
                let mut model: reporting_period::ActiveModel = found.clone().into();
                model.due_at = Set(p.due);
                let updated = model.update(db).await?;
                move_open_tasks(db, actor, now, action, found, p.due).await?;
                notifications::drop_deadline_reminders(db, task::Column::PeriodId.eq(updated.id))
                    .await?;
                updated
            }
            None => {
                reporting_period::ActiveModel {
                    action_id: Set(action.id),
                    start_date: Set(p.start),
                    end_date: Set(p.end),
                    due_at: Set(p.due),
                    ..Default::default()
                }
                .insert(db)
                .await?
            }
        };
        for a in &assignments {
            if let Some(task) =
                ensure_task(db, actor, now, action, &period, a, initial_state).await?
            {
                created.push(task);
            }
        }
    }
    Ok(created)
}

/// Moves the due date of the open tasks of `period` to `due`, writing a `due_moved` event for
/// each (calendar feeds count them: a moved task's calendar entry is a new revision of it).
async fn move_open_tasks<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    period: &reporting_period::Model,
    due: DateTime<Utc>,
) -> Result<()> {
    let open: Vec<i64> = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .filter(task::Column::PeriodId.eq(period.id))
        .filter(task::Column::Open.eq(true))
        .order_by_asc(task::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    if open.is_empty() {
        return Ok(());
    }
    task::Entity::update_many()
        .col_expr(task::Column::DueAt, sea_orm::sea_query::Expr::value(due))
        .col_expr(
            task::Column::NextReminderAt,
            sea_orm::sea_query::Expr::value(notifications::look_again(true, now)),
        )
        .filter(task::Column::Id.is_in(open.iter().copied()))
        .exec(db)
        .await?;
    for task_id in open {
        let mut event = NewEvent::on_plan(action.plan_id, DUE_MOVED);
        event.action_id = Some(action.id);
        event.task_id = Some(task_id);
        event.payload = json!({ "from": period.due_at, "to": due });
        audit::append(db, actor, now, event).await?;
    }
    Ok(())
}

/// Withdraws the periods of an action that are not in `keep`: their tasks still in the initial
/// state are cancelled; tasks that moved on are left as they are. Returns how many were cancelled.
pub async fn withdraw_periods<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    lifecycle: &Lifecycle,
    keep: &[Period],
) -> Result<usize> {
    let withdrawn: Vec<i64> = periods_of(db, action.id)
        .await?
        .into_iter()
        .filter(|p| {
            !keep
                .iter()
                .any(|k| k.start == p.start_date && k.end == p.end_date)
        })
        .map(|p| p.id)
        .collect();
    if withdrawn.is_empty() {
        return Ok(0);
    }
    let cancelled = cancel_pending(
        db,
        actor,
        now,
        action,
        lifecycle,
        Condition::all().add(task::Column::PeriodId.is_in(withdrawn)),
        ("period_withdrawn", "the period is no longer in the plan"),
    )
    .await?;
    Ok(cancelled.len())
}

/// Creates the task of `assignment` in `period` unless it exists; returns it when created.
pub(super) async fn ensure_task<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    period: &reporting_period::Model,
    assignment: &assignment::Model,
    initial_state: &str,
) -> Result<Option<task::Model>> {
    let existing = task::Entity::find()
        .filter(task::Column::PeriodId.eq(period.id))
        .filter(task::Column::InstitutionId.eq(assignment.institution_id))
        .one(db)
        .await?;
    if let Some(task) = existing {
        if task.role != assignment.role {
            let mut model: task::ActiveModel = task.into();
            model.role = Set(assignment.role.clone());
            model.update(db).await?;
        }
        return Ok(None);
    }
    let task = task::ActiveModel {
        plan_id: Set(action.plan_id),
        action_id: Set(action.id),
        period_id: Set(period.id),
        institution_id: Set(assignment.institution_id),
        role: Set(assignment.role.clone()),
        state: Set(initial_state.to_owned()),
        open: Set(true),
        due_at: Set(period.due_at),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        next_reminder_at: Set(notifications::look_again(true, now)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut event = NewEvent::on_plan(action.plan_id, "task_opened");
    event.action_id = Some(action.id);
    event.task_id = Some(task.id);
    event.to_state = Some(initial_state);
    event.payload =
        json!({ "institution_id": task.institution_id, "role": task.role, "due_at": task.due_at });
    audit::append(db, actor, now, event).await?;
    notifications::notify_task_institution(db, now, Kind::Assigned, &task).await?;
    Ok(Some(task))
}

/// The reporting periods of an action, in time order.
pub(crate) async fn periods_of<C: ConnectionTrait>(
    db: &C,
    action_id: i64,
) -> Result<Vec<reporting_period::Model>> {
    Ok(reporting_period::Entity::find()
        .filter(reporting_period::Column::ActionId.eq(action_id))
        .order_by_asc(reporting_period::Column::StartDate)
        .order_by_asc(reporting_period::Column::EndDate)
        .all(db)
        .await?)
}

impl Engine {
    /// Opens reporting periods for an action (coordinator only); returns the tasks created.
    pub async fn open_periods(
        &self,
        actor: &Actor,
        action_id: i64,
        periods: &[Period],
    ) -> Result<Vec<task::Model>> {
        let txn = crate::db::begin_write(self.db()).await?;
        let (action, plan) = readable_action_and_plan(&txn, actor, action_id).await?;
        require_coordinator(&txn, actor, plan.id).await?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let created = open_periods(
            &txn,
            actor,
            self.now(),
            &action,
            &lifecycle.initial,
            periods,
        )
        .await?;
        self.commit(txn).await?;
        Ok(created)
    }
}
