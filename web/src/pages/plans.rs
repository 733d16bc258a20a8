//! The plans (`GET /plans`) and one plan (`GET /plans/{id}`): its objective tree with a status
//! light per objective and action, complete action periods, overdue work by institution,
//! indicators evaluated against their targets, and the entry of plan-level indicators' values
//! (`POST /plans/{id}/indicators/{indicator}`).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use mandate_engine::Error;
use mandate_engine::entity::plan;
use mandate_engine::i18n::{self, Language, t};
use mandate_engine::reads::Progress;
use mandate_engine::reads::views::{ActionRow, ObjectiveNode};
use mandate_engine::registers::REGISTER_KIND;
use mandate_engine::results::IndicatorEntry;
use mandate_engine::results::spec::parse_number;
use mandate_engine::sign_in::WebSession;
use mandate_reports::Format;
use serde::Deserialize;
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
                    "register": (p.plan.kind == REGISTER_KIND).then(|| render::url_encode(&p.plan.code)),
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
    Query(query): Query<PlanQuery>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        let lang = viewer.language.clone();
        return render::failure(&state, Some(&viewer), &lang, &Error::not_found("plan", id));
    };
    render_plan(
        &state,
        &viewer,
        id,
        StatusCode::OK,
        json!({ "done": query.done }),
    )
    .await
}

#[derive(Debug, Deserialize, Default)]
pub struct PlanQuery {
    /// What was just done, for the confirmation line.
    #[serde(default)]
    done: Option<String>,
}

/// The entry of a plan-level indicator's value.
#[derive(Debug, Deserialize)]
pub struct EntryForm {
    csrf: String,
    /// `start..end`, one of the indicator's periods.
    period: String,
    value: String,
}

/// `POST /plans/{id}/indicators/{indicator}`: a coordinator or the responsible institution
/// enters a plan-level indicator's value for a period. A refused value is shown beside the
/// form and nothing is written.
pub async fn enter_value(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path((id, indicator)): Path<(String, String)>,
    Form(form): Form<EntryForm>,
) -> Response {
    if let Err(refused) = csrf::check(&state, &viewer, &form.csrf) {
        return refused;
    }
    let lang = viewer.language.clone();
    let (Ok(id), Ok(indicator)) = (id.parse::<i64>(), indicator.parse::<i64>()) else {
        return render::failure(&state, Some(&viewer), &lang, &Error::not_found("plan", id));
    };
    let period = form.period.split_once("..").and_then(|(a, b)| {
        Some((
            NaiveDate::parse_from_str(a, "%Y-%m-%d").ok()?,
            NaiveDate::parse_from_str(b, "%Y-%m-%d").ok()?,
        ))
    });
    let refused = |message: String| json!({ "entry_error": { "indicator": indicator, "message": message, "value": form.value } });
    let (Some((start, end)), Some(value)) = (period, parse_number(&form.value)) else {
        let key = if period.is_none() {
            "error-period"
        } else {
            "error-number"
        };
        let message = t(Language::or_fallback(&lang), key, &[]);
        return render_plan(
            &state,
            &viewer,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            refused(message),
        )
        .await;
    };
    let entry = IndicatorEntry {
        indicator_id: indicator,
        period_start: start,
        period_end: end,
        value,
    };
    match state
        .engine
        .enter_indicator_value(&viewer.actor, entry)
        .await
    {
        Ok(_) => {
            Redirect::to(&format!("/plans/{id}?done=indicator#pi-{indicator}")).into_response()
        }
        Err(Error::Validation { message, .. }) => {
            render_plan(
                &state,
                &viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                refused(message),
            )
            .await
        }
        Err(e) => render::failure(&state, Some(&viewer), &lang, &e),
    }
}

/// The period the report form offers first: this year while the plan runs, else the plan's
/// whole span.
fn report_period(plan: &plan::Model, today: NaiveDate) -> String {
    if (plan.period_start..=plan.period_end).contains(&today) {
        today.year().to_string()
    } else {
        format!("{}..{}", plan.period_start, plan.period_end)
    }
}

/// The plan page of plan `id`, with `extra` in its context.
pub(crate) async fn render_plan(
    state: &AppState,
    viewer: &WebSession,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> Response {
    let lang = viewer.language.clone();
    let language = Language::or_fallback(&lang);
    let view = match state.engine.plan_view(&viewer.actor, id).await {
        Ok(view) => view,
        Err(e) => return render::failure(state, Some(viewer), &lang, &e),
    };
    let mut context = json!({
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
        // The indicators with something to say: a value given, or a target.
        "indicators": view
            .indicators
            .iter()
            .filter(|i| i.value.evaluation.actual.is_some() || i.value.spec.target.is_some())
            .map(|i| json!({
                "action": i.action_number,
                "name": i.value.name,
                "actual": i.value.evaluation.actual,
                "target": i.value.target_text(language),
                "verdict": i.value.evaluation.verdict.as_str(),
                "explanation": i.value.explanation(language),
            }))
            .collect::<Vec<_>>(),
        "plan_indicators": view.plan_indicators.iter().map(|(value, entries)| json!({
            "id": entries.indicator.id,
            "name": value.name,
            "target": value.target_text(language),
            "baseline": value.spec.baseline_text(language),
            "verdict": value.evaluation.verdict.as_str(),
            "explanation": value.explanation(language),
            "may_enter": entries.may_enter,
            "periods": entries.periods.iter().map(|(start, end)| json!({
                "key": format!("{start}..{end}"),
                "label": format!("{} – {}", i18n::date(language, *start), i18n::date(language, *end)),
                "value": entries.values.iter()
                    .find(|v| v.period_start == *start && v.period_end == *end)
                    .map(|v| i18n::number(language, v.value)),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "coordinates": view.coordinates,
        "statuses": ["done", "on_track", "at_risk", "late", "not_started"],
        "report": {
            "period": report_period(&view.plan, state.engine.now().date_naive()),
            "formats": Format::ALL.iter().map(|f| f.extension()).collect::<Vec<_>>(),
        },
    });
    if let (Some(all), Some(extra)) = (context.as_object_mut(), extra.as_object()) {
        all.extend(extra.clone());
    }
    render::page(state, Some(viewer), &lang, status, "plan.html", context)
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
