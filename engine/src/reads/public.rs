//! The public progress page's read: what anyone may see of a plan whose coordinator published
//! it, with no sign-in. It selects public fields only: titles, numbers, wording, institution
//! *names* (institutions are organisations), statuses and their reasons, indicator definitions,
//! and the narratives of reports marked public. Nothing about users (no name, no e-mail
//! address), no comment or event, no id of a record that has a private page.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::views::{ActionRow, ObjectiveNode};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{assignment, indicator, institution, plan, report, reporting_period, task};
use crate::error::{Error, Result};
use crate::i18n::Language;
use crate::reads::views::{PlanView, local_date, zone_of};
use crate::results::{IndicatorSpec, verdict_of};
use crate::status::{IndicatorVerdict, Reason, Status};

/// A published plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicPlan {
    pub code: String,
    pub title: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The plan's language: the page speaks it.
    pub language: Language,
    pub status: Status,
    pub reason: Reason,
    pub objectives: Vec<PublicObjective>,
}

/// An objective of a published plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicObjective {
    pub number: String,
    pub title: String,
    pub status: Status,
    pub reason: Reason,
    pub children: Vec<PublicObjective>,
    pub actions: Vec<PublicAction>,
}

/// An action of a published plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicAction {
    pub number: String,
    pub text: String,
    /// The deadline as the plan words it.
    pub deadline: String,
    /// Names of the responsible institutions, the lead first.
    pub responsible: Vec<String>,
    /// Names of the partner institutions.
    pub partners: Vec<String>,
    pub status: Status,
    pub reason: Reason,
    pub indicators: Vec<PublicIndicator>,
    /// Narratives of the reports the coordinator marked public, oldest first.
    pub narratives: Vec<PublicNarrative>,
}

/// An indicator of an action, with its progress once indicator evaluation gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicIndicator {
    pub name: String,
    pub unit: Option<String>,
    pub target: Option<String>,
    /// Met / not met / progress: `None` until indicator evaluation provides it.
    pub verdict: Option<IndicatorVerdict>,
}

/// A narrative the coordinator published.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicNarrative {
    /// The reporting institution's name.
    pub institution: String,
    /// The last day of the period it reports on.
    pub period_end: NaiveDate,
    pub text: String,
}

/// What the public read gathers of the plan's actions besides their statuses.
struct Details {
    responsible: HashMap<i64, Vec<String>>,
    partners: HashMap<i64, Vec<String>>,
    indicators: HashMap<i64, Vec<PublicIndicator>>,
    narratives: HashMap<i64, Vec<PublicNarrative>>,
}

