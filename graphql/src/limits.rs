//! Work bounded before it is done. A document's fields are counted as if every fragment spread
//! were expanded — without expanding anything: each fragment is counted once and its count reused
//! — so that a document of a few kilobytes whose fragments double at each level is refused before
//! validation walks it (that walk is exponential in the nesting of spreads).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensionValues, ServerError, ServerResult, Variables};

/// The most fields one document may select once its fragments are expanded.
pub const MAX_EXPANDED_FIELDS: u64 = 10_000;

/// Refuses documents that select more than [`MAX_EXPANDED_FIELDS`] fields once expanded.
pub(crate) struct FieldBudget;

impl ExtensionFactory for FieldBudget {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldBudget)
    }
}

#[async_trait::async_trait]
impl Extension for FieldBudget {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let fields = expanded_fields(&document);
        if fields > MAX_EXPANDED_FIELDS {
            let mut error = ServerError::new(
                format!(
                    "the query selects {} fields once its fragments are expanded; at most \
                     {MAX_EXPANDED_FIELDS}",
                    if fields == u64::MAX {
                        "too many".to_owned()
                    } else {
                        fields.to_string()
                    }
                ),
                None,
            );
            let mut extensions = ErrorExtensionValues::default();
            extensions.set("code", "QUERY_TOO_LARGE");
            extensions.set("limit", MAX_EXPANDED_FIELDS);
            error.extensions = Some(extensions);
            return Err(error);
        }
        Ok(document)
    }
}

/// How many fields the document's operations select with every fragment expanded (saturating).
pub(crate) fn expanded_fields(document: &ExecutableDocument) -> u64 {
    let mut counter = Counter {
        document,
        counted: HashMap::new(),
        open: HashSet::new(),
    };
    document
        .operations
        .iter()
        .map(|(_, operation)| counter.selection_set(&operation.node.selection_set.node))
        .fold(0, u64::saturating_add)
}

struct Counter<'d> {
    document: &'d ExecutableDocument,
    /// Fragment name → its expanded field count.
    counted: HashMap<&'d str, u64>,
    /// Fragments being counted (a cycle counts nothing here; validation refuses it).
    open: HashSet<&'d str>,
}

impl<'d> Counter<'d> {
    fn selection_set(&mut self, set: &'d SelectionSet) -> u64 {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => {
                    1u64.saturating_add(self.selection_set(&field.node.selection_set.node))
                }
                Selection::InlineFragment(inline) => {
                    self.selection_set(&inline.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str())
                }
            })
            .fold(0, u64::saturating_add)
    }

    fn fragment(&mut self, name: &'d str) -> u64 {
        if let Some(&count) = self.counted.get(name) {
            return count;
        }
        let Some((key, definition)) = self.document.fragments.get_key_value(name) else {
            return 0;
        };
        if !self.open.insert(key.as_str()) {
            return 0;
        }
        let count = self.selection_set(&definition.node.selection_set.node);
        self.open.remove(key.as_str());
        self.counted.insert(key.as_str(), count);
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(query: &str) -> u64 {
        expanded_fields(&async_graphql::parser::parse_query(query).expect("a document"))
    }

    #[test]
    fn fields_are_counted_with_fragments_expanded() {
        assert_eq!(count("{ plans { code title } }"), 3);
        assert_eq!(
            count("{ a: plans { ...F } b: plans { ...F } } fragment F on Plan { code title }"),
            6
        );
        assert_eq!(count("{ plans { ... on Plan { code } } }"), 2);
    }

    #[test]
    fn doubling_fragments_are_counted_without_expanding_them() {
        // F0 selects 1 field, each F(n) spreads F(n-1) twice: F25 selects 2^25 fields.
        let mut query = String::from("{ plans { ...F25 } } fragment F0 on Plan { code }");
        for level in 1..=25 {
            let below = level - 1;
            query.push_str(&format!(
                " fragment F{level} on Plan {{ ...F{below} ...F{below} }}"
            ));
        }
        assert_eq!(count(&query), 1 + (1 << 25));
    }

    #[test]
    fn cycles_and_unknown_fragments_count_nothing() {
        assert_eq!(
            count(
                "{ plans { ...A } } fragment A on Plan { code ...B } fragment B on Plan { ...A }"
            ),
            2
        );
        assert_eq!(count("{ plans { ...Missing } }"), 1);
    }
}
