//! The engine's errors: one enum, mapped once at each edge (CLI exit code, GraphQL `extensions.code`).
//!
//! This module depends on no other module of the engine: the small error types that feature
//! modules raise (a lifecycle definition's mistake, a link that does not work) are defined here
//! and re-exported where they belong.

use std::fmt;

use chrono::{DateTime, Utc};
use sea_orm::sqlx;
use sea_orm::{DbErr, RuntimeErr};

/// What can go wrong in an engine operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No valid credentials were given.
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    /// The actor may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The transition does not exist from the task's current state.
    #[error("transition `{transition}` is not allowed from state `{from}`")]
    InvalidTransition { from: String, transition: String },
    /// The caller saw an older version of the record.
    #[error("version conflict: expected version {expected}, the record is at version {actual}")]
    Conflict { expected: i64, actual: i64 },
    /// Input is invalid; `field` names where.
    #[error("invalid {field}: {message}")]
    Validation { field: String, message: String },
    /// The record does not exist.
    #[error("{entity} {key} not found")]
    NotFound { entity: &'static str, key: String },
    /// A lifecycle definition is invalid.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// A link from an e-mail (acknowledge, invitation, sign-in) does not work.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// A submitted file asks for what may not be done; every problem located. `forbidden`: the
    /// actor lacks the right (rather than the file being wrong).
    #[error("{}", summary(problems))]
    Problems {
        forbidden: bool,
        problems: Vec<Problem>,
    },
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// Too many failed attempts: nothing more is tried before `retry_after`.
    #[error("too many failed attempts: try again after {retry_after}")]
    Throttled { retry_after: DateTime<Utc> },
    /// The server failed: a template that does not render, a secret that cannot be read or made,
    /// a message that cannot be built. Not the caller's fault: each edge logs the cause once and
    /// answers with no detail (GraphQL `INTERNAL`, a 500 page).
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A validation error on `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A server fault, described for the log (never shown to the caller).
    pub fn internal(cause: impl fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    /// A not-found error for `entity` identified by `key`.
    pub fn not_found(entity: &'static str, key: impl ToString) -> Self {
        Self::NotFound {
            entity,
            key: key.to_string(),
        }
    }

    /// Whether the database could not be reached or dropped the connection (restarted, a
    /// connection cut or terminated, the pool exhausted): not the caller's fault, and worth
    /// trying again in a moment. The operation did not complete; a write whose commit was cut
    /// may or may not have been made, which the caller learns by reading again.
    pub fn is_unavailable(&self) -> bool {
        let Self::Database(e) = self else {
            return false;
        };
        match e {
            DbErr::ConnectionAcquire(_) => true,
            DbErr::Conn(RuntimeErr::SqlxError(e))
            | DbErr::Exec(RuntimeErr::SqlxError(e))
            | DbErr::Query(RuntimeErr::SqlxError(e)) => connection_lost(e),
            _ => false,
        }
    }
}

/// Whether a driver error means the connection to the database failed rather than a statement.
fn connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        // PostgreSQL's classes 08 (connection exception) and 57P (the server shut the
        // connection: terminated, shutting down, starting up).
        sqlx::Error::Database(e) => e
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

/// An invalid lifecycle (or reminder policy) definition, located in its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct LifecycleError {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

/// Why a link from an e-mail does not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link is not valid")]
    Invalid,
    #[error("the link has expired")]
    Expired,
    #[error("the link was already used")]
    Used,
    #[error("the task is no longer waiting to be acknowledged")]
    Moot,
}

/// One mistake in a submitted file, located: by line and column in a text file, by cell in a
/// table (`plan.xlsx:Plan!C14`, `plan.docx:table 2, row 14, column 4`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: u64,
    pub column: u64,
    /// The cell of a table the problem is in (then `line` and `column` are 0).
    pub cell: Option<String>,
    pub message: String,
}

impl Problem {
    /// A problem at `line`:`column` of `file` (0 when unknown).
    pub fn new(file: &str, line: u64, column: u64, message: String) -> Self {
        Self {
            file: file.to_owned(),
            line,
            column,
            cell: None,
            message,
        }
    }

    /// A problem in the cell `cell` of the table `file`.
    pub fn in_cell(file: &str, cell: impl fmt::Display, message: String) -> Self {
        Self {
            file: file.to_owned(),
            line: 0,
            column: 0,
            cell: Some(cell.to_string()),
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cell {
            Some(cell) => write!(f, "{}:{}: {}", self.file, cell, self.message),
            None => write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            ),
        }
    }
}

fn summary(problems: &[Problem]) -> String {
    match problems {
        [] => "no problem".to_owned(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more problem(s))", rest.len()),
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
