//! Text folding for matching what people type: case, diacritics and spacing do not matter; and
//! the bound on the length of what people write.

/// Refuses `text` longer than `max` characters: a `Validation` error on `field` saying the limit.
pub fn at_most(
    field: impl Into<String>,
    what: &str,
    text: &str,
    max: usize,
) -> Result<(), crate::error::Error> {
    let length = text.chars().count();
    if length > max {
        return Err(crate::error::Error::validation(
            field,
            format!("{what} has at most {max} characters, not {length}"),
        ));
    }
    Ok(())
}

/// Lowercases, folds Romanian and Polish diacritics (both ş/ș and ţ/ț forms) to ASCII, and
/// collapses runs of whitespace into one space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            out.push(match c {
                'ă' | 'â' | 'ą' | 'á' | 'à' | 'ä' => 'a',
                'î' | 'í' => 'i',
                'ș' | 'ş' | 'ś' | 'š' => 's',
                'ț' | 'ţ' => 't',
                'ć' | 'č' => 'c',
                'ę' | 'é' | 'è' | 'ë' => 'e',
                'ł' => 'l',
                'ń' => 'n',
                'ó' | 'ö' => 'o',
                'ź' | 'ż' | 'ž' => 'z',
                'ü' | 'ú' => 'u',
                other => other,
            });
        }
    }
    out
}

/// The edit distance between two strings, counted in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Longer text gets no "did you mean": it is no typing slip.
const MAX_GUESSED_CHARS: usize = 200;

/// The writing of `text` in a message: at most 80 characters, with `…` where it was cut.
pub fn quoted(text: &str) -> String {
    const SHOWN: usize = 80;
    if text.chars().count() <= SHOWN {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(SHOWN).collect::<String>())
    }
}

/// The candidate closest to `wanted` if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Nothing people type by mistake is this long, and the distance costs its length squared.
    if wanted.chars().count() > MAX_GUESSED_CHARS {
        return None;
    }
    let wanted = fold(wanted);
    candidates
        .into_iter()
        .map(|c| (distance(&wanted, &fold(c)), c))
        .filter(|(d, c)| *d > 0 && *d <= 2.max(c.chars().count() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_gets_no_guess_and_is_cut_in_messages() {
        let long = "A".repeat(100_000);
        assert_eq!(did_you_mean(&long, ["AAAA"]), None);
        assert_eq!(did_you_mean("ANTIP", ["ANITP"]), Some("ANITP"));
        assert_eq!(quoted(&long).chars().count(), 81);
        assert_eq!(quoted("IGPR"), "IGPR");
    }

    #[test]
    fn folding() {
        assert_eq!(fold("  Instituţii   de\nStat "), "institutii de stat");
        assert_eq!(fold("Instituții de stat"), "institutii de stat");
        assert_eq!(
            fold("Spółdzielnia Mieszkaniowa"),
            "spoldzielnia mieszkaniowa"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(distance("ANTIP", "ANITP"), 2);
        assert_eq!(
            did_you_mean("ANTIP", ["ANITP", "IGPR", "ME"]),
            Some("ANITP")
        );
        assert_eq!(did_you_mean("XYZW", ["ANITP", "IGPR"]), None);
    }
}
