//! The words of the deadline grammar, as data: month names, ordinals, unit
//! words and keywords in Romanian, Polish and English.
//!
//! Every entry is written in *folded* form (see [`fold`]): lower case,
//! without diacritics, dashes unified to `-`.

use super::relative::{CaseEvent, DayCount};

/// The length of a calendar unit used by the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Year,
    Half,
    Quarter,
    Month,
}

/// A unit that can be numbered inside a year ("semestrul 2", "II kwartał").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PartKind {
    Half,
    Quarter,
    Month,
}

impl PartKind {
    /// How many of these a year has.
    pub(super) fn per_year(self) -> u32 {
        match self {
            PartKind::Half => 2,
            PartKind::Quarter => 4,
            PartKind::Month => 12,
        }
    }

    /// Months per part.
    pub(super) fn months(self) -> u32 {
        12 / self.per_year()
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            PartKind::Half => "half-years (semesters)",
            PartKind::Quarter => "quarters",
            PartKind::Month => "months",
        }
    }
}

/// A recognised word or phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kw {
    /// A month name, 1..=12.
    Month(u32),
    /// An ordinal word: "primul", "second", "trzeci".
    Ordinal(u32),
    /// "ultimul", "last", "ostatni".
    Last,
    /// "semestrul", "quarter", "kwartał", and the letters of "S1", "H2", "Q3", "T4".
    Part(PartKind),
    /// "anual", "quarterly", "co miesiąc" …
    Every(Unit),
    /// "permanent", "ongoing", "na bieżąco" …
    Permanent,
    /// "periodic", "periodically", "okresowo".
    Periodic,
    /// "până la", "by", "do", "termen" …
    By,
    /// "sfârșitul", "end", "końca".
    End,
    /// "de la", "from", "od".
    From,
    /// "to", "through" (range end marker besides "-" and the "by" words).
    To,
    /// "între", "between", "między".
    Between,
    /// "și", "and", "oraz" (Polish "i" is handled apart: it is also the numeral I).
    And,
    /// "în termen de", "w terminie", "w ciągu", "within": before a number of days.
    Within,
    /// "zile", "dni", "days"; "zile lucrătoare", "dni roboczych", "working days".
    Days(DayCount),
    /// "înregistrare", "otrzymania", "receipt": the event a number of days runs from.
    Event(CaseEvent),
    /// "după", "po", "after": a number of days after an event ("30 de zile după înregistrare").
    After,
}

/// Folds one character: lower case, Romanian and Polish diacritics (and a few
/// common others) removed, every kind of dash turned into `-`.
pub(super) fn fold(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'ă' | 'â' | 'á' | 'à' | 'ä' | 'ą' | 'ã' => 'a',
        'î' | 'í' | 'ì' | 'ï' => 'i',
        'ș' | 'ş' | 'ś' | 'š' => 's',
        'ț' | 'ţ' | 'ť' => 't',
        'ć' | 'č' | 'ç' => 'c',
        'ę' | 'é' | 'è' | 'ë' | 'ě' | 'ê' => 'e',
        'ł' => 'l',
        'ń' | 'ň' | 'ñ' => 'n',
        'ó' | 'ö' | 'ô' | 'ò' | 'õ' => 'o',
        'ź' | 'ż' | 'ž' => 'z',
        'ü' | 'ú' | 'ù' | 'û' => 'u',
        '-' | '–' | '—' | '‐' | '‑' | '‒' | '―' | '−' => '-',
        other => other,
    }
}

