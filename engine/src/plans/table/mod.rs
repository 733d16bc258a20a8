//! Plans kept as tables: `.xlsx`, `.ods` and `.csv` sheets, and the tables of a `.docx`
//! document, in the column layout of [`columns`] (documented in `docs/plan-tables.md`).
//!
//! A table holds objectives and actions; the plan header and the institutions come from a
//! small plan file without objectives (the *header file*, by default `<table>.header.yaml`
//! next to the table). The table is written out as a plan file — the header, then the
//! objectives — and that text goes through the plan-file checks and import unchanged; a problem
//! found on a line written from a cell is reported at that cell (`plan.xlsx:Plan!C14`,
//! `plan.docx:table 2, row 14, column 4`).

mod columns;
mod docx;
mod grid;
mod rows;
mod spreadsheet;
mod yaml;

use std::path::{Path, PathBuf};

pub use columns::{Column, WORDS};
pub use grid::CellAt;

use crate::error::Problem;
use crate::plans::plan_file::{self, PlanDraft};
use crate::tasks::lifecycle::Lifecycles;

/// The extensions read as tables.
pub const TABLE_EXTENSIONS: [&str; 4] = ["xlsx", "ods", "csv", "docx"];

/// The largest table file read.
pub const MAX_TABLE_BYTES: u64 = 16 * 1024 * 1024;

/// The most cells read from one file (the seed plans have a few hundred).
pub const MAX_CELLS: usize = 500_000;

/// Whether `path` names a table (by its extension) rather than a plan file.
pub fn is_table(path: &Path) -> bool {
    extension(path).is_some_and(|e| TABLE_EXTENSIONS.contains(&e.as_str()))
}

/// The header file used when none is given: `plan.xlsx` → `plan.header.yaml`, beside it.
pub fn default_header(table: &Path) -> PathBuf {
    table.with_extension("header.yaml")
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// A table read as a plan: the plan file it makes and the checked plan.
#[derive(Debug, Clone)]
pub struct TablePlan {
    /// The plan file text: what `mandate convert` writes.
    pub yaml: String,
    pub draft: PlanDraft,
}

/// Reads the table `path` with the header file `header` (default: [`default_header`]) and
/// checks the plan they make. Problems in the table name their cell; problems in the header
/// file, its line.
pub fn load(
    path: &Path,
    header: Option<&Path>,
    lifecycles: &Lifecycles,
) -> Result<TablePlan, Vec<Problem>> {
    let file = path.display().to_string();
    let tables = read_tables(path).map_err(|message| vec![Problem::new(&file, 0, 0, message)])?;
    let content = rows::read(&tables, &file)?;
    let header_path = header.map_or_else(|| default_header(path), Path::to_path_buf);
    let header_name = header_path.display().to_string();
    let header_text = std::fs::read_to_string(&header_path).map_err(|e| {
        vec![Problem::new(
            &header_name,
            0,
            0,
            format!(
                "cannot read the plan header ({e}): a table holds objectives and actions only; \
                 write the `plan:` section and `institutions:` in this file, or name another with \
                 --header"
            ),
        )]
    })?;
    if let Some(index) = header_text
        .lines()
        .position(|l| l.starts_with("objectives:"))
    {
        return Err(vec![Problem::new(
            &header_name,
            index as u64 + 1,
            1,
            format!("a header file has no `objectives:`: they come from {file}"),
        )]);
    }
    let written = yaml::write(&header_text, &content, &file);
    let header_lines = header_text.lines().count() as u64;
    let draft = plan_file::parse(
        &written.text,
        &header_name,
        header_path.parent(),
        lifecycles,
    )
    .map_err(|problems| {
        problems
            .into_iter()
            .map(|p| {
                if p.file != header_name || p.line <= header_lines {
                    p
                } else if let Some(cell) = written.cell_of(p.line) {
                    Problem::in_cell(&file, cell, p.message)
                } else {
                    Problem::new(&file, 0, 0, p.message)
                }
            })
            .collect::<Vec<_>>()
    })?;
    Ok(TablePlan {
        yaml: written.text,
        draft,
    })
}

/// The tables of the file, by its extension.
fn read_tables(path: &Path) -> Result<Vec<grid::Table>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > MAX_TABLE_BYTES {
        return Err(format!(
            "the file has {size} bytes; a plan table may have at most {MAX_TABLE_BYTES}"
        ));
    }
    match extension(path).as_deref() {
        Some("docx") => {
            let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
            docx::read(&bytes)
        }
        Some("csv") => spreadsheet::read_csv(path),
        Some("xlsx" | "ods") => spreadsheet::read_workbook(path),
        _ => Err(format!(
            "not a table: the extension must be one of {}",
            TABLE_EXTENSIONS.join(", ")
        )),
    }
}
