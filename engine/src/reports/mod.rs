//! The monitoring report of a plan over a period, read on behalf of an actor: per objective, its
//! actions with responsible and partner institutions, the status of their work in the period
//! (by the one status rule, [`crate::status`]), indicator values against their targets, the
//! reports' narratives and evidence, overdue and declined work, a tally per objective and for the
//! plan, and the plan-level indicators. The documents (XLSX, DOCX, HTML, CSV) are written from
//! it by the `mandate-reports` crate.
//!
//! What is in a period: the reporting periods of the plan's actions that meet it (a period that
//! starts before it or ends after it counts too), and their tasks the actor may read. An
//! indicator's value is the sum of the numbers given for it in the latest report of each of
//! those tasks; with no number given it is unknown (`None`), never zero. A task is declined when
//! its institution closed it (a terminal state other than signed off, reached by a transition the
//! task's institution fires); overdue when the status rule says it is late.
//!
//! The report is built once, in plan order, from one read of each table: it holds the plan once.

mod download;
mod period;

pub use download::{DOWNLOAD_LIFETIME_MINUTES, Download, DownloadLink};
pub use period::{PeriodError, PeriodKind, ReportPeriod};

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use crate::access::{Readable, action_scope, plan_scope, task_scope};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{
    action, assignment, event, indicator, indicator_value, institution, objective,
    performance_indicator, plan, report, reporting_period, task,
};
use crate::error::{Error, Result};
use crate::i18n::Language;
use crate::reads::views::{local_date, zone_of};
use crate::results::{Evaluation, IndicatorSpec, Observation, entry_periods, evaluate, verdict_of};
use crate::status::{Moment, Rating, Reason, Status, StatusPolicy};
use crate::tasks::lifecycle::{Lifecycle, Meaning};

/// An institution as the report names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub code: String,
    pub name: String,
}

/// One institution's task in one reporting period of an action.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskLine {
    pub institution: Named,
    /// `responsible` or `partner`.
    pub role: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The due date in the plan's time zone.
    pub due: NaiveDate,
    pub state: String,
    pub status: Status,
    pub overdue: bool,
    pub declined: bool,
    /// The comment of the transition that closed a declined task.
    pub reason: Option<String>,
    /// The day (in the plan's time zone) the task reached a terminal state (signed off, declined,
    /// cancelled): its last change, since a closed task changes no more. `None` while open.
    pub closed_on: Option<NaiveDate>,
}

/// An indicator of an action (or of the plan) with what its values in the period say.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorValue {
    pub name: String,
    pub spec: IndicatorSpec,
    /// Its values in the period against its target: `actual` is `None` when no value is known
    /// (unknown, not zero); `reported` of `expected` values were given.
    pub evaluation: Evaluation,
    /// Values given in words (indicators described in words), as written.
    pub texts: Vec<String>,
}

impl IndicatorValue {
    /// Its target as people read it ("≥ 200", "-50 % vs the previous period").
    pub fn target_text(&self, language: Language) -> Option<String> {
        self.spec.target_text(language)
    }

    /// Its evaluation in words ("142 of 200 (71 %): not met").
    pub fn explanation(&self, language: Language) -> String {
        self.evaluation.explain(&self.spec, language)
    }
}

/// What an institution wrote in its latest report of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Narrative {
    pub institution: Named,
    pub period_end: NaiveDate,
    pub submitted_at: DateTime<Utc>,
    pub text: String,
    pub evidence: Vec<String>,
}

/// Tasks counted: per lifecycle state, overdue, declined, and action periods approved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub actions: u64,
    pub tasks: u64,
    pub by_state: BTreeMap<String, u64>,
    pub overdue: u64,
    pub declined: u64,
    pub periods: u64,
    pub periods_complete: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.actions += other.actions;
        self.tasks += other.tasks;
        for (state, n) in &other.by_state {
            *self.by_state.entry(state.clone()).or_default() += n;
        }
        self.overdue += other.overdue;
        self.declined += other.declined;
        self.periods += other.periods;
        self.periods_complete += other.periods_complete;
    }
}

/// An action with its work in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionReport {
    pub action: action::Model,
    pub lead: Option<Named>,
    pub responsible: Vec<Named>,
    pub partners: Vec<Named>,
    pub status: Status,
    /// Why, by the status rule.
    pub status_reason: Reason,
    pub tasks: Vec<TaskLine>,
    pub indicators: Vec<IndicatorValue>,
    pub narratives: Vec<Narrative>,
    pub tally: Tally,
}

