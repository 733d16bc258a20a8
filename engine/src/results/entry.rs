//! Entering the values of plan-level indicators: one per indicator, institution and period, by
//! the plan's coordinators or the indicator's responsible institution, each entry an event of
//! the plan's audit trail.

use chrono::NaiveDate;
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::spec::{IndicatorSpec, Unit};
use crate::access::Readable;
use crate::audit::{self, NewEvent};
use crate::deadline::{self, PlanPeriod};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{indicator_value, performance_indicator, plan};
use crate::error::{Error, Result};
use crate::reads::views::zone_of;

/// The wording of a plan-level indicator's reporting periods when the plan states none.
pub const YEARLY: &str = "anual";

/// A value of a plan-level indicator for one period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndicatorEntry {
    pub indicator_id: i64,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub value: f64,
}

/// The periods values of `indicator` of `plan` are entered for: its reporting periods over the
/// plan's period and, when its baseline is a period without a value, that period as a whole.
pub fn entry_periods(
    plan: &plan::Model,
    indicator: &performance_indicator::Model,
) -> Vec<(NaiveDate, NaiveDate)> {
    let wording = indicator.reporting.as_deref().unwrap_or(YEARLY);
    let mut periods: Vec<(NaiveDate, NaiveDate)> =
        PlanPeriod::new(plan.period_start, plan.period_end)
            .ok()
            .and_then(|span| deadline::parse(wording, span, zone_of(plan), None).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.start, p.end))
            .collect();
    let spec = IndicatorSpec::stored(&indicator.written());
    if let Some(baseline) = spec.baseline
        && baseline.value.is_none()
        && let Some(period) = baseline.period
    {
        periods.insert(0, period.range((plan.period_start, plan.period_end)));
    }
    periods
}

/// Whether `actor` enters the values of `indicator`: it coordinates the plan, or acts for the
/// institution the values belong to.
fn enters(actor: &Actor, plan: &plan::Model, indicator: &performance_indicator::Model) -> bool {
    actor.coordinates(plan.owner_id)
        || actor.acts_for(indicator.responsible_id.unwrap_or(plan.owner_id))
}

/// A plan-level indicator with the periods its values are entered for and the values entered.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanIndicatorEntries {
    pub indicator: performance_indicator::Model,
    pub periods: Vec<(NaiveDate, NaiveDate)>,
    /// Its values in period order.
    pub values: Vec<indicator_value::Model>,
    /// The viewer may enter its values.
    pub may_enter: bool,
}

impl Engine {
    /// The plan-level indicators of `plan` with their periods and entered values, as `actor`
    /// may read them.
    pub async fn plan_indicator_entries(
        &self,
        actor: &Actor,
        plan: &plan::Model,
    ) -> Result<Vec<PlanIndicatorEntries>> {
        let indicators = performance_indicator::Entity::find()
            .filter(performance_indicator::Column::PlanId.eq(plan.id))
            .filter(performance_indicator::Entity::readable_by(actor))
            .order_by_asc(performance_indicator::Column::Position)
            .all(self.db())
            .await?;
        let mut values = indicator_value::Entity::find()
            .filter(
                indicator_value::Column::PerformanceIndicatorId
                    .is_in(indicators.iter().map(|i| i.id)),
            )
            .filter(indicator_value::Entity::readable_by(actor))
            .order_by_asc(indicator_value::Column::PeriodStart)
            .all(self.db())
            .await?;
        Ok(indicators
            .into_iter()
            .map(|indicator| {
                let (mine, others) = values
                    .drain(..)
                    .partition(|v| v.performance_indicator_id == indicator.id);
                values = others;
                let unit = IndicatorSpec::stored(&indicator.written()).unit;
                PlanIndicatorEntries {
                    periods: entry_periods(plan, &indicator),
                    values: mine,
                    may_enter: unit != Unit::Text
                        && plan.archived_at.is_none()
                        && enters(actor, plan, &indicator),
                    indicator,
                }
            })
            .collect())
    }

