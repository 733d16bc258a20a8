//! Institutions: a directory shared by every plan, which every actor reads whole.

use sea_orm::{EntityTrait, QueryOrder};

use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::institution;
use crate::error::{Error, Result};

impl Engine {
    /// Every institution, by code.
    pub async fn institutions(&self, _actor: &Actor) -> Result<Vec<institution::Model>> {
        Ok(institution::Entity::find()
            .order_by_asc(institution::Column::Code)
            .all(self.db())
            .await?)
    }

    /// The institution with id `id`.
    pub async fn institution_by_id(&self, _actor: &Actor, id: i64) -> Result<institution::Model> {
        institution::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("institution", id))
    }

    /// The institution with `code`; `NotFound` names the closest known code.
    pub async fn institution(&self, actor: &Actor, code: &str) -> Result<institution::Model> {
        match crate::plans::institution_by_code(self.db(), code).await {
            Err(Error::NotFound { .. }) => {
                let known: Vec<String> = self
                    .institutions(actor)
                    .await?
                    .into_iter()
                    .map(|i| i.code)
                    .collect();
                let hint = crate::text::did_you_mean(code, known.iter().map(String::as_str))
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                let code = crate::text::quoted(code);
                Err(Error::not_found("institution", format!("`{code}`{hint}")))
            }
            other => other,
        }
    }
}
