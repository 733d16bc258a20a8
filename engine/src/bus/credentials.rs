//! Which credential a subscription was opened with, and whether it still holds.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Credential, Ended};
use crate::accounts::hash;
use crate::engine::Engine;
use crate::entity::{api_token, web_session};
use crate::error::{Error, Result};

impl Engine {
    /// The row id of a credential, from its secret.
    pub(crate) async fn credential_id(&self, credential: Credential<'_>) -> Result<Ended> {
        let unknown = || Error::Unauthenticated("the credential is unknown".to_owned());
        Ok(match credential {
            Credential::Token(secret) => Ended::Token(
                api_token::Entity::find()
                    .filter(api_token::Column::TokenHash.eq(hash(secret)))
                    .one(self.db())
                    .await?
                    .ok_or_else(unknown)?
                    .id,
            ),
            Credential::Session(cookie) => Ended::Session(
                web_session::Entity::find()
                    .filter(web_session::Column::TokenHash.eq(hash(cookie)))
                    .one(self.db())
                    .await?
                    .ok_or_else(unknown)?
                    .id,
            ),
        })
    }

    /// Whether a credential is neither revoked, ended nor expired.
    pub(crate) async fn credential_live(&self, which: Ended) -> Result<bool> {
        let now = self.now();
        Ok(match which {
            Ended::Token(id) => api_token::Entity::find_by_id(id)
                .one(self.db())
                .await?
                .is_some_and(|t| t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now)),
            Ended::Session(id) => web_session::Entity::find_by_id(id)
                .one(self.db())
                .await?
                .is_some_and(|s| s.ended_at.is_none() && s.expires_at > now),
        })
    }
}
