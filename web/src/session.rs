//! Who is asking: the session cookie, read into the signed-in person's [`WebSession`], or a
//! redirect through the sign-in page back to where the person was going.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_engine::Error;
use mandate_engine::i18n::Language;
use mandate_engine::sign_in::{SESSION_DAYS, WebSession};

use crate::AppState;
use crate::render;

/// The session cookie's name.
pub const COOKIE: &str = "mandate_session";

/// The signed-in person of a request; signed-out requests are sent to the sign-in page.
pub struct Viewer(pub WebSession);

/// The session cookie's value, if the request has one.
pub fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE).then(|| value.to_owned())
        })
}

/// The `Set-Cookie` value that keeps `value` for the session's life.
pub fn set_cookie(value: &str, secure: bool) -> String {
    let max_age = SESSION_DAYS * 24 * 3600;
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The `Set-Cookie` value that forgets the session.
pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The sign-in page, coming back to `path` afterwards.
pub fn to_sign_in(path: &str) -> Response {
    let next = render::url_encode(path);
    Redirect::to(&format!("/sign-in?next={next}")).into_response()
}

/// The language of a page for someone not signed in: the browser's.
pub fn browser_language(headers: &HeaderMap) -> &'static str {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Language::FALLBACK, Language::from_accept_language)
        .code()
}

/// Where to come back to after signing in: the page asked for; for a form sent, the page it was
/// sent from (a form's address answers only POST: coming back to it would be 405), when the
/// browser names it and it is on this site, else home.
fn come_back_to(parts: &Parts) -> String {
    if parts.method == Method::GET || parts.method == Method::HEAD {
        return parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
    }
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    // HTTP/2 names the host in the address, HTTP/1.1 in `Host`.
    let host = header(header::HOST).or_else(|| parts.uri.authority().map(|a| a.as_str()));
    let from_here = match (host, header(header::REFERER)) {
        (Some(host), Some(referer)) => referer
            .strip_prefix("http://")
            .or_else(|| referer.strip_prefix("https://"))
            .and_then(|rest| rest.strip_prefix(host))
            .filter(|path| path.starts_with('/')),
        _ => None,
    };
    from_here.unwrap_or("/").to_owned()
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let here = come_back_to(parts);
        let Some(value) = cookie(&parts.headers) else {
            return Err(to_sign_in(&here));
        };
        match state.engine.session(&value).await {
            Ok(session) => Ok(Viewer(session)),
            Err(Error::Unauthenticated(_)) => Err(to_sign_in(&here)),
            Err(other) => Err(render::failure(
                state,
                None,
                browser_language(&parts.headers),
                &other,
            )),
        }
    }
}
