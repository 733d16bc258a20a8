//! The coordinator's pages: the plans with their progress, and one plan's objective tree with a
//! status per objective and action, complete action periods, overdue work by institution and
//! indicator values against their targets.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{local_date, zone_of};
use crate::access::{action_scope, task_scope};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{
    action, assignment, indicator, institution, objective, plan, report, reporting_period, task,
};
use crate::error::Result;
use crate::reads::Progress;
use crate::reports::plan_indicator_value;
use crate::results::{Gathering, IndicatorValue, PlanIndicatorEntries, verdict_of};
use crate::status::{Moment, Rating, Reason, Status, StatusPolicy};
use crate::tasks::lifecycle::Lifecycle;

/// A plan in the list of plans.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSummary {
    pub plan: plan::Model,
    pub progress: Progress,
    pub status: Status,
    pub reason: Reason,
}

/// One action of the plan page.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    pub action: action::Model,
    pub status: Status,
    pub reason: Reason,
    /// Its lead institution's code.
    pub lead: Option<String>,
    pub periods: u64,
    pub periods_complete: u64,
    pub overdue: u64,
}

/// An objective of the plan page, with what is under it.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveNode {
    pub objective: objective::Model,
    pub status: Status,
    pub reason: Reason,
    pub children: Vec<ObjectiveNode>,
    pub actions: Vec<ActionRow>,
}

/// An indicator's values so far: the sum of the values in the signed-off reports.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorTotal {
    pub action_id: i64,
    pub action_number: String,
    /// The indicator evaluated over the plan's period, as the monitoring report does.
    pub value: IndicatorValue,
}

/// Everything the plan page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanView {
    pub plan: plan::Model,
    pub status: Status,
    pub reason: Reason,
    pub progress: Progress,
    pub objectives: Vec<ObjectiveNode>,
    /// Institutions with overdue tasks, most first.
    pub overdue_by_institution: Vec<(institution::Model, u64)>,
    pub indicators: Vec<IndicatorTotal>,
    /// The plan-level indicators evaluated over the plan's period, with their entries.
    pub plan_indicators: Vec<(IndicatorValue, PlanIndicatorEntries)>,
    /// The viewer coordinates the plan.
    pub coordinates: bool,
}

impl ActionRow {
    /// Its status and reason, as a member of its objective.
    pub fn rating(&self) -> Rating {
        Rating {
            status: self.status,
            reason: self.reason.clone(),
        }
    }
}

impl ObjectiveNode {
    /// Its status and reason, as a member of its parent or plan.
    pub fn rating(&self) -> Rating {
        Rating {
            status: self.status,
            reason: self.reason.clone(),
        }
    }
}

/// What the status rule needs of a task, and where it belongs.
struct Rated {
    task_id: i64,
    action_id: i64,
    period_id: i64,
    institution_id: i64,
    rating: Rating,
}

