//! Deadline wording → reporting periods.
//!
//! Action plans state deadlines in words ("anual", "primul semestru 2021",
//! "II kwartał 2024", "by 31 March 2024"). [`parse`] turns such a wording,
//! given the plan period and time zone, into inclusive reporting [`Period`]s,
//! each due at the end of its last day in the plan's time zone ([`due_at`]).
//! Periods come back sorted by (start, end, due), without duplicates.
//!
//! # Reading the wording
//!
//! A wording is read completely or refused: every word must take part in
//! one of the forms below. The first word that does not is reported with
//! the rest of the wording ([`DeadlineError::Unrecognised`],
//! [`DeadlineError::Unexpected`]), e.g. "anual, dacă este cazul" is refused
//! at "dacă", and "anual și" at the dangling "și".
//!
//! Case, diacritics (ș/ş, ț/ţ, ă, â, î; ą ć ę ł ń ó ś ź ż), the kind of dash
//! (-, –, —), spacing, line breaks and punctuation (`:` `,` `.` `(` `?` …) do
//! not matter; dates written with digits ("15.09.2024", "15/09/2024",
//! "2024-03-31") are kept whole. These filler words — and only these — are
//! skipped wherever they stand, as they never change a deadline's meaning
//! ("al anului 2021", "în cursul anului 2022", "până la data de …", "do dnia
//! 30 czerwca 2024 r.", "the first half of 2023"):
//!
//! - Romanian: `a`, `al`, `ale`, `an`, `anul`, `anului`, `anii`, `anilor`,
//!   `în`, `pe`, `cursul`, `data`, `de`, `limită`, `luna`, `lunii`;
//! - Polish: `r` (of "r."), `rok`, `roku`, `w`, `dnia`, `dniu`;
//! - English: `of`, `the`, `in`, `year`, `years`, `during`, `on`.
//!
//! A cell may list several deadlines, with or without "și", "and", "i",
//! "oraz", ",": the result is their union.
//!
//! # Forms and their periods
//!
//! | wording | periods |
//! |---|---|
//! | `2021`, `anul 2021`, `2024 r.`, `of 2021` | the calendar year |
//! | `2021-2022` | one period 2021-01-01..2022-12-31 |
//! | `primul semestru 2021`, `semestrul II al anului 2022`, `S1 2023`, `H2 2023`, `first half of 2023`, `I półrocze 2024` | that half-year |
//! | `trimestrul IV 2021`, `II kwartał 2024`, `Q3 2025`, `third quarter of 2025`, `1st quarter 2024` | that quarter |
//! | `octombrie 2022`, `iulie-octombrie 2022`, `noiembrie 2021 - februarie 2022`, `styczeń – czerwiec 2024` | that month / month range |
//! | `31.03.2024`, `2024-03-31`, `31 martie 2024`, `30 czerwca 2024 r.`, `March 31, 2024` | start = end = that date |
//! | `până la 31.03.2024`, `do 30.06.2024`, `by 31 March 2024`, `until …`, `termen: …`, `deadline …` | plan start (or the date, if earlier) .. the date |
//! | `până la sfârșitul anului 2021`, `by the end of Q1 2024`, `do końca 2021 roku` | "by" the last day of that period |
//! | `od 01.01.2024 do 30.06.2024`, `de la … până la …`, `from … to …`, `între … și …` | that date range |
//! | `de la 1 martie 2024`, `od 1 marca 2024`, `începând cu …`, `from …` (no end, no rhythm in the wording) | that date .. plan end |
//! | `anual`, `semestrial`, `trimestrial`, `lunar` (annually, quarterly, corocznie, kwartalnie, co miesiąc …) | every calendar year / half / quarter / month touching the plan, clipped to it |
//! | `anual: iulie-octombrie` (annually: July-October, corocznie: lipiec-październik) | that month window in every year of the plan |
//! | `trimestrial 2022`, `lunar: iulie-octombrie` | the units inside that period / window |
//! | rhythm + `începând cu` / `începând din` / `începând de la` / `de la` / `od` / `począwszy od` / `starting from` / `starting with` / `starting in` / `from` / `since` + date or period: `semestrial, începând cu semestrul II 2021`, `anual, începând cu 2022`, `lunar începând cu martie 2021`, `co kwartał, począwszy od II kwartału 2024`, `annually starting from 2022` | only the rhythm's periods (after clipping to the plan) that start on or after the first day of that date or period: "trimestrial, începând cu 15.02.2022" starts with Q2 2022 |
//! | the same with an end: `lunar de la martie 2022 până la iunie 2022`, `quarterly from Q2 2024 to Q3 2025` | those periods, clipped to end on the last day of the end item |
//! | the start written first: `începând cu 2022, anual`, `od II kwartału 2024 kwartalnie` | the same as written after |
//! | `permanent`, `continuu`, `în permanență`, `ongoing`, `na bieżąco`, `stale` | like `anual`: one period per calendar year of the plan (an institution reports once a year on a permanent activity) |
//! | `periodic`, `periodically`, `okresowo` | one period per fire of the `recurrence` cron rule, see below |
//!
//! A month, half or quarter without a year ("iulie-octombrie", "II kwartał")
//! means that window in every year of the plan. A yearless item takes a year
//! from the other end of its range ("iulie-octombrie 2022"), from the next
//! dated item of a list ("I i III kwartał 2024" = Q1 and Q3 2024), or from a
//! year written right before it ("2024: I kwartał"). A yearless item mixed with
//! dated ones in any other way is an error (ambiguous), as is a day without a
//! year ("31 martie").
//!
//! # A start of a rhythm
//!
//! A "starting from" next to a rhythm is a limit of that rhythm, not a
//! deadline of its own: only the rhythm's periods (as clipped to the plan)
//! that start on or after the first day of the named date or period are
//! kept, and an end ("de la … până la …") clips them. When that leaves no
//! period in the plan, it is an error ([`DeadlineError::NothingFrom`]).
//! Without a rhythm in the wording, "de la 1 martie 2024" is the one period
//! from that date to the plan end.
//!
//! In a wording with a rhythm, these are refused rather than guessed: a
//! start not written right before or after a rhythm ("anual și începând cu
//! 2022", "periodic, începând cu 2022"), one start next to several rhythms
//! ("anual, semestrial începând cu 2022"), and a "by" ("trimestrial, până
//! la sfârșitul anului 2021": until then, or a due day in each quarter?).
//!
//! # Against the plan period
//!
//! Every period is clipped to the plan period. A fixed period lying wholly
//! outside it is an error naming it; so is a yearly window that never meets
//! it. Windows of a single year wholly outside the plan are skipped.
//!
//! # `periodic` and `recurrence`
//!
//! "periodic" needs the `recurrence` argument, a cron expression: 5 fields
//! (Unix: minute hour day month weekday, 0/7 = Sunday, 1 = Monday) or the
//! `cron` crate's 6–7 fields (seconds first, optional year; there
//! 1 = Sunday). Each fire within the plan period, evaluated in the plan's
//! time zone, is a due instant; periods run from the day after the previous
//! fire (the plan start for the first) to the day of the fire. Days after the
//! last fire belong to no period. Unlike Unix cron, the `cron` crate requires
//! both day-of-month and day-of-week to match when both are restricted.
//! A `recurrence` with any wording that does not say "periodic" is an error;
//! a blank one counts as none.
//!
//! # Limits
//!
//! A plan period may last at most [`MAX_PLAN_YEARS`] years
//! ([`PlanPeriod::parse`], [`PlanPeriod::new`] and [`parse`] refuse longer
//! ones), and one wording may yield at most [`MAX_PERIODS_PER_ACTION`]
//! periods: expansion stops with [`DeadlineError::TooManyPeriods`] at the
//! first period over the limit, so a runaway rule costs no more than that.
//!
//! # Errors
//!
//! Nothing is guessed: an empty wording, an unknown or unplaced word, a
//! quarter 5, an invalid date, a range ending before it starts, a date
//! outside the plan… are [`DeadlineError`]s whose message quotes the wording,
//! says what is wrong and, where the wording was not understood, names the
//! first word not understood and lists the accepted forms.
//!
//! # Design
//!
//! `lexer` (folding, tokens: words, numbers, dates, dashes, keywords from the
//! `lexicon` tables) → `grammar` (recursive descent into a `Spec` per
//! deadline) → `expand` (specs × plan period → periods; `recurrence` for
//! cron rules).

