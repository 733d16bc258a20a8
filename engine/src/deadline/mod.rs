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
//! "2024-03-31") are kept whole.
//!
//! These filler words — and only these — are skipped, as they never change a
//! deadline's meaning, but only where they belong: right before the date or
//! period they introduce, or (Polish "r.", "roku") right after the year or
//! date they qualify. Anywhere else ("anual în", "în anual", "2021 al", "the
//! annually", "roku anual", "anual r.") the wording is refused at the filler
//! (unless an unread word comes first, or right after it: "în intervalul 2021"
//! is refused at "intervalul"):
//!
//! | filler | may stand | e.g. |
//! |---|---|---|
//! | `a`, `al`, `ale` | before an ordinal, a number or `anului`/`anilor`/`anul`/`lunii` | "al doilea semestru", "semestrul II al anului 2022", "a 2-a" |
//! | `an`, `anul`, `anului`, `anii`, `anilor`; `year`, `years` | before a year | "anul 2021", "sfârșitul anului 2021", "the year 2021" |
//! | `în`/`in` | before a date, a period, `sfârșitul`/`end`, `permanență`, `anul`, `anii`, `cursul`, `perioada`, `luna`, `data`, `the`, `year` | "în anul 2022", "în trimestrul IV 2021", "în permanență", "in the first half of 2023" |
//! | `pe` | before a date, a period, `anul`, `anii`, `luna`, `data`, `parcursul` | "pe anul 2024", "pe parcursul anului 2023" |
//! | `cursul`, `parcursul` | before a period, `anului`, `anilor`, `lunii` | "în cursul anului 2022" |
//! | `perioada` | before a date, a period, `anilor`, `lunii` | "în perioada 2021-2022" |
//! | `data` | before a date, an event, `de`, `limită` | "până la data de 31.03.2022", "de la data înregistrării" |
//! | `de` | before a date or a number of days | "data de 1 aprilie 2022", "30 de zile" |
//! | `limită` | before a date, a year, a month, `de` | "termen limită: 31.03.2022" |
//! | `luna`, `lunii` | before a month | "luna octombrie 2022", "sfârșitul lunii iunie 2022" |
//! | `r` (of "r.") | after a year or a date | "2024 r.", "30 czerwca 2024 r." |
//! | `rok`, `roku` | after a year or a date, or before a year | "do końca 2021 roku", "w roku 2024" |
//! | `w` | before a date, a period, `roku`, `rok`, `dnia`, `dniu`, `latach` | "w 2024 roku", "w I kwartale 2024", "w latach 2021-2022" |
//! | `dnia`, `dniu`, `daty` | before a date or an event | "do dnia 30 czerwca 2024 r.", "od dnia otrzymania", "od daty wpływu" |
//! | `latach` | before a year | "w latach 2021-2022" |
//! | `of` | before a date, a period, `the`, `year` | "first half of 2023", "end of June 2024", "of 2021" |
//! | `the` | before a date, a period, `end`, `year` | "the second half of 2023", "by the end of 2021" |
//! | `during` | before a period, `the`, `year` | "during 2022" |
//! | `on` | before a date, a month, `the` | "on 31 March 2024" |
//!
//! ("a date" includes a day number, "a period" a month, a half or quarter
//! word, an ordinal or a Roman numeral that starts one.)
//!
//! A cell may list several deadlines, with or without "și", "and", "i",
//! "oraz", ",": the result is their union. A word connector joins what
//! stands on both sides of it: at the start ("și 2021", "i 2021"), after a
//! dash or another connector, or at the end, it is refused.
//!
//! # Forms and their periods
//!
//! | wording | periods |
//! |---|---|
//! | `2021`, `anul 2021`, `2024 r.`, `of 2021` | the calendar year |
//! | `2021-2022` | one period 2021-01-01..2022-12-31 |
//! | `primul semestru 2021`, `semestrul II al anului 2022`, `S1 2023`, `H2 2023`, `first half of 2023`, `I półrocze 2024` | that half-year |
//! | `trimestrul IV 2021`, `II kwartał 2024`, `Q3 2025`, `third quarter of 2025`, `1st quarter 2024` | that quarter |
//! | `I-III kwartał 2022`, `I–II półrocze 2022`, `trimestrele I-III 2022`, `semestrele I-II 2022`, `trimestrul 2-3 2021`, `Q1-Q3 2025`, `od I do III kwartału 2022` | one period from the first day of the first part to the last day of the last (like a month range); the numbers share the year, so a range ending before it starts ("III-I kwartał 2022") is an error |
//! | `octombrie 2022`, `iulie-octombrie 2022`, `noiembrie 2021 - februarie 2022`, `styczeń – czerwiec 2024` | that month / month range |
//! | `31.03.2024`, `2024-03-31`, `31 martie 2024`, `30 czerwca 2024 r.`, `March 31, 2024` | start = end = that date |
//! | `până la 31.03.2024`, `do 30.06.2024`, `by 31 March 2024`, `until …`, `termen: …`, `deadline …` | plan start (or the date, if earlier) .. the date |
//! | `până la sfârșitul anului 2021`, `by the end of Q1 2024`, `do końca 2021 roku` | "by" the last day of that period |
//! | `od 01.01.2024 do 30.06.2024`, `de la … până la …`, `începând cu semestrul II 2021, până la semestrul I 2022`, `de la … și până la …`, `from … to …`, `între … și …`, and the end first: `până la 30.06.2022, începând cu 01.03.2022` | one period: that range, from the first day of the start to the last day of the end |
//! | `de la 1 martie 2024`, `od 1 marca 2024`, `începând cu …`, `din semestrul II 2021`, `from …` (no end, no rhythm in the wording) | that date .. plan end |
//! | `anual`, `semestrial`, `trimestrial`, `lunar` (annually, quarterly, corocznie, kwartalnie, co miesiąc …) | every calendar year / half / quarter / month touching the plan, clipped to it |
//! | `anual: iulie-octombrie` (annually: July-October, corocznie: lipiec-październik) | that month window in every year of the plan |
//! | `trimestrial 2022`, `lunar: iulie-octombrie`, and the dates written first: `2022: trimestrial`, `2021-2022, anual`, `2021 anual` | the units inside that period / window (a date or period right before or right after a rhythm scopes it; "2021 anual" is "anual 2021") |
//! | rhythm + `începând cu` / `începând din` / `începând de la` / `de la` / `od` / `począwszy od` / `starting from` / `starting with` / `starting in` / `from` / `since` + date or period: `semestrial, începând cu semestrul II 2021`, `anual, începând cu 2022`, `lunar începând cu martie 2021`, `co kwartał, począwszy od II kwartału 2024`, `annually starting from 2022` | only the rhythm's periods (after clipping to the plan) that end on or after the first day of that date or period — the one it falls in, whole, and those after it: "anual, începând cu semestrul II 2021" keeps 2021, "lunar începând cu 15.10.2022" starts with October 2022 |
//! | the same with an end: `lunar de la martie 2022 până la iunie 2022`, `anual, începând cu 2021, până la semestrul I 2022`, `quarterly from Q2 2024 to Q3 2025` | those periods, clipped to end on the last day of the end item |
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
//! # Relative deadlines
//!
//! A wording that counts days ("30 de zile", "în termen de 15 zile
//! lucrătoare de la primire", "w ciągu 30 dni od dnia otrzymania", "14 dni
//! roboczych", "within 10 working days", "30 days from registration") is a
//! [`RelativeDeadline`]: counted from an event of a case, not a reporting
//! period. [`RelativeDeadline::parse`] reads it (with the same rule: every
//! word is read, or the wording is refused at the first that is not) and
//! [`RelativeDeadline::due_date`] counts it from the event's instant with a
//! holiday [`crate::notifications::reminders::Calendar`]: day 1 is the day
//! after the event; calendar-day terms ending on a day off end on the next
//! working day; working-day terms count working days only. [`parse`] refuses
//! such a wording ([`DeadlineError::Relative`]): a plan action has no case
//! event to count from.
//!
//! # A start of a rhythm
//!
//! A "starting from" next to a rhythm is a limit of that rhythm, not a
//! deadline of its own: only the rhythm's periods (as clipped to the plan)
//! that end on or after the first day of the named date or period are
//! kept — the period the start falls in stays whole (work starting in H2
//! 2021 is reported in the 2021 annual report), and an end ("de la … până la
//! …") clips the last one. When that leaves no period in the plan, it is an
//! error ([`DeadlineError::NothingFrom`]). Without a rhythm in the wording,
//! "de la 1 martie 2024" is the one period from that date to the plan end.
//!
//! In a wording with a rhythm, these are refused rather than guessed: a
//! start not written right before or after a rhythm ("anual și începând cu
//! 2022", "periodic, începând cu 2022"), one start next to several rhythms
//! ("anual, semestrial începând cu 2022"), a "by" without a start
//! ("trimestrial, până la sfârșitul anului 2021": until then, or a due day
//! in each quarter?), dates between two rhythms that could scope either
//! ("anual 2021, trimestrial": write "anual 2021 și trimestrial" or
//! "anual 2021, trimestrial 2022"), and a date or period right next to
//! "periodic", whose periods come from its rule alone ("2022 periodic"; "2022
//! și periodic" lists both).
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
mod relative;
#[cfg(test)]
mod relative_tests;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Months, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;

pub use error::DeadlineError;
pub use relative::{CaseEvent, DayCount, MAX_RELATIVE_DAYS, RelativeDeadline};

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
    let lexer::Lexed { tokens, misplaced } = lexer::tokenize(wording)?;
    if relative::is_relative(&tokens) {
        let rule = RelativeDeadline::parse(wording)?;
        return Err(DeadlineError::Relative {
            wording: wording.to_string(),
            rule: rule.to_string(),
        });
    }
    let specs = read_fully(grammar::parse(wording, &tokens), misplaced)?;
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

/// What a grammar read, unless a filler word stands misplaced: then the
/// first word that is not read is the one reported.
fn read_fully<T>(
    parsed: Result<T, DeadlineError>,
    misplaced: Option<DeadlineError>,
) -> Result<T, DeadlineError> {
    match (parsed, misplaced) {
        (Ok(read), None) => Ok(read),
        (Err(e), Some(filler)) if matches!((e.position(), filler.position()), (Some(a), Some(b)) if a < b) => {
            Err(e)
        }
        (_, Some(filler)) => Err(filler),
        (Err(e), None) => Err(e),
    }
}
