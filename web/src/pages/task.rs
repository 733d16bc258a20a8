//! The task page (`GET /tasks/{id}`) and its forms (`POST /tasks/{id}/fire`): one form per
//! transition the viewer may fire now. A form is checked field by field before the engine is
//! asked; what the engine refuses is shown beside its field, and nothing is written. A form sent
//! against an old version shows who changed the task and how, and overwrites nothing.

use std::collections::{BTreeMap, HashMap};

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_engine::Error;
use mandate_engine::entity::indicator;
use mandate_engine::i18n::Language;
use mandate_engine::reads::views::TaskView;
use mandate_engine::results::spec::parse_number;
use mandate_engine::results::{IndicatorSpec, Unit};
use mandate_engine::sign_in::WebSession;
use mandate_engine::tasks::lifecycle::Requirement;
use mandate_engine::tasks::{Fire, ReportInput};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::render;
use crate::session::Viewer;
use crate::{AppState, csrf};

/// What an indicator's values are measured in.
fn unit_of(indicator: &indicator::Model) -> Unit {
    IndicatorSpec::stored(&indicator.written()).unit
}

#[derive(Debug, Deserialize, Default)]
pub struct TaskQuery {
    /// The transition just fired, for the confirmation line.
    #[serde(default)]
    done: Option<String>,
}

/// What a refused form shows: its input, the errors by field, a conflict.
#[derive(Debug, Default)]
struct Refusal {
    transition: String,
    input: HashMap<String, String>,
    errors: BTreeMap<String, String>,
    conflict: Option<Value>,
    message: Option<String>,
}

fn context(view: &TaskView, lang: &str) -> Value {
    let actor_institutions: HashMap<i64, &str> = view
        .participants
        .iter()
        .map(|p| (p.institution.id, p.institution.code.as_str()))
        .collect();
    json!({
        "task": {
            "id": view.task.id,
            "state": view.task.state,
            "version": view.task.version,
            "due": view.task.due_at.with_timezone(&zone(view)).date_naive().to_string(),
            "status": view.status.as_str(),
            "reason": view.reason.text(Language::or_fallback(lang)),
            "light": view.status.light(),
            "role": view.task.role,
        },
        "institution": { "code": view.institution.code, "name": view.institution.name },
        "action": { "id": view.action.id, "number": view.action.number, "text": view.action.text, "deadline": view.action.deadline },
        "plan": { "id": view.plan.id, "code": view.plan.code, "title": view.plan.title },
        "objectives": view.objectives.iter().map(|o| json!({ "number": o.number, "title": o.title })).collect::<Vec<_>>(),
        "indicators": view.indicators.iter().map(|i| json!({
            "position": i.position,
            "name": i.name,
            "target": IndicatorSpec::stored(&i.written()).target_text(Language::or_fallback(lang)),
            "numeric": unit_of(i) != Unit::Text,
        })).collect::<Vec<_>>(),
        "period": { "start": view.period.start_date.to_string(), "end": view.period.end_date.to_string() },
        "participants": view.participants.iter().map(|p| json!({
            "code": p.institution.code,
            "name": p.institution.name,
            "role": p.role,
            "lead": p.lead,
        })).collect::<Vec<_>>(),
        "coordinates": view.coordinates,
        "reports": view.reports.iter().map(|r| json!({
            "id": r.id,
            "public": r.public,
            "values": r.indicator_values,
            "narrative": r.narrative,
            "evidence": r.evidence,
            "by": r.submitted_by,
            "at": r.submitted_at.date_naive().to_string(),
        })).collect::<Vec<_>>(),
        "events": view.events.iter().map(|e| json!({
            "kind": e.kind,
            "actor": e.actor,
            "institution": e.actor_institution_id.and_then(|id| actor_institutions.get(&id).copied()),
            "from": e.from_state,
            "to": e.to_state,
            "comment": e.comment,
            "at": e.at.with_timezone(&zone(view)).format("%Y-%m-%d %H:%M").to_string(),
            "date": e.at.with_timezone(&zone(view)).date_naive().to_string(),
        })).collect::<Vec<_>>(),
        "transitions": view.transitions.iter().map(|t| json!({
            "name": t.name,
            "to": t.to,
            "reason": t.requires == Some(Requirement::Reason),
            "report": t.requires == Some(Requirement::Report),
            "target": t.target.is_some(),
        })).collect::<Vec<_>>(),
        "targets": view.targets.iter().map(|i| json!({ "code": i.code, "name": i.name })).collect::<Vec<_>>(),
        "lang": lang,
    })
}

