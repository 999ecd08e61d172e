//! The excerpt shown with a hit, and where the query's words are in a text.
//!
//! Snippets: the first stretch of about 160 characters holding the most distinct query words.
//! The body is made readable and searched only as far as that stretch (the postings tell which
//! words it holds), so a match near the top of a long note costs little.

use std::ops::Range;

use super::plain::{plain_text, WORDY};
use super::token::{tokenize, Piece, QueryWord, MAX_QUERY_WORDS, MAX_TERM_BYTES};
use super::Snippet;

/// Snippet length in characters, and at most how much context comes before the first match.
const SNIPPET_CHARS: usize = 160;
const SNIPPET_LEAD: usize = 40;

/// A matched word in a text, and the query word it matched.
#[derive(Debug, Clone)]
pub(super) struct Mark {
    pub(super) range: Range<usize>,
    pub(super) word: usize,
}

/// Where the query words occur in a text from byte `from` on (not inside a word), merged where
/// they overlap, appended to `out`.
pub(super) fn marks(text: &str, from: usize, words: &[QueryWord], out: &mut Vec<Mark>) {
    let mut add = |range: Range<usize>, word: usize| match out.last_mut() {
        Some(last) if range.start < last.range.end => {
            last.range.end = last.range.end.max(range.end);
        }
        _ => out.push(Mark { range, word }),
    };
    // First bytes of the query words in either case: most words fail this one look-up.
    let mut first = [false; 256];
    for b in words.iter().filter_map(|w| w.text.bytes().next()) {
        first[usize::from(b)] = true;
        first[usize::from(b.to_ascii_uppercase())] = true;
    }
    let mut buf = String::new();
    // ASCII spaces and punctuation end every token, so the text splits there into pieces that
    // tokenize alike on their own. A piece of ASCII letters and digits, most of them, is one
    // word, compared as it is rather than folded first.
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        if !WORDY[usize::from(b)] {
            i += 1;
            continue;
        }
        let start = i;
        while bytes
            .get(i)
            .is_some_and(|&b| b < 0x80 && WORDY[usize::from(b)])
        {
            i += 1;
        }
        if bytes.get(i).is_some_and(|&b| b >= 0x80) {
            while bytes.get(i).is_some_and(|&b| WORDY[usize::from(b)]) {
                i += 1;
            }
            let piece = text.get(start..i).unwrap_or_default();
            tokenize(piece, &mut buf, |term, range, kind| {
                let Some(word) = words.iter().position(|w| term.starts_with(w.text.as_str()))
                else {
                    return;
                };
                let mut range = start + range.start..start + range.end;
                if kind == Piece::Pair && words[word].cjk_char {
                    range.end = range.start + term.chars().next().map_or(0, char::len_utf8);
                }
                add(range, word);
            });
            continue;
        }
        if !first[usize::from(b)] {
            continue;
        }
        let term = &bytes[start..i.min(start + MAX_TERM_BYTES)];
        let word = words.iter().position(|w| {
            term.get(..w.text.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(w.text.as_bytes()))
        });
        if let Some(word) = word {
            add(start..i, word);
        }
    }
}

/// The excerpt of a body around its best window of matches. `in_body` is how many query words
/// the body holds (or may hold). Reading stops once a window holds that many and the text runs
/// a snippet's length past it: no later window can be preferred to it, so the rest of the note
/// is not made readable and searched for nothing.
pub(super) fn snippet(body: &str, words: &[QueryWord], in_body: usize) -> Snippet {
    let (mut text, mut hidden) = (String::with_capacity(body.len()), String::new());
    let mut found: Vec<Mark> = Vec::new();
    // How much of the text is marked; where the snippet will start, once known; and whether
    // that needs working out again (only new marks can change it).
    let (mut marked, mut focus, mut unsettled) = (0, None, true);
    // The query words found so far, one bit each (there are at most MAX_QUERY_WORDS).
    let mut seen = 0u32;
    plain_text(body, &mut text, &mut hidden, |text| {
        let known = found.len();
        marks(text, marked, words, &mut found);
        marked = text.len();
        if found.len() > known || unsettled {
            unsettled = false;
            for mark in &found[known..] {
                seen |= 1 << mark.word;
            }
            focus = if (seen.count_ones() as usize) < in_body {
                None
            } else {
                match best_window(text, &found) {
                    Some(window) if window.distinct == in_body => {
                        Some(found[window.first].range.start)
                    }
                    Some(_) => None,
                    // The start, when the body holds no query word.
                    None => Some(0),
                }
            };
        }
        // Read on until the text runs a snippet's length past where it starts.
        focus.is_none_or(|focus| text[focus..].chars().nth(SNIPPET_CHARS).is_none())
    });
    cut(&text, &found)
}

