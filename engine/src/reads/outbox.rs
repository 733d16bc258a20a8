//! The outbox as people look at it: what was sent, what waits, what failed.

use std::collections::BTreeMap;

use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::access::notification_scope;
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::notification;
use crate::error::Result;
use crate::notifications::Kind;

/// Which outbox rows to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationFilter {
    pub status: Option<String>,
    pub kind: Option<Kind>,
    pub institution_id: Option<i64>,
}

#[derive(Debug, FromQueryResult)]
struct StatusCount {
    status: String,
    count: i64,
}

/// The rows `actor` may read that match `filter`.
fn matching(actor: &Actor, filter: &NotificationFilter) -> Condition {
    let mut all = Condition::all().add(notification_scope(actor));
    if let Some(status) = &filter.status {
        all = all.add(notification::Column::Status.eq(status.clone()));
    }
    if let Some(kind) = filter.kind {
        all = all.add(notification::Column::Kind.eq(kind.as_str()));
    }
    if let Some(id) = filter.institution_id {
        all = all.add(notification::Column::InstitutionId.eq(id));
    }
    all
}

impl Engine {
    /// Outbox rows `actor` may read (admins and auditors: all; others: those to their
    /// institution) that match `filter`: at most `limit`, newest first, after row `after`.
    pub async fn notifications(
        &self,
        actor: &Actor,
        filter: &NotificationFilter,
        after: Option<i64>,
        limit: u64,
    ) -> Result<Vec<notification::Model>> {
        let mut query = notification::Entity::find().filter(matching(actor, filter));
        if let Some(after) = after {
            query = query.filter(notification::Column::Id.lt(after));
        }
        Ok(query
            .order_by_desc(notification::Column::Id)
            .limit(limit.min(i64::MAX as u64))
            .all(self.db())
            .await?)
    }

    /// How many outbox rows `actor` may read match `filter`.
    pub async fn count_notifications(
        &self,
        actor: &Actor,
        filter: &NotificationFilter,
    ) -> Result<u64> {
        Ok(notification::Entity::find()
            .filter(matching(actor, filter))
            .count(self.db())
            .await?)
    }

    /// The outbox rows `actor` may read, counted per status (for `mandate status`).
    pub async fn outbox_counts(&self, actor: &Actor) -> Result<BTreeMap<String, u64>> {
        Ok(notification::Entity::find()
            .select_only()
            .column(notification::Column::Status)
            .column_as(notification::Column::Id.count(), "count")
            .filter(notification_scope(actor))
            .group_by(notification::Column::Status)
            .into_model::<StatusCount>()
            .all(self.db())
            .await?
            .into_iter()
            .map(|c| (c.status, u64::try_from(c.count).unwrap_or(0)))
            .collect())
    }
}
