//! The `performance_indicators` table.

use sea_orm::entity::prelude::*;

use crate::results::spec::WrittenSpec;

/// A plan-level performance indicator or evaluation criterion, whose values are entered per
/// reporting period (`indicator_values`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "performance_indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub position: i32,
    pub name: String,
    /// The target in its canonical form; empty when the plan states none.
    pub target: String,
    /// What the plan compares with, as written ("vs 2023").
    pub comparison: Option<String>,
    pub baseline_value: Option<f64>,
    pub baseline_period: Option<String>,
    pub direction: String,
    pub aggregation: Option<String>,
    pub unit: Option<String>,
    /// The deadline wording of the periods values are entered for (none: yearly).
    pub reporting: Option<String>,
    /// The institution that enters the values, besides the plan's coordinators.
    pub responsible_id: Option<i64>,
}

impl Model {
    /// The definition as stored, for [`crate::results::spec::IndicatorSpec`].
    pub fn written(&self) -> WrittenSpec<'_> {
        WrittenSpec {
            unit: self.unit.as_deref(),
            baseline_value: self.baseline_value,
            baseline_period: self.baseline_period.as_deref(),
            target: Some(self.target.as_str()).filter(|t| !t.is_empty()),
            direction: Some(&self.direction),
            aggregation: self.aggregation.as_deref(),
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
