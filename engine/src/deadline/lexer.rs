//! Tokenizer: turns a wording into numbers, dates, dashes, separators,
//! keywords and (unrecognised) words, each with its byte span in the original
//! wording so that errors can quote it.
//!
//! Steps: split the folded text into raw tokens; glue numbers into dates
//! ("15.09.2024", "15/09/2024", "2024-03-31") and drop ordinal suffixes
//! ("1st", "II-lea"); drop punctuation; match phrases and keywords; check
//! that every filler word stands where it belongs, then drop them.

use std::ops::Range;

use chrono::NaiveDate;

use super::DeadlineError;
use super::lexicon::{self, Kw, Near, Place};

/// A token of the grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    /// A run of ASCII digits; `digits` is its length ("09" has 2).
    Num {
        value: u32,
        digits: usize,
    },
    Date(NaiveDate),
    Dash,
    /// ",", ";", "/", "+", "&".
    Sep,
    Kw(Kw),
    /// Anything else, folded: a Roman numeral, Polish "i", or an unknown word.
    Word(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub(super) tok: Tok,
    /// Byte range in the original wording.
    pub(super) span: Range<usize>,
}

/// Raw tokens before dates and keywords are recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Raw {
    Num { value: u32, digits: usize },
    Word(String),
    Dash,
    Dot,
    Slash,
    Sep,
}

#[derive(Debug, Clone)]
struct RawToken {
    raw: Raw,
    span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    /// Punctuation that only separates words: ":", "(", quotes, bullets …
    Ignore,
    /// Combining marks, soft hyphens, zero-width joiners: part of the word, dropped.
    Invisible,
    Letter,
    Digit,
    Dash,
    Dot,
    Slash,
    Sep,
    Other,
}

fn classify(c: char) -> Class {
    match c {
        '\u{0300}'..='\u{036f}' | '\u{00ad}' | '\u{200c}' | '\u{200d}' | '\u{feff}' => {
            Class::Invisible
        }
        '\u{200b}' => Class::Space,
        c if c.is_whitespace() => Class::Space,
        c if c.is_ascii_digit() => Class::Digit,
        c if c.is_alphabetic() => Class::Letter,
        '-' => Class::Dash,
        '.' => Class::Dot,
        '/' => Class::Slash,
        ',' | ';' | '+' | '&' => Class::Sep,
        ':' | '(' | ')' | '[' | ']' | '{' | '}' | '"' | '\'' | '„' | '“' | '”' | '‘' | '’'
        | '‚' | '«' | '»' | '!' | '?' | '•' | '·' | '*' | '…' => Class::Ignore,
        _ => Class::Other,
    }
}

/// A run of letters or digits being read.
struct Run {
    class: Class,
    text: String,
    start: usize,
}

impl Run {
    fn finish(self, end: usize) -> RawToken {
        let raw = if self.class == Class::Digit {
            number(&self.text)
        } else {
            Raw::Word(self.text)
        };
        RawToken {
            raw,
            span: self.start..end,
        }
    }
}

/// Splits the wording into raw tokens. Letters and digits form runs; an
/// invisible character continues the current run and is dropped.
fn raw_tokens(wording: &str) -> Vec<RawToken> {
    let mut out: Vec<RawToken> = Vec::new();
    let mut run: Option<Run> = None;
    for (i, c) in wording.char_indices() {
        let folded = lexicon::fold(c);
        let class = classify(folded);
        match class {
            Class::Invisible => {}
            Class::Letter | Class::Digit => match &mut run {
                Some(r) if r.class == class => r.text.push(folded),
                _ => {
                    out.extend(run.take().map(|r| r.finish(i)));
                    run = Some(Run {
                        class,
                        text: folded.to_string(),
                        start: i,
                    });
                }
            },
            _ => {
                out.extend(run.take().map(|r| r.finish(i)));
                let raw = match class {
                    Class::Dash => Raw::Dash,
                    Class::Dot => Raw::Dot,
                    Class::Slash => Raw::Slash,
                    Class::Sep => Raw::Sep,
                    Class::Other => Raw::Word(folded.to_string()),
                    _ => continue,
                };
                out.push(RawToken {
                    raw,
                    span: i..i + c.len_utf8(),
                });
            }
        }
    }
    out.extend(run.take().map(|r| r.finish(wording.len())));
    out
}

