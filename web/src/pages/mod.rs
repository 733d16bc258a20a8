//! One module per area of the application; each handler reads the session, calls the engine and
//! renders one template.

pub mod actions;
pub mod audit;
pub mod calendar;
pub mod import;
pub mod inbox;
pub mod institutions;
pub mod live;
pub mod plans;
pub mod public;
pub mod registers;
pub mod report;
pub mod sign_in;
pub mod task;
