//! The append-only event log. Events are written in the same transaction as the change they record.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::domain::Actor;
use crate::entity::event;
use crate::error::Result;

/// One event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub plan_id: i64,
    pub action_id: Option<i64>,
    pub task_id: Option<i64>,
    pub kind: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub payload: serde_json::Value,
}

impl<'a> NewEvent<'a> {
    /// An event of `kind` on a plan, with nothing else filled in.
    pub fn on_plan(plan_id: i64, kind: &'a str) -> Self {
        Self {
            plan_id,
            action_id: None,
            task_id: None,
            kind,
            from_state: None,
            to_state: None,
            comment: None,
            payload: serde_json::Value::Object(Default::default()),
        }
    }
}

/// Appends `event` as done by `actor` at `at`.
pub async fn append<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    event: NewEvent<'_>,
) -> Result<event::Model> {
    let model = event::ActiveModel {
        plan_id: Set(event.plan_id),
        action_id: Set(event.action_id),
        task_id: Set(event.task_id),
        kind: Set(event.kind.to_owned()),
        actor: Set(actor.name.clone()),
        actor_institution_id: Set(actor.institution_id),
        from_state: Set(event.from_state.map(str::to_owned)),
        to_state: Set(event.to_state.map(str::to_owned)),
        comment: Set(event.comment.map(str::to_owned)),
        payload: Set(event.payload),
        at: Set(at),
        ..Default::default()
    };
    Ok(model.insert(db).await?)
}