    /// The plan of performance indicator `id`, if `actor` may read it.
    pub async fn plan_of_indicator(&self, actor: &Actor, id: i64) -> Result<plan::Model> {
        let indicator = performance_indicator::Entity::find_by_id(id)
            .filter(performance_indicator::Entity::readable_by(actor))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("performance indicator", id))?;
        plan::Entity::find_by_id(indicator.plan_id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("plan", indicator.plan_id))
    }

    /// Enters `entry` for the institution the indicator's values belong to (its responsible
    /// institution, else the plan's owner), replacing the value entered before for that period.
    /// `NotFound` when the actor may not read the plan, `Forbidden` unless it coordinates the
    /// plan or acts for the responsible institution; the value must fit the indicator's unit and
    /// the period be one of [`entry_periods`].
    pub async fn enter_indicator_value(
        &self,
        actor: &Actor,
        entry: IndicatorEntry,
    ) -> Result<indicator_value::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let indicator = performance_indicator::Entity::find_by_id(entry.indicator_id)
            .filter(performance_indicator::Entity::readable_by(actor))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("performance indicator", entry.indicator_id))?;
        // Two entries for one period on PostgreSQL wait for each other here (on SQLite the write
        // transaction already does), so the second replaces the first instead of colliding.
        let mut find_plan = plan::Entity::find_by_id(indicator.plan_id);
        if txn.get_database_backend() == DbBackend::Postgres {
            find_plan = find_plan.lock(LockType::NoKeyUpdate);
        }
        let plan = find_plan
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("plan", indicator.plan_id))?;
        let institution_id = indicator.responsible_id.unwrap_or(plan.owner_id);
        if !enters(actor, &plan, &indicator) {
            return Err(Error::Forbidden(format!(
                "{} may not enter values of plan `{}`'s indicators",
                actor.name, plan.code
            )));
        }
        if plan.archived_at.is_some() {
            return Err(Error::validation(
                "indicatorId",
                format!("plan `{}` is archived", plan.code),
            ));
        }
        let unit = IndicatorSpec::stored(&indicator.written()).unit;
        if unit == Unit::Text {
            return Err(Error::validation(
                "value",
                "the indicator is described in words: its values are not entered as numbers",
            ));
        }
        let value = unit
            .check(entry.value)
            .map_err(|message| Error::validation("value", message))?;
        let period = (entry.period_start, entry.period_end);
        let periods = entry_periods(&plan, &indicator);
        if !periods.contains(&period) {
            let listed: Vec<String> = periods.iter().map(|(a, b)| format!("{a}..{b}")).collect();
            return Err(Error::validation(
                "period",
                format!(
                    "{}..{} is not a period of this indicator (its periods: {})",
                    period.0,
                    period.1,
                    listed.join(", ")
                ),
            ));
        }
        let now = self.now();
        let before = indicator_value::Entity::find()
            .filter(indicator_value::Column::PerformanceIndicatorId.eq(indicator.id))
            .filter(indicator_value::Column::InstitutionId.eq(institution_id))
            .filter(indicator_value::Column::PeriodStart.eq(period.0))
            .filter(indicator_value::Column::PeriodEnd.eq(period.1))
            .one(&txn)
            .await?;
        let saved = match &before {
            Some(found) => {
                let mut changed: indicator_value::ActiveModel = found.clone().into();
                changed.value = Set(value);
                changed.entered_by = Set(actor.name.clone());
                changed.entered_at = Set(now);
                changed.update(&txn).await?
            }
            None => {
                indicator_value::ActiveModel {
                    performance_indicator_id: Set(indicator.id),
                    institution_id: Set(institution_id),
                    period_start: Set(period.0),
                    period_end: Set(period.1),
                    value: Set(value),
                    entered_by: Set(actor.name.clone()),
                    entered_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        audit::append(
            &txn,
            actor,
            now,
            NewEvent {
                payload: json!({
                    "indicator": indicator.id,
                    "name": indicator.name,
                    "institution": institution_id,
                    "period": format!("{}..{}", period.0, period.1),
                    "value": value,
                    "previous": before.map(|b| b.value),
                }),
                ..NewEvent::on_plan(plan.id, "indicator_value_entered")
            },
        )
        .await?;
        self.commit(txn).await?;
        Ok(saved)
    }
}
