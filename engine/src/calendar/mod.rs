//! Calendar feeds: a secret, revocable address per user (and, for an institution, per user and
//! institution) that calendar programs (Outlook, Google Calendar, Thunderbird) subscribe to, and
//! that lists due dates as all-day events (RFC 5545, written by [`document`]).
//!
//! A feed reads as its owner, through the same rules as every other read: it shows exactly the
//! tasks its owner may read (with an institution, only that institution's among them). The
//! secret is 256 random bits shown once, at creation; only its SHA-256 is stored, as for API
//! tokens. An unknown secret, a revoked feed, and a feed whose owner no longer acts for or
//! manages its institution are one and the same `NotFound`.

pub mod document;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::accounts::{actor_of, hash, random_token};
use crate::domain::{Actor, InstitutionCode, UserRole};
use crate::engine::Engine;
use crate::entity::{calendar_feed, institution, user};
use crate::error::{Error, Result};
use crate::plans::institution_by_code;

pub use document::{FEED_LIMIT, FEED_PAST_DAYS};

/// The prefix of every feed secret, so that a leaked address is recognisable.
pub const FEED_PREFIX: &str = "mdc_";
/// The most feeds a person keeps working at once.
pub const MAX_LIVE_FEEDS: u64 = 20;
/// The most feeds a list shows (newest first).
pub const FEED_LIST_LIMIT: u64 = 100;

/// A feed just created: its secret (shown once, never stored) and its record.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedFeed {
    pub secret: String,
    pub feed: CalendarFeed,
}

/// A feed as its owner sees it (never with its secret).
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarFeed {
    pub record: calendar_feed::Model,
    /// The institution whose tasks it lists; `None`: every task its owner may read.
    pub institution: Option<institution::Model>,
}

impl CalendarFeed {
    /// Whether the feed still answers.
    pub fn is_live(&self) -> bool {
        self.record.revoked_at.is_none()
    }
}

/// The address of a feed: `{public_url}/calendar/{secret}.ics`.
pub fn feed_url(public_url: &str, secret: &str) -> String {
    format!("{}/calendar/{secret}.ics", public_url.trim_end_matches('/'))
}

/// Whether `actor` may have a feed of institution `institution`: it acts for it, or manages it.
fn may_follow(actor: &Actor, institution: &institution::Model) -> bool {
    actor.acts_for(institution.id) || actor.manages(institution.id, institution.parent_id)
}

impl Engine {
    /// The stored user `actor` is (feeds belong to people, not to the command line).
    async fn feed_owner(&self, actor: &Actor) -> Result<user::Model> {
        match self.user_by_email(&actor.name).await {
            Ok(found) => Ok(found),
            Err(Error::NotFound { .. }) => Err(Error::validation(
                "owner",
                format!(
                    "`{}` is not a user: calendar feeds belong to people",
                    actor.name
                ),
            )),
            Err(e) => Err(e),
        }
    }

