//! Words as search sees them: text split into lowercased, accent-folded terms, and a query's
//! words.
//!
//! CJK (Han and kana) has no spaces, so every such character starts a token: the pair it makes
//! with the next character of its run, or itself at the end of a run. Pairs keep queries precise
//! ("東京" does not match 東 and 京 far apart); the end-of-run tokens let a one-character query find
//! every occurrence. That is one token per character, as unigrams would be. Hangul is spaced and
//! is split like Latin; Thai and other unspaced scripts match from the start of a run only.

use std::ops::Range;

/// Longer words are indexed and queried by their first bytes, so hashes and base64 cost little.
pub(super) const MAX_TERM_BYTES: usize = 48;
/// Query words after these are ignored: bounds the work per keystroke.
pub(super) const MAX_QUERY_WORDS: usize = 12;

/// A folded query word; all are matched as prefixes.
#[derive(Debug)]
pub(super) struct QueryWord {
    pub(super) text: String,
    /// A lone CJK character: within a matching pair, only the first character is highlighted.
    pub(super) cjk_char: bool,
}

pub(super) fn query_words(query: &str) -> Vec<QueryWord> {
    let mut words: Vec<QueryWord> = Vec::new();
    let mut buf = String::new();
    tokenize(query, &mut buf, |term, _, piece| {
        // A run's last character is already in its last pair.
        if piece == Piece::Tail
            || words.len() >= MAX_QUERY_WORDS
            || words.iter().any(|w| w.text == term)
        {
            return;
        }
        words.push(QueryWord {
            text: term.to_string(),
            cjk_char: piece == Piece::Single,
        });
    });
    words
}

/// What a token is. CJK runs have no spaces, so every character of a run starts a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Piece {
    Word,
    /// Two neighbouring CJK characters.
    Pair,
    /// A CJK character alone between non-CJK text.
    Single,
    /// The last character of a longer CJK run, so one-character queries find it.
    Tail,
}

/// Splits text into folded terms with their byte ranges in `text`. `buf` is scratch space.
pub(super) fn tokenize(
    text: &str,
    buf: &mut String,
    mut emit: impl FnMut(&str, Range<usize>, Piece),
) {
    let bytes = text.as_bytes();
    let mut word: Option<Range<usize>> = None;
    // The previous character of a CJK run, its range, and whether it had a predecessor.
    let mut cjk: Option<(char, Range<usize>, bool)> = None;
    let mut pair = String::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            // ASCII, most text: whole runs at once.
            let run = bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if run == 0 {
                end_word(&mut word, buf, &mut emit);
                end_cjk(&mut cjk, &mut emit);
                i += 1;
                continue;
            }
            end_cjk(&mut cjk, &mut emit);
            match &mut word {
                Some(range) => range.end = i + run,
                None => {
                    buf.clear();
                    word = Some(i..i + run);
                }
            }
            let from = buf.len();
            buf.push_str(text.get(i..i + run).unwrap_or_default());
            if let Some(added) = buf.get_mut(from..) {
                added.make_ascii_lowercase();
            }
            i += run;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let end = i + c.len_utf8();
        let alphanumeric = c.is_alphanumeric();
        if alphanumeric && is_cjk(c) {
            end_word(&mut word, buf, &mut emit);
            let had_prev = match cjk.take() {
                Some((p, range, _)) => {
                    pair.clear();
                    pair.push(p);
                    pair.push(c);
                    emit(&pair, range.start..end, Piece::Pair);
                    true
                }
                None => false,
            };
            cjk = Some((c, i..end, had_prev));
        } else {
            end_cjk(&mut cjk, &mut emit);
            if alphanumeric || (word.is_some() && joins_word(c)) {
                match &mut word {
                    Some(range) => range.end = end,
                    None => {
                        buf.clear();
                        word = Some(i..end);
                    }
                }
                fold_into(c, buf);
            } else {
                end_word(&mut word, buf, &mut emit);
            }
        }
        i = end;
    }
    end_word(&mut word, buf, &mut emit);
    end_cjk(&mut cjk, &mut emit);
}

