//! The hash chain of the audit trail: how one event's hash is computed from the previous event of
//! its plan and the event's own content.
//!
//! The format lives here, beside the schema, because it is part of it: the migration that added
//! the chain hashed the events written before it with this function, and the engine hashes every
//! new event with it. Changing it needs a new migration that chains the trail again.
//!
//! `hash = SHA-256(previous hash ‖ "\n" ‖ content)`, lowercase hex, where the previous hash is
//! that of the plan's previous event (by id), or [`GENESIS`] for its first, and `content` is the
//! compact JSON array
//! `["mandate-event-v1", plan_id, action_id, task_id, kind, actor, actor_institution_id,
//! at, from_state, to_state, comment, payload]` with `at` in RFC 3339, UTC, microseconds
//! (`2021-01-01T00:00:00.000000Z`), absent values as `null` and `payload` with its object keys
//! sorted at every depth. The event's own id is not part of it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The previous hash of a plan's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an event that its hash covers.
#[derive(Debug, Clone, Copy)]
pub struct EventContent<'a> {
    pub plan_id: i64,
    pub action_id: Option<i64>,
    pub task_id: Option<i64>,
    pub kind: &'a str,
    pub actor: &'a str,
    pub actor_institution_id: Option<i64>,
    pub at: DateTime<Utc>,
    pub from_state: Option<&'a str>,
    pub to_state: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub payload: &'a Value,
}

/// The hash of an event with `content` that follows an event hashed `previous`.
pub fn event_hash(previous: &str, content: &EventContent<'_>) -> String {
    let mut digest = Sha256::new();
    digest.update(previous.as_bytes());
    digest.update(b"\n");
    digest.update(canonical(content).as_bytes());
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The content of an event as the text that is hashed.
pub fn canonical(content: &EventContent<'_>) -> String {
    json!([
        "mandate-event-v1",
        content.plan_id,
        content.action_id,
        content.task_id,
        content.kind,
        content.actor,
        content.actor_institution_id,
        content.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        content.from_state,
        content.to_state,
        content.comment,
        sorted(content.payload),
    ])
    .to_string()
}

/// `value` with the keys of every object in sorted order, whatever order the JSON map keeps.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn content(payload: &Value) -> EventContent<'_> {
        EventContent {
            plan_id: 1,
            action_id: Some(2),
            task_id: None,
            kind: "acknowledge",
            actor: "ANITP",
            actor_institution_id: Some(3),
            at: Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).unwrap(),
            from_state: Some("pending"),
            to_state: Some("acknowledged"),
            comment: None,
            payload,
        }
    }

    #[test]
    fn canonical_form_is_fixed() {
        let payload = json!({"b": 1, "a": {"d": [true], "c": null}});
        assert_eq!(
            canonical(&content(&payload)),
            r#"["mandate-event-v1",1,2,null,"acknowledge","ANITP",3,"2021-01-01T00:00:00.000000Z","pending","acknowledged",null,{"a":{"c":null,"d":[true]},"b":1}]"#
        );
    }

    #[test]
    fn hash_depends_on_previous_and_content() {
        let payload = json!({});
        let first = event_hash(GENESIS, &content(&payload));
        assert_eq!(first.len(), 64);
        assert_ne!(first, event_hash(&first, &content(&payload)));
        let mut changed = content(&payload);
        changed.comment = Some("");
        assert_ne!(first, event_hash(GENESIS, &changed));
    }
}
