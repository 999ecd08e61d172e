//! What the editor suggests while one writes: after `[[` note titles, after `[[Title#` that
//! note's headings, after `[[Title#^` its card anchors, after `#` the library's tags; and the
//! text once a suggestion is picked.
//!
//! ```ignore
//! let text = "See [[Pho";
//! let at = suggestion_at(text, text.len()).unwrap(); // Title, query "Pho"
//! let (text, caret) = pick(text, &at, "Photosynthesis"); // "See [[Photosynthesis]]"
//! ```

use std::ops::Range;

use crate::core::card::syntax::closing_anchor;
use crate::core::note::tag::{prose_lines, tag_len};
use crate::core::search::fuzzy_titles;

/// What is being written at the caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `[[…`: a note's title.
    Title,
    /// `[[Note#…`: one of that note's headings.
    Heading { note: String },
    /// `[[Note#^…`: one of that note's card anchors.
    Anchor { note: String },
    /// `#…` in prose: a tag.
    Tag,
}

/// A place where suggestions apply: what kind, what has been typed, and the bytes a pick
/// replaces (the typed part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggesting {
    pub kind: Kind,
    pub query: String,
    pub replace: Range<usize>,
}

/// What the caret at byte `caret` of `text` is writing, if suggestions apply there.
pub fn suggestion_at(text: &str, caret: usize) -> Option<Suggesting> {
    let before = text.get(..caret)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = &before[line_start..];
    if let Some(open) = line.rfind("[[") {
        let inside = &line[open + 2..];
        if inside.contains("]]") || inside.contains('|') || inside.contains('[') {
            return None;
        }
        let start = line_start + open + 2;
        return Some(match inside.find('#') {
            None => Suggesting {
                kind: Kind::Title,
                query: inside.to_string(),
                replace: start..caret,
            },
            Some(hash) => {
                let note = inside[..hash].trim().to_string();
                let rest = &inside[hash + 1..];
                match rest.strip_prefix('^') {
                    Some(query) => Suggesting {
                        kind: Kind::Anchor { note },
                        query: query.to_string(),
                        replace: start + hash + 2..caret,
                    },
                    None => Suggesting {
                        kind: Kind::Heading { note },
                        query: rest.to_string(),
                        replace: start + hash + 1..caret,
                    },
                }
            }
        });
    }
    // A tag being typed: `#` starting a word, then tag characters up to the caret.
    let word_start = line
        .rfind(|c: char| c.is_whitespace() || c == '(')
        .map_or(0, |i| {
            i + line[i..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &line[word_start..];
    let query = word.strip_prefix('#')?;
    let typed = query.is_empty() || tag_len(line, word_start) == Some(word.len());
    (typed && !query.contains('#')).then(|| Suggesting {
        kind: Kind::Tag,
        query: query.to_string(),
        replace: line_start + word_start + 1..caret,
    })
}

/// The text after picking `choice`, and where the caret goes: links are closed with `]]` (or
/// step over the `]]` already there), tags are followed by a space.
pub fn pick(text: &str, at: &Suggesting, choice: &str) -> (String, usize) {
    let head = &text[..at.replace.start];
    let mut tail = &text[at.replace.end..];
    let mut out = String::with_capacity(text.len() + choice.len() + 2);
    out.push_str(head);
    out.push_str(choice);
    let caret = match at.kind {
        Kind::Tag => {
            if !tail.starts_with([' ', '\n']) {
                out.push(' ');
            }
            out.len() + usize::from(tail.starts_with(' '))
        }
        _ => {
            // What remains of the name being replaced goes too, up to the link's end.
            tail = &tail[tail.find(['\n', '#', '|', ']']).unwrap_or(tail.len())..];
            if !tail.starts_with("]]") {
                out.push_str("]]");
            }
            out.len() + if tail.starts_with("]]") { 2 } else { 0 }
        }
    };
    out.push_str(tail);
    (out, caret)
}

/// The best `limit` of `names` for what was typed, as the quick switcher ranks titles; with
/// nothing typed yet, the first `limit` in their given order.
pub fn best<S: AsRef<str>>(query: &str, names: &[S], limit: usize) -> Vec<String> {
    if query.trim().is_empty() {
        return names
            .iter()
            .take(limit)
            .map(|n| n.as_ref().to_string())
            .collect();
    }
    fuzzy_titles(query, names)
        .into_iter()
        .take(limit)
        .filter_map(|(i, _, _)| names.get(i).map(|n| n.as_ref().to_string()))
        .collect()
}

/// A note's headings in order (outside code blocks), as `[[Note#Heading]]` names them.
pub fn headings(markdown: &str) -> Vec<String> {
    prose_lines(markdown)
        .filter_map(|line| {
            let hashes = line.bytes().take_while(|&b| b == b'#').count();
            let text = line.get(hashes..)?;
            ((1..=6).contains(&hashes) && (text.is_empty() || text.starts_with([' ', '\t'])))
                .then(|| text.trim().trim_end_matches('#').trim().to_string())
        })
        .filter(|h| !h.is_empty())
        .collect()
}

/// A note's `^anchors` in order, as `[[Note#^anchor]]` names them.
pub fn anchors(markdown: &str) -> Vec<String> {
    prose_lines(markdown)
        .filter_map(|line| {
            let (_, caret) = closing_anchor(line)?;
            Some(line[caret + 1..].trim_end().to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str) -> Option<Suggesting> {
        suggestion_at(text, text.len())
    }

    #[test]
    fn a_link_being_written_suggests_titles_headings_or_anchors() {
        assert_eq!(
            at("See [[Pho"),
            Some(Suggesting {
                kind: Kind::Title,
                query: "Pho".into(),
                replace: 6..9
            })
        );
        assert_eq!(
            at("[[Plants#Li").map(|s| (s.kind, s.query, s.replace)),
            Some((
                Kind::Heading {
                    note: "Plants".into()
                },
                "Li".into(),
                9..11
            ))
        );
        assert_eq!(
            at("x [[Plants#^ca").map(|s| (s.kind, s.query)),
            Some((
                Kind::Anchor {
                    note: "Plants".into()
                },
                "ca".into()
            ))
        );
        assert_eq!(at("[[").map(|s| s.query), Some(String::new()));
    }

    #[test]
    fn closed_or_aliased_links_suggest_nothing() {
        for text in ["[[Done]] and", "[[Title|shown", "[[a]] b", "text", "[[a\nb"] {
            assert_eq!(at(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_tag_being_written_suggests_tags() {
        assert_eq!(
            at("Study #bio"),
            Some(Suggesting {
                kind: Kind::Tag,
                query: "bio".into(),
                replace: 7..10
            })
        );
        assert_eq!(at("#").map(|s| s.query), Some(String::new()));
        for text in ["# Heading", "a#b", "#12", "Issue #1", "## x"] {
            assert_eq!(at(text), None, "{text:?}");
        }
    }

    #[test]
    fn picking_closes_the_link_and_places_the_caret_after_it() {
        let text = "See [[Pho";
        let s = at(text).unwrap();
        assert_eq!(
            pick(text, &s, "Photosynthesis"),
            ("See [[Photosynthesis]]".into(), 22)
        );
        // Inside an existing link the rest of the old name goes, and `]]` is not doubled.
        let text = "[[Pho]] next";
        let s = suggestion_at(text, 4).unwrap();
        assert_eq!(
            pick(text, &s, "Photosynthesis"),
            ("[[Photosynthesis]] next".into(), 18)
        );
        let text = "[[Plants#^";
        let s = at(text).unwrap();
        assert_eq!(pick(text, &s, "calvin"), ("[[Plants#^calvin]]".into(), 18));
    }

    #[test]
    fn picking_a_tag_adds_a_space() {
        let text = "Study #bi";
        let s = at(text).unwrap();
        assert_eq!(pick(text, &s, "biology"), ("Study #biology ".into(), 15));
    }

    #[test]
    fn headings_and_anchors_are_read_outside_code() {
        let md = "# One\ntext ^a1\n```\n# not\nx ^no\n```\n## Two ##\n#tag\nQ :: A ^card-2";
        assert_eq!(headings(md), ["One", "Two"]);
        assert_eq!(anchors(md), ["a1", "card-2"]);
    }

    #[test]
    fn best_ranks_like_the_switcher_and_lists_all_when_nothing_is_typed() {
        let names = ["Photosynthesis", "Plants", "Physics"];
        assert_eq!(best("pl", &names, 5), ["Plants"]);
        assert_eq!(best("", &names, 2), ["Photosynthesis", "Plants"]);
    }

    proptest! {
        /// Wherever the caret is, reading and picking never panic and keep the text around.
        #[test]
        fn any_caret_any_text(text in "[a-z#\\[\\]|^ \n日]{0,30}", caret in 0usize..40) {
            let caret = caret.min(text.len());
            if let Some(s) = text.is_char_boundary(caret).then(|| suggestion_at(&text, caret)).flatten() {
                let (picked, at) = pick(&text, &s, "Choice");
                prop_assert!(picked.starts_with(&text[..s.replace.start]));
                prop_assert!(picked.is_char_boundary(at) && at <= picked.len());
            }
        }
    }
}
