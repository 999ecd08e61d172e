//! The readable text of a note's Markdown, for indexing and snippets: markup, URLs, HTML and
//! card syntax dropped, the words of links kept.

use crate::core::card::syntax::{cloze_open_len, is_anchor_at};
use crate::core::note::front_matter::front_matter_end;
use crate::core::note::link::{scan, WikiLink};

/// The length of the whitespace or control character at byte `i`, or 0 for any other.
fn space_len(text: &str, i: usize) -> usize {
    match text.as_bytes().get(i) {
        None => 0,
        Some(&b) if b < 0x80 => usize::from(b <= b' ' || b == 0x7F),
        Some(_) => text
            .get(i..)
            .and_then(|rest| rest.chars().next())
            .filter(|c| c.is_whitespace() || c.is_control())
            .map_or(0, char::len_utf8),
    }
}

/// Collects text with each run of whitespace and control characters made one space.
struct Plain<'a> {
    out: &'a mut String,
    gap: bool,
}

impl Plain<'_> {
    fn gap(&mut self) {
        self.gap = true;
    }

    fn push(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let space = space_len(text, i);
            if space > 0 {
                self.gap = true;
                i += space;
                continue;
            }
            // Words apart by single spaces, most of a line, are copied in one piece.
            let start = i;
            while let Some(&b) = bytes.get(i) {
                let printable = |b: u8| b > b' ' && b < 0x7F;
                if printable(b) {
                    i += 1;
                } else if b == b' ' && bytes.get(i + 1).is_some_and(|&next| printable(next)) {
                    i += 2;
                } else if b >= 0x80 && space_len(text, i) == 0 {
                    i += text[i..].chars().next().map_or(1, char::len_utf8);
                } else {
                    break;
                }
            }
            if self.gap && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.gap = false;
            self.out.push_str(text.get(start..i).unwrap_or_default());
        }
    }

    fn push_char(&mut self, c: char) {
        let mut bytes = [0u8; 4];
        self.push(c.encode_utf8(&mut bytes));
    }
}

/// The readable text of a note body, on one line, into `out`; words that are indexed but not
/// shown (targets of links with an alias) into `hidden`. Deliberately approximate: it serves
/// search and snippets, not rendering, and never fails. After each line, `more` is given the
/// text so far and says whether to go on.
pub(super) fn plain_text(
    markdown: &str,
    out: &mut String,
    hidden: &mut String,
    mut more: impl FnMut(&str) -> bool,
) {
    let mut plain = Plain { out, gap: false };
    let mut fence: Option<(char, usize)> = None;
    // Properties are found but not shown: a snippet reads the note's text.
    let start = front_matter_end(markdown);
    for line in markdown[..start].lines() {
        if let Some((_, value)) = line.split_once(':') {
            hidden.push(' ');
            hidden.push_str(value);
        }
    }
    for line in markdown[start..].lines() {
        let trimmed = line.trim_start();
        match fence {
            // Code is searchable as written; only the fences and their info string go.
            Some((mark, len)) => {
                let run = trimmed.chars().take_while(|&c| c == mark).count();
                if run >= len && trimmed.trim_start_matches(mark).trim().is_empty() {
                    fence = None;
                } else {
                    plain.push(line);
                }
            }
            None => match fence_open(trimmed) {
                Some(open) => fence = Some(open),
                None => block(trimmed, &mut plain, hidden),
            },
        }
        plain.gap();
        if !more(plain.out) {
            return;
        }
    }
}

fn fence_open(line: &str) -> Option<(char, usize)> {
    let mark = line.chars().next().filter(|&c| c == '`' || c == '~')?;
    let len = line.chars().take_while(|&c| c == mark).count();
    let info = line.get(len..).unwrap_or_default();
    (len >= 3 && !(mark == '`' && info.contains('`'))).then_some((mark, len))
}

