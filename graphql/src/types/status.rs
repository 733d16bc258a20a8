//! `status` and `statusReason` of tasks, reporting periods, actions, objectives and plans: the
//! engine's one status rule (`workflows/policies/status.yaml`), counting what the viewer may
//! read.

use async_graphql::{Object, SimpleObject};
use mandate_engine::i18n::Language;
use mandate_engine::reads::status::PlanRating;

/// Why a status is what it is: a message of Mandate's catalogues with its arguments.
pub(crate) struct StatusReason(pub PlanRating);

/// One argument of a status reason.
#[derive(SimpleObject)]
pub(crate) struct ReasonArgument {
    name: String,
    /// As text: dates as `YYYY-MM-DD`, numbers as digits.
    value: String,
}

#[Object]
impl StatusReason {
    /// The message key, e.g. `status-reason-late`.
    async fn key(&self) -> &str {
        self.0.rating.reason.key
    }
    /// The reason in words, in `language` (`ro`, `en`, `pl`; default: the plan's language),
    /// e.g. "late: due 30 Jun 2021, 12 days ago".
    async fn text(&self, language: Option<String>) -> String {
        let language = language.map_or(self.0.language, |l| Language::or_fallback(&l));
        self.0.rating.reason.text(language)
    }
    /// The message's arguments, for clients that word it themselves.
    async fn arguments(&self) -> Vec<ReasonArgument> {
        self.0
            .rating
            .reason
            .plain_args()
            .into_iter()
            .map(|(name, value)| ReasonArgument {
                name: name.to_owned(),
                value,
            })
            .collect()
    }
}

/// The status key of `rating`: `done`, `on_track`, `at_risk`, `late`, `not_started` or `closed`.
pub(crate) fn key(rating: &PlanRating) -> &'static str {
    rating.rating.status.as_str()
}
