//! Flashcards written inside notes: the Obsidian spaced-repetition and Anki forms parsed out of
//! Markdown, each card's stable identity, and matching an edited note's cards to the stored ones.

pub mod deck;
pub mod syntax;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::core::markdown::front_matter_end;
use crate::core::note::link::{markdown_options, parse_links, WikiLink};

/// What a card asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum CardKind {
    /// The front asks, the back answers: `::`, `?` and the first card of `:::` and `??`.
    Basic,
    /// The back asks, the front answers: the second card of `:::` and `??`.
    Reverse,
    /// Anki cloze: every `{{cN::...}}` with this number hidden together.
    Cloze { number: u32 },
    /// `==text==`: the highlight at this index (from 0) of its paragraph hidden.
    Highlight { index: u32 },
}

impl CardKind {
    /// "basic", "reverse", "cloze" or "highlight", as stored with a card.
    pub fn name(self) -> &'static str {
        match self {
            CardKind::Basic => "basic",
            CardKind::Reverse => "reverse",
            CardKind::Cloze { .. } => "cloze",
            CardKind::Highlight { .. } => "highlight",
        }
    }
}

/// One card found in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCard {
    pub kind: CardKind,
    /// Markdown shown as the question. For clozes and highlights, the paragraph with the
    /// deletion replaced by `[...]` or `[hint]`.
    pub front: String,
    /// Markdown shown as the answer. For clozes and highlights, the paragraph with the deletion
    /// shown in bold.
    pub back: String,
    /// Clozes and highlights: the paragraph as written, deletions and hints included, without the
    /// anchor. Feed it to [`cloze_question`] and friends to render again.
    pub text: Option<String>,
    /// The `^anchor` that names the card, without the caret.
    pub anchor: Option<String>,
    /// Bytes of the card's source in the note: its line(s), anchor included, list and quote
    /// markers of a one-line card left out.
    pub range: Range<usize>,
    /// The card's identity within its note; see [`parse_cards`].
    pub key: String,
}

/// The id of a card: `"{note_id}/{key}"`, readable and the same for an author and every learner,
/// since bundles carry note ids and card keys. Note ids (UUIDs) hold no `/`, so the first `/`
/// splits it. Not a hash: ids stay readable in a backup, and a clash is impossible.
pub fn card_id(note_id: &str, key: &str) -> String {
    format!("{note_id}/{key}")
}

/// Finds every card in a note's Markdown, in document order.
///
/// Keys: `^anchor` for an anchored card (`^anchor:reverse`, `^anchor:c2`,
/// `^anchor:highlight:<text>` for the others of its line or paragraph); otherwise the kind and
/// the normalised question (`basic:<front>`, `reverse:<front>`, `cloze:<question>`,
/// `highlight:<text>|<question>`), trimmed, whitespace collapsed, lowercased. So the back can
/// change and the card stays the same; a new front is a new card. A key already taken in the note
/// gets `#2`, `#3`... in document order.
pub fn parse_cards(markdown: &str) -> Vec<ParsedCard> {
    if !may_hold_cards(markdown) {
        return Vec::new();
    }
    parse_cards_linked(markdown, &parse_links(markdown))
}

/// [`parse_cards`] for a caller that has already parsed the note's links (`links` must be
/// `parse_links(markdown)`), so the note is not parsed for them twice.
pub fn parse_cards_linked(markdown: &str, links: &[WikiLink]) -> Vec<ParsedCard> {
    if !may_hold_cards(markdown) {
        return Vec::new();
    }
    let syntax = Syntax::of_linked(markdown, links);
    let lines = split_lines(markdown);
    let blank: Vec<bool> = lines
        .iter()
        .map(|&line| syntax.is_blank(markdown, line))
        .collect();
    let mut drafts = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        if blank[start] {
            start += 1;
            continue;
        }
        let end = (start..lines.len())
            .find(|&i| blank[i])
            .unwrap_or(lines.len());
        let block = &lines[start..end];
        let mut used = vec![false; block.len()];
        line_cards(markdown, &syntax, block, &mut used, &mut drafts);
        deletion_cards(markdown, &syntax, block, &used, &mut drafts);
        start = end;
    }
    finish(drafts)
}

/// Whether `text` has any card marker at all (`::`, a `?` line, `{{c`, `==`): most notes and
/// lines have none, and then neither the Markdown parse nor the scans are needed.
fn may_hold_cards(text: &str) -> bool {
    text.contains('?') || has_pair(text, |b| matches!(b, b':' | b'{' | b'='))
}

/// Whether `text` may hold a cloze or a highlight.
fn may_hold_deletions(text: &str) -> bool {
    has_pair(text, |b| matches!(b, b'{' | b'='))
}

/// Whether two bytes in a row are the same byte `wanted` accepts: one pass over the text.
fn has_pair(text: &str, wanted: impl Fn(u8) -> bool) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|pair| pair[0] == pair[1] && wanted(pair[0]))
}

/// The question of cloze `number`: its deletions as `[...]` (or `[hint]`), the others as their
/// answers. Markdown, to render like a note.
pub fn cloze_question(text: &str, number: u32) -> String {
    reveal_standalone(text, Target::Cloze(number), false)
}

/// The answer of cloze `number`: its deletions in bold, the others as plain answers.
pub fn cloze_answer(text: &str, number: u32) -> String {
    reveal_standalone(text, Target::Cloze(number), true)
}

/// The question of the highlight at `index` (from 0): it as `[...]`, the others as plain text.
pub fn highlight_question(text: &str, index: u32) -> String {
    reveal_standalone(text, Target::Highlight(index), false)
}

/// The answer of the highlight at `index`: it in bold, the others as plain text.
pub fn highlight_answer(text: &str, index: u32) -> String {
    reveal_standalone(text, Target::Highlight(index), true)
}

/// Where cards sit in a note, for the note view to mark them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardMark {
    /// The source of the card(s), as [`ParsedCard::range`].
    pub range: Range<usize>,
    /// Every card written there: both ways of `:::`, each cloze number and highlight.
    pub kinds: Vec<CardKind>,
    pub anchor: Option<String>,
    /// Card syntax the view leaves out, in order: `{{c1::`, `::hint}}`, the `==` of highlights
    /// and the ` ^anchor`. All of it is prose (text events to the renderer), but a hint may hold
    /// code.
    pub hidden: Vec<Range<usize>>,
    /// Cloze answers and highlighted text, to show marked.
    pub answers: Vec<Range<usize>>,
}

/// Groups the cards of `markdown` (as [`parse_cards`] returned them) by their source, with the
/// syntax to hide and the answers to mark.
pub fn card_marks(markdown: &str, cards: &[ParsedCard]) -> Vec<CardMark> {
    let syntax = Syntax::of(markdown);
    let mut marks: Vec<CardMark> = Vec::new();
    let mut at: HashMap<(usize, usize), usize> = HashMap::new();
    for card in cards {
        let place = (card.range.start, card.range.end);
        if let Some(mark) = at.get(&place).and_then(|&i| marks.get_mut(i)) {
            mark.kinds.push(card.kind);
            continue;
        }
        at.insert(place, marks.len());
        let range = card.range.clone();
        let (cut, anchor) = anchor_cut(
            markdown,
            &syntax,
            line_start(markdown, range.clone()),
            range.end,
        );
        let mut hidden = Vec::new();
        let mut answers = Vec::new();
        if matches!(
            card.kind,
            CardKind::Cloze { .. } | CardKind::Highlight { .. }
        ) {
            for d in find_deletions(markdown, &syntax, range.start..cut) {
                hidden.push(d.range.start..d.answer.start);
                hidden.push(d.answer.end..d.range.end);
                answers.push(d.answer);
            }
        }
        if anchor.is_some() {
            hidden.push(cut..range.end);
        }
        crate::core::sort_by_key(&mut hidden, |r| r.start);
        marks.push(CardMark {
            range,
            kinds: vec![card.kind],
            anchor: card.anchor.clone(),
            hidden,
            answers,
        });
    }
    crate::core::sort_by_key(&mut marks, |m| m.range.start);
    marks
}

