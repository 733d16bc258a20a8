//! The outbox: every e-mail Mandate owes someone, written with a unique key so that it is
//! written once however many schedulers run, then drained by the sender.
//!
//! Event-driven notifications (`assigned`, `returned`, `approved`) are written in the
//! transaction of the change that causes them; time-driven ones by the scheduler's `tick`, as the
//! reminder policies and the planner in [`reminders`] say. The sender drains the outbox; [`links`]
//! are the signed links messages carry.

mod about;
pub mod links;
mod planning;
pub mod reminders;
pub mod scheduler;
mod send;
mod settings;
mod tick;

use std::fmt;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{IntoCondition, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Set, Statement};

use crate::entity::{institution, notification, task};
use crate::error::Result;

pub(crate) use planning::look_again;
pub use send::{SendSummary, Sender};
pub use settings::EffectiveSettings;
pub use tick::TickSummary;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A new task for an institution.
    Assigned,
    /// Ahead of the due date.
    Reminder,
    /// On the due date.
    DueToday,
    /// Past the due date, still open.
    Overdue,
    /// Still not acknowledged.
    AckChase,
    /// Long overdue: to the coordinator and the parent institution.
    Escalation,
    /// A report was sent back for changes.
    Returned,
    /// A report was signed off.
    Approved,
    /// One a day per institution: its due, overdue and unacknowledged tasks.
    Digest,
    /// To a person invited as a member of an institution: how to get access.
    Invitation,
    /// To a person who asked to sign in: a link that signs it in once.
    SignIn,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 11] = [
        Kind::Assigned,
        Kind::Reminder,
        Kind::DueToday,
        Kind::Overdue,
        Kind::AckChase,
        Kind::Escalation,
        Kind::Returned,
        Kind::Approved,
        Kind::Digest,
        Kind::Invitation,
        Kind::SignIn,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Assigned => "assigned",
            Kind::Reminder => "reminder",
            Kind::DueToday => "due_today",
            Kind::Overdue => "overdue",
            Kind::AckChase => "ack_chase",
            Kind::Escalation => "escalation",
            Kind::Returned => "returned",
            Kind::Approved => "approved",
            Kind::Digest => "digest",
            Kind::Invitation => "invitation",
            Kind::SignIn => "sign_in",
        }
    }

    /// The kind stored as `name`.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether the kind is about a deadline (and so is dropped when the task closes or its due
    /// date moves, and folded into the digest for institutions that chose one).
    pub fn is_deadline(self) -> bool {
        matches!(
            self,
            Kind::Reminder | Kind::DueToday | Kind::Overdue | Kind::AckChase
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a notification stands.
pub mod status {
    pub const PENDING: &str = "pending";
    pub const SENDING: &str = "sending";
    pub const SENT: &str = "sent";
    pub const FAILED: &str = "failed";
    pub const DROPPED: &str = "dropped";
}

/// A notification to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub kind: Kind,
    pub task_id: Option<i64>,
    pub institution_id: i64,
    pub recipient: String,
    pub slot: DateTime<Utc>,
}

impl NewNotification {
    /// The idempotency key: the subject (task, or institution for a digest or an invitation),
    /// kind, slot and recipient.
    pub fn key(&self) -> String {
        let subject = match self.task_id {
            Some(task) => format!("t{task}"),
            None => format!("i{}", self.institution_id),
        };
        format!(
            "{subject}:{}:{}:{}",
            self.kind,
            self.slot.timestamp(),
            self.recipient.to_lowercase()
        )
    }
}

/// The addresses of an institution.
pub fn addresses(institution: &institution::Model) -> Vec<String> {
    serde_json::from_value(institution.emails.clone()).unwrap_or_default()
}

/// Writes notifications, skipping any whose key exists. Returns how many were new.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    items: &[NewNotification],
) -> Result<u64> {
    if db.get_database_backend() == DbBackend::Postgres {
        return enqueue_as_json(db, now, items).await;
    }
    let mut written = 0;
    // Well under SQLite's bind-parameter limit (32766).
    for chunk in items.chunks(1000) {
        let rows = chunk.iter().map(|n| notification::ActiveModel {
            key: Set(n.key()),
            kind: Set(n.kind.as_str().to_owned()),
            task_id: Set(n.task_id),
            institution_id: Set(n.institution_id),
            recipient: Set(n.recipient.clone()),
            slot_at: Set(n.slot),
            status: Set(status::PENDING.to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(n.slot.max(now)),
            claimed_until: Set(None),
            last_error: Set(None),
            message_id: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
            link_used_at: Set(None),
            ..Default::default()
        });
        let result = notification::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([notification::Column::Key])
            .exec_without_returning(db)
            .await?;
        if let sea_orm::TryInsertResult::Inserted(n) = result {
            written += n;
        }
    }
    Ok(written)
}

/// [`enqueue`] on PostgreSQL: the rows as one JSON parameter per thousand, as a pass writes
/// thousands at once (a statement with a parameter per value costs more to build, send and
/// plan than to run).
async fn enqueue_as_json<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    items: &[NewNotification],
) -> Result<u64> {
    let now = now.trunc_subsecs(6);
    let mut written = 0;
    for chunk in items.chunks(1000) {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|n| {
                serde_json::json!({
                    "key": n.key(),
                    "kind": n.kind.as_str(),
                    "task_id": n.task_id,
                    "institution_id": n.institution_id,
                    "recipient": n.recipient,
                    "slot_at": n.slot.trunc_subsecs(6),
                    "next_attempt_at": n.slot.max(now).trunc_subsecs(6),
                })
            })
            .collect();
        let inserted = db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO notifications (key, kind, task_id, institution_id, recipient, \
                 slot_at, status, attempts, next_attempt_at, created_at) \
                 SELECT v.key, v.kind, v.task_id, v.institution_id, v.recipient, v.slot_at, \
                 $2, 0, v.next_attempt_at, $3 \
                 FROM jsonb_to_recordset($1) AS v(key text, kind text, task_id bigint, \
                 institution_id bigint, recipient text, slot_at timestamptz, \
                 next_attempt_at timestamptz) \
                 ON CONFLICT (key) DO NOTHING",
                [
                    sea_orm::Value::from(serde_json::Value::Array(rows)),
                    sea_orm::Value::from(status::PENDING),
                    sea_orm::Value::from(now),
                ],
            ))
            .await?;
        written += inserted.rows_affected();
    }
    Ok(written)
}

