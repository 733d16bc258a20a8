//! One scheduler pass: the reminders due as of an instant, written to the outbox, for the tasks
//! whose next reminder has come (see [`super::planning`]).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::planning::{PAGE, World, plan_stale_plans, save_instants};
use super::{Kind, addresses, enqueue};
use crate::engine::Engine;
use crate::entity::{setting, task};
use crate::error::Result;
use crate::notifications::reminders::{ReminderPolicy, due_reminders, next_look};

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickSummary {
    /// Open tasks looked at: those whose next reminder had come.
    pub tasks: u64,
    /// Open tasks planned again because their plan's policy changed (or they were never
    /// planned).
    pub planned: u64,
    /// New outbox rows (rows already there are not counted).
    pub written: u64,
    /// Tasks owed a reminder whose institution has no e-mail address.
    pub unreachable: u64,
    /// Another replica was running a pass, or the pass as of the same instant had run already:
    /// this one looked at nothing and wrote nothing.
    pub skipped: bool,
}

/// Tasks a pass looks at or plans from which it brings the planner's statistics up to date.
const STATISTICS_AFTER: u64 = 10_000;

/// The setting that holds the instant of the last pass (RFC 3339).
const LAST_PASS: &str = "scheduler.last_pass";

impl Engine {
    /// One scheduler pass as of `at`: looks at the open tasks whose next reminder has come,
    /// writes what they are owed and not yet in the outbox, and plans their next one, in one
    /// transaction that holds the scheduler's lock (the tasks of plans whose policy changed are
    /// planned again first). A pass skips (and says so in its summary) when another replica's
    /// pass is running (PostgreSQL; on SQLite passes queue on the write lock) or when the pass
    /// as of the same instant has run already, so that replicas woken by the same cron instant
    /// run it once. A pass as of another instant writes only what is not in the outbox yet.
    #[tracing::instrument(skip_all, fields(at = %at))]
    pub async fn tick(&self, at: DateTime<Utc>) -> Result<TickSummary> {
        // One pass at a time over the whole database, whichever replica runs it: the pass is one
        // transaction holding the scheduler's lock.
        let txn = crate::db::begin_write(self.db()).await?;
        let stamp = at.to_rfc3339();
        let skip = if crate::db::try_lock_scheduler(&txn).await? {
            let last = setting::Entity::find_by_id(LAST_PASS).one(&txn).await?;
            last.is_some_and(|s| s.value == stamp)
                .then_some("the pass as of this instant already ran")
        } else {
            Some("another replica is running one")
        };
        if let Some(reason) = skip {
            txn.rollback().await?;
            tracing::info!(reason, "tick skipped");
            return Ok(TickSummary {
                skipped: true,
                ..TickSummary::default()
            });
        }
        let world = World::load(self, &txn).await?;
        let mut summary = TickSummary {
            planned: plan_stale_plans(&txn, &world, at).await?,
            ..TickSummary::default()
        };
        let mut digests: BTreeMap<i64, Arc<ReminderPolicy>> = BTreeMap::new();
        // Only the tasks whose instant has come, found through the instant's index alone: asked
        // for them in id order, SQLite's planner walks every open task by id instead.
        let mut due: Vec<i64> = task::Entity::find()
            .select_only()
            .column(task::Column::Id)
            .filter(task::Column::NextReminderAt.lte(at))
            .into_tuple()
            .all(&txn)
            .await?;
        due.sort_unstable();
        for ids in due.chunks(PAGE as usize) {
            // Locked (on PostgreSQL) so that a transition committed meanwhile is not planned
            // over with what it changed; one changed since the ids were read is looked at as
            // it is now.
            let page = task::Entity::find()
                .filter(task::Column::Id.is_in(ids.iter().copied()))
                .filter(task::Column::NextReminderAt.lte(at))
                .filter(task::Column::Open.eq(true))
                .order_by_asc(task::Column::Id)
                .lock_exclusive()
                .all(&txn)
                .await?;
            let mut batch = Vec::new();
            let mut next = Vec::with_capacity(page.len());
            for t in &page {
                summary.tasks += 1;
                let Some(planned) = world.planned(t) else {
                    // Its plan is archived: nothing more is sent for it.
                    next.push((t.id, None));
                    continue;
                };
                let (plan, policy, institution) =
                    (planned.plan, planned.policy, planned.institution);
                let owed = due_reminders(&planned.facts, policy, &planned.to, at);
                if !owed.is_empty() && addresses(institution).is_empty() {
                    summary.unreachable += 1;
                }
                for due in owed {
                    if due.kind == Kind::Escalation {
                        let mut up: BTreeSet<i64> = BTreeSet::from([plan.owner_id]);
                        up.extend(institution.parent_id);
                        for id in up {
                            batch.extend(world.to_institution(id, due.kind, Some(t.id), due.slot));
                        }
                    } else if planned.digest {
                        digests.insert(institution.id, policy.clone());
                    } else {
                        batch.extend(world.to_institution(
                            institution.id,
                            due.kind,
                            Some(t.id),
                            due.slot,
                        ));
                    }
                }
                let look = next_look(&planned.facts, policy, &planned.to, planned.digest, at);
                next.push((t.id, look));
            }
            summary.written += enqueue(&txn, at, &batch).await?;
            // The tasks the pass queued deadline notifications of, which their next transition
            // drops if still unsent.
            let queued: BTreeSet<i64> = batch
                .iter()
                .filter(|n| n.kind.is_deadline())
                .filter_map(|n| n.task_id)
                .collect();
            save_instants(&txn, &next, &queued).await?;
        }
        // One digest a day per institution that chose it and has something to tell.
        let mut batch = Vec::new();
        for (id, policy) in digests {
            let Some(institution) = world.institutions.get(&id) else {
                continue;
            };
            let to = world.recipient(institution, &policy, "UTC");
            let today = at.with_timezone(&to.tz).date_naive();
            let slot = to
                .tz
                .from_local_datetime(&today.and_time(to.send_at))
                .earliest()
                .map(|s| s.with_timezone(&Utc));
            if let Some(slot) = slot.filter(|s| *s <= at) {
                batch.extend(world.to_institution(id, Kind::Digest, None, slot));
            }
        }
        summary.written += enqueue(&txn, at, &batch).await?;
        setting::Entity::insert(setting::ActiveModel {
            name: Set(LAST_PASS.to_owned()),
            value: Set(stamp),
        })
        .on_conflict(
            OnConflict::column(setting::Column::Name)
                .update_column(setting::Column::Value)
                .to_owned(),
        )
        .exec(&txn)
        .await?;
        txn.commit().await?;
        // A pass that looked at many tasks followed a big import or a downtime: the statistics
        // of SQLite's planner follow. Not after every pass: on a database of a million tasks
        // the check alone costs more than a quiet pass.
        if summary.tasks + summary.planned >= STATISTICS_AFTER
            && let Err(e) = crate::db::keep_statistics(self.db()).await
        {
            tracing::warn!(error = %e, "cannot bring the planner's statistics up to date");
        }
        Ok(summary)
    }
}
