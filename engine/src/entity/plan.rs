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

impl Model {
    /// The plan's time zone. Imports take only known zones, so an unknown one is a fault of the
    /// stored row: an internal error naming the plan.
    pub fn zone(&self) -> Result<chrono_tz::Tz, crate::error::Error> {
        self.time_zone.parse().map_err(|_| {
            crate::error::Error::internal(format!(
                "plan {} has time zone `{}`",
                self.code, self.time_zone
            ))
        })
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
