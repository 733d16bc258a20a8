//! An indicator's definition as a plan states it: its unit, baseline, target, direction and how
//! its values combine. Plan files write these as short texts (`unit: percent`, `target: "≥80%"`,
//! `target: "-50%"`, `baseline: {value: 120, period: 2023}`); each is parsed here once, with an
//! error naming the offending text, and stored in the canonical form [`Target`]'s `Display` gives.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::i18n::{self, Arg, Language, t};

/// What an indicator's values count, which decides the values a report may give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Whole things: sessions, beneficiaries, offences. Values are whole numbers ≥ 0.
    Count,
    /// A share in per cent, 0 to 100.
    Percent,
    /// Any other quantity (minutes, lei, kilometres).
    Number,
    /// A qualitative indicator ("Ghid elaborat"): its values are texts, never evaluated.
    Text,
}

impl Unit {
    /// The unit a plan file names: `count`, `percent` (or `%`), `number` or `text`; none is
    /// `count`.
    pub fn parse(written: Option<&str>) -> Result<Self, String> {
        match written.map(str::trim) {
            None | Some("") | Some("count") => Ok(Self::Count),
            Some("percent") | Some("%") => Ok(Self::Percent),
            Some("number") => Ok(Self::Number),
            Some("text") => Ok(Self::Text),
            Some(other) => Err(format!(
                "unknown unit `{other}`: write `count`, `percent`, `number` or `text`"
            )),
        }
    }

    /// The unit an indicator's name implies, for plans that state none (Word tables never do):
    /// "Număr de …", "Nr. …", "Liczba …", "Number of …" count; "Procent …", "Odsetek …", "… (%)"
    /// are percentages; anything else ("Ghid elaborat") is described in words.
    pub fn infer(name: &str) -> Self {
        let lower = name.trim().to_lowercase();
        let starts = |words: &[&str]| words.iter().any(|w| lower.starts_with(w));
        if starts(&[
            "număr", "numar", "nr.", "nr ", "liczba", "ilość", "ilosc", "number", "no. of",
        ]) {
            Self::Count
        } else if starts(&["procent", "odsetek", "percentage", "share of", "rata "])
            || lower.ends_with('%')
            || lower.ends_with("(%)")
        {
            Self::Percent
        } else {
            Self::Text
        }
    }

    /// The stored and written key.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Percent => "percent",
            Self::Number => "number",
            Self::Text => "text",
        }
    }

    /// `value` as a value of this unit, or why it cannot be one.
    pub fn check(self, value: f64) -> Result<f64, String> {
        if !value.is_finite() {
            return Err(format!("{value} is not a number"));
        }
        match self {
            Self::Count if value < 0.0 || value.fract() != 0.0 => {
                Err(format!("a count is a whole number, 0 or more, not {value}"))
            }
            Self::Percent if !(0.0..=100.0).contains(&value) => {
                Err(format!("a percentage is between 0 and 100, not {value}"))
            }
            Self::Text => Err(format!(
                "the indicator is described in words, not by a number such as {value}"
            )),
            _ => Ok(value),
        }
    }

    /// How values of this unit combine when the plan does not say.
    pub fn default_aggregation(self) -> Aggregation {
        match self {
            Self::Count => Aggregation::Sum,
            Self::Percent => Aggregation::Average,
            Self::Number | Self::Text => Aggregation::Latest,
        }
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// More is better: sessions held, cases solved.
    Up,
    /// Less is better: offences, accidents, petitions about the police.
    Down,
}

impl Direction {
    /// `up` or `down`.
    pub fn parse(written: &str) -> Result<Self, String> {
        match written.trim() {
            "up" => Ok(Self::Up),
            "down" => Ok(Self::Down),
            other => Err(format!(
                "unknown direction `{other}`: write `up` (more is better) or `down` (less is better)"
            )),
        }
    }

    /// The stored and written key.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
        }
    }

    /// Whether `actual` reaches `target` going this way.
    pub fn reaches(self, actual: f64, target: f64) -> bool {
        match self {
            Self::Up => actual >= target,
            Self::Down => actual <= target,
        }
    }
}

