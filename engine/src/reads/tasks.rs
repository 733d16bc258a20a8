//! Tasks as an actor reads them: pages by due instant (keyset pagination, so a page costs the
//! same wherever it starts), counts, one task, and whether an actor may follow an institution's
//! tasks.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::access::{reads_everything, task_scope};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::task;
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

/// A position in the task order (due instant, then id): the last task of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskCursor {
    pub due_at: DateTime<Utc>,
    pub id: i64,
}

impl Engine {
    /// Open tasks past their due instant, as of the engine's clock.
    pub(crate) fn overdue(&self) -> Condition {
        Condition::all()
            .add(task::Column::Open.eq(true))
            .add(task::Column::DueAt.lt(self.now()))
    }

    /// The tasks `actor` may read that match `filter`.
    fn task_query(&self, actor: &Actor, filter: &TaskFilter) -> sea_orm::Select<task::Entity> {
        let mut query = task::Entity::find().filter(task_scope(actor));
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
            Some(true) => query = query.filter(self.overdue()),
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

    /// A page of the tasks `actor` may read that match `filter`: at most `limit`, after `after`,
    /// by due instant then id.
    pub async fn tasks(
        &self,
        actor: &Actor,
        filter: &TaskFilter,
        after: Option<TaskCursor>,
        limit: u64,
    ) -> Result<Vec<task::Model>> {
        filter.check()?;
        let mut query = self.task_query(actor, filter);
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
            .limit(limit.min(i64::MAX as u64))
            .all(self.db())
            .await?)
    }

    /// How many tasks `actor` may read match `filter`.
    pub async fn count_tasks(&self, actor: &Actor, filter: &TaskFilter) -> Result<u64> {
        filter.check()?;
        Ok(self.task_query(actor, filter).count(self.db()).await?)
    }

    /// The task `id`, if `actor` may read it (else `NotFound`, whether or not it exists).
    pub async fn task(&self, actor: &Actor, id: i64) -> Result<task::Model> {
        task::Entity::find_by_id(id)
            .filter(task_scope(actor))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("task", id))
    }

    /// Whether `actor` may read some tasks of institution `institution_id`: its own, those of
    /// actions it leads, or, for a coordinator, those in the plans it owns.
    pub async fn may_read_tasks_of(&self, actor: &Actor, institution_id: i64) -> Result<bool> {
        if reads_everything(actor) || actor.institution_id == Some(institution_id) {
            return Ok(true);
        }
        Ok(task::Entity::find()
            .filter(task::Column::InstitutionId.eq(institution_id))
            .filter(task_scope(actor))
            .one(self.db())
            .await?
            .is_some())
    }

    /// Whether `actor` may read `task`, already loaded (a subscription checks each task it is
    /// about to send).
    pub async fn can_read_task(&self, actor: &Actor, task: &task::Model) -> Result<bool> {
        if reads_everything(actor) || actor.institution_id == Some(task.institution_id) {
            return Ok(true);
        }
        Ok(task::Entity::find_by_id(task.id)
            .filter(task_scope(actor))
            .one(self.db())
            .await?
            .is_some())
    }
}
