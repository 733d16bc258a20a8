//! Registers of cases: work that is not a plan table (petitions, requests, incident reports).
//!
//! A register is a plan of kind [`REGISTER_KIND`], written as a plan file with a `register:`
//! section (its deadline rule and departments, no objectives). Its cases are actions under one
//! objective ([`CASES_OBJECTIVE`]): the registration number is the action's number, the subject
//! its text, with the instant it was received and a reference to the petitioner; each case has
//! one reporting period, from its receipt to the end of its term. Routing a case to a department
//! assigns the department to the action, which gives it its task, due at the end of the term;
//! from there the register's lifecycle, reminders, events and reads are those of every plan.
//!
//! - `cases`: registering and routing cases;
//! - `statistics`: what the register's office reports to its leadership, per department and month.

mod cases;
mod statistics;

use std::collections::BTreeMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TryIntoModel,
};

use crate::access::plan_scope;
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{institution, objective, plan, register_department};
use crate::error::{Error, Result};
use crate::plans::plan_file::RegisterDraft;

pub use cases::{Case, MAX_PETITIONER_CHARS, MAX_SUBJECT_CHARS, NewCase};
pub use statistics::{RegisterStatistics, StatisticsRow};

/// The `kind` of a plan that is a register.
pub const REGISTER_KIND: &str = "register";
/// The `kind` of an ordinary plan.
pub const PLAN_KIND: &str = "plan";
/// The number of the objective that holds a register's cases.
pub const CASES_OBJECTIVE: &str = "R";

/// What saving a register's part of its file changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DepartmentChanges {
    pub added: usize,
    pub removed: usize,
    pub kept: usize,
}

/// Saves the register part of an imported file: the plan's kind and deadline rule, the objective
/// of its cases, and its departments (as listed; a department removed keeps the tasks it has).
pub(crate) async fn save_register<C: ConnectionTrait>(
    db: &C,
    plan: plan::Model,
    draft: &RegisterDraft,
    institution_ids: &BTreeMap<String, i64>,
) -> Result<(plan::Model, DepartmentChanges)> {
    let mut model: plan::ActiveModel = plan.into();
    model.kind.set_ne(REGISTER_KIND.to_owned());
    model.deadline_rule.set_ne(Some(draft.deadline.clone()));
    let plan = if model.is_changed() {
        model.update(db).await?
    } else {
        model.try_into_model()?
    };
    let has_objective = objective::Entity::find()
        .filter(objective::Column::PlanId.eq(plan.id))
        .filter(objective::Column::Number.eq(CASES_OBJECTIVE))
        .one(db)
        .await?
        .is_some();
    if !has_objective {
        objective::ActiveModel {
            plan_id: Set(plan.id),
            parent_id: Set(None),
            number: Set(CASES_OBJECTIVE.to_owned()),
            title: Set(plan.title.clone()),
            result: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let wanted: Vec<i64> = draft
        .departments
        .iter()
        .map(|code| {
            institution_ids
                .get(code)
                .copied()
                .ok_or_else(|| Error::not_found("institution", code))
        })
        .collect::<Result<_>>()?;
    let stored = register_department::Entity::find()
        .filter(register_department::Column::PlanId.eq(plan.id))
        .all(db)
        .await?;
    let mut changes = DepartmentChanges::default();
    for s in &stored {
        if wanted.contains(&s.institution_id) {
            changes.kept += 1;
        } else {
            register_department::Entity::delete_by_id(s.id)
                .exec(db)
                .await?;
            changes.removed += 1;
        }
    }
    for id in wanted {
        if !stored.iter().any(|s| s.institution_id == id) {
            register_department::ActiveModel {
                plan_id: Set(plan.id),
                institution_id: Set(id),
                ..Default::default()
            }
            .insert(db)
            .await?;
            changes.added += 1;
        }
    }
    Ok((plan, changes))
}

/// A register as read: the plan row and its departments, in code order.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    pub plan: plan::Model,
    pub departments: Vec<institution::Model>,
}

/// The register with `code` as `actor` may read it.
pub(crate) async fn readable_register<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    code: &str,
) -> Result<plan::Model> {
    plan::Entity::find()
        .filter(plan::Column::Code.eq(code))
        .filter(plan::Column::Kind.eq(REGISTER_KIND))
        .filter(plan_scope(actor))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("register", code))
}

/// The departments of register `plan_id`, in code order.
pub(crate) async fn departments_of<C: ConnectionTrait>(
    db: &C,
    plan_id: i64,
) -> Result<Vec<institution::Model>> {
    let ids = sea_orm::sea_query::Query::select()
        .column(register_department::Column::InstitutionId)
        .from(register_department::Entity)
        .and_where(register_department::Column::PlanId.eq(plan_id))
        .to_owned();
    Ok(institution::Entity::find()
        .filter(institution::Column::Id.in_subquery(ids))
        .order_by_asc(institution::Column::Code)
        .all(db)
        .await?)
}

impl Engine {
    /// The registers `actor` may read, by code.
    pub async fn registers(&self, actor: &Actor) -> Result<Vec<Register>> {
        let plans = plan::Entity::find()
            .filter(plan::Column::Kind.eq(REGISTER_KIND))
            .filter(plan_scope(actor))
            .order_by_asc(plan::Column::Code)
            .all(self.db())
            .await?;
        let mut registers = Vec::with_capacity(plans.len());
        for plan in plans {
            let departments = departments_of(self.db(), plan.id).await?;
            registers.push(Register { plan, departments });
        }
        Ok(registers)
    }

    /// The register with `code`, if `actor` may read it.
    pub async fn register(&self, actor: &Actor, code: &str) -> Result<Register> {
        let plan = readable_register(self.db(), actor, code).await?;
        let departments = departments_of(self.db(), plan.id).await?;
        Ok(Register { plan, departments })
    }
}
