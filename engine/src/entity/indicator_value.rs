//! The `indicator_values` table.

use sea_orm::entity::prelude::*;

/// A value of a plan-level indicator for one period, entered for one institution.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_values")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub performance_indicator_id: i64,
    pub institution_id: i64,
    pub period_start: Date,
    pub period_end: Date,
    pub value: f64,
    pub entered_by: String,
    pub entered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
