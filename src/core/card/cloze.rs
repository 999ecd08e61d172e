//! Cloze and highlight cards: finding `{{cN::…}}` and `==…==` deletions, and writing a
//! card's question and answer with them hidden or shown.

use std::collections::BTreeSet;
use std::ops::Range;

use super::parse::{
    anchor_cut, clean, line_start, normalise, split_lines, trimmed_range, Draft, Line, Syntax,
    BOUNDARY, PROSE, TABLE,
};
use super::{may_hold_deletions, syntax, CardKind};

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

// ---------------------------------------------------------------------------------------------
// Clozes and highlights.

/// Which deletions a cloze or highlight card hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Cloze(u32),
    Highlight(u32),
}

/// A `{{cN::answer::hint}}` or `==answer==` in the note.
#[derive(Debug, Clone)]
pub(super) struct Deletion {
    pub(super) range: Range<usize>,
    pub(super) answer: Range<usize>,
    pub(super) hint: Option<Range<usize>>,
    pub(super) target: Target,
}

/// Cloze and highlight cards of a block, from its runs of lines no other card used.
pub(super) fn deletion_cards(
    md: &str,
    syn: &Syntax,
    block: &[Line],
    used: &[bool],
    out: &mut Vec<Draft>,
) {
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
pub(super) const PARAGRAPH_TEXT_BUDGET: usize = 8 << 20;

pub(super) fn paragraph_cards(md: &str, syn: &Syntax, lines: &[Line], out: &mut Vec<Draft>) {
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
    let numbers: BTreeSet<u32> =
        crate::core::set_of(deletions.iter().filter_map(|d| match d.target {
            Target::Cloze(n) => Some(n),
            Target::Highlight(_) => None,
        }));
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
pub(super) fn find_deletions(md: &str, syn: &Syntax, region: Range<usize>) -> Vec<Deletion> {
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
pub(super) const MAX_CLOZE_NESTING: usize = 16;

pub(super) fn find_clozes(md: &str, syn: &Syntax, region: Range<usize>) -> Vec<Deletion> {
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
pub(super) fn cloze_opening(
    md: &str,
    syn: &Syntax,
    open: usize,
    end: usize,
) -> Option<(u32, usize)> {
    let (number, len) = syntax::cloze_opener(md.as_bytes().get(..end)?, open)?;
    let content = open + len;
    syn.all(open..content, PROSE).then_some((number, content))
}

/// `==text==` on one line: the text neither starts nor ends with a space, and `===` is not a
/// marker. The index is set by the caller.
pub(super) fn find_highlights(md: &str, syn: &Syntax, line: Range<usize>) -> Vec<Deletion> {
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

pub(super) fn find_from(bytes: &[u8], needle: &[u8], from: usize, end: usize) -> Option<usize> {
    bytes
        .get(from..end)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// The text of `region` with the target's deletions hidden (or shown in bold for the answer)
/// and every other deletion reduced to its answer.
pub(super) fn reveal(
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
pub(super) fn write_revealed(
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
pub(super) fn bold(text: &str) -> String {
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

pub(super) fn reveal_standalone(text: &str, target: Target, answer: bool) -> String {
    let syntax = Syntax::of(text);
    let end = text.trim_end().len();
    let (cut, _) = anchor_cut(text, &syntax, line_start(text, 0..end), end);
    let deletions = find_deletions(text, &syntax, 0..cut);
    reveal(text, 0..cut, &deletions, target, answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::card::parse_cards;

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
}
