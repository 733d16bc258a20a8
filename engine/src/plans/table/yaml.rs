//! Writing what a table holds as a plan file: the plan header as written in its own file, then
//! `objectives:` in the plan-file layout, every value double-quoted. Each line written from a
//! cell remembers that cell, so that a problem found in the plan file is reported at the cell.

use super::grid::CellAt;
use super::rows::{Sourced, TableAction, TableContent, TableObjective};

/// A plan file written from a table.
#[derive(Debug, Clone)]
pub struct Written {
    pub text: String,
    /// The cell each line (0-based) was written from; none for the header and structure lines.
    pub cells: Vec<Option<CellAt>>,
}

impl Written {
    /// The cell line `line` (1-based) was written from.
    pub fn cell_of(&self, line: u64) -> Option<&CellAt> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        self.cells.get(index)?.as_ref()
    }

    fn line(&mut self, indent: usize, text: &str, at: Option<&CellAt>) {
        self.text.push_str(&" ".repeat(indent));
        self.text.push_str(text);
        self.text.push('\n');
        self.cells.push(at.cloned());
    }

    fn field(&mut self, indent: usize, key: &str, value: &Sourced<String>) {
        self.line(
            indent,
            &format!("{key}: {}", quoted(&value.value)),
            Some(&value.at),
        );
    }

    fn list(&mut self, indent: usize, key: &str, values: &Sourced<Vec<String>>) {
        if values.value.is_empty() {
            self.line(indent, &format!("{key}: []"), Some(&values.at));
            return;
        }
        self.line(indent, &format!("{key}:"), Some(&values.at));
        for value in &values.value {
            self.line(
                indent + 2,
                &format!("- {}", quoted(value)),
                Some(&values.at),
            );
        }
    }
}

/// A YAML double-quoted scalar (JSON string syntax, which YAML reads alike).
fn quoted(value: &str) -> String {
    serde_json::Value::String(value.to_owned()).to_string()
}

/// The plan file: `header` (a plan file without objectives) then the table's objectives.
/// `source` names the table in a comment.
pub fn write(header: &str, content: &TableContent, source: &str) -> Written {
    let mut written = Written {
        text: String::new(),
        cells: Vec::new(),
    };
    for line in header.lines() {
        written.line(0, line, None);
    }
    written.line(0, "", None);
    written.line(0, &format!("# objectives and actions from {source}"), None);
    written.line(0, "objectives:", None);
    for general in content.objectives.iter().filter(|o| o.parent.is_none()) {
        objective(&mut written, content, source, general, 2);
    }
    written
}

fn objective(
    written: &mut Written,
    content: &TableContent,
    source: &str,
    o: &TableObjective,
    indent: usize,
) {
    let at = Some(&o.at);
    written.line(indent, &format!("- number: {}", quoted(&o.number)), at);
    let inner = indent + 2;
    written.line(inner, &format!("title: {}", quoted(&o.title)), at);
    if let Some(result) = &o.result {
        written.line(inner, &format!("result: {}", quoted(result)), at);
    }
    let children: Vec<&TableObjective> = content
        .objectives
        .iter()
        .filter(|c| c.parent.as_deref() == Some(o.number.as_str()))
        .collect();
    if !children.is_empty() {
        written.line(inner, "objectives:", at);
        for child in children {
            objective(written, content, source, child, inner + 2);
        }
    }
    let actions: Vec<&TableAction> = content
        .actions
        .iter()
        .filter(|a| a.objective == o.number)
        .collect();
    if !actions.is_empty() {
        written.line(inner, "actions:", at);
        for a in actions {
            action(written, source, a, inner + 2);
        }
    }
}

fn action(written: &mut Written, source: &str, a: &TableAction, indent: usize) {
    written.line(indent, &format!("# {source}:{}", a.text.at), None);
    written.line(
        indent,
        &format!("- number: {}", quoted(&a.number.value)),
        Some(&a.number.at),
    );
    let inner = indent + 2;
    written.field(inner, "text", &a.text);
    if a.indicators.value.is_empty() {
        written.line(inner, "indicators: []", Some(&a.indicators.at));
    } else {
        written.line(inner, "indicators:", Some(&a.indicators.at));
        for name in &a.indicators.value {
            written.line(
                inner + 2,
                &format!("- name: {}", quoted(name)),
                Some(&a.indicators.at),
            );
        }
    }
    written.field(inner, "deadline", &a.deadline);
    if let Some(recurrence) = &a.recurrence {
        written.field(inner, "recurrence", recurrence);
    }
    written.list(inner, "responsible", &a.responsible);
    if let Some(lead) = &a.lead {
        written.field(inner, "lead", lead);
    }
    written.list(inner, "partners", &a.partners);
    written.list(inner, "funding", &a.funding);
}
