//! The `notification_settings` table: an institution's own choice of delivery and send time,
//! over what the reminder policy says.

use sea_orm::entity::prelude::*;

/// One institution's notification settings.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub institution_id: i64,
    /// `immediate` or `daily_digest`; none: as the policy says.
    pub delivery: Option<String>,
    /// `HH:MM` local time; none: as the policy says.
    pub send_at: Option<String>,
    pub updated_at: DateTimeUtc,
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
