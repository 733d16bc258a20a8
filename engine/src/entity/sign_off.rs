//! The `sign_offs` table.

use sea_orm::entity::prelude::*;

/// A sign-off: of a task (task_id set) or of a whole action period by the coordinator.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_offs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub period_id: i64,
    pub task_id: Option<i64>,
    pub signed_by: String,
    pub comment: Option<String>,
    pub signed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
