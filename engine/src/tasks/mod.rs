//! Tasks: each (action, reporting period, institution) follows a lifecycle defined as data
//! (`lifecycle`). This module fires transitions and approves action periods; every change and its
//! event are written in one transaction, and a failed check writes nothing. When an action period
//! is complete: `completion`; tasks withdrawn because the plan changed under them: `cancel`.

pub(crate) mod cancel;
mod completion;
pub(crate) mod effects;
pub mod lifecycle;
mod subject;

pub(crate) use completion::decide as decide_completion;
pub use completion::{PeriodCompletion, completion_of};

use std::collections::BTreeMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};
use serde_json::{Value, json};

use crate::audit::{self, NewEvent};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{
    assignment, event, indicator, institution, plan, report, reporting_period, sign_off, task,
};
use crate::error::{Error, Result};
use crate::notifications::{self, Kind};
use crate::plans::{assignments_of, readable_action_and_plan, require_coordinator};
use crate::results::spec::parse_number;
use crate::results::{IndicatorSpec, Unit};
use crate::tasks::lifecycle::{ActorRole, Lifecycle, MissingRole, Requirement, Role, Transition};
use crate::tasks::subject::Subject;
use crate::text::at_most;

/// Longest comment or reason of a transition or an approval, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;
/// Longest report narrative, in characters.
pub const MAX_NARRATIVE_CHARS: usize = 20_000;
/// Most evidence links in one report.
pub const MAX_EVIDENCE_LINKS: usize = 50;
/// Longest evidence link, in characters.
pub const MAX_LINK_CHARS: usize = 2_000;
/// Longest text value of an indicator, in characters.
pub const MAX_INDICATOR_TEXT_CHARS: usize = 2_000;

/// A report submitted with a task.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportInput {
    /// Indicator name → value: a number that fits the indicator's unit (or its text, as a form
    /// sends it), or a text for an indicator described in words.
    pub indicator_values: BTreeMap<String, Value>,
    pub narrative: String,
    /// Links to evidence (http or https).
    pub evidence: Vec<String>,
}

/// Which transition a [`Fire`] asks for: one named in the plan's lifecycle, or the one that
/// plays a role there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Named(String),
    Playing(Role),
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Named(name) => f.write_str(name),
            Self::Playing(role) => write!(f, "role {role}"),
        }
    }
}

impl Step {
    /// The lifecycle's transition for this step, or why there is none.
    fn resolve<'l>(&self, lifecycle: &'l Lifecycle, state: &str) -> Result<&'l Transition> {
        match self {
            Self::Named(name) => {
                lifecycle
                    .transition(name)
                    .ok_or_else(|| Error::InvalidTransition {
                        from: state.to_owned(),
                        transition: name.clone(),
                    })
            }
            Self::Playing(role) => Ok(lifecycle.require_role(*role)?),
        }
    }
}

impl From<MissingRole> for Error {
    fn from(missing: MissingRole) -> Self {
        Error::validation("lifecycle", missing.to_string())
    }
}

/// A request to fire one transition on one task.
#[derive(Debug, Clone, PartialEq)]
pub struct Fire {
    pub task_id: i64,
    /// The version the caller saw; a newer one in the database is a `Conflict`.
    pub version: i64,
    pub step: Step,
    pub comment: Option<String>,
    /// Required by transitions that say `requires: reason` (decline, return, cancel).
    pub reason: Option<String>,
    /// Required by transitions that say `requires: report` (submit).
    pub report: Option<ReportInput>,
    /// The institution (code, or id) a `target: institution` transition moves the task to.
    pub target: Option<String>,
    /// Extra facts for the event's payload (e.g. `{"via": "email_link"}`).
    pub context: Option<Value>,
}

impl Fire {
    /// Fires the transition called `transition` on `task_id` at `version`, with no input.
    pub fn new(task_id: i64, version: i64, transition: &str) -> Self {
        Self::step(task_id, version, Step::Named(transition.to_owned()))
    }

    /// Fires the transition that plays `role` in the plan's lifecycle (a `Validation` error on
    /// `lifecycle` when none does).
    pub fn playing(task_id: i64, version: i64, role: Role) -> Self {
        Self::step(task_id, version, Step::Playing(role))
    }