/// One line outside code blocks.
fn block(line: &str, plain: &mut Plain, hidden: &mut String) {
    let line = block_prefix(line);
    if is_rule(line) {
        return;
    }
    // `[label]: url` defines a link target: nothing to read. `[^1]: text` is a footnote.
    if let Some(rest) = line.strip_prefix('[') {
        if let Some(close) = rest.find("]:") {
            let label = &rest[..close];
            if !label.is_empty() && !label.contains(['[', ']']) {
                if label.starts_with('^') {
                    inline(&rest[close + 2..], plain, hidden);
                }
                return;
            }
        }
    }
    inline(line, plain, hidden);
}

/// The line without its quote markers, list bullet, task box or heading hashes.
fn block_prefix(line: &str) -> &str {
    let spaced = |s: &str| s.is_empty() || s.starts_with([' ', '\t']);
    let mut line = line.trim_start();
    loop {
        if let Some(rest) = line.strip_prefix('>') {
            line = rest.trim_start();
            continue;
        }
        if let Some(rest) = line.strip_prefix(['-', '*', '+']).filter(|r| spaced(r)) {
            line = rest.trim_start();
            continue;
        }
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=9).contains(&digits) {
            let rest = line.get(digits..).and_then(|r| r.strip_prefix(['.', ')']));
            if let Some(rest) = rest.filter(|r| spaced(r)) {
                line = rest.trim_start();
                continue;
            }
        }
        for task in ["[ ]", "[x]", "[X]"] {
            if let Some(rest) = line.strip_prefix(task).filter(|r| spaced(r)) {
                return rest.trim_start();
            }
        }
        let hashes = line.bytes().take_while(|&b| b == b'#').count();
        if (1..=6).contains(&hashes) {
            if let Some(rest) = line.get(hashes..).filter(|r| spaced(r)) {
                let rest = rest.trim();
                // A closing run of hashes needs a space before it: "C#" keeps its hash.
                let body = rest.trim_end_matches('#');
                return if body.is_empty() || body.ends_with([' ', '\t']) {
                    body.trim_end()
                } else {
                    rest
                };
            }
        }
        return line;
    }
}

/// A thematic break, setext underline or table delimiter row.
fn is_rule(line: &str) -> bool {
    let rule_char = |c: char| matches!(c, '-' | '*' | '_' | '=' | '|' | ':' | '+' | ' ' | '\t');
    if !line.starts_with(rule_char) || !line.chars().all(rule_char) {
        return false;
    }
    let marks = line.bytes().filter(|b| b"-*_=".contains(b)).count();
    marks >= 3 || (line.contains('|') && marks >= 1)
}

/// What an inline construct contributes to the text.
enum Out<'a> {
    Nothing,
    Gap,
    Text(&'a str),
    Char(char),
}

