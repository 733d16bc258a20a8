//! Building a plan: institutions, plans, objectives, actions, assignments and reporting periods.
//!
//! Each operation exists twice: as a function over any connection (so that plan import can run
//! many of them in one transaction) and as an `Engine` method that runs it in its own transaction.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set, TryIntoModel,
};
use serde_json::json;

use crate::audit::{self, NewEvent};
use crate::deadline::Period;
use crate::domain::{Actor, AssignmentRole, EmailAddress, InstitutionCode};
use crate::engine::Engine;
use crate::entity::{
    action, assignment, indicator, institution, objective, plan, reporting_period, task,
};
use crate::error::{Error, Result};
use crate::lifecycle::Lifecycle;
use crate::notifications::{self, Kind};

/// An institution to create or update (matched by code). A detail left `None` keeps the stored
/// value; for a new institution it takes the [`InstitutionDefaults`].
#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub code: InstitutionCode,
    /// Required to create the institution; `None` only refers to an existing one.
    pub name: Option<String>,
    pub parent: Option<InstitutionCode>,
    pub emails: Option<Vec<EmailAddress>>,
    pub language: Option<String>,
    pub time_zone: Option<Tz>,
}

/// What a new institution gets where its description says nothing (a plan's language and zone).
#[derive(Debug, Clone)]
pub struct InstitutionDefaults {
    pub language: String,
    pub time_zone: Tz,
}