/// An objective with its actions in the period and the objectives under it.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveReport {
    pub objective: objective::Model,
    pub status: Status,
    /// Why, by the status rule.
    pub status_reason: Reason,
    pub actions: Vec<ActionReport>,
    pub children: Vec<ObjectiveReport>,
    /// Its actions and those of the objectives under it.
    pub tally: Tally,
}

impl ObjectiveReport {
    /// Its status and reason, as a member of its parent or plan.
    fn rating(&self) -> Rating {
        Rating {
            status: self.status,
            reason: self.status_reason.clone(),
        }
    }
}

/// A plan-level performance indicator with what its entered values say of it in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanIndicator {
    pub indicator: performance_indicator::Model,
    pub value: IndicatorValue,
}

/// The monitoring report of one plan over one period.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringReport {
    pub plan: plan::Model,
    pub owner: Named,
    pub period: ReportPeriod,
    pub generated_at: DateTime<Utc>,
    pub status: Status,
    /// Why, by the status rule.
    pub status_reason: Reason,
    pub objectives: Vec<ObjectiveReport>,
    pub plan_indicators: Vec<PlanIndicator>,
    pub tally: Tally,
    /// The states of the plan's lifecycle, in its order.
    pub states: Vec<String>,
}

impl MonitoringReport {
    /// No work of the plan falls in the period.
    pub fn is_empty(&self) -> bool {
        self.tally.tasks == 0
    }

