//! People signing in to the web application: by a link sent by e-mail (HMAC-signed like the
//! acknowledge links, [`SIGN_IN_LINK_MINUTES`] minutes, once) or by a password (argon2id), into a
//! session kept in the database (so any replica serves it), known by the SHA-256 of its cookie,
//! ending after [`SESSION_IDLE_HOURS`] idle or [`SESSION_DAYS`] in all, or at sign-out.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use hmac::Mac;
use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::accounts::{actor_of, hash, random_token};
use crate::domain::{Actor, UserRole};
use crate::engine::Engine;
use crate::entity::{
    institution, notification, password_attempt, sign_in_link, user, user_settings, web_session,
};
use crate::error::{Error, Result};
use crate::hex;
use crate::i18n::Language;
use crate::notifications::links::{LinkError, mac, parse_token};
use crate::notifications::{Kind, NewNotification, enqueue};

/// How long a sign-in link works.
pub const SIGN_IN_LINK_MINUTES: i64 = 15;
/// A session unused this long ends.
pub const SESSION_IDLE_HOURS: i64 = 8;
/// A session ends this long after sign-in, however active.
pub const SESSION_DAYS: i64 = 7;
/// The prefix of session cookies' values.
const SESSION_PREFIX: &str = "mds_";
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (argon2 takes any length; this bounds the work of one attempt).
const MAX_PASSWORD_CHARS: usize = 256;
/// Failed password sign-ins allowed for one address within [`PASSWORD_WINDOW_MINUTES`]; past
/// them, the address is refused without its password being checked until the window ends.
pub const PASSWORD_FAILURES_ALLOWED: i32 = 5;
/// The window over which failed password sign-ins are counted.
pub const PASSWORD_WINDOW_MINUTES: i64 = 15;
/// `last_seen_at` is written at most this often per session.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A signed-in person, as a page sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebSession {
    pub user: user::Model,
    pub actor: Actor,
    /// Every state-changing form carries it.
    pub csrf_token: String,
    /// The language of the person's pages: its choice, else its institution's.
    pub language: String,
}

/// A session just started: the cookie's value (shown once, stored hashed) and its record.
#[derive(Debug, Clone, PartialEq)]
pub struct StartedSession {
    pub cookie: String,
    pub record: web_session::Model,
}

/// The user with `email`, whatever its case.
async fn user_with_address(engine: &Engine, email: &str) -> Result<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(
            Expr::expr(Func::lower(Expr::col(user::Column::Email))).eq(email.trim().to_lowercase()),
        )
        .one(engine.db())
        .await?)
}

fn refused() -> Error {
    Error::Unauthenticated("wrong e-mail address or password".to_owned())
}

/// Only paths of this site are followed after sign-in (no `//host`, no scheme).
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && next.len() <= 500;
    if ok { next.to_owned() } else { "/".to_owned() }
}

/// What is signed: the link, its user, where it leads and its expiry.
fn signed_text(link: &sign_in_link::Model) -> String {
    format!(
        "sign_in|{}|{}|{}|{}",
        link.id,
        link.user_id,
        link.next,
        link.expires_at.timestamp()
    )
}

fn argon2_failure(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("password hashing: {e}"))
}

/// argon2id of `password` as a PHC string, computed off the async workers (it takes a CPU for
/// tens of milliseconds by design).
async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|phc| phc.to_string())
            .map_err(argon2_failure)
    })
    .await
    .map_err(argon2_failure)?
}

