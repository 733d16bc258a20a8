//! The `actions` table.

use sea_orm::entity::prelude::*;

/// An action (activity) of a plan.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "actions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub objective_id: i64,
    pub number: String,
    pub text: String,
    /// The deadline wording exactly as the plan writes it.
    pub deadline: String,
    pub recurrence: Option<String>,
    /// JSON array of funding sources.
    pub funding: Json,
    /// A case of a register: when it was received.
    pub received_at: Option<DateTimeUtc>,
    /// A case of a register: a reference to the petitioner (no personal data).
    pub petitioner: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