fn zone(view: &TaskView) -> chrono_tz::Tz {
    view.institution
        .time_zone
        .parse()
        .or_else(|_| view.plan.time_zone.parse())
        .unwrap_or(chrono_tz::UTC)
}

fn render_view(
    state: &AppState,
    viewer: &WebSession,
    view: &TaskView,
    status: StatusCode,
    done: Option<String>,
    refusal: Option<Refusal>,
) -> Response {
    let mut ctx = context(view, &viewer.language);
    ctx["done"] = json!(done);
    if let Some(r) = refusal {
        ctx["refused"] = json!({
            "transition": r.transition,
            "input": r.input,
            "errors": r.errors,
            "conflict": r.conflict,
            "message": r.message,
        });
    }
    render::page(
        state,
        Some(viewer),
        &viewer.language,
        status,
        "task.html",
        ctx,
    )
}

/// `GET /tasks/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
    Query(query): Query<TaskQuery>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return render::failure(
            &state,
            Some(&viewer),
            &viewer.language,
            &Error::not_found("task", id),
        );
    };
    match state.engine.task_view(&viewer.actor, id).await {
        Ok(view) => render_view(&state, &viewer, &view, StatusCode::OK, query.done, None),
        Err(e) => render::failure(&state, Some(&viewer), &viewer.language, &e),
    }
}

