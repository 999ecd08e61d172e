//! The lexer of card syntax: what a cloze opener, a `::`/`:::` separator, a `?` line, a `==`
//! highlight delimiter and a closing `^anchor` look like. The card parser, the note view and
//! search all read cards through it, so they agree on what a card is.

use crate::core::note::tag::tags_of;

/// A cloze opener `{{cN::` at `at` (`c` in either case, as Anki takes it; N a number from 1):
/// its number and its length.
pub fn cloze_opener(bytes: &[u8], at: usize) -> Option<(u32, usize)> {
    let head = bytes.get(at..at + 3)?;
    if !(head.starts_with(b"{{") && head[2].eq_ignore_ascii_case(&b'c')) {
        return None;
    }
    let digits = bytes
        .get(at + 3..)?
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let number = bytes[at + 3..at + 3 + digits]
        .iter()
        .try_fold(0u32, |n, d| {
            n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        })
        .filter(|&n| n > 0)?;
    let colons = at + 3 + digits;
    (bytes.get(colons..colons + 2) == Some(b"::".as_slice())).then_some((number, colons + 2 - at))
}

/// The length of the cloze opener `{{cN::` starting at byte `at` of `text`, if one does.
pub fn cloze_open_len(text: &str, at: usize) -> Option<usize> {
    cloze_opener(text.as_bytes(), at).map(|(_, len)| len)
}

/// Whether the `::` at `at` ends what starts a cloze (`{{c`, `{{C`, then digits), a well-formed
/// opener or not: such a `::` is never a separator.
pub fn ends_cloze_opener(bytes: &[u8], at: usize) -> bool {
    let Some(before) = bytes.get(..at) else {
        return false;
    };
    let digits = before
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    before
        .get(..before.len() - digits)
        .is_some_and(|b| b.ends_with(b"{{c") || b.ends_with(b"{{C"))
}

/// The separator starting at `at` of a run of colons: `Some(2)` for `::` (front to back),
/// `Some(3)` for `:::` (both ways). Longer runs, an escaped run (`\::`) and the `::` of a cloze
/// opener are none. Unless the note allows compact cards (see [`allows_compact_cards`]), a
/// separator has a space or tab on each side, so `std::vector`, `10::30` and Dataview's
/// `Status:: done` stay prose. `at` must be where the run starts.
pub fn separator_len(bytes: &[u8], at: usize, compact: bool) -> Option<usize> {
    let run = colon_run(bytes, at);
    let escaped = at > 0 && bytes.get(at - 1) == Some(&b'\\');
    let blank = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t'));
    let spaced = at > 0 && blank(bytes.get(at - 1)) && blank(bytes.get(at + run));
    ((run == 2 || run == 3) && !escaped && !ends_cloze_opener(bytes, at) && (compact || spaced))
        .then_some(run)
}

/// Whether a note opts in to compact cards (`Question::Answer`, no spaces), as the Obsidian
/// spaced-repetition plugin's notes do: a `#flashcards` tag (or a deck under it,
/// `#flashcards/spanish`) in the text or among the tags of its front matter.
pub fn allows_compact_cards(markdown: &str, front_matter_end: usize) -> bool {
    // Most notes never name it: a plain search (any case, as tags compare) spares reading every line for tags (the editor
    // asks on each keystroke).
    let bytes = markdown.as_bytes();
    // Only where an `f` or `F` starts is the word compared.
    (0..bytes.len()).any(|at| {
        bytes[at] | 0x20 == b'f'
            && bytes
                .get(at..at + 10)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"flashcards"))
    }) && tags_of(markdown, front_matter_end)
        .iter()
        .any(|tag| tag == "flashcards" || tag.starts_with("flashcards/"))
}

/// How many `:` follow from `at`.
pub fn colon_run(bytes: &[u8], at: usize) -> usize {
    bytes
        .get(at..)
        .map_or(0, |r| r.iter().take_while(|&&b| b == b':').count())
}

