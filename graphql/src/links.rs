//! The pages e-mails link to. `GET /ack/{token}`: a confirmation page that changes nothing (mail
//! scanners prefetch links); `POST /ack/{token}`: acknowledges the task for the institution the
//! e-mail went to. `GET /notifications/{code}` (the `List-Unsubscribe` target): how the
//! institution receives reminders and how to change that. `GET /invitation/{token}`: a
//! confirmation page; `POST /invitation/{token}`: issues the invited member its access key and
//! shows it, once.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use mandate_engine::Error;
use mandate_engine::i18n::Language;
use mandate_engine::invitations::InvitationLink;
use mandate_engine::notifications::links::{AckLink, LinkError};
use serde_json::{Value, json};

use crate::server::AppState;

/// The page's language when the link says nothing trustworthy: the browser's, if we speak it.
fn browser_language(headers: &HeaderMap) -> Language {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Language::FALLBACK, Language::from_accept_language)
}

fn facts(link: &AckLink) -> Value {
    let tz: chrono_tz::Tz = link.institution.time_zone.parse().unwrap_or(chrono_tz::UTC);
    json!({
        "action": { "number": link.action.number, "text": link.action.text },
        "institution": { "code": link.institution.code, "name": link.institution.name },
        "due": link.task.due_at.with_timezone(&tz).format("%Y-%m-%d").to_string(),
    })
}

fn page(
    app: &AppState,
    status: StatusCode,
    language: Language,
    outcome: &str,
    facts: &Value,
    action: &str,
) -> Response {
    match app.renderer.link_page(language, outcome, facts, action) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot render the link page");
            (StatusCode::INTERNAL_SERVER_ERROR, "cannot show this page\n").into_response()
        }
    }
}

/// A failure that is not the link's: logged with its cause; a database that does not answer
/// is worth another try, any other fault is a 500 that says nothing of it.
fn failure(error: Error, what: &'static str) -> Response {
    tracing::error!(error = %error, "{what}");
    match error {
        Error::Database(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "please try again in a moment\n",
        )
            .into_response(),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "cannot show this page\n").into_response(),
    }
}

fn refusal(app: &AppState, headers: &HeaderMap, error: Error) -> Response {
    let (status, outcome) = match error {
        Error::Link(LinkError::Invalid) => (StatusCode::BAD_REQUEST, "invalid"),
        Error::Link(LinkError::Expired) => (StatusCode::GONE, "expired"),
        Error::Link(LinkError::Used) => (StatusCode::CONFLICT, "used"),
        Error::Link(LinkError::Moot) => (StatusCode::CONFLICT, "moot"),
        other => return failure(other, "acknowledge link failed"),
    };
    page(
        app,
        status,
        browser_language(headers),
        outcome,
        &json!({}),
        "",
    )
}

pub(crate) async fn show(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match app.engine.check_ack_link(&token).await {
        Ok(link) => page(
            &app,
            StatusCode::OK,
            Language::or_fallback(&link.institution.language),
            "confirm",
            &facts(&link),
            &format!("/ack/{token}"),
        ),
        Err(e) => refusal(&app, &headers, e),
    }
}

pub(crate) async fn confirm(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match app.engine.use_ack_link(&token).await {
        Ok(link) => page(
            &app,
            StatusCode::OK,
            Language::or_fallback(&link.institution.language),
            "done",
            &facts(&link),
            "",
        ),
        Err(e) => refusal(&app, &headers, e),
    }
}

pub(crate) async fn settings(State(app): State<AppState>, Path(code): Path<String>) -> Response {
    let settings = match app.engine.public_notification_settings(&code).await {
        Ok(settings) => settings,
        Err(Error::NotFound { .. }) => {
            return (StatusCode::NOT_FOUND, "no such institution\n").into_response();
        }
        Err(e) => return failure(e, "cannot read notification settings"),
    };
    let institution =
        json!({ "code": settings.institution.code, "name": settings.institution.name });
    let send_at = settings.send_at.format("%H:%M").to_string();
    match app.renderer.settings_page(
        Language::or_fallback(&settings.institution.language),
        &institution,
        settings.delivery.as_str(),
        &send_at,
    ) {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot render the settings page");
            (StatusCode::INTERNAL_SERVER_ERROR, "cannot show this page\n").into_response()
        }
    }
}

fn invitation_facts(link: &InvitationLink) -> Value {
    json!({
        "user": { "name": link.user.name, "email": link.user.email },
        "institution": { "code": link.institution.code, "name": link.institution.name },
    })
}

/// An invitation page; never stored by a cache or sent on as a referrer (its URL is a
/// capability, and after the POST the page holds an access key).
fn invitation_page(
    app: &AppState,
    status: StatusCode,
    language: Language,
    outcome: &str,
    facts: &Value,
    action: &str,
) -> Response {
    let mut response = match app
        .renderer
        .invitation_page(language, outcome, facts, action)
    {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot render the invitation page");
            return (StatusCode::INTERNAL_SERVER_ERROR, "cannot show this page\n").into_response();
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn invitation_refusal(app: &AppState, headers: &HeaderMap, error: Error) -> Response {
    let (status, outcome) = match error {
        Error::Link(LinkError::Expired) => (StatusCode::GONE, "expired"),
        Error::Link(LinkError::Used) => (StatusCode::CONFLICT, "used"),
        Error::Link(_) => (StatusCode::BAD_REQUEST, "invalid"),
        other => return failure(other, "invitation link failed"),
    };
    invitation_page(
        app,
        status,
        browser_language(headers),
        outcome,
        &json!({}),
        "",
    )
}

pub(crate) async fn show_invitation(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match app.engine.check_invitation_link(&token).await {
        Ok(link) => invitation_page(
            &app,
            StatusCode::OK,
            Language::or_fallback(&link.institution.language),
            "confirm",
            &invitation_facts(&link),
            &format!("/invitation/{token}"),
        ),
        Err(e) => invitation_refusal(&app, &headers, e),
    }
}

pub(crate) async fn accept_invitation(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match app.engine.accept_invitation(&token).await {
        Ok((link, issued)) => {
            let tz: chrono_tz::Tz = link.institution.time_zone.parse().unwrap_or(chrono_tz::UTC);
            let mut facts = invitation_facts(&link);
            facts["key"] = json!(issued.token);
            facts["key_expires"] = json!(
                issued
                    .record
                    .expires_at
                    .map(|at| at.with_timezone(&tz).format("%Y-%m-%d").to_string())
            );
            invitation_page(
                &app,
                StatusCode::OK,
                Language::or_fallback(&link.institution.language),
                "done",
                &facts,
                "",
            )
        }
        Err(e) => invitation_refusal(&app, &headers, e),
    }
}
