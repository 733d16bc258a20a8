//! A record of the statements an engine sends to its database, so that `mandate bench` can list
//! them and tests can hold an operation to its round trips. Transactions' `BEGIN` and `COMMIT`
//! are not statements here: each operation is one transaction.

use std::sync::{Arc, Mutex, PoisonError};

use sea_orm::DatabaseConnection;

use crate::engine::Engine;

/// The SQL of every statement sent through a connection, oldest first.
#[derive(Debug, Clone, Default)]
pub struct StatementLog {
    statements: Arc<Mutex<Vec<String>>>,
}

impl StatementLog {
    /// `db` (the same pool) recording each statement it sends in this log.
    fn attach(&self, db: &DatabaseConnection) -> DatabaseConnection {
        let mut recording = db.clone();
        let statements = Arc::clone(&self.statements);
        recording.set_metric_callback(move |info| {
            statements
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(info.statement.sql.clone());
        });
        recording
    }

    /// The statements recorded since the last call, oldest first; the log is empty after.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .statements
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// [`StatementLog::take`], each statement in [`outline`].
    pub fn take_outlines(&self) -> Vec<String> {
        self.take().iter().map(|sql| outline(sql)).collect()
    }
}

impl Engine {
    /// The same engine, recording every statement it sends in the returned log (for benchmarks
    /// and tests; the recording costs a lock per statement).
    pub fn with_statement_log(&self) -> (Engine, StatementLog) {
        let log = StatementLog::default();
        let engine = self.with_connection(log.attach(self.db()));
        (engine, log)
    }
}

/// A statement in a few words: its verb and table, and whether it locks rows or returns them,
/// e.g. `UPDATE tasks RETURNING`, `SELECT plans FOR UPDATE`, `SELECT pg_notify`; a statement
/// with a common table expression as `WITH (INSERT events RETURNING) SELECT appended`.
pub fn outline(sql: &str) -> String {
    let words = top_level_words(sql);
    let verb = words
        .first()
        .map_or("", |w| w.as_str())
        .to_ascii_uppercase();
    if verb == "WITH" {
        let body = words
            .iter()
            .position(|w| w.eq_ignore_ascii_case("AS"))
            .and_then(|i| words.get(i + 1))
            .and_then(|w| w.strip_prefix('(')?.strip_suffix(')'));
        let main = words.iter().skip(1).position(|w| {
            ["SELECT", "INSERT", "UPDATE", "DELETE"]
                .iter()
                .any(|verb| w.eq_ignore_ascii_case(verb))
        });
        if let (Some(body), Some(main)) = (body, main) {
            return format!(
                "WITH ({}) {}",
                outline(body),
                outline(&words[main + 1..].join(" "))
            );
        }
    }
    let after = |keyword: &str| {
        words
            .iter()
            .position(|w| w.eq_ignore_ascii_case(keyword))
            .and_then(|i| words.get(i + 1))
    };
    let table = match verb.as_str() {
        "INSERT" => after("INTO"),
        "UPDATE" => words.get(1),
        "DELETE" | "SELECT" => after("FROM"),
        _ => None,
    };
    let mut outline = verb.clone();
    match table {
        Some(table) => {
            outline.push(' ');
            outline.push_str(&table.replace(['"', '`'], ""));
        }
        // A bare function call, such as `SELECT pg_notify($1, $2)`.
        None => {
            if let Some(first) = words.get(1) {
                outline.push(' ');
                outline.push_str(first.split('(').next().unwrap_or(first));
            }
        }
    }
    if words.iter().any(|w| w.eq_ignore_ascii_case("FOR")) {
        outline.push_str(" FOR UPDATE");
    }
    if words.iter().any(|w| w.eq_ignore_ascii_case("RETURNING")) {
        outline.push_str(" RETURNING");
    }
    outline
}

/// The words of `sql` outside parentheses (a parenthesised part stays glued to the word before
/// it), so that a subquery's `FROM` is not taken for the statement's.
fn top_level_words(sql: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut depth = 0usize;
    for c in sql.chars() {
        match c {
            '(' => {
                depth += 1;
                word.push(c);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                word.push(c);
            }
            c if c.is_whitespace() && depth == 0 => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::outline;

    #[test]
    fn outlines_name_the_verb_and_the_table_of_the_statement() {
        let cases = [
            (
                r#"SELECT "tasks"."id" AS "t_id", (SELECT "assignments"."institution_id" FROM "assignments" LIMIT 1) AS "lead_id" FROM "tasks" INNER JOIN "actions" ON 1 = 1 WHERE "tasks"."id" = $1"#,
                "SELECT tasks",
            ),
            (
                r#"UPDATE "tasks" SET "state" = $1 WHERE "tasks"."id" = $2 RETURNING "id", "state""#,
                "UPDATE tasks RETURNING",
            ),
            (
                r#"INSERT INTO "events" ("plan_id") VALUES ($1) RETURNING "id""#,
                "INSERT events RETURNING",
            ),
            (
                r#"SELECT "plans"."id" FROM "plans" WHERE "plans"."id" = $1 LIMIT $2 FOR NO KEY UPDATE"#,
                "SELECT plans FOR UPDATE",
            ),
            (
                r#"DELETE FROM "notifications" WHERE "task_id" IN (SELECT "id" FROM "tasks")"#,
                "DELETE notifications",
            ),
            ("SELECT pg_notify($1, $2)", "SELECT pg_notify"),
            (
                r#"WITH appended AS (INSERT INTO "events" ("kind") VALUES ($1) RETURNING *) SELECT appended.*, pg_notify('mandate_events', appended.id::text)::text AS announced FROM appended"#,
                "WITH (INSERT events RETURNING) SELECT appended",
            ),
        ];
        for (sql, expected) in cases {
            assert_eq!(outline(sql), expected, "{sql}");
        }
    }
}
