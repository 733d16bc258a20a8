//! Registers of cases: the list (`GET /registers`) and one register (`GET /registers/{code}`):
//! its owner and departments, its latest cases with their terms, its statistics by department
//! and month; for its office (coordinators of its owner), the forms that register a case
//! (`POST /registers/{code}/cases`) and route one to a department
//! (`POST /registers/{code}/route`).

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use mandate_engine::Error;
use mandate_engine::registers::{Case, NewCase, RegisterStatistics, StatisticsRow};
use mandate_engine::sign_in::WebSession;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::render::{self, url_encode};
use crate::session::Viewer;
use crate::{AppState, csrf};

/// How many of a register's cases its page lists, newest first.
const LATEST_CASES: u64 = 50;

/// How the received instant is written in the form (`<input type="datetime-local">`).
const LOCAL_FORMATS: [&str; 2] = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"];

#[derive(Debug, Deserialize, Default)]
pub struct RegisterQuery {
    /// What was just done (`registered-N`, `routed-N`), for the confirmation line.
    #[serde(default)]
    done: Option<String>,
}

/// The form that registers a case, as sent.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct CaseForm {
    #[serde(default)]
    csrf: String,
    /// When it was received, local time of the register (`YYYY-MM-DDTHH:MM`); now if empty.
    #[serde(default)]
    received: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    petitioner: String,
}

/// The form that routes a case, as sent.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct RouteForm {
    #[serde(default)]
    csrf: String,
    /// The case's registration number.
    #[serde(default)]
    case: String,
    /// The department's code.
    #[serde(default)]
    department: String,
}

/// `at` in the form's local notation in `tz`.
fn local_input(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// The received instant written in the form, read in the register's time zone.
fn parse_received(text: &str, tz: Tz) -> Result<DateTime<Utc>, Error> {
    let text = text.trim();
    let local = LOCAL_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .ok_or_else(|| {
            Error::validation(
                "received",
                format!("`{text}` is not a date and time (YYYY-MM-DDTHH:MM)"),
            )
        })?;
    tz.from_local_datetime(&local)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| {
            Error::validation(
                "received",
                format!("`{text}` does not exist in {} (clocks moved)", tz.name()),
            )
        })
}

/// The form's name for a field the engine names.
fn form_field(field: &str) -> String {
    match field {
        "receivedAt" | "registeredAt" => "received".to_owned(),
        other => other.to_owned(),
    }
}

fn case_row(
    case: &Case,
    codes: &BTreeMap<i64, (String, String)>,
    tz: Tz,
    now: DateTime<Utc>,
) -> Value {
    let received = case.action.received_at.map(|r| r.with_timezone(&tz));
    json!({
        "id": case.action.id,
        "number": case.number(),
        "received_date": received.map(|r| r.date_naive().to_string()),
        "received_time": received.map(|r| r.format("%H:%M").to_string()),
        "subject": case.action.text,
        "petitioner": case.action.petitioner,
        "departments": case.tasks.iter().map(|t| json!({
            "task": t.id,
            "code": codes.get(&t.institution_id).map(|(code, _)| code.clone()),
            "name": codes.get(&t.institution_id).map(|(_, name)| name.clone()),
            "state": t.state,
        })).collect::<Vec<_>>(),
        "state": case.state(),
        "due": case.due_at().with_timezone(&tz).date_naive().to_string(),
        "late": case.late(now),
        "open": case.tasks.is_empty() || case.tasks.iter().any(|t| t.open),
    })
}

fn statistics_row(row: &StatisticsRow, names: &BTreeMap<String, String>) -> Value {
    json!({
        "month": row.month,
        "department": row.department,
        "name": row.department.as_ref().and_then(|d| names.get(d)),
        "received": row.received,
        "answered_in_term": row.answered_in_term,
        "answered_late": row.answered_late,
        "closed": row.closed,
        "open": row.open,
        "open_overdue": row.open_overdue,
        "extended": row.extended,
    })
}

fn statistics(stats: &RegisterStatistics, names: &BTreeMap<String, String>) -> Value {
    json!({
        "rows": stats.rows.iter().map(|r| statistics_row(r, names)).collect::<Vec<_>>(),
        "months": stats.months().iter().map(|m| statistics_row(&stats.total(Some(m)), names)).collect::<Vec<_>>(),
        "total": statistics_row(&stats.total(None), names),
    })
}

/// `GET /registers`.
pub async fn list(State(state): State<AppState>, Viewer(viewer): Viewer) -> Response {
    match state.engine.registers(&viewer.actor).await {
        Ok(registers) => render::page(
            &state,
            Some(&viewer),
            &viewer.language,
            StatusCode::OK,
            "registers.html",
            json!({
                "back": "/registers",
                "registers": registers.iter().map(|r| json!({
                    "code": r.plan.code,
                    "path": url_encode(&r.plan.code),
                    "title": r.plan.title,
                    "departments": r.departments.len(),
                })).collect::<Vec<_>>(),
            }),
        ),
        Err(e) => render::failure(&state, Some(&viewer), &viewer.language, &e),
    }
}

