//! The `invitations` table.

use sea_orm::entity::prelude::*;

/// A member invited by a coordinator (or an admin): its link works once, until accepted.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The invited user (one invitation per user).
    #[sea_orm(unique)]
    pub user_id: i64,
    /// The institution the user was invited to act for.
    pub institution_id: i64,
    /// Who invited, as the audit trail names actors (an e-mail address, or `cli`).
    pub invited_by: String,
    pub created_at: DateTimeUtc,
    /// When its link was used to receive an access key.
    pub accepted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
