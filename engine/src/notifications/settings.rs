//! Institutions' own notification settings (delivery and send time) over the reminder policy.

use std::collections::{HashMap, HashSet};

use chrono::NaiveTime;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};

use crate::domain::{Actor, UserRole, who_manages};
use crate::engine::Engine;
use crate::entity::{institution, notification_setting, plan, task};
use crate::error::{Error, Result};
use crate::notifications::reminders::policy::InstitutionSettings;
use crate::notifications::reminders::{DEFAULT_POLICY, Delivery};

/// An institution's settings as they apply.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveSettings {
    pub institution: institution::Model,
    pub delivery: Delivery,
    pub send_at: NaiveTime,
    /// The institution chose these itself (else they are the default policy's).
    pub own: InstitutionSettings,
}

impl Engine {
    /// Every institution's own settings, as `db` reads them.
    pub(crate) async fn own_notification_settings<C: ConnectionTrait>(
        &self,
        db: &C,
    ) -> Result<HashMap<i64, InstitutionSettings>> {
        Ok(notification_setting::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|s| {
                let own = InstitutionSettings {
                    delivery: s.delivery.as_deref().and_then(Delivery::parse),
                    send_at: s
                        .send_at
                        .as_deref()
                        .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok()),
                };
                (s.institution_id, own)
            })
            .collect())
    }

    /// Whether `actor` coordinates a plan in which `institution` has a task.
    async fn coordinates_a_plan_of(
        &self,
        actor: &Actor,
        institution: &institution::Model,
    ) -> Result<bool> {
        let Some(owner) = actor
            .institution_id
            .filter(|_| actor.role == UserRole::Coordinator)
        else {
            return Ok(false);
        };
        let owned = Query::select()
            .column(plan::Column::Id)
            .from(plan::Entity)
            .and_where(plan::Column::OwnerId.eq(owner))
            .to_owned();
        Ok(task::Entity::find()
            .filter(task::Column::InstitutionId.eq(institution.id))
            .filter(task::Column::PlanId.in_subquery(owned))
            .one(self.db())
            .await?
            .is_some())
    }

    /// The institution `code` whose notification settings `actor` means to change: `NotFound`
    /// for an unknown code, `Forbidden` unless the actor manages it (admins; coordinators of it or
    /// of its stored parent). Naming an institution in a plan of one's own does not make one its
    /// manager. Checked before the settings themselves.
    pub async fn settings_to_change(
        &self,
        actor: &Actor,
        code: &str,
    ) -> Result<institution::Model> {
        let institution = self.institution(actor, code).await?;
        if actor.manages(institution.id, institution.parent_id) {
            return Ok(institution);
        }
        let parent = match institution.parent_id {
            Some(id) => Some(self.institution_by_id(actor, id).await?.code),
            None => None,
        };
        Err(Error::Forbidden(format!(
            "{} may not change the notification settings of {}: only {} may",
            actor.name,
            institution.code,
            who_manages(&institution.code, parent.as_deref())
        )))
    }

    /// The institutions whose settings `actor` may read, as [`Self::notification_settings`]
    /// decides one by one: `None` for every institution (admins and auditors), else its own and,
    /// for a coordinator, those under it and those taking part in the plans its institution owns.
    pub(crate) async fn readable_settings_of(&self, actor: &Actor) -> Result<Option<HashSet<i64>>> {
        if matches!(actor.role, UserRole::Admin | UserRole::Auditor) {
            return Ok(None);
        }
        let Some(own) = actor.institution_id else {
            return Ok(Some(HashSet::new()));
        };
        let mut readable = HashSet::from([own]);
        if actor.role == UserRole::Coordinator {
            let owned = Query::select()
                .column(plan::Column::Id)
                .from(plan::Entity)
                .and_where(plan::Column::OwnerId.eq(own))
                .to_owned();
            let taking_part: Vec<i64> = task::Entity::find()
                .select_only()
                .column(task::Column::InstitutionId)
                .filter(task::Column::PlanId.in_subquery(owned))
                .distinct()
                .into_tuple()
                .all(self.db())
                .await?;
            readable.extend(taking_part);
            let children: Vec<i64> = institution::Entity::find()
                .select_only()
                .column(institution::Column::Id)
                .filter(institution::Column::ParentId.eq(own))
                .into_tuple()
                .all(self.db())
                .await?;
            readable.extend(children);
        }
        Ok(Some(readable))
    }

    /// The settings that apply to institution `code` (readable by those who may change them,
    /// its own members, the coordinators of a plan it has tasks in, and auditors).
    pub async fn notification_settings(
        &self,
        actor: &Actor,
        code: &str,
    ) -> Result<EffectiveSettings> {
        let institution = self.institution(actor, code).await?;
        let readable = actor.role == UserRole::Auditor
            || actor.institution_id == Some(institution.id)
            || actor.manages(institution.id, institution.parent_id)
            || self.coordinates_a_plan_of(actor, &institution).await?;
        if !readable {
            return Err(Error::Forbidden(format!(
                "{} may not read the notification settings of {}",
                actor.name, institution.code
            )));
        }
        self.effective_settings(institution).await
    }

    /// The settings that apply to institution `code`, for anyone, signed in or not: the page the
    /// `List-Unsubscribe` header of every message points to shows them, and nothing else (the
    /// institution's name, delivery and send time; no task, no address).
    pub async fn public_notification_settings(&self, code: &str) -> Result<EffectiveSettings> {
        let institution = match crate::plans::institution_by_code(self.db(), code).await {
            Err(Error::NotFound { .. }) => {
                return Err(Error::not_found("institution", crate::text::quoted(code)));
            }
            found => found?,
        };
        self.effective_settings(institution).await
    }

    /// The settings that apply to `institution`, with no check of who asks.
    async fn effective_settings(
        &self,
        institution: institution::Model,
    ) -> Result<EffectiveSettings> {
        let own = self
            .own_notification_settings(self.db())
            .await?
            .remove(&institution.id)
            .unwrap_or_default();
        let policy = self.reminder_policy(Some(DEFAULT_POLICY))?;
        Ok(EffectiveSettings {
            delivery: policy.delivery_for(&institution.code, &own),
            send_at: policy.send_at_for(&institution.code, &own),
            institution,
            own,
        })
    }

    /// Sets (or, with `None`, clears) an institution's own delivery and send time, and plans
    /// again the next reminder of its open tasks in the same transaction. Who may: see
    /// [`Engine::settings_to_change`].
    pub async fn set_notification_settings(
        &self,
        actor: &Actor,
        code: &str,
        own: InstitutionSettings,
    ) -> Result<EffectiveSettings> {
        let institution = self.settings_to_change(actor, code).await?;
        let row = notification_setting::ActiveModel {
            institution_id: Set(institution.id),
            delivery: Set(own.delivery.map(|d| d.as_str().to_owned())),
            send_at: Set(own.send_at.map(|t| t.format("%H:%M").to_string())),
            updated_at: Set(self.now()),
            updated_by: Set(actor.name.clone()),
        };
        let txn = crate::db::begin_write(self.db()).await?;
        notification_setting::Entity::insert(row)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(notification_setting::Column::InstitutionId)
                    .update_columns([
                        notification_setting::Column::Delivery,
                        notification_setting::Column::SendAt,
                        notification_setting::Column::UpdatedAt,
                        notification_setting::Column::UpdatedBy,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        self.plan_reminders_in(
            &txn,
            Condition::all().add(task::Column::InstitutionId.eq(institution.id)),
        )
        .await?;
        txn.commit().await?;
        self.notification_settings(actor, code).await
    }
}
