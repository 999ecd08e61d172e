//! The note view's card marks: clozes and highlights shown as marked answers, `::`/`:::` and
//! `?` separators as arrows, and a closing `^anchor` as the element card links scroll to.

use crate::core::card::syntax;
use crate::core::html::escape;

/// Plain text, or markup we generated (every interpolated value escaped).
#[derive(Debug, PartialEq)]
pub(super) enum Piece<'t> {
    Text(&'t str),
    Html(String),
}

/// Marks the card syntax in a piece of prose: clozes `{{c1::answer::hint}}` and `==highlights==`
/// as highlighted answers, the `::`/`:::` and lone `?` separators, and a trailing `^anchor` as
/// the element that `[[Note#^anchor]]` links scroll to. What is card syntax is the card lexer's
/// call ([`syntax`]), so the view marks what the card parser reads.
pub(super) fn card_marks(text: &str, compact: bool) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    if syntax::question_line(text.trim()).is_some() {
        pieces.push(Piece::Html(format!(
            "<span class=\"card-sep\" title=\"card: question above, answer below\">{}</span>",
            escape(text.trim())
        )));
        return pieces;
    }
    let (body, anchor) = split_anchor(text);
    let mut rest = body;
    let mut separated = false;
    while !rest.is_empty() {
        let Some((start, end, mark)) = next_mark(rest, separated, compact) else {
            pieces.push(Piece::Text(rest));
            break;
        };
        if matches!(mark, Mark::Separator { .. }) {
            separated = true;
        }
        if start > 0 {
            pieces.push(Piece::Text(&rest[..start]));
        }
        pieces.push(Piece::Html(mark.html()));
        rest = &rest[end..];
    }
    if let Some(anchor) = anchor {
        pieces.push(Piece::Html(format!(
            "<span class=\"block-anchor\" id=\"block-{0}\"></span>",
            escape(anchor)
        )));
    }
    pieces
}

/// Splits a trailing ` ^anchor` (letters, digits, dashes) off the text.
fn split_anchor(text: &str) -> (&str, Option<&str>) {
    match syntax::closing_anchor(text) {
        Some((cut, caret)) => (&text[..cut], Some(text[caret + 1..].trim_end())),
        None => (text, None),
    }
}

/// A piece of card syntax found in prose.
#[derive(Debug, PartialEq)]
pub(crate) enum Mark<'t> {
    /// `{{cN::answer}}` or `{{cN::answer::hint}}`.
    Cloze {
        answer: &'t str,
        hint: Option<&'t str>,
    },
    /// `==text==`.
    Highlight { text: &'t str },
    /// `::` (front to back) or `:::` (both ways).
    Separator { two_way: bool },
}

impl Mark<'_> {
    fn html(&self) -> String {
        match self {
            Mark::Cloze { answer, hint } => {
                let title =
                    hint.map_or_else(|| "cloze".to_string(), |h| format!("cloze, hint: {h}"));
                format!(
                    "<mark class=\"cloze\" title=\"{}\">{}</mark>",
                    escape(&title),
                    escape(answer)
                )
            }
            Mark::Highlight { text } => {
                format!("<mark class=\"highlight\">{}</mark>", escape(text))
            }
            Mark::Separator { two_way } => {
                let (symbol, title) = if *two_way {
                    ("⇄", "two-way card: question, answer")
                } else {
                    ("→", "card: question, answer")
                };
                format!("<span class=\"card-sep\" title=\"{title}\">{symbol}</span>")
            }
        }
    }
}

