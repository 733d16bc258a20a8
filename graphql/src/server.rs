//! The HTTP server: `POST /graphql` (bearer token required), GraphiQL on `GET /graphql`,
//! subscriptions over WebSocket on `/graphql/ws` (`graphql-transport-ws`; the token goes in the
//! `connection_init` payload or the upgrade request's header), `/healthz` and `/readyz`, and
//! `/reports/{token}`, the monitoring reports' download links (see [`crate::downloads`]).
//! Limits (body size, time, depth, complexity) are tower layers and schema settings, and every
//! refusal is a GraphQL-shaped JSON error, never a bare 500 (a download link that is not good
//! answers a bare status, saying nothing of why). Request ids, log spans and request
//! metrics are layers `mandate serve` puts on these routes and the web application's together.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{Data, Executor};
use async_graphql_axum::{GraphQLProtocol, GraphQLResponse, GraphQLWebSocket};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mandate_engine::mail::Renderer;
use mandate_engine::{Engine, Error, accounts};
use serde_json::json;
use tokio::net::TcpListener;

use crate::context::{ConnectionToken, Viewer};
use crate::error::UNAVAILABLE;
use crate::limits::{Bounded, OpenSubscriptions};
use crate::loaders::Loaders;
use crate::schema::{MandateSchema, SchemaOptions, build_schema};
use crate::{downloads, graphiql, links};

/// How the server is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerConfig {
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Longest a request may take before it is answered `408`.
    pub request_timeout: Duration,
    pub schema: SchemaOptions,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            body_limit: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            schema: SchemaOptions::default(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) engine: Engine,
    schema: MandateSchema,
    body_limit: usize,
    pub(crate) renderer: Arc<Renderer>,
}

/// The application's routes over `engine`.
pub fn router(engine: Engine, config: &ServerConfig) -> Result<Router, String> {
    let state = AppState {
        schema: build_schema(engine.clone(), config.schema),
        engine,
        body_limit: config.body_limit,
        renderer: Arc::new(Renderer::builtin()?),
    };
    let timed = Router::new()
        .route("/graphql", get(graphiql::page).post(graphql))
        .route("/assets/graphiql/{name}", get(graphiql::asset))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/ack/{token}", get(links::show).post(links::confirm))
        .route("/notifications/{code}", get(links::settings))
        .route("/reports/{token}", get(downloads::download))
        .route(
            "/invitation/{token}",
            get(links::show_invitation).post(links::accept_invitation),
        )
        .layer(middleware::from_fn_with_state(
            config.request_timeout,
            time_limit,
        ));
    Ok(Router::new()
        .merge(timed)
        .route("/graphql/ws", get(websocket))
        .fallback(not_found)
        .with_state(state))
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Seconds a client is told to wait before it tries an `UNAVAILABLE` request again.
const RETRY_AFTER_SECONDS: &str = "1";

/// A GraphQL-shaped error answer: `{"errors": [{"message", "extensions": {"code"}}]}`.
fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = json!({ "errors": [{ "message": message.into(), "extensions": { "code": code } }] });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        retry_soon(&mut response);
    }
    response
}

/// Makes `response` a `503` that asks the client to try again shortly.
fn retry_soon(response: &mut Response) {
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
}

/// Stops a request that runs longer than `limit` (its transaction, not committed, rolls back) and
/// answers `408` with a JSON error, as every other refusal.
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => refuse(
            StatusCode::REQUEST_TIMEOUT,
            "TIMEOUT",
            format!(
                "the request took longer than {} s and was stopped",
                limit.as_secs_f64()
            ),
        ),
    }
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The viewer a token belongs to.
async fn sign_in(engine: &Engine, token: &str) -> Result<Viewer, Error> {
    let user = engine.authenticate(token).await?;
    let actor = accounts::actor_of(&user)?;
    Ok(Viewer { user, actor })
}

fn sign_in_refusal(error: Error) -> Response {
    match error {
        Error::Unauthenticated(message) => {
            refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message)
        }
        other => {
            tracing::error!(error = %other, "cannot check a token");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                UNAVAILABLE,
                "cannot check the token now; try again",
            )
        }
    }
}

async fn graphql(State(app): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let Ok(bytes) = to_bytes(body, app.body_limit).await else {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("the request body is larger than {} bytes", app.body_limit),
        );
    };
    let request: async_graphql::Request = match serde_json::from_slice(&bytes) {
        Ok(request) => request,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!(
                    "the body is not a GraphQL request (JSON with `query`, optional `variables` and `operationName`): {e}"
                ),
            );
        }
    };
    let Some(token) = bearer(&headers) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "sign in: send `Authorization: Bearer <token>`",
        );
    };
    let viewer = match sign_in(&app.engine, token).await {
        Ok(viewer) => viewer,
        Err(e) => return sign_in_refusal(e),
    };
    let request = request
        .data(Loaders::new(&app.engine, &viewer.actor))
        .data(viewer);
    let mut response = Bounded(app.schema.clone()).execute(request).await;
    for error in &mut response.errors {
        // Errors raised before any resolver ran (syntax, unknown field, depth, complexity) have
        // no code of ours: they are the request's fault.
        let code = match error.message.as_str() {
            "Query is too complex." => "QUERY_TOO_COMPLEX",
            "Query is nested too deep." => "QUERY_TOO_DEEP",
            _ => "BAD_REQUEST",
        };
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", code);
        }
    }
    // A request that met a lost database connection is worth repeating as it is: the status
    // says so to clients (and proxies) that look no further than it.
    let retryable = response.errors.iter().any(|error| {
        error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .is_some_and(|code| *code == async_graphql::Value::from(UNAVAILABLE))
    });
    let mut answer = GraphQLResponse::from(response).into_response();
    if retryable {
        retry_soon(&mut answer);
    }
    answer
}

/// The token of a `connection_init` payload: `{"Authorization": "Bearer …"}` or `{"token": "…"}`.
fn payload_token(payload: &serde_json::Value) -> Option<String> {
    let field = |name: &str| payload.get(name).and_then(|v| v.as_str());
    let token = field("token")
        .or_else(|| {
            field("Authorization")
                .or_else(|| field("authorization"))
                .and_then(|v| v.trim().split_once(' ').map(|(_, t)| t))
        })?
        .trim();
    Some(token.to_owned())
}

async fn websocket(
    State(app): State<AppState>,
    protocol: GraphQLProtocol,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let header_token = bearer(&headers).map(str::to_owned);
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let engine = app.engine.clone();
            GraphQLWebSocket::new(socket, Bounded(app.schema.clone()), protocol)
                .on_connection_init(move |payload| async move {
                    let token = header_token
                        .or_else(|| payload_token(&payload))
                        .ok_or_else(|| {
                            async_graphql::Error::new(
                                "sign in: put `{\"Authorization\": \"Bearer <token>\"}` in connection_init",
                            )
                        })?;
                    let viewer = sign_in(&engine, &token)
                        .await
                        .map_err(crate::error::to_gql)?;
                    let mut data = Data::default();
                    data.insert(Loaders::new(&engine, &viewer.actor));
                    data.insert(viewer);
                    data.insert(ConnectionToken(token));
                    data.insert(Arc::new(OpenSubscriptions::default()));
                    Ok(data)
                })
                .serve()
        })
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready when the database answers.
async fn readyz(State(app): State<AppState>) -> Response {
    match app.engine.ping().await {
        Ok(()) => "ready\n".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database not reachable\n").into_response()
        }
    }
}

async fn not_found() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "no such route: the API is at /graphql",
    )
}
