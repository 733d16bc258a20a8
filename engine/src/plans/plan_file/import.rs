//! Writing a checked plan: one transaction, matched by stable keys so that importing the same
//! file again changes nothing, and tasks that already moved on are never touched.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TryIntoModel,
};
use serde_json::json;

use super::{ActionDraft, PlanDraft};
use crate::audit::{self, NewEvent};
use crate::domain::{Actor, UserRole};
use crate::engine::Engine;
use crate::entity::{action, indicator, institution, objective, performance_indicator, plan, task};
use crate::error::{Error, Result};
use crate::plans::{
    self, Assignment, InstitutionChange, InstitutionDefaults, InstitutionWrite, SpecColumns,
};
use crate::tasks::lifecycle::Lifecycle;

/// What an import did (or, in a dry run, would do) to one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Change {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// What an import did, per kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub plan_id: i64,
    pub plan_code: String,
    pub dry_run: bool,
    /// Kind (`institutions`, `objectives`, …) → change.
    pub changes: BTreeMap<&'static str, Change>,
    /// Pending tasks cancelled because their period is no longer in the plan.
    pub tasks_cancelled: usize,
    /// Every detail of an existing institution that the import changes.
    pub institution_changes: Vec<InstitutionChange>,
}

impl ImportSummary {
    fn count(&mut self, kind: &'static str, outcome: Outcome) {
        let change = self.changes.entry(kind).or_default();
        match outcome {
            Outcome::Created => change.created += 1,
            Outcome::Updated => change.updated += 1,
            Outcome::Unchanged => change.unchanged += 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Created,
    Updated,
    Unchanged,
}

type ModelOf<A> = <<A as ActiveModelTrait>::Entity as EntityTrait>::Model;

/// Saves `model` if any field was set to a new value; reports what happened.
async fn save<C, A>(db: &C, model: A, existed: bool) -> Result<(ModelOf<A>, Outcome)>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + sea_orm::ActiveModelBehavior + TryIntoModel<ModelOf<A>> + Send,
    ModelOf<A>: sea_orm::IntoActiveModel<A>,
{
    if !existed {
        Ok((model.insert(db).await?, Outcome::Created))
    } else if model.is_changed() {
        Ok((model.update(db).await?, Outcome::Updated))
    } else {
        Ok((model.try_into_model()?, Outcome::Unchanged))
    }
}

/// Refuses an actor who may import no plan at all: only admins and coordinators import plans
/// (which ones: the plan's owner decides, on import).
pub fn may_import_plans(actor: &Actor) -> Result<()> {
    if matches!(actor.role, UserRole::Admin | UserRole::Coordinator) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "{} may not import plans: only admins and coordinators may",
            actor.name
        )))
    }
}

/// Refuses, before anything is written, an actor who may not import this plan: only admins and
/// coordinators of the plan's owner (and, for a plan already stored, of its stored owner).
async fn may_import<C: ConnectionTrait>(db: &C, actor: &Actor, draft: &PlanDraft) -> Result<()> {
    let owner = institution::Entity::find()
        .filter(institution::Column::Code.eq(draft.plan.owner.as_str()))
        .one(db)
        .await?;
    let owns = match &owner {
        Some(owner) => actor.coordinates(owner.id),
        // A plan whose owner the file creates: only an admin.
        None => actor.role == UserRole::Admin,
    };
    if !owns {
        return Err(Error::Forbidden(format!(
            "{} may not import plans owned by {}",
            actor.name, draft.plan.owner
        )));
    }
    let stored = plan::Entity::find()
        .filter(plan::Column::Code.eq(&draft.plan.code))
        .one(db)
        .await?;
    if let Some(stored) = stored
        && !actor.coordinates(stored.owner_id)
    {
        return Err(Error::Forbidden(format!(
            "plan code `{}` belongs to a plan {} does not coordinate",
            stored.code, actor.name
        )));
    }
    Ok(())
}