fn end_word(
    word: &mut Option<Range<usize>>,
    buf: &str,
    emit: &mut impl FnMut(&str, Range<usize>, Piece),
) {
    let Some(range) = word.take() else {
        return;
    };
    let mut cut = buf.len().min(MAX_TERM_BYTES);
    while !buf.is_char_boundary(cut) {
        cut -= 1;
    }
    if let Some(term) = buf.get(..cut).filter(|t| !t.is_empty()) {
        emit(term, range, Piece::Word);
    }
}

fn end_cjk(
    cjk: &mut Option<(char, Range<usize>, bool)>,
    emit: &mut impl FnMut(&str, Range<usize>, Piece),
) {
    if let Some((c, range, had_prev)) = cjk.take() {
        let mut bytes = [0u8; 4];
        let piece = if had_prev { Piece::Tail } else { Piece::Single };
        emit(c.encode_utf8(&mut bytes), range, piece);
    }
}

/// Han ideographs and kana (Hangul is spaced, so it is not here).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007 | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x3FFFF)
}

/// Characters that are not letters but belong to the word they follow: combining marks and
/// joiners (dropped by folding), and the viramas, tone marks and signs of Brahmic scripts.
fn joins_word(c: char) -> bool {
    is_dropped_mark(c)
        || (matches!(c as u32, 0x0900..=0x0FFF | 0x1000..=0x109F | 0x1780..=0x17FF)
            && !c.is_whitespace()
            && !matches!(c as u32,
                0x0964 | 0x0965 | 0x0970 | 0x0DF4 | 0x0E3F | 0x0E4F | 0x0E5A | 0x0E5B
                | 0x0F04..=0x0F14 | 0x0F3A..=0x0F3D | 0x104A..=0x104F | 0x17D4..=0x17DA))
}

/// Marks that search ignores: Latin, Greek and Cyrillic combining accents, Hebrew points,
/// Arabic vowel marks, variation selectors and zero-width joiners.
fn is_dropped_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x05BF | 0x05C1 | 0x05C2 | 0x05C4
        | 0x05C5 | 0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF | 0x200C | 0x200D | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F)
}

/// Base letters of U+00C0..=U+00FF and U+0100..=U+017F; '.' where the table does not apply
/// (× ÷, and the letters folded to two).
const LATIN_1: &[u8; 64] = b"aaaaaa.ceeeeiiiidnooooo.ouuuuy..aaaaaa.ceeeeiiiidnooooo.ouuuuy.y";
const LATIN_EXT_A: &[u8; 128] = b"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii..jjkkkllllllllllnnnnnnnnnoooooo..rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/// Appends `c` lowercased and without accents.
pub(super) fn fold_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        c.to_lowercase().for_each(|l| fold_lower(l, out));
    }
}

fn fold_lower(c: char, out: &mut String) {
    let u = c as u32;
    let table = |t: &[u8], at: u32| t.get(at as usize).copied().filter(|&b| b != b'.');
    let base = match u {
        0xC6 | 0xE6 => return out.push_str("ae"),
        0xDE | 0xFE => return out.push_str("th"),
        0xDF => return out.push_str("ss"),
        0x132 | 0x133 => return out.push_str("ij"),
        0x152 | 0x153 => return out.push_str("oe"),
        0xC0..=0xFF => table(LATIN_1, u - 0xC0).map(char::from),
        0x100..=0x17F => table(LATIN_EXT_A, u - 0x100).map(char::from),
        0x1A0 | 0x1A1 | 0x1D1 | 0x1D2 | 0x1ECC..=0x1EE3 => Some('o'),
        0x1AF | 0x1B0 | 0x1D3..=0x1DC | 0x1EE4..=0x1EF1 => Some('u'),
        0x1CD | 0x1CE | 0x1EA0..=0x1EB7 => Some('a'),
        0x1CF | 0x1D0 | 0x1EC8..=0x1ECB => Some('i'),
        0x1EB8..=0x1EC7 => Some('e'),
        0x1EF2..=0x1EF9 => Some('y'),
        0x218 | 0x219 => Some('s'),
        0x21A | 0x21B => Some('t'),
        0x3AC => Some('α'),
        0x3AD => Some('ε'),
        0x3AE => Some('η'),
        0x3AF | 0x3CA | 0x390 => Some('ι'),
        0x3CC => Some('ο'),
        0x3CD | 0x3CB | 0x3B0 => Some('υ'),
        0x3CE => Some('ω'),
        0x3C2 => Some('σ'),
        0x451 => Some('е'),
        // Fullwidth digits and letters, as Japanese input often types them.
        0xFF10..=0xFF19 | 0xFF41..=0xFF5A => char::from_u32(u - 0xFEE0),
        _ if is_dropped_mark(c) => return,
        _ => None,
    };
    out.push(base.unwrap_or(c));
}