/// Month names: Romanian, Polish (nominative, genitive, locative,
/// instrumental — "lutym" is both), English,
/// and the usual three-letter abbreviations.
pub(super) const MONTHS: &[(&str, u32)] = &[
    // Romanian
    ("ianuarie", 1),
    ("februarie", 2),
    ("martie", 3),
    ("aprilie", 4),
    ("mai", 5),
    ("iunie", 6),
    ("iulie", 7),
    ("august", 8),
    ("septembrie", 9),
    ("octombrie", 10),
    ("noiembrie", 11),
    ("decembrie", 12),
    ("ian", 1),
    ("iun", 6),
    ("iul", 7),
    // Polish
    ("styczen", 1),
    ("stycznia", 1),
    ("styczniu", 1),
    ("styczniem", 1),
    ("luty", 2),
    ("lutego", 2),
    ("lutym", 2),
    ("marzec", 3),
    ("marca", 3),
    ("marcu", 3),
    ("marcem", 3),
    ("kwiecien", 4),
    ("kwietnia", 4),
    ("kwietniu", 4),
    ("kwietniem", 4),
    ("maj", 5),
    ("maja", 5),
    ("maju", 5),
    ("majem", 5),
    ("czerwiec", 6),
    ("czerwca", 6),
    ("czerwcu", 6),
    ("czerwcem", 6),
    ("lipiec", 7),
    ("lipca", 7),
    ("lipcu", 7),
    ("lipcem", 7),
    ("sierpien", 8),
    ("sierpnia", 8),
    ("sierpniu", 8),
    ("sierpniem", 8),
    ("wrzesien", 9),
    ("wrzesnia", 9),
    ("wrzesniu", 9),
    ("wrzesniem", 9),
    ("pazdziernik", 10),
    ("pazdziernika", 10),
    ("pazdzierniku", 10),
    ("pazdziernikiem", 10),
    ("listopad", 11),
    ("listopada", 11),
    ("listopadzie", 11),
    ("listopadem", 11),
    ("grudzien", 12),
    ("grudnia", 12),
    ("grudniu", 12),
    ("grudniem", 12),
    // English
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Ordinal words. "al"/"a" before Romanian ordinals are fillers.
pub(super) const ORDINALS: &[(&str, u32)] = &[
    // Romanian
    ("primul", 1),
    ("prima", 1),
    ("intaiul", 1),
    ("intai", 1),
    ("doilea", 2),
    ("doua", 2),
    ("treilea", 3),
    ("treia", 3),
    ("patrulea", 4),
    ("patra", 4),
    // English
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    // Polish
    ("pierwszy", 1),
    ("pierwsze", 1),
    ("pierwsza", 1),
    ("pierwszego", 1),
    ("pierwszym", 1),
    ("pierwszej", 1),
    ("drugi", 2),
    ("drugie", 2),
    ("druga", 2),
    ("drugiego", 2),
    ("drugim", 2),
    ("drugiej", 2),
    ("trzeci", 3),
    ("trzecie", 3),
    ("trzecia", 3),
    ("trzeciego", 3),
    ("trzecim", 3),
    ("trzeciej", 3),
    ("czwarty", 4),
    ("czwarte", 4),
    ("czwarta", 4),
    ("czwartego", 4),
    ("czwartym", 4),
    ("czwartej", 4),
];

/// Roman numerals accepted as numbers (I–XII).
pub(super) const ROMAN: &[(&str, u32)] = &[
    ("i", 1),
    ("ii", 2),
    ("iii", 3),
    ("iv", 4),
    ("v", 5),
    ("vi", 6),
    ("vii", 7),
    ("viii", 8),
    ("ix", 9),
    ("x", 10),
    ("xi", 11),
    ("xii", 12),
];

/// Single keywords (besides months and ordinals).
pub(super) const KEYWORDS: &[(&str, Kw)] = &[
    // "last"
    ("ultimul", Kw::Last),
    ("ultima", Kw::Last),
    ("last", Kw::Last),
    ("ostatni", Kw::Last),
    ("ostatnie", Kw::Last),
    ("ostatniego", Kw::Last),
    ("ostatnim", Kw::Last),
    // half-year
    ("semestru", Kw::Part(PartKind::Half)),
    ("semestrul", Kw::Part(PartKind::Half)),
    ("semestrului", Kw::Part(PartKind::Half)),
    ("semestre", Kw::Part(PartKind::Half)),
    ("semestrele", Kw::Part(PartKind::Half)),
    ("semestrelor", Kw::Part(PartKind::Half)),
    ("sem", Kw::Part(PartKind::Half)),
    ("semester", Kw::Part(PartKind::Half)),
    ("semesters", Kw::Part(PartKind::Half)),
    ("half", Kw::Part(PartKind::Half)),
    ("halves", Kw::Part(PartKind::Half)),
    ("h", Kw::Part(PartKind::Half)),
    ("s", Kw::Part(PartKind::Half)),
    ("polrocze", Kw::Part(PartKind::Half)),
    ("polrocza", Kw::Part(PartKind::Half)),
    ("polroczu", Kw::Part(PartKind::Half)),
    ("polroczem", Kw::Part(PartKind::Half)),
    ("jumatate", Kw::Part(PartKind::Half)),
    ("jumatatea", Kw::Part(PartKind::Half)),
    ("polowa", Kw::Part(PartKind::Half)),
    ("polowie", Kw::Part(PartKind::Half)),
    ("polowy", Kw::Part(PartKind::Half)),
    // quarter
    ("trimestru", Kw::Part(PartKind::Quarter)),
    ("trimestrul", Kw::Part(PartKind::Quarter)),
    ("trimestrului", Kw::Part(PartKind::Quarter)),
    ("trimestre", Kw::Part(PartKind::Quarter)),
    ("trimestrele", Kw::Part(PartKind::Quarter)),
    ("trimestrelor", Kw::Part(PartKind::Quarter)),
    ("trim", Kw::Part(PartKind::Quarter)),
    ("quarter", Kw::Part(PartKind::Quarter)),
    ("quarters", Kw::Part(PartKind::Quarter)),
    ("q", Kw::Part(PartKind::Quarter)),
    ("t", Kw::Part(PartKind::Quarter)),
    ("kwartal", Kw::Part(PartKind::Quarter)),
    ("kwartalu", Kw::Part(PartKind::Quarter)),
    ("kwartale", Kw::Part(PartKind::Quarter)),
    ("kwartaly", Kw::Part(PartKind::Quarter)),
    ("kwartalow", Kw::Part(PartKind::Quarter)),
    ("kwartalem", Kw::Part(PartKind::Quarter)),
    ("kw", Kw::Part(PartKind::Quarter)),
    // every year
    ("anual", Kw::Every(Unit::Year)),
    ("anuala", Kw::Every(Unit::Year)),
    ("anuale", Kw::Every(Unit::Year)),
    ("annually", Kw::Every(Unit::Year)),
    ("annual", Kw::Every(Unit::Year)),
    ("yearly", Kw::Every(Unit::Year)),
    ("corocznie", Kw::Every(Unit::Year)),
    ("rocznie", Kw::Every(Unit::Year)),
    // every half-year
    ("semestrial", Kw::Every(Unit::Half)),
    ("semestriala", Kw::Every(Unit::Half)),
    ("semestriale", Kw::Every(Unit::Half)),
    ("semiannually", Kw::Every(Unit::Half)),
    ("semiannual", Kw::Every(Unit::Half)),
    ("biannually", Kw::Every(Unit::Half)),
    ("biannual", Kw::Every(Unit::Half)),
    ("halfyearly", Kw::Every(Unit::Half)),
    ("polrocznie", Kw::Every(Unit::Half)),
    // every quarter
    ("trimestrial", Kw::Every(Unit::Quarter)),
    ("trimestriala", Kw::Every(Unit::Quarter)),
    ("trimestriale", Kw::Every(Unit::Quarter)),
    ("quarterly", Kw::Every(Unit::Quarter)),
    ("kwartalnie", Kw::Every(Unit::Quarter)),
    // every month
    ("lunar", Kw::Every(Unit::Month)),
    ("lunara", Kw::Every(Unit::Month)),
    ("lunare", Kw::Every(Unit::Month)),
    ("monthly", Kw::Every(Unit::Month)),
    ("miesiecznie", Kw::Every(Unit::Month)),
    ("comiesiecznie", Kw::Every(Unit::Month)),
    // permanent
    ("permanent", Kw::Permanent),
    ("permanenta", Kw::Permanent),
    ("permanente", Kw::Permanent),
    ("permanently", Kw::Permanent),
    ("continuu", Kw::Permanent),
    ("continua", Kw::Permanent),
    ("continuous", Kw::Permanent),
    ("continuously", Kw::Permanent),
    ("ongoing", Kw::Permanent),
    ("stale", Kw::Permanent),
    ("ciagle", Kw::Permanent),
    // periodic
    ("periodic", Kw::Periodic),
    ("periodica", Kw::Periodic),
    ("periodice", Kw::Periodic),
    ("periodically", Kw::Periodic),
    ("okresowo", Kw::Periodic),
    ("periodycznie", Kw::Periodic),
    // by / deadline
    ("pana", Kw::By),
    ("by", Kw::By),
    ("until", Kw::By),
    ("till", Kw::By),
    ("due", Kw::By),
    ("deadline", Kw::By),
    ("termen", Kw::By),
    ("termenul", Kw::By),
    ("termin", Kw::By),
    ("do", Kw::By),
    ("najpozniej", Kw::By),
    // end of
    ("sfarsitul", Kw::End),
    ("sfarsit", Kw::End),
    ("finalul", Kw::End),
    ("final", Kw::End),
    ("end", Kw::End),
    ("konca", Kw::End),
    ("koniec", Kw::End),
    // ranges
    ("od", Kw::From),
    ("din", Kw::From),
    ("from", Kw::From),
    ("since", Kw::From),
    ("starting", Kw::From),
    ("to", Kw::To),
    ("through", Kw::To),
    ("intre", Kw::Between),
    ("between", Kw::Between),
    ("miedzy", Kw::Between),
    ("pomiedzy", Kw::Between),
    // numbers of days, and the event they run from
    ("within", Kw::Within),
    ("zi", Kw::Days(DayCount::Calendar)),
    ("zile", Kw::Days(DayCount::Calendar)),
    ("dni", Kw::Days(DayCount::Calendar)),
    ("dzien", Kw::Days(DayCount::Calendar)),
    ("day", Kw::Days(DayCount::Calendar)),
    ("days", Kw::Days(DayCount::Calendar)),
    ("inregistrare", Kw::Event(CaseEvent::Registration)),
    ("inregistrarea", Kw::Event(CaseEvent::Registration)),
    ("inregistrarii", Kw::Event(CaseEvent::Registration)),
    ("rejestracji", Kw::Event(CaseEvent::Registration)),
    ("zarejestrowania", Kw::Event(CaseEvent::Registration)),
    ("registration", Kw::Event(CaseEvent::Registration)),
    ("primire", Kw::Event(CaseEvent::Receipt)),
    ("primirea", Kw::Event(CaseEvent::Receipt)),
    ("primirii", Kw::Event(CaseEvent::Receipt)),
    ("otrzymania", Kw::Event(CaseEvent::Receipt)),
    ("otrzymaniu", Kw::Event(CaseEvent::Receipt)),
    ("wplywu", Kw::Event(CaseEvent::Receipt)),
    ("wplywie", Kw::Event(CaseEvent::Receipt)),
    ("doreczenia", Kw::Event(CaseEvent::Receipt)),
    ("doreczeniu", Kw::Event(CaseEvent::Receipt)),
    ("receipt", Kw::Event(CaseEvent::Receipt)),
    ("dupa", Kw::After),
    ("po", Kw::After),
    ("after", Kw::After),
    // connectors
    ("si", Kw::And),
    ("and", Kw::And),
    ("oraz", Kw::And),
];

/// Multi-word phrases, matched before single words (longest first).
/// `-` stands for a dash token.
pub(super) const PHRASES: &[(&[&str], Kw)] = &[
    (&["every", "year"], Kw::Every(Unit::Year)),
    (&["each", "year"], Kw::Every(Unit::Year)),
    (&["once", "a", "year"], Kw::Every(Unit::Year)),
    (&["in", "fiecare", "an"], Kw::Every(Unit::Year)),
    (&["co", "roku"], Kw::Every(Unit::Year)),
    (&["raz", "w", "roku"], Kw::Every(Unit::Year)),
    (&["half", "-", "yearly"], Kw::Every(Unit::Half)),
    (&["half", "yearly"], Kw::Every(Unit::Half)),
    (&["semi", "-", "annually"], Kw::Every(Unit::Half)),
    (&["semi", "-", "annual"], Kw::Every(Unit::Half)),
    (&["bi", "-", "annually"], Kw::Every(Unit::Half)),
    (&["bi", "-", "annual"], Kw::Every(Unit::Half)),
    (&["every", "six", "months"], Kw::Every(Unit::Half)),
    (&["every", "half", "year"], Kw::Every(Unit::Half)),
    (&["every", "semester"], Kw::Every(Unit::Half)),
    (&["in", "fiecare", "semestru"], Kw::Every(Unit::Half)),
    (&["co", "pol", "roku"], Kw::Every(Unit::Half)),
    (&["co", "polrocze"], Kw::Every(Unit::Half)),
    (&["raz", "na", "pol", "roku"], Kw::Every(Unit::Half)),
    (&["every", "quarter"], Kw::Every(Unit::Quarter)),
    (&["each", "quarter"], Kw::Every(Unit::Quarter)),
    (&["in", "fiecare", "trimestru"], Kw::Every(Unit::Quarter)),
    (&["co", "kwartal"], Kw::Every(Unit::Quarter)),
    (&["raz", "na", "kwartal"], Kw::Every(Unit::Quarter)),
    (&["every", "month"], Kw::Every(Unit::Month)),
    (&["each", "month"], Kw::Every(Unit::Month)),
    (&["in", "fiecare", "luna"], Kw::Every(Unit::Month)),
    (&["co", "miesiac"], Kw::Every(Unit::Month)),
    (&["raz", "w", "miesiacu"], Kw::Every(Unit::Month)),
    (&["na", "biezaco"], Kw::Permanent),
    (&["on", "-", "going"], Kw::Permanent),
    (&["pana", "la"], Kw::By),
    (&["pana", "in"], Kw::By),
    (&["pina", "la"], Kw::By),
    (&["no", "later", "than"], Kw::By),
    (&["not", "later", "than"], Kw::By),
    (&["nu", "mai", "tarziu", "de"], Kw::By),
    (&["cel", "tarziu", "la"], Kw::By),
    (&["cel", "tarziu"], Kw::By),
    (&["nie", "pozniej", "niz"], Kw::By),
    (&["najpozniej", "do"], Kw::By),
    (&["la", "sfarsitul"], Kw::End),
    (&["la", "finalul"], Kw::End),
    (&["at", "the", "end"], Kw::End),
    (&["de", "la"], Kw::From),
    (&["incepand", "cu"], Kw::From),
    (&["incepind", "cu"], Kw::From),
    (&["incepand", "din"], Kw::From),
    (&["incepind", "din"], Kw::From),
    (&["incepand", "de", "la"], Kw::From),
    (&["incepind", "de", "la"], Kw::From),
    (&["poczawszy", "od"], Kw::From),
    (&["poczynajac", "od"], Kw::From),
    (&["starting", "from"], Kw::From),
    (&["starting", "with"], Kw::From),
    (&["starting", "in"], Kw::From),
    (&["precum", "si"], Kw::And),
    (&["in", "termen", "de"], Kw::Within),
    (&["w", "terminie"], Kw::Within),
    (&["w", "ciagu"], Kw::Within),
    (&["zi", "lucratoare"], Kw::Days(DayCount::Working)),
    (&["zile", "lucratoare"], Kw::Days(DayCount::Working)),
    (&["zi", "calendaristica"], Kw::Days(DayCount::Calendar)),
    (&["zile", "calendaristice"], Kw::Days(DayCount::Calendar)),
    (&["dzien", "roboczy"], Kw::Days(DayCount::Working)),
    (&["dni", "robocze"], Kw::Days(DayCount::Working)),
    (&["dni", "roboczych"], Kw::Days(DayCount::Working)),
    (&["dni", "kalendarzowe"], Kw::Days(DayCount::Calendar)),
    (&["dni", "kalendarzowych"], Kw::Days(DayCount::Calendar)),
    (&["working", "day"], Kw::Days(DayCount::Working)),
    (&["working", "days"], Kw::Days(DayCount::Working)),
    (&["business", "day"], Kw::Days(DayCount::Working)),
    (&["business", "days"], Kw::Days(DayCount::Working)),
    (&["calendar", "day"], Kw::Days(DayCount::Calendar)),
    (&["calendar", "days"], Kw::Days(DayCount::Calendar)),
];

/// What may stand right next to a filler word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Near {
    /// A four-digit year.
    Year,
    /// A date written with digits.
    Date,
    /// A number of one or two digits: a day ("dnia 30 czerwca") or a
    /// numeral ("a 2-a").
    Number,
    /// A month name.
    Month,
    /// "semestrul", "kwartał", "Q" …
    Part,
    /// An ordinal word, "ultimul"/"last", or a Roman numeral.
    Ordinal,
    /// "sfârșitul", "end", "końca".
    End,
    /// "permanență" ("în permanență").
    Permanent,
    /// "zile", "dni", "days" … ("30 de zile").
    Days,
    /// "înregistrare", "otrzymania" … ("de la data înregistrării", "od dnia otrzymania").
    Event,
    /// Another filler word.
    Filler(&'static str),
}

/// Where a filler word belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Place {
    /// What may follow it (nothing else may, and it may not end the wording).
    /// Empty: it introduces nothing, it qualifies what comes before it.
    pub(super) before: &'static [Near],
    /// What it may follow instead of introducing something (Polish "r.",
    /// "roku" after a year or a date). Empty: it must introduce something.
    pub(super) after: &'static [Near],
    /// A description of the places, for error messages.
    pub(super) expected: &'static str,
}

