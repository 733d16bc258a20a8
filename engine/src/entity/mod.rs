//! sea-orm entities, one module per table. The schema itself lives in `mandate-migrations`.

pub mod action;
pub mod api_token;
pub mod assignment;
pub mod calendar_feed;
pub mod event;
pub mod indicator;
pub mod indicator_value;
pub mod institution;
pub mod invitation;
pub(crate) mod joined;
pub mod notification;
pub mod notification_setting;
pub mod objective;
pub mod password_attempt;
pub mod performance_indicator;
pub mod plan;
pub mod register_department;
pub mod report;
pub mod reporting_period;
pub mod setting;
pub mod sign_in_link;
pub mod sign_off;
pub mod task;
pub mod user;
pub mod user_settings;
pub mod web_session;