    /// Creates a calendar feed for `actor`: of every task it may read, or, with `institution`,
    /// of that institution's tasks (an institution it acts for or manages).
    #[tracing::instrument(skip_all, fields(actor = %actor.name))]
    pub async fn create_calendar_feed(
        &self,
        actor: &Actor,
        institution: Option<&InstitutionCode>,
    ) -> Result<IssuedFeed> {
        let owner = self.feed_owner(actor).await?;
        let institution = match institution {
            Some(code) => {
                let found = institution_by_code(self.db(), code.as_str()).await?;
                if !may_follow(actor, &found) {
                    return Err(Error::Forbidden(format!(
                        "{} may not follow the tasks of {}: only its members and those who \
                         manage it may",
                        actor.name, found.code
                    )));
                }
                Some(found)
            }
            None => None,
        };
        let txn = crate::db::begin_write(self.db()).await?;
        let live = calendar_feed::Entity::find()
            .filter(calendar_feed::Column::UserId.eq(owner.id))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .count(&txn)
            .await?;
        if live >= MAX_LIVE_FEEDS {
            return Err(Error::validation(
                "institution",
                format!(
                    "{} already has {live} calendar feeds; revoke one first (at most \
                     {MAX_LIVE_FEEDS})",
                    actor.name
                ),
            ));
        }
        let secret = random_token(FEED_PREFIX)?;
        let record = calendar_feed::ActiveModel {
            user_id: Set(owner.id),
            institution_id: Set(institution.as_ref().map(|i| i.id)),
            secret_hash: Set(hash(&secret)),
            created_at: Set(self.now()),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(IssuedFeed {
            secret,
            feed: CalendarFeed {
                record,
                institution,
            },
        })
    }

    /// The institutions `actor` may have a feed of, for a form: the one it acts for and, for a
    /// coordinator, those under it (an admin names any code through the API).
    pub async fn calendar_feed_institutions(
        &self,
        actor: &Actor,
    ) -> Result<Vec<institution::Model>> {
        let Some(own) = actor.institution_id else {
            return Ok(Vec::new());
        };
        let mut any = Condition::any().add(institution::Column::Id.eq(own));
        if actor.role == UserRole::Coordinator {
            any = any.add(institution::Column::ParentId.eq(own));
        }
        Ok(institution::Entity::find()
            .filter(any)
            .order_by_asc(institution::Column::Code)
            .limit(FEED_LIST_LIMIT)
            .all(self.db())
            .await?)
    }

    /// `actor`'s calendar feeds, newest first (at most [`FEED_LIST_LIMIT`]), revoked ones
    /// included.
    pub async fn calendar_feeds(&self, actor: &Actor) -> Result<Vec<CalendarFeed>> {
        let owner = match self.user_by_email(&actor.name).await {
            Ok(owner) => owner,
            Err(Error::NotFound { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let records = calendar_feed::Entity::find()
            .filter(calendar_feed::Column::UserId.eq(owner.id))
            .order_by_desc(calendar_feed::Column::Id)
            .limit(FEED_LIST_LIMIT)
            .all(self.db())
            .await?;
        let institutions = institution::Entity::find()
            .filter(institution::Column::Id.is_in(records.iter().filter_map(|r| r.institution_id)))
            .all(self.db())
            .await?;
        Ok(records
            .into_iter()
            .map(|record| CalendarFeed {
                institution: institutions
                    .iter()
                    .find(|i| Some(i.id) == record.institution_id)
                    .cloned(),
                record,
            })
            .collect())
    }

    /// Revokes one of `actor`'s feeds (an admin revokes anyone's): its address answers
    /// `NotFound` from now on. Revoking it again changes nothing. Someone else's feed is
    /// `NotFound`, as if it did not exist.
    #[tracing::instrument(skip_all, fields(feed = feed_id, actor = %actor.name))]
    pub async fn revoke_calendar_feed(&self, actor: &Actor, feed_id: i64) -> Result<CalendarFeed> {
        let missing = || Error::not_found("calendar feed", feed_id);
        let mut query = calendar_feed::Entity::find_by_id(feed_id);
        if actor.role != UserRole::Admin {
            let owner = self.user_by_email(&actor.name).await.map_err(|e| match e {
                Error::NotFound { .. } => missing(),
                other => other,
            })?;
            query = query.filter(calendar_feed::Column::UserId.eq(owner.id));
        }
        if query.one(self.db()).await?.is_none() {
            return Err(missing());
        }
        calendar_feed::Entity::update_many()
            .col_expr(
                calendar_feed::Column::RevokedAt,
                Expr::value(Some(self.now())),
            )
            .filter(calendar_feed::Column::Id.eq(feed_id))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .exec(self.db())
            .await?;
        let record = calendar_feed::Entity::find_by_id(feed_id)
            .one(self.db())
            .await?
            .ok_or_else(missing)?;
        let institution = match record.institution_id {
            Some(id) => institution::Entity::find_by_id(id).one(self.db()).await?,
            None => None,
        };
        Ok(CalendarFeed {
            record,
            institution,
        })
    }

    /// The live feed whose secret is `secret`, the actor it reads as, and its institution; one
    /// `NotFound` for an unknown secret, a revoked feed, and an owner who no longer acts for or
    /// manages the feed's institution.
    pub(crate) async fn live_feed(
        &self,
        secret: &str,
    ) -> Result<(
        calendar_feed::Model,
        user::Model,
        Actor,
        Option<institution::Model>,
    )> {
        let missing = || Error::not_found("calendar feed", "this address");
        if !secret.starts_with(FEED_PREFIX) {
            return Err(missing());
        }
        let feed = calendar_feed::Entity::find()
            .filter(calendar_feed::Column::SecretHash.eq(hash(secret)))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .one(self.db())
            .await?
            .ok_or_else(missing)?;
        let owner = user::Entity::find_by_id(feed.user_id)
            .one(self.db())
            .await?
            .ok_or_else(missing)?;
        let actor = actor_of(&owner)?;
        let institution = match feed.institution_id {
            Some(id) => {
                let found = institution::Entity::find_by_id(id)
                    .one(self.db())
                    .await?
                    .ok_or_else(missing)?;
                if !may_follow(&actor, &found) {
                    return Err(missing());
                }
                Some(found)
            }
            None => None,
        };
        Ok((feed, owner, actor, institution))
    }
}
