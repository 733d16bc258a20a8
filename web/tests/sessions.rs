//! Signing in and sessions over real HTTP: the web routes beside the GraphQL routes (as
//! `mandate serve` merges them) on 127.0.0.1, over a fresh database, on SQLite and PostgreSQL.
//! The engine runs on a manual clock: links and sessions expire because the clock is moved,
//! never because the test sleeps. Redirects are not followed and cookies are carried by hand, so
//! every answer is seen as the browser would first see it.
//!
//! - A page asked for without a session leads to `/sign-in?next=<the page>` (a form sent without
//!   one, to the page of this site it was sent from, else home); the right password
//!   sets `mandate_session` (HttpOnly, SameSite=Lax, Path=/, Secure only when the public address
//!   is https) and goes on to `next`; a wrong password, an unknown address and a user without a
//!   password all get the same 401 page and no cookie.
//! - `next` never leads to another site.
//! - The link e-mailed through the outbox: GET shows a page and spends nothing, POST signs in,
//!   once (409 after), for 15 minutes (410 after); a changed link is 400.
//! - Sessions end 8 h after their last request and 7 days after sign-in however active; a
//!   forged cookie or one signed out opens nothing; signing out needs the session's form token.
//! - Passwords are neither logged nor stored: only an argon2id hash is.

#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::Duration;
use mandate_engine::Engine;
use mandate_engine::accounts::NewUser;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use mandate_engine::mail::{MailSettings, Renderer, Transport};
use mandate_engine::notifications::Sender;
use mandate_graphql::ServerConfig;
use mandate_web::WebConfig;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use support::{Fixture, TestDb};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

on_both_databases!(
    a_page_without_a_session_goes_through_sign_in_and_back,
    next_never_leads_to_another_site,
    an_e_mailed_link_signs_in_once_within_fifteen_minutes,
    sessions_end_idle_after_seven_days_forged_or_signed_out,
    passwords_are_neither_logged_nor_stored,
    password_guessing_stops_after_five_failures_per_address,
    forms_sent_from_another_site_are_refused_and_a_new_sign_in_ends_the_old,
);

/// A member of IGPR with a password.
const EMAIL: &str = "ofiter@igpr.ro";
/// Only letters and digits, so that it reads the same in a form body, a URL and JSON: found in
/// any of them if it were written there.
const PASSWORD: &str = "Zebra4Quartz7Lantern1Mistral";
const WRONG_PASSWORD: &str = "Okapi3Marble8Harbour5Violin";
/// A member of IGPR who never set a password.
const NO_PASSWORD: &str = "coleg@igpr.ro";
const UNKNOWN: &str = "nimeni@igpr.ro";

/// The server, its engine and clock, and a folder for the mail the outbox sends.
struct Site {
    f: Fixture,
    base: String,
    http: reqwest::Client,
    mail: tempfile::TempDir,
    batches: AtomicUsize,
    stops: Vec<oneshot::Sender<()>>,
    _db: TestDb,
}

impl Drop for Site {
    fn drop(&mut self) {
        for stop in self.stops.drain(..) {
            stop.send(()).ok();
        }
    }
}

/// Serves `engine`'s web and GraphQL routes on a free port; links and cookies are made for
/// `public_url` (the served address when `None`).
async fn serve(engine: &Engine, public_url: Option<&str>) -> (String, oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let web = mandate_web::router(
        engine.clone(),
        WebConfig {
            public_url: public_url.map_or_else(|| base.clone(), str::to_owned),
            request_timeout: std::time::Duration::from_secs(30),
        },
    )
    .expect("web routes");
    let router = mandate_graphql::router(engine.clone(), &ServerConfig::default())
        .expect("GraphQL routes")
        .merge(web);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(mandate_graphql::serve(listener, router, async {
        stopped.await.ok();
    }));
    (base, stop)
}

/// An answer as the browser first sees it.
#[derive(Debug)]
struct Answer {
    status: u16,
    location: Option<String>,
    retry_after: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

/// A `Set-Cookie` for the session cookie: its value and attributes.
#[derive(Debug)]
struct SetCookie {
    value: String,
    attributes: Vec<String>,
}

impl SetCookie {
    /// Whether the cookie carries `attribute` (`HttpOnly`, `SameSite=Lax`…), whatever its case.
    fn has(&self, attribute: &str) -> bool {
        self.attributes
            .iter()
            .any(|a| a.eq_ignore_ascii_case(attribute))
    }
}

impl Answer {
    /// The session cookie this answer sets, if any; panics on a second one.
    fn session(&self) -> Option<SetCookie> {
        let mut found = self.set_cookies.iter().filter_map(|line| {
            let mut parts = line.split(';').map(str::trim);
            let (name, value) = parts.next()?.split_once('=')?;
            (name == "mandate_session").then(|| SetCookie {
                value: value.to_owned(),
                attributes: parts.map(str::to_owned).collect(),
            })
        });
        let first = found.next();
        assert!(found.next().is_none(), "two session cookies: {self:?}");
        first
    }

