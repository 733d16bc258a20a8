//! Institutions, users and tokens.

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};
use mandate_engine::entity::{api_token, institution, user};
use mandate_engine::{UserRole, accounts};

use crate::context::loaders;
use crate::error::loaded;
use crate::id::{Kind, encode};

/// An institution: ministry, agency, authority, NGO, or a group of partners.
pub(crate) struct Institution(pub institution::Model);

#[Object]
impl Institution {
    /// Short code, as in the plans: `ANITP`, `IGPR`, `KPP-LUBARTOW`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The institution it acts under ("MAI prin ANITP": ANITP's parent is MAI).
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        let found = loaders(ctx).institutions.load_one(id).await;
        loaded(found, "institution", id).map(|i| Some(Institution(i)))
    }
    /// Where its notifications go.
    async fn emails(&self) -> Vec<String> {
        serde_json::from_value(self.0.emails.clone()).unwrap_or_default()
    }
    /// Language of its e-mails: `ro`, `pl` or `en`.
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// IANA time zone, e.g. `Europe/Bucharest`.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }
}

/// What a user may do.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Everything, on every plan.
    Admin,
    /// Manages the plans its institution owns, and acts for its institution on tasks.
    Coordinator,
    /// Acts for one institution on its tasks.
    Member,
    /// Reads everything, changes nothing.
    Auditor,
}

impl From<Role> for UserRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => UserRole::Admin,
            Role::Coordinator => UserRole::Coordinator,
            Role::Member => UserRole::Member,
            Role::Auditor => UserRole::Auditor,
        }
    }
}

impl From<UserRole> for Role {
    fn from(role: UserRole) -> Self {
        match role {
            UserRole::Admin => Role::Admin,
            UserRole::Coordinator => Role::Coordinator,
            UserRole::Member => Role::Member,
            UserRole::Auditor => Role::Auditor,
        }
    }
}

/// A person who signs in with tokens.
pub(crate) struct User(pub user::Model);

#[Object]
impl User {
    /// E-mail address; also the name in the audit trail.
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn role(&self) -> Result<Role> {
        let actor = accounts::actor_of(&self.0).map_err(crate::error::to_gql)?;
        Ok(actor.role.into())
    }
    /// The institution the user acts for (none for some admins and auditors).
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let Some(id) = self.0.institution_id else {
            return Ok(None);
        };
        let found = loaders(ctx).institutions.load_one(id).await;
        loaded(found, "institution", id).map(|i| Some(Institution(i)))
    }
}

/// An API token's record (its text is shown only once, when issued).
pub(crate) struct Token(pub api_token::Model);

#[Object]
impl Token {
    async fn id(&self) -> ID {
        encode(Kind::Token, self.0.id)
    }
    async fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A token just issued.
pub(crate) struct IssuedToken(pub accounts::IssuedToken);

#[Object]
impl IssuedToken {
    /// The secret: send it as `Authorization: Bearer <token>`. It is not stored and cannot be
    /// shown again.
    async fn token(&self) -> &str {
        &self.0.token
    }
    async fn record(&self) -> Token {
        Token(self.0.record.clone())
    }
}
