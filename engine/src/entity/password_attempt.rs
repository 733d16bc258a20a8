//! The `password_attempts` table.

use sea_orm::entity::prelude::*;

/// Failed password sign-ins for one address since `first_failed_at`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "password_attempts")]
pub struct Model {
    /// SHA-256 (hex) of the address as typed, trimmed and lower-cased.
    #[sea_orm(primary_key, auto_increment = false)]
    pub address_hash: String,
    pub failures: i32,
    pub first_failed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
