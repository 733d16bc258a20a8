//! Institutions: a directory every plan shares. A plan file or a coordinator may create one or
//! refer to it; its details change only for who manages it (admins, coordinators of it or of its
//! parent), and an institution is placed under a parent only by who manages that parent.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TryIntoModel,
};
use serde_json::json;

use crate::domain::{Actor, EmailAddress, InstitutionCode};
use crate::engine::Engine;
use crate::entity::{institution, task};
use crate::error::{Error, Result};
use crate::notifications;

/// An institution to create or update (matched by code). A detail left `None` keeps the stored
/// value; for a new institution it takes the [`InstitutionDefaults`].
#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub code: InstitutionCode,
    /// Required to create the institution; `None` only refers to an existing one.
    pub name: Option<String>,
    pub parent: Option<InstitutionCode>,
    pub emails: Option<Vec<EmailAddress>>,
    pub language: Option<String>,
    pub time_zone: Option<Tz>,
}

/// What a new institution gets where its description says nothing (a plan's language and zone).
#[derive(Debug, Clone)]
pub struct InstitutionDefaults {
    pub language: String,
    pub time_zone: Tz,
}

/// One detail of a stored institution that a write changes, with its old and new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstitutionChange {
    pub code: String,
    pub field: &'static str,
    pub from: String,
    pub to: String,
}

/// The ids of the institutions with `codes` (each code once), in the order given; an unknown code
/// is a validation error on `field` naming it.
pub(crate) async fn ids_of_codes<C: ConnectionTrait>(
    db: &C,
    field: &str,
    codes: &[String],
) -> Result<Vec<i64>> {
    let mut known = std::collections::BTreeMap::new();
    for chunk in codes.chunks(500) {
        for found in institution::Entity::find()
            .filter(institution::Column::Code.is_in(chunk.iter().map(String::as_str)))
            .all(db)
            .await?
        {
            known.insert(found.code, found.id);
        }
    }
    codes
        .iter()
        .map(|code| {
            known
                .get(code.trim())
                .copied()
                .ok_or_else(|| Error::validation(field, format!("unknown institution `{code}`")))
        })
        .collect()
}

/// A prepared write of one institution: what it would create or change, not yet saved, so that
/// the caller can check who may make it first.
#[derive(Debug)]
pub struct InstitutionWrite {
    stored: Option<institution::Model>,
    /// The stored parent's code (for messages).
    stored_parent: Option<String>,
    /// The parent the write names, as stored, and that parent's own parent's code (for
    /// messages).
    parent: Option<(institution::Model, Option<String>)>,
    model: institution::ActiveModel,
    /// The stored details this write changes (empty for a new institution).
    pub changes: Vec<InstitutionChange>,
}

