//! Work bounded before it is done. A document's fields are counted as if every fragment spread
//! were expanded — without expanding anything: each fragment is counted once and its count reused
//! — so that a document of a few kilobytes whose fragments double at each level is refused before
//! async-graphql's own checks walk it (those walks are exponential in the nesting of spreads, and
//! run before any extension sees the document). Subscriptions are capped per connection.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Data, ErrorExtensionValues, Executor, Request, Response, ServerError};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use crate::schema::MandateSchema;

/// The most fields one document may select once its fragments are expanded.
pub const MAX_EXPANDED_FIELDS: u64 = 10_000;
/// The most subscriptions one WebSocket connection may hold at once.
pub const MAX_SUBSCRIPTIONS_PER_CONNECTION: usize = 32;

fn refusal(code: &str, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// Why `request` may not run, if it may not: too many fields once its fragments are expanded.
/// The document is parsed here once and handed on to the schema with the request; a document
/// that does not parse is left to the schema, which says where.
pub(crate) fn oversized(request: &mut Request) -> Option<ServerError> {
    let document = request.parsed_query().ok()?;
    let fields = expanded_fields(document);
    (fields > MAX_EXPANDED_FIELDS).then(|| {
        let counted = if fields == u64::MAX {
            "too many".to_owned()
        } else {
            fields.to_string()
        };
        refusal(
            "QUERY_TOO_LARGE",
            format!(
                "the query selects {counted} fields once its fragments are expanded; at most \
                 {MAX_EXPANDED_FIELDS}"
            ),
        )
    })
}

/// How many subscriptions a WebSocket connection holds (kept in its connection data).
#[derive(Debug, Default)]
pub(crate) struct OpenSubscriptions(AtomicUsize);

/// The subscription count of a connection's data.
fn open_subscriptions(data: &Data) -> Option<Arc<OpenSubscriptions>> {
    data.get(&std::any::TypeId::of::<Arc<OpenSubscriptions>>())
        .and_then(|found| (**found).downcast_ref::<Arc<OpenSubscriptions>>())
        .cloned()
}

/// Holds a subscription's place; gives it back when the stream ends or is dropped.
struct Place(Arc<OpenSubscriptions>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The schema behind the bounds: every request's document is parsed and measured before the
/// schema validates it, and each connection holds at most [`MAX_SUBSCRIPTIONS_PER_CONNECTION`].
#[derive(Clone)]
pub(crate) struct Bounded(pub(crate) MandateSchema);

impl Executor for Bounded {
    fn execute(&self, mut request: Request) -> impl std::future::Future<Output = Response> + Send {
        let refused = oversized(&mut request);
        let schema = self.0.clone();
        async move {
            match refused {
                Some(error) => Response::from_errors(vec![error]),
                None => schema.execute(request).await,
            }
        }
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        if let Some(error) = oversized(&mut request) {
            return futures_util::stream::once(async move { Response::from_errors(vec![error]) })
                .boxed();
        }
        let open = session_data.as_deref().and_then(open_subscriptions);
        let place = match open {
            Some(open) => {
                if open.0.fetch_add(1, Ordering::SeqCst) >= MAX_SUBSCRIPTIONS_PER_CONNECTION {
                    open.0.fetch_sub(1, Ordering::SeqCst);
                    let error = refusal(
                        "TOO_MANY_SUBSCRIPTIONS",
                        format!(
                            "this connection holds {MAX_SUBSCRIPTIONS_PER_CONNECTION} \
                             subscriptions already; end one first"
                        ),
                    );
                    return futures_util::stream::once(async move {
                        Response::from_errors(vec![error])
                    })
                    .boxed();
                }
                Some(Place(open))
            }
            None => None,
        };
        Executor::execute_stream(&self.0, request, session_data)
            .map(move |response| {
                // The place is held as long as the stream is.
                let _held = &place;
                response
            })
            .boxed()
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