/// A stored card as reconciling needs it. `state` is whatever the store keeps with it (schedule,
/// flags); reconciling never looks at it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardRecord<S = ()> {
    pub id: String,
    pub note_id: String,
    pub key: String,
    /// Its text left the note: out of review, history kept.
    pub retired: bool,
    pub state: S,
}

/// A parsed card matched to a card id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed<'a> {
    pub id: String,
    /// Its index among the parsed cards, which is its order in the note.
    pub position: usize,
    pub card: &'a ParsedCard,
}

/// What an edit of a note does to its stored cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled<'a> {
    /// New cards, to create with a fresh schedule.
    pub insert: Vec<Placed<'a>>,
    /// Live cards still in the note; their text and position may have changed.
    pub update: Vec<Placed<'a>>,
    /// Ids of live cards whose text left the note.
    pub retire: Vec<String>,
    /// Retired cards whose text is back: live again, with their history.
    pub revive: Vec<Placed<'a>>,
}

/// Matches the cards parsed from a note (keys unique, as [`parse_cards`] makes them) to the
/// stored cards of that note by key. Records of other notes are ignored.
pub fn reconcile<'a, S>(
    existing: &[CardRecord<S>],
    parsed: &'a [ParsedCard],
    note_id: &str,
) -> Reconciled<'a> {
    let mine: Vec<&CardRecord<S>> = existing.iter().filter(|r| r.note_id == note_id).collect();
    let mut by_key: HashMap<&str, &CardRecord<S>> = HashMap::new();
    let mut by_id: HashMap<&str, &CardRecord<S>> = HashMap::new();
    for record in &mine {
        by_key.entry(record.key.as_str()).or_insert(record);
        by_id.entry(record.id.as_str()).or_insert(record);
    }
    let mut out = Reconciled::default();
    let mut matched: HashSet<&str> = HashSet::new();
    for (position, card) in parsed.iter().enumerate() {
        let id = card_id(note_id, &card.key);
        let record = by_key
            .get(card.key.as_str())
            .or_else(|| by_id.get(id.as_str()));
        match record {
            // A second parsed card with a key already matched: keys were not unique.
            Some(r) if !matched.insert(r.id.as_str()) => {}
            Some(r) => {
                let placed = Placed {
                    id: r.id.clone(),
                    position,
                    card,
                };
                if r.retired {
                    out.revive.push(placed);
                } else {
                    out.update.push(placed);
                }
            }
            None => out.insert.push(Placed { id, position, card }),
        }
    }
    for record in mine {
        if !record.retired
            && !matched.contains(record.id.as_str())
            && !out.retire.contains(&record.id)
        {
            out.retire.push(record.id.clone());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// What each byte of the note is, as the renderer sees it.

/// Text a card marker may sit in: not code, HTML, a link, or a wiki-link.
const PROSE: u8 = 1;
const CODE_BLOCK: u8 = 2;
/// A heading or thematic break: never part of a card.
const BOUNDARY: u8 = 4;
const TABLE: u8 = 8;

struct Syntax {
    flags: Vec<u8>,
    /// Front matter lines count as blank: a card after it starts after it.
    front_matter_end: usize,
}

impl Syntax {
    fn of(markdown: &str) -> Syntax {
        Syntax::of_linked(markdown, &parse_links(markdown))
    }

    fn of_linked(markdown: &str, links: &[WikiLink]) -> Syntax {
        let mut flags = vec![0u8; markdown.len()];
        let mut mark = |range: Range<usize>, flag: u8| {
            for byte in flags.get_mut(range).into_iter().flatten() {
                *byte |= flag;
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
        };
        for link in links {
            for byte in syntax
                .flags
                .get_mut(link.range.clone())
                .into_iter()
                .flatten()
            {
                *byte &= !PROSE;
            }
        }
        syntax
    }

    fn all(&self, range: Range<usize>, flag: u8) -> bool {
        !range.is_empty()
            && self
                .flags
                .get(range)
                .is_some_and(|bytes| bytes.iter().all(|b| b & flag != 0))
    }

    fn line_has(&self, line: Line, flag: u8) -> bool {
        self.flags
            .get(line.start..line.end)
            .is_some_and(|bytes| bytes.iter().any(|b| b & flag != 0))
    }

    /// A line wholly inside a code block (fences included).
    fn is_code_line(&self, line: Line) -> bool {
        self.line_has(line, CODE_BLOCK) && !self.line_has(line, PROSE)
    }

    /// Blank lines (in a quote, `>` alone) end cards, except inside a code block.
    fn is_blank(&self, markdown: &str, line: Line) -> bool {
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
struct Line {
    start: usize,
    end: usize,
}

fn split_lines(text: &str) -> Vec<Line> {
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
fn line_start(text: &str, range: Range<usize>) -> usize {
    text.get(range.clone())
        .and_then(|t| t.rfind(['\n', '\r']))
        .map_or(range.start, |i| range.start + i + 1)
}

/// `start..end` without the whitespace at either end.
fn trimmed_range(text: &str, start: usize, end: usize) -> Range<usize> {
    let Some(slice) = text.get(start..end) else {
        return start..start;
    };
    let from = start + (slice.len() - slice.trim_start().len());
    from..(start + slice.trim_end().len()).max(from)
}

/// Card text as stored: trimmed, with `\n` line breaks.
fn clean(text: &str) -> String {
    text.trim().replace("\r\n", "\n").replace('\r', "\n")
}

/// The identity of a question: trimmed, whitespace collapsed, lowercase.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

// ---------------------------------------------------------------------------------------------
// `::`, `:::`, `?` and `??` cards.

/// A card before its key is settled.
struct Draft {
    kind: CardKind,
    front: String,
    back: String,
    text: Option<String>,
    anchor: Option<String>,
    range: Range<usize>,
    /// The key of an unanchored card, before normalising.
    identity: String,
    /// What follows `^anchor` in the key of an anchored card.
    anchored: String,
}

/// One-line and multi-line cards of a block (lines between blank lines), marking the lines used.
fn line_cards(md: &str, syn: &Syntax, block: &[Line], used: &mut [bool], out: &mut Vec<Draft>) {
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
fn separator(md: &str, syn: &Syntax, line: Line) -> Option<bool> {
    let text = md.get(line.start..line.end)?;
    let unquoted = text.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let trimmed = unquoted.trim_end();
    let at = line.start + (text.len() - unquoted.len());
    let two_way = syntax::question_line(trimmed)?;
    syn.all(at..at + trimmed.len(), PROSE).then_some(two_way)
}

fn multi_line(
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

fn single_line(md: &str, syn: &Syntax, line: Line) -> Option<Vec<Draft>> {
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

fn both_ways(
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
fn block_prefix_len(line: &str) -> usize {
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
fn first_marker(
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
        if syntax::separator_len(bytes, i).is_some() && !skipped && syn.all(i..end, PROSE) {
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
fn merged(ranges: impl IntoIterator<Item = Range<usize>>) -> Vec<Range<usize>> {
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
fn in_url(md: &str, line_start: usize, at: usize) -> bool {
    md.get(line_start..at)
        .is_some_and(|before| syntax::in_url(before, before.len()))
}

/// Where the text of a line ends once an anchor `^id` closing it (after a space, or alone on
/// the line) is left out, and the anchor's id. `(end, None)` without one.
fn anchor_cut(md: &str, syn: &Syntax, start: usize, end: usize) -> (usize, Option<String>) {
    find_anchor(md, syn, start, end).map_or((end, None), |(cut, id)| (cut, Some(id)))
}

fn find_anchor(md: &str, syn: &Syntax, start: usize, end: usize) -> Option<(usize, String)> {
    let line = md.get(start..end)?;
    let (cut, caret) = syntax::closing_anchor(line)?;
    let id = line.get(caret + 1..)?.trim_end();
    syn.all(start + caret..start + caret + 1 + id.len(), PROSE)
        .then(|| (start + cut, id.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Clozes and highlights.

/// Which deletions a cloze or highlight card hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Cloze(u32),
    Highlight(u32),
}

/// A `{{cN::answer::hint}}` or `==answer==` in the note.
#[derive(Debug, Clone)]
struct Deletion {
    range: Range<usize>,
    answer: Range<usize>,
    hint: Option<Range<usize>>,
    target: Target,
}

/// Cloze and highlight cards of a block, from its runs of lines no other card used.
fn deletion_cards(md: &str, syn: &Syntax, block: &[Line], used: &[bool], out: &mut Vec<Draft>) {
    let free = |k: usize| {
        let line = block[k];
        !used.get(k).copied().unwrap_or(true)
            && !syn.line_has(line, BOUNDARY | TABLE)
            && !syn.is_code_line(line)
    };
    let mut k = 0;
    while k < block.len() {
        if !free(k) {
            k += 1;
            continue;
        }
        let end = (k..block.len()).find(|&j| !free(j)).unwrap_or(block.len());
        if let Some(unit) = block.get(k..end) {
            paragraph_cards(md, syn, unit, out);
        }
        k = end;
    }
}

/// Bytes of card text one paragraph of clozes and highlights may yield, about.
const PARAGRAPH_TEXT_BUDGET: usize = 8 << 20;

fn paragraph_cards(md: &str, syn: &Syntax, lines: &[Line], out: &mut Vec<Draft>) {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return;
    };
    let (cut, anchor) = anchor_cut(md, syn, last.start, last.end);
    let region = first.start..cut;
    let deletions = find_deletions(md, syn, region.clone());
    if deletions.is_empty() {
        return;
    }
    let text = clean(md.get(region.clone()).unwrap_or(""));
    let range = trimmed_range(md, first.start, last.end);
    // Each card carries the paragraph twice over: a hostile note with thousands of deletions
    // in one long paragraph must not cost seconds and gigabytes.
    let mut room = (PARAGRAPH_TEXT_BUDGET / region.len().max(1)).max(1);
    let numbers: BTreeSet<u32> = deletions
        .iter()
        .filter_map(|d| match d.target {
            Target::Cloze(n) => Some(n),
            Target::Highlight(_) => None,
        })
        .collect();
    // `shown` is the highlighted text, part of a highlight's identity.
    let card = |kind: CardKind, target: Target, shown: Option<&str>, anchored: String| {
        let front = reveal(md, region.clone(), &deletions, target, false);
        Draft {
            kind,
            identity: match shown {
                Some(shown) => format!("{shown}|{front}"),
                None => front.clone(),
            },
            back: reveal(md, region.clone(), &deletions, target, true),
            front,
            text: Some(text.clone()),
            anchor: anchor.clone(),
            range: range.clone(),
            anchored,
        }
    };
    for number in numbers.into_iter().take(room) {
        room -= 1;
        out.push(card(
            CardKind::Cloze { number },
            Target::Cloze(number),
            None,
            format!(":c{number}"),
        ));
    }
    for d in &deletions {
        if let (Target::Highlight(index), 1..) = (d.target, room) {
            room -= 1;
            let shown = normalise(md.get(d.answer.clone()).unwrap_or(""));
            out.push(card(
                CardKind::Highlight { index },
                d.target,
                Some(&shown),
                format!(":highlight:{shown}"),
            ));
        }
    }
}

/// Clozes of `region`, then highlights that do not overlap them, in document order.
fn find_deletions(md: &str, syn: &Syntax, region: Range<usize>) -> Vec<Deletion> {
    if md
        .get(region.clone())
        .is_some_and(|t| !may_hold_deletions(t))
    {
        return Vec::new();
    }
    let mut found = find_clozes(md, syn, region.clone());
    let clozes = found.len();
    let mut index = 0u32;
    for line in split_lines(md.get(region.clone()).unwrap_or("")) {
        let line = region.start + line.start..region.start + line.end;
        for mut h in find_highlights(md, syn, line) {
            let overlaps = found
                .iter()
                .take(clozes)
                .any(|c| c.range.start < h.range.end && h.range.start < c.range.end);
            if !overlaps {
                h.target = Target::Highlight(index);
                index += 1;
                found.push(h);
            }
        }
    }
    crate::core::sort_by_key(&mut found, |d| d.range.start);
    found
}

/// `{{cN::answer}}` and `{{cN::answer::hint}}` (N from 1), nested as Anki allows. The answer
/// ends at the first `}}`, unless braces opened inside it need more (`{{c1::{x}}}`). An opening
/// never closed is text.
/// Clozes nested deeper than this are text, so hostile nesting cannot exhaust the stack.
const MAX_CLOZE_NESTING: usize = 16;

fn find_clozes(md: &str, syn: &Syntax, region: Range<usize>) -> Vec<Deletion> {
    struct Open {
        number: u32,
        open: usize,
        content: usize,
        /// `{` minus `}` so far in the answer.
        braces: usize,
        hint: Option<usize>,
    }
    let bytes = md.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut found = Vec::new();
    let mut k = region.start;
    // Where the run of `}` holding `k` ends, once measured.
    let mut run_end = 0;
    while k < region.end {
        let next = bytes.get(k + 1).copied();
        match bytes.get(k) {
            Some(b'{') => {
                // Deeper nesting is text: revealing nests as deep as the clozes do.
                let opening = (stack.len() < MAX_CLOZE_NESTING)
                    .then(|| cloze_opening(md, syn, k, region.end))
                    .flatten();
                if let Some((number, content)) = opening {
                    stack.push(Open {
                        number,
                        open: k,
                        content,
                        braces: 0,
                        hint: None,
                    });
                    k = content;
                    continue;
                }
                if let Some(top) = stack.last_mut() {
                    top.braces += 1;
                }
            }
            Some(b'}') if next == Some(b'}') && syn.all(k..k + 2, PROSE) => {
                // Each run of `}` is measured once, so a long one stays linear.
                if k >= run_end {
                    run_end = k + bytes
                        .get(k..region.end)
                        .map_or(0, |r| r.iter().take_while(|&&b| b == b'}').count());
                }
                let run = run_end - k;
                match stack.last_mut() {
                    // One `}` closes a brace of the answer when enough follow to close the cloze.
                    Some(top) if top.braces > 0 && run > 2 => top.braces -= 1,
                    Some(_) => {
                        if let Some(top) = stack.pop() {
                            let answer = top.content..top.hint.unwrap_or(k);
                            let filled =
                                md.get(answer.clone()).is_some_and(|a| !a.trim().is_empty());
                            if filled {
                                found.push(Deletion {
                                    range: top.open..k + 2,
                                    answer,
                                    hint: top.hint.map(|h| h + 2..k),
                                    target: Target::Cloze(top.number),
                                });
                            }
                        }
                        k += 2;
                        continue;
                    }
                    None => {}
                }
            }
            Some(b'}') => {
                if let Some(top) = stack.last_mut() {
                    top.braces = top.braces.saturating_sub(1);
                }
            }
            Some(b':') if next == Some(b':') && syn.all(k..k + 2, PROSE) => {
                if let Some(top) = stack.last_mut().filter(|t| t.hint.is_none()) {
                    top.hint = Some(k);
                    k += 2;
                    continue;
                }
            }
            _ => {}
        }
        k += 1;
    }
    crate::core::sort_by_key(&mut found, |d| d.range.start);
    found
}

/// The cloze number and where its content starts, when `{{cN::` opens at `open`.
fn cloze_opening(md: &str, syn: &Syntax, open: usize, end: usize) -> Option<(u32, usize)> {
    let (number, len) = syntax::cloze_opener(md.as_bytes().get(..end)?, open)?;
    let content = open + len;
    syn.all(open..content, PROSE).then_some((number, content))
}

/// `==text==` on one line: the text neither starts nor ends with a space, and `===` is not a
/// marker. The index is set by the caller.
fn find_highlights(md: &str, syn: &Syntax, line: Range<usize>) -> Vec<Deletion> {
    let bytes = md.as_bytes();
    let mut found = Vec::new();
    let mut i = line.start;
    while let Some(open) = find_from(bytes, b"==", i, line.end) {
        let opens = syntax::opens_highlight(bytes, line.start, open, line.end)
            && syn.all(open..open + 2, PROSE);
        if !opens {
            i = open + 1;
            continue;
        }
        let mut j = syntax::highlight_text_start(open);
        let mut close = None;
        while let Some(at) = find_from(bytes, b"==", j, line.end) {
            if syntax::closes_highlight(bytes, at, line.end) && syn.all(at..at + 2, PROSE) {
                close = Some(at);
                break;
            }
            j = at + 1;
        }
        match close {
            Some(at) => {
                found.push(Deletion {
                    range: open..at + 2,
                    answer: open + 2..at,
                    hint: None,
                    target: Target::Highlight(0),
                });
                i = at + 2;
            }
            None => break,
        }
    }
    found
}

fn find_from(bytes: &[u8], needle: &[u8], from: usize, end: usize) -> Option<usize> {
    bytes
        .get(from..end)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// The text of `region` with the target's deletions hidden (or shown in bold for the answer)
/// and every other deletion reduced to its answer.
fn reveal(
    md: &str,
    region: Range<usize>,
    deletions: &[Deletion],
    target: Target,
    answer: bool,
) -> String {
    let mut out = String::with_capacity(region.len());
    write_revealed(md, region, deletions, target, answer, &mut out);
    clean(&out)
}

/// [`reveal`] of `span`, whose deletions are those of `deletions` inside it (sorted by start):
/// a nested cloze is written as part of its parent's answer.
fn write_revealed(
    md: &str,
    span: Range<usize>,
    deletions: &[Deletion],
    target: Target,
    answer: bool,
    out: &mut String,
) {
    let mut at = span.start;
    for (i, d) in deletions.iter().enumerate() {
        if d.range.start >= span.end {
            break;
        }
        // Before the span, or inside a deletion already written.
        if d.range.start < at || d.range.end > span.end {
            continue;
        }
        out.push_str(md.get(at..d.range.start).unwrap_or(""));
        let inner = deletions.get(i + 1..).unwrap_or(&[]);
        if d.target == target && !answer {
            let hint = d
                .hint
                .clone()
                .and_then(|h| md.get(h))
                .map(str::trim)
                .filter(|h| !h.is_empty());
            // Escaped, so `[...](x)` can never turn into a link.
            out.push_str(&format!("\\[{}\\]", hint.unwrap_or("...")));
        } else {
            let mut shown = String::new();
            write_revealed(md, d.answer.clone(), inner, target, answer, &mut shown);
            if d.target == target {
                out.push_str(&bold(&shown));
            } else {
                out.push_str(&shown);
            }
        }
        at = d.range.end;
    }
    out.push_str(md.get(at..span.end).unwrap_or(""));
}

/// `**text**`, with outer spaces kept outside so the emphasis takes.
fn bold(text: &str) -> String {
    let inner = text.trim();
    if inner.is_empty() {
        return text.to_string();
    }
    let lead = text.len() - text.trim_start().len();
    let trail = text.trim_end().len();
    format!(
        "{}**{inner}**{}",
        text.get(..lead).unwrap_or(""),
        text.get(trail..).unwrap_or("")
    )
}

fn reveal_standalone(text: &str, target: Target, answer: bool) -> String {
    let syntax = Syntax::of(text);
    let end = text.trim_end().len();
    let (cut, _) = anchor_cut(text, &syntax, line_start(text, 0..end), end);
    let deletions = find_deletions(text, &syntax, 0..cut);
    reveal(text, 0..cut, &deletions, target, answer)
}

/// Settles keys: anchored or from the question, unique within the note.
fn finish(mut drafts: Vec<Draft>) -> Vec<ParsedCard> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const C1: CardKind = CardKind::Cloze { number: 1 };
    const C2: CardKind = CardKind::Cloze { number: 2 };
    const H0: CardKind = CardKind::Highlight { index: 0 };
    const H1: CardKind = CardKind::Highlight { index: 1 };

    /// Each card as `(kind, front, back)`.
    fn brief(md: &str) -> Vec<(CardKind, String, String)> {
        parse_cards(md)
            .into_iter()
            .map(|c| (c.kind, c.front, c.back))
            .collect()
    }

    fn card(kind: CardKind, front: &str, back: &str) -> (CardKind, String, String) {
        (kind, front.to_string(), back.to_string())
    }

    /// The source each card was found in.
    fn sources(md: &str) -> Vec<&str> {
        parse_cards(md)
            .into_iter()
            .map(|c| md.get(c.range).unwrap_or("<bad range>"))
            .collect()
    }

    fn keys(md: &str) -> Vec<String> {
        parse_cards(md).into_iter().map(|c| c.key).collect()
    }

    #[test]
    fn text_without_a_marker_holds_no_cards() {
        assert!(!may_hold_cards(
            "plain words: one colon, {one brace} and = one sign"
        ));
        for marked in ["a :: b", "q\n?\na", "{{c1::x}}", "==x==", "?"] {
            assert!(may_hold_cards(marked), "{marked}");
        }
        assert!(may_hold_deletions("{{c1::x}}") && may_hold_deletions("a ==b=="));
        assert!(!may_hold_deletions("a :: b ? { } ="));
        assert!(parse_cards("plain words: one colon and = one sign").is_empty());
    }

    #[test]
    fn front_matter_holds_no_cards() {
        let md = "---\naliases:: x\nq :: a\n---\nFront :: Back";
        assert_eq!(brief(md), vec![card(CardKind::Basic, "Front", "Back")]);
        // A multi-line card right after it starts after it.
        let md = "---\ntags: [a]\n---\nFront\n?\nBack";
        assert_eq!(brief(md), vec![card(CardKind::Basic, "Front", "Back")]);
    }

    #[test]
    fn one_line_card() {
        let md = "Capital of France :: Paris";
        let cards = parse_cards(md);
        assert_eq!(
            cards,
            vec![ParsedCard {
                kind: CardKind::Basic,
                front: "Capital of France".into(),
                back: "Paris".into(),
                text: None,
                anchor: None,
                range: 0..md.len(),
                key: "basic:capital of france".into(),
            }]
        );
        assert_eq!(
            brief("Question::Answer"),
            [card(CardKind::Basic, "Question", "Answer")]
        );
        assert_eq!(
            brief("**Bold** `code` :: *an* [[Link]] answer :: with more"),
            [card(
                CardKind::Basic,
                "**Bold** `code`",
                "*an* [[Link]] answer :: with more"
            )]
        );
    }

    #[test]
    fn triple_colon_makes_both_ways() {
        let md = "intro\n\nParis ::: Capital of France\nafter";
        assert_eq!(
            brief(md),
            [
                card(CardKind::Basic, "Paris", "Capital of France"),
                card(CardKind::Reverse, "Capital of France", "Paris"),
            ]
        );
        assert_eq!(sources(md), ["Paris ::: Capital of France"; 2]);
        assert_eq!(keys(md), ["basic:paris", "reverse:capital of france"]);
        // Four colons are no marker.
        assert_eq!(brief("a :::: b"), []);
    }

    #[test]
    fn list_task_and_quote_markers_are_not_the_front() {
        let md = "- a :: b\n- [ ] c ::: d\n1. e :: f\n> g :: h\n> - i :: j\n* [x] k :: l\n";
        assert_eq!(
            brief(md),
            [
                card(CardKind::Basic, "a", "b"),
                card(CardKind::Basic, "c", "d"),
                card(CardKind::Reverse, "d", "c"),
                card(CardKind::Basic, "e", "f"),
                card(CardKind::Basic, "g", "h"),
                card(CardKind::Basic, "i", "j"),
                card(CardKind::Basic, "k", "l"),
            ]
        );
        assert_eq!(sources(md)[0], "a :: b");
        assert_eq!(sources(md)[6], "k :: l");
        // Emphasis is not a list marker.
        assert_eq!(
            brief("*Front* :: back"),
            [card(CardKind::Basic, "*Front*", "back")]
        );
    }

    #[test]
    fn one_line_cards_need_both_sides() {
        for md in [
            ":: back",
            "front ::",
            "  ::  ",
            "::",
            ":::",
            "- :: b",
            "a ::: ",
            "a :: ^only-anchor",
        ] {
            assert_eq!(brief(md), [], "{md:?}");
        }
    }

    #[test]
    fn multi_line_card_ends_at_a_blank_line() {
        let md = "Intro :: first\n\nQuestion line 1\nline 2\n?\nAnswer 1\n- answer 2\n\nNot part";
        assert_eq!(
            brief(md),
            [
                card(CardKind::Basic, "Intro", "first"),
                card(
                    CardKind::Basic,
                    "Question line 1\nline 2",
                    "Answer 1\n- answer 2"
                ),
            ]
        );
        assert_eq!(
            sources(md)[1],
            "Question line 1\nline 2\n?\nAnswer 1\n- answer 2"
        );
    }

    #[test]
    fn multi_line_card_ends_at_end_of_text_or_heading() {
        assert_eq!(brief("Q\n?\nA"), [card(CardKind::Basic, "Q", "A")]);
        assert_eq!(brief("Q\n?\nA\n"), [card(CardKind::Basic, "Q", "A")]);
        assert_eq!(
            brief("# Title\nQ\n?\nA\n## Next\nz :: y"),
            [
                card(CardKind::Basic, "Q", "A"),
                card(CardKind::Basic, "z", "y"),
            ]
        );
    }

    #[test]
    fn multi_line_front_starts_after_other_cards() {
        assert_eq!(
            brief("a :: b\nQ\n?\nA"),
            [
                card(CardKind::Basic, "a", "b"),
                card(CardKind::Basic, "Q", "A")
            ]
        );
        // The back runs to the blank line, whatever it holds.
        assert_eq!(
            brief("Q\n?\nA\nc :: d\n\ne :: f"),
            [
                card(CardKind::Basic, "Q", "A\nc :: d"),
                card(CardKind::Basic, "e", "f"),
            ]
        );
    }

    #[test]
    fn double_question_mark_makes_both_ways() {
        assert_eq!(
            brief("Front 1\nFront 2\n??\nBack"),
            [
                card(CardKind::Basic, "Front 1\nFront 2", "Back"),
                card(CardKind::Reverse, "Back", "Front 1\nFront 2"),
            ]
        );
    }

    #[test]
    fn multi_line_needs_front_and_back() {
        for md in ["?\nA", "Q\n?", "Q\n?\n\nA", "?", "??", "Q\n?\n^id"] {
            assert_eq!(brief(md), [], "{md:?}");
        }
        assert_eq!(brief("Q\n? \nA"), [card(CardKind::Basic, "Q", "A")]);
        assert_eq!(brief("Q\n?!\nA"), []);
        assert_eq!(brief("Q\n`?`\nA"), []);
    }

    #[test]
    fn multi_line_back_may_hold_code_with_blank_lines() {
        let md =
            "What prints?\n?\n```rust\nprintln!(\"a :: b\");\n\nmore();\n```\nThat.\n\nafter :: x";
        assert_eq!(
            brief(md),
            [
                card(
                    CardKind::Basic,
                    "What prints?",
                    "```rust\nprintln!(\"a :: b\");\n\nmore();\n```\nThat."
                ),
                card(CardKind::Basic, "after", "x"),
            ]
        );
    }

    #[test]
    fn multi_line_in_a_list_item() {
        assert_eq!(
            brief("- Question\n  ?\n  Answer"),
            [card(CardKind::Basic, "- Question", "Answer")]
        );
    }

    #[test]
    fn multi_line_in_a_quote() {
        assert_eq!(
            brief("> Q\n> ?\n> A\n>\n> B :: C"),
            [
                card(CardKind::Basic, "> Q", "> A"),
                card(CardKind::Basic, "B", "C"),
            ]
        );
    }

    #[test]
    fn crlf_and_cr_line_endings() {
        let md = "Q1\r\nQ2\r\n?\r\nA1\r\nA2 ^crlf\r\n\r\nx :: y\r\nz ::: w\r\n";
        let cards = parse_cards(md);
        assert_eq!(
            brief(md),
            [
                card(CardKind::Basic, "Q1\nQ2", "A1\nA2"),
                card(CardKind::Basic, "x", "y"),
                card(CardKind::Basic, "z", "w"),
                card(CardKind::Reverse, "w", "z"),
            ]
        );
        assert_eq!(
            &md[cards[0].range.clone()],
            "Q1\r\nQ2\r\n?\r\nA1\r\nA2 ^crlf"
        );
        assert_eq!(cards[0].key, "^crlf");
        assert_eq!(&md[cards[1].range.clone()], "x :: y");
        assert_eq!(
            brief("Q\r?\rA\r\rb :: c"),
            [
                card(CardKind::Basic, "Q", "A"),
                card(CardKind::Basic, "b", "c")
            ]
        );
        assert_eq!(
            brief("{{c1::a}}\r\nb\r\n"),
            [card(C1, "\\[...\\]\nb", "**a**\nb")]
        );
    }

    #[test]
    fn cloze_numbers_and_hints() {
        let md = "The capital of {{c1::France}} is {{c2::Paris::city}}; {{c1::France}} again.";
        let cards = parse_cards(md);
        assert_eq!(
            brief(md),
            [
                card(
                    C1,
                    "The capital of \\[...\\] is Paris; \\[...\\] again.",
                    "The capital of **France** is Paris; **France** again."
                ),
                card(
                    C2,
                    "The capital of France is \\[city\\]; France again.",
                    "The capital of France is **Paris**; France again."
                ),
            ]
        );
        for c in &cards {
            assert_eq!(c.text.as_deref(), Some(md));
            assert_eq!(c.range, 0..md.len());
        }
        assert_eq!(
            cards[0].key,
            "cloze:the capital of \\[...\\] is paris; \\[...\\] again."
        );
    }

    #[test]
    fn cloze_cards_in_number_order_per_paragraph() {
        let md = "{{c3::c}} {{c1::a}}\n{{c2::b}}\n\n{{c1::other}} paragraph";
        assert_eq!(
            brief(md),
            [
                card(C1, "c \\[...\\]\nb", "c **a**\nb"),
                card(C2, "c a\n\\[...\\]", "c a\n**b**"),
                card(
                    CardKind::Cloze { number: 3 },
                    "\\[...\\] a\nb",
                    "**c** a\nb"
                ),
                card(C1, "\\[...\\] paragraph", "**other** paragraph"),
            ]
        );
        assert_eq!(
            sources(md),
            [
                "{{c3::c}} {{c1::a}}\n{{c2::b}}",
                "{{c3::c}} {{c1::a}}\n{{c2::b}}",
                "{{c3::c}} {{c1::a}}\n{{c2::b}}",
                "{{c1::other}} paragraph",
            ]
        );
    }

    #[test]
    fn cloze_edge_cases() {
        // Empty answers, c0, bad numbers and unclosed clozes are text.
        for md in [
            "{{c1::}}",
            "{{c1::  }}",
            "{{c0::x}}",
            "{{c::x}}",
            "{{c1:x}}",
            "{{c1::unclosed",
            "{{c1::unclosed}",
            "{{c99999999999::x}}",
        ] {
            assert_eq!(brief(md), [], "{md:?}");
        }
        // One brace is no cloze.
        assert!(parse_cards("{c1::x}}")
            .iter()
            .all(|c| c.kind == CardKind::Basic));
        // An empty hint is no hint; `C` as Anki writes it too.
        assert_eq!(
            brief("{{c1::a::}} {{C2::b}}"),
            [
                card(C1, "\\[...\\] b", "**a** b"),
                card(C2, "a \\[...\\]", "a **b**"),
            ]
        );
        // The hint runs to the end; only its first `::` splits.
        assert_eq!(brief("{{c1::a::b::c}}"), [card(C1, "\\[b::c\\]", "**a**")]);
    }

    #[test]
    fn cloze_braces() {
        assert_eq!(
            brief("f = {{c1::{x}}} and {{c2::a}}}"),
            [
                card(C1, "f = \\[...\\] and a}", "f = **{x}** and a}"),
                card(C2, "f = {x} and \\[...\\]}", "f = {x} and **a**}"),
            ]
        );
        // Anki closes at the first `}}` when the braces are not balanced.
        assert_eq!(
            brief("{{c1::a { b}} c}"),
            [card(C1, "\\[...\\] c}", "**a { b** c}")]
        );
        assert_eq!(
            brief("{{c1::\\frac{a}{b}}}"),
            [card(C1, "\\[...\\]", "**\\frac{a}{b}**")]
        );
    }

    #[test]
    fn hostile_nesting_and_brace_runs_stay_cheap() {
        // Thousands of nested openings: the first sixteen are clozes, the rest text.
        let deep = format!("{}x{}", "{{c1::".repeat(5_000), "}}".repeat(5_000));
        let cards = parse_cards(&deep);
        assert_eq!(cards.len(), 1);
        // A long run of closing braces is read once.
        let braces = format!("{{{{c1::a{}", "}".repeat(200_000));
        assert_eq!(parse_cards(&braces).len(), 1);
    }

    #[test]
    fn nested_clozes() {
        let md = "{{c1::{{c2::in}} out::hint}} end";
        assert_eq!(
            brief(md),
            [
                card(C1, "\\[hint\\] end", "**in out** end"),
                card(C2, "\\[...\\] out end", "**in** out end"),
            ]
        );
        // An unclosed outer cloze leaves the inner one.
        assert_eq!(
            brief("{{c1::a {{c2::b}} c"),
            [card(C2, "{{c1::a \\[...\\] c", "{{c1::a **b** c")]
        );
    }

    #[test]
    fn cloze_in_code_or_with_code() {
        assert_eq!(brief("`{{c1::x}}`"), []);
        assert_eq!(brief("```\n{{c1::x}}\n```"), []);
        assert_eq!(brief("    {{c1::x}}"), []);
        assert_eq!(
            brief("Call {{c1::`f()`}} to {{c2::start `}}` x}}"),
            [
                card(
                    C1,
                    "Call \\[...\\] to start `}}` x",
                    "Call **`f()`** to start `}}` x"
                ),
                card(
                    C2,
                    "Call `f()` to \\[...\\]",
                    "Call `f()` to **start `}}` x**"
                ),
            ]
        );
        // A cloze split by code is no cloze.
        assert_eq!(brief("{{c1::a `}}`"), []);
    }

    #[test]
    fn cloze_syntax_never_makes_a_one_line_card() {
        for md in ["{{c1::unclosed", "{{c1::}} empty", "{{c0::x}}", "{{c12::a"] {
            assert_eq!(brief(md), [], "{md:?}");
        }
        // A real `::` beside clozes still does.
        assert_eq!(
            brief("Where is {{c1::Paris}} :: France"),
            [card(CardKind::Basic, "Where is {{c1::Paris}}", "France")]
        );
    }

    #[test]
    fn highlights_are_one_card_each() {
        let md = "Highlight ==one== and ==two words== here.";
        let cards = parse_cards(md);
        assert_eq!(
            brief(md),
            [
                card(
                    H0,
                    "Highlight \\[...\\] and two words here.",
                    "Highlight **one** and two words here."
                ),
                card(
                    H1,
                    "Highlight one and \\[...\\] here.",
                    "Highlight one and **two words** here."
                ),
            ]
        );
        assert_eq!(cards[0].text.as_deref(), Some(md));
        assert_eq!(
            cards[1].key,
            "highlight:two words|highlight one and \\[...\\] here."
        );
    }

    #[test]
    fn highlight_edge_cases() {
        for md in [
            "a == b",
            "a == b == c",
            "x === y === z",
            "====",
            "== x==",
            "==x ==",
            "`==code==`",
            "```\n==fenced==\n```",
            "[==link text==](u)",
            "[t](http://x?a==b==)",
            "==across\nlines==",
            "# ==Heading==",
            "| ==cell== |\n|---|",
        ] {
            assert_eq!(brief(md), [], "{md:?}");
        }
        assert_eq!(
            brief("a==b==c and `==x==`"),
            [card(H0, "a\\[...\\]c and `==x==`", "a**b**c and `==x==`")]
        );
    }

    #[test]
    fn clozes_and_highlights_in_one_paragraph() {
        assert_eq!(
            brief("{{c1::a}} ==b== {{c1::==c==}}"),
            [
                card(C1, "\\[...\\] b \\[...\\]", "**a** b **==c==**"),
                card(H0, "a \\[...\\] ==c==", "a **b** ==c=="),
            ]
        );
    }

    #[test]
    fn highlights_in_a_one_line_card_are_formatting() {
        assert_eq!(
            brief("The ==mitochondria== :: powerhouse"),
            [card(CardKind::Basic, "The ==mitochondria==", "powerhouse")]
        );
        // `::` inside a highlight is not a marker.
        assert_eq!(
            brief("Use ==std::mem== here"),
            [card(H0, "Use \\[...\\] here", "Use **std::mem** here")]
        );
    }

    #[test]
    fn anchors_name_cards() {
        let md = "Paris ::: Capital of France ^capital-of-france";
        let cards = parse_cards(md);
        assert_eq!(
            brief(md),
            [
                card(CardKind::Basic, "Paris", "Capital of France"),
                card(CardKind::Reverse, "Capital of France", "Paris"),
            ]
        );
        assert_eq!(cards[0].anchor.as_deref(), Some("capital-of-france"));
        assert_eq!(
            keys(md),
            ["^capital-of-france", "^capital-of-france:reverse"]
        );
        assert_eq!(cards[0].range, 0..md.len());

        let md = "Q\n?\nA\n^solo\n\n{{c1::a}} {{c2::b}} ==c== ^geo";
        let cards = parse_cards(md);
        assert_eq!(cards[0].back, "A");
        assert_eq!(&md[cards[0].range.clone()], "Q\n?\nA\n^solo");
        assert_eq!(
            keys(md),
            ["^solo", "^geo:c1", "^geo:c2", "^geo:highlight:c"]
        );
        assert_eq!(cards[1].text.as_deref(), Some("{{c1::a}} {{c2::b}} ==c=="));
        assert_eq!(cards[3].back, "a b **c**");
    }

    #[test]
    fn what_is_not_an_anchor() {
        for (md, back) in [
            ("a :: x^2", "x^2"),
            ("a :: b ^", "b ^"),
            ("a :: b ^no_underscore", "b ^no_underscore"),
            ("a :: b ^é", "b ^é"),
            ("a :: b `^code`", "b `^code`"),
            ("a :: b ^id more", "b ^id more"),
        ] {
            let cards = parse_cards(md);
            assert_eq!(cards.len(), 1, "{md:?}");
            assert_eq!(cards[0].back, back, "{md:?}");
            assert_eq!(cards[0].anchor, None, "{md:?}");
        }
        // An anchor in the front does not count.
        let cards = parse_cards("a ^x :: b");
        assert_eq!(
            (cards[0].front.as_str(), cards[0].anchor.clone()),
            ("a ^x", None)
        );
        // Trailing spaces after the anchor are fine.
        assert_eq!(parse_cards("a :: b ^ok  ")[0].anchor.as_deref(), Some("ok"));
    }

    #[test]
    fn code_is_never_a_card() {
        let md = "\
`a :: b`

``x ::: y``

```
c :: d
Q
?
A
```

~~~
{{c1::e}}
~~~

    f :: g

<div>
h :: i
</div>
";
        assert_eq!(brief(md), []);
        // Code inside a card is fine.
        assert_eq!(
            brief("`x::y` :: `z::w`"),
            [card(CardKind::Basic, "`x::y`", "`z::w`")]
        );
    }

    #[test]
    fn urls_and_links_do_not_make_cards() {
        for md in [
            "see http://x::y here",
            "https://example.com/a::b",
            "<http://x::y>",
            "[text](http://c::d)",
            "[a :: b](url)",
            "![alt :: text](pic.png)",
            "[[Note::x]]",
            "[ref]: http://a::b",
        ] {
            assert_eq!(brief(md), [], "{md:?}");
        }
        assert_eq!(
            brief("Site http://x::y :: a website"),
            [card(CardKind::Basic, "Site http://x::y", "a website")]
        );
        assert_eq!(
            brief("[[Note::x]] and [link](u::v) :: b"),
            [card(CardKind::Basic, "[[Note::x]] and [link](u::v)", "b")]
        );
        // An escaped colon is no marker.
        assert_eq!(brief(r"a \:: b"), []);
    }

    #[test]
    fn tables_and_headings_are_not_cards() {
        for md in [
            "| a :: b | c |\n|---|---|\n| x :: y | z |",
            // A table runs to the blank line, rows without pipes included.
            "| a |\n|---|\n| b |\nafter :: x",
            "# Heading :: no",
            "## Q\n?\nA",
            "Q\n?\n## A",
            "Setext :: no\n---",
            "Setext :: no\n===",
            "---\n:: x",
        ] {
            assert_eq!(brief(md), [], "{md:?}");
        }
        // A heading or table right above starts the next card.
        assert_eq!(
            brief("## Topic\nQ\n?\nA"),
            [card(CardKind::Basic, "Q", "A")]
        );
        assert_eq!(
            brief("| a |\n|---|\n| b |\n\nafter :: x"),
            [card(CardKind::Basic, "after", "x")]
        );
    }

    #[test]
    fn multibyte_text() {
        let md = "Été 🌞 :: ça va — naïve\n\n日本の首都は{{c1::東京::都市}}です。==富士山==";
        let cards = parse_cards(md);
        assert_eq!(
            brief(md),
            [
                card(CardKind::Basic, "Été 🌞", "ça va — naïve"),
                card(
                    C1,
                    "日本の首都は\\[都市\\]です。富士山",
                    "日本の首都は**東京**です。富士山"
                ),
                card(
                    H0,
                    "日本の首都は東京です。\\[...\\]",
                    "日本の首都は東京です。**富士山**"
                ),
            ]
        );
        assert_eq!(&md[cards[0].range.clone()], "Été 🌞 :: ça va — naïve");
        assert_eq!(cards[0].key, "basic:été 🌞");
        assert!(md.get(cards[1].range.clone()).is_some());
    }

    #[test]
    fn keys_survive_back_edits_and_whitespace() {
        let before = keys("Capital of France :: Paris\n\n{{c1::Lyon::city}} is big");
        assert_eq!(
            keys("  Capital   of\tFRANCE ::   Paris, the city of light  \n\n{{c1::Lyons::city}}   is big"),
            before
        );
        assert_eq!(
            keys("Capital of\nFrance\n?\nParis"),
            ["basic:capital of france"]
        );
        assert_ne!(
            keys("Capital of Spain :: Madrid"),
            keys("Capital of France :: Madrid")
        );
        // The kind is part of the key.
        assert_ne!(keys("a :: b")[0], keys("b ::: a")[1]);
        // A hint is part of the question.
        assert_ne!(keys("{{c1::a}} x"), keys("{{c1::a::hint}} x"));
        // Renumbering a lone cloze keeps it.
        assert_eq!(keys("{{c1::a}} x"), keys("{{c3::a}} x"));
        // An anchor keeps a card through a new front.
        assert_eq!(keys("Old :: a ^k"), keys("New :: b ^k"));
    }

    #[test]
    fn duplicate_keys_get_numbered() {
        assert_eq!(
            keys("a :: 1\nA :: 2\n\na  ::  3\nb :: 4 ^x\nc :: 5 ^x"),
            ["basic:a", "basic:a#2", "basic:a#3", "^x", "^x#2"]
        );
        // A front that already ends in `#2` is not taken twice.
        assert_eq!(
            keys("a#2 :: 1\na :: 2\na :: 3"),
            ["basic:a#2", "basic:a", "basic:a#3"]
        );
        assert_eq!(
            keys("==x== ==x=="),
            ["highlight:x|\\[...\\] x", "highlight:x|x \\[...\\]"]
        );
    }

    #[test]
    fn card_ids() {
        assert_eq!(card_id("n1", "basic:a"), "n1/basic:a");
        assert_eq!(card_id("n1", "^cap"), "n1/^cap");
    }

    fn record(note: &str, key: &str, retired: bool) -> CardRecord<u32> {
        CardRecord {
            id: card_id(note, key),
            note_id: note.to_string(),
            key: key.to_string(),
            retired,
            state: 7,
        }
    }

    fn ids(placed: &[Placed<'_>]) -> Vec<(String, usize)> {
        placed.iter().map(|p| (p.id.clone(), p.position)).collect()
    }

    #[test]
    fn reconcile_keeps_retires_revives_and_adds() {
        let existing = [
            record("n", "basic:kept", false),
            record("n", "basic:gone", false),
            record("n", "basic:back", true),
            record("n", "basic:still gone", true),
            record("other", "basic:new", false),
        ];
        let parsed = parse_cards("New :: card\nKept :: new back\nBack :: again");
        let out = reconcile(&existing, &parsed, "n");
        assert_eq!(ids(&out.insert), [("n/basic:new".to_string(), 0)]);
        assert_eq!(ids(&out.update), [("n/basic:kept".to_string(), 1)]);
        assert_eq!(out.update[0].card.back, "new back");
        assert_eq!(ids(&out.revive), [("n/basic:back".to_string(), 2)]);
        assert_eq!(out.retire, ["n/basic:gone"]);
    }

    #[test]
    fn reconcile_edit_cycle() {
        let note = "n";
        let v1 = parse_cards("Q1 :: A1\nQ2 :: A2");
        let first = reconcile::<()>(&[], &v1, note);
        assert_eq!(first.insert.len(), 2);
        let mut store: Vec<CardRecord> = first
            .insert
            .iter()
            .map(|p| CardRecord {
                id: p.id.clone(),
                note_id: note.into(),
                key: p.card.key.clone(),
                retired: false,
                state: (),
            })
            .collect();
        // The front of Q2 changes: Q2 retires, a new card comes.
        let v2 = parse_cards("Q1 :: A1 edited\nQ2 changed :: A2");
        let second = reconcile(&store, &v2, note);
        assert_eq!(ids(&second.update), [("n/basic:q1".to_string(), 0)]);
        assert_eq!(ids(&second.insert), [("n/basic:q2 changed".to_string(), 1)]);
        assert_eq!(second.retire, ["n/basic:q2"]);
        for r in &mut store {
            r.retired = second.retire.contains(&r.id);
        }
        // The edit is undone: the old card comes back with its id, so its history.
        let third = reconcile(&store, &v1, note);
        assert_eq!(ids(&third.revive), [("n/basic:q2".to_string(), 1)]);
        assert_eq!(ids(&third.update), [("n/basic:q1".to_string(), 0)]);
        assert!(third.insert.is_empty() && third.retire.is_empty());
        // Nothing changes, nothing moves.
        let same = reconcile(&store, &[], "elsewhere");
        assert_eq!(same, Reconciled::default());
    }

    #[test]
    fn reconcile_everything_removed() {
        let existing = [record("n", "basic:a", false), record("n", "basic:b", true)];
        let out = reconcile(&existing, &[], "n");
        assert_eq!(out.retire, ["n/basic:a"]);
        assert!(out.insert.is_empty() && out.update.is_empty() && out.revive.is_empty());
    }

    #[test]
    fn reconcile_tolerates_duplicate_keys() {
        let mut parsed = parse_cards("a :: 1");
        parsed.extend(parse_cards("a :: 2"));
        let out = reconcile(&[record("n", "basic:a", false)], &parsed, "n");
        assert_eq!(ids(&out.update), [("n/basic:a".to_string(), 0)]);
        assert!(out.insert.is_empty() && out.retire.is_empty());
    }

    #[test]
    fn marks_for_the_note_view() {
        let md = "a ::: b ^x\n\nThe {{c1::capital::city}} of {{c2::France}} ==is== ^geo\n\nQ\n?\nA";
        let cards = parse_cards(md);
        let marks = card_marks(md, &cards);
        /// `(source, kinds, hidden, answers)`.
        type Seen<'a> = (&'a str, Vec<CardKind>, Vec<&'a str>, Vec<&'a str>);
        let seen: Vec<Seen<'_>> = marks
            .iter()
            .map(|m| {
                (
                    &md[m.range.clone()],
                    m.kinds.clone(),
                    m.hidden.iter().map(|r| &md[r.clone()]).collect(),
                    m.answers.iter().map(|r| &md[r.clone()]).collect(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "a ::: b ^x",
                    vec![CardKind::Basic, CardKind::Reverse],
                    vec![" ^x"],
                    vec![]
                ),
                (
                    "The {{c1::capital::city}} of {{c2::France}} ==is== ^geo",
                    vec![C1, C2, H0],
                    vec!["{{c1::", "::city}}", "{{c2::", "}}", "==", "==", " ^geo"],
                    vec!["capital", "France", "is"]
                ),
                ("Q\n?\nA", vec![CardKind::Basic], vec![], vec![]),
            ]
        );
        assert_eq!(marks[1].anchor.as_deref(), Some("geo"));
    }

    #[test]
    fn question_and_answer_from_text() {
        let text = "{{c1::Paris::city}} is in {{c2::France}}. ==Seine== ^anchor";
        assert_eq!(cloze_question(text, 1), "\\[city\\] is in France. Seine");
        assert_eq!(cloze_answer(text, 1), "**Paris** is in France. Seine");
        assert_eq!(cloze_question(text, 2), "Paris is in \\[...\\]. Seine");
        assert_eq!(cloze_answer(text, 2), "Paris is in **France**. Seine");
        assert_eq!(highlight_question(text, 0), "Paris is in France. \\[...\\]");
        assert_eq!(highlight_answer(text, 0), "Paris is in France. **Seine**");
        // A number with no deletion shows everything.
        assert_eq!(cloze_question(text, 9), "Paris is in France. Seine");
        assert_eq!(highlight_answer(text, 3), "Paris is in France. Seine");
        assert_eq!(cloze_question("`{{c1::x}}`", 1), "`{{c1::x}}`");
        assert_eq!(cloze_answer("{{c1:: spaced }}!", 1), " **spaced** !".trim());
        // What the parser stored renders the same again.
        for c in parse_cards("x {{c1::a}} {{c2::b::h}}\ny ==z== ^id") {
            let text = c.text.clone().unwrap_or_default();
            let (q, a) = match c.kind {
                CardKind::Cloze { number } => {
                    (cloze_question(&text, number), cloze_answer(&text, number))
                }
                CardKind::Highlight { index } => (
                    highlight_question(&text, index),
                    highlight_answer(&text, index),
                ),
                _ => unreachable!(),
            };
            assert_eq!((q, a), (c.front.clone(), c.back.clone()));
        }
    }

    #[test]
    fn kinds_have_stored_names() {
        assert_eq!(CardKind::Basic.name(), "basic");
        assert_eq!(CardKind::Reverse.name(), "reverse");
        assert_eq!(C2.name(), "cloze");
        assert_eq!(H1.name(), "highlight");
        assert_eq!(
            serde_json::to_string(&C2).ok().as_deref(),
            Some(r#"{"kind":"cloze","number":2}"#)
        );
    }

    #[test]
    fn a_larger_note() {
        let md = "\
# Geography

Capital of France :: Paris ^paris
Largest ocean ::: Pacific

What are the three primary colours?
?
- red
- yellow
- blue

The Seine flows through {{c1::Paris}} into the {{c2::English Channel::body of water}}.

> Note: `x :: y` in code, and see https://example.org/a::b.

| term | meaning |
|------|---------|
| a :: b | no |
";
        assert_eq!(
            brief(md),
            [
                card(CardKind::Basic, "Capital of France", "Paris"),
                card(CardKind::Basic, "Largest ocean", "Pacific"),
                card(CardKind::Reverse, "Pacific", "Largest ocean"),
                card(
                    CardKind::Basic,
                    "What are the three primary colours?",
                    "- red\n- yellow\n- blue"
                ),
                card(
                    C1,
                    "The Seine flows through \\[...\\] into the English Channel.",
                    "The Seine flows through **Paris** into the English Channel."
                ),
                card(
                    C2,
                    "The Seine flows through Paris into the \\[body of water\\].",
                    "The Seine flows through Paris into the **English Channel**."
                ),
            ]
        );
    }

    #[test]
    fn a_hostile_paragraph_yields_a_bounded_number_of_cards() {
        let md: String = (1..=3000)
            .map(|i| format!("{{{{c{i}::x}}}} ==y== "))
            .collect();
        let cards = parse_cards(&md);
        let room = PARAGRAPH_TEXT_BUDGET / md.trim_end().len();
        assert!(room < 3000);
        assert_eq!(cards.len(), room);
        assert!(cards
            .iter()
            .all(|c| matches!(c.kind, CardKind::Cloze { .. })));
        // Long URLs full of colons are skipped word by word.
        let url = format!("http://x{}", "::a".repeat(50_000));
        assert_eq!(parse_cards(&url), []);
    }

    /// Text that is mostly card syntax, to reach the parser's corners.
    fn cardish() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("::"),
                Just(":::"),
                Just(":"),
                Just("\n?\n"),
                Just("\n??\n"),
                Just("\n"),
                Just("\r\n"),
                Just("\r"),
                Just("{{c1::"),
                Just("{{c2::"),
                Just("{{c"),
                Just("{"),
                Just("}}"),
                Just("}"),
                Just("=="),
                Just("="),
                Just(" ^id"),
                Just("^"),
                Just("`"),
                Just("```\n"),
                Just("    "),
                Just("# "),
                Just("- "),
                Just("> "),
                Just("| a |\n|---|\n"),
                Just("http://"),
                Just("<"),
                Just(">"),
                Just("[[a]]"),
                Just("]("),
                Just(")"),
                Just("\\"),
                Just("é"),
                Just("日本"),
                Just("🌞"),
                Just("a"),
                Just(" "),
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    fn check(text: &str) {
        let cards = parse_cards(text);
        let mut keys = HashSet::new();
        for c in &cards {
            let source = text.get(c.range.clone());
            assert!(source.is_some(), "{:?} in {text:?}", c.range);
            assert!(!c.front.is_empty() && !c.back.is_empty(), "{c:?}");
            assert!(keys.insert(c.key.clone()), "duplicate key {:?}", c.key);
            if let Some(t) = &c.text {
                let _ = (cloze_question(t, 1), highlight_answer(t, 0));
            }
        }
        for m in card_marks(text, &cards) {
            for r in m.hidden.iter().chain(&m.answers).chain([&m.range]) {
                assert!(text.get(r.clone()).is_some(), "{r:?} in {text:?}");
            }
        }
        let _ = (
            cloze_question(text, 1),
            cloze_answer(text, 2),
            highlight_question(text, 0),
        );
        let _ = reconcile::<()>(&[], &cards, "n");
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in any::<String>()) {
            check(&text);
        }

        #[test]
        fn never_panics_on_card_like_text(text in cardish()) {
            check(&text);
        }

        #[test]
        fn back_edits_keep_keys(front in "[a-zé ]{1,12}", back in "[a-z ]{1,12}", other in "[a-z ]{1,12}") {
            prop_assume!(!front.trim().is_empty() && !back.trim().is_empty() && !other.trim().is_empty());
            prop_assert_eq!(
                keys(&format!("{front} :: {back}")),
                keys(&format!("{front}  ::{other}"))
            );
        }
    }
}