impl Engine {
    /// The published plan `code`, for anyone. `NotFound` alike for a plan that does not exist,
    /// is not public, or is archived.
    pub async fn public_plan(&self, code: &str) -> Result<PublicPlan> {
        let plan = plan::Entity::find()
            .filter(plan::Column::Code.eq(code))
            .filter(plan::Column::Public.eq(true))
            .filter(plan::Column::ArchivedAt.is_null())
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("plan", code))?;
        // The statuses come from the plan page's read of the whole plan; only public fields
        // leave this function.
        let view = self.plan_view(&Actor::operator(), plan.id).await?;
        let details = self.public_details(&plan, &view).await?;
        Ok(PublicPlan {
            code: plan.code,
            title: plan.title,
            period_start: plan.period_start,
            period_end: plan.period_end,
            language: Language::or_fallback(&plan.language),
            status: view.status,
            reason: view.reason,
            objectives: view
                .objectives
                .iter()
                .map(|o| public_objective(o, &details))
                .collect(),
        })
    }

    /// Institution names, indicators and public narratives of `plan`'s actions.
    async fn public_details(&self, plan: &plan::Model, view: &PlanView) -> Result<Details> {
        let db = self.db();
        let view_today = local_date(self.now(), zone_of(plan));
        let in_plan = || {
            sea_orm::sea_query::Query::select()
                .column(crate::entity::action::Column::Id)
                .from(crate::entity::action::Entity)
                .and_where(crate::entity::action::Column::PlanId.eq(plan.id))
                .to_owned()
        };
        let names: HashMap<i64, String> = institution::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect();
        let name_of = |id: i64| names.get(&id).cloned().unwrap_or_default();
        let mut responsible: HashMap<i64, Vec<String>> = HashMap::new();
        let mut partners: HashMap<i64, Vec<String>> = HashMap::new();
        for a in assignment::Entity::find()
            .filter(assignment::Column::ActionId.in_subquery(in_plan()))
            .order_by_desc(assignment::Column::Lead)
            .order_by_asc(assignment::Column::Id)
            .all(db)
            .await?
        {
            let list = if a.role == "partner" {
                &mut partners
            } else {
                &mut responsible
            };
            list.entry(a.action_id)
                .or_default()
                .push(name_of(a.institution_id));
        }
        let mut indicators: HashMap<i64, Vec<PublicIndicator>> = HashMap::new();
        for i in indicator::Entity::find()
            .filter(indicator::Column::ActionId.in_subquery(in_plan()))
            .order_by_asc(indicator::Column::Position)
            .all(db)
            .await?
        {
            indicators.entry(i.action_id).or_default().push({
                // The same evaluation as the plan page's, over the plan's period.
                let total = view
                    .indicators
                    .iter()
                    .find(|t| t.action_id == i.action_id && t.value.name == i.name);
                let spec = IndicatorSpec::stored(&i.written());
                PublicIndicator {
                    target: spec.target_text(Language::or_fallback(&plan.language)),
                    verdict: total.and_then(|t| {
                        verdict_of(
                            [(&t.value.spec, &t.value.evaluation)],
                            (plan.period_start, plan.period_end),
                            view_today,
                        )
                    }),
                    name: i.name,
                    unit: None,
                }
            });
        }
        let published = report::Entity::find()
            .filter(report::Column::Public.eq(true))
            .filter(
                report::Column::TaskId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(task::Column::Id)
                        .from(task::Entity)
                        .and_where(task::Column::PlanId.eq(plan.id))
                        .to_owned(),
                ),
            )
            .order_by_asc(report::Column::SubmittedAt)
            .order_by_asc(report::Column::Id)
            .all(db)
            .await?;
        let tasks: HashMap<i64, task::Model> = task::Entity::find()
            .filter(task::Column::Id.is_in(published.iter().map(|r| r.task_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let period_ends: HashMap<i64, NaiveDate> = reporting_period::Entity::find()
            .filter(reporting_period::Column::Id.is_in(tasks.values().map(|t| t.period_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.end_date))
            .collect();
        let mut narratives: HashMap<i64, Vec<PublicNarrative>> = HashMap::new();
        for r in published {
            let Some(t) = tasks.get(&r.task_id) else {
                continue;
            };
            if r.narrative.trim().is_empty() {
                continue;
            }
            narratives
                .entry(t.action_id)
                .or_default()
                .push(PublicNarrative {
                    institution: name_of(t.institution_id),
                    period_end: period_ends
                        .get(&t.period_id)
                        .copied()
                        .unwrap_or(plan.period_end),
                    text: r.narrative,
                });
        }
        Ok(Details {
            responsible,
            partners,
            indicators,
            narratives,
        })
    }
}

fn public_objective(o: &ObjectiveNode, details: &Details) -> PublicObjective {
    PublicObjective {
        number: o.objective.number.clone(),
        title: o.objective.title.clone(),
        status: o.status,
        reason: o.reason.clone(),
        children: o
            .children
            .iter()
            .map(|c| public_objective(c, details))
            .collect(),
        actions: o
            .actions
            .iter()
            .map(|a| public_action(a, details))
            .collect(),
    }
}

fn public_action(a: &ActionRow, details: &Details) -> PublicAction {
    let id = a.action.id;
    let of = |map: &HashMap<i64, Vec<String>>| map.get(&id).cloned().unwrap_or_default();
    PublicAction {
        number: a.action.number.clone(),
        text: a.action.text.clone(),
        deadline: a.action.deadline.clone(),
        responsible: of(&details.responsible),
        partners: of(&details.partners),
        status: a.status,
        reason: a.reason.clone(),
        indicators: details.indicators.get(&id).cloned().unwrap_or_default(),
        narratives: details.narratives.get(&id).cloned().unwrap_or_default(),
    }
}
