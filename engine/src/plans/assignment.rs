//! Who takes part in an action: one lead among the responsible institutions, and partners. A
//! change gives new institutions a pending task in every open period and cancels the still-pending
//! tasks of those no longer assigned (work already started is left as it is).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use super::institutions::ids_of_codes;
use super::periods::{ensure_task, periods_of};
use super::{readable_action_and_plan, require_coordinator};
use crate::audit::{self, NewEvent};
use crate::domain::{Actor, AssignmentRole};
use crate::engine::Engine;
use crate::entity::{action, assignment, institution, task};
use crate::error::{Error, Result};
use crate::tasks::cancel::cancel_pending;
use crate::tasks::lifecycle::Lifecycle;

/// Who takes part in an action: one lead, who must be among the responsible institutions, and
/// partners. Institution ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub lead: i64,
    pub responsible: Vec<i64>,
    pub partners: Vec<i64>,
}

impl Assignment {
    /// Every (institution, role, lead) triple, lead first; refuses a lead that is not responsible
    /// and an institution that is both responsible and a partner.
    fn members(&self) -> Result<Vec<(i64, AssignmentRole, bool)>> {
        if !self.responsible.contains(&self.lead) {
            return Err(Error::validation(
                "lead",
                "the lead must be one of the responsible institutions",
            ));
        }
        let mut seen = BTreeSet::new();
        let mut members = vec![(self.lead, AssignmentRole::Responsible, true)];
        seen.insert(self.lead);
        for &id in &self.responsible {
            if id != self.lead && seen.insert(id) {
                members.push((id, AssignmentRole::Responsible, false));
            }
        }
        for &id in &self.partners {
            if self.responsible.contains(&id) {
                // Callers with codes name the institution before this (see `assign_action`).
                return Err(Error::validation(
                    "partners",
                    "an institution is already responsible for the action: it takes part once, \
                     as responsible or as partner",
                ));
            }
            if seen.insert(id) {
                members.push((id, AssignmentRole::Partner, false));
            }
        }
        Ok(members)
    }
}

/// How many institutions one action may have, in all.
pub const MAX_ASSIGNED: usize = 200;

/// A change of who takes part in an action, by institution code. A field left `None` keeps that
/// part as it is: the lead, the responsible institutions, the partners.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentChange {
    pub lead: Option<String>,
    pub responsible: Option<Vec<String>>,
    pub partners: Option<Vec<String>>,
}

impl AssignmentChange {
    /// Refuses lists longer than [`MAX_ASSIGNED`] before anything is looked up.
    fn check_size(&self) -> Result<()> {
        for (field, list) in [
            ("responsible", &self.responsible),
            ("partners", &self.partners),
        ] {
            let count = list.as_ref().map_or(0, Vec::len);
            if count > MAX_ASSIGNED {
                return Err(Error::validation(
                    field,
                    format!("{count} institutions: an action takes at most {MAX_ASSIGNED}"),
                ));
            }
        }
        Ok(())
    }
}

/// What an assignment did: who takes part now, and the pending tasks it cancelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Assigned {
    pub assignments: Vec<assignment::Model>,
    pub cancelled: Vec<task::Model>,
}

