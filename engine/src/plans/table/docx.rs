//! Reading the tables of a `.docx` document (docx-rs): every top-level table, columns counted on
//! the table's grid (a cell spanning columns with `gridSpan` fills the first, the others stay
//! empty), a cell continuing a vertical merge (`vMerge`) carrying the text of the cell above.

use docx_rs::{DocumentChild, TableCell, TableCellContent, TableChild, TableRowChild, read_docx};

use super::MAX_CELLS;
use super::grid::{Cell, CellAt, Table};

/// The tables of a Word document, or a message saying why it cannot be read.
pub fn read(bytes: &[u8]) -> Result<Vec<Table>, String> {
    let document = read_docx(bytes).map_err(|e| format!("cannot read as a Word document: {e}"))?;
    let mut tables = Vec::new();
    let mut cells = 0usize;
    for child in &document.document.children {
        let DocumentChild::Table(table) = child else {
            continue;
        };
        let number = tables.len() + 1;
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        for (r, TableChild::TableRow(row)) in table.rows.iter().enumerate() {
            let mut cells_of_row: Vec<Cell> = Vec::new();
            for TableRowChild::TableCell(cell) in &row.cells {
                let (span, continues) = merge_of(cell);
                let column = cells_of_row.len();
                let text = if continues {
                    rows.last()
                        .and_then(|above| above.get(column))
                        .map(|c| c.text.clone())
                        .unwrap_or_default()
                } else {
                    text_of(cell)
                };
                for extra in 0..span {
                    cells_of_row.push(Cell {
                        text: if extra == 0 {
                            text.clone()
                        } else {
                            String::new()
                        },
                        at: CellAt::Word {
                            table: number,
                            row: r + 1,
                            column: column + extra + 1,
                        },
                    });
                }
            }
            cells += cells_of_row.len();
            if cells > MAX_CELLS {
                return Err(format!(
                    "the document's tables have more than {MAX_CELLS} cells: a plan table is far smaller"
                ));
            }
            rows.push(cells_of_row);
        }
        tables.push(Table { rows });
    }
    Ok(tables)
}

/// How many grid columns a cell spans, and whether it continues a vertical merge. docx-rs keeps
/// these properties private; their serialized form is public.
fn merge_of(cell: &TableCell) -> (usize, bool) {
    let property = serde_json::to_value(&cell.property).unwrap_or_default();
    let span = property
        .get("gridSpan")
        .and_then(serde_json::Value::as_u64)
        .and_then(|s| usize::try_from(s).ok())
        .unwrap_or(1)
        .clamp(1, 64);
    let continues = property
        .get("verticalMerge")
        .and_then(serde_json::Value::as_str)
        == Some("continue");
    (span, continues)
}

/// The text of a cell: one line per paragraph (line breaks inside a paragraph kept).
fn text_of(cell: &TableCell) -> String {
    cell.children
        .iter()
        .filter_map(|content| match content {
            TableCellContent::Paragraph(p) => Some(p.raw_text()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use docx_rs::{Docx, Paragraph, Run, Table as WordTable, TableCell, TableRow, VMergeType};

    use super::*;

    fn cell(text: &str) -> TableCell {
        TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
    }

    fn texts(table: &Table) -> Vec<Vec<&str>> {
        table
            .rows
            .iter()
            .map(|row| row.iter().map(|c| c.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn merged_cells_carry_down_and_spans_fill_their_first_column() {
        let rows = vec![
            TableRow::new(vec![cell("Obiectiv"), cell("Acțiune"), cell("Termen")]),
            TableRow::new(vec![cell("1 Prevenire").grid_span(3)]),
            TableRow::new(vec![
                cell("1.1 Informare").vertical_merge(VMergeType::Restart),
                cell("Campanii"),
                cell("anual"),
            ]),
            TableRow::new(vec![
                TableCell::new().vertical_merge(VMergeType::Continue),
                cell("Sesiuni")
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text("în școli"))),
                cell("2021"),
            ]),
        ];
        let mut bytes = std::io::Cursor::new(Vec::new());
        Docx::new()
            .add_table(WordTable::new(vec![TableRow::new(vec![cell("Anexa")])]))
            .add_table(WordTable::new(rows))
            .build()
            .pack(&mut bytes)
            .expect("pack");
        let tables = read(bytes.get_ref()).expect("read");
        assert_eq!(tables.len(), 2);
        assert_eq!(
            texts(&tables[1]),
            [
                vec!["Obiectiv", "Acțiune", "Termen"],
                vec!["1 Prevenire", "", ""],
                vec!["1.1 Informare", "Campanii", "anual"],
                vec!["1.1 Informare", "Sesiuni\nîn școli", "2021"],
            ]
        );
        assert_eq!(
            tables[1].rows[3][2].at.to_string(),
            "table 2, row 4, column 3"
        );
        assert_eq!(
            tables[1].rows[1][2].at.to_string(),
            "table 2, row 2, column 3"
        );
    }

    #[test]
    fn a_file_that_is_no_word_document_is_refused() {
        let error = read(b"PK not really").expect_err("refused");
        assert!(
            error.starts_with("cannot read as a Word document"),
            "{error}"
        );
    }
}
