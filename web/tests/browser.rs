//! The web application in a real browser: headless Chromium driven over WebDriver
//! (`chromedriver`), against the real server (the GraphQL and web routes, as `mandate serve`
//! merges them) on a fresh database holding the anti-trafficking plan.
//!
//! People sign in with the link the outbox e-mails. ANITP's coordinator goes from the plans to
//! action 1.1.1 and assigns it (a lead outside the responsible institutions is refused beside its
//! field), IGPR leading and DIICOT as partner. IGPR's member acknowledges from the task page,
//! starts and reports (a wrong number is shown beside its field and changes nothing); a form
//! without its CSRF token gets 403 and changes nothing; a stale form shows who changed the task
//! and overwrites nothing; DIICOT's member, guessing the address of IGPR's task, gets 404, and
//! reports its own part, which IGPR signs off from its queue as lead; the coordinator approves
//! IGPR's report from the sign-off queue and the period, and the action's light turns from amber
//! to green. Every screen is checked in Romanian, English and Polish at 1280 and 390 pixels wide
//! (its language, nothing wider than the window, no catalogue key shown raw) and kept as a
//! screenshot: `target/browser-screenshots/<test>-<database>/<step>-<language>-<width>.png`.
//!
//! Skipped unless `MANDATE_TEST_BROWSER=1` (the build script then turns on `browser_tests`, and
//! `cargo test` lists these tests as ignored with the reason otherwise); with the variable set, a
//! missing Chromium or chromedriver fails the test. Steps wait for elements, never for time.

#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use chrono::{TimeZone, Utc};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use mandate_engine::Engine;
use mandate_engine::accounts::NewUser;
use mandate_engine::clock::ManualClock;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use mandate_engine::entity::{action, institution, task};
use mandate_engine::mail::{MailSettings, Renderer, Transport};
use mandate_engine::notifications::Sender;
use mandate_engine::plans::plan_file;
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::tasks::{Fire, ReportInput};
use mandate_graphql::ServerConfig;
use mandate_web::WebConfig;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use support::TestDb;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The variable that turns the browser tests on.
const ENABLE_VAR: &str = "MANDATE_TEST_BROWSER";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const SKIPPED: &str = "browser tests skipped: set MANDATE_TEST_BROWSER=1 (needs /usr/bin/chromium and /usr/bin/chromedriver)";

/// Desktop and phone.
const WIDTHS: [(u32, u32); 2] = [(1280, 900), (390, 844)];
/// The pages' languages, in the order screens are shown: the people's own language (their
/// institutions', Romanian) last, so that each screen ends where it began.
const LANGUAGES: [&str; 3] = ["en", "pl", "ro"];
const HOME_LANGUAGE: &str = "ro";
/// The longest wait for an element (a page under a loaded CI machine).
const WAIT: Duration = Duration::from_secs(30);
/// Screenshots are cut at this height (a long inbox).
const MAX_SHOT_HEIGHT: f64 = 6000.0;

const PNA: &str = include_str!("../../workflows/plans/pna-trafic-2021-2022.yaml");
const PETITIONS: &str =
    include_str!("../../workflows/registers/politia-locala-timisoara-petitii.yaml");

/// Runs each scenario on SQLite and on PostgreSQL, in the browser.
macro_rules! in_the_browser {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(browser_tests),
                ignore = "browser: set MANDATE_TEST_BROWSER=1 to run (needs /usr/bin/chromium and /usr/bin/chromedriver)"
            )]
            async fn sqlite() {
                super::run(stringify!($name), super::Database::Sqlite, super::$name).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(all(browser_tests, postgres_tests)),
                ignore = "browser on PostgreSQL: set MANDATE_TEST_BROWSER=1 and MANDATE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test to run"
            )]
            async fn postgres() {
                super::run(stringify!($name), super::Database::Postgres, super::$name).await
            }
        }
    )*};
}

in_the_browser!(
    a_task_goes_from_the_e_mailed_link_to_sign_off,
    a_petition_is_registered_and_routed_from_the_register_page,
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Database {
    Sqlite,
    Postgres,
}

/// Sets the scene and plays `scenario` in it, or says why not.
async fn run<F, Fut>(test: &str, database: Database, scenario: F)
where
    F: FnOnce(Scene) -> Fut,
    Fut: Future<Output = ()>,
{
    if std::env::var_os(ENABLE_VAR).is_none_or(|v| v.is_empty() || v == "0") {
        eprintln!("{SKIPPED}");
        return;
    }
    for binary in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(binary).exists(),
            "{binary} is missing, and {ENABLE_VAR} is set: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver), or unset {ENABLE_VAR}"
        );
    }
    let db = match database {
        Database::Sqlite => TestDb::sqlite().await,
        Database::Postgres => TestDb::postgres().await,
    };
    let name = match database {
        Database::Sqlite => format!("{test}-sqlite"),
        Database::Postgres => format!("{test}-postgres"),
    };
    let started = Instant::now();
    let scene = Scene::new(db, &name).await;
    let shots = scene.shots.clone();
    scenario(scene).await;
    println!(
        "{name}: passed in {:.1} s; screenshots in {}",
        started.elapsed().as_secs_f64(),
        shots.display()
    );
}

// ---------------------------------------------------------------------------------------------
// chromedriver and the browsers

/// `chromedriver` on a free port, in a process group of its own: dropping it ends the driver and
/// every browser it started.
struct Driver {
    child: Option<Child>,
    url: String,
}

