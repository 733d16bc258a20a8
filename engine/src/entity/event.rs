//! The `events` table.

use sea_orm::entity::prelude::*;

/// An append-only audit event, chained by hash to the previous event of its plan
/// (`mandate_migrations::audit_chain` has the format).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub action_id: Option<i64>,
    pub task_id: Option<i64>,
    pub kind: String,
    pub actor: String,
    pub actor_institution_id: Option<i64>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub comment: Option<String>,
    pub payload: Json,
    pub at: DateTimeUtc,
    /// The hash of the plan's previous event, or the genesis value for its first.
    pub prev_hash: String,
    /// SHA-256 (hex) of `prev_hash` and this event's content.
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
