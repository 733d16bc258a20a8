//! What a transition does besides changing the task's state: move the task to another
//! institution (`target: institution`, forwarding) or move its due date on (`extends_due`, an
//! extension of the term). Both are checked before anything is written.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::entity::{action, assignment, event, institution, plan, register_department, task};
use crate::error::{Error, Result};
use crate::notifications::reminders::Calendar;
use crate::tasks::lifecycle::{Extension, Transition};

/// An institution a task moves to.
pub(super) struct Move {
    pub from: institution::Model,
    pub to: institution::Model,
}

/// A due date moved on.
pub(super) struct Extended {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// The institutions a task of `plan` may move to: a register's departments, or the
/// institutions taking part in any action of a plan.
pub(crate) async fn movable_to<C: ConnectionTrait>(db: &C, plan: &plan::Model) -> Result<Vec<i64>> {
    let ids: Vec<i64> = if plan.kind == crate::registers::REGISTER_KIND {
        register_department::Entity::find()
            .select_only()
            .column(register_department::Column::InstitutionId)
            .filter(register_department::Column::PlanId.eq(plan.id))
            .into_tuple()
            .all(db)
            .await?
    } else {
        let actions = sea_orm::sea_query::Query::select()
            .column(action::Column::Id)
            .from(action::Entity)
            .and_where(action::Column::PlanId.eq(plan.id))
            .to_owned();
        assignment::Entity::find()
            .select_only()
            .column(assignment::Column::InstitutionId)
            .filter(assignment::Column::ActionId.in_subquery(actions))
            .distinct()
            .into_tuple()
            .all(db)
            .await?
    };
    Ok(ids)
}

/// Resolves and checks the target of a transition: required by a `target: institution`
/// transition and refused by any other; an institution (code, or id) the plan may move tasks
/// to, other than the task's own (`from`), and not already holding a task in the same period.
pub(super) async fn target_of<C: ConnectionTrait>(
    db: &C,
    plan: &plan::Model,
    task: &task::Model,
    from: &institution::Model,
    transition: &Transition,
    target: Option<&str>,
) -> Result<Option<Move>> {
    let target = match (transition.target, target.map(str::trim)) {
        (None, None) => return Ok(None),
        (None, Some(_)) => {
            return Err(Error::validation(
                "target",
                format!("`{}` takes no target institution", transition.name),
            ));
        }
        (Some(_), None | Some("")) => {
            return Err(Error::validation(
                "target",
                format!("`{}` needs a target institution", transition.name),
            ));
        }
        (Some(_), Some(target)) => target,
    };
    let by_code = institution::Entity::find()
        .filter(institution::Column::Code.eq(target))
        .one(db)
        .await?;
    let found = match (by_code, target.parse::<i64>()) {
        (Some(found), _) => Some(found),
        (None, Ok(id)) => institution::Entity::find_by_id(id).one(db).await?,
        (None, Err(_)) => None,
    };
    let allowed = movable_to(db, plan).await?;
    let Some(to) = found.filter(|i| allowed.contains(&i.id)) else {
        let mut codes: Vec<String> = institution::Entity::find()
            .filter(institution::Column::Id.is_in(allowed))
            .all(db)
            .await?
            .into_iter()
            .map(|i| i.code)
            .collect();
        codes.sort();
        return Err(Error::validation(
            "target",
            format!(
                "`{target}` is not an institution of {} `{}` (one of: {})",
                if plan.kind == crate::registers::REGISTER_KIND {
                    "register"
                } else {
                    "plan"
                },
                plan.code,
                codes.join(", ")
            ),
        ));
    };
    if to.id == task.institution_id {
        return Err(Error::validation(
            "target",
            format!("task {} already belongs to {}", task.id, to.code),
        ));
    }
    let holds = task::Entity::find()
        .filter(task::Column::PeriodId.eq(task.period_id))
        .filter(task::Column::InstitutionId.eq(to.id))
        .count(db)
        .await?;
    if holds > 0 {
        return Err(Error::validation(
            "target",
            format!("{} already has a task for this action and period", to.code),
        ));
    }
    Ok(Some(Move {
        from: from.clone(),
        to,
    }))
}

/// The due date an extension gives `task`: its wording counted from the current due date, in
/// the plan's time zone and calendar; refused once the task was extended `at_most` times.
pub(super) async fn extension_of<C: ConnectionTrait>(
    db: &C,
    plan: &plan::Model,
    task: &task::Model,
    transition: &Transition,
) -> Result<Option<Extended>> {
    let Some(Extension {
        wording,
        by,
        at_most,
    }) = &transition.extends_due
    else {
        return Ok(None);
    };
    if let Some(at_most) = at_most {
        let done = event::Entity::find()
            .filter(event::Column::TaskId.eq(task.id))
            .filter(event::Column::Kind.eq(&transition.name))
            .count(db)
            .await?;
        if done >= u64::from(*at_most) {
            return Err(Error::validation(
                "transition",
                format!(
                    "task {} was already extended ({} of at most {at_most}: `{}` may not be fired again)",
                    task.id, done, transition.name
                ),
            ));
        }
    }
    let tz = plan.zone()?;
    let to = by
        .due(task.due_at, tz, Calendar::for_time_zone(tz.name()))
        .ok_or_else(|| {
            Error::validation(
                "transition",
                format!(
                    "`{wording}` from {} is past the end of the calendar",
                    task.due_at
                ),
            )
        })?;
    Ok(Some(Extended {
        from: task.due_at,
        to,
    }))
}
