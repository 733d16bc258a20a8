//! Importing a plan file (`GET /plans/import`, `POST /plans/import`), for admins and
//! coordinators. A file sent (uploaded, or pasted) is first run as a dry run: the page shows
//! every located problem with its line of the file, or what the import would change; its Confirm
//! button sends the same text again (in the form, under the session's form token) to be imported
//! for real. Nothing is written before that.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::Response;
use mandate_engine::Error;
use mandate_engine::plans::plan_file::{self, ImportSummary, Problem};
use mandate_engine::sign_in::WebSession;
use serde_json::{Value, json};

use crate::render;
use crate::session::Viewer;
use crate::{AppState, csrf};

/// The largest plan file taken (the largest seed plan is under 70 KB).
pub const MAX_PLAN_BYTES: usize = 1024 * 1024;
/// The most form fields read from one request.
const MAX_FIELDS: usize = 16;
/// The most problems listed (the page says how many more there are).
const MAX_PROBLEMS_SHOWN: usize = 200;
/// The most characters of a file's line shown beside a problem.
const MAX_LINE_CHARS: usize = 300;
/// The name of a pasted plan in problems.
const PASTED_NAME: &str = "plan.yaml";

/// The kinds of records an import counts, in the order the page lists them.
const KINDS: [&str; 6] = [
    "plans",
    "institutions",
    "objectives",
    "actions",
    "performance indicators",
    "tasks",
];

/// What the form sent.
#[derive(Debug, Default)]
struct Upload {
    csrf: String,
    /// The uploaded file's name and bytes (empty when no file was chosen).
    file: Option<(String, Vec<u8>)>,
    /// The pasted text (or, from the Confirm button, the text checked before).
    yaml: String,
    /// The name the text had when it was checked (from the Confirm button).
    name: String,
    /// Import for real (the Confirm button), not as a dry run.
    confirm: bool,
    /// What could not be read (the fields before it were).
    error: Option<FieldError>,
}

/// Why a form could not be read: the field and the catalogue key of its error.
type FieldError = (&'static str, &'static str);

/// A field's bytes, at most `MAX_PLAN_BYTES`.
async fn field_bytes(
    field: &mut axum::extract::multipart::Field<'_>,
    name: &'static str,
) -> Result<Vec<u8>, FieldError> {
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > MAX_PLAN_BYTES {
                    return Err((name, "import-error-too-large"));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(bytes),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err((name, "import-error-too-large"));
            }
            Err(_) => return Err(("file", "import-error-unreadable")),
        }
    }
}

fn text_of(bytes: Vec<u8>, field: &'static str) -> Result<String, FieldError> {
    String::from_utf8(bytes).map_err(|_| (field, "import-error-not-text"))
}

/// Reads the form; what cannot be read is an error of the field it was in.
async fn read(multipart: Multipart) -> Upload {
    let mut upload = Upload::default();
    if let Err(error) = read_into(multipart, &mut upload).await {
        upload.error = Some(error);
    }
    upload
}

async fn read_into(mut multipart: Multipart, upload: &mut Upload) -> Result<(), FieldError> {
    for _ in 0..MAX_FIELDS {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(()),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(("file", "import-error-too-large"));
            }
            Err(_) => return Err(("file", "import-error-unreadable")),
        };
        match field.name().unwrap_or_default() {
            "csrf" => upload.csrf = text_of(field_bytes(&mut field, "file").await?, "file")?,
            "file" => {
                let name = field.file_name().map(file_name).unwrap_or_default();
                let bytes = field_bytes(&mut field, "file").await?;
                if !bytes.is_empty() {
                    upload.file = Some((name, bytes));
                }
            }
            "yaml" => upload.yaml = text_of(field_bytes(&mut field, "yaml").await?, "yaml")?,
            "name" => upload.name = text_of(field_bytes(&mut field, "yaml").await?, "yaml")?,
            "confirm" => upload.confirm = true,
            _ => {}
        }
    }
    Ok(())
}

/// The name of an uploaded file as problems show it: its last part, at most 100 characters of
/// letters, digits and `.-_ `.
fn file_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(100)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        PASTED_NAME.to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// A problem as the page lists it, with the line of the file it is on.
fn problem(p: &Problem, name: &str, text: &str) -> Value {
    let line = (p.file == name && p.line > 0)
        .then(|| {
            text.lines()
                .nth(usize::try_from(p.line - 1).unwrap_or(usize::MAX))
        })
        .flatten()
        .map(|line| {
            let chars: Vec<char> = line.chars().take(MAX_LINE_CHARS).collect();
            let at = usize::try_from(p.column.saturating_sub(1)).unwrap_or(usize::MAX);
            let (before, mark, after) = if p.column > 0 && at < chars.len() {
                (
                    chars[..at].iter().collect::<String>(),
                    chars[at].to_string(),
                    chars[at + 1..].iter().collect::<String>(),
                )
            } else {
                (chars.iter().collect(), String::new(), String::new())
            };
            json!({ "number": p.line, "before": before, "mark": mark, "after": after })
        });
    json!({
        "place": format!("{}:{}:{}", p.file, p.line, p.column),
        "message": p.message,
        "line": line,
    })
}