    fn step(task_id: i64, version: i64, step: Step) -> Self {
        Self {
            task_id,
            version,
            step,
            comment: None,
            reason: None,
            report: None,
            target: None,
            context: None,
        }
    }

    /// With a target institution (code or id).
    pub fn target(mut self, institution: &str) -> Self {
        self.target = Some(institution.to_owned());
        self
    }

    /// With a reason.
    pub fn reason(mut self, reason: &str) -> Self {
        self.reason = Some(reason.to_owned());
        self
    }

    /// With a report.
    pub fn report(mut self, report: ReportInput) -> Self {
        self.report = Some(report);
        self
    }

    /// With a comment.
    pub fn comment(mut self, comment: &str) -> Self {
        self.comment = Some(comment.to_owned());
        self
    }
}

/// A committed task transition: the event and the task as it now is.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskEvent {
    pub event: event::Model,
    pub task: task::Model,
}

/// The lifecycle roles `actor` holds on `task`.
pub(crate) fn roles_on(
    actor: &Actor,
    plan: &plan::Model,
    task: &task::Model,
    lead: Option<i64>,
) -> Vec<ActorRole> {
    let mut roles = Vec::new();
    if actor.coordinates(plan.owner_id) {
        roles.push(ActorRole::Coordinator);
    }
    if actor.acts_for(task.institution_id) {
        roles.push(ActorRole::TaskInstitution);
    }
    if let Some(lead) = lead
        && lead != task.institution_id
        && actor.acts_for(lead)
    {
        roles.push(ActorRole::LeadInstitution);
    }
    roles
}

pub(crate) async fn lead_of<C: ConnectionTrait>(db: &C, action_id: i64) -> Result<Option<i64>> {
    Ok(assignments_of(db, action_id)
        .await?
        .into_iter()
        .find(|a| a.lead)
        .map(|a| a.institution_id))
}

fn required_text<'a>(value: &'a Option<String>, field: &str) -> Result<&'a str> {
    match value.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => Ok(text),
        _ => Err(Error::validation(field, "must not be empty")),
    }
}

async fn check_report<C: ConnectionTrait>(
    db: &C,
    action_id: i64,
    report: &ReportInput,
) -> Result<BTreeMap<String, Value>> {
    if report.narrative.trim().is_empty() {
        return Err(Error::validation("report.narrative", "must not be empty"));
    }
    at_most(
        "report.narrative",
        "a narrative",
        &report.narrative,
        MAX_NARRATIVE_CHARS,
    )?;
    if report.evidence.len() > MAX_EVIDENCE_LINKS {
        return Err(Error::validation(
            "report.evidence",
            format!(
                "a report has at most {MAX_EVIDENCE_LINKS} evidence links, not {}",
                report.evidence.len()
            ),
        ));
    }
    // A report that gives no values needs no indicator.
    let indicators: Vec<indicator::Model> = if report.indicator_values.is_empty() {
        Vec::new()
    } else {
        indicator::Entity::find()
            .filter(indicator::Column::ActionId.eq(action_id))
            .all(db)
            .await?
    };
    let mut values = BTreeMap::new();
    for (name, value) in &report.indicator_values {
        let field = format!("report.indicatorValues.{name}");
        let Some(found) = indicators.iter().find(|i| &i.name == name) else {
            let names: Vec<&str> = indicators.iter().map(|i| i.name.as_str()).collect();
            return Err(Error::validation(
                field,
                format!(
                    "the action has no indicator `{name}` (indicators: {})",
                    names.join("; ")
                ),
            ));
        };
        let unit = IndicatorSpec::stored(&found.written()).unit;
        values.insert(name.clone(), typed_value(&field, unit, value)?);
    }
    for (i, link) in report.evidence.iter().enumerate() {
        at_most(
            format!("report.evidence[{i}]"),
            "an evidence link",
            link,
            MAX_LINK_CHARS,
        )?;
        if !(link.starts_with("https://") || link.starts_with("http://"))
            || link.contains(char::is_whitespace)
        {
            return Err(Error::validation(
                format!("report.evidence[{i}]"),
                format!("`{link}` is not an http(s) link"),
            ));
        }
    }
    Ok(values)
}

