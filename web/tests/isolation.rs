//! A member of one institution reaches no other institution's task, report, event or sign-off
//! through any page: asked for by id, listed, filtered, or shown beside what it may read. Over
//! HTTP on SQLite and PostgreSQL, in the world of `engine/tests/support/isolation.rs` (the
//! GraphQL side of the same proof is `graphql/tests/isolation.rs`).
//!
//! [`PAGES`] is the table of what the member opens; adding a page means adding a line.

#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;

use mandate_engine::Engine;
use mandate_engine::accounts::NewUser;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use mandate_web::WebConfig;
use tokio::net::TcpListener;

use support::TestDb;
use support::isolation::{self, Isolated};

on_both_databases!(a_member_opens_no_page_of_another_institution);

/// What a page's `{id}` or `{code}` stands for; a page with a target is opened once for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// No placeholder.
    Nothing,
    /// `{id}`: every task of another institution.
    ForeignTask,
    /// `{id}`: the member's own tasks.
    OwnTask,
    /// `{id}`: the action the member's institution takes no part in.
    ForeignAction,
    /// `{id}`: the action shared with the other institutions.
    SharedAction,
    /// `{id}`: the plan the member's institution takes no part in.
    ForeignPlan,
    /// `{id}`: the plan the member reads.
    OwnPlan,
    /// `{code}`: every other institution.
    ForeignInstitution,
}

/// The status the page must answer with (besides showing nothing of another institution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 404, as for a record that does not exist.
    NotFound,
    /// 200.
    Shown,
}

use Expect::*;
use Target::*;

/// Every page the member opens: (what, target, expected status, path).
#[rustfmt::skip]
const PAGES: &[(&str, Target, Expect, &str)] = &[
    ("task page", ForeignTask, NotFound, "/tasks/{id}"),
    ("action page", ForeignAction, NotFound, "/actions/{id}"),
    ("plan page", ForeignPlan, NotFound, "/plans/{id}"),
    ("own task page", OwnTask, Shown, "/tasks/{id}"),
    ("shared action page", SharedAction, Shown, "/actions/{id}"),
    ("own plan page", OwnPlan, Shown, "/plans/{id}"),
    ("inbox", Nothing, Shown, "/"),
    ("plans", Nothing, Shown, "/plans"),
    ("institutions", Nothing, Shown, "/institutions"),
    ("audit trail", Nothing, Shown, "/audit"),
    ("audit trail of another institution's people", ForeignInstitution, Shown, "/audit?institution={code}"),
    ("audit trail of a plan of others", ForeignPlan, Shown, "/audit?plan={id}"),
    ("audit trail of the own plan", OwnPlan, Shown, "/audit?plan={id}"),
];

/// The web application on a free port, and the member's session cookie.
struct Web {
    base: String,
    http: reqwest::Client,
    cookie: String,
}

impl Web {
    async fn start(w: &Isolated) -> Self {
        let engine: &Engine = &w.f.engine;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("free port");
        let address = listener.local_addr().expect("address");
        let router = mandate_web::router(
            engine.clone(),
            WebConfig {
                public_url: format!("http://{address}"),
                request_timeout: std::time::Duration::from_secs(30),
            },
        )
        .expect("router");
        tokio::spawn(async move { axum::serve(listener, router).await });
        let user = engine
            .create_user(
                &Actor::operator(),
                NewUser {
                    email: EmailAddress::parse("member@ong.ro").expect("email"),
                    name: "Membru ONG".to_owned(),
                    role: UserRole::Member,
                    institution: Some(
                        InstitutionCode::parse(&w.member_institution.code).expect("code"),
                    ),
                },
            )
            .await
            .expect("user");
        let cookie = engine.start_session(&user).await.expect("session").cookie;
        Self {
            base: format!("http://{address}"),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
            cookie,
        }
    }

    /// The status and body of `path`.
    async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("mandate_session={}", self.cookie))
            .send()
            .await
            .expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

/// The paths a page is opened at: one per target.
fn paths(w: &Isolated, target: Target, template: &str) -> Vec<String> {
    let ids = |ids: Vec<i64>| -> Vec<String> {
        ids.into_iter()
            .map(|id| template.replace("{id}", &id.to_string()))
            .collect()
    };
    match target {
        Nothing => vec![template.to_owned()],
        ForeignTask => ids(w.foreign_tasks.clone()),
        OwnTask => ids(w.own_task_ids.clone()),
        ForeignAction => ids(vec![w.foreign_action]),
        SharedAction => ids(vec![w.shared_action]),
        ForeignPlan => ids(vec![w.foreign_plan]),
        OwnPlan => ids(vec![w.own_plan]),
        ForeignInstitution => w
            .foreign_institutions
            .iter()
            .map(|code| template.replace("{code}", code))
            .collect(),
    }
}

/// The numbers in `body` right after `prefix` (`/tasks/12` → 12).
fn linked(body: &str, prefix: &str) -> BTreeSet<i64> {
    body.match_indices(prefix)
        .filter_map(|(at, _)| {
            let digits: String = body[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

/// What is wrong with a page answered `status` with `body`.
fn problems(w: &Isolated, status: u16, body: &str, expect: Expect) -> Vec<String> {
    let mut found = Vec::new();
    let wanted = match expect {
        NotFound => 404,
        Shown => 200,
    };
    if status != wanted {
        found.push(format!("answered {status}, not {wanted}"));
    }
    if body.contains("SECRET") {
        found.push("shows another institution's report, comment or reason".to_owned());
    }
    let tasks: Vec<i64> = linked(body, "/tasks/")
        .into_iter()
        .filter(|id| w.foreign_tasks.contains(id))
        .collect();
    if !tasks.is_empty() {
        found.push(format!("links to the tasks {tasks:?} of others"));
    }
    if linked(body, "/actions/").contains(&w.foreign_action) {
        found.push("links to an action of others".to_owned());
    }
    if linked(body, "/plans/").contains(&w.foreign_plan) {
        found.push("links to a plan of others".to_owned());
    }
    found
}

async fn a_member_opens_no_page_of_another_institution(db: TestDb) {
    let w = isolation::build(&db).await;
    let web = Web::start(&w).await;
    let mut failures = Vec::new();
    let mut opened = 0;
    let mut own_linked = BTreeSet::new();
    for (what, target, expect, template) in PAGES {
        for path in paths(&w, *target, template) {
            let (status, body) = web.get(&path).await;
            opened += 1;
            own_linked.extend(linked(&body, "/tasks/"));
            for problem in problems(&w, status, &body, *expect) {
                failures.push(format!("{what} {path}: {problem}"));
            }
        }
    }
    assert!(
        opened > PAGES.len(),
        "every page opened, some for many targets"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