    /// Every objective in plan order (each before those under it), with its depth (0 for a
    /// general objective).
    pub fn objectives_flat(&self) -> Vec<(usize, &ObjectiveReport)> {
        fn walk<'a>(
            nodes: &'a [ObjectiveReport],
            depth: usize,
            out: &mut Vec<(usize, &'a ObjectiveReport)>,
        ) {
            for n in nodes {
                out.push((depth, n));
                walk(&n.children, depth + 1, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.objectives, 0, &mut out);
        out
    }

    /// Every action in the period, in plan order, with the number of its objective.
    pub fn actions(&self) -> impl Iterator<Item = (&ObjectiveReport, &ActionReport)> {
        self.objectives_flat()
            .into_iter()
            .flat_map(|(_, o)| o.actions.iter().map(move |a| (o, a)))
    }
}

/// The states meaning that the task's institution declined the work.
fn declined_states(lifecycle: &Lifecycle) -> HashSet<String> {
    lifecycle
        .states_meaning(Meaning::Declined)
        .into_iter()
        .collect()
}

/// Adds the numbers and texts of `values` under `name` to `into`.
/// `rows` grouped by the first of `key`, each group in the order of the second.
fn group<T>(rows: Vec<T>, key: impl Fn(&T) -> (i64, i64)) -> HashMap<i64, Vec<T>> {
    let mut rows = rows;
    rows.sort_by_key(|r| key(r));
    let mut groups: HashMap<i64, Vec<T>> = HashMap::new();
    for r in rows {
        groups.entry(key(&r).0).or_default().push(r);
    }
    groups
}

impl Engine {
    /// Plan `code` if `actor` may read it (`NotFound` otherwise, so that nothing tells it exists).
    pub async fn readable_plan(&self, actor: &Actor, code: &str) -> Result<plan::Model> {
        plan::Entity::find()
            .filter(plan::Column::Code.eq(code))
            .filter(plan_scope(actor))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("plan", code))
    }

    /// The monitoring report of plan `code` over `period`, counting only what `actor` may read
    /// (`NotFound` when it may not read the plan). A period with no work gives an empty report
    /// ([`MonitoringReport::is_empty`]), not an error.
    #[tracing::instrument(skip_all, fields(plan = code, period = %period))]
    pub async fn monitoring_report(
        &self,
        actor: &Actor,
        code: &str,
        period: &ReportPeriod,
    ) -> Result<MonitoringReport> {
        let db = self.db();
        let plan = self.readable_plan(actor, code).await?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let declined = declined_states(&lifecycle);
        let now = self.now();
        let zone = zone_of(&plan);
        let today = local_date(now, zone);
        let policy = self.status_policy()?;

        let institutions: HashMap<i64, Named> = institution::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|i| {
                (
                    i.id,
                    Named {
                        code: i.code,
                        name: i.name,
                    },
                )
            })
            .collect();

        let objectives = objective::Entity::find()
            .filter(objective::Column::PlanId.eq(plan.id))
            .filter(objective::Entity::readable_by(actor))
            .order_by_asc(objective::Column::Id)
            .all(db)
            .await?;
        let plan_actions = Query::select()
            .column(action::Column::Id)
            .from(action::Entity)
            .and_where(action::Column::PlanId.eq(plan.id))
            .cond_where(action_scope(actor))
            .to_owned();
        let periods: HashMap<i64, reporting_period::Model> = reporting_period::Entity::find()
            .filter(reporting_period::Column::ActionId.in_subquery(plan_actions.clone()))
            .filter(reporting_period::Column::StartDate.lte(period.end))
            .filter(reporting_period::Column::EndDate.gte(period.start))
            .filter(reporting_period::Entity::readable_by(actor))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let in_period = Query::select()
            .column(reporting_period::Column::Id)
            .from(reporting_period::Entity)
            .and_where(reporting_period::Column::ActionId.in_subquery(plan_actions.clone()))
            .and_where(reporting_period::Column::StartDate.lte(period.end))
            .and_where(reporting_period::Column::EndDate.gte(period.start))
            .to_owned();
        let tasks = task::Entity::find()
            .filter(task::Column::PlanId.eq(plan.id))
            .filter(task::Column::PeriodId.in_subquery(in_period))
            .filter(task_scope(actor))
            .order_by_asc(task::Column::ActionId)
            .order_by_asc(task::Column::PeriodId)
            .order_by_asc(task::Column::Id)
            .all(db)
            .await?;
        let action_ids: BTreeSet<i64> = tasks.iter().map(|t| t.action_id).collect();
        let actions = action::Entity::find()
            .filter(action::Column::Id.in_subquery(plan_actions))
            .order_by_asc(action::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .filter(|a| action_ids.contains(&a.id));

        let ids: Vec<i64> = action_ids.iter().copied().collect();
        let mut assignments = group(
            self.readable_rows::<assignment::Entity>(actor, assignment::Column::ActionId, &ids)
                .await?,
            |a| (a.action_id, a.id),
        );
        let mut indicators = group(
            self.readable_rows::<indicator::Entity>(actor, indicator::Column::ActionId, &ids)
                .await?,
            |i| (i.action_id, i64::from(i.position)),
        );

        // The latest report of each task, and why declined tasks were declined.
        let task_ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
        let mut latest: HashMap<i64, report::Model> = HashMap::new();
        for (task_id, reports) in group(
            self.readable_rows::<report::Entity>(actor, report::Column::TaskId, &task_ids)
                .await?,
            |r| (r.task_id, r.id),
        ) {
            if let Some(last) = reports.into_iter().last() {
                latest.insert(task_id, last);
            }
        }
        let declined_ids: Vec<i64> = tasks
            .iter()
            .filter(|t| declined.contains(&t.state))
            .map(|t| t.id)
            .collect();
        let mut reasons: HashMap<i64, String> = HashMap::new();
        for e in self
            .readable_rows::<event::Entity>(actor, event::Column::TaskId, &declined_ids)
            .await?
        {
            if let (Some(task_id), Some(comment)) = (e.task_id, e.comment)
                && e.to_state.as_ref().is_some_and(|s| declined.contains(s))
            {
                reasons.insert(task_id, comment);
            }
        }

        let plan_indicator_rows = performance_indicator::Entity::find()
            .filter(performance_indicator::Column::PlanId.eq(plan.id))
            .filter(performance_indicator::Entity::readable_by(actor))
            .order_by_asc(performance_indicator::Column::Position)
            .all(db)
            .await?;
        let mut entered = group(
            self.readable_rows::<indicator_value::Entity>(
                actor,
                indicator_value::Column::PerformanceIndicatorId,
                &plan_indicator_rows.iter().map(|p| p.id).collect::<Vec<_>>(),
            )
            .await?,
            |v| (v.performance_indicator_id, v.id),
        );

        let mut tasks_of = group(tasks, |t| (t.action_id, t.id));
        let mut assembly = Assembly {
            lifecycle: &lifecycle,
            declined: &declined,
            periods: &periods,
            institutions: &institutions,
            policy: &policy,
            at: Moment { now, zone },
            zone,
            latest,
            reasons,
            window: (period.start, period.end),
        };
        let mut reports_by_objective: HashMap<i64, Vec<ActionReport>> = HashMap::new();
        for a in actions {
            let report = assembly.action(
                tasks_of.remove(&a.id).unwrap_or_default(),
                assignments.remove(&a.id).unwrap_or_default(),
                indicators.remove(&a.id).unwrap_or_default(),
                a,
            );
            reports_by_objective
                .entry(report.action.objective_id)
                .or_default()
                .push(report);
        }

        let tree = tree_of(&policy, &objectives, None, &mut reports_by_objective);
        let mut tally = Tally::default();
        for o in &tree {
            tally.add(&o.tally);
        }
        let plan_indicators = plan_indicator_rows
            .into_iter()
            .map(|indicator| PlanIndicator {
                value: plan_indicator_value(
                    &plan,
                    &indicator,
                    entered.remove(&indicator.id).unwrap_or_default(),
                    (period.start, period.end),
                    today,
                ),
                indicator,
            })
            .collect();
        let members: Vec<Rating> = tree.iter().map(ObjectiveReport::rating).collect();
        let Rating { status, reason } = policy.of_group(&members);
        Ok(MonitoringReport {
            owner: named(&institutions, plan.owner_id),
            status,
            status_reason: reason,
            plan,
            period: *period,
            generated_at: now,
            objectives: tree,
            plan_indicators,
            tally,
            states: lifecycle.states().to_vec(),
        })
    }
}

/// The institution `id` as the report names it (its id, should it have vanished).
fn named(institutions: &HashMap<i64, Named>, id: i64) -> Named {
    institutions.get(&id).cloned().unwrap_or_else(|| Named {
        code: id.to_string(),
        name: id.to_string(),
    })
}

/// What the report's actions are made from, read once for the whole plan; each action takes its
/// tasks' reports and reasons out of it.
struct Assembly<'a> {
    lifecycle: &'a Lifecycle,
    declined: &'a HashSet<String>,
    periods: &'a HashMap<i64, reporting_period::Model>,
    institutions: &'a HashMap<i64, Named>,
    policy: &'a StatusPolicy,
    at: Moment,
    zone: chrono_tz::Tz,
    /// The latest report of each task.
    latest: HashMap<i64, report::Model>,
    /// Why each declined task was declined.
    reasons: HashMap<i64, String>,
    /// The report's period, over which indicators are evaluated.
    window: (NaiveDate, NaiveDate),
}

