//! The subscription root: events about tasks as they commit, on any replica. A subscription
//! that falls behind is told so (`resync`) on the next event, which starts the ones it missed;
//! revoking the connection's token ends its subscriptions.

use async_graphql::{Context, ID, Result, Subscription};
use futures_util::future::Either;
use futures_util::{Stream, StreamExt, stream};
use mandate_engine::bus::{BusItem, Credential, Subscriber};
use mandate_engine::{Actor, Engine};

use crate::context::{ConnectionToken, actor, engine};
use crate::error::{IntoGql, to_gql};
use crate::id::{self, Kind};
use crate::types::TaskEvent;

/// Live updates.
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Every event about a task (transitions, creations, cancellations) as it commits on any
    /// replica, of the tasks the viewer may read, narrowed to one plan and/or one institution.
    /// Ends when the connection's token is revoked.
    async fn task_events(
        &self,
        ctx: &Context<'_>,
        plan_id: Option<ID>,
        #[graphql(desc = "Institution code, e.g. `IGPR`.")] institution: Option<String>,
    ) -> Result<impl Stream<Item = TaskEvent> + use<>> {
        let engine = engine(ctx).clone();
        let actor = actor(ctx)?.clone();
        let plan_id = match &plan_id {
            Some(id) => Some(
                engine
                    .plan(&actor, id::decode(id, Kind::Plan, "planId")?)
                    .await
                    .gql()?
                    .id,
            ),
            None => None,
        };
        let institution_id = match &institution {
            Some(code) => Some(engine.institution(&actor, code).await.gql()?.id),
            None => None,
        };
        if let Some(id) = institution_id
            && !engine.may_read_tasks_of(&actor, id).await.gql()?
        {
            return Err(to_gql(mandate_engine::Error::Forbidden(format!(
                "{} may not follow the tasks of {}",
                actor.name,
                institution.unwrap_or_default()
            ))));
        }
        let ended = match ctx.data_opt::<ConnectionToken>() {
            Some(ConnectionToken(token)) => Either::Left(
                engine
                    .watch_credential(Credential::Token(token))
                    .await
                    .gql()?
                    .ended(),
            ),
            None => Either::Right(std::future::pending()),
        };
        let subscriber = engine.subscribe().await.gql()?;
        let wanted = Wanted {
            engine,
            actor,
            plan_id,
            institution_id,
        };
        Ok(stream::unfold((subscriber, wanted), next_event).take_until(ended))
    }
}

/// What one subscription delivers.
struct Wanted {
    engine: Engine,
    actor: Actor,
    plan_id: Option<i64>,
    institution_id: Option<i64>,
}

/// The next event the subscription delivers, marked when it follows a resync.
async fn next_event(
    (mut subscriber, wanted): (Subscriber, Wanted),
) -> Option<(TaskEvent, (Subscriber, Wanted))> {
    let mut resync = false;
    loop {
        match subscriber.next().await {
            Ok(Some(BusItem::Resync)) => resync = true,
            Ok(Some(BusItem::Event(committed))) => {
                let task = &committed.task;
                if wanted.plan_id.is_none_or(|p| p == task.plan_id)
                    && wanted
                        .institution_id
                        .is_none_or(|i| i == task.institution_id)
                    && readable(&wanted.engine, &wanted.actor, task).await
                {
                    return Some((
                        TaskEvent {
                            committed: *committed,
                            resync,
                        },
                        (subscriber, wanted),
                    ));
                }
            }
            Ok(None) => return None,
            Err(e) => {
                tracing::error!(error = %e, "a subscription cannot catch up; ending it");
                return None;
            }
        }
    }
}

async fn readable(
    engine: &Engine,
    actor: &Actor,
    task: &mandate_engine::entity::task::Model,
) -> bool {
    engine.can_read_task(actor, task).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "cannot check a subscriber's access");
        false
    })
}
