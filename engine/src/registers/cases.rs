//! Registering a case and routing it to departments.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::{CASES_OBJECTIVE, REGISTER_KIND, departments_of, readable_register};
use crate::access::task_scope;
use crate::audit::{self, NewEvent};
use crate::deadline::{CaseEvent, Period, RelativeDeadline};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{action, assignment, objective, plan, reporting_period, task};
use crate::error::{Error, Result};
use crate::notifications::reminders::Calendar;
use crate::plans::{open_periods, readable_action_and_plan};
use crate::text::at_most;

/// Longest subject of a case, in characters.
pub const MAX_SUBJECT_CHARS: usize = 2_000;
/// Longest petitioner reference, in characters.
pub const MAX_PETITIONER_CHARS: usize = 200;

/// A case to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    /// The register's code.
    pub register: String,
    /// When the case reached the institution.
    pub received_at: DateTime<Utc>,
    /// What it is about.
    pub subject: String,
    /// A reference to the petitioner (a file number, initials): no personal data is needed.
    pub petitioner: Option<String>,
    /// When it was registered, if not now (a case entered after the fact): not before its
    /// receipt, not in the future.
    pub registered_at: Option<DateTime<Utc>>,
}

/// A case as read: the action that holds it, its term, and its departments' tasks that the
/// reader may see.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub action: action::Model,
    pub register: plan::Model,
    /// Its one period: from receipt to the end of the legal term.
    pub period: reporting_period::Model,
    pub tasks: Vec<task::Model>,
}

impl Case {
    /// The registration number.
    pub fn number(&self) -> &str {
        &self.action.number
    }

    /// `registered` until it is routed; then the state of its first department's task.
    pub fn state(&self) -> &str {
        self.tasks
            .first()
            .map_or("registered", |t| t.state.as_str())
    }

    /// The end of its term: its first department's task's due instant (as extended), or the
    /// end of the legal term while it is not routed.
    pub fn due_at(&self) -> DateTime<Utc> {
        self.tasks.first().map_or(self.period.due_at, |t| t.due_at)
    }

    /// Whether it is still open past the end of its term at `now` (not routed, or a
    /// department's task still open).
    pub fn late(&self, now: DateTime<Utc>) -> bool {
        let open = self.tasks.is_empty() || self.tasks.iter().any(|t| t.open);
        open && self.due_at() < now
    }
}

/// The register's deadline rule.
fn rule_of(plan: &plan::Model) -> Result<RelativeDeadline> {
    let wording = plan
        .deadline_rule
        .as_deref()
        .ok_or_else(|| Error::internal(format!("register {} has no deadline rule", plan.code)))?;
    RelativeDeadline::parse(wording).map_err(|e| {
        Error::internal(format!(
            "register {}: deadline rule `{wording}`: {e}",
            plan.code
        ))
    })
}

async fn case_of<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action: action::Model,
    register: plan::Model,
) -> Result<Case> {
    let period = reporting_period::Entity::find()
        .filter(reporting_period::Column::ActionId.eq(action.id))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("reporting period of case", &action.number))?;
    let tasks = task::Entity::find()
        .filter(task::Column::ActionId.eq(action.id))
        .filter(task_scope(actor))
        .order_by_asc(task::Column::Id)
        .all(db)
        .await?;
    Ok(Case {
        action,
        register,
        period,
        tasks,
    })
}

