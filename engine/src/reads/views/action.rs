//! The action page: the action, who takes part, and each reporting period with its tasks per
//! institution, where its completion rule stands and whether the viewer may approve it; and the
//! sign-off queue: the reports waiting for the viewer, as coordinator or as lead institution.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::task::Participant;
use super::zone_of;
use crate::access::task_scope;
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{action, institution, objective, plan, reporting_period, task};
use crate::error::{Error, Result};
use crate::plans::assignments_of;
use crate::status::{Moment, Rating, Reason, Status};
use crate::tasks::lifecycle::Role;
use crate::tasks::{PeriodCompletion, completion_of, roles_on};

/// One institution's task in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodTask {
    pub task: task::Model,
    pub institution: institution::Model,
    pub status: Status,
    pub reason: Reason,
}

/// A reporting period of the action page.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodRow {
    pub period: reporting_period::Model,
    pub tasks: Vec<PeriodTask>,
    pub completion: PeriodCompletion,
    pub status: Status,
    pub reason: Reason,
    /// The viewer may approve the period now (it coordinates the plan, the rule holds, and it
    /// is not approved yet).
    pub approvable: bool,
}

/// Everything the action page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionView {
    pub action: action::Model,
    pub plan: plan::Model,
    pub objectives: Vec<objective::Model>,
    pub participants: Vec<Participant>,
    pub periods: Vec<PeriodRow>,
    pub status: Status,
    pub reason: Reason,
    /// The viewer coordinates the plan: it may change who takes part and approve periods.
    pub coordinates: bool,
}

/// A report waiting for the viewer's sign-off.
#[derive(Debug, Clone, PartialEq)]
pub struct SignOffRow {
    pub task: task::Model,
    pub institution: institution::Model,
    pub action: action::Model,
    pub plan: plan::Model,
    pub period: reporting_period::Model,
    /// The viewer signs it off as the plan's coordinator (else as the lead institution).
    pub as_coordinator: bool,
    /// The transition that signs it off.
    pub transition: String,
}

/// The most reports the sign-off queue shows.
pub const SIGN_OFF_QUEUE_LIMIT: u64 = 500;

impl Engine {
    /// The action page of action `id` (`NotFound` if `actor` may not read it).
    pub async fn action_view(&self, actor: &Actor, id: i64) -> Result<ActionView> {
        let action = self.action(actor, id).await?;
        let db = self.db();
        let plan = plan::Entity::find_by_id(action.plan_id)
            .one(db)
            .await?
            .ok_or_else(|| Error::not_found("plan", action.plan_id))?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let mut objectives = Vec::new();
        let mut next = Some(action.objective_id);
        while let Some(oid) = next.take() {
            if objectives.len() >= 8 {
                break;
            }
            if let Some(o) = objective::Entity::find_by_id(oid).one(db).await? {
                next = o.parent_id;
                objectives.push(o);
            }
        }
        objectives.reverse();
        let assignments = assignments_of(db, action.id).await?;
        let institutions: HashMap<i64, institution::Model> = institution::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let participants = assignments
            .iter()
            .filter_map(|a| {
                institutions.get(&a.institution_id).map(|i| Participant {
                    institution: i.clone(),
                    role: a.role.clone(),
                    lead: a.lead,
                })
            })
            .collect();
        let periods = reporting_period::Entity::find()
            .filter(reporting_period::Column::ActionId.eq(action.id))
            .order_by_asc(reporting_period::Column::StartDate)
            .all(db)
            .await?;
        let tasks = task::Entity::find()
            .filter(task::Column::ActionId.eq(action.id))
            .filter(task_scope(actor))
            .order_by_asc(task::Column::Id)
            .all(db)
            .await?;
        let coordinates = actor.coordinates(plan.owner_id);
        let policy = self.status_policy()?;
        let at = Moment {
            now: self.now(),
            zone: zone_of(&plan),
        };
        let mut rows = Vec::with_capacity(periods.len());
        let mut period_ratings = Vec::with_capacity(periods.len());
        for period in periods {
            let mut ratings = Vec::new();
            let mut mine = Vec::new();
            for t in tasks.iter().filter(|t| t.period_id == period.id) {
                let Some(i) = institutions.get(&t.institution_id) else {
                    continue;
                };
                let rating = policy.of_task(t, &lifecycle, period.start_date, at);
                mine.push(PeriodTask {
                    status: rating.status,
                    reason: rating.reason.clone(),
                    task: t.clone(),
                    institution: i.clone(),
                });
                ratings.push(rating);
            }
            let completion = completion_of(db, &lifecycle, &period).await?;
            let Rating { status, reason } = policy.of_period(completion.complete, &ratings);
            period_ratings.push(Rating {
                status,
                reason: reason.clone(),
            });
            rows.push(PeriodRow {
                approvable: coordinates && completion.rule_met && !completion.approved,
                completion,
                status,
                reason,
                tasks: mine,
                period,
            });
        }
        let Rating { status, reason } = policy.of_action(&period_ratings, None);
        Ok(ActionView {
            status,
            reason,
            action,
            plan,
            objectives,
            participants,
            periods: rows,
            coordinates,
        })
    }

