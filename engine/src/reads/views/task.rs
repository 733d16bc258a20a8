//! The task page: the task, its action, plan and objective path, indicators, period, who takes
//! part, previous reports, the audit trail, and the transitions the viewer may fire now.

use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::zone_of;
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{
    action, event, indicator, institution, objective, plan, report, reporting_period, task,
};
use crate::error::{Error, Result};
use crate::plans::assignments_of;
use crate::status::{Moment, Reason, Status};
use crate::tasks::effects::movable_to;
use crate::tasks::lifecycle::{Lifecycle, Transition};
use crate::tasks::{lead_of, roles_on};

/// An institution taking part in an action.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub institution: institution::Model,
    /// `responsible` or `partner`.
    pub role: String,
    pub lead: bool,
}

/// Everything the task page shows.
#[derive(Debug, Clone)]
pub struct TaskView {
    pub task: task::Model,
    pub institution: institution::Model,
    pub action: action::Model,
    pub plan: plan::Model,
    /// From the general objective down to the action's own.
    pub objectives: Vec<objective::Model>,
    pub indicators: Vec<indicator::Model>,
    pub period: reporting_period::Model,
    pub participants: Vec<Participant>,
    /// Newest first.
    pub reports: Vec<report::Model>,
    /// The task's audit trail, oldest first.
    pub events: Vec<event::Model>,
    pub lifecycle: Arc<Lifecycle>,
    /// What the viewer may fire now, in the lifecycle's order.
    pub transitions: Vec<Transition>,
    /// Where a transition of `transitions` that moves the task (`target: institution`) may move
    /// it: the plan's institutions (a register's departments) without a task of its period, by
    /// name; empty when none moves it.
    pub targets: Vec<institution::Model>,
    pub status: Status,
    /// Why the status is what it is.
    pub reason: Reason,
    /// The viewer coordinates the plan (and may publish the reports' narratives).
    pub coordinates: bool,
}

impl Engine {
    /// The task page of task `id`, as `actor` may see it (`NotFound` if it may not read it).
    pub async fn task_view(&self, actor: &Actor, id: i64) -> Result<TaskView> {
        let task = self.task(actor, id).await?;
        let db = self.db();
        let missing = |what: &'static str, id: i64| Error::not_found(what, id);
        let action = action::Entity::find_by_id(task.action_id)
            .one(db)
            .await?
            .ok_or_else(|| missing("action", task.action_id))?;
        let plan = plan::Entity::find_by_id(task.plan_id)
            .one(db)
            .await?
            .ok_or_else(|| missing("plan", task.plan_id))?;
        let institution = institution::Entity::find_by_id(task.institution_id)
            .one(db)
            .await?
            .ok_or_else(|| missing("institution", task.institution_id))?;
        let period = reporting_period::Entity::find_by_id(task.period_id)
            .one(db)
            .await?
            .ok_or_else(|| missing("reporting period", task.period_id))?;
        let mut objectives = Vec::new();
        let mut next = Some(action.objective_id);
        while let Some(id) = next.take() {
            // A plan's objectives are two levels deep; the bound guards against a bad row.
            if objectives.len() >= 8 {
                break;
            }
            if let Some(o) = objective::Entity::find_by_id(id).one(db).await? {
                next = o.parent_id;
                objectives.push(o);
            }
        }
        objectives.reverse();
        let indicators = indicator::Entity::find()
            .filter(indicator::Column::ActionId.eq(action.id))
            .order_by_asc(indicator::Column::Position)
            .all(db)
            .await?;
        let assignments = assignments_of(db, action.id).await?;
        let ids: Vec<i64> = assignments.iter().map(|a| a.institution_id).collect();
        let named = institution::Entity::find()
            .filter(institution::Column::Id.is_in(ids))
            .all(db)
            .await?;
        let participants = assignments
            .iter()
            .filter_map(|a| {
                named
                    .iter()
                    .find(|i| i.id == a.institution_id)
                    .map(|i| Participant {
                        institution: i.clone(),
                        role: a.role.clone(),
                        lead: a.lead,
                    })
            })
            .collect();
        let reports = report::Entity::find()
            .filter(report::Column::TaskId.eq(task.id))
            .order_by_desc(report::Column::Id)
            .all(db)
            .await?;
        let events = event::Entity::find()
            .filter(event::Column::TaskId.eq(task.id))
            .order_by_asc(event::Column::Id)
            .all(db)
            .await?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let lead = lead_of(db, action.id).await?;
        let roles = roles_on(actor, &plan, &task, lead);
        let transitions: Vec<Transition> = lifecycle
            .transitions()
            .iter()
            .filter(|t| t.from.contains(&task.state) && t.by.iter().any(|r| roles.contains(r)))
            .cloned()
            .collect();
        let targets = if transitions.iter().any(|t| t.target.is_some()) {
            let ids = movable_to(db, &plan).await?;
            // Not one that has a task of this period already (the engine refuses those).
            let holding: Vec<i64> = task::Entity::find()
                .select_only()
                .column(task::Column::InstitutionId)
                .filter(task::Column::PeriodId.eq(task.period_id))
                .into_tuple()
                .all(db)
                .await?;
            institution::Entity::find()
                .filter(institution::Column::Id.is_in(ids))
                .filter(institution::Column::Id.is_not_in(holding))
                .order_by_asc(institution::Column::Name)
                .all(db)
                .await?
        } else {
            Vec::new()
        };
        let at = Moment {
            now: self.now(),
            zone: zone_of(&plan),
        };
        let rating = self
            .status_policy()?
            .of_task(&task, &lifecycle, period.start_date, at);
        let coordinates = actor.coordinates(plan.owner_id);
        Ok(TaskView {
            task,
            institution,
            action,
            plan,
            objectives,
            indicators,
            period,
            participants,
            reports,
            events,
            lifecycle,
            transitions,
            targets,
            status: rating.status,
            reason: rating.reason,
            coordinates,
        })
    }
}