/// Inline Markdown of one line: keeps the text of links, emphasis and code, drops the rest.
fn inline(line: &str, plain: &mut Plain, hidden: &mut String) {
    let bytes = line.as_bytes();
    let links = scan(line);
    let mut links = links.iter().peekable();
    // (closing bracket of a Markdown link's text, end of its destination), innermost last.
    let mut skips: Vec<(usize, usize)> = Vec::new();
    let (mut i, mut literal) = (0, 0);
    while i < bytes.len() {
        while links.next_if(|l| l.range.start < i).is_some() {}
        if let Some(link) = links.next_if(|l| l.range.start == i) {
            plain.push(line.get(literal..i).unwrap_or_default());
            link_text(link, plain, hidden);
            i = link.range.end;
            literal = i;
            continue;
        }
        if let Some(&(close, end)) = skips.last() {
            if i >= close {
                skips.pop();
                plain.push(line.get(literal..i.min(close)).unwrap_or_default());
                i = i.max(end);
                literal = i;
                continue;
            }
        }
        // Skip plain text up to the next link, link end or byte that may start markup.
        let stop = (links.peek().map_or(bytes.len(), |l| l.range.start))
            .min(skips.last().map_or(bytes.len(), |s| s.0));
        if !may_start_markup(bytes, i) {
            i += 1;
            // Plain text, and URL letters inside words, start nothing.
            while let Some(&b) = bytes.get(i).filter(|_| i < stop) {
                match STARTS[usize::from(b)] {
                    PLAIN => i += 1,
                    URL_START if WORDY[usize::from(bytes[i - 1])] => i += 1,
                    _ => break,
                }
            }
            continue;
        }
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let run = bytes[i..].iter().take_while(|&&x| x == b).count();
        // Where to resume, and what the construct at `i` shows.
        let action = match b {
            b'\\' if next.is_some_and(|n| n.is_ascii_punctuation()) => {
                Some((i + 2, Out::Text(line.get(i + 1..i + 2).unwrap_or_default())))
            }
            b'`' => Some(code_span(line, i, run)),
            b'!' if next == Some(b'[') => Some((i + 1, Out::Nothing)),
            b'[' if next == Some(b'^') => line[i..]
                .find(']')
                .map(|close| (i + close + 1, Out::Nothing)),
            b'[' => md_link(bytes, i).map(|skip| {
                skips.push(skip);
                (i + 1, Out::Nothing)
            }),
            b'<' => tag_end(line, i).map(|end| (end, Out::Gap)),
            b'*' => Some((i + run, Out::Nothing)),
            // Intraword underscores (snake_case) are text.
            b'_' if !(is_wordy(i.checked_sub(1).and_then(|p| bytes.get(p)))
                && is_wordy(bytes.get(i + run))) =>
            {
                Some((i + run, Out::Nothing))
            }
            b'~' | b'=' if run == 2 => Some((i + 2, Out::Nothing)),
            b'&' => entity(line, i),
            b'{' => cloze_open_len(line, i).map(|len| (i + len, Out::Nothing)),
            b'}' if run == 2 => Some((i + 2, Out::Nothing)),
            b'|' => Some((i + 1, Out::Gap)),
            b'^' if is_anchor_at(line, i) => Some((bytes.len(), Out::Nothing)),
            b'h' | b'H' | b'w' | b'W' | b'f' | b'F'
                if !is_wordy(i.checked_sub(1).and_then(|p| bytes.get(p))) && is_url(&line[i..]) =>
            {
                let rest = &line[i..];
                let len = rest
                    .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
                    .unwrap_or(rest.len());
                Some((i + len, Out::Gap))
            }
            _ => None,
        };
        match action {
            Some((resume, out)) => {
                plain.push(line.get(literal..i).unwrap_or_default());
                match out {
                    Out::Nothing => {}
                    Out::Gap => plain.gap(),
                    Out::Text(text) => plain.push(text),
                    Out::Char(c) => plain.push_char(c),
                }
                i = resume.max(i + 1);
                literal = i;
            }
            None => i += 1,
        }
    }
    plain.push(line.get(literal..).unwrap_or_default());
}

/// What a byte may start for [`inline`]: nothing, markup, or a URL (only at a word start).
const PLAIN: u8 = 0;
const MARKUP: u8 = 1;
const URL_START: u8 = 2;
const STARTS: [u8; 256] = {
    let mut table = [PLAIN; 256];
    let markup = b"\\`![<*_~=&{}|^";
    let mut i = 0;
    while i < markup.len() {
        table[markup[i] as usize] = MARKUP;
        i += 1;
    }
    let url = b"hHwWfF";
    let mut i = 0;
    while i < url.len() {
        table[url[i] as usize] = URL_START;
        i += 1;
    }
    table
};

/// Whether the byte at `i` may start markup: URLs only start words.
fn may_start_markup(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i).map(|&b| STARTS[usize::from(b)]) {
        Some(MARKUP) => true,
        Some(URL_START) => !is_wordy(i.checked_sub(1).and_then(|p| bytes.get(p))),
        _ => false,
    }
}

/// Part of a word, for emphasis and URL detection; any non-ASCII byte counts as a letter.
fn is_wordy(b: Option<&u8>) -> bool {
    b.is_some_and(|&b| WORDY[usize::from(b)])
}

/// ASCII letters and digits, and every non-ASCII byte.
pub(super) const WORDY: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b >= 0x80;
        b += 1;
    }
    table
};

