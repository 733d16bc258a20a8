//! What a task's message is about — the task with its action, plan, objective and institution —
//! read in one query.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, FromQueryResult};

use crate::entity::joined::select_columns;
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

const TASK: &str = "t_";
const ACTION: &str = "a_";
const PLAN: &str = "p_";
const OBJECTIVE: &str = "o_";
const INSTITUTION: &str = "i_";

/// Task `task_id` with its action, plan, objective and institution; `None` if it is gone.
pub(super) async fn read<C: ConnectionTrait>(db: &C, task_id: i64) -> Result<Option<About>> {
    let mut query = Query::select();
    select_columns::<task::Entity>(&mut query, TASK);
    select_columns::<action::Entity>(&mut query, ACTION);
    select_columns::<plan::Entity>(&mut query, PLAN);
    select_columns::<objective::Entity>(&mut query, OBJECTIVE);
    select_columns::<institution::Entity>(&mut query, INSTITUTION);
    query
        .from(task::Entity)
        .inner_join(
            action::Entity,
            Expr::col((action::Entity, action::Column::Id))
                .equals((task::Entity, task::Column::ActionId)),
        )
        .inner_join(
            plan::Entity,
            Expr::col((plan::Entity, plan::Column::Id))
                .equals((action::Entity, action::Column::PlanId)),
        )
        .inner_join(
            objective::Entity,
            Expr::col((objective::Entity, objective::Column::Id))
                .equals((action::Entity, action::Column::ObjectiveId)),
        )
        .inner_join(
            institution::Entity,
            Expr::col((institution::Entity, institution::Column::Id))
                .equals((task::Entity, task::Column::InstitutionId)),
        )
        .and_where(task::Column::Id.eq(task_id));
    let Some(row) = db.query_one(&query).await? else {
        return Ok(None);
    };
    Ok(Some(About {
        task: task::Model::from_query_result(&row, TASK)?,
        action: action::Model::from_query_result(&row, ACTION)?,
        plan: plan::Model::from_query_result(&row, PLAN)?,
        objective: objective::Model::from_query_result(&row, OBJECTIVE)?,
        institution: institution::Model::from_query_result(&row, INSTITUTION)?,
    }))
}