    /// The reports waiting for `actor`'s sign-off: submitted tasks it may sign off as the plan's
    /// coordinator or as the action's lead institution, oldest due first.
    pub async fn sign_off_queue(&self, actor: &Actor) -> Result<Vec<SignOffRow>> {
        let db = self.db();
        // The states from which some lifecycle signs a task off.
        let mut waiting_states = Vec::new();
        for lifecycle in self.lifecycles().all() {
            if let Some(t) = lifecycle.role(Role::SignOff) {
                waiting_states.extend(t.from.iter().cloned());
            }
        }
        waiting_states.sort();
        waiting_states.dedup();
        let tasks = task::Entity::find()
            .filter(task_scope(actor))
            .filter(task::Column::Open.eq(true))
            .filter(task::Column::State.is_in(waiting_states))
            .order_by_asc(task::Column::DueAt)
            .limit(SIGN_OFF_QUEUE_LIMIT)
            .all(db)
            .await?;
        let mut plans: HashMap<i64, plan::Model> = HashMap::new();
        let mut actions: HashMap<i64, (action::Model, Option<i64>)> = HashMap::new();
        let mut rows = Vec::new();
        for t in tasks {
            if !plans.contains_key(&t.plan_id)
                && let Some(p) = plan::Entity::find_by_id(t.plan_id).one(db).await?
            {
                plans.insert(p.id, p);
            }
            if !actions.contains_key(&t.action_id)
                && let Some(a) = action::Entity::find_by_id(t.action_id).one(db).await?
            {
                let lead = crate::tasks::lead_of(db, a.id).await?;
                actions.insert(a.id, (a, lead));
            }
            let (Some(plan), Some((action, lead))) =
                (plans.get(&t.plan_id), actions.get(&t.action_id))
            else {
                continue;
            };
            let lifecycle = self.lifecycle(&plan.lifecycle)?;
            let roles = roles_on(actor, plan, &t, *lead);
            let Some(signs) = lifecycle
                .role(Role::SignOff)
                .filter(|tr| tr.from.contains(&t.state) && tr.by.iter().any(|r| roles.contains(r)))
            else {
                continue;
            };
            let transition = signs.name.clone();
            let (Some(institution), Some(period)) = (
                institution::Entity::find_by_id(t.institution_id)
                    .one(db)
                    .await?,
                reporting_period::Entity::find_by_id(t.period_id)
                    .one(db)
                    .await?,
            ) else {
                continue;
            };
            rows.push(SignOffRow {
                as_coordinator: actor.coordinates(plan.owner_id),
                transition,
                institution,
                action: action.clone(),
                plan: plan.clone(),
                period,
                task: t,
            });
        }
        Ok(rows)
    }
}
