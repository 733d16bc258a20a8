//! How far an indicator has got: its values combined as its definition says, compared with its
//! target, and explained in words. A value not yet given is unknown, never zero: a verdict is
//! given only when every expected value is in and the period is over, or when the values already
//! in settle it (a sum of counts that has passed its target cannot fall back).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::spec::{Aggregation, Direction, IndicatorSpec, Target, Unit};
use crate::i18n::{self, Arg, Language, t};

/// One value an indicator expects: an institution's for a period, given or not yet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub institution_id: i64,
    pub value: Option<f64>,
}

/// Whether an indicator reached its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Met,
    NotMet,
    /// No target, no baseline for a change, or values still missing.
    Unknown,
}

impl Verdict {
    /// `met`, `not_met` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::NotMet => "not_met",
            Self::Unknown => "unknown",
        }
    }
}

/// An indicator over one window.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The values in the window combined; `None` when none is known.
    pub actual: Option<f64>,
    /// The baseline's value, given or combined from its period; `None` when unknown.
    pub baseline: Option<f64>,
    /// The value to reach (a change resolved against the baseline).
    pub target: Option<f64>,
    /// The share of the way from the baseline (or zero) to the target: 1 is there.
    pub progress: Option<f64>,
    pub verdict: Verdict,
    /// Values given, of those expected, in the window.
    pub reported: usize,
    pub expected: usize,
}

