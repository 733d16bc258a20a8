//! Reading the bus's events back from the database: the row is the truth, a notification only
//! names it.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{event, task};
use crate::error::Result;
use crate::tasks::TaskEvent;

/// Events read at a time when a listener or a subscriber catches up.
pub(crate) const PAGE: u64 = 500;

/// The task events among `ids`, oldest first, each with its task as it now is.
pub(crate) async fn by_ids<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<Vec<TaskEvent>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let events = event::Entity::find()
        .filter(event::Column::Id.is_in(ids.iter().copied()))
        .filter(event::Column::TaskId.is_not_null())
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?;
    with_tasks(db, events).await
}

/// A page of task events read back in order.
pub(crate) struct Page {
    pub events: Vec<TaskEvent>,
    /// The highest event id read (the `after` asked for when none was).
    pub last_id: i64,
    /// Whether the page is full: more may follow.
    pub full: bool,
}

/// At most [`PAGE`] task events committed with an id above `after`, oldest first.
pub(crate) async fn since<C: ConnectionTrait>(db: &C, after: i64) -> Result<Page> {
    let events = event::Entity::find()
        .filter(event::Column::Id.gt(after))
        .filter(event::Column::TaskId.is_not_null())
        .order_by_asc(event::Column::Id)
        .limit(PAGE)
        .all(db)
        .await?;
    let full = events.len() as u64 == PAGE;
    let last_id = events.last().map_or(after, |e| e.id);
    Ok(Page {
        events: with_tasks(db, events).await?,
        last_id,
        full,
    })
}

/// The highest event id committed so far (0 when there is none).
pub(crate) async fn last_id<C: ConnectionTrait>(db: &C) -> Result<i64> {
    Ok(event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .order_by_desc(event::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .unwrap_or(0))
}

/// Pairs each event with its task; an event whose task is gone is left out.
async fn with_tasks<C: ConnectionTrait>(
    db: &C,
    events: Vec<event::Model>,
) -> Result<Vec<TaskEvent>> {
    let mut ids: Vec<i64> = events.iter().filter_map(|e| e.task_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let tasks: HashMap<i64, task::Model> = task::Entity::find()
        .filter(task::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    Ok(events
        .into_iter()
        .filter_map(|event| {
            let task = tasks.get(&event.task_id?)?.clone();
            Some(TaskEvent { event, task })
        })
        .collect())
}
