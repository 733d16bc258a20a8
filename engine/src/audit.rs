//! The append-only event log. Events are written in the same transaction as the change they
//! record, and each is chained by hash to the previous event of its plan
//! ([`mandate_migrations::audit_chain`] has the format), so that [`verify`] finds an event changed
//! or removed behind the engine's back.

use chrono::{DateTime, SubsecRound, Utc};
use mandate_migrations::audit_chain::{EventContent, GENESIS, event_hash};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{event, plan};
use crate::error::{Error, Result};

/// Events read at a time while a trail is verified.
const VERIFY_BATCH: u64 = 1000;

/// One event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub plan_id: i64,
    pub action_id: Option<i64>,
    pub task_id: Option<i64>,
    pub kind: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub payload: serde_json::Value,
}

impl<'a> NewEvent<'a> {
    /// An event of `kind` on a plan, with nothing else filled in.
    pub fn on_plan(plan_id: i64, kind: &'a str) -> Self {
        Self {
            plan_id,
            action_id: None,
            task_id: None,
            kind,
            from_state: None,
            to_state: None,
            comment: None,
            payload: serde_json::Value::Object(Default::default()),
        }
    }
}

/// Appends `event` as done by `actor` at `at` (kept to the microsecond, as both databases store
/// it), chained to the plan's last event. This is the only way events are written; call it
/// inside the transaction of the change it records. On PostgreSQL it first locks the plan's row
/// until that transaction ends, so that two writers on one plan cannot fork its chain; on SQLite
/// the write lock taken at `BEGIN` (`db::begin_write`) already orders them.
pub async fn append<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    event: NewEvent<'_>,
) -> Result<event::Model> {
    let at = at.trunc_subsecs(6);
    if db.get_database_backend() == DbBackend::Postgres {
        plan::Entity::find_by_id(event.plan_id)
            .select_only()
            .column(plan::Column::Id)
            .lock(LockType::NoKeyUpdate)
            .into_tuple::<i64>()
            .one(db)
            .await?;
    }
    let prev_hash = event::Entity::find()
        .select_only()
        .column(event::Column::Hash)
        .filter(event::Column::PlanId.eq(event.plan_id))
        .order_by_desc(event::Column::Id)
        .into_tuple::<String>()
        .one(db)
        .await?
        .unwrap_or_else(|| GENESIS.to_owned());
    let hash = event_hash(
        &prev_hash,
        &EventContent {
            plan_id: event.plan_id,
            action_id: event.action_id,
            task_id: event.task_id,
            kind: event.kind,
            actor: &actor.name,
            actor_institution_id: actor.institution_id,
            at,
            from_state: event.from_state,
            to_state: event.to_state,
            comment: event.comment,
            payload: &event.payload,
        },
    );
    let model = event::ActiveModel {
        plan_id: Set(event.plan_id),
        action_id: Set(event.action_id),
        task_id: Set(event.task_id),
        kind: Set(event.kind.to_owned()),
        actor: Set(actor.name.clone()),
        actor_institution_id: Set(actor.institution_id),
        from_state: Set(event.from_state.map(str::to_owned)),
        to_state: Set(event.to_state.map(str::to_owned)),
        comment: Set(event.comment.map(str::to_owned)),
        payload: Set(event.payload),
        at: Set(at),
        prev_hash: Set(prev_hash),
        hash: Set(hash),
        ..Default::default()
    };
    crate::bus::insert_event(db, model).await
}

/// What [`Engine::verify_audit_trail`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every link holds.
    Intact {
        /// Plans whose trails were checked (archived ones included).
        plans: u64,
        /// Events checked.
        events: u64,
    },
    /// The first link that does not hold.
    Broken(BrokenLink),
}

/// The first event whose chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The plan's code.
    pub plan: String,
    /// The event at which the chain breaks.
    pub event_id: i64,
    /// What differs, in words.
    pub problem: String,
}

