//! The directory, plan import and audit trail pages over real HTTP: the web router on a free port
//! over a fresh database (SQLite and PostgreSQL), people signed in through sessions the engine
//! starts, forms sent as a browser sends them (with the page's form token).

#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;

use mandate_engine::Engine;
use mandate_engine::accounts::NewUser;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use mandate_engine::entity::{institution, task};
use mandate_engine::plans::plan_file;
use mandate_engine::plans::{InstitutionDefaults, NewInstitution};
use mandate_engine::reads::EventFilter;
use mandate_engine::registers::NewCase;
use mandate_engine::tasks::{Fire, ReportInput};
use mandate_web::WebConfig;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::net::TcpListener;

use support::{Fixture, TestDb};

/// The web application on a free port, and a client that does not follow redirects.
struct Web {
    base: String,
    http: reqwest::Client,
}

/// A page: its status and body.
struct Page {
    status: u16,
    body: String,
    /// Where a redirect points.
    location: Option<String>,
}

impl Page {
    /// The value of the page's first hidden form token.
    fn csrf(&self) -> String {
        hidden(&self.body, "csrf").unwrap_or_else(|| panic!("no form token in:\n{}", self.body))
    }
}

/// The value of the first `<input type="hidden" name="{name}" value="…">`, unescaped.
fn hidden(body: &str, name: &str) -> Option<String> {
    let start = format!("<input type=\"hidden\" name=\"{name}\" value=\"");
    let from = body.find(&start)? + start.len();
    let len = body[from..].find('"')?;
    Some(unescape(&body[from..from + len]))
}

/// HTML text as minijinja escapes it, back to text.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// The `action` of every `<form method="post">` of a page.
fn post_forms(body: &str) -> Vec<String> {
    body.match_indices("<form")
        .map(|(at, _)| &body[at..at + body[at..].find('>').unwrap_or(0)])
        .filter(|tag| tag.contains("method=\"post\""))
        .map(|tag| {
            tag.split("action=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// One part of a multipart form: a field, or a file (name, file name, bytes).
enum Part<'a> {
    Field(&'a str, &'a str),
    File(&'a str, &'a str, &'a str),
}

const BOUNDARY: &str = "----mandate-test-boundary-7MA4YWxkTrZu0gW";

fn multipart(parts: &[Part<'_>]) -> String {
    let mut body = String::new();
    for part in parts {
        body.push_str(&format!("--{BOUNDARY}\r\n"));
        match part {
            Part::Field(name, value) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )),
            Part::File(name, file_name, content) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/yaml\r\n\r\n{content}\r\n"
            )),
        }
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

impl Web {
    async fn start(engine: &Engine) -> Self {
        Self::with_time_limit(engine, std::time::Duration::from_secs(30)).await
    }

    /// The pages, with requests stopped after `limit`.
    async fn with_time_limit(engine: &Engine, limit: std::time::Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("free port");
        let address = listener.local_addr().expect("address");
        let router = mandate_web::router(
            engine.clone(),
            WebConfig {
                public_url: format!("http://{address}"),
                request_timeout: limit,
            },
        )
        .expect("router");
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            base: format!("http://{address}"),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
        }
    }

    async fn page(&self, response: reqwest::Response) -> Page {
        Page {
            status: response.status().as_u16(),
            location: response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned),
            body: response.text().await.expect("body"),
        }
    }

    async fn get(&self, cookie: &str, path: &str) -> Page {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("mandate_session={cookie}"))
            .send()
            .await
            .expect("GET");
        self.page(response).await
    }

    async fn post_multipart(&self, cookie: &str, path: &str, parts: &[Part<'_>]) -> Page {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", format!("mandate_session={cookie}"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(parts))
            .send()
            .await
            .expect("POST");
        self.page(response).await
    }

    async fn post_form(&self, cookie: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
            .collect();
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", format!("mandate_session={cookie}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.join("&"))
            .send()
            .await
            .expect("POST");
        self.page(response).await
    }
}

/// A user (created unless it exists) signed in: the value of its session cookie.
async fn signed_in(
    engine: &Engine,
    email: &str,
    role: UserRole,
    institution: Option<&str>,
) -> String {
    let user = match engine.user_by_email(email).await {
        Ok(user) => user,
        Err(_) => engine
            .create_user(
                &Actor::operator(),
                NewUser {
                    email: EmailAddress::parse(email).expect("email"),
                    name: email.to_owned(),
                    role,
                    institution: institution.map(|c| InstitutionCode::parse(c).expect("code")),
                },
            )
            .await
            .expect("user"),
    };
    engine.start_session(&user).await.expect("session").cookie
}

async fn plan_codes(engine: &Engine) -> BTreeSet<String> {
    engine
        .plans(&Actor::operator())
        .await
        .expect("plans")
        .into_iter()
        .map(|p| p.code)
        .collect()
}

/// A plan owned by ANITP that renames ANITP (its coordinator may) and creates an institution.
const GOOD_PLAN: &str = r#"plan:
  code: "web-plan"
  title: "Plan importat din pagină"
  owner: "ANITP"
  period: "2021-01-01..2021-12-31"
  time_zone: "Europe/Bucharest"
  language: "ro"
institutions:
  - code: "ANITP"
    name: "Agenția Națională împotriva Traficului de Persoane"
  - code: "ONG-NOU"
    name: "Asociația <Noua> & Co"
objectives:
  - number: "1"
    title: "Prevenire"
    actions:
      - number: "1.1"
        text: "Campanii de informare"
        indicators: []
        deadline: "semestrial"
        responsible: ["ONG-NOU"]
        partners: []
        funding: []
"#;

/// The same plan with a deadline the grammar does not know and an unknown institution.
const BROKEN_PLAN: &str = r#"plan:
  code: "web-plan"
  title: "Plan importat din pagină"
  owner: "ANITP"
  period: "2021-01-01..2021-12-31"
  time_zone: "Europe/Bucharest"
  language: "ro"
institutions:
  - code: "ANITP"
    name: "Agenția Națională împotriva Traficului de Persoane"
objectives:
  - number: "1"
    title: "Prevenire"
    actions:
      - number: "1.1"
        text: "Campanii de informare"
        indicators: []
        deadline: "cândva, poate"
        responsible: ["ANTIP"]
        partners: []
        funding: []
"#;

/// A plan owned by ANITP that would rename IGPR, which ANITP's coordinator does not manage.
const FORBIDDEN_PLAN: &str = r#"plan:
  code: "web-plan"
  title: "Plan importat din pagină"
  owner: "ANITP"
  period: "2021-01-01..2021-12-31"
  time_zone: "Europe/Bucharest"
  language: "ro"
institutions:
  - code: "ANITP"
  - code: "IGPR"
    name: "Un alt nume"
objectives:
  - number: "1"
    title: "Prevenire"
    actions:
      - number: "1.1"
        text: "Campanii de informare"
        indicators: []
        deadline: "semestrial"
        responsible: ["IGPR"]
        partners: []
        funding: []
"#;

