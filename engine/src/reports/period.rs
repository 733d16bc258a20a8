//! The span a monitoring report covers, as an operator writes it: a year (`2021`), a half-year
//! (`2021-S1`, `2021-H2`), a quarter (`2021-Q3`) or a date range (`2021-01-01..2021-06-30`).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

/// What kind of span a [`ReportPeriod`] is, for titles in the plan's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Year(i32),
    /// Year and half (1 or 2).
    Half(i32, u8),
    /// Year and quarter (1 to 4).
    Quarter(i32, u8),
    Range,
}

/// A span of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportPeriod {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub kind: PeriodKind,
}

/// A period that cannot be read; names the value and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid period `{value}`: {reason} (write a year `2021`, a half-year `2021-S1` or `2021-H2`, \
     a quarter `2021-Q3`, or dates `2021-01-01..2021-06-30`)"
)]
pub struct PeriodError {
    pub value: String,
    pub reason: String,
}

impl ReportPeriod {
    /// Reads `text` (surrounding spaces ignored).
    pub fn parse(text: &str) -> Result<Self, PeriodError> {
        let value = text.trim();
        let fail = |reason: &str| PeriodError {
            value: text.to_owned(),
            reason: reason.to_owned(),
        };
        if let Some((from, to)) = value.split_once("..") {
            let date = |s: &str| {
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| fail(&format!("`{}` is not a date YYYY-MM-DD", s.trim())))
            };
            let (start, end) = (date(from)?, date(to)?);
            if end < start {
                return Err(fail("the range ends before it starts"));
            }
            return Ok(Self {
                start,
                end,
                kind: PeriodKind::Range,
            });
        }
        let (year_text, part) = match value.split_once('-') {
            Some((y, p)) => (y, Some(p)),
            None => (value, None),
        };
        let year: i32 = match year_text.parse() {
            Ok(y) if year_text.len() == 4 && (1900..=2999).contains(&y) => y,
            _ => return Err(fail(&format!("`{year_text}` is not a year"))),
        };
        let span = |kind, first_month: u32, months: u32| {
            let start = NaiveDate::from_ymd_opt(year, first_month, 1);
            let next = if first_month + months > 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, first_month + months, 1)
            };
            match (start, next.and_then(|n| n.pred_opt())) {
                (Some(start), Some(end)) => Ok(Self { start, end, kind }),
                _ => Err(fail("the year is out of range")),
            }
        };
        let Some(part) = part else {
            return span(PeriodKind::Year(year), 1, 12);
        };
        let upper = part.to_ascii_uppercase();
        let mut chars = upper.chars();
        let letter = chars.next();
        match (letter, chars.as_str().parse::<u8>()) {
            (Some('S' | 'H'), Ok(n @ 1..=2)) => {
                span(PeriodKind::Half(year, n), u32::from(n - 1) * 6 + 1, 6)
            }
            (Some('Q'), Ok(n @ 1..=4)) => {
                span(PeriodKind::Quarter(year, n), u32::from(n - 1) * 3 + 1, 3)
            }
            (Some('S' | 'H'), _) => Err(fail(&format!("`{part}`: a half-year is 1 or 2"))),
            (Some('Q'), _) => Err(fail(&format!("`{part}`: a quarter is 1 to 4"))),
            _ => Err(fail(&format!(
                "`{part}` is not a half-year (S1, H2) or a quarter (Q1..Q4)"
            ))),
        }
    }
}

impl FromStr for ReportPeriod {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for ReportPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Year(y) => write!(f, "{y}"),
            PeriodKind::Half(y, n) => write!(f, "{y}-S{n}"),
            PeriodKind::Quarter(y, n) => write!(f, "{y}-Q{n}"),
            PeriodKind::Range => write!(f, "{}..{}", self.start, self.end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn years_halves_quarters_and_ranges() {
        let cases = [
            ("2021", d(2021, 1, 1), d(2021, 12, 31), "2021"),
            ("2021-S1", d(2021, 1, 1), d(2021, 6, 30), "2021-S1"),
            ("2021-h2", d(2021, 7, 1), d(2021, 12, 31), "2021-S2"),
            ("2021-H1", d(2021, 1, 1), d(2021, 6, 30), "2021-S1"),
            ("2021-Q1", d(2021, 1, 1), d(2021, 3, 31), "2021-Q1"),
            ("2024-Q1", d(2024, 1, 1), d(2024, 3, 31), "2024-Q1"),
            ("2021-Q3", d(2021, 7, 1), d(2021, 9, 30), "2021-Q3"),
            ("2021-q4", d(2021, 10, 1), d(2021, 12, 31), "2021-Q4"),
            (
                " 2021-01-01..2021-06-30 ",
                d(2021, 1, 1),
                d(2021, 6, 30),
                "2021-01-01..2021-06-30",
            ),
            (
                "2021-03-05..2021-03-05",
                d(2021, 3, 5),
                d(2021, 3, 5),
                "2021-03-05..2021-03-05",
            ),
        ];
        for (text, start, end, shown) in cases {
            let p = ReportPeriod::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (p.start, p.end, p.to_string().as_str()),
                (start, end, shown)
            );
        }
    }

    #[test]
    fn bad_values_are_named_with_the_reason() {
        let cases = [
            ("", "is not a year"),
            ("21", "is not a year"),
            ("year", "is not a year"),
            ("2021-S3", "a half-year is 1 or 2"),
            ("2021-Q5", "a quarter is 1 to 4"),
            ("2021-Q", "a quarter is 1 to 4"),
            ("2021-X1", "is not a half-year"),
            ("2021-é1", "is not a half-year"),
            ("2021-", "is not a half-year"),
            ("2021-06-30..2021-01-01", "ends before it starts"),
            ("2021-02-30..2021-03-01", "`2021-02-30` is not a date"),
            ("2021-01-01..", "`` is not a date"),
        ];
        for (text, reason) in cases {
            let e = ReportPeriod::parse(text).expect_err(text);
            let message = e.to_string();
            assert!(
                message.contains(&format!("`{text}`")) && message.contains(reason),
                "{text}: {message}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_or_refused_without_panicking(text in "[0-9]{0,5}-?[SHQsq\\PC]?[0-9]{0,3}|\\PC{0,40}") {
            let _ = ReportPeriod::parse(&text);
        }

        #[test]
        fn a_period_reads_back_as_it_is_written(
            year in 1900i32..2999,
            kind in 0u8..3,
            n in 1u8..5,
            days in 0u64..800,
        ) {
            let text = match kind {
                0 => format!("{year}-S{}", 1 + n % 2),
                1 => format!("{year}-Q{n}"),
                _ => {
                    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
                    format!("{start}..{}", start + chrono::Days::new(days))
                }
            };
            let period = ReportPeriod::parse(&text).unwrap();
            proptest::prop_assert_eq!(period.to_string(), text.clone());
            proptest::prop_assert_eq!(ReportPeriod::parse(&period.to_string()).unwrap(), period);
            proptest::prop_assert!(period.start <= period.end);
        }
    }
}
