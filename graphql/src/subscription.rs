//! The subscription root: task transitions as they commit.

use async_graphql::{Context, ID, Result, Subscription};
use futures_util::{Stream, StreamExt};
use mandate_engine::{Actor, Engine};
use tokio_stream::wrappers::{BroadcastStream, errors::BroadcastStreamRecvError};

use crate::context::{actor, engine};
use crate::error::{IntoGql, to_gql};
use crate::id::{self, Kind};
use crate::types::TaskEvent;

/// Live updates.
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Every task transition as it commits, of the tasks the viewer may read, narrowed to one
    /// plan and/or one institution.
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
        let events = BroadcastStream::new(engine.subscribe());
        Ok(events.filter_map(move |item| {
            let (engine, actor) = (engine.clone(), actor.clone());
            async move {
                let committed = match item {
                    Ok(committed) => committed,
                    Err(BroadcastStreamRecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a subscriber fell behind and missed events");
                        return None;
                    }
                };
                let task = &committed.task;
                let wanted = plan_id.is_none_or(|p| p == task.plan_id)
                    && institution_id.is_none_or(|i| i == task.institution_id)
                    && readable(&engine, &actor, task).await;
                wanted.then_some(TaskEvent(committed))
            }
        }))
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
