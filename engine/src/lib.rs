//! Mandate's engine: the domain of multi-agency action plans, task lifecycles as data, deadline
//! wording, and persistence on SQLite or PostgreSQL. Nothing here knows about HTTP or GraphQL.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod clock;
pub mod db;
pub mod deadline;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod entity;
pub mod error;
mod hex;
pub mod invitations;
pub mod lifecycle;
pub mod mail;
pub mod notifications;
pub mod plan_file;
pub mod plans;
pub mod reads;
pub mod reminders;
pub mod sign_in;
pub mod status;
pub mod tasks;
pub mod text;
pub mod views;

pub use clock::{Clock, ManualClock, OffsetClock, SystemClock};
pub use domain::{Actor, AssignmentRole, UserRole};
pub use engine::Engine;
pub use error::{Error, Result};