/// Whether `password` matches the `stored` PHC string, off the async workers; with nothing
/// stored, a hash is computed anyway so that the answer takes as long.
async fn verify_password(password: String, stored: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let argon2 = Argon2::default();
        let Some(stored) = stored else {
            argon2
                .hash_password(password.as_bytes())
                .map_err(argon2_failure)?;
            return Ok(false);
        };
        let parsed = PasswordHash::new(&stored).map_err(argon2_failure)?;
        Ok(argon2.verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(argon2_failure)?
}

impl Engine {
    /// Sets `email`'s password: the person itself, or an admin (the operator at the command line).
    pub async fn set_password(&self, actor: &Actor, email: &str, password: &str) -> Result<()> {
        let target = self.user_by_email(email).await?;
        if actor.role != UserRole::Admin && actor.name != target.email {
            return Err(Error::Forbidden(format!(
                "{} may not set the password of {email}",
                actor.name
            )));
        }
        let chars = password.chars().count();
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
            return Err(Error::validation(
                "password",
                format!(
                    "{chars} characters: a password has {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS}"
                ),
            ));
        }
        let phc = hash_password(password.to_owned()).await?;
        user_settings::Entity::insert(user_settings::ActiveModel {
            user_id: Set(target.id),
            password_hash: Set(Some(phc)),
            language: Set(None),
            updated_at: Set(self.now()),
        })
        .on_conflict(
            OnConflict::column(user_settings::Column::UserId)
                .update_columns([
                    user_settings::Column::PasswordHash,
                    user_settings::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(self.db())
        .await?;
        tracing::info!(user = %target.email, "password set");
        Ok(())
    }

    /// The user with `email` if `password` is theirs. Every failure is the same answer, and an
    /// unknown address costs a hash too, so that no answer tells who has an account. After
    /// [`PASSWORD_FAILURES_ALLOWED`] failures for an address (known or not) within
    /// [`PASSWORD_WINDOW_MINUTES`], it is refused with [`Error::Throttled`] until the window
    /// ends, on every replica; a success clears its count.
    pub async fn sign_in_with_password(&self, email: &str, password: &str) -> Result<user::Model> {
        let address = hash(&email.trim().to_lowercase());
        let now = self.now();
        let window = Duration::minutes(PASSWORD_WINDOW_MINUTES);
        let attempts = password_attempt::Entity::find_by_id(address.clone())
            .one(self.db())
            .await?
            .filter(|a| a.first_failed_at + window > now);
        if let Some(a) = &attempts
            && a.failures >= PASSWORD_FAILURES_ALLOWED
        {
            return Err(Error::Throttled {
                retry_after: a.first_failed_at + window,
            });
        }
        let found = user_with_address(self, email).await?;
        let stored = match &found {
            Some(u) => user_settings::Entity::find_by_id(u.id)
                .one(self.db())
                .await?
                .and_then(|s| s.password_hash),
            None => None,
        };
        let matches = password.chars().count() <= MAX_PASSWORD_CHARS
            && verify_password(password.to_owned(), stored).await?;
        match found {
            Some(user) if matches => {
                password_attempt::Entity::delete_by_id(address)
                    .exec(self.db())
                    .await?;
                Ok(user)
            }
            _ => {
                let (failures, first_failed_at) = match attempts {
                    Some(a) => (a.failures + 1, a.first_failed_at),
                    None => (1, now),
                };
                password_attempt::Entity::insert(password_attempt::ActiveModel {
                    address_hash: Set(address),
                    failures: Set(failures),
                    first_failed_at: Set(first_failed_at),
                })
                .on_conflict(
                    OnConflict::column(password_attempt::Column::AddressHash)
                        .update_columns([
                            password_attempt::Column::Failures,
                            password_attempt::Column::FirstFailedAt,
                        ])
                        .to_owned(),
                )
                .exec(self.db())
                .await?;
                if failures >= PASSWORD_FAILURES_ALLOWED {
                    tracing::warn!(
                        "password sign-ins refused for an address after repeated failures"
                    );
                }
                Err(refused())
            }
        }
    }

    /// Sends `email` a sign-in link leading to `next`, through the outbox, if the address is a
    /// user's with an institution to write from; says nothing either way (no answer tells who
    /// has an account). Wakes the sender at once.
    pub async fn request_sign_in_link(&self, email: &str, next: &str) -> Result<()> {
        let Some(user) = user_with_address(self, email).await? else {
            tracing::info!("sign-in link asked for an unknown address");
            return Ok(());
        };
        let Some(institution_id) = user.institution_id else {
            tracing::info!(user = %user.email, "no sign-in link for a user without an institution: use a password");
            return Ok(());
        };
        let now = self.now();
        let txn = crate::db::begin_write(self.db()).await?;
        let link = self.insert_sign_in_link(&txn, &user, next, now).await?;
        enqueue(
            &txn,
            now,
            &[NewNotification {
                kind: Kind::SignIn,
                task_id: None,
                institution_id,
                recipient: user.email.clone(),
                // One message per link: its creation instant, to the microsecond, is the slot.
                slot: link.created_at,
            }],
        )
        .await?;
        txn.commit().await?;
        self.wake_sender();
        Ok(())
    }

    async fn insert_sign_in_link<C: sea_orm::ConnectionTrait>(
        &self,
        db: &C,
        user: &user::Model,
        next: &str,
        now: DateTime<Utc>,
    ) -> Result<sign_in_link::Model> {
        Ok(sign_in_link::ActiveModel {
            user_id: Set(user.id),
            next: Set(safe_next(next)),
            created_at: Set(now),
            expires_at: Set(now + Duration::minutes(SIGN_IN_LINK_MINUTES)),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?)
    }

    /// A sign-in link's token for `email`, made now, without e-mail: for the operator
    /// (`serve --demo` prints one per demo user).
    pub async fn sign_in_token_for(&self, email: &str, next: &str) -> Result<String> {
        let user = self.user_by_email(email).await?;
        let link = self
            .insert_sign_in_link(self.db(), &user, next, self.now())
            .await?;
        self.sign_in_token(&link).await
    }

    async fn sign_in_token(&self, link: &sign_in_link::Model) -> Result<String> {
        let signature = mac(self.link_secret().await?, &signed_text(link))?
            .finalize()
            .into_bytes();
        Ok(format!(
            "{}.{}.{}",
            link.id,
            link.expires_at.timestamp(),
            hex::encode(&signature)
        ))
    }

    /// Uses a sign-in link, once: its user and where it leads. Tampered, expired and used links
    /// are refused with their reason.
    pub async fn use_sign_in_link(&self, token: &str) -> Result<(user::Model, String)> {
        let (id, expires, signature) = parse_token(token)?;
        let link = sign_in_link::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(LinkError::Invalid)?;
        // The expiry written in the link is the one signed: a link whose middle part was changed
        // is not the link that was sent.
        if expires != link.expires_at.timestamp() {
            return Err(LinkError::Invalid.into());
        }
        mac(self.link_secret().await?, &signed_text(&link))?
            .verify_slice(&signature)
            .map_err(|_| LinkError::Invalid)?;
        let now = self.now();
        if link.expires_at <= now {
            return Err(LinkError::Expired.into());
        }
        let spent = sign_in_link::Entity::update_many()
            .col_expr(sign_in_link::Column::UsedAt, Expr::value(Some(now)))
            .filter(sign_in_link::Column::Id.eq(link.id))
            .filter(sign_in_link::Column::UsedAt.is_null())
            .exec(self.db())
            .await?;
        if spent.rows_affected != 1 {
            return Err(LinkError::Used.into());
        }
        let user = user::Entity::find_by_id(link.user_id)
            .one(self.db())
            .await?
            .ok_or(LinkError::Invalid)?;
        Ok((user, link.next))
    }

    /// What a sign-in e-mail shows: the person, the link and until when it works; or why it no
    /// longer applies.
    pub(crate) async fn sign_in_facts(
        &self,
        n: &notification::Model,
        institution: &institution::Model,
        public_url: &str,
    ) -> Result<std::result::Result<Value, String>> {
        let Some(user) = user::Entity::find()
            .filter(user::Column::Email.eq(n.recipient.as_str()))
            .one(self.db())
            .await?
        else {
            return Ok(Err("the user no longer exists".to_owned()));
        };
        let link = sign_in_link::Entity::find()
            .filter(sign_in_link::Column::UserId.eq(user.id))
            .filter(sign_in_link::Column::CreatedAt.eq(n.slot_at))
            .one(self.db())
            .await?;
        let Some(link) = link.filter(|l| l.used_at.is_none() && l.expires_at > self.now()) else {
            return Ok(Err("the sign-in link was used or has expired".to_owned()));
        };
        let token = self.sign_in_token(&link).await?;
        let tz: chrono_tz::Tz = institution.time_zone.parse().unwrap_or(chrono_tz::UTC);
        Ok(Ok(json!({
            "institution": { "code": institution.code, "name": institution.name },
            "user": { "name": user.name, "email": user.email },
            "minutes": SIGN_IN_LINK_MINUTES,
            "expires": link.expires_at.with_timezone(&tz).format("%H:%M").to_string(),
            "links": { "sign_in": format!("{public_url}/sign-in/{token}") },
        })))
    }

    /// Starts a session for `user`.
    pub async fn start_session(&self, user: &user::Model) -> Result<StartedSession> {
        let cookie = random_token(SESSION_PREFIX)?;
        let csrf_token = random_token("")?;
        let now = self.now();
        let record = web_session::ActiveModel {
            user_id: Set(user.id),
            token_hash: Set(hash(&cookie)),
            csrf_token: Set(csrf_token),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(now + Duration::days(SESSION_DAYS)),
            ended_at: Set(None),
            ..Default::default()
        }
        .insert(self.db())
        .await?;
        tracing::info!(user = %user.email, "signed in");
        Ok(StartedSession { cookie, record })
    }

    /// The live session of a cookie: not ended, not past its absolute end, not idle too long.
    pub async fn session(&self, cookie: &str) -> Result<WebSession> {
        let gone = || Error::Unauthenticated("the session has ended: sign in again".to_owned());
        if !cookie.starts_with(SESSION_PREFIX) {
            return Err(gone());
        }
        let now = self.now();
        let found = web_session::Entity::find()
            .filter(web_session::Column::TokenHash.eq(hash(cookie)))
            .filter(web_session::Column::EndedAt.is_null())
            .one(self.db())
            .await?
            .ok_or_else(gone)?;
        if found.expires_at <= now
            || found.last_seen_at <= now - Duration::hours(SESSION_IDLE_HOURS)
        {
            // Ended for good: a clock set back (or a replica's running behind) does not bring
            // it back.
            web_session::Entity::update_many()
                .col_expr(web_session::Column::EndedAt, Expr::value(Some(now)))
                .filter(web_session::Column::Id.eq(found.id))
                .filter(web_session::Column::EndedAt.is_null())
                .exec(self.db())
                .await?;
            return Err(gone());
        }
        if (now - found.last_seen_at).num_seconds() >= TOUCH_EVERY_SECONDS {
            web_session::Entity::update_many()
                .col_expr(web_session::Column::LastSeenAt, Expr::value(now))
                .filter(web_session::Column::Id.eq(found.id))
                .exec(self.db())
                .await?;
        }
        let user = user::Entity::find_by_id(found.user_id)
            .one(self.db())
            .await?
            .ok_or_else(gone)?;
        let actor = actor_of(&user)?;
        let language = self.language_of(&user).await?;
        Ok(WebSession {
            user,
            actor,
            csrf_token: found.csrf_token,
            language,
        })
    }

    /// Ends the session of a cookie (signing out, and closing its pages' live updates on every
    /// replica); an unknown cookie is already signed out.
    pub async fn end_session(&self, cookie: &str) -> Result<()> {
        let Some(live) = web_session::Entity::find()
            .filter(web_session::Column::TokenHash.eq(hash(cookie)))
            .filter(web_session::Column::EndedAt.is_null())
            .one(self.db())
            .await?
        else {
            return Ok(());
        };
        web_session::Entity::update_many()
            .col_expr(web_session::Column::EndedAt, Expr::value(Some(self.now())))
            .filter(web_session::Column::Id.eq(live.id))
            .filter(web_session::Column::EndedAt.is_null())
            .exec(self.db())
            .await?;
        self.announce_ended(crate::bus::Ended::Session(live.id))
            .await
    }

    /// The language of `user`'s pages: its choice, else its institution's, else English.
    pub async fn language_of(&self, user: &user::Model) -> Result<String> {
        if let Some(chosen) = user_settings::Entity::find_by_id(user.id)
            .one(self.db())
            .await?
            .and_then(|s| s.language)
        {
            return Ok(chosen);
        }
        let institution = match user.institution_id {
            Some(id) => institution::Entity::find_by_id(id).one(self.db()).await?,
            None => None,
        };
        Ok(institution.map_or_else(|| Language::FALLBACK.code().to_owned(), |i| i.language))
    }

    /// Sets the language of `actor`'s own pages.
    pub async fn choose_language(&self, user: &user::Model, language: &str) -> Result<()> {
        if Language::parse(language).is_none() {
            return Err(Error::validation(
                "language",
                format!("`{language}` is not one of: {}", Language::codes()),
            ));
        }
        user_settings::Entity::insert(user_settings::ActiveModel {
            user_id: Set(user.id),
            password_hash: Set(None),
            language: Set(Some(language.to_owned())),
            updated_at: Set(self.now()),
        })
        .on_conflict(
            OnConflict::column(user_settings::Column::UserId)
                .update_columns([
                    user_settings::Column::Language,
                    user_settings::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(self.db())
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for good in ["/", "/tasks/12", "/plans/1?tab=objectives"] {
            assert_eq!(safe_next(good), good);
        }
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "javascript:alert(1)",
            "/\\evil.example",
            "tasks",
            "/a\nb",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
