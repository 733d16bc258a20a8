//! The `plans` table.

use sea_orm::entity::prelude::*;

/// A plan: its period, time zone, language and lifecycle.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub title: String,
    pub owner_id: i64,
    pub period_start: Date,
    pub period_end: Date,
    pub time_zone: String,
    pub language: String,
    pub lifecycle: String,
    pub reminder_policy: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the plan was archived; plans are archived, never deleted, so that their audit trail
    /// stays.
    pub archived_at: Option<DateTimeUtc>,
    /// Whether the plan's progress is published at `/public/plans/{code}`.
    pub public: bool,
    /// `plan`, or `register` for a register of cases (whose actions are its cases).
    pub kind: String,
    /// A register's deadline rule: a wording counted from an event of each case.
    pub deadline_rule: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
