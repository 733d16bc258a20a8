//! Onboarding: who manages an institution invites its members; a coordinator brings in the
//! partners of the plans its institution owns, at their own domains or while they are new to
//! Mandate (see `Engine::invite_refusal`). The invitation creates the user (role
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

use crate::accounts::{IssuedToken, MAX_USER_NAME_CHARS, insert_token};
use crate::domain::{Actor, EmailAddress, UserRole, who_manages};
use crate::engine::Engine;
use crate::entity::{action, assignment, institution, invitation, notification, plan, user};
use crate::error::{Error, Result};
use crate::hex;
use crate::notifications::links::{LinkError, mac, parse_token};
use crate::notifications::{Kind, NewNotification, addresses, enqueue};

/// How long an invitation's link works after the message is composed.
pub const INVITATION_LIFETIME_DAYS: i64 = 14;
/// How long the access key an invitation gives works (the invitee may issue itself a new one
/// before then with `issueToken`).
pub const ACCESS_KEY_DAYS: i64 = 90;
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

/// The domain of an e-mail address, lower-case (`None` without one).
fn domain_of(address: &str) -> Option<String> {
    match address.trim().rsplit_once('@') {
        Some((_, domain)) if !domain.is_empty() => Some(domain.to_ascii_lowercase()),
        _ => None,
    }
}

/// What is signed: the invitation, its user and institution, and the expiry.
fn signed_text(i: &invitation::Model, expires: i64) -> String {
    format!(
        "invitation|{}|{}|{}|{expires}",
        i.id, i.user_id, i.institution_id
    )
}

impl Engine {
    /// Why `actor` may not invite `email` as a member of `institution`, if it may not. Who manages
    /// the institution (admins, coordinators of it or of its stored parent) invites anyone. A
    /// coordinator of a plan in which it is assigned to some action (responsible or partner)
    /// brings in partners: only to an address at the domain of one of the institution's stored
    /// addresses or, while it has no stored address and no user, anyone (a partner new to
    /// Mandate). Anyone else may not.
    async fn invite_refusal(
        &self,
        actor: &Actor,
        institution: &institution::Model,
        email: &str,
    ) -> Result<Option<String>> {
        if actor.manages(institution.id, institution.parent_id) {
            return Ok(None);
        }
        let code = &institution.code;
        let domains: Vec<String> = addresses(institution)
            .iter()
            .filter_map(|a| domain_of(a))
            .fold(Vec::new(), |mut all, d| {
                if !all.contains(&d) {
                    all.push(d);
                }
                all
            });
        let plan_coordinator = match actor
            .institution_id
            .filter(|_| actor.role == UserRole::Coordinator)
        {
            Some(owner) => plans_with(institution.id)
                .filter(plan::Column::OwnerId.eq(owner))
                .one(self.db())
                .await?
                .is_some(),
            None => false,
        };
        if plan_coordinator {
            let allowed = if domains.is_empty() {
                user::Entity::find()
                    .filter(user::Column::InstitutionId.eq(institution.id))
                    .one(self.db())
                    .await?
                    .is_none()
            } else {
                domain_of(email).is_some_and(|d| domains.contains(&d))
            };
            if allowed {
                return Ok(None);
            }
        }
        let parent = match institution.parent_id {
            Some(id) => Some(self.institution_by_id(actor, id).await?.code),
            None => None,
        };
        let partners = if domains.is_empty() {
            format!(
                "only while {code} is a partner new to Mandate (no address on file and no user yet)"
            )
        } else {
            format!(
                "only an address at {} (the domain of {code}'s addresses on file)",
                domains.join(" or ")
            )
        };
        Ok(Some(format!(
            "{} may not invite {} as a member of {code}: {} may invite anyone; a coordinator of a \
             plan in which {code} takes part (responsible or partner) may invite {partners}",
            actor.name,
            crate::text::quoted(email.trim()),
            who_manages(code, parent.as_deref()),
        )))
    }

    /// Invites `email` (named `name`) as a member of institution `code`: creates the user with
    /// role `member` and writes the invitation e-mail to the outbox, in the institution's
    /// language, in one transaction. Who may: see `Engine::invite_refusal`; that is checked
    /// before the other inputs are.
    #[tracing::instrument(skip_all, fields(institution = %code, actor = %actor.name))]
    pub async fn invite_member(
        &self,
        actor: &Actor,
        email: &str,
        name: &str,
        code: &str,
    ) -> Result<Invitation> {
        // The directory is public: an unknown code is NOT_FOUND for everyone.
        let institution = self.institution(actor, code).await?;
        if let Some(why) = self.invite_refusal(actor, &institution, email).await? {
            return Err(Error::Forbidden(why));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::validation("name", "an invited person needs a name"));
        }
        crate::text::at_most("name", "a name", name, MAX_USER_NAME_CHARS)?;
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
        let signature = mac(self.link_secret().await?, &signed_text(i, expires))?
            .finalize()
            .into_bytes();
        Ok(format!("{}.{expires}.{}", i.id, hex::encode(&signature)))
    }

    /// What an invitation link is about, if it is genuine, unexpired and unused, and its user
    /// still a member of the institution it was invited for. Reads only.
    pub async fn check_invitation_link(&self, token: &str) -> Result<InvitationLink> {
        let (id, expires, signature) = parse_token(token)?;
        let found = invitation::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(LinkError::Invalid)?;
        mac(self.link_secret().await?, &signed_text(&found, expires))?
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
            "expires": expires_at.with_timezone(&tz).format("%Y-%m-%d").to_string(),
            "links": { "invitation": format!("{public_url}/invitation/{token}") },
        })))
    }
}