/// Words that carry no meaning of their own ("al anului 2021", "2024 roku",
/// "of 2021", "până la data de …", "do dnia …"), each allowed only where it
/// belongs: next to the date or period it qualifies. Elsewhere ("anual în",
/// "2021 al", "the annually") a wording is refused at that word.
pub(super) const FILLERS: &[(&str, Place)] = &[
    // Romanian
    ("a", GENITIVE),
    ("al", GENITIVE),
    ("ale", GENITIVE),
    ("an", YEAR_WORD),
    ("anul", YEAR_WORD),
    ("anului", YEAR_WORD),
    ("anii", YEAR_WORD),
    ("anilor", YEAR_WORD),
    (
        "in",
        Place {
            before: &[
                Near::Year,
                Near::Date,
                Near::Number,
                Near::Month,
                Near::Part,
                Near::Ordinal,
                Near::End,
                Near::Permanent,
                Near::Filler("anul"),
                Near::Filler("anii"),
                Near::Filler("cursul"),
                Near::Filler("perioada"),
                Near::Filler("luna"),
                Near::Filler("data"),
                Near::Filler("the"),
                Near::Filler("year"),
                Near::Filler("years"),
            ],
            after: &[],
            expected: "a date or a period right after \"în\"/\"in\" (\"în anul 2022\", \"în trimestrul IV 2021\", \"in 2021\") or \"în permanență\"",
        },
    ),
    (
        "pe",
        Place {
            before: &[
                Near::Year,
                Near::Date,
                Near::Number,
                Near::Month,
                Near::Part,
                Near::Ordinal,
                Near::Filler("anul"),
                Near::Filler("anii"),
                Near::Filler("luna"),
                Near::Filler("data"),
                Near::Filler("parcursul"),
            ],
            after: &[],
            expected: "a date or a period right after \"pe\" (\"pe anul 2024\", \"pe parcursul anului 2023\")",
        },
    ),
    ("cursul", COURSE),
    ("parcursul", COURSE),
    (
        "perioada",
        Place {
            before: &[
                Near::Year,
                Near::Date,
                Near::Number,
                Near::Month,
                Near::Part,
                Near::Ordinal,
                Near::Filler("anilor"),
                Near::Filler("lunii"),
            ],
            after: &[],
            expected: "a period right after \"perioada\" (\"în perioada 2021-2022\", \"în perioada ianuarie - iunie 2024\")",
        },
    ),
    (
        "data",
        Place {
            before: &[
                Near::Date,
                Near::Number,
                Near::Event,
                Near::Filler("de"),
                Near::Filler("limita"),
            ],
            after: &[],
            expected: "a date or an event right after \"data\" (\"până la data de 31.03.2022\", \"de la data înregistrării\")",
        },
    ),
    (
        "de",
        Place {
            before: &[Near::Date, Near::Number, Near::Days],
            after: &[],
            expected: "a date or a number of days right after \"de\" (\"data de 31.03.2022\", \"30 de zile\")",
        },
    ),
    (
        "limita",
        Place {
            before: &[
                Near::Year,
                Near::Date,
                Near::Number,
                Near::Month,
                Near::Filler("de"),
            ],
            after: &[],
            expected: "a date right after \"limită\" (\"termen limită: 31.03.2022\")",
        },
    ),
    ("luna", MONTH_WORD),
    ("lunii", MONTH_WORD),
    // Polish
    (
        "r",
        Place {
            before: &[],
            after: &[Near::Year, Near::Date],
            expected: "a year or a date right before \"r.\" (\"2024 r.\", \"30 czerwca 2024 r.\")",
        },
    ),
    ("rok", ROK),
    ("roku", ROK),
    (
        "w",
        Place {
            before: &[
                Near::Year,
                Near::Date,
                Near::Number,
                Near::Month,
                Near::Part,
                Near::Ordinal,
                Near::Filler("rok"),
                Near::Filler("roku"),
                Near::Filler("dnia"),
                Near::Filler("dniu"),
                Near::Filler("latach"),
            ],
            after: &[],
            expected: "a date or a period right after \"w\" (\"w 2024 roku\", \"w I kwartale 2024\")",
        },
    ),
    ("dnia", DAY_WORD),
    ("dniu", DAY_WORD),
    ("daty", DAY_WORD),
    (
        "latach",
        Place {
            before: &[Near::Year],
            after: &[],
            expected: "years right after \"latach\" (\"w latach 2021-2022\")",
        },
    ),
    // English
    (
        "of",
        Place {
            before: &[
                Near::Year,
                Near::Date,
                Near::Number,
                Near::Month,
                Near::Part,
                Near::Ordinal,
                Near::Filler("the"),
                Near::Filler("year"),
                Near::Filler("years"),
            ],
            after: &[],
            expected: "a date or a period right after \"of\" (\"first half of 2023\", \"end of June 2024\")",
        },
    ),
    (
        "the",
        Place {
            before: &[
                Near::Year,
                Near::Date,
                Near::Number,
                Near::Month,
                Near::Part,
                Near::Ordinal,
                Near::End,
                Near::Filler("year"),
                Near::Filler("years"),
            ],
            after: &[],
            expected: "a date, a period or \"end\" right after \"the\" (\"the first half of 2023\", \"by the end of 2021\")",
        },
    ),
    ("year", YEAR_WORD),
    ("years", YEAR_WORD),
    (
        "during",
        Place {
            before: &[
                Near::Year,
                Near::Month,
                Near::Part,
                Near::Ordinal,
                Near::Filler("the"),
                Near::Filler("year"),
                Near::Filler("years"),
            ],
            after: &[],
            expected: "a period right after \"during\" (\"during 2022\", \"during the first half of 2023\")",
        },
    ),
    (
        "on",
        Place {
            before: &[Near::Date, Near::Number, Near::Month, Near::Filler("the")],
            after: &[],
            expected: "a date right after \"on\" (\"on 31 March 2024\")",
        },
    ),
];

