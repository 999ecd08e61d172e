//! Flashcards written inside notes: the Obsidian spaced-repetition and Anki forms parsed out of
//! Markdown, each card's stable identity, and matching an edited note's cards to the stored ones.

mod cloze;
pub mod identity;
mod marks;
mod parse;
mod reconcile;
pub mod syntax;

use cloze::deletion_cards;
pub use cloze::{cloze_answer, cloze_question, highlight_answer, highlight_question};
pub use marks::{card_marks, CardMark};
use parse::{finish, line_cards, split_lines, Syntax};
pub use reconcile::{reconcile, CardRecord, Placed, Reconciled, Written};

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::core::id::CardId;
use crate::core::note::link::{parse_links, WikiLink};

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
pub fn card_id(note_id: &str, key: &str) -> CardId {
    CardId::from(format!("{note_id}/{key}"))
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::cloze::*;
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
            brief("#flashcards\n\nQuestion::Answer"),
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
    fn prose_with_colons_is_not_a_card() {
        for prose in [
            "Use std::vector for a growing array.",
            "We meet at 10::30 tomorrow.",
            "Status:: done",
            "rating:: 5",
            "- [ ] Owner:: Alice",
            "a::b and c:::d",
            "Question ::Answer",
        ] {
            assert_eq!(brief(prose), [], "{prose:?} is prose");
        }
        // Every spaced form is still a card.
        assert_eq!(brief("Sun :: Star").len(), 1);
        assert_eq!(brief("Sun ::: Star").len(), 2);
        assert_eq!(brief("- Sun\t:: Star").len(), 1);
    }

    #[test]
    fn a_note_tagged_flashcards_allows_compact_cards() {
        let compact = [card(CardKind::Basic, "Question", "Answer")];
        assert_eq!(
            brief("Question::Answer #flashcards"),
            [card(CardKind::Basic, "Question", "Answer #flashcards")]
        );
        assert_eq!(brief("#flashcards\n\nQuestion::Answer"), compact);
        assert_eq!(brief("#FlashCards\n\nQuestion::Answer"), compact);
        assert_eq!(
            brief("---\ntags: [maths, flashcards]\n---\nQuestion::Answer"),
            compact
        );
        assert_eq!(
            brief("---\ntags:\n  - flashcards\n---\nQuestion::Answer"),
            compact
        );
        // Not the tag: a longer tag, or the word in text.
        assert_eq!(brief("#flashcards-old\n\nQuestion::Answer"), []);
        assert_eq!(brief("flashcards\n\nQuestion::Answer"), []);
        assert_eq!(
            brief("---\ntags: [maths]\ntitle: flashcards\n---\nQuestion::Answer"),
            []
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
                keys(&format!("{front}  ::\t{other}"))
            );
        }
    }
}
