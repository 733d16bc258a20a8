use std::ops::Range;

use chrono::NaiveDate;

use super::lexer::{Tok, Token};
use super::lexicon::{ACCEPTED_FORMS, roman};

/// Why a deadline wording (or a plan period) could not be turned into periods.
///
/// Every message quotes the wording as written, says what is wrong, and —
/// where the wording itself was not understood — lists the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// Nothing but blanks, punctuation and filler words.
    #[error("deadline \"{wording}\" is empty (no date, period or rhythm in it); {ACCEPTED_FORMS}")]
    Empty {
        /// The wording as written.
        wording: String,
    },

    /// A word that is not part of the deadline vocabulary.
    #[error(
        "deadline \"{wording}\": unrecognised word \"{word}\" at character {position}, so \"{unread}\" could not be read; {ACCEPTED_FORMS}"
    )]
    Unrecognised {
        /// The wording as written.
        wording: String,
        /// The offending word as written.
        word: String,
        /// 1-based character position in the wording.
        position: usize,
        /// The wording from the offending word to its end.
        unread: String,
    },

    /// A known word or number in a place where it makes no sense.
    #[error(
        "deadline \"{wording}\": unexpected \"{word}\" at character {position}, expected {expected}, so \"{unread}\" could not be read; {ACCEPTED_FORMS}"
    )]
    Unexpected {
        /// The wording as written.
        wording: String,
        /// The offending word as written.
        word: String,
        /// Its 1-based character position in the wording.
        position: usize,
        /// What would have made sense there.
        expected: String,
        /// The wording from the offending word to its end.
        unread: String,
    },

    /// The wording stops in the middle of a form ("semestrul", "iulie-").
    #[error("deadline \"{wording}\" ends too early: expected {expected}; {ACCEPTED_FORMS}")]
    Incomplete {
        /// The wording as written.
        wording: String,
        /// What would have made sense there.
        expected: String,
    },

    /// "trimestrul 5 2021", "semestrul 3".
    #[error(
        "deadline \"{wording}\": \"{item}\" does not exist: a year has {max} {what}, numbered 1 to {max}"
    )]
    OutOfRange {
        /// The wording as written.
        wording: String,
        /// The part of the wording concerned.
        item: String,
        /// What kind of part it is (quarters, half-years …).
        what: String,
        /// How many of them a year has.
        max: u32,
    },

    /// "31.02.2024".
    #[error("deadline \"{wording}\": \"{text}\" is not a valid calendar date")]
    InvalidDate {
        /// The wording as written.
        wording: String,
        /// The text concerned.
        text: String,
    },

    /// A month, half or quarter without a year where the year cannot be
    /// inferred ("până la sfârșitul lunii iunie", "2021, octombrie").
    #[error(
        "deadline \"{wording}\": \"{item}\" needs a year (e.g. \"{item} 2024\"); only a month, half-year or quarter may go without one, meaning every year of the plan, and only when no other part of the wording has a year"
    )]
    MissingYear {
        /// The wording as written.
        wording: String,
        /// The part of the wording concerned.
        item: String,
    },

    /// A range whose end comes before its start ("2022-2021").
    #[error("deadline \"{wording}\": the range \"{item}\" ends before it starts")]
    ReversedRange {
        /// The wording as written.
        wording: String,
        /// The part of the wording concerned.
        item: String,
    },

    /// A period lying wholly outside the plan period.
    #[error(
        "deadline \"{wording}\": \"{item}\" lies outside the plan period {plan_start}..{plan_end}"
    )]
    OutsidePlan {
        /// The wording as written.
        wording: String,
        /// The part of the wording concerned.
        item: String,
        /// First day of the plan period.
        plan_start: NaiveDate,
        /// Last day of the plan period.
        plan_end: NaiveDate,
    },

    /// "periodic" given without a cron rule.
    #[error(
        "deadline \"{wording}\" says \"periodic\", which needs an explicit rule: add a `recurrence:` cron expression (for example \"0 8 1 * *\" = 08:00 on the 1st of every month)"
    )]
    PeriodicWithoutRecurrence {
        /// The wording as written.
        wording: String,
    },

    /// A cron rule given with a wording that is not "periodic".
    #[error(
        "deadline \"{wording}\" has a recurrence \"{recurrence}\" but is not \"periodic\"; the recurrence would be ignored: remove it, or write \"periodic\" (okresowo, periodically)"
    )]
    UnexpectedRecurrence {
        /// The wording as written.
        wording: String,
        /// The recurrence as given.
        recurrence: String,
    },

    /// The cron rule does not parse.
    #[error(
        "deadline \"{wording}\": recurrence \"{recurrence}\" is not a valid cron expression ({reason}); use 5 fields (min hour day month weekday, e.g. \"0 8 * * 1\") or 6-7 fields with seconds (and year)"
    )]
    InvalidRecurrence {
        /// The wording as written.
        wording: String,
        /// The recurrence as given.
        recurrence: String,
        /// Why it was refused.
        reason: String,
    },

    /// The cron rule never fires within the plan period.
    #[error(
        "deadline \"{wording}\": recurrence \"{recurrence}\" never fires within the plan period {plan_start}..{plan_end}"
    )]
    RecurrenceNeverFires {
        /// The wording as written.
        wording: String,
        /// The recurrence as given.
        recurrence: String,
        /// First day of the plan period.
        plan_start: NaiveDate,
        /// Last day of the plan period.
        plan_end: NaiveDate,
    },

    /// A rhythm limited by "starting from" with no period left in the plan
    /// ("anual, începând cu 1 iulie 2022" in a plan ending in 2022).
    #[error(
        "deadline \"{wording}\": no period of \"{item}\" ends on or after {since} within the plan period {plan_start}..{plan_end}"
    )]
    NothingFrom {
        /// The wording as written.
        wording: String,
        /// The part of the wording concerned.
        item: String,
        /// The first day a period must reach (end on or after).
        since: NaiveDate,
        /// First day of the plan period.
        plan_start: NaiveDate,
        /// Last day of the plan period.
        plan_end: NaiveDate,
    },

    /// More periods than one action may have ([`super::MAX_PERIODS_PER_ACTION`]).
    #[error(
        "deadline \"{wording}\" yields more than {limit} periods over the plan period {plan_start}..{plan_end}; an action may have at most {limit}: use a coarser rhythm or a shorter plan period"
    )]
    TooManyPeriods {
        /// The wording as written.
        wording: String,
        /// The limit on the number of periods.
        limit: usize,
        /// First day of the plan period.
        plan_start: NaiveDate,
        /// Last day of the plan period.
        plan_end: NaiveDate,
    },

    /// A relative deadline ("30 de zile de la înregistrare") where reporting
    /// periods are needed: it is counted from an event of a case, which a plan
    /// action has not.
    #[error(
        "deadline \"{wording}\" means {rule}, counted from an event of a case; a plan action's deadline names dates, periods or a rhythm"
    )]
    Relative {
        /// The wording as written.
        wording: String,
        /// What it means ("30 calendar days from registration").
        rule: String,
    },

    /// A wording read as a relative deadline that names no number of days.
    #[error(
        "deadline \"{wording}\" is not counted in days from an event of a case; expected e.g. \"30 de zile de la înregistrare\", \"14 dni roboczych\", \"10 working days\""
    )]
    NotRelative {
        /// The wording as written.
        wording: String,
    },

    /// "0 zile", "99999 de zile".
    #[error("deadline \"{wording}\": {days} days is not a term: count 1 to {max} days")]
    DaysOutOfRange {
        /// The wording as written.
        wording: String,
        /// The number of days written.
        days: u32,
        /// The most days a term may count.
        max: u32,
    },

    /// The plan period itself is malformed.
    #[error(
        "plan period \"{text}\" is invalid: {reason}; expected \"YYYY-MM-DD..YYYY-MM-DD\" with start <= end"
    )]
    InvalidPlanPeriod {
        /// The text concerned.
        text: String,
        /// Why it was refused.
        reason: String,
    },
}