fn number(text: &str) -> Raw {
    Raw::Num {
        value: text.parse().unwrap_or(u32::MAX),
        digits: text.len(),
    }
}

fn adjacent(a: &RawToken, b: &RawToken) -> bool {
    a.span.end == b.span.start
}

/// The tokens of a wording, fillers removed.
#[derive(Debug, Clone)]
pub(super) struct Lexed {
    pub(super) tokens: Vec<Token>,
    /// The first filler word standing where it does not belong, as the
    /// error naming it. The caller reports it unless the grammar finds a
    /// word it cannot read before it.
    pub(super) misplaced: Option<DeadlineError>,
}

/// Tokenizes `wording` into grammar tokens.
pub(super) fn tokenize(wording: &str) -> Result<Lexed, DeadlineError> {
    let raw = raw_tokens(wording);
    let glued = glue(wording, &raw)?;
    let lexemes = keywords(&glued);
    // Nothing but fillers: an empty wording, said so by the caller.
    let misplaced = if lexemes.iter().any(|l| matches!(l, Lexeme::Tok(_))) {
        misplaced_filler(wording, &lexemes)
    } else {
        None
    };
    let tokens = lexemes
        .into_iter()
        .filter_map(|l| match l {
            Lexeme::Tok(t) => Some(t),
            Lexeme::Filler { .. } => None,
        })
        .collect();
    Ok(Lexed { tokens, misplaced })
}

/// A token, or a filler word still in its place.
#[derive(Debug, Clone)]
enum Lexeme {
    Tok(Token),
    Filler {
        word: &'static str,
        place: Place,
        span: Range<usize>,
    },
}

impl Lexeme {
    /// Whether this lexeme is what `near` describes.
    fn is(&self, near: Near) -> bool {
        let tok = match self {
            Lexeme::Filler { word, .. } => return near == Near::Filler(word),
            Lexeme::Tok(t) => &t.tok,
        };
        match near {
            Near::Year => matches!(tok, Tok::Num { digits: 4, .. }),
            Near::Date => matches!(tok, Tok::Date(_)),
            Near::Number => matches!(tok, Tok::Num { digits, .. } if *digits <= 2),
            Near::Month => matches!(tok, Tok::Kw(Kw::Month(_))),
            Near::Part => matches!(tok, Tok::Kw(Kw::Part(_))),
            Near::Ordinal => match tok {
                Tok::Kw(Kw::Ordinal(_) | Kw::Last) => true,
                Tok::Word(w) => lexicon::roman(w).is_some(),
                _ => false,
            },
            Near::End => matches!(tok, Tok::Kw(Kw::End)),
            Near::Permanent => matches!(tok, Tok::Kw(Kw::Permanent)),
            Near::Days => matches!(tok, Tok::Kw(Kw::Days(_))),
            Near::Event => matches!(tok, Tok::Kw(Kw::Event(_))),
            Near::Filler(_) => false,
        }
    }
}

/// The error for the first filler word that does not stand where it
/// belongs: right before what it introduces ("anul 2021", "al doilea", "of
/// 2021"), or right after what it qualifies ("2024 r.").
fn misplaced_filler(wording: &str, lexemes: &[Lexeme]) -> Option<DeadlineError> {
    lexemes.iter().enumerate().find_map(|(i, lexeme)| {
        let Lexeme::Filler { place, span, .. } = lexeme else {
            return None;
        };
        let next = lexemes.get(i + 1);
        // Before a word outside the vocabulary ("în perioada 2021-2022"),
        // that word is the one to name.
        if let Some(Lexeme::Tok(Token {
            tok: Tok::Word(w), ..
        })) = next
            && lexicon::roman(w).is_none()
        {
            return None;
        }
        let prev = i.checked_sub(1).and_then(|p| lexemes.get(p));
        let introduces = next.is_some_and(|n| place.before.iter().any(|&near| n.is(near)));
        let qualifies = prev.is_some_and(|p| place.after.iter().any(|&near| p.is(near)));
        (!(introduces || qualifies))
            .then(|| DeadlineError::unexpected_at(wording, span.clone(), place.expected))
    })
}

