//! What every request to `mandate serve` goes through, whichever router (API or web pages)
//! answers it: a request id, a log span, the request metrics, and gzip for clients that accept it
//! (a partner's inbox of 500 rows is 360 KiB of HTML, about 30 KiB on the wire; event streams
//! and small answers are sent as they are).
//!
//! The id is the `x-request-id` the reverse proxy sent, or a new UUID; it is sent back in the
//! response's `x-request-id` header and is a field of the request's span, so every log line
//! written while the request is served carries it. Spans and metrics name the route template
//! (`/sign-in/{token}`), never the path: paths carry sign-in, acknowledge and invitation tokens.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Requests answered, by `method`, `route` (template) and `status`.
pub const REQUESTS: &str = "mandate_http_requests_total";
/// How long requests took to answer (up to the response's head), by `method` and `route`.
pub const DURATION: &str = "mandate_http_request_duration_seconds";

/// The route of a request that matched none (its path is not logged: it may hold a token).
const UNMATCHED: &str = "unmatched";

/// `router` with the request id, span and metrics layers on every route and the fallback.
pub fn layered(router: Router) -> Router {
    // The last layer added is the outermost: the id is set first, then the span opens.
    router
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(measure))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// The route template a request matched.
fn route(request: &Request) -> &str {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
}

/// The method, as a label: the standard ones by name, anything else as `other` (a client may
/// send any token as a method).
fn method(method: &Method) -> String {
    let standard = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    if standard.contains(method) {
        method.as_str().to_owned()
    } else {
        "other".to_owned()
    }
}

/// The span of a request: its id, method and route template.
fn span(request: &Request) -> tracing::Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        request_id = id,
        method = %method(request.method()),
        route = route(request)
    )
}

/// Counts and times a request.
async fn measure(request: Request, next: Next) -> Response {
    let method = method(request.method());
    let route = route(&request).to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let took = started.elapsed().as_secs_f64();
    metrics::counter!(
        REQUESTS,
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => response.status().as_u16().to_string()
    )
    .increment(1);
    metrics::histogram!(DURATION, "method" => method, "route" => route).record(took);
    response
}
