//! The words of Mandate's pages and e-mails: one Fluent catalogue per language,
//! `engine/locales/{ro,en,pl}/` (`common.ftl` for words both use, `web.ftl` for the pages,
//! `mail.ftl` for the e-mails and the pages their links open, `reports.ftl` for the monitoring
//! reports), embedded at build time, with CLDR
//! plural rules (Polish: 1 zadanie, 2 zadania, 5 zadań; Romanian: 1 sarcină, 2 sarcini,
//! 20 de sarcini); dates and numbers as each language writes them (`date`, `number`); and the
//! same words in templates (`add_to`: `t(key, …)`, `| date`, `| number`).

mod format;
mod templates;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

pub use format::{date, iso_date, number};
pub use templates::add_to;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: pages and e-mails are left-to-right text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language Mandate speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Romanian.
    Ro,
    /// English: also the language of whoever's own is unknown or not spoken.
    En,
    /// Polish.
    Pl,
}

impl Language {
    /// Every language, in the order the pages offer them.
    pub const ALL: [Language; 3] = [Language::Ro, Language::En, Language::Pl];

    /// The language of someone whose own is unknown, and of words a catalogue lacks.
    pub const FALLBACK: Language = Language::En;

    /// The language of this code (`ro`, `en`, `pl`), if Mandate speaks it.
    pub fn parse(code: &str) -> Option<Language> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language of this code, or English when Mandate does not speak it.
    pub fn or_fallback(code: &str) -> Language {
        Self::parse(code).unwrap_or(Self::FALLBACK)
    }

    /// The code of the language: `ro`, `en` or `pl`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Ro => "ro",
            Language::En => "en",
            Language::Pl => "pl",
        }
    }

    /// The codes of every language, for messages: `ro, en, pl`.
    pub fn codes() -> String {
        Self::ALL.map(Language::code).join(", ")
    }

    /// The language a browser prefers among ours (its `Accept-Language` header), else English.
    pub fn from_accept_language(header: &str) -> Language {
        let mut ranked: Vec<(f32, Language)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                let primary = tag.split('-').next()?;
                Language::parse(primary).map(|l| (quality, l))
            })
            .collect();
        // Stable: of equal preferences, the first named wins.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map_or(Self::FALLBACK, |(_, l)| *l)
    }

    fn identifier(self) -> LanguageIdentifier {
        match self {
            Language::Ro => langid!("ro"),
            Language::En => langid!("en"),
            Language::Pl => langid!("pl"),
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An argument of a message: a number (which chooses the plural form) or a text.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A count, a number of days, …
    Number(f64),
    /// A name, a formatted date, …
    Text(String),
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n as f64)
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg::Text(text.to_owned())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg::Text(text)
    }
}

/// The message `key` in `language` with `args`, in English when that language's catalogue lacks
/// it; `None` when no catalogue has it or it cannot be formatted (an argument missing).
pub fn lookup(language: Language, key: &str, args: &[(&str, Arg)]) -> Option<String> {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Arg::Number(n) => FluentValue::from(*n),
                Arg::Text(t) => FluentValue::from(t.as_str()),
            };
            (Cow::Owned((*name).to_owned()), value)
        })
        .collect();
    LOCALES.try_lookup_complete(
        &language.identifier(),
        key,
        (!args.is_empty()).then_some(&args),
    )
}

