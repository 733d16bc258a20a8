//! Tasks withdrawn because the plan changed under them (an institution unassigned, a period
//! withdrawn): cancelled outside the lifecycle's actor rules, each with its event, and their
//! pending deadline reminders dropped.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use crate::audit::{self, NewEvent};
use crate::domain::Actor;
use crate::entity::{action, task};
use crate::error::{Error, Result};
use crate::notifications;
use crate::tasks::lifecycle::{Lifecycle, Role};

/// Cancels the action's tasks that match `which` and are still in the lifecycle's initial state,
/// recording `why` (event kind, comment) on each. Returns them as they now are.
pub(crate) async fn cancel_pending<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    lifecycle: &Lifecycle,
    which: Condition,
    why: (&str, &str),
) -> Result<Vec<task::Model>> {
    let pending = task::Entity::find()
        .filter(task::Column::ActionId.eq(action.id))
        .filter(task::Column::State.eq(&lifecycle.initial))
        .filter(which)
        .all(db)
        .await?;
    let ids: Vec<i64> = pending.iter().map(|t| t.id).collect();
    let mut cancelled = Vec::with_capacity(pending.len());
    for t in pending {
        cancelled.push(cancel_task(db, actor, now, action, lifecycle, t, why.0, why.1).await?);
    }
    notifications::drop_deadline_reminders(db, task::Column::Id.is_in(ids)).await?;
    Ok(cancelled)
}

/// Cancels one task outside the lifecycle's actor rules (the plan itself changed), with an event.
#[allow(clippy::too_many_arguments)]
async fn cancel_task<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    lifecycle: &Lifecycle,
    t: task::Model,
    kind: &str,
    why: &str,
) -> Result<task::Model> {
    let cancelled = lifecycle.require_role(Role::Cancel)?.to.as_str();
    let open = !lifecycle.is_terminal(cancelled);
    let from = t.state.clone();
    let next_reminder_at = notifications::look_again(open, now);
    let updated = task::Entity::update_many()
        .col_expr(task::Column::State, Expr::value(cancelled))
        .col_expr(task::Column::Open, Expr::value(open))
        .col_expr(task::Column::NextReminderAt, Expr::value(next_reminder_at))
        .col_expr(task::Column::Version, Expr::value(t.version + 1))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(t.id))
        .filter(task::Column::Version.eq(t.version))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Err(Error::Conflict {
            expected: t.version,
            actual: t.version + 1,
        });
    }
    let mut event = NewEvent::on_plan(action.plan_id, kind);
    event.action_id = Some(action.id);
    event.task_id = Some(t.id);
    event.from_state = Some(&from);
    event.to_state = Some(cancelled);
    event.comment = Some(why);
    audit::append(db, actor, now, event).await?;
    Ok(task::Model {
        state: cancelled.to_owned(),
        open,
        next_reminder_at,
        version: t.version + 1,
        updated_at: now,
        ..t
    })
}
