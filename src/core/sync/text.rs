//! A note's text as one edit at a time: what changed between two versions ([`Edit::between`]),
//! and a three-way merge for the moment the page typed on a text sync had already changed.

/// One replaced range: `removed` bytes at `at` (byte offsets of the old text) give way to
/// `inserted`. Offsets always fall on character boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub at: usize,
    pub removed: usize,
    pub inserted: String,
}

impl Edit {
    /// The single range that turns `old` into `new`: their common start and end kept.
    pub fn between(old: &str, new: &str) -> Edit {
        let mut start = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
            start -= 1;
        }
        let room = old.len().min(new.len()) - start;
        let mut end = old
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        while !old.is_char_boundary(old.len() - end) || !new.is_char_boundary(new.len() - end) {
            end -= 1;
        }
        Edit {
            at: start,
            removed: old.len() - end - start,
            inserted: new[start..new.len() - end].to_string(),
        }
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.removed == 0 && self.inserted.is_empty()
    }

    /// `text` with this edit made.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + self.inserted.len());
        out.push_str(&text[..self.at]);
        out.push_str(&self.inserted);
        out.push_str(&text[self.at + self.removed..]);
        out
    }

    fn end(&self) -> usize {
        self.at + self.removed
    }
}

/// `base` edited on both sides: `ours` (the page) and `theirs` (what sync brought). Edits in
/// different places both hold; where they overlap, their removals are joined and both
/// insertions kept, ours first, so no typed text is lost.
pub fn merge(base: &str, ours: &str, theirs: &str) -> String {
    if ours == base {
        return theirs.to_string();
    }
    if theirs == base || ours == theirs {
        return ours.to_string();
    }
    let a = Edit::between(base, ours);
    let b = Edit::between(base, theirs);
    let (first, second) = if a.at <= b.at { (&a, &b) } else { (&b, &a) };
    if first.end() <= second.at {
        // Apart (or both typed at one place, ours first): the later one first, so the earlier
        // one's offsets still hold.
        return first.apply(&second.apply(base));
    }
    // Overlapping: the span either touched, as each side has it, ours first.
    let at = a.at.min(b.at);
    let end = a.end().max(b.end());
    let span = |text: &str, edit: &Edit| {
        let end = end + edit.inserted.len() - edit.removed;
        text[at..end].to_string()
    };
    let (mine, yours) = (span(ours, &a), span(theirs, &b));
    let inserted = if mine == yours { mine } else { mine + &yours };
    Edit {
        at,
        removed: end - at,
        inserted,
    }
    .apply(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_the_one_changed_range() {
        let edit = Edit::between("Paris is big", "Paris is very big");
        assert_eq!(
            edit,
            Edit {
                at: 9,
                removed: 0,
                inserted: "very ".into()
            }
        );
        assert_eq!(
            Edit::between("same", "same"),
            Edit {
                at: 4,
                removed: 0,
                inserted: String::new()
            }
        );
        assert!(Edit::between("same", "same").is_empty());
    }

    #[test]
    fn never_cuts_a_character() {
        let edit = Edit::between("café", "cafè");
        assert_eq!(edit.apply("café"), "cafè");
        assert_eq!(edit.at, 3);
    }

    #[test]
    fn keeps_both_edits_in_different_places() {
        let base = "one\ntwo\nthree\n";
        let ours = "one!\ntwo\nthree\n";
        let theirs = "one\ntwo\nthree?\n";
        assert_eq!(merge(base, ours, theirs), "one!\ntwo\nthree?\n");
        assert_eq!(merge(base, theirs, ours), "one!\ntwo\nthree?\n");
    }

    #[test]
    fn keeps_both_insertions_at_one_place() {
        assert_eq!(merge("ab", "aXb", "aYb"), "aXYb");
    }

    #[test]
    fn keeps_what_was_typed_where_edits_overlap() {
        assert_eq!(
            merge("the cat sat", "the dog sat", "the cow sat"),
            "the dogcow sat"
        );
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![Just('a'), Just('b'), Just('é'), Just('\n'), Just('🙂')],
            0..30,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    proptest! {
        #[test]
        fn an_edit_turns_old_into_new(old in text(), new in text()) {
            prop_assert_eq!(Edit::between(&old, &new).apply(&old), new);
        }

        #[test]
        fn a_merge_keeps_each_side_s_insertion(base in text(), ours in text(), theirs in text()) {
            let merged = merge(&base, &ours, &theirs);
            prop_assert!(merged.contains(&Edit::between(&base, &ours).inserted));
            prop_assert!(merged.contains(&Edit::between(&base, &theirs).inserted));
        }
    }
}
