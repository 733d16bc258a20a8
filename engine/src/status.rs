//! The status rule: one place that says whether a task, an action period, an action, an
//! objective or a plan is done, on track, at risk, late or not started, and why. Its thresholds
//! and order are data, `workflows/policies/status.yaml` ([`StatusPolicy`]), which documents the
//! rule in full. The web pages (lights and their reasons), GraphQL, the reports and the public
//! page all read it from here.
//!
//! Every status comes with its [`Reason`], a catalogue key and arguments ("late: due 30.06.2021,
//! 12 days ago"). A group takes the worst of its members in the policy's order, and the reason of
//! that member.

mod policy;
mod reason;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub use policy::{IndicatorsBehind, StatusPolicy};
pub use reason::{Reason, ReasonArg};

use crate::entity::task;
use crate::tasks::lifecycle::Lifecycle;

/// Where a task or a group of tasks stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Closed,
    Done,
    NotStarted,
    OnTrack,
    AtRisk,
    Late,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 6] = [
        Status::Closed,
        Status::Done,
        Status::NotStarted,
        Status::OnTrack,
        Status::AtRisk,
        Status::Late,
    ];

    /// The stored and displayed key: `done`, `on_track`, `at_risk`, `late`, `not_started`,
    /// `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Closed => "closed",
            Status::Done => "done",
            Status::NotStarted => "not_started",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::Late => "late",
        }
    }

    /// The status whose key is `key`.
    pub fn parse(key: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|s| s.as_str() == key)
    }

    /// The light that shows it: `green`, `amber`, `red` or `grey`.
    pub fn light(self) -> &'static str {
        match self {
            Status::Done | Status::OnTrack => "green",
            Status::AtRisk => "amber",
            Status::Late => "red",
            Status::NotStarted | Status::Closed => "grey",
        }
    }
}

/// A status with its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub status: Status,
    pub reason: Reason,
}

impl Rating {
    fn new(status: Status, reason: Reason) -> Self {
        Self { status, reason }
    }
}

/// What indicator evaluation says of an action's indicators, as the status rule takes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndicatorVerdict {
    /// Whether the targets are met; `None` when it cannot be told yet.
    pub met: Option<bool>,
    /// Progress towards the targets (1.0 is the target reached), when it can be measured.
    pub progress: Option<f64>,
    /// Whether the indicators are behind where they should be by now.
    pub behind: bool,
}

/// The instant a status is taken at, and the plan's zone that gives its days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    pub now: DateTime<Utc>,
    pub zone: Tz,
}

impl Moment {
    /// The plan's date of `instant`.
    pub fn day(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.zone).date_naive()
    }

    /// The plan's date now.
    pub fn today(&self) -> NaiveDate {
        self.day(self.now)
    }
}

impl StatusPolicy {
    /// The status of `task` at `at`, whose reporting period starts on `period_start`.
    pub fn of_task(
        &self,
        task: &task::Model,
        lifecycle: &Lifecycle,
        period_start: NaiveDate,
        at: Moment,
    ) -> Rating {
        let today = at.today();
        let due = at.day(task.due_at);
        let due_reason = |key| {
            Reason::new(key)
                .with("due", ReasonArg::Date(due))
                .with("days", ReasonArg::Count((due - today).num_days().abs()))
        };
        if task.state == lifecycle.completion.signed_off_state {
            return Rating::new(Status::Done, Reason::new("status-reason-signed-off"));
        }
        if !task.open {
            let reason = Reason::new("status-reason-closed")
                .with("state", ReasonArg::Text(task.state.clone()));
            return Rating::new(Status::Closed, reason);
        }
        if task.due_at < at.now {
            return Rating::new(Status::Late, due_reason("status-reason-late"));
        }
        let pending = lifecycle.awaits_acknowledgement(&task.state);
        let not_begun = period_start > today;
        let due_soon = task.due_at < at.now + chrono::Duration::days(self.due_within_days);
        let waited = (today - at.day(task.created_at).max(period_start))
            .num_days()
            .max(0);
        let waiting = self.unacknowledged && pending && waited >= self.unacknowledged_after_days;
        let not_started = || {
            Rating::new(
                Status::NotStarted,
                Reason::new("status-reason-not-begun").with("start", ReasonArg::Date(period_start)),
            )
        };
        if (due_soon || waiting) && !(not_begun && pending) {
            if due_soon {
                Rating::new(Status::AtRisk, due_reason("status-reason-due-soon"))
            } else {
                let reason = Reason::new("status-reason-unacknowledged")
                    .with("days", ReasonArg::Count(waited));
                Rating::new(Status::AtRisk, reason)
            }
        } else if not_begun {
            not_started()
        } else {
            Rating::new(Status::OnTrack, due_reason("status-reason-on-track"))
        }
    }

    /// The status of a group (an action period's tasks, an objective's actions, a plan's
    /// objectives): the worst of its members in the policy's order, with that member's reason.
    /// Closed members do not count; a group of none is not started, and one with work done
    /// beside work not started is on track.
    pub fn of_group<'a>(&self, members: impl IntoIterator<Item = &'a Rating>) -> Rating {
        let counted: Vec<&Rating> = members
            .into_iter()
            .filter(|r| r.status != Status::Closed)
            .collect();
        match counted.iter().min_by_key(|r| self.rank(r.status)) {
            None => Rating::new(Status::NotStarted, Reason::new("status-reason-nothing-yet")),
            Some(worst)
                if worst.status == Status::NotStarted
                    && counted.iter().any(|r| r.status == Status::Done) =>
            {
                Rating::new(Status::OnTrack, Reason::new("status-reason-partly-done"))
            }
            Some(worst) => (*worst).clone(),
        }
    }

    /// The status of one action period: done once the coordinator approved it, else the worst
    /// of its tasks.
    pub fn of_period<'a>(
        &self,
        approved: bool,
        tasks: impl IntoIterator<Item = &'a Rating>,
    ) -> Rating {
        if approved {
            Rating::new(Status::Done, Reason::new("status-reason-approved"))
        } else {
            self.of_group(tasks)
        }
    }

    /// The status of an action: the worst of its periods, then what the policy says of
    /// indicators that are behind, when indicator evaluation gave a verdict.
    pub fn of_action<'a>(
        &self,
        periods: impl IntoIterator<Item = &'a Rating>,
        indicators: Option<&IndicatorVerdict>,
    ) -> Rating {
        let rating = self.of_group(periods);
        let behind = indicators.filter(|v| v.behind);
        match (behind, self.indicators_behind) {
            (Some(verdict), IndicatorsBehind::AtRisk)
                if rating.status != Status::Done
                    && self.rank(Status::AtRisk) < self.rank(rating.status) =>
            {
                let mut reason = Reason::new("status-reason-indicators-behind");
                if let Some(p) = verdict.progress {
                    reason = Reason::new("status-reason-indicators-behind-at")
                        .with("percent", ReasonArg::Percent((p * 1000.0).round() / 10.0));
                }
                Rating::new(Status::AtRisk, reason)
            }
            _ => rating,
        }
    }
}

#[cfg(test)]
mod tests;