/// One detail of a stored institution that a write changes, with its old and new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstitutionChange {
    pub code: String,
    pub field: &'static str,
    pub from: String,
    pub to: String,
}

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIndicator {
    pub name: String,
    pub unit: Option<String>,
    pub target: Option<String>,
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

/// The ids of the institutions with `codes` (each code once), in the order given; an unknown code
/// is a validation error on `field` naming it.
async fn ids_of_codes<C: ConnectionTrait>(
    db: &C,
    field: &str,
    codes: &[String],
) -> Result<Vec<i64>> {
    let mut known = std::collections::BTreeMap::new();
    for chunk in codes.chunks(500) {
        for found in institution::Entity::find()
            .filter(institution::Column::Code.is_in(chunk.iter().map(String::as_str)))
            .all(db)
            .await?
        {
            known.insert(found.code, found.id);
        }
    }
    codes
        .iter()
        .map(|code| {
            known
                .get(code.trim())
                .copied()
                .ok_or_else(|| Error::validation(field, format!("unknown institution `{code}`")))
        })
        .collect()
}

/// A prepared write of one institution: what it would create or change, not yet saved, so that
/// the caller can check who may make it first.
#[derive(Debug)]
pub struct InstitutionWrite {
    stored: Option<institution::Model>,
    /// The stored parent's code (for messages).
    stored_parent: Option<String>,
    /// The parent the write names, as stored, and that parent's own parent's code (for
    /// messages).
    parent: Option<(institution::Model, Option<String>)>,
    model: institution::ActiveModel,
    /// The stored details this write changes (empty for a new institution).
    pub changes: Vec<InstitutionChange>,
}

impl InstitutionWrite {
    /// Reads the stored institution with `new.code`, if any, and works out the write.
    pub async fn prepare<C: ConnectionTrait>(
        db: &C,
        now: DateTime<Utc>,
        new: &NewInstitution,
        defaults: &InstitutionDefaults,
    ) -> Result<Self> {
        let code = new.code.as_str();
        let parent = match &new.parent {
            Some(p) => Some(institution_by_code(db, p.as_str()).await?),
            None => None,
        };
        let grandparent = match parent.as_ref().and_then(|p| p.parent_id) {
            Some(id) => institution::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|p| p.code),
            None => None,
        };
        let named_parent = parent.clone().map(|p| (p, grandparent));
        let stored = institution::Entity::find()
            .filter(institution::Column::Code.eq(code))
            .one(db)
            .await?;
        let Some(stored) = stored else {
            let name = new.name.clone().ok_or_else(|| {
                Error::validation(
                    "name",
                    format!("institution `{code}` is not known yet: give its name to create it"),
                )
            })?;
            let model = institution::ActiveModel {
                code: Set(code.to_owned()),
                name: Set(name),
                parent_id: Set(parent.map(|p| p.id)),
                emails: Set(emails_json(new.emails.as_deref().unwrap_or_default())),
                language: Set(new.language.clone().unwrap_or(defaults.language.clone())),
                time_zone: Set(new
                    .time_zone
                    .unwrap_or(defaults.time_zone)
                    .name()
                    .to_owned()),
                created_at: Set(now),
                ..Default::default()
            };
            return Ok(Self {
                stored: None,
                stored_parent: None,
                parent: named_parent,
                model,
                changes: Vec::new(),
            });
        };
        let stored_parent = match stored.parent_id {
            Some(id) => institution::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|p| p.code),
            None => None,
        };
        let mut changes = Vec::new();
        let mut change = |field: &'static str, from: String, to: String| {
            if from != to {
                changes.push(InstitutionChange {
                    code: code.to_owned(),
                    field,
                    from,
                    to,
                });
            }
        };
        let mut model: institution::ActiveModel = stored.clone().into();
        // The cedilla and comma-below forms of ş and ţ are one letter written two ways: a plan
        // that spells a name with the other form refers to it, it does not rename it.
        if let Some(name) = new
            .name
            .as_ref()
            .filter(|n| !same_spelling(n, &stored.name))
        {
            change("name", stored.name.clone(), name.clone());
            model.name.set_ne(name.clone());
        }
        if let Some(parent) = &parent {
            change(
                "parent",
                stored_parent.clone().unwrap_or_default(),
                parent.code.clone(),
            );
            model.parent_id.set_ne(Some(parent.id));
        }
        if let Some(emails) = &new.emails {
            let json = emails_json(emails);
            change(
                "emails",
                notifications::addresses(&stored).join(", "),
                emails
                    .iter()
                    .map(EmailAddress::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            model.emails.set_ne(json);
        }
        if let Some(language) = &new.language {
            change("language", stored.language.clone(), language.clone());
            model.language.set_ne(language.clone());
        }
        if let Some(tz) = new.time_zone {
            change("time_zone", stored.time_zone.clone(), tz.name().to_owned());
            model.time_zone.set_ne(tz.name().to_owned());
        }
        Ok(Self {
            stored: Some(stored),
            stored_parent,
            parent: named_parent,
            model,
            changes,
        })
    }

    /// Whether the write creates the institution.
    pub fn creates(&self) -> bool {
        self.stored.is_none()
    }

    /// Why `actor` may not make this write, if it may not: the details of an existing institution
    /// change only for admins and coordinators of it or of its stored parent; and an institution
    /// is placed under a parent (created so, or moved there) only by who manages that parent,
    /// whose coordinators would receive its escalations, unless the parent is one of `created`
    /// (the institutions the same import creates).
    pub fn refusal(&self, actor: &Actor, created: &BTreeSet<i64>) -> Option<String> {
        let Some(stored) = self.stored.as_ref() else {
            return self.parent_refusal(actor, created);
        };
        if self.changes.is_empty() || actor.manages(stored.id, stored.parent_id) {
            return self.parent_refusal(actor, created);
        }
        let fields: Vec<String> = self
            .changes
            .iter()
            .map(|c| format!("`{}` (from \"{}\" to \"{}\")", c.field, c.from, c.to))
            .collect();
        let managers = match &self.stored_parent {
            Some(parent) => format!(
                "an admin or a coordinator of {} or of {parent}",
                stored.code
            ),
            None => format!("an admin or a coordinator of {}", stored.code),
        };
        Some(format!(
            "institution {} is shared by every plan: {} would change {}; only {managers} may \
             change it (leave the field out to keep the stored value)",
            stored.code,
            actor.name,
            fields.join(", ")
        ))
    }

    /// Why `actor` may not place this institution under the parent the write names, if the
    /// parent is new to it and the actor does not manage that parent.
    fn parent_refusal(&self, actor: &Actor, created: &BTreeSet<i64>) -> Option<String> {
        let (parent, grandparent) = self.parent.as_ref()?;
        let unchanged = self
            .stored
            .as_ref()
            .is_some_and(|s| s.parent_id == Some(parent.id));
        if unchanged || created.contains(&parent.id) || actor.manages(parent.id, parent.parent_id) {
            return None;
        }
        let code = self.model.code.try_as_ref().map_or("", String::as_str);
        let placed = if self.stored.is_some() {
            "moved under"
        } else {
            "created under"
        };
        Some(format!(
            "institution {code} would be {placed} {}, which {} does not manage: only {} may place \
             an institution under {} (its coordinators receive the escalations of the \
             institutions under it)",
            parent.code,
            actor.name,
            crate::domain::who_manages(&parent.code, grandparent.as_deref()),
            parent.code
        ))
    }

    /// Saves the write; returns the institution as stored.
    pub async fn save<C: ConnectionTrait>(self, db: &C) -> Result<institution::Model> {
        if self.stored.is_none() {
            Ok(self.model.insert(db).await?)
        } else if self.model.is_changed() {
            Ok(self.model.update(db).await?)
        } else {
            Ok(self.model.try_into_model()?)
        }
    }
}

