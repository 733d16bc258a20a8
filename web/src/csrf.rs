//! Every state-changing form carries its session's token; a form without it, or with another
//! session's, is refused (403) before anything is done.

use axum::http::StatusCode;
use axum::response::Response;
use mandate_engine::sign_in::WebSession;

use crate::AppState;
use crate::render;

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
    #[test]
    fn tokens_compare_whole() {
        assert!(super::same("abc", "abc"));
        assert!(!super::same("abc", "abd"));
        assert!(!super::same("abc", "ab"));
        assert!(!super::same("", "a"));
    }
}