/// Evaluates `spec` over `window` (inclusive dates) as of `today`. `observations` may hold values
/// of any period: those ending in the window are its values, those ending in the baseline's
/// period give the baseline when the plan states no baseline value.
pub fn evaluate(
    spec: &IndicatorSpec,
    observations: &[Observation],
    window: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Evaluation {
    let now = combine(spec, observations, window);
    let baseline = spec
        .baseline
        .as_ref()
        .and_then(|b| match (b.value, &b.period) {
            (Some(v), _) => Some(v),
            (None, Some(period)) => {
                let before = combine(spec, observations, period.range(window));
                before.actual.filter(|_| before.reported == before.expected)
            }
            (None, None) => None,
        });
    let target = match spec.target {
        Some(Target::Value(v)) => Some(v),
        Some(Target::Change(c)) => baseline.map(|b| b * (1.0 + c / 100.0)),
        None => None,
    };
    let start = baseline.or(match spec.direction {
        Direction::Up => Some(0.0),
        Direction::Down => None,
    });
    let progress = match (now.actual, start, target) {
        (Some(a), Some(s), Some(t)) if t != s => Some((a - s) / (t - s)),
        _ => None,
    };
    let verdict = match (now.actual, target) {
        (Some(actual), Some(target)) => {
            let complete = now.reported == now.expected && today > window.1;
            let only_grows = matches!(spec.aggregation, Aggregation::Sum | Aggregation::Max)
                && (spec.unit == Unit::Count || now.never_negative);
            let reached = spec.direction.reaches(actual, target);
            if complete {
                if reached {
                    Verdict::Met
                } else {
                    Verdict::NotMet
                }
            } else if only_grows && spec.direction == Direction::Up && reached {
                Verdict::Met
            } else if only_grows && spec.direction == Direction::Down && !reached {
                Verdict::NotMet
            } else {
                Verdict::Unknown
            }
        }
        _ => Verdict::Unknown,
    };
    Evaluation {
        actual: now.actual,
        baseline,
        target,
        progress,
        verdict,
        reported: now.reported,
        expected: now.expected,
    }
}

struct Combined {
    actual: Option<f64>,
    reported: usize,
    expected: usize,
    never_negative: bool,
}

/// The values of the periods ending within `range`: within a period the institutions' counts
/// add up and other values are averaged; across periods they combine by the spec's aggregation.
fn combine(
    spec: &IndicatorSpec,
    observations: &[Observation],
    range: (NaiveDate, NaiveDate),
) -> Combined {
    let mut periods: BTreeMap<(NaiveDate, NaiveDate), Vec<f64>> = BTreeMap::new();
    let mut reported = 0;
    let mut expected = 0;
    for o in observations
        .iter()
        .filter(|o| range.0 <= o.period_end && o.period_end <= range.1)
    {
        expected += 1;
        let known = periods.entry((o.period_end, o.period_start)).or_default();
        if let Some(v) = o.value {
            reported += 1;
            known.push(v);
        }
    }
    let per_period: Vec<f64> = periods
        .values()
        .filter(|known| !known.is_empty())
        .map(|known| {
            let sum: f64 = known.iter().sum();
            if spec.unit == Unit::Count {
                sum
            } else {
                sum / known.len() as f64
            }
        })
        .collect();
    let actual = (!per_period.is_empty()).then(|| match spec.aggregation {
        Aggregation::Sum => per_period.iter().sum(),
        Aggregation::Latest => per_period.last().copied().unwrap_or_default(),
        Aggregation::Average => per_period.iter().sum::<f64>() / per_period.len() as f64,
        Aggregation::Max => per_period.iter().copied().fold(f64::MIN, f64::max),
    });
    Combined {
        actual,
        reported,
        expected,
        never_negative: per_period.iter().all(|v| *v >= 0.0),
    }
}

impl Evaluation {
    /// The evaluation in words: "142 of 200 (71 %): not met", "21 against 40 before (-47.5 %;
    /// -50 % wanted, so 20): not met", "40 of 100 (40 %): not yet known, 1 of 2 values given".
    pub fn explain(&self, spec: &IndicatorSpec, language: Language) -> String {
        let number = |v: f64| {
            let shown = i18n::number(language, v);
            if spec.unit == Unit::Percent {
                format!("{shown} %")
            } else {
                shown
            }
        };
        if spec.unit == Unit::Text {
            return t(language, "indicator-in-words", &[]);
        }
        let Some(actual) = self.actual else {
            return t(language, "indicator-no-values", &[]);
        };
        let mut args: Vec<(&str, Arg)> = vec![("actual", Arg::Text(number(actual)))];
        let key = match (self.target, self.baseline, spec.target) {
            (Some(target), Some(baseline), Some(Target::Change(change))) => {
                let moved = if baseline == 0.0 {
                    0.0
                } else {
                    (actual - baseline) / baseline * 100.0
                };
                args.push(("baseline", Arg::Text(number(baseline))));
                args.push(("change", Arg::Text(signed_percent(language, moved))));
                args.push(("wanted", Arg::Text(signed_percent(language, change))));
                args.push(("target", Arg::Text(number(target))));
                "indicator-change"
            }
            (Some(target), _, _) => {
                args.push(("target", Arg::Text(number(target))));
                match (spec.direction, self.progress) {
                    (Direction::Up, Some(p)) => {
                        let shown = i18n::number(language, (p * 100.0).round());
                        args.push(("progress", Arg::Text(format!("{shown} %"))));
                        "indicator-up"
                    }
                    (Direction::Up, None) => "indicator-at-least",
                    (Direction::Down, _) => "indicator-at-most",
                }
            }
            (None, _, Some(Target::Change(_))) => "indicator-no-baseline",
            (None, _, _) => "indicator-no-target",
        };
        let mut words = format!(
            "{}: {}",
            t(language, key, &args),
            t(
                language,
                &format!("indicator-{}", self.verdict.as_str()),
                &[]
            )
        );
        if self.reported < self.expected {
            words.push_str(", ");
            words.push_str(&t(
                language,
                "indicator-given",
                &[
                    ("reported", Arg::from(self.reported as i64)),
                    ("expected", Arg::from(self.expected as i64)),
                ],
            ));
        }
        words
    }
}

fn signed_percent(language: Language, value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let sign = if rounded > 0.0 { "+" } else { "" };
    format!("{sign}{} %", i18n::number(language, rounded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::spec::WrittenSpec;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn spec(written: WrittenSpec<'_>) -> IndicatorSpec {
        IndicatorSpec::parse(&written).unwrap()
    }

    /// A value of institution `who` for the half year ending on `end`.
    fn half(end: (i32, u32, u32), who: i64, value: Option<f64>) -> Observation {
        let period_end = date(end.0, end.1, end.2);
        Observation {
            period_start: date(end.0, end.1, 1) - chrono::Months::new(5),
            period_end,
            institution_id: who,
            value,
        }
    }

    const YEAR_2021: (NaiveDate, NaiveDate) = (
        NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
    );

    fn after_2021() -> NaiveDate {
        date(2022, 1, 15)
    }

    #[test]
    fn counts_add_up_across_institutions_and_periods() {
        let sessions = spec(WrittenSpec {
            target: Some("200"),
            ..Default::default()
        });
        let values = [
            half((2021, 6, 30), 1, Some(40.0)),
            half((2021, 6, 30), 2, Some(30.0)),
            half((2021, 12, 31), 1, Some(52.0)),
            half((2021, 12, 31), 2, Some(20.0)),
            // Outside the window: not counted.
            half((2022, 6, 30), 1, Some(500.0)),
        ];
        let e = evaluate(&sessions, &values, YEAR_2021, after_2021());
        assert_eq!(e.actual, Some(142.0));
        assert_eq!(e.target, Some(200.0));
        assert_eq!(e.progress, Some(0.71));
        assert_eq!(e.verdict, Verdict::NotMet);
        assert_eq!((e.reported, e.expected), (4, 4));
        assert_eq!(
            e.explain(&sessions, Language::En),
            "142 of 200 (71 %): not met"
        );
    }

    #[test]
    fn a_missing_value_is_unknown_not_zero() {
        let sessions = spec(WrittenSpec {
            target: Some("100"),
            ..Default::default()
        });
        let values = [
            half((2021, 6, 30), 1, Some(40.0)),
            half((2021, 12, 31), 1, None),
        ];
        let e = evaluate(&sessions, &values, YEAR_2021, after_2021());
        assert_eq!(e.actual, Some(40.0));
        assert_eq!(e.verdict, Verdict::Unknown);
        assert_eq!((e.reported, e.expected), (1, 2));
        assert!(e.explain(&sessions, Language::En).contains("1 of 2 values"));

        // A sum of counts already past its target cannot fall back: met before the rest is in.
        let values = [
            half((2021, 6, 30), 1, Some(140.0)),
            half((2021, 12, 31), 1, None),
        ];
        let e = evaluate(&sessions, &values, YEAR_2021, date(2021, 7, 10));
        assert_eq!(e.verdict, Verdict::Met);

        // No value at all: nothing to say of it.
        let e = evaluate(
            &sessions,
            &[half((2021, 6, 30), 1, None)],
            YEAR_2021,
            after_2021(),
        );
        assert_eq!(
            (e.actual, e.progress, e.verdict),
            (None, None, Verdict::Unknown)
        );
    }

    #[test]
    fn before_the_period_ends_the_verdict_waits() {
        let sessions = spec(WrittenSpec {
            target: Some("100"),
            ..Default::default()
        });
        let values = [half((2021, 6, 30), 1, Some(60.0))];
        let e = evaluate(&sessions, &values, YEAR_2021, date(2021, 7, 1));
        assert_eq!(e.verdict, Verdict::Unknown);
        assert_eq!(e.progress, Some(0.6));
    }

    #[test]
    fn latest_average_and_max() {
        let written = |aggregation| WrittenSpec {
            unit: Some("percent"),
            target: Some("≥80%"),
            aggregation,
            ..Default::default()
        };
        let values = [
            // Within a period, percentages are averaged across institutions: (70 + 80) / 2.
            half((2021, 6, 30), 1, Some(70.0)),
            half((2021, 6, 30), 2, Some(80.0)),
            half((2021, 12, 31), 1, Some(85.0)),
            half((2021, 12, 31), 2, Some(81.0)),
        ];
        let cases = [
            (None, 79.0, Verdict::NotMet), // percent averages by default: (75 + 83) / 2
            (Some("average"), 79.0, Verdict::NotMet),
            (Some("latest"), 83.0, Verdict::Met),
            (Some("max"), 83.0, Verdict::Met),
            (Some("sum"), 158.0, Verdict::Met),
        ];
        for (aggregation, actual, verdict) in cases {
            let s = spec(written(aggregation));
            let e = evaluate(&s, &values, YEAR_2021, after_2021());
            assert_eq!(e.actual, Some(actual), "{aggregation:?}");
            assert_eq!(e.verdict, verdict, "{aggregation:?}");
        }
        // The latest period with a value, when the last one has none yet.
        let s = spec(written(Some("latest")));
        let e = evaluate(
            &s,
            &[
                half((2021, 6, 30), 1, Some(70.0)),
                half((2021, 12, 31), 1, None),
            ],
            YEAR_2021,
            after_2021(),
        );
        assert_eq!((e.actual, e.verdict), (Some(70.0), Verdict::Unknown));
    }

    /// Lubartów: "a 50 per cent fall in offences and police interventions at the place, compared
    /// with the previous period". Offences are counted per quarter; 2023 is the previous period.
    fn lubartow(in_2024: [Option<f64>; 4]) -> Evaluation {
        let criterion = spec(WrittenSpec {
            target: Some("-50%"),
            baseline_period: Some("previous"),
            ..Default::default()
        });
        let quarter = |year: i32, q: u32, value: Option<f64>| {
            let start = date(year, 3 * q - 2, 1);
            Observation {
                period_start: start,
                period_end: start + chrono::Months::new(3) - chrono::Duration::days(1),
                institution_id: 7,
                value,
            }
        };
        let mut values: Vec<Observation> = [12.0, 9.0, 11.0, 8.0]
            .into_iter()
            .zip(1..)
            .map(|(v, q)| quarter(2023, q, Some(v)))
            .collect();
        values.extend(
            in_2024
                .into_iter()
                .zip(1..)
                .map(|(v, q)| quarter(2024, q, v)),
        );
        evaluate(
            &criterion,
            &values,
            (date(2024, 1, 1), date(2024, 12, 31)),
            date(2025, 1, 10),
        )
    }

    #[test]
    fn lubartow_criterion_met_and_not_met() {
        // 40 offences in 2023; 20 or fewer in 2024 meets the criterion.
        let met = lubartow([Some(6.0), Some(5.0), Some(4.0), Some(5.0)]);
        assert_eq!((met.baseline, met.target), (Some(40.0), Some(20.0)));
        assert_eq!((met.actual, met.verdict), (Some(20.0), Verdict::Met));
        assert_eq!(met.progress, Some(1.0));

        let not_met = lubartow([Some(6.0), Some(5.0), Some(4.0), Some(6.0)]);
        assert_eq!(
            (not_met.actual, not_met.verdict),
            (Some(21.0), Verdict::NotMet)
        );
        let words = not_met.explain(
            &spec(WrittenSpec {
                target: Some("-50%"),
                baseline_period: Some("previous"),
                ..Default::default()
            }),
            Language::Pl,
        );
        assert!(
            words.contains("21") && words.contains("40") && words.contains("-47,5 %"),
            "{words}"
        );

        // A quarter not counted yet: unknown, though the three others are few.
        let open = lubartow([Some(1.0), Some(1.0), Some(1.0), None]);
        assert_eq!(open.verdict, Verdict::Unknown);
        // Already over the target before the year ends: it can only grow, so not met.
        let over = lubartow([Some(15.0), Some(9.0), None, None]);
        assert_eq!(over.verdict, Verdict::NotMet);
    }

    #[test]
    fn a_change_without_a_known_baseline_is_unknown() {
        let petitions = spec(WrittenSpec {
            target: Some("-2%"),
            baseline_period: Some("2023"),
            ..Default::default()
        });
        let values = [half((2021, 12, 31), 1, Some(98.0))];
        let e = evaluate(&petitions, &values, YEAR_2021, after_2021());
        assert_eq!(
            (e.baseline, e.target, e.verdict),
            (None, None, Verdict::Unknown)
        );

        let given = spec(WrittenSpec {
            target: Some("-2%"),
            baseline_value: Some(200.0),
            ..Default::default()
        });
        let e = evaluate(&given, &values, YEAR_2021, after_2021());
        assert_eq!(e.target, Some(196.0));
        assert_eq!(e.verdict, Verdict::Met);
    }

    #[test]
    fn keeping_a_level() {
        let crimes = spec(WrittenSpec {
            target: Some("la același nivel"),
            direction: Some("down"),
            baseline_value: Some(1200.0),
            ..Default::default()
        });
        let at = |v| {
            evaluate(
                &crimes,
                &[half((2021, 12, 31), 1, Some(v))],
                YEAR_2021,
                after_2021(),
            )
        };
        assert_eq!(at(1200.0).verdict, Verdict::Met);
        assert_eq!(at(1201.0).verdict, Verdict::NotMet);
        assert_eq!(at(1000.0).progress, None);
    }
}
