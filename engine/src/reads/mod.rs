//! Every read, on behalf of an actor. This is the only way the API, the web pages and the CLI
//! read the database:
//!
//! - every public read is an [`Engine`] method whose first argument is the [`Actor`] it reads
//!   for, and it narrows its query in SQL with that actor's rule from [`crate::access`] (never
//!   loading a list to filter it);
//! - a single record the actor may not read is [`Error::NotFound`](crate::Error::NotFound),
//!   exactly as one that does not exist; a list simply leaves it out;
//! - the operator at the command line (`mandate status`, `mandate bench`, imports) reads as
//!   [`Actor::operator()`], an admin, who reads everything;
//! - the engine's own work (the scheduler, the sender, the writes' checks) reads its tables
//!   directly through crate-private code; nothing unfiltered is public.
//!
//! By subject: [`tasks`] (pages of tasks, one task, who may follow whose), [`plans`] (plans,
//! objectives, actions, periods, completion, sign-offs), [`progress`] (counts per state, for a
//! plan or an objective, and `mandate status`), [`events`] (the audit trail), [`outbox`] (the
//! notifications people look at), [`directory`] (institutions), [`public`] (the public progress
//! page of a published plan, read for anyone), [`Engine::readable_rows`]
//! (batches of any table, for the API's data loaders), and [`views`] (what each web page shows).

pub mod directory;
pub mod events;
pub mod outbox;
pub mod plans;
pub mod progress;
pub mod public;
pub mod status;
pub mod tasks;
pub mod views;

use sea_orm::{ColumnTrait, QueryFilter};

use crate::access::Readable;
use crate::domain::Actor;
use crate::engine::Engine;
use crate::error::Result;

pub use events::EventFilter;
pub use outbox::NotificationFilter;
pub use progress::{PlanStatus, Progress};
pub use tasks::{TaskCursor, TaskFilter};

/// How many ids one batched lookup takes at most per query (well under the bind-parameter limits
/// of SQLite and PostgreSQL).
const BATCH: usize = 1000;

impl Engine {
    /// The rows of `E` that `actor` may read whose `column` is one of `ids`: one query per
    /// thousand ids, for the API's data loaders (a row the actor may not read is left out).
    pub async fn readable_rows<E>(
        &self,
        actor: &Actor,
        column: E::Column,
        ids: &[i64],
    ) -> Result<Vec<E::Model>>
    where
        E: Readable,
    {
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH) {
            rows.extend(
                E::find()
                    .filter(E::readable_by(actor))
                    .filter(column.is_in(chunk.iter().copied()))
                    .all(self.db())
                    .await?,
            );
        }
        Ok(rows)
    }
}