impl Driver {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut command = Command::new(CHROMEDRIVER);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let stdout = child.stdout.take().expect("chromedriver's output");
        let driver = Self {
            child: Some(child),
            url: format!("http://127.0.0.1:{port}"),
        };
        // Ready when it says so; its output is read to the end so that it never blocks on it.
        let (ready, is_ready) = oneshot::channel::<Result<(), String>>();
        std::thread::spawn(move || {
            let mut ready = Some(ready);
            let mut said = String::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains("started successfully") {
                    if let Some(ready) = ready.take() {
                        ready.send(Ok(())).ok();
                    }
                } else if ready.is_some() {
                    said.push_str(&line);
                    said.push('\n');
                }
            }
            if let Some(ready) = ready.take() {
                ready.send(Err(said)).ok();
            }
        });
        match tokio::time::timeout(WAIT, is_ready).await {
            Ok(Ok(Ok(()))) => driver,
            Ok(Ok(Err(said))) => panic!("{CHROMEDRIVER} stopped before it was ready:\n{said}"),
            Ok(Err(_)) => panic!("{CHROMEDRIVER}'s output ended before it was ready"),
            Err(_) => panic!("{CHROMEDRIVER} was not ready after {WAIT:?}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        // The whole group: chromedriver and the browsers it started (none outlives the test).
        let group = format!("-{}", child.id());
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args([name, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        let (ended, has_ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = child.wait();
            ended.send(()).ok();
        });
        if has_ended.recv_timeout(Duration::from_secs(5)).is_err() {
            signal("-KILL");
        }
    }
}

/// A Chrome DevTools command, through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()),
        )
    }
}

/// One person's browser: its own profile, so its own cookies.
struct Browser {
    client: Client,
    /// Who uses it, for messages.
    who: &'static str,
    email: String,
    user_agent: String,
    /// Where a failure leaves its last screenshot.
    shots: PathBuf,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn open(driver: &Driver, who: &'static str, email: &str, shots: &Path) -> Self {
        let profile = tempfile::tempdir().expect("a profile folder");
        let (width, height) = WIDTHS[0];
        let capabilities: Capabilities = serde_json::from_value(json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ],
            },
        }))
        .expect("capabilities");
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .unwrap_or_else(|e| panic!("cannot open Chromium ({CHROMIUM}) for {who}: {e}"));
        let user_agent = client
            .execute("return navigator.userAgent;", vec![])
            .await
            .expect("user agent")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let browser = Self {
            client,
            who,
            email: email.to_owned(),
            user_agent,
            shots: shots.to_owned(),
            _profile: profile,
        };
        browser.accept_language(HOME_LANGUAGE).await;
        browser
    }

    async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("{}: DevTools {cmd}: {e}", self.who))
    }

    /// The language the browser asks for (`Accept-Language`): the pages' language before sign-in.
    async fn accept_language(&self, lang: &str) {
        self.cdp(
            "Emulation.setUserAgentOverride",
            json!({ "userAgent": self.user_agent, "acceptLanguage": lang }),
        )
        .await;
    }

    async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("{}: cannot open {url}: {e}", self.who));
    }

    async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// Waits (up to [`WAIT`]) for an element; a timeout fails the test with the page's address,
    /// and leaves a screenshot of what the browser showed.
    async fn wait(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => {
                let url = self.url().await;
                let file = self.shots.join(format!("FAILED-{}.png", self.who));
                if let Ok(png) = self.client.screenshot().await {
                    std::fs::write(&file, png).ok();
                }
                let text = self
                    .client
                    .find(Locator::Css("main"))
                    .await
                    .ok()
                    .map(|m| async move { m.text().await.unwrap_or_default() });
                let text = match text {
                    Some(t) => t.await,
                    None => String::new(),
                };
                panic!(
                    "{}: `{css}` did not appear on {url} ({e}); screenshot {}; the page says:\n{text}",
                    self.who,
                    file.display()
                )
            }
        }
    }

    /// Waits (up to [`WAIT`]) until the browser shows `url`.
    async fn wait_for_url(&self, url: &str) {
        let expected = url::Url::parse(url).expect("a URL");
        if let Err(e) = self.client.wait().at_most(WAIT).for_url(&expected).await {
            panic!(
                "{}: still on {} instead of {url} ({e})",
                self.who,
                self.url().await
            );
        }
    }

    async fn click(&self, css: &str) {
        let element = self.wait(css).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("{}: cannot click `{css}`: {e}", self.who));
    }

    /// Replaces what a field holds with `text`.
    async fn fill(&self, css: &str, text: &str) {
        let element = self.wait(css).await;
        element.clear().await.expect("field cleared");
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("{}: cannot type into `{css}`: {e}", self.who));
    }

    async fn text(&self, css: &str) -> String {
        self.wait(css).await.text().await.expect("text")
    }

    async fn script(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("{}: script failed: {e}", self.who))
    }

    /// The value of this browser's session cookie.
    async fn session_cookie(&self) -> String {
        self.client
            .get_all_cookies()
            .await
            .expect("cookies")
            .into_iter()
            .find(|c| c.name() == "mandate_session")
            .map(|c| c.value().to_owned())
            .unwrap_or_else(|| panic!("{} has no session cookie", self.who))
    }

    /// The window at `width`×`height` CSS pixels of viewport.
    async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("window resized");
        let inner = self
            .script("return window.innerWidth;", vec![])
            .await
            .as_u64()
            .unwrap_or_default();
        if inner != u64::from(width) {
            // The window has a frame: make the viewport itself that wide.
            let frame = u64::from(width).saturating_sub(inner) as u32;
            self.client
                .set_window_size(width + frame, height)
                .await
                .expect("window resized");
        }
    }

    /// The whole page (up to [`MAX_SHOT_HEIGHT`]) as PNG.
    async fn full_page_png(&self) -> Vec<u8> {
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await;
        let size = &metrics["cssContentSize"];
        let width = size["width"].as_f64().unwrap_or(1280.0);
        let height = size["height"]
            .as_f64()
            .unwrap_or(900.0)
            .min(MAX_SHOT_HEIGHT);
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 },
                }),
            )
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("PNG in base64")
    }

    async fn close(self) {
        self.client.close().await.ok();
    }
}

// ---------------------------------------------------------------------------------------------
// The scene: the server, its data, the catalogues and the screenshots

