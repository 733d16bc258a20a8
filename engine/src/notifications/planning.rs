//! The instant each open task must next be looked at by the scheduler (`tasks.next_reminder_at`),
//! so that a pass reads only the tasks whose instant has come.
//!
//! A change to what a task's reminders depend on either plans the task again here, in the
//! change's transaction (an institution's settings, an import, a plan whose policy changed), or
//! sets its instant to the change's own (a transition, a new task, a moved due date): the next
//! pass looks at it, writes again what it is still owed (its pending reminders were dropped) and
//! plans it. A pass also plans again every task of a plan whose policy, lifecycle or time zone
//! is no longer the one its tasks were planned with (a policy file edited, a new version of
//! Mandate, tasks of a database that never had the column).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
};
use sha2::{Digest, Sha256};

use super::{Kind, NewNotification, addresses};
use crate::engine::Engine;
use crate::entity::{institution, plan, setting, task};
use crate::error::Result;
use crate::notifications::reminders::policy::InstitutionSettings;
use crate::notifications::reminders::{
    Calendar, Delivery, Recipient, ReminderPolicy, TaskFacts, next_reminder_at,
};
use crate::tasks::lifecycle::Lifecycle;

/// Open tasks read (and planned) per query.
pub(super) const PAGE: u64 = 5000;

/// The setting that holds, per plan, the fingerprint of what its tasks were planned with
/// (a JSON object: plan id → fingerprint).
const PLANNED_WITH: &str = "scheduler.planned_with";

/// What a pass or a planning reads once: plans, institutions, policies, own settings.
pub(super) struct World {
    /// Plans not archived, with their policy and lifecycle.
    pub plans: HashMap<i64, (plan::Model, Arc<ReminderPolicy>, Arc<Lifecycle>)>,
    pub institutions: HashMap<i64, institution::Model>,
    /// Institutions' own settings.
    own: HashMap<i64, InstitutionSettings>,
}

/// What the scheduler needs to know of one task to plan it.
pub(super) struct Planned<'w> {
    pub plan: &'w plan::Model,
    pub policy: &'w Arc<ReminderPolicy>,
    pub institution: &'w institution::Model,
    pub facts: TaskFacts,
    pub to: Recipient,
    pub digest: bool,
}

impl World {
    /// Reads the world as the engine sees it now (archived plans are done with: nothing more is
    /// sent for them).
    pub async fn load<C: ConnectionTrait>(engine: &Engine, db: &C) -> Result<Self> {
        let mut plans = HashMap::new();
        for plan in plan::Entity::find()
            .filter(plan::Column::ArchivedAt.is_null())
            .all(db)
            .await?
        {
            let policy = engine.reminder_policy(plan.reminder_policy.as_deref())?;
            let lifecycle = engine.lifecycle(&plan.lifecycle)?;
            plans.insert(plan.id, (plan, policy, lifecycle));
        }
        let institutions = institution::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        Ok(Self {
            plans,
            institutions,
            own: engine.own_notification_settings(db).await?,
        })
    }

    pub fn recipient(
        &self,
        institution: &institution::Model,
        policy: &ReminderPolicy,
        plan_tz: &str,
    ) -> Recipient {
        let tz: Tz = institution
            .time_zone
            .parse()
            .or_else(|_| plan_tz.parse())
            .unwrap_or(chrono_tz::UTC);
        Recipient {
            tz,
            calendar: Calendar::for_time_zone(tz.name()),
            send_at: policy.send_at_for(&institution.code, self.own_settings(institution.id)),
        }
    }

    fn own_settings(&self, institution_id: i64) -> &InstitutionSettings {
        static NONE: InstitutionSettings = InstitutionSettings {
            delivery: None,
            send_at: None,
        };
        self.own.get(&institution_id).unwrap_or(&NONE)
    }

