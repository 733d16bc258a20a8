//! Why a status is what it is: a catalogue key with its arguments, rendered in a language.

use chrono::NaiveDate;

use crate::i18n::{self, Arg, Language};

/// An argument of a [`Reason`].
#[derive(Debug, Clone, PartialEq)]
pub enum ReasonArg {
    /// A day (a due date, the beginning of a period), written as the language writes dates.
    Date(NaiveDate),
    /// A count of days or of things.
    Count(i64),
    /// A percentage, written as the language writes numbers.
    Percent(f64),
    /// A word as stored (a lifecycle state).
    Text(String),
}

/// The reason of a status: the message `key` of the catalogues (`status-reason-…`) and its
/// arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub key: &'static str,
    pub args: Vec<(&'static str, ReasonArg)>,
}

impl Reason {
    /// A reason with no argument.
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    /// The same reason with one more argument.
    pub fn with(mut self, name: &'static str, value: ReasonArg) -> Self {
        self.args.push((name, value));
        self
    }

    /// The reason in words, in `language`: "late: due 30 June 2021, 12 days ago".
    pub fn text(&self, language: Language) -> String {
        let args: Vec<(&str, Arg)> = self
            .args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    ReasonArg::Date(d) => Arg::Text(i18n::date(language, *d)),
                    ReasonArg::Count(n) => Arg::from(*n),
                    ReasonArg::Percent(p) => Arg::Text(i18n::number(language, *p)),
                    ReasonArg::Text(t) => Arg::Text(t.clone()),
                };
                (*name, value)
            })
            .collect();
        i18n::t(language, self.key, &args)
    }

    /// The arguments as text that does not depend on a language (dates as `YYYY-MM-DD`), for
    /// clients that word the reason themselves.
    pub fn plain_args(&self) -> Vec<(&'static str, String)> {
        self.args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    ReasonArg::Date(d) => d.to_string(),
                    ReasonArg::Count(n) => n.to_string(),
                    ReasonArg::Percent(p) => p.to_string(),
                    ReasonArg::Text(t) => t.clone(),
                };
                (*name, value)
            })
            .collect()
    }
}
