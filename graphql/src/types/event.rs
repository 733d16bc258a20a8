//! Audit events.

use async_graphql::{Context, ID, Json, Object, Result};
use chrono::{DateTime, Utc};
use mandate_engine::entity::event;
use mandate_engine::tasks;

use crate::context::loaders;
use crate::error::loaded;
use crate::id::{Kind, encode};
use crate::types::{Action, Institution, Task};

/// An entry of the append-only audit trail.
#[derive(Clone)]
pub(crate) struct Event(pub event::Model);

#[Object]
impl Event {
    async fn id(&self) -> ID {
        encode(Kind::Event, self.0.id)
    }
    /// The transition (`acknowledge`, `submit`, …) or other change (`assigned`,
    /// `period_approved`, `plan_imported`, …).
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// Who did it (a user's e-mail, or `cli`).
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// The institution the actor acted for.
    async fn actor_institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let Some(id) = self.0.actor_institution_id else {
            return Ok(None);
        };
        loaded(
            loaders(ctx).institutions.load_one(id).await,
            "institution",
            id,
        )
        .map(|i| Some(Institution(i)))
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    async fn from_state(&self) -> Option<&str> {
        self.0.from_state.as_deref()
    }
    async fn to_state(&self) -> Option<&str> {
        self.0.to_state.as_deref()
    }
    /// The comment or reason given.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
    /// Details: the new version, the report id, the reason, …
    async fn payload(&self) -> Json<serde_json::Value> {
        Json(self.0.payload.clone())
    }
    async fn action(&self, ctx: &Context<'_>) -> Result<Option<Action>> {
        let Some(id) = self.0.action_id else {
            return Ok(None);
        };
        loaded(loaders(ctx).actions.load_one(id).await, "action", id).map(|a| Some(Action(a)))
    }
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<Task>> {
        let Some(id) = self.0.task_id else {
            return Ok(None);
        };
        loaded(loaders(ctx).tasks.load_one(id).await, "task", id).map(|t| Some(Task(t)))
    }
}

/// An event about a task as it commits.
pub(crate) struct TaskEvent {
    pub committed: tasks::TaskEvent,
    /// Whether it is the first delivered after the subscription fell behind.
    pub resync: bool,
}

#[Object]
impl TaskEvent {
    async fn event(&self) -> Event {
        Event(self.committed.event.clone())
    }
    /// The task after the event, as read when it was delivered.
    async fn task(&self) -> Task {
        Task(self.committed.task.clone())
    }
    /// True on the first event delivered after this subscription fell behind: anything built
    /// from earlier events may be stale; this event and those that follow are the ones since
    /// the last it delivered, oldest first.
    async fn resync(&self) -> bool {
        self.resync
    }
}
