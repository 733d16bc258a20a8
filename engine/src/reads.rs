//! Reads on behalf of an actor, narrowed by `access`: pages of tasks and events (keyset
//! pagination, so a page costs the same wherever it starts), plans, progress, sign-offs, and
//! batched lookups for the API's data loaders.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::access::{action_scope, event_scope, plan_scope, task_scope};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{
    action, event, institution, objective, plan, reporting_period, sign_off, task,
};
use crate::error::{Error, Result};
use crate::queries::TaskFilter;

/// A position in the task order (due instant, then id): the last task of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskCursor {
    pub due_at: DateTime<Utc>,
    pub id: i64,
}

/// Which events to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub plan_id: Option<i64>,
    pub action_id: Option<i64>,
    pub task_id: Option<i64>,
}

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

#[derive(Debug, FromQueryResult)]
struct StateCount {
    state: String,
    count: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Engine {
    fn visible_task_query(
        &self,
        actor: &Actor,
        filter: &TaskFilter,
    ) -> sea_orm::Select<task::Entity> {
        self.task_query(filter).filter(task_scope(actor))
    }

    /// A page of the tasks `actor` may read that match `filter`, after `after`, by due instant
    /// then id.
    pub async fn visible_tasks(
        &self,
        actor: &Actor,
        filter: &TaskFilter,
        after: Option<TaskCursor>,
        limit: u64,
    ) -> Result<Vec<task::Model>> {
        filter.check()?;
        let mut query = self.visible_task_query(actor, filter);
        if let Some(after) = after {
            query = query.filter(
                Condition::any()
                    .add(task::Column::DueAt.gt(after.due_at))
                    .add(
                        Condition::all()
                            .add(task::Column::DueAt.eq(after.due_at))
                            .add(task::Column::Id.gt(after.id)),
                    ),
            );
        }
        Ok(query
            .order_by_asc(task::Column::DueAt)
            .order_by_asc(task::Column::Id)
            .limit(limit)
            .all(self.db())
            .await?)
    }

    /// How many tasks `actor` may read match `filter`.
    pub async fn count_visible_tasks(&self, actor: &Actor, filter: &TaskFilter) -> Result<u64> {
        filter.check()?;
        Ok(self
            .visible_task_query(actor, filter)
            .count(self.db())
            .await?)
    }

    fn visible_event_query(
        &self,
        actor: &Actor,
        filter: &EventFilter,
    ) -> sea_orm::Select<event::Entity> {
        let mut query = event::Entity::find().filter(event_scope(actor));
        if let Some(plan_id) = filter.plan_id {
            query = query.filter(event::Column::PlanId.eq(plan_id));
        }
        if let Some(action_id) = filter.action_id {
            query = query.filter(event::Column::ActionId.eq(action_id));
        }
        if let Some(task_id) = filter.task_id {
            query = query.filter(event::Column::TaskId.eq(task_id));
        }
        query
    }

    /// A page of the events `actor` may read that match `filter`, oldest first, after event
    /// `after`.
    pub async fn visible_events(
        &self,
        actor: &Actor,
        filter: &EventFilter,
        after: Option<i64>,
        limit: u64,
    ) -> Result<Vec<event::Model>> {
        let mut query = self.visible_event_query(actor, filter);
        if let Some(after) = after {
            query = query.filter(event::Column::Id.gt(after));
        }
        Ok(query
            .order_by_asc(event::Column::Id)
            .limit(limit)
            .all(self.db())
            .await?)
    }

    /// How many events `actor` may read match `filter`.
    pub async fn count_visible_events(&self, actor: &Actor, filter: &EventFilter) -> Result<u64> {
        Ok(self
            .visible_event_query(actor, filter)
            .count(self.db())
            .await?)
    }

    /// The plans `actor` may read, by code.
    pub async fn visible_plans(&self, actor: &Actor) -> Result<Vec<plan::Model>> {
        Ok(plan::Entity::find()
            .filter(plan_scope(actor))
            .order_by_asc(plan::Column::Code)
            .all(self.db())
            .await?)
    }

    /// The objectives of a plan with `parent` (top-level ones for `None`), by number.
    pub async fn objectives(
        &self,
        plan_id: i64,
        parent: Option<i64>,
    ) -> Result<Vec<objective::Model>> {
        let parent = match parent {
            Some(id) => objective::Column::ParentId.eq(id),
            None => objective::Column::ParentId.is_null(),
        };
        Ok(objective::Entity::find()
            .filter(objective::Column::PlanId.eq(plan_id))
            .filter(parent)
            .order_by_asc(objective::Column::Id)
            .all(self.db())
            .await?)
    }

    /// The actions of an objective that `actor` may read, in plan order.
    pub async fn visible_actions(
        &self,
        actor: &Actor,
        objective_id: i64,
    ) -> Result<Vec<action::Model>> {
        Ok(action::Entity::find()
            .filter(action::Column::ObjectiveId.eq(objective_id))
            .filter(action_scope(actor))
            .order_by_asc(action::Column::Id)
            .all(self.db())
            .await?)
    }

    /// The sign-offs of an action's periods that `actor` may read: period approvals, and the
    /// sign-offs of readable tasks. Oldest first.
    pub async fn visible_sign_offs(
        &self,
        actor: &Actor,
        action_id: i64,
    ) -> Result<Vec<sign_off::Model>> {
        let action = self.readable_action(actor, action_id).await?;
        let periods = Query::select()
            .column(reporting_period::Column::Id)
            .from(reporting_period::Entity)
            .and_where(reporting_period::Column::ActionId.eq(action.id))
            .to_owned();
        let readable_tasks = Query::select()
            .column(task::Column::Id)
            .from(task::Entity)
            .cond_where(task_scope(actor))
            .to_owned();
        Ok(sign_off::Entity::find()
            .filter(sign_off::Column::PeriodId.in_subquery(periods))
            .filter(
                Condition::any()
                    .add(sign_off::Column::TaskId.is_null())
                    .add(sign_off::Column::TaskId.in_subquery(readable_tasks)),
            )
            .order_by_asc(sign_off::Column::Id)
            .all(self.db())
            .await?)
    }

    /// Progress of a plan, or of one objective and the objectives under it, counting only what
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

    /// Every institution, by code.
    pub async fn institutions(&self) -> Result<Vec<institution::Model>> {
        Ok(institution::Entity::find()
            .order_by_asc(institution::Column::Code)
            .all(self.db())
            .await?)
    }

    /// The institution with id `id`.
    pub async fn institution_by_id(&self, id: i64) -> Result<institution::Model> {
        institution::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("institution", id))
    }

    /// The institution with `code`; `NotFound` names the closest known code.
    pub async fn institution(&self, code: &str) -> Result<institution::Model> {
        match crate::setup::institution_by_code(self.db(), code).await {
            Err(Error::NotFound { .. }) => {
                let known: Vec<String> = self
                    .institutions()
                    .await?
                    .into_iter()
                    .map(|i| i.code)
                    .collect();
                let hint = crate::text::did_you_mean(code, known.iter().map(String::as_str))
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                let code = crate::text::quoted(code);
                Err(Error::not_found("institution", format!("`{code}`{hint}")))
            }
            other => other,
        }
    }

    /// The rows of `E` whose `column` is one of `ids`: one query for a batch of lookups.
    pub async fn rows_where_in<E>(&self, column: E::Column, ids: &[i64]) -> Result<Vec<E::Model>>
    where
        E: EntityTrait,
    {
        Ok(E::find()
            .filter(column.is_in(ids.iter().copied()))
            .all(self.db())
            .await?)
    }
}
