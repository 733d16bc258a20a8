//! Mandate's engine: the domain of multi-agency action plans, task lifecycles as data, deadline
//! wording, and persistence on SQLite or PostgreSQL. Nothing here knows about HTTP or GraphQL.
//!
//! Grouped by concern:
//! - `plans`: building a plan (institutions, plans, objectives, actions, who takes part, reporting
//!   periods) and importing plan files (`plans::plan_file`);
//! - `tasks`: the lifecycle (`tasks::lifecycle`, data from `workflows/lifecycles/`), transitions,
//!   the completion of an action period, cancellation when a plan changes;
//! - `reads`: every read, on behalf of an actor (the API's fields, the CLI, the pages' views in
//!   `reads::views`), narrowed by `access`, the one place that says who may read what;
//! - `notifications`: the outbox, the reminder planner and policies (`notifications::reminders`),
//!   the scheduler, the sender, and the signed links in e-mails; `mail`: transports and templates;
//! - `i18n`: the words of pages and e-mails in each language (Fluent catalogues in `locales/`),
//!   dates and numbers as each language writes them;
//! - `reports`: the monitoring report of a plan over a period (the documents are written by the
//!   `mandate-reports` crate);
//! - `results`: indicators' definitions and their evaluation against targets;
//! - `deadline`: the wording of deadlines and the periods it means; `status`: the status rule;
//! - people: `accounts` (users, API tokens), `invitations`, `sign_in` (web sessions);
//! - `calendar`: secret calendar feeds (iCalendar) of the due dates a person follows;
//! - persistence: `entity` (one module per table), `db` (connecting, migrating), `audit` (the
//!   append-only event trail); and `engine` (the handle), `error`, `domain`, `clock`, `text`,
//!   `demo`;
//! - `metrics`: what the engine counts and times, for monitoring; `statement_log`: the statements
//!   an engine sends, for benchmarks and tests.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod bus;
pub mod calendar;
pub mod clock;
pub mod db;
pub mod deadline;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod entity;
pub mod error;
mod hex;
pub mod i18n;
pub mod invitations;
pub mod mail;
pub mod metrics;
pub mod notifications;
pub mod plans;
pub mod reads;
pub mod registers;
pub mod reports;
pub mod results;
pub mod sign_in;
pub mod statement_log;
pub mod status;
pub mod tasks;
pub mod text;

pub use clock::{Clock, ManualClock, OffsetClock, SystemClock};
pub use domain::{Actor, AssignmentRole, UserRole};
pub use engine::Engine;
pub use error::{Error, Result};
