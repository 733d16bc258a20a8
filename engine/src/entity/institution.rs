//! The `institutions` table.

use sea_orm::entity::prelude::*;

/// An institution: ministry, agency, authority, NGO or a generic partner group.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "institutions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    /// JSON array of e-mail addresses.
    pub emails: Json,
    pub language: String,
    pub time_zone: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