async fn directory_lists_institutions_and_hides_addresses_from_members(db: TestDb) {
    let f = Fixture::new(&db).await;
    f.engine
        .upsert_institution(
            &Actor::operator(),
            NewInstitution {
                code: InstitutionCode::parse("IPJ-CS").expect("code"),
                name: Some("Inspectoratul de Poliție Județean Caraș-Severin".into()),
                parent: None,
                emails: Some(vec![
                    EmailAddress::parse("secretariat@ipj-cs.ro").expect("e-mail"),
                ]),
                language: None,
                time_zone: None,
            },
            &InstitutionDefaults {
                language: "ro".into(),
                time_zone: chrono_tz::Europe::Bucharest,
            },
        )
        .await
        .expect("institution");
    let web = Web::start(&f.engine).await;
    let coordinator = signed_in(
        &f.engine,
        "coord@anitp.ro",
        UserRole::Coordinator,
        Some("ANITP"),
    )
    .await;
    let member = signed_in(&f.engine, "user@igpr.ro", UserRole::Member, Some("IGPR")).await;
    let auditor = signed_in(&f.engine, "audit@curtea.ro", UserRole::Auditor, None).await;

    let all = web.get(&coordinator, "/institutions").await;
    assert_eq!(all.status, 200, "{}", all.body);
    for code in [
        "ANITP", "MAI", "IGPR", "ME", "ONG", "EIL", "DIICOT", "IPJ-CS",
    ] {
        assert!(
            all.body.contains(&format!("id=\"institution-{code}\"")),
            "{code} listed"
        );
    }
    assert!(
        all.body.contains("mailto:igpr@example.ro"),
        "a coordinator sees addresses"
    );
    assert!(unescape(&all.body).contains("Europe/Bucharest"));
    // IGPR's parent is MAI.
    let igpr = &all.body[all.body.find("id=\"institution-IGPR\"").expect("IGPR")..];
    let igpr = &igpr[..igpr.find("</tr>").expect("row end")];
    assert!(igpr.contains(">MAI</abbr>"), "{igpr}");
    // Its notification settings: IGPR takes part in ANITP's plan; the outsider does not.
    assert!(igpr.contains("data-delivery=\""), "{igpr}");
    let outsider = &all.body[all.body.find("id=\"institution-DIICOT\"").expect("DIICOT")..];
    let outsider = &outsider[..outsider.find("</tr>").expect("row end")];
    assert!(outsider.contains("mailto:diicot@example.ro"));
    assert!(!outsider.contains("data-delivery"), "{outsider}");

    // The search folds case and diacritics, in codes and names.
    let found = web
        .get(&coordinator, "/institutions?q=judetean+CARAS")
        .await;
    assert_eq!(found.status, 200);
    assert!(
        found.body.contains("id=\"institution-IPJ-CS\""),
        "{}",
        found.body
    );
    assert!(!found.body.contains("id=\"institution-IGPR\""));
    let by_code = web.get(&coordinator, "/institutions?q=igp").await;
    assert!(by_code.body.contains("id=\"institution-IGPR\""));
    assert!(!by_code.body.contains("id=\"institution-ANITP\""));
    let none = web
        .get(&coordinator, "/institutions?q=nimic-asemanator")
        .await;
    assert!(none.body.contains("id=\"none\""));

    // A member sees code, name and parent, and no address.
    let seen = web.get(&member, "/institutions").await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert!(seen.body.contains("id=\"institution-IPJ-CS\""));
    assert!(
        seen.body
            .contains("Inspectoratul de Poliție Județean Caraș-Severin")
    );
    assert!(!seen.body.contains("mailto:"));
    assert!(!seen.body.contains("secretariat@ipj-cs.ro"));
    assert!(
        !seen.body.contains("href=\"/institutions\""),
        "no link for members"
    );

    // The auditor sees addresses, and no form that changes anything.
    let audited = web.get(&auditor, "/institutions").await;
    assert!(audited.body.contains("mailto:secretariat@ipj-cs.ro"));
    assert!(
        audited.body.contains("href=\"/institutions\""),
        "linked in the header"
    );
    let forms: BTreeSet<String> = post_forms(&audited.body).into_iter().collect();
    assert_eq!(
        forms,
        BTreeSet::from(["/language".into(), "/sign-out".into()])
    );
}

async fn import_shows_problems_then_changes_and_imports_on_confirm(db: TestDb) {
    let f = Fixture::new(&db).await;
    let web = Web::start(&f.engine).await;
    let coordinator = signed_in(
        &f.engine,
        "coord@anitp.ro",
        UserRole::Coordinator,
        Some("ANITP"),
    )
    .await;
    let before = plan_codes(&f.engine).await;

    let form = web.get(&coordinator, "/plans/import").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    let csrf = form.csrf();

    // A broken file: every problem located, with its line; nothing written.
    let broken = web
        .post_multipart(
            &coordinator,
            "/plans/import",
            &[
                Part::Field("csrf", &csrf),
                Part::File("file", "plan-web.yaml", BROKEN_PLAN),
                Part::Field("yaml", ""),
            ],
        )
        .await;
    assert_eq!(broken.status, 422, "{}", broken.body);
    assert!(broken.body.contains("id=\"problems\""));
    assert!(broken.body.contains("plan-web.yaml:18:"), "{}", broken.body);
    assert!(broken.body.contains("plan-web.yaml:19:"), "{}", broken.body);
    assert!(
        broken.body.contains("did you mean `ANITP`?"),
        "{}",
        broken.body
    );
    assert!(
        broken.body.contains("class=\"line-number\"") && broken.body.contains("cândva, poate"),
        "the line of the file is shown"
    );
    assert_eq!(plan_codes(&f.engine).await, before, "nothing written");

    // Pasted instead of uploaded: the same check.
    let pasted = web
        .post_multipart(
            &coordinator,
            "/plans/import",
            &[Part::Field("csrf", &csrf), Part::Field("yaml", BROKEN_PLAN)],
        )
        .await;
    assert_eq!(pasted.status, 422);
    assert!(pasted.body.contains("plan.yaml:18:"), "{}", pasted.body);

    // Nothing sent: an error beside the file field.
    let empty = web
        .post_multipart(&coordinator, "/plans/import", &[Part::Field("csrf", &csrf)])
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("id=\"file-error\""), "{}", empty.body);

    // A file changing an institution the coordinator does not manage: located, forbidden.
    let forbidden = web
        .post_multipart(
            &coordinator,
            "/plans/import",
            &[
                Part::Field("csrf", &csrf),
                Part::File("file", "igpr.yaml", FORBIDDEN_PLAN),
            ],
        )
        .await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.body);
    assert!(
        forbidden.body.contains("igpr.yaml:10:"),
        "{}",
        forbidden.body
    );
    assert!(
        forbidden
            .body
            .contains("institution IGPR is shared by every plan")
    );
    assert!(
        forbidden.body.contains(">10</span>") && forbidden.body.contains("IGPR&quot;"),
        "its line is shown"
    );
    assert_eq!(plan_codes(&f.engine).await, before);

    // A good file: what would change, and a Confirm button; still nothing written.
    let preview = web
        .post_multipart(
            &coordinator,
            "/plans/import",
            &[
                Part::Field("csrf", &csrf),
                Part::File("file", "plan-web.yaml", GOOD_PLAN),
            ],
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("id=\"confirm-form\""));
    for kind in ["plans", "institutions", "objectives", "actions", "tasks"] {
        assert!(
            preview.body.contains(&format!("id=\"kind-{kind}\"")),
            "{kind}"
        );
    }
    let changes = &preview.body[preview
        .body
        .find("id=\"institution-changes\"")
        .expect("changes")..];
    assert!(
        changes.contains("<th scope=\"row\">ANITP</th>"),
        "{changes}"
    );
    assert!(changes.contains("<del>Institution ANITP</del>"));
    assert!(changes.contains("<ins>Agenția Națională împotriva Traficului de Persoane</ins>"));
    assert_eq!(
        plan_codes(&f.engine).await,
        before,
        "a dry run writes nothing"
    );
    assert_eq!(
        f.engine
            .institution(&f.admin, "ANITP")
            .await
            .expect("ANITP")
            .name,
        "Institution ANITP"
    );

    // Confirm sends the text it was shown, under the form token.
    let text = hidden(&preview.body, "yaml").expect("the text in the Confirm form");
    assert_eq!(text, GOOD_PLAN);
    let name = hidden(&preview.body, "name").expect("the file name");
    let done = web
        .post_multipart(
            &coordinator,
            "/plans/import",
            &[
                Part::Field("csrf", &preview.csrf()),
                Part::Field("confirm", "1"),
                Part::Field("name", &name),
                Part::Field("yaml", &text),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("id=\"imported\""));
    let plan = f
        .engine
        .plans(&Actor::operator())
        .await
        .expect("plans")
        .into_iter()
        .find(|p| p.code == "web-plan")
        .expect("imported");
    assert!(done.body.contains(&format!("href=\"/plans/{}\"", plan.id)));
    assert_eq!(
        f.engine
            .institution(&f.admin, "ANITP")
            .await
            .expect("ANITP")
            .name,
        "Agenția Națională împotriva Traficului de Persoane"
    );
    assert_eq!(
        f.engine
            .institution(&f.admin, "ONG-NOU")
            .await
            .expect("created")
            .name,
        "Asociația <Noua> & Co"
    );
}

