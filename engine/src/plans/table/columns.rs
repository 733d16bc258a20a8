//! The column layout of a plan table and how its header row is found: the first row (of the
//! first rows of a sheet or Word table) whose cells name at least an objective, an action, a
//! deadline and a responsible column. A header cell names a column when, lowercased and without
//! diacritics, it starts with one of the column's words (Romanian, English, Polish) followed by
//! the end of the cell or a non-letter; the longest word wins ("Obiectiv general" is the general
//! objective column, "Obiectiv" the objective column). The words are listed in [`WORDS`] and in
//! `docs/plan-tables.md`.

use std::collections::BTreeMap;

use super::grid::Cell;
use crate::text::fold;

/// A column of a plan table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    /// Numbered general objectives (`1 Title`); optional, the objective column may hold them.
    GeneralObjective,
    /// Numbered objectives (`1.1 Title`, with `Rezultat: …` lines); carried down when empty.
    Objective,
    /// The action's number (optional: `<objective>.<n>` in row order).
    Number,
    Action,
    /// One indicator per line (per paragraph when blank lines separate them).
    Indicators,
    Deadline,
    /// A cron expression for a deadline such as `periodic` (optional).
    Recurrence,
    /// Institutions; lines after `Parteneri:` / `Partners:` / `Partnerzy:` are partners.
    Responsible,
    /// The lead responsible institution (optional: the first responsible).
    Lead,
    Partners,
    /// One funding source per line.
    Funding,
}

/// The words that name each column in a header cell, folded (lowercase, no diacritics).
pub const WORDS: &[(Column, &[&str])] = &[
    (
        Column::GeneralObjective,
        &[
            "obiectiv general",
            "obiective generale",
            "obiectivul general",
            "general objective",
            "general objectives",
            "cel glowny",
            "cel ogolny",
            "cele glowne",
        ],
    ),
    (
        Column::Objective,
        &[
            "obiectiv",
            "obiective",
            "obiectiv specific",
            "obiective specifice",
            "objective",
            "objectives",
            "specific objective",
            "cel",
            "cele",
            "cel szczegolowy",
            "cele szczegolowe",
        ],
    ),
    (
        Column::Number,
        &["nr", "nr. crt", "numar actiune", "no", "number", "lp"],
    ),
    (
        Column::Action,
        &[
            "actiune",
            "actiuni",
            "actiunea",
            "activitate",
            "activitati",
            "masura",
            "masuri",
            "action",
            "actions",
            "activity",
            "dzialanie",
            "dzialania",
            "zadanie",
            "zadania",
        ],
    ),
    (
        Column::Indicators,
        &[
            "indicator",
            "indicatori",
            "indicatori de monitorizare",
            "indicators",
            "wskaznik",
            "wskazniki",
            "miernik",
            "mierniki",
        ],
    ),
    (
        Column::Deadline,
        &[
            "termen",
            "termene",
            "termen de realizare",
            "deadline",
            "deadlines",
            "due",
            "termin",
            "terminy",
            "termin realizacji",
        ],
    ),
    (
        Column::Recurrence,
        &["recurenta", "recurrence", "cron", "powtarzalnosc"],
    ),
    (
        Column::Responsible,
        &[
            "responsabil",
            "responsabili",
            "institutii responsabile",
            "institutia responsabila",
            "responsible",
            "odpowiedzialny",
            "odpowiedzialni",
            "podmiot odpowiedzialny",
            "podmioty odpowiedzialne",
            "realizator",
            "realizatorzy",
        ],
    ),
    (
        Column::Lead,
        &[
            "lead",
            "lider",
            "responsabil principal",
            "institutie coordonatoare",
            "podmiot wiodacy",
            "wiodacy",
        ],
    ),
    (
        Column::Partners,
        &[
            "partener",
            "parteneri",
            "institutii partenere",
            "partner",
            "partners",
            "partnerzy",
            "podmioty wspolpracujace",
            "wspolpracujacy",
        ],
    ),
    (
        Column::Funding,
        &[
            "surse de finantare",
            "sursa de finantare",
            "finantare",
            "buget",
            "funding",
            "source of funding",
            "budget",
            "zrodla finansowania",
            "zrodlo finansowania",
            "finansowanie",
        ],
    ),
];

/// How many rows of a table are searched for its header row.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// The columns a header row must name.
const REQUIRED: [Column; 3] = [Column::Action, Column::Deadline, Column::Responsible];

/// Which grid column holds each column of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub columns: BTreeMap<Column, usize>,
}

impl Layout {
    /// The cell of `column` in `row`, if the table has that column.
    pub fn cell<'r>(&self, row: &'r [Cell], column: Column) -> Option<&'r Cell> {
        self.columns.get(&column).and_then(|&i| row.get(i))
    }
}

/// The column a header cell names, if any.
pub fn column_of(header: &str) -> Option<Column> {
    let folded = fold(header);
    let mut best: Option<(usize, Column)> = None;
    for (column, words) in WORDS {
        for word in *words {
            let Some(rest) = folded.strip_prefix(word) else {
                continue;
            };
            let ends_word = rest.chars().next().is_none_or(|c| !c.is_alphanumeric());
            if ends_word && best.is_none_or(|(len, _)| word.len() > len) {
                best = Some((word.len(), *column));
            }
        }
    }
    best.map(|(_, column)| column)
}