impl InstitutionWrite {
    /// Reads the stored institution with `new.code`, if any, and works out the write.
    pub async fn prepare<C: ConnectionTrait>(
        db: &C,
        now: DateTime<Utc>,
        new: &NewInstitution,
        defaults: &InstitutionDefaults,
    ) -> Result<Self> {
        let code = new.code.as_str();
        let parent = match &new.parent {
            Some(p) => Some(institution_by_code(db, p.as_str()).await?),
            None => None,
        };
        let grandparent = match parent.as_ref().and_then(|p| p.parent_id) {
            Some(id) => institution::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|p| p.code),
            None => None,
        };
        let named_parent = parent.clone().map(|p| (p, grandparent));
        let stored = institution::Entity::find()
            .filter(institution::Column::Code.eq(code))
            .one(db)
            .await?;
        let Some(stored) = stored else {
            let name = new.name.clone().ok_or_else(|| {
                Error::validation(
                    "name",
                    format!("institution `{code}` is not known yet: give its name to create it"),
                )
            })?;
            let model = institution::ActiveModel {
                code: Set(code.to_owned()),
                name: Set(name),
                parent_id: Set(parent.map(|p| p.id)),
                emails: Set(emails_json(new.emails.as_deref().unwrap_or_default())),
                language: Set(new.language.clone().unwrap_or(defaults.language.clone())),
                time_zone: Set(new
                    .time_zone
                    .unwrap_or(defaults.time_zone)
                    .name()
                    .to_owned()),
                created_at: Set(now),
                ..Default::default()
            };
            return Ok(Self {
                stored: None,
                stored_parent: None,
                parent: named_parent,
                model,
                changes: Vec::new(),
            });
        };
        let stored_parent = match stored.parent_id {
            Some(id) => institution::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|p| p.code),
            None => None,
        };
        let mut changes = Vec::new();
        let mut change = |field: &'static str, from: String, to: String| {
            if from != to {
                changes.push(InstitutionChange {
                    code: code.to_owned(),
                    field,
                    from,
                    to,
                });
            }
        };
        let mut model: institution::ActiveModel = stored.clone().into();
        // The cedilla and comma-below forms of ş and ţ are one letter written two ways: a plan
        // that spells a name with the other form refers to it, it does not rename it.
        if let Some(name) = new
            .name
            .as_ref()
            .filter(|n| !same_spelling(n, &stored.name))
        {
            change("name", stored.name.clone(), name.clone());
            model.name.set_ne(name.clone());
        }
        if let Some(parent) = &parent {
            change(
                "parent",
                stored_parent.clone().unwrap_or_default(),
                parent.code.clone(),
            );
            model.parent_id.set_ne(Some(parent.id));
        }
        if let Some(emails) = &new.emails {
            let json = emails_json(emails);
            change(
                "emails",
                notifications::addresses(&stored).join(", "),
                emails
                    .iter()
                    .map(EmailAddress::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            model.emails.set_ne(json);
        }
        if let Some(language) = &new.language {
            change("language", stored.language.clone(), language.clone());
            model.language.set_ne(language.clone());
        }
        if let Some(tz) = new.time_zone {
            change("time_zone", stored.time_zone.clone(), tz.name().to_owned());
            model.time_zone.set_ne(tz.name().to_owned());
        }
        Ok(Self {
            stored: Some(stored),
            stored_parent,
            parent: named_parent,
            model,
            changes,
        })
    }

    /// Whether the write creates the institution.
    pub fn creates(&self) -> bool {
        self.stored.is_none()
    }

    /// Why `actor` may not make this write, if it may not: the details of an existing institution
    /// change only for admins and coordinators of it or of its stored parent; and an institution
    /// is placed under a parent (created so, or moved there) only by who manages that parent,
    /// whose coordinators would receive its escalations, unless the parent is one of `created`
    /// (the institutions the same import creates).
    pub fn refusal(&self, actor: &Actor, created: &BTreeSet<i64>) -> Option<String> {
        let Some(stored) = self.stored.as_ref() else {
            return self.parent_refusal(actor, created);
        };
        if self.changes.is_empty() || actor.manages(stored.id, stored.parent_id) {
            return self.parent_refusal(actor, created);
        }
        let fields: Vec<String> = self
            .changes
            .iter()
            .map(|c| format!("`{}` (from \"{}\" to \"{}\")", c.field, c.from, c.to))
            .collect();
        let managers = match &self.stored_parent {
            Some(parent) => format!(
                "an admin or a coordinator of {} or of {parent}",
                stored.code
            ),
            None => format!("an admin or a coordinator of {}", stored.code),
        };
        Some(format!(
            "institution {} is shared by every plan: {} would change {}; only {managers} may \
             change it (leave the field out to keep the stored value)",
            stored.code,
            actor.name,
            fields.join(", ")
        ))
    }

    /// Why `actor` may not place this institution under the parent the write names, if the
    /// parent is new to it and the actor does not manage that parent.
    fn parent_refusal(&self, actor: &Actor, created: &BTreeSet<i64>) -> Option<String> {
        let (parent, grandparent) = self.parent.as_ref()?;
        let unchanged = self
            .stored
            .as_ref()
            .is_some_and(|s| s.parent_id == Some(parent.id));
        if unchanged || created.contains(&parent.id) || actor.manages(parent.id, parent.parent_id) {
            return None;
        }
        let code = self.model.code.try_as_ref().map_or("", String::as_str);
        let placed = if self.stored.is_some() {
            "moved under"
        } else {
            "created under"
        };
        Some(format!(
            "institution {code} would be {placed} {}, which {} does not manage: only {} may place \
             an institution under {} (its coordinators receive the escalations of the \
             institutions under it)",
            parent.code,
            actor.name,
            crate::domain::who_manages(&parent.code, grandparent.as_deref()),
            parent.code
        ))
    }

    /// Saves the write; returns the institution as stored.
    pub async fn save<C: ConnectionTrait>(self, db: &C) -> Result<institution::Model> {
        if self.stored.is_none() {
            Ok(self.model.insert(db).await?)
        } else if self.model.is_changed() {
            Ok(self.model.update(db).await?)
        } else {
            Ok(self.model.try_into_model()?)
        }
    }
}