async fn members_and_auditors_may_not_import(db: TestDb) {
    let f = Fixture::new(&db).await;
    let web = Web::start(&f.engine).await;
    let member = signed_in(&f.engine, "user@igpr.ro", UserRole::Member, Some("IGPR")).await;
    let auditor = signed_in(&f.engine, "audit@curtea.ro", UserRole::Auditor, None).await;
    let before = plan_codes(&f.engine).await;
    for cookie in [&member, &auditor] {
        let page = web.get(cookie, "/plans/import").await;
        assert_eq!(page.status, 403, "{}", page.body);
        assert!(!page.body.contains("enctype=\"multipart/form-data\""));
        assert!(!page.body.contains("href=\"/plans/import\""), "not linked");
        let csrf = web.get(cookie, "/institutions").await.csrf();
        let sent = web
            .post_multipart(
                cookie,
                "/plans/import",
                &[
                    Part::Field("csrf", &csrf),
                    Part::Field("confirm", "1"),
                    Part::Field("yaml", GOOD_PLAN),
                ],
            )
            .await;
        assert_eq!(sent.status, 403, "{}", sent.body);
    }
    assert_eq!(plan_codes(&f.engine).await, before);
    // Signed out: to the sign-in page.
    let response = web
        .http
        .get(format!("{}/plans/import", web.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status().as_u16(), 303);
}

async fn a_post_without_the_form_token_is_refused_and_changes_nothing(db: TestDb) {
    let f = Fixture::new(&db).await;
    let web = Web::start(&f.engine).await;
    let coordinator = signed_in(
        &f.engine,
        "coord@anitp.ro",
        UserRole::Coordinator,
        Some("ANITP"),
    )
    .await;
    let before = plan_codes(&f.engine).await;

    let no_token = web
        .post_multipart(
            &coordinator,
            "/plans/import",
            &[Part::Field("confirm", "1"), Part::Field("yaml", GOOD_PLAN)],
        )
        .await;
    assert_eq!(no_token.status, 403, "{}", no_token.body);
    let wrong_token = web
        .post_multipart(
            &coordinator,
            "/plans/import",
            &[
                Part::Field("csrf", "not-the-token"),
                Part::Field("confirm", "1"),
                Part::Field("yaml", GOOD_PLAN),
            ],
        )
        .await;
    assert_eq!(wrong_token.status, 403);
    let not_multipart = web
        .post_form(
            &coordinator,
            "/plans/import",
            &[("confirm", "1"), ("yaml", "x")],
        )
        .await;
    assert_eq!(not_multipart.status, 403);
    assert_eq!(plan_codes(&f.engine).await, before);

    // The task forms too.
    let member = signed_in(&f.engine, "user@igpr.ro", UserRole::Member, Some("IGPR")).await;
    let t = f.task_of(&f.lead).await;
    let refused = web
        .post_form(
            &member,
            &format!("/tasks/{}/fire", t.id),
            &[
                ("version", &t.version.to_string()),
                ("transition", "acknowledge"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let after = task::Entity::find_by_id(t.id)
        .one(&db.db)
        .await
        .expect("read")
        .expect("task");
    assert_eq!((after.state, after.version), (t.state, t.version));
}

async fn the_audit_trail_filters_pages_and_offers_the_auditor_no_form(db: TestDb) {
    let f = Fixture::new(&db).await;
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflows/plans/pna-trafic-2021-2022.yaml"
    );
    let draft =
        plan_file::load(std::path::Path::new(seed), f.engine.lifecycles()).expect("seed plan");
    let pna = f
        .engine
        .import_plan(&Actor::operator(), &draft, false)
        .await
        .expect("imported");
    let web = Web::start(&f.engine).await;
    let auditor = signed_in(&f.engine, "audit@curtea.ro", UserRole::Auditor, None).await;

    // Newest first, a hundred a page, every event of both plans.
    let first = web.get(&auditor, "/audit").await;
    assert_eq!(first.status, 200, "{}", first.body);
    let forms: BTreeSet<String> = post_forms(&first.body).into_iter().collect();
    assert_eq!(
        forms,
        BTreeSet::from(["/language".into(), "/sign-out".into()]),
        "no other form posts"
    );
    assert!(
        first
            .body
            .contains("<form method=\"get\" action=\"/audit\"")
    );
    let ids = |body: &str| -> Vec<i64> {
        body.match_indices("<tr id=\"event-")
            .map(|(at, m)| {
                let rest = &body[at + m.len()..];
                rest[..rest.find('"').expect("id end")].parse().expect("id")
            })
            .collect()
    };
    let page_one = ids(&first.body);
    assert_eq!(page_one.len(), 100);
    assert!(page_one.windows(2).all(|w| w[0] > w[1]), "newest first");
    let older = first
        .body
        .split("id=\"older\"")
        .next()
        .and_then(|b| b.rsplit("href=\"").next())
        .map(|h| unescape(&h[..h.find('"').expect("href end")]))
        .expect("a link to older events");
    let second = web.get(&auditor, &older).await;
    let page_two = ids(&second.body);
    assert!(!page_two.is_empty());
    assert!(
        page_two[0] < *page_one.last().expect("last"),
        "the next page goes on"
    );
    let total = f
        .engine
        .count_events(&f.auditor, &EventFilter::default())
        .await
        .expect("count");
    assert!(total > 100, "{total}");

    // One plan's events only.
    let one = web
        .get(&auditor, &format!("/audit?plan={}", f.plan.id))
        .await;
    assert_eq!(one.status, 200);
    let rows = ids(&one.body);
    assert!(!rows.is_empty());
    assert!(one.body.contains("data-plan=\"test-plan\""));
    assert!(
        !one.body.contains("data-plan=\"pna-trafic-2021-2022\""),
        "only the plan asked for"
    );
    let of_plan = f
        .engine
        .count_events(
            &f.auditor,
            &EventFilter {
                plan_id: Some(f.plan.id),
                ..Default::default()
            },
        )
        .await
        .expect("count");
    assert_eq!(rows.len() as u64, of_plan);
    let other = web
        .get(&auditor, &format!("/audit?plan={}", pna.plan_id))
        .await;
    assert!(!other.body.contains("data-plan=\"test-plan\""));

    // By who acted (any case), and by the institution it acted for.
    let by_coordinator = web
        .get(
            &auditor,
            &format!("/audit?plan={}&actor=COORD%40anitp.ro", f.plan.id),
        )
        .await;
    let coordinator_rows = ids(&by_coordinator.body);
    assert!(!coordinator_rows.is_empty());
    assert!(
        coordinator_rows.len() < rows.len(),
        "the plan's creation was the operator's"
    );
    assert!(
        !by_coordinator.body.contains("cli</td>"),
        "{}",
        by_coordinator.body
    );
    assert!(
        one.body.contains("cli</td>"),
        "the operator created the plan"
    );
    let by_institution = web.get(&auditor, "/audit?institution=ANITP").await;
    assert_eq!(by_institution.status, 200);
    assert_eq!(ids(&by_institution.body).len(), coordinator_rows.len());

    // By date (the auditor acts for no institution: days in UTC).
    let that_day = web
        .get(
            &auditor,
            &format!("/audit?plan={}&from=2021-01-01&to=2021-01-01", f.plan.id),
        )
        .await;
    assert_eq!(ids(&that_day.body).len(), rows.len());
    let later = web
        .get(
            &auditor,
            &format!("/audit?plan={}&from=2021-01-02", f.plan.id),
        )
        .await;
    assert!(ids(&later.body).is_empty());
    assert!(later.body.contains("id=\"no-events\""));
    let backwards = web
        .get(&auditor, "/audit?from=2021-02-01&to=2021-01-01")
        .await;
    assert_eq!(backwards.status, 422);
    assert!(backwards.body.contains("id=\"to-error\""));
    let bad = web.get(&auditor, "/audit?from=2021-13-45").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"from-error\""));

    // A member reads only what its scope holds: nothing of a plan it has no part in.
    let member = signed_in(
        &f.engine,
        "user@diicot.ro",
        UserRole::Member,
        Some("DIICOT"),
    )
    .await;
    let outsider = web
        .get(&member, &format!("/audit?plan={}", f.plan.id))
        .await;
    assert_eq!(outsider.status, 200);
    assert!(ids(&outsider.body).is_empty());
}

async fn a_page_past_the_time_limit_is_stopped_and_says_so(db: TestDb) {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let f = Fixture::new(&db).await;
    signed_in(&f.engine, "user@igpr.ro", UserRole::Member, Some("IGPR")).await;
    let web = Web::with_time_limit(&f.engine, std::time::Duration::from_millis(500)).await;
    let ask_for_link = || {
        web.http
            .post(format!("{}/sign-in/link", web.base))
            .header("accept-language", "ro-RO,ro;q=0.9")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("email=user%40igpr.ro&next=%2F")
            .send()
    };
    // Another writer holds the table the sign-in link goes to: asking for a link waits for it.
    let holder = db.db.begin().await.expect("transaction");
    let hold = if db.is_postgres() {
        "LOCK TABLE sign_in_links IN ACCESS EXCLUSIVE MODE"
    } else {
        "DELETE FROM sign_in_links"
    };
    holder.execute_unprepared(hold).await.expect("lock");
    let started = std::time::Instant::now();
    let page = web.page(ask_for_link().await.expect("POST")).await;
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "stopped at the limit, not when the lock went"
    );
    assert!(
        page.body.contains("Serverul a răspuns prea târziu"),
        "a page in the browser's language: {}",
        page.body
    );
    assert!(!page.body.contains("error-timeout"), "{}", page.body);
    holder.rollback().await.expect("rollback");
    // Once the writer is gone, the same request goes through.
    let answer = ask_for_link().await.expect("POST");
    assert_eq!(answer.status().as_u16(), 303);
}

