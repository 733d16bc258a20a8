//! Signing in and out: by a link sent by e-mail (asked for on the sign-in page; the link opens a
//! page whose button signs in, so that a mail scanner opening it spends nothing) or by password;
//! signing out; choosing the pages' language.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_engine::Error;
use mandate_engine::notifications::links::LinkError;
use mandate_engine::sign_in::safe_next;
use serde::Deserialize;
use serde_json::json;

use crate::render::{self, url_encode};
use crate::session::{self, Viewer, browser_language};
use crate::{AppState, csrf};

#[derive(Debug, Deserialize, Default)]
pub struct SignInQuery {
    #[serde(default)]
    next: Option<String>,
    /// `1` once a link was asked for.
    #[serde(default)]
    sent: Option<String>,
}

/// `GET /sign-in`: the two ways in.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref().unwrap_or("/"));
    render::page(
        &state,
        None,
        browser_language(&headers),
        StatusCode::OK,
        "sign_in.html",
        json!({ "next": next, "sent": query.sent.is_some(), "email": "" }),
    )
}

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    email: String,
    #[serde(default)]
    next: String,
}

/// `POST /sign-in/link`: sends a link if the address is known; the answer is the same either way.
pub async fn ask_for_link(State(state): State<AppState>, Form(form): Form<LinkForm>) -> Response {
    let next = safe_next(&form.next);
    if let Err(e) = state
        .engine
        .request_sign_in_link(form.email.trim(), &next)
        .await
    {
        return render::failure(&state, None, "en", &e);
    }
    Redirect::to(&format!("/sign-in?sent=1&next={}", url_encode(&next))).into_response()
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Starts a session for `user` (ending the one the browser held) and goes on to `next`.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    user: &mandate_engine::entity::user::Model,
    next: &str,
    lang: &str,
) -> Response {
    // The session the browser held until now (maybe another person's) ends: one browser, one
    // session.
    if let Some(previous) = session::cookie(headers)
        && let Err(e) = state.engine.end_session(&previous).await
    {
        return render::failure(state, None, lang, &e);
    }
    match state.engine.start_session(user).await {
        Ok(started) => (
            [(
                header::SET_COOKIE,
                session::set_cookie(&started.cookie, state.config.secure_cookies()),
            )],
            Redirect::to(&safe_next(next)),
        )
            .into_response(),
        Err(e) => render::failure(state, None, lang, &e),
    }
}

/// `POST /sign-in`: by password.
pub async fn with_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let lang = browser_language(&headers);
    match state
        .engine
        .sign_in_with_password(&form.email, &form.password)
        .await
    {
        Ok(user) => signed_in(&state, &headers, &user, &form.next, lang).await,
        Err(Error::Unauthenticated(_)) => render::page(
            &state,
            None,
            lang,
            StatusCode::UNAUTHORIZED,
            "sign_in.html",
            json!({
                "next": safe_next(&form.next),
                "email": form.email,
                "password_error": true,
            }),
        ),
        Err(Error::Throttled { retry_after }) => {
            let seconds = (retry_after - state.engine.now()).num_seconds().max(1);
            let mut page = render::page(
                &state,
                None,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                "sign_in.html",
                json!({
                    "next": safe_next(&form.next),
                    "email": form.email,
                    "throttled_minutes": (seconds + 59) / 60,
                }),
            );
            if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
                page.headers_mut().insert(header::RETRY_AFTER, value);
            }
            page
        }
        Err(e) => render::failure(&state, None, lang, &e),
    }
}

/// The page for a link that does not work, saying why.
fn bad_link(state: &AppState, lang: &str, error: &Error) -> Response {
    let (status, body) = match error {
        Error::Link(LinkError::Expired) => (StatusCode::GONE, "sign-in-link-expired"),
        Error::Link(LinkError::Used) => (StatusCode::CONFLICT, "sign-in-link-used"),
        Error::Link(_) => (StatusCode::BAD_REQUEST, "sign-in-link-invalid"),
        other => return render::failure(state, None, lang, other),
    };
    render::page(
        state,
        None,
        lang,
        status,
        "message.html",
        json!({ "title": "sign-in-link-title", "body": body, "link": "/sign-in", "link_text": "sign-in-ask-again" }),
    )
}

/// `GET /sign-in/{token}`: a page with the button that signs in (the link is spent by the POST).
pub async fn confirm_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    render::page(
        &state,
        None,
        browser_language(&headers),
        StatusCode::OK,
        "sign_in_link.html",
        json!({ "action": format!("/sign-in/{}", url_encode(&token)) }),
    )
}

/// `POST /sign-in/{token}`: spends the link and signs in.
pub async fn use_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let lang = browser_language(&headers);
    match state.engine.use_sign_in_link(&token).await {
        Ok((user, next)) => signed_in(&state, &headers, &user, &next, lang).await,
        Err(e) => bad_link(&state, lang, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /sign-out`.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Viewer(viewer): Viewer,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = csrf::check(&state, &viewer, &form.csrf) {
        return refused;
    }
    if let Some(cookie) = session::cookie(&headers)
        && let Err(e) = state.engine.end_session(&cookie).await
    {
        return render::failure(&state, Some(&viewer), &viewer.language, &e);
    }
    (
        [(
            header::SET_COOKIE,
            session::clear_cookie(state.config.secure_cookies()),
        )],
        Redirect::to("/sign-in"),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    language: String,
    #[serde(default)]
    back: String,
}

/// `POST /language`: the person's choice of language for its pages.
pub async fn choose_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Viewer(viewer): Viewer,
    Form(form): Form<LanguageForm>,
) -> Response {
    if let Err(refused) = csrf::check(&state, &viewer, &form.csrf) {
        return refused;
    }
    if let Err(e) = state
        .engine
        .choose_language(&viewer.user, &form.language)
        .await
    {
        return render::failure(&state, Some(&viewer), &viewer.language, &e);
    }
    // Back to the page the form was on: the form says so, or the browser's Referer does.
    let back = if form.back.is_empty() || form.back == "/" {
        referer_path(&headers, &state.config.public_url).unwrap_or_else(|| form.back.clone())
    } else {
        form.back.clone()
    };
    Redirect::to(&safe_next(&back)).into_response()
}

/// The path of the `Referer` header when it is a page of this site.
fn referer_path(headers: &HeaderMap, public_url: &str) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let own = [
        format!("http://{host}"),
        format!("https://{host}"),
        public_url.trim_end_matches('/').to_owned(),
    ];
    own.iter()
        .find_map(|origin| referer.strip_prefix(origin.as_str()))
        .filter(|path| path.starts_with('/'))
        .map(str::to_owned)
}