/// How an indicator's values combine across periods (within one period, the institutions'
/// counts add up and other values are averaged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aggregation {
    Sum,
    /// The value of the latest period that has one.
    Latest,
    Average,
    Max,
}

impl Aggregation {
    /// `sum`, `latest`, `average` or `max`.
    pub fn parse(written: &str) -> Result<Self, String> {
        match written.trim() {
            "sum" => Ok(Self::Sum),
            "latest" => Ok(Self::Latest),
            "average" => Ok(Self::Average),
            "max" => Ok(Self::Max),
            other => Err(format!(
                "unknown aggregation `{other}`: write `sum`, `latest`, `average` or `max`"
            )),
        }
    }

    /// The stored and written key.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Latest => "latest",
            Self::Average => "average",
            Self::Max => "max",
        }
    }
}

/// What an indicator aims at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Reach this value: at least it going up, at most it going down ("≥80%", "200", "≤ 10").
    Value(f64),
    /// Change by this many per cent from the baseline: −50 halves it, 0 keeps its level
    /// ("-50%", "+10%", "la același nivel").
    Change(f64),
}

/// Ways the seed plans say "keep it at the same level", in each language.
const SAME_LEVEL: &[&str] = &[
    "same level",
    "at the same level",
    "la același nivel",
    "la acelasi nivel",
    "la același nivel ca",
    "na tym samym poziomie",
    "na takim samym poziomie",
];

impl Target {
    /// A target as written, and the direction it implies, if any: `≥`/`>=` mean up, `≤`/`<=`
    /// down, a negative change down and a positive one up; a bare value or "the same level"
    /// imply none.
    pub fn parse(written: &str) -> Result<(Self, Option<Direction>), String> {
        let text = written.trim();
        let folded = text.to_lowercase();
        if SAME_LEVEL
            .iter()
            .any(|s| folded.trim_end_matches(['.', ';']) == *s)
        {
            return Ok((Self::Change(0.0), None));
        }
        let (implied, rest) = if let Some(r) = strip_any(text, &["≥", ">="]) {
            (Some(Direction::Up), r)
        } else if let Some(r) = strip_any(text, &["≤", "<="]) {
            (Some(Direction::Down), r)
        } else {
            (None, text)
        };
        let rest = rest.trim();
        let signed = rest.starts_with(['+', '-', '−']);
        let (number, percent) = match rest.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (rest, false),
        };
        let value = parse_number(number).ok_or_else(|| {
            format!(
                "cannot read the target `{text}`: write a value (`200`, `≥80%`, `≤ 10`), a change \
                 from the baseline (`-50%`, `+10%`) or `same level`"
            )
        })?;
        match (implied, signed, percent) {
            (None, true, true) => {
                let direction = if value < 0.0 {
                    Some(Direction::Down)
                } else if value > 0.0 {
                    Some(Direction::Up)
                } else {
                    None
                };
                Ok((Self::Change(value), direction))
            }
            (_, true, false) | (Some(_), true, true) => Err(format!(
                "the target `{text}` is signed: write `{text}%` for a change from the baseline, \
                 or a comparison such as `≥ 10` for a value"
            )),
            (implied, false, _) => Ok((Self::Value(value), implied)),
        }
    }
}

impl fmt::Display for Target {
    /// The canonical written form, which [`Target::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(v) => write!(f, "{v}"),
            Self::Change(c) if *c >= 0.0 => write!(f, "+{c}%"),
            Self::Change(c) => write!(f, "{c}%"),
        }
    }
}

fn strip_any<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| text.strip_prefix(p))
}

/// A number as plans and forms write it: `80`, `-2`, `−50` (a minus sign), `1 500`, `12,5`.
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '−' => '-',
            ',' => '.',
            c => c,
        })
        .collect();
    f64::from_str(&cleaned).ok().filter(|v| v.is_finite())
}

