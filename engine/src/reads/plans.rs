//! Plans and what they are made of, as an actor reads them: plans, objectives, actions, the
//! completion of an action's periods, and sign-offs.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::access::{Readable, action_scope, plan_scope};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{action, objective, plan, reporting_period, sign_off};
use crate::error::{Error, Result};
use crate::tasks::{PeriodCompletion, completion_of};

impl Engine {
    /// The plans `actor` may read, by code.
    pub async fn plans(&self, actor: &Actor) -> Result<Vec<plan::Model>> {
        Ok(plan::Entity::find()
            .filter(plan_scope(actor))
            .order_by_asc(plan::Column::Code)
            .all(self.db())
            .await?)
    }

    /// The plan `id`, if `actor` may read it (else `NotFound`, whether or not it exists).
    pub async fn plan(&self, actor: &Actor, id: i64) -> Result<plan::Model> {
        plan::Entity::find_by_id(id)
            .filter(plan_scope(actor))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("plan", id))
    }

    /// The objectives of plan `plan_id` under `parent` (the general ones for `None`), by number;
    /// none when `actor` may not read the plan.
    pub async fn objectives(
        &self,
        actor: &Actor,
        plan_id: i64,
        parent: Option<i64>,
    ) -> Result<Vec<objective::Model>> {
        let parent = match parent {
            Some(id) => objective::Column::ParentId.eq(id),
            None => objective::Column::ParentId.is_null(),
        };
        Ok(objective::Entity::find()
            .filter(objective::Entity::readable_by(actor))
            .filter(objective::Column::PlanId.eq(plan_id))
            .filter(parent)
            .order_by_asc(objective::Column::Id)
            .all(self.db())
            .await?)
    }

    /// The actions of an objective that `actor` may read, in plan order.
    pub async fn actions(&self, actor: &Actor, objective_id: i64) -> Result<Vec<action::Model>> {
        Ok(action::Entity::find()
            .filter(action::Column::ObjectiveId.eq(objective_id))
            .filter(action_scope(actor))
            .order_by_asc(action::Column::Id)
            .all(self.db())
            .await?)
    }

    /// The action `id`, if `actor` may read it (else `NotFound`, whether or not it exists).
    pub async fn action(&self, actor: &Actor, id: i64) -> Result<action::Model> {
        action::Entity::find_by_id(id)
            .filter(action_scope(actor))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("action", id))
    }

    /// Where an action period stands against its lifecycle's completion rule, if `actor` may read
    /// the action (else `NotFound`).
    pub async fn period_completion(
        &self,
        actor: &Actor,
        period_id: i64,
    ) -> Result<PeriodCompletion> {
        let period = reporting_period::Entity::find_by_id(period_id)
            .filter(reporting_period::Entity::readable_by(actor))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("reporting period", period_id))?;
        let (_, plan) = crate::plans::action_and_plan(self.db(), period.action_id).await?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        completion_of(self.db(), &lifecycle, &period).await
    }

    /// The sign-offs of an action's periods that `actor` may read: period approvals, and the
    /// sign-offs of readable tasks. Oldest first. `NotFound` when the action is not readable.
    pub async fn sign_offs(&self, actor: &Actor, action_id: i64) -> Result<Vec<sign_off::Model>> {
        let action = self.action(actor, action_id).await?;
        let periods = sea_orm::sea_query::Query::select()
            .column(reporting_period::Column::Id)
            .from(reporting_period::Entity)
            .and_where(reporting_period::Column::ActionId.eq(action.id))
            .to_owned();
        Ok(sign_off::Entity::find()
            .filter(sign_off::Column::PeriodId.in_subquery(periods))
            .filter(sign_off::Entity::readable_by(actor))
            .order_by_asc(sign_off::Column::Id)
            .all(self.db())
            .await?)
    }
}
