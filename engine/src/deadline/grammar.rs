//! Parser: tokens → clauses → [`Spec`]s.
//!
//! ```text
//! wording := clause (connector? clause)*
//! clause  := node* SEP? rhythm scope* (SEP? start)?
//!                                    "anual", "anual: iulie-octombrie", "lunar 2021",
//!                                    "2021-2022, anual", "semestrial, începând cu semestrul II 2021"
//!          | start SEP? rhythm scope*      "începând cu 2022, anual"
//!          | PERIODIC                "periodic" (no node right next to it)
//!          | BY END? node            "până la 31.03.2024", "do końca 2021 roku"
//!          | END node                "sfârșitul anului 2021"
//!          | start                   "od 01.01.2024 do 30.06.2024", "de la 1 martie 2024"
//!          | BETWEEN item AND item   "între 1.03.2024 și 30.06.2024"
//!          | node
//! rhythm  := EVERY | PERMANENT       "anual", "co kwartał", "permanent", "na bieżąco"
//! start   := FROM item (connector* (TO|BY) END? item | - END? item)?
//!                                    "începând cu 2022", "od II kwartału 2024",
//!                                    "începând cu semestrul II 2021, până la semestrul I 2022"
//!          | FROM parts              "od I do III kwartału 2022"
//!          | BY END? item connector* FROM item   "până la 30.06.2022, începând cu 01.03.2022"
//! node    := items ((-|TO) item)?    "iulie-octombrie 2022", "2021-2022"
//! items   := DATE | YEAR | day MONTH year | MONTH day year | MONTH year?
//!          | parts
//! parts   := numerals PART year?     "primul semestru", "I i III kwartał 2024", "I-III kwartał 2022"
//!          | PART numerals year?     "semestrul 2", "trimestrul IV", "S1", "trimestrele I-III 2022"
//! numerals := numeral ((-|TO|BY) numeral)? (connector numerals)?
//! ```
//!
//! A range of numerals ("I-III kwartał 2022") is one range node from the
//! first part to the last, like "ianuarie - iunie 2024". A word connector
//! must have a clause before it. Nodes right before a rhythm are its scopes
//! as much as those right after it ("2021 anual" = "anual 2021"), unless a
//! word connector separates them ("2021 și anual").
//!
//! Items without a year are then given one: from a year written right before
//! them ("2024: I kwartał"), from the other end of their range ("iulie -
//! octombrie 2022"), or from the next dated item of a list ("I i III kwartał
//! 2024", "ianuarie și martie 2022"). Whatever is still without a year is a
//! window repeated every year — allowed only if the wording has no year at all.
//!
//! Every token must be consumed by some clause: a word that fits nowhere,
//! or a connector ("și", "and", "i") with nothing after it, is an error
//! naming it. A "from" right after (or right before) a rhythm limits that
//! rhythm ([`Bound`]); it is not a deadline of its own.

use std::ops::Range;

use chrono::{Datelike, NaiveDate};

use super::DeadlineError;
use super::calendar::{month_end, month_start};
use super::lexer::{Tok, Token};
use super::lexicon::{self, Kw, PartKind, Unit};

/// Months `first..=last` of every year; `last < first` wraps into the next year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MonthWindow {
    pub(super) first: u32,
    pub(super) last: u32,
}

/// What an `Every` clause is restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Fixed(NaiveDate, NaiveDate),
    Window(MonthWindow),
}

/// Where a rhythm starts (and possibly stops): "anual, începând cu 2022",
/// "lunar de la martie 2022 până la iunie 2022".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Bound {
    /// Only periods ending on or after this day (the period it falls in,
    /// and those after it).
    pub(super) since: NaiveDate,
    /// Periods are clipped to end on this day at the latest.
    pub(super) until: Option<NaiveDate>,
}

/// What a wording asks for, before it meets the plan period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Spec {
    Year(i32),
    YearRange(i32, i32),
    Half {
        year: i32,
        n: u32,
    },
    Quarter {
        year: i32,
        n: u32,
    },
    Month {
        year: i32,
        month: u32,
    },
    MonthRange {
        from: (i32, u32),
        to: (i32, u32),
    },
    Date(NaiveDate),
    DateRange(NaiveDate, NaiveDate),
    /// From the plan start to this date.
    By(NaiveDate),
    /// From this date to the plan end.
    Since(NaiveDate),
    /// A month window in every year of the plan.
    Window(MonthWindow),
    /// Every calendar unit (of the scope, or of the plan), from `from` on.
    Every {
        unit: Unit,
        within: Option<Scope>,
        from: Option<Bound>,
    },
    /// Driven by the `recurrence` cron expression.
    Periodic,
}

impl Spec {
    /// The fixed dates this spec covers, if it is a fixed span.
    pub(super) fn bounds(&self) -> Option<(NaiveDate, NaiveDate)> {
        match *self {
            Spec::Year(y) => Some((month_start(y, 1)?, month_end(y, 12)?)),
            Spec::YearRange(a, b) => Some((month_start(a, 1)?, month_end(b, 12)?)),
            Spec::Half { year, n } => part_bounds(PartKind::Half, n, year),
            Spec::Quarter { year, n } => part_bounds(PartKind::Quarter, n, year),
            Spec::Month { year, month } => {
                Some((month_start(year, month)?, month_end(year, month)?))
            }
            Spec::MonthRange { from, to } => {
                Some((month_start(from.0, from.1)?, month_end(to.0, to.1)?))
            }
            Spec::Date(d) => Some((d, d)),
            Spec::DateRange(a, b) => Some((a, b)),
            _ => None,
        }
    }
}

/// A spec with the part of the wording it came from (for error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Located {
    pub(super) spec: Spec,
    pub(super) text: String,
}

