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
    if is_blank(source) {
        let message = "the file is empty: it has no YAML, only blank lines or comments".to_owned();
        return (None, vec![Problem::new(file, 1, 1, message)]);
    }
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
                if let Some(found) = wrong_shape(&lines, line, &message) {
                    let message = format!("expected `key: value` lines, found {found}");
                    return (None, vec![Problem::new(file, line, column, message)]);
                }
                let (mut line, mut column) = (line, column);
                // A bracket or quote left open on an earlier line is only noticed on a later one:
                // blame the line that opened it.
                if let Some(at) = usize::try_from(line).ok().and_then(|l| l.checked_sub(1)) {
                    // The parser may place an error past the last line (at the end of the text).
                    let opened = (at.saturating_sub(5)..=at).rev().find_map(|i| {
                        let (col, what) = unclosed(lines.get(i)?)?;
                        Some((i, col, what))
                    });
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

/// Nothing but blank lines, comments and document markers: no value to read.
fn is_blank(source: &str) -> bool {
    source.lines().all(|line| {
        let line = line.trim_start_matches('\u{feff}').trim();
        line.is_empty() || line.starts_with('#') || line == "---" || line == "..."
    })
}

/// When the document as a whole is not a mapping (the parser expects one at its first line),
/// what it is instead: repairing line by line would only repeat the complaint on every line.
fn wrong_shape(lines: &[String], line: u64, message: &str) -> Option<&'static str> {
    if message != "expected mapping start" {
        return None;
    }
    let (index, first) = lines.iter().enumerate().find(|(_, l)| {
        let l = l.trim_start_matches('\u{feff}').trim();
        !(l.is_empty() || l.starts_with('#') || l == "---")
    })?;
    if index as u64 + 1 != line {
        return None;
    }
    let first = first.trim_start_matches('\u{feff}').trim_start();
    Some(if first.starts_with('-') || first.starts_with('[') {
        "a list"
    } else {
        "a single value"
    })
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
    fn empty_text_is_one_problem_not_a_panic() {
        type Map = std::collections::BTreeMap<String, String>;
        for source in [
            "",
            "\n\n",
            "# only a comment\n  # another\n",
            "---\n",
            "\u{feff}",
        ] {
            let (value, problems) = read::<Map>(source, "f.yaml");
            assert!(value.is_none(), "{source:?}");
            assert_eq!(problems.len(), 1, "{source:?}: {problems:?}");
            assert!(problems[0].message.contains("empty"), "{problems:?}");
        }
        for (source, found) in [("- a\n- b\n", "a list"), ("# c\n[1, 2]\n", "a list")] {
            let (_, problems) = read::<Map>(source, "f.yaml");
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(problems[0].message.ends_with(found), "{problems:?}");
        }
        let (_, problems) = read::<Map>("just a sentence\n", "f.yaml");
        assert!(
            problems[0].message.ends_with("a single value"),
            "{problems:?}"
        );
        // Errors placed at or past the end of the text (an unclosed bracket on the last line,
        // a value of the wrong shape) are reported, not indexed out of bounds.
        for source in [
            "a: [1",
            "- 1\n- 2\n",
            "just a scalar",
            "a: b\n\n\n\n\n\n\n\nc",
        ] {
            let (_, problems) = read::<Map>(source, "f.yaml");
            assert!(!problems.is_empty(), "{source:?}");
        }
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
