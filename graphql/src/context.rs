//! What every resolver reads from the request: the engine, the signed-in viewer, the loaders.

use async_graphql::{Context, ErrorExtensions, Result};
use mandate_engine::entity::user;
use mandate_engine::{Actor, Engine};

use crate::loaders::Loaders;

/// The user a request's token belongs to, and the actor it acts as.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: user::Model,
    pub actor: Actor,
}

/// The token a WebSocket connection signed in with: revoking it ends the connection's
/// subscriptions.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionToken(pub String);

/// The engine behind the schema.
pub(crate) fn engine<'a>(ctx: &Context<'a>) -> &'a Engine {
    ctx.data_unchecked::<Engine>()
}

/// The request's loaders (one set per request: nothing is cached across requests).
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

/// The signed-in viewer, or `UNAUTHENTICATED`.
pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> Result<&'a Viewer> {
    ctx.data_opt::<Viewer>().ok_or_else(|| {
        "sign in: send `Authorization: Bearer <token>`"
            .extend_with(|_, e| e.set("code", "UNAUTHENTICATED"))
    })
}

/// The signed-in viewer's actor, or `UNAUTHENTICATED`.
pub(crate) fn actor<'a>(ctx: &Context<'a>) -> Result<&'a Actor> {
    viewer(ctx).map(|v| &v.actor)
}
