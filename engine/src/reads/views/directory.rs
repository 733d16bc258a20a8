//! The directory of institutions: every institution, found by code or name whatever the case or
//! diacritics, with what the reader may see of it. Contacts, language, time zone and notification
//! settings are for admins, auditors and coordinators (members see code, name and parent), and
//! notification settings only where [`Engine::notification_settings`] would show them.

use std::collections::HashMap;

use chrono::NaiveTime;

use crate::domain::{Actor, UserRole};
use crate::engine::Engine;
use crate::entity::institution;
use crate::error::Result;
use crate::notifications::reminders::{DEFAULT_POLICY, Delivery};
use crate::text::fold;

/// The longest search text looked at (a longer one is cut).
pub const DIRECTORY_SEARCH_CHARS: usize = 200;

/// How an institution receives its notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectorySettings {
    pub delivery: Delivery,
    pub send_at: NaiveTime,
    /// The institution chose them (else they are the default policy's).
    pub own: bool,
}

/// What a reader sees of one institution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub code: String,
    pub name: String,
    /// The institution it acts under: code and name.
    pub parent: Option<(String, String)>,
    /// Where its notifications go; `None` when hidden from the reader.
    pub emails: Option<Vec<String>>,
    /// Language and time zone; `None` when hidden from the reader.
    pub language: Option<String>,
    pub time_zone: Option<String>,
    /// `None` when the reader may not read them.
    pub settings: Option<DirectorySettings>,
}

/// The institutions matching a search, by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    pub entries: Vec<DirectoryEntry>,
    /// Whether the reader sees contacts, language and time zone.
    pub details_shown: bool,
    /// How many institutions there are in all.
    pub total: usize,
}

/// Whether `actor` sees institutions' contacts: admins, auditors and coordinators.
pub fn sees_contacts(actor: &Actor) -> bool {
    matches!(
        actor.role,
        UserRole::Admin | UserRole::Auditor | UserRole::Coordinator
    )
}

impl Engine {
    /// Every institution whose code or name contains `search` (case, diacritics and spacing
    /// folded; empty: all), by code, as `actor` may see it.
    pub async fn directory(&self, actor: &Actor, search: &str) -> Result<Directory> {
        let all = self.institutions(actor).await?;
        let total = all.len();
        let wanted = fold(
            &search
                .chars()
                .take(DIRECTORY_SEARCH_CHARS)
                .collect::<String>(),
        );
        let by_id: HashMap<i64, &institution::Model> = all.iter().map(|i| (i.id, i)).collect();
        let details_shown = sees_contacts(actor);
        let (readable, own, policy) = if details_shown {
            (
                Some(self.readable_settings_of(actor).await?),
                self.own_notification_settings(self.db()).await?,
                Some(self.reminder_policy(Some(DEFAULT_POLICY))?),
            )
        } else {
            (None, HashMap::new(), None)
        };
        let entries = all
            .iter()
            .filter(|i| {
                wanted.is_empty()
                    || fold(&i.code).contains(&wanted)
                    || fold(&i.name).contains(&wanted)
            })
            .map(|i| {
                let parent = i
                    .parent_id
                    .and_then(|id| by_id.get(&id))
                    .map(|p| (p.code.clone(), p.name.clone()));
                let settings = match (&readable, &policy) {
                    (Some(readable), Some(policy))
                        if readable.as_ref().is_none_or(|ids| ids.contains(&i.id)) =>
                    {
                        let chosen = own.get(&i.id).copied().unwrap_or_default();
                        Some(DirectorySettings {
                            delivery: policy.delivery_for(&i.code, &chosen),
                            send_at: policy.send_at_for(&i.code, &chosen),
                            own: chosen.delivery.is_some() || chosen.send_at.is_some(),
                        })
                    }
                    _ => None,
                };
                DirectoryEntry {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    parent,
                    emails: details_shown
                        .then(|| serde_json::from_value(i.emails.clone()).unwrap_or_default()),
                    language: details_shown.then(|| i.language.clone()),
                    time_zone: details_shown.then(|| i.time_zone.clone()),
                    settings,
                }
            })
            .collect();
        Ok(Directory {
            entries,
            details_shown,
            total,
        })
    }
}