/// A code span opened by `run` backticks at `open`: its content as written. Unclosed, the
/// backticks alone are dropped.
fn code_span(line: &str, open: usize, run: usize) -> (usize, Out<'_>) {
    let bytes = line.as_bytes();
    let mut j = open + run;
    while j < bytes.len() {
        if bytes[j] == b'`' {
            let close = bytes[j..].iter().take_while(|&&b| b == b'`').count();
            if close == run {
                let code = line.get(open + run..j).unwrap_or_default();
                return (j + close, Out::Text(code));
            }
            j += close;
        } else {
            j += 1;
        }
    }
    (open + run, Out::Nothing)
}

/// `[text](destination)` or `[text][label]` opening at `open`: the closing bracket of the text
/// and the end of what follows it.
fn md_link(bytes: &[u8], open: usize) -> Option<(usize, usize)> {
    let close = matching(bytes, open, b'[', b']')?;
    let end = match bytes.get(close + 1) {
        Some(b'(') => matching(bytes, close + 1, b'(', b')')?,
        Some(b'[') => matching(bytes, close + 1, b'[', b']')?,
        _ => return None,
    };
    Some((close, end + 1))
}

fn matching(bytes: &[u8], open: usize, opener: u8, closer: u8) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            i += 2;
            continue;
        }
        if b == opener {
            depth += 1;
        } else if b == closer {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// The end of an HTML tag, comment or autolink opening at `open` on this line.
fn tag_end(line: &str, open: usize) -> Option<usize> {
    let rest = line.get(open + 1..)?;
    if rest.starts_with("!--") {
        return Some(rest.find("-->").map_or(line.len(), |e| open + 1 + e + 3));
    }
    let first = rest.bytes().next()?;
    if !(first.is_ascii_alphabetic() || first == b'/') {
        return None;
    }
    rest.find('>').map(|e| open + 1 + e + 1)
}

/// An HTML entity at `amp`: the common named ones and numeric ones are decoded, others dropped.
fn entity(line: &str, amp: usize) -> Option<(usize, Out<'_>)> {
    let rest = line.get(amp + 1..)?;
    let semi = rest.bytes().take(12).position(|b| b == b';')?;
    let name = &rest[..semi];
    let out = match name {
        "amp" => Out::Char('&'),
        "lt" => Out::Char('<'),
        "gt" => Out::Char('>'),
        "quot" => Out::Char('"'),
        "apos" => Out::Char('\''),
        "nbsp" => Out::Gap,
        _ if name.starts_with('#') => {
            let number = &name[1..];
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => number.parse().ok(),
            }?;
            char::from_u32(code).map_or(Out::Gap, Out::Char)
        }
        _ if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()) => Out::Nothing,
        _ => return None,
    };
    Some((amp + 1 + semi + 1, out))
}

