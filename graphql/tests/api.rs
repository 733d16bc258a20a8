//! The API end to end over real HTTP and WebSocket, on SQLite and PostgreSQL: a plan from import
//! to a completed action period, the error codes, pagination, subscriptions, and bad requests.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use app::{TestApp, data, error_code, error_message};
use futures_util::{SinkExt, StreamExt};
use mandate_engine::UserRole;
use mandate_graphql::{SchemaOptions, ServerConfig};
use serde_json::{Value, json};
use support::TestDb;
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

on_both_databases!(
    a_plan_goes_from_import_to_a_completed_action_period,
    engine_errors_have_their_codes,
    pages_cover_every_task_once,
    subscribers_see_their_institutions_events_only,
    bad_requests_get_clear_errors_and_the_server_keeps_serving,
);

const PNA: &str = include_str!("../../workflows/plans/pna-trafic-2021-2022.yaml");

/// The server with the anti-trafficking plan imported by ANITP's coordinator, and tokens for
/// the coordinator and members of IGPR and DIICOT.
struct Imported {
    app: TestApp,
    plan_id: String,
    coordinator: String,
    igpr: String,
    diicot: String,
}

async fn import_pna(db: &TestDb) -> Imported {
    let (app, _clock) = TestApp::new(db).await;
    // Only the owner exists before: the plan creates the other institutions (an import may not
    // rename institutions its coordinator does not manage).
    app.institution("ANITP").await;
    let coordinator = app
        .token_for("coordonator@anitp.ro", UserRole::Coordinator, Some("ANITP"))
        .await;
    let answer = app
        .gql(
            &coordinator,
            "mutation($yaml: String!) { importPlan(yaml: $yaml) { plan { id } planCode dryRun changes { entity created } } }",
            json!({ "yaml": PNA }),
        )
        .await;
    let imported = &data(&answer)["importPlan"];
    assert_eq!(imported["planCode"], "pna-trafic-2021-2022");
    let tasks = imported["changes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["entity"] == "tasks"))
        .expect("tasks counted");
    assert_eq!(tasks["created"], 520, "{imported:#}");
    let plan_id = imported["plan"]["id"].as_str().expect("plan id").to_owned();
    let igpr = app
        .token_for("ofiter@igpr.ro", UserRole::Member, Some("IGPR"))
        .await;
    let diicot = app
        .token_for("procuror@diicot.ro", UserRole::Member, Some("DIICOT"))
        .await;
    Imported {
        app,
        plan_id,
        coordinator,
        igpr,
        diicot,
    }
}

/// The id of action `number` of the plan.
async fn action_id(s: &Imported, number: &str) -> String {
    let answer = s
        .app
        .gql(
            &s.coordinator,
            "query($id: ID!) { plan(id: $id) { objectives { children { actions { id number } } } } }",
            json!({ "id": s.plan_id }),
        )
        .await;
    data(&answer)["plan"]["objectives"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|o| o["children"].as_array().into_iter().flatten())
        .flat_map(|o| o["actions"].as_array().into_iter().flatten())
        .find(|a| a["number"] == number)
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("action {number} not found"))
        .to_owned()
}

/// Fires a task mutation (`name(id, version, …extra)`) and returns the task's new version.
async fn step(app: &TestApp, token: &str, mutation: &str, task: &Value, extra: &str) -> i64 {
    let query = format!(
        "mutation($id: ID!, $version: Int!) {{ {mutation}(id: $id, version: $version{extra}) {{ state version }} }}"
    );
    let answer = app
        .gql(
            token,
            &query,
            json!({ "id": task["id"], "version": task["version"] }),
        )
        .await;
    let version = data(&answer)[mutation]["version"]
        .as_i64()
        .expect("version");
    assert_eq!(version, task["version"].as_i64().expect("version") + 1);
    version
}