impl Engine {
    /// The statuses of the tasks `actor` may read in `plan`.
    async fn rated_tasks(
        &self,
        actor: &Actor,
        plan: &plan::Model,
        lifecycle: &Lifecycle,
        policy: &StatusPolicy,
    ) -> Result<Vec<Rated>> {
        let db = self.db();
        let tasks = task::Entity::find()
            .filter(task::Column::PlanId.eq(plan.id))
            .filter(task_scope(actor))
            .all(db)
            .await?;
        let starts: HashMap<i64, chrono::NaiveDate> = reporting_period::Entity::find()
            .filter(
                reporting_period::Column::ActionId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(action::Column::Id)
                        .from(action::Entity)
                        .and_where(action::Column::PlanId.eq(plan.id))
                        .to_owned(),
                ),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.start_date))
            .collect();
        let at = Moment {
            now: self.now(),
            zone: zone_of(plan),
        };
        let today = at.today();
        Ok(tasks
            .iter()
            .map(|t| Rated {
                task_id: t.id,
                action_id: t.action_id,
                period_id: t.period_id,
                institution_id: t.institution_id,
                rating: policy.of_task(
                    t,
                    lifecycle,
                    starts.get(&t.period_id).copied().unwrap_or(today),
                    at,
                ),
            })
            .collect())
    }

    /// The plans `actor` may read, each with its progress and status (by the same rule as the
    /// plan page).
    pub async fn plan_summaries(&self, actor: &Actor) -> Result<Vec<PlanSummary>> {
        let mut summaries = Vec::new();
        for plan in self.plans(actor).await? {
            let view = self.plan_view(actor, plan.id).await?;
            summaries.push(PlanSummary {
                plan: view.plan,
                progress: view.progress,
                status: view.status,
                reason: view.reason,
            });
        }
        Ok(summaries)
    }

    /// The plan page of plan `id` (`NotFound` if `actor` may not read it).
    pub async fn plan_view(&self, actor: &Actor, id: i64) -> Result<PlanView> {
        let plan = self.plan(actor, id).await?;
        let db = self.db();
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let policy = self.status_policy()?;
        let rated = self.rated_tasks(actor, &plan, &lifecycle, &policy).await?;
        let progress = self.progress(actor, &plan, None).await?;
        let objectives = objective::Entity::find()
            .filter(objective::Column::PlanId.eq(plan.id))
            .order_by_asc(objective::Column::Id)
            .all(db)
            .await?;
        let actions = action::Entity::find()
            .filter(action::Column::PlanId.eq(plan.id))
            .filter(action_scope(actor))
            .order_by_asc(action::Column::Id)
            .all(db)
            .await?;
        let action_ids: Vec<i64> = actions.iter().map(|a| a.id).collect();
        let periods = reporting_period::Entity::find()
            .filter(reporting_period::Column::ActionId.is_in(action_ids.clone()))
            .all(db)
            .await?;
        let leads: HashMap<i64, i64> = assignment::Entity::find()
            .filter(assignment::Column::ActionId.is_in(action_ids.clone()))
            .filter(assignment::Column::Lead.eq(true))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.action_id, a.institution_id))
            .collect();
        let institutions: HashMap<i64, institution::Model> = institution::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();

        // A period takes its status from the rule (approved, or the worst of its tasks); an
        // action, the worst of its periods.
        let approved: std::collections::HashSet<i64> = periods
            .iter()
            .filter(|p| p.approved_at.is_some())
            .map(|p| p.id)
            .collect();
        let mut by_period: HashMap<(i64, i64), Vec<&Rating>> = HashMap::new();
        let mut overdue: BTreeMap<i64, u64> = BTreeMap::new();
        let mut overdue_of_action: HashMap<i64, u64> = HashMap::new();
        for r in &rated {
            by_period
                .entry((r.action_id, r.period_id))
                .or_default()
                .push(&r.rating);
            if r.rating.status == Status::Late {
                *overdue.entry(r.institution_id).or_default() += 1;
                *overdue_of_action.entry(r.action_id).or_default() += 1;
            }
        }
        let mut by_action: HashMap<i64, Vec<Rating>> = HashMap::new();
        for ((action_id, period_id), tasks) in by_period {
            let rating = policy.of_period(approved.contains(&period_id), tasks);
            by_action.entry(action_id).or_default().push(rating);
        }
        let indicators = self
            .indicator_totals(&plan, &rated, &periods, &actions)
            .await?;
        let today = local_date(self.now(), zone_of(&plan));
        let window = (plan.period_start, plan.period_end);
        let rows: Vec<ActionRow> = actions
            .into_iter()
            .map(|a| {
                let verdict = verdict_of(
                    indicators
                        .iter()
                        .filter(|i| i.action_id == a.id)
                        .map(|i| (&i.value.spec, &i.value.evaluation)),
                    window,
                    today,
                );
                let mine: Vec<&reporting_period::Model> =
                    periods.iter().filter(|p| p.action_id == a.id).collect();
                let Rating { status, reason } =
                    policy.of_action(by_action.get(&a.id).into_iter().flatten(), verdict.as_ref());
                ActionRow {
                    status,
                    reason,
                    lead: leads
                        .get(&a.id)
                        .and_then(|id| institutions.get(id))
                        .map(|i| i.code.clone()),
                    periods: mine.len() as u64,
                    periods_complete: mine.iter().filter(|p| p.approved_at.is_some()).count()
                        as u64,
                    overdue: overdue_of_action.get(&a.id).copied().unwrap_or_default(),
                    action: a,
                }
            })
            .collect();
        let tree = tree_of(&policy, &objectives, None, &rows);

        let mut overdue_by_institution: Vec<(institution::Model, u64)> = overdue
            .into_iter()
            .filter_map(|(id, n)| institutions.get(&id).map(|i| (i.clone(), n)))
            .collect();
        overdue_by_institution.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.code.cmp(&b.0.code)));

        let plan_indicators = self
            .plan_indicator_entries(actor, &plan)
            .await?
            .into_iter()
            .map(|e| {
                let value =
                    plan_indicator_value(&plan, &e.indicator, e.values.clone(), window, today);
                (value, e)
            })
            .collect();
        let Rating { status, reason } =
            policy.of_group(&rows.iter().map(ActionRow::rating).collect::<Vec<_>>());
        Ok(PlanView {
            status,
            reason,
            coordinates: actor.coordinates(plan.owner_id),
            plan,
            progress,
            objectives: tree,
            overdue_by_institution,
            indicators,
            plan_indicators,
        })
    }

    /// Each indicator of the plan's actions evaluated over the plan's period from the latest
    /// report of each task the viewer may read (`rated`), closed tasks left out: the monitoring
    /// report's rule.
    async fn indicator_totals(
        &self,
        plan: &plan::Model,
        rated: &[Rated],
        periods: &[reporting_period::Model],
        actions: &[action::Model],
    ) -> Result<Vec<IndicatorTotal>> {
        let db = self.db();
        let action_ids: Vec<i64> = actions.iter().map(|a| a.id).collect();
        let indicators = indicator::Entity::find()
            .filter(indicator::Column::ActionId.is_in(action_ids))
            .order_by_asc(indicator::Column::ActionId)
            .order_by_asc(indicator::Column::Position)
            .all(db)
            .await?;
        let counted: Vec<&Rated> = rated
            .iter()
            .filter(|r| r.rating.status != Status::Closed)
            .collect();
        let mut latest: HashMap<i64, report::Model> = HashMap::new();
        for chunk in counted.chunks(500) {
            for r in report::Entity::find()
                .filter(report::Column::TaskId.is_in(chunk.iter().map(|t| t.task_id)))
                .order_by_asc(report::Column::Id)
                .all(db)
                .await?
            {
                latest.insert(r.task_id, r);
            }
        }
        let period_of: HashMap<i64, &reporting_period::Model> =
            periods.iter().map(|p| (p.id, p)).collect();
        let mut tasks_of: HashMap<i64, Vec<&Rated>> = HashMap::new();
        for t in counted {
            tasks_of.entry(t.action_id).or_default().push(t);
        }
        let mut indicators_of: HashMap<i64, Vec<indicator::Model>> = HashMap::new();
        for i in indicators {
            indicators_of.entry(i.action_id).or_default().push(i);
        }
        let today = local_date(self.now(), zone_of(plan));
        let window = (plan.period_start, plan.period_end);
        let mut totals = Vec::new();
        for a in actions {
            let Some(indicators) = indicators_of.get(&a.id) else {
                continue;
            };
            let mut gathering = Gathering::new(indicators);
            for t in tasks_of.get(&a.id).into_iter().flatten() {
                if let Some(p) = period_of.get(&t.period_id) {
                    gathering.observe(
                        latest.get(&t.task_id).map(|r| &r.indicator_values),
                        (p.start_date, p.end_date),
                        t.institution_id,
                    );
                }
            }
            totals.extend(gathering.evaluate(window, today).into_iter().map(|value| {
                IndicatorTotal {
                    action_id: a.id,
                    action_number: a.number.clone(),
                    value,
                }
            }));
        }
        Ok(totals)
    }
}

/// The objectives under `parent` (top-level for `None`), each with its children and actions.
fn tree_of(
    policy: &StatusPolicy,
    objectives: &[objective::Model],
    parent: Option<i64>,
    rows: &[ActionRow],
) -> Vec<ObjectiveNode> {
    objectives
        .iter()
        .filter(|o| o.parent_id == parent)
        .map(|o| {
            let children = tree_of(policy, objectives, Some(o.id), rows);
            let actions: Vec<ActionRow> = rows
                .iter()
                .filter(|r| r.action.objective_id == o.id)
                .cloned()
                .collect();
            let members: Vec<Rating> = actions
                .iter()
                .map(ActionRow::rating)
                .chain(children.iter().map(ObjectiveNode::rating))
                .collect();
            let Rating { status, reason } = policy.of_group(&members);
            ObjectiveNode {
                objective: o.clone(),
                status,
                reason,
                children,
                actions,
            }
        })
        .collect()
}
