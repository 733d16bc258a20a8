//! The plans (`GET /plans`) and one plan (`GET /plans/{id}`): its objective tree with a status
//! light per objective and action, complete action periods, overdue work by institution and
//! indicator values against their targets.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use mandate_engine::Error;
use mandate_engine::reads::Progress;
use mandate_engine::reads::views::{ActionRow, ObjectiveNode};
use serde_json::{Value, json};

use crate::AppState;
use crate::render;
use crate::session::Viewer;

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

fn action_row(a: &ActionRow) -> Value {
    json!({
        "id": a.action.id,
        "number": a.action.number,
        "text": a.action.text,
        "deadline": a.action.deadline,
        "status": a.status.as_str(),
        "light": a.status.light(),
        "lead": a.lead,
        "periods": a.periods,
        "periods_complete": a.periods_complete,
        "overdue": a.overdue,
    })
}

fn objective(o: &ObjectiveNode) -> Value {
    json!({
        "number": o.objective.number,
        "title": o.objective.title,
        "status": o.status.as_str(),
        "light": o.status.light(),
        "children": o.children.iter().map(objective).collect::<Vec<_>>(),
        "actions": o.actions.iter().map(action_row).collect::<Vec<_>>(),
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
                },
                "progress": progress(&view.progress),
                "objectives": view.objectives.iter().map(objective).collect::<Vec<_>>(),
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
