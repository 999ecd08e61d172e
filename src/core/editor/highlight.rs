//! The editor's colours: each line of a note as HTML with its headings, links, tags, code and
//! card syntax in spans, laid under the text box. Only colours change, never the text or its
//! width, so the caret stays where the letters are.
//!
//! A line's look depends on the lines before it only through [`LineState`] (inside a code
//! fence or not), so the editor redraws the lines an edit touched and stops where the state
//! after them is as before.

use std::ops::Range;

use crate::core::card::syntax::{closing_anchor, question_line};
use crate::core::html::escape;
use crate::core::markdown::card_marks::{next_mark, Mark};
use crate::core::note::link::scan;
use crate::core::note::tag::{code_spans, tags_in_line};

/// What a line inherits from the lines above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineState {
    /// Inside a fenced code block opened by this many of this character.
    fence: Option<(u8, usize)>,
}

/// The look of one line (without its newline) and the state the next line starts in.
/// `compact` is whether the note allows `Question::Answer` without spaces.
pub fn highlight_line(line: &str, entry: LineState, compact: bool) -> (String, LineState) {
    let trimmed = line.trim_start();
    let fence_run = |c: u8| trimmed.bytes().take_while(|&b| b == c).count();
    if let Some((c, len)) = entry.fence {
        let closes = fence_run(c) >= len && trimmed[fence_run(c)..].trim().is_empty();
        let next = LineState {
            fence: (!closes).then_some((c, len)),
        };
        return (span("hl-code", line), next);
    }
    for c in [b'`', b'~'] {
        if fence_run(c) >= 3 {
            let fence = Some((c, fence_run(c)));
            return (span("hl-code", line), LineState { fence });
        }
    }
    let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes)
        && trimmed[hashes..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
    {
        return (span("hl-heading", line), entry);
    }
    if question_line(trimmed.trim_end()).is_some() {
        return (span("hl-card", line), entry);
    }
    (inline(line, compact), entry)
}

