//! Building a plan: the plan, its objectives and actions, who takes part in each action, and the
//! reporting periods that give each institution its tasks; plan files ([`plan_file`]) are
//! imported through the same functions.
//!
//! Each operation exists twice: as a function over any connection, which checks nothing of who
//! asks (plan import runs many of them in one transaction, after its own checks), and as an
//! `Engine` method that checks the actor and runs it in a transaction of its own.
//!
//! - `institutions`: the directory every plan shares, changed only by who manages an institution;
//! - this module: plans, objectives, actions and their indicators, and who coordinates a plan;
//! - `assignment`: who takes part in an action (the lead, the responsible institutions, partners);
//! - `periods`: reporting periods, and the task each assigned institution gets in each;
//! - [`table`]: plans kept as spreadsheets and Word tables, read as plan files.

mod assignment;
mod institutions;
mod periods;
pub mod plan_file;
mod publication;
pub mod table;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::access::{action_scope, plan_scope};
use crate::audit::{self, NewEvent};
use crate::domain::{Actor, InstitutionCode};
use crate::engine::Engine;
use crate::entity::{action, indicator, objective, plan};
use crate::error::{Error, Result};
use crate::results::IndicatorSpec;

pub use assignment::{Assigned, Assignment, AssignmentChange, MAX_ASSIGNED, assign};
pub use institutions::{InstitutionChange, InstitutionDefaults, InstitutionWrite, NewInstitution};
pub use periods::{DUE_MOVED, open_periods, withdraw_periods};
pub(crate) use publication::set_plan_public;

pub(crate) use assignment::assignments_of;
pub(crate) use institutions::institution_by_code;

/// A plan to create.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub code: String,
    pub title: String,
    pub owner: InstitutionCode,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub time_zone: Tz,
    pub language: String,
    pub lifecycle: String,
    pub reminder_policy: Option<String>,
}

/// An objective to create: general (no parent) or specific.
#[derive(Debug, Clone)]
pub struct NewObjective {
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub number: String,
    pub title: String,
    pub result: Option<String>,
}

/// A monitoring indicator of an action.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIndicator {
    pub name: String,
    pub spec: IndicatorSpec,
}

impl NewIndicator {
    /// Whether `stored` is this indicator, as written.
    pub fn is_stored_as(&self, stored: &indicator::Model) -> bool {
        stored.name == self.name && IndicatorSpec::stored(&stored.written()) == self.spec
    }
}

/// The columns that store `spec`, always explicit (the unit's default aggregation written out).
pub(crate) struct SpecColumns {
    pub unit: String,
    pub target: Option<String>,
    pub baseline_value: Option<f64>,
    pub baseline_period: Option<String>,
    pub direction: String,
    pub aggregation: String,
}

impl From<&IndicatorSpec> for SpecColumns {
    fn from(spec: &IndicatorSpec) -> Self {
        Self {
            unit: spec.unit.as_str().to_owned(),
            target: spec.target.map(|t| t.to_string()),
            baseline_value: spec.baseline.as_ref().and_then(|b| b.value),
            baseline_period: spec
                .baseline
                .as_ref()
                .and_then(|b| b.period.as_ref())
                .map(ToString::to_string),
            direction: spec.direction.as_str().to_owned(),
            aggregation: spec.aggregation.as_str().to_owned(),
        }
    }
}

/// An action to create under an objective.
#[derive(Debug, Clone)]
pub struct NewAction {
    pub objective_id: i64,
    pub number: String,
    pub text: String,
    pub deadline: String,
    pub recurrence: Option<String>,
    pub funding: Vec<String>,
    pub indicators: Vec<NewIndicator>,
}