/// An intermediate token: grammar token, or a word still to be looked up.
#[derive(Debug, Clone)]
enum Glued {
    Tok(Tok),
    Word(String),
}

/// Recognises dates and drops ordinal suffixes and dots.
fn glue(wording: &str, raw: &[RawToken]) -> Result<Vec<(Glued, Range<usize>)>, DeadlineError> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(t) = raw.get(i) {
        if let Some((date, used)) = date_at(wording, raw, i)? {
            let end = raw.get(i + used - 1).map_or(t.span.end, |l| l.span.end);
            out.push((Glued::Tok(Tok::Date(date)), t.span.start..end));
            i += used;
            continue;
        }
        let next = raw.get(i + 1);
        match &t.raw {
            Raw::Num { value, digits } => {
                let mut span = t.span.clone();
                let mut used = 1;
                // "1st", "2nd", "3rd", "4th"
                if let Some(n) = next.filter(|n| adjacent(t, n))
                    && matches!(&n.raw, Raw::Word(w) if lexicon::is_ordinal_suffix(w))
                {
                    span.end = n.span.end;
                    used = 2;
                }
                used += romanian_suffix(raw, i + used - 1);
                if let Some(last) = raw.get(i + used - 1) {
                    span.end = last.span.end;
                }
                out.push((
                    Glued::Tok(Tok::Num {
                        value: *value,
                        digits: *digits,
                    }),
                    span,
                ));
                i += used;
            }
            Raw::Word(w) => {
                let mut span = t.span.clone();
                let mut used = 1;
                if lexicon::roman(w).is_some() {
                    used += romanian_suffix(raw, i);
                    if let Some(last) = raw.get(i + used - 1) {
                        span.end = last.span.end;
                    }
                }
                out.push((Glued::Word(w.clone()), span));
                i += used;
            }
            Raw::Dash => {
                out.push((Glued::Tok(Tok::Dash), t.span.clone()));
                i += 1;
            }
            Raw::Slash | Raw::Sep => {
                out.push((Glued::Tok(Tok::Sep), t.span.clone()));
                i += 1;
            }
            Raw::Dot => i += 1,
        }
    }
    Ok(out)
}

/// "II-lea", "2-a": returns how many raw tokens after `at` form the suffix (0 or 2).
fn romanian_suffix(raw: &[RawToken], at: usize) -> usize {
    match (raw.get(at), raw.get(at + 1), raw.get(at + 2)) {
        (Some(a), Some(dash), Some(word))
            if dash.raw == Raw::Dash
                && adjacent(a, dash)
                && adjacent(dash, word)
                && matches!(&word.raw, Raw::Word(w) if lexicon::is_romanian_ordinal_suffix(w)) =>
        {
            2
        }
        _ => 0,
    }
}

/// A date written with digits at `i`: "15.09.2024", "15/09/2024",
/// "15-09-2024", "2024-03-31", "2024.03.31". Returns the date and the number
/// of raw tokens it used. The five tokens must touch each other.
fn date_at(
    wording: &str,
    raw: &[RawToken],
    i: usize,
) -> Result<Option<(NaiveDate, usize)>, DeadlineError> {
    let Some(window) = raw.get(i..i + 5) else {
        return Ok(None);
    };
    let [a, s1, b, s2, c] = window else {
        return Ok(None);
    };
    if !(adjacent(a, s1) && adjacent(s1, b) && adjacent(b, s2) && adjacent(s2, c)) {
        return Ok(None);
    }
    let separator = |t: &RawToken| matches!(t.raw, Raw::Dot | Raw::Slash | Raw::Dash);
    if !separator(s1) || s1.raw != s2.raw {
        return Ok(None);
    }
    let (
        Raw::Num {
            value: va,
            digits: da,
        },
        Raw::Num {
            value: vb,
            digits: db,
        },
        Raw::Num {
            value: vc,
            digits: dc,
        },
    ) = (&a.raw, &b.raw, &c.raw)
    else {
        return Ok(None);
    };
    let (year, month, day) = if *da <= 2 && *db <= 2 && *dc == 4 {
        (*vc, *vb, *va)
    } else if *da == 4 && *db <= 2 && *dc <= 2 {
        (*va, *vb, *vc)
    } else {
        return Ok(None);
    };
    let text = &wording[a.span.start..c.span.end];
    let year = i32::try_from(year).map_err(|_| invalid_date(wording, text))?;
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => Ok(Some((date, 5))),
        None => Err(invalid_date(wording, text)),
    }
}

