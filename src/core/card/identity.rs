//! Which stored card an edited card is: after exact keys, cards whose text was edited are paired
//! with the stored card they most resemble, so a typo fix keeps the card's id and history.
//!
//! The rule (the same on every device, since it reads only the two lists):
//! 1. Only cards of the same kind pair (basic, reverse, cloze, highlight).
//! 2. A pair's likeness is the Dice coefficient of the character bigrams of the question and the
//!    answer taken together (case and spacing folded). Pairs under [`MIN_LIKENESS`] never match.
//! 3. Pairs are taken best first; ties go to the pair nearest in position, then to the earlier
//!    stored card, then to the earlier new card. Each card is taken at most once, so a card split
//!    in two keeps its history on the half it most resembles and the other half is new.
//!
//! The result is kept: the stored card takes the new key, so the next edit starts from it.

use std::collections::HashMap;

/// Below this likeness two texts are different cards. A typo or a reworded half of a short card
/// stays well above it; two unrelated cards of a note fall well below it.
pub const MIN_LIKENESS: f64 = 0.5;

/// Characters of a card's text that likeness reads: enough to recognise a card, and it bounds the
/// work for a note whose many long cards all changed at once.
const READ_CHARS: usize = 400;

/// A card as pairing sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<'a> {
    /// "basic", "reverse", "cloze" or "highlight".
    pub kind: &'a str,
    pub front: &'a str,
    pub back: &'a str,
    /// Its order in the note.
    pub position: usize,
}

