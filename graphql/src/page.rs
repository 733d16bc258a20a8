//! Cursor pagination: `first`/`after`, `edges { cursor node }`, `nodes`, `pageInfo`, `totalCount`.

use async_graphql::{Result, SimpleObject};

use crate::error::invalid;
use crate::types::{Event, Notification, Task};

/// The largest page a client may ask for.
pub(crate) const MAX_PAGE: i32 = 200;
/// The page size when `first` is not given.
pub(crate) const DEFAULT_PAGE: i32 = 50;

/// Where a page stands in the whole list.
#[derive(SimpleObject)]
pub(crate) struct PageInfo {
    /// More items follow this page.
    has_next_page: bool,
    /// The cursor of the last item: pass it as `after` for the next page.
    end_cursor: Option<String>,
}

/// A page's rows cut to `size` (they were fetched with one more, to learn whether more follow),
/// each row's cursor, and where the page stands.
fn split_page<T>(
    mut rows: Vec<T>,
    size: u64,
    cursor: impl Fn(&T) -> String,
) -> (Vec<T>, Vec<String>, PageInfo) {
    let has_next_page = rows.len() as u64 > size;
    rows.truncate(size as usize);
    let cursors: Vec<String> = rows.iter().map(cursor).collect();
    let page_info = PageInfo {
        has_next_page,
        end_cursor: cursors.last().cloned(),
    };
    (rows, cursors, page_info)
}

/// A connection type (a page of `$node`s) and its edge type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A ", $what, " and its cursor.")]
        #[derive(SimpleObject)]
        pub(crate) struct $edge {
            cursor: String,
            node: $node,
        }

        #[doc = concat!("A page of ", $what, "s.")]
        #[derive(SimpleObject)]
        pub(crate) struct $connection {
            edges: Vec<$edge>,
            nodes: Vec<$node>,
            page_info: PageInfo,
            /// How many items the whole list has (counted only when asked for).
            total_count: u64,
        }

        impl $connection {
            /// A page from `rows`, fetched with one row more than `size`.
            pub(crate) fn new(
                rows: Vec<$node>,
                size: u64,
                total_count: u64,
                cursor: impl Fn(&$node) -> String,
            ) -> Self {
                let (nodes, cursors, page_info) = split_page(rows, size, cursor);
                let edges = nodes
                    .iter()
                    .cloned()
                    .zip(cursors)
                    .map(|(node, cursor)| $edge { cursor, node })
                    .collect();
                Self {
                    edges,
                    nodes,
                    page_info,
                    total_count,
                }
            }
        }
    };
}

connection!(TaskConnection, TaskEdge, Task, "task");
connection!(EventConnection, EventEdge, Event, "event");
connection!(
    NotificationConnection,
    NotificationEdge,
    Notification,
    "notification"
);

/// The page size asked for by `first`, checked against the cap.
pub(crate) fn page_size(first: Option<i32>) -> Result<u64> {
    match first.unwrap_or(DEFAULT_PAGE) {
        n @ 0..=MAX_PAGE => Ok(n as u64),
        n => Err(invalid(
            "first",
            format!("`{n}` is out of range: a page has 0 to {MAX_PAGE} items"),
        )),
    }
}