/// Which values the baseline is, when the plan does not give its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaselinePeriod {
    /// The period of the same length just before the one evaluated ("w porównaniu do okresu
    /// poprzedniego").
    Previous,
    /// A fixed range, e.g. the year 2023.
    Range { start: NaiveDate, end: NaiveDate },
}

impl BaselinePeriod {
    /// `previous`, a year (`2023`) or a range `2023-01-01..2023-12-31`.
    pub fn parse(written: &str) -> Result<Self, String> {
        let text = written.trim();
        if text == "previous" {
            return Ok(Self::Previous);
        }
        let bad = || {
            format!(
                "cannot read the baseline period `{text}`: write `previous`, a year (`2023`) or \
                 a range (`2023-01-01..2023-12-31`)"
            )
        };
        if let Some((a, b)) = text.split_once("..") {
            let start = NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d").map_err(|_| bad())?;
            let end = NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d").map_err(|_| bad())?;
            return if start <= end {
                Ok(Self::Range { start, end })
            } else {
                Err(bad())
            };
        }
        let year: i32 = text.parse().map_err(|_| bad())?;
        match (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) {
            (Some(start), Some(end)) if (1900..=2200).contains(&year) => {
                Ok(Self::Range { start, end })
            }
            _ => Err(bad()),
        }
    }

    /// The range it covers when `window` is evaluated. The previous period ends the day before
    /// the window starts; it spans as many whole months when the window is whole months (the
    /// year before a year, the quarter before a quarter), else as many days.
    pub fn range(&self, window: (NaiveDate, NaiveDate)) -> (NaiveDate, NaiveDate) {
        match self {
            Self::Range { start, end } => (*start, *end),
            Self::Previous => {
                let (start, end) = window;
                let end_before = start.pred_opt().unwrap_or(start);
                let next = end.succ_opt().unwrap_or(end);
                if start.day() == 1 && next.day() == 1 {
                    let months = (next.year() - start.year()) * 12 + next.month() as i32
                        - start.month() as i32;
                    let months = chrono::Months::new(months.unsigned_abs());
                    if let Some(from) = start.checked_sub_months(months) {
                        return (from, end_before);
                    }
                }
                let days = (end - start).num_days();
                (end_before - chrono::Duration::days(days), end_before)
            }
        }
    }
}

impl fmt::Display for BaselinePeriod {
    /// The canonical written form, which [`BaselinePeriod::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Previous => f.write_str("previous"),
            Self::Range { start, end } => write!(f, "{start}..{end}"),
        }
    }
}

/// What an indicator is compared against: a value, or the values of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub value: Option<f64>,
    pub period: Option<BaselinePeriod>,
}

/// An indicator's definition, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSpec {
    pub unit: Unit,
    pub baseline: Option<Baseline>,
    pub target: Option<Target>,
    pub direction: Direction,
    pub aggregation: Aggregation,
}

/// An indicator's definition as stored or written, field by field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WrittenSpec<'a> {
    pub unit: Option<&'a str>,
    pub baseline_value: Option<f64>,
    pub baseline_period: Option<&'a str>,
    pub target: Option<&'a str>,
    pub direction: Option<&'a str>,
    pub aggregation: Option<&'a str>,
}

/// Which field of a written spec a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Unit,
    Baseline,
    Target,
    Direction,
    Aggregation,
}

impl Default for IndicatorSpec {
    /// A count with no target, more being better, summed: what an indicator written with a
    /// name alone means.
    fn default() -> Self {
        Self {
            unit: Unit::Count,
            baseline: None,
            target: None,
            direction: Direction::Up,
            aggregation: Aggregation::Sum,
        }
    }
}