#[cfg(test)]
mod tests {
    use super::super::tests::terms;
    use super::*;

    #[test]
    fn words_are_lowercased_and_folded() {
        assert_eq!(
            terms("Crème BRÛLÉE, Straße & naïve ÆSIR; Łódź İstanbul"),
            ["creme", "brulee", "strasse", "naive", "aesir", "lodz", "istanbul"]
        );
        // Decomposed accents fold like precomposed ones.
        assert_eq!(terms("e\u{301}cole ÉCOLE école"), ["ecole"; 3]);
        assert_eq!(terms("Ελλάδα ΟΔΟΣ ёлка"), ["ελλαδα", "οδοσ", "елка"]);
        assert_eq!(terms("Tiếng Việt ơn"), ["tieng", "viet", "on"]);
        assert_eq!(terms("șțĂ ǎ ＡＢＣ１"), ["sta", "a", "abc1"]);
    }

    #[test]
    fn punctuation_splits_words() {
        assert_eq!(
            terms("v1.2.3 — don't snake_case, e-mail (2024-05)!"),
            ["v1", "2", "3", "don", "t", "snake", "case", "e", "mail", "2024", "05"]
        );
        assert!(terms("!!! ... --- ???").is_empty());
    }

    #[test]
    fn emoji_are_separators() {
        assert_eq!(terms("I ❤️ Rust 🦀!"), ["i", "rust"]);
        assert_eq!(terms("👩‍💻dev ok👍🏽"), ["dev", "ok"]);
        assert_eq!(terms("1️⃣ step"), ["1", "step"]);
    }

    #[test]
    fn cjk_runs_give_pairs_and_a_tail() {
        let mut pieces = Vec::new();
        tokenize("東京都に行く", &mut String::new(), |t, r, p| {
            pieces.push((t.to_string(), r, p))
        });
        let expected = [
            ("東京", 0..6, Piece::Pair),
            ("京都", 3..9, Piece::Pair),
            ("都に", 6..12, Piece::Pair),
            ("に行", 9..15, Piece::Pair),
            ("行く", 12..18, Piece::Pair),
            ("く", 15..18, Piece::Tail),
        ];
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(t, r, p)| (t.to_string(), r, p))
            .collect();
        assert_eq!(pieces, expected);
        assert_eq!(
            terms("Rust语言 2024年"),
            ["rust", "语言", "言", "2024", "年"]
        );
        // Hangul is spaced: whole words. Brahmic signs stay inside their word.
        assert_eq!(terms("한국어 공부"), ["한국어", "공부"]);
        assert_eq!(terms("नमस्ते दुनिया").len(), 2);
        assert_eq!(terms("สวัสดี ครับ").len(), 2);
    }

    #[test]
    fn long_words_are_cut_on_a_char_boundary() {
        let long = "é".repeat(100);
        let t = terms(&long);
        assert_eq!(t, ["e".repeat(MAX_TERM_BYTES)]);
        let t = terms(&"ж".repeat(100));
        assert_eq!(t[0].len(), MAX_TERM_BYTES);
        assert_eq!(
            terms(&"ж".repeat(100))[0].chars().count(),
            MAX_TERM_BYTES / 2
        );
    }
}
