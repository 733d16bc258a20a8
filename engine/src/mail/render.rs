//! Messages from templates: `engine/templates/mail/message.txt` and `message.html` (minijinja),
//! with the words of each language from the catalogue (`crate::i18n`): the templates call the same
//! `t(key, …)` and `| date` the pages call; the subject and first paragraph are catalogue messages
//! (`mail-subject-{kind}`, `mail-intro-{kind}`) whose counts take their language's plural forms.
//! Also the pages e-mail links open (acknowledge, invitation, notification settings).

use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde_json::{Map, json};

use crate::i18n::{self, Arg, Language};
use crate::notifications::Kind;

const TEMPLATES: [(&str, &str); 4] = [
    (
        "message.txt",
        include_str!("../../templates/mail/message.txt"),
    ),
    (
        "message.html",
        include_str!("../../templates/mail/message.html"),
    ),
    ("link.html", include_str!("../../templates/mail/link.html")),
    (
        "invitation.html",
        include_str!("../../templates/mail/invitation.html"),
    ),
];

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject, on one line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// Renders notifications, and the pages their links open, in Romanian, English or Polish.
#[derive(Debug)]
pub struct Renderer {
    env: Environment<'static>,
}

impl Renderer {
    /// The built-in templates. Fails (at start-up) if a bundled template is broken.
    pub fn builtin() -> Result<Self, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| format!("engine/templates/mail/{name}: {e}"))?;
        }
        i18n::add_to(&mut env);
        Ok(Self { env })
    }

    fn fill(
        &self,
        template: &str,
        language: Language,
        facts: &serde_json::Value,
        extra: serde_json::Value,
    ) -> Result<String, String> {
        let mut context = object(facts)?;
        context.insert("lang".to_owned(), json!(language.code()));
        if let serde_json::Value::Object(extra) = extra {
            context.extend(extra);
        }
        self.env
            .get_template(template)
            .and_then(|t| t.render(Value::from(Serde(&context))))
            .map_err(|e| format!("{template} ({language}): {e}"))
    }

    /// The page an acknowledge link shows: `outcome` is `confirm` (with a button posting to
    /// `form_action`), `done`, `invalid`, `expired`, `used` or `moot`; `facts` as for messages
    /// (`action`, `institution`, `due` as `YYYY-MM-DD`), possibly empty.
    pub fn link_page(
        &self,
        language: Language,
        outcome: &str,
        facts: &serde_json::Value,
        form_action: &str,
    ) -> Result<String, String> {
        self.fill(
            "link.html",
            language,
            facts,
            json!({ "outcome": outcome, "form_action": form_action }),
        )
    }

    /// The page an invitation link shows: `outcome` is `confirm` (with a button posting to
    /// `form_action`; `facts` has `user` and `institution`), `done` (`facts` has `key`, the access
    /// key shown once, and `key_expires`, `YYYY-MM-DD`), `invalid`, `expired` or `used`.
    pub fn invitation_page(
        &self,
        language: Language,
        outcome: &str,
        facts: &serde_json::Value,
        form_action: &str,
    ) -> Result<String, String> {
        self.fill(
            "invitation.html",
            language,
            facts,
            json!({ "outcome": outcome, "form_action": form_action }),
        )
    }

    /// The page the `List-Unsubscribe` link opens: an institution's delivery (`immediate` or
    /// `daily_digest`) and send time (`HH:MM`), and how to change them.
    pub fn settings_page(
        &self,
        language: Language,
        institution: &serde_json::Value,
        delivery: &str,
        send_at: &str,
    ) -> Result<String, String> {
        self.fill(
            "link.html",
            language,
            &json!({ "institution": institution }),
            json!({ "outcome": "settings", "delivery": delivery, "send_at": send_at }),
        )
    }

    /// Renders a `kind` message in `language`. `facts` holds what the templates show: `plan`,
    /// `objective`, `action`, `institution`, `due` (`YYYY-MM-DD`), `days`, `state` (a lifecycle
    /// state name), `reason`, `links`; for a digest `sections`, `count`, `date`; for an
    /// invitation `invitee`, `inviter` (or none), `plans`, `expires`; for a sign-in link `user`,
    /// `minutes`, `expires` (a time).
    pub fn render(
        &self,
        language: Language,
        kind: Kind,
        facts: &serde_json::Value,
    ) -> Result<Rendered, String> {
        let args = arguments(language, facts);
        let subject = i18n::t(language, &format!("mail-subject-{kind}"), &args);
        let intro = if kind == Kind::Invitation && facts["inviter"].is_object() {
            i18n::t(language, "mail-intro-invitation-by", &args)
        } else {
            i18n::t(language, &format!("mail-intro-{kind}"), &args)
        };
        let mut facts = object(facts)?;
        if let Some(state) = facts.get("state").and_then(|s| s.as_str()) {
            let name = state_name(language, state);
            facts.insert("state".to_owned(), json!(name));
        }
        for section in facts
            .get_mut("sections")
            .and_then(|s| s.as_array_mut())
            .into_iter()
            .flatten()
        {
            for task in section
                .get_mut("tasks")
                .and_then(|t| t.as_array_mut())
                .into_iter()
                .flatten()
            {
                if let Some(task) = task.as_object_mut()
                    && let Some(state) = task.get("state").and_then(|s| s.as_str())
                {
                    let name = state_name(language, state);
                    task.insert("state".to_owned(), json!(name));
                }
            }
        }
        let facts = serde_json::Value::Object(facts);
        let extra = json!({ "kind": kind.as_str(), "subject": subject, "intro": intro });
        Ok(Rendered {
            text: self.fill("message.txt", language, &facts, extra.clone())?,
            html: self.fill("message.html", language, &facts, extra)?,
            subject: subject.replace(['\r', '\n'], " "),
        })
    }
}

