//! An institution's inbox: its open tasks, grouped by what they need now.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{local_date, zone_of};
use crate::access::task_scope;
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{action, event, institution, objective, plan, reporting_period, task};
use crate::error::Result;
use crate::status::{Moment, Reason, Status};
use crate::tasks::lifecycle::Role;

/// The most tasks one inbox shows.
pub const INBOX_LIMIT: u64 = 500;
/// Tasks due within this many days are "due soon".
pub const DUE_SOON_DAYS: i64 = 30;

/// A group of the inbox, in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InboxGroup {
    /// Waiting to be acknowledged.
    ToAcknowledge,
    /// A report sent back for changes.
    Returned,
    /// Past its due date.
    Overdue,
    /// Due within [`DUE_SOON_DAYS`] days.
    DueSoon,
    /// Being worked on.
    InProgress,
    /// Reported, waiting for sign-off.
    AwaitingSignOff,
}

impl InboxGroup {
    /// Every group, in order.
    pub const ALL: [InboxGroup; 6] = [
        InboxGroup::ToAcknowledge,
        InboxGroup::Returned,
        InboxGroup::Overdue,
        InboxGroup::DueSoon,
        InboxGroup::InProgress,
        InboxGroup::AwaitingSignOff,
    ];

    /// Its key: `to_acknowledge`, `returned`, `overdue`, `due_soon`, `in_progress`,
    /// `awaiting_sign_off`.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxGroup::ToAcknowledge => "to_acknowledge",
            InboxGroup::Returned => "returned",
            InboxGroup::Overdue => "overdue",
            InboxGroup::DueSoon => "due_soon",
            InboxGroup::InProgress => "in_progress",
            InboxGroup::AwaitingSignOff => "awaiting_sign_off",
        }
    }
}

/// Which tasks an inbox shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxFilter {
    pub plan_id: Option<i64>,
    /// Only tasks whose period contains this date.
    pub period_on: Option<chrono::NaiveDate>,
    pub state: Option<String>,
}

/// One row of the inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxRow {
    pub task: task::Model,
    pub action: action::Model,
    pub plan: plan::Model,
    pub objective: Option<objective::Model>,
    pub period: reporting_period::Model,
    /// The due date in the institution's time zone.
    pub due_date: chrono::NaiveDate,
    /// Days from today to the due date (negative: overdue).
    pub days_left: i64,
    pub status: Status,
    pub reason: Reason,
}

/// An institution's open tasks by group (empty groups included, in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Inbox {
    pub institution: institution::Model,
    pub groups: Vec<(InboxGroup, Vec<InboxRow>)>,
    /// The plans the institution has open tasks in, for the filter.
    pub plans: Vec<plan::Model>,
    /// Whether more tasks matched than the inbox shows.
    pub truncated: bool,
}

