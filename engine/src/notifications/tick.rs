//! One scheduler pass: every reminder due as of an instant, written to the outbox.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::{Kind, NewNotification, addresses, enqueue};
use crate::engine::Engine;
use crate::entity::{institution, plan, setting, task};
use crate::error::Result;
use crate::notifications::reminders::policy::InstitutionSettings;
use crate::notifications::reminders::{
    Calendar, Delivery, Recipient, ReminderPolicy, TaskFacts, due_reminders,
};
use crate::tasks::lifecycle::Lifecycle;

/// Open tasks read per query.
const PAGE: u64 = 5000;

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickSummary {
    /// Open tasks looked at.
    pub tasks: u64,
    /// New outbox rows (rows already there are not counted).
    pub written: u64,
    /// Tasks owed a reminder whose institution has no e-mail address.
    pub unreachable: u64,
    /// Another replica was running a pass, or the pass as of the same instant had run already:
    /// this one looked at nothing and wrote nothing.
    pub skipped: bool,
}

/// The setting that holds the instant of the last pass (RFC 3339).
const LAST_PASS: &str = "scheduler.last_pass";

/// What a pass reads once: plans, institutions, policies.
struct World {
    plans: HashMap<i64, (plan::Model, Arc<ReminderPolicy>, Arc<Lifecycle>)>,
    institutions: HashMap<i64, institution::Model>,
    /// Institutions' own settings.
    own: HashMap<i64, InstitutionSettings>,
}

impl World {
    fn recipient(
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

    /// Every address of `institution_id`, as notifications of `kind` about `task` at `slot`.
    fn to_institution(
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
}

impl Engine {
    /// One scheduler pass as of `at`: computes every reminder due and not yet in the outbox and
    /// writes it there, in one transaction that holds the scheduler's lock. A pass skips (and
    /// says so in its summary) when another replica's pass is running (PostgreSQL; on SQLite
    /// passes queue on the write lock) or when the pass as of the same instant has run already,
    /// so that replicas woken by the same cron instant run it once. A pass as of another
    /// instant writes only what is not in the outbox yet.
    #[tracing::instrument(skip_all, fields(at = %at))]
    pub async fn tick(&self, at: DateTime<Utc>) -> Result<TickSummary> {
        let own = self.own_notification_settings().await?;
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
        let mut plans = HashMap::new();
        // Archived plans are done with: nothing more is sent for them.
        for plan in plan::Entity::find()
            .filter(plan::Column::ArchivedAt.is_null())
            .all(&txn)
            .await?
        {
            let policy = self.reminder_policy(plan.reminder_policy.as_deref())?;
            let lifecycle = self.lifecycle(&plan.lifecycle)?;
            plans.insert(plan.id, (plan, policy, lifecycle));
        }
        let institutions = institution::Entity::find()
            .all(&txn)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let world = World {
            plans,
            institutions,
            own,
        };
        let mut summary = TickSummary::default();
        let mut digests: BTreeMap<i64, Arc<ReminderPolicy>> = BTreeMap::new();
        let mut after = 0;
        loop {
            let page = task::Entity::find()
                .filter(task::Column::Open.eq(true))
                .filter(task::Column::Id.gt(after))
                .order_by_asc(task::Column::Id)
                .limit(PAGE)
                .all(&txn)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            let mut batch = Vec::new();
            for t in &page {
                summary.tasks += 1;
                let (Some((plan, policy, lifecycle)), Some(institution)) = (
                    world.plans.get(&t.plan_id),
                    world.institutions.get(&t.institution_id),
                ) else {
                    continue;
                };
                let to = world.recipient(institution, policy, &plan.time_zone);
                let facts = TaskFacts {
                    created_at: t.created_at,
                    due_at: t.due_at,
                    unacknowledged: lifecycle.awaits_acknowledgement(&t.state),
                };
                let digest = policy
                    .delivery_for(&institution.code, world.own_settings(institution.id))
                    == Delivery::DailyDigest;
                let owed = due_reminders(&facts, policy, &to, at);
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
                    } else if digest {
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
            }
            summary.written += enqueue(&txn, at, &batch).await?;
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
        Ok(summary)
    }
}
