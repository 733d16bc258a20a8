//! Users and their API tokens. A token is 256 random bits shown once; only its SHA-256 is stored.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use sha2::{Digest, Sha256};

use crate::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use crate::engine::Engine;
use crate::entity::{api_token, user};
use crate::error::{Error, Result};
use crate::plans::institution_by_code;

/// The prefix of every token, so that a leaked one is recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "mdt_";

/// Longest user name, in characters.
pub const MAX_USER_NAME_CHARS: usize = 200;
/// Longest token label, in characters.
pub const MAX_TOKEN_LABEL_CHARS: usize = 200;

/// A user to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    pub email: EmailAddress,
    pub name: String,
    pub role: UserRole,
    /// Required for members and coordinators; optional for admins and auditors.
    pub institution: Option<InstitutionCode>,
}

/// A token just issued: its text (shown once, never stored) and its record.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedToken {
    pub token: String,
    pub record: api_token::Model,
}

/// The hex SHA-256 of a token's text, as stored.
pub(crate) fn hash(token: &str) -> String {
    crate::hex::encode(&Sha256::digest(token.as_bytes()))
}

/// A fresh API token: the prefix and 32 random bytes in hex.
fn generate() -> Result<String> {
    random_token(TOKEN_PREFIX)
}

/// `prefix` and 32 random bytes in hex.
pub(crate) fn random_token(prefix: &str) -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("no randomness available: {e}")))?;
    Ok(format!("{prefix}{}", crate::hex::encode(&bytes)))
}

/// Issues a token for user `user_id` in `db` (a transaction, or not), with no check of who asks.
pub(crate) async fn insert_token<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    now: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    label: Option<String>,
) -> Result<IssuedToken> {
    let token = generate()?;
    let record = api_token::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(hash(&token)),
        label: Set(label),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(IssuedToken { token, record })
}

/// The actor a stored user acts as.
pub fn actor_of(user: &user::Model) -> Result<Actor> {
    Ok(Actor::user(
        user.email.clone(),
        user.role.parse()?,
        user.institution_id,
    ))
}

/// Whether `actor` may manage (issue and revoke tokens of) `target`: admins manage everyone,
/// everyone manages themselves, a coordinator manages the members of its institution.
fn manages(actor: &Actor, target: &user::Model) -> bool {
    actor.role == UserRole::Admin
        || actor.name == target.email
        || (actor.role == UserRole::Coordinator
            && target.role == UserRole::Member.as_str()
            && target.institution_id.is_some()
            && target.institution_id == actor.institution_id)
}