impl Engine {
    /// The inbox of the institution `actor` acts for (its open tasks; none for an actor with no
    /// institution).
    pub async fn inbox(&self, actor: &Actor, filter: &InboxFilter) -> Result<Option<Inbox>> {
        let Some(institution_id) = actor.institution_id else {
            return Ok(None);
        };
        let db = self.db();
        let Some(institution) = institution::Entity::find_by_id(institution_id)
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let open = task::Entity::find()
            .filter(task_scope(actor))
            .filter(task::Column::InstitutionId.eq(institution_id))
            .filter(task::Column::Open.eq(true));
        let plan_ids: Vec<i64> = open
            .clone()
            .select_only()
            .column(task::Column::PlanId)
            .distinct()
            .into_tuple()
            .all(db)
            .await?;
        let plans = plan::Entity::find()
            .filter(plan::Column::Id.is_in(plan_ids))
            .order_by_asc(plan::Column::Code)
            .all(db)
            .await?;
        let mut query = open;
        if let Some(plan_id) = filter.plan_id {
            query = query.filter(task::Column::PlanId.eq(plan_id));
        }
        if let Some(state) = &filter.state {
            query = query.filter(task::Column::State.eq(state.as_str()));
        }
        if let Some(day) = filter.period_on {
            let periods = sea_orm::sea_query::Query::select()
                .column(reporting_period::Column::Id)
                .from(reporting_period::Entity)
                .and_where(reporting_period::Column::StartDate.lte(day))
                .and_where(reporting_period::Column::EndDate.gte(day))
                .to_owned();
            query = query.filter(task::Column::PeriodId.in_subquery(periods));
        }
        let mut tasks = query
            .order_by_asc(task::Column::DueAt)
            .order_by_asc(task::Column::Id)
            .limit(INBOX_LIMIT + 1)
            .all(db)
            .await?;
        let truncated = tasks.len() as u64 > INBOX_LIMIT;
        tasks.truncate(INBOX_LIMIT as usize);

        let ids = |f: fn(&task::Model) -> i64| -> Vec<i64> { tasks.iter().map(f).collect() };
        let actions: HashMap<i64, action::Model> = action::Entity::find()
            .filter(action::Column::Id.is_in(ids(|t| t.action_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let periods: HashMap<i64, reporting_period::Model> = reporting_period::Entity::find()
            .filter(reporting_period::Column::Id.is_in(ids(|t| t.period_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let objectives: HashMap<i64, objective::Model> = objective::Entity::find()
            .filter(objective::Column::Id.is_in(actions.values().map(|a| a.objective_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let all_plans: HashMap<i64, plan::Model> = plan::Entity::find()
            .filter(plan::Column::Id.is_in(ids(|t| t.plan_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        // The last event of each task, to tell a returned report from work in progress (a moved
        // due date is not news about the work).
        let mut last_event: HashMap<i64, String> = HashMap::new();
        for chunk in tasks.chunks(500) {
            let found = event::Entity::find()
                .filter(event::Column::TaskId.is_in(chunk.iter().map(|t| t.id)))
                .filter(event::Column::Kind.ne(crate::plans::DUE_MOVED))
                .order_by_asc(event::Column::Id)
                .all(db)
                .await?;
            for e in found {
                if let Some(task_id) = e.task_id {
                    last_event.insert(task_id, e.kind);
                }
            }
        }

        let now = self.now();
        let tz: chrono_tz::Tz = institution.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let today = local_date(now, tz);
        let policy = self.status_policy()?;
        let mut grouped: BTreeMap<InboxGroup, Vec<InboxRow>> = BTreeMap::new();
        for task in tasks {
            let (Some(action), Some(period), Some(plan)) = (
                actions.get(&task.action_id),
                periods.get(&task.period_id),
                all_plans.get(&task.plan_id),
            ) else {
                continue;
            };
            let lifecycle = self.lifecycle(&plan.lifecycle)?;
            let returned = lifecycle.role(Role::Return);
            let awaiting = lifecycle
                .role(Role::SignOff)
                .is_some_and(|t| t.from.contains(&task.state));
            let due_date = local_date(task.due_at, tz);
            let days_left = (due_date - today).num_days();
            let group = if lifecycle.awaits_acknowledgement(&task.state) {
                InboxGroup::ToAcknowledge
            } else if returned
                .is_some_and(|r| r.to == task.state && last_event.get(&task.id) == Some(&r.name))
            {
                InboxGroup::Returned
            } else if awaiting {
                InboxGroup::AwaitingSignOff
            } else if task.due_at < now {
                InboxGroup::Overdue
            } else if days_left <= DUE_SOON_DAYS {
                InboxGroup::DueSoon
            } else {
                InboxGroup::InProgress
            };
            let at = Moment {
                now,
                zone: zone_of(plan),
            };
            let rating = policy.of_task(&task, &lifecycle, period.start_date, at);
            grouped.entry(group).or_default().push(InboxRow {
                objective: objectives.get(&action.objective_id).cloned(),
                action: action.clone(),
                plan: plan.clone(),
                period: period.clone(),
                due_date,
                days_left,
                status: rating.status,
                reason: rating.reason,
                task,
            });
        }
        Ok(Some(Inbox {
            institution,
            groups: InboxGroup::ALL
                .into_iter()
                .map(|g| (g, grouped.remove(&g).unwrap_or_default()))
                .collect(),
            plans,
            truncated,
        }))
    }
}