mod calendar;
mod error;
mod expand;
mod grammar;
mod lexer;
mod lexicon;
mod recurrence;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Months, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;

pub use error::DeadlineError;

/// No action's deadline may yield more periods than this: expansion stops
/// with [`DeadlineError::TooManyPeriods`] as soon as it would make one more
/// (a cron rule firing every hour, a daily rule over years …).
pub const MAX_PERIODS_PER_ACTION: usize = 1000;

/// No plan period may last longer than this many years
/// ([`DeadlineError::InvalidPlanPeriod`]): a longer one is a typo
/// ("1200-01-01") that would only make every rhythm expand into
/// thousands of periods.
pub const MAX_PLAN_YEARS: u32 = 50;

/// An inclusive reporting period with its due instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    /// First day of the period.
    pub start: NaiveDate,
    /// Last day of the period.
    pub end: NaiveDate,
    /// When the report is due: [`due_at`] of `end`, or the cron fire for "periodic".
    pub due: DateTime<Utc>,
}

/// The plan's period, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanPeriod {
    /// First day of the plan.
    pub start: NaiveDate,
    /// Last day of the plan.
    pub end: NaiveDate,
}

impl PlanPeriod {
    /// A plan period from `start` to `end` inclusive; `start` must not be
    /// after `end`, and it may last at most [`MAX_PLAN_YEARS`] years.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, DeadlineError> {
        Self::checked(start, end).map_err(|reason| DeadlineError::InvalidPlanPeriod {
            text: format!("{start}..{end}"),
            reason,
        })
    }

    /// The checks of [`PlanPeriod::new`]; the error is a reason for humans.
    fn checked(start: NaiveDate, end: NaiveDate) -> Result<Self, String> {
        if start > end {
            return Err("it starts after it ends".to_string());
        }
        // Past the end of the calendar, no end can be that far away.
        if let Some(too_far) = start.checked_add_months(Months::new(12 * MAX_PLAN_YEARS))
            && end >= too_far
        {
            return Err(format!(
                "it lasts more than {MAX_PLAN_YEARS} years (the last day may be {} at the latest)",
                too_far.pred_opt().unwrap_or(too_far)
            ));
        }
        Ok(PlanPeriod { start, end })
    }

    /// Parses `"2021-01-01..2022-12-31"` (spaces around the dates allowed),
    /// with the checks of [`PlanPeriod::new`].
    pub fn parse(s: &str) -> Result<Self, DeadlineError> {
        let invalid = |reason: String| DeadlineError::InvalidPlanPeriod {
            text: s.to_string(),
            reason,
        };
        let (start, end) = s
            .split_once("..")
            .ok_or_else(|| invalid("no \"..\" between start and end".to_string()))?;
        let date = |text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|e| {
                invalid(format!(
                    "\"{}\" is not a YYYY-MM-DD date ({e})",
                    text.trim()
                ))
            })
        };
        let (start, end) = (date(start)?, date(end)?);
        Self::checked(start, end).map_err(invalid)
    }

    fn bounds(self) -> (NaiveDate, NaiveDate) {
        (self.start, self.end)
    }
}

