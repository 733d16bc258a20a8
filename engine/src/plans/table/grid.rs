//! What every reader yields: tables of cells, each cell with its text and where it is written.
//! Merged cells are already resolved: a cell merged down from the one above carries its text.

use std::fmt;

/// Where a cell is written, as a person opening the file would find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellAt {
    /// A spreadsheet cell, 0-based inside; shown as `Plan!C14` (`C14` in a CSV file).
    Sheet {
        sheet: Option<String>,
        row: usize,
        column: usize,
    },
    /// A cell of a Word table, 1-based as shown: `table 2, row 14, column 4`.
    Word {
        table: usize,
        row: usize,
        column: usize,
    },
}

impl fmt::Display for CellAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sheet { sheet, row, column } => {
                if let Some(sheet) = sheet {
                    write!(f, "{sheet}!")?;
                }
                write!(f, "{}{}", column_letters(*column), row + 1)
            }
            Self::Word { table, row, column } => {
                write!(f, "table {table}, row {row}, column {column}")
            }
        }
    }
}

impl CellAt {
    /// The cell of the same row in the 0-based grid column `index`.
    pub fn in_column(&self, index: usize) -> Self {
        match self {
            Self::Sheet { sheet, row, .. } => Self::Sheet {
                sheet: sheet.clone(),
                row: *row,
                column: index,
            },
            Self::Word { table, row, .. } => Self::Word {
                table: *table,
                row: *row,
                column: index + 1,
            },
        }
    }
}

/// The letters of a 0-based spreadsheet column: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_letters(column: usize) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rest).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// One cell: its text (lines kept) and its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub at: CellAt,
}

/// A sheet or a Word table: rows of cells, in order.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_shown_as_a_person_finds_them() {
        let cases = [
            (Some("Plan"), 13, 2, "Plan!C14"),
            (None, 0, 0, "A1"),
            (Some("Plan"), 6, 25, "Plan!Z7"),
            (Some("Plan"), 0, 26, "Plan!AA1"),
            (Some("Plan"), 0, 701, "Plan!ZZ1"),
            (Some("Plan"), 0, 702, "Plan!AAA1"),
        ];
        for (sheet, row, column, shown) in cases {
            let at = CellAt::Sheet {
                sheet: sheet.map(str::to_owned),
                row,
                column,
            };
            assert_eq!(at.to_string(), shown);
        }
        let word = CellAt::Word {
            table: 2,
            row: 14,
            column: 4,
        };
        assert_eq!(word.to_string(), "table 2, row 14, column 4");
    }
}
