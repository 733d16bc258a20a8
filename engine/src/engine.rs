//! The `Engine` handle: a database connection, a clock and the known lifecycles.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::lifecycle::{Lifecycle, Lifecycles};

/// Every engine operation goes through this handle. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Engine {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    lifecycles: Arc<Lifecycles>,
}

impl Engine {
    /// An engine over `db` (already migrated) reading time from `clock`.
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, lifecycles: Lifecycles) -> Self {
        Self {
            db,
            clock,
            lifecycles: Arc::new(lifecycles),
        }
    }

    /// The database connection.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The current instant, as the engine's clock tells it.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The known lifecycles.
    pub fn lifecycles(&self) -> &Lifecycles {
        &self.lifecycles
    }

    /// The lifecycle called `name`, or a validation error listing the known ones.
    pub fn lifecycle(&self, name: &str) -> Result<Arc<Lifecycle>> {
        self.lifecycles.get(name).ok_or_else(|| {
            Error::validation(
                "lifecycle",
                format!(
                    "unknown lifecycle `{name}` (known: {})",
                    self.lifecycles.names().join(", ")
                ),
            )
        })
    }
}