/// The due instant of a period ending on `end`: the last second of that day
/// in `tz` (23:59:59 local). When the day ends irregularly — midnight falls
/// into a DST gap, or the end of the day is repeated — it is one second
/// before the next day really starts, i.e. the last instant that is still
/// `end` locally.
pub fn due_at(end: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let next_day_start = end
        .succ_opt()
        .and_then(|next| calendar::first_instant(next.and_time(NaiveTime::MIN), tz))
        .and_then(|t| t.checked_sub_signed(TimeDelta::seconds(1)));
    match next_day_start {
        Some(due) => due,
        None => calendar::approximate_instant(
            end.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)),
            tz,
        ),
    }
}

/// Turns a deadline `wording` into the reporting periods of the plan.
///
/// `recurrence` is the cron rule of a "periodic" wording (and must be absent
/// otherwise). See the module documentation for the accepted forms.
pub fn parse(
    wording: &str,
    plan: PlanPeriod,
    tz: Tz,
    recurrence: Option<&str>,
) -> Result<Vec<Period>, DeadlineError> {
    // The fields are public: a hand-made plan period may be reversed.
    let plan = PlanPeriod::new(plan.start, plan.end)?;
    let recurrence = recurrence.filter(|r| !r.trim().is_empty());
    let tokens = lexer::tokenize(wording)?;
    let specs = grammar::parse(wording, &tokens)?;
    if specs.is_empty() {
        return Err(DeadlineError::Empty {
            wording: wording.to_string(),
        });
    }
    let periodic = specs
        .iter()
        .any(|s| matches!(s.spec, grammar::Spec::Periodic));
    match (periodic, recurrence) {
        (true, None) => {
            return Err(DeadlineError::PeriodicWithoutRecurrence {
                wording: wording.to_string(),
            });
        }
        (false, Some(r)) => {
            return Err(DeadlineError::UnexpectedRecurrence {
                wording: wording.to_string(),
                recurrence: r.to_string(),
            });
        }
        _ => {}
    }
    let mut periods = expand::expand(wording, &specs, plan, tz, recurrence)?;
    periods.sort_by_key(|p| (p.start, p.end, p.due));
    periods.dedup();
    Ok(periods)
}
