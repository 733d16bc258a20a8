//! `GET /events`: server-sent events telling an open page which of the tasks its viewer may read
//! changed, on any replica, so that the inbox and the plan page refresh themselves
//! (web/assets/live.js). A page that fell behind is told to refresh whole (`resync`). The stream
//! ends when its session does (signed out, on any replica).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use mandate_engine::bus::{BusItem, Credential};
use serde_json::json;

use crate::AppState;
use crate::session::{Viewer, cookie};

/// `GET /events`.
pub async fn events(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    headers: HeaderMap,
) -> Response {
    let engine = state.engine.clone();
    let actor = viewer.actor;
    let cookie = cookie(&headers).unwrap_or_default();
    let opened = async {
        let watch = engine
            .watch_credential(Credential::Session(&cookie))
            .await?;
        let subscriber = engine.subscribe().await?;
        Ok::<_, mandate_engine::Error>((watch, subscriber))
    };
    let (watch, subscriber) = match opened.await {
        Ok(opened) => opened,
        Err(e) => {
            tracing::warn!(error = %e, "cannot open live updates");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "live updates are unavailable\n",
            )
                .into_response();
        }
    };
    let stream = subscriber
        .into_stream()
        .filter_map(move |item| {
            let engine = engine.clone();
            let actor = actor.clone();
            async move {
                match item {
                    BusItem::Event(change) => {
                        match engine.can_read_task(&actor, &change.task).await {
                            Ok(true) => Some(Ok::<_, Infallible>(
                                Event::default().event("task").data(
                                    json!({
                                        "task": change.task.id,
                                        "action": change.task.action_id,
                                        "plan": change.task.plan_id,
                                    })
                                    .to_string(),
                                ),
                            )),
                            Ok(false) => None,
                            Err(e) => {
                                tracing::warn!(error = %e, "a live update could not be checked");
                                None
                            }
                        }
                    }
                    BusItem::Resync => Some(Ok(Event::default().event("resync").data("{}"))),
                }
            }
        })
        .take_until(watch.ended());
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(25)))
        .into_response()
}
