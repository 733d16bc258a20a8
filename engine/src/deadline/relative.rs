//! Deadlines counted from an event of a case: "în termen de 30 de zile de la
//! înregistrare", "w ciągu 14 dni roboczych od dnia otrzymania", "within 10
//! working days".
//!
//! ```text
//! relative := (WITHIN | BY)? NUMBER DAYS (SEP? (FROM | AFTER) EVENT)?
//! ```
//!
//! Without an event the term runs from the registration of the case.
//!
//! # Counting
//!
//! The day of the event is not counted: day 1 is the day after it (in the
//! time zone of the case), as Polish law counts terms in days (KPA art. 57
//! § 1) and as the 30 days of Romanian petitions (OG 27/2002) are counted
//! from the day after registration. The last day counts: the term ends at
//! its end. (Romanian procedural terms in "zile libere", which leave out the
//! last day too, are not what this counts.)
//!
//! - **Calendar days**: the term ends on day N after the event. When that day
//!   is not a working day (a weekend or a public holiday of the calendar), it
//!   ends on the next working day instead (Romanian Civil Code art. 2553
//!   § 3, Polish KPA art. 57 § 4).
//! - **Working days**: only working days are counted, so the term ends on
//!   the Nth working day after the event.
//!
//! The term ends at the end of that day ([`super::due_at`]).

use std::fmt;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

use super::DeadlineError;
use super::lexer::{Tok, Token};
use super::lexicon::Kw;
use crate::notifications::reminders::Calendar;

/// No relative deadline may count more days than this (ten years).
pub const MAX_RELATIVE_DAYS: u32 = 3650;

/// Which days a relative deadline counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// Every day ("30 de zile", "14 dni", "30 days").
    Calendar,
    /// Working days only: no weekends, no public holidays ("15 zile
    /// lucrătoare", "14 dni roboczych", "10 working days").
    Working,
}

/// The event of a case a relative deadline is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseEvent {
    /// The case was registered ("înregistrare", "rejestracji", "registration");
    /// the default.
    Registration,
    /// The case was received or delivered ("primire", "otrzymania", "wpływu", "doręczenia",
    /// "receipt").
    Receipt,
}

/// A deadline counted in days from an event of a case, as parsed from its
/// wording by [`RelativeDeadline::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RelativeDeadline {
    /// How many days, 1 to [`MAX_RELATIVE_DAYS`].
    pub days: u32,
    /// Calendar or working days.
    pub count: DayCount,
    /// The event the days are counted from.
    pub from: CaseEvent,
}

impl RelativeDeadline {
    /// Reads a relative deadline. A wording without a number of days is
    /// [`DeadlineError::NotRelative`]; one with a word that does not fit is
    /// refused at that word, like every wording.
    pub fn parse(wording: &str) -> Result<Self, DeadlineError> {
        let lexed = super::lexer::tokenize(wording)?;
        if !is_relative(&lexed.tokens) {
            return Err(DeadlineError::NotRelative {
                wording: wording.to_string(),
            });
        }
        super::read_fully(parse(wording, &lexed.tokens), lexed.misplaced)
    }

    /// The last day of the term for a case whose event happened at `start`:
    /// day 1 is the day after `start`'s day in `tz`; a calendar-day term
    /// ending on a day off of `calendar` ends on the next working day, a
    /// working-day term counts working days only. `None` only past the end
    /// of the calendar.
    pub fn due_date(&self, start: DateTime<Utc>, tz: Tz, calendar: Calendar) -> Option<NaiveDate> {
        let day = start.with_timezone(&tz).date_naive();
        match self.count {
            DayCount::Calendar => {
                let last = day.checked_add_days(Days::new(u64::from(self.days)))?;
                calendar.working_day_on_or_after(last)
            }
            DayCount::Working => calendar.add_working_days(day, i64::from(self.days)),
        }
    }

    /// When the term ends: the end of [`RelativeDeadline::due_date`] in `tz`.
    pub fn due(&self, start: DateTime<Utc>, tz: Tz, calendar: Calendar) -> Option<DateTime<Utc>> {
        self.due_date(start, tz, calendar)
            .map(|day| super::due_at(day, tz))
    }
}

impl fmt::Display for RelativeDeadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = match self.count {
            DayCount::Calendar => "calendar",
            DayCount::Working => "working",
        };
        let from = match self.from {
            CaseEvent::Registration => "registration",
            CaseEvent::Receipt => "receipt",
        };
        let plural = if self.days == 1 { "day" } else { "days" };
        write!(f, "{} {count} {plural} from {from}", self.days)
    }
}

/// Whether the tokens speak of a number of days, which makes the wording a
/// relative deadline.
pub(super) fn is_relative(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| matches!(t.tok, Tok::Kw(Kw::Days(_))))
}

const NUMBER: &str = "a number of days (\"30 de zile\", \"14 dni\", \"10 working days\")";
const DAYS: &str = "\"zile\", \"zile lucrătoare\", \"dni\", \"dni roboczych\", \"days\" or \"working days\" right after the number";
const EVENT: &str = "the event the days are counted from (\"înregistrare\", \"primire\", \"otrzymania\", \"wpływu\", \"registration\", \"receipt\")";
const END: &str = "nothing after the number of days but \"de la\", \"după\", \"od\", \"po\", \"from\" or \"after\" and the event (\"de la înregistrare\", \"od dnia otrzymania\", \"from registration\")";

/// Reads the tokens of a relative wording; every token must take part.
fn parse(wording: &str, toks: &[Token]) -> Result<RelativeDeadline, DeadlineError> {
    let mut pos = 0;
    let at = |pos: usize, expected: &str| DeadlineError::at_token(wording, toks.get(pos), expected);
    let tok = |pos: usize| toks.get(pos).map(|t| &t.tok);
    if matches!(tok(pos), Some(Tok::Kw(Kw::Within | Kw::By))) {
        pos += 1;
    }
    let Some(&Tok::Num { value, .. }) = tok(pos) else {
        return Err(at(pos, NUMBER));
    };
    if !(1..=MAX_RELATIVE_DAYS).contains(&value) {
        return Err(DeadlineError::DaysOutOfRange {
            wording: wording.to_string(),
            days: value,
            max: MAX_RELATIVE_DAYS,
        });
    }
    pos += 1;
    let Some(&Tok::Kw(Kw::Days(count))) = tok(pos) else {
        return Err(at(pos, DAYS));
    };
    pos += 1;
    if tok(pos) == Some(&Tok::Sep) {
        pos += 1;
    }
    let mut from = CaseEvent::Registration;
    if matches!(tok(pos), Some(Tok::Kw(Kw::From | Kw::After))) {
        pos += 1;
        let Some(&Tok::Kw(Kw::Event(event))) = tok(pos) else {
            return Err(at(pos, EVENT));
        };
        from = event;
        pos += 1;
    }
    if tok(pos).is_some() {
        return Err(at(pos, END));
    }
    Ok(RelativeDeadline {
        days: value,
        count,
        from,
    })
}