/// Sets who takes part in an action. New institutions get a pending task in every period already
/// open; institutions no longer assigned have their still-pending tasks cancelled (work already
/// started is left as it is).
pub async fn assign<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    lifecycle: &Lifecycle,
    assignment: &Assignment,
) -> Result<Assigned> {
    let members = assignment.members()?;
    for &(id, _, _) in &members {
        institution::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| Error::not_found("institution", id))?;
    }
    let current = assignments_of(db, action.id).await?;
    let periods = periods_of(db, action.id).await?;
    let mut cancelled = Vec::new();
    for old in &current {
        if !members.iter().any(|&(id, _, _)| id == old.institution_id) {
            assignment::Entity::delete_by_id(old.id).exec(db).await?;
            cancelled.extend(
                cancel_pending(
                    db,
                    actor,
                    now,
                    action,
                    lifecycle,
                    Condition::all().add(task::Column::InstitutionId.eq(old.institution_id)),
                    ("unassigned", "institution no longer assigned to the action"),
                )
                .await?,
            );
        }
    }
    let mut changed = current.len() != members.len();
    let mut result = Vec::with_capacity(members.len());
    for (id, role, lead) in members {
        let existing = current.iter().find(|a| a.institution_id == id).cloned();
        changed |= existing
            .as_ref()
            .is_none_or(|found| found.role != role.as_str() || found.lead != lead);
        let saved = match existing {
            Some(found) if found.role == role.as_str() && found.lead == lead => found,
            Some(found) => {
                let mut model: assignment::ActiveModel = found.into();
                model.role = Set(role.as_str().to_owned());
                model.lead = Set(lead);
                model.update(db).await?
            }
            None => {
                assignment::ActiveModel {
                    action_id: Set(action.id),
                    institution_id: Set(id),
                    role: Set(role.as_str().to_owned()),
                    lead: Set(lead),
                    ..Default::default()
                }
                .insert(db)
                .await?
            }
        };
        for period in &periods {
            ensure_task(db, actor, now, action, period, &saved, &lifecycle.initial).await?;
        }
        result.push(saved);
    }
    let assigned = Assigned {
        assignments: result,
        cancelled,
    };
    if !changed {
        return Ok(assigned);
    }
    let mut event = NewEvent::on_plan(action.plan_id, "assigned");
    event.action_id = Some(action.id);
    event.payload = json!({
        "lead": assignment.lead,
        "responsible": assigned.assignments.iter().filter(|a| a.role == "responsible").map(|a| a.institution_id).collect::<Vec<_>>(),
        "partners": assigned.assignments.iter().filter(|a| a.role == "partner").map(|a| a.institution_id).collect::<Vec<_>>(),
        "cancelled_tasks": assigned.cancelled.iter().map(|t| t.id).collect::<Vec<_>>(),
    });
    audit::append(db, actor, now, event).await?;
    Ok(assigned)
}

/// The assignments of an action, lead first.
pub(crate) async fn assignments_of<C: ConnectionTrait>(
    db: &C,
    action_id: i64,
) -> Result<Vec<assignment::Model>> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::ActionId.eq(action_id))
        .order_by_desc(assignment::Column::Lead)
        .order_by_asc(assignment::Column::Id)
        .all(db)
        .await?)
}

impl Engine {
    /// Changes who takes part in an action (coordinator only): the parts `change` names, keeping
    /// the others. Checks, in order: list sizes, the action readable (else `NotFound`), the actor
    /// coordinating its plan, then the institutions; nothing is looked up for an actor who may not.
    pub async fn assign_action(
        &self,
        actor: &Actor,
        action_id: i64,
        change: AssignmentChange,
    ) -> Result<Assigned> {
        change.check_size()?;
        let txn = crate::db::begin_write(self.db()).await?;
        let (action, plan) = readable_action_and_plan(&txn, actor, action_id).await?;
        require_coordinator(&txn, actor, plan.id).await?;
        let current = assignments_of(&txn, action.id).await?;
        let of_role = |role: AssignmentRole| -> Vec<i64> {
            current
                .iter()
                .filter(|a| a.role == role.as_str())
                .map(|a| a.institution_id)
                .collect()
        };
        let lead = match &change.lead {
            Some(code) => ids_of_codes(&txn, "lead", std::slice::from_ref(code))
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| Error::validation("lead", "no lead named"))?,
            None => current
                .iter()
                .find(|a| a.lead)
                .map(|a| a.institution_id)
                .ok_or_else(|| Error::validation("lead", "the action has no lead yet: name one"))?,
        };
        let responsible = match &change.responsible {
            Some(codes) => ids_of_codes(&txn, "responsible", codes).await?,
            None => of_role(AssignmentRole::Responsible),
        };
        let partners = match &change.partners {
            Some(codes) => ids_of_codes(&txn, "partners", codes).await?,
            None => of_role(AssignmentRole::Partner),
        };
        if !responsible.contains(&lead) {
            let lead_code = institution::Entity::find_by_id(lead)
                .one(&txn)
                .await?
                .map_or_else(|| lead.to_string(), |i| i.code);
            return Err(Error::validation(
                "lead",
                format!(
                    "the lead `{lead_code}` is not among the responsible institutions: list it \
                     under `responsible` too"
                ),
            ));
        }
        if let Some(both) = partners.iter().find(|id| responsible.contains(id)) {
            let code = institution::Entity::find_by_id(*both)
                .one(&txn)
                .await?
                .map_or_else(|| both.to_string(), |i| i.code);
            return Err(Error::validation(
                "partners",
                format!(
                    "`{code}` is already responsible for the action: an institution takes part \
                     once, as responsible or as partner"
                ),
            ));
        }
        let assignment = Assignment {
            lead,
            responsible,
            partners,
        };
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let result = assign(&txn, actor, self.now(), &action, &lifecycle, &assignment).await?;
        self.commit(txn).await?;
        Ok(result)
    }
}
