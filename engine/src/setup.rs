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

/// An institution to create or update (matched by code).
#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub code: InstitutionCode,
    pub name: String,
    pub parent: Option<InstitutionCode>,
    pub emails: Vec<EmailAddress>,
    pub language: String,
    pub time_zone: Tz,
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

/// Who takes part in an action: one lead (also responsible), other responsible institutions,
/// and partners. Institution ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub lead: i64,
    pub responsible: Vec<i64>,
    pub partners: Vec<i64>,
}

impl Assignment {
    /// Every (institution, role, lead) triple, lead first; refuses an institution named twice.
    fn members(&self) -> Result<Vec<(i64, AssignmentRole, bool)>> {
        let mut seen = BTreeSet::new();
        let mut members = vec![(self.lead, AssignmentRole::Responsible, true)];
        seen.insert(self.lead);
        for &id in &self.responsible {
            if id != self.lead && seen.insert(id) {
                members.push((id, AssignmentRole::Responsible, false));
            }
        }
        for &id in &self.partners {
            if !seen.insert(id) {
                return Err(Error::validation(
                    "partners",
                    format!("institution {id} is already responsible for the action"),
                ));
            }
            members.push((id, AssignmentRole::Partner, false));
        }
        Ok(members)
    }
}

/// Creates the institution, or updates it in place when its code exists.
pub async fn upsert_institution<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    new: &NewInstitution,
) -> Result<institution::Model> {
    let parent_id = match &new.parent {
        Some(code) => Some(institution_by_code(db, code.as_str()).await?.id),
        None => None,
    };
    let emails = json!(
        new.emails
            .iter()
            .map(EmailAddress::as_str)
            .collect::<Vec<_>>()
    );
    let existing = institution::Entity::find()
        .filter(institution::Column::Code.eq(new.code.as_str()))
        .one(db)
        .await?;
    let existed = existing.is_some();
    let mut model: institution::ActiveModel = match existing {
        Some(found) => found.into(),
        None => institution::ActiveModel {
            code: Set(new.code.as_str().to_owned()),
            created_at: Set(now),
            ..Default::default()
        },
    };
    model.name.set_ne(new.name.clone());
    // A file that does not name a parent keeps the one already known (another plan may say it).
    if parent_id.is_some() || !existed {
        model.parent_id.set_ne(parent_id);
    }
    model.emails.set_ne(emails);
    model.language.set_ne(new.language.clone());
    model.time_zone.set_ne(new.time_zone.name().to_owned());
    if !existed {
        Ok(model.insert(db).await?)
    } else if model.is_changed() {
        Ok(model.update(db).await?)
    } else {
        Ok(model.try_into_model()?)
    }
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
/// started is left as it is). Returns the assignments.
pub async fn assign<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    lifecycle: &Lifecycle,
    assignment: &Assignment,
) -> Result<Vec<assignment::Model>> {
    let members = assignment.members()?;
    for &(id, _, _) in &members {
        institution::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| Error::not_found("institution", id))?;
    }
    let current = assignments_of(db, action.id).await?;
    let periods = periods_of(db, action.id).await?;
    for old in &current {
        if !members.iter().any(|&(id, _, _)| id == old.institution_id) {
            assignment::Entity::delete_by_id(old.id).exec(db).await?;
            cancel_pending(
                db,
                actor,
                now,
                action,
                lifecycle,
                Condition::all().add(task::Column::InstitutionId.eq(old.institution_id)),
                ("unassigned", "institution no longer assigned to the action"),
            )
            .await?;
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
    if !changed {
        return Ok(result);
    }
    let mut event = NewEvent::on_plan(action.plan_id, "assigned");
    event.action_id = Some(action.id);
    event.payload = json!({
        "lead": assignment.lead,
        "responsible": result.iter().filter(|a| a.role == "responsible").map(|a| a.institution_id).collect::<Vec<_>>(),
        "partners": result.iter().filter(|a| a.role == "partner").map(|a| a.institution_id).collect::<Vec<_>>(),
    });
    audit::append(db, actor, now, event).await?;
    Ok(result)
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
    cancel_pending(
        db,
        actor,
        now,
        action,
        lifecycle,
        Condition::all().add(task::Column::PeriodId.is_in(withdrawn)),
        ("period_withdrawn", "the period is no longer in the plan"),
    )
    .await
}

/// Cancels the action's tasks that match `which` and are still in the lifecycle's initial state,
/// recording `why` (event kind, comment) on each. Returns how many were cancelled.
async fn cancel_pending<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &action::Model,
    lifecycle: &Lifecycle,
    which: Condition,
    why: (&str, &str),
) -> Result<usize> {
    let pending = task::Entity::find()
        .filter(task::Column::ActionId.eq(action.id))
        .filter(task::Column::State.eq(&lifecycle.initial))
        .filter(which)
        .all(db)
        .await?;
    let count = pending.len();
    let ids: Vec<i64> = pending.iter().map(|t| t.id).collect();
    for t in pending {
        cancel_task(db, actor, now, action, lifecycle, t, why.0, why.1).await?;
    }
    notifications::drop_deadline_reminders(db, task::Column::Id.is_in(ids)).await?;
    Ok(count)
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
) -> Result<()> {
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
    Ok(())
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

/// Fails with `Forbidden` unless `actor` coordinates the plan.
pub async fn require_coordinator<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    plan_id: i64,
) -> Result<plan::Model> {
    let plan = plan::Entity::find_by_id(plan_id)
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
    /// Creates or updates an institution (admins and coordinators).
    pub async fn upsert_institution(
        &self,
        actor: &Actor,
        new: NewInstitution,
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
        let model = upsert_institution(&txn, self.now(), &new).await?;
        txn.commit().await?;
        Ok(model)
    }

    /// Sets the e-mail addresses of an institution (admins, and coordinators of that institution).
    pub async fn set_institution_emails(
        &self,
        actor: &Actor,
        code: &str,
        emails: &[EmailAddress],
    ) -> Result<institution::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let found = institution_by_code(&txn, code).await?;
        if !actor.coordinates(found.id) {
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
        require_coordinator(&txn, actor, objective.plan_id).await?;
        let action = insert_action(&txn, &new).await?;
        txn.commit().await?;
        Ok(action)
    }

    /// Assigns an action to its lead, responsible and partner institutions (coordinator only).
    pub async fn assign_action(
        &self,
        actor: &Actor,
        action_id: i64,
        assignment: Assignment,
    ) -> Result<Vec<assignment::Model>> {
        let txn = crate::db::begin_write(self.db()).await?;
        let (action, plan) = action_and_plan(&txn, action_id).await?;
        require_coordinator(&txn, actor, plan.id).await?;
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
        let (action, plan) = action_and_plan(&txn, action_id).await?;
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
