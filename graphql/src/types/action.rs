//! Actions, their indicators, assignments, reporting periods and sign-offs.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use mandate_engine::entity::{action, assignment, reporting_period, sign_off};
use mandate_engine::results::IndicatorSpec;

use crate::context::{actor, engine, loaders};
use crate::error::IntoGql;
use crate::error::{loaded, loaded_list};
use crate::id::{Kind, encode};
use crate::types::status::{self, StatusReason};
use crate::types::{Institution, Plan, Task};

/// The most tasks `Action.tasks` lists.
const ACTION_TASKS_SHOWN: usize = 500;

/// An action (activity) of a plan.
pub(crate) struct Action(pub action::Model);

/// A measure of an action's output, as the plan defines it (`Plan.results` evaluates it).
#[derive(SimpleObject)]
pub(crate) struct Indicator {
    /// E.g. "Număr de sesiuni realizate".
    name: String,
    /// `count`, `percent`, `number` or `text`.
    unit: String,
    /// The target in its canonical form (`200`, `80`, `-50%`), if any.
    target: Option<String>,
    /// `up` (more is better) or `down`.
    direction: String,
}

#[Object]
impl Action {
    async fn id(&self) -> ID {
        encode(Kind::Action, self.0.id)
    }
    /// Where it stands by the status rule: `done`, `on_track`, `at_risk`, `late`,
    /// `not_started`.
    #[graphql(complexity = 20)]
    async fn status(&self, ctx: &Context<'_>) -> Result<&'static str> {
        let found = engine(ctx)
            .action_status(actor(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(status::key(&found))
    }
    /// Why it stands there.
    #[graphql(complexity = 20)]
    async fn status_reason(&self, ctx: &Context<'_>) -> Result<StatusReason> {
        let found = engine(ctx)
            .action_status(actor(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(StatusReason(found))
    }
    /// Number as in the plan, e.g. `1.2.3`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// The deadline as worded in the plan ("semestrial", "trimestrul 4 2021").
    async fn deadline(&self) -> &str {
        &self.0.deadline
    }
    /// Cron rule of a periodic action, where the plan gives one.
    async fn recurrence(&self) -> Option<&str> {
        self.0.recurrence.as_deref()
    }
    /// Funding sources as written.
    async fn funding(&self) -> Vec<String> {
        serde_json::from_value(self.0.funding.clone()).unwrap_or_default()
    }
    async fn plan(&self, ctx: &Context<'_>) -> Result<Plan> {
        let found = loaders(ctx).plans.load_one(self.0.plan_id).await;
        loaded(found, "plan", self.0.plan_id).map(Plan)
    }
    async fn indicators(&self, ctx: &Context<'_>) -> Result<Vec<Indicator>> {
        let found = loaders(ctx).indicators.load_one(self.0.id).await;
        Ok(loaded_list(found, "indicator", self.0.id)?
            .into_iter()
            .map(|i| Indicator {
                unit: IndicatorSpec::stored(&i.written()).unit.as_str().to_owned(),
                name: i.name,
                target: i.target,
                direction: i.direction,
            })
            .collect())
    }
    /// Who takes part, the lead first.
    async fn assignments(&self, ctx: &Context<'_>) -> Result<Vec<Assignment>> {
        let found = loaders(ctx).assignments.load_one(self.0.id).await;
        let mut list = loaded_list(found, "assignment", self.0.id)?;
        list.sort_by_key(|a| (!a.lead, a.role != "responsible", a.id));
        Ok(list.into_iter().map(Assignment).collect())
    }
    /// Reporting periods, in order.
    async fn periods(&self, ctx: &Context<'_>) -> Result<Vec<ReportingPeriod>> {
        let found = loaders(ctx).action_periods.load_one(self.0.id).await;
        let mut list = loaded_list(found, "reporting period", self.0.id)?;
        list.sort_by_key(|p| (p.start_date, p.id));
        Ok(list.into_iter().map(ReportingPeriod).collect())
    }
    /// The action's tasks that the viewer may read (at most 500), by due date.
    #[graphql(complexity = "20 * child_complexity")]
    async fn tasks(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        // Batched across the actions of one answer: a plan's 250 actions ask in one query.
        let found = loaders(ctx).action_tasks.load_one(self.0.id).await;
        let mut list = loaded_list(found, "task", self.0.id)?;
        list.sort_by_key(|t| (t.due_at, t.id));
        list.truncate(ACTION_TASKS_SHOWN);
        Ok(list.into_iter().map(Task).collect())
    }
}

/// One institution's part in an action.
pub(crate) struct Assignment(assignment::Model);

#[Object]
impl Assignment {
    async fn institution(&self, ctx: &Context<'_>) -> Result<Institution> {
        let id = self.0.institution_id;
        loaded(
            loaders(ctx).institutions.load_one(id).await,
            "institution",
            id,
        )
        .map(Institution)
    }
    /// `responsible` or `partner`.
    async fn role(&self) -> &str {
        &self.0.role
    }
    /// The lead responsible institution, which consolidates partners' reports.
    async fn lead(&self) -> bool {
        self.0.lead
    }
}

/// One reporting period of an action.
pub(crate) struct ReportingPeriod(pub reporting_period::Model);

#[Object]
impl ReportingPeriod {
    async fn id(&self) -> ID {
        encode(Kind::Period, self.0.id)
    }
    async fn start(&self) -> NaiveDate {
        self.0.start_date
    }
    async fn end(&self) -> NaiveDate {
        self.0.end_date
    }
    /// Where it stands by the status rule: `done`, `on_track`, `at_risk`, `late`,
    /// `not_started`.
    #[graphql(complexity = 20)]
    async fn status(&self, ctx: &Context<'_>) -> Result<&'static str> {
        let found = engine(ctx)
            .period_status(actor(ctx)?, self.0.action_id, self.0.id)
            .await
            .gql()?;
        Ok(status::key(&found))
    }
    /// Why it stands there.
    #[graphql(complexity = 20)]
    async fn status_reason(&self, ctx: &Context<'_>) -> Result<StatusReason> {
        let found = engine(ctx)
            .period_status(actor(ctx)?, self.0.action_id, self.0.id)
            .await
            .gql()?;
        Ok(StatusReason(found))
    }
    /// End of the last day, in the plan's time zone.
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.due_at
    }
    /// When the coordinator approved the consolidated report.
    async fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.0.approved_at
    }
    async fn approved_by(&self) -> Option<&str> {
        self.0.approved_by.as_deref()
    }
    /// Every responsible institution signed off and, where the lifecycle asks, the coordinator
    /// approved.
    async fn complete(&self, ctx: &Context<'_>) -> Result<bool> {
        let id = self.0.id;
        let found = loaders(ctx).period_completions.load_one(id).await;
        Ok(loaded(found, "reporting period", id)?.complete)
    }
    async fn action(&self, ctx: &Context<'_>) -> Result<Action> {
        let id = self.0.action_id;
        loaded(loaders(ctx).actions.load_one(id).await, "action", id).map(Action)
    }
}

/// A sign-off: of one task's report, or (without a task) the coordinator's approval of a period.
pub(crate) struct SignOff(pub sign_off::Model);

#[Object]
impl SignOff {
    async fn period(&self, ctx: &Context<'_>) -> Result<ReportingPeriod> {
        let id = self.0.period_id;
        loaded(
            loaders(ctx).periods.load_one(id).await,
            "reporting period",
            id,
        )
        .map(ReportingPeriod)
    }
    /// The task signed off; `null` for the coordinator's approval of the whole period.
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<Task>> {
        let Some(id) = self.0.task_id else {
            return Ok(None);
        };
        loaded(loaders(ctx).tasks.load_one(id).await, "task", id).map(|t| Some(Task(t)))
    }
    async fn signed_by(&self) -> &str {
        &self.0.signed_by
    }
    async fn signed_at(&self) -> DateTime<Utc> {
        self.0.signed_at
    }
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
}