/// The report a form describes, or the errors of its fields.
fn report_from(
    view: &TaskView,
    input: &HashMap<String, String>,
) -> Result<ReportInput, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let mut values = BTreeMap::new();
    for i in &view.indicators {
        let field = format!("ind-{}", i.position);
        let written = input.get(&field).map(|v| v.trim()).unwrap_or_default();
        if written.is_empty() {
            continue;
        }
        let unit = unit_of(i);
        if unit != Unit::Text {
            match parse_number(written).map(|n| (n, unit.check(n))) {
                Some((n, Ok(_))) => {
                    values.insert(i.name.clone(), json!(n));
                }
                Some((_, Err(_))) if unit == Unit::Count => {
                    errors.insert(field, "error-count".to_owned());
                }
                Some((_, Err(_))) if unit == Unit::Percent => {
                    errors.insert(field, "error-percent".to_owned());
                }
                _ => {
                    errors.insert(field, "error-number".to_owned());
                }
            }
        } else {
            values.insert(i.name.clone(), json!(written));
        }
    }
    let narrative = input
        .get("narrative")
        .map(|n| n.trim().to_owned())
        .unwrap_or_default();
    if narrative.is_empty() {
        errors.insert("narrative".to_owned(), "error-required".to_owned());
    }
    let evidence: Vec<String> = input
        .get("evidence")
        .map(|e| {
            e.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if errors.is_empty() {
        Ok(ReportInput {
            indicator_values: values,
            narrative,
            evidence,
        })
    } else {
        Err(errors)
    }
}

/// The form field an engine validation error is about.
fn field_of(view: &TaskView, engine_field: &str) -> String {
    if let Some(name) = engine_field.strip_prefix("report.indicatorValues.")
        && let Some(i) = view.indicators.iter().find(|i| i.name == name)
    {
        return format!("ind-{}", i.position);
    }
    match engine_field {
        "report.narrative" => "narrative".to_owned(),
        f if f.starts_with("report.evidence") => "evidence".to_owned(),
        "reason" => "reason".to_owned(),
        "target" => "target".to_owned(),
        _ => "form".to_owned(),
    }
}

/// `POST /tasks/{id}/fire`.
pub async fn fire(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
    Form(input): Form<HashMap<String, String>>,
) -> Response {
    if let Err(refused) = csrf::check(
        &state,
        &viewer,
        input.get("csrf").map(String::as_str).unwrap_or_default(),
    ) {
        return refused;
    }
    let lang = viewer.language.clone();
    let Ok(id) = id.parse::<i64>() else {
        return render::failure(&state, Some(&viewer), &lang, &Error::not_found("task", id));
    };
    let view = match state.engine.task_view(&viewer.actor, id).await {
        Ok(view) => view,
        Err(e) => return render::failure(&state, Some(&viewer), &lang, &e),
    };
    let transition = input.get("transition").cloned().unwrap_or_default();
    let version = input
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or_default();
    let mut refusal = Refusal {
        transition: transition.clone(),
        input: input
            .iter()
            .filter(|(k, _)| k.as_str() != "csrf")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        ..Default::default()
    };
    let (requires, moves) = view
        .lifecycle
        .transition(&transition)
        .map_or((None, false), |t| (t.requires, t.target.is_some()));
    let mut request = Fire::new(id, version, &transition);
    request.comment = input
        .get("comment")
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    request.reason = input
        .get("reason")
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    request.target = input
        .get("target")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if moves && request.target.is_none() {
        refusal
            .errors
            .insert("target".to_owned(), "error-required".to_owned());
    }
    if requires == Some(Requirement::Reason) && request.reason.is_none() {
        refusal
            .errors
            .insert("reason".to_owned(), "error-required".to_owned());
    }
    if requires == Some(Requirement::Report) {
        match report_from(&view, &input) {
            Ok(report) => request.report = Some(report),
            Err(errors) => refusal.errors.extend(errors),
        }
    }
    if !refusal.errors.is_empty() {
        return render_view(
            &state,
            &viewer,
            &view,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(refusal),
        );
    }
    let status = match state.engine.fire(&viewer.actor, request).await {
        Ok(_) => {
            // A form elsewhere (the sign-off queue) brings the person back to where it was; a
            // task moved to an institution whose work the person may not see, to the inbox.
            let gone = moves
                && matches!(
                    state.engine.task(&viewer.actor, id).await,
                    Err(Error::NotFound { .. })
                );
            let back = match input.get("back") {
                Some(back) => mandate_engine::sign_in::safe_next(back),
                None if gone => "/".to_owned(),
                None => format!("/tasks/{id}"),
            };
            let joiner = if back.contains('?') { '&' } else { '?' };
            return Redirect::to(&format!(
                "{back}{joiner}done={}",
                crate::render::url_encode(&transition)
            ))
            .into_response();
        }
        // A form sent against an older version is stale, also when the engine first finds that
        // its transition no longer applies to the state the task moved to.
        Err(e)
            if matches!(e, Error::Conflict { .. })
                || (matches!(e, Error::InvalidTransition { .. })
                    && version != view.task.version) =>
        {
            // Read again: the page shows the task as it now is, and who changed it.
            let now = match state.engine.task_view(&viewer.actor, id).await {
                Ok(now) => now,
                Err(e) => return render::failure(&state, Some(&viewer), &lang, &e),
            };
            let last = now.events.last();
            refusal.conflict = Some(json!({
                "by": last.map(|e| e.actor.clone()),
                "at": last.map(|e| e.at.with_timezone(&zone(&now)).format("%Y-%m-%d %H:%M").to_string()),
                "state": now.task.state,
            }));
            return render_view(
                &state,
                &viewer,
                &now,
                StatusCode::CONFLICT,
                None,
                Some(refusal),
            );
        }
        Err(Error::Validation { field, message }) => {
            refusal.errors.insert(field_of(&view, &field), message);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e @ (Error::InvalidTransition { .. } | Error::Forbidden(_))) => {
            refusal.message = Some(e.to_string());
            StatusCode::CONFLICT
        }
        Err(e) => return render::failure(&state, Some(&viewer), &lang, &e),
    };
    render_view(&state, &viewer, &view, status, None, Some(refusal))
}

/// The coordinator's switch of a report's narrative: `public` is `true` or `false`.
#[derive(Debug, Deserialize)]
pub struct PublicForm {
    csrf: String,
    public: bool,
}

/// `POST /reports/{id}/public`: shows the report's narrative on its plan's public page, or
/// hides it again.
pub async fn set_report_public(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
    Form(form): Form<PublicForm>,
) -> Response {
    if let Err(refused) = csrf::check(&state, &viewer, &form.csrf) {
        return refused;
    }
    let Ok(id) = id.parse::<i64>() else {
        return render::failure(
            &state,
            Some(&viewer),
            &viewer.language,
            &Error::not_found("report", id),
        );
    };
    match state
        .engine
        .set_report_public(&viewer.actor, id, form.public)
        .await
    {
        Ok(report) => {
            Redirect::to(&format!("/tasks/{}#report-{}", report.task_id, report.id)).into_response()
        }
        Err(e) => render::failure(&state, Some(&viewer), &viewer.language, &e),
    }
}
