//! Which reminders a task is due, as of an instant: pure computation from the task's dates and
//! state, the policy, the recipient's time zone and working-day calendar.
//!
//! For each kind only the latest occurrence not after `now` is returned: a scheduler that was
//! down sends what it missed once, not every missed occurrence, and the outbox's unique key makes
//! repeated ticks write nothing new.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::calendar::{Calendar, shift};
use super::policy::{Offset, ReminderPolicy, Repeat};
use crate::notifications::Kind;

/// What the planner needs to know of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts {
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// Still in its lifecycle's initial state (not acknowledged).
    pub unacknowledged: bool,
}

/// A reminder due: its kind and the instant it was due to go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Due {
    pub kind: Kind,
    pub slot: DateTime<Utc>,
}

/// Where and when the recipient reads its mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipient {
    pub tz: Tz,
    pub calendar: Calendar,
    pub send_at: NaiveTime,
}

impl Recipient {
    /// The instant of `date` at the send time, in the recipient's zone (the earlier one across a
    /// clock change; the next valid minute in a gap).
    fn slot(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        let local = date.and_time(self.send_at);
        self.tz
            .from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                self.tz
                    .from_local_datetime(&(local + chrono::Duration::hours(1)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
    }

    fn date_of(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.tz).date_naive()
    }

    /// `date` moved back by `offset`, onto a working day at or before it.
    fn before(&self, date: NaiveDate, offset: Offset) -> Option<NaiveDate> {
        let moved = if offset.working {
            self.calendar
                .add_working_days(date, -i64::from(offset.days))?
        } else {
            shift(date, -i64::from(offset.days))?
        };
        self.calendar.working_day_on_or_before(moved)
    }

    /// `date` moved on by `offset`, onto a working day at or after it.
    fn after(&self, date: NaiveDate, offset: Offset) -> Option<NaiveDate> {
        let moved = if offset.working {
            self.calendar
                .add_working_days(date, i64::from(offset.days))?
        } else {
            shift(date, i64::from(offset.days))?
        };
        self.calendar.working_day_on_or_after(moved)
    }

    /// The latest slot of a repetition not after `now`: occurrences fall `repeat.first` after
    /// `start`, then every `repeat.every`, each moved onto a working day on its own (so one
    /// holiday does not shift the rhythm of the ones after it).
    fn latest_repeat(
        &self,
        start: NaiveDate,
        repeat: Repeat,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let step = |date: NaiveDate, offset: Offset| {
            if offset.working {
                self.calendar.add_working_days(date, i64::from(offset.days))
            } else {
                shift(date, i64::from(offset.days))
            }
        };
        let first = step(start, repeat.first)?;
        let elapsed = (self.date_of(now) - first).num_days();
        if elapsed < 0 {
            return None;
        }
        // Estimated in calendar days; working-day steps are fewer, so step back until it fits.
        let mut k = elapsed / i64::from(repeat.every.days.max(1));
        loop {
            let date = if repeat.every.working {
                (0..k).try_fold(first, |d, _| step(d, repeat.every))?
            } else {
                shift(first, k * i64::from(repeat.every.days))?
            };
            let slot = self.slot(self.calendar.working_day_on_or_after(date)?)?;
            if slot <= now {
                return Some(slot);
            }
            if k == 0 {
                return None;
            }
            k -= 1;
        }
    }
}

/// The reminders an open task is due as of `now`, at most one per kind.
pub fn due_reminders(
    task: &TaskFacts,
    policy: &ReminderPolicy,
    to: &Recipient,
    now: DateTime<Utc>,
) -> Vec<Due> {
    let mut due = Vec::new();
    let due_date = to.date_of(task.due_at);
    let fresh = |slot: &DateTime<Utc>| *slot > task.created_at && *slot <= now;

    let before = policy
        .before_due
        .iter()
        .filter_map(|&offset| to.slot(to.before(due_date, offset)?))
        .filter(|slot| fresh(slot) && *slot < task.due_at)
        .max();
    if let Some(slot) = before {
        due.push(Due {
            kind: Kind::Reminder,
            slot,
        });
    }
    if policy.due_today
        && let Some(slot) = to.slot(due_date).filter(|s| fresh(s) && *s < task.due_at)
    {
        due.push(Due {
            kind: Kind::DueToday,
            slot,
        });
    }
    if let Some(repeat) = policy.overdue
        && let Some(slot) = to.latest_repeat(due_date, repeat, now)
        && slot > task.due_at
    {
        due.push(Due {
            kind: Kind::Overdue,
            slot,
        });
    }
    if task.unacknowledged
        && let Some(repeat) = policy.acknowledgement_chase
        && let Some(slot) =
            to.latest_repeat(to.date_of(task.created_at), repeat, now.min(task.due_at))
        && slot > task.created_at
    {
        due.push(Due {
            kind: Kind::AckChase,
            slot,
        });
    }
    if let Some(after) = policy.escalation
        && let Some(slot) = to.after(due_date, after).and_then(|d| to.slot(d))
        && slot <= now
        && slot > task.due_at
    {
        due.push(Due {
            kind: Kind::Escalation,
            slot,
        });
    }
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::reminders::ReminderPolicy;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn bucharest() -> Recipient {
        Recipient {
            tz: chrono_tz::Europe::Bucharest,
            calendar: Calendar::Romania,
            send_at: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        }
    }

    /// A task created on New Year 2021, due at the end of `due` (Bucharest, summer time).
    fn task(due: &str, unacknowledged: bool) -> TaskFacts {
        TaskFacts {
            created_at: at("2021-01-01T00:00:00Z"),
            due_at: at(&format!("{due}T20:59:59Z")),
            unacknowledged,
        }
    }

    fn plan(task: &TaskFacts, now: &str) -> Vec<(Kind, DateTime<Utc>)> {
        let policy = ReminderPolicy::default_policy().unwrap();
        due_reminders(task, &policy, &bucharest(), at(now))
            .into_iter()
            .map(|d| (d.kind, d.slot))
            .collect()
    }

    #[test]
    fn the_latest_occurrence_of_each_kind_is_due() {
        let t = task("2021-06-30", false);
        // Each row: now → what is due (08:00 in Bucharest is 05:00Z in summer).
        let table: [(&str, &[(Kind, &str)]); 9] = [
            ("2021-05-31T04:59:00Z", &[]),
            (
                "2021-05-31T05:00:00Z",
                &[(Kind::Reminder, "2021-05-31T05:00:00Z")],
            ),
            (
                "2021-06-22T12:00:00Z",
                &[(Kind::Reminder, "2021-05-31T05:00:00Z")],
            ),
            (
                "2021-06-23T05:00:00Z",
                &[(Kind::Reminder, "2021-06-23T05:00:00Z")],
            ),
            // One working day before Wednesday the 30th is Tuesday the 29th.
            (
                "2021-06-29T06:00:00Z",
                &[(Kind::Reminder, "2021-06-29T05:00:00Z")],
            ),
            (
                "2021-06-30T06:00:00Z",
                &[
                    (Kind::Reminder, "2021-06-29T05:00:00Z"),
                    (Kind::DueToday, "2021-06-30T05:00:00Z"),
                ],
            ),
            (
                "2021-07-01T05:00:00Z",
                &[
                    (Kind::Reminder, "2021-06-29T05:00:00Z"),
                    (Kind::DueToday, "2021-06-30T05:00:00Z"),
                    (Kind::Overdue, "2021-07-01T05:00:00Z"),
                ],
            ),
            (
                "2021-07-09T06:00:00Z",
                &[
                    (Kind::Reminder, "2021-06-29T05:00:00Z"),
                    (Kind::DueToday, "2021-06-30T05:00:00Z"),
                    (Kind::Overdue, "2021-07-08T05:00:00Z"),
                ],
            ),
            (
                "2021-07-14T06:00:00Z",
                &[
                    (Kind::Reminder, "2021-06-29T05:00:00Z"),
                    (Kind::DueToday, "2021-06-30T05:00:00Z"),
                    (Kind::Overdue, "2021-07-08T05:00:00Z"),
                    (Kind::Escalation, "2021-07-14T05:00:00Z"),
                ],
            ),
        ];
        for (now, expected) in table {
            let expected: Vec<(Kind, DateTime<Utc>)> =
                expected.iter().map(|(k, s)| (*k, at(s))).collect();
            assert_eq!(plan(&t, now), expected, "as of {now}");
        }
    }

    #[test]
    fn reminders_move_off_holidays_and_weekends() {
        // Due Tuesday 2021-05-04, after Orthodox Good Friday (30 April) and Easter Monday (3 May):
        // one working day before is Thursday 29 April.
        let t = task("2021-05-04", false);
        let due = plan(&t, "2021-04-29T06:00:00Z");
        assert_eq!(due, [(Kind::Reminder, at("2021-04-29T05:00:00Z"))]);
        // 30 days before Sunday 2021-10-31 is Friday 1 October; 7 days before is Sunday 24
        // October, which moves to Friday 22 October.
        let t = task("2021-10-31", false);
        assert_eq!(
            plan(&t, "2021-10-23T12:00:00Z"),
            [(Kind::Reminder, at("2021-10-22T05:00:00Z"))]
        );
    }

    #[test]
    fn unacknowledged_tasks_are_chased_until_due() {
        let t = task("2021-06-30", true);
        // Created Friday 1 January (a holiday): 3 days on is Monday 4 January; then weekly.
        let due = plan(&t, "2021-01-12T12:00:00Z");
        assert_eq!(due, [(Kind::AckChase, at("2021-01-11T06:00:00Z"))]);
        // Past the due date the overdue reminders take over: the last chase stays the one
        // before it (Monday 28 June), already sent by then.
        let after_due = plan(&t, "2021-07-12T12:00:00Z");
        let chases: Vec<_> = after_due
            .iter()
            .filter(|(k, _)| *k == Kind::AckChase)
            .collect();
        assert_eq!(
            chases,
            [&(Kind::AckChase, at("2021-06-28T05:00:00Z"))],
            "{after_due:?}"
        );
    }

    #[test]
    fn nothing_is_due_for_slots_before_the_task_existed() {
        let t = TaskFacts {
            created_at: at("2021-06-25T10:00:00Z"),
            ..task("2021-06-30", false)
        };
        assert_eq!(plan(&t, "2021-06-26T12:00:00Z"), []);
        assert_eq!(
            plan(&t, "2021-06-29T12:00:00Z"),
            [(Kind::Reminder, at("2021-06-29T05:00:00Z"))]
        );
    }
}
