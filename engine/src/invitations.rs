//! Onboarding: a coordinator invites members for the institutions taking part in the plans its
//! institution owns (an admin, for any institution). The invitation creates the user (role
//! `member`, never more) and writes an `invitation` e-mail to the outbox in the same transaction.
//! The e-mail carries a link to `/invitation/{token}`: HMAC-signed like the acknowledge links,
//! expiring after [`INVITATION_LIFETIME_DAYS`], usable once. Its GET shows a confirmation page; its
//! POST issues the invitee an API token (an access key valid [`ACCESS_KEY_DAYS`]), shown once.
//!
//! The audit trail's events each belong to a plan, and an invitation does not: the `invitations`
//! table records who invited whom, when, and when the link was used.

use chrono::{DateTime, Utc};
use hmac::Mac;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};
use serde_json::{Value, json};

use crate::accounts::{IssuedToken, insert_token};
use crate::domain::{Actor, EmailAddress, UserRole};
use crate::engine::Engine;
use crate::entity::{action, assignment, institution, invitation, notification, plan, user};
use crate::error::{Error, Result};
use crate::hex;
use crate::notifications::links::{LinkError, mac};
use crate::notifications::{Kind, NewNotification, enqueue};

/// How long an invitation's link works after the message is composed.
pub const INVITATION_LIFETIME_DAYS: i64 = 14;
/// How long the access key an invitation gives works (the invitee may issue itself a new one
/// before then with `issueToken`).
pub const ACCESS_KEY_DAYS: i64 = 90;
/// Longest name accepted for an invited person.
const MAX_NAME_CHARS: usize = 200;
/// At most this many plans are named in an invitation.
const MAX_PLANS_SHOWN: u64 = 20;

/// An invitation just made: the new user, its institution and the record.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub user: user::Model,
    pub institution: institution::Model,
    pub record: invitation::Model,
}

/// What a valid invitation link is about.
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationLink {
    pub invitation: invitation::Model,
    pub user: user::Model,
    pub institution: institution::Model,
    pub expires_at: DateTime<Utc>,
}

/// The plans in which institution `institution_id` is assigned to some action (responsible or
/// partner).
fn plans_with(institution_id: i64) -> Select<plan::Entity> {
    let actions = Query::select()
        .column(assignment::Column::ActionId)
        .from(assignment::Entity)
        .and_where(assignment::Column::InstitutionId.eq(institution_id))
        .to_owned();
    let plans = Query::select()
        .column(action::Column::PlanId)
        .from(action::Entity)
        .and_where(action::Column::Id.in_subquery(actions))
        .to_owned();
    plan::Entity::find().filter(plan::Column::Id.in_subquery(plans))
}

/// What is signed: the invitation, its user and institution, and the expiry.
fn signed_text(i: &invitation::Model, expires: i64) -> String {
    format!(
        "invitation|{}|{}|{}|{expires}",
        i.id, i.user_id, i.institution_id
    )
}

impl Engine {
    /// Whether `actor` may invite members of `institution`: admins; its coordinators; the
    /// coordinators of an institution owning a plan in which it is assigned to some action.
    async fn may_invite(&self, actor: &Actor, institution: &institution::Model) -> Result<bool> {
        if actor.coordinates(institution.id) {
            return Ok(true);
        }
        let Some(owner) = actor
            .institution_id
            .filter(|_| actor.role == UserRole::Coordinator)
        else {
            return Ok(false);
        };
        Ok(plans_with(institution.id)
            .filter(plan::Column::OwnerId.eq(owner))
            .one(self.db())
            .await?
            .is_some())
    }