/// The words of one language, by catalogue key (simple messages only), from the engine's
/// catalogue files of that language.
fn catalogue(lang: &str) -> HashMap<String, String> {
    let mut source = String::new();
    for file in ["common.ftl", "web.ftl", "mail.ftl"] {
        let path = format!(
            "{}/../engine/locales/{lang}/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        source += &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let mut words = HashMap::new();
    for line in source.lines() {
        if line.starts_with([' ', '#', '\t', '*', '[', '}']) {
            continue;
        }
        if let Some((key, value)) = line.split_once(" = ") {
            words.insert(key.trim().to_owned(), value.trim().to_owned());
        }
    }
    words
}

struct People {
    coordinator: &'static str,
    igpr: &'static str,
    igpr_colleague: &'static str,
    diicot: &'static str,
}

const PEOPLE: People = People {
    coordinator: "coordonator@anitp.ro",
    igpr: "ofiter@igpr.ro",
    igpr_colleague: "colega@igpr.ro",
    diicot: "procuror@diicot.ro",
};

struct Scene {
    engine: Engine,
    clock: ManualClock,
    /// The test's own connection, to look at rows.
    db: DatabaseConnection,
    base: String,
    driver: Driver,
    shots: PathBuf,
    mail: tempfile::TempDir,
    mail_batches: AtomicUsize,
    steps: AtomicUsize,
    words: HashMap<&'static str, HashMap<String, String>>,
    /// The first words of every catalogue key (`do`, `state`, `error`, …): a text like
    /// `do-approve` on a page is a key shown raw…
    key_heads: BTreeSet<String>,
    /// …unless the catalogues use it as a word (`sign-in`).
    words_used: BTreeSet<String>,
    plan_id: i64,
    action_id: i64,
    igpr_id: i64,
    diicot_id: i64,
    stop: Option<oneshot::Sender<()>>,
    _db: TestDb,
}

impl Drop for Scene {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
    }
}

/// 2021-12-28 10:00 in Bucharest: three days before the 2021 reports are due.
fn demo_instant() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 12, 28, 8, 0, 0)
        .single()
        .expect("an instant")
}

