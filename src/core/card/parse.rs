//! Reading a note into cards: which bytes are prose, its lines and blocks, one-line and
//! multi-line cards with their anchors, and each card's key.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::cloze::find_deletions;
use super::{has_pair, syntax, CardKind, ParsedCard};
use crate::core::note::front_matter::front_matter_end;
use crate::core::note::link::{markdown_options, parse_links, WikiLink};

// ---------------------------------------------------------------------------------------------
// What each byte of the note is, as the renderer sees it.

/// Text a card marker may sit in: not code, HTML, a link, or a wiki-link.
pub(super) const PROSE: u8 = 1;
pub(super) const CODE_BLOCK: u8 = 2;
/// A heading or thematic break: never part of a card.
pub(super) const BOUNDARY: u8 = 4;
pub(super) const TABLE: u8 = 8;

pub(super) struct Syntax {
    pub(super) flags: Vec<u8>,
    /// Front matter lines count as blank: a card after it starts after it.
    pub(super) front_matter_end: usize,
    /// The note allows `Question::Answer` without spaces.
    pub(super) compact: bool,
}

impl Syntax {
    pub(super) fn of(markdown: &str) -> Syntax {
        Syntax::of_linked(markdown, &parse_links(markdown))
    }

    pub(super) fn of_linked(markdown: &str, links: &[WikiLink]) -> Syntax {
        let mut flags = vec![0u8; markdown.len()];
        // Plain loops over slices: a flattened iterator is far slower in the size-optimised build.
        let mut mark = |range: Range<usize>, flag: u8| {
            if let Some(bytes) = flags.get_mut(range) {
                for byte in bytes {
                    *byte |= flag;
                }
            }
        };
        // Text in links and images is not prose: a marker there would cut the link in two.
        let mut in_link = 0usize;
        let mut in_code = 0usize;
        // Front matter holds `key: value` lines, never cards.
        let start = front_matter_end(markdown);
        mark(0..start, CODE_BLOCK);
        let events = Parser::new_ext(&markdown[start..], markdown_options()).into_offset_iter();
        for (event, range) in events {
            let range = range.start + start..range.end + start;
            match event {
                Event::Text(_) if in_link == 0 && in_code == 0 => mark(range, PROSE),
                Event::Start(Tag::CodeBlock(_)) => {
                    in_code += 1;
                    mark(range, CODE_BLOCK);
                }
                Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
                Event::End(TagEnd::Link | TagEnd::Image) => in_link = in_link.saturating_sub(1),
                Event::Start(Tag::Heading { .. }) | Event::Rule => mark(range, BOUNDARY),
                Event::Start(Tag::Table(_)) => mark(range, TABLE),
                _ => {}
            }
        }
        let mut syntax = Syntax {
            flags,
            front_matter_end: start,
            compact: syntax::allows_compact_cards(markdown, start),
        };
        for link in links {
            if let Some(bytes) = syntax.flags.get_mut(link.range.clone()) {
                for byte in bytes {
                    *byte &= !PROSE;
                }
            }
        }
        syntax
    }

    pub(super) fn all(&self, range: Range<usize>, flag: u8) -> bool {
        !range.is_empty()
            && self
                .flags
                .get(range)
                .is_some_and(|bytes| bytes.iter().all(|b| b & flag != 0))
    }

    pub(super) fn line_has(&self, line: Line, flag: u8) -> bool {
        self.flags
            .get(line.start..line.end)
            .is_some_and(|bytes| bytes.iter().any(|b| b & flag != 0))
    }

    /// A line wholly inside a code block (fences included).
    pub(super) fn is_code_line(&self, line: Line) -> bool {
        self.line_has(line, CODE_BLOCK) && !self.line_has(line, PROSE)
    }

    /// Blank lines (in a quote, `>` alone) end cards, except inside a code block.
    pub(super) fn is_blank(&self, markdown: &str, line: Line) -> bool {
        if line.end < self.front_matter_end {
            return true;
        }
        let empty = markdown.get(line.start..line.end).is_some_and(|t| {
            t.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
                .is_empty()
        });
        let in_code = self
            .flags
            .get(line.start..=line.end)
            .or_else(|| self.flags.get(line.start..line.end))
            .is_some_and(|bytes| bytes.iter().any(|b| b & CODE_BLOCK != 0));
        empty && !in_code
    }
}

/// A line of the note: `end` stops before the line break (`\n`, `\r\n` or `\r`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(Line { start, end: i });
                start = i + 1;
            }
            b'\r' => {
                lines.push(Line { start, end: i });
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        lines.push(Line {
            start,
            end: bytes.len(),
        });
    }
    lines
}

/// Start of the last line of `range`.
pub(super) fn line_start(text: &str, range: Range<usize>) -> usize {
    text.get(range.clone())
        .and_then(|t| t.rfind(['\n', '\r']))
        .map_or(range.start, |i| range.start + i + 1)
}

