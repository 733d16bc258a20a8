//! The `user_settings` table.

use sea_orm::entity::prelude::*;

/// What a person set for the web application.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    /// argon2id, as a PHC string; none: the person signs in by e-mail link only.
    pub password_hash: Option<String>,
    /// `ro`, `en` or `pl`; none: the institution's language.
    pub language: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