/// The first card mark in `text` and its byte range. Only the first `::` of a piece is a
/// separator (`separated` says one was found already).
pub(crate) fn next_mark(
    text: &str,
    separated: bool,
    compact: bool,
) -> Option<(usize, usize, Mark<'_>)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        if let Some((len, answer, hint)) = cloze_at(text, i) {
            return Some((i, i + len, Mark::Cloze { answer, hint }));
        }
        if let Some(close) = highlight_close(bytes, i) {
            let text = &text[i + 2..close];
            return Some((i, close + 2, Mark::Highlight { text }));
        }
        if bytes[i] == b':' {
            let run = syntax::colon_run(bytes, i);
            if let (false, Some(len)) = (separated, syntax::separator_len(bytes, i, compact)) {
                let filled = !text[i + len..].trim().is_empty() && !text[..i].trim().is_empty();
                if filled && !syntax::in_url(text, i) {
                    let two_way = len == 3;
                    return Some((i, i + len, Mark::Separator { two_way }));
                }
            }
            i += run;
            continue;
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Where the `==` closing a highlight opened at `open` stands.
fn highlight_close(bytes: &[u8], open: usize) -> Option<usize> {
    if !syntax::opens_highlight(bytes, 0, open, bytes.len()) {
        return None;
    }
    (syntax::highlight_text_start(open)..bytes.len().saturating_sub(1))
        .find(|&at| syntax::closes_highlight(bytes, at, bytes.len()))
}

/// A cloze `{{cN::answer}}` or `{{cN::answer::hint}}` at byte `at` of `text`: its length,
/// answer and hint. An answer of only spaces makes no cloze.
fn cloze_at(text: &str, at: usize) -> Option<(usize, &str, Option<&str>)> {
    let (_, open) = syntax::cloze_opener(text.as_bytes(), at)?;
    let inner_start = text.get(at + open..)?;
    let close = inner_start.find("}}")?;
    let inner = &inner_start[..close];
    let (answer, hint) = match inner.split_once("::") {
        Some((a, h)) => (a, Some(h)),
        None => (inner, None),
    };
    if answer.trim().is_empty() {
        return None;
    }
    Some((open + close + 2, answer, hint))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn html(markdown: &str) -> String {
        super::super::render(markdown, &|_| None)
    }

    #[test]
    fn anchors_and_separators_need_their_context() {
        assert_eq!(split_anchor("a ^x-1 "), ("a", Some("x-1")));
        assert_eq!(split_anchor("a^x"), ("a^x", None));
        assert_eq!(split_anchor("a ^x!"), ("a ^x!", None));
        assert_eq!(card_marks(":: b", true), vec![Piece::Text(":: b")]);
        assert_eq!(card_marks("a ::", true), vec![Piece::Text("a ::")]);
        assert_eq!(card_marks("== x ==", true), vec![Piece::Text("== x ==")]);
        assert_eq!(card_marks("{{c::x}}", true), vec![Piece::Text("{{c::x}}")]);
        // Found by the fuzzer: a wide space before the word.
        assert_eq!(card_marks("a\u{2009}b::c", true).len(), 3);
    }

    #[test]
    fn an_upper_case_cloze_is_a_card_and_marked() {
        let note = "The capital of France is {{C1::Paris}}.";
        let cards = crate::core::card::parse_cards(note);
        assert_eq!(cards.len(), 1);
        assert_eq!(
            cards[0].kind,
            crate::core::card::CardKind::Cloze { number: 1 }
        );
        let out = html(note);
        assert!(
            out.contains("<mark class=\"cloze\" title=\"cloze\">Paris</mark>"),
            "{out}"
        );
    }

    /// Texts inside the view's `<mark>`s, and how many card separators it shows.
    fn view_marks(html: &str) -> (Vec<String>, usize) {
        let mut answers = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find("<mark class=") {
            rest = &rest[at..];
            let open = rest.find('>').map_or(rest.len(), |i| i + 1);
            let close = rest.find("</mark>").unwrap_or(rest.len());
            answers.push(rest[open..close].to_string());
            rest = &rest[close..];
        }
        answers.sort();
        (answers, html.matches("class=\"card-sep\"").count())
    }

    /// Cloze and highlight answers of the parsed cards, and how many basic cards there are.
    fn parsed_marks(note: &str) -> (Vec<String>, usize) {
        use crate::core::card::{card_marks, parse_cards, CardKind};
        let cards = parse_cards(note);
        let mut answers: Vec<String> = card_marks(note, &cards)
            .iter()
            .flat_map(|m| m.answers.iter().map(|r| note[r.clone()].to_string()))
            .collect();
        answers.sort();
        let basic = cards.iter().filter(|c| c.kind == CardKind::Basic).count();
        (answers, basic)
    }

    const WORDS: &[&str] = &["Paris", "is", "the", "capital", "x1", "Rhine", "b-2"];
    const SEPARATORS: &[&str] = &[" :: ", "::", " ::: ", ":::", " :::: ", " : "];
    const DELETIONS: &[&str] = &[
        "{{c1::Paris}}",
        "{{C1::Rhine river}}",
        "{{c2::Paris::city}}",
        "{{C12::x1}}",
        "{{c0::no}}",
        "{{c::no}}",
        "{{c1:: }}",
        "==Danube==",
        "==two words==",
        "== spaced==",
        "===three===",
        "`{{c1::code}}`",
        "`==code==`",
        "`a :: b`",
    ];
    const ANCHORS: &[&str] = &["", " ^id-1", " ^a_b", "^glued", " ^x!"];

    fn words() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(WORDS), 1..4).prop_map(|w| w.join(" "))
    }

    fn anchor() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(ANCHORS)
    }

    /// A paragraph of card syntax: a one-line card, a line of clozes and highlights, a card
    /// around a `?` line, or plain words.
    fn paragraph() -> impl Strategy<Value = String> {
        let fragment = prop_oneof![
            2 => proptest::sample::select(WORDS),
            3 => proptest::sample::select(DELETIONS),
        ];
        prop_oneof![
            (
                words(),
                proptest::sample::select(SEPARATORS),
                words(),
                anchor()
            )
                .prop_map(|(f, s, b, a)| format!("{f}{s}{b}{a}")),
            (proptest::collection::vec(fragment, 1..6), anchor())
                .prop_map(|(f, a)| format!("{}{a}", f.join(" "))),
            (
                words(),
                proptest::sample::select(&["?", "??", " ? "][..]),
                words(),
                anchor()
            )
                .prop_map(|(f, q, b, a)| format!("{f}\n{q}\n{b}{a}")),
            (words(), anchor()).prop_map(|(w, a)| format!("{w}{a}")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Every cloze and highlight card the parser finds is marked in the view, the view
        /// marks no other, and it shows one separator for each basic card.
        #[test]
        fn the_view_marks_what_the_parser_reads(
            paragraphs in proptest::collection::vec(paragraph(), 1..5)
        ) {
            let note = paragraphs.join("\n\n");
            let out = html(&note);
            prop_assert_eq!(view_marks(&out), parsed_marks(&note), "{:?} -> {}", note, out);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
    }
}
