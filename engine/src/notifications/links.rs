//! Acknowledge links: `GET /ack/{token}` shows a confirmation page (mail scanners open links, so a
//! GET changes nothing); its button POSTs, which acknowledges the task for the institution the
//! e-mail went to. A token names the notification (hence task and recipient) and its expiry, is
//! signed with HMAC-SHA256 under a server secret, and works once.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use sha2::Sha256;

use crate::domain::{Actor, UserRole};
use crate::engine::Engine;
use crate::entity::{action, institution, notification, setting, task};
use crate::error::{Error, Result};
use crate::hex;
use crate::tasks::Fire;
use crate::tasks::lifecycle::{Lifecycle, Role};

/// How long a link works after the message is sent.
pub const LINK_LIFETIME_DAYS: i64 = 30;
const SECRET: &str = "link_secret";

pub use crate::error::LinkError;

/// What a valid link is about.
#[derive(Debug, Clone, PartialEq)]
pub struct AckLink {
    pub notification: notification::Model,
    pub task: task::Model,
    pub action: action::Model,
    pub institution: institution::Model,
    pub expires_at: DateTime<Utc>,
}

/// What is signed: the notification, its task and recipient, and the expiry.
fn signed_text(n: &notification::Model, expires: i64) -> String {
    format!(
        "ack|{}|{}|{}|{expires}",
        n.id,
        n.task_id.unwrap_or_default(),
        n.recipient.to_lowercase()
    )
}

/// The three parts of a link token `ID.EXPIRES.SIGNATURE` (the signature in hex); a token of
/// another shape is `Invalid`. Acknowledge, invitation and sign-in links share the shape.
pub(crate) fn parse_token(token: &str) -> Result<(i64, i64, Vec<u8>)> {
    let mut parts = token.split('.');
    let (Some(id), Some(expires), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(LinkError::Invalid.into());
    };
    match (
        id.parse::<i64>(),
        expires.parse::<i64>(),
        hex::decode(signature),
    ) {
        (Ok(id), Ok(expires), Some(signature)) => Ok((id, expires, signature)),
        _ => Err(LinkError::Invalid.into()),
    }
}

pub(crate) fn mac(secret: &[u8], text: &str) -> Result<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret)
        .map_err(|e| Error::internal(format!("link secret: {e}")))?;
    mac.update(text.as_bytes());
    Ok(mac)
}

impl Engine {
    /// The server's link-signing secret: made on first use, kept in the database, shared by
    /// replicas; read once, as it never changes.
    pub(crate) async fn link_secret(&self) -> Result<&[u8]> {
        self.link_secret_cell()
            .get_or_try_init(|| self.stored_link_secret())
            .await
            .map(Vec::as_slice)
    }

    /// The secret as stored, stored first if there is none.
    async fn stored_link_secret(&self) -> Result<Vec<u8>> {
        if let Some(found) = setting::Entity::find_by_id(SECRET).one(self.db()).await? {
            return hex::decode(&found.value)
                .ok_or_else(|| Error::internal("the stored link secret is not hex"));
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::internal(format!("no randomness for the link secret: {e}")))?;
        setting::Entity::insert(setting::ActiveModel {
            name: Set(SECRET.to_owned()),
            value: Set(hex::encode(&bytes)),
        })
        .on_conflict_do_nothing_on([setting::Column::Name])
        .exec_without_returning(self.db())
        .await?;
        // Another replica may have stored its own first: the stored one is the secret.
        let stored = setting::Entity::find_by_id(SECRET)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("setting", SECRET))?;
        hex::decode(&stored.value)
            .ok_or_else(|| Error::internal("the stored link secret is not hex"))
    }

    /// A token for notification `n`'s acknowledge link, valid until `expires_at`.
    pub async fn ack_token(
        &self,
        n: &notification::Model,
        expires_at: DateTime<Utc>,
    ) -> Result<String> {
        let expires = expires_at.timestamp();
        let signature = mac(self.link_secret().await?, &signed_text(n, expires))?
            .finalize()
            .into_bytes();
        Ok(format!("{}.{expires}.{}", n.id, hex::encode(&signature)))
    }

    /// What a link is about, if it is genuine, unexpired, unused and its task still pending.
    /// Reads only.
    pub async fn check_ack_link(&self, token: &str) -> Result<AckLink> {
        let link = self.verify(token).await?;
        if link.notification.link_used_at.is_some() {
            return Err(LinkError::Used.into());
        }
        let lifecycle = self.lifecycle_of_plan(link.task.plan_id).await?;
        if !lifecycle.awaits_acknowledgement(&link.task.state) {
            return Err(LinkError::Moot.into());
        }
        Ok(link)
    }

    /// Uses a link: acknowledges its task for the recipient's institution, once. The link is
    /// spent in the same transaction as the acknowledgement. Returns the link with the task as
    /// it now is.
    pub async fn use_ack_link(&self, token: &str) -> Result<AckLink> {
        let link = self.check_ack_link(token).await?;
        let txn = crate::db::begin_write(self.db()).await?;
        let spent = notification::Entity::update_many()
            .col_expr(
                notification::Column::LinkUsedAt,
                Expr::value(Some(self.now())),
            )
            .filter(notification::Column::Id.eq(link.notification.id))
            .filter(notification::Column::LinkUsedAt.is_null())
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Err(LinkError::Used.into());
        }
        let actor = Actor::user(
            link.notification.recipient.clone(),
            UserRole::Member,
            Some(link.task.institution_id),
        );
        let mut fire = Fire::playing(link.task.id, link.task.version, Role::Acknowledge);
        fire.context = Some(serde_json::json!({
            "via": "email_link",
            "notification_id": link.notification.id,
        }));
        let committed = self
            .fire_in(&txn, &actor, fire)
            .await
            .map_err(|e| match e {
                Error::InvalidTransition { .. } | Error::Conflict { .. } => LinkError::Moot.into(),
                other => other,
            })?;
        self.commit(txn).await?;
        crate::metrics::transition_committed(&committed.event.kind);
        Ok(AckLink {
            task: committed.task,
            ..link
        })
    }

    /// The notification, task, action and institution a token names, if its signature holds
    /// and it has not expired.
    async fn verify(&self, token: &str) -> Result<AckLink> {
        let (id, expires, signature) = parse_token(token)?;
        let n = notification::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(LinkError::Invalid)?;
        mac(self.link_secret().await?, &signed_text(&n, expires))?
            .verify_slice(&signature)
            .map_err(|_| LinkError::Invalid)?;
        let expires_at = DateTime::from_timestamp(expires, 0).ok_or(LinkError::Invalid)?;
        if expires_at <= self.now() {
            return Err(LinkError::Expired.into());
        }
        let task_id = n.task_id.ok_or(LinkError::Invalid)?;
        let task = task::Entity::find_by_id(task_id)
            .one(self.db())
            .await?
            .ok_or(LinkError::Invalid)?;
        if task.institution_id != n.institution_id {
            return Err(LinkError::Invalid.into());
        }
        let action = action::Entity::find_by_id(task.action_id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("action", task.action_id))?;
        let institution = institution::Entity::find_by_id(task.institution_id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("institution", task.institution_id))?;
        Ok(AckLink {
            notification: n,
            task,
            action,
            institution,
            expires_at,
        })
    }

    /// The lifecycle of plan `plan_id`.
    async fn lifecycle_of_plan(&self, plan_id: i64) -> Result<Arc<Lifecycle>> {
        let plan = crate::entity::plan::Entity::find_by_id(plan_id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("plan", plan_id))?;
        self.lifecycle(&plan.lifecycle)
    }
}
