//! The plans (`GET /plans`) and one plan (`GET /plans/{id}`): its objective tree with a status
//! light per objective and action, complete action periods, overdue work by institution and
//! indicator values against their targets.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_engine::Error;
use mandate_engine::i18n::Language;
use mandate_engine::reads::Progress;
use mandate_engine::reads::views::{ActionRow, ObjectiveNode};
use serde_json::{Value, json};

use crate::render;
use crate::session::Viewer;
use crate::{AppState, csrf};

fn progress(p: &Progress) -> Value {
    json!({
        "total": p.total(),
        "overdue": p.overdue,
        "periods": p.periods,
        "periods_complete": p.periods_complete,
        "percent": (p.percent_complete() * 10.0).round() / 10.0,
        "by_state": p.by_state,
    })
}

fn action_row(a: &ActionRow, lang: Language) -> Value {
    json!({
        "id": a.action.id,
        "number": a.action.number,
        "text": a.action.text,
        "deadline": a.action.deadline,
        "status": a.status.as_str(),
        "light": a.status.light(),
        "reason": a.reason.text(lang),
        "lead": a.lead,
        "periods": a.periods,
        "periods_complete": a.periods_complete,
        "overdue": a.overdue,
    })
}

fn objective(o: &ObjectiveNode, lang: Language) -> Value {
    json!({
        "number": o.objective.number,
        "title": o.objective.title,
        "status": o.status.as_str(),
        "light": o.status.light(),
        "reason": o.reason.text(lang),
        "children": o.children.iter().map(|c| objective(c, lang)).collect::<Vec<_>>(),
        "actions": o.actions.iter().map(|a| action_row(a, lang)).collect::<Vec<_>>(),
    })
}

/// `GET /plans`.
pub async fn list(State(state): State<AppState>, Viewer(viewer): Viewer) -> Response {
    match state.engine.plan_summaries(&viewer.actor).await {
        Ok(plans) => render::page(
            &state,
            Some(&viewer),
            &viewer.language,
            StatusCode::OK,
            "plans.html",
            json!({
                "plans": plans.iter().map(|p| json!({
                    "id": p.plan.id,
                    "code": p.plan.code,
                    "title": p.plan.title,
                    "start": p.plan.period_start.to_string(),
                    "end": p.plan.period_end.to_string(),
                    "status": p.status.as_str(),
                    "light": p.status.light(),
                    "reason": p.reason.text(Language::or_fallback(&viewer.language)),
                    "progress": progress(&p.progress),
                })).collect::<Vec<_>>(),
            }),
        ),
        Err(e) => render::failure(&state, Some(&viewer), &viewer.language, &e),
    }
}

/// `GET /plans/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
) -> Response {
    let lang = viewer.language.clone();
    let language = Language::or_fallback(&lang);
    let Ok(id) = id.parse::<i64>() else {
        return render::failure(&state, Some(&viewer), &lang, &Error::not_found("plan", id));
    };
    match state.engine.plan_view(&viewer.actor, id).await {
        Ok(view) => render::page(
            &state,
            Some(&viewer),
            &lang,
            StatusCode::OK,
            "plan.html",
            json!({
                "plan": {
                    "id": view.plan.id,
                    "code": view.plan.code,
                    "title": view.plan.title,
                    "start": view.plan.period_start.to_string(),
                    "end": view.plan.period_end.to_string(),
                    "status": view.status.as_str(),
                    "light": view.status.light(),
                    "reason": view.reason.text(language),
                    "public": view.plan.public,
                },
                "progress": progress(&view.progress),
                "objectives": view.objectives.iter().map(|o| objective(o, language)).collect::<Vec<_>>(),
                "overdue_by_institution": view.overdue_by_institution.iter().map(|(i, n)| json!({
                    "code": i.code, "name": i.name, "count": n,
                })).collect::<Vec<_>>(),
                "indicators": view.indicators.iter().map(|i| json!({
                    "action": i.action_number,
                    "name": i.name,
                    "unit": i.unit,
                    "target": i.target,
                    "actual": i.actual,
                    "reports": i.reports,
                })).collect::<Vec<_>>(),
                "coordinates": view.coordinates,
                "statuses": ["done", "on_track", "at_risk", "late", "not_started"],
            }),
        ),
        Err(e) => render::failure(&state, Some(&viewer), &lang, &e),
    }
}

/// The coordinator's switch of the plan's public progress page: `public` is `true` or `false`.
#[derive(Debug, serde::Deserialize)]
pub struct PublicForm {
    csrf: String,
    public: bool,
}

/// `POST /plans/{id}/public`: publishes the plan's progress at `/public/plans/{code}`, or
/// withdraws it.
pub async fn set_public(
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
            &Error::not_found("plan", id),
        );
    };
    match state
        .engine
        .set_plan_public(&viewer.actor, id, form.public)
        .await
    {
        Ok(plan) => Redirect::to(&format!("/plans/{}#public", plan.id)).into_response(),
        Err(e) => render::failure(&state, Some(&viewer), &viewer.language, &e),
    }
}