impl IndicatorSpec {
    /// Parses `written`; every problem names its field. A direction the target implies is taken
    /// when none is written; one written against the target is a problem, and so is a target
    /// that implies none ("same level", a bare value going down) with none written, except a
    /// bare value, which is taken as "at least".
    pub fn parse(written: &WrittenSpec<'_>) -> Result<Self, Vec<(Field, String)>> {
        let mut problems = Vec::new();
        let unit = Unit::parse(written.unit).unwrap_or_else(|e| {
            problems.push((Field::Unit, e));
            Unit::Count
        });
        let target = match written.target.map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => match Target::parse(t) {
                Ok(parsed) => Some(parsed),
                Err(e) => {
                    problems.push((Field::Target, e));
                    None
                }
            },
        };
        let declared = match written.direction {
            None => None,
            Some(d) => match Direction::parse(d) {
                Ok(d) => Some(d),
                Err(e) => {
                    problems.push((Field::Direction, e));
                    None
                }
            },
        };
        let implied = target.and_then(|(_, d)| d);
        let direction = match (declared, implied, target) {
            (Some(d), Some(i), _) if d != i => {
                problems.push((
                    Field::Direction,
                    format!(
                        "`direction: {}` contradicts the target `{}`, which means {}",
                        d.as_str(),
                        written.target.unwrap_or_default().trim(),
                        i.as_str()
                    ),
                ));
                d
            }
            (Some(d), _, _) => d,
            (None, Some(i), _) => i,
            (None, None, Some((Target::Change(_), _))) => {
                problems.push((
                    Field::Direction,
                    format!(
                        "the target `{}` keeps a level: say which way is better with \
                         `direction: up` or `direction: down`",
                        written.target.unwrap_or_default().trim()
                    ),
                ));
                Direction::Up
            }
            (None, None, _) => Direction::Up,
        };
        let aggregation = match written.aggregation {
            None => unit.default_aggregation(),
            Some(a) => Aggregation::parse(a).unwrap_or_else(|e| {
                problems.push((Field::Aggregation, e));
                unit.default_aggregation()
            }),
        };
        let period = match written.baseline_period {
            None => None,
            Some(p) => match BaselinePeriod::parse(p) {
                Ok(p) => Some(p),
                Err(e) => {
                    problems.push((Field::Baseline, e));
                    None
                }
            },
        };
        if let Some(v) = written.baseline_value
            && let Err(e) = unit.check(v)
        {
            problems.push((Field::Baseline, format!("baseline: {e}")));
        }
        if let Some((Target::Value(v), _)) = target
            && let Err(e) = unit.check(v)
        {
            problems.push((Field::Target, format!("target: {e}")));
        }
        let baseline = (written.baseline_value.is_some() || period.is_some()).then_some(Baseline {
            value: written.baseline_value,
            period,
        });
        if matches!(target, Some((Target::Change(_), _))) && baseline.is_none() {
            problems.push((
                Field::Baseline,
                format!(
                    "the target `{}` is a change from a baseline: give `baseline:` a value, a \
                     period (`previous`, `2023`) or both",
                    written.target.unwrap_or_default().trim()
                ),
            ));
        }
        if problems.is_empty() {
            Ok(Self {
                unit,
                baseline,
                target: target.map(|(t, _)| t),
                direction,
                aggregation,
            })
        } else {
            Err(problems)
        }
    }

    /// Reads a spec the engine stored (it was checked when written): what cannot be read is
    /// left out rather than failing a whole report.
    pub fn stored(written: &WrittenSpec<'_>) -> Self {
        Self::parse(written).unwrap_or_else(|_| Self {
            unit: Unit::parse(written.unit).unwrap_or(Unit::Count),
            baseline: None,
            target: None,
            direction: written
                .direction
                .and_then(|d| Direction::parse(d).ok())
                .unwrap_or(Direction::Up),
            aggregation: Unit::parse(written.unit)
                .unwrap_or(Unit::Count)
                .default_aggregation(),
        })
    }
}