/// A report's value of an indicator measured in `unit`: a number that fits it (a form's text
/// such as `12` or `12,5` read as one), or, for an indicator described in words, a text.
fn typed_value(field: &str, unit: Unit, value: &Value) -> Result<Value> {
    if unit == Unit::Text {
        return match value {
            Value::String(text) => {
                at_most(
                    field,
                    "an indicator's value",
                    text,
                    MAX_INDICATOR_TEXT_CHARS,
                )?;
                Ok(Value::String(text.clone()))
            }
            Value::Number(n) => Ok(Value::String(n.to_string())),
            other => Err(Error::validation(
                field,
                format!("must be a text, not {other}"),
            )),
        };
    }
    let number = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => parse_number(text),
        _ => None,
    }
    .ok_or_else(|| {
        let shown = value.to_string();
        let shown = match shown.char_indices().nth(40) {
            Some((end, _)) => format!("{}…", &shown[..end]),
            None => shown,
        };
        Error::validation(
            field,
            format!("must be a number ({}), not {shown}", unit.as_str()),
        )
    })?;
    let checked = unit
        .check(number)
        .map_err(|message| Error::validation(field, message))?;
    // Whole numbers are stored as such: `12`, not `12.0`.
    Ok(if checked.fract() == 0.0 && checked.abs() < 1e15 {
        json!(checked as i64)
    } else {
        json!(checked)
    })
}