async fn a_plan_goes_from_import_to_a_completed_action_period(db: TestDb) {
    let s = import_pna(&db).await;
    let action = action_id(&s, "1.1.1").await;
    let answer = s
        .app
        .gql(
            &s.coordinator,
            r#"mutation($id: ID!) { assignAction(actionId: $id, lead: "IGPR", responsible: ["IGPR"], partners: ["DIICOT"]) {
                 action {
                   assignments { institution { code } role lead }
                   indicators { name }
                   periods { id start end }
                 }
                 cancelledTasks { state institution { code } }
               } }"#,
            json!({ "id": action }),
        )
        .await;
    // The plan gave 1.1.1 to ANITP with four partners: their ten pending tasks (2021, 2022) go.
    let cancelled = data(&answer)["assignAction"]["cancelledTasks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(cancelled.len(), 10, "{answer:#}");
    assert!(
        cancelled
            .iter()
            .all(|t| t["state"] == "cancelled" && t["institution"]["code"] != "IGPR"),
        "{answer:#}"
    );
    let assigned = &data(&answer)["assignAction"]["action"];
    assert_eq!(
        assigned["assignments"],
        json!([
            { "institution": { "code": "IGPR" }, "role": "responsible", "lead": true },
            { "institution": { "code": "DIICOT" }, "role": "partner", "lead": false },
        ])
    );
    let period = assigned["periods"][0]["id"]
        .as_str()
        .expect("period")
        .to_owned();
    assert_eq!(assigned["periods"][0]["end"], "2021-12-31");
    let indicators: Vec<String> = assigned["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(indicators.len(), 3);

    // Each institution works on its task of the first period.
    let tasks_of = async |token: &str| -> Value {
        let answer = s
            .app
            .gql(
                token,
                "query($id: ID!) { action(id: $id) { tasks { id version state period { id } institution { code } } } }",
                json!({ "id": action }),
            )
            .await;
        data(&answer)["action"]["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .find(|t| t["period"]["id"] == period.as_str() && t["state"] != "cancelled")
            .cloned()
            .expect("a task in the first period")
    };
    let values: Vec<Value> = indicators
        .iter()
        .enumerate()
        .map(|(i, name)| json!({ "indicator": name, "value": 10 * (i + 1) }))
        .collect();
    let submit = format!(
        r#", indicatorValues: {}, narrative: "Campanii derulate în 12 județe", evidenceUrls: ["https://anitp.mai.gov.ro/raport-2021"]"#,
        graphql_literal(&json!(values))
    );
    for token in [&s.igpr, &s.diicot] {
        let mut task = tasks_of(token).await;
        for (mutation, extra) in [
            ("acknowledgeTask", ""),
            ("startTask", ""),
            ("submitReport", submit.as_str()),
        ] {
            task["version"] = json!(step(&s.app, token, mutation, &task, extra).await);
        }
        assert_eq!(tasks_of(token).await["state"], "submitted");
    }
    // The period cannot be approved before the responsible institution is signed off.
    let approve_period = "mutation($id: ID!) { approveActionPeriod(periodId: $id, comment: \"Aprobat\") { approvedAt approvedBy complete } }";
    let early = s
        .app
        .gql(&s.coordinator, approve_period, json!({ "id": period }))
        .await;
    assert_eq!(
        error_code(&early).as_deref(),
        Some("VALIDATION"),
        "{early:#}"
    );

    for token in [&s.igpr, &s.diicot] {
        let task = tasks_of(token).await;
        step(
            &s.app,
            &s.coordinator,
            "approveTask",
            &task,
            ", comment: \"Conform\"",
        )
        .await;
    }
    let answer = s
        .app
        .gql(&s.coordinator, approve_period, json!({ "id": period }))
        .await;
    let approved = &data(&answer)["approveActionPeriod"];
    assert_eq!(approved["complete"], true);
    assert_eq!(approved["approvedBy"], "coordonator@anitp.ro");

    let answer = s
        .app
        .gql(
            &s.coordinator,
            "query($id: ID!) { plan(id: $id) { progress { actionPeriods actionPeriodsComplete percentComplete byState { state count } } } }",
            json!({ "id": s.plan_id }),
        )
        .await;
    let progress = &data(&answer)["plan"]["progress"];
    assert_eq!(progress["actionPeriodsComplete"], 1, "{progress:#}");
    let periods = progress["actionPeriods"].as_f64().expect("periods");
    let percent = progress["percentComplete"].as_f64().expect("percent");
    assert!((percent - 100.0 / periods).abs() < 1e-9, "{progress:#}");
    let signed_off = progress["byState"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["state"] == "signed_off"))
        .expect("signed off tasks");
    assert_eq!(signed_off["count"], 2);

    // The action's trail, oldest first, as the coordinator reads it.
    let answer = s
        .app
        .gql(
            &s.coordinator,
            "query($id: ID!) { events(entityId: $id, first: 200) { totalCount nodes { kind actor fromState toState task { institution { code } } } } }",
            json!({ "id": action }),
        )
        .await;
    let events = &data(&answer)["events"];
    let trail: Vec<(String, String)> = events["nodes"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["task"].is_null() || e["task"]["institution"]["code"] != "ANITP")
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or_default().to_owned(),
                e["task"]["institution"]["code"]
                    .as_str()
                    .unwrap_or("-")
                    .to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("assigned", "-"),
        ("acknowledge", "IGPR"),
        ("start", "IGPR"),
        ("submit", "IGPR"),
        ("acknowledge", "DIICOT"),
        ("start", "DIICOT"),
        ("submit", "DIICOT"),
        ("approve", "IGPR"),
        ("approve", "DIICOT"),
        ("period_approved", "-"),
    ]
    .iter()
    .map(|(k, i)| ((*k).to_owned(), (*i).to_owned()))
    .collect();
    // From the API's assignment on (the import's own assignment and the tasks it opened and
    // cancelled come before).
    let last_assignment = trail
        .iter()
        .rposition(|(k, _)| k == "assigned")
        .expect("assigned");
    let kinds_after_assignment = trail[last_assignment..].to_vec();
    assert_eq!(kinds_after_assignment, expected, "{events:#}");
    assert_eq!(
        events["totalCount"].as_u64(),
        Some(events["nodes"].as_array().map_or(0, |n| n.len() as u64))
    );
    // The reports are kept with their values. The partner reads its own task only; the lead
    // reads the partner's too, as it consolidates them.
    let reports_seen_by = async |token: &str| -> Vec<Value> {
        let answer = s
            .app
            .gql(
                token,
                "query($id: ID!) { action(id: $id) { tasks { institution { code } reports { indicatorValues narrative evidenceUrls submittedBy } } } }",
                json!({ "id": action }),
            )
            .await;
        data(&answer)["action"]["tasks"]
            .as_array()
            .expect("tasks")
            .clone()
    };
    let codes = |tasks: &[Value]| -> BTreeSet<String> {
        tasks
            .iter()
            .map(|t| {
                t["institution"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    let partner_view = reports_seen_by(&s.diicot).await;
    assert_eq!(codes(&partner_view), BTreeSet::from(["DIICOT".to_owned()]));
    let tasks = reports_seen_by(&s.igpr).await;
    assert!(codes(&tasks).is_superset(&BTreeSet::from(["DIICOT".to_owned(), "IGPR".to_owned()])));
    let report = &tasks
        .iter()
        .find(|t| {
            t["institution"]["code"] == "IGPR"
                && t["reports"].as_array().is_some_and(|r| !r.is_empty())
        })
        .expect("a reported task")["reports"][0];
    assert_eq!(report["indicatorValues"][&indicators[0]], 10);
    assert_eq!(report["submittedBy"], "ofiter@igpr.ro");
    assert_eq!(
        report["evidenceUrls"],
        json!(["https://anitp.mai.gov.ro/raport-2021"])
    );
}

/// A JSON value written as a GraphQL literal (object keys unquoted).
fn graphql_literal(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}: {}", graphql_literal(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(graphql_literal).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

async fn engine_errors_have_their_codes(db: TestDb) {
    let s = import_pna(&db).await;
    let answer = s
        .app
        .gql(
            &s.igpr,
            "{ tasks(filter: { institution: \"IGPR\" }, first: 1) { nodes { id version } } }",
            json!({}),
        )
        .await;
    let task = data(&answer)["tasks"]["nodes"][0].clone();
    let ack = "mutation($id: ID!, $version: Int!) { acknowledgeTask(id: $id, version: $version) { version } }";
    let first = s
        .app
        .gql(
            &s.igpr,
            ack,
            json!({ "id": task["id"], "version": task["version"] }),
        )
        .await;
    data(&first);
    // The same version again: someone changed the task in between.
    let stale = s
        .app
        .gql(
            &s.igpr,
            ack,
            json!({ "id": task["id"], "version": task["version"] }),
        )
        .await;
    assert_eq!(
        error_code(&stale).as_deref(),
        Some("INVALID_TRANSITION"),
        "{stale:#}"
    );
    let start =
        "mutation($id: ID!, $version: Int!) { startTask(id: $id, version: $version) { version } }";
    let conflict = s
        .app
        .gql(
            &s.igpr,
            start,
            json!({ "id": task["id"], "version": task["version"] }),
        )
        .await;
    assert_eq!(
        error_code(&conflict).as_deref(),
        Some("CONFLICT"),
        "{conflict:#}"
    );
    assert_eq!(
        conflict["errors"][0]["extensions"]["currentVersion"],
        task["version"].as_i64().unwrap_or(0) + 1
    );
    assert_eq!(conflict["errors"][0]["path"], json!(["startTask"]));
    let missing = s
        .app
        .gql(&s.igpr, ack, json!({ "id": "Task:99999999", "version": 1 }))
        .await;
    assert_eq!(
        error_code(&missing).as_deref(),
        Some("NOT_FOUND"),
        "{missing:#}"
    );
    let wrong_kind = s
        .app
        .gql(&s.igpr, ack, json!({ "id": "Plan:1", "version": 1 }))
        .await;
    assert_eq!(error_code(&wrong_kind).as_deref(), Some("VALIDATION"));
    assert_eq!(wrong_kind["errors"][0]["extensions"]["field"], "id");
    let decline =
        "mutation($id: ID!) { declineTask(id: $id, version: 1, reason: \"  \") { version } }";
    let answer = s.app.gql(&s.igpr, "{ tasks(filter: { institution: \"IGPR\", states: [\"pending\"] }, first: 1) { nodes { id } } }", json!({})).await;
    let pending = data(&answer)["tasks"]["nodes"][0]["id"].clone();
    let empty_reason = s.app.gql(&s.igpr, decline, json!({ "id": pending })).await;
    assert_eq!(
        error_code(&empty_reason).as_deref(),
        Some("VALIDATION"),
        "{empty_reason:#}"
    );
    assert_eq!(empty_reason["errors"][0]["extensions"]["field"], "reason");
    let too_big = s
        .app
        .gql(&s.igpr, "{ tasks(first: 201) { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&too_big).as_deref(), Some("VALIDATION"));
    assert_eq!(too_big["errors"][0]["extensions"]["field"], "first");
    let unknown = s
        .app
        .gql(
            &s.coordinator,
            "{ institution(code: \"ANTIP\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&unknown).as_deref(), Some("NOT_FOUND"));
    assert!(
        error_message(&unknown).contains("did you mean `ANITP`"),
        "{unknown:#}"
    );
    let broken = s
        .app
        .gql(
            &s.coordinator,
            "mutation { importPlan(yaml: \"plan:\\n  code: [x\\n\") { planCode } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&broken).as_deref(),
        Some("VALIDATION"),
        "{broken:#}"
    );
    assert!(
        broken["errors"][0]["extensions"]["problems"][0]["line"]
            .as_u64()
            .is_some(),
        "{broken:#}"
    );
}

async fn pages_cover_every_task_once(db: TestDb) {
    let s = import_pna(&db).await;
    let mut seen = BTreeSet::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let answer = s
            .app
            .gql(
                &s.coordinator,
                "query($after: String) { tasks(first: 200, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id dueAt } } } }",
                json!({ "after": after }),
            )
            .await;
        let page = &data(&answer)["tasks"];
        assert_eq!(page["totalCount"], 520);
        let edges = page["edges"].as_array().expect("edges");
        for edge in edges {
            assert!(
                seen.insert(edge["node"]["id"].as_str().expect("id").to_owned()),
                "task seen twice"
            );
        }
        pages += 1;
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        assert_eq!(
            after.as_deref(),
            edges.last().and_then(|e| e["cursor"].as_str())
        );
    }
    assert_eq!((seen.len(), pages), (520, 3));
    let bad = s
        .app
        .gql(
            &s.coordinator,
            "{ tasks(after: \"nonsense\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "after");
}

/// A `graphql-transport-ws` client, acknowledged and subscribed to `taskEvents`.
async fn subscribe(
    app: &TestApp,
    token: &str,
    arguments: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("ws://{}/graphql/ws", app.address)
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connected");
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    socket
        .send(Message::text(init.to_string()))
        .await
        .expect("sent");
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    let subscribe = json!({
        "id": "1",
        "type": "subscribe",
        "payload": { "query": format!("subscription {{ taskEvents{arguments} {{ event {{ kind }} task {{ id institution {{ code }} }} }} }}") },
    });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .expect("sent");
    socket
}

async fn next_json<S>(socket: &mut S) -> Value
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("a message within 20 s")
            .expect("socket open")
            .expect("a message");
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("JSON message");
        }
    }
}

async fn subscribers_see_their_institutions_events_only(db: TestDb) {
    let s = import_pna(&db).await;
    let mut igpr_socket = subscribe(&s.app, &s.igpr, "").await;
    let mut diicot_socket = subscribe(&s.app, &s.diicot, "").await;
    s.app.wait_for_subscribers(2).await;
    // Following another institution is refused.
    let mut nosy = subscribe(&s.app, &s.igpr, "(institution: \"DIICOT\")").await;
    let refused = next_json(&mut nosy).await;
    let errors = match refused["type"].as_str() {
        Some("next") => &refused["payload"]["errors"],
        _ => &refused["payload"],
    };
    assert_eq!(errors[0]["extensions"]["code"], "FORBIDDEN", "{refused:#}");

    let first_pending = async |token: &str, code: &str| -> Value {
        let answer = s
            .app
            .gql(
                token,
                "query($code: String!) { tasks(filter: { institution: $code, states: [\"pending\"] }, first: 1) { nodes { id version } } }",
                json!({ "code": code }),
            )
            .await;
        data(&answer)["tasks"]["nodes"][0].clone()
    };
    let igpr_task = first_pending(&s.igpr, "IGPR").await;
    let diicot_task = first_pending(&s.diicot, "DIICOT").await;
    step(&s.app, &s.igpr, "acknowledgeTask", &igpr_task, "").await;
    step(&s.app, &s.diicot, "acknowledgeTask", &diicot_task, "").await;
    let mut igpr_task = igpr_task;
    igpr_task["version"] = json!(igpr_task["version"].as_i64().unwrap_or(0) + 1);
    step(&s.app, &s.igpr, "startTask", &igpr_task, "").await;

    let seen_by_igpr = [
        next_json(&mut igpr_socket).await,
        next_json(&mut igpr_socket).await,
    ];
    for (message, kind) in seen_by_igpr.iter().zip(["acknowledge", "start"]) {
        assert_eq!(message["type"], "next", "{message:#}");
        let event = &message["payload"]["data"]["taskEvents"];
        assert_eq!(event["event"]["kind"], kind);
        assert_eq!(
            event["task"]["institution"]["code"], "IGPR",
            "IGPR saw another's event"
        );
        assert_eq!(event["task"]["id"], igpr_task["id"]);
    }
    let seen_by_diicot = next_json(&mut diicot_socket).await;
    let event = &seen_by_diicot["payload"]["data"]["taskEvents"];
    assert_eq!(event["task"]["institution"]["code"], "DIICOT");
    assert_eq!(event["event"]["kind"], "acknowledge");
    // The server still answers the DIICOT socket, and it got nothing else meanwhile.
    diicot_socket
        .send(Message::text(json!({ "type": "ping" }).to_string()))
        .await
        .expect("sent");
    assert_eq!(next_json(&mut diicot_socket).await["type"], "pong");
}

async fn bad_requests_get_clear_errors_and_the_server_keeps_serving(db: TestDb) {
    let (app, _clock) = TestApp::new(&db).await;
    app.institution("ANITP").await;
    let token = app
        .token_for("auditor@curtea.ro", UserRole::Auditor, None)
        .await;

    // The schema query GraphiQL sends (type references nine wrappers deep) is within the limits.
    let type_ref = format!(
        "kind name {}{}",
        "ofType { kind name ".repeat(9),
        "}".repeat(9)
    );
    let introspection = format!(
        "query IntrospectionQuery {{ __schema {{ queryType {{ name }} mutationType {{ name }} \
         subscriptionType {{ name }} types {{ kind name description fields(includeDeprecated: true) \
         {{ name description args {{ name type {{ {type_ref} }} defaultValue }} type {{ {type_ref} }} \
         isDeprecated deprecationReason }} inputFields {{ name type {{ {type_ref} }} }} interfaces \
         {{ {type_ref} }} enumValues(includeDeprecated: true) {{ name }} possibleTypes {{ {type_ref} }} }} \
         directives {{ name locations args {{ name type {{ {type_ref} }} }} }} }} }}"
    );
    let answer = app.gql(&token, &introspection, json!({})).await;
    assert!(
        data(&answer)["__schema"]["types"]
            .as_array()
            .is_some_and(|t| t.len() > 20),
        "{answer:#}"
    );

    let (status, body) = app
        .post(None, json!({ "query": "{ plans { code } }" }).to_string())
        .await;
    assert_eq!(
        (status, error_code(&body).as_deref()),
        (401, Some("UNAUTHENTICATED"))
    );
    let (status, body) = app
        .post(
            Some("mdt_0000"),
            json!({ "query": "{ plans { code } }" }).to_string(),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_deref()),
        (401, Some("UNAUTHENTICATED"))
    );

    let (status, body) = app.post(Some(&token), "{\"query\": ").await;
    assert_eq!(
        (status, error_code(&body).as_deref()),
        (400, Some("BAD_REQUEST")),
        "{body:#}"
    );
    assert!(error_message(&body).contains("line 1"), "{body:#}");

    let huge =
        json!({ "query": format!("{{ plans {{ code }} }} #{}", "x".repeat(2 * 1024 * 1024)) });
    let (status, body) = app.post(Some(&token), huge.to_string()).await;
    assert_eq!(
        (status, error_code(&body).as_deref()),
        (413, Some("PAYLOAD_TOO_LARGE")),
        "{body:#}"
    );

    let bomb = format!(
        "{{ plans {}{}{} }}",
        "{ objectives { children ".repeat(8),
        "{ number }",
        " } }".repeat(8)
    );
    let answer = app.gql(&token, &bomb, json!({})).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("QUERY_TOO_DEEP"),
        "{answer:#}"
    );
    assert!(
        error_message(&answer).contains("nested too deep"),
        "{answer:#}"
    );

    let answer = app
        .gql(&token, "{ plans { code secret } }", json!({}))
        .await;
    assert_eq!(error_code(&answer).as_deref(), Some("BAD_REQUEST"));
    assert!(error_message(&answer).contains("secret"), "{answer:#}");

    let answer = app
        .gql(
            &token,
            "{ tasks(first: 200) { nodes { action { tasks { action { tasks { id } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("QUERY_TOO_COMPLEX"),
        "{answer:#}"
    );
    assert!(error_message(&answer).contains("complex"), "{answer:#}");

    let (status, body) = app.get("/nowhere").await;
    assert_eq!(status, 404, "{body}");

    // Still serving.
    assert_eq!(app.get("/healthz").await, (200, "ok\n".to_owned()));
    assert_eq!(app.get("/readyz").await, (200, "ready\n".to_owned()));
    let answer = app
        .gql(
            &token,
            "{ viewer { email role } plans { code } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&answer)["viewer"],
        json!({ "email": "auditor@curtea.ro", "role": "AUDITOR" })
    );
    let (status, page) = app.get("/graphql").await;
    assert!(status == 200 && page.contains("graphiql"), "GraphiQL page");

    // Introspection can be switched off.
    let closed = TestApp::spawn(
        app.engine.clone(),
        ServerConfig {
            schema: SchemaOptions {
                introspection: false,
                ..SchemaOptions::default()
            },
            ..ServerConfig::default()
        },
    )
    .await;
    let answer = closed
        .gql(&token, "{ __schema { types { name } } }", json!({}))
        .await;
    assert!(
        answer.get("errors").is_some() || answer["data"]["__schema"].is_null(),
        "{answer:#}"
    );
    let open = app
        .gql(&token, "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(data(&open)["__schema"]["queryType"]["name"], "Query");
}
