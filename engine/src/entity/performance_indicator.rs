//! The `performance_indicators` table.

use sea_orm::entity::prelude::*;

/// A plan-level performance indicator or evaluation criterion.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "performance_indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub position: i32,
    pub name: String,
    pub baseline: Option<String>,
    pub target: String,
    pub comparison: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