impl Engine {
    /// Fires a transition on a task. Checks, in order: the task exists, the transition exists in
    /// the plan's lifecycle, the actor may fire it (`Forbidden`), it is allowed from the current
    /// state (`InvalidTransition`), the caller's version is current (`Conflict`), the input is valid
    /// (`Validation`). Then updates the task, stores the report or sign-off, and appends one event,
    /// all in one transaction.
    #[tracing::instrument(skip_all, fields(task = fire.task_id, transition = %fire.step, actor = %actor.name))]
    pub async fn fire(&self, actor: &Actor, fire: Fire) -> Result<task::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let committed = self.fire_in(&txn, actor, fire).await?;
        self.commit(txn).await?;
        crate::metrics::transition_committed(&committed.event.kind);
        Ok(committed.task)
    }

    /// [`Engine::fire`] inside the caller's transaction; the caller commits with [`Engine::commit`].
    pub(crate) async fn fire_in(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        actor: &Actor,
        fire: Fire,
    ) -> Result<TaskEvent> {
        // A task the actor may not read is not found, before any other check: no answer may
        // tell its state, version or existence.
        let Subject {
            task,
            action,
            plan,
            institution,
            lead,
        } = subject::read(txn, actor, fire.task_id).await?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let transition = fire.step.resolve(&lifecycle, &task.state)?;
        let roles = roles_on(actor, &plan, &task, lead);
        if !transition.by.iter().any(|r| roles.contains(r)) {
            let by: Vec<String> = transition.by.iter().map(ToString::to_string).collect();
            return Err(Error::Forbidden(format!(
                "{} may not {} task {} (allowed: {})",
                actor.name,
                transition.name,
                task.id,
                by.join(", ")
            )));
        }
        if !transition.from.contains(&task.state) {
            return Err(Error::InvalidTransition {
                from: task.state.clone(),
                transition: transition.name.clone(),
            });
        }
        if task.version != fire.version {
            return Err(Error::Conflict {
                expected: fire.version,
                actual: task.version,
            });
        }
        if fire.report.is_some() && transition.requires != Some(Requirement::Report) {
            return Err(Error::validation(
                "report",
                format!("`{}` takes no report", transition.name),
            ));
        }
        if let Some(comment) = &fire.comment {
            at_most("comment", "a comment", comment, MAX_COMMENT_CHARS)?;
        }
        if let Some(reason) = &fire.reason {
            at_most("reason", "a reason", reason, MAX_COMMENT_CHARS)?;
        }
        let mut report = None;
        match transition.requires {
            Some(Requirement::Reason) => {
                required_text(&fire.reason, "reason")?;
            }
            Some(Requirement::Report) => {
                let input = fire
                    .report
                    .as_ref()
                    .ok_or_else(|| Error::validation("report", "a report is required"))?;
                report = Some((input, check_report(txn, action.id, input).await?));
            }
            None => {}
        }
        let moved = effects::target_of(
            txn,
            &plan,
            &task,
            &institution,
            transition,
            fire.target.as_deref(),
        )
        .await?;
        let extended = effects::extension_of(txn, &plan, &task, transition).await?;
        let now = self.now();
        let from_state = task.state.clone();
        let open = !lifecycle.is_terminal(&transition.to);
        let reminders_queued = task.reminders_queued;
        let mut changed: task::ActiveModel = task.into();
        if let Some(moved) = &moved {
            changed.institution_id = Set(moved.to.id);
        }
        if let Some(extended) = &extended {
            changed.due_at = Set(extended.to);
        }
        changed.state = Set(transition.to.clone());
        changed.open = Set(open);
        changed.next_reminder_at = Set(notifications::look_again(open, now));
        changed.reminders_queued = Set(false);
        changed.version = Set(fire.version + 1);
        changed.updated_at = Set(now);
        // The version the checks saw must still be the one in the database: a transition
        // committed since by someone else is a conflict.
        let task = task::Entity::update_many()
            .set(changed)
            .filter(task::Column::Id.eq(fire.task_id))
            .filter(task::Column::Version.eq(fire.version))
            .exec_with_returning(txn)
            .await?
            .pop();
        let Some(task) = task else {
            let actual = task::Entity::find_by_id(fire.task_id)
                .one(txn)
                .await?
                .map_or(fire.version, |t| t.version);
            return Err(Error::Conflict {
                expected: fire.version,
                actual,
            });
        };
        let mut payload = json!({ "version": task.version });
        if let Some((input, values)) = report {
            let stored = report::ActiveModel {
                task_id: Set(task.id),
                indicator_values: Set(json!(values)),
                narrative: Set(input.narrative.clone()),
                evidence: Set(json!(input.evidence)),
                submitted_by: Set(actor.name.clone()),
                submitted_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            payload["report_id"] = json!(stored.id);
        }
        if let Some(reason) = &fire.reason {
            payload["reason"] = json!(reason);
        }
        if let Some(context) = &fire.context {
            payload["context"] = context.clone();
        }
        if let Some(moved) = &moved {
            payload["from_institution"] = json!(moved.from.code);
            payload["to_institution"] = json!(moved.to.code);
            assignment::Entity::update_many()
                .col_expr(assignment::Column::InstitutionId, Expr::value(moved.to.id))
                .filter(assignment::Column::ActionId.eq(action.id))
                .filter(assignment::Column::InstitutionId.eq(moved.from.id))
                .exec(txn)
                .await?;
        }
        if let Some(extended) = &extended {
            payload["due_from"] = json!(extended.from);
            payload["due_to"] = json!(extended.to);
        }
        if transition.to == lifecycle.completion.signed_off_state {
            sign_off::ActiveModel {
                period_id: Set(task.period_id),
                task_id: Set(Some(task.id)),
                signed_by: Set(actor.name.clone()),
                comment: Set(fire.comment.clone()),
                signed_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        // The task's row is locked since it was read, so no pass can have queued reminders
        // since: with none queued before, there are none to drop.
        if reminders_queued {
            notifications::drop_deadline_reminders(txn, task::Column::Id.eq(task.id)).await?;
        }
        let told = if moved.is_some() {
            Some(Kind::Assigned)
        } else if transition.to == lifecycle.completion.signed_off_state {
            Some(Kind::Approved)
        } else if lifecycle.role_of(&transition.name) == Some(Role::Return) {
            Some(Kind::Returned)
        } else {
            None
        };
        if let Some(kind) = told {
            let institution = moved.as_ref().map_or(&institution, |m| &m.to);
            notifications::notify_institution(txn, now, kind, &task, institution).await?;
        }
        // The events come last: on PostgreSQL appending one locks the plan's row until the
        // commit, so the less follows, the less other transitions on the plan wait.
        let mut event = NewEvent::on_plan(plan.id, &transition.name);
        event.action_id = Some(action.id);
        event.task_id = Some(task.id);
        event.from_state = Some(&from_state);
        event.to_state = Some(&transition.to);
        event.comment = fire.comment.as_deref().or(fire.reason.as_deref());
        event.payload = payload;
        let event = audit::append(txn, actor, now, event).await?;
        if let Some(extended) = &extended {
            // Calendar feeds count a task's moved due dates.
            let mut moved_due = NewEvent::on_plan(plan.id, crate::plans::DUE_MOVED);
            moved_due.action_id = Some(action.id);
            moved_due.task_id = Some(task.id);
            moved_due.payload = json!({ "from": extended.from, "to": extended.to });
            audit::append(txn, actor, now, moved_due).await?;
        }
        Ok(TaskEvent { event, task })
    }

    /// The coordinator approves an action period's consolidated report. Refused (`Validation`)
    /// until the completion rule holds; approving twice is an `InvalidTransition`.
    #[tracing::instrument(skip_all, fields(period = period_id, actor = %actor.name))]
    pub async fn approve_action_period(
        &self,
        actor: &Actor,
        period_id: i64,
        comment: Option<String>,
    ) -> Result<reporting_period::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let period = reporting_period::Entity::find_by_id(period_id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("reporting period", period_id))?;
        let (action, plan) = readable_action_and_plan(&txn, actor, period.action_id)
            .await
            .map_err(|_| Error::not_found("reporting period", period_id))?;
        require_coordinator(&txn, actor, plan.id).await?;
        if period.approved_at.is_some() {
            return Err(Error::InvalidTransition {
                from: "approved".to_owned(),
                transition: "approve_action_period".to_owned(),
            });
        }
        if let Some(comment) = &comment {
            at_most("comment", "a comment", comment, MAX_COMMENT_CHARS)?;
        }
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let completion = completion_of(&txn, &lifecycle, &period).await?;
        if !completion.rule_met {
            let waiting: Vec<String> = institution::Entity::find()
                .filter(institution::Column::Id.is_in(completion.waiting_for.iter().copied()))
                .order_by_asc(institution::Column::Code)
                .all(&txn)
                .await?
                .into_iter()
                .map(|i| i.code)
                .collect();
            return Err(Error::validation(
                "period",
                format!(
                    "action {} period {}..{} is not ready: waiting for the sign-off of {}",
                    action.number,
                    period.start_date,
                    period.end_date,
                    if waiting.is_empty() {
                        "a responsible institution".to_owned()
                    } else {
                        waiting.join(", ")
                    }
                ),
            ));
        }
        let now = self.now();
        let approved = reporting_period::Entity::update_many()
            .col_expr(reporting_period::Column::ApprovedAt, Expr::value(Some(now)))
            .col_expr(
                reporting_period::Column::ApprovedBy,
                Expr::value(Some(actor.name.clone())),
            )
            .filter(reporting_period::Column::Id.eq(period.id))
            .filter(reporting_period::Column::ApprovedAt.is_null())
            .exec(&txn)
            .await?;
        if approved.rows_affected != 1 {
            return Err(Error::InvalidTransition {
                from: "approved".to_owned(),
                transition: "approve_action_period".to_owned(),
            });
        }
        let period = reporting_period::Entity::find_by_id(period.id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("reporting period", period.id))?;
        sign_off::ActiveModel {
            period_id: Set(period.id),
            task_id: Set(None),
            signed_by: Set(actor.name.clone()),
            comment: Set(comment.clone()),
            signed_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut event = NewEvent::on_plan(plan.id, "period_approved");
        event.action_id = Some(action.id);
        event.comment = comment.as_deref();
        event.payload =
            json!({ "period_id": period.id, "start": period.start_date, "end": period.end_date });
        audit::append(&txn, actor, now, event).await?;
        txn.commit().await?;
        Ok(period)
    }
}