fn summary(s: &ImportSummary) -> Value {
    let mut kinds: Vec<&str> = KINDS.to_vec();
    kinds.extend(s.changes.keys().filter(|k| !KINDS.contains(k)));
    json!({
        "plan_id": s.plan_id,
        "plan_code": s.plan_code,
        "changes": kinds.iter().filter_map(|kind| s.changes.get(kind).map(|c| json!({
            "kind": kind.replace(' ', "_"),
            "created": c.created,
            "updated": c.updated,
            "unchanged": c.unchanged,
        }))).collect::<Vec<_>>(),
        "tasks_cancelled": s.tasks_cancelled,
        "institution_changes": s.institution_changes.iter().map(|c| json!({
            "code": c.code,
            "field": c.field,
            "from": c.from,
            "to": c.to,
        })).collect::<Vec<_>>(),
    })
}

fn show(state: &AppState, viewer: &WebSession, status: StatusCode, mut context: Value) -> Response {
    context["back"] = json!("/plans/import");
    context["max_kb"] = json!(MAX_PLAN_BYTES / 1024);
    render::page(
        state,
        Some(viewer),
        &viewer.language,
        status,
        "import.html",
        context,
    )
}

/// `GET /plans/import`: the form.
pub async fn form(State(state): State<AppState>, Viewer(viewer): Viewer) -> Response {
    if let Err(e) = plan_file::may_import_plans(&viewer.actor) {
        return render::failure(&state, Some(&viewer), &viewer.language, &e);
    }
    show(&state, &viewer, StatusCode::OK, json!({ "stage": "form" }))
}

/// `POST /plans/import`: a dry run of the file sent, or (Confirm) its import.
pub async fn submit(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let lang = viewer.language.clone();
    let upload = match multipart {
        Ok(multipart) => read(multipart).await,
        // A body that is not a multipart form carries no form token either: refused below.
        Err(_) => Upload::default(),
    };
    if let Err(refused) = csrf::check(&state, &viewer, &upload.csrf) {
        return refused;
    }
    if let Err(e) = plan_file::may_import_plans(&viewer.actor) {
        return render::failure(&state, Some(&viewer), &lang, &e);
    }
    let refuse = |field: &str, key: &str, yaml: &str| {
        let errors = BTreeMap::from([(field.to_owned(), key.to_owned())]);
        show(
            &state,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "stage": "form", "errors": errors, "yaml": yaml }),
        )
    };
    if let Some((field, key)) = upload.error {
        return refuse(field, key, "");
    }
    let (name, text) = match upload.file {
        Some((name, bytes)) => match text_of(bytes, "file") {
            Ok(text) => (name, text),
            Err((field, key)) => return refuse(field, key, &upload.yaml),
        },
        None if !upload.yaml.trim().is_empty() => {
            let name = if upload.name.is_empty() {
                PASTED_NAME.to_owned()
            } else {
                file_name(&upload.name)
            };
            (name, upload.yaml)
        }
        None => return refuse("file", "import-error-empty", &upload.yaml),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
    let problems_page = |problems: Vec<Problem>, forbidden: bool| {
        let shown: Vec<Value> = problems
            .iter()
            .take(MAX_PROBLEMS_SHOWN)
            .map(|p| problem(p, &name, &text))
            .collect();
        show(
            &state,
            &viewer,
            if forbidden {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
            json!({
                "stage": "problems",
                "name": name,
                "yaml": text,
                "problems": shown,
                "count": problems.len(),
                "more": problems.len().saturating_sub(MAX_PROBLEMS_SHOWN),
                "forbidden": forbidden,
            }),
        )
    };
    let draft = match plan_file::parse(&text, &name, None, state.engine.lifecycles()) {
        Ok(draft) => draft,
        Err(problems) => return problems_page(problems, false),
    };
    let dry_run = !upload.confirm;
    match state
        .engine
        .import_plan(&viewer.actor, &draft, dry_run)
        .await
    {
        Ok(done) => show(
            &state,
            &viewer,
            StatusCode::OK,
            json!({
                "stage": if dry_run { "preview" } else { "done" },
                "name": name,
                "yaml": text,
                "summary": summary(&done),
                "tasks": draft.task_count(),
            }),
        ),
        Err(Error::Problems {
            forbidden,
            problems,
        }) => problems_page(problems, forbidden),
        Err(e @ (Error::Forbidden(_) | Error::Validation { .. } | Error::NotFound { .. })) => {
            let status = if matches!(e, Error::Forbidden(_)) {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            show(
                &state,
                &viewer,
                status,
                json!({ "stage": "form", "refused": e.to_string(), "name": name, "yaml": text }),
            )
        }
        Err(e) => render::failure(&state, Some(&viewer), &lang, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_names_keep_their_last_part() {
        assert_eq!(file_name("C:\\plans\\pna 2021.yaml"), "pna 2021.yaml");
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("<script>.yaml"), "script.yaml");
        assert_eq!(file_name(""), PASTED_NAME);
    }

    #[test]
    fn a_problem_shows_its_line_with_the_column_marked() {
        let p = Problem::new("p.yaml", 2, 3, "bad".to_owned());
        let shown = problem(&p, "p.yaml", "a: 1\nb: x\n");
        assert_eq!(shown["place"], "p.yaml:2:3");
        assert_eq!(shown["line"]["before"], "b:");
        assert_eq!(shown["line"]["mark"], " ");
        assert_eq!(shown["line"]["after"], "x");
        let elsewhere = Problem::new("other.yaml", 2, 3, "bad".to_owned());
        assert!(problem(&elsewhere, "p.yaml", "a: 1\nb: x\n")["line"].is_null());
    }
}
