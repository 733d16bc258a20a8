//! `GET /`: the inbox of the institution the person acts for, grouped by what each task needs.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use mandate_engine::i18n::Language;
use mandate_engine::reads::views::{InboxFilter, InboxRow};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::render;
use crate::session::Viewer;

#[derive(Debug, Deserialize, Default)]
pub struct InboxQuery {
    #[serde(default)]
    plan: Option<String>,
    /// A date (`YYYY-MM-DD`): tasks whose period contains it.
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    state: Option<String>,
    /// The transition just fired on a task that left the viewer's sight (forwarded elsewhere).
    #[serde(default)]
    done: Option<String>,
}

fn row(r: &InboxRow, lang: Language) -> Value {
    json!({
        "id": r.task.id,
        "state": r.task.state,
        "action": { "number": r.action.number, "text": r.action.text },
        "plan": { "id": r.plan.id, "code": r.plan.code, "title": r.plan.title },
        "objective": r.objective.as_ref().map(|o| json!({ "number": o.number, "title": o.title })),
        "period": { "start": r.period.start_date.to_string(), "end": r.period.end_date.to_string() },
        "due": r.due_date.to_string(),
        "days_left": r.days_left,
        "status": r.status.as_str(),
        "light": r.status.light(),
        "reason": r.reason.text(lang),
    })
}

/// `GET /`.
pub async fn show(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Query(query): Query<InboxQuery>,
) -> Response {
    let filter = InboxFilter {
        plan_id: query
            .plan
            .as_deref()
            .filter(|p| !p.is_empty())
            .and_then(|p| p.parse().ok()),
        period_on: query
            .period
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        state: query.state.clone().filter(|s| !s.is_empty()),
    };
    let inbox = match state.engine.inbox(&viewer.actor, &filter).await {
        Ok(inbox) => inbox,
        Err(e) => return render::failure(&state, Some(&viewer), &viewer.language, &e),
    };
    let mut context = match &inbox {
        Some(inbox) => json!({
            "institution": { "code": inbox.institution.code, "name": inbox.institution.name },
            "groups": inbox.groups.iter().map(|(group, rows)| json!({
                "key": group.as_str(),
                "rows": rows.iter().map(|r| row(r, Language::or_fallback(&viewer.language))).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "total": inbox.groups.iter().map(|(_, rows)| rows.len()).sum::<usize>(),
            "plans": inbox.plans.iter().map(|p| json!({ "id": p.id, "code": p.code, "title": p.title })).collect::<Vec<_>>(),
            "truncated": inbox.truncated,
            "filter": {
                "plan": filter.plan_id,
                "period": query.period.clone().unwrap_or_default(),
                "state": filter.state.clone().unwrap_or_default(),
            },
        }),
        None => json!({ "institution": null }),
    };
    context["done"] = json!(query.done);
    render::page(
        &state,
        Some(&viewer),
        &viewer.language,
        StatusCode::OK,
        "inbox.html",
        context,
    )
}
