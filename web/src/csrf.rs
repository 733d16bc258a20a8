//! Every state-changing form carries its session's token; a form without it, or with another
//! session's, is refused (403) before anything is done. Before that, any state-changing request
//! a browser says comes from another site is refused, which also covers the forms that have no
//! session yet (signing in, where a forged form would sign the victim in as the attacker).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use mandate_engine::sign_in::WebSession;

use crate::AppState;
use crate::render;

/// Refuses (403) a POST, PUT, PATCH or DELETE sent by a browser from another origin, judged as
/// browsers allow: `Sec-Fetch-Site` when sent, else `Origin` against the `Host` asked for.
/// Requests with neither (other programs, old browsers) pass to the per-form token check.
pub async fn refuse_cross_origin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method();
    let changes_state = !(method.is_safe() || method == axum::http::Method::OPTIONS);
    let host = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| header_text(request.headers(), header::HOST).map(str::to_owned));
    if !changes_state || same_origin(request.headers(), host.as_deref()) {
        return next.run(request).await;
    }
    // The route template, never the path: paths carry sign-in tokens.
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |m| m.as_str());
    tracing::warn!(route, "request from another site refused");
    let lang = crate::session::browser_language(request.headers());
    render::message_in(
        &state,
        None,
        lang,
        StatusCode::FORBIDDEN,
        "error-csrf-title",
        "error-csrf-body",
    )
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whether the browser's own headers say the request comes from this site (or from no site:
/// typed or bookmarked); `host` is the address the request was sent to.
fn same_origin(headers: &HeaderMap, host: Option<&str>) -> bool {
    match header_text(headers, header::HeaderName::from_static("sec-fetch-site")) {
        Some("same-origin" | "none") => return true,
        Some(_) => return false,
        None => {}
    }
    match header_text(headers, header::ORIGIN) {
        None => true,
        Some(origin) => {
            let origin_host = origin.split_once("://").map(|(_, rest)| rest);
            origin_host.is_some()
                && origin_host.map(str::to_ascii_lowercase) == host.map(str::to_ascii_lowercase)
        }
    }
}

/// Whether two tokens are equal, in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Refuses a form whose `token` is not `session`'s.
// The refusal is the page a handler returns as it is: boxing it would only move it.
#[allow(clippy::result_large_err)]
pub fn check(state: &AppState, session: &WebSession, token: &str) -> Result<(), Response> {
    if !token.is_empty() && same(token, &session.csrf_token) {
        Ok(())
    } else {
        tracing::warn!(user = %session.user.email, "form refused: missing or wrong CSRF token");
        Err(render::message(
            state,
            Some(session),
            StatusCode::FORBIDDEN,
            "error-csrf-title",
            "error-csrf-body",
        ))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("a header value"));
        }
        map
    }

    #[test]
    fn origins_are_judged_as_browsers_send_them() {
        let host = Some("mandate.gov.ro");
        for (pairs, allowed) in [
            (vec![], true),
            (vec![("sec-fetch-site", "same-origin")], true),
            (vec![("sec-fetch-site", "none")], true),
            (vec![("sec-fetch-site", "cross-site")], false),
            (vec![("sec-fetch-site", "same-site")], false),
            // Sec-Fetch-Site decides when present, whatever Origin says.
            (
                vec![
                    ("sec-fetch-site", "cross-site"),
                    ("origin", "https://mandate.gov.ro"),
                ],
                false,
            ),
            (vec![("origin", "https://mandate.gov.ro")], true),
            (vec![("origin", "https://MANDATE.gov.ro")], true),
            (vec![("origin", "https://evil.example")], false),
            (
                vec![("origin", "https://mandate.gov.ro.evil.example")],
                false,
            ),
            (vec![("origin", "null")], false),
        ] {
            assert_eq!(
                super::same_origin(&headers(&pairs), host),
                allowed,
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(super::same("abc", "abc"));
        assert!(!super::same("abc", "abd"));
        assert!(!super::same("abc", "ab"));
        assert!(!super::same("", "a"));
    }
}
