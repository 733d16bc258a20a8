//! The `notifications` table: the outbox.

use sea_orm::entity::prelude::*;

/// One e-mail to one recipient, from the moment it is due until it is sent (or given up).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique: task (or institution, for a digest), kind, slot and recipient.
    #[sea_orm(unique)]
    pub key: String,
    pub kind: String,
    pub task_id: Option<i64>,
    /// The institution the recipient writes for.
    pub institution_id: i64,
    pub recipient: String,
    /// When it was due to go out.
    pub slot_at: DateTimeUtc,
    /// `pending`, `sending`, `sent`, `failed` or `dropped`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// While `sending`: the claim's lease; past it, another sender may take the message over.
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub message_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// When its acknowledge link was used (each link works once).
    pub link_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