/// Romanian "a", "al", "ale": before an ordinal or "anului".
const GENITIVE: Place = Place {
    before: &[
        Near::Ordinal,
        Near::Number,
        Near::Filler("anului"),
        Near::Filler("anilor"),
        Near::Filler("anul"),
        Near::Filler("lunii"),
    ],
    after: &[],
    expected: "an ordinal or \"anului\" right after it (\"al doilea semestru\", \"semestrul II al anului 2022\")",
};

/// Romanian "cursul", "parcursul": before a period ("în cursul anului 2022",
/// "pe parcursul anului 2023").
const COURSE: Place = Place {
    before: &[
        Near::Year,
        Near::Month,
        Near::Part,
        Near::Ordinal,
        Near::Filler("anului"),
        Near::Filler("anilor"),
        Near::Filler("lunii"),
    ],
    after: &[],
    expected: "a period right after it (\"în cursul anului 2022\", \"pe parcursul anului 2023\")",
};

/// "anul", "anului", "anii", "year" …: before a year.
const YEAR_WORD: Place = Place {
    before: &[Near::Year],
    after: &[],
    expected: "a year right after it (\"anul 2021\", \"al anului 2022\", \"the year 2021\")",
};

/// "luna", "lunii": before a month.
const MONTH_WORD: Place = Place {
    before: &[Near::Month],
    after: &[],
    expected: "a month right after it (\"luna octombrie 2022\", \"sfârșitul lunii iunie 2022\")",
};

