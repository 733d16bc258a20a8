//! The public progress page of a published plan (`GET /public/plans/{code}`): no sign-in, in
//! the plan's language, cacheable by anyone for five minutes and answered `304 Not Modified`
//! when the browser's copy (its `ETag`) is still the page. A plan that is not published answers
//! exactly as one that does not exist.

use std::hash::{DefaultHasher, Hash, Hasher};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mandate_engine::i18n::Language;
use mandate_engine::reads::public::{PublicAction, PublicObjective, PublicPlan};
use mandate_engine::status::{Reason, Status};
use serde_json::{Value, json};

use crate::AppState;
use crate::render;
use crate::session::browser_language;

/// How shared caches and browsers may keep the page.
const CACHE_CONTROL: &str = "public, max-age=300";

fn status(status: Status, reason: &Reason, lang: Language) -> Value {
    json!({
        "status": status.as_str(),
        "light": status.light(),
        "reason": reason.text(lang),
    })
}

fn action(a: &PublicAction, lang: Language) -> Value {
    json!({
        "number": a.number,
        "text": a.text,
        "deadline": a.deadline,
        "responsible": a.responsible,
        "partners": a.partners,
        "status": status(a.status, &a.reason, lang),
        "indicators": a.indicators.iter().map(|i| json!({
            "name": i.name,
            "unit": i.unit,
            "target": i.target,
            "met": i.verdict.and_then(|v| v.met),
            "progress": i.verdict.and_then(|v| v.progress).map(|p| (p * 1000.0).round() / 10.0),
        })).collect::<Vec<_>>(),
        "narratives": a.narratives.iter().map(|n| json!({
            "institution": n.institution,
            "period_end": n.period_end.to_string(),
            "text": n.text,
        })).collect::<Vec<_>>(),
    })
}

fn objective(o: &PublicObjective, lang: Language) -> Value {
    json!({
        "number": o.number,
        "title": o.title,
        "status": status(o.status, &o.reason, lang),
        "children": o.children.iter().map(|c| objective(c, lang)).collect::<Vec<_>>(),
        "actions": o.actions.iter().map(|a| action(a, lang)).collect::<Vec<_>>(),
    })
}

fn context(plan: &PublicPlan) -> Value {
    let lang = plan.language;
    json!({
        "plan": {
            "code": plan.code,
            "title": plan.title,
            "start": plan.period_start.to_string(),
            "end": plan.period_end.to_string(),
            "status": status(plan.status, &plan.reason, lang),
        },
        "objectives": plan.objectives.iter().map(|o| objective(o, lang)).collect::<Vec<_>>(),
        "statuses": ["done", "on_track", "at_risk", "late", "not_started"],
    })
}

/// The entity tag of a page: a hash of its bytes (the same binary gives the same tag on every
/// replica).
fn etag(html: &str) -> String {
    let mut hasher = DefaultHasher::new();
    html.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

/// Whether `If-None-Match` names `tag` (or is `*`).
fn still_fresh(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == tag || t == "*")
}

/// `GET /public/plans/{code}`.
pub async fn show(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    let plan = match state.engine.public_plan(&code).await {
        Ok(plan) => plan,
        Err(e) => return render::failure(&state, None, browser_language(&headers), &e),
    };
    let html = match render::html(
        &state,
        None,
        plan.language.code(),
        "public_plan.html",
        context(&plan),
    ) {
        Some(html) => html,
        None => return render::not_rendered(),
    };
    let tag = etag(&html);
    let mut response = if still_fresh(&headers, &tag) {
        (
            StatusCode::NOT_MODIFIED,
            [(header::CACHE_CONTROL, CACHE_CONTROL)],
        )
            .into_response()
    } else {
        render::with_headers(StatusCode::OK, CACHE_CONTROL, html)
    };
    if let Ok(value) = HeaderValue::from_str(&tag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_is_read_as_a_list() {
        let tag = etag("<p>page</p>");
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
            still_fresh(&headers, &tag)
        };
        assert!(with(&tag));
        assert!(with(&format!("\"other\", W/{tag}")));
        assert!(with("*"));
        assert!(!with("\"other\""));
        assert!(!still_fresh(&HeaderMap::new(), &tag));
        assert_ne!(etag("<p>page</p>"), etag("<p>page.</p>"));
    }
}
