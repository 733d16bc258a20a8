//! The status policy as data (`workflows/policies/status.yaml`, embedded): the thresholds and
//! the order the status rule ([`crate::status`]) applies.

use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::Status;
use crate::notifications::reminders::Offset;
use crate::tasks::lifecycle::LifecycleError as PolicyError;

const BUILTIN_SOURCE: &str = include_str!("../../../workflows/policies/status.yaml");
const BUILTIN_FILE: &str = "workflows/policies/status.yaml";

/// What an action whose indicators are behind becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorsBehind {
    /// At risk, unless it is done or already late.
    AtRisk,
    /// Indicators do not change the action's status.
    Ignore,
}

/// The thresholds and order of the status rule.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusPolicy {
    pub name: String,
    /// Open tasks due within this many days are at risk.
    pub due_within_days: i64,
    /// Whether a task still waiting for acknowledgement is at risk…
    pub unacknowledged: bool,
    /// …once it has waited this many days since it could start.
    pub unacknowledged_after_days: i64,
    pub indicators_behind: IndicatorsBehind,
    /// The five counted statuses, most pressing first.
    pub worst_first: [Status; 5],
}

impl StatusPolicy {
    /// The built-in policy, read once per process.
    pub fn builtin() -> Result<Arc<Self>, PolicyError> {
        static BUILTIN: OnceLock<Result<Arc<StatusPolicy>, PolicyError>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Self::parse(BUILTIN_SOURCE, BUILTIN_FILE).map(Arc::new))
            .clone()
    }

    /// Reads and checks a policy; `file` names the source in errors, which carry the line and
    /// column of the mistake.
    pub fn parse(source: &str, file: &str) -> Result<Self, PolicyError> {
        let located = |line: u64, column: u64, message: String| PolicyError {
            file: file.to_owned(),
            line,
            column,
            message,
        };
        let raw: RawPolicy = serde_saphyr::from_str(source).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            let message = e.to_string().lines().next().unwrap_or_default().to_owned();
            located(line, column, message)
        })?;
        let days = |s: &Spanned<String>| {
            let at = |m: String| located(s.referenced.line(), s.referenced.column(), m);
            let offset = Offset::parse(&s.value).map_err(at)?;
            if offset.working {
                return Err(at(format!(
                    "`{}`: the status rule counts calendar days (write \"{} days\")",
                    s.value, offset.days
                )));
            }
            Ok(i64::from(offset.days))
        };
        let mut worst_first = Vec::with_capacity(5);
        for s in &raw.worst_first.value {
            let at = |m: String| located(s.referenced.line(), s.referenced.column(), m);
            let status = Status::parse(&s.value)
                .filter(|st| *st != Status::Closed)
                .ok_or_else(|| {
                    at(format!(
                        "`{}` is not a status (write late, at_risk, on_track, not_started, done)",
                        s.value
                    ))
                })?;
            if worst_first.contains(&status) {
                return Err(at(format!("`{}` is named twice", s.value)));
            }
            worst_first.push(status);
        }
        let worst_first: [Status; 5] = worst_first.try_into().map_err(|_| {
            located(
                raw.worst_first.referenced.line(),
                raw.worst_first.referenced.column(),
                "`worst_first` must name each of late, at_risk, on_track, not_started, done once"
                    .to_owned(),
            )
        })?;
        Ok(Self {
            name: raw.name,
            due_within_days: days(&raw.at_risk.due_within)?,
            unacknowledged: raw.at_risk.unacknowledged,
            unacknowledged_after_days: days(&raw.at_risk.unacknowledged_after)?,
            indicators_behind: raw.indicators.behind,
            worst_first,
        })
    }

    /// How pressing `status` is: 0 for the most pressing; closed comes after all others.
    pub fn rank(&self, status: Status) -> usize {
        self.worst_first
            .iter()
            .position(|s| *s == status)
            .unwrap_or(self.worst_first.len())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: String,
    at_risk: RawAtRisk,
    indicators: RawIndicators,
    worst_first: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAtRisk {
    due_within: Spanned<String>,
    unacknowledged: bool,
    unacknowledged_after: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicators {
    behind: IndicatorsBehind,
}
