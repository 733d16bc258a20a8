//! Messages from templates: `workflows/mail/message.txt` and `message.html` (minijinja), with
//! the words of each language in `workflows/mail/{ro,en,pl}.yaml`.

use std::collections::BTreeMap;

use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde_json::json;

use crate::notifications::Kind;

const TEXT: &str = include_str!("../../../workflows/mail/message.txt");
const HTML: &str = include_str!("../../../workflows/mail/message.html");
const LINK_PAGE: &str = include_str!("../../../workflows/mail/link.html");
const INVITATION_PAGE: &str = include_str!("../../../workflows/mail/invitation.html");
const LANGUAGES: [(&str, &str); 3] = [
    ("ro", include_str!("../../../workflows/mail/ro.yaml")),
    ("en", include_str!("../../../workflows/mail/en.yaml")),
    ("pl", include_str!("../../../workflows/mail/pl.yaml")),
];
/// The language of recipients whose own is not known.
const FALLBACK: &str = "en";

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders notifications in Romanian, English or Polish.
#[derive(Debug)]
pub struct Renderer {
    env: Environment<'static>,
    words: BTreeMap<&'static str, serde_json::Value>,
}

impl Renderer {
    /// The built-in templates and languages. Fails (at start-up) if a bundled file is broken.
    pub fn builtin() -> Result<Self, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        env.add_template("message.txt", TEXT)
            .map_err(|e| format!("workflows/mail/message.txt: {e}"))?;
        env.add_template("message.html", HTML)
            .map_err(|e| format!("workflows/mail/message.html: {e}"))?;
        env.add_template("link.html", LINK_PAGE)
            .map_err(|e| format!("workflows/mail/link.html: {e}"))?;
        env.add_template("invitation.html", INVITATION_PAGE)
            .map_err(|e| format!("workflows/mail/invitation.html: {e}"))?;
        let mut words = BTreeMap::new();
        for (language, source) in LANGUAGES {
            let parsed: serde_json::Value = serde_saphyr::from_str(source)
                .map_err(|e| format!("workflows/mail/{language}.yaml: {e}"))?;
            for kind in Kind::ALL {
                for part in ["subject", "intro"] {
                    if parsed[part][kind.as_str()].as_str().is_none() {
                        return Err(format!(
                            "workflows/mail/{language}.yaml: no `{part}.{}`",
                            kind.as_str()
                        ));
                    }
                }
            }
            for outcome in [
                "title", "question", "button", "done", "invalid", "expired", "used",
            ] {
                if parsed["invitation"][outcome].as_str().is_none() {
                    return Err(format!(
                        "workflows/mail/{language}.yaml: no `invitation.{outcome}`"
                    ));
                }
            }
            words.insert(language, parsed);
        }
        Ok(Self { env, words })
    }

    /// The page an acknowledge link shows: `outcome` is `confirm` (with a button posting to
    /// `form_action`), `done`, `invalid`, `expired`, `used` or `moot`; `facts` as for messages
    /// (`action`, `institution`, `due`), possibly empty.
    pub fn link_page(
        &self,
        language: &str,
        outcome: &str,
        facts: &serde_json::Value,
        form_action: &str,
    ) -> Result<String, String> {
        let (language, words) = self.words_for(language);
        let mut context = facts.clone();
        context["language"] = json!(language);
        context["labels"] = words["labels"].clone();
        context["link"] = words["link"].clone();
        context["outcome"] = json!(outcome);
        context["form_action"] = json!(form_action);
        let question = self
            .env
            .render_str(
                words["link"]["question"].as_str().unwrap_or_default(),
                Value::from(Serde(&context)),
            )
            .map_err(|e| format!("{language} link question: {e}"))?;
        context["question"] = json!(question);
        self.env
            .get_template("link.html")
            .and_then(|t| t.render(Value::from(Serde(&context))))
            .map_err(|e| format!("link.html ({language}): {e}"))
    }

    /// The page an invitation link shows: `outcome` is `confirm` (with a button posting to
    /// `form_action`; `facts` has `user` and `institution`), `done` (`facts` has `key`, the access
    /// key shown once, and `key_expires`), `invalid`, `expired` or `used`.
    pub fn invitation_page(
        &self,
        language: &str,
        outcome: &str,
        facts: &serde_json::Value,
        form_action: &str,
    ) -> Result<String, String> {
        let (language, words) = self.words_for(language);
        let mut context = facts.clone();
        context["language"] = json!(language);
        context["labels"] = words["labels"].clone();
        context["page"] = words["invitation"].clone();
        context["outcome"] = json!(outcome);
        context["form_action"] = json!(form_action);
        let question = self
            .env
            .render_str(
                words["invitation"]["question"].as_str().unwrap_or_default(),
                Value::from(Serde(&context)),
            )
            .map_err(|e| format!("{language} invitation question: {e}"))?;
        context["question"] = json!(question);
        self.env
            .get_template("invitation.html")
            .and_then(|t| t.render(Value::from(Serde(&context))))
            .map_err(|e| format!("invitation.html ({language}): {e}"))
    }

    /// The page the `List-Unsubscribe` link opens: an institution's delivery and send time, and
    /// how to change them.
    pub fn settings_page(
        &self,
        language: &str,
        institution: &serde_json::Value,
        delivery: &str,
        send_at: &str,
    ) -> Result<String, String> {
        let (language, words) = self.words_for(language);
        let settings = &words["settings"];
        let send_at = self
            .env
            .render_str(
                settings["send_at"].as_str().unwrap_or_default(),
                Value::from(Serde(json!({ "send_at": send_at }))),
            )
            .map_err(|e| format!("{language} settings: {e}"))?;
        let facts = json!({
            "institution": institution,
            "settings": {
                "delivery": settings[delivery],
                "send_at": send_at,
                "how": settings["how"],
            },
        });
        self.link_page(language, "settings", &facts, "")
    }

    fn words_for(&self, language: &str) -> (&'static str, &serde_json::Value) {
        match self.words.get_key_value(language) {
            Some((l, w)) => (*l, w),
            None => (FALLBACK, &self.words[FALLBACK]),
        }
    }

    /// Whether there are words for `language`.
    pub fn speaks(&self, language: &str) -> bool {
        self.words.contains_key(language)
    }

    /// Renders a `kind` message in `language` (English if unknown). `facts` holds what the
    /// templates show: `plan`, `objective`, `action`, `institution`, `due`, `days`, `state` (a
    /// lifecycle state name), `reason`, `links`, and for a digest `sections`, `count`, `date`.
    pub fn render(
        &self,
        language: &str,
        kind: Kind,
        facts: &serde_json::Value,
    ) -> Result<Rendered, String> {
        let (language, words) = self.words_for(language);
        let mut context = facts.clone();
        context["kind"] = json!(kind.as_str());
        context["language"] = json!(language);
        context["labels"] = words["labels"].clone();
        if let Some(state) = facts["state"].as_str() {
            context["state"] = words["states"][state]
                .as_str()
                .map_or(json!(state), |s| json!(s));
        }
        let value = Value::from(Serde(&context));
        let fill = |template: &str| {
            self.env
                .render_str(template, value.clone())
                .map_err(|e| format!("{language} {kind}: {e}"))
        };
        let subject = fill(words["subject"][kind.as_str()].as_str().unwrap_or_default())?;
        context["subject"] = json!(subject);
        context["intro"] = json!(fill(
            words["intro"][kind.as_str()].as_str().unwrap_or_default()
        )?);
        let value = Value::from(Serde(&context));
        let render = |name: &str| {
            self.env
                .get_template(name)
                .and_then(|t| t.render(value.clone()))
                .map_err(|e| format!("{name} ({language} {kind}): {e}"))
        };
        Ok(Rendered {
            subject: subject.replace(['\r', '\n'], " "),
            text: render("message.txt")?,
            html: render("message.html")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> serde_json::Value {
        json!({
            "plan": { "code": "pna", "title": "Planul național de acțiune 2021–2022" },
            "objective": { "number": "1.1", "title": "Prevenire" },
            "action": { "number": "1.1.1", "text": "Campanii <de informare>", "indicators": [
                { "name": "Număr de campanii", "target": "12", "unit": null }
            ] },
            "institution": { "code": "IGPR", "name": "Inspectoratul General al Poliției Române" },
            "due": "31.12.2021",
            "days": 7,
            "state": "pending",
            "reason": null,
            "links": {
                "settings": "https://mandate.example/notifications/IGPR",
                "task": "https://mandate.example/tasks/42",
                "inbox": "https://mandate.example/",
            },
        })
    }

    #[test]
    fn sign_in_mail_carries_its_link_in_each_language() {
        let renderer = Renderer::builtin().unwrap();
        let facts = json!({
            "institution": { "code": "IGPR", "name": "Inspectoratul General" },
            "user": { "name": "Ana Pop", "email": "ana@igpr.ro" },
            "minutes": 15,
            "expires": "09:15",
            "links": {
                "sign_in": "https://mandate.example/sign-in/1.2.abc",
                "settings": "https://mandate.example/notifications/IGPR",
            },
        });
        for language in ["ro", "en", "pl"] {
            let r = renderer.render(language, Kind::SignIn, &facts).unwrap();
            // The HTML part writes `/` as `&#x2f;`.
            for part in [r.text.clone(), r.html.replace("&#x2f;", "/")] {
                assert!(
                    part.contains("https://mandate.example/sign-in/1.2.abc"),
                    "{language}"
                );
                assert!(
                    part.contains("Ana Pop") && part.contains("09:15"),
                    "{language}"
                );
            }
        }
    }

    #[test]
    fn every_kind_renders_in_every_language() {
        let renderer = Renderer::builtin().unwrap();
        for language in ["ro", "en", "pl"] {
            for kind in Kind::ALL {
                let mut facts = facts();
                if matches!(kind, Kind::Invitation | Kind::SignIn) {
                    continue;
                }
                if kind == Kind::Digest {
                    facts["sections"] = json!([{ "label": "overdue", "tasks": [
                        { "plan": "PNA", "action_number": "1.1.1", "action_text": "Campanii", "due": "31.12.2021", "state": "pending" }
                    ] }]);
                    facts["count"] = json!(1);
                    facts["date"] = json!("01.01.2022");
                }
                let r = renderer.render(language, kind, &facts).unwrap();
                for part in [&r.subject, &r.text, &r.html] {
                    assert!(
                        !part.contains("{{") && !part.contains("undefined"),
                        "{language} {kind}: {part}"
                    );
                }
                assert!(
                    r.text
                        .contains("https://mandate.example/notifications/IGPR"),
                    "{language} {kind}"
                );
                if kind != Kind::Digest {
                    assert!(
                        r.subject.contains("1.1.1"),
                        "{language} {kind}: {}",
                        r.subject
                    );
                    assert!(r.text.contains("31.12.2021") && r.text.contains("Număr de campanii"));
                    // The HTML part escapes what plans contain; the text part does not.
                    assert!(
                        r.html.contains("Campanii &lt;de informare&gt;"),
                        "{language} {kind}"
                    );
                    assert!(r.text.contains("Campanii <de informare>"));
                    assert!(
                        r.text.contains("https://mandate.example/tasks/42")
                            && r.html
                                .replace("&#x2f;", "/")
                                .contains("https://mandate.example/tasks/42"),
                        "{language} {kind}: every task's mail links to its page"
                    );
                } else {
                    assert!(
                        r.text.contains("https://mandate.example/"),
                        "{language} digest"
                    );
                }
            }
        }
        let ro = renderer.render("ro", Kind::Reminder, &facts()).unwrap();
        let pl = renderer.render("pl", Kind::Reminder, &facts()).unwrap();
        let unknown = renderer.render("fr", Kind::Reminder, &facts()).unwrap();
        let en = renderer.render("en", Kind::Reminder, &facts()).unwrap();
        assert!(ro.subject != pl.subject && pl.subject != en.subject);
        assert_eq!(unknown, en, "unknown languages fall back to English");
        assert!(
            ro.text.contains("în așteptare") || ro.text.contains("așteptare"),
            "{}",
            ro.text
        );
    }

    #[test]
    fn invitations_render_in_every_language() {
        let renderer = Renderer::builtin().unwrap();
        let facts = json!({
            "institution": { "code": "DIICOT", "name": "Direcția de Investigare a Infracțiunilor de Criminalitate Organizată și Terorism" },
            "invitee": { "name": "Ana Ionescu", "email": "ana@diicot.example" },
            "inviter": { "name": "Ioana <Popescu>", "email": "ioana@anitp.example",
                         "institution": { "code": "ANITP", "name": "Agenția Națională împotriva Traficului de Persoane" } },
            "plans": [{ "code": "pna", "title": "Planul național de acțiune 2021–2022" }],
            "expires": "15.01.2021",
            "links": {
                "invitation": "https://mandate.example/invitation/1.2.abc",
                "settings": "https://mandate.example/notifications/DIICOT",
            },
        });
        let mut subjects = Vec::new();
        for language in ["ro", "en", "pl"] {
            let r = renderer.render(language, Kind::Invitation, &facts).unwrap();
            assert!(r.subject.contains("DIICOT"), "{language}: {}", r.subject);
            // The HTML part writes `/` as `&#x2f;`, which is the same to a browser.
            for part in [r.text.clone(), r.html.replace("&#x2f;", "/")] {
                for shown in [
                    "https://mandate.example/invitation/1.2.abc",
                    "Planul național de acțiune 2021–2022",
                    "15.01.2021",
                    "ioana@anitp.example",
                    "Direcția de Investigare",
                ] {
                    assert!(part.contains(shown), "{language} lacks {shown}: {part}");
                }
                assert!(
                    !part.contains("{{") && !part.contains("undefined"),
                    "{part}"
                );
            }
            // What people typed is escaped in HTML.
            assert!(r.html.contains("Ioana &lt;Popescu&gt;"), "{}", r.html);
            assert!(r.text.contains("Ioana <Popescu>"), "{}", r.text);
            subjects.push(r.subject);
        }
        assert_eq!(subjects[0], "Invitație în Mandate pentru DIICOT");
        assert_eq!(subjects[1], "Invitation to Mandate for DIICOT");
        assert_eq!(subjects[2], "Zaproszenie do systemu Mandate dla DIICOT");
        // Invited by the operator, for an institution in no plan yet.
        let mut bare = facts.clone();
        bare["inviter"] = serde_json::Value::Null;
        bare["plans"] = json!([]);
        let r = renderer.render("ro", Kind::Invitation, &bare).unwrap();
        assert!(r.text.contains("Ați primit o invitație"), "{}", r.text);
        assert!(
            r.text.contains("nu participă încă la niciun plan"),
            "{}",
            r.text
        );

        let page = |outcome: &str, facts: &serde_json::Value| {
            renderer
                .invitation_page("pl", outcome, facts, "/invitation/t")
                .unwrap()
        };
        let confirm = page(
            "confirm",
            &json!({
                "user": { "name": "Anna Kowalska", "email": "anna@kpp.example" },
                "institution": { "code": "KPP", "name": "Komenda Powiatowa Policji w Lubartowie" },
            }),
        );
        assert!(
            confirm.contains("Anna Kowalska, prosimy o potwierdzenie"),
            "{confirm}"
        );
        assert!(
            confirm.contains("method=\"post\" action=\"&#x2f;invitation&#x2f;t\""),
            "{confirm}"
        );
        let done = page(
            "done",
            &json!({ "key": "mdt_abc", "key_expires": "01.04.2021" }),
        );
        assert!(
            done.contains("mdt_abc") && done.contains("01.04.2021"),
            "{done}"
        );
        for outcome in ["invalid", "expired", "used"] {
            let shown = page(outcome, &json!({}));
            assert!(
                !shown.contains("undefined") && shown.contains("<p>"),
                "{shown}"
            );
        }
    }
}
