//! Reading YAML so that one mistake does not hide the others: each error is recorded with its
//! location, the offending line is neutralised, and reading starts again.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;

use super::Problem;

/// Put in place of a value that could not be read. Checks skip values equal to it, because
/// their mistake is already reported.
pub const UNREADABLE: &str = "\u{1}unreadable";

/// How many mistakes are collected before giving up on reading further.
const MAX_REPAIRS: usize = 50;

/// Deserializes `source`, collecting every syntax or shape error. Returns the value read from
/// the repaired text (if it could be read at all) and the problems found on the way.
pub fn read<T: DeserializeOwned>(source: &str, file: &str) -> (Option<T>, Vec<Problem>) {
    let mut lines: Vec<String> = source.lines().map(str::to_owned).collect();
    let mut problems = Vec::new();
    let mut neutralised: BTreeSet<usize> = BTreeSet::new();
    let mut blanked: BTreeSet<usize> = BTreeSet::new();
    for _ in 0..MAX_REPAIRS {
        let text = lines.join("\n");
        match serde_saphyr::from_str::<T>(&text) {
            Ok(value) => return (Some(value), problems),
            Err(e) => {
                let location = e.location();
                let (line, column) = location.map_or((0, 0), |l| (l.line(), l.column()));
                let message = clean_message(&e.to_string());
                if !problems
                    .iter()
                    .any(|p: &Problem| p.line == line && p.message == message)
                {
                    problems.push(Problem::new(file, line, column, message));
                }
                let Some(index) = usize::try_from(line).ok().and_then(|l| l.checked_sub(1)) else {
                    return (None, problems);
                };
                if index >= lines.len() || blanked.contains(&index) {
                    return (None, problems);
                }
                if neutralised.insert(index) {
                    lines[index] = neutralise(&lines[index]);
                } else {
                    blanked.insert(index);
                    lines[index] = String::new();
                }
            }
        }
    }
    (None, problems)
}

/// `  key: broken "value` becomes `  key: "<UNREADABLE>"`; `  - broken` becomes `  - "<UNREADABLE>"`.
fn neutralise(line: &str) -> String {
    let indent_len = line.len() - line.trim_start().len();
    let (indent, rest) = line.split_at(indent_len);
    let (dash, rest) = match rest.strip_prefix("- ") {
        Some(after) => ("- ", after),
        None => ("", rest),
    };
    let key = rest
        .split_once(':')
        .map(|(k, _)| k)
        .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let sentinel = format!("\"{}\"", UNREADABLE.escape_default());
    match key {
        Some(key) => format!("{indent}{dash}{key}: {sentinel}"),
        None if !dash.is_empty() => format!("{indent}- {sentinel}"),
        None => String::new(),
    }
}

/// The first line of a parser message, without a trailing location (we print our own).
fn clean_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    let first = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    first.trim_end_matches([',', '.']).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralising_keeps_structure() {
        assert_eq!(
            neutralise("    text: \"broken"),
            "    text: \"\\u{1}unreadable\""
        );
        assert_eq!(
            neutralise("  - number: [1"),
            "  - number: \"\\u{1}unreadable\""
        );
        assert_eq!(
            neutralise("      - \"Buget"),
            "      - \"\\u{1}unreadable\""
        );
        assert_eq!(neutralise("}}}"), "");
    }

    #[test]
    fn sentinel_reads_back_as_the_unreadable_marker() {
        let (value, problems) = read::<std::collections::BTreeMap<String, String>>(
            "a: ok\nb: [unclosed\nc: fine\n",
            "f.yaml",
        );
        assert!(!problems.is_empty());
        assert_eq!(problems[0].file, "f.yaml");
        let value = value.expect("recovered");
        assert_eq!(value.get("a").map(String::as_str), Some("ok"));
        assert_eq!(value.get("c").map(String::as_str), Some("fine"));
        assert_eq!(value.get("b").map(String::as_str), Some(UNREADABLE));
    }
}
