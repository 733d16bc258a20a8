//! A checker of the task histories a database holds, for tests that stress or break the engine
//! (faults, concurrency) and then ask whether what it left is a history the lifecycle allows.
//!
//! For every task: its events form a path in its plan's lifecycle (the first opens it in the
//! initial state; each later one starts where the previous ended and is a transition the
//! lifecycle has from that state), they count its versions from 1 (a transition's event records
//! the version it made), the task's state, version and openness are those its last event left;
//! and every e-mail about the task was written while the task was in a state that e-mail is
//! about.
//!
//! One copy serves the engine's tests and the end-to-end tests of `tests/` (the fault tests run
//! it after every fault): those include this whole support module with
//! `#[path = "../engine/tests/support/mod.rs"]`, which keeps test code out of the engine's
//! library and needs no cargo feature that would build the engine twice.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, SubsecRound, Utc};
use mandate_engine::entity::{event, notification, plan, task};
use mandate_engine::notifications::Kind;
use mandate_engine::tasks::lifecycle::{Lifecycle, Lifecycles};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

/// One way a history is not one the engine may have written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The task has no event at all.
    NoEvents { task: i64 },
    /// The first event does not open the task in the lifecycle's initial state.
    NotOpened { task: i64, event: i64 },
    /// An event starts from another state than the one the previous event left.
    Discontinuous {
        task: i64,
        event: i64,
        expected: Option<String>,
        found: Option<String>,
    },
    /// No transition of the lifecycle (or not the one the event names) leads from `from` to `to`.
    NoSuchTransition {
        task: i64,
        event: i64,
        from: String,
        to: Option<String>,
    },
    /// A transition's event records another version than the next one.
    VersionGap {
        task: i64,
        event: i64,
        expected: i64,
        found: i64,
    },
    /// The task's version is not the number of its events.
    Version {
        task: i64,
        version: i64,
        events: i64,
    },
    /// The task's state is not the one its last event left, or its openness does not match it.
    State {
        task: i64,
        state: String,
        open: bool,
        last: Option<String>,
    },
    /// An e-mail about the task was written while the task was in no state it is about.
    NotificationOutOfState {
        notification: i64,
        task: i64,
        kind: String,
        states: Vec<String>,
    },
    /// A row names a task, plan or lifecycle that does not exist.
    Dangling { what: String },
}