/// A database restart cuts every connection of the pool: the next page says so (`503`, asked to
/// come back in a second, in the browser's language) rather than failing bare, and the pages come
/// back as the pool replaces each broken connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL: set MANDATE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test to run"
)]
async fn a_page_that_loses_the_database_says_so_and_the_next_ones_come_back() {
    let db = TestDb::postgres().await;
    let f = Fixture::new(&db).await;
    let member = signed_in(&f.engine, "user@igpr.ro", UserRole::Member, Some("IGPR")).await;
    let web = Web::start(&f.engine).await;
    let inbox = || {
        web.http
            .get(format!("{}/", web.base))
            .header("cookie", format!("mandate_session={member}"))
            .header("accept-language", "ro-RO,ro;q=0.9")
            .send()
    };
    assert_eq!(web.page(inbox().await.expect("GET")).await.status, 200);

    // Every connection of the pages' pool, cut from another one.
    assert!(db.cutter().await.cut().await > 0, "connections cut");
    let cut = inbox().await.expect("GET");
    assert_eq!(cut.status().as_u16(), 503);
    assert_eq!(
        cut.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let body = cut.text().await.expect("body");
    assert!(
        body.contains("Baza de date nu poate fi accesată acum"),
        "{body}"
    );
    assert!(!body.contains("error-unavailable"), "{body}");

    // Each broken connection fails one request and is closed: the pages come back.
    let mut answered = None;
    for _ in 0..40 {
        let page = web.page(inbox().await.expect("GET")).await;
        if page.status != 503 {
            answered = Some(page.status);
            break;
        }
    }
    assert_eq!(answered, Some(200));
}

/// The Lubartów plan's criterion on its plan page: the district officer enters a month's count
/// through the form; a refused value is shown beside the form and nothing is written; the
/// housing co-operative, a partner, sees the values but no form and may not post one.
async fn plan_level_values_are_entered_on_the_plan_page(db: TestDb) {
    let f = Fixture::new(&db).await;
    let lifecycles = mandate_engine::tasks::lifecycle::Lifecycles::builtin().expect("lifecycles");
    let file = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows/plans/lubartow-rejon-3-2024.yaml");
    let draft = plan_file::load(&file, &lifecycles).expect("the seed plan loads");
    f.engine
        .import_plan(&Actor::operator(), &draft, false)
        .await
        .expect("import");
    let plan = f
        .engine
        .plans(&Actor::operator())
        .await
        .expect("plans")
        .into_iter()
        .find(|p| p.code == "lubartow-rejon-3-2024")
        .expect("the plan");
    let indicator = f
        .engine
        .plan_indicator_entries(&Actor::operator(), &plan)
        .await
        .expect("indicators")[0]
        .indicator
        .id;
    let web = Web::start(&f.engine).await;
    let officer = signed_in(
        &f.engine,
        "dzielnicowy@lubartow.pl",
        UserRole::Member,
        Some("DZIELNICOWY-R3"),
    )
    .await;
    let path = format!("/plans/{}", plan.id);
    let action = format!("/plans/{}/indicators/{indicator}", plan.id);
    let page = web.get(&officer, &path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!("action=\"{action}\"")),
        "{}",
        page.body
    );
    let csrf = page.csrf();

    let sent = web
        .post_form(
            &officer,
            &action,
            &[
                ("csrf", &csrf),
                ("period", "2024-01-01..2024-01-31"),
                ("value", "7"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let entries = |actor: Actor| {
        let engine = f.engine.clone();
        let plan = plan.clone();
        async move {
            engine
                .plan_indicator_entries(&actor, &plan)
                .await
                .expect("entries")[0]
                .values
                .iter()
                .map(|v| (v.period_start.to_string(), v.value))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        entries(Actor::operator()).await,
        [("2024-01-01".to_owned(), 7.0)]
    );
    let page = web.get(&officer, &format!("{path}?done=indicator")).await;
    assert!(page.body.contains(r#"id="done""#), "{}", page.body);

    // Words, and a fraction of an offence: refused beside the form, nothing written.
    for (value, shown) in [("siedem", "aria-invalid=\"true\""), ("2,5", "2.5")] {
        let refused = web
            .post_form(
                &officer,
                &action,
                &[
                    ("csrf", &csrf),
                    ("period", "2024-02-01..2024-02-29"),
                    ("value", value),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{value}: {}", refused.body);
        assert!(refused.body.contains(shown), "{value}: {}", refused.body);
        assert!(
            refused.body.contains(&format!("value=\"{value}\"")),
            "the value stays"
        );
    }
    assert_eq!(entries(Actor::operator()).await.len(), 1);

    // The partner reads the plan, not the form, and its post is refused.
    let partner = signed_in(
        &f.engine,
        "sm@lubartow.pl",
        UserRole::Member,
        Some("SM-LUBARTOW"),
    )
    .await;
    let page = web.get(&partner, &path).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains(&action), "no form for the partner");
    let partner_csrf = page.csrf();
    let refused = web
        .post_form(
            &partner,
            &action,
            &[
                ("csrf", &partner_csrf),
                ("period", "2024-03-01..2024-03-31"),
                ("value", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(entries(Actor::operator()).await.len(), 1);
}

/// A person with a name no page may give away, signed in: its actor and session cookie.
async fn named_user(
    engine: &Engine,
    email: &str,
    name: &str,
    role: UserRole,
    institution: &str,
) -> (Actor, String) {
    let user = engine
        .create_user(
            &Actor::operator(),
            NewUser {
                email: EmailAddress::parse(email).expect("email"),
                name: name.to_owned(),
                role,
                institution: Some(InstitutionCode::parse(institution).expect("code")),
            },
        )
        .await
        .expect("user");
    let cookie = engine.start_session(&user).await.expect("session").cookie;
    let actor = Actor::user(email, role, user.institution_id);
    (actor, cookie)
}

/// A GET with no session and these headers: status, headers and body.
async fn anonymous(
    web: &Web,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut request = web.http.get(format!("{}{path}", web.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("GET");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("body"))
}

/// What the public page must never show: addresses, people, private narratives, private pages.
fn assert_nothing_private(body: &str) {
    assert!(
        !body.contains('@'),
        "an e-mail address on the public page:\n{body}"
    );
    for secret in [
        "Quillfeather",
        "Xylander",
        "xylander",
        "Zenobia",
        "PRIVAT-7Q",
        "/tasks/",
        "/actions/",
    ] {
        assert!(
            !body.contains(secret),
            "`{secret}` on the public page:\n{body}"
        );
    }
}

async fn the_public_page_shows_an_opted_in_plan_and_nothing_private(db: TestDb) {
    let f = Fixture::new(&db).await;
    let web = Web::start(&f.engine).await;
    let (_, coordinator) = named_user(
        &f.engine,
        "zenobia.quillfeather@anitp.ro",
        "Zenobia Quillfeather",
        UserRole::Coordinator,
        "ANITP",
    )
    .await;
    let (member, _) = named_user(
        &f.engine,
        "bartholomew.xylander@igpr.ro",
        "Bartholomew Xylander",
        UserRole::Member,
        &f.lead.code,
    )
    .await;
    // The lead reports, with a narrative that is private until the coordinator publishes it.
    let mut t = f.task_of(&f.lead).await;
    for transition in ["acknowledge", "start", "submit"] {
        let mut request = mandate_engine::tasks::Fire::new(t.id, t.version, transition);
        if transition == "submit" {
            request = request.report(mandate_engine::tasks::ReportInput {
                indicator_values: Default::default(),
                narrative: "PRIVAT-7Q: Bartholomew Xylander a sunat la 0722 000 000.".to_owned(),
                evidence: Vec::new(),
            });
        }
        t = f.engine.fire(&member, request).await.expect(transition);
    }
    let path = "/public/plans/test-plan";

    // Not opted in: the same answer as a plan that does not exist.
    let (status, _, hidden_body) = anonymous(&web, path, &[]).await;
    assert_eq!(status, 404);
    let (status, _, unknown_body) = anonymous(&web, "/public/plans/no-such-plan", &[]).await;
    assert_eq!((status, &unknown_body), (404, &hidden_body));

    // The coordinator publishes it from the plan page: an event in the audit trail.
    let plan_page = web
        .get(&coordinator, &format!("/plans/{}", f.plan.id))
        .await;
    assert!(
        plan_page
            .body
            .contains("Progresul acestui plan nu este public."),
        "{}",
        plan_page.body
    );
    let switch = format!("/plans/{}/public", f.plan.id);
    assert!(post_forms(&plan_page.body).contains(&switch));
    let done = web
        .post_form(
            &coordinator,
            &switch,
            &[("csrf", &plan_page.csrf()), ("public", "true")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let kinds = |events: Vec<mandate_engine::entity::event::Model>| -> Vec<String> {
        events.into_iter().map(|e| e.kind).collect()
    };
    let filter = EventFilter {
        plan_id: Some(f.plan.id),
        ..Default::default()
    };
    let events = f
        .engine
        .events(&f.admin, &filter, None, 100)
        .await
        .expect("events");
    assert!(kinds(events).contains(&"plan_published".to_owned()));

    let (status, headers, body) = anonymous(&web, path, &[("accept-language", "en")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["cache-control"], "public, max-age=300");
    assert!(
        body.contains("<html lang=\"ro\">"),
        "the plan's language, not the browser's"
    );
    for shown in [
        "Plan de test",
        "Raport public de progres",
        "Campanii de informare",
        "semestrial",
        "Institution IGPR",
        "Institution ME",
        "Institution ONG",
        "Număr de campanii",
        "neevaluat încă",
        "întârziată",
    ] {
        assert!(body.contains(shown), "`{shown}` missing from:\n{body}");
    }
    assert_nothing_private(&body);

    // The same page again: 304 to a browser that has it.
    let etag = headers["etag"].to_str().expect("etag").to_owned();
    let (status, again, empty) = anonymous(&web, path, &[("if-none-match", &etag)]).await;
    assert_eq!((status, empty.as_str()), (304, ""));
    assert_eq!(again["etag"].to_str().expect("etag"), etag);

    // The coordinator publishes the narrative from the task page: it shows, nothing else does.
    let task_page = web.get(&coordinator, &format!("/tasks/{}", t.id)).await;
    let report = f
        .engine
        .task_view(&f.admin, t.id)
        .await
        .expect("task")
        .reports
        .remove(0);
    let switch = format!("/reports/{}/public", report.id);
    assert!(
        post_forms(&task_page.body).contains(&switch),
        "{}",
        task_page.body
    );
    let done = web
        .post_form(
            &coordinator,
            &switch,
            &[("csrf", &task_page.csrf()), ("public", "true")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let (status, headers, body) = anonymous(&web, path, &[("if-none-match", &etag)]).await;
    assert_eq!(status, 200, "a changed page is sent again");
    assert_ne!(headers["etag"].to_str().expect("etag"), etag);
    assert!(body.contains("a sunat la 0722 000 000."), "{body}");
    let events = f
        .engine
        .events(&f.admin, &filter, None, 100)
        .await
        .expect("events");
    assert!(kinds(events).contains(&"report_published".to_owned()));

    // A member may not publish anything.
    let member_cookie = f
        .engine
        .start_session(
            &f.engine
                .user_by_email("bartholomew.xylander@igpr.ro")
                .await
                .expect("user"),
        )
        .await
        .expect("session")
        .cookie;
    let own_page = web.get(&member_cookie, &format!("/tasks/{}", t.id)).await;
    assert!(!post_forms(&own_page.body).contains(&switch));
    let refused = web
        .post_form(
            &member_cookie,
            &format!("/plans/{}/public", f.plan.id),
            &[("csrf", &own_page.csrf()), ("public", "false")],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    // Switched off: gone again.
    let plan_page = web
        .get(&coordinator, &format!("/plans/{}", f.plan.id))
        .await;
    let done = web
        .post_form(
            &coordinator,
            &format!("/plans/{}/public", f.plan.id),
            &[("csrf", &plan_page.csrf()), ("public", "false")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let (status, _, body) = anonymous(&web, path, &[]).await;
    assert_eq!((status, &body), (404, &hidden_body));
}

async fn a_plan_file_publishes_its_plan_in_its_language(db: TestDb) {
    let f = Fixture::new(&db).await;
    let web = Web::start(&f.engine).await;
    let file = GOOD_PLAN
        .replace(
            "code: \"web-plan\"",
            "code: \"web-plan-pl\"\n  public: true",
        )
        .replace("language: \"ro\"", "language: \"pl\"");
    let draft = plan_file::parse(&file, "web-plan-pl.yaml", None, f.engine.lifecycles())
        .expect("valid plan file");
    f.engine
        .import_plan(&f.admin, &draft, false)
        .await
        .expect("import");
    let (status, _, body) = anonymous(
        &web,
        "/public/plans/web-plan-pl",
        &[("accept-language", "ro")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<html lang=\"pl\">"));
    for shown in [
        "Publiczne sprawozdanie z postępu",
        "Campanii de informare",
        "Asociația &lt;Noua&gt; &amp; Co",
    ] {
        assert!(body.contains(shown), "`{shown}` missing from:\n{body}");
    }
    assert_nothing_private(&body);
    // Imported again without `public:`, it stays published; with `public: false`, it is not.
    let unsaid = GOOD_PLAN
        .replace("code: \"web-plan\"", "code: \"web-plan-pl\"")
        .replace("language: \"ro\"", "language: \"pl\"");
    for (text, expected) in [
        (unsaid, 200),
        (file.replace("public: true", "public: false"), 404),
    ] {
        let draft = plan_file::parse(&text, "web-plan-pl.yaml", None, f.engine.lifecycles())
            .expect("valid plan file");
        f.engine
            .import_plan(&f.admin, &draft, false)
            .await
            .expect("import");
        let (status, _, _) = anonymous(&web, "/public/plans/web-plan-pl", &[]).await;
        assert_eq!(status, expected);
    }
}

/// The value of the `value` attribute of the element with `id`, unescaped.
fn value_of(body: &str, id: &str) -> Option<String> {
    let from = body.find(&format!("id=\"{id}\""))?;
    let rest = &body[from..];
    let start = rest.find("value=\"")? + "value=\"".len();
    let len = rest[start..].find('"')?;
    Some(unescape(&rest[start..start + len]))
}

async fn a_calendar_feed_is_made_copied_and_revoked_from_its_page(db: TestDb) {
    let f = Fixture::new(&db).await;
    let web = Web::start(&f.engine).await;
    let member = signed_in(&f.engine, "user@me.ro", UserRole::Member, Some("ME")).await;

    let page = web.get(&member, "/calendar-feeds").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"no-feeds\""), "{}", page.body);
    assert!(page.body.contains("id=\"scope-ME\""), "{}", page.body);
    assert!(!page.body.contains("id=\"scope-IGPR\""), "{}", page.body);

    // A form without its token makes nothing.
    let refused = web
        .post_form(&member, "/calendar-feeds", &[("scope", "ME")])
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        web.get(&member, "/calendar-feeds")
            .await
            .body
            .contains("id=\"no-feeds\"")
    );

    let created = web
        .post_form(
            &member,
            "/calendar-feeds",
            &[("csrf", &page.csrf()), ("scope", "ME")],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let url = value_of(&created.body, "feed-url").expect("the new feed's address");
    assert!(
        url.starts_with(&format!("{}/calendar/mdc_", web.base)) && url.ends_with(".ics"),
        "{url}"
    );

    // Calendar programs fetch it without a session.
    let answer = web.http.get(&url).send().await.expect("GET feed");
    assert_eq!(answer.status().as_u16(), 200);
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "text/calendar; charset=utf-8");
    assert!(
        header("cache-control").starts_with("private"),
        "{}",
        header("cache-control")
    );
    let calendar = answer.text().await.expect("body");
    assert!(calendar.starts_with("BEGIN:VCALENDAR\r\n"), "{calendar}");
    let task = f.task_of(&f.responsible).await;
    let host = web
        .base
        .trim_start_matches("http://")
        .split(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        calendar.contains(&format!("UID:task-{}@{host}", task.id)),
        "{calendar}"
    );
    assert!(!calendar.contains(&format!("UID:task-{}@", f.task_of(&f.lead).await.id)));

    // The page lists it (never with its address) and revokes it.
    let page = web.get(&member, "/calendar-feeds").await;
    assert!(!page.body.contains(&url), "the address is shown once only");
    let revoke = post_forms(&page.body)
        .into_iter()
        .find(|action| action.ends_with("/revoke"))
        .expect("a revoke form");
    let refused = web.post_form(&member, &revoke, &[]).await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        web.http
            .get(&url)
            .send()
            .await
            .expect("GET")
            .status()
            .as_u16(),
        200
    );
    // Someone else's revoke form is not found.
    let other = signed_in(&f.engine, "user@igpr.ro", UserRole::Member, Some("IGPR")).await;
    let other_page = web.get(&other, "/calendar-feeds").await;
    let refused = web
        .post_form(&other, &revoke, &[("csrf", &other_page.csrf())])
        .await;
    assert_eq!(refused.status, 404);
    let revoked = web
        .post_form(&member, &revoke, &[("csrf", &page.csrf())])
        .await;
    assert_eq!(revoked.status, 303);
    let page = web.get(&member, "/calendar-feeds").await;
    assert!(
        !post_forms(&page.body)
            .iter()
            .any(|a| a.ends_with("/revoke"))
    );

    // A revoked address, a made-up one and a malformed one answer alike.
    let gone = web.http.get(&url).send().await.expect("GET");
    assert_eq!(gone.status().as_u16(), 404);
    let gone = gone.text().await.expect("body");
    for path in [
        format!("/calendar/mdc_{}.ics", "0".repeat(64)),
        "/calendar/anything".to_owned(),
    ] {
        let answer = web
            .http
            .get(format!("{}{path}", web.base))
            .send()
            .await
            .expect("GET");
        assert_eq!(answer.status().as_u16(), 404, "{path}");
        assert_eq!(answer.text().await.expect("body"), gone, "{path}");
    }
}

/// The report form of the plan page: a period and a format lead to a download link made for the
/// person signed in, which names the plan, the period and the format; a period that cannot be
/// read is named beside the form and makes no link; a person who may not read the plan gets none.
async fn the_plan_page_downloads_the_monitoring_report(db: TestDb) {
    let f = Fixture::new(&db).await;
    let web = Web::start(&f.engine).await;
    let coordinator = signed_in(
        &f.engine,
        "coord@anitp.ro",
        UserRole::Coordinator,
        Some("ANITP"),
    )
    .await;
    let plan_page = format!("/plans/{}", f.plan.id);
    let page = web.get(&coordinator, &plan_page).await;
    assert_eq!(page.status, 200);
    let form = format!("action=\"/plans/{}/report\"", f.plan.id);
    assert!(page.body.contains(&form), "{}", page.body);
    for format in ["xlsx", "docx", "html", "csv"] {
        assert!(
            page.body.contains(&format!("<option value=\"{format}\">")),
            "{format}"
        );
    }

    let asked = web
        .get(
            &coordinator,
            &format!("/plans/{}/report?period=2021-S1&format=docx", f.plan.id),
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let location = asked.location.clone().expect("a redirect");
    let token = location.strip_prefix("/reports/").expect("a download link");
    let download = f
        .engine
        .open_report_download(token)
        .await
        .expect("a genuine link");
    assert_eq!(download.plan.id, f.plan.id);
    assert_eq!(download.period.to_string(), "2021-S1");
    assert_eq!(download.format, "docx");
    assert_eq!(download.actor.institution_id, Some(f.owner.id));

    let refused = web
        .get(
            &coordinator,
            &format!("/plans/{}/report?period=2021-S3&format=xlsx", f.plan.id),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.location.is_none());
    assert!(
        refused.body.contains("id=\"report-period-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("2021-S3"), "{}", refused.body);
    let unknown_format = web
        .get(
            &coordinator,
            &format!("/plans/{}/report?period=2021&format=pdf", f.plan.id),
        )
        .await;
    assert_eq!(unknown_format.status, 422);

    let outsider = signed_in(
        &f.engine,
        "someone@outsider.ro",
        UserRole::Member,
        Some(&f.outsider.code),
    )
    .await;
    let hidden = web
        .get(
            &outsider,
            &format!("/plans/{}/report?period=2021&format=xlsx", f.plan.id),
        )
        .await;
    assert_eq!(hidden.status, 404);
    assert!(hidden.location.is_none());
}

/// The part of `body` from the element with `id` to the end of its row (`</tr>`).
fn table_row<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no row `{id}` in:\n{body}"));
    let len = body[start..].find("</tr>").unwrap_or(body.len() - start);
    &body[start..start + len]
}

/// A form refused: where it is sent, its fields, the id of the error shown and what it names.
type Refusal<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str, &'a str);

/// The numbers of a statistics row, in column order.
fn counts(row: &str) -> Vec<u64> {
    row.split("<td>")
        .skip(1)
        .filter_map(|cell| cell.split('<').next()?.trim().parse().ok())
        .collect()
}

/// The petitions register of the Timișoara Local Police (seed 002), imported with the built-in
/// lifecycles and policies, on Friday 29 November 2024, 10:00 in Timișoara.
async fn petitions_register(db: &TestDb) -> Fixture {
    let f = Fixture::new(db).await;
    f.clock
        .set("2024-11-29T08:00:00Z".parse().expect("instant"));
    let file = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows/registers/politia-locala-timisoara-petitii.yaml");
    let draft = plan_file::load(&file, f.engine.lifecycles())
        .unwrap_or_else(|p| panic!("the seed register loads with the built-in lifecycles: {p:?}"));
    f.engine
        .import_plan(&Actor::operator(), &draft, false)
        .await
        .expect("import");
    f
}

/// The petitions register of the Timișoara Local Police (seed 002), imported with the built-in
/// lifecycles and policies: its office registers a case through the form (received defaulting
/// to now in the register's time zone), routes it to the Public Order service, whose inbox then
/// has the task; the statistics follow the case from received to answered in term. Bad input is
/// refused beside its field with the value named, and people of other institutions (or of a
/// department) may neither register nor route: nothing is written.
async fn cases_are_registered_and_routed_from_the_register_page(db: TestDb) {
    let f = petitions_register(&db).await;
    let web = Web::start(&f.engine).await;
    let head = signed_in(
        &f.engine,
        "sef.scpd@politialocalatm.example",
        UserRole::Coordinator,
        Some("PLT-SCPD"),
    )
    .await;
    let sop = signed_in(
        &f.engine,
        "sop@politialocalatm.example",
        UserRole::Member,
        Some("PLT-SOP"),
    )
    .await;
    let anitp = signed_in(
        &f.engine,
        "coordonator@anitp.example",
        UserRole::Coordinator,
        Some("ANITP"),
    )
    .await;
    let path = "/registers/petitii-plt";
    let written = || async {
        let cases = f
            .engine
            .cases(&Actor::operator(), "petitii-plt", 100)
            .await
            .expect("cases");
        let tasks: usize = cases.iter().map(|c| c.tasks.len()).sum();
        (cases.len(), tasks)
    };

    // The plans list and the registers list lead to the register page.
    let plans = web.get(&head, "/plans").await;
    assert!(
        plans.body.contains(&format!("href=\"{path}\"")),
        "{}",
        plans.body
    );
    let list = web.get(&head, "/registers").await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains(&format!("href=\"{path}\"")),
        "{}",
        list.body
    );

    let page = web.get(&head, path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for shown in [
        "Petiții — Poliția Locală Timișoara",
        "Serviciul Comunicare, Prevenire și Dispecerat (PLT-SCPD)",
        "Serviciul Ordine Publică (PLT-SOP)",
        "30 de zile de la înregistrare",
        // Received: now, in the register's time zone.
        "name=\"received\" type=\"datetime-local\" value=\"2024-11-29T10:00\"",
        "id=\"no-cases\"",
    ] {
        assert!(
            page.body.contains(shown),
            "`{shown}` missing:\n{}",
            page.body
        );
    }
    let csrf = page.csrf();

    let sent = web
        .post_form(
            &head,
            "/registers/petitii-plt/cases",
            &[
                ("csrf", &csrf),
                ("received", "2024-11-29T09:40"),
                (
                    "subject",
                    "Autoturisme parcate pe trotuar, str. Paris nr. 3",
                ),
                ("petitioner", "P-2024-0118"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        sent.location.as_deref(),
        Some("/registers/petitii-plt?done=registered-1")
    );
    let case = f
        .engine
        .case_by_number(&Actor::operator(), "petitii-plt", "1")
        .await
        .expect("case 1");
    assert_eq!(
        case.action.received_at,
        Some("2024-11-29T07:40:00Z".parse().expect("instant"))
    );
    assert_eq!(case.action.petitioner.as_deref(), Some("P-2024-0118"));

    let page = web.get(&head, &format!("{path}?done=registered-1")).await;
    assert!(page.body.contains("id=\"done\""), "{}", page.body);
    let row = table_row(&page.body, "case-1");
    // The term: 30 days from Friday 29 November end on Sunday 29 December, so Monday 30.
    for shown in [
        "29.11.2024 09:40",
        "Autoturisme parcate pe trotuar, str. Paris nr. 3",
        "P-2024-0118",
        "30.12.2024",
    ] {
        assert!(row.contains(shown), "`{shown}` missing in the row:\n{row}");
    }
    assert_eq!(
        counts(table_row(&page.body, "statistics-total")),
        [1, 0, 0, 0, 1, 0, 0]
    );

    // Routed to the Public Order service: its task, in its inbox.
    let sent = web
        .post_form(
            &head,
            "/registers/petitii-plt/route",
            &[("csrf", &csrf), ("case", "1"), ("department", "PLT-SOP")],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = web.get(&head, path).await;
    let row = table_row(&page.body, "case-1");
    assert!(row.contains(">PLT-SOP</a>"), "{row}");
    assert!(
        page.body.contains("data-department=\"PLT-SOP\""),
        "{}",
        page.body
    );
    let inbox = web.get(&sop, "/").await;
    assert!(
        inbox
            .body
            .contains("Autoturisme parcate pe trotuar, str. Paris nr. 3"),
        "the department's inbox lacks the case:\n{}",
        inbox.body
    );
    assert_eq!(written().await, (1, 1));

    // Bad input: refused beside the field, the value named, nothing written.
    let refusals: [Refusal; 5] = [
        (
            "/registers/petitii-plt/cases",
            &[("received", "2024-13-01T09:00"), ("subject", "Zgomot")],
            "received-error",
            "2024-13-01T09:00",
        ),
        (
            "/registers/petitii-plt/cases",
            &[("received", "2023-06-01T09:00"), ("subject", "Zgomot")],
            "received-error",
            "2023-06-01",
        ),
        (
            "/registers/petitii-plt/cases",
            &[("received", "2024-11-29T09:00"), ("subject", "   ")],
            "subject-error",
            "must not be empty",
        ),
        (
            "/registers/petitii-plt/route",
            &[("case", "1"), ("department", "PLT-XYZ")],
            "department-error",
            "PLT-XYZ",
        ),
        (
            "/registers/petitii-plt/route",
            &[("case", "99"), ("department", "PLT-SCR")],
            "case-error",
            "`99`",
        ),
    ];
    for (action, fields, error, named) in refusals {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let refused = web.post_form(&head, action, &form).await;
        assert_eq!(refused.status, 422, "{action} {fields:?}: {}", refused.body);
        let at = refused
            .body
            .find(&format!("id=\"{error}\""))
            .unwrap_or_else(|| panic!("no `{error}` for {fields:?}:\n{}", refused.body));
        let message = &refused.body[at..at + refused.body[at..].find("</p>").unwrap_or(0)];
        assert!(message.contains(named), "`{named}` not named: {message}");
        assert_eq!(written().await, (1, 1), "{fields:?} wrote something");
    }

    // Another institution's coordinator does not see the register; a department may read its
    // cases but neither register nor route: nothing written.
    assert_eq!(web.get(&anitp, path).await.status, 404);
    for (who, status) in [(&anitp, 404), (&sop, 403)] {
        let csrf = web.get(who, "/registers").await.csrf();
        let refused = web
            .post_form(
                who,
                "/registers/petitii-plt/cases",
                &[("csrf", &csrf), ("subject", "Zgomot")],
            )
            .await;
        assert_eq!(refused.status, status, "{}", refused.body);
        let refused = web
            .post_form(
                who,
                "/registers/petitii-plt/route",
                &[("csrf", &csrf), ("case", "1"), ("department", "PLT-SCR")],
            )
            .await;
        assert_eq!(refused.status, status, "{}", refused.body);
    }
    let sop_page = web.get(&sop, path).await;
    assert!(
        !sop_page.body.contains("id=\"new-case\""),
        "{}",
        sop_page.body
    );
    assert_eq!(written().await, (1, 1));

    // The department answers on 5 December, the head signs: answered in term.
    let task = f
        .engine
        .case_by_number(&Actor::operator(), "petitii-plt", "1")
        .await
        .expect("case")
        .tasks
        .remove(0);
    let sop_actor = Actor::user(
        "sop@politialocalatm.example",
        UserRole::Member,
        Some(task.institution_id),
    );
    let head_actor = Actor::user(
        "sef.scpd@politialocalatm.example",
        UserRole::Coordinator,
        Some(case.register.owner_id),
    );
    f.clock
        .set("2024-12-05T08:00:00Z".parse().expect("instant"));
    let mut task = task;
    for (actor, transition) in [
        (&sop_actor, "start"),
        (&sop_actor, "draft_answer"),
        (&head_actor, "sign"),
        (&head_actor, "send_answer"),
    ] {
        let mut fire = Fire::new(task.id, task.version, transition);
        if transition == "draft_answer" {
            fire = fire.report(ReportInput {
                narrative: "Răspuns: s-au aplicat sancțiuni.".into(),
                ..Default::default()
            });
        }
        task = f.engine.fire(actor, fire).await.expect(transition);
    }
    // Six days on, the head signs in again.
    let head = signed_in(
        &f.engine,
        "sef.scpd@politialocalatm.example",
        UserRole::Coordinator,
        None,
    )
    .await;
    let page = web.get(&head, path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        counts(table_row(&page.body, "statistics-total")),
        [1, 1, 0, 0, 0, 0, 0]
    );
    let row = table_row(&page.body, "case-1");
    assert!(row.contains("răspuns transmis"), "{row}");
}

/// A department forwards a petition to another department from the task page: the form offers
/// the register's other departments, a forward without one is refused beside its field and
/// changes nothing, and once forwarded the task, out of the department's sight, sends the
/// person back to the inbox with the confirmation.
async fn a_petition_is_forwarded_to_another_department_from_its_task_page(db: TestDb) {
    let f = petitions_register(&db).await;
    let case = f
        .engine
        .create_case(
            &Actor::operator(),
            NewCase {
                register: "petitii-plt".into(),
                received_at: "2024-11-29T07:40:00Z".parse().expect("instant"),
                subject: "Autoturisme parcate pe trotuar, str. Paris nr. 3".into(),
                petitioner: None,
                registered_at: None,
            },
        )
        .await
        .expect("case registered");
    let routed = f
        .engine
        .route_case(&Actor::operator(), case.action.id, "PLT-SOP")
        .await
        .expect("case routed");
    let web = Web::start(&f.engine).await;
    let sop = signed_in(
        &f.engine,
        "sop@politialocalatm.example",
        UserRole::Member,
        Some("PLT-SOP"),
    )
    .await;
    let path = format!("/tasks/{}", routed.id);

    let page = web.get(&sop, &path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let form = &page.body[page
        .body
        .find("id=\"form-forward\"")
        .expect("a forward form")..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    assert!(
        form.contains("<option value=\"PLT-SCR\">Serviciul Circulație Rutieră</option>"),
        "{form}"
    );
    assert!(
        !form.contains("value=\"PLT-SOP\""),
        "its own department is no target: {form}"
    );
    let csrf = page.csrf();
    let version = routed.version.to_string();

    let refused = web
        .post_form(
            &sop,
            &format!("{path}/fire"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("transition", "forward"),
                ("reason", "Ține de circulația rutieră."),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"target-error\""),
        "{}",
        refused.body
    );
    let unchanged = task::Entity::find_by_id(routed.id)
        .one(&db.db)
        .await
        .expect("read")
        .expect("task");
    assert_eq!(
        (unchanged.state.as_str(), unchanged.institution_id),
        ("routed", routed.institution_id)
    );

    let sent = web
        .post_form(
            &sop,
            &format!("{path}/fire"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("transition", "forward"),
                ("target", "PLT-SCR"),
                ("reason", "Ține de circulația rutieră."),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location.as_deref(), Some("/?done=forward"));
    let inbox = web.get(&sop, "/?done=forward").await;
    assert!(inbox.body.contains("id=\"done\""), "{}", inbox.body);
    assert!(
        !inbox.body.contains(&format!("id=\"task-{}\"", routed.id)),
        "{}",
        inbox.body
    );
    let moved = task::Entity::find_by_id(routed.id)
        .one(&db.db)
        .await
        .expect("read")
        .expect("task");
    let scr = institution::Entity::find()
        .filter(institution::Column::Code.eq("PLT-SCR"))
        .one(&db.db)
        .await
        .expect("read")
        .expect("PLT-SCR");
    assert_eq!(
        (moved.state.as_str(), moved.institution_id),
        ("forwarded", scr.id)
    );
}

on_both_databases!(
    cases_are_registered_and_routed_from_the_register_page,
    a_petition_is_forwarded_to_another_department_from_its_task_page,
    the_plan_page_downloads_the_monitoring_report,
    plan_level_values_are_entered_on_the_plan_page,
    a_calendar_feed_is_made_copied_and_revoked_from_its_page,
    a_page_past_the_time_limit_is_stopped_and_says_so,
    directory_lists_institutions_and_hides_addresses_from_members,
    import_shows_problems_then_changes_and_imports_on_confirm,
    members_and_auditors_may_not_import,
    a_post_without_the_form_token_is_refused_and_changes_nothing,
    the_audit_trail_filters_pages_and_offers_the_auditor_no_form,
    the_public_page_shows_an_opted_in_plan_and_nothing_private,
    a_plan_file_publishes_its_plan_in_its_language,
);