    /// What `t`'s reminders depend on; none when nothing is sent for it (its plan is archived).
    pub fn planned(&self, t: &task::Model) -> Option<Planned<'_>> {
        let (plan, policy, lifecycle) = self.plans.get(&t.plan_id)?;
        let institution = self.institutions.get(&t.institution_id)?;
        Some(Planned {
            plan,
            policy,
            institution,
            facts: TaskFacts {
                created_at: t.created_at,
                due_at: t.due_at,
                unacknowledged: lifecycle.awaits_acknowledgement(&t.state),
            },
            to: self.recipient(institution, policy, &plan.time_zone),
            digest: policy.delivery_for(&institution.code, self.own_settings(institution.id))
                == Delivery::DailyDigest,
        })
    }

    /// Every address of `institution_id`, as notifications of `kind` about `task` at `slot`.
    pub fn to_institution(
        &self,
        institution_id: i64,
        kind: Kind,
        task: Option<i64>,
        slot: DateTime<Utc>,
    ) -> Vec<NewNotification> {
        self.institutions
            .get(&institution_id)
            .map(addresses)
            .unwrap_or_default()
            .into_iter()
            .map(|recipient| NewNotification {
                kind,
                task_id: task,
                institution_id,
                recipient,
                slot,
            })
            .collect()
    }

    /// What a plan's tasks are planned with, as a short digest: this version of Mandate (its
    /// planner and calendars), the plan's time zone, its reminder policy and which states of its
    /// lifecycle await an acknowledgement.
    fn fingerprint(plan: &plan::Model, policy: &ReminderPolicy, lifecycle: &Lifecycle) -> String {
        let waiting: Vec<&String> = lifecycle
            .states()
            .iter()
            .filter(|s| lifecycle.awaits_acknowledgement(s))
            .collect();
        let text = format!(
            "{}|{}|{policy:?}|{}|{waiting:?}",
            env!("CARGO_PKG_VERSION"),
            plan.time_zone,
            lifecycle.name
        );
        crate::hex::encode(&Sha256::digest(text.as_bytes())[..12])
    }
}

/// Writes `next`'s (task, instant) pairs, and marks those of `queued` as having
/// deadline notifications in the outbox: a statement per thousand tasks, each setting every
/// task's own values from a list, since the instants of a page of tasks are mostly all
/// different. PostgreSQL reads the list as one JSON parameter (a statement with thousands of
/// parameters costs more to build, send and plan than to run); SQLite, in the process, reads
/// it as `VALUES`.
pub(super) async fn save_instants<C: ConnectionTrait>(
    db: &C,
    next: &[(i64, Option<DateTime<Utc>>)],
    queued: &BTreeSet<i64>,
) -> Result<()> {
    let backend = db.get_database_backend();
    for chunk in next.chunks(1000) {
        let statement = if backend == DbBackend::Postgres {
            let rows: Vec<serde_json::Value> = chunk
                .iter()
                .map(|(id, instant)| {
                    serde_json::json!({
                        "id": id,
                        "next": instant.map(|i| i.trunc_subsecs(6)),
                        "queued": queued.contains(id),
                    })
                })
                .collect();
            Statement::from_sql_and_values(
                backend,
                "UPDATE tasks SET next_reminder_at = v.next, \
                 reminders_queued = (tasks.reminders_queued OR v.queued) \
                 FROM jsonb_to_recordset($1) AS v(id bigint, next timestamptz, queued boolean) \
                 WHERE tasks.id = v.id",
                [sea_orm::Value::from(serde_json::Value::Array(rows))],
            )
        } else {
            let mut values = Vec::with_capacity(3 * chunk.len());
            for (id, instant) in chunk {
                values.push(sea_orm::Value::from(*id));
                values.push(sea_orm::Value::from(*instant));
                values.push(sea_orm::Value::from(queued.contains(id)));
            }
            let rows = vec!["(?, ?, ?)"; chunk.len()].join(", ");
            Statement::from_sql_and_values(
                backend,
                format!(
                    "UPDATE tasks SET next_reminder_at = v.column2, \
                     reminders_queued = (tasks.reminders_queued OR v.column3) \
                     FROM (VALUES {rows}) AS v WHERE tasks.id = v.column1"
                ),
                values,
            )
        };
        db.execute_raw(statement).await?;
    }
    Ok(())
}

/// Plans again, as of `now`, every open task matching `which` (a condition on the plan or the
/// institution), page by page. Returns how many.
pub(super) async fn plan_tasks<C: ConnectionTrait>(
    db: &C,
    world: &World,
    which: Condition,
    now: DateTime<Utc>,
) -> Result<u64> {
    // The ids first, through the index of `which` alone: with `open` or an order by id in the
    // query, SQLite's planner walks every open task of the database instead.
    let mut ids: Vec<i64> = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .filter(which)
        .into_tuple()
        .all(db)
        .await?;
    ids.sort_unstable();
    let mut planned = 0;
    for chunk in ids.chunks(PAGE as usize) {
        let page = task::Entity::find()
            .filter(task::Column::Id.is_in(chunk.iter().copied()))
            .filter(task::Column::Open.eq(true))
            .order_by_asc(task::Column::Id)
            .all(db)
            .await?;
        let mut next = Vec::with_capacity(page.len());
        for t in &page {
            let instant = world
                .planned(t)
                .and_then(|p| next_reminder_at(&p.facts, p.policy, &p.to, p.digest, now));
            next.push((t.id, instant));
        }
        planned += page.len() as u64;
        save_instants(db, &next, &BTreeSet::new()).await?;
    }
    Ok(planned)
}

