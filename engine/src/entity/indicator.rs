//! The `indicators` table.

use sea_orm::entity::prelude::*;

use crate::results::spec::WrittenSpec;

/// A monitoring indicator of an action; its definition is read by [`crate::results::spec`].
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub action_id: i64,
    pub position: i32,
    pub name: String,
    /// `count`, `percent` or `number` (none: `count`).
    pub unit: Option<String>,
    /// The target in its canonical form (`200`, `80`, `-50%`).
    pub target: Option<String>,
    pub baseline_value: Option<f64>,
    /// `previous`, or a range `2023-01-01..2023-12-31`.
    pub baseline_period: Option<String>,
    /// `up` or `down`.
    pub direction: String,
    /// `sum`, `latest`, `average` or `max` (none: the unit's default).
    pub aggregation: Option<String>,
}

impl Model {
    /// The definition as stored, for [`crate::results::spec::IndicatorSpec`].
    pub fn written(&self) -> WrittenSpec<'_> {
        WrittenSpec {
            unit: self.unit.as_deref(),
            baseline_value: self.baseline_value,
            baseline_period: self.baseline_period.as_deref(),
            target: self.target.as_deref(),
            direction: Some(&self.direction),
            aggregation: self.aggregation.as_deref(),
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