/// Parses the tokens of `wording` into specs.
pub(super) fn parse(wording: &str, toks: &[Token]) -> Result<Vec<Located>, DeadlineError> {
    let mut parser = Parser {
        wording,
        toks,
        pos: 0,
    };
    let clauses = parser.clauses()?;
    lower(wording, clauses)
}

// ---------------------------------------------------------------------------
// Items and nodes

/// A calendar item as written, possibly without a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Year(i32),
    Part {
        kind: PartKind,
        n: u32,
        year: Option<i32>,
    },
    Date(NaiveDate),
}

impl Item {
    fn year(&self) -> Option<i32> {
        match *self {
            Item::Year(y) => Some(y),
            Item::Part { year, .. } => year,
            Item::Date(d) => Some(d.year()),
        }
    }

    fn is_part(&self) -> bool {
        matches!(self, Item::Part { .. })
    }

    /// The same item in `year` (only parts change).
    fn in_year(self, y: i32) -> Item {
        match self {
            Item::Part { kind, n, .. } => Item::Part {
                kind,
                n,
                year: Some(y),
            },
            other => other,
        }
    }

    /// First and last month of a part; whole year otherwise.
    fn months(&self) -> (u32, u32) {
        match *self {
            Item::Part { kind, n, .. } => part_months(kind, n),
            Item::Year(_) => (1, 12),
            Item::Date(d) => (d.month(), d.month()),
        }
    }

    fn bounds(&self) -> Option<(NaiveDate, NaiveDate)> {
        match *self {
            Item::Year(y) => Some((month_start(y, 1)?, month_end(y, 12)?)),
            Item::Part { kind, n, year } => part_bounds(kind, n, year?),
            Item::Date(d) => Some((d, d)),
        }
    }
}

fn part_months(kind: PartKind, n: u32) -> (u32, u32) {
    let len = kind.months();
    (n.saturating_sub(1) * len + 1, n * len)
}

fn part_bounds(kind: PartKind, n: u32, year: i32) -> Option<(NaiveDate, NaiveDate)> {
    let (first, last) = part_months(kind, n);
    Some((month_start(year, first)?, month_end(year, last)?))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    One(Item),
    Range(Item, Item),
}

/// One item or range of the wording.
#[derive(Debug, Clone)]
struct Node {
    shape: Shape,
    /// Byte span in the wording.
    span: Range<usize>,
    /// Token indices.
    toks: Range<usize>,
    /// Whether a connector ("și", ",", "i" …) came right before it.
    after_connector: bool,
}

impl Node {
    fn has_year(&self) -> bool {
        match self.shape {
            Shape::One(a) => a.year().is_some(),
            Shape::Range(a, b) => a.year().is_some() && b.year().is_some(),
        }
    }

    /// The year a yearless neighbour takes from this node (parts only).
    fn year_to_lend(&self) -> Option<i32> {
        match self.shape {
            Shape::One(a) if a.is_part() => a.year(),
            Shape::Range(a, _) if a.is_part() => a.year(),
            _ => None,
        }
    }

    /// Puts a yearless node in `year` (a wrapping range ends the next year).
    fn set_year(&mut self, year: i32) {
        self.shape = match self.shape {
            Shape::One(a) => Shape::One(a.in_year(year)),
            Shape::Range(a, b) => {
                let b_year = if b.months().1 < a.months().0 {
                    year.saturating_add(1)
                } else {
                    year
                };
                Shape::Range(a.in_year(year), b.in_year(b_year))
            }
        };
    }

