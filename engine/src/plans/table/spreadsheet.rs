//! Reading `.xlsx`, `.ods` (calamine) and `.csv` files into tables: one table per sheet. In an
//! `.xlsx` file a cell merged over several rows gives its text to each of those rows (in its
//! first column); other formats leave merged cells empty, which the objective column carries
//! down anyway.

use std::path::Path;

use calamine::{Reader, Sheets, open_workbook_auto};

use super::MAX_CELLS;
use super::grid::{Cell, CellAt, Table};

/// The sheets of a workbook (`.xlsx`, `.ods`), or a message saying why it cannot be read.
pub fn read_workbook(path: &Path) -> Result<Vec<Table>, String> {
    let mut workbook =
        open_workbook_auto(path).map_err(|e| format!("cannot read as a spreadsheet: {e}"))?;
    let mut tables = Vec::new();
    let mut cells = 0usize;
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| format!("cannot read sheet `{name}`: {e}"))?;
        let Some((first_row, first_column)) = range.start() else {
            continue;
        };
        let (first_row, first_column) = (first_row as usize, first_column as usize);
        let (height, width) = range.get_size();
        cells = cells.saturating_add((first_row + height) * (first_column + width));
        if cells > MAX_CELLS {
            return Err(format!(
                "the workbook has more than {MAX_CELLS} cells: a plan table is far smaller"
            ));
        }
        let at = |row: usize, column: usize| CellAt::Sheet {
            sheet: Some(name.clone()),
            row,
            column,
        };
        let mut rows: Vec<Vec<Cell>> = (0..first_row + height)
            .map(|row| {
                (0..first_column + width)
                    .map(|column| Cell {
                        text: String::new(),
                        at: at(row, column),
                    })
                    .collect()
            })
            .collect();
        for (i, data_row) in range.rows().enumerate() {
            for (j, data) in data_row.iter().enumerate() {
                rows[first_row + i][first_column + j].text = data.to_string();
            }
        }
        if let Sheets::Xlsx(xlsx) = &mut workbook {
            let merged = xlsx
                .merge_cells_by_sheet_name(&name)
                .map_err(|e| format!("cannot read the merged cells of sheet `{name}`: {e}"))?;
            for region in merged {
                let (top, column) = (region.start.0 as usize, region.start.1 as usize);
                let Some(text) = rows
                    .get(top)
                    .and_then(|r| r.get(column))
                    .map(|c| c.text.clone())
                else {
                    continue;
                };
                for row in top + 1..=region.end.0 as usize {
                    if let Some(cell) = rows.get_mut(row).and_then(|r| r.get_mut(column)) {
                        cell.text.clone_from(&text);
                    }
                }
            }
        }
        tables.push(Table { rows });
    }
    Ok(tables)
}

/// A CSV file (comma-separated, `"` quotes, cells may hold line breaks) as one table.
pub fn read_csv(path: &Path) -> Result<Vec<Table>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("cannot read as CSV: {e}"))?;
    let mut rows = Vec::new();
    let mut cells = 0usize;
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("cannot read as CSV: {e}"))?;
        cells += record.len();
        if cells > MAX_CELLS {
            return Err(format!(
                "the file has more than {MAX_CELLS} cells: a plan table is far smaller"
            ));
        }
        rows.push(
            record
                .iter()
                .enumerate()
                .map(|(column, text)| Cell {
                    text: text.to_owned(),
                    at: CellAt::Sheet {
                        sheet: None,
                        row,
                        column,
                    },
                })
                .collect(),
        );
    }
    Ok(vec![Table { rows }])
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::{Format, Workbook};

    use super::*;

    #[test]
    fn merged_cells_carry_down_in_their_first_column_and_cells_keep_their_address() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("plan.xlsx");
        let mut workbook = Workbook::new();
        workbook.add_worksheet().set_name("Titlu").expect("name");
        let sheet = workbook.add_worksheet();
        sheet.set_name("Plan").expect("name");
        sheet.write_string(2, 1, "Obiectiv").expect("write");
        sheet
            .merge_range(3, 1, 5, 2, "1.1 Informare", &Format::new())
            .expect("merge");
        sheet.write_string(4, 3, "anual").expect("write");
        sheet.write_number(5, 3, 2021).expect("write");
        workbook.save(&path).expect("save");

        let tables = read_workbook(&path).expect("read");
        assert_eq!(tables.len(), 1, "the empty sheet gives no table");
        let rows = &tables[0].rows;
        let text = |row: usize, column: usize| rows[row][column].text.as_str();
        assert_eq!(text(2, 1), "Obiectiv");
        for row in 3..=5 {
            assert_eq!(text(row, 1), "1.1 Informare", "row {row}");
            assert_eq!(text(row, 2), "", "row {row}: only the first column");
        }
        assert_eq!(text(4, 3), "anual");
        assert_eq!(text(5, 3), "2021");
        assert_eq!(rows[5][3].at.to_string(), "Plan!D6");
    }

    #[test]
    fn csv_cells_keep_their_line_breaks_and_address() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("plan.csv");
        std::fs::write(&path, "Obiectiv,Acțiune\n\"1 A\n1.1 B\",Campanii\n").expect("write");
        let tables = read_csv(&path).expect("read");
        let rows = &tables[0].rows;
        assert_eq!(rows[1][0].text, "1 A\n1.1 B");
        assert_eq!(rows[1][1].at.to_string(), "B2");
    }
}
