//! The outbox, and institutions' notification settings.

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};
use mandate_engine::entity::notification;
use mandate_engine::notifications::EffectiveSettings;
use mandate_engine::{Error, UserRole, notifications::reminders};

use crate::context::{actor, engine, loaders};
use crate::error::{loaded, to_gql};
use crate::id::{Kind, encode};
use crate::types::{Institution, Task};

/// One e-mail to one recipient.
#[derive(Clone)]
pub(crate) struct Notification(pub notification::Model);

#[Object]
impl Notification {
    async fn id(&self) -> ID {
        encode(Kind::Notification, self.0.id)
    }
    /// `assigned`, `reminder`, `due_today`, `overdue`, `ack_chase`, `escalation`, `returned`,
    /// `approved`, `digest` or `invitation`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// `pending`, `sending`, `sent`, `failed` or `dropped`.
    async fn status(&self) -> &str {
        &self.0.status
    }
    async fn recipient(&self) -> &str {
        &self.0.recipient
    }
    /// The institution the recipient writes for.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Institution> {
        let id = self.0.institution_id;
        loaded(
            loaders(ctx).institutions.load_one(id).await,
            "institution",
            id,
        )
        .map(Institution)
    }
    /// The task it is about, if the viewer may read it (none for a digest or an invitation; an
    /// escalation to a parent institution does not open the child's task to it).
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<Task>> {
        let Some(id) = self.0.task_id else {
            return Ok(None);
        };
        match engine(ctx).task(actor(ctx)?, id).await {
            Ok(task) => Ok(Some(Task(task))),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(to_gql(e)),
        }
    }
    /// When it was due to go out.
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.slot_at
    }
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == "pending").then_some(self.0.next_attempt_at)
    }
    /// Why the last attempt failed: the mail server's words for admins; for others only that it
    /// failed (the details name servers and addresses).
    async fn last_error(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        let admin = actor(ctx)?.role == UserRole::Admin;
        Ok(self.0.last_error.as_deref().map(|e| {
            if admin {
                e
            } else {
                "delivery failed; an administrator can see why"
            }
        }))
    }
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent_at
    }
}

/// How an institution receives its reminders.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// One e-mail per reminder.
    Immediate,
    /// One e-mail a day listing due, overdue and unacknowledged tasks.
    DailyDigest,
}

impl From<Delivery> for reminders::Delivery {
    fn from(d: Delivery) -> Self {
        match d {
            Delivery::Immediate => Self::Immediate,
            Delivery::DailyDigest => Self::DailyDigest,
        }
    }
}

impl From<reminders::Delivery> for Delivery {
    fn from(d: reminders::Delivery) -> Self {
        match d {
            reminders::Delivery::Immediate => Self::Immediate,
            reminders::Delivery::DailyDigest => Self::DailyDigest,
        }
    }
}

/// An institution's notification settings as they apply.
pub(crate) struct NotificationSettings(pub EffectiveSettings);

#[Object]
impl NotificationSettings {
    async fn institution(&self) -> Institution {
        Institution(self.0.institution.clone())
    }
    async fn delivery(&self) -> Delivery {
        self.0.delivery.into()
    }
    /// Local time (`HH:MM`, the institution's time zone) at which reminders go out.
    async fn send_at(&self) -> String {
        self.0.send_at.format("%H:%M").to_string()
    }
    /// The institution chose these itself (else they are the reminder policy's).
    async fn own_choice(&self) -> bool {
        self.0.own.delivery.is_some() || self.0.own.send_at.is_some()
    }
}
