//! An action's indicators gathered from its tasks' latest reports: each task still counted gives
//! each indicator a value for the task's period and institution — the number given, or unknown
//! when none was given, never zero — and values given in words are kept as written. The
//! monitoring report and the plan page read values through this one path.

use chrono::NaiveDate;
use serde_json::Value;

use super::{Evaluation, IndicatorSpec, Observation, evaluate};
use crate::entity::indicator;
use crate::i18n::Language;

/// An indicator of an action (or of the plan) with what its values over a window say.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorValue {
    pub name: String,
    pub spec: IndicatorSpec,
    /// Its values against its target: `actual` is `None` when no value is known (unknown, not
    /// zero); `reported` of `expected` values were given.
    pub evaluation: Evaluation,
    /// Values given in words (indicators described in words), as written.
    pub texts: Vec<String>,
}

impl IndicatorValue {
    /// Its target as people read it ("≥ 200", "-50 % vs the previous period").
    pub fn target_text(&self, language: Language) -> Option<String> {
        self.spec.target_text(language)
    }

    /// Its evaluation in words ("142 of 200 (71 %): not met").
    pub fn explanation(&self, language: Language) -> String {
        self.evaluation.explain(&self.spec, language)
    }
}

/// One indicator while its values are gathered.
struct Gathered {
    name: String,
    spec: IndicatorSpec,
    observed: Vec<Observation>,
    texts: Vec<String>,
}

/// One action's indicators and the values its tasks' reports gave them so far.
pub struct Gathering {
    indicators: Vec<Gathered>,
}

impl Gathering {
    /// The action's `indicators`, in their order, with no value yet.
    pub fn new(indicators: &[indicator::Model]) -> Self {
        Self {
            indicators: indicators
                .iter()
                .map(|i| Gathered {
                    name: i.name.clone(),
                    spec: IndicatorSpec::stored(&i.written()),
                    observed: Vec::new(),
                    texts: Vec::new(),
                })
                .collect(),
        }
    }

    /// What one task says: `given` is its latest report's `indicator_values` (`None` without a
    /// report), for the task's `period` (first and last day) and institution.
    pub fn observe(
        &mut self,
        given: Option<&Value>,
        period: (NaiveDate, NaiveDate),
        institution_id: i64,
    ) {
        for i in &mut self.indicators {
            let value = given.and_then(|g| g.get(&i.name));
            if let Some(Value::String(text)) = value
                && !text.trim().is_empty()
            {
                i.texts.push(text.clone());
            }
            i.observed.push(Observation {
                period_start: period.0,
                period_end: period.1,
                institution_id,
                value: value.and_then(Value::as_f64),
            });
        }
    }

    /// Each indicator evaluated over `window` as of `today`.
    pub fn evaluate(self, window: (NaiveDate, NaiveDate), today: NaiveDate) -> Vec<IndicatorValue> {
        self.indicators
            .into_iter()
            .map(|i| IndicatorValue {
                evaluation: evaluate(&i.spec, &i.observed, window, today),
                name: i.name,
                spec: i.spec,
                texts: i.texts,
            })
            .collect()
    }
}
