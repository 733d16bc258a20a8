//! The audit trail as an actor reads it: pages of events, oldest first, and the history of one
//! task or action.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::access::event_scope;
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::event;
use crate::error::Result;

/// Which events to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub plan_id: Option<i64>,
    pub action_id: Option<i64>,
    pub task_id: Option<i64>,
    /// Events done by someone acting for this institution.
    pub actor_institution_id: Option<i64>,
    /// Events done by this person (their e-mail address, in any case).
    pub actor: Option<String>,
    /// Events at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Events before this instant.
    pub until: Option<DateTime<Utc>>,
}

impl Engine {
    fn event_query(&self, actor: &Actor, filter: &EventFilter) -> sea_orm::Select<event::Entity> {
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
        if let Some(institution_id) = filter.actor_institution_id {
            query = query.filter(event::Column::ActorInstitutionId.eq(institution_id));
        }
        if let Some(name) = &filter.actor {
            query = query.filter(sea_orm::sea_query::ExprTrait::eq(
                Expr::expr(Func::lower(Expr::col(event::Column::Actor))),
                name.trim().to_lowercase(),
            ));
        }
        if let Some(from) = filter.from {
            query = query.filter(event::Column::At.gte(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(event::Column::At.lt(until));
        }
        query
    }

    /// A page of the events `actor` may read that match `filter`: at most `limit`, oldest first,
    /// after event `after`.
    pub async fn events(
        &self,
        actor: &Actor,
        filter: &EventFilter,
        after: Option<i64>,
        limit: u64,
    ) -> Result<Vec<event::Model>> {
        let mut query = self.event_query(actor, filter);
        if let Some(after) = after {
            query = query.filter(event::Column::Id.gt(after));
        }
        Ok(query
            .order_by_asc(event::Column::Id)
            .limit(limit.min(i64::MAX as u64))
            .all(self.db())
            .await?)
    }

    /// A page of the events `actor` may read that match `filter`, newest first, before event
    /// `before`.
    pub async fn recent_events(
        &self,
        actor: &Actor,
        filter: &EventFilter,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<event::Model>> {
        let mut query = self.event_query(actor, filter);
        if let Some(before) = before {
            query = query.filter(event::Column::Id.lt(before));
        }
        Ok(query
            .order_by_desc(event::Column::Id)
            .limit(limit.min(i64::MAX as u64))
            .all(self.db())
            .await?)
    }

    /// How many events `actor` may read match `filter`.
    pub async fn count_events(&self, actor: &Actor, filter: &EventFilter) -> Result<u64> {
        Ok(self.event_query(actor, filter).count(self.db()).await?)
    }

    /// The audit trail of task `task_id` as `actor` may read it, oldest first (`NotFound` when
    /// the task is not readable).
    pub async fn task_history(&self, actor: &Actor, task_id: i64) -> Result<Vec<event::Model>> {
        let task = self.task(actor, task_id).await?;
        let filter = EventFilter {
            task_id: Some(task.id),
            ..Default::default()
        };
        self.events(actor, &filter, None, u64::MAX).await
    }

    /// The audit trail of action `action_id` as `actor` may read it, oldest first (`NotFound`
    /// when the action is not readable).
    pub async fn action_history(&self, actor: &Actor, action_id: i64) -> Result<Vec<event::Model>> {
        let action = self.action(actor, action_id).await?;
        let filter = EventFilter {
            action_id: Some(action.id),
            ..Default::default()
        };
        self.events(actor, &filter, None, u64::MAX).await
    }
}
