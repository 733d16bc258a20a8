//! `GET /audit`: the audit trail the viewer may read, newest first, a hundred events a page, with
//! filters by plan, by the institution and the person who acted, and by date. Read-only: the page
//! has no form that changes anything.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use mandate_engine::Error;
use mandate_engine::reads::views::{AuditQuery, AuditRow};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::render::{self, url_encode};
use crate::session::Viewer;

/// The longest e-mail address looked for.
const ACTOR_CHARS: usize = 254;

#[derive(Debug, Deserialize, Default)]
pub struct AuditParams {
    #[serde(default)]
    plan: Option<String>,
    /// The code of the institution of who acted.
    #[serde(default)]
    institution: Option<String>,
    /// The e-mail address of who acted.
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    /// The cursor of the page before.
    #[serde(default)]
    before: Option<String>,
}

fn given(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// A day as the date field sends it, or the error of its field.
fn day(
    text: &Option<String>,
    field: &str,
    errors: &mut BTreeMap<String, String>,
) -> Option<NaiveDate> {
    let text = given(text)?;
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => Some(day),
        Err(_) => {
            errors.insert(field.to_owned(), "error-date".to_owned());
            None
        }
    }
}

fn row(r: &AuditRow, zone: chrono_tz::Tz) -> Value {
    let e = &r.event;
    let at = e.at.with_timezone(&zone);
    json!({
        "id": e.id,
        "at": at.format("%Y-%m-%dT%H:%M").to_string(),
        "date": at.date_naive().to_string(),
        "time": at.format("%H:%M").to_string(),
        "kind": e.kind,
        "from": e.from_state,
        "to": e.to_state,
        "comment": e.comment,
        "actor": e.actor,
        "actor_institution": r.actor_institution.as_ref().map(|i| json!({ "code": i.code, "name": i.name })),
        "plan": r.plan.as_ref().map(|p| json!({ "id": p.id, "code": p.code, "title": p.title })),
        "action": r.action.as_ref().map(|a| json!({ "id": a.id, "number": a.number })),
        "task": e.task_id,
        "institution": r.task_institution.as_ref().map(|i| json!({ "code": i.code, "name": i.name })),
    })
}

/// `GET /audit`.
pub async fn show(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Query(params): Query<AuditParams>,
) -> Response {
    let lang = viewer.language.clone();
    let mut errors = BTreeMap::new();
    let plan_id = given(&params.plan).and_then(|p| p.parse::<i64>().ok());
    let institution_code = given(&params.institution).map(str::to_owned);
    let actor: Option<String> = given(&params.actor).map(|a| a.chars().take(ACTOR_CHARS).collect());
    let mut query = AuditQuery {
        plan_id,
        actor: actor.clone(),
        from: day(&params.from, "from", &mut errors),
        to: day(&params.to, "to", &mut errors),
        before: given(&params.before).and_then(|b| b.parse::<i64>().ok()),
        ..Default::default()
    };
    if let Some(code) = &institution_code {
        match state.engine.institution(&viewer.actor, code).await {
            Ok(found) => query.institution_id = Some(found.id),
            Err(Error::NotFound { .. }) => {
                errors.insert(
                    "institution".to_owned(),
                    "error-unknown-institution".to_owned(),
                );
            }
            Err(e) => return render::failure(&state, Some(&viewer), &lang, &e),
        }
    }
    let mut status = StatusCode::OK;
    if !errors.is_empty() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
        // Nothing is listed under a filter that was not understood.
        query.from = None;
        query.to = None;
    }
    let trail = match state.engine.audit_trail(&viewer.actor, &query).await {
        Ok(trail) => trail,
        Err(Error::Validation { field, .. }) if field == "to" => {
            errors.insert("to".to_owned(), "error-date-order".to_owned());
            status = StatusCode::UNPROCESSABLE_ENTITY;
            match state
                .engine
                .audit_trail(
                    &viewer.actor,
                    &AuditQuery {
                        from: None,
                        to: None,
                        ..query.clone()
                    },
                )
                .await
            {
                Ok(trail) => trail,
                Err(e) => return render::failure(&state, Some(&viewer), &lang, &e),
            }
        }
        Err(e) => return render::failure(&state, Some(&viewer), &lang, &e),
    };
    let rows: Vec<Value> = if errors.is_empty() {
        trail.rows.iter().map(|r| row(r, trail.zone)).collect()
    } else {
        Vec::new()
    };
    // The filters as a query string, for the link to the next page.
    let filters: Vec<String> = [
        ("plan", plan_id.map(|p| p.to_string())),
        ("institution", institution_code.clone()),
        ("actor", actor.clone()),
        ("from", given(&params.from).map(str::to_owned)),
        ("to", given(&params.to).map(str::to_owned)),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k}={}", url_encode(&v))))
    .collect();
    let older = trail.older.filter(|_| errors.is_empty()).map(|before| {
        let mut query = filters.clone();
        query.push(format!("before={before}"));
        format!("/audit?{}", query.join("&"))
    });
    let newest = format!("/audit?{}", filters.join("&"));
    render::page(
        &state,
        Some(&viewer),
        &lang,
        status,
        "audit.html",
        json!({
            "rows": rows,
            "zone": trail.zone.name(),
            "older": older,
            "newest": query.before.map(|_| newest),
            "errors": errors,
            "plans": trail.plans.iter().map(|p| json!({ "id": p.id, "code": p.code, "title": p.title })).collect::<Vec<_>>(),
            "institutions": trail.institutions.iter().map(|i| json!({ "code": i.code, "name": i.name })).collect::<Vec<_>>(),
            "filter": {
                "plan": plan_id,
                "institution": institution_code.unwrap_or_default(),
                "actor": actor.unwrap_or_default(),
                "from": given(&params.from).unwrap_or_default(),
                "to": given(&params.to).unwrap_or_default(),
            },
            "back": "/audit",
        }),
    )
}
