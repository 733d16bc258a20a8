//! Calendar feeds: secret addresses that calendar programs subscribe to.

use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};
use mandate_engine::calendar;

use super::Institution;
use crate::id::{Kind, encode};

/// A calendar feed of the viewer: due dates as all-day events (iCalendar). Its secret address is
/// shown only when it is created.
pub(crate) struct CalendarFeed(pub calendar::CalendarFeed);

#[Object]
impl CalendarFeed {
    async fn id(&self) -> ID {
        encode(Kind::CalendarFeed, self.0.record.id)
    }
    /// The institution whose tasks it lists; none: every task the viewer may read.
    async fn institution(&self) -> Option<Institution> {
        self.0.institution.clone().map(Institution)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.record.created_at
    }
    /// When it was revoked; a revoked feed's address answers 404.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.record.revoked_at
    }
}

/// A calendar feed just created.
pub(crate) struct IssuedCalendarFeed(pub calendar::IssuedFeed);

#[Object]
impl IssuedCalendarFeed {
    /// The secret of its address. It is not stored and cannot be shown again.
    async fn secret(&self) -> &str {
        &self.0.secret
    }
    /// Its address on this server, `/calendar/{secret}.ics`: the server's own address followed
    /// by this path is what a calendar program subscribes to.
    async fn path(&self) -> String {
        calendar::feed_url("", &self.0.secret)
    }
    async fn feed(&self) -> CalendarFeed {
        CalendarFeed(self.0.feed.clone())
    }
}