impl Scene {
    async fn new(db: TestDb, name: &str) -> Self {
        let clock = ManualClock::new(demo_instant());
        let engine = Engine::new(
            db.db.clone(),
            Arc::new(clock.clone()),
            Lifecycles::builtin().expect("built-in lifecycles"),
        );
        let operator = Actor::operator();
        let draft = plan_file::parse(PNA, "pna-trafic-2021-2022.yaml", None, engine.lifecycles())
            .unwrap_or_else(|problems| panic!("the plan does not check: {problems:?}"));
        let plan_id = engine
            .import_plan(&operator, &draft, false)
            .await
            .expect("plan imported")
            .plan_id;
        for (email, name, role, institution) in [
            (
                PEOPLE.coordinator,
                "Coordonator ANITP",
                UserRole::Coordinator,
                "ANITP",
            ),
            (PEOPLE.igpr, "Ofițer IGPR", UserRole::Member, "IGPR"),
            (
                PEOPLE.igpr_colleague,
                "Colegă IGPR",
                UserRole::Member,
                "IGPR",
            ),
            (PEOPLE.diicot, "Procuror DIICOT", UserRole::Member, "DIICOT"),
        ] {
            engine
                .create_user(
                    &operator,
                    NewUser {
                        email: EmailAddress::parse(email).expect("address"),
                        name: name.to_owned(),
                        role,
                        institution: Some(InstitutionCode::parse(institution).expect("code")),
                    },
                )
                .await
                .expect("user created");
        }
        let action_id = action::Entity::find()
            .filter(action::Column::Number.eq("1.1.1"))
            .one(&db.db)
            .await
            .expect("actions read")
            .expect("action 1.1.1")
            .id;
        let id_of = |code: &'static str| {
            let db = db.db.clone();
            async move {
                institution::Entity::find()
                    .filter(institution::Column::Code.eq(code))
                    .one(&db)
                    .await
                    .expect("institutions read")
                    .unwrap_or_else(|| panic!("institution {code}"))
                    .id
            }
        };
        let igpr_id = id_of("IGPR").await;
        let diicot_id = id_of("DIICOT").await;

        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = listener.local_addr().expect("address");
        let base = format!("http://{address}");
        let web = mandate_web::router(
            engine.clone(),
            WebConfig {
                public_url: base.clone(),
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

        let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("the target folder")
            .join("browser-screenshots")
            .join(name);
        if shots.exists() {
            std::fs::remove_dir_all(&shots).expect("old screenshots removed");
        }
        std::fs::create_dir_all(&shots).expect("screenshot folder");

        let words: HashMap<&'static str, HashMap<String, String>> = ["ro", "en", "pl"]
            .into_iter()
            .map(|l| (l, catalogue(l)))
            .collect();
        let key_heads = words["en"]
            .keys()
            .filter(|k| k.contains('-'))
            .filter_map(|k| k.split('-').next().map(str::to_owned))
            .collect();
        let words_used = words
            .values()
            .flat_map(|w| w.values())
            .flat_map(|text| tokens(text))
            .collect();
        Self {
            engine,
            clock,
            db: db.db.clone(),
            base,
            driver: Driver::start().await,
            shots,
            mail: tempfile::tempdir().expect("a mail folder"),
            mail_batches: AtomicUsize::new(0),
            steps: AtomicUsize::new(0),
            words,
            key_heads,
            words_used,
            plan_id,
            action_id,
            igpr_id,
            diicot_id,
            stop: Some(stop),
            _db: db,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A word of the pages in `lang`.
    fn word(&self, lang: &str, key: &str) -> &str {
        self.words[lang]
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("`{key}` is not in the {lang} catalogue"))
    }

    async fn browser(&self, who: &'static str, email: &str) -> Browser {
        Browser::open(&self.driver, who, email, &self.shots).await
    }

    /// The next step's name: numbered, so that the screenshots sort in the scenario's order.
    fn step(&self, name: &str) -> String {
        format!(
            "{:02}-{name}",
            self.steps.fetch_add(1, Ordering::Relaxed) + 1
        )
    }

    async fn actor(&self, email: &str) -> Actor {
        let user = self.engine.user_by_email(email).await.expect("user");
        mandate_engine::accounts::actor_of(&user).expect("actor")
    }

    /// Shows the browser's pages in `lang`: its person's choice (as the language menu records it)
    /// and, for pages before sign-in, the language the browser asks for.
    async fn language(&self, b: &Browser, lang: &str) {
        let user = self.engine.user_by_email(&b.email).await.expect("user");
        self.engine
            .choose_language(&user, lang)
            .await
            .expect("language chosen");
        b.accept_language(lang).await;
    }

    /// The page shown now (reached by a GET), in each language at each width: `ready` is an
    /// element the page has once loaded.
    async fn screen(&self, b: &Browser, name: &str, ready: &str) {
        let step = self.step(name);
        let url = b.url().await;
        for lang in LANGUAGES {
            self.language(b, lang).await;
            b.goto(&url).await;
            b.wait(&format!("html[lang=\"{lang}\"] {ready}")).await;
            self.capture(b, &step, lang).await;
        }
    }

    /// Checks the page shown now at both widths and keeps its screenshots.
    async fn capture(&self, b: &Browser, step: &str, lang: &str) {
        for (width, height) in WIDTHS {
            b.resize(width, height).await;
            // Kept before the checks, so that a failing one can be looked at.
            let png = b.full_page_png().await;
            let file = self.shots.join(format!("{step}-{lang}-{width}.png"));
            std::fs::write(&file, png).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            self.check_page(b, step, lang, width).await;
        }
        let (width, height) = WIDTHS[0];
        b.resize(width, height).await;
    }

    /// The page is in `lang`, nothing runs out of the window sideways, and no text is a catalogue
    /// key shown raw.
    async fn check_page(&self, b: &Browser, step: &str, lang: &str, width: u32) {
        let found = b
            .script(
                r#"
                const width = window.innerWidth;
                const overflow = [];
                if (document.documentElement.scrollWidth > width) {
                  for (const el of document.body.querySelectorAll('*')) {
                    const r = el.getBoundingClientRect();
                    if (r.width > 0 && r.right > width + 1) {
                      overflow.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                        (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
                        ' (right edge at ' + Math.round(r.right) + ')');
                    }
                  }
                }
                // What holds the page open: boxes whose content is wider than they are.
                const wide = [];
                if (overflow.length) {
                  for (const el of document.body.querySelectorAll('*')) {
                    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
                      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                        ' (' + el.scrollWidth + ' px of content in ' + el.clientWidth + ')');
                    }
                  }
                }
                const texts = [document.title];
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                  const t = walker.currentNode.textContent.trim();
                  if (t) texts.push(t);
                }
                for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
                  for (const a of ['title', 'aria-label', 'placeholder']) {
                    const v = el.getAttribute(a);
                    if (v) texts.push(v);
                  }
                }
                const footer = document.querySelector('footer.bottom p');
                return {
                  lang: document.documentElement.lang,
                  width,
                  scrollWidth: document.documentElement.scrollWidth,
                  overflow: overflow.slice(0, 8).concat(wide.slice(-6)),
                  texts,
                  footer: footer ? footer.textContent.trim() : null,
                };
                "#,
                vec![],
            )
            .await;
        let at = format!("{step} ({lang}, {width} px, {})", b.url().await);
        assert_eq!(found["lang"], lang, "{at}: the page is not in {lang}");
        assert_eq!(
            found["width"], width,
            "{at}: the window is not {width} px wide"
        );
        assert!(
            found["scrollWidth"].as_u64().unwrap_or_default() <= u64::from(width),
            "{at}: the page is {} px wide, wider than the window; too wide: {:#}",
            found["scrollWidth"],
            found["overflow"]
        );
        if let Some(footer) = found["footer"].as_str() {
            assert_eq!(
                footer,
                self.word(lang, "footer"),
                "{at}: the footer is not in {lang}"
            );
        }
        let raw: BTreeSet<String> = found["texts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .flat_map(tokens)
            .filter(|token| self.looks_like_a_key(token))
            .collect();
        assert!(
            raw.is_empty(),
            "{at}: catalogue keys shown raw (untranslated): {raw:?}"
        );
    }

    fn looks_like_a_key(&self, token: &str) -> bool {
        let Some((head, rest)) = token.split_once('-') else {
            return false;
        };
        !self.words_used.contains(token)
            && !rest.is_empty()
            && !token.ends_with('-')
            && !head.is_empty()
            && !head.chars().next().is_some_and(|c| c.is_ascii_digit())
            && self.key_heads.contains(head)
    }

    /// Sends what the outbox holds to `.eml` files, as the server's sender would, and returns
    /// the sign-in link e-mailed to `email`.
    async fn e_mailed_sign_in_link(&self, email: &str) -> String {
        let batch = self.mail_batches.fetch_add(1, Ordering::Relaxed);
        let dir = self.mail.path().join(format!("batch-{batch}"));
        let sender = Sender {
            transport: Transport::files(&dir).expect("mail folder"),
            renderer: Renderer::builtin().expect("mail templates"),
            settings: MailSettings {
                from: "Mandate <mandate@mandate.test>".parse().expect("address"),
                public_url: self.base.clone(),
            },
            lease: Duration::from_secs(300),
            max_attempts: 5,
            parallel: 2,
        };
        let sent = self
            .engine
            .send_outbox(&sender, 50)
            .await
            .expect("outbox sent");
        assert!(sent.sent > 0, "nothing was e-mailed: {sent:?}");
        let prefix = format!("{}/sign-in/", self.base);
        for entry in std::fs::read_dir(&dir).expect("mail folder") {
            let path = entry.expect("a mail").path();
            if path.extension().and_then(|e| e.to_str()) != Some("eml") {
                continue;
            }
            let raw = std::fs::read(&path).expect("a mail");
            let message = mailparse::parse_mail(&raw).expect("an e-mail");
            use mailparse::MailHeaderMap;
            let to = message.headers.get_first_value("To").unwrap_or_default();
            if !to.contains(email) {
                continue;
            }
            let mut parts = vec![&message];
            let mut bodies = Vec::new();
            while let Some(part) = parts.pop() {
                if part.subparts.is_empty() {
                    if part.ctype.mimetype == "text/plain" {
                        bodies.push(part.get_body().expect("a text body"));
                    }
                } else {
                    parts.extend(part.subparts.iter());
                }
            }
            for body in bodies {
                if let Some(at) = body.find(&prefix) {
                    let link: String = body[at..]
                        .chars()
                        .take_while(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '"' | ')'))
                        .collect();
                    return link;
                }
            }
        }
        panic!("no sign-in link e-mailed to {email} in {}", dir.display());
    }

    /// Signs in through the pages with an e-mailed link; with `shots`, each signed-out screen is
    /// checked and kept.
    async fn sign_in(&self, b: &Browser, shots: bool) {
        b.goto(&self.url("/")).await;
        // Signed out, the inbox sends the person to the sign-in page.
        b.wait("form[action=\"/sign-in/link\"] #link-email").await;
        assert!(b.url().await.contains("/sign-in"), "{}", b.url().await);
        if shots {
            self.screen(b, "sign-in", "#send-link").await;
        }
        b.fill("#link-email", &b.email).await;
        b.click("#send-link").await;
        b.wait("#link-sent").await;
        if shots {
            self.screen(b, "sign-in-link-sent", "#link-sent").await;
        }
        let link = self.e_mailed_sign_in_link(&b.email).await;
        b.goto(&link).await;
        b.wait("#continue").await;
        if shots {
            self.screen(b, "sign-in-link-opened", "#continue").await;
        }
        b.click("#continue").await;
        b.wait("form[action=\"/sign-out\"]").await;
    }

    /// The tasks of an institution on action 1.1.1, by period (2021, then 2022).
    async fn tasks_of(&self, institution_id: i64) -> Vec<task::Model> {
        task::Entity::find()
            .filter(task::Column::ActionId.eq(self.action_id))
            .filter(task::Column::InstitutionId.eq(institution_id))
            .order_by_asc(task::Column::DueAt)
            .all(&self.db)
            .await
            .expect("tasks read")
    }

    async fn task(&self, id: i64) -> task::Model {
        task::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .expect("task read")
            .expect("task")
    }

    /// A form posted with `cookie` (no browser): the status.
    async fn post_form(&self, cookie: &str, path: &str, fields: &[(&str, &str)]) -> u16 {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect();
        reqwest::Client::new()
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", format!("mandate_session={cookie}"))
            .body(body.join("&"))
            .send()
            .await
            .expect("form posted")
            .status()
            .as_u16()
    }

    async fn get_status(&self, cookie: &str, path: &str) -> u16 {
        reqwest::Client::new()
            .get(self.url(path))
            .header("cookie", format!("mandate_session={cookie}"))
            .send()
            .await
            .expect("page read")
            .status()
            .as_u16()
    }
}

