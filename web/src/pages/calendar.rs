//! Calendar feeds. `GET /calendar-feeds`: the person's feeds and a form to make one;
//! `POST /calendar-feeds`: makes one and shows its address, once; `POST
//! /calendar-feeds/{id}/revoke`: revokes one. `GET /calendar/{secret}.ics`: the feed itself, for
//! calendar programs (no session: the secret is the key; anything that does not answer is the
//! same 404).

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mandate_engine::Error;
use mandate_engine::calendar::{CalendarFeed, FEED_LIMIT, IssuedFeed, MAX_LIVE_FEEDS, feed_url};
use mandate_engine::domain::InstitutionCode;
use mandate_engine::sign_in::WebSession;
use serde_json::{Value, json};

use crate::AppState;
use crate::csrf;
use crate::render;
use crate::session::Viewer;

fn feed(f: &CalendarFeed) -> Value {
    json!({
        "id": f.record.id,
        "institution": f.institution.as_ref().map(|i| json!({ "code": i.code, "name": i.name })),
        "created": f.record.created_at.date_naive().to_string(),
        "revoked": f.record.revoked_at.map(|at| at.date_naive().to_string()),
    })
}

/// The page of `viewer`'s feeds, with the address of a feed just made, or a refusal.
async fn render_page(
    state: &AppState,
    viewer: &WebSession,
    status: StatusCode,
    created: Option<&IssuedFeed>,
    too_many: bool,
) -> Response {
    let lang = &viewer.language;
    let (feeds, choices) = match (
        state.engine.calendar_feeds(&viewer.actor).await,
        state.engine.calendar_feed_institutions(&viewer.actor).await,
    ) {
        (Ok(feeds), Ok(choices)) => (feeds, choices),
        (Err(e), _) | (_, Err(e)) => return render::failure(state, Some(viewer), lang, &e),
    };
    let created = created.map(|issued| {
        let url = feed_url(&state.config.public_url, &issued.secret);
        let webcal = url
            .split_once("://")
            .map_or(url.clone(), |(_, rest)| format!("webcal://{rest}"));
        json!({ "url": url, "webcal": webcal, "feed": feed(&issued.feed) })
    });
    render::page(
        state,
        Some(viewer),
        lang,
        status,
        "calendar.html",
        json!({
            "feeds": feeds.iter().map(feed).collect::<Vec<_>>(),
            "choices": choices.iter().map(|i| json!({ "code": i.code, "name": i.name })).collect::<Vec<_>>(),
            "created": created,
            "too_many": too_many.then_some(MAX_LIVE_FEEDS),
            "limit": FEED_LIMIT,
            "back": "/calendar-feeds",
        }),
    )
}

/// `GET /calendar-feeds`.
pub async fn list(State(state): State<AppState>, Viewer(viewer): Viewer) -> Response {
    render_page(&state, &viewer, StatusCode::OK, None, false).await
}

/// `POST /calendar-feeds`: `scope` is empty (every task the person may read) or an
/// institution's code.
pub async fn create(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Form(input): Form<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| input.get(name).map(|v| v.trim()).unwrap_or_default();
    if let Err(refused) = csrf::check(&state, &viewer, field("csrf")) {
        return refused;
    }
    let lang = viewer.language.clone();
    let institution = match field("scope") {
        "" => None,
        code => match InstitutionCode::parse(code) {
            Ok(code) => Some(code),
            Err(_) => {
                let e = Error::not_found("institution", code);
                return render::failure(&state, Some(&viewer), &lang, &e);
            }
        },
    };
    match state
        .engine
        .create_calendar_feed(&viewer.actor, institution.as_ref())
        .await
    {
        Ok(issued) => render_page(&state, &viewer, StatusCode::OK, Some(&issued), false).await,
        Err(Error::Validation { .. }) => {
            render_page(
                &state,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                true,
            )
            .await
        }
        Err(e) => render::failure(&state, Some(&viewer), &lang, &e),
    }
}

/// `POST /calendar-feeds/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
    Form(input): Form<HashMap<String, String>>,
) -> Response {
    let token = input.get("csrf").map(String::as_str).unwrap_or_default();
    if let Err(refused) = csrf::check(&state, &viewer, token) {
        return refused;
    }
    let lang = viewer.language.clone();
    let Ok(number) = id.parse::<i64>() else {
        let e = Error::not_found("calendar feed", id);
        return render::failure(&state, Some(&viewer), &lang, &e);
    };
    match state
        .engine
        .revoke_calendar_feed(&viewer.actor, number)
        .await
    {
        Ok(_) => axum::response::Redirect::to("/calendar-feeds").into_response(),
        Err(e) => render::failure(&state, Some(&viewer), &lang, &e),
    }
}

/// `GET /calendar/{secret}.ics`: the calendar, as the feed's owner may read it. Anything else
/// (no `.ics`, an unknown or revoked secret, an owner who lost access) is one plain 404.
pub async fn document(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Not found\n").into_response();
    let Some(secret) = file.strip_suffix(".ics") else {
        return not_found();
    };
    match state
        .engine
        .calendar_feed_document(secret, &state.config.public_url)
        .await
    {
        Ok(calendar) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            calendar,
        )
            .into_response(),
        Err(Error::NotFound { .. }) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "a calendar feed failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal error\n").into_response()
        }
    }
}
