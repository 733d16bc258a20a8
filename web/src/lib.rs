//! Mandate's web application: server-rendered pages for coordinators and institutions, in
//! Romanian, English and Polish, from templates and assets embedded in the binary (no script or
//! font from another host). Views are thin: each reads the signed-in person's session, calls the
//! engine once or twice on behalf of its actor, and renders; every rule lives in the engine.

mod assets;
mod csrf;
mod pages;
mod render;
mod session;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use mandate_engine::Engine;

/// How the web application is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebConfig {
    /// The address people reach the server at; cookies are `Secure` when it is https.
    pub public_url: String,
    /// Longest a page may take to answer (a live-update stream only to open).
    pub request_timeout: Duration,
}

impl WebConfig {
    fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) engine: Engine,
    pub(crate) config: Arc<WebConfig>,
    pub(crate) templates: Arc<minijinja::Environment<'static>>,
}

/// The web application's routes over `engine`; merged beside the GraphQL routes by
/// `mandate serve`.
pub fn router(engine: Engine, config: WebConfig) -> Result<Router, String> {
    let state = AppState {
        engine,
        config: Arc::new(config),
        templates: Arc::new(render::environment()?),
    };
    Ok(Router::new()
        .route("/", get(pages::inbox::show))
        .route(
            "/sign-in",
            get(pages::sign_in::form).post(pages::sign_in::with_password),
        )
        .route("/sign-in/link", post(pages::sign_in::ask_for_link))
        .route(
            "/sign-in/{token}",
            get(pages::sign_in::confirm_link).post(pages::sign_in::use_link),
        )
        .route("/sign-out", post(pages::sign_in::sign_out))
        .route("/language", post(pages::sign_in::choose_language))
        .route("/plans", get(pages::plans::list))
        .route("/plans/{id}", get(pages::plans::show))
        .route(
            "/plans/{id}/indicators/{indicator}",
            post(pages::plans::enter_value),
        )
        .route("/plans/{id}/public", post(pages::plans::set_public))
        .route("/plans/{id}/report", get(pages::report::download))
        .route("/public/plans/{code}", get(pages::public::show))
        .route("/registers", get(pages::registers::list))
        .route("/registers/{code}", get(pages::registers::show))
        .route(
            "/registers/{code}/cases",
            post(pages::registers::create_case),
        )
        .route(
            "/registers/{code}/route",
            post(pages::registers::route_case),
        )
        .route("/reports/{id}/public", post(pages::task::set_report_public))
        .route("/actions/{id}", get(pages::actions::show))
        .route("/actions/{id}/assign", post(pages::actions::assign))
        .route(
            "/periods/{id}/approve",
            post(pages::actions::approve_period),
        )
        .route("/sign-offs", get(pages::actions::queue))
        .route("/institutions", get(pages::institutions::show))
        .route(
            "/plans/import",
            get(pages::import::form).post(pages::import::submit),
        )
        .route("/audit", get(pages::audit::show))
        .route("/tasks/{id}", get(pages::task::show))
        .route("/tasks/{id}/fire", post(pages::task::fire))
        .route("/events", get(pages::live::events))
        .route(
            "/calendar-feeds",
            get(pages::calendar::list).post(pages::calendar::create),
        )
        .route("/calendar-feeds/{id}/revoke", post(pages::calendar::revoke))
        .route("/calendar/{file}", get(pages::calendar::document))
        .route("/static/{name}", get(assets::serve))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            csrf::refuse_cross_origin,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), time_limit))
        .with_state(state))
}

/// Stops a request that runs longer than the configured limit (a transaction not yet committed
/// rolls back) and answers with a page saying so. `503`, not `408`: browsers may send a request
/// again by themselves after a `408`.
async fn time_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let language = session::browser_language(request.headers());
    match tokio::time::timeout(state.config.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                limit_seconds = state.config.request_timeout.as_secs_f64(),
                "a page took too long and was stopped"
            );
            render::message_in(
                &state,
                None,
                language,
                StatusCode::SERVICE_UNAVAILABLE,
                "error-timeout-title",
                "error-timeout-body",
            )
        }
    }
}
