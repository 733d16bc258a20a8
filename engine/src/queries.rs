//! Read-side queries: tasks by institution, state and due range; overdue tasks; history; status.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::engine::Engine;
use crate::entity::{event, plan, task};
use crate::error::{Error, Result};

/// Which tasks to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFilter {
    pub plan_id: Option<i64>,
    pub action_id: Option<i64>,
    pub institution_id: Option<i64>,
    pub states: Vec<String>,
    pub due_after: Option<DateTime<Utc>>,
    pub due_before: Option<DateTime<Utc>>,
    /// `Some(true)`: only open tasks past their due instant (as of the engine's clock).
    pub overdue: Option<bool>,
}

impl TaskFilter {
    /// The most states a filter may name: a lifecycle has a handful.
    pub const MAX_STATES: usize = 50;

    /// Refuses a filter whose lists are longer than any lifecycle needs, before any query.
    pub fn check(&self) -> Result<()> {
        if self.states.len() > Self::MAX_STATES {
            return Err(Error::validation(
                "filter.states",
                format!(
                    "{} states given; at most {}",
                    self.states.len(),
                    Self::MAX_STATES
                ),
            ));
        }
        Ok(())
    }
}

/// Counts of a plan's tasks, for `mandate status`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStatus {
    pub plan: plan::Model,
    /// State → number of tasks.
    pub by_state: BTreeMap<String, u64>,
    pub overdue: u64,
}

#[derive(Debug, FromQueryResult)]
struct StateCount {
    plan_id: i64,
    state: String,
    count: i64,
}

impl Engine {
    /// Open tasks past their due instant, as of the engine's clock.
    pub(crate) fn overdue(&self) -> Condition {
        Condition::all()
            .add(task::Column::Open.eq(true))
            .add(task::Column::DueAt.lt(self.now()))
    }

    pub(crate) fn task_query(&self, filter: &TaskFilter) -> sea_orm::Select<task::Entity> {
        let mut query = task::Entity::find();
        if let Some(plan_id) = filter.plan_id {
            query = query.filter(task::Column::PlanId.eq(plan_id));
        }
        if let Some(action_id) = filter.action_id {
            query = query.filter(task::Column::ActionId.eq(action_id));
        }
        if let Some(institution_id) = filter.institution_id {
            query = query.filter(task::Column::InstitutionId.eq(institution_id));
        }
        if !filter.states.is_empty() {
            query = query.filter(task::Column::State.is_in(filter.states.clone()));
        }
        if let Some(after) = filter.due_after {
            query = query.filter(task::Column::DueAt.gte(after));
        }
        if let Some(before) = filter.due_before {
            query = query.filter(task::Column::DueAt.lt(before));
        }
        match filter.overdue {
            Some(true) => {
                query = query.filter(self.overdue());
            }
            Some(false) => {
                query = query.filter(
                    Condition::any()
                        .add(task::Column::Open.eq(false))
                        .add(task::Column::DueAt.gte(self.now())),
                );
            }
            None => {}
        }
        query
    }

    /// Tasks matching `filter`, by due instant then id; a page of at most `limit` after `offset`.
    pub async fn tasks(
        &self,
        filter: &TaskFilter,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<task::Model>> {
        Ok(self
            .task_query(filter)
            .order_by_asc(task::Column::DueAt)
            .order_by_asc(task::Column::Id)
            .offset(offset.min(i64::MAX as u64))
            .limit(limit.min(i64::MAX as u64))
            .all(self.db())
            .await?)
    }

    /// How many tasks match `filter`.
    pub async fn count_tasks(&self, filter: &TaskFilter) -> Result<u64> {
        Ok(self.task_query(filter).count(self.db()).await?)
    }

    /// Open tasks past their due instant as of the engine's clock, oldest first.
    pub async fn overdue_tasks(&self, institution_id: Option<i64>) -> Result<Vec<task::Model>> {
        let filter = TaskFilter {
            institution_id,
            overdue: Some(true),
            ..Default::default()
        };
        self.tasks(&filter, 0, u64::MAX >> 1).await
    }

    /// An action's audit trail, oldest first.
    pub async fn action_history(&self, action_id: i64) -> Result<Vec<event::Model>> {
        Ok(event::Entity::find()
            .filter(event::Column::ActionId.eq(action_id))
            .order_by_asc(event::Column::Id)
            .all(self.db())
            .await?)
    }

    /// A task's audit trail, oldest first.
    pub async fn task_history(&self, task_id: i64) -> Result<Vec<event::Model>> {
        Ok(event::Entity::find()
            .filter(event::Column::TaskId.eq(task_id))
            .order_by_asc(event::Column::Id)
            .all(self.db())
            .await?)
    }

    /// Every plan with its tasks counted per state and overdue, by plan code.
    pub async fn status(&self) -> Result<Vec<PlanStatus>> {
        let plans = plan::Entity::find()
            .order_by_asc(plan::Column::Code)
            .all(self.db())
            .await?;
        let counts = task::Entity::find()
            .select_only()
            .column(task::Column::PlanId)
            .column(task::Column::State)
            .column_as(task::Column::Id.count(), "count")
            .group_by(task::Column::PlanId)
            .group_by(task::Column::State)
            .into_model::<StateCount>()
            .all(self.db())
            .await?;
        let overdue: Vec<(i64, i64)> = task::Entity::find()
            .select_only()
            .column(task::Column::PlanId)
            .column_as(task::Column::Id.count(), "count")
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
                    .map(|c| (c.state.clone(), u64::try_from(c.count).unwrap_or(0)))
                    .collect();
                let overdue = overdue
                    .iter()
                    .find(|(id, _)| *id == plan.id)
                    .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0));
                PlanStatus {
                    plan,
                    by_state,
                    overdue,
                }
            })
            .collect())
    }
}
