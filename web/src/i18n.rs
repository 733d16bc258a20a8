//! The pages' words: one Fluent catalogue per language (`web/locales/{ro,en,pl}/main.ftl`),
//! embedded at build time, with CLDR plural rules (Polish: 1 zadanie, 2 zadania, 5 zadań;
//! Romanian: 1 sarcină, 2 sarcini, 20 de sarcini).

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: the pages are plain left-to-right text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages of the pages.
pub const LANGUAGES: [&str; 3] = ["ro", "en", "pl"];

/// `language` if the pages speak it, else English.
pub fn supported(language: &str) -> &'static str {
    LANGUAGES
        .into_iter()
        .find(|l| *l == language)
        .unwrap_or("en")
}

fn identifier(language: &str) -> LanguageIdentifier {
    supported(language)
        .parse()
        .unwrap_or_else(|_| LanguageIdentifier::default())
}

/// An argument of a message: a number (for plurals) or a text.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Number(f64),
    Text(String),
}

/// The message `key` in `language` with `args`; the key itself when no catalogue has it (so a
/// missing word shows on the page instead of failing it).
pub fn text(language: &str, key: &str, args: &[(&str, Arg)]) -> String {
    let lang = identifier(language);
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Arg::Number(n) => FluentValue::from(*n),
                Arg::Text(t) => FluentValue::from(t.clone()),
            };
            (Cow::Owned((*name).to_owned()), value)
        })
        .collect();
    LOCALES
        .try_lookup_complete(&lang, key, (!args.is_empty()).then_some(&args))
        .unwrap_or_else(|| key.to_owned())
}

/// "N tasks" in `language`, with its plural form: what the plural test checks.
pub fn plural_sample(language: &str, count: u64) -> String {
    text(
        language,
        "tasks-count",
        &[("count", Arg::Number(count as f64))],
    )
}

/// The language a browser prefers among ours (`Accept-Language`), else English.
pub fn from_accept_language(header: &str) -> &'static str {
    let mut ranked: Vec<(f32, &'static str)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next()?.to_owned();
            LANGUAGES
                .into_iter()
                .find(|l| *l == primary)
                .map(|l| (quality, l))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map_or("en", |(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_forms_follow_each_language() {
        let cases = [
            (
                "en",
                [
                    (1, "1 task"),
                    (2, "2 tasks"),
                    (5, "5 tasks"),
                    (22, "22 tasks"),
                ],
            ),
            (
                "ro",
                [
                    (1, "1 sarcină"),
                    (2, "2 sarcini"),
                    (5, "5 sarcini"),
                    (22, "22 de sarcini"),
                ],
            ),
            (
                "pl",
                [
                    (1, "1 zadanie"),
                    (2, "2 zadania"),
                    (5, "5 zadań"),
                    (22, "22 zadania"),
                ],
            ),
        ];
        for (language, expected) in cases {
            for (count, words) in expected {
                assert_eq!(plural_sample(language, count), words, "{language} {count}");
            }
        }
        assert_eq!(plural_sample("pl", 25), "25 zadań");
        assert_eq!(plural_sample("ro", 20), "20 de sarcini");
    }

    #[test]
    fn every_key_is_in_every_language() {
        let keys = |language: &str| -> Vec<String> {
            let path = format!("{}/locales/{language}/main.ftl", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{path}: {e}"))
                .lines()
                .filter(|l| !l.starts_with([' ', '#', '\t', '*', '[']) && l.contains(" ="))
                .filter_map(|l| l.split(" =").next().map(str::to_owned))
                .collect()
        };
        let english = keys("en");
        assert!(english.len() > 40);
        for language in ["ro", "pl"] {
            let theirs = keys(language);
            let missing: Vec<&String> = english.iter().filter(|k| !theirs.contains(k)).collect();
            let extra: Vec<&String> = theirs.iter().filter(|k| !english.contains(k)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{language}: missing {missing:?}, extra {extra:?}"
            );
        }
    }

    #[test]
    fn the_browser_language_is_taken_when_we_speak_it() {
        assert_eq!(from_accept_language("pl-PL,pl;q=0.9,en;q=0.8"), "pl");
        assert_eq!(from_accept_language("fr-FR, ro;q=0.5, en;q=0.4"), "ro");
        assert_eq!(from_accept_language("de"), "en");
        assert_eq!(from_accept_language(""), "en");
    }
}