fn cut(text: &str, marks: &[Mark]) -> Snippet {
    if text.chars().nth(SNIPPET_CHARS).is_none() {
        return Snippet {
            text: text.to_string(),
            ranges: marks.iter().map(|m| m.range.clone()).collect(),
        };
    }
    let mut start = 0;
    if let Some(window) = best_window(text, marks) {
        let lead = SNIPPET_LEAD.min(SNIPPET_CHARS.saturating_sub(window.span) / 2);
        let focus = marks[window.first].range.start;
        start = back(text, focus, lead);
        // Begin at a word, unless the match is in the first word of the window.
        if start > 0 && !text[..start].ends_with(' ') {
            if let Some(space) = text.get(start..focus).and_then(|s| s.find(' ')) {
                start += space + 1;
            }
        }
    }
    let mut end = forward(text, start, SNIPPET_CHARS);
    if end < text.len() && !text[end..].starts_with(' ') {
        // End at a word, keeping every match that fits.
        let keep = marks
            .iter()
            .filter(|m| m.range.start >= start && m.range.end <= end)
            .map(|m| m.range.end)
            .max()
            .unwrap_or(start);
        if let Some(space) = text.get(keep..end).and_then(|s| s.rfind(' ')) {
            end = keep + space;
        }
    }
    let window = text.get(start..end).unwrap_or_default();
    let trimmed = window.trim();
    let from = start + (window.len() - window.trim_start().len());
    let to = from + trimmed.len();
    let mut out = String::with_capacity(trimmed.len() + 6);
    if from > 0 {
        out.push('…');
    }
    let shift = out.len();
    out.push_str(trimmed);
    if to < text.len() {
        out.push('…');
    }
    let ranges = marks
        .iter()
        .filter(|m| m.range.start >= from && m.range.end <= to)
        .map(|m| m.range.start - from + shift..m.range.end - from + shift)
        .collect();
    Snippet { text: out, ranges }
}

/// A window of [`SNIPPET_CHARS`] over the marks: its first mark, its span from that mark to its
/// last in characters, and how many distinct query words it holds.
struct Window {
    first: usize,
    span: usize,
    distinct: usize,
}

/// The first window with the most distinct query words.
fn best_window(text: &str, marks: &[Mark]) -> Option<Window> {
    marks.first()?;
    let mut at = Vec::with_capacity(marks.len());
    let (mut chars, mut pos) = (0, 0);
    for mark in marks {
        chars += text
            .get(pos..mark.range.start)
            .map_or(0, |s| s.chars().count());
        let start = chars;
        chars += text
            .get(mark.range.clone())
            .map_or(0, |s| s.chars().count());
        pos = mark.range.end;
        at.push((start, chars));
    }
    // Matches of each query word in the window (there are at most MAX_QUERY_WORDS).
    let mut counts = [0usize; MAX_QUERY_WORDS];
    let (mut distinct, mut j) = (0, 0);
    let mut best = Window {
        first: 0,
        span: at[0].1 - at[0].0,
        distinct: 0,
    };
    for i in 0..marks.len() {
        j = j.max(i);
        while j < marks.len() && at[j].1 - at[i].0 <= SNIPPET_CHARS {
            if let Some(count) = counts.get_mut(marks[j].word) {
                *count += 1;
                if *count == 1 {
                    distinct += 1;
                }
            }
            j += 1;
        }
        if j > i {
            if distinct > best.distinct {
                best = Window {
                    first: i,
                    span: at[j - 1].1 - at[i].0,
                    distinct,
                };
            }
            if let Some(count) = counts.get_mut(marks[i].word) {
                *count -= 1;
                if *count == 0 {
                    distinct -= 1;
                }
            }
        }
    }
    Some(best)
}