/// `facts` as a map to add to; an error if they are not an object.
fn object(facts: &serde_json::Value) -> Result<Map<String, serde_json::Value>, String> {
    match facts {
        serde_json::Value::Object(map) => Ok(map.clone()),
        serde_json::Value::Null => Ok(Map::new()),
        other => Err(format!("the facts of a message are not an object: {other}")),
    }
}

/// The name of a lifecycle state in `language`; a state the catalogue does not name (from a
/// lifecycle of an operator's own) as it is.
fn state_name(language: Language, state: &str) -> String {
    i18n::lookup(language, &format!("state-{state}"), &[]).unwrap_or_else(|| state.to_owned())
}

/// The arguments of the subject and first paragraph, from the facts: `action` (its number),
/// `code` and `institution` (the institution's code and name), `due`, `date` and `expires` as the
/// language writes dates, the numbers `days`, `count` and `minutes`, `user` and `inviter`.
fn arguments(language: Language, facts: &serde_json::Value) -> Vec<(&'static str, Arg)> {
    let mut args = Vec::new();
    for (name, value) in [
        ("action", &facts["action"]["number"]),
        ("code", &facts["institution"]["code"]),
        ("institution", &facts["institution"]["name"]),
        ("user", &facts["user"]["name"]),
    ] {
        if let Some(text) = value.as_str() {
            args.push((name, Arg::from(text)));
        }
    }
    for name in ["due", "date", "expires"] {
        if let Some(text) = facts[name].as_str() {
            args.push((name, Arg::Text(i18n::iso_date(language, text))));
        }
    }
    for name in ["days", "count", "minutes"] {
        if let Some(n) = facts[name].as_f64() {
            args.push((name, Arg::Number(n)));
        }
    }
    if let Some(name) = facts["inviter"]["name"].as_str() {
        let inviter = match facts["inviter"]["institution"]["name"].as_str() {
            Some(institution) => format!("{name} ({institution})"),
            None => name.to_owned(),
        };
        args.push(("inviter", Arg::Text(inviter)));
    }
    args
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
            "due": "2021-12-31",
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
        for language in Language::ALL {
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
        for language in Language::ALL {
            for kind in Kind::ALL {
                let mut facts = facts();
                if matches!(kind, Kind::Invitation | Kind::SignIn) {
                    continue;
                }
                if kind == Kind::Digest {
                    facts["sections"] = json!([{ "label": "overdue", "tasks": [
                        { "plan": "PNA", "action_number": "1.1.1", "action_text": "Campanii", "due": "2021-12-31", "state": "pending" }
                    ] }]);
                    facts["count"] = json!(1);
                    facts["date"] = json!("2022-01-01");
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
                    let due = i18n::iso_date(language, "2021-12-31");
                    assert!(r.text.contains(&due) && r.text.contains("Număr de campanii"));
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
        let ro = renderer
            .render(Language::Ro, Kind::Reminder, &facts())
            .unwrap();
        let pl = renderer
            .render(Language::Pl, Kind::Reminder, &facts())
            .unwrap();
        let en = renderer
            .render(Language::En, Kind::Reminder, &facts())
            .unwrap();
        assert!(ro.subject != pl.subject && pl.subject != en.subject);
        assert!(ro.text.contains("Stadiu: în așteptare"), "{}", ro.text);
        assert!(pl.text.contains("Status: oczekujące"), "{}", pl.text);
        assert!(en.text.contains("Deadline: 31 Dec 2021"), "{}", en.text);
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
            "expires": "2021-01-15",
            "links": {
                "invitation": "https://mandate.example/invitation/1.2.abc",
                "settings": "https://mandate.example/notifications/DIICOT",
            },
        });
        let mut subjects = Vec::new();
        for language in Language::ALL {
            let r = renderer.render(language, Kind::Invitation, &facts).unwrap();
            assert!(r.subject.contains("DIICOT"), "{language}: {}", r.subject);
            // The HTML part writes `/` as `&#x2f;`, which is the same to a browser.
            for part in [r.text.clone(), r.html.replace("&#x2f;", "/")] {
                let expires = i18n::iso_date(language, "2021-01-15");
                for shown in [
                    "https://mandate.example/invitation/1.2.abc",
                    "Planul național de acțiune 2021–2022",
                    &expires,
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
        let r = renderer
            .render(Language::Ro, Kind::Invitation, &bare)
            .unwrap();
        assert!(r.text.contains("Ați primit o invitație"), "{}", r.text);
        assert!(
            r.text.contains("nu participă încă la niciun plan"),
            "{}",
            r.text
        );

        let page = |outcome: &str, facts: &serde_json::Value| {
            renderer
                .invitation_page(Language::Pl, outcome, facts, "/invitation/t")
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
            &json!({ "key": "mdt_abc", "key_expires": "2021-04-01" }),
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

    #[test]
    fn counts_take_each_language_plural_forms() {
        let renderer = Renderer::builtin().unwrap();
        let digest = |language: Language, count: i64| {
            let mut facts = facts();
            facts["sections"] = json!([]);
            facts["count"] = json!(count);
            facts["date"] = json!("2022-01-01");
            renderer.render(language, Kind::Digest, &facts).unwrap()
        };
        let task = |language: Language, kind: Kind, days: i64| {
            let mut facts = facts();
            facts["days"] = json!(days);
            renderer.render(language, kind, &facts).unwrap()
        };
        let cases = [
            (
                Language::En,
                ["1 task,", "2 tasks,", "5 tasks,", "22 tasks,"],
                [
                    "(1 day left)",
                    "(2 days left)",
                    "(5 days left)",
                    "(22 days left)",
                ],
                [
                    "is in 1 day.",
                    "is in 2 days.",
                    "is in 5 days.",
                    "is in 22 days.",
                ],
            ),
            (
                Language::Ro,
                [
                    "(1 sarcină)",
                    "(2 sarcini)",
                    "(5 sarcini)",
                    "(22 de sarcini)",
                ],
                [
                    "(1 zi rămasă)",
                    "(2 zile rămase)",
                    "(5 zile rămase)",
                    "(22 de zile rămase)",
                ],
                [
                    "a rămas 1 zi.",
                    "au rămas 2 zile.",
                    "au rămas 5 zile.",
                    "au rămas 22 de zile.",
                ],
            ),
            (
                Language::Pl,
                ["(1 zadanie)", "(2 zadania)", "(5 zadań)", "(22 zadania)"],
                [
                    "(pozostał 1 dzień)",
                    "(pozostały 2 dni)",
                    "(pozostało 5 dni)",
                    "(pozostały 22 dni)",
                ],
                [
                    "pozostał 1 dzień.",
                    "pozostały 2 dni.",
                    "pozostało 5 dni.",
                    "pozostały 22 dni.",
                ],
            ),
        ];
        for (language, tasks, subjects, intros) in cases {
            for (i, n) in [1, 2, 5, 22].into_iter().enumerate() {
                let d = digest(language, n);
                assert!(
                    d.subject.contains(tasks[i]),
                    "{language} {n}: {}",
                    d.subject
                );
                let r = task(language, Kind::Reminder, n);
                assert!(
                    r.subject.contains(subjects[i]),
                    "{language} {n}: {}",
                    r.subject
                );
                for part in [&r.text, &r.html] {
                    assert!(part.contains(intros[i]), "{language} {n}: {part}");
                }
            }
        }
        let late = |language: Language, days: i64| task(language, Kind::Escalation, days).subject;
        assert!(late(Language::Ro, 20).contains("(20 de zile de întârziere)"));
        assert!(late(Language::Ro, 19).contains("(19 zile de întârziere)"));
        assert!(late(Language::Pl, 1).contains("(1 dzień opóźnienia)"));
        assert!(late(Language::En, 1).contains("is 1 day late"));
        let overdue = task(Language::Pl, Kind::Overdue, 12);
        assert!(
            overdue.text.contains("(12 dni po terminie)"),
            "{}",
            overdue.text
        );
        let sign_in = |language: Language, minutes: i64| {
            let facts = json!({
                "user": { "name": "Ana Pop" }, "minutes": minutes, "expires": "09:15",
                "links": { "sign_in": "https://mandate.example/sign-in/1.2.abc" },
            });
            renderer
                .render(language, Kind::SignIn, &facts)
                .unwrap()
                .text
        };
        assert!(sign_in(Language::Ro, 15).contains("timp de 15 minute"));
        assert!(sign_in(Language::Ro, 20).contains("timp de 20 de minute"));
        assert!(sign_in(Language::Pl, 15).contains("przez 15 minut"));
        assert!(sign_in(Language::Pl, 2).contains("przez 2 minuty"));
        assert!(sign_in(Language::En, 1).contains("for 1 minute "));
    }

    #[test]
    fn every_kind_has_a_subject_and_a_first_paragraph() {
        let mut facts = facts();
        facts["count"] = json!(3);
        facts["date"] = json!("2022-01-01");
        facts["minutes"] = json!(15);
        facts["expires"] = json!("09:15");
        facts["user"] = json!({ "name": "Ana Pop" });
        facts["inviter"] = json!({ "name": "Ioana Popescu" });
        for language in Language::ALL {
            let args = arguments(language, &facts);
            for kind in Kind::ALL {
                for part in ["subject", "intro"] {
                    let key = format!("mail-{part}-{kind}");
                    assert!(
                        i18n::lookup(language, &key, &args).is_some(),
                        "{language}: {key}"
                    );
                }
            }
            assert!(i18n::lookup(language, "mail-intro-invitation-by", &args).is_some());
        }
    }
}