/// The marks of a line of prose: code, links, card syntax, tags and a closing anchor, the
/// first found winning where two overlap.
fn inline(line: &str, compact: bool) -> String {
    let mut marks: Vec<(Range<usize>, &'static str)> = Vec::new();
    let code = code_spans(line);
    marks.extend(code.iter().map(|r| (r.clone(), "hl-code")));
    let (body_end, anchor) = match closing_anchor(line) {
        Some((cut, caret)) => (cut, Some(caret..line.trim_end().len())),
        None => (line.len(), None),
    };
    let body = &line[..body_end];
    marks.extend(scan(body).into_iter().map(|l| (l.range, "hl-link")));
    let mut at = 0;
    let mut separated = false;
    while let Some((start, end, mark)) = next_mark(&body[at..], separated, compact) {
        let class = match mark {
            Mark::Separator { .. } => {
                separated = true;
                "hl-card"
            }
            Mark::Cloze { .. } | Mark::Highlight { .. } => "hl-cloze",
        };
        marks.push((at + start..at + end, class));
        at += end;
    }
    marks.extend(tags_in_line(body).into_iter().map(|r| (r, "hl-tag")));
    marks.extend(anchor.map(|r| (r, "hl-anchor")));

    // Keep marks in order of priority, dropping any that overlaps one kept.
    let mut kept: Vec<(Range<usize>, &'static str)> = Vec::new();
    for (range, class) in marks {
        if !kept
            .iter()
            .any(|(k, _)| k.start < range.end && range.start < k.end)
        {
            kept.push((range, class));
        }
    }
    crate::core::sort_by_key(&mut kept, |(r, _)| r.start);
    let mut html = String::with_capacity(line.len() + kept.len() * 32);
    let mut at = 0;
    for (range, class) in kept {
        html.push_str(&escape(&line[at..range.start]));
        html.push_str(&span(class, &line[range.clone()]));
        at = range.end;
    }
    html.push_str(&escape(&line[at..]));
    html
}

fn span(class: &str, text: &str) -> String {
    format!("<span class=\"{class}\">{}</span>", escape(text))
}

/// The look of a whole note, line by line: each line's HTML and the state it starts in.
pub fn highlight_note(markdown: &str, compact: bool) -> Vec<(String, LineState)> {
    let mut state = LineState::default();
    markdown
        .split('\n')
        .map(|line| {
            let entry = state;
            let (html, next) = highlight_line(line, entry, compact);
            state = next;
            (html, entry)
        })
        .collect()
}

/// The colours of the note in the editor, kept line by line so that a keystroke redraws the
/// line it changed (and the lines after it only if a code fence opened or closed).
#[derive(Debug, Default)]
pub struct Colouring {
    /// Each line's text and the state it starts in.
    lines: Vec<(String, LineState)>,
    compact: bool,
}

/// Lines to redraw: replace `remove` lines from `start` with `insert` (their HTML).
#[derive(Debug, PartialEq, Eq)]
pub struct Redraw {
    pub start: usize,
    pub remove: usize,
    pub insert: Vec<String>,
}

impl Colouring {
    /// What changes from the text last coloured to `text` (everything, the first time).
    pub fn update(&mut self, text: &str, compact: bool) -> Redraw {
        let new: Vec<&str> = text.split('\n').collect();
        let old_len = self.lines.len();
        let (mut prefix, mut suffix) = (0, 0);
        if compact == self.compact {
            let max = old_len.min(new.len());
            while prefix < max && self.lines[prefix].0 == new[prefix] {
                prefix += 1;
            }
            while suffix < max - prefix
                && self.lines[old_len - 1 - suffix].0 == new[new.len() - 1 - suffix]
            {
                suffix += 1;
            }
        }
        self.compact = compact;
        let mut state = match prefix {
            0 => LineState::default(),
            _ => self.lines[prefix - 1]
                .1
                .after(&self.lines[prefix - 1].0, compact),
        };
        // Redraw the changed lines, then on while a line starts in a state it did not before.
        let mut end = new.len() - suffix;
        let mut insert = Vec::with_capacity(end - prefix);
        let mut fresh = Vec::with_capacity(end - prefix);
        let mut at = prefix;
        while at < new.len() {
            let old_entry = (at >= end).then(|| self.lines[at - end + old_len - suffix].1);
            if old_entry == Some(state) {
                break;
            }
            let (html, next) = highlight_line(new[at], state, compact);
            insert.push(html);
            fresh.push((new[at].to_string(), state));
            state = next;
            at += 1;
            end = end.max(at);
        }
        let removed_end = end - (new.len() - suffix) + (old_len - suffix);
        self.lines.splice(prefix..removed_end, fresh);
        Redraw {
            start: prefix,
            remove: removed_end - prefix,
            insert,
        }
    }
}

impl LineState {
    /// The state after `line` when it starts in this one.
    fn after(self, line: &str, compact: bool) -> LineState {
        highlight_line(line, self, compact).1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn look(line: &str) -> String {
        highlight_line(line, LineState::default(), false).0
    }

    /// The text a line's HTML shows, entities decoded.
    fn shown(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn cards_links_tags_and_anchors_are_coloured() {
        assert_eq!(
            look("Capital of [[France]] :: Paris #geo ^fr"),
            "Capital of <span class=\"hl-link\">[[France]]</span> <span class=\"hl-card\">::</span> Paris <span class=\"hl-tag\">#geo</span> <span class=\"hl-anchor\">^fr</span>"
        );
        assert_eq!(
            look("The {{c1::Seine}} and ==Everest=="),
            "The <span class=\"hl-cloze\">{{c1::Seine}}</span> and <span class=\"hl-cloze\">==Everest==</span>"
        );
        assert_eq!(look("## Part"), "<span class=\"hl-heading\">## Part</span>");
        assert_eq!(look("?"), "<span class=\"hl-card\">?</span>");
        assert_eq!(
            look("`a :: b` <b>"),
            "<span class=\"hl-code\">`a :: b`</span> &lt;b&gt;"
        );
        // Prose with colons is not a card here either.
        assert_eq!(look("std::vector"), "std::vector");
    }

    #[test]
    fn fences_carry_over_lines() {
        let lines = highlight_note("a\n```\n# no\n```\n# yes", false);
        let html: Vec<&str> = lines.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(
            html,
            [
                "a",
                "<span class=\"hl-code\">```</span>",
                "<span class=\"hl-code\"># no</span>",
                "<span class=\"hl-code\">```</span>",
                "<span class=\"hl-heading\"># yes</span>"
            ]
        );
        assert_eq!(lines[2].1.fence, Some((b'`', 3)));
        assert_eq!(lines[4].1, LineState::default());
    }

    fn apply(shown: &mut Vec<String>, redraw: Redraw) {
        shown.splice(redraw.start..redraw.start + redraw.remove, redraw.insert);
    }

    #[test]
    fn a_keystroke_redraws_its_line_only() {
        let mut colouring = Colouring::default();
        let mut shown = Vec::new();
        apply(&mut shown, colouring.update("a\nb :: c\nd", false));
        assert_eq!(shown.len(), 3);
        let redraw = colouring.update("a\nb :: cx\nd", false);
        assert_eq!(
            (redraw.start, redraw.remove, redraw.insert.len()),
            (1, 1, 1)
        );
        // Opening a fence recolours every line after it.
        let redraw = colouring.update("```\na\nb :: cx\nd", false);
        assert_eq!(
            (redraw.start, redraw.remove, redraw.insert.len()),
            (0, 3, 4)
        );
    }

    proptest! {
        /// Redrawing only what changed shows what drawing the whole note shows.
        #[test]
        fn redraws_match_a_full_drawing(
            edits in proptest::collection::vec(("[ab`#\n:]{0,12}", 0usize..30, 0usize..4, any::<bool>()), 1..12)
        ) {
            let mut text = String::new();
            let mut colouring = Colouring::default();
            let mut shown = Vec::new();
            for (insert, at, remove, compact) in edits {
                let at = at.min(text.len());
                let end = (at + remove).min(text.len());
                text.replace_range(at..end, &insert);
                apply(&mut shown, colouring.update(&text, compact));
                let full: Vec<String> =
                    highlight_note(&text, compact).into_iter().map(|(h, _)| h).collect();
                prop_assert_eq!(&shown, &full);
            }
        }

        /// The colours never change the text: the HTML shows exactly the line.
        #[test]
        fn the_text_is_unchanged(line in "[a-z :=#^{}c1`\\[\\]|<>&?!%$日]{0,40}") {
            let (html, _) = highlight_line(&line, LineState::default(), true);
            prop_assert_eq!(shown(&html), line);
        }
    }
}
