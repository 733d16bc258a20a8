//! When reminders are due: reminder policies (data), working-day calendars, and the planner.

pub mod calendar;
pub mod planner;
pub mod policy;

pub use calendar::Calendar;
pub use planner::{
    Due, Recipient, TaskFacts, due_reminders, next_change, next_look, next_reminder_at,
};
pub use policy::{DEFAULT_POLICY, Delivery, Offset, ReminderPolicies, ReminderPolicy};
