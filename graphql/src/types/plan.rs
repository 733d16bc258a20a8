//! Plans, objectives, their progress, and the result of an import.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::NaiveDate;
use mandate_engine::entity::{objective, plan};
use mandate_engine::i18n::Language;
use mandate_engine::plans::plan_file::ImportSummary;
use mandate_engine::reads;
use mandate_engine::reports::ReportPeriod;

use crate::context::{actor, engine, loaders};
use crate::error::{IntoGql, invalid, loaded};
use crate::id::{Kind, encode};
use crate::types::results::{IndicatorResult, PlanResults};
use crate::types::status::{self, StatusReason};
use crate::types::{Action, Institution, PerformanceIndicator};

/// An action plan: objectives, actions, and who does what by when.
pub(crate) struct Plan(pub plan::Model);

#[Object]
impl Plan {
    async fn id(&self) -> ID {
        encode(Kind::Plan, self.0.id)
    }
    /// Where it stands by the status rule: `done`, `on_track`, `at_risk`, `late`,
    /// `not_started`.
    #[graphql(complexity = 20)]
    async fn status(&self, ctx: &Context<'_>) -> Result<&'static str> {
        let found = engine(ctx)
            .plan_status(actor(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(status::key(&found))
    }
    /// Why it stands there.
    #[graphql(complexity = 20)]
    async fn status_reason(&self, ctx: &Context<'_>) -> Result<StatusReason> {
        let found = engine(ctx)
            .plan_status(actor(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(StatusReason(found))
    }
    /// Short code, unique across plans (e.g. `pna-trafic-2021-2022`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The coordinating institution.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Institution> {
        let found = loaders(ctx).institutions.load_one(self.0.owner_id).await;
        loaded(found, "institution", self.0.owner_id).map(Institution)
    }
    async fn period_start(&self) -> NaiveDate {
        self.0.period_start
    }
    async fn period_end(&self) -> NaiveDate {
        self.0.period_end
    }
    /// IANA time zone in which due dates fall at the end of the day.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// The name of the lifecycle its tasks follow.
    async fn lifecycle(&self) -> &str {
        &self.0.lifecycle
    }
    /// Top-level (general) objectives.
    #[graphql(complexity = "5 * child_complexity")]
    async fn objectives(&self, ctx: &Context<'_>) -> Result<Vec<Objective>> {
        let found = engine(ctx)
            .objectives(actor(ctx)?, self.0.id, None)
            .await
            .gql()?;
        Ok(found.into_iter().map(Objective).collect())
    }
    /// Tasks per state, overdue tasks and complete action periods, counting what the viewer may
    /// read.
    #[graphql(complexity = 20)]
    async fn progress(&self, ctx: &Context<'_>) -> Result<Progress> {
        let found = engine(ctx)
            .progress(actor(ctx)?, &self.0, None)
            .await
            .gql()?;
        Ok(Progress(found))
    }
    /// Every indicator over `period` (a year `2021`, a half `2021-S1`, a quarter `2021-Q3`, or
    /// `2021-03-01..2021-05-31`): the actions' indicators from their tasks' latest reports, the
    /// plan's from the values entered, counting what the viewer may read; explained in
    /// `language` (`ro`, `en`, `pl`; the plan's by default).
    #[graphql(complexity = 200)]
    async fn results(
        &self,
        ctx: &Context<'_>,
        period: String,
        language: Option<String>,
    ) -> Result<PlanResults> {
        let language = match language {
            None => Language::or_fallback(&self.0.language),
            Some(code) => Language::parse(&code).ok_or_else(|| {
                invalid(
                    "language",
                    format!("unknown language `{code}`: {}", Language::codes()),
                )
            })?,
        };
        let period = ReportPeriod::parse(&period).map_err(|e| invalid("period", e.to_string()))?;
        let report = engine(ctx)
            .monitoring_report(actor(ctx)?, &self.0.code, &period)
            .await
            .gql()?;
        let indicators = report
            .actions()
            .flat_map(|(_, a)| {
                a.indicators.iter().map(|i| IndicatorResult {
                    action_number: Some(a.action.number.clone()),
                    value: i.clone(),
                    language,
                })
            })
            .collect();
        let plan_indicators = report
            .plan_indicators
            .into_iter()
            .map(|p| IndicatorResult {
                action_number: None,
                value: p.value,
                language,
            })
            .collect();
        Ok(PlanResults {
            indicators,
            plan_indicators,
        })
    }
    /// The plan-level performance indicators, with the periods their values are entered for
    /// and the values entered.
    #[graphql(complexity = 20)]
    async fn performance_indicators(&self, ctx: &Context<'_>) -> Result<Vec<PerformanceIndicator>> {
        let found = engine(ctx)
            .plan_indicator_entries(actor(ctx)?, &self.0)
            .await
            .gql()?;
        Ok(found.into_iter().map(PerformanceIndicator).collect())
    }
}

/// A general or specific objective.
pub(crate) struct Objective(pub objective::Model);

#[Object]
impl Objective {
    async fn id(&self) -> ID {
        encode(Kind::Objective, self.0.id)
    }
    /// Where it stands by the status rule: `done`, `on_track`, `at_risk`, `late`,
    /// `not_started`.
    #[graphql(complexity = 20)]
    async fn status(&self, ctx: &Context<'_>) -> Result<&'static str> {
        let found = engine(ctx)
            .objective_status(actor(ctx)?, self.0.plan_id, self.0.id)
            .await
            .gql()?;
        Ok(status::key(&found))
    }
    /// Why it stands there.
    #[graphql(complexity = 20)]
    async fn status_reason(&self, ctx: &Context<'_>) -> Result<StatusReason> {
        let found = engine(ctx)
            .objective_status(actor(ctx)?, self.0.plan_id, self.0.id)
            .await
            .gql()?;
        Ok(StatusReason(found))
    }
    /// Number as in the plan: `1`, `1.2`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The expected result, where the plan states one.
    async fn result(&self) -> Option<&str> {
        self.0.result.as_deref()
    }
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Objective>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        let found = loaders(ctx).objectives.load_one(id).await;
        loaded(found, "objective", id).map(|o| Some(Objective(o)))
    }
    /// Specific objectives under this one.
    #[graphql(complexity = "5 * child_complexity")]
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<Objective>> {
        let found = engine(ctx)
            .objectives(actor(ctx)?, self.0.plan_id, Some(self.0.id))
            .await
            .gql()?;
        Ok(found.into_iter().map(Objective).collect())
    }
    /// The actions of this objective that the viewer may read.
    #[graphql(complexity = "10 * child_complexity")]
    async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<Action>> {
        let found = engine(ctx).actions(actor(ctx)?, self.0.id).await.gql()?;
        Ok(found.into_iter().map(Action).collect())
    }
    /// Progress of this objective and the objectives under it.
    #[graphql(complexity = 20)]
    async fn progress(&self, ctx: &Context<'_>) -> Result<Progress> {
        let found = loaders(ctx).plans.load_one(self.0.plan_id).await;
        let plan = loaded(found, "plan", self.0.plan_id)?;
        let found = engine(ctx)
            .progress(actor(ctx)?, &plan, Some(self.0.id))
            .await
            .gql()?;
        Ok(Progress(found))
    }
}

/// How far a plan or objective has come.
pub(crate) struct Progress(reads::Progress);

/// A number of tasks in one state.
#[derive(SimpleObject)]
pub(crate) struct StateCount {
    state: String,
    count: u64,
}

#[Object]
impl Progress {
    /// Tasks per lifecycle state (states with no task are left out).
    async fn by_state(&self) -> Vec<StateCount> {
        self.0
            .by_state
            .iter()
            .map(|(state, &count)| StateCount {
                state: state.clone(),
                count,
            })
            .collect()
    }
    /// All tasks.
    async fn total(&self) -> u64 {
        self.0.total()
    }
    /// Open tasks past their due date.
    async fn overdue(&self) -> u64 {
        self.0.overdue
    }
    /// Action periods (one action in one reporting period).
    async fn action_periods(&self) -> u64 {
        self.0.periods
    }
    /// Action periods complete: every responsible institution signed off and the coordinator
    /// approved.
    async fn action_periods_complete(&self) -> u64 {
        self.0.periods_complete
    }
    /// `actionPeriodsComplete` as a percentage of `actionPeriods` (0 when there are none).
    async fn percent_complete(&self) -> f64 {
        self.0.percent_complete()
    }
}

/// What an import created, changed or left alone, per kind of record.
#[derive(SimpleObject)]
pub(crate) struct ChangeCount {
    /// `institutions`, `objectives`, `actions`, `tasks`, …
    entity: String,
    created: u64,
    updated: u64,
    unchanged: u64,
}

/// The result of `importPlan`.
pub(crate) struct ImportResult(pub ImportSummary);

#[Object]
impl ImportResult {
    /// The imported plan (`null` on a dry run that would create it).
    async fn plan(&self, ctx: &Context<'_>) -> Result<Option<Plan>> {
        if self.0.dry_run {
            return Ok(None);
        }
        let found = loaders(ctx).plans.load_one(self.0.plan_id).await;
        loaded(found, "plan", self.0.plan_id).map(|p| Some(Plan(p)))
    }
    async fn plan_code(&self) -> &str {
        &self.0.plan_code
    }
    /// True when nothing was written.
    async fn dry_run(&self) -> bool {
        self.0.dry_run
    }
    async fn changes(&self) -> Vec<ChangeCount> {
        self.0
            .changes
            .iter()
            .map(|(entity, change)| ChangeCount {
                entity: (*entity).to_owned(),
                created: change.created as u64,
                updated: change.updated as u64,
                unchanged: change.unchanged as u64,
            })
            .collect()
    }
    /// Pending tasks cancelled because their period or institution left the plan.
    async fn tasks_cancelled(&self) -> u64 {
        self.0.tasks_cancelled as u64
    }
    /// Every detail of an existing institution the import changes (or, on a dry run, would).
    async fn institution_changes(&self) -> Vec<InstitutionChange> {
        self.0
            .institution_changes
            .iter()
            .map(|c| InstitutionChange {
                code: c.code.clone(),
                field: c.field.to_owned(),
                from: c.from.clone(),
                to: c.to.clone(),
            })
            .collect()
    }
}

/// One detail of an existing institution changed by an import.
#[derive(SimpleObject)]
pub(crate) struct InstitutionChange {
    /// The institution's code.
    code: String,
    /// `name`, `parent`, `emails`, `language` or `time_zone`.
    field: String,
    /// The stored value (addresses joined by `, `).
    from: String,
    /// The value from the file.
    to: String,
}