/// Polish "dnia", "dniu", "daty": before a date or an event.
const DAY_WORD: Place = Place {
    before: &[Near::Date, Near::Number, Near::Event],
    after: &[],
    expected: "a date or an event right after it (\"do dnia 30 czerwca 2024 r.\", \"od dnia otrzymania\")",
};

/// Polish "rok", "roku": after a year or a date ("2024 roku"), or before a
/// year ("w roku 2024").
const ROK: Place = Place {
    before: &[Near::Year],
    after: &[Near::Year, Near::Date],
    expected: "a year or a date right before it (\"2024 roku\", \"30.06.2024 roku\") or a year right after it (\"w roku 2024\")",
};

/// Polish "i" ("and"); the same word is also the Roman numeral I.
pub(super) const AND_OR_ONE: &str = "i";

pub(super) fn month(word: &str) -> Option<u32> {
    MONTHS.iter().find(|(w, _)| *w == word).map(|&(_, m)| m)
}

pub(super) fn roman(word: &str) -> Option<u32> {
    ROMAN.iter().find(|(w, _)| *w == word).map(|&(_, n)| n)
}

/// The keyword a single folded word stands for, if any.
pub(super) fn keyword(word: &str) -> Option<Kw> {
    if let Some(m) = month(word) {
        return Some(Kw::Month(m));
    }
    if let Some(&(_, n)) = ORDINALS.iter().find(|(w, _)| *w == word) {
        return Some(Kw::Ordinal(n));
    }
    KEYWORDS.iter().find(|(w, _)| *w == word).map(|&(_, k)| k)
}

