//! Reading the tables of a `.docx` document (docx-rs): every top-level table, columns counted on
//! the table's grid (a cell spanning columns with `gridSpan` fills the first, the others stay
//! empty), a cell continuing a vertical merge (`vMerge`) carrying the text of the cell above.

use docx_rs::{DocumentChild, TableCell, TableCellContent, TableChild, TableRowChild, read_docx};

use super::MAX_CELLS;
use super::grid::{Cell, CellAt, Table};

/// The tables of a Word document, or a message saying why it cannot be read.
pub fn read(bytes: &[u8]) -> Result<Vec<Table>, String> {
    let document =
        read_docx(bytes).map_err(|e| format!("cannot read as a Word document: {e}"))?;
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
                        text: if extra == 0 { text.clone() } else { String::new() },
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
    let continues = property.get("verticalMerge").and_then(serde_json::Value::as_str)
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
