//! Plans and what they are made of, as an actor reads them: plans, objectives, actions, the
//! completion of an action's periods, and sign-offs.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::access::{Readable, action_scope, plan_scope};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{action, assignment, objective, plan, reporting_period, sign_off, task};
use crate::error::{Error, Result};
use crate::tasks::{PeriodCompletion, completion_of, decide_completion};

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

    /// [`Engine::period_completion`] of many periods in five queries, whatever their number: the
    /// periods `actor` may read are in the map, the others are not.
    pub async fn periods_completion(
        &self,
        actor: &Actor,
        period_ids: &[i64],
    ) -> Result<HashMap<i64, PeriodCompletion>> {
        let periods = reporting_period::Entity::find()
            .filter(reporting_period::Column::Id.is_in(period_ids.iter().copied()))
            .filter(reporting_period::Entity::readable_by(actor))
            .all(self.db())
            .await?;
        let action_ids: BTreeSet<i64> = periods.iter().map(|p| p.action_id).collect();
        let actions = action::Entity::find()
            .filter(action::Column::Id.is_in(action_ids.iter().copied()))
            .all(self.db())
            .await?;
        let plan_ids: BTreeSet<i64> = actions.iter().map(|a| a.plan_id).collect();
        let plans: HashMap<i64, plan::Model> = plan::Entity::find()
            .filter(plan::Column::Id.is_in(plan_ids))
            .all(self.db())
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let plan_of: HashMap<i64, &plan::Model> = actions
            .iter()
            .filter_map(|a| plans.get(&a.plan_id).map(|p| (a.id, p)))
            .collect();
        let mut assignments: HashMap<i64, Vec<assignment::Model>> = HashMap::new();
        for a in assignment::Entity::find()
            .filter(assignment::Column::ActionId.is_in(action_ids))
            .order_by_desc(assignment::Column::Lead)
            .order_by_asc(assignment::Column::Id)
            .all(self.db())
            .await?
        {
            assignments.entry(a.action_id).or_default().push(a);
        }
        let mut tasks: HashMap<i64, Vec<task::Model>> = HashMap::new();
        for t in task::Entity::find()
            .filter(task::Column::PeriodId.is_in(periods.iter().map(|p| p.id)))
            .all(self.db())
            .await?
        {
            tasks.entry(t.period_id).or_default().push(t);
        }
        let mut completions = HashMap::with_capacity(periods.len());
        for period in &periods {
            let plan = plan_of
                .get(&period.action_id)
                .ok_or_else(|| Error::not_found("action", period.action_id))?;
            let lifecycle = self.lifecycle(&plan.lifecycle)?;
            let completion = decide_completion(
                &lifecycle,
                period,
                assignments
                    .get(&period.action_id)
                    .map_or(&[], Vec::as_slice),
                tasks.get(&period.id).map_or(&[], Vec::as_slice),
            );
            completions.insert(period.id, completion);
        }
        Ok(completions)
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
