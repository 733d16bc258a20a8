//! Templates (embedded, minijinja) and the page frame: every page gets the person, its language,
//! its form token and the demo banner; every failure has a page of its own.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use mandate_engine::Error;
use mandate_engine::i18n::{self, Language};
use mandate_engine::sign_in::WebSession;
use minijinja::Environment;
use minijinja::value::{Serde, Value};
use serde_json::json;

use crate::AppState;

/// The templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("message.html", include_str!("../templates/message.html")),
    ("sign_in.html", include_str!("../templates/sign_in.html")),
    (
        "sign_in_link.html",
        include_str!("../templates/sign_in_link.html"),
    ),
    ("inbox.html", include_str!("../templates/inbox.html")),
    ("task.html", include_str!("../templates/task.html")),
    (
        "institutions.html",
        include_str!("../templates/institutions.html"),
    ),
    ("import.html", include_str!("../templates/import.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("plans.html", include_str!("../templates/plans.html")),
    ("plan.html", include_str!("../templates/plan.html")),
    ("action.html", include_str!("../templates/action.html")),
    (
        "sign_offs.html",
        include_str!("../templates/sign_offs.html"),
    ),
    ("calendar.html", include_str!("../templates/calendar.html")),
    (
        "registers.html",
        include_str!("../templates/registers.html"),
    ),
    ("register.html", include_str!("../templates/register.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    (
        "public_plan.html",
        include_str!("../templates/public_plan.html"),
    ),
];

/// The template environment: the templates, and the engine's catalogue (`t(key, …)` for words,
/// `date` and `number` filters) in the page's `lang`.
pub fn environment() -> Result<Environment<'static>, String> {
    let mut env = Environment::new();
    for &(name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| format!("web/templates/{name}: {e}"))?;
    }
    i18n::add_to(&mut env);
    Ok(env)
}

/// `text` with everything but unreserved characters percent-encoded (for a query value).
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// What every page knows: the language, the person (if signed in) and its form token, the demo
/// banner's clock.
pub fn frame(state: &AppState, session: Option<&WebSession>, lang: &str) -> serde_json::Value {
    let now = state.engine.now();
    json!({
        "lang": Language::or_fallback(lang).code(),
        "languages": Language::ALL.map(Language::code),
        "demo": state.engine.demo().map(|demo| {
            let local = now.with_timezone(&demo.time_zone);
            json!({
                "date": local.date_naive().format("%Y-%m-%d").to_string(),
                "time": format!("{} {}", local.format("%H:%M"), demo.time_zone.name()),
            })
        }),
        "viewer": session.map(|s| json!({
            "name": s.user.name,
            "email": s.user.email,
            "role": s.actor.role.as_str(),
            "has_institution": s.actor.institution_id.is_some(),
        })),
        "csrf": session.map(|s| s.csrf_token.clone()),
        // The status rule's window, for the legends of the lights.
        "at_risk_days": state.engine.status_policy().map_or(0, |p| p.due_within_days),
    })
}

/// The headers every page carries besides its cache policy: no sniffing, no framing, nothing
/// from another host.
const PAGE_HEADERS: [(header::HeaderName, &str); 3] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
    ),
];

/// `template` rendered with the frame and `context`; `None` (logged) when it did not render.
pub fn html(
    state: &AppState,
    session: Option<&WebSession>,
    lang: &str,
    template: &str,
    context: serde_json::Value,
) -> Option<String> {
    let mut all = frame(state, session, lang);
    if let (Some(all), Some(extra)) = (all.as_object_mut(), context.as_object()) {
        for (k, v) in extra {
            all.insert(k.clone(), v.clone());
        }
    }
    state
        .templates
        .get_template(template)
        .and_then(|t| t.render(Value::from(Serde(&all))))
        .map_err(|e| tracing::error!(template, error = %e, "a page did not render"))
        .ok()
}

/// The answer when a page did not render.
pub fn not_rendered() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html("<!DOCTYPE html><title>Mandate</title><p>Internal error.</p>"),
    )
        .into_response()
}

/// `html` as a page with the usual headers and `cache_control`.
pub fn with_headers(status: StatusCode, cache_control: &str, html: String) -> Response {
    let mut response =
        (status, [(header::CACHE_CONTROL, cache_control)], Html(html)).into_response();
    for (name, value) in PAGE_HEADERS {
        response
            .headers_mut()
            .insert(name, header::HeaderValue::from_static(value));
    }
    response
}

/// Renders `template` with the frame and `context`: a page for one person, never cached.
pub fn page(
    state: &AppState,
    session: Option<&WebSession>,
    lang: &str,
    status: StatusCode,
    template: &str,
    context: serde_json::Value,
) -> Response {
    match html(state, session, lang, template, context) {
        Some(html) => with_headers(status, "no-store", html),
        None => not_rendered(),
    }
}

/// A page that only says something: a title and a text, by catalogue key, in the language of
/// the signed-in person (English without one).
pub fn message(
    state: &AppState,
    session: Option<&WebSession>,
    status: StatusCode,
    title: &str,
    body: &str,
) -> Response {
    let lang = session.map_or("en", |s| s.language.as_str()).to_owned();
    message_in(state, session, &lang, status, title, body)
}

/// [`message`] in `lang` (for a page answered before, or without, a session).
pub fn message_in(
    state: &AppState,
    session: Option<&WebSession>,
    lang: &str,
    status: StatusCode,
    title: &str,
    body: &str,
) -> Response {
    page(
        state,
        session,
        lang,
        status,
        "message.html",
        json!({ "title": title, "body": body }),
    )
}

/// The page for an engine error a person cannot do anything about: a missing (or unreadable)
/// object, a refusal, a lost database (`503` with `Retry-After`: a connection a restart broke
/// fails one statement before the pool replaces it), or a server fault (logged here, shown
/// without detail).
pub fn failure(
    state: &AppState,
    session: Option<&WebSession>,
    lang: &str,
    error: &Error,
) -> Response {
    let (status, title, body) = match error {
        Error::NotFound { .. } => (
            StatusCode::NOT_FOUND,
            "error-not-found-title",
            "error-not-found-body",
        ),
        Error::Forbidden(_) => (
            StatusCode::FORBIDDEN,
            "error-forbidden-title",
            "error-forbidden-body",
        ),
        unavailable if unavailable.is_unavailable() => {
            tracing::warn!(error = %unavailable, "a page could not reach the database");
            let mut response = message_in(
                state,
                session,
                lang,
                StatusCode::SERVICE_UNAVAILABLE,
                "error-unavailable-title",
                "error-unavailable-body",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            return response;
        }
        other => {
            tracing::error!(error = %other, "a page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal-title",
                "error-internal-body",
            )
        }
    };
    message_in(state, session, lang, status, title, body)
}