/// Whether two names are the same but for the cedilla (ş ţ) or comma-below (ș ț) forms.
fn same_spelling(a: &str, b: &str) -> bool {
    let comma = |s: &str| -> String {
        s.trim()
            .chars()
            .map(|c| match c {
                'ş' => 'ș',
                'ţ' => 'ț',
                'Ş' => 'Ș',
                'Ţ' => 'Ț',
                other => other,
            })
            .collect()
    };
    comma(a) == comma(b)
}

fn emails_json(emails: &[EmailAddress]) -> serde_json::Value {
    json!(emails.iter().map(EmailAddress::as_str).collect::<Vec<_>>())
}

/// The institution with `code`.
pub async fn institution_by_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<institution::Model> {
    institution::Entity::find()
        .filter(institution::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("institution", code))
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
        indicator::ActiveModel {
            action_id: Set(action_id),
            position: Set(position),
            name: Set(ind.name.clone()),
            unit: Set(ind.unit.clone()),
            target: Set(ind.target.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
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

/// Opens reporting periods for an action: one task per (period, assigned institution). A period
/// that already exists (same start and end) is kept, and its due date is updated on open tasks.
/// Returns the tasks created.
pub async fn open_periods<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    initial_state: &str,
    periods: &[Period],
) -> Result<Vec<task::Model>> {
    let assignments = assignments_of(db, action.id).await?;
    let existing = periods_of(db, action.id).await?;
    let mut created = Vec::new();
    for p in periods {
        let period = match existing
            .iter()
            .find(|e| e.start_date == p.start && e.end_date == p.end)
        {
            Some(found) if found.due_at == p.due => found.clone(),
            Some(found) => {
                let mut model: reporting_period::ActiveModel = found.clone().into();
                model.due_at = Set(p.due);
                let updated = model.update(db).await?;
                task::Entity::update_many()
                    .col_expr(task::Column::DueAt, sea_orm::sea_query::Expr::value(p.due))
                    .filter(task::Column::PeriodId.eq(updated.id))
                    .filter(task::Column::Open.eq(true))
                    .exec(db)
                    .await?;
                notifications::drop_deadline_reminders(db, task::Column::PeriodId.eq(updated.id))
                    .await?;
                updated
            }
            None => {
                reporting_period::ActiveModel {
                    action_id: Set(action.id),
                    start_date: Set(p.start),
                    end_date: Set(p.end),
                    due_at: Set(p.due),
                    ..Default::default()
                }
                .insert(db)
                .await?
            }
        };
        for a in &assignments {
            if let Some(task) =
                ensure_task(db, actor, now, action, &period, a, initial_state).await?
            {
                created.push(task);
            }
        }
    }
    Ok(created)
}

/// Withdraws the periods of an action that are not in `keep`: their tasks still in the initial
/// state are cancelled; tasks that moved on are left as they are. Returns how many were cancelled.
pub async fn withdraw_periods<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    lifecycle: &Lifecycle,
    keep: &[Period],
) -> Result<usize> {
    let withdrawn: Vec<i64> = periods_of(db, action.id)
        .await?
        .into_iter()
        .filter(|p| {
            !keep
                .iter()
                .any(|k| k.start == p.start_date && k.end == p.end_date)
        })
        .map(|p| p.id)
        .collect();
    if withdrawn.is_empty() {
        return Ok(0);
    }
    let cancelled = cancel_pending(
        db,
        actor,
        now,
        action,
        lifecycle,
        Condition::all().add(task::Column::PeriodId.is_in(withdrawn)),
        ("period_withdrawn", "the period is no longer in the plan"),
    )
    .await?;
    Ok(cancelled.len())
}

/// Cancels the action's tasks that match `which` and are still in the lifecycle's initial state,
/// recording `why` (event kind, comment) on each. Returns them as they now are.
async fn cancel_pending<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    lifecycle: &Lifecycle,
    which: Condition,
    why: (&str, &str),
) -> Result<Vec<task::Model>> {
    let pending = task::Entity::find()
        .filter(task::Column::ActionId.eq(action.id))
        .filter(task::Column::State.eq(&lifecycle.initial))
        .filter(which)
        .all(db)
        .await?;
    let ids: Vec<i64> = pending.iter().map(|t| t.id).collect();
    let mut cancelled = Vec::with_capacity(pending.len());
    for t in pending {
        cancelled.push(cancel_task(db, actor, now, action, lifecycle, t, why.0, why.1).await?);
    }
    notifications::drop_deadline_reminders(db, task::Column::Id.is_in(ids)).await?;
    Ok(cancelled)
}

