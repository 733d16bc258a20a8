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
                let mut message = clean_message(&e.to_string());
                let (mut line, mut column) = (line, column);
                // A bracket or quote left open on an earlier line is only noticed on a later one:
                // blame the line that opened it.
                if let Some(at) = usize::try_from(line).ok().and_then(|l| l.checked_sub(1)) {
                    let earliest = at.saturating_sub(5);
                    let opened = (earliest..=at.min(lines.len().saturating_sub(1)))
                        .rev()
                        .find_map(|i| unclosed(&lines[i]).map(|(col, what)| (i, col, what)));
                    if let Some((i, col, what)) = opened {
                        line = i as u64 + 1;
                        column = col as u64 + 1;
                        message = format!("{what} is never closed on this line");
                    }
                }
                // One problem per line: later errors on a line already reported follow from the first.
                if !problems.iter().any(|p: &Problem| p.line == line) {
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

/// The column (in characters) and kind of the first bracket or quote a line leaves open.
fn unclosed(line: &str) -> Option<(usize, &'static str)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut quote: Option<(usize, char)> = None;
    let mut escaped = false;
    for (i, c) in line.chars().enumerate() {
        match quote {
            Some((_, '"')) if escaped => escaped = false,
            Some((_, '"')) if c == '\\' => escaped = true,
            Some((_, q)) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' if open.is_empty() || c == '"' => quote = Some((i, c)),
                '[' | '{' => open.push((i, c)),
                ']' | '}' => {
                    open.pop();
                }
                '#' => break,
                _ => {}
            },
        }
    }
    match (quote, open.first()) {
        (Some((i, '"')), _) => Some((i, "the quote `\"`")),
        (_, Some(&(i, '['))) => Some((i, "the bracket `[`")),
        (_, Some(&(i, _))) => Some((i, "the brace `{`")),
        _ => None,
    }
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
    let sentinel = "\"\\x01unreadable\"";
    match key {
        Some(key) => format!("{indent}{dash}{key}: {sentinel}"),
        None if !dash.is_empty() => format!("{indent}- {sentinel}"),
        None => String::new(),
    }
}

/// The first line of a parser message, without a trailing location (we print our own).
fn clean_message(message: &str) -> String {
    let mut first = message.lines().next().unwrap_or(message).trim();
    first = first.strip_prefix("error: ").unwrap_or(first);
    if first.starts_with("line ")
        && let Some((_, rest)) = first.split_once(": ")
    {
        first = rest;
    }
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
            "    text: \"\\x01unreadable\""
        );
        assert_eq!(
            neutralise("  - number: [1"),
            "  - number: \"\\x01unreadable\""
        );
        assert_eq!(neutralise("      - \"Buget"), "      - \"\\x01unreadable\"");
        assert_eq!(neutralise("}}}"), "");
    }

    #[test]
    fn open_brackets_and_quotes_are_found() {
        assert_eq!(
            unclosed("  funding: [\"Buget ANITP\""),
            Some((11, "the bracket `[`"))
        );
        assert_eq!(unclosed("  text: \"Campanii"), Some((8, "the quote `\"`")));
        assert_eq!(unclosed("  a: [\"x]\"]  # [ comment"), None);
        assert_eq!(unclosed("  title: it's fine"), None);
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