/// The key-shaped pieces of a text: runs of lower-case ASCII letters, digits, `-` and `_`.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The scenario

async fn a_task_goes_from_the_e_mailed_link_to_sign_off(s: Scene) {
    // The coordinator signs in with the e-mailed link; the signed-out pages in every language.
    let coordinator = s.browser("coordinator", PEOPLE.coordinator).await;
    s.sign_in(&coordinator, true).await;
    s.screen(&coordinator, "inbox-coordinator", "form.filters")
        .await;

    // From the plans to the plan to action 1.1.1, which no institution of ours has yet.
    coordinator.click("nav a[href=\"/plans\"]").await;
    let plan_row = format!("#plan-{} a.row-title", s.plan_id);
    coordinator.wait(&plan_row).await;
    s.screen(&coordinator, "plans", &plan_row).await;
    coordinator.click(&plan_row).await;
    let action_row = "[id=\"action-1.1.1\"] a.row-title";
    coordinator.wait(action_row).await;
    s.screen(&coordinator, "plan", action_row).await;
    coordinator.click(action_row).await;
    coordinator.wait("#assign #lead").await;
    let action_page = format!("/actions/{}", s.action_id);
    assert!(
        coordinator.url().await.ends_with(&action_page),
        "{}",
        coordinator.url().await
    );
    s.screen(&coordinator, "action", "#assign").await;

    // A lead that is not among the responsible institutions: the error beside the field.
    let step = s.step("assign-lead-not-responsible");
    for lang in LANGUAGES {
        s.language(&coordinator, lang).await;
        coordinator.goto(&s.url(&action_page)).await;
        coordinator
            .wait(&format!("html[lang=\"{lang}\"] #assign"))
            .await;
        coordinator.fill("#lead", "DIICOT").await;
        coordinator.fill("#responsible", "IGPR").await;
        coordinator.fill("#partners", "").await;
        coordinator.click("#do-assign").await;
        coordinator
            .wait(&format!(
                "html[lang=\"{lang}\"] #assign #lead[aria-invalid=\"true\"] + .field-error#lead-error"
            ))
            .await;
        s.capture(&coordinator, &step, lang).await;
    }
    assert!(
        s.tasks_of(s.igpr_id).await.is_empty(),
        "a refused assignment made tasks"
    );

    // IGPR leads, DIICOT is a partner: each gets a task per year.
    coordinator.goto(&s.url(&action_page)).await;
    coordinator.fill("#lead", "igpr").await;
    coordinator.fill("#responsible", "IGPR").await;
    coordinator.fill("#partners", "DIICOT").await;
    coordinator.click("#do-assign").await;
    coordinator.wait("#done").await;
    let [igpr_2021, igpr_2022]: [task::Model; 2] = s
        .tasks_of(s.igpr_id)
        .await
        .try_into()
        .expect("one IGPR task a year");
    let [diicot_2021, _]: [task::Model; 2] = s
        .tasks_of(s.diicot_id)
        .await
        .try_into()
        .expect("one DIICOT task a year");
    let period_2021 = format!("#period-{}", igpr_2021.period_id);
    coordinator
        .wait(&format!(
            "{period_2021} a[href=\"/tasks/{}\"]",
            igpr_2021.id
        ))
        .await;
    s.screen(&coordinator, "action-assigned", &period_2021)
        .await;
    let task_page = format!("/tasks/{}", igpr_2021.id);

    // IGPR's member signs in and finds the task in the inbox, waiting to be acknowledged.
    let igpr = s.browser("igpr", PEOPLE.igpr).await;
    s.sign_in(&igpr, false).await;
    let row = format!("#task-{} a.row-title", igpr_2021.id);
    igpr.wait(&format!("#group-{} {row}", "to_acknowledge"))
        .await;
    s.screen(&igpr, "inbox-igpr", &row).await;

    // The language menu changes the pages' language, and back.
    for lang in ["en", HOME_LANGUAGE] {
        igpr.wait("#language")
            .await
            .select_by_value(lang)
            .await
            .expect("language chosen");
        igpr.click("form[action=\"/language\"] button[type=submit]")
            .await;
        igpr.wait(&format!("html[lang=\"{lang}\"] {row}")).await;
    }

    // Acknowledge, then start, from the task page.
    igpr.click(&row).await;
    igpr.wait("#form-acknowledge").await;
    assert!(
        igpr.url().await.ends_with(&task_page),
        "{}",
        igpr.url().await
    );
    s.screen(&igpr, "task-pending", "#form-acknowledge").await;
    igpr.click("#do-acknowledge").await;
    igpr.wait("#done").await;
    igpr.wait("#form-start").await;
    assert_eq!(s.task(igpr_2021.id).await.state, "acknowledged");
    s.screen(&igpr, "task-acknowledged", "#form-start").await;
    igpr.click("#do-start").await;
    igpr.wait("#form-submit").await;
    let started = s.task(igpr_2021.id).await;
    assert_eq!(started.state, "in_progress");
    s.screen(&igpr, "task-in-progress", "#form-submit").await;

    // A form without its CSRF token is refused (403), and nothing changes.
    let cookie = igpr.session_cookie().await;
    let version = started.version.to_string();
    let report = [
        ("transition", "submit"),
        ("version", version.as_str()),
        ("ind-1", "3"),
        ("narrative", "Trei campanii."),
    ];
    assert_eq!(
        s.post_form(&cookie, &format!("{task_page}/fire"), &report)
            .await,
        403
    );
    let mut forged = report.to_vec();
    forged.push(("csrf", "not-the-session-token"));
    assert_eq!(
        s.post_form(&cookie, &format!("{task_page}/fire"), &forged)
            .await,
        403
    );
    assert_eq!(
        s.task(igpr_2021.id).await,
        started,
        "a refused form changed the task"
    );
    // The same in the browser: the refusal page, in each language.
    let step = s.step("form-without-csrf-token");
    for lang in LANGUAGES {
        s.language(&igpr, lang).await;
        igpr.goto(&s.url(&task_page)).await;
        igpr.wait(&format!("html[lang=\"{lang}\"] #form-submit"))
            .await;
        igpr.script(
            "document.querySelector('#form-submit input[name=csrf]').remove();",
            vec![],
        )
        .await;
        igpr.fill("#narrative-submit", "Trei campanii.").await;
        igpr.click("#do-submit").await;
        igpr.wait(&format!("html[lang=\"{lang}\"] section.card.narrow h1"))
            .await;
        assert_eq!(igpr.text("main h1").await, s.word(lang, "error-csrf-title"));
        s.capture(&igpr, &step, lang).await;
    }
    assert_eq!(
        s.task(igpr_2021.id).await,
        started,
        "a refused form changed the task"
    );

    // A report with a word where a number goes: the error beside the field, nothing saved.
    let step = s.step("report-wrong-number");
    for lang in LANGUAGES {
        s.language(&igpr, lang).await;
        igpr.goto(&s.url(&task_page)).await;
        igpr.wait(&format!("html[lang=\"{lang}\"] #form-submit"))
            .await;
        igpr.fill("#ind-submit-0", "douăsprezece").await;
        igpr.fill("#ind-submit-1", "1 200").await;
        igpr.fill("#narrative-submit", "Campanii în școli și online.")
            .await;
        igpr.click("#do-submit").await;
        let error = igpr
            .wait(&format!(
                "html[lang=\"{lang}\"] #form-submit .field-error#ind-0-error"
            ))
            .await;
        assert_eq!(
            error.text().await.expect("error text"),
            s.word(lang, "error-number"),
            "the error is in {lang}"
        );
        let beside = igpr
            .script(
                r#"
                const input = document.getElementById('ind-submit-0');
                const error = document.getElementById('ind-0-error');
                const a = input.getBoundingClientRect(), b = error.getBoundingClientRect();
                return input.nextElementSibling === error
                  && input.getAttribute('aria-invalid') === 'true'
                  && input.getAttribute('aria-describedby') === 'ind-0-error'
                  && b.top >= a.bottom - 1 && b.top - a.bottom < 40
                  && input.value === 'douăsprezece';
                "#,
                vec![],
            )
            .await;
        assert_eq!(
            beside,
            json!(true),
            "the error is right below its field, which keeps what was typed"
        );
        // The other fields keep what was typed too.
        assert_eq!(
            igpr.wait("#ind-submit-1")
                .await
                .prop("value")
                .await
                .expect("value")
                .as_deref(),
            Some("1 200")
        );
        s.capture(&igpr, &step, lang).await;
    }
    assert_eq!(
        s.task(igpr_2021.id).await,
        started,
        "a refused report was saved"
    );

    // Corrected, the report goes in.
    igpr.fill("#ind-submit-0", "12").await;
    igpr.fill("#ind-submit-2", "3 500").await;
    igpr.click("#do-submit").await;
    igpr.wait("#done").await;
    let submitted = s.task(igpr_2021.id).await;
    assert_eq!(submitted.state, "submitted");
    igpr.wait("#h-reports").await;
    s.screen(&igpr, "task-submitted", "#h-reports").await;

    // A stale form: the page is open while a colleague changes the task; what is sent then is
    // refused with who changed it, and overwrites nothing. Once per language, on the 2022 task.
    let colleague = s.actor(PEOPLE.igpr_colleague).await;
    let stale_page = format!("/tasks/{}", igpr_2022.id);
    let step = s.step("stale-form");
    for (lang, transition) in LANGUAGES
        .into_iter()
        .zip(["acknowledge", "start", "submit"])
    {
        s.language(&igpr, lang).await;
        igpr.goto(&s.url(&stale_page)).await;
        igpr.wait(&format!("html[lang=\"{lang}\"] #form-{transition}"))
            .await;
        let before = s.task(igpr_2022.id).await;
        let mut fire = Fire::new(before.id, before.version, transition);
        if transition == "submit" {
            fire = fire.report(ReportInput {
                narrative: "Raportul colegei.".into(),
                ..Default::default()
            });
            igpr.fill("#narrative-submit", "Raportul meu, trimis prea târziu.")
                .await;
        }
        let changed = s
            .engine
            .fire(&colleague, fire)
            .await
            .expect("colleague's change");
        igpr.click(&format!("#do-{transition}")).await;
        let conflict = igpr.wait(&format!("html[lang=\"{lang}\"] #conflict")).await;
        let says = conflict.text().await.expect("conflict text");
        assert!(
            says.contains(PEOPLE.igpr_colleague),
            "the conflict names who changed the task: {says}"
        );
        assert_eq!(
            s.task(igpr_2022.id).await,
            changed,
            "a stale form changed the task"
        );
        s.capture(&igpr, &step, lang).await;
    }

    // DIICOT's member finds its own task, and nothing at the address of IGPR's.
    let diicot = s.browser("diicot", PEOPLE.diicot).await;
    s.sign_in(&diicot, false).await;
    diicot
        .wait(&format!("#task-{} a.row-title", diicot_2021.id))
        .await;
    s.screen(&diicot, "inbox-diicot", "form.filters").await;
    diicot.goto(&s.url(&task_page)).await;
    diicot.wait("section.card.narrow h1").await;
    s.screen(
        &diicot,
        "task-of-another-institution",
        "section.card.narrow h1",
    )
    .await;
    assert_eq!(
        diicot.text("main h1").await,
        s.word(HOME_LANGUAGE, "error-not-found-title")
    );
    let diicot_cookie = diicot.session_cookie().await;
    assert_eq!(s.get_status(&diicot_cookie, &task_page).await, 404);
    // Its form, with DIICOT's own valid token, finds nothing either.
    diicot.goto(&s.url("/")).await;
    let token = diicot
        .wait("form[action=\"/sign-out\"] input[name=csrf]")
        .await
        .prop("value")
        .await
        .expect("token")
        .expect("a token");
    let version = submitted.version.to_string();
    assert_eq!(
        s.post_form(
            &diicot_cookie,
            &format!("{task_page}/fire"),
            &[
                ("csrf", &token),
                ("transition", "approve"),
                ("version", &version)
            ],
        )
        .await,
        404
    );
    assert_eq!(
        s.task(igpr_2021.id).await,
        submitted,
        "DIICOT changed IGPR's task"
    );

    // DIICOT reports its part; IGPR, the lead, signs it off from its sign-off queue.
    diicot.goto(&s.url("/")).await;
    diicot
        .click(&format!("#task-{} a.row-title", diicot_2021.id))
        .await;
    diicot.click("#do-acknowledge").await;
    diicot.wait("#form-start").await;
    diicot.click("#do-start").await;
    diicot.wait("#form-submit").await;
    diicot.fill("#ind-submit-0", "2").await;
    diicot
        .fill("#narrative-submit", "Două campanii comune cu IGPR.")
        .await;
    diicot.click("#do-submit").await;
    diicot.wait("#h-reports").await;
    assert_eq!(s.task(diicot_2021.id).await.state, "submitted");
    igpr.click("nav a[href=\"/sign-offs\"]").await;
    let queued = format!("#sign-off-{}", diicot_2021.id);
    igpr.wait(&queued).await;
    s.screen(&igpr, "sign-off-queue-lead", &queued).await;
    igpr.click(&format!("#approve-{}", diicot_2021.id)).await;
    // Back to the queue, which no longer lists it.
    igpr.wait_for_url(&s.url("/sign-offs?done=approve")).await;
    assert_eq!(s.task(diicot_2021.id).await.state, "signed_off");
    assert!(
        igpr.client
            .find_all(Locator::Css(&queued))
            .await
            .expect("rows")
            .is_empty(),
        "a signed-off report stays in the queue"
    );

    // The coordinator: the period is amber (IGPR's report waits, three days before the
    // deadline); approved from the sign-off queue, IGPR's light turns green, and so does the
    // period once the coordinator approves it.
    coordinator.goto(&s.url(&action_page)).await;
    coordinator
        .wait(&format!("{period_2021} h3 .light-amber"))
        .await;
    coordinator.wait("h1 .light-amber").await;
    let plan_page = format!("/plans/{}", s.plan_id);
    coordinator.goto(&s.url(&plan_page)).await;
    coordinator
        .wait("[id=\"action-1.1.1\"] .row-side .light-amber")
        .await;
    coordinator.click("nav a[href=\"/sign-offs\"]").await;
    let queued = format!("#sign-off-{}", igpr_2021.id);
    coordinator.wait(&queued).await;
    s.screen(&coordinator, "sign-off-queue-coordinator", &queued)
        .await;
    coordinator
        .click(&format!("#approve-{}", igpr_2021.id))
        .await;
    coordinator
        .wait_for_url(&s.url("/sign-offs?done=approve"))
        .await;
    assert_eq!(s.task(igpr_2021.id).await.state, "signed_off");
    assert!(
        coordinator
            .client
            .find_all(Locator::Css(&queued))
            .await
            .expect("rows")
            .is_empty(),
        "a signed-off report stays in the queue"
    );
    coordinator.goto(&s.url(&task_page)).await;
    coordinator.wait("#state .light-green").await;
    s.screen(&coordinator, "task-signed-off", "#state .light-green")
        .await;
    coordinator.goto(&s.url(&action_page)).await;
    let approve_period = format!("#approve-period-{}", igpr_2021.period_id);
    coordinator.wait(&approve_period).await;
    coordinator.click(&approve_period).await;
    coordinator.wait("#done").await;
    coordinator
        .wait(&format!("{period_2021} h3 .light-green"))
        .await;
    coordinator.wait("h1 .light-green").await;
    s.screen(
        &coordinator,
        "action-period-approved",
        &format!("{period_2021} h3 .light-green"),
    )
    .await;
    coordinator
        .goto(&s.url(&format!("/plans/{}", s.plan_id)))
        .await;
    let green_row = "[id=\"action-1.1.1\"] .row-side .light-green";
    coordinator.wait(green_row).await;
    s.screen(&coordinator, "plan-after-sign-off", green_row)
        .await;

    for b in [coordinator, igpr, diicot] {
        b.close().await;
    }
}

