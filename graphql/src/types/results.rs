//! Results: indicators evaluated over a period, and the plan-level indicators whose values are
//! entered per reporting period.

use async_graphql::{Enum, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use mandate_engine::i18n::Language;
use mandate_engine::reports::IndicatorValue;
use mandate_engine::results::{PlanIndicatorEntries, Verdict as EngineVerdict};

use crate::id::{Kind, encode};

/// Whether an indicator reached its target.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub(crate) enum Verdict {
    Met,
    NotMet,
    /// No target, no baseline for a change, or values still missing (unknown, not zero).
    Unknown,
}

impl From<EngineVerdict> for Verdict {
    fn from(v: EngineVerdict) -> Self {
        match v {
            EngineVerdict::Met => Self::Met,
            EngineVerdict::NotMet => Self::NotMet,
            EngineVerdict::Unknown => Self::Unknown,
        }
    }
}

/// An indicator over a period: its definition, its values combined, and the verdict explained.
pub(crate) struct IndicatorResult {
    pub action_number: Option<String>,
    pub value: IndicatorValue,
    pub language: Language,
}

#[Object]
impl IndicatorResult {
    /// The action's number, for an action's indicator; none for a plan-level one.
    async fn action_number(&self) -> Option<&str> {
        self.action_number.as_deref()
    }
    async fn name(&self) -> &str {
        &self.value.name
    }
    /// `count`, `percent`, `number` or `text`.
    async fn unit(&self) -> &str {
        self.value.spec.unit.as_str()
    }
    /// `up` (more is better) or `down`.
    async fn direction(&self) -> &str {
        self.value.spec.direction.as_str()
    }
    /// How values combine across periods: `sum`, `latest`, `average` or `max`.
    async fn aggregation(&self) -> &str {
        self.value.spec.aggregation.as_str()
    }
    /// The target as people read it, e.g. "≥ 80 %", "-50 % vs the previous period".
    async fn target(&self) -> Option<String> {
        self.value.target_text(self.language)
    }
    /// The baseline as people read it, e.g. "120 (2023)".
    async fn baseline(&self) -> Option<String> {
        self.value.spec.baseline_text(self.language)
    }
    /// The period's values combined; null when none is known (unknown, not zero).
    async fn actual(&self) -> Option<f64> {
        self.value.evaluation.actual
    }
    /// The baseline's value, given or combined from its period.
    async fn baseline_value(&self) -> Option<f64> {
        self.value.evaluation.baseline
    }
    /// The value to reach (a change resolved against the baseline).
    async fn target_value(&self) -> Option<f64> {
        self.value.evaluation.target
    }
    /// The share of the way from the baseline (or zero) to the target: 1 is there.
    async fn progress(&self) -> Option<f64> {
        self.value.evaluation.progress
    }
    async fn verdict(&self) -> Verdict {
        self.value.evaluation.verdict.into()
    }
    /// Values given in the period.
    async fn reported(&self) -> usize {
        self.value.evaluation.reported
    }
    /// Values expected in the period.
    async fn expected(&self) -> usize {
        self.value.evaluation.expected
    }
    /// The verdict in words: "142 of 200 (71 %): not met".
    async fn explanation(&self) -> String {
        self.value.explanation(self.language)
    }
    /// Values given in words, for an indicator described in words.
    async fn texts(&self) -> &[String] {
        &self.value.texts
    }
}

/// Every indicator of a plan over a period.
#[derive(SimpleObject)]
pub(crate) struct PlanResults {
    /// The actions' indicators, from their tasks' latest reports, in plan order.
    pub indicators: Vec<IndicatorResult>,
    /// The plan-level performance indicators, from the values entered.
    pub plan_indicators: Vec<IndicatorResult>,
}

/// A period a plan-level indicator's value is entered for.
#[derive(SimpleObject)]
pub(crate) struct EntryPeriod {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// A value entered for a plan-level indicator.
#[derive(SimpleObject)]
pub(crate) struct EnteredValue {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub value: f64,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
}

/// A plan-level performance indicator, whose values are entered per reporting period.
pub(crate) struct PerformanceIndicator(pub PlanIndicatorEntries);

#[Object]
impl PerformanceIndicator {
    async fn id(&self) -> ID {
        encode(Kind::PerformanceIndicator, self.0.indicator.id)
    }
    async fn name(&self) -> &str {
        &self.0.indicator.name
    }
    /// The target in its canonical form (`-50%`, `80`); empty when the plan states none.
    async fn target(&self) -> &str {
        &self.0.indicator.target
    }
    /// What the plan compares with, as written.
    async fn comparison(&self) -> Option<&str> {
        self.0.indicator.comparison.as_deref()
    }
    /// The periods its values are entered for: its reporting periods and, when its baseline is
    /// a period without a value, that period.
    async fn periods(&self) -> Vec<EntryPeriod> {
        self.0
            .periods
            .iter()
            .map(|(start, end)| EntryPeriod {
                start: *start,
                end: *end,
            })
            .collect()
    }
    /// The values entered, in period order.
    async fn values(&self) -> Vec<EnteredValue> {
        self.0
            .values
            .iter()
            .map(|v| EnteredValue {
                period_start: v.period_start,
                period_end: v.period_end,
                value: v.value,
                entered_by: v.entered_by.clone(),
                entered_at: v.entered_at,
            })
            .collect()
    }
    /// The viewer may enter its values.
    async fn may_enter(&self) -> bool {
        self.0.may_enter
    }
}