/// The layout of `row` if it is a header row: it names an objective column (general or not)
/// and every required column. A column named twice counts where first named.
pub fn detect(row: &[Cell]) -> Option<Layout> {
    let mut columns = BTreeMap::new();
    for (i, cell) in row.iter().enumerate() {
        if let Some(column) = column_of(&cell.text) {
            columns.entry(column).or_insert(i);
        }
    }
    let has_objective =
        columns.contains_key(&Column::Objective) || columns.contains_key(&Column::GeneralObjective);
    (has_objective && REQUIRED.iter().all(|c| columns.contains_key(c)))
        .then_some(Layout { columns })
}

/// What a header row must hold, for the message when none is found.
pub fn looked_for() -> String {
    "a header row naming at least the columns objective (e.g. \"Obiectiv\", \"Objective\", \
     \"Cel\"), action (\"Acțiune\", \"Action\", \"Działanie\"), deadline (\"Termen\", \
     \"Deadline\", \"Termin realizacji\") and responsible (\"Responsabil\", \"Responsible\", \
     \"Odpowiedzialny\")"
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plans::table::grid::CellAt;

    fn row(texts: &[&str]) -> Vec<Cell> {
        texts
            .iter()
            .enumerate()
            .map(|(column, text)| Cell {
                text: (*text).to_owned(),
                at: CellAt::Sheet {
                    sheet: None,
                    row: 0,
                    column,
                },
            })
            .collect()
    }

    #[test]
    fn header_cells_name_their_columns_in_three_languages() {
        let cases = [
            ("Obiectiv specific", Some(Column::Objective)),
            ("Obiectiv general", Some(Column::GeneralObjective)),
            ("OBIECTIVE GENERALE", Some(Column::GeneralObjective)),
            ("Acțiune (activitate)", Some(Column::Action)),
            ("Acţiune", Some(Column::Action)),
            ("Indicatori de  monitorizare", Some(Column::Indicators)),
            ("Termen de realizare", Some(Column::Deadline)),
            (
                "Instituţii responsabile cu implementarea acțiunii",
                Some(Column::Responsible),
            ),
            ("Responsabil", Some(Column::Responsible)),
            ("Parteneri", Some(Column::Partners)),
            ("Surse de\nfinanţare", Some(Column::Funding)),
            ("Nr. crt.", Some(Column::Number)),
            ("Objective", Some(Column::Objective)),
            ("Action", Some(Column::Action)),
            ("Indicators", Some(Column::Indicators)),
            ("Deadline", Some(Column::Deadline)),
            ("Responsible institutions", Some(Column::Responsible)),
            ("Partners", Some(Column::Partners)),
            ("Funding", Some(Column::Funding)),
            ("Lead", Some(Column::Lead)),
            ("Recurrence", Some(Column::Recurrence)),
            ("Cel szczegółowy", Some(Column::Objective)),
            ("Cel główny", Some(Column::GeneralObjective)),
            ("Działanie", Some(Column::Action)),
            ("Wskaźniki", Some(Column::Indicators)),
            ("Termin realizacji", Some(Column::Deadline)),
            ("Podmiot odpowiedzialny", Some(Column::Responsible)),
            ("Podmioty współpracujące", Some(Column::Partners)),
            ("Partnerzy", Some(Column::Partners)),
            ("Źródła finansowania", Some(Column::Funding)),
            // Words must end where the synonym ends.
            ("Celebrare", None),
            ("Terminal", None),
            ("Număr de sesiuni realizate", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(column_of(text), expected, "{text:?}");
        }
    }

    #[test]
    fn a_header_row_is_found_in_each_language() {
        let romanian = row(&[
            "Obiectiv",
            "Acțiune",
            "Indicatori",
            "Termen",
            "Responsabil",
            "Parteneri",
            "Surse de finanțare",
        ]);
        let english = row(&[
            "Objective",
            "Action",
            "Indicators",
            "Deadline",
            "Responsible",
            "Partners",
            "Funding",
        ]);
        let polish = row(&[
            "Cel",
            "Działanie",
            "Wskaźniki",
            "Termin realizacji",
            "Odpowiedzialny",
            "Partnerzy",
            "Źródła finansowania",
        ]);
        for header in [romanian, english, polish] {
            let layout = detect(&header).expect("a header row");
            let order = [
                Column::Objective,
                Column::Action,
                Column::Indicators,
                Column::Deadline,
                Column::Responsible,
                Column::Partners,
                Column::Funding,
            ];
            for (i, column) in order.into_iter().enumerate() {
                assert_eq!(layout.columns.get(&column), Some(&i), "{column:?}");
            }
        }
    }

    #[test]
    fn a_row_without_the_required_columns_is_no_header() {
        let cases: [&[&str]; 4] = [
            &["Obiectiv", "Acțiune", "Termen"],
            &["Acțiune", "Termen", "Responsabil"],
            &[
                "1.1 Creșterea nivelului",
                "Realizarea",
                "anual",
                "MAI prin ANITP",
            ],
            &[],
        ];
        for texts in cases {
            assert_eq!(detect(&row(texts)), None, "{texts:?}");
        }
    }
}