fn is_url(text: &str) -> bool {
    let starts = |prefix: &str| {
        text.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    // Most words starting with h, f or w are not URLs: the second letter tells.
    match text.as_bytes().get(..2).map(|b| b[1].to_ascii_lowercase()) {
        Some(b't') => starts("http://") || starts("https://") || starts("ftp://"),
        Some(b'w') => starts("www."),
        _ => false,
    }
}

/// A wiki-link as read: its alias if any (the target is still indexed), else the target and
/// heading. Block anchors are ids, not words.
fn link_text(link: &WikiLink<'_>, plain: &mut Plain, hidden: &mut String) {
    match link.alias.filter(|_| !link.embed) {
        Some(alias) => {
            plain.push(alias);
            for part in std::iter::once(link.target).chain(link.heading) {
                hidden.push(' ');
                hidden.push_str(part);
            }
        }
        None => {
            plain.push(link.target);
            if let Some(heading) = link.heading {
                plain.push(" › ");
                plain.push(heading);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{mixed_text, plain, terms, Fixture};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn front_matter_is_found_but_not_shown() {
        let (text, hidden) = plain("---\nfolder: \"Geo\"\ntags: [rivers]\n---\nThe Loire flows.");
        assert_eq!(text.trim(), "The Loire flows.");
        assert!(
            hidden.contains("\"Geo\"") && hidden.contains("[rivers]"),
            "{hidden}"
        );
    }

    #[test]
    fn card_syntax_reads_as_the_card_parser_reads_it() {
        // Upper-case clozes are clozes, as in Anki and in the card parser.
        assert_eq!(plain("The {{C1::Seine}} flows").0.trim(), "The Seine flows");
        // An anchor holds letters, digits and `-` only: `^a_b` is text, not an anchor.
        assert_eq!(plain("Paris :: France ^fr-1").0.trim(), "Paris :: France");
        assert!(plain("Paris :: France ^a_b").0.contains("a_b"));
    }

    #[test]
    fn markdown_syntax_is_stripped() {
        let body = "# Heading ##\n\n- [ ] **task** with `co*de` and [link](https://x.com/a_b) \
                    ![img alt](p.png)\n> quote ~~old~~ ==mark== snake_case _em_\n\n```rust\n\
                    let x = 1;\n```\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n---\n1. first\n\
                    [ref]: https://example.com\nSee <span class=\"x\">html</span> &amp; &#233; \
                    https://example.com/path www.x.org and [text][ref] and [^1].";
        assert_eq!(
            plain(body).0,
            "Heading task with co*de and link img alt quote old mark snake_case em let x = 1; \
             a b 1 2 first See html & é and text and ."
        );
    }

    #[test]
    fn wiki_links_keep_their_words() {
        let (text, hidden) = plain(
            "See [[Target Note|alias text]], [[Other#Part]], [[Card note#^capital]] and \
             ![[pic.png]]; `[[not a link]]`.",
        );
        assert_eq!(
            text,
            "See alias text, Other › Part, Card note and pic.png; [[not a link]]."
        );
        assert_eq!(hidden.trim(), "Target Note");
        let fixture = Fixture::new(&[("a", "A", "Read [[Target Note|this]] first.")]);
        assert_eq!(fixture.ids("target"), ["a"]);
        assert_eq!(fixture.ids("this"), ["a"]);
    }

    #[test]
    fn card_syntax_is_stripped() {
        let (text, _) = plain(
            "Capital of France :: Paris ^capital-fr\n{{c1::Berlin::city}} is in {{c2::Germany}}\n\
             What?\n?\nAnswer\n:::",
        );
        assert_eq!(
            text,
            "Capital of France :: Paris Berlin::city is in Germany What? ? Answer :::"
        );
        assert_eq!(
            terms(&text).iter().filter(|t| t.starts_with('c')).count(),
            2
        );
    }

    #[test]
    fn urls_are_told_by_their_start() {
        for url in [
            "http://x.y",
            "HTTPS://x.y/a",
            "ftp://f",
            "www.example.org",
            "WWW.x",
        ] {
            assert!(is_url(url), "{url}");
        }
        for word in [
            "hello", "h", "", "http:/x", "https:x", "fwww.x", "ww.x", "wtf://x", "ftp:",
        ] {
            assert!(!is_url(word), "{word}");
        }
        assert_eq!(
            plain("with https://x.org/with and www.w.org, then wh ftp://f.tp fin").0,
            "with and then wh fin"
        );
    }

    proptest! {
        #[test]
        fn plain_text_collapses_spaces_like_splitting_on_them(
            pieces in prop::collection::vec((mixed_text(), any::<bool>()), 0..6),
        ) {
            let mut out = String::new();
            let mut plain = Plain { out: &mut out, gap: false };
            let mut joined = String::new();
            for (piece, gap) in &pieces {
                plain.push(piece);
                joined.push_str(piece);
                if *gap {
                    plain.gap();
                    joined.push(' ');
                }
            }
            let words: Vec<&str> = joined
                .split(|c: char| c.is_whitespace() || c.is_control())
                .filter(|w| !w.is_empty())
                .collect();
            prop_assert_eq!(out, words.join(" "));
        }
    }
}