impl Engine {
    /// Creates a user. Admins create anyone; a coordinator creates members of its own institution.
    #[tracing::instrument(skip_all, fields(email = %new.email, actor = %actor.name))]
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<user::Model> {
        let name = new.name.trim();
        if name.is_empty() {
            return Err(Error::validation("name", "a user needs a name"));
        }
        crate::text::at_most("name", "a name", name, MAX_USER_NAME_CHARS)?;
        let txn = crate::db::begin_write(self.db()).await?;
        let institution = match &new.institution {
            Some(code) => Some(institution_by_code(&txn, code.as_str()).await?),
            None if matches!(new.role, UserRole::Member | UserRole::Coordinator) => {
                return Err(Error::validation(
                    "institution",
                    format!("a {} must belong to an institution", new.role),
                ));
            }
            None => None,
        };
        let institution_id = institution.as_ref().map(|i| i.id);
        let allowed = actor.role == UserRole::Admin
            || (actor.role == UserRole::Coordinator
                && new.role == UserRole::Member
                && institution_id.is_some()
                && institution_id == actor.institution_id);
        if !allowed {
            return Err(Error::Forbidden(format!(
                "{} may not create a {} of {}",
                actor.name,
                new.role,
                institution.map_or("no institution".to_owned(), |i| i.code)
            )));
        }
        let taken = user::Entity::find()
            .filter(user::Column::Email.eq(new.email.as_str()))
            .one(&txn)
            .await?;
        if taken.is_some() {
            return Err(Error::validation(
                "email",
                format!("a user with e-mail `{}` already exists", new.email),
            ));
        }
        let created = user::ActiveModel {
            email: Set(new.email.as_str().to_owned()),
            name: Set(name.to_owned()),
            role: Set(new.role.as_str().to_owned()),
            institution_id: Set(institution_id),
            created_at: Set(self.now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(created)
    }

    /// The user with this e-mail address.
    pub async fn user_by_email(&self, email: &str) -> Result<user::Model> {
        user::Entity::find()
            .filter(user::Column::Email.eq(email.trim()))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("user", email))
    }

    /// Issues a token for the user `email`, valid until `expires_at` (never, if `None`).
    #[tracing::instrument(skip_all, fields(user = %email, actor = %actor.name))]
    pub async fn issue_token(
        &self,
        actor: &Actor,
        email: &str,
        expires_at: Option<DateTime<Utc>>,
        label: Option<String>,
    ) -> Result<IssuedToken> {
        let now = self.now();
        if expires_at.is_some_and(|at| at <= now) {
            return Err(Error::validation(
                "expiresAt",
                "a token must expire in the future",
            ));
        }
        // Unknown and unmanaged users get the same answer: who exists is not for everyone to learn.
        let refused =
            || Error::Forbidden(format!("{} may not issue tokens for {email}", actor.name));
        let target = match self.user_by_email(email).await {
            Ok(target) if manages(actor, &target) => target,
            Ok(_) => return Err(refused()),
            Err(Error::NotFound { .. }) if actor.role != UserRole::Admin => return Err(refused()),
            Err(e) => return Err(e),
        };
        if let Some(label) = &label {
            crate::text::at_most("label", "a label", label, MAX_TOKEN_LABEL_CHARS)?;
        }
        insert_token(self.db(), target.id, now, expires_at, label).await
    }

    /// Revokes a token (closing the subscriptions it opened, on every replica); revoking it
    /// again changes nothing.
    #[tracing::instrument(skip_all, fields(token = token_id, actor = %actor.name))]
    pub async fn revoke_token(&self, actor: &Actor, token_id: i64) -> Result<api_token::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let record = api_token::Entity::find_by_id(token_id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("token", token_id))?;
        let owner = user::Entity::find_by_id(record.user_id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("user", record.user_id))?;
        if !manages(actor, &owner) {
            // As if it did not exist: a token's owner is not for everyone to learn.
            return Err(Error::not_found("token", token_id));
        }
        api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(Some(self.now())))
            .filter(api_token::Column::Id.eq(token_id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        let record = api_token::Entity::find_by_id(token_id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("token", token_id))?;
        txn.commit().await?;
        self.announce_ended(crate::bus::Ended::Token(token_id))
            .await?;
        Ok(record)
    }

    /// The tokens of a user the actor manages, newest first.
    pub async fn tokens_of(&self, actor: &Actor, email: &str) -> Result<Vec<api_token::Model>> {
        let target = self.user_by_email(email).await?;
        if !manages(actor, &target) {
            return Err(Error::Forbidden(format!(
                "{} may not list tokens of {}",
                actor.name, target.email
            )));
        }
        Ok(api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(target.id))
            .order_by_desc(api_token::Column::Id)
            .all(self.db())
            .await?)
    }

    /// The user a bearer token belongs to, if it is known, unexpired and not revoked (one query).
    pub async fn authenticate(&self, token: &str) -> Result<user::Model> {
        let refused = || Error::Unauthenticated("the token is unknown, expired or revoked".into());
        if !token.starts_with(TOKEN_PREFIX) {
            return Err(refused());
        }
        let now = self.now();
        let live = Query::select()
            .column(api_token::Column::UserId)
            .from(api_token::Entity)
            .and_where(api_token::Column::TokenHash.eq(hash(token)))
            .and_where(api_token::Column::RevokedAt.is_null())
            .cond_where(
                Condition::any()
                    .add(api_token::Column::ExpiresAt.is_null())
                    .add(api_token::Column::ExpiresAt.gt(now)),
            )
            .to_owned();
        user::Entity::find()
            .filter(user::Column::Id.in_subquery(live))
            .one(self.db())
            .await?
            .ok_or_else(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
        assert!(!hash(&a).contains(&a[TOKEN_PREFIX.len()..]));
    }
}
