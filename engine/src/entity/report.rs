//! The `reports` table.

use sea_orm::entity::prelude::*;

/// A report submitted with a task.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    /// JSON object: indicator name to value.
    pub indicator_values: Json,
    pub narrative: String,
    /// JSON array of evidence links.
    pub evidence: Json,
    pub submitted_by: String,
    pub submitted_at: DateTimeUtc,
    /// Whether the coordinator published its narrative on the plan's public page.
    pub public: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
