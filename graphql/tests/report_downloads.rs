//! Monitoring reports downloaded through a signed link: `monitoringReportUrl` makes it for whoever
//! may read the plan, `GET /reports/{token}` answers the document, and a link that expired, was
//! altered, or whose user may no longer read the plan answers nothing; on SQLite and PostgreSQL.
mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use chrono::Duration;
use mandate_engine::UserRole;
use mandate_engine::entity::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{Value, json};

use app::{TestApp, data, error_code};
use support::{Fixture, TestDb};

on_both_databases!(
    a_reader_downloads_each_format,
    a_link_expires,
    an_altered_link_answers_nothing,
    only_who_may_read_the_plan_gets_a_link_and_its_document,
);

const URL: &str = r#"query($plan: String!, $period: String!, $format: ReportFormat!) {
    monitoringReportUrl(plan: $plan, period: $period, format: $format) { url expiresAt }
}"#;

const COORDINATOR: &str = "coord@anitp.ro";

/// The status, headers and body of a GET.
async fn fetch(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = reqwest::get(app.url(path)).await.expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    (status, headers, body)
}

async fn ask(app: &TestApp, token: &str, period: &str, format: &str) -> Value {
    app.gql(
        token,
        URL,
        json!({ "plan": "test-plan", "period": period, "format": format }),
    )
    .await
}

/// A download link made for `token`'s user.
async fn link(app: &TestApp, token: &str, format: &str) -> String {
    let answer = ask(app, token, "2021", format).await;
    let url = data(&answer)["monitoringReportUrl"]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    assert!(url.starts_with("/reports/"), "{url}");
    url
}

async fn a_reader_downloads_each_format(db: TestDb) {
    let _f = Fixture::new(&db).await;
    let (app, _clock) = TestApp::new(&db).await;
    let token = app
        .token_for(COORDINATOR, UserRole::Coordinator, Some("ANITP"))
        .await;

    let answer = ask(&app, &token, "2021", "XLSX").await;
    let expires = data(&answer)["monitoringReportUrl"]["expiresAt"]
        .as_str()
        .expect("expiresAt");
    assert_eq!(expires, "2021-01-01T00:15:00+00:00");

    let url = link(&app, &token, "XLSX").await;
    let (status, headers, body) = fetch(&app, &url).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"test-plan-2021.xlsx\""
    );
    let mut workbook = Xlsx::new(Cursor::new(body)).expect("an XLSX workbook");
    let names = workbook.sheet_names();
    assert_eq!(names.len(), 9, "{names:?}");
    // The tasks sheet: a header and the plan's 2 × 4 tasks of 2021.
    let tasks = workbook
        .worksheet_range(&names[3])
        .expect("the tasks sheet");
    assert_eq!(tasks.height(), 9, "{}", names[3]);

    let (status, headers, body) = fetch(&app, &link(&app, &token, "CSV").await).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let rows = csv::Reader::from_reader(body.as_slice()).records().count();
    assert_eq!(rows, 8);

    let (status, headers, body) = fetch(&app, &link(&app, &token, "HTML").await).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(String::from_utf8_lossy(&body).contains("Plan de test"));

    let (status, _, body) = fetch(&app, &link(&app, &token, "DOCX").await).await;
    assert_eq!(status, 200);
    assert!(body.starts_with(b"PK"), "a DOCX is a zip file");
}

async fn a_link_expires(db: TestDb) {
    let _f = Fixture::new(&db).await;
    let (app, clock) = TestApp::new(&db).await;
    let token = app
        .token_for(COORDINATOR, UserRole::Coordinator, Some("ANITP"))
        .await;
    let url = link(&app, &token, "CSV").await;
    clock.advance(Duration::minutes(14));
    assert_eq!(fetch(&app, &url).await.0, 200);
    clock.advance(Duration::minutes(1));
    let (status, _, body) = fetch(&app, &url).await;
    assert_eq!((status, body.len()), (410, 0), "expired, saying nothing");
}

async fn an_altered_link_answers_nothing(db: TestDb) {
    let _f = Fixture::new(&db).await;
    let (app, _clock) = TestApp::new(&db).await;
    let token = app
        .token_for(COORDINATOR, UserRole::Coordinator, Some("ANITP"))
        .await;
    let url = link(&app, &token, "CSV").await;
    let (payload, signature) = url.rsplit_once('.').expect("payload.signature");
    // Another format, period or plan in the payload, signed with the same signature.
    let text = String::from_utf8(
        (0..payload.len() - "/reports/".len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&payload["/reports/".len() + i..][..2], 16).expect("hex"))
            .collect(),
    )
    .expect("UTF-8 claims");
    let forged: String = text
        .replace("\"csv\"", "\"xlsx\"")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    let flipped = |s: &str| {
        let mut chars: Vec<char> = s.chars().collect();
        let last = chars.len() - 1;
        chars[last] = if chars[last] == '0' { '1' } else { '0' };
        chars.into_iter().collect::<String>()
    };
    for altered in [
        format!("/reports/{forged}.{signature}"),
        format!("{payload}.{}", flipped(signature)),
        format!("{payload}.{}", &signature[2..]),
        "/reports/not-a-token".to_owned(),
        "/reports/00.00".to_owned(),
    ] {
        let (status, _, body) = fetch(&app, &altered).await;
        assert_eq!((status, body.len()), (404, 0), "{altered}");
    }
    assert_eq!(
        fetch(&app, &url).await.0,
        200,
        "the genuine link still works"
    );
}

async fn only_who_may_read_the_plan_gets_a_link_and_its_document(db: TestDb) {
    let f = Fixture::new(&db).await;
    let (app, _clock) = TestApp::new(&db).await;
    // DIICOT takes no part in the plan.
    let outsider = app
        .token_for("user@diicot.ro", UserRole::Member, Some("DIICOT"))
        .await;
    let answer = ask(&app, &outsider, "2021", "XLSX").await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("NOT_FOUND"),
        "{answer}"
    );

    // A member of ME, responsible in the plan, gets a link, and loses the document when it
    // moves to DIICOT.
    let member = app
        .token_for("user@me.ro", UserRole::Member, Some("ME"))
        .await;
    let url = link(&app, &member, "CSV").await;
    let (status, _, body) = fetch(&app, &url).await;
    assert_eq!(status, 200);
    let rows = csv::Reader::from_reader(body.as_slice()).records().count();
    assert_eq!(rows, 2, "its own two tasks only");
    let mut moved = user::Entity::find()
        .filter(user::Column::Email.eq("user@me.ro"))
        .one(&db.db)
        .await
        .expect("db")
        .expect("user")
        .into_active_model();
    moved.institution_id = Set(Some(f.outsider.id));
    moved.update(&db.db).await.expect("moved");
    let (status, _, body) = fetch(&app, &url).await;
    assert_eq!((status, body.len()), (404, 0));

    let answer = ask(&app, &member, "2021-Q5", "XLSX").await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("VALIDATION"),
        "{answer}"
    );
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("`2021-Q5`") && m.contains("period")),
        "{answer}"
    );
}