/// Whether the word running up to `at` is a URL (`http://x::y`), where `::` is no separator.
pub fn in_url(text: &str, at: usize) -> bool {
    let Some(before) = text.get(..at) else {
        return false;
    };
    let word_start = before
        .rfind(|c: char| c.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    before.get(word_start..).is_some_and(|w| w.contains("://"))
}

/// A line that is only `?` (`Some(false)`) or `??` (`Some(true)`, both ways), once trimmed:
/// the question above, the answer below.
pub fn question_line(trimmed: &str) -> Option<bool> {
    match trimmed {
        "?" => Some(false),
        "??" => Some(true),
        _ => None,
    }
}

/// Whether a `==` at `open` opens a highlight in `bytes[..end]`: not part of `===`, and the
/// text after it does not start with a space. `start` is where the line begins.
pub fn opens_highlight(bytes: &[u8], start: usize, open: usize, end: usize) -> bool {
    let byte = |i: usize| bytes.get(i).copied().filter(|_| i < end);
    bytes.get(open..open + 2) == Some(b"==".as_slice())
        && open + 2 <= end
        && (open == start || byte(open - 1) != Some(b'='))
        && byte(open + 2) != Some(b'=')
        && !is_space(byte(open + 2))
}

/// Whether a `==` at `at` may close a highlight in `bytes[..end]`: no space before it, and not
/// followed by another `=`.
pub fn closes_highlight(bytes: &[u8], at: usize, end: usize) -> bool {
    let byte = |i: usize| bytes.get(i).copied().filter(|_| i < end);
    bytes.get(at..at + 2) == Some(b"==".as_slice())
        && at + 2 <= end
        && at > 0
        && !is_space(byte(at - 1))
        && byte(at + 2) != Some(b'=')
}

fn is_space(b: Option<u8>) -> bool {
    b.is_none_or(|b| b.is_ascii_whitespace())
}

/// Where a highlight closer may first stand after an opener at `open`: the text holds a byte.
pub fn highlight_text_start(open: usize) -> usize {
    open + 3
}

/// An anchor id: ASCII letters, digits and `-`, as Obsidian's block ids.
pub fn is_anchor_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Whether the `^` at `caret` starts an anchor ending `line` (trailing whitespace aside): it
/// opens the line or follows a space or tab, and a valid id runs to the end.
pub fn is_anchor_at(line: &str, caret: usize) -> bool {
    let before = caret.checked_sub(1).and_then(|p| line.as_bytes().get(p));
    line.as_bytes().get(caret) == Some(&b'^')
        && matches!(before, None | Some(b' ' | b'\t'))
        && line
            .get(caret + 1..)
            .is_some_and(|id| is_anchor_id(id.trim_end()))
}

/// The anchor closing `line`, if any: where the text before it ends (its trailing space left
/// out) and where its `^` is.
pub fn closing_anchor(line: &str) -> Option<(usize, usize)> {
    let line = line.trim_end();
    let caret = line.rfind('^')?;
    is_anchor_at(line, caret).then(|| (line[..caret].trim_end().len(), caret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloze_openers_take_either_case_and_a_number_from_one() {
        assert_eq!(cloze_opener(b"{{c1::x}}", 0), Some((1, 6)));
        assert_eq!(cloze_opener(b"a {{C12::x}}", 2), Some((12, 7)));
        assert_eq!(cloze_open_len("{{C3::x}}", 0), Some(6));
        for no in [
            "{{c::x}}",
            "{{c0::x}}",
            "{{d1::x}}",
            "{{c1:x}}",
            "{{c99999999999::x}}",
        ] {
            assert_eq!(cloze_open_len(no, 0), None, "{no}");
        }
        assert!(ends_cloze_opener(b"{{C2::", 4));
        assert!(ends_cloze_opener(b"{{c::", 3));
        assert!(!ends_cloze_opener(b"a::", 1));
    }

    #[test]
    fn separators_are_two_or_three_colons() {
        assert_eq!(separator_len(b"a :: b", 2, false), Some(2));
        assert_eq!(separator_len(b"a ::: b", 2, false), Some(3));
        assert_eq!(separator_len(b"a :::: b", 2, false), None);
        assert_eq!(separator_len(b"a \\:: b", 3, false), None);
        assert_eq!(separator_len(b"{{c1::b", 4, false), None);
        assert!(in_url("see http://x", 12));
        assert!(!in_url("see x", 5));
        assert_eq!(question_line("??"), Some(true));
        assert_eq!(question_line("? x"), None);
    }

    #[test]
    fn highlights_are_two_equals_hugging_their_text() {
        let t = b"a ==b== c";
        assert!(opens_highlight(t, 0, 2, t.len()));
        assert!(closes_highlight(t, 5, t.len()));
        assert!(!opens_highlight(b"=== b==", 0, 0, 7));
        assert!(!opens_highlight(b"== b==", 0, 0, 6));
        assert!(!closes_highlight(b"==b ==", 4, 6));
    }

    #[test]
    fn anchors_are_letters_digits_and_dashes_at_the_end() {
        assert!(is_anchor_at("a ^x-1", 2));
        assert!(is_anchor_at("^x ", 0));
        assert!(!is_anchor_at("a ^x_1", 2));
        assert!(!is_anchor_at("a^x", 1));
        assert_eq!(closing_anchor("front ^id  "), Some((5, 6)));
        assert_eq!(closing_anchor("front ^i!d"), None);
    }
}
