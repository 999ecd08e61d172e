//! Where a note's cards sit, for the editor and the note view to mark them: their source,
//! the card syntax to hide and the answers to show.

use std::collections::HashMap;
use std::ops::Range;

use super::cloze::find_deletions;
use super::parse::{anchor_cut, line_start, Syntax};
use super::{CardKind, ParsedCard};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::card::parse_cards;

    const C1: CardKind = CardKind::Cloze { number: 1 };
    const C2: CardKind = CardKind::Cloze { number: 2 };
    const H0: CardKind = CardKind::Highlight { index: 0 };

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
}
