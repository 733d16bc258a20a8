//! The status of one task, action period, action, objective or plan with its reason, read on
//! behalf of an actor (for the API's `status` and `statusReason`): the same rule and the same
//! reads as the pages ([`crate::reads::views`]), counting what the actor may read.

use sea_orm::EntityTrait;

use super::views::{ObjectiveNode, zone_of};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{plan, reporting_period};
use crate::error::{Error, Result};
use crate::i18n::Language;
use crate::status::{Moment, Rating};

/// A status with its reason, and the language of its plan (in which the reason reads).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRating {
    pub rating: Rating,
    pub language: Language,
}

impl PlanRating {
    fn of(plan: &plan::Model, rating: Rating) -> Self {
        Self {
            rating,
            language: Language::or_fallback(&plan.language),
        }
    }
}

impl Engine {
    /// The status of task `id` (`NotFound` if `actor` may not read it).
    pub async fn task_status(&self, actor: &Actor, id: i64) -> Result<PlanRating> {
        let task = self.task(actor, id).await?;
        let db = self.db();
        let plan = plan::Entity::find_by_id(task.plan_id)
            .one(db)
            .await?
            .ok_or_else(|| Error::not_found("plan", task.plan_id))?;
        let period = reporting_period::Entity::find_by_id(task.period_id)
            .one(db)
            .await?
            .ok_or_else(|| Error::not_found("reporting period", task.period_id))?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let at = Moment {
            now: self.now(),
            zone: zone_of(&plan),
        };
        let rating = self
            .status_policy()?
            .of_task(&task, &lifecycle, period.start_date, at);
        Ok(PlanRating::of(&plan, rating))
    }

    /// The status of action `id`, from the tasks `actor` may read.
    pub async fn action_status(&self, actor: &Actor, id: i64) -> Result<PlanRating> {
        let view = self.action_view(actor, id).await?;
        let rating = Rating {
            status: view.status,
            reason: view.reason,
        };
        Ok(PlanRating::of(&view.plan, rating))
    }

    /// The status of reporting period `period_id` of action `action_id`.
    pub async fn period_status(
        &self,
        actor: &Actor,
        action_id: i64,
        period_id: i64,
    ) -> Result<PlanRating> {
        let view = self.action_view(actor, action_id).await?;
        let row = view
            .periods
            .into_iter()
            .find(|p| p.period.id == period_id)
            .ok_or_else(|| Error::not_found("reporting period", period_id))?;
        let rating = Rating {
            status: row.status,
            reason: row.reason,
        };
        Ok(PlanRating::of(&view.plan, rating))
    }

    /// The status of objective `objective_id` of plan `plan_id`.
    pub async fn objective_status(
        &self,
        actor: &Actor,
        plan_id: i64,
        objective_id: i64,
    ) -> Result<PlanRating> {
        let view = self.plan_view(actor, plan_id).await?;
        let node = find_objective(&view.objectives, objective_id)
            .ok_or_else(|| Error::not_found("objective", objective_id))?;
        Ok(PlanRating::of(&view.plan, node.rating()))
    }

    /// The status of plan `id`.
    pub async fn plan_status(&self, actor: &Actor, id: i64) -> Result<PlanRating> {
        let view = self.plan_view(actor, id).await?;
        let rating = Rating {
            status: view.status,
            reason: view.reason,
        };
        Ok(PlanRating::of(&view.plan, rating))
    }
}

/// The objective `id` anywhere in `tree`.
fn find_objective(tree: &[ObjectiveNode], id: i64) -> Option<&ObjectiveNode> {
    tree.iter().find_map(|node| {
        if node.objective.id == id {
            Some(node)
        } else {
            find_objective(&node.children, id)
        }
    })
}