/// Pairs stored cards left over after exact matching with new cards left over, by the rule
/// above. Returns `(stored index, new index)` pairs in the order of the new cards.
pub fn pair_edited(stored: &[Text<'_>], new: &[Text<'_>]) -> Vec<(usize, usize)> {
    if stored.is_empty() || new.is_empty() {
        return Vec::new();
    }
    let stored_grams: Vec<Bigrams> = stored.iter().map(Bigrams::of).collect();
    let new_grams: Vec<Bigrams> = new.iter().map(Bigrams::of).collect();
    let mut candidates: Vec<(f64, usize, usize, usize)> = Vec::new();
    for (s, old) in stored.iter().enumerate() {
        for (n, edited) in new.iter().enumerate() {
            if old.kind != edited.kind {
                continue;
            }
            let likeness = stored_grams[s].likeness(&new_grams[n]);
            if likeness >= MIN_LIKENESS {
                candidates.push((likeness, old.position.abs_diff(edited.position), s, n));
            }
        }
    }
    crate::core::sort_by(&mut candidates, |a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    let mut stored_taken = vec![false; stored.len()];
    let mut new_taken = vec![false; new.len()];
    let mut pairs = Vec::new();
    for (_, _, s, n) in candidates {
        if !stored_taken[s] && !new_taken[n] {
            stored_taken[s] = true;
            new_taken[n] = true;
            pairs.push((s, n));
        }
    }
    crate::core::sort_by_key(&mut pairs, |&(_, n)| n);
    pairs
}

/// The multiset of character bigrams of a card's folded text.
struct Bigrams {
    counts: HashMap<(char, char), u32>,
    total: u32,
}

impl Bigrams {
    fn of(card: &Text<'_>) -> Bigrams {
        let folded = fold(card.front, card.back);
        let mut counts: HashMap<(char, char), u32> = HashMap::new();
        let mut total = 0;
        for pair in folded.windows(2) {
            *counts.entry((pair[0], pair[1])).or_default() += 1;
            total += 1;
        }
        Bigrams { counts, total }
    }

    /// Dice's coefficient: twice the shared bigrams over all bigrams of both, from 0 to 1.
    fn likeness(&self, other: &Bigrams) -> f64 {
        if self.total + other.total == 0 {
            return 1.0;
        }
        let shared: u32 = self
            .counts
            .iter()
            .map(|(gram, &n)| n.min(other.counts.get(gram).copied().unwrap_or(0)))
            .sum();
        f64::from(2 * shared) / f64::from(self.total + other.total)
    }
}

/// Question and answer lowercased with runs of white space as one space, a separator between.
fn fold(front: &str, back: &str) -> Vec<char> {
    let mut out = Vec::new();
    for (i, side) in [front, back].into_iter().enumerate() {
        if i > 0 {
            out.push('\u{1}');
        }
        let mut read = 0;
        for word in side.split_whitespace() {
            if read >= READ_CHARS {
                break;
            }
            if read > 0 {
                out.push(' ');
            }
            for c in word.chars().flat_map(char::to_lowercase) {
                out.push(c);
                read += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn basic<'a>(front: &'a str, back: &'a str, position: usize) -> Text<'a> {
        Text {
            kind: "basic",
            front,
            back,
            position,
        }
    }

    #[test]
    fn a_typo_fixed_in_the_question_or_the_answer_keeps_the_card() {
        let stored = [basic("What gas do plants take in?", "Carbon dioxide", 0)];
        let question = [basic("Which gas do plants take in?", "Carbon dioxide", 0)];
        assert_eq!(pair_edited(&stored, &question), vec![(0, 0)]);
        let answer = [basic("What gas do plants take in?", "Carbon dioxid", 0)];
        assert_eq!(pair_edited(&stored, &answer), vec![(0, 0)]);
    }

    #[test]
    fn a_different_card_is_a_new_card() {
        let stored = [basic("What gas do plants take in?", "Carbon dioxide", 0)];
        let new = [basic("Capital of France?", "Paris", 0)];
        assert!(pair_edited(&stored, &new).is_empty());
    }

    #[test]
    fn kinds_never_pair() {
        let stored = [basic("Sun", "Star", 0)];
        let new = [Text {
            kind: "reverse",
            front: "Sun",
            back: "Star",
            position: 0,
        }];
        assert!(pair_edited(&stored, &new).is_empty());
    }

    #[test]
    fn each_edited_card_finds_its_own_among_several() {
        let stored = [
            basic("Capital of France?", "Paris", 0),
            basic("Capital of Spain?", "Madrid", 1),
            basic("Capital of Italy?", "Rome", 2),
        ];
        let new = [
            basic("Capital city of Italy?", "Rome", 0),
            basic("Capital city of France?", "Paris", 1),
            basic("Capital city of Spain?", "Madrid", 2),
        ];
        assert_eq!(pair_edited(&stored, &new), vec![(2, 0), (0, 1), (1, 2)]);
    }

    #[test]
    fn a_card_split_in_two_keeps_its_history_on_the_closer_half() {
        let stored = [basic(
            "What are the two gases of photosynthesis?",
            "Carbon dioxide in, oxygen out",
            0,
        )];
        let new = [
            basic("What gas leaves in photosynthesis?", "Oxygen", 0),
            basic(
                "What gas enters in photosynthesis?",
                "Carbon dioxide in, oxygen out",
                1,
            ),
        ];
        assert_eq!(pair_edited(&stored, &new), vec![(0, 1)]);
    }

    #[test]
    fn equal_likeness_goes_to_the_nearest_position() {
        let stored = [basic("Same", "text", 0), basic("Same", "text", 5)];
        let new = [basic("Same", "text!", 4)];
        assert_eq!(pair_edited(&stored, &new), vec![(1, 0)]);
    }

    fn texts_of<'a>(cards: &'a [(String, String, &'static str)]) -> Vec<Text<'a>> {
        cards
            .iter()
            .enumerate()
            .map(|(position, (front, back, kind))| Text {
                kind,
                front,
                back,
                position,
            })
            .collect()
    }

    fn card_text() -> impl Strategy<Value = (String, String)> {
        ("[a-z ]{3,30}", "[a-z ]{1,20}")
    }

    proptest! {
        #[test]
        fn pairs_are_one_to_one_and_of_one_kind(
            stored in proptest::collection::vec((card_text(), 0..2u8), 0..8),
            new in proptest::collection::vec((card_text(), 0..2u8), 0..8),
        ) {
            let kinds = ["basic", "reverse"];
            let texts = |cards: &[((String, String), u8)]| -> Vec<(String, String, &'static str)> {
                cards.iter().map(|((f, b), k)| (f.clone(), b.clone(), kinds[*k as usize])).collect()
            };
            let (stored, new) = (texts(&stored), texts(&new));
            let (old, edited) = (texts_of(&stored), texts_of(&new));
            let pairs = pair_edited(&old, &edited);
            let mut seen_old = std::collections::HashSet::new();
            let mut seen_new = std::collections::HashSet::new();
            for &(s, n) in &pairs {
                prop_assert!(seen_old.insert(s));
                prop_assert!(seen_new.insert(n));
                prop_assert_eq!(old[s].kind, edited[n].kind);
            }
            // The same lists give the same pairs (every device agrees).
            prop_assert_eq!(pair_edited(&old, &edited), pairs);
        }

        #[test]
        fn an_unchanged_list_pairs_every_card_with_itself(
            cards in proptest::collection::vec(card_text(), 1..8),
        ) {
            let view: Vec<Text<'_>> = cards.iter().enumerate().map(|(position, (f, b))| Text {
                kind: "basic", front: f, back: b, position,
            }).collect();
            let pairs = pair_edited(&view, &view);
            prop_assert_eq!(pairs.len(), view.len());
            for (s, n) in pairs {
                // Identical texts may swap only with an identical twin.
                prop_assert_eq!((view[s].front, view[s].back), (view[n].front, view[n].back));
            }
        }

        #[test]
        fn one_changed_character_keeps_a_card(
            (front, back) in ("[a-z]{6,12} [a-z]{6,12} [a-z]{6,12}", "[a-z]{4,12} [a-z]{4,12}"),
            at in 0usize..6,
            with in "[a-z]",
        ) {
            let mut edited: Vec<char> = front.chars().collect();
            edited[at] = with.chars().next().unwrap_or('x');
            let edited: String = edited.into_iter().collect();
            let stored = [basic(&front, &back, 0)];
            let new = [basic(&edited, &back, 0)];
            prop_assert_eq!(pair_edited(&stored, &new), vec![(0, 0)]);
        }
    }
}