impl DeadlineError {
    /// The word at byte `span` of `wording`, where `expected` would have
    /// made sense: [`DeadlineError::Unrecognised`] if `unrecognised`, else
    /// [`DeadlineError::Unexpected`].
    pub(super) fn at(
        wording: &str,
        span: Range<usize>,
        expected: &str,
        unrecognised: bool,
    ) -> Self {
        let word = wording
            .get(span.clone())
            .unwrap_or_default()
            .trim()
            .to_string();
        let position = wording.get(..span.start).map_or(0, |s| s.chars().count()) + 1;
        let unread = wording
            .get(span.start..)
            .unwrap_or_default()
            .trim()
            .to_string();
        let wording = wording.to_string();
        if unrecognised {
            DeadlineError::Unrecognised {
                wording,
                word,
                position,
                unread,
            }
        } else {
            DeadlineError::Unexpected {
                wording,
                word,
                position,
                expected: expected.to_string(),
                unread,
            }
        }
    }

    /// The 1-based character position of the word an error names; `None`
    /// for errors that name none (they are not about an unread word).
    pub(super) fn position(&self) -> Option<usize> {
        match self {
            DeadlineError::Unrecognised { position, .. }
            | DeadlineError::Unexpected { position, .. } => Some(*position),
            DeadlineError::Incomplete { wording, .. } => Some(wording.chars().count() + 1),
            _ => None,
        }
    }

    /// The error for `token` of `wording` (`None`: the wording ended), where
    /// `expected` would have made sense: an unknown word is
    /// [`DeadlineError::Unrecognised`], a known one [`DeadlineError::Unexpected`].
    pub(super) fn at_token(wording: &str, token: Option<&Token>, expected: &str) -> Self {
        let Some(token) = token else {
            return DeadlineError::Incomplete {
                wording: wording.to_string(),
                expected: expected.to_string(),
            };
        };
        let unrecognised = matches!(&token.tok, Tok::Word(w) if roman(w).is_none());
        Self::at(wording, token.span.clone(), expected, unrecognised)
    }

    /// [`DeadlineError::Unexpected`] at the word at byte `span` of `wording`.
    pub(super) fn unexpected_at(wording: &str, span: Range<usize>, expected: &str) -> Self {
        Self::at(wording, span, expected, false)
    }
}