/// The message `key` in `language` with `args`, in English when that language's catalogue lacks
/// it, and the key itself (logged) when no catalogue has it: a missing word shows where it
/// belongs instead of failing a page or an e-mail.
pub fn t(language: Language, key: &str, args: &[(&str, Arg)]) -> String {
    lookup(language, key, args).unwrap_or_else(|| {
        tracing::warn!(%language, key, "no message for this key in the catalogue");
        key.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(language: Language, key: &str, n: i64) -> String {
        t(language, key, &[("count", Arg::from(n))])
    }

    #[test]
    fn plural_forms_follow_each_language() {
        let cases = [
            (
                Language::En,
                [
                    (1, "1 task"),
                    (2, "2 tasks"),
                    (5, "5 tasks"),
                    (22, "22 tasks"),
                ],
            ),
            (
                Language::Ro,
                [
                    (1, "1 sarcină"),
                    (2, "2 sarcini"),
                    (5, "5 sarcini"),
                    (22, "22 de sarcini"),
                ],
            ),
            (
                Language::Pl,
                [
                    (1, "1 zadanie"),
                    (2, "2 zadania"),
                    (5, "5 zadań"),
                    (22, "22 zadania"),
                ],
            ),
        ];
        for (language, expected) in cases {
            for (n, words) in expected {
                assert_eq!(count(language, "tasks-count", n), words, "{language} {n}");
            }
        }
        assert_eq!(count(Language::Pl, "tasks-count", 25), "25 zadań");
        assert_eq!(count(Language::Pl, "tasks-count", 12), "12 zadań");
        assert_eq!(count(Language::Ro, "tasks-count", 20), "20 de sarcini");
        assert_eq!(count(Language::Ro, "tasks-count", 120), "120 de sarcini");
    }

    #[test]
    fn a_missing_word_falls_back_to_english_then_to_its_key() {
        assert_eq!(t(Language::Ro, "no-such-key", &[]), "no-such-key");
        assert_eq!(lookup(Language::Pl, "no-such-key", &[]), None);
        // An argument the message needs and does not get: the key, not a panic.
        assert_eq!(t(Language::En, "tasks-count", &[]), "tasks-count");
        assert_eq!(t(Language::Pl, "state-pending", &[]), "oczekujące");
    }

    #[test]
    fn languages_and_their_fallback() {
        assert_eq!(Language::parse("pl"), Some(Language::Pl));
        assert_eq!(Language::parse("fr"), None);
        assert_eq!(Language::or_fallback("fr"), Language::En);
        assert_eq!(Language::or_fallback("ro").code(), "ro");
        assert_eq!(Language::codes(), "ro, en, pl");
    }

    #[test]
    fn the_browser_language_is_taken_when_we_speak_it() {
        let of = Language::from_accept_language;
        assert_eq!(of("pl-PL,pl;q=0.9,en;q=0.8"), Language::Pl);
        assert_eq!(of("fr-FR, ro;q=0.5, en;q=0.4"), Language::Ro);
        assert_eq!(of("de"), Language::En);
        assert_eq!(of(""), Language::En);
    }

    /// The catalogue's files, by language: (file name, message and term ids), each file parsed.
    fn catalogue(language: Language) -> Vec<(String, Vec<String>)> {
        let dir = format!("{}/locales/{language}", env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<(String, Vec<String>)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|entry| entry.unwrap_or_else(|e| panic!("{dir}: {e}")).path())
            .filter(|path| path.extension().is_some_and(|e| e == "ftl"))
            .map(|path| {
                let source = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let resource = fluent_syntax::parser::parse(source.as_str())
                    .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", path.display()));
                let ids = resource
                    .body
                    .iter()
                    .filter_map(|entry| match entry {
                        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                        fluent_syntax::ast::Entry::Term(t) => Some(format!("-{}", t.id.name)),
                        _ => None,
                    })
                    .collect();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (name, ids)
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn every_key_is_in_every_language() {
        let english = catalogue(Language::En);
        let names: Vec<&str> = english.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "calendar.ftl",
                "common.ftl",
                "mail.ftl",
                "reports.ftl",
                "web.ftl"
            ]
        );
        let all: Vec<&String> = english.iter().flat_map(|(_, ids)| ids).collect();
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            all.len(),
            "a key twice in the English catalogue"
        );
        assert!(all.len() > 150, "{}", all.len());
        for language in [Language::Ro, Language::Pl] {
            let theirs = catalogue(language);
            let their_names: Vec<&str> = theirs.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(their_names, names, "{language}: the same files");
            for ((file, ours), (_, theirs)) in english.iter().zip(&theirs) {
                let missing: Vec<&String> = ours.iter().filter(|k| !theirs.contains(k)).collect();
                let extra: Vec<&String> = theirs.iter().filter(|k| !ours.contains(k)).collect();
                assert!(
                    missing.is_empty() && extra.is_empty(),
                    "{language}/{file}: missing {missing:?}, extra {extra:?}"
                );
            }
        }
        // Every message formats in every language (the bundles load: no key twice across files).
        for language in Language::ALL {
            for key in all.iter().filter(|k| !k.starts_with('-')) {
                assert!(
                    lookup(language, key, &sample_args()).is_some(),
                    "{language}: {key}"
                );
            }
        }
    }

    /// A value for every argument the catalogue's messages use.
    fn sample_args() -> Vec<(&'static str, Arg)> {
        const TEXTS: [&str; 29] = [
            "action",
            "actual",
            "against",
            "at",
            "baseline",
            "by",
            "change",
            "code",
            "date",
            "due",
            "end",
            "expires",
            "institution",
            "inviter",
            "month",
            "name",
            "plan",
            "progress",
            "q",
            "roman",
            "start",
            "state",
            "target",
            "time",
            "user",
            "value",
            "wanted",
            "year",
            "zone",
        ];
        const NUMBERS: [&str; 12] = [
            "actions", "count", "days", "done", "expected", "minutes", "number", "percent",
            "reported", "size", "tasks", "total",
        ];
        let texts = TEXTS.map(|name| (name, Arg::from("x")));
        let numbers = NUMBERS.map(|name| (name, Arg::from(3)));
        texts.into_iter().chain(numbers).collect()
    }
}
