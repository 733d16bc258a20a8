//! The action page (`GET /actions/{id}`): who takes part and each period's tasks; for the plan's
//! coordinator, the assignment form (`POST /actions/{id}/assign`) and the approval of periods
//! whose completion rule holds (`POST /periods/{id}/approve`). And the sign-off queue
//! (`GET /sign-offs`).

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_engine::Error;
use mandate_engine::i18n::Language;
use mandate_engine::plans::AssignmentChange;
use mandate_engine::reads::views::ActionView;
use mandate_engine::sign_in::WebSession;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::render;
use crate::session::Viewer;
use crate::{AppState, csrf};

#[derive(Debug, Deserialize, Default)]
pub struct ActionQuery {
    /// What was just done (`assigned`, `approved`), for the confirmation line.
    #[serde(default)]
    done: Option<String>,
}

/// The assignment form as sent: codes, the lists separated by commas or spaces.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct AssignForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    partners: String,
}

fn codes(list: &str) -> Vec<String> {
    list.split([',', ';', ' ', '\n'])
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty())
        .collect()
}

fn context(view: &ActionView, institutions: Value, lang: Language) -> Value {
    let code_list = |role: &str| -> String {
        view.participants
            .iter()
            .filter(|p| p.role == role)
            .map(|p| p.institution.code.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    json!({
        "action": {
            "id": view.action.id,
            "number": view.action.number,
            "text": view.action.text,
            "deadline": view.action.deadline,
            "status": view.status.as_str(),
            "light": view.status.light(),
            "reason": view.reason.text(lang),
        },
        "plan": { "id": view.plan.id, "code": view.plan.code, "title": view.plan.title },
        "objectives": view.objectives.iter().map(|o| json!({ "number": o.number, "title": o.title })).collect::<Vec<_>>(),
        "participants": view.participants.iter().map(|p| json!({
            "code": p.institution.code, "name": p.institution.name, "role": p.role, "lead": p.lead,
        })).collect::<Vec<_>>(),
        "form": {
            "lead": view.participants.iter().find(|p| p.lead).map(|p| p.institution.code.clone()).unwrap_or_default(),
            "responsible": code_list("responsible"),
            "partners": code_list("partner"),
        },
        "periods": view.periods.iter().map(|p| json!({
            "id": p.period.id,
            "start": p.period.start_date.to_string(),
            "end": p.period.end_date.to_string(),
            "status": p.status.as_str(),
            "light": p.status.light(),
            "reason": p.reason.text(lang),
            "rule_met": p.completion.rule_met,
            "approved": p.completion.approved,
            "approvable": p.approvable,
            "tasks": p.tasks.iter().map(|t| json!({
                "id": t.task.id,
                "code": t.institution.code,
                "name": t.institution.name,
                "role": t.task.role,
                "state": t.task.state,
                "status": t.status.as_str(),
                "light": t.status.light(),
                "reason": t.reason.text(lang),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "coordinates": view.coordinates,
        "institutions": institutions,
    })
}

async fn render_action(
    state: &AppState,
    viewer: &WebSession,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> Response {
    let view = match state.engine.action_view(&viewer.actor, id).await {
        Ok(view) => view,
        Err(e) => return render::failure(state, Some(viewer), &viewer.language, &e),
    };
    let institutions = if view.coordinates {
        match state.engine.institutions(&viewer.actor).await {
            Ok(all) => json!(
                all.iter()
                    .map(|i| json!({ "code": i.code, "name": i.name }))
                    .collect::<Vec<_>>()
            ),
            Err(e) => return render::failure(state, Some(viewer), &viewer.language, &e),
        }
    } else {
        json!([])
    };
    let mut ctx = context(&view, institutions, Language::or_fallback(&viewer.language));
    if let (Some(ctx), Some(extra)) = (ctx.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            ctx.insert(k.clone(), v.clone());
        }
    }
    render::page(
        state,
        Some(viewer),
        &viewer.language,
        status,
        "action.html",
        ctx,
    )
}

fn parse_id(text: &str) -> Option<i64> {
    text.parse().ok()
}

/// `GET /actions/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
    Query(query): Query<ActionQuery>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return render::failure(
            &state,
            Some(&viewer),
            &viewer.language,
            &Error::not_found("action", id),
        );
    };
    render_action(
        &state,
        &viewer,
        id,
        StatusCode::OK,
        json!({ "done": query.done }),
    )
    .await
}

/// `POST /actions/{id}/assign`.
pub async fn assign(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
    Form(form): Form<AssignForm>,
) -> Response {
    if let Err(refused) = csrf::check(&state, &viewer, &form.csrf) {
        return refused;
    }
    let Some(id) = parse_id(&id) else {
        return render::failure(
            &state,
            Some(&viewer),
            &viewer.language,
            &Error::not_found("action", id),
        );
    };
    let lead = form.lead.trim().to_uppercase();
    let change = AssignmentChange {
        lead: (!lead.is_empty()).then_some(lead),
        responsible: Some(codes(&form.responsible)),
        partners: Some(codes(&form.partners)),
    };
    match state.engine.assign_action(&viewer.actor, id, change).await {
        Ok(assigned) => Redirect::to(&format!(
            "/actions/{id}?done=assigned-{}",
            assigned.cancelled.len()
        ))
        .into_response(),
        Err(Error::Validation { field, message }) => {
            let mut errors = BTreeMap::new();
            errors.insert(field, message);
            render_action(
                &state,
                &viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({
                    "errors": errors,
                    "form": { "lead": form.lead, "responsible": form.responsible, "partners": form.partners },
                }),
            )
            .await
        }
        Err(e) => render::failure(&state, Some(&viewer), &viewer.language, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    comment: String,
}

/// `POST /periods/{id}/approve`: approves an action period whose completion rule holds.
pub async fn approve_period(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
    Form(form): Form<ApproveForm>,
) -> Response {
    if let Err(refused) = csrf::check(&state, &viewer, &form.csrf) {
        return refused;
    }
    let Some(id) = parse_id(&id) else {
        return render::failure(
            &state,
            Some(&viewer),
            &viewer.language,
            &Error::not_found("reporting period", id),
        );
    };
    let comment = Some(form.comment.trim().to_owned()).filter(|c| !c.is_empty());
    match state
        .engine
        .approve_action_period(&viewer.actor, id, comment)
        .await
    {
        Ok(period) => {
            Redirect::to(&format!("/actions/{}?done=approved", period.action_id)).into_response()
        }
        Err(e) => render::failure(&state, Some(&viewer), &viewer.language, &e),
    }
}

/// `GET /sign-offs`: the reports waiting for the viewer's sign-off.
pub async fn queue(State(state): State<AppState>, Viewer(viewer): Viewer) -> Response {
    match state.engine.sign_off_queue(&viewer.actor).await {
        Ok(rows) => render::page(
            &state,
            Some(&viewer),
            &viewer.language,
            StatusCode::OK,
            "sign_offs.html",
            json!({
                "rows": rows.iter().map(|r| json!({
                    "task": { "id": r.task.id, "version": r.task.version, "state": r.task.state,
                              "due": r.task.due_at.date_naive().to_string() },
                    "institution": { "code": r.institution.code, "name": r.institution.name },
                    "action": { "id": r.action.id, "number": r.action.number, "text": r.action.text },
                    "plan": { "code": r.plan.code },
                    "period": { "start": r.period.start_date.to_string(), "end": r.period.end_date.to_string() },
                    "as_coordinator": r.as_coordinator,
                    "transition": r.transition,
                })).collect::<Vec<_>>(),
            }),
        ),
        Err(e) => render::failure(&state, Some(&viewer), &viewer.language, &e),
    }
}