impl Engine {
    /// Recomputes the hash chain of every plan's events (or only of the plan `plan_code`) and
    /// reports the first event, in id order, whose link or content does not match what was
    /// written. A removed event shows as a broken link at the event after it. The last events
    /// of a trail removed together leave no trace here.
    pub async fn verify_audit_trail(&self, plan_code: Option<&str>) -> Result<Verification> {
        let db = self.db();
        let mut plans = plan::Entity::find().order_by_asc(plan::Column::Id);
        if let Some(code) = plan_code {
            plans = plans.filter(plan::Column::Code.eq(code));
        }
        let plans = plans.all(db).await?;
        if let (Some(code), true) = (plan_code, plans.is_empty()) {
            return Err(Error::not_found("plan", code));
        }
        let mut events = 0;
        for p in &plans {
            let mut previous: Option<(i64, String)> = None;
            loop {
                let mut batch = event::Entity::find()
                    .filter(event::Column::PlanId.eq(p.id))
                    .order_by_asc(event::Column::Id)
                    .limit(VERIFY_BATCH);
                if let Some((id, _)) = &previous {
                    batch = batch.filter(event::Column::Id.gt(*id));
                }
                let batch = batch.all(db).await?;
                if batch.is_empty() {
                    break;
                }
                for e in batch {
                    if let Some(problem) = check_link(previous.as_ref(), &e) {
                        return Ok(Verification::Broken(BrokenLink {
                            plan: p.code.clone(),
                            event_id: e.id,
                            problem,
                        }));
                    }
                    events += 1;
                    previous = Some((e.id, e.hash));
                }
            }
        }
        Ok(Verification::Intact {
            plans: plans.len() as u64,
            events,
        })
    }
}

/// What is wrong with `event` following `previous` (its id and hash; none for a plan's first
/// event), if anything.
fn check_link(previous: Option<&(i64, String)>, event: &event::Model) -> Option<String> {
    let expected = previous.map_or(GENESIS, |(_, hash)| hash.as_str());
    if event.prev_hash != expected {
        return Some(match previous {
            Some((id, hash)) => format!(
                "it follows a previous event hashed {}, but the previous event now is {id}, \
                 hashed {}: an event between them was removed, or event {id} was changed",
                event.prev_hash, hash
            ),
            None => format!(
                "it follows a previous event hashed {}, but it is now the plan's first event: \
                 an event before it was removed",
                event.prev_hash
            ),
        });
    }
    let recomputed = event_hash(
        expected,
        &EventContent {
            plan_id: event.plan_id,
            action_id: event.action_id,
            task_id: event.task_id,
            kind: &event.kind,
            actor: &event.actor,
            actor_institution_id: event.actor_institution_id,
            at: event.at,
            from_state: event.from_state.as_deref(),
            to_state: event.to_state.as_deref(),
            comment: event.comment.as_deref(),
            payload: &event.payload,
        },
    );
    (recomputed != event.hash).then(|| {
        format!(
            "its content hashes to {recomputed}, not to the stored {}: the event was changed \
             after it was written",
            event.hash
        )
    })
}

impl Engine {
    /// Deletes the plan `code` with everything it holds **and destroys its audit trail**, which
    /// nothing else can do (the events' foreign key forbids deleting a plan that has any). For
    /// an operator's throwaway database only, such as the one `mandate bench` fills; a plan that
    /// people used is archived instead. Returns whether there was such a plan.
    pub async fn purge_plan_destroying_history(&self, code: &str) -> Result<bool> {
        let txn = crate::db::begin_write(self.db()).await?;
        let Some(found) = plan::Entity::find()
            .filter(plan::Column::Code.eq(code))
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        tracing::warn!(plan = code, "purging a plan and destroying its audit trail");
        event::Entity::delete_many()
            .filter(event::Column::PlanId.eq(found.id))
            .exec(&txn)
            .await?;
        plan::Entity::delete_by_id(found.id).exec(&txn).await?;
        txn.commit().await?;
        Ok(true)
    }
}