/// The filler `word` as spelled in [`FILLERS`] and where it belongs, if it
/// is a filler.
pub(super) fn filler(word: &str) -> Option<(&'static str, Place)> {
    FILLERS.iter().find(|(w, _)| *w == word).copied()
}

/// English ordinal suffixes ("1st", "2nd", "3rd", "4th").
pub(super) fn is_ordinal_suffix(word: &str) -> bool {
    matches!(word, "st" | "nd" | "rd" | "th")
}

/// Romanian ordinal suffixes ("al II-lea", "a 2-a").
pub(super) fn is_romanian_ordinal_suffix(word: &str) -> bool {
    matches!(word, "lea" | "a")
}

/// A short reminder of the accepted forms, used in error messages.
pub(super) const ACCEPTED_FORMS: &str = "accepted: 2021; 2021-2022; \
primul semestru 2021, semestrul II 2022, S1/H2 2023, I półrocze 2024; \
trimestrul IV 2021, II kwartał 2024, Q3 2025, I-III kwartał 2022 (one period); \
octombrie 2022, iulie-octombrie 2022, styczeń – czerwiec 2024 (without a year: every year); \
31.03.2024, 31 martie 2024; până la / do / by 31.03.2024; od 01.01.2024 do 30.06.2024; \
anual, semestrial, trimestrial, lunar (annually, quarterly, corocznie, kwartalnie …); \
anual: iulie-octombrie; trimestrial, începând cu trimestrul III 2021 (co kwartał, począwszy od …; \
quarterly starting from …); permanent; periodic (with a `recurrence:` cron rule); \
several of these may be listed together; for a case: 30 de zile de la înregistrare, \
15 zile lucrătoare, w ciągu 14 dni roboczych od dnia otrzymania, within 10 working days";