impl IndicatorSpec {
    /// The target as people read it: "≥ 200", "≤ 10 %", "-50 % vs the previous period", "the
    /// same level as 2023"; `None` without a target.
    pub fn target_text(&self, language: Language) -> Option<String> {
        let suffix = if self.unit == Unit::Percent { " %" } else { "" };
        let text = match self.target? {
            Target::Value(v) => {
                let sign = match self.direction {
                    Direction::Up => "≥",
                    Direction::Down => "≤",
                };
                format!("{sign} {}{suffix}", i18n::number(language, v))
            }
            Target::Change(change) => {
                let against = self.baseline_text(language).unwrap_or_default();
                if change == 0.0 {
                    t(
                        language,
                        "indicator-target-same",
                        &[("against", Arg::Text(against))],
                    )
                } else {
                    let sign = if change > 0.0 { "+" } else { "" };
                    t(
                        language,
                        "indicator-target-change",
                        &[
                            (
                                "change",
                                Arg::Text(format!("{sign}{} %", i18n::number(language, change))),
                            ),
                            ("against", Arg::Text(against)),
                        ],
                    )
                }
            }
        };
        Some(text)
    }

    /// The baseline as people read it: "120 (2023)", "the previous period", "2023".
    pub fn baseline_text(&self, language: Language) -> Option<String> {
        let baseline = self.baseline.as_ref()?;
        let period = baseline.period.as_ref().map(|p| match p {
            BaselinePeriod::Previous => t(language, "indicator-baseline-previous", &[]),
            BaselinePeriod::Range { start, end }
                if start.ordinal() == 1
                    && end.year() == start.year()
                    && end.month() == 12
                    && end.day() == 31 =>
            {
                start.year().to_string()
            }
            BaselinePeriod::Range { start, end } => {
                format!(
                    "{} – {}",
                    i18n::date(language, *start),
                    i18n::date(language, *end)
                )
            }
        });
        Some(match (baseline.value, period) {
            (Some(v), Some(p)) => format!("{} ({p})", i18n::number(language, v)),
            (Some(v), None) => i18n::number(language, v),
            (None, Some(p)) => p,
            (None, None) => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_in_each_language() {
        let lubartow = IndicatorSpec::parse(&WrittenSpec {
            target: Some("-50%"),
            baseline_period: Some("previous"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            lubartow.target_text(Language::Pl).unwrap(),
            "-50 % w porównaniu z poprzednim okresem"
        );
        let crimes = IndicatorSpec::parse(&WrittenSpec {
            target: Some("la același nivel"),
            direction: Some("down"),
            baseline_period: Some("2023"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            crimes.target_text(Language::Ro).unwrap(),
            "nivelul din 2023"
        );
        let calls = IndicatorSpec::parse(&WrittenSpec {
            unit: Some("percent"),
            target: Some("≥80%"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(calls.target_text(Language::En).unwrap(), "≥ 80 %");
        assert_eq!(IndicatorSpec::default().target_text(Language::En), None);
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn targets_as_the_seed_plans_write_them() {
        let cases: &[(&str, Target, Option<Direction>)] = &[
            ("≥80%", Target::Value(80.0), Some(Direction::Up)),
            (">= 80 %", Target::Value(80.0), Some(Direction::Up)),
            ("≤ 10", Target::Value(10.0), Some(Direction::Down)),
            ("200", Target::Value(200.0), None),
            ("1 500", Target::Value(1500.0), None),
            ("12,5", Target::Value(12.5), None),
            ("-50%", Target::Change(-50.0), Some(Direction::Down)),
            ("−2 %", Target::Change(-2.0), Some(Direction::Down)),
            ("+10%", Target::Change(10.0), Some(Direction::Up)),
            ("la același nivel", Target::Change(0.0), None),
            ("Na tym samym poziomie.", Target::Change(0.0), None),
        ];
        for (text, target, direction) in cases {
            assert_eq!(
                Target::parse(text),
                Ok((*target, *direction)),
                "target `{text}`"
            );
        }
    }

    #[test]
    fn unreadable_targets_are_refused_with_the_text() {
        for text in ["a lot", "-5", "≥ -5%", "80%%", ""] {
            let err = Target::parse(text).unwrap_err();
            assert!(err.contains(text.trim()), "{text}: {err}");
        }
    }

    #[test]
    fn the_canonical_form_reads_back() {
        for text in ["≥80%", "200", "-50%", "+10%", "la același nivel", "12,5"] {
            let (target, _) = Target::parse(text).unwrap();
            assert_eq!(Target::parse(&target.to_string()).unwrap().0, target);
        }
    }

    #[test]
    fn units_check_values() {
        assert_eq!(Unit::Count.check(3.0), Ok(3.0));
        assert!(Unit::Count.check(2.5).unwrap_err().contains("2.5"));
        assert!(Unit::Count.check(-1.0).is_err());
        assert!(Unit::Percent.check(100.5).unwrap_err().contains("100.5"));
        assert_eq!(Unit::Number.check(-3.5), Ok(-3.5));
        assert!(Unit::Number.check(f64::NAN).is_err());
        assert!(
            Unit::parse(Some("persoane"))
                .unwrap_err()
                .contains("persoane")
        );
        assert!(Unit::Text.check(1.0).is_err());
    }

    #[test]
    fn direction_comes_from_the_target_or_is_refused_when_it_contradicts_it() {
        let spec = IndicatorSpec::parse(&WrittenSpec {
            target: Some("-50%"),
            baseline_period: Some("previous"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(spec.direction, Direction::Down);
        assert_eq!(spec.aggregation, Aggregation::Sum);

        let problems = IndicatorSpec::parse(&WrittenSpec {
            target: Some("≥80%"),
            direction: Some("down"),
            unit: Some("percent"),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(problems[0].0, Field::Direction);

        let problems = IndicatorSpec::parse(&WrittenSpec {
            target: Some("la același nivel"),
            baseline_period: Some("2023"),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(problems[0].0, Field::Direction);
        assert!(problems[0].1.contains("la același nivel"));
    }

    #[test]
    fn a_change_needs_a_baseline_and_values_fit_the_unit() {
        let problems = IndicatorSpec::parse(&WrittenSpec {
            target: Some("-2%"),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(problems, vec![(Field::Baseline, problems[0].1.clone())]);
        assert!(problems[0].1.contains("-2%"));

        let problems = IndicatorSpec::parse(&WrittenSpec {
            unit: Some("percent"),
            target: Some("120"),
            aggregation: Some("median"),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<Field> = problems.iter().map(|p| p.0).collect();
        assert_eq!(fields, [Field::Aggregation, Field::Target]);
    }

    #[test]
    fn units_follow_the_names_when_the_plan_states_none() {
        let cases = [
            (
                "Număr de acțiuni/campanii de informare derulate",
                Unit::Count,
            ),
            ("Nr. de beneficiari", Unit::Count),
            ("Liczba interwencji", Unit::Count),
            ("Procentul intervențiilor sub 10 minute", Unit::Percent),
            ("Intervenții în maximum 10 minute (%)", Unit::Percent),
            ("Ghid elaborat și diseminat", Unit::Text),
            ("Raport anual", Unit::Text),
        ];
        for (name, unit) in cases {
            assert_eq!(Unit::infer(name), unit, "{name}");
        }
    }

    #[test]
    fn baseline_periods() {
        assert_eq!(
            BaselinePeriod::parse("2023"),
            Ok(BaselinePeriod::Range {
                start: date(2023, 1, 1),
                end: date(2023, 12, 31)
            })
        );
        // The year before a year, whatever their lengths in days.
        let previous = BaselinePeriod::Previous.range((date(2024, 1, 1), date(2024, 12, 31)));
        assert_eq!(previous, (date(2023, 1, 1), date(2023, 12, 31)));
        let previous = BaselinePeriod::Previous.range((date(2024, 4, 1), date(2024, 6, 30)));
        assert_eq!(previous, (date(2024, 1, 1), date(2024, 3, 31)));
        // Not whole months: as many days.
        let previous = BaselinePeriod::Previous.range((date(2024, 3, 11), date(2024, 3, 20)));
        assert_eq!(previous, (date(2024, 3, 1), date(2024, 3, 10)));
        assert!(BaselinePeriod::parse("last year").is_err());
        assert!(BaselinePeriod::parse("2023-12-31..2023-01-01").is_err());
    }
}
