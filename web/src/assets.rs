//! The stylesheet and the one script (live updates), ours, served from the binary with a long
//! cache life (their names carry a version: change it with the file).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Embedded files: (name, content type, bytes).
const FILES: [(&str, &str, &[u8]); 2] = [
    (
        "app-2.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
    (
        "live-1.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/live.js"),
    ),
];

/// `GET /static/{name}`.
pub async fn serve(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