impl Engine {
    /// Imports a checked plan in one transaction. A plan with the same code is updated in place.
    /// With `dry_run`, everything is done and then rolled back: the summary says what would change.
    #[tracing::instrument(skip_all, fields(plan = %draft.plan.code, dry_run))]
    pub async fn import_plan(
        &self,
        actor: &Actor,
        draft: &PlanDraft,
        dry_run: bool,
    ) -> Result<ImportSummary> {
        let lifecycle = self.lifecycle(&draft.plan.lifecycle)?;
        let policy = self.reminder_policy(draft.plan.reminder_policy.as_deref())?;
        let problems = super::lifecycle_problems(draft, &lifecycle, &policy);
        if !problems.is_empty() {
            return Err(Error::Problems {
                forbidden: false,
                problems,
            });
        }
        let now = self.now();
        let txn = crate::db::begin_write(self.db()).await?;
        let mut summary = ImportSummary {
            dry_run,
            plan_code: draft.plan.code.clone(),
            ..Default::default()
        };
        may_import(&txn, actor, draft).await?;

        let defaults = InstitutionDefaults {
            language: draft.plan.language.clone(),
            time_zone: draft.plan.time_zone,
        };
        let (mut refused, mut unknown) = (Vec::new(), Vec::new());
        let mut institution_ids: BTreeMap<String, i64> = BTreeMap::new();
        // The institutions this import creates: one may be the parent of another.
        let mut created = BTreeSet::new();
        for new in &draft.institutions {
            let place = draft
                .institutions_at
                .get(new.code.as_str())
                .unwrap_or(&draft.at);
            let write = match InstitutionWrite::prepare(&txn, now, new, &defaults).await {
                Ok(write) => write,
                Err(e @ (Error::Validation { .. } | Error::NotFound { .. })) => {
                    unknown.push(place.problem(e.to_string()));
                    continue;
                }
                Err(e) => return Err(e),
            };
            if let Some(why) = write.refusal(actor, &created) {
                refused.push(place.problem(why));
                continue;
            }
            let outcome = if write.creates() {
                Outcome::Created
            } else if write.changes.is_empty() {
                Outcome::Unchanged
            } else {
                Outcome::Updated
            };
            summary
                .institution_changes
                .extend(write.changes.iter().cloned());
            let saved = write.save(&txn).await?;
            if outcome == Outcome::Created {
                created.insert(saved.id);
            }
            summary.count("institutions", outcome);
            institution_ids.insert(saved.code.clone(), saved.id);
        }
        if !refused.is_empty() || !unknown.is_empty() {
            let forbidden = !refused.is_empty();
            refused.append(&mut unknown);
            return Err(Error::Problems {
                forbidden,
                problems: refused,
            });
        }
        let owner_id = *institution_ids
            .get(draft.plan.owner.as_str())
            .ok_or_else(|| Error::not_found("institution", &draft.plan.owner))?;

        let existing = plan::Entity::find()
            .filter(plan::Column::Code.eq(&draft.plan.code))
            .one(&txn)
            .await?;
        let plan = match existing {
            None => {
                summary.count("plans", Outcome::Created);
                plans::insert_plan(&txn, actor, now, &draft.plan).await?
            }
            Some(found) => {
                let mut model: plan::ActiveModel = found.into();
                model.title.set_ne(draft.plan.title.clone());
                model.owner_id.set_ne(owner_id);
                model.period_start.set_ne(draft.plan.period_start);
                model.period_end.set_ne(draft.plan.period_end);
                model
                    .time_zone
                    .set_ne(draft.plan.time_zone.name().to_owned());
                model.language.set_ne(draft.plan.language.clone());
                model.lifecycle.set_ne(draft.plan.lifecycle.clone());
                model
                    .reminder_policy
                    .set_ne(draft.plan.reminder_policy.clone());
                let changed = model.is_changed();
                if changed {
                    model.updated_at = Set(now);
                }
                let (saved, outcome) = save(&txn, model, true).await?;
                summary.count("plans", outcome);
                saved
            }
        };
        if let Some(public) = draft.public {
            plans::set_plan_public(&txn, actor, now, plan.clone(), public).await?;
        }
        summary.plan_id = plan.id;
        let plan = match &draft.register {
            Some(register) => {
                let (plan, departments) =
                    crate::registers::save_register(&txn, plan, register, &institution_ids).await?;
                let change = summary.changes.entry("departments").or_default();
                change.created += departments.added;
                change.updated += departments.removed;
                change.unchanged += departments.kept;
                plan
            }
            None => plan,
        };

        let mut objective_ids: BTreeMap<String, i64> = BTreeMap::new();
        for o in &draft.objectives {
            let parent_id = o
                .parent
                .as_ref()
                .and_then(|p| objective_ids.get(p).copied());
            let found = objective::Entity::find()
                .filter(objective::Column::PlanId.eq(plan.id))
                .filter(objective::Column::Number.eq(&o.number))
                .one(&txn)
                .await?;
            let existed = found.is_some();
            let mut model: objective::ActiveModel = match found {
                Some(f) => f.into(),
                None => objective::ActiveModel {
                    plan_id: Set(plan.id),
                    number: Set(o.number.clone()),
                    ..Default::default()
                },
            };
            model.parent_id.set_ne(parent_id);
            model.title.set_ne(o.title.clone());
            model.result.set_ne(o.result.clone());
            let (saved, outcome) = save(&txn, model, existed).await?;
            summary.count("objectives", outcome);
            objective_ids.insert(saved.number.clone(), saved.id);
        }

        for a in &draft.actions {
            let objective_id = *objective_ids
                .get(&a.objective)
                .ok_or_else(|| Error::not_found("objective", &a.objective))?;
            self.import_action(
                &txn,
                actor,
                &lifecycle,
                &plan,
                objective_id,
                a,
                &institution_ids,
                &mut summary,
            )
            .await?;
        }

        let existing: Vec<performance_indicator::Model> = performance_indicator::Entity::find()
            .filter(performance_indicator::Column::PlanId.eq(plan.id))
            .order_by_asc(performance_indicator::Column::Position)
            .all(&txn)
            .await?;
        for (position, pi) in (0i32..).zip(&draft.performance_indicators) {
            let found = existing.iter().find(|e| e.position == position).cloned();
            let existed = found.is_some();
            let mut model: performance_indicator::ActiveModel = match found {
                Some(f) => f.into(),
                None => performance_indicator::ActiveModel {
                    plan_id: Set(plan.id),
                    position: Set(position),
                    ..Default::default()
                },
            };
            let columns = SpecColumns::from(&pi.spec);
            let responsible = match &pi.responsible {
                None => None,
                Some(code) => Some(
                    *institution_ids
                        .get(code)
                        .ok_or_else(|| Error::not_found("institution", code))?,
                ),
            };
            model.name.set_ne(pi.name.clone());
            model.unit.set_ne(Some(columns.unit));
            model.target.set_ne(columns.target.unwrap_or_default());
            model.baseline_value.set_ne(columns.baseline_value);
            model.baseline_period.set_ne(columns.baseline_period);
            model.direction.set_ne(columns.direction);
            model.aggregation.set_ne(Some(columns.aggregation));
            model.comparison.set_ne(pi.comparison.clone());
            model.reporting.set_ne(pi.reporting.clone());
            model.responsible_id.set_ne(responsible);
            let (_, outcome) = save(&txn, model, existed).await?;
            summary.count("performance indicators", outcome);
        }
        if existing.len() > draft.performance_indicators.len() {
            let kept = i32::try_from(draft.performance_indicators.len()).unwrap_or(i32::MAX);
            performance_indicator::Entity::delete_many()
                .filter(performance_indicator::Column::PlanId.eq(plan.id))
                .filter(performance_indicator::Column::Position.gte(kept))
                .exec(&txn)
                .await?;
        }

        let changed = summary
            .changes
            .values()
            .any(|c| c.created > 0 || c.updated > 0)
            || summary.tasks_cancelled > 0;
        if changed {
            let mut event = NewEvent::on_plan(plan.id, "plan_imported");
            event.payload = json!({
                "changes": summary.changes.iter().map(|(k, c)| (k.to_string(), json!({"created": c.created, "updated": c.updated, "unchanged": c.unchanged}))).collect::<serde_json::Map<_, _>>(),
                "tasks_cancelled": summary.tasks_cancelled,
            });
            audit::append(&txn, actor, now, event).await?;
            // Its tasks, due dates, assignments or policy may have changed.
            self.plan_reminders_of_plan_in(&txn, plan.id).await?;
        }
        if dry_run {
            txn.rollback().await?;
        } else {
            self.commit(txn).await?;
        }
        Ok(summary)
    }

