//! The `tasks` table.

use sea_orm::entity::prelude::*;

/// One institution's part of one action in one period.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub action_id: i64,
    pub period_id: i64,
    pub institution_id: i64,
    pub role: String,
    pub state: String,
    /// False once the task reached a terminal state of its lifecycle.
    pub open: bool,
    pub due_at: DateTimeUtc,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the scheduler must next look at the task (its next reminder, or a reminder owed
    /// and not yet written); none once it is closed or owed nothing more.
    pub next_reminder_at: Option<DateTimeUtc>,
    /// Whether a scheduler pass may have written deadline notifications of the task since its
    /// last transition, which the next transition drops from the outbox.
    pub reminders_queued: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