    /// The `next` of a redirect to the sign-in page, decoded; panics on any other answer.
    fn sign_in_next(&self) -> String {
        assert_eq!(self.status, 303, "not sent to sign in: {self:?}");
        let location = self.location.as_deref().unwrap_or_default();
        let next = location
            .strip_prefix("/sign-in?next=")
            .unwrap_or_else(|| panic!("not sent to sign in: {self:?}"));
        percent_decode(next)
    }

    /// The `next` of a redirect to the sign-in page saying a link was sent, decoded.
    fn sent_next(&self) -> String {
        assert_eq!(self.status, 303, "not sent back to sign in: {self:?}");
        let location = self.location.as_deref().unwrap_or_default();
        let next = location
            .strip_prefix("/sign-in?sent=1&next=")
            .unwrap_or_else(|| panic!("not sent back to sign in: {self:?}"));
        percent_decode(next)
    }
}

/// `text` percent-encoded but for unreserved characters (a form or query value).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A form or query value decoded.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
                out.push(u8::from_str_radix(hex, 16).expect("a percent escape"));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// Text of an HTML attribute, unescaped as minijinja escapes it.
fn unescape(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The values of the inputs named `name` on a page.
fn inputs(body: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" value=\"");
    body.match_indices(&marker)
        .map(|(at, _)| {
            let rest = &body[at + marker.len()..];
            unescape(&rest[..rest.find('"').expect("a closing quote")])
        })
        .collect()
}

impl Site {
    async fn new(db: TestDb) -> Self {
        let f = Fixture::new(&db).await;
        let operator = Actor::operator();
        for (email, name) in [(EMAIL, "Ofițer IGPR"), (NO_PASSWORD, "Coleg IGPR")] {
            f.engine
                .create_user(
                    &operator,
                    NewUser {
                        email: EmailAddress::parse(email).expect("address"),
                        name: name.to_owned(),
                        role: UserRole::Member,
                        institution: Some(InstitutionCode::parse("IGPR").expect("code")),
                    },
                )
                .await
                .expect("user created");
        }
        f.engine
            .set_password(&operator, EMAIL, PASSWORD)
            .await
            .expect("password set");
        let (base, stop) = serve(&f.engine, None).await;
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
            base,
            mail: tempfile::tempdir().expect("a mail folder"),
            batches: AtomicUsize::new(0),
            stops: vec![stop],
            f,
            _db: db,
        }
    }

    /// The same engine served once more, with `public_url` as its public address.
    async fn also_served_for(&mut self, public_url: &str) -> String {
        let (base, stop) = serve(&self.f.engine, Some(public_url)).await;
        self.stops.push(stop);
        base
    }