/// Drops the deadline notifications (reminders, due today, overdue, acknowledgement chases) not
/// yet sent for the tasks matching `tasks`: after a transition, a cancellation or a due-date
/// change they may no longer hold. The next tick writes again those that still do.
pub async fn drop_deadline_reminders<C: ConnectionTrait>(
    db: &C,
    tasks: impl IntoCondition,
) -> Result<u64> {
    let matching = Query::select()
        .column(task::Column::Id)
        .from(task::Entity)
        .cond_where(tasks)
        .to_owned();
    let kinds: Vec<&str> = Kind::ALL
        .into_iter()
        .filter(|k| k.is_deadline())
        .map(Kind::as_str)
        .collect();
    let deleted = notification::Entity::delete_many()
        .filter(notification::Column::Status.eq(status::PENDING))
        .filter(notification::Column::Kind.is_in(kinds))
        .filter(notification::Column::TaskId.in_subquery(matching))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Notifies every address of the institution of `task` about it now (`assigned`, `returned`,
/// `approved`), in the caller's transaction.
pub async fn notify_task_institution<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    kind: Kind,
    task: &task::Model,
) -> Result<u64> {
    let Some(institution) = institution::Entity::find_by_id(task.institution_id)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    notify_institution(db, now, kind, task, &institution).await
}

/// Notifies every address of `institution`, the one `task` now belongs to, about it now.
pub async fn notify_institution<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    kind: Kind,
    task: &task::Model,
    institution: &institution::Model,
) -> Result<u64> {
    let items: Vec<NewNotification> = addresses(institution)
        .into_iter()
        .map(|recipient| NewNotification {
            kind,
            task_id: Some(task.id),
            institution_id: institution.id,
            recipient,
            slot: now,
        })
        .collect();
    enqueue(db, now, &items).await
}
