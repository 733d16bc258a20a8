//! The GraphQL object types: thin wrappers over engine records, resolving nested fields
//! through the request's loaders.

mod action;
mod calendar;
mod directory;
mod event;
mod notification;
mod plan;
mod register;
mod results;
mod status;
mod task;

pub(crate) use action::{Action, ReportingPeriod, SignOff};
pub(crate) use calendar::{CalendarFeed, IssuedCalendarFeed};
pub(crate) use directory::{Institution, IssuedToken, Role, Token, User};
pub(crate) use event::{Event, TaskEvent};
pub(crate) use notification::{Delivery, Notification, NotificationSettings};
pub(crate) use plan::{ImportResult, Plan};
pub(crate) use register::{Case, Register, RegisterStatistics};
pub(crate) use results::PerformanceIndicator;
pub(crate) use task::Task;
