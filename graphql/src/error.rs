//! Engine errors as GraphQL errors: a message for people and `extensions.code` for programs.
//! Server faults (the database, `Error::Internal`) are logged here once, with their cause, and
//! answered with a bare `INTERNAL`, never their text; a database that cannot be reached for a
//! moment is `UNAVAILABLE` (answered `503` with `Retry-After`), which a client tries again.

use async_graphql::{Error as GqlError, ErrorExtensions};
use mandate_engine::Error;

/// Maps an engine error to a GraphQL error with `extensions.code` (and details where useful).
pub(crate) fn to_gql(error: Error) -> GqlError {
    match error {
        error if error.is_unavailable() => unavailable(&error),
        Error::Unauthenticated(message) => coded(message, "UNAUTHENTICATED"),
        Error::Forbidden(message) => coded(message, "FORBIDDEN"),
        Error::NotFound { .. } => coded(error.to_string(), "NOT_FOUND"),
        Error::InvalidTransition {
            ref from,
            ref transition,
        } => {
            let (from, transition) = (from.clone(), transition.clone());
            error.to_string().extend_with(|_, e| {
                e.set("code", "INVALID_TRANSITION");
                e.set("state", from);
                e.set("transition", transition);
            })
        }
        Error::Conflict { expected, actual } => error.to_string().extend_with(|_, e| {
            e.set("code", "CONFLICT");
            e.set("expectedVersion", expected);
            e.set("currentVersion", actual);
        }),
        Error::Validation { ref field, .. } => {
            let field = field.clone();
            error.to_string().extend_with(|_, e| {
                e.set("code", "VALIDATION");
                e.set("field", field);
            })
        }
        Error::Problems {
            forbidden,
            ref problems,
        } => {
            let list: Vec<serde_json::Value> = problems
                .iter()
                .map(|p| serde_json::json!({ "line": p.line, "column": p.column, "message": p.message }))
                .collect();
            let code = if forbidden { "FORBIDDEN" } else { "VALIDATION" };
            error.to_string().extend_with(move |_, e| {
                e.set("code", code);
                e.set(
                    "problems",
                    async_graphql::Value::from_json(serde_json::Value::Array(list.clone()))
                        .unwrap_or_default(),
                );
            })
        }
        Error::Lifecycle(_) => coded(error.to_string(), "VALIDATION"),
        Error::Link(_) => coded(error.to_string(), "FORBIDDEN"),
        Error::Throttled { retry_after } => error.to_string().extend_with(|_, e| {
            e.set("code", "TOO_MANY_ATTEMPTS");
            e.set("retryAfter", retry_after.to_rfc3339());
        }),
        Error::Database(cause) => internal(&cause),
        Error::Internal(cause) => internal(&cause),
    }
}

/// The `extensions.code` of an error a client may retry as it is, after `Retry-After`.
pub(crate) const UNAVAILABLE: &str = "UNAVAILABLE";

/// Logs a lost database connection and answers `UNAVAILABLE`, saying nothing of it.
fn unavailable(cause: &dyn std::fmt::Display) -> GqlError {
    tracing::warn!(error = %cause, "database unavailable");
    coded(
        "the database cannot be reached just now; try again in a moment (a change asked for \
         may have been made: read before repeating it)"
            .to_owned(),
        UNAVAILABLE,
    )
}

/// Logs a server fault with its cause and answers `INTERNAL`, saying nothing of it.
fn internal(cause: &dyn std::fmt::Display) -> GqlError {
    tracing::error!(error = %cause, "internal error");
    internal_answer()
}

fn internal_answer() -> GqlError {
    coded(
        "internal error; the server log has the details".to_owned(),
        "INTERNAL",
    )
}

/// A validation error on argument `field`.
pub(crate) fn invalid(field: &str, message: impl Into<String>) -> GqlError {
    to_gql(Error::validation(field, message))
}

fn coded(message: String, code: &'static str) -> GqlError {
    message.extend_with(|_, e| e.set("code", code))
}

/// `.gql()?` turns an engine result into a GraphQL one through [`to_gql`]. Use it on every engine
/// call: a bare `?` would keep the message but lose the code.
pub(crate) trait IntoGql<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> IntoGql<T> for Result<T, Error> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(to_gql)
    }
}

/// A batched lookup that failed (logged; answered as `INTERNAL`) or found nothing (`NOT_FOUND`).
pub(crate) fn loaded<T>(
    result: Result<Option<T>, std::sync::Arc<Error>>,
    entity: &'static str,
    id: i64,
) -> async_graphql::Result<T> {
    match result {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(to_gql(Error::not_found(entity, id))),
        Err(cause) if cause.is_unavailable() => Err(unavailable(&cause)),
        Err(cause) => {
            tracing::error!(error = %cause, entity, id, "lookup failed");
            Err(internal_answer())
        }
    }
}

/// A batched list lookup; a parent with no rows has an empty list.
pub(crate) fn loaded_list<T>(
    result: Result<Option<Vec<T>>, std::sync::Arc<Error>>,
    entity: &'static str,
    id: i64,
) -> async_graphql::Result<Vec<T>> {
    match result {
        Ok(found) => Ok(found.unwrap_or_default()),
        Err(_) => loaded(result.map(|_| None::<Vec<T>>), entity, id),
    }
}
