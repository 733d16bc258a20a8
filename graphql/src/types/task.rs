//! Tasks and their reports.

use async_graphql::{Context, ID, Json, Object, Result};
use chrono::{DateTime, Utc};
use mandate_engine::entity::{report, task};

use crate::context::{actor, engine, loaders};
use crate::error::IntoGql;
use crate::error::{loaded, loaded_list};
use crate::id::{Kind, encode};
use crate::types::status::{self, StatusReason};
use crate::types::{Action, Institution, Plan, ReportingPeriod};

/// One institution's part of one action in one reporting period.
#[derive(Clone)]
pub(crate) struct Task(pub task::Model);

#[Object]
impl Task {
    async fn id(&self) -> ID {
        encode(Kind::Task, self.0.id)
    }
    /// Send it back with every change: a newer version in the database means someone else
    /// changed the task first (`CONFLICT`).
    async fn version(&self) -> i64 {
        self.0.version
    }
    /// Lifecycle state: `pending`, `acknowledged`, `in_progress`, `submitted`, `signed_off`, …
    async fn state(&self) -> &str {
        &self.0.state
    }
    /// False once the task reached a terminal state.
    async fn open(&self) -> bool {
        self.0.open
    }
    /// Open and past its due date.
    async fn overdue(&self, ctx: &Context<'_>) -> bool {
        self.0.open && self.0.due_at < engine(ctx).now()
    }
    /// Where it stands by the status rule: `done`, `on_track`, `at_risk`, `late`,
    /// `not_started` (a task also `closed`).
    #[graphql(complexity = 20)]
    async fn status(&self, ctx: &Context<'_>) -> Result<&'static str> {
        let found = engine(ctx)
            .task_status(actor(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(status::key(&found))
    }
    /// Why it stands there.
    #[graphql(complexity = 20)]
    async fn status_reason(&self, ctx: &Context<'_>) -> Result<StatusReason> {
        let found = engine(ctx)
            .task_status(actor(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(StatusReason(found))
    }
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.due_at
    }
    /// `responsible` or `partner`.
    async fn role(&self) -> &str {
        &self.0.role
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn institution(&self, ctx: &Context<'_>) -> Result<Institution> {
        let id = self.0.institution_id;
        loaded(
            loaders(ctx).institutions.load_one(id).await,
            "institution",
            id,
        )
        .map(Institution)
    }
    async fn action(&self, ctx: &Context<'_>) -> Result<Action> {
        let id = self.0.action_id;
        loaded(loaders(ctx).actions.load_one(id).await, "action", id).map(Action)
    }
    async fn plan(&self, ctx: &Context<'_>) -> Result<Plan> {
        let id = self.0.plan_id;
        loaded(loaders(ctx).plans.load_one(id).await, "plan", id).map(Plan)
    }
    async fn period(&self, ctx: &Context<'_>) -> Result<ReportingPeriod> {
        let id = self.0.period_id;
        loaded(
            loaders(ctx).periods.load_one(id).await,
            "reporting period",
            id,
        )
        .map(ReportingPeriod)
    }
    /// Reports submitted, oldest first (a returned report is followed by its resubmission).
    async fn reports(&self, ctx: &Context<'_>) -> Result<Vec<Report>> {
        let id = self.0.id;
        let found = loaded_list(loaders(ctx).reports.load_one(id).await, "report", id)?;
        Ok(found.into_iter().map(Report).collect())
    }
}

/// A report on a task: indicator values, narrative and evidence.
pub(crate) struct Report(report::Model);

#[Object]
impl Report {
    /// Indicator name → value, as submitted.
    async fn indicator_values(&self) -> Json<serde_json::Value> {
        Json(self.0.indicator_values.clone())
    }
    async fn narrative(&self) -> &str {
        &self.0.narrative
    }
    async fn evidence_urls(&self) -> Vec<String> {
        serde_json::from_value(self.0.evidence.clone()).unwrap_or_default()
    }
    async fn submitted_by(&self) -> &str {
        &self.0.submitted_by
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
}
