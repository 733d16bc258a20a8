//! `GET /events`: server-sent events telling an open page which of the tasks its viewer may read
//! changed, so that the inbox and the plan page refresh themselves (web/assets/live.js). A page
//! that fell behind is told to refresh whole (`resync`).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use serde_json::json;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use crate::AppState;
use crate::session::Viewer;

/// `GET /events`.
pub async fn events(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let engine = state.engine.clone();
    let actor = viewer.actor;
    let stream = BroadcastStream::new(engine.subscribe()).filter_map(move |item| {
        let engine = engine.clone();
        let actor = actor.clone();
        async move {
            match item {
                Ok(change) => match engine.can_read_task(&actor, &change.task).await {
                    Ok(true) => Some(Ok(Event::default().event("task").data(
                        json!({
                            "task": change.task.id,
                            "action": change.task.action_id,
                            "plan": change.task.plan_id,
                        })
                        .to_string(),
                    ))),
                    Ok(false) => None,
                    Err(e) => {
                        tracing::warn!(error = %e, "a live update could not be checked");
                        None
                    }
                },
                Err(BroadcastStreamRecvError::Lagged(missed)) => {
                    tracing::info!(missed, "a page fell behind the live updates");
                    Some(Ok(Event::default().event("resync").data("{}")))
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(25)))
}
