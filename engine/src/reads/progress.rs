//! How far plans have come, counting only what the actor may read: tasks per state, overdue
//! tasks and complete action periods, for a plan or one objective and those under it, and every
//! plan at once for `mandate status`.

use std::collections::BTreeMap;

use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::access::{action_scope, plan_scope, task_scope};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{action, objective, plan, reporting_period, task};
use crate::error::Result;

/// How far a plan, or one objective of it, has come.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// State → number of tasks.
    pub by_state: BTreeMap<String, u64>,
    /// Open tasks past their due instant.
    pub overdue: u64,
    /// Action periods still in the plan (with at least one task not withdrawn).
    pub periods: u64,
    /// Of those, the ones the coordinator approved as complete.
    pub periods_complete: u64,
}

impl Progress {
    /// Tasks in all states.
    pub fn total(&self) -> u64 {
        self.by_state.values().sum()
    }

    /// Complete action periods as a percentage of all (0 when there are none).
    pub fn percent_complete(&self) -> f64 {
        if self.periods == 0 {
            0.0
        } else {
            self.periods_complete as f64 * 100.0 / self.periods as f64
        }
    }
}

/// A plan with its tasks counted per state and overdue, for `mandate status`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStatus {
    pub plan: plan::Model,
    /// State → number of tasks.
    pub by_state: BTreeMap<String, u64>,
    pub overdue: u64,
}

#[derive(Debug, FromQueryResult)]
struct StateCount {
    state: String,
    count: i64,
}

#[derive(Debug, FromQueryResult)]
struct PlanStateCount {
    plan_id: i64,
    state: String,
    count: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Engine {
    /// Progress of `plan`, or of one objective and the objectives under it, counting only what
    /// `actor` may read.
    pub async fn progress(
        &self,
        actor: &Actor,
        plan: &plan::Model,
        objective_id: Option<i64>,
    ) -> Result<Progress> {
        let mut actions = Query::select()
            .column(action::Column::Id)
            .from(action::Entity)
            .and_where(action::Column::PlanId.eq(plan.id))
            .cond_where(action_scope(actor))
            .to_owned();
        if let Some(root) = objective_id {
            let subtree = self.objective_subtree(plan.id, root).await?;
            actions.and_where(action::Column::ObjectiveId.is_in(subtree));
        }
        let tasks = Condition::all()
            .add(task::Column::PlanId.eq(plan.id))
            .add(task::Column::ActionId.in_subquery(actions.clone()))
            .add(task_scope(actor));
        let by_state = task::Entity::find()
            .select_only()
            .column(task::Column::State)
            .column_as(task::Column::Id.count(), "count")
            .filter(tasks.clone())
            .group_by(task::Column::State)
            .into_model::<StateCount>()
            .all(self.db())
            .await?
            .into_iter()
            .map(|c| (c.state, count(c.count)))
            .collect();
        let overdue = task::Entity::find()
            .filter(tasks)
            .filter(self.overdue())
            .count(self.db())
            .await?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let live_periods = Query::select()
            .column(task::Column::PeriodId)
            .from(task::Entity)
            .and_where(task::Column::PlanId.eq(plan.id))
            .and_where(task::Column::ActionId.in_subquery(actions.clone()))
            .cond_where(
                Condition::any()
                    .add(task::Column::Open.eq(true))
                    .add(task::Column::State.eq(lifecycle.completion.signed_off_state.clone())),
            )
            .to_owned();
        let periods = reporting_period::Entity::find()
            .filter(reporting_period::Column::ActionId.in_subquery(actions))
            .filter(reporting_period::Column::Id.in_subquery(live_periods));
        let periods_complete = periods
            .clone()
            .filter(reporting_period::Column::ApprovedAt.is_not_null())
            .count(self.db())
            .await?;
        Ok(Progress {
            by_state,
            overdue,
            periods: periods.count(self.db()).await?,
            periods_complete,
        })
    }

    /// The ids of an objective and every objective under it.
    async fn objective_subtree(&self, plan_id: i64, root: i64) -> Result<Vec<i64>> {
        let all: Vec<(i64, Option<i64>)> = objective::Entity::find()
            .select_only()
            .column(objective::Column::Id)
            .column(objective::Column::ParentId)
            .filter(objective::Column::PlanId.eq(plan_id))
            .into_tuple()
            .all(self.db())
            .await?;
        let mut subtree = vec![root];
        let mut next = 0;
        while next < subtree.len() {
            let parent = subtree[next];
            subtree.extend(
                all.iter()
                    .filter(|(_, p)| *p == Some(parent))
                    .map(|(id, _)| *id),
            );
            next += 1;
        }
        Ok(subtree)
    }

    /// Every plan `actor` may read with the tasks it may read counted per state and overdue, by
    /// plan code (`mandate status` reads as the operator: everything).
    pub async fn status(&self, actor: &Actor) -> Result<Vec<PlanStatus>> {
        let plans = plan::Entity::find()
            .filter(plan_scope(actor))
            .order_by_asc(plan::Column::Code)
            .all(self.db())
            .await?;
        let counts = task::Entity::find()
            .select_only()
            .column(task::Column::PlanId)
            .column(task::Column::State)
            .column_as(task::Column::Id.count(), "count")
            .filter(task_scope(actor))
            .group_by(task::Column::PlanId)
            .group_by(task::Column::State)
            .into_model::<PlanStateCount>()
            .all(self.db())
            .await?;
        let overdue: Vec<(i64, i64)> = task::Entity::find()
            .select_only()
            .column(task::Column::PlanId)
            .column_as(task::Column::Id.count(), "count")
            .filter(task_scope(actor))
            .filter(self.overdue())
            .group_by(task::Column::PlanId)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(plans
            .into_iter()
            .map(|plan| {
                let by_state = counts
                    .iter()
                    .filter(|c| c.plan_id == plan.id)
                    .map(|c| (c.state.clone(), count(c.count)))
                    .collect();
                let overdue = overdue
                    .iter()
                    .find(|(id, _)| *id == plan.id)
                    .map_or(0, |(_, n)| count(*n));
                PlanStatus {
                    plan,
                    by_state,
                    overdue,
                }
            })
            .collect())
    }
}