impl Assembly<'_> {
    /// Action `a` with its tasks in the period, its assignments and its indicators.
    fn action(
        &mut self,
        tasks: Vec<task::Model>,
        assigned: Vec<assignment::Model>,
        indicators: Vec<indicator::Model>,
        a: action::Model,
    ) -> ActionReport {
        let specs: Vec<(String, IndicatorSpec)> = indicators
            .iter()
            .map(|i| (i.name.clone(), IndicatorSpec::stored(&i.written())))
            .collect();
        let mut observed: Vec<Vec<Observation>> = vec![Vec::new(); specs.len()];
        let mut texts: Vec<Vec<String>> = vec![Vec::new(); specs.len()];
        let mut tally = Tally {
            actions: 1,
            ..Tally::default()
        };
        let mut by_period: BTreeMap<i64, Vec<Rating>> = BTreeMap::new();
        let mut lines = Vec::with_capacity(tasks.len());
        let mut narratives = Vec::new();
        for t in &tasks {
            let Some(p) = self.periods.get(&t.period_id) else {
                continue;
            };
            let rating = self
                .policy
                .of_task(t, self.lifecycle, p.start_date, self.at);
            let task_status = rating.status;
            by_period.entry(p.id).or_default().push(rating);
            let line = TaskLine {
                institution: named(self.institutions, t.institution_id),
                role: t.role.clone(),
                period_start: p.start_date,
                period_end: p.end_date,
                due: local_date(t.due_at, self.zone),
                state: t.state.clone(),
                status: task_status,
                overdue: task_status == Status::Late,
                declined: self.declined.contains(&t.state),
                reason: self.reasons.remove(&t.id),
                closed_on: (!t.open).then(|| local_date(t.updated_at, self.zone)),
            };
            tally.tasks += 1;
            *tally.by_state.entry(t.state.clone()).or_default() += 1;
            tally.overdue += u64::from(line.overdue);
            tally.declined += u64::from(line.declined);
            let report = self.latest.remove(&t.id);
            if task_status != Status::Closed {
                let given = report.as_ref().and_then(|r| r.indicator_values.as_object());
                for (i, (name, _)) in specs.iter().enumerate() {
                    let value = given.and_then(|g| g.get(name));
                    if let Some(Value::String(text)) = value
                        && !text.trim().is_empty()
                    {
                        texts[i].push(text.clone());
                    }
                    observed[i].push(Observation {
                        period_start: p.start_date,
                        period_end: p.end_date,
                        institution_id: t.institution_id,
                        value: value.and_then(Value::as_f64),
                    });
                }
            }
            if let Some(r) = report {
                let evidence: Vec<String> = r
                    .evidence
                    .as_array()
                    .map(|links| {
                        links
                            .iter()
                            .filter_map(|l| l.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                if !r.narrative.trim().is_empty() || !evidence.is_empty() {
                    narratives.push(Narrative {
                        institution: line.institution.clone(),
                        period_end: p.end_date,
                        submitted_at: r.submitted_at,
                        text: r.narrative,
                        evidence,
                    });
                }
            }
            lines.push(line);
        }
        let approved = |id: &i64| {
            self.periods
                .get(id)
                .is_some_and(|p| p.approved_at.is_some())
        };
        tally.periods = by_period.len() as u64;
        tally.periods_complete = by_period.keys().filter(|id| approved(id)).count() as u64;
        let periods: Vec<Rating> = by_period
            .iter()
            .map(|(id, tasks)| self.policy.of_period(approved(id), tasks))
            .collect();
        let indicators: Vec<IndicatorValue> = specs
            .into_iter()
            .zip(observed.into_iter().zip(texts))
            .map(|((name, spec), (observed, texts))| IndicatorValue {
                evaluation: evaluate(&spec, &observed, self.window, self.at.day(self.at.now)),
                name,
                spec,
                texts,
            })
            .collect();
        let verdict = verdict_of(
            indicators.iter().map(|i| (&i.spec, &i.evaluation)),
            self.window,
            self.at.day(self.at.now),
        );
        let Rating { status, reason } = self.policy.of_action(&periods, verdict.as_ref());
        let who = |role: &str| -> Vec<Named> {
            assigned
                .iter()
                .filter(|x| x.role == role)
                .map(|x| named(self.institutions, x.institution_id))
                .collect()
        };
        ActionReport {
            lead: assigned
                .iter()
                .find(|x| x.lead)
                .map(|x| named(self.institutions, x.institution_id)),
            responsible: who("responsible"),
            partners: who("partner"),
            status,
            status_reason: reason,
            tasks: lines,
            indicators,
            narratives,
            tally,
            action: a,
        }
    }
}

/// Plan-level `indicator` over `window`: a value expected for each of its periods (unknown until
/// entered), from the institution its values belong to.
pub(crate) fn plan_indicator_value(
    plan: &plan::Model,
    indicator: &performance_indicator::Model,
    entered: Vec<indicator_value::Model>,
    window: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> IndicatorValue {
    let institution_id = indicator.responsible_id.unwrap_or(plan.owner_id);
    let observed: Vec<Observation> = entry_periods(plan, indicator)
        .into_iter()
        .map(|(start, end)| Observation {
            period_start: start,
            period_end: end,
            institution_id,
            value: entered
                .iter()
                .find(|v| {
                    v.period_start == start
                        && v.period_end == end
                        && v.institution_id == institution_id
                })
                .map(|v| v.value),
        })
        .collect();
    let spec = IndicatorSpec::stored(&indicator.written());
    IndicatorValue {
        name: indicator.name.clone(),
        evaluation: evaluate(&spec, &observed, window, today),
        spec,
        texts: Vec::new(),
    }
}

/// The objectives under `parent`, each with its actions (taken from `actions`) and children.
fn tree_of(
    policy: &StatusPolicy,
    objectives: &[objective::Model],
    parent: Option<i64>,
    actions: &mut HashMap<i64, Vec<ActionReport>>,
) -> Vec<ObjectiveReport> {
    objectives
        .iter()
        .filter(|o| o.parent_id == parent)
        .map(|o| {
            let children = tree_of(policy, objectives, Some(o.id), actions);
            let mine = actions.remove(&o.id).unwrap_or_default();
            let mut tally = Tally::default();
            for a in &mine {
                tally.add(&a.tally);
            }
            for c in &children {
                tally.add(&c.tally);
            }
            let members: Vec<Rating> = mine
                .iter()
                .map(|a| Rating {
                    status: a.status,
                    reason: a.status_reason.clone(),
                })
                .chain(
                    children
                        .iter()
                        .filter(|c| c.tally.tasks > 0)
                        .map(ObjectiveReport::rating),
                )
                .collect();
            let Rating { status, reason } = policy.of_group(&members);
            ObjectiveReport {
                objective: o.clone(),
                status,
                status_reason: reason,
                actions: mine,
                children,
                tally,
            }
        })
        .collect()
}
