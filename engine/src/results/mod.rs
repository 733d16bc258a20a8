//! Results: what an indicator measures and aims at ([`spec`]), how far its values have got
//! ([`evaluate`]) — both pure: the monitoring report, the API and the pages gather the values and
//! ask them what they mean — and the entry of plan-level indicators' values ([`entry`]).

pub mod entry;
pub mod evaluate;
mod gather;
pub mod spec;

pub use entry::{IndicatorEntry, PlanIndicatorEntries, entry_periods};
pub use evaluate::{Evaluation, Observation, Verdict, evaluate};
pub use gather::{Gathering, IndicatorValue};
pub use spec::{Aggregation, Baseline, BaselinePeriod, Direction, IndicatorSpec, Target, Unit};

use chrono::NaiveDate;

use crate::status::IndicatorVerdict;

/// What an action's indicators over `window` say to the status rule, as of `today`; `None` when
/// none has a target. Met when every indicator with a target is met; progress is the least of
/// theirs; behind when one is not met, or when a count summed over the period lags the share of
/// the period already gone.
pub fn verdict_of<'a>(
    indicators: impl IntoIterator<Item = (&'a IndicatorSpec, &'a Evaluation)>,
    window: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Option<IndicatorVerdict> {
    let days = (window.1 - window.0).num_days() + 1;
    let gone = ((today - window.0).num_days() + 1).clamp(0, days) as f64 / days as f64;
    let mut any = false;
    let mut met = Some(true);
    let mut progress: Option<f64> = None;
    let mut behind = false;
    for (spec, evaluation) in indicators {
        if spec.target.is_none() || spec.unit == Unit::Text {
            continue;
        }
        any = true;
        met = match (met, evaluation.verdict) {
            (Some(false), _) | (_, Verdict::NotMet) => Some(false),
            (_, Verdict::Unknown) => None,
            (m, Verdict::Met) => m,
        };
        if let Some(p) = evaluation.progress {
            progress = Some(progress.map_or(p, |q| q.min(p)));
        }
        let paced = spec.aggregation == Aggregation::Sum && spec.direction == Direction::Up;
        behind |= evaluation.verdict == Verdict::NotMet
            || (paced
                && evaluation.verdict == Verdict::Unknown
                && evaluation.progress.is_some_and(|p| p < gone));
    }
    any.then_some(IndicatorVerdict {
        met,
        progress,
        behind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, d).unwrap()
    }

    #[test]
    fn a_summed_count_behind_the_pace_of_its_period_is_behind() {
        let spec = IndicatorSpec {
            target: Some(Target::Value(100.0)),
            ..IndicatorSpec::default()
        };
        let year = (date(1, 1), date(12, 31));
        let values = |v: f64| {
            vec![
                Observation {
                    period_start: date(1, 1),
                    period_end: date(6, 30),
                    institution_id: 1,
                    value: Some(v),
                },
                Observation {
                    period_start: date(7, 1),
                    period_end: date(12, 31),
                    institution_id: 1,
                    value: None,
                },
            ]
        };
        // 30 of 100 at the end of September (three quarters of the year gone): behind.
        let slow = evaluate(&spec, &values(30.0), year, date(9, 30));
        let verdict = verdict_of([(&spec, &slow)], year, date(9, 30)).unwrap();
        assert!(verdict.behind);
        assert_eq!((verdict.met, verdict.progress), (None, Some(0.3)));
        // 80 of 100 by then: on pace.
        let fast = evaluate(&spec, &values(80.0), year, date(9, 30));
        assert!(
            !verdict_of([(&spec, &fast)], year, date(9, 30))
                .unwrap()
                .behind
        );
        // No target: nothing to say.
        let none = IndicatorSpec::default();
        assert_eq!(verdict_of([(&none, &slow)], year, date(9, 30)), None);
    }
}