impl Engine {
    /// Registers a case (coordinators of the register's owner): the next registration number,
    /// its term counted by the register's rule from its receipt or its registration (now, unless
    /// given), a `case_registered` event. It has no department until it is routed.
    #[tracing::instrument(skip_all, fields(register = %new.register, actor = %actor.name))]
    pub async fn create_case(&self, actor: &Actor, new: NewCase) -> Result<Case> {
        let subject = new.subject.trim();
        if subject.is_empty() {
            return Err(Error::validation("subject", "must not be empty"));
        }
        at_most("subject", "a subject", subject, MAX_SUBJECT_CHARS)?;
        let petitioner = new
            .petitioner
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        if let Some(petitioner) = petitioner {
            at_most(
                "petitioner",
                "a petitioner reference",
                petitioner,
                MAX_PETITIONER_CHARS,
            )?;
        }
        let now = self.now();
        let txn = crate::db::begin_write(self.db()).await?;
        let plan = readable_register(&txn, actor, &new.register).await?;
        if !actor.coordinates(plan.owner_id) {
            return Err(Error::Forbidden(format!(
                "{} may not register cases in `{}`: only its office (coordinators of its owner) may",
                actor.name, plan.code
            )));
        }
        if plan.archived_at.is_some() {
            return Err(Error::validation(
                "register",
                format!("register `{}` is archived", plan.code),
            ));
        }
        let registered = new.registered_at.unwrap_or(now);
        if registered > now {
            return Err(Error::validation(
                "registeredAt",
                format!("{registered} is in the future (now: {now})"),
            ));
        }
        if new.received_at > registered {
            return Err(Error::validation(
                "receivedAt",
                format!(
                    "{} is after the registration ({registered})",
                    new.received_at
                ),
            ));
        }
        let tz = plan.zone()?;
        let received = new.received_at.with_timezone(&tz).date_naive();
        if received < plan.period_start || received > plan.period_end {
            return Err(Error::validation(
                "receivedAt",
                format!(
                    "{received} is outside the register's period {}..{}",
                    plan.period_start, plan.period_end
                ),
            ));
        }
        let rule = rule_of(&plan)?;
        let counted_from = match rule.from {
            CaseEvent::Receipt => new.received_at,
            CaseEvent::Registration => registered,
        };
        let calendar = Calendar::for_time_zone(tz.name());
        let due = rule.due(counted_from, tz, calendar).ok_or_else(|| {
            Error::validation("receivedAt", "the term ends past the end of the calendar")
        })?;
        let due_date = due.with_timezone(&tz).date_naive();
        if txn.get_database_backend() == DbBackend::Postgres {
            // Two cases registered at once must not take the same number.
            plan::Entity::find_by_id(plan.id)
                .select_only()
                .column(plan::Column::Id)
                .lock(LockType::NoKeyUpdate)
                .into_tuple::<i64>()
                .one(&txn)
                .await?;
        }
        let objective = objective::Entity::find()
            .filter(objective::Column::PlanId.eq(plan.id))
            .filter(objective::Column::Number.eq(CASES_OBJECTIVE))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("objective", CASES_OBJECTIVE))?;
        let count = action::Entity::find()
            .filter(action::Column::PlanId.eq(plan.id))
            .count(&txn)
            .await?;
        let number = (count + 1).to_string();
        let action = action::ActiveModel {
            plan_id: Set(plan.id),
            objective_id: Set(objective.id),
            number: Set(number.clone()),
            text: Set(subject.to_owned()),
            deadline: Set(plan.deadline_rule.clone().unwrap_or_default()),
            recurrence: Set(None),
            funding: Set(json!([])),
            received_at: Set(Some(new.received_at)),
            petitioner: Set(petitioner.map(str::to_owned)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        reporting_period::ActiveModel {
            action_id: Set(action.id),
            start_date: Set(received.min(due_date)),
            end_date: Set(due_date),
            due_at: Set(due),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut event = NewEvent::on_plan(plan.id, "case_registered");
        event.action_id = Some(action.id);
        event.payload = json!({
            "number": number,
            "received_at": new.received_at,
            "registered_at": registered,
            "due_at": due,
        });
        audit::append(&txn, actor, now, event).await?;
        let case = case_of(&txn, actor, action, plan).await?;
        self.commit(txn).await?;
        Ok(case)
    }

    /// Routes a case to one of its register's departments (coordinators of the register's
    /// owner): the department is assigned to the case (the first one routed to leads it) and gets
    /// its task, due at the end of the case's term. Returns that task.
    #[tracing::instrument(skip_all, fields(case = case_id, department, actor = %actor.name))]
    pub async fn route_case(
        &self,
        actor: &Actor,
        case_id: i64,
        department: &str,
    ) -> Result<task::Model> {
        let now = self.now();
        let txn = crate::db::begin_write(self.db()).await?;
        let (action, plan) = readable_action_and_plan(&txn, actor, case_id)
            .await
            .map_err(|_| Error::not_found("case", case_id))?;
        if plan.kind != REGISTER_KIND {
            return Err(Error::not_found("case", case_id));
        }
        if !actor.coordinates(plan.owner_id) {
            return Err(Error::Forbidden(format!(
                "{} may not route cases of `{}`: only its office (coordinators of its owner) may",
                actor.name, plan.code
            )));
        }
        let departments = departments_of(&txn, plan.id).await?;
        let wanted = department.trim();
        let Some(to) = departments
            .iter()
            .find(|d| d.code == wanted || d.id.to_string() == wanted)
        else {
            let codes: Vec<&str> = departments.iter().map(|d| d.code.as_str()).collect();
            return Err(Error::validation(
                "department",
                format!(
                    "`{wanted}` is not a department of register `{}` (one of: {})",
                    plan.code,
                    codes.join(", ")
                ),
            ));
        };
        let assigned = assignment::Entity::find()
            .filter(assignment::Column::ActionId.eq(action.id))
            .all(&txn)
            .await?;
        if assigned.iter().any(|a| a.institution_id == to.id) {
            return Err(Error::validation(
                "department",
                format!("case {} is already routed to {}", action.number, to.code),
            ));
        }
        let period = reporting_period::Entity::find()
            .filter(reporting_period::Column::ActionId.eq(action.id))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("reporting period of case", &action.number))?;
        assignment::ActiveModel {
            action_id: Set(action.id),
            institution_id: Set(to.id),
            role: Set("responsible".to_owned()),
            lead: Set(assigned.is_empty()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut event = NewEvent::on_plan(plan.id, "case_routed");
        event.action_id = Some(action.id);
        event.payload = json!({ "number": action.number, "department": to.code });
        audit::append(&txn, actor, now, event).await?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let created = open_periods(
            &txn,
            actor,
            now,
            &action,
            &lifecycle.initial,
            &[Period {
                start: period.start_date,
                end: period.end_date,
                due: period.due_at,
            }],
        )
        .await?;
        let task = created
            .into_iter()
            .find(|t| t.institution_id == to.id)
            .ok_or_else(|| {
                Error::internal(format!("routing case {} made no task", action.number))
            })?;
        self.commit(txn).await?;
        Ok(task)
    }

    /// A case by its action id, as `actor` may read it.
    pub async fn case(&self, actor: &Actor, case_id: i64) -> Result<Case> {
        let (action, plan) = readable_action_and_plan(self.db(), actor, case_id)
            .await
            .map_err(|_| Error::not_found("case", case_id))?;
        if plan.kind != REGISTER_KIND {
            return Err(Error::not_found("case", case_id));
        }
        case_of(self.db(), actor, action, plan).await
    }

    /// The case with registration `number` in register `register`, as `actor` may read it.
    pub async fn case_by_number(
        &self,
        actor: &Actor,
        register: &str,
        number: &str,
    ) -> Result<Case> {
        let plan = readable_register(self.db(), actor, register).await?;
        let action = action::Entity::find()
            .filter(action::Column::PlanId.eq(plan.id))
            .filter(action::Column::Number.eq(number.trim()))
            .filter(crate::access::action_scope(actor))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("case", format!("{number} in {register}")))?;
        case_of(self.db(), actor, action, plan).await
    }

    /// The cases of a register `actor` may read, newest first, at most `limit`.
    pub async fn cases(&self, actor: &Actor, register: &str, limit: u64) -> Result<Vec<Case>> {
        let plan = readable_register(self.db(), actor, register).await?;
        let actions = action::Entity::find()
            .filter(action::Column::PlanId.eq(plan.id))
            .filter(crate::access::action_scope(actor))
            .order_by_desc(action::Column::Id)
            .limit(limit)
            .all(self.db())
            .await?;
        let mut cases = Vec::with_capacity(actions.len());
        for action in actions {
            cases.push(case_of(self.db(), actor, action, plan.clone()).await?);
        }
        Ok(cases)
    }
}
