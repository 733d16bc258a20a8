//! Monitoring reports to download: the `monitoringReportUrl` field makes a signed link that
//! expires, `GET /reports/{token}` answers it with the document as an attachment. A link that is
//! not ours answers `404`, an expired one `410`, both with no detail; a link whose user may no
//! longer read the plan answers `404`, as if the plan did not exist.

use async_graphql::{Enum, SimpleObject};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use mandate_engine::Error;
use mandate_engine::notifications::links::LinkError;
use mandate_engine::reports::Download;
use mandate_reports::Format;

use crate::server::AppState;

/// A monitoring report's document format.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReportFormat {
    /// A workbook: a sheet per table.
    Xlsx,
    /// A Word document.
    Docx,
    /// A printable web page.
    Html,
    /// The tasks of the period as comma-separated values.
    Csv,
}

impl From<ReportFormat> for Format {
    fn from(format: ReportFormat) -> Self {
        match format {
            ReportFormat::Xlsx => Format::Xlsx,
            ReportFormat::Docx => Format::Docx,
            ReportFormat::Html => Format::Html,
            ReportFormat::Csv => Format::Csv,
        }
    }
}

/// A link to download a monitoring report.
#[derive(SimpleObject)]
pub(crate) struct ReportDownload {
    /// The path to GET, on this server: `/reports/{token}`.
    pub url: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// The path of the download link with `token`.
pub(crate) fn path(token: &str) -> String {
    format!("/reports/{token}")
}

/// `GET /reports/{token}`: the document, as an attachment named `PLAN-period.ext`.
pub(crate) async fn download(State(app): State<AppState>, Path(token): Path<String>) -> Response {
    let asked = match app.engine.open_report_download(&token).await {
        Ok(asked) => asked,
        Err(e) => return refusal(e),
    };
    let Ok(format) = asked.format.parse::<Format>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match document(&app, &asked, format).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, format.content_type().to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}\"",
                        mandate_reports::file_name(&asked.plan.code, &asked.period, format)
                    ),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => refusal(e),
    }
}

/// The report `asked` for, read as its user and written as `format` off the async threads.
async fn document(app: &AppState, asked: &Download, format: Format) -> Result<Vec<u8>, Error> {
    let report = app
        .engine
        .monitoring_report(&asked.actor, &asked.plan.code, &asked.period)
        .await?;
    tokio::task::spawn_blocking(move || {
        let mut bytes = Vec::new();
        mandate_reports::write(&report, format, &mut bytes).map(|()| bytes)
    })
    .await
    .map_err(|e| Error::internal(format!("the report writer stopped: {e}")))?
    .map_err(|e| Error::internal(e.to_string()))
}

/// A link that is not (or no longer) good says nothing of why; a fault is logged.
fn refusal(error: Error) -> Response {
    match error {
        Error::Link(LinkError::Expired) => StatusCode::GONE.into_response(),
        Error::Link(_) | Error::NotFound { .. } => StatusCode::NOT_FOUND.into_response(),
        Error::Database(_) => {
            tracing::error!(error = %error, "cannot answer a report download");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        other => {
            tracing::error!(error = %other, "cannot answer a report download");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