    /// Invites `email` (named `name`) as a member of institution `code`: creates the user with
    /// role `member` and writes the invitation e-mail to the outbox, in the institution's
    /// language, in one transaction. Who may: see [`Engine::may_invite`]; that is checked before
    /// the inputs are.
    #[tracing::instrument(skip_all, fields(institution = %code, actor = %actor.name))]
    pub async fn invite_member(
        &self,
        actor: &Actor,
        email: &str,
        name: &str,
        code: &str,
    ) -> Result<Invitation> {
        // The directory is public: an unknown code is NOT_FOUND for everyone.
        let institution = self.institution(code).await?;
        if !self.may_invite(actor, &institution).await? {
            return Err(Error::Forbidden(format!(
                "{} may not invite members of {}: only an admin, a coordinator of {} or a \
                 coordinator of a plan in which {} takes part (responsible or partner) may",
                actor.name, institution.code, institution.code, institution.code
            )));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::validation("name", "an invited person needs a name"));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(Error::validation(
                "name",
                format!("a name has at most {MAX_NAME_CHARS} characters"),
            ));
        }
        let email = EmailAddress::parse(email)?;
        let now = self.now();
        let txn = crate::db::begin_write(self.db()).await?;
        let taken = user::Entity::find()
            .filter(
                Expr::expr(Func::lower(Expr::col(user::Column::Email)))
                    .eq(email.as_str().to_lowercase()),
            )
            .one(&txn)
            .await?;
        if taken.is_some() {
            // Which institution it belongs to is not for the inviter to learn.
            return Err(Error::validation(
                "email",
                format!("a user with e-mail `{email}` already exists"),
            ));
        }
        let created = user::ActiveModel {
            email: Set(email.as_str().to_owned()),
            name: Set(name.to_owned()),
            role: Set(UserRole::Member.as_str().to_owned()),
            institution_id: Set(Some(institution.id)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let record = invitation::ActiveModel {
            user_id: Set(created.id),
            institution_id: Set(institution.id),
            invited_by: Set(actor.name.clone()),
            created_at: Set(now),
            accepted_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        enqueue(
            &txn,
            now,
            &[NewNotification {
                kind: Kind::Invitation,
                task_id: None,
                institution_id: institution.id,
                recipient: created.email.clone(),
                slot: now,
            }],
        )
        .await?;
        txn.commit().await?;
        tracing::info!(user = %created.email, "member invited");
        Ok(Invitation {
            user: created,
            institution,
            record,
        })
    }

    /// A token for invitation `i`'s link, valid until `expires_at`.
    pub async fn invitation_token(
        &self,
        i: &invitation::Model,
        expires_at: DateTime<Utc>,
    ) -> Result<String> {
        let expires = expires_at.timestamp();
        let signature = mac(&self.link_secret().await?, &signed_text(i, expires))?
            .finalize()
            .into_bytes();
        Ok(format!("{}.{expires}.{}", i.id, hex::encode(&signature)))
    }

    /// What an invitation link is about, if it is genuine, unexpired and unused, and its user
    /// still a member of the institution it was invited for. Reads only.
    pub async fn check_invitation_link(&self, token: &str) -> Result<InvitationLink> {
        let mut parts = token.split('.');
        let (Some(id), Some(expires), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(LinkError::Invalid.into());
        };
        let (Ok(id), Ok(expires), Some(signature)) = (
            id.parse::<i64>(),
            expires.parse::<i64>(),
            hex::decode(signature),
        ) else {
            return Err(LinkError::Invalid.into());
        };
        let found = invitation::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(LinkError::Invalid)?;
        mac(&self.link_secret().await?, &signed_text(&found, expires))?
            .verify_slice(&signature)
            .map_err(|_| LinkError::Invalid)?;
        let expires_at = DateTime::from_timestamp(expires, 0).ok_or(LinkError::Invalid)?;
        if expires_at <= self.now() {
            return Err(LinkError::Expired.into());
        }
        if found.accepted_at.is_some() {
            return Err(LinkError::Used.into());
        }
        let user = user::Entity::find_by_id(found.user_id)
            .one(self.db())
            .await?
            .ok_or(LinkError::Invalid)?;
        if user.institution_id != Some(found.institution_id)
            || user.role != UserRole::Member.as_str()
        {
            return Err(LinkError::Invalid.into());
        }
        let institution = institution::Entity::find_by_id(found.institution_id)
            .one(self.db())
            .await?
            .ok_or(LinkError::Invalid)?;
        Ok(InvitationLink {
            invitation: found,
            user,
            institution,
            expires_at,
        })
    }

    /// Uses an invitation link, once: issues its user an access key (an API token valid
    /// [`ACCESS_KEY_DAYS`]), in the transaction that spends the link. The key's text is in the
    /// answer and nowhere else.
    #[tracing::instrument(skip_all)]
    pub async fn accept_invitation(&self, token: &str) -> Result<(InvitationLink, IssuedToken)> {
        let link = self.check_invitation_link(token).await?;
        let now = self.now();
        let txn = crate::db::begin_write(self.db()).await?;
        let spent = invitation::Entity::update_many()
            .col_expr(invitation::Column::AcceptedAt, Expr::value(Some(now)))
            .filter(invitation::Column::Id.eq(link.invitation.id))
            .filter(invitation::Column::AcceptedAt.is_null())
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Err(LinkError::Used.into());
        }
        let issued = insert_token(
            &txn,
            link.user.id,
            now,
            Some(now + chrono::Duration::days(ACCESS_KEY_DAYS)),
            Some("invitation".to_owned()),
        )
        .await?;
        txn.commit().await?;
        tracing::info!(user = %link.user.email, "invitation accepted");
        Ok((link, issued))
    }

    /// What an invitation e-mail shows: the invitee, the institution, who invited, the plans the
    /// institution takes part in, and the link with its expiry; or why it no longer applies.
    pub(crate) async fn invitation_facts(
        &self,
        n: &notification::Model,
        institution: &institution::Model,
        public_url: &str,
    ) -> Result<std::result::Result<Value, String>> {
        let Some(invitee) = user::Entity::find()
            .filter(user::Column::Email.eq(n.recipient.as_str()))
            .one(self.db())
            .await?
        else {
            return Ok(Err("the invited user no longer exists".to_owned()));
        };
        let Some(record) = invitation::Entity::find()
            .filter(invitation::Column::UserId.eq(invitee.id))
            .filter(invitation::Column::InstitutionId.eq(institution.id))
            .one(self.db())
            .await?
        else {
            return Ok(Err("the invitation no longer exists".to_owned()));
        };
        if record.accepted_at.is_some() {
            return Ok(Err("the invitation was already accepted".to_owned()));
        }
        let inviter = match user::Entity::find()
            .filter(user::Column::Email.eq(record.invited_by.as_str()))
            .one(self.db())
            .await?
        {
            Some(inviter) => {
                let from = match inviter.institution_id {
                    Some(id) => institution::Entity::find_by_id(id).one(self.db()).await?,
                    None => None,
                };
                json!({
                    "name": inviter.name,
                    "email": inviter.email,
                    "institution": from.map(|i| json!({ "code": i.code, "name": i.name })),
                })
            }
            // The operator at the command line is no person to name.
            None => Value::Null,
        };
        let plans: Vec<Value> = plans_with(institution.id)
            .order_by_asc(plan::Column::Code)
            .limit(MAX_PLANS_SHOWN)
            .all(self.db())
            .await?
            .into_iter()
            .map(|p| json!({ "code": p.code, "title": p.title }))
            .collect();
        let expires_at = self.now() + chrono::Duration::days(INVITATION_LIFETIME_DAYS);
        let token = self.invitation_token(&record, expires_at).await?;
        let tz: chrono_tz::Tz = institution.time_zone.parse().unwrap_or(chrono_tz::UTC);
        Ok(Ok(json!({
            "institution": { "code": institution.code, "name": institution.name },
            "invitee": { "name": invitee.name, "email": invitee.email },
            "inviter": inviter,
            "plans": plans,
            "expires": expires_at.with_timezone(&tz).format("%d.%m.%Y").to_string(),
            "links": { "invitation": format!("{public_url}/invitation/{token}") },
        })))
    }
}
