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

use axum::Router;
use axum::routing::{get, post};
use mandate_engine::Engine;

/// How the web application is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebConfig {
    /// The address people reach the server at; cookies are `Secure` when it is https.
    pub public_url: String,
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
        .route("/static/{name}", get(assets::serve))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::refuse_cross_origin,
        ))
        .with_state(state))
}