impl Break {
    /// The task the break is about, if one.
    pub fn task(&self) -> Option<i64> {
        match self {
            Break::NoEvents { task }
            | Break::NotOpened { task, .. }
            | Break::Discontinuous { task, .. }
            | Break::NoSuchTransition { task, .. }
            | Break::VersionGap { task, .. }
            | Break::Version { task, .. }
            | Break::State { task, .. }
            | Break::NotificationOutOfState { task, .. } => Some(*task),
            Break::Dangling { .. } => None,
        }
    }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// What the checker looked at, and what it found wrong.
#[derive(Debug, Default)]
pub struct Report {
    pub tasks: usize,
    pub events: usize,
    pub notifications: usize,
    pub breaks: Vec<Break>,
}

impl Report {
    /// Panics, listing the breaks, unless there are none.
    pub fn assert_healthy(&self) {
        assert!(
            self.breaks.is_empty(),
            "{} breaks in the history of {} tasks:\n{}",
            self.breaks.len(),
            self.tasks,
            self.breaks
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// Checks every task's history in `db` against the lifecycles its plans name.
pub async fn check(db: &DatabaseConnection, lifecycles: &Lifecycles) -> Report {
    let plans: BTreeMap<i64, plan::Model> = plan::Entity::find()
        .all(db)
        .await
        .expect("plans")
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let tasks = task::Entity::find()
        .order_by_asc(task::Column::Id)
        .all(db)
        .await
        .expect("tasks");
    let mut events: BTreeMap<i64, Vec<event::Model>> = BTreeMap::new();
    let mut event_count = 0;
    for e in event::Entity::find()
        .filter(event::Column::TaskId.is_not_null())
        .order_by_asc(event::Column::Id)
        .all(db)
        .await
        .expect("events")
    {
        event_count += 1;
        if let Some(task) = e.task_id {
            events.entry(task).or_default().push(e);
        }
    }
    let notifications = notification::Entity::find()
        .filter(notification::Column::TaskId.is_not_null())
        .order_by_asc(notification::Column::Id)
        .all(db)
        .await
        .expect("notifications");
    let mut report = Report {
        tasks: tasks.len(),
        events: event_count,
        notifications: notifications.len(),
        breaks: Vec::new(),
    };
    let mut lifecycle_of = BTreeMap::new();
    for t in &tasks {
        let Some(lifecycle) = plans
            .get(&t.plan_id)
            .and_then(|p| lifecycles.get(&p.lifecycle))
        else {
            report.breaks.push(Break::Dangling {
                what: format!("task {}: plan {} or its lifecycle", t.id, t.plan_id),
            });
            continue;
        };
        let history = events.get(&t.id).map_or(&[][..], Vec::as_slice);
        check_task(t, &lifecycle, history, &mut report.breaks);
        lifecycle_of.insert(t.id, lifecycle);
    }
    for n in &notifications {
        let Some(task) = n.task_id else { continue };
        let Some(lifecycle) = lifecycle_of.get(&task) else {
            report.breaks.push(Break::Dangling {
                what: format!("notification {}: task {task}", n.id),
            });
            continue;
        };
        let history = events.get(&task).map_or(&[][..], Vec::as_slice);
        let states = states_at(history, n.created_at.trunc_subsecs(6));
        let holds = |state: &String| match Kind::parse(&n.kind) {
            Some(Kind::Assigned | Kind::AckChase) => *state == lifecycle.initial,
            Some(Kind::Reminder | Kind::DueToday | Kind::Overdue | Kind::Escalation) => {
                !lifecycle.is_terminal(state)
            }
            Some(Kind::Returned) => lifecycle
                .transition("return")
                .is_some_and(|r| r.to == *state),
            Some(Kind::Approved) => *state == lifecycle.completion.signed_off_state,
            Some(Kind::Digest | Kind::Invitation | Kind::SignIn) | None => false,
        };
        if !states.iter().any(holds) {
            report.breaks.push(Break::NotificationOutOfState {
                notification: n.id,
                task,
                kind: n.kind.clone(),
                states,
            });
        }
    }
    report
}

/// The breaks in one task's history.
fn check_task(
    t: &task::Model,
    lifecycle: &Lifecycle,
    history: &[event::Model],
    breaks: &mut Vec<Break>,
) {
    let Some(first) = history.first() else {
        breaks.push(Break::NoEvents { task: t.id });
        return;
    };
    if first.from_state.is_some() || first.to_state.as_deref() != Some(lifecycle.initial.as_str()) {
        breaks.push(Break::NotOpened {
            task: t.id,
            event: first.id,
        });
    }
    for (i, pair) in history.windows(2).enumerate() {
        let (previous, e) = (&pair[0], &pair[1]);
        if e.from_state != previous.to_state {
            breaks.push(Break::Discontinuous {
                task: t.id,
                event: e.id,
                expected: previous.to_state.clone(),
                found: e.from_state.clone(),
            });
        }
        let from = e.from_state.clone().unwrap_or_default();
        let leads = |name: &str, to: &str, froms: &std::collections::BTreeSet<String>| {
            froms.contains(&from)
                && e.to_state.as_deref() == Some(to)
                && (name == e.kind || lifecycle.transition(&e.kind).is_none())
        };
        if !lifecycle
            .transitions()
            .iter()
            .any(|tr| leads(&tr.name, &tr.to, &tr.from))
        {
            breaks.push(Break::NoSuchTransition {
                task: t.id,
                event: e.id,
                from,
                to: e.to_state.clone(),
            });
        }
        let expected = i as i64 + 2;
        if let Some(found) = e.payload.get("version").and_then(|v| v.as_i64())
            && found != expected
        {
            breaks.push(Break::VersionGap {
                task: t.id,
                event: e.id,
                expected,
                found,
            });
        }
    }
    let count = history.len() as i64;
    if t.version != count {
        breaks.push(Break::Version {
            task: t.id,
            version: t.version,
            events: count,
        });
    }
    let last = history.last().and_then(|e| e.to_state.clone());
    if last.as_deref() != Some(t.state.as_str()) || t.open == lifecycle.is_terminal(&t.state) {
        breaks.push(Break::State {
            task: t.id,
            state: t.state.clone(),
            open: t.open,
            last,
        });
    }
}

/// The states a task was in at the instant `at`: the one its events before `at` left it in,
/// and each one an event at `at` led to.
fn states_at(history: &[event::Model], at: DateTime<Utc>) -> Vec<String> {
    let mut states: Vec<String> = history
        .iter()
        .rfind(|e| e.at < at)
        .and_then(|e| e.to_state.clone())
        .into_iter()
        .collect();
    states.extend(
        history
            .iter()
            .filter(|e| e.at == at)
            .filter_map(|e| e.to_state.clone()),
    );
    states
}