fn invalid_date(wording: &str, text: &str) -> DeadlineError {
    DeadlineError::InvalidDate {
        wording: wording.to_string(),
        text: text.to_string(),
    }
}

/// Matches phrases (longest first) and single keywords; marks fillers.
fn keywords(glued: &[(Glued, Range<usize>)]) -> Vec<Lexeme> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some((g, span)) = glued.get(i) {
        match g {
            Glued::Tok(tok) => {
                out.push(Lexeme::Tok(Token {
                    tok: tok.clone(),
                    span: span.clone(),
                }));
                i += 1;
            }
            Glued::Word(word) => {
                if let Some((kw, used)) = phrase_at(glued, i) {
                    let end = glued.get(i + used - 1).map_or(span.end, |(_, s)| s.end);
                    out.push(Lexeme::Tok(Token {
                        tok: Tok::Kw(kw),
                        span: span.start..end,
                    }));
                    i += used;
                    continue;
                }
                if let Some(kw) = lexicon::keyword(word) {
                    out.push(Lexeme::Tok(Token {
                        tok: Tok::Kw(kw),
                        span: span.clone(),
                    }));
                } else if let Some((word, place)) = lexicon::filler(word) {
                    out.push(Lexeme::Filler {
                        word,
                        place,
                        span: span.clone(),
                    });
                } else {
                    out.push(Lexeme::Tok(Token {
                        tok: Tok::Word(word.clone()),
                        span: span.clone(),
                    }));
                }
                i += 1;
            }
        }
    }
    out
}

/// The longest phrase starting at `i`, with the number of tokens it covers.
fn phrase_at(glued: &[(Glued, Range<usize>)], i: usize) -> Option<(Kw, usize)> {
    let text_at = |k: usize| -> Option<&str> {
        match glued.get(k) {
            Some((Glued::Word(w), _)) => Some(w.as_str()),
            Some((Glued::Tok(Tok::Dash), _)) => Some("-"),
            _ => None,
        }
    };
    lexicon::PHRASES
        .iter()
        .filter(|(words, _)| {
            words
                .iter()
                .enumerate()
                .all(|(k, w)| text_at(i + k) == Some(*w))
        })
        .max_by_key(|(words, _)| words.len())
        .map(|(words, kw)| (*kw, words.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s)
            .map(|v| v.tokens.into_iter().map(|t| t.tok).collect())
            .unwrap_or_default()
    }

    #[test]
    fn dates_are_kept_whole() {
        let d = |y, m, dd| Tok::Date(NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default());
        assert_eq!(toks("15.09.2024"), vec![d(2024, 9, 15)]);
        assert_eq!(toks("15/09/2024"), vec![d(2024, 9, 15)]);
        assert_eq!(toks("2024-03-31"), vec![d(2024, 3, 31)]);
        assert_eq!(toks("1.1.2024."), vec![d(2024, 1, 1)]);
    }

    #[test]
    fn year_range_is_not_a_date() {
        assert_eq!(
            toks("2021-2022"),
            vec![
                Tok::Num {
                    value: 2021,
                    digits: 4
                },
                Tok::Dash,
                Tok::Num {
                    value: 2022,
                    digits: 4
                }
            ]
        );
    }

    #[test]
    fn spans_point_into_the_original() {
        let s = "până la ȘȘȘ";
        let t = tokenize(s).map(|l| l.tokens).unwrap_or_default();
        assert_eq!(t.len(), 2);
        assert_eq!(&s[t[1].span.clone()], "ȘȘȘ");
    }

    #[test]
    fn combining_marks_are_ignored() {
        // "până" written with a combining breve and circumflex.
        assert_eq!(toks("pa\u{0302}na\u{0306} la"), vec![Tok::Kw(Kw::By)]);
    }
}