    #[allow(clippy::too_many_arguments)]
    async fn import_action<C: ConnectionTrait>(
        &self,
        txn: &C,
        actor: &Actor,
        lifecycle: &Lifecycle,
        plan: &plan::Model,
        objective_id: i64,
        a: &ActionDraft,
        institution_ids: &BTreeMap<String, i64>,
        summary: &mut ImportSummary,
    ) -> Result<()> {
        let now = self.now();
        let found = action::Entity::find()
            .filter(action::Column::PlanId.eq(plan.id))
            .filter(action::Column::Number.eq(&a.number))
            .one(txn)
            .await?;
        let existed = found.is_some();
        let mut model: action::ActiveModel = match found {
            Some(f) => f.into(),
            None => action::ActiveModel {
                plan_id: Set(plan.id),
                number: Set(a.number.clone()),
                ..Default::default()
            },
        };
        model.objective_id.set_ne(objective_id);
        model.text.set_ne(a.text.clone());
        model.deadline.set_ne(a.deadline.clone());
        model.recurrence.set_ne(a.recurrence.clone());
        model.funding.set_ne(json!(a.funding));
        let (saved, outcome) = save(txn, model, existed).await?;
        summary.count("actions", outcome);

        let indicators = indicator::Entity::find()
            .filter(indicator::Column::ActionId.eq(saved.id))
            .order_by_asc(indicator::Column::Position)
            .all(txn)
            .await?;
        let same = indicators.len() == a.indicators.len()
            && indicators
                .iter()
                .zip(&a.indicators)
                .all(|(i, n)| n.is_stored_as(i));
        if !same {
            plans::replace_indicators(txn, saved.id, &a.indicators).await?;
        }

        let id = |code: &String| {
            institution_ids
                .get(code)
                .copied()
                .ok_or_else(|| Error::not_found("institution", code))
        };
        let assignment = Assignment {
            lead: id(&a.lead)?,
            responsible: a.responsible.iter().map(id).collect::<Result<_>>()?,
            partners: a.partners.iter().map(id).collect::<Result<_>>()?,
        };
        let count_tasks = || {
            task::Entity::find()
                .filter(task::Column::ActionId.eq(saved.id))
                .count(txn)
        };
        let before = count_tasks().await?;
        let assigned = plans::assign(txn, actor, now, &saved, lifecycle, &assignment).await?;
        summary.tasks_cancelled += assigned.cancelled.len();
        plans::open_periods(txn, actor, now, &saved, &lifecycle.initial, &a.periods).await?;
        let after = count_tasks().await?;
        let tasks = summary.changes.entry("tasks").or_default();
        tasks.created += usize::try_from(after.saturating_sub(before)).unwrap_or(usize::MAX);
        tasks.unchanged += usize::try_from(before).unwrap_or(usize::MAX);
        summary.tasks_cancelled +=
            plans::withdraw_periods(txn, actor, now, &saved, lifecycle, &a.periods).await?;
        Ok(())
    }
}