    async fn answer(&self, request: reqwest::RequestBuilder, cookie: Option<&str>) -> Answer {
        let request = match cookie {
            Some(value) => request.header("cookie", format!("mandate_session={value}")),
            None => request,
        };
        let response = request.send().await.expect("an answer");
        let headers = response.headers();
        Answer {
            status: response.status().as_u16(),
            location: headers
                .get("location")
                .map(|v| v.to_str().expect("ASCII").to_owned()),
            retry_after: headers
                .get("retry-after")
                .map(|v| v.to_str().expect("ASCII").to_owned()),
            set_cookies: headers
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().expect("ASCII").to_owned())
                .collect(),
            body: response.text().await.expect("a body"),
        }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        self.answer(self.http.get(format!("{}{path}", self.base)), cookie)
            .await
    }

    async fn post_to(
        &self,
        base: &str,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Answer {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let request = self
            .http
            .post(format!("{base}{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.answer(request, cookie).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Answer {
        self.post_to(&self.base, path, form, cookie).await
    }

    /// Signs in by password and returns the session cookie's value.
    async fn sign_in(&self) -> String {
        let answer = self
            .post(
                "/sign-in",
                &[("email", EMAIL), ("password", PASSWORD), ("next", "/")],
                None,
            )
            .await;
        assert_eq!(answer.status, 303, "{answer:?}");
        answer.session().expect("a session cookie").value
    }

    /// Whether `cookie` opens a page: `true` on the page, `false` on the way to the sign-in page
    /// (back to that page); anything else fails.
    async fn opens(&self, cookie: &str) -> bool {
        let answer = self.get("/plans", Some(cookie)).await;
        if answer.status == 200 {
            assert!(
                answer.body.contains("action=\"/sign-out\""),
                "a signed-in page: {answer:?}"
            );
            return true;
        }
        assert_eq!(answer.sign_in_next(), "/plans");
        false
    }

    /// The form token on a page of the session of `cookie`.
    async fn csrf(&self, cookie: &str) -> String {
        let page = self.get("/plans", Some(cookie)).await;
        assert_eq!(page.status, 200, "{page:?}");
        let tokens = inputs(&page.body, "csrf");
        assert!(!tokens.is_empty(), "no form token on the page");
        assert!(tokens.iter().all(|t| t == &tokens[0] && !t.is_empty()));
        tokens[0].clone()
    }

    /// Asks for a sign-in link for `email`, as the sign-in page does, leading to `next`.
    async fn ask_for_link(&self, email: &str, next: &str) -> Answer {
        let answer = self
            .post("/sign-in/link", &[("email", email), ("next", next)], None)
            .await;
        assert!(answer.set_cookies.is_empty(), "{answer:?}");
        answer
    }

    /// Sends what the outbox holds to `.eml` files, as the server's sender would, and returns
    /// the path of the one sign-in link in them (`/sign-in/<token>`), checking that it was sent
    /// to [`EMAIL`] and is the only one.
    async fn e_mailed_link(&self) -> String {
        let batch = self.batches.fetch_add(1, Ordering::Relaxed);
        let dir = self.mail.path().join(format!("batch-{batch}"));
        let sender = Sender {
            transport: Transport::files(&dir).expect("mail folder"),
            renderer: Renderer::builtin().expect("mail templates"),
            settings: MailSettings {
                from: "Mandate <mandate@mandate.test>".parse().expect("address"),
                public_url: self.base.clone(),
            },
            lease: std::time::Duration::from_secs(300),
            max_attempts: 5,
            parallel: 2,
        };
        let sent = self
            .f
            .engine
            .send_outbox(&sender, 50)
            .await
            .expect("outbox sent");
        assert!(sent.sent > 0, "nothing was e-mailed: {sent:?}");
        let prefix = format!("{}/sign-in/", self.base);
        let mut links = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("mail folder") {
            let path = entry.expect("a mail").path();
            if path.extension().and_then(|e| e.to_str()) != Some("eml") {
                continue;
            }
            let raw = std::fs::read(&path).expect("a mail");
            let message = mailparse::parse_mail(&raw).expect("an e-mail");
            let mut parts = vec![&message];
            while let Some(part) = parts.pop() {
                parts.extend(part.subparts.iter());
                if !part.subparts.is_empty() || part.ctype.mimetype != "text/plain" {
                    continue;
                }
                let body = part.get_body().expect("a text body");
                for (at, _) in body.match_indices(&prefix) {
                    let link: String = body[at + self.base.len()..]
                        .chars()
                        .take_while(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '"'))
                        .collect();
                    use mailparse::MailHeaderMap;
                    let to = message.headers.get_first_value("To").unwrap_or_default();
                    links.push((to, link));
                }
            }
        }
        assert_eq!(links.len(), 1, "one sign-in link e-mailed: {links:?}");
        let (to, link) = links.remove(0);
        assert!(to.contains(EMAIL), "the link went to {to}");
        link
    }
}

async fn a_page_without_a_session_goes_through_sign_in_and_back(db: TestDb) {
    let mut site = Site::new(db).await;
    let task = site.f.task_of(&site.f.lead).await;

    // Signed out, a page leads to the sign-in page, which carries where it was going.
    let task_page = format!("/tasks/{}", task.id);
    for path in ["/", "/plans", "/plans?tab=objectives&x=1", &task_page] {
        let answer = site.get(path, None).await;
        assert_eq!(answer.sign_in_next(), path);
        assert!(answer.set_cookies.is_empty(), "{answer:?}");
        let form = site.get(answer.location.as_deref().unwrap(), None).await;
        assert_eq!(form.status, 200, "{form:?}");
        assert_eq!(inputs(&form.body, "next"), [path, path], "both forms");
    }

    // A form sent without a session (say, after a night away) comes back to the page it was
    // sent from, when that is a page of this site: the form's own address answers only POST.
    let fire = format!("{task_page}/fire");
    let host = site.base.trim_start_matches("http://").to_owned();
    for (referer, next) in [
        (
            Some(format!("{}{task_page}", site.base)),
            task_page.as_str(),
        ),
        (
            Some(format!("https://{host}{task_page}?x=1")),
            &format!("{task_page}?x=1"),
        ),
        (Some(format!("https://evil.example{task_page}")), "/"),
        (Some(format!("http://{host}.evil.example{task_page}")), "/"),
        (Some("/tasks".to_owned()), "/"),
        (None, "/"),
    ] {
        let request = site
            .http
            .post(format!("{}{fire}", site.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("csrf=x");
        let request = match &referer {
            Some(referer) => request.header("referer", referer),
            None => request,
        };
        let answer = site.answer(request, None).await;
        assert_eq!(answer.sign_in_next(), next, "{referer:?}");
    }

    // The right password: a session cookie, and on to where the person was going.
    let next = "/plans?tab=objectives&x=1";
    let answer = site
        .post(
            "/sign-in",
            &[("email", EMAIL), ("password", PASSWORD), ("next", next)],
            None,
        )
        .await;
    assert_eq!(answer.status, 303, "{answer:?}");
    assert_eq!(answer.location.as_deref(), Some(next));
    assert_eq!(answer.set_cookies.len(), 1, "{answer:?}");
    let cookie = answer.session().expect("a session cookie");
    assert!(cookie.value.starts_with("mds_"), "{cookie:?}");
    assert!(cookie.value.len() >= 32, "{cookie:?}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.has(attribute), "{attribute} missing: {cookie:?}");
    }
    assert!(!cookie.has("Secure"), "Secure over http: {cookie:?}");
    assert!(site.opens(&cookie.value).await);
    let task_answer = site.get(&task_page, Some(&cookie.value)).await;
    assert_eq!(task_answer.status, 200, "{task_answer:?}");
    // The address is taken whatever its case.
    let answer = site
        .post(
            "/sign-in",
            &[("email", "Ofiter@IGPR.ro"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        (answer.status, answer.location.as_deref()),
        (303, Some("/"))
    );
    assert!(answer.session().is_some(), "{answer:?}");

    // A wrong password: the sign-in page again, 401, no cookie, the password not shown back.
    let wrong = site
        .post(
            "/sign-in",
            &[
                ("email", EMAIL),
                ("password", WRONG_PASSWORD),
                ("next", "/plans"),
            ],
            None,
        )
        .await;
    assert_eq!(wrong.status, 401, "{wrong:?}");
    assert!(wrong.set_cookies.is_empty(), "{wrong:?}");
    assert!(wrong.location.is_none());
    assert!(
        wrong.body.contains("id=\"password-error\""),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("action=\"/sign-in\""), "{}", wrong.body);
    assert_eq!(inputs(&wrong.body, "next"), ["/plans", "/plans"]);
    assert!(!wrong.body.contains(WRONG_PASSWORD));
    assert!(!wrong.body.contains("action=\"/sign-out\""), "signed in?");
    // An unknown address, a user without a password, an empty or an overlong password: the
    // same answer, but for the address shown back in the form.
    let long = "x".repeat(300);
    for (email, password) in [
        (UNKNOWN, WRONG_PASSWORD),
        (UNKNOWN, PASSWORD),
        (NO_PASSWORD, WRONG_PASSWORD),
        (EMAIL, ""),
        (EMAIL, long.as_str()),
    ] {
        let answer = site
            .post(
                "/sign-in",
                &[("email", email), ("password", password), ("next", "/plans")],
                None,
            )
            .await;
        assert_eq!(answer.status, wrong.status, "{email}: {answer:?}");
        assert!(answer.set_cookies.is_empty(), "{email}: {answer:?}");
        assert_eq!(
            answer.body.replace(email, "ADDRESS"),
            wrong.body.replace(EMAIL, "ADDRESS"),
            "{email}: another answer than for a wrong password"
        );
    }

    // Served at an https address, the cookie is Secure (and signing out clears it as Secure).
    let https = site.also_served_for("https://mandate.test").await;
    let answer = site
        .post_to(
            &https,
            "/sign-in",
            &[("email", EMAIL), ("password", PASSWORD), ("next", "/plans")],
            None,
        )
        .await;
    assert_eq!(
        (answer.status, answer.location.as_deref()),
        (303, Some("/plans"))
    );
    let secure = answer.session().expect("a session cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(secure.has(attribute), "{attribute} missing: {secure:?}");
    }
    let csrf = site.csrf(&secure.value).await;
    let out = site
        .post_to(&https, "/sign-out", &[("csrf", &csrf)], Some(&secure.value))
        .await;
    assert_eq!(out.status, 303, "{out:?}");
    let cleared = out.session().expect("the cookie cleared");
    assert!(cleared.value.is_empty() && cleared.has("Max-Age=0") && cleared.has("Secure"));
}

async fn next_never_leads_to_another_site(db: TestDb) {
    let site = Site::new(db).await;
    for bad in [
        "//evil.example",
        "//evil.example/plans",
        "https://evil.example",
        "https://evil.example/plans",
        "/\\evil",
        "/\\/evil.example",
        "javascript:alert(1)",
        "plans",
        "/plans\r\nSet-Cookie: x=1",
    ] {
        let answer = site
            .post(
                "/sign-in",
                &[("email", EMAIL), ("password", PASSWORD), ("next", bad)],
                None,
            )
            .await;
        assert_eq!(answer.status, 303, "{bad:?}: {answer:?}");
        assert_eq!(answer.location.as_deref(), Some("/"), "{bad:?}");
        assert!(answer.session().is_some(), "{bad:?}: {answer:?}");
        // Nor does the sign-in page carry it on.
        let form = site
            .get(&format!("/sign-in?next={}", encode(bad)), None)
            .await;
        assert_eq!(form.status, 200, "{bad:?}: {form:?}");
        assert_eq!(inputs(&form.body, "next"), ["/", "/"], "{bad:?}");
    }
    // Nor a link: asked for with another site as `next`, it leads home.
    let asked = site.ask_for_link(EMAIL, "//evil.example").await;
    assert_eq!(asked.status, 303, "{asked:?}");
    assert_eq!(asked.sent_next(), "/");
    let link = site.e_mailed_link().await;
    let used = site.post(&link, &[], None).await;
    assert_eq!(
        (used.status, used.location.as_deref()),
        (303, Some("/")),
        "{used:?}"
    );
    assert!(used.session().is_some(), "{used:?}");
}

async fn an_e_mailed_link_signs_in_once_within_fifteen_minutes(db: TestDb) {
    let site = Site::new(db).await;
    let asked = site.ask_for_link(EMAIL, "/plans").await;
    assert_eq!(asked.sent_next(), "/plans");
    // An unknown address gets the same answer, and no mail (one link in the outbox).
    let unknown = site.ask_for_link(UNKNOWN, "/plans").await;
    assert_eq!(
        (unknown.status, &unknown.location),
        (asked.status, &asked.location)
    );
    let page = site.get(asked.location.as_deref().unwrap(), None).await;
    assert_eq!(inputs(&page.body, "next"), ["/plans", "/plans"]);
    assert!(page.body.contains("id=\"link-sent\""), "{}", page.body);
    let link = site.e_mailed_link().await;
    assert!(link.starts_with("/sign-in/"), "{link}");

    // Opening it shows a page whose button signs in, and spends nothing (a mail scanner may
    // open it any number of times).
    for _ in 0..2 {
        let page = site.get(&link, None).await;
        assert_eq!(page.status, 200, "{page:?}");
        assert!(page.set_cookies.is_empty(), "{page:?}");
        assert!(
            unescape(&page.body).contains(&format!("<form method=\"post\" action=\"{link}\">")),
            "{}",
            page.body
        );
    }

    // 14 minutes later, the button signs in and goes to `next`.
    site.f.clock.advance(Duration::minutes(14));
    let used = site.post(&link, &[], None).await;
    assert_eq!(used.status, 303, "{used:?}");
    assert_eq!(used.location.as_deref(), Some("/plans"));
    let cookie = used.session().expect("a session cookie");
    assert!(cookie.has("HttpOnly") && cookie.has("SameSite=Lax") && cookie.has("Path=/"));
    assert!(site.opens(&cookie.value).await);

    // Once only.
    let again = site.post(&link, &[], None).await;
    assert_eq!(again.status, 409, "{again:?}");
    assert!(again.set_cookies.is_empty(), "{again:?}");
    assert!(again.body.contains("already used"), "{}", again.body);

    // A link is refused once 15 minutes have passed.
    site.ask_for_link(EMAIL, "/plans").await;
    let late = site.e_mailed_link().await;
    assert_ne!(late, link);
    site.f
        .clock
        .advance(Duration::minutes(15) + Duration::seconds(1));
    let expired = site.post(&late, &[], None).await;
    assert_eq!(expired.status, 410, "{expired:?}");
    assert!(expired.set_cookies.is_empty(), "{expired:?}");
    assert!(expired.body.contains("has expired"), "{}", expired.body);

    // A changed link is not a link: whichever part is changed.
    site.ask_for_link(EMAIL, "/plans").await;
    let fresh = site.e_mailed_link().await;
    let token = fresh.strip_prefix("/sign-in/").expect("a token");
    let [id, expires, signature]: [&str; 3] = token
        .split('.')
        .collect::<Vec<_>>()
        .try_into()
        .expect("id.expires.signature");
    let used_id = link
        .strip_prefix("/sign-in/")
        .and_then(|t| t.split('.').next())
        .expect("an id");
    let flipped = {
        let mut s = signature.to_owned();
        let last = if s.ends_with('0') { "1" } else { "0" };
        s.replace_range(s.len() - 1.., last);
        s
    };
    let later: i64 = expires.parse::<i64>().expect("a timestamp") + 3600;
    let next_id: i64 = id.parse::<i64>().expect("an id") + 1;
    for changed in [
        format!("{id}.{expires}.{flipped}"),
        format!("{id}.{later}.{signature}"),
        format!("{next_id}.{expires}.{signature}"),
        format!("{used_id}.{expires}.{signature}"),
        format!("{id}.{expires}"),
        format!("{id}.{expires}.{signature}.0"),
        format!("{id}.{expires}.{}", &signature[..signature.len() - 2]),
        "nothing".to_owned(),
    ] {
        let answer = site.post(&format!("/sign-in/{changed}"), &[], None).await;
        assert_eq!(answer.status, 400, "{changed}: {answer:?}");
        assert!(answer.set_cookies.is_empty(), "{changed}: {answer:?}");
        assert!(
            answer.body.contains("not valid"),
            "{changed}: {}",
            answer.body
        );
    }
    // The link itself still works: the 400s were the changes.
    let used = site.post(&fresh, &[], None).await;
    assert_eq!(
        (used.status, used.location.as_deref()),
        (303, Some("/plans")),
        "{used:?}"
    );
}

async fn sessions_end_idle_after_seven_days_forged_or_signed_out(db: TestDb) {
    let site = Site::new(db).await;
    let clock = &site.f.clock;

    // Idle: a request within 8 hours keeps the session; 8 hours and a minute end it.
    let cookie = site.sign_in().await;
    clock.advance(Duration::hours(7) + Duration::minutes(59));
    assert!(site.opens(&cookie).await, "after 7 h 59 min idle");
    clock.advance(Duration::hours(8) + Duration::minutes(1));
    assert!(!site.opens(&cookie).await, "after 8 h 1 min idle");
    // And for good: it does not come back.
    clock.advance(-Duration::hours(1));
    assert!(!site.opens(&cookie).await, "an idle session came back");
    clock.advance(Duration::hours(1));

    // Active: a request every three hours of clock, and it still ends 7 days after sign-in.
    let start = site.f.engine.now();
    let cookie = site.sign_in().await;
    let end = start + Duration::days(7);
    let mut requests = 0;
    while site.f.engine.now() + Duration::hours(3) < end {
        clock.advance(Duration::hours(3));
        let at = site.f.engine.now() - start;
        assert!(site.opens(&cookie).await, "active, {at} after sign-in");
        requests += 1;
    }
    assert_eq!(requests, 55);
    clock.set(end - Duration::minutes(1));
    assert!(site.opens(&cookie).await, "a minute before 7 days");
    clock.set(end + Duration::minutes(1));
    assert!(!site.opens(&cookie).await, "7 days after sign-in");

    // Forged cookies open nothing; the real one, beside them, does.
    let cookie = site.sign_in().await;
    let mut changed = cookie.clone();
    let last = if changed.ends_with('A') { "B" } else { "A" };
    changed.replace_range(changed.len() - 1.., last);
    let random = {
        use std::hash::{BuildHasher, RandomState};
        let state = RandomState::new();
        let words: Vec<String> = (0..4u8)
            .map(|i| format!("{:016x}", state.hash_one(i)))
            .collect();
        format!("mds_{}", words.concat())
    };
    let unprefixed = cookie.trim_start_matches("mds_").to_owned();
    for forged in [random.as_str(), &changed, &unprefixed, "mds_", ""] {
        assert!(!site.opens(forged).await, "{forged:?} opened a page");
        let out = site.post("/sign-out", &[("csrf", "x")], Some(forged)).await;
        assert_eq!(out.sign_in_next(), "/", "{forged:?}");
    }
    assert!(site.opens(&cookie).await);

    // Signing out needs the session's form token; without it nothing changes.
    let csrf = site.csrf(&cookie).await;
    let other = site.sign_in().await;
    let other_csrf = site.csrf(&other).await;
    assert_ne!(csrf, other_csrf);
    let wrong = "0".repeat(csrf.len());
    for (what, form) in [
        ("no token", vec![]),
        ("an empty token", vec![("csrf", "")]),
        ("a wrong token", vec![("csrf", wrong.as_str())]),
        (
            "another session's token",
            vec![("csrf", other_csrf.as_str())],
        ),
    ] {
        let out = site.post("/sign-out", &form, Some(&cookie)).await;
        assert_eq!(out.status, 403, "{what}: {out:?}");
        assert!(out.set_cookies.is_empty(), "{what}: {out:?}");
        assert!(site.opens(&cookie).await, "{what} signed out");
    }

    // The session's live updates are open until it ends.
    let mut live = site
        .http
        .get(format!("{}/events", site.base))
        .header("cookie", format!("mandate_session={cookie}"))
        .send()
        .await
        .expect("live updates");
    assert_eq!(live.status().as_u16(), 200);

    // With it: the cookie is cleared and the session ended, whatever the browser keeps.
    let out = site
        .post("/sign-out", &[("csrf", &csrf)], Some(&cookie))
        .await;
    assert_eq!(out.status, 303, "{out:?}");
    assert_eq!(out.location.as_deref(), Some("/sign-in"));
    let cleared = out.session().expect("the cookie cleared");
    assert_eq!(cleared.value, "");
    assert!(cleared.has("Max-Age=0") && cleared.has("Path=/") && cleared.has("HttpOnly"));
    assert!(!cleared.has("Secure"));
    assert!(
        !site.opens(&cookie).await,
        "a signed-out cookie opened a page"
    );
    let closed = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while live.chunk().await.expect("the live updates read").is_some() {}
    });
    closed
        .await
        .expect("signing out ends the session's live updates");
    let again = site
        .post("/sign-out", &[("csrf", &csrf)], Some(&cookie))
        .await;
    assert_eq!(again.sign_in_next(), "/");
    // The other session is not touched.
    assert!(site.opens(&other).await);
}

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

/// Everything this test program logs, from TRACE up, from every thread. The capture is the
/// process's global subscriber, set once: a subscriber scoped to a test's threads and requests
/// missed events at random, as callsites cache what the subscribers of the moment want.
fn captured_logs() -> Capture {
    static LOGS: std::sync::OnceLock<Capture> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Capture::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        logs
    })
    .clone()
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl std::io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The tables of the database at `url`, and every row of each, as text.
async fn every_row(url: &str) -> (Vec<String>, Vec<(String, String)>) {
    let db = mandate_engine::db::connect(url)
        .await
        .expect("the test's own connection");
    let backend = db.get_database_backend();
    let text = |row: &sea_orm::QueryResult, column: &str| -> String {
        row.try_get::<String>("", column).expect("a text column")
    };
    let query = |sql: String| {
        let db = db.clone();
        async move {
            db.query_all_raw(Statement::from_string(backend, sql.clone()))
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        }
    };
    let tables: Vec<String> = match backend {
        DbBackend::Sqlite => {
            query("SELECT name FROM sqlite_master WHERE type = 'table'".into()).await
        }
        _ => {
            query(
                "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                    .into(),
            )
            .await
        }
    }
    .iter()
    .map(|row| text(row, "name"))
    .collect();
    let mut rows = Vec::new();
    for table in &tables {
        let sql = match backend {
            DbBackend::Sqlite => {
                let columns: Vec<String> =
                    query(format!("SELECT name FROM pragma_table_info('{table}')"))
                        .await
                        .iter()
                        .map(|row| text(row, "name"))
                        .collect();
                let cells: Vec<String> = columns
                    .iter()
                    .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"))
                    .collect();
                format!(
                    "SELECT {} AS row FROM \"{table}\"",
                    cells.join(" || char(31) || ")
                )
            }
            _ => format!("SELECT CAST(row_to_json(t) AS TEXT) AS row FROM \"{table}\" AS t"),
        };
        for row in query(sql).await {
            rows.push((table.clone(), text(&row, "row")));
        }
    }
    db.close().await.ok();
    (tables, rows)
}

/// Five wrong passwords for an address within 15 minutes, and the sixth attempt is refused
/// unchecked, even with the right password, until the window ends: 429 with `Retry-After` and a
/// page saying how long to wait. An unknown address is counted and refused the same way (no
/// answer tells who has an account); other addresses are not affected; a success clears the count.
async fn password_guessing_stops_after_five_failures_per_address(db: TestDb) {
    let site = Site::new(db).await;
    let attempt = |email: &'static str, password: &'static str| {
        let site = &site;
        async move {
            site.post(
                "/sign-in",
                &[("email", email), ("password", password), ("next", "/")],
                None,
            )
            .await
        }
    };
    for email in [EMAIL, UNKNOWN] {
        for n in 1..=5 {
            let wrong = attempt(email, WRONG_PASSWORD).await;
            assert_eq!(wrong.status, 401, "{email}, attempt {n}: {wrong:?}");
        }
    }
    // The right password, guessed sixth, is not even checked; an unknown address answers alike.
    let refused = attempt(EMAIL, PASSWORD).await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert!(refused.set_cookies.is_empty(), "{refused:?}");
    assert_eq!(refused.retry_after.as_deref(), Some("900"), "{refused:?}");
    assert!(
        refused
            .body
            .contains("Try again in 15 minutes, or ask for a sign-in link above."),
        "{}",
        refused.body
    );
    let unknown = attempt(UNKNOWN, PASSWORD).await;
    assert_eq!(
        (unknown.status, unknown.body.replace(UNKNOWN, "ADDRESS")),
        (refused.status, refused.body.replace(EMAIL, "ADDRESS"))
    );
    // Differently written, the same address.
    let upper = attempt("  OFITER@IGPR.RO ", PASSWORD).await;
    assert_eq!(upper.status, 429, "{upper:?}");
    // Another address is not held up.
    assert_eq!(attempt(NO_PASSWORD, WRONG_PASSWORD).await.status, 401);

    // Fourteen minutes on, still refused (one minute to wait); fifteen, and the password works.
    site.f.clock.advance(Duration::minutes(14));
    let later = attempt(EMAIL, PASSWORD).await;
    assert_eq!(
        (later.status, later.retry_after.as_deref()),
        (429, Some("60"))
    );
    assert!(
        later.body.contains("Try again in 1 minute,"),
        "{}",
        later.body
    );
    site.f.clock.advance(Duration::minutes(1));
    assert_eq!(attempt(EMAIL, PASSWORD).await.status, 303);

    // The success cleared the count: four more failures still leave the right password working.
    for _ in 0..4 {
        assert_eq!(attempt(EMAIL, WRONG_PASSWORD).await.status, 401);
    }
    assert_eq!(attempt(EMAIL, PASSWORD).await.status, 303);
}

/// A browser posting a form from another site is refused before anything is done, signing in
/// included (a forged sign-in form would sign the victim in as the attacker); the same form from
/// this site, or from a program that sends no origin, goes through. Signing in again from a
/// browser ends the session it held.
async fn forms_sent_from_another_site_are_refused_and_a_new_sign_in_ends_the_old(db: TestDb) {
    let logs = captured_logs();
    let site = Site::new(db).await;
    let host = site.base.trim_start_matches("http://").to_owned();
    let sign_in = format!(
        "email={}&password={}&next=%2F",
        encode(EMAIL),
        encode(PASSWORD)
    );
    let post = |path: &'static str,
                body: String,
                headers: Vec<(&'static str, String)>,
                cookie: Option<String>| {
        let site = &site;
        async move {
            let mut request = site
                .http
                .post(format!("{}{path}", site.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            site.answer(request, cookie.as_deref()).await
        }
    };
    for headers in [
        vec![("origin", "https://evil.example".to_owned())],
        vec![("origin", format!("http://{host}.evil.example"))],
        vec![("sec-fetch-site", "cross-site".to_owned())],
        vec![
            ("sec-fetch-site", "same-site".to_owned()),
            ("origin", format!("http://{host}")),
        ],
    ] {
        let refused = post("/sign-in", sign_in.clone(), headers.clone(), None).await;
        assert_eq!(refused.status, 403, "{headers:?}: {refused:?}");
        assert!(refused.set_cookies.is_empty(), "{headers:?}: {refused:?}");
    }
    // A forged link confirmation is refused too, and its path (a token) is not logged.
    let forged_link = post(
        "/sign-in/Quokka9Forged2Token",
        String::new(),
        vec![("sec-fetch-site", "cross-site".to_owned())],
        None,
    )
    .await;
    assert_eq!(forged_link.status, 403, "{forged_link:?}");
    let logged = logs.text();
    assert!(
        logged.contains("request from another site refused"),
        "{logged}"
    );
    assert!(!logged.contains("Quokka9Forged2Token"), "{logged}");
    for headers in [
        vec![],
        vec![("origin", format!("http://{host}"))],
        vec![("sec-fetch-site", "same-origin".to_owned())],
    ] {
        let answer = post("/sign-in", sign_in.clone(), headers.clone(), None).await;
        assert_eq!(answer.status, 303, "{headers:?}: {answer:?}");
    }
    // Signing in again from the same browser ends the session it held.
    let cookie = site.sign_in().await;
    let again = post("/sign-in", sign_in.clone(), vec![], Some(cookie.clone())).await;
    assert_eq!(again.status, 303, "{again:?}");
    assert!(
        !site.opens(&cookie).await,
        "the older session still opens pages"
    );
    let cookie = again.session().expect("a new session").value;
    // A cross-site sign-out carrying the right form token still changes nothing.
    let csrf = site.csrf(&cookie).await;
    let forged = post(
        "/sign-out",
        format!("csrf={}", encode(&csrf)),
        vec![("origin", "https://evil.example".to_owned())],
        Some(cookie.clone()),
    )
    .await;
    assert_eq!(forged.status, 403, "{forged:?}");
    assert!(site.opens(&cookie).await, "the session ended");
}

async fn passwords_are_neither_logged_nor_stored(db: TestDb) {
    let logs = captured_logs();
    let url = db.url.clone();

    // The password is set, tried wrong, then right; sessions are used and ended.
    let site = Site::new(db).await;
    let wrong = site
        .post(
            "/sign-in",
            &[("email", EMAIL), ("password", WRONG_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(wrong.status, 401);
    let unknown = site
        .post(
            "/sign-in",
            &[("email", UNKNOWN), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(unknown.status, 401);
    let cookie = site.sign_in().await;
    let csrf = site.csrf(&cookie).await;
    let out = site
        .post("/sign-out", &[("csrf", &csrf)], Some(&cookie))
        .await;
    assert_eq!(out.status, 303);
    site.sign_in().await;

    // The logs saw all this (the capture works: the password being set and the sign-ins, logged
    // while the server answered, are there), but no password.
    let logged = logs.text();
    for expected in ["password set", "signed in", EMAIL] {
        assert!(
            logged.contains(expected),
            "{expected:?} not logged:\n{logged}"
        );
    }
    for password in [PASSWORD, WRONG_PASSWORD] {
        assert!(
            !logged.contains(password),
            "a password is in the logs:\n{logged}"
        );
    }

    // Nor is it in any column of any table: only its argon2id hash, once.
    let (tables, rows) = every_row(&url).await;
    assert!(tables.len() >= 20, "{tables:?}");
    for table in ["users", "user_settings", "web_sessions", "events"] {
        assert!(
            rows.iter().any(|(t, _)| t == table),
            "no rows read from {table}: {tables:?}"
        );
    }
    let sessions = rows.iter().filter(|(t, _)| t == "web_sessions").count();
    assert_eq!(sessions, 2, "two sessions started");
    for (table, row) in &rows {
        for password in [PASSWORD, WRONG_PASSWORD] {
            assert!(!row.contains(password), "a password in {table}: {row}");
        }
    }
    let hashes: Vec<&(String, String)> = rows
        .iter()
        .filter(|(_, row)| row.contains("argon2"))
        .collect();
    assert_eq!(hashes.len(), 1, "{hashes:?}");
    assert_eq!(hashes[0].0, "user_settings");
    assert!(hashes[0].1.contains("$argon2id$v=19$"), "{hashes:?}");
    drop(site);
}