/// The register page with `extra` (errors, the forms as sent) over what is read.
async fn render_register(
    state: &AppState,
    viewer: &WebSession,
    code: &str,
    status: StatusCode,
    extra: Value,
) -> Response {
    let fail = |e: &Error| render::failure(state, Some(viewer), &viewer.language, e);
    let register = match state.engine.register(&viewer.actor, code).await {
        Ok(register) => register,
        Err(e) => return fail(&e),
    };
    let tz = match register.plan.zone() {
        Ok(tz) => tz,
        Err(e) => return fail(&e),
    };
    let owner = match state
        .engine
        .institution_by_id(&viewer.actor, register.plan.owner_id)
        .await
    {
        Ok(owner) => owner,
        Err(e) => return fail(&e),
    };
    let cases = match state.engine.cases(&viewer.actor, code, LATEST_CASES).await {
        Ok(cases) => cases,
        Err(e) => return fail(&e),
    };
    let stats = match state.engine.register_statistics(&viewer.actor, code).await {
        Ok(stats) => stats,
        Err(e) => return fail(&e),
    };
    let now = state.engine.now();
    let codes: BTreeMap<i64, (String, String)> = register
        .departments
        .iter()
        .map(|d| (d.id, (d.code.clone(), d.name.clone())))
        .collect();
    let names: BTreeMap<String, String> = register
        .departments
        .iter()
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect();
    let mut context = json!({
        "back": format!("/registers/{}", url_encode(&register.plan.code)),
        "register": {
            "id": register.plan.id,
            "code": register.plan.code,
            "path": url_encode(&register.plan.code),
            "title": register.plan.title,
            "time_zone": tz.name(),
            "deadline": register.plan.deadline_rule,
            "archived": register.plan.archived_at.is_some(),
            "owner": { "code": owner.code, "name": owner.name },
            "departments": register.departments.iter().map(|d| json!({ "code": d.code, "name": d.name })).collect::<Vec<_>>(),
        },
        "cases": cases.iter().map(|c| case_row(c, &codes, tz, now)).collect::<Vec<_>>(),
        "statistics": statistics(&stats, &names),
        "coordinates": viewer.actor.coordinates(register.plan.owner_id),
        "form": { "received": local_input(now, tz) },
        "route": {},
    });
    if let (Some(context), Some(extra)) = (context.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            context.insert(k.clone(), v.clone());
        }
    }
    render::page(
        state,
        Some(viewer),
        &viewer.language,
        status,
        "register.html",
        context,
    )
}

/// `GET /registers/{code}`.
pub async fn show(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(code): Path<String>,
    Query(query): Query<RegisterQuery>,
) -> Response {
    render_register(
        &state,
        &viewer,
        &code,
        StatusCode::OK,
        json!({ "done": query.done }),
    )
    .await
}

/// The register page again with the error of `field` and the forms as sent.
async fn refused(
    state: &AppState,
    viewer: &WebSession,
    code: &str,
    field: &str,
    message: String,
    forms: Value,
) -> Response {
    let mut errors = BTreeMap::new();
    errors.insert(form_field(field), message);
    let mut extra = forms;
    extra["errors"] = json!(errors);
    render_register(state, viewer, code, StatusCode::UNPROCESSABLE_ENTITY, extra).await
}

/// `POST /registers/{code}/cases`.
pub async fn create_case(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(code): Path<String>,
    Form(form): Form<CaseForm>,
) -> Response {
    if let Err(refused) = csrf::check(&state, &viewer, &form.csrf) {
        return refused;
    }
    let sent = json!({ "form": {
        "received": form.received, "subject": form.subject, "petitioner": form.petitioner,
    }});
    let register = match state.engine.register(&viewer.actor, &code).await {
        Ok(register) => register,
        Err(e) => return render::failure(&state, Some(&viewer), &viewer.language, &e),
    };
    let received = if form.received.trim().is_empty() {
        Ok(state.engine.now())
    } else {
        register
            .plan
            .zone()
            .and_then(|tz| parse_received(&form.received, tz))
    };
    let created = match received {
        Ok(received_at) => {
            state
                .engine
                .create_case(
                    &viewer.actor,
                    NewCase {
                        register: register.plan.code.clone(),
                        received_at,
                        subject: form.subject.clone(),
                        petitioner: Some(form.petitioner.clone()),
                        registered_at: None,
                    },
                )
                .await
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(case) => Redirect::to(&format!(
            "/registers/{}?done=registered-{}",
            url_encode(&register.plan.code),
            url_encode(case.number())
        ))
        .into_response(),
        Err(Error::Validation { field, message }) => {
            refused(&state, &viewer, &code, &field, message, sent).await
        }
        Err(e) => render::failure(&state, Some(&viewer), &viewer.language, &e),
    }
}

/// `POST /registers/{code}/route`.
pub async fn route_case(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(code): Path<String>,
    Form(form): Form<RouteForm>,
) -> Response {
    if let Err(refused) = csrf::check(&state, &viewer, &form.csrf) {
        return refused;
    }
    let sent = json!({ "route": { "case": form.case, "department": form.department } });
    let routed = match state
        .engine
        .case_by_number(&viewer.actor, &code, &form.case)
        .await
    {
        Ok(case) => {
            state
                .engine
                .route_case(&viewer.actor, case.action.id, &form.department)
                .await
        }
        Err(Error::NotFound { .. }) => Err(Error::validation(
            "case",
            format!("`{}` is not a case of register `{code}`", form.case.trim()),
        )),
        Err(e) => Err(e),
    };
    match routed {
        Ok(_) => Redirect::to(&format!(
            "/registers/{}?done=routed-{}",
            url_encode(&code),
            url_encode(form.case.trim())
        ))
        .into_response(),
        Err(Error::Validation { field, message }) => {
            refused(&state, &viewer, &code, &field, message, sent).await
        }
        Err(e) => render::failure(&state, Some(&viewer), &viewer.language, &e),
    }
}
