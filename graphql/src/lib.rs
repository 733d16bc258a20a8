//! Mandate's GraphQL API and HTTP server: the schema (queries, mutations, subscriptions),
//! bearer-token authentication, and the axum server around it. All rules live in the engine;
//! this crate translates between GraphQL and engine calls and maps engine errors to codes.

mod context;
mod downloads;
mod error;
mod graphiql;
mod id;
pub mod limits;
mod links;
mod loaders;
mod mutation;
mod page;
mod query;
mod schema;
pub mod server;
mod subscription;
mod types;

pub use schema::{MandateSchema, SchemaOptions, build_schema, sdl};
pub use server::{ServerConfig, router, serve};