/// `start..end` without the whitespace at either end.
pub(super) fn trimmed_range(text: &str, start: usize, end: usize) -> Range<usize> {
    let Some(slice) = text.get(start..end) else {
        return start..start;
    };
    let from = start + (slice.len() - slice.trim_start().len());
    from..(start + slice.trim_end().len()).max(from)
}

/// Card text as stored: trimmed, with `\n` line breaks.
pub(super) fn clean(text: &str) -> String {
    text.trim().replace("\r\n", "\n").replace('\r', "\n")
}

/// The identity of a question: trimmed, whitespace collapsed, lowercase.
pub(super) fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

// ---------------------------------------------------------------------------------------------
// `::`, `:::`, `?` and `??` cards.

/// A card before its key is settled.
pub(super) struct Draft {
    pub(super) kind: CardKind,
    pub(super) front: String,
    pub(super) back: String,
    pub(super) text: Option<String>,
    pub(super) anchor: Option<String>,
    pub(super) range: Range<usize>,
    /// The key of an unanchored card, before normalising.
    pub(super) identity: String,
    /// What follows `^anchor` in the key of an anchored card.
    pub(super) anchored: String,
}

/// One-line and multi-line cards of a block (lines between blank lines), marking the lines used.
pub(super) fn line_cards(
    md: &str,
    syn: &Syntax,
    block: &[Line],
    used: &mut [bool],
    out: &mut Vec<Draft>,
) {
    // First line of the front of a multi-line card, should a `?` line come.
    let mut front_start = 0;
    let mut k = 0;
    while k < block.len() {
        let line = block[k];
        if syn.line_has(line, BOUNDARY | TABLE) {
            front_start = k + 1;
        } else if syn.is_code_line(line) {
            // Code may be part of a multi-line card, never a card of its own.
        } else if let Some(two_way) = separator(md, syn, line) {
            // The back runs to the blank line, or to a heading.
            let back_end = (k + 1..block.len())
                .find(|&j| syn.line_has(block[j], BOUNDARY))
                .unwrap_or(block.len());
            let card = multi_line(
                md,
                syn,
                block.get(front_start..k).unwrap_or(&[]),
                block.get(k + 1..back_end).unwrap_or(&[]),
                two_way,
            );
            if let Some(cards) = card {
                out.extend(cards);
                for u in used.iter_mut().take(back_end).skip(front_start) {
                    *u = true;
                }
                front_start = back_end;
                k = back_end;
                continue;
            }
        } else if let Some(cards) = single_line(md, syn, line) {
            out.extend(cards);
            if let Some(u) = used.get_mut(k) {
                *u = true;
            }
            front_start = k + 1;
        }
        k += 1;
    }
}

/// `Some(two_way)` when the line is only `?` (or `??`), in a quote or not.
pub(super) fn separator(md: &str, syn: &Syntax, line: Line) -> Option<bool> {
    let text = md.get(line.start..line.end)?;
    let unquoted = text.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let trimmed = unquoted.trim_end();
    let at = line.start + (text.len() - unquoted.len());
    let two_way = syntax::question_line(trimmed)?;
    syn.all(at..at + trimmed.len(), PROSE).then_some(two_way)
}

pub(super) fn multi_line(
    md: &str,
    syn: &Syntax,
    front: &[Line],
    back: &[Line],
    two_way: bool,
) -> Option<Vec<Draft>> {
    let (first, last_front) = (front.first()?, front.last()?);
    let (first_back, last) = (back.first()?, back.last()?);
    let (cut, anchor) = anchor_cut(md, syn, last.start, last.end);
    let front_text = clean(md.get(first.start..last_front.end)?);
    let back_text = clean(md.get(first_back.start..cut)?);
    if front_text.is_empty() || back_text.is_empty() {
        return None;
    }
    let range = trimmed_range(md, first.start, last.end);
    Some(both_ways(front_text, back_text, anchor, range, two_way))
}

pub(super) fn single_line(md: &str, syn: &Syntax, line: Line) -> Option<Vec<Draft>> {
    let text = md.get(line.start..line.end)?;
    if !has_pair(text, |b| b == b':') {
        return None;
    }
    let content = line.start + block_prefix_len(text);
    let region = content..line.end;
    // `::` inside a cloze or a highlight belongs to it.
    let inside = merged(
        find_deletions(md, syn, region.clone())
            .into_iter()
            .map(|d| d.range),
    );
    let (at, len) = first_marker(md, syn, region, &inside)?;
    let (cut, anchor) = anchor_cut(md, syn, at + len, line.end);
    let front = clean(md.get(content..at)?);
    let back = clean(md.get(at + len..cut)?);
    if front.is_empty() || back.is_empty() {
        return None;
    }
    let range = trimmed_range(md, content, line.end);
    Some(both_ways(front, back, anchor, range, len == 3))
}