/// Creates a plan. The owner must exist; the lifecycle is checked by the caller.
pub async fn insert_plan<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    new: &NewPlan,
) -> Result<plan::Model> {
    if new.period_end < new.period_start {
        return Err(Error::validation(
            "period",
            format!(
                "ends ({}) before it starts ({})",
                new.period_end, new.period_start
            ),
        ));
    }
    let owner = institution_by_code(db, new.owner.as_str()).await?;
    let plan = plan::ActiveModel {
        code: Set(new.code.clone()),
        title: Set(new.title.clone()),
        owner_id: Set(owner.id),
        period_start: Set(new.period_start),
        period_end: Set(new.period_end),
        time_zone: Set(new.time_zone.name().to_owned()),
        language: Set(new.language.clone()),
        lifecycle: Set(new.lifecycle.clone()),
        reminder_policy: Set(new.reminder_policy.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut event = NewEvent::on_plan(plan.id, "plan_created");
    event.payload = json!({ "code": plan.code, "title": plan.title });
    audit::append(db, actor, now, event).await?;
    Ok(plan)
}

/// Creates an objective.
pub async fn insert_objective<C: ConnectionTrait>(
    db: &C,
    new: &NewObjective,
) -> Result<objective::Model> {
    Ok(objective::ActiveModel {
        plan_id: Set(new.plan_id),
        parent_id: Set(new.parent_id),
        number: Set(new.number.clone()),
        title: Set(new.title.clone()),
        result: Set(new.result.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Creates an action with its indicators.
pub async fn insert_action<C: ConnectionTrait>(db: &C, new: &NewAction) -> Result<action::Model> {
    let objective = objective::Entity::find_by_id(new.objective_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("objective", new.objective_id))?;
    let action = action::ActiveModel {
        plan_id: Set(objective.plan_id),
        objective_id: Set(objective.id),
        number: Set(new.number.clone()),
        text: Set(new.text.clone()),
        deadline: Set(new.deadline.clone()),
        recurrence: Set(new.recurrence.clone()),
        funding: Set(json!(new.funding)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    replace_indicators(db, action.id, &new.indicators).await?;
    Ok(action)
}

/// Replaces an action's indicators with `indicators`, in order.
pub async fn replace_indicators<C: ConnectionTrait>(
    db: &C,
    action_id: i64,
    indicators: &[NewIndicator],
) -> Result<()> {
    indicator::Entity::delete_many()
        .filter(indicator::Column::ActionId.eq(action_id))
        .exec(db)
        .await?;
    for (position, ind) in (0i32..).zip(indicators) {
        let columns = SpecColumns::from(&ind.spec);
        indicator::ActiveModel {
            action_id: Set(action_id),
            position: Set(position),
            name: Set(ind.name.clone()),
            unit: Set(Some(columns.unit)),
            target: Set(columns.target),
            baseline_value: Set(columns.baseline_value),
            baseline_period: Set(columns.baseline_period),
            direction: Set(columns.direction),
            aggregation: Set(Some(columns.aggregation)),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The plan, if `actor` coordinates it: `NotFound` when it may not even read it (whether or not it
/// exists), `Forbidden` when it reads but does not coordinate it.
pub(crate) async fn require_coordinator<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    plan_id: i64,
) -> Result<plan::Model> {
    let plan = plan::Entity::find_by_id(plan_id)
        .filter(plan_scope(actor))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("plan", plan_id))?;
    if actor.coordinates(plan.owner_id) {
        Ok(plan)
    } else {
        Err(Error::Forbidden(format!(
            "{} does not coordinate plan `{}`",
            actor.name, plan.code
        )))
    }
}

impl Engine {
    /// Creates a plan owned by `new.owner` (admins, or a coordinator of the owner).
    pub async fn create_plan(&self, actor: &Actor, new: NewPlan) -> Result<plan::Model> {
        self.lifecycle(&new.lifecycle)?;
        let txn = crate::db::begin_write(self.db()).await?;
        let owner = institution_by_code(&txn, new.owner.as_str()).await?;
        if !actor.coordinates(owner.id) {
            return Err(Error::Forbidden(format!(
                "{} may not create plans for {}",
                actor.name, owner.code
            )));
        }
        let plan = insert_plan(&txn, actor, self.now(), &new).await?;
        self.commit(txn).await?;
        Ok(plan)
    }

    /// Archives the plan `code` (admins, or a coordinator of its owner): the plan stays, with its
    /// whole audit trail, and the scheduler writes no more reminders for it. Plans are archived,
    /// never deleted. Archiving an archived plan changes nothing.
    pub async fn archive_plan(&self, actor: &Actor, code: &str) -> Result<plan::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let found = plan::Entity::find()
            .filter(plan::Column::Code.eq(code))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("plan", code))?;
        if !actor.coordinates(found.owner_id) {
            return Err(Error::Forbidden(format!(
                "{} may not archive plan {code}",
                actor.name
            )));
        }
        if found.archived_at.is_some() {
            return Ok(found);
        }
        let now = self.now();
        let mut archived: plan::ActiveModel = found.into();
        archived.archived_at = Set(Some(now));
        let archived = archived.update(&txn).await?;
        audit::append(
            &txn,
            actor,
            now,
            NewEvent::on_plan(archived.id, "plan_archived"),
        )
        .await?;
        self.commit(txn).await?;
        Ok(archived)
    }

    /// Creates an objective in a plan the actor coordinates.
    pub async fn create_objective(
        &self,
        actor: &Actor,
        new: NewObjective,
    ) -> Result<objective::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        require_coordinator(&txn, actor, new.plan_id).await?;
        let objective = insert_objective(&txn, &new).await?;
        self.commit(txn).await?;
        Ok(objective)
    }

    /// Creates an action in a plan the actor coordinates.
    pub async fn create_action(&self, actor: &Actor, new: NewAction) -> Result<action::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let objective = objective::Entity::find_by_id(new.objective_id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("objective", new.objective_id))?;
        require_coordinator(&txn, actor, objective.plan_id)
            .await
            .map_err(|e| match e {
                Error::NotFound { .. } => Error::not_found("objective", new.objective_id),
                other => other,
            })?;
        let action = insert_action(&txn, &new).await?;
        self.commit(txn).await?;
        Ok(action)
    }
}

/// The action with `action_id` and its plan, if `actor` may read the action; else `NotFound`,
/// whether or not it exists.
pub(crate) async fn readable_action_and_plan<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action_id: i64,
) -> Result<(action::Model, plan::Model)> {
    let readable = action::Entity::find_by_id(action_id)
        .filter(action_scope(actor))
        .one(db)
        .await?;
    match readable {
        Some(_) => action_and_plan(db, action_id).await,
        None => Err(Error::not_found("action", action_id)),
    }
}

/// The action with `action_id` and its plan.
pub(crate) async fn action_and_plan<C: ConnectionTrait>(
    db: &C,
    action_id: i64,
) -> Result<(action::Model, plan::Model)> {
    let action = action::Entity::find_by_id(action_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("action", action_id))?;
    let plan = plan::Entity::find_by_id(action.plan_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("plan", action.plan_id))?;
    Ok((action, plan))
}
