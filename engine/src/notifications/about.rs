//! What a task's message is about — the task with its action, plan, objective and institution —
//! read in one query.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::entity::joined::{TaskRow, select_columns};
use crate::entity::{action, institution, objective, plan, task};
use crate::error::Result;

/// A task with what its messages show of it.
pub(super) struct About {
    pub task: task::Model,
    pub action: action::Model,
    pub plan: plan::Model,
    pub objective: objective::Model,
    pub institution: institution::Model,
}

const OBJECTIVE: &str = "o_";

/// Task `task_id` with its action, plan, objective and institution; `None` if it is gone.
pub(super) async fn read<C: ConnectionTrait>(db: &C, task_id: i64) -> Result<Option<About>> {
    let mut query = TaskRow::query(task_id);
    select_columns::<objective::Entity>(&mut query, OBJECTIVE);
    query.inner_join(
        objective::Entity,
        Expr::col((objective::Entity, objective::Column::Id))
            .equals((action::Entity, action::Column::ObjectiveId)),
    );
    let Some(row) = db.query_one(&query).await? else {
        return Ok(None);
    };
    let TaskRow {
        task,
        action,
        plan,
        institution,
    } = TaskRow::parse(&row)?;
    Ok(Some(About {
        task,
        action,
        plan,
        objective: objective::Model::from_query_result(&row, OBJECTIVE)?,
        institution,
    }))
}
