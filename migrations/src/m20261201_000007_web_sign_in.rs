use sea_orm_migration::{prelude::*, schema::*};

use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // What a person sets for the web application: a password (argon2id, PHC string) and the
        // language of its pages (none: its institution's).
        manager
            .create_table(
                Table::create()
                    .table("user_settings")
                    .col(big_integer("user_id").primary_key())
                    .col(text_null("password_hash"))
                    .col(string_null("language"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "user_settings",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // A sign-in link asked for by e-mail: its token is signed when the message is written,
        // and works once.
        manager
            .create_table(
                Table::create()
                    .table("sign_in_links")
                    .col(big_pk_auto("id"))
                    .col(big_integer("user_id"))
                    .col(string("next"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut fk(
                        "sign_in_links",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("sign_in_links", &["user_id"], false))
            .await?;
        // A signed-in browser: the cookie's SHA-256, the form token, idle and absolute expiry.
        manager
            .create_table(
                Table::create()
                    .table("web_sessions")
                    .col(big_pk_auto("id"))
                    .col(big_integer("user_id"))
                    .col(string_uniq("token_hash"))
                    .col(string("csrf_token"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .foreign_key(&mut fk(
                        "web_sessions",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("web_sessions", &["user_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["web_sessions", "sign_in_links", "user_settings"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
