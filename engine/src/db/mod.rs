//! Connecting to SQLite or PostgreSQL and bringing the schema up to date.

mod nodelay;

use std::time::Duration;

use mandate_migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait, sqlx::sqlite::SqliteJournalMode,
};

/// The PostgreSQL advisory lock a scheduler pass holds (the bytes of "mandtick").
const SCHEDULER_LOCK: i64 = 0x6d61_6e64_7469_636b;

/// The database used when none is configured: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://mandate.db?mode=rwc";

/// Opens a connection pool. SQLite gets WAL mode, foreign keys and a busy timeout; each
/// connection to PostgreSQL over TCP gets `TCP_NODELAY` (see [`nodelay`]).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if url.starts_with("sqlite:") { 4 } else { 16 })
        .connect_timeout(Duration::from_secs(10))
        // A connection used within the last seconds is handed out as it is, without a round
        // trip to test it first: one a server restart broke fails its statement (a retryable
        // error) and is closed when it comes back to the pool.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_postgres_pool_opts(|pool| {
            pool.after_connect(|conn, _| Box::pin(nodelay::set(conn)))
        })
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
        });
    Database::connect(options).await
}

/// Opens a connection pool and applies pending migrations.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url).await?;
    migrate(&db).await?;
    Ok(db)
}

/// Applies every pending migration, then brings SQLite's statistics up to date.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    keep_statistics(db).await
}

/// Lets SQLite's query planner know the shape of the tables: `PRAGMA optimize` analyses the
/// tables whose size changed much since it last looked, on a bounded sample, so that it stays
/// quick on big tables and is a no-op otherwise. Without these statistics SQLite takes the index
/// on `tasks.open` for a query on one institution's or one plan's tasks, and walks every open
/// task of the database. Run at start and after every scheduler pass. Nothing on PostgreSQL,
/// whose autovacuum keeps its own statistics.
pub async fn keep_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        db.execute_unprepared("PRAGMA optimize=0x10002").await?;
    }
    Ok(())
}

/// Begins a read-write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
/// so two writers queue on the busy timeout instead of failing when one upgrades its read lock.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let sqlite = db.get_database_backend() == DatabaseBackend::Sqlite;
    let options = TransactionOptions {
        sqlite_transaction_mode: sqlite.then_some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    db.begin_with_options(options).await
}

/// Takes the scheduler's lock until `txn` ends, unless another transaction holds it; returns
/// whether it was taken. On PostgreSQL a transaction-level advisory lock, so that of several
/// replicas on one database one runs a pass while the others skip it; on SQLite the write lock
/// that [`begin_write`] took already orders every writer, so passes queue and it is always had.
pub(crate) async fn try_lock_scheduler(txn: &DatabaseTransaction) -> Result<bool, DbErr> {
    if txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(true);
    }
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_try_advisory_xact_lock($1) AS locked",
            [SCHEDULER_LOCK.into()],
        ))
        .await?;
    match row {
        Some(row) => row.try_get("", "locked"),
        None => Ok(false),
    }
}
