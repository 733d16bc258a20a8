//! What a plan publishes on its public progress page: whether the plan is public (its plan file
//! says `public: true`, or its coordinator switches it), and which reports' narratives it shows
//! (none until the coordinator marks one public). Every switch is an event in the audit trail.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::require_coordinator;
use crate::access::task_scope;
use crate::audit::{self, NewEvent};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{plan, report, task};
use crate::error::{Error, Result};

/// The event a plan's switch writes: `plan_published` or `plan_unpublished`.
fn plan_event(public: bool) -> &'static str {
    if public {
        "plan_published"
    } else {
        "plan_unpublished"
    }
}

/// Sets `plan` public or not, with its event, unless it already is; returns the plan as stored.
pub(crate) async fn set_plan_public<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    plan: plan::Model,
    public: bool,
) -> Result<plan::Model> {
    if plan.public == public {
        return Ok(plan);
    }
    let mut model: plan::ActiveModel = plan.into();
    model.public = Set(public);
    model.updated_at = Set(now);
    let plan = model.update(db).await?;
    let mut event = NewEvent::on_plan(plan.id, plan_event(public));
    event.payload = json!({ "public": public });
    audit::append(db, actor, now, event).await?;
    Ok(plan)
}

impl Engine {
    /// The coordinator publishes plan `plan_id`'s progress at `/public/plans/{code}` (`public`)
    /// or withdraws it. `NotFound` for a plan `actor` may not read, `Forbidden` for one it does
    /// not coordinate.
    #[tracing::instrument(skip_all, fields(plan = plan_id, public, actor = %actor.name))]
    pub async fn set_plan_public(
        &self,
        actor: &Actor,
        plan_id: i64,
        public: bool,
    ) -> Result<plan::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let plan = require_coordinator(&txn, actor, plan_id).await?;
        let plan = set_plan_public(&txn, actor, self.now(), plan, public).await?;
        self.commit(txn).await?;
        Ok(plan)
    }

    /// The coordinator marks report `report_id`'s narrative public (shown on its plan's public
    /// page) or private again. `NotFound` for a report `actor` may not read, `Forbidden` unless
    /// it coordinates the report's plan.
    #[tracing::instrument(skip_all, fields(report = report_id, public, actor = %actor.name))]
    pub async fn set_report_public(
        &self,
        actor: &Actor,
        report_id: i64,
        public: bool,
    ) -> Result<report::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let not_found = || Error::not_found("report", report_id);
        let found = report::Entity::find_by_id(report_id)
            .one(&txn)
            .await?
            .ok_or_else(not_found)?;
        let task = task::Entity::find_by_id(found.task_id)
            .filter(task_scope(actor))
            .one(&txn)
            .await?
            .ok_or_else(not_found)?;
        require_coordinator(&txn, actor, task.plan_id).await?;
        if found.public == public {
            return Ok(found);
        }
        let now = self.now();
        let mut model: report::ActiveModel = found.into();
        model.public = Set(public);
        let saved = model.update(&txn).await?;
        let kind = if public {
            "report_published"
        } else {
            "report_unpublished"
        };
        let mut event = NewEvent::on_plan(task.plan_id, kind);
        event.action_id = Some(task.action_id);
        event.task_id = Some(task.id);
        event.payload = json!({ "report_id": saved.id, "public": public });
        audit::append(&txn, actor, now, event).await?;
        self.commit(txn).await?;
        Ok(saved)
    }
}