    /// Inside a range, one end lends its year to the other:
    /// "iulie - octombrie 2022", "noiembrie 2021 - februarie".
    fn resolve_range(&mut self) {
        let Shape::Range(a, b) = self.shape else {
            return;
        };
        if !(a.is_part() && b.is_part()) {
            return;
        }
        match (a.year(), b.year()) {
            (None, Some(yb)) => {
                let ya = if a.months().0 > b.months().0 {
                    yb.saturating_sub(1)
                } else {
                    yb
                };
                self.shape = Shape::Range(a.in_year(ya), b);
            }
            (Some(ya), None) => {
                let yb = if b.months().1 < a.months().1 {
                    ya.saturating_add(1)
                } else {
                    ya
                };
                self.shape = Shape::Range(a, b.in_year(yb));
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numeral {
    Nth(u32),
    Last,
}

// ---------------------------------------------------------------------------
// Clauses

#[derive(Debug, Clone)]
enum Clause {
    Item(Node),
    Every {
        unit: Unit,
        span: Range<usize>,
        /// The dates written right before and right after the rhythm word.
        scopes: Vec<Node>,
        /// "începând cu …": one item or a range.
        from: Option<Node>,
        /// The token where the dates after the rhythm word start, if the
        /// clause ends with them ("anual 2021").
        trailing_scopes: Option<usize>,
    },
    /// `at`: the token index of the "by" word.
    By {
        node: Node,
        at: usize,
    },
    Since(Node),
    Periodic(Range<usize>),
}

/// Expected after a word connector ("și", "and", "i").
const AFTER_CONNECTOR: &str = "a date, a period or a rhythm after it";

/// Expected before a word connector.
const BEFORE_CONNECTOR: &str =
    "a date, a period or a rhythm before a connector (\"2021 și 2022\", \"I i III kwartał 2024\")";

/// Expected next to "periodic".
const PERIODIC_ALONE: &str = "no date or period right next to \"periodic\", whose periods come \
     from its recurrence rule alone (write \"și\" between them if both are meant)";

struct Parser<'a> {
    wording: &'a str,
    toks: &'a [Token],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn tok(&self, i: usize) -> Option<&'a Tok> {
        self.toks.get(i).map(|t| &t.tok)
    }

    fn peek(&self) -> Option<&'a Tok> {
        self.tok(self.pos)
    }

    /// Byte span of tokens `from..to`.
    fn span(&self, from: usize, to: usize) -> Range<usize> {
        let start = self
            .toks
            .get(from)
            .map_or(self.wording.len(), |t| t.span.start);
        let end = to
            .checked_sub(1)
            .and_then(|last| self.toks.get(last))
            .map_or(start, |t| t.span.end);
        start..end.max(start)
    }

    fn text(&self, span: &Range<usize>) -> String {
        self.wording
            .get(span.clone())
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    fn eat(&mut self, kw: Kw) -> bool {
        let found = self.peek() == Some(&Tok::Kw(kw));
        if found {
            self.pos += 1;
        }
        found
    }

    fn is_connector(tok: Option<&Tok>) -> bool {
        match tok {
            Some(Tok::Sep | Tok::Kw(Kw::And)) => true,
            Some(Tok::Word(w)) => w == lexicon::AND_OR_ONE,
            _ => false,
        }
    }

    fn numeral(&self, i: usize) -> Option<Numeral> {
        match self.tok(i)? {
            Tok::Num { value, digits } if *digits <= 2 => Some(Numeral::Nth(*value)),
            Tok::Kw(Kw::Ordinal(n)) => Some(Numeral::Nth(*n)),
            Tok::Kw(Kw::Last) => Some(Numeral::Last),
            Tok::Word(w) => lexicon::roman(w).map(Numeral::Nth),
            _ => None,
        }
    }

    fn year_at(&self, i: usize) -> Option<i32> {
        match self.tok(i)? {
            Tok::Num { value, digits: 4 } => i32::try_from(*value).ok(),
            _ => None,
        }
    }

    /// A year after an item, possibly after a comma: "octombrie 2022", "trimestrul 4, 2021".
    fn opt_year(&mut self) -> Option<i32> {
        let mut j = self.pos;
        while self.tok(j) == Some(&Tok::Sep) {
            j += 1;
        }
        let year = self.year_at(j)?;
        self.pos = j + 1;
        Some(year)
    }

    /// The error for the token at the current position.
    fn error_here(&self, expected: &str) -> DeadlineError {
        DeadlineError::at_token(self.wording, self.toks.get(self.pos), expected)
    }

    fn clauses(&mut self) -> Result<Vec<Clause>, DeadlineError> {
        let mut out = Vec::new();
        let mut connector = false;
        // A word connector ("și", "and", "i") waiting for what it connects.
        let mut dangling: Option<usize> = None;
        // Whether a word connector may stand here: right after a clause,
        // possibly after a comma ("2021 și 2022", "2021, și 2022"), but not
        // at the start, after a dash or after another connector.
        let mut joinable = false;
        while let Some(tok) = self.peek() {
            let start = self.pos;
            match tok {
                Tok::Kw(Kw::Every(_) | Kw::Permanent) => {
                    // Dates right before a rhythm scope it ("2021-2022,
                    // anual"), unless a connector lists them apart ("2021
                    // și anual").
                    let mut before = Vec::new();
                    if dangling.is_none() {
                        while let Some(Clause::Item(_)) = out.last() {
                            if let Some(Clause::Item(node)) = out.pop() {
                                before.push(node);
                            }
                        }
                        before.reverse();
                    }
                    // Dates of the previous rhythm right before this one.
                    let previous = if dangling.is_none() && before.is_empty() {
                        out.last()
                    } else {
                        None
                    };
                    let clause = self.rhythm(None, before)?;
                    self.check_between_rhythms(previous, &clause)?;
                    out.push(clause);
                }
                Tok::Kw(Kw::Periodic) => {
                    self.pos += 1;
                    if dangling.is_none()
                        && let Some(Clause::Item(node)) = out.last()
                    {
                        self.pos = node.toks.start;
                        return Err(self.error_here(PERIODIC_ALONE));
                    }
                    out.push(Clause::Periodic(self.span(start, self.pos)));
                    let after = self.pos;
                    while matches!(self.peek(), Some(Tok::Sep | Tok::Dash)) {
                        self.pos += 1;
                    }
                    let item_at = self.pos;
                    if self.node(false)?.is_some() {
                        self.pos = item_at;
                        return Err(self.error_here(PERIODIC_ALONE));
                    }
                    self.pos = after;
                }
                Tok::Kw(Kw::By | Kw::End) => {
                    self.pos += 1;
                    self.eat(Kw::End);
                    let node =
                        self.one_node("a date or a period (31.03.2024, 2021, iunie 2022)")?;
                    match self.by_then_from(&node, start, connector)? {
                        // "până la 30.06.2022, începând cu 01.03.2022"
                        Some(range) => out.push(self.after_start(range)?),
                        None => out.push(Clause::By { node, at: start }),
                    }
                }
                Tok::Kw(Kw::From) => {
                    let node = self.start_node(connector)?;
                    out.push(self.after_start(node)?);
                }
                Tok::Kw(Kw::Between) => out.push(self.range_between_clause(connector)?),
                // A dash here (not after an item) is a bullet or a separator.
                Tok::Dash => {
                    if dangling.is_some() {
                        return Err(self.error_here(AFTER_CONNECTOR));
                    }
                    self.pos += 1;
                    connector = true;
                    joinable = false;
                    continue;
                }
                Tok::Sep => {
                    self.pos += 1;
                    connector = true;
                    continue;
                }
                Tok::Kw(Kw::And) => {
                    if !joinable {
                        return Err(self.error_here(BEFORE_CONNECTOR));
                    }
                    dangling = Some(self.pos);
                    self.pos += 1;
                    connector = true;
                    joinable = false;
                    continue;
                }
                _ => match self.node(connector)? {
                    Some(nodes) => out.extend(nodes.into_iter().map(Clause::Item)),
                    None if Self::is_connector(Some(tok)) => {
                        if !joinable {
                            return Err(self.error_here(BEFORE_CONNECTOR));
                        }
                        dangling = Some(self.pos);
                        self.pos += 1;
                        connector = true;
                        joinable = false;
                        continue;
                    }
                    None => return Err(self.error_here("a period, a date or a keyword")),
                },
            }
            connector = false;
            dangling = None;
            joinable = true;
        }
        if let Some(at) = dangling {
            self.pos = at;
            return Err(self.error_here(AFTER_CONNECTOR));
        }
        self.check_rhythm_limits(&out)?;
        Ok(out)
    }

    /// Dates between two rhythms could scope either ("anual 2021,
    /// trimestrial": annually in 2021, or quarterly in 2021?): refused unless
    /// the second rhythm has dates of its own after it ("anual 2021,
    /// trimestrial 2022") or a connector separates them ("anual 2021 și
    /// trimestrial").
    fn check_between_rhythms(
        &mut self,
        previous: Option<&Clause>,
        clause: &Clause,
    ) -> Result<(), DeadlineError> {
        let Some(Clause::Every {
            trailing_scopes: Some(at),
            ..
        }) = previous
        else {
            return Ok(());
        };
        let Clause::Every {
            trailing_scopes: None,
            ..
        } = clause
        else {
            return Ok(());
        };
        self.pos = *at;
        Err(self.error_here(
            "a rhythm's dates right after it on both sides (\"anual 2021, trimestrial \
             2022\") or \"și\" (and, i) before the next rhythm (\"anual 2021 și \
             trimestrial\"), as dates between two rhythms could limit either",
        ))
    }

    /// Next to a rhythm, a start or an end is a limit of that rhythm, never
    /// a deadline of its own; refuses those that cannot be read so.
    fn check_rhythm_limits(&mut self, clauses: &[Clause]) -> Result<(), DeadlineError> {
        let rhythms = clauses
            .iter()
            .filter(|c| matches!(c, Clause::Every { .. } | Clause::Periodic(_)))
            .count();
        if rhythms == 0 {
            return Ok(());
        }
        let unlimited = clauses
            .iter()
            .any(|c| matches!(c, Clause::Every { from: None, .. } | Clause::Periodic(_)));
        for clause in clauses {
            let (at, expected) = match clause {
                // "anual și începând cu 2022", "periodic, începând cu 2022".
                Clause::Since(node) => (
                    node.toks.start,
                    "a start only right before or after the calendar rhythm it \
                     limits (\"anual, începând cu 2022\"), as a start next to \
                     a rhythm is never a deadline of its own",
                ),
                // "trimestrial, până la sfârșitul anului 2021": until then, or
                // a due date? Not guessed.
                Clause::By { at, .. } => (
                    *at,
                    "a start before the end of a rhythm (\"lunar de la martie 2022 \
                     până la iunie 2022\"), as alone a \"by\" next to a rhythm may \
                     mean until that day or a due day within each period",
                ),
                // "anual, semestrial începând cu 2022": which does it limit?
                Clause::Every {
                    from: Some(node), ..
                } if unlimited => (
                    node.toks.start,
                    "a start for each rhythm of the wording (\"anual începând cu \
                     2022, semestrial începând cu 2022\"), as it is unclear which one \
                     a single start limits",
                ),
                _ => continue,
            };
            self.pos = at;
            return Err(self.error_here(expected));
        }
        Ok(())
    }

    /// A rhythm word at the current position with its scopes and start:
    /// "anual", "lunar: iulie-octombrie", "semestrial, începând cu semestrul
    /// II 2021". `from` is a start already read before it ("începând cu
    /// 2022, anual"), `before` the dates written right before it ("2021-2022,
    /// anual").
    fn rhythm(&mut self, from: Option<Node>, before: Vec<Node>) -> Result<Clause, DeadlineError> {
        let start = self.pos;
        let unit = match self.peek() {
            Some(Tok::Kw(Kw::Every(unit))) => *unit,
            Some(Tok::Kw(Kw::Permanent)) => Unit::Year,
            _ => return Err(self.error_here("a rhythm (anual, quarterly, co miesiąc …)")),
        };
        self.pos += 1;
        let span = self.span(start, self.pos);
        let after = self.scopes()?;
        let first_after = after.first().map(|node| node.toks.start);
        let from = match from {
            Some(node) => Some(node),
            None => self.rhythm_start()?,
        };
        let trailing_scopes = if from.as_ref().is_some_and(|f| f.toks.start > start) {
            None
        } else {
            first_after
        };
        let mut scopes = before;
        scopes.extend(after);
        Ok(Clause::Every {
            unit,
            span,
            scopes,
            from,
            trailing_scopes,
        })
    }

    /// "…, începând cu semestrul II 2021", "… od II kwartału 2024",
    /// "… starting from 2022", "…, până la 2022, începând cu 2021" right
    /// after a rhythm, or `None` (position unchanged).
    fn rhythm_start(&mut self) -> Result<Option<Node>, DeadlineError> {
        let save = self.pos;
        while matches!(self.peek(), Some(Tok::Sep | Tok::Dash)) {
            self.pos += 1;
        }
        match self.peek() {
            Some(Tok::Kw(Kw::From)) => self.start_node(false).map(Some),
            Some(Tok::Kw(Kw::By | Kw::End)) => {
                let at = self.pos;
                self.pos += 1;
                self.eat(Kw::End);
                let range = match self.one_node("a date or a period") {
                    Ok(node) => self.by_then_from(&node, at, false)?,
                    Err(_) => None,
                };
                if range.is_none() {
                    // A "by" alone: refused as a clause of its own.
                    self.pos = save;
                }
                Ok(range)
            }
            _ => {
                self.pos = save;
                Ok(None)
            }
        }
    }

    /// The items an `Every`/permanent clause is restricted to.
    fn scopes(&mut self) -> Result<Vec<Node>, DeadlineError> {
        let mut scopes = Vec::new();
        loop {
            let save = self.pos;
            let mut connector = false;
            while matches!(self.peek(), Some(Tok::Sep | Tok::Dash | Tok::Kw(Kw::And))) {
                self.pos += 1;
                connector = true;
            }
            match self.node(connector)? {
                Some(nodes) => scopes.extend(nodes),
                None => {
                    self.pos = save;
                    return Ok(scopes);
                }
            }
        }
    }

    /// What a start read at the current position is: the limit of the
    /// rhythm right after it ("începând cu 2022, anual"), else a deadline
    /// from that day on ("de la 1 martie 2024") or a range ("od 01.01.2024 do
    /// 30.06.2024").
    fn after_start(&mut self, node: Node) -> Result<Clause, DeadlineError> {
        let save = self.pos;
        while matches!(self.peek(), Some(Tok::Sep | Tok::Dash)) {
            self.pos += 1;
        }
        if matches!(self.peek(), Some(Tok::Kw(Kw::Every(_) | Kw::Permanent))) {
            return self.rhythm(Some(node), Vec::new());
        }
        self.pos = save;
        Ok(match node.shape {
            Shape::One(_) => Clause::Since(node),
            Shape::Range(..) => Clause::Item(node),
        })
    }

    /// FROM item (,? (TO|BY|-) END? item)? at the current position; the
    /// item may itself be a range of numbered parts ("od I do III kwartału
    /// 2024").
    fn start_node(&mut self, after_connector: bool) -> Result<Node, DeadlineError> {
        let start = self.pos;
        self.pos += 1;
        let shape = match self.one_shape("a date or a period after \"from\"")? {
            Shape::One(left) => match self.range_end()? {
                Some(right) => Shape::Range(left, right),
                None => Shape::One(left),
            },
            range => range,
        };
        Ok(Node {
            shape,
            span: self.span(start, self.pos),
            toks: start..self.pos,
            after_connector,
        })
    }

    /// The end of a range whose start was just read: "- 2022", "până la
    /// iunie 2022", "to Q3 2025", also after a comma or "și" (", până la
    /// semestrul I 2022", "și până la 30 iunie 2022"); `None` (position
    /// unchanged) if none follows.
    fn range_end(&mut self) -> Result<Option<Item>, DeadlineError> {
        let save = self.pos;
        let dash = self.peek() == Some(&Tok::Dash);
        while Self::is_connector(self.peek()) || self.peek() == Some(&Tok::Dash) {
            self.pos += 1;
        }
        if matches!(self.peek(), Some(Tok::Kw(Kw::To | Kw::By))) {
            self.pos += 1;
        } else if dash {
            self.pos = save + 1;
        } else {
            self.pos = save;
            return Ok(None);
        }
        self.eat(Kw::End);
        self.one_item("the end of the range").map(Some)
    }

    /// After "by" `node` (read from token `at`), a start: "până la 30.06.2022,
    /// începând cu 01.03.2022" is the range from the start to the end of
    /// `node`. `None` (position unchanged) if no start follows.
    fn by_then_from(
        &mut self,
        node: &Node,
        at: usize,
        after_connector: bool,
    ) -> Result<Option<Node>, DeadlineError> {
        let save = self.pos;
        while Self::is_connector(self.peek()) || self.peek() == Some(&Tok::Dash) {
            self.pos += 1;
        }
        if self.peek() != Some(&Tok::Kw(Kw::From)) {
            self.pos = save;
            return Ok(None);
        }
        let from_at = self.pos;
        let from = self.start_node(false)?;
        let (Shape::One(left), Shape::One(right)) = (from.shape, node.shape) else {
            self.pos = from_at;
            return Err(self.error_here(
                "a single date or period on each side of a range written \"by … from …\" \
                 (\"până la 30.06.2022, începând cu 01.03.2022\")",
            ));
        };
        Ok(Some(Node {
            shape: Shape::Range(left, right),
            span: self.span(at, self.pos),
            toks: at..self.pos,
            after_connector,
        }))
    }

    /// "între 1.03.2024 și 30.06.2024", "between March and June 2024".
    fn range_between_clause(&mut self, after_connector: bool) -> Result<Clause, DeadlineError> {
        let start = self.pos;
        self.pos += 1;
        let left = self.one_item("a date or a period after \"between\"")?;
        if !(Self::is_connector(self.peek()) || self.peek() == Some(&Tok::Dash)) {
            return Err(self.error_here("\"and\" (și, i) between the two ends"));
        }
        self.pos += 1;
        let right = self.one_item("the end of the range")?;
        Ok(Clause::Item(Node {
            shape: Shape::Range(left, right),
            span: self.span(start, self.pos),
            toks: start..self.pos,
            after_connector,
        }))
    }

    /// An item or a range: "2021", "iulie-octombrie 2022", "I i III kwartał 2024".
    fn node(&mut self, after_connector: bool) -> Result<Option<Vec<Node>>, DeadlineError> {
        let start = self.pos;
        let Some(shapes) = self.items()? else {
            return Ok(None);
        };
        // "iulie-octombrie", "March to June", "octombrie 2022 până la 15.12.2022".
        if let [Shape::One(left)] = shapes[..]
            && matches!(self.peek(), Some(Tok::Dash | Tok::Kw(Kw::To | Kw::By)))
        {
            self.pos += 1;
            self.eat(Kw::End);
            let right = self.one_item("the end of the range")?;
            return Ok(Some(vec![Node {
                shape: Shape::Range(left, right),
                span: self.span(start, self.pos),
                toks: start..self.pos,
                after_connector,
            }]));
        }
        let span = self.span(start, self.pos);
        Ok(Some(
            shapes
                .into_iter()
                .map(|shape| Node {
                    shape,
                    span: span.clone(),
                    toks: start..self.pos,
                    after_connector,
                })
                .collect(),
        ))
    }

    /// Exactly one node (for "by" targets).
    fn one_node(&mut self, expected: &str) -> Result<Node, DeadlineError> {
        let start = self.pos;
        match self.node(false)?.as_deref() {
            Some([node]) => Ok(node.clone()),
            Some(_) => {
                self.pos = start;
                Err(self.error_here("a single date or period"))
            }
            None => Err(self.error_here(expected)),
        }
    }

    /// Exactly one item (range ends).
    fn one_item(&mut self, expected: &str) -> Result<Item, DeadlineError> {
        let start = self.pos;
        match self.one_shape(expected)? {
            Shape::One(item) => Ok(item),
            Shape::Range(..) => {
                self.pos = start;
                Err(self.error_here("a single date or period, not a range"))
            }
        }
    }

    /// Exactly one item, or a range of numbered parts ("I-III kwartał 2022").
    fn one_shape(&mut self, expected: &str) -> Result<Shape, DeadlineError> {
        let start = self.pos;
        match self.items()?.as_deref() {
            Some(&[shape]) => Ok(shape),
            Some(_) => {
                self.pos = start;
                Err(self.error_here("a single date or period"))
            }
            None => Err(self.error_here(expected)),
        }
    }

    /// One or more items sharing a year — numbered parts may be ranges ("I-III
    /// kwartał 2022") — or `None` (position unchanged) if no item starts here.
    fn items(&mut self) -> Result<Option<Vec<Shape>>, DeadlineError> {
        let start = self.pos;
        let one = |item| Some(vec![Shape::One(item)]);
        match self.peek() {
            None => Ok(None),
            Some(Tok::Date(d)) => {
                self.pos += 1;
                Ok(one(Item::Date(*d)))
            }
            Some(Tok::Num { digits: 4, .. }) => {
                let year = self.year_at(start);
                self.pos += 1;
                Ok(year.and_then(|y| one(Item::Year(y))))
            }
            Some(Tok::Kw(Kw::Month(m))) => self.month_item(*m).map(one),
            Some(Tok::Kw(Kw::Part(kind))) => self.part_first(*kind).map(Some),
            Some(_) => {
                if let Some(date) = self.day_month()? {
                    return Ok(one(date));
                }
                self.numerals_first()
            }
        }
    }

    /// "octombrie 2022", "iulie", "March 31, 2024".
    fn month_item(&mut self, month: u32) -> Result<Item, DeadlineError> {
        let start = self.pos;
        self.pos += 1;
        if let Some(Tok::Num { value, digits }) = self.peek()
            && *digits <= 2
        {
            let day = *value;
            self.pos += 1;
            return self.date(start, month, day);
        }
        let year = self.opt_year();
        Ok(Item::Part {
            kind: PartKind::Month,
            n: month,
            year,
        })
    }

    /// "31 martie 2024", "30 czerwca 2024 r.", "1st March 2024".
    fn day_month(&mut self) -> Result<Option<Item>, DeadlineError> {
        let start = self.pos;
        let (Some(Tok::Num { value, digits }), Some(Tok::Kw(Kw::Month(month)))) =
            (self.tok(start), self.tok(start + 1))
        else {
            return Ok(None);
        };
        if *digits > 2 {
            return Ok(None);
        }
        self.pos += 2;
        self.date(start, *month, *value).map(Some)
    }

    /// Finishes a date whose day and month were read: the year must follow.
    fn date(&mut self, start: usize, month: u32, day: u32) -> Result<Item, DeadlineError> {
        let Some(year) = self.opt_year() else {
            return Err(DeadlineError::MissingYear {
                wording: self.wording.to_string(),
                item: self.text(&self.span(start, self.pos)),
            });
        };
        NaiveDate::from_ymd_opt(year, month, day)
            .map(Item::Date)
            .ok_or_else(|| DeadlineError::InvalidDate {
                wording: self.wording.to_string(),
                text: self.text(&self.span(start, self.pos)),
            })
    }

    /// "semestrul 2 2022", "trimestrul IV", "S1 2023", "semestrul I și II
    /// 2022", "trimestrele I-III 2022".
    fn part_first(&mut self, kind: PartKind) -> Result<Vec<Shape>, DeadlineError> {
        let start = self.pos;
        self.pos += 1;
        let numerals = self.numerals(false);
        if numerals.is_empty() {
            return Err(self.error_here("a number after it (1, 2, I, II, primul …)"));
        }
        let year = self.opt_year();
        self.parts(start, kind, &numerals, year)
    }

    /// "primul semestru 2021", "II kwartał 2024", "I i III kwartał 2024",
    /// "I-III kwartał 2022".
    fn numerals_first(&mut self) -> Result<Option<Vec<Shape>>, DeadlineError> {
        let start = self.pos;
        let numerals = self.numerals(true);
        let Some(Tok::Kw(Kw::Part(kind))) = self.peek().filter(|_| !numerals.is_empty()) else {
            self.pos = start;
            return Ok(None);
        };
        self.pos += 1;
        let year = self.opt_year();
        self.parts(start, *kind, &numerals, year).map(Some)
    }

    /// A list of numerals or ranges of numerals ("I-III", "I do III") joined
    /// by connectors. After a unit word (`before_unit == false`) a numeral
    /// that itself starts an item ends the list ("trimestrul 4 și 31 martie
    /// 2022", "semestrul 1 - 15 iulie 2022").
    fn numerals(&mut self, before_unit: bool) -> Vec<(Numeral, Option<Numeral>)> {
        let mut out = Vec::new();
        let Some(first) = self.numeral(self.pos) else {
            return out;
        };
        self.pos += 1;
        let last = self.numeral_range_end(before_unit);
        out.push((first, last));
        while Self::is_connector(self.peek()) {
            let Some(next) = self.numeral(self.pos + 1) else {
                break;
            };
            if !before_unit && self.starts_item_at(self.pos + 2) {
                break;
            }
            self.pos += 2;
            let last = self.numeral_range_end(before_unit);
            out.push((next, last));
        }
        out
    }

    /// The end of a range of numerals after its first one: "-III" in "I-III
    /// kwartał", "do III" in "od I do III kwartału"; `None` (position
    /// unchanged) if none follows.
    fn numeral_range_end(&mut self, before_unit: bool) -> Option<Numeral> {
        if !matches!(self.peek(), Some(Tok::Dash | Tok::Kw(Kw::To | Kw::By))) {
            return None;
        }
        let end = self.numeral(self.pos + 1)?;
        if !before_unit && self.starts_item_at(self.pos + 2) {
            return None;
        }
        self.pos += 2;
        Some(end)
    }

    /// Whether the token at `i` is a unit or a month word, so that a number
    /// before it starts an item of its own.
    fn starts_item_at(&self, i: usize) -> bool {
        matches!(self.tok(i), Some(Tok::Kw(Kw::Part(_) | Kw::Month(_))))
    }

    fn parts(
        &self,
        start: usize,
        kind: PartKind,
        numerals: &[(Numeral, Option<Numeral>)],
        year: Option<i32>,
    ) -> Result<Vec<Shape>, DeadlineError> {
        let max = kind.per_year();
        let text = || self.text(&self.span(start, self.pos));
        let number = |numeral: Numeral| {
            let n = match numeral {
                Numeral::Nth(n) => n,
                Numeral::Last => max,
            };
            if n == 0 || n > max {
                return Err(DeadlineError::OutOfRange {
                    wording: self.wording.to_string(),
                    item: text(),
                    what: kind.name().to_string(),
                    max,
                });
            }
            Ok(Item::Part { kind, n, year })
        };
        numerals
            .iter()
            .map(|&(first, last)| {
                let a = number(first)?;
                let Some(last) = last else {
                    return Ok(Shape::One(a));
                };
                let b = number(last)?;
                match a.months().0.cmp(&b.months().0) {
                    std::cmp::Ordering::Less => Ok(Shape::Range(a, b)),
                    std::cmp::Ordering::Equal => Ok(Shape::One(a)),
                    // "III-I kwartał": the numbers share a year.
                    std::cmp::Ordering::Greater => Err(DeadlineError::ReversedRange {
                        wording: self.wording.to_string(),
                        item: text(),
                    }),
                }
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Years and lowering to specs

/// Gives years to yearless nodes of one run of consecutive items.
fn resolve_run(nodes: Vec<Node>) -> Vec<Node> {
    let mut nodes: Vec<Node> = nodes
        .into_iter()
        .map(|mut n| {
            n.resolve_range();
            n
        })
        .collect();

    // A year written right before yearless items: "2024: I kwartał, III kwartał".
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    let mut i = 0;
    while i < nodes.len() {
        let lends = match (&nodes[i].shape, nodes.get(i + 1)) {
            (Shape::One(Item::Year(y)), Some(next))
                if !next.has_year()
                    && !next.after_connector
                    && next.toks.start == nodes[i].toks.end =>
            {
                Some(*y)
            }
            _ => None,
        };
        match lends {
            Some(y) => {
                let mut j = i + 1;
                while let Some(n) = nodes.get_mut(j).filter(|n| !n.has_year()) {
                    n.set_year(y);
                    j += 1;
                }
                i += 1; // the year itself was only a qualifier
            }
            None => {
                out.push(nodes[i].clone());
                i += 1;
            }
        }
    }
    nodes = out;

    // The next dated part lends its year backwards: "I i III kwartał 2024".
    let mut next_year: Option<i32> = None;
    for node in nodes.iter_mut().rev() {
        if node.has_year() {
            next_year = node.year_to_lend();
        } else if let Some(y) = next_year {
            node.set_year(y);
        }
    }
    nodes
}

/// Resolves years of a list of runs and checks that yearless windows are not
/// mixed with dated items.
/// `dated_elsewhere`: another part of the wording has a year.
fn resolve(
    wording: &str,
    runs: Vec<Vec<Node>>,
    dated_elsewhere: bool,
) -> Result<Vec<Node>, DeadlineError> {
    let nodes: Vec<Node> = runs.into_iter().flat_map(resolve_run).collect();
    let any_dated = dated_elsewhere || nodes.iter().any(Node::has_year);
    if any_dated && let Some(yearless) = nodes.iter().find(|n| !n.has_year()) {
        return Err(missing_year(wording, yearless));
    }
    Ok(nodes)
}

fn missing_year(wording: &str, node: &Node) -> DeadlineError {
    DeadlineError::MissingYear {
        wording: wording.to_string(),
        item: wording
            .get(node.span.clone())
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

fn node_text(wording: &str, node: &Node) -> String {
    wording
        .get(node.span.clone())
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The spec of one resolved node.
fn node_spec(wording: &str, node: &Node) -> Result<Spec, DeadlineError> {
    let reversed = || DeadlineError::ReversedRange {
        wording: wording.to_string(),
        item: node_text(wording, node),
    };
    match node.shape {
        Shape::One(Item::Year(y)) => Ok(Spec::Year(y)),
        Shape::One(Item::Date(d)) => Ok(Spec::Date(d)),
        Shape::One(Item::Part { kind, n, year }) => Ok(match (kind, year) {
            (_, None) => {
                let (first, last) = part_months(kind, n);
                Spec::Window(MonthWindow { first, last })
            }
            (PartKind::Half, Some(year)) => Spec::Half { year, n },
            (PartKind::Quarter, Some(year)) => Spec::Quarter { year, n },
            (PartKind::Month, Some(year)) => Spec::Month { year, month: n },
        }),
        Shape::Range(a, b) => match (a.bounds(), b.bounds()) {
            (Some((start, _)), Some((_, end))) => {
                if start > end {
                    return Err(reversed());
                }
                Ok(match (a, b) {
                    (Item::Year(x), Item::Year(y)) => Spec::YearRange(x, y),
                    (
                        Item::Part {
                            kind: PartKind::Month,
                            n: m1,
                            year: Some(y1),
                        },
                        Item::Part {
                            kind: PartKind::Month,
                            n: m2,
                            year: Some(y2),
                        },
                    ) => Spec::MonthRange {
                        from: (y1, m1),
                        to: (y2, m2),
                    },
                    _ => Spec::DateRange(start, end),
                })
            }
            (None, None) if a.is_part() && b.is_part() => Ok(Spec::Window(MonthWindow {
                first: a.months().0,
                last: b.months().1,
            })),
            _ => Err(missing_year(wording, node)),
        },
    }
}

/// A node that must be dated ("by" and "from" targets): its bounds.
fn dated_bounds(wording: &str, mut node: Node) -> Result<(NaiveDate, NaiveDate), DeadlineError> {
    node.resolve_range();
    let spec = node_spec(wording, &node)?;
    spec.bounds().ok_or_else(|| missing_year(wording, &node))
}

/// The start (and end) a "from" node sets to a rhythm.
fn bound(wording: &str, node: Node) -> Result<Bound, DeadlineError> {
    let ranged = matches!(node.shape, Shape::Range(..));
    let (since, until) = dated_bounds(wording, node)?;
    Ok(Bound {
        since,
        until: ranged.then_some(until),
    })
}

/// Turns clauses into located specs.
fn lower(wording: &str, clauses: Vec<Clause>) -> Result<Vec<Located>, DeadlineError> {
    // Plain items, grouped in runs of consecutive item clauses.
    let mut runs: Vec<Vec<Node>> = Vec::new();
    let mut others: Vec<Clause> = Vec::new();
    let mut current: Vec<Node> = Vec::new();
    for clause in clauses {
        match clause {
            Clause::Item(node) => current.push(node),
            other => {
                if !current.is_empty() {
                    runs.push(std::mem::take(&mut current));
                }
                others.push(other);
            }
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }

    // "by"/"from" targets always carry a year, and so may the scope of a
    // rhythm ("trimestrial 2022"): a yearless item next to them is ambiguous.
    let dated_elsewhere = others.iter().any(|clause| match clause {
        Clause::By { .. } | Clause::Since(_) => true,
        Clause::Every { scopes, from, .. } => from.is_some() || scopes.iter().any(Node::has_year),
        Clause::Item(_) | Clause::Periodic(_) => false,
    });
    let mut out = Vec::new();
    for node in resolve(wording, runs, dated_elsewhere)? {
        out.push(Located {
            spec: node_spec(wording, &node)?,
            text: node_text(wording, &node),
        });
    }
    for clause in others {
        match clause {
            Clause::Every {
                unit,
                span,
                scopes,
                from,
                ..
            } => {
                let label = wording.get(span).unwrap_or_default().trim().to_string();
                let (from, from_text) = match from {
                    Some(node) => {
                        let text = format!(" {}", node_text(wording, &node));
                        (Some(bound(wording, node)?), text)
                    }
                    None => (None, String::new()),
                };
                if scopes.is_empty() {
                    out.push(Located {
                        spec: Spec::Every {
                            unit,
                            within: None,
                            from,
                        },
                        text: format!("{label}{from_text}"),
                    });
                }
                for node in resolve(wording, vec![scopes], false)? {
                    let within = match node_spec(wording, &node)? {
                        Spec::Window(w) => Scope::Window(w),
                        spec => match spec.bounds() {
                            Some((a, b)) => Scope::Fixed(a, b),
                            None => return Err(missing_year(wording, &node)),
                        },
                    };
                    out.push(Located {
                        spec: Spec::Every {
                            unit,
                            within: Some(within),
                            from,
                        },
                        text: format!("{label} {}{from_text}", node_text(wording, &node)),
                    });
                }
            }
            Clause::By { node, .. } => {
                let text = node_text(wording, &node);
                let (_, end) = dated_bounds(wording, node)?;
                out.push(Located {
                    spec: Spec::By(end),
                    text,
                });
            }
            Clause::Since(node) => {
                let text = node_text(wording, &node);
                let (start, _) = dated_bounds(wording, node)?;
                out.push(Located {
                    spec: Spec::Since(start),
                    text,
                });
            }
            Clause::Periodic(span) => out.push(Located {
                spec: Spec::Periodic,
                text: wording.get(span).unwrap_or_default().trim().to_string(),
            }),
            Clause::Item(_) => {}
        }
    }
    Ok(out)
}
