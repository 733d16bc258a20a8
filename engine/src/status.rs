//! The status rule: one place that says whether a task, an action or an objective is done, on
//! track, at risk, late or not started. The web pages (lights, legend), GraphQL and reports all
//! read it from here.
//!
//! A task is
//! - **done** when it is in its lifecycle's signed-off state;
//! - **closed** when it ended otherwise (declined, cancelled);
//! - **late** when it is open and its due instant has passed;
//! - **at risk** when it is open and due within [`AT_RISK_DAYS`] days, or still waits to be
//!   acknowledged;
//! - **not started** when its reporting period has not begun yet;
//! - **on track** otherwise.
//!
//! A group of tasks (an action, an objective, a plan) takes the worst of its tasks, in the order
//! late, at risk, on track, not started, done; closed tasks do not count, and a group of none is
//! not started. An action period the coordinator approved is done, whatever its partners' tasks
//! ([`of_period`]); an action takes the worst of its periods.

use chrono::{DateTime, NaiveDate, Utc};

use crate::entity::task;
use crate::tasks::lifecycle::Lifecycle;

/// Open tasks due within this many days are at risk.
pub const AT_RISK_DAYS: i64 = 7;

/// Where a task or a group of tasks stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    // Ordered from the least to the most pressing: a group takes its maximum.
    Closed,
    Done,
    NotStarted,
    OnTrack,
    AtRisk,
    Late,
}

impl Status {
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

/// The status of `task` at `now`, whose reporting period starts on `period_start` (in the plan's
/// calendar) and `today` is the plan's date at `now`.
pub fn of_task(
    task: &task::Model,
    lifecycle: &Lifecycle,
    period_start: NaiveDate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Status {
    if task.state == lifecycle.completion.signed_off_state {
        Status::Done
    } else if !task.open {
        Status::Closed
    } else if task.due_at < now {
        Status::Late
    } else if task.state == lifecycle.initial
        || task.due_at < now + chrono::Duration::days(AT_RISK_DAYS)
    {
        if period_start > today && task.state == lifecycle.initial {
            Status::NotStarted
        } else {
            Status::AtRisk
        }
    } else if period_start > today {
        Status::NotStarted
    } else {
        Status::OnTrack
    }
}

/// The status of a group from its tasks' statuses.
pub fn of_group(statuses: impl IntoIterator<Item = Status>) -> Status {
    let counted: Vec<Status> = statuses
        .into_iter()
        .filter(|s| *s != Status::Closed)
        .collect();
    match counted.iter().max() {
        None => Status::NotStarted,
        // Work not yet begun beside work already done: on track.
        Some(Status::NotStarted) if counted.contains(&Status::Done) => Status::OnTrack,
        Some(worst) => *worst,
    }
}

/// The status of one action period: done once the coordinator approved it, else the worst of its
/// tasks' statuses.
pub fn of_period(approved: bool, statuses: impl IntoIterator<Item = Status>) -> Status {
    if approved {
        Status::Done
    } else {
        of_group(statuses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn task(state: &str, open: bool, due: DateTime<Utc>) -> task::Model {
        task::Model {
            id: 1,
            plan_id: 1,
            action_id: 1,
            period_id: 1,
            institution_id: 1,
            role: "responsible".into(),
            state: state.into(),
            open,
            due_at: due,
            version: 1,
            created_at: due,
            updated_at: due,
        }
    }

    #[test]
    fn a_task_is_late_at_risk_on_track_not_started_done_or_closed() {
        let lifecycles = crate::tasks::lifecycle::Lifecycles::builtin().unwrap();
        let l = lifecycles.get("default").unwrap();
        let now = Utc.with_ymd_and_hms(2021, 10, 1, 9, 0, 0).unwrap();
        let today = NaiveDate::from_ymd_opt(2021, 10, 1).unwrap();
        let started = NaiveDate::from_ymd_opt(2021, 7, 1).unwrap();
        let later = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
        let days = |d: i64| now + chrono::Duration::days(d);
        let cases = [
            ("signed_off", false, days(-30), started, Status::Done),
            ("cancelled", false, days(30), started, Status::Closed),
            ("declined", false, days(-30), started, Status::Closed),
            ("in_progress", true, days(-1), started, Status::Late),
            ("pending", true, days(-1), started, Status::Late),
            ("in_progress", true, days(3), started, Status::AtRisk),
            ("pending", true, days(60), started, Status::AtRisk),
            ("acknowledged", true, days(60), started, Status::OnTrack),
            ("pending", true, days(200), later, Status::NotStarted),
            ("acknowledged", true, days(200), later, Status::NotStarted),
        ];
        for (state, open, due, start, expected) in cases {
            assert_eq!(
                of_task(&task(state, open, due), &l, start, today, now),
                expected,
                "{state} due {due}"
            );
        }
    }

    #[test]
    fn a_group_takes_its_worst_task() {
        use Status::*;
        assert_eq!(of_group([Done, OnTrack, AtRisk]), AtRisk);
        assert_eq!(of_group([Done, Late, AtRisk]), Late);
        assert_eq!(of_group([Done, Done, Closed]), Done);
        assert_eq!(of_group([Done, NotStarted]), OnTrack);
        assert_eq!(of_group([NotStarted, NotStarted]), NotStarted);
        assert_eq!(of_group([Closed]), NotStarted);
        assert_eq!(of_group([]), NotStarted);
        assert_eq!(of_period(true, [Late, AtRisk]), Done);
        assert_eq!(of_period(false, [Late, Done]), Late);
        assert_eq!(Late.light(), "red");
        assert_eq!(AtRisk.light(), "amber");
        assert_eq!(Done.light(), "green");
        assert_eq!(NotStarted.light(), "grey");
    }
}
