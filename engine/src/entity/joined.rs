//! Rows of several tables read in one query: each table's columns are selected under a prefix
//! of its own, and each model is read back from the row under that prefix.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult,
};

use super::{action, institution, plan, task};

/// Selects every column of `E`, each named `prefix` + its name.
pub(crate) fn select_columns<E: EntityTrait>(query: &mut SelectStatement, prefix: &str) {
    for column in E::Column::iter() {
        query.expr_as(
            Expr::col((E::default(), column)),
            Alias::new(format!("{prefix}{}", column.as_str())),
        );
    }
}

/// A task with its action, plan and institution, read in one row.
pub(crate) struct TaskRow {
    pub task: task::Model,
    pub action: action::Model,
    pub plan: plan::Model,
    pub institution: institution::Model,
}

const TASK: &str = "t_";
const ACTION: &str = "a_";
const PLAN: &str = "p_";
const INSTITUTION: &str = "i_";

impl TaskRow {
    /// The query of task `task_id` joined with its action, plan and institution, for the caller
    /// to add its own columns, joins or lock to.
    pub(crate) fn query(task_id: i64) -> SelectStatement {
        let mut query = Query::select();
        select_columns::<task::Entity>(&mut query, TASK);
        select_columns::<action::Entity>(&mut query, ACTION);
        select_columns::<plan::Entity>(&mut query, PLAN);
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
                institution::Entity,
                Expr::col((institution::Entity, institution::Column::Id))
                    .equals((task::Entity, task::Column::InstitutionId)),
            )
            .and_where(task::Column::Id.eq(task_id));
        query
    }

    /// The models of a row of [`TaskRow::query`].
    pub(crate) fn parse(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            task: task::Model::from_query_result(row, TASK)?,
            action: action::Model::from_query_result(row, ACTION)?,
            plan: plan::Model::from_query_result(row, PLAN)?,
            institution: institution::Model::from_query_result(row, INSTITUTION)?,
        })
    }
}