/// The byte offset `n` characters after `from` (or the end).
fn forward(text: &str, from: usize, n: usize) -> usize {
    text.get(from..)
        .and_then(|s| s.char_indices().nth(n))
        .map_or(text.len(), |(i, _)| from + i)
}

/// The byte offset `n` characters before `to` (or the start).
fn back(text: &str, to: usize, n: usize) -> usize {
    if n == 0 {
        return to;
    }
    text.get(..to)
        .and_then(|s| s.char_indices().rev().take(n).last())
        .map_or(to, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{highlighted, mixed_text, plain, query, words_text, Fixture};
    use super::super::token::query_words;
    use super::super::SearchIndex;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hits_highlight_title_and_snippet() {
        let f = Fixture::new(&[(
            "a",
            "Spaced Repetition — Über",
            "Why **spaced** review works: spacing beats massed repetition. Über alles.",
        )]);
        let hits = f.search("spac REP über");
        assert_eq!(hits.len(), 1);
        let hit = &hits[0];
        assert_eq!(
            highlighted("Spaced Repetition — Über", &hit.title_ranges),
            ["Spaced", "Repetition", "Über"]
        );
        assert_eq!(
            hit.snippet.text,
            "Why spaced review works: spacing beats massed repetition. Über alles."
        );
        assert_eq!(
            highlighted(&hit.snippet.text, &hit.snippet.ranges),
            ["spaced", "spacing", "repetition", "Über"]
        );
    }

    #[test]
    fn snippets_are_cut_at_words_around_the_best_match() {
        let filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(8);
        let body = format!("{filler}Here the ünïcödé word “zebra” appears, then more. {filler}");
        let f = Fixture::new(&[("a", "A", &body)]);
        let snippet = &f.search("zebra")[0].snippet;
        let text = &snippet.text;
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(text.chars().count() <= SNIPPET_CHARS + 2, "{text}");
        assert_eq!(highlighted(text, &snippet.ranges), ["zebra"]);
        let inner = text.trim_matches('…');
        // Whole words only at both ends.
        for word in inner.split(' ') {
            assert!(body.contains(word), "{word:?} is cut");
        }
        assert!(inner.contains("ünïcödé"));
        // The window prefers the place where most query words meet.
        let body = format!("zebra alone. {filler} a zebra and a lion together. {filler}");
        let f = Fixture::new(&[("a", "A", &body)]);
        let snippet = &f.search("zebra lion")[0].snippet;
        assert_eq!(
            highlighted(&snippet.text, &snippet.ranges),
            ["zebra", "lion"]
        );
    }

    #[test]
    fn snippet_without_body_match_is_the_start() {
        let body = "word ".repeat(100);
        let f = Fixture::new(&[("a", "Zebra", &body)]);
        let hit = &f.search("zebra")[0];
        assert_eq!(highlighted("Zebra", &hit.title_ranges), ["Zebra"]);
        assert!(hit.snippet.ranges.is_empty());
        assert!(hit.snippet.text.starts_with("word word"));
        assert!(hit.snippet.text.ends_with("word…"));
        assert!(f.index.search("zebra", 5, |_| None)[0]
            .snippet
            .text
            .is_empty());
    }

    #[test]
    fn snippets_of_multibyte_text_stay_on_char_boundaries() {
        let body = "日本語の文章です。".repeat(40) + "ここに猫がいる。" + &"長い文章。".repeat(40);
        let f = Fixture::new(&[("a", "A", &body)]);
        let snippet = &f.search("猫")[0].snippet;
        assert_eq!(highlighted(&snippet.text, &snippet.ranges), ["猫"]);
        assert!(snippet.text.chars().count() <= SNIPPET_CHARS + 2);
        let body = "ŻÓŁĆ ".repeat(30) + "gęślą jaźń " + &"ŻÓŁĆ ".repeat(30);
        let f = Fixture::new(&[("b", "B", &body)]);
        let snippet = &f.search("gesla jazn")[0].snippet;
        assert_eq!(
            highlighted(&snippet.text, &snippet.ranges),
            ["gęślą", "jaźń"]
        );
    }

    fn marks_of(text: &str, words: &[QueryWord]) -> Vec<Mark> {
        let mut out = Vec::new();
        marks(text, 0, words, &mut out);
        out
    }

    /// Marks found token by token, every word folded: what [`marks`] does faster.
    fn marks_token_by_token(text: &str, words: &[QueryWord]) -> Vec<(Range<usize>, usize)> {
        let mut out: Vec<(Range<usize>, usize)> = Vec::new();
        tokenize(text, &mut String::new(), |term, mut range, piece| {
            let Some(word) = words.iter().position(|w| term.starts_with(w.text.as_str())) else {
                return;
            };
            if piece == Piece::Pair && words[word].cjk_char {
                range.end = range.start + term.chars().next().map_or(0, char::len_utf8);
            }
            match out.last_mut() {
                Some(last) if range.start < last.0.end => last.0.end = last.0.end.max(range.end),
                _ => out.push((range, word)),
            }
        });
        out
    }

    proptest! {
        #[test]
        fn marks_match_token_by_token(text in mixed_text(), query in mixed_text()) {
            let words = query_words(&query);
            let fast: Vec<(Range<usize>, usize)> =
                marks_of(&text, &words).into_iter().map(|m| (m.range, m.word)).collect();
            prop_assert_eq!(fast, marks_token_by_token(&text, &words));
        }
    }

    /// Markdown of several lines: words, markup, links, blank lines, long runs.
    fn markdown_text() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            4 => mixed_text(),
            2 => words_text(),
            1 => Just("**spaced** [[Note|alias spa]] `code` x".to_string()),
            1 => Just("```\nspa in code\n```".to_string()),
            1 => Just(String::new()),
            1 => Just("filler words that are long enough to push a window past ".repeat(3)),
        ];
        prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n"))
    }

    proptest! {
        #[test]
        fn snippets_stop_reading_only_where_the_whole_body_agrees(
            body in markdown_text(),
            query in prop_oneof![query(), mixed_text()],
        ) {
            let words = query_words(&query);
            let (text, _) = plain(&body);
            let whole = cut(&text, &marks_of(&text, &words));
            prop_assert_eq!(snippet(&body, &words, words.len()), whole);
        }

        #[test]
        fn result_snippets_equal_reading_the_whole_body(
            notes in prop::collection::vec((words_text(), markdown_text()), 1..12),
            query in prop_oneof![query(), mixed_text()],
        ) {
            let mut index = SearchIndex::new();
            for (i, (title, body)) in notes.iter().enumerate() {
                index.update(&format!("n{i:02}"), title, body);
            }
            let body_of = |id: &str| id[1..].parse::<usize>().ok().map(|i| notes[i].1.as_str());
            let words = query_words(&query);
            for hit in index.search(&query, 20, body_of) {
                let (text, _) = plain(body_of(&hit.note_id).unwrap());
                prop_assert_eq!(hit.snippet, cut(&text, &marks_of(&text, &words)));
            }
        }
    }

    #[test]
    fn the_first_window_with_every_word_is_the_snippet() {
        let filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(6);
        let body = format!("A zebra here. {filler}\nzebra zebra zebra and a zebra.\n{filler}");
        let f = Fixture::new(&[("a", "A", &body)]);
        let snippet = &f.search("zebra")[0].snippet;
        assert!(
            snippet.text.starts_with("A zebra here."),
            "{}",
            snippet.text
        );
        assert_eq!(highlighted(&snippet.text, &snippet.ranges), ["zebra"]);
    }
}
