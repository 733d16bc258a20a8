//! Building the schema, with its limits.

use async_graphql::Schema;
use mandate_engine::Engine;

use crate::mutation::Mutation;
use crate::query::Query;
use crate::subscription::Subscription;

/// Mandate's GraphQL schema.
pub type MandateSchema = Schema<Query, Mutation, Subscription>;

/// Limits and switches of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaOptions {
    /// Deepest selection nesting accepted.
    pub max_depth: usize,
    /// Highest complexity accepted (a list field counts its page size times its selection).
    pub max_complexity: usize,
    /// Whether clients may ask for the schema (`__schema`, `__type`).
    pub introspection: bool,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        Self {
            max_depth: 16,
            max_complexity: 20_000,
            introspection: true,
        }
    }
}

/// The schema over `engine`.
pub fn build_schema(engine: Engine, options: SchemaOptions) -> MandateSchema {
    let mut builder = Schema::build(Query, Mutation, Subscription)
        .data(engine)
        .limit_depth(options.max_depth)
        .limit_complexity(options.max_complexity);
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The schema in SDL, as checked in at `graphql/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query, Mutation, Subscription).finish().sdl()
}
