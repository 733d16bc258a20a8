//! `GET /plans/{id}/report?period=…&format=…`: the plan's monitoring report as a document, for
//! people who never write GraphQL. The plan page's form asks for a period and a format; the
//! answer is a redirect to a download link made for the signed-in person (`/reports/{token}`,
//! served beside the pages, signed, valid for minutes, access checked again when opened). A
//! period that cannot be read is shown beside the form, on the plan page.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_engine::Error;
use mandate_engine::i18n::{Arg, Language, t};
use mandate_engine::reports::ReportPeriod;
use mandate_reports::Format;
use serde::Deserialize;
use serde_json::json;

use super::plans::render_plan;
use crate::AppState;
use crate::session::Viewer;

/// What the report form asks.
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    period: String,
    format: String,
}

/// `GET /plans/{id}/report`.
pub async fn download(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Response {
    let lang = viewer.language.clone();
    let Ok(id) = id.parse::<i64>() else {
        return crate::render::failure(&state, Some(&viewer), &lang, &Error::not_found("plan", id));
    };
    let language = Language::or_fallback(&lang);
    let period = ReportPeriod::parse(&query.period);
    let format = query.format.parse::<Format>();
    let (Ok(period), Ok(format)) = (period, format) else {
        let message = t(
            language,
            "error-report-period",
            &[("value", Arg::Text(query.period.clone()))],
        );
        let refused = json!({ "report_error": { "message": message, "period": query.period } });
        return render_plan(
            &state,
            &viewer,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            refused,
        )
        .await;
    };
    let link = match state.engine.plan(&viewer.actor, id).await {
        Ok(plan) => {
            state
                .engine
                .report_download_link(&viewer.user, &plan.code, &period, format.extension())
                .await
        }
        Err(e) => Err(e),
    };
    match link {
        Ok(link) => Redirect::to(&format!("/reports/{}", link.token)).into_response(),
        Err(e) => crate::render::failure(&state, Some(&viewer), &lang, &e),
    }
}
