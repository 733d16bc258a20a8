//! Download links of monitoring reports: `/reports/{token}`, where the token names the user who
//! asked, the plan, the period, the document format and an expiry, signed with HMAC-SHA256 under
//! the server's link secret (the one e-mail links use). A link is checked again when it is
//! opened: its signature, its expiry, and that its user still may read the plan.

use chrono::{DateTime, Duration, Utc};
use hmac::Mac;
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};

use super::ReportPeriod;
use crate::accounts::actor_of;
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{plan, user};
use crate::error::{Error, LinkError, Result};
use crate::hex;
use crate::notifications::links::mac;

/// How long a download link works after it is made.
pub const DOWNLOAD_LIFETIME_MINUTES: i64 = 15;

/// What a download token carries (and its signature covers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Claims {
    /// The user's id.
    u: i64,
    /// The plan's code.
    p: String,
    /// The period, as [`ReportPeriod`] writes it.
    r: String,
    /// The document format's extension.
    f: String,
    /// The expiry, in seconds since 1970.
    e: i64,
}

fn signed_text(payload: &str) -> String {
    format!("report|{payload}")
}

/// A made download link: its token (the link is `/reports/{token}`) and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadLink {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// What an opened, genuine and unexpired link asks for, on behalf of whom.
#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    /// The link's user as it acts now (its role and institution read again).
    pub actor: Actor,
    pub plan: plan::Model,
    pub period: ReportPeriod,
    /// The document format's extension, as the link was made with it.
    pub format: String,
}

impl Engine {
    /// A link for `user` to download the report of plan `code` over `period` as `format`, valid
    /// for [`DOWNLOAD_LIFETIME_MINUTES`]; `NotFound` when the user may not read the plan.
    #[tracing::instrument(skip_all, fields(plan = code, period = %period, format))]
    pub async fn report_download_link(
        &self,
        user: &user::Model,
        code: &str,
        period: &ReportPeriod,
        format: &str,
    ) -> Result<DownloadLink> {
        self.readable_plan(&actor_of(user)?, code).await?;
        let expires_at = self.now() + Duration::minutes(DOWNLOAD_LIFETIME_MINUTES);
        let claims = Claims {
            u: user.id,
            p: code.to_owned(),
            r: period.to_string(),
            f: format.to_owned(),
            e: expires_at.timestamp(),
        };
        let payload = serde_json::to_string(&claims)
            .map_err(|e| Error::internal(format!("download claims: {e}")))?;
        let signature = mac(self.link_secret().await?, &signed_text(&payload))?
            .finalize()
            .into_bytes();
        Ok(DownloadLink {
            token: format!(
                "{}.{}",
                hex::encode(payload.as_bytes()),
                hex::encode(&signature)
            ),
            expires_at: DateTime::from_timestamp(claims.e, 0).unwrap_or(expires_at),
        })
    }

    /// What download link `token` asks for: `Link(Invalid)` when it is not one of ours (or its
    /// user is gone), `Link(Expired)` once it expired, `NotFound` when its user may no longer
    /// read the plan. Reads only.
    pub async fn open_report_download(&self, token: &str) -> Result<Download> {
        let (payload, signature) = token.split_once('.').ok_or(LinkError::Invalid)?;
        let payload = hex::decode(payload)
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or(LinkError::Invalid)?;
        let signature = hex::decode(signature).ok_or(LinkError::Invalid)?;
        mac(self.link_secret().await?, &signed_text(&payload))?
            .verify_slice(&signature)
            .map_err(|_| LinkError::Invalid)?;
        let claims: Claims = serde_json::from_str(&payload).map_err(|_| LinkError::Invalid)?;
        let expires_at = DateTime::from_timestamp(claims.e, 0).ok_or(LinkError::Invalid)?;
        if expires_at <= self.now() {
            return Err(LinkError::Expired.into());
        }
        let period = ReportPeriod::parse(&claims.r).map_err(|_| LinkError::Invalid)?;
        let user = self.user_by_id(claims.u).await?.ok_or(LinkError::Invalid)?;
        let actor = actor_of(&user)?;
        let plan = self.readable_plan(&actor, &claims.p).await?;
        Ok(Download {
            actor,
            plan,
            period,
            format: claims.f,
        })
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<user::Model>> {
        Ok(user::Entity::find_by_id(id).one(self.db()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_read_back_as_written() {
        let claims = Claims {
            u: 7,
            p: "pna-trafic|2021.2022".to_owned(),
            r: "2021-S1".to_owned(),
            f: "xlsx".to_owned(),
            e: 1_700_000_000,
        };
        let text = serde_json::to_string(&claims).unwrap();
        assert_eq!(serde_json::from_str::<Claims>(&text).unwrap(), claims);
        assert!(signed_text(&text).starts_with("report|{"));
    }
}