/// The head of the Timișoara Local Police's petitions service registers a petition from the
/// register page (reached from the plans), routes it to the Public Order service, whose member
/// finds it in the inbox; the register page (cases and statistics) in every language at both
/// widths.
async fn a_petition_is_registered_and_routed_from_the_register_page(s: Scene) {
    // Friday 29 November 2024, 10:00 in Timișoara.
    s.clock.set(
        Utc.with_ymd_and_hms(2024, 11, 29, 8, 0, 0)
            .single()
            .expect("an instant"),
    );
    let operator = Actor::operator();
    let draft = plan_file::parse(
        PETITIONS,
        "politia-locala-timisoara-petitii.yaml",
        None,
        s.engine.lifecycles(),
    )
    .unwrap_or_else(|problems| panic!("the register does not check: {problems:?}"));
    let register_id = s
        .engine
        .import_plan(&operator, &draft, false)
        .await
        .expect("register imported")
        .plan_id;
    for (email, name, role, institution) in [
        (
            "sef.scpd@politialocalatm.ro",
            "Șef SCPD",
            UserRole::Coordinator,
            "PLT-SCPD",
        ),
        (
            "agent.sop@politialocalatm.ro",
            "Agent SOP",
            UserRole::Member,
            "PLT-SOP",
        ),
    ] {
        s.engine
            .create_user(
                &operator,
                NewUser {
                    email: EmailAddress::parse(email).expect("address"),
                    name: name.to_owned(),
                    role,
                    institution: Some(InstitutionCode::parse(institution).expect("code")),
                },
            )
            .await
            .expect("user created");
    }

    let head = s.browser("head", "sef.scpd@politialocalatm.ro").await;
    s.sign_in(&head, false).await;
    head.click("nav a[href=\"/plans\"]").await;
    let link = format!("#register-of-{register_id}");
    head.click(&link).await;
    head.wait("#new-case #received").await;
    s.screen(&head, "register-empty", "#no-cases").await;

    // A petition received at 09:40: the term, 30 days, ends on Monday 30 December.
    head.script(
        "document.getElementById('received').value = arguments[0];",
        vec![json!("2024-11-29T09:40")],
    )
    .await;
    head.fill(
        "#subject",
        "Autoturisme parcate pe trotuar, str. Paris nr. 3",
    )
    .await;
    head.fill("#petitioner", "P-2024-0118").await;
    head.click("#do-register").await;
    head.wait("#done").await;
    let row = head.text("[id=\"case-1\"]").await;
    assert!(row.contains("P-2024-0118"), "{row}");
    assert!(row.contains("30.12.2024"), "{row}");

    // An unknown case number is refused beside its field.
    head.fill("#route-number", "7").await;
    head.click("#do-route").await;
    head.wait("#route-number[aria-invalid=\"true\"] ~ .field-error#case-error")
        .await;

    // Routed to the Public Order service.
    head.fill("#route-number", "1").await;
    head.wait("#route-department")
        .await
        .select_by_value("PLT-SOP")
        .await
        .expect("department chosen");
    head.click("#do-route").await;
    head.wait("#done").await;
    head.wait("[id=\"case-1\"] a[href^=\"/tasks/\"]").await;
    head.wait("#statistics tr[data-department=\"PLT-SOP\"]")
        .await;
    s.screen(&head, "register-routed", "#statistics").await;

    // The department's member finds the petition in the inbox.
    let agent = s.browser("agent", "agent.sop@politialocalatm.ro").await;
    s.sign_in(&agent, false).await;
    let case = s
        .engine
        .case_by_number(&operator, "petitii-plt", "1")
        .await
        .expect("case 1");
    let task = case.tasks.first().expect("routed to a department");
    agent.wait(&format!("#task-{} a.row-title", task.id)).await;
    s.screen(&agent, "inbox-department", &format!("#task-{}", task.id))
        .await;

    // Parking is the traffic service's: the agent forwards the petition there, with a reason.
    // The task leaves the department's sight, so the agent is brought back to the inbox.
    agent.click(&format!("#task-{} a.row-title", task.id)).await;
    // (Shown in each language first: that reloads the page, and with it the form.)
    s.screen(&agent, "task-forward", "#form-forward").await;
    agent
        .wait("#target-forward")
        .await
        .select_by_value("PLT-SCR")
        .await
        .expect("department chosen");
    agent
        .fill(
            "#reason-forward",
            "Parcarea pe trotuar ține de Serviciul Circulație Rutieră.",
        )
        .await;
    agent.click("#do-forward").await;
    agent.wait_for_url(&s.url("/?done=forward")).await;
    agent.wait("#done").await;
    assert!(
        agent
            .client
            .find_all(Locator::Css(&format!("#task-{}", task.id)))
            .await
            .expect("rows")
            .is_empty(),
        "a forwarded petition stays in the department's inbox"
    );
    let case = s
        .engine
        .case_by_number(&operator, "petitii-plt", "1")
        .await
        .expect("case 1");
    let moved = case.tasks.first().expect("the case's task");
    assert_eq!((moved.id, moved.state.as_str()), (task.id, "forwarded"));
    assert_ne!(
        moved.institution_id, task.institution_id,
        "moved to another department"
    );
    head.close().await;
    agent.close().await;
}
