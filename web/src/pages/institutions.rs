//! `GET /institutions`: the directory of institutions, with a search by code or name. What a
//! reader sees of each institution is the engine's to say (members: code, name and parent).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mandate_engine::reads::views::{DIRECTORY_SEARCH_CHARS, DirectoryEntry};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::render;
use crate::session::Viewer;

#[derive(Debug, Deserialize, Default)]
pub struct DirectoryQuery {
    /// Code or name, or part of one.
    #[serde(default)]
    q: Option<String>,
}

fn entry(e: &DirectoryEntry) -> Value {
    json!({
        "code": e.code,
        "name": e.name,
        "parent": e.parent.as_ref().map(|(code, name)| json!({ "code": code, "name": name })),
        "emails": e.emails,
        "language": e.language,
        "time_zone": e.time_zone,
        "settings": e.settings.map(|s| json!({
            "delivery": s.delivery.as_str(),
            "send_at": s.send_at.format("%H:%M").to_string(),
            "own": s.own,
        })),
    })
}

/// `GET /institutions`.
pub async fn show(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Query(query): Query<DirectoryQuery>,
) -> Response {
    let search: String = query
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(DIRECTORY_SEARCH_CHARS)
        .collect();
    let directory = match state.engine.directory(&viewer.actor, &search).await {
        Ok(directory) => directory,
        Err(e) => return render::failure(&state, Some(&viewer), &viewer.language, &e),
    };
    render::page(
        &state,
        Some(&viewer),
        &viewer.language,
        StatusCode::OK,
        "institutions.html",
        json!({
            "q": search,
            "entries": directory.entries.iter().map(entry).collect::<Vec<_>>(),
            "details": directory.details_shown,
            "total": directory.total,
            "back": "/institutions",
        }),
    )
}