/// Plans again, as of `now`, every open task of the plans `ids` and records what they were
/// planned with. Returns how many tasks were planned.
async fn plan_plans<C: ConnectionTrait>(
    db: &C,
    world: &World,
    ids: Vec<i64>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let stored = setting::Entity::find_by_id(PLANNED_WITH).one(db).await?;
    let mut known: BTreeMap<i64, String> = stored
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default();
    let mut stale = Vec::new();
    for id in ids {
        if let Some((plan, policy, lifecycle)) = world.plans.get(&id) {
            known.insert(id, World::fingerprint(plan, policy, lifecycle));
            stale.push(id);
        }
    }
    let planned = plan_tasks(
        db,
        world,
        Condition::all().add(task::Column::PlanId.is_in(stale)),
        now,
    )
    .await?;
    known.retain(|id, _| world.plans.contains_key(id));
    setting::Entity::insert(setting::ActiveModel {
        name: Set(PLANNED_WITH.to_owned()),
        value: Set(serde_json::to_string(&known).unwrap_or_default()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Name)
            .update_column(setting::Column::Value)
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(planned)
}

/// Plans again the tasks of every plan whose fingerprint is not the one its tasks were planned
/// with (or that was never planned). Returns how many tasks were planned.
pub(super) async fn plan_stale_plans<C: ConnectionTrait>(
    db: &C,
    world: &World,
    now: DateTime<Utc>,
) -> Result<u64> {
    let stored = setting::Entity::find_by_id(PLANNED_WITH).one(db).await?;
    let known: BTreeMap<i64, String> = stored
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default();
    let stale: Vec<i64> = world
        .plans
        .iter()
        .filter(|(id, (plan, policy, lifecycle))| {
            known.get(id) != Some(&World::fingerprint(plan, policy, lifecycle))
        })
        .map(|(id, _)| *id)
        .collect();
    if stale.is_empty() {
        return Ok(0);
    }
    tracing::info!(plans = ?stale, "planning the reminders of plans not planned with their policy");
    plan_plans(db, world, stale, now).await
}

/// The instant a task changed at `now` is to be looked at: at once while it is open (the next
/// pass writes again what it is still owed and plans it), never once it is closed.
pub(crate) fn look_again(open: bool, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    open.then_some(now)
}

impl Engine {
    /// Plans again, in the caller's transaction, the next reminder of every open task matching
    /// `which` as of now. Returns how many tasks were planned.
    pub(crate) async fn plan_reminders_in<C: ConnectionTrait>(
        &self,
        db: &C,
        which: Condition,
    ) -> Result<u64> {
        let world = World::load(self, db).await?;
        plan_tasks(db, &world, which, self.now()).await
    }

    /// Plans again, in the caller's transaction, the next reminder of every open task of plan
    /// `plan_id` (its policy may have changed), and records what they were planned with.
    pub(crate) async fn plan_reminders_of_plan_in<C: ConnectionTrait>(
        &self,
        db: &C,
        plan_id: i64,
    ) -> Result<u64> {
        let world = World::load(self, db).await?;
        plan_plans(db, &world, vec![plan_id], self.now()).await
    }

    /// Plans again the next reminder of every open task of plan `code`, in batches (for tasks
    /// written by other means than the engine, such as a bench's bulk set-up). Returns how many.
    pub async fn plan_reminders_of_plan(&self, code: &str) -> Result<u64> {
        let txn = crate::db::begin_write(self.db()).await?;
        let plan = plan::Entity::find()
            .filter(plan::Column::Code.eq(code))
            .one(&txn)
            .await?
            .ok_or_else(|| crate::error::Error::not_found("plan", code))?;
        let planned = self.plan_reminders_of_plan_in(&txn, plan.id).await?;
        txn.commit().await?;
        Ok(planned)
    }
}