/// Cancels one task outside the lifecycle's actor rules (the plan itself changed), with an event.
#[allow(clippy::too_many_arguments)]
async fn cancel_task<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    lifecycle: &Lifecycle,
    t: task::Model,
    kind: &str,
    why: &str,
) -> Result<task::Model> {
    let cancelled = lifecycle
        .transition("cancel")
        .map(|t| t.to.as_str())
        .ok_or_else(|| {
            Error::validation(
                "lifecycle",
                format!(
                    "lifecycle `{}` has no `cancel` transition: open tasks cannot be withdrawn",
                    lifecycle.name
                ),
            )
        })?;
    let from = t.state.clone();
    let updated = task::Entity::update_many()
        .col_expr(task::Column::State, Expr::value(cancelled))
        .col_expr(
            task::Column::Open,
            Expr::value(!lifecycle.is_terminal(cancelled)),
        )
        .col_expr(task::Column::Version, Expr::value(t.version + 1))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(t.id))
        .filter(task::Column::Version.eq(t.version))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Err(Error::Conflict {
            expected: t.version,
            actual: t.version + 1,
        });
    }
    let mut event = NewEvent::on_plan(action.plan_id, kind);
    event.action_id = Some(action.id);
    event.task_id = Some(t.id);
    event.from_state = Some(&from);
    event.to_state = Some(cancelled);
    event.comment = Some(why);
    audit::append(db, actor, now, event).await?;
    Ok(task::Model {
        state: cancelled.to_owned(),
        open: !lifecycle.is_terminal(cancelled),
        version: t.version + 1,
        updated_at: now,
        ..t
    })
}

