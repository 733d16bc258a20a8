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

    /// The slot of the `k`-th occurrence of a repetition whose first occurrence falls on
    /// `first` (before it is moved onto a working day): each occurrence is moved onto a working
    /// day on its own, so that one holiday does not shift the rhythm of the ones after it.
    fn occurrence(&self, first: NaiveDate, every: Offset, k: i64) -> Option<DateTime<Utc>> {
        let date = if every.working {
            (0..k).try_fold(first, |d, _| {
                self.calendar.add_working_days(d, i64::from(every.days))
            })?
        } else {
            shift(first, k * i64::from(every.days))?
        };
        self.slot(self.calendar.working_day_on_or_after(date)?)
    }

    /// The first occurrence of `repeat` from `start`, before it is moved onto a working day.
    fn first(&self, start: NaiveDate, repeat: Repeat) -> Option<NaiveDate> {
        if repeat.first.working {
            self.calendar
                .add_working_days(start, i64::from(repeat.first.days))
        } else {
            shift(start, i64::from(repeat.first.days))
        }
    }

    /// How many steps of `every` from `first` fit up to `instant`, counted in calendar days: for
    /// working-day steps, which are longer, a bound from above.
    fn estimate(&self, first: NaiveDate, every: Offset, instant: DateTime<Utc>) -> i64 {
        (self.date_of(instant) - first).num_days().max(0) / i64::from(every.days.max(1))
    }

    /// The latest slot of a repetition not after `now`: occurrences fall `repeat.first` after
    /// `start`, then every `repeat.every`.
    fn latest_repeat(
        &self,
        start: NaiveDate,
        repeat: Repeat,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let first = self.first(start, repeat)?;
        if self.date_of(now) < first {
            return None;
        }
        let mut k = self.estimate(first, repeat.every, now);
        loop {
            let slot = self.occurrence(first, repeat.every, k)?;
            if slot <= now {
                return Some(slot);
            }
            if k == 0 {
                return None;
            }
            k -= 1;
        }
    }

    /// The earliest slot of a repetition after `after` (see [`Self::latest_repeat`]).
    fn next_repeat(
        &self,
        start: NaiveDate,
        repeat: Repeat,
        after: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let first = self.first(start, repeat)?;
        let mut k = self.estimate(first, repeat.every, after);
        // Step back while the occurrence before is still after `after`, then on until one is.
        while k > 0 && self.occurrence(first, repeat.every, k - 1)? > after {
            k -= 1;
        }
        loop {
            let slot = self.occurrence(first, repeat.every, k)?;
            if slot > after {
                return Some(slot);
            }
            k += 1;
        }
    }

    /// The first send time after `after`: today's, or else tomorrow's.
    fn next_send_time(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = self.date_of(after);
        self.slot(today)
            .filter(|slot| *slot > after)
            .or_else(|| self.slot(today.succ_opt()?))
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

/// The first instant after `after` at which what `task` is owed changes (a reminder falls
/// due), as [`due_reminders`] counts it; none when nothing more will.
pub fn next_change(
    task: &TaskFacts,
    policy: &ReminderPolicy,
    to: &Recipient,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let due_date = to.date_of(task.due_at);
    let ahead = |slot: &DateTime<Utc>| *slot > after && *slot > task.created_at;
    let mut next: Vec<DateTime<Utc>> = policy
        .before_due
        .iter()
        .filter_map(|&offset| to.slot(to.before(due_date, offset)?))
        .filter(|slot| ahead(slot) && *slot < task.due_at)
        .collect();
    if policy.due_today {
        next.extend(to.slot(due_date).filter(|s| ahead(s) && *s < task.due_at));
    }
    if let Some(repeat) = policy.overdue {
        next.extend(to.next_repeat(due_date, repeat, after.max(task.due_at)));
    }
    if task.unacknowledged
        && let Some(repeat) = policy.acknowledgement_chase
    {
        let since = after.max(task.created_at);
        next.extend(
            to.next_repeat(to.date_of(task.created_at), repeat, since)
                .filter(|slot| *slot <= task.due_at),
        );
    }
    if let Some(after_due) = policy.escalation {
        next.extend(
            to.after(due_date, after_due)
                .and_then(|d| to.slot(d))
                .filter(|slot| *slot > after && *slot > task.due_at),
        );
    }
    next.into_iter().min()
}

/// When the scheduler must look at `task` again, having written what it is owed as of `now`:
/// at its [`next_change`], or sooner, for an institution that reads one digest a day, at the
/// next digest's send time while the task is owed something the digest tells.
pub fn next_look(
    task: &TaskFacts,
    policy: &ReminderPolicy,
    to: &Recipient,
    digest: bool,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let change = next_change(task, policy, to, now);
    let told = digest
        && due_reminders(task, policy, to, now)
            .iter()
            .any(|d| d.kind != Kind::Escalation);
    match (change, told.then(|| to.next_send_time(now)).flatten()) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The instant of `task`'s next reminder as of `now`, for a task whose reminders owed as of
/// `now` may be missing from the outbox (it is new, or what they depend on changed and its
/// pending ones were dropped): the earliest of those owed, else the next to fall due.
pub fn next_reminder_at(
    task: &TaskFacts,
    policy: &ReminderPolicy,
    to: &Recipient,
    digest: bool,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    due_reminders(task, policy, to, now)
        .iter()
        .map(|d| d.slot)
        .min()
        .or_else(|| next_look(task, policy, to, digest, now))
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

    /// Every six hours of the span (reminders go out once a day at most), what `task` is owed
    /// changes exactly at the instants `next_change` announces, and never between them.
    fn changes_only_where_announced(task: &TaskFacts, policy: &ReminderPolicy, to: &Recipient) {
        let mut now = task.created_at;
        let end = task.due_at + chrono::Duration::days(60);
        let mut owed = due_reminders(task, policy, to, now);
        let mut next = next_change(task, policy, to, now);
        let mut changes = 0;
        while now < end {
            now += chrono::Duration::hours(6);
            let owed_now = due_reminders(task, policy, to, now);
            match next {
                Some(at) if at <= now => {
                    assert!(at > now - chrono::Duration::hours(6), "{at} skipped");
                    // The announced change happened: something new is owed at that instant.
                    assert_ne!(owed_now, owed, "nothing changed at {at} ({task:?})");
                    assert_eq!(due_reminders(task, policy, to, at), owed_now);
                    next = next_change(task, policy, to, now);
                    owed = owed_now;
                    changes += 1;
                }
                _ => assert_eq!(owed_now, owed, "an unannounced change at {now} ({task:?})"),
            }
        }
        assert!(changes > 3, "{changes} changes");
    }

    #[test]
    fn the_next_change_is_where_what_is_owed_changes() {
        let default = ReminderPolicy::default_policy().unwrap();
        let working = ReminderPolicy::parse(
            "name: w\nsend_at: \"09:30\"\nbefore_due: [\"10 working days\", \"2 days\"]\n\
             due_today: false\noverdue: { first: \"2 working days\", every: \"3 working days\" }\n\
             acknowledgement_chase: { first: \"1 working day\", every: \"2 working days\" }\n\
             escalation: { after: \"5 working days\" }\ndelivery: immediate\n",
            "w.yaml",
        )
        .unwrap();
        let warsaw = Recipient {
            tz: chrono_tz::Europe::Warsaw,
            calendar: Calendar::Poland,
            send_at: NaiveTime::from_hms_opt(7, 15, 0).unwrap(),
        };
        for due in ["2021-05-04", "2021-10-31"] {
            for unacknowledged in [false, true] {
                let t = TaskFacts {
                    created_at: at("2021-03-03T10:17:00Z"),
                    ..task(due, unacknowledged)
                };
                for policy in [&default, &working] {
                    changes_only_where_announced(&t, policy, &bucharest());
                    changes_only_where_announced(&t, policy, &warsaw);
                }
            }
        }
    }

    #[test]
    fn a_digest_reader_is_looked_at_each_day_while_owed_something() {
        let policy = ReminderPolicy::default_policy().unwrap();
        let t = task("2021-06-30", false);
        let to = bucharest();
        // Nothing owed yet: the next look is the first reminder, digest or not.
        let early = at("2021-05-20T12:00:00Z");
        assert_eq!(
            next_look(&t, &policy, &to, true, early),
            Some(at("2021-05-31T05:00:00Z"))
        );
        // Owed the 30-day reminder: a digest reader is looked at the next morning, an
        // immediate one at its next reminder.
        let owed = at("2021-06-01T12:00:00Z");
        assert_eq!(
            next_look(&t, &policy, &to, true, owed),
            Some(at("2021-06-02T05:00:00Z"))
        );
        assert_eq!(
            next_look(&t, &policy, &to, false, owed),
            Some(at("2021-06-23T05:00:00Z"))
        );
        // A task just changed is owed its latest reminders again: its instant is the earliest.
        assert_eq!(
            next_reminder_at(&t, &policy, &to, false, owed),
            Some(at("2021-05-31T05:00:00Z"))
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