pub(super) fn both_ways(
    front: String,
    back: String,
    anchor: Option<String>,
    range: Range<usize>,
    two_way: bool,
) -> Vec<Draft> {
    let mut cards = Vec::with_capacity(2);
    if two_way {
        cards.push(Draft {
            kind: CardKind::Reverse,
            identity: back.clone(),
            front: back.clone(),
            back: front.clone(),
            text: None,
            anchor: anchor.clone(),
            range: range.clone(),
            anchored: ":reverse".to_string(),
        });
    }
    cards.insert(
        0,
        Draft {
            kind: CardKind::Basic,
            identity: front.clone(),
            front,
            back,
            text: None,
            anchor,
            range,
            anchored: String::new(),
        },
    );
    cards
}

/// Length of the list, task and quote markers that open a line (`> - [ ] `), which belong to
/// the Markdown around a one-line card rather than to its front.
pub(super) fn block_prefix_len(line: &str) -> usize {
    let mut rest = line;
    let mut after_bullet = false;
    loop {
        let t = rest.trim_start_matches([' ', '\t']);
        let spaced = |r: &str| r.starts_with([' ', '\t']);
        if let Some(r) = t.strip_prefix('>') {
            rest = r;
            after_bullet = false;
            continue;
        }
        if let Some(r) = t.strip_prefix(['-', '*', '+']).filter(|r| spaced(r)) {
            rest = r;
            after_bullet = true;
            continue;
        }
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if let Some(r) = t
            .get(digits..)
            .filter(|_| (1..=9).contains(&digits))
            .and_then(|r| r.strip_prefix(['.', ')']))
            .filter(|r| spaced(r))
        {
            rest = r;
            after_bullet = true;
            continue;
        }
        if after_bullet {
            if let Some(r) = ["[ ]", "[x]", "[X]"]
                .iter()
                .find_map(|b| t.strip_prefix(b))
                .filter(|r| spaced(r))
            {
                rest = r;
                after_bullet = false;
                continue;
            }
        }
        rest = t;
        break;
    }
    line.len() - rest.len()
}

/// The first `::` or `:::` of `region` in prose, not escaped, not in a URL, not inside `skip`
/// (sorted, disjoint): its start and length.
pub(super) fn first_marker(
    md: &str,
    syn: &Syntax,
    region: Range<usize>,
    skip: &[Range<usize>],
) -> Option<(usize, usize)> {
    let bytes = md.as_bytes().get(..region.end)?;
    let mut i = region.start;
    while i < region.end {
        if bytes.get(i) != Some(&b':') {
            i += 1;
            continue;
        }
        let run = syntax::colon_run(bytes, i);
        let end = i + run;
        let skipped = skip
            .get(skip.partition_point(|s| s.start <= i).wrapping_sub(1))
            .is_some_and(|s| end <= s.end);
        if syntax::separator_len(bytes, i, syn.compact).is_some()
            && !skipped
            && syn.all(i..end, PROSE)
        {
            if !in_url(md, region.start, i) {
                return Some((i, run));
            }
            // The rest of the URL holds no marker either.
            i = bytes
                .get(end..region.end)?
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(region.end, |p| end + p);
            continue;
        }
        i = end;
    }
    None
}

/// `ranges` (sorted by start, possibly nested) merged into disjoint ranges.
pub(super) fn merged(ranges: impl IntoIterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Whether the word running up to `at` is a URL (`http://x::y`).
pub(super) fn in_url(md: &str, line_start: usize, at: usize) -> bool {
    md.get(line_start..at)
        .is_some_and(|before| syntax::in_url(before, before.len()))
}

/// Where the text of a line ends once an anchor `^id` closing it (after a space, or alone on
/// the line) is left out, and the anchor's id. `(end, None)` without one.
pub(super) fn anchor_cut(
    md: &str,
    syn: &Syntax,
    start: usize,
    end: usize,
) -> (usize, Option<String>) {
    find_anchor(md, syn, start, end).map_or((end, None), |(cut, id)| (cut, Some(id)))
}

pub(super) fn find_anchor(
    md: &str,
    syn: &Syntax,
    start: usize,
    end: usize,
) -> Option<(usize, String)> {
    let line = md.get(start..end)?;
    let (cut, caret) = syntax::closing_anchor(line)?;
    let id = line.get(caret + 1..)?.trim_end();
    syn.all(start + caret..start + caret + 1 + id.len(), PROSE)
        .then(|| (start + cut, id.to_string()))
}

/// Settles keys: anchored or from the question, unique within the note.
pub(super) fn finish(mut drafts: Vec<Draft>) -> Vec<ParsedCard> {
    crate::core::sort_by_key(&mut drafts, |d| d.range.start);
    let mut taken: HashSet<String> = HashSet::new();
    drafts
        .into_iter()
        .map(|d| {
            let base = match &d.anchor {
                Some(anchor) => format!("^{anchor}{}", d.anchored),
                None => format!("{}:{}", d.kind.name(), normalise(&d.identity)),
            };
            let mut key = base.clone();
            let mut n = 1;
            while taken.contains(&key) {
                n += 1;
                key = format!("{base}#{n}");
            }
            taken.insert(key.clone());
            ParsedCard {
                kind: d.kind,
                front: d.front,
                back: d.back,
                text: d.text,
                anchor: d.anchor,
                range: d.range,
                key,
            }
        })
        .collect()
}