/// Whether two names are the same but for the cedilla (ş ţ) or comma-below (ș ț) forms.
fn same_spelling(a: &str, b: &str) -> bool {
    let comma = |s: &str| -> String {
        s.trim()
            .chars()
            .map(|c| match c {
                'ş' => 'ș',
                'ţ' => 'ț',
                'Ş' => 'Ș',
                'Ţ' => 'Ț',
                other => other,
            })
            .collect()
    };
    comma(a) == comma(b)
}

fn emails_json(emails: &[EmailAddress]) -> serde_json::Value {
    json!(emails.iter().map(EmailAddress::as_str).collect::<Vec<_>>())
}

/// The institution with `code`.
pub(crate) async fn institution_by_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<institution::Model> {
    institution::Entity::find()
        .filter(institution::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("institution", code))
}

impl Engine {
    /// Creates an institution (admins and coordinators), or changes the details of one the actor
    /// manages (admins; coordinators of it or of its parent).
    pub async fn upsert_institution(
        &self,
        actor: &Actor,
        new: NewInstitution,
        defaults: &InstitutionDefaults,
    ) -> Result<institution::Model> {
        if !matches!(
            actor.role,
            crate::domain::UserRole::Admin | crate::domain::UserRole::Coordinator
        ) {
            return Err(Error::Forbidden(format!(
                "{} may not manage institutions",
                actor.name
            )));
        }
        let txn = crate::db::begin_write(self.db()).await?;
        let write = InstitutionWrite::prepare(&txn, self.now(), &new, defaults).await?;
        if let Some(why) = write.refusal(actor, &BTreeSet::new()) {
            return Err(Error::Forbidden(why));
        }
        let model = write.save(&txn).await?;
        // Its time zone may have changed: its send times with it.
        self.plan_reminders_in(
            &txn,
            Condition::all().add(task::Column::InstitutionId.eq(model.id)),
        )
        .await?;
        txn.commit().await?;
        Ok(model)
    }

    /// Sets the e-mail addresses of an institution (admins; coordinators of it or of its parent).
    pub async fn set_institution_emails(
        &self,
        actor: &Actor,
        code: &str,
        emails: &[EmailAddress],
    ) -> Result<institution::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let found = institution_by_code(&txn, code).await?;
        if !actor.manages(found.id, found.parent_id) {
            return Err(Error::Forbidden(format!(
                "{} may not change the addresses of {}",
                actor.name, found.code
            )));
        }
        let mut model: institution::ActiveModel = found.into();
        model.emails = Set(json!(
            emails.iter().map(EmailAddress::as_str).collect::<Vec<_>>()
        ));
        let saved = model.update(&txn).await?;
        // Reminders owed and not yet written go to the new addresses too.
        self.plan_reminders_in(
            &txn,
            Condition::all().add(task::Column::InstitutionId.eq(saved.id)),
        )
        .await?;
        txn.commit().await?;
        Ok(saved)
    }
}