/// Creates the task of `assignment` in `period` unless it exists; returns it when created.
async fn ensure_task<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    period: &reporting_period::Model,
    assignment: &assignment::Model,
    initial_state: &str,
) -> Result<Option<task::Model>> {
    let existing = task::Entity::find()
        .filter(task::Column::PeriodId.eq(period.id))
        .filter(task::Column::InstitutionId.eq(assignment.institution_id))
        .one(db)
        .await?;
    if let Some(task) = existing {
        if task.role != assignment.role {
            let mut model: task::ActiveModel = task.into();
            model.role = Set(assignment.role.clone());
            model.update(db).await?;
        }
        return Ok(None);
    }
    let task = task::ActiveModel {
        plan_id: Set(action.plan_id),
        action_id: Set(action.id),
        period_id: Set(period.id),
        institution_id: Set(assignment.institution_id),
        role: Set(assignment.role.clone()),
        state: Set(initial_state.to_owned()),
        open: Set(true),
        due_at: Set(period.due_at),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut event = NewEvent::on_plan(action.plan_id, "task_opened");
    event.action_id = Some(action.id);
    event.task_id = Some(task.id);
    event.to_state = Some(initial_state);
    event.payload =
        json!({ "institution_id": task.institution_id, "role": task.role, "due_at": task.due_at });
    audit::append(db, actor, now, event).await?;
    notifications::notify_task_institution(db, now, Kind::Assigned, &task).await?;
    Ok(Some(task))
}

/// The assignments of an action, lead first.
pub async fn assignments_of<C: ConnectionTrait>(
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

/// The reporting periods of an action, in time order.
pub async fn periods_of<C: ConnectionTrait>(
    db: &C,
    action_id: i64,
) -> Result<Vec<reporting_period::Model>> {
    Ok(reporting_period::Entity::find()
        .filter(reporting_period::Column::ActionId.eq(action_id))
        .order_by_asc(reporting_period::Column::StartDate)
        .order_by_asc(reporting_period::Column::EndDate)
        .all(db)
        .await?)
}

/// The plan, if `actor` coordinates it: `NotFound` when it may not even read it (whether or not it
/// exists), `Forbidden` when it reads but does not coordinate it.
pub async fn require_coordinator<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    plan_id: i64,
) -> Result<plan::Model> {
    let plan = plan::Entity::find_by_id(plan_id)
        .filter(crate::access::plan_scope(actor))
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
    /// Creates an institution (admins and coordinators), or changes the details of one the actor
    /// manages (admins; coordinators of it or of its parent).
    pub async fn upsert_institution(
        &self,
        actor: &Actor,
        new: NewInstitution,
        defaults: &InstitutionDefaults,
    ) -> Result<institution::Model> {
        if !matches!(
            actor.role,
            crate::domain::UserRole::Admin | crate::domain::UserRole::Coordinator
        ) {
            return Err(Error::Forbidden(format!(
                "{} may not manage institutions",
                actor.name
            )));
        }
        let txn = crate::db::begin_write(self.db()).await?;
        let write = InstitutionWrite::prepare(&txn, self.now(), &new, defaults).await?;
        if let Some(why) = write.refusal(actor, &BTreeSet::new()) {
            return Err(Error::Forbidden(why));
        }
        let model = write.save(&txn).await?;
        txn.commit().await?;
        Ok(model)
    }

    /// Sets the e-mail addresses of an institution (admins; coordinators of it or of its parent).
    pub async fn set_institution_emails(
        &self,
        actor: &Actor,
        code: &str,
        emails: &[EmailAddress],
    ) -> Result<institution::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let found = institution_by_code(&txn, code).await?;
        if !actor.manages(found.id, found.parent_id) {
            return Err(Error::Forbidden(format!(
                "{} may not change the addresses of {}",
                actor.name, found.code
            )));
        }
        let mut model: institution::ActiveModel = found.into();
        model.emails = Set(json!(
            emails.iter().map(EmailAddress::as_str).collect::<Vec<_>>()
        ));
        let saved = model.update(&txn).await?;
        txn.commit().await?;
        Ok(saved)
    }

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
        txn.commit().await?;
        Ok(plan)
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
        txn.commit().await?;
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
        txn.commit().await?;
        Ok(action)
    }

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
        txn.commit().await?;
        Ok(result)
    }

    /// Opens reporting periods for an action (coordinator only); returns the tasks created.
    pub async fn open_periods(
        &self,
        actor: &Actor,
        action_id: i64,
        periods: &[Period],
    ) -> Result<Vec<task::Model>> {
        let txn = crate::db::begin_write(self.db()).await?;
        let (action, plan) = readable_action_and_plan(&txn, actor, action_id).await?;
        require_coordinator(&txn, actor, plan.id).await?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let created = open_periods(
            &txn,
            actor,
            self.now(),
            &action,
            &lifecycle.initial,
            periods,
        )
        .await?;
        txn.commit().await?;
        Ok(created)
    }
}

/// The action with `action_id` and its plan, if `actor` may read the action; else `NotFound`,
/// whether or not it exists.
pub async fn readable_action_and_plan<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action_id: i64,
) -> Result<(action::Model, plan::Model)> {
    let readable = action::Entity::find_by_id(action_id)
        .filter(crate::access::action_scope(actor))
        .one(db)
        .await?;
    match readable {
        Some(_) => action_and_plan(db, action_id).await,
        None => Err(Error::not_found("action", action_id)),
    }
}

/// The action with `action_id` and its plan.
pub async fn action_and_plan<C: ConnectionTrait>(
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
