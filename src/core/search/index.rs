//! The inverted index's storage: notes by slot, interned terms, postings, and adding,
//! replacing and removing a note in place.
//!
//! Memory: terms are interned (u32 ids); a posting is 6 bytes (u32 note slot, and one u16 for
//! body and title frequencies); each note keeps its term ids, delta-encoded, so changing or
//! removing it touches only its own postings. About 1 byte of index per byte of note text. Note
//! text is not kept: snippets are cut from the body the caller passes in.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::plain::plain_text;
use super::token::tokenize;
use super::SearchIndex;

/// Ids by string; indexing hashes every word, so the hasher is a fast one.
pub(super) type StrMap = HashMap<Box<str>, u32, BuildHasherDefault<WordHasher>>;

/// Hashes eight bytes at a step (multiply-rotate), far cheaper than SipHash on short words.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct WordHasher(u64);

impl WordHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517C_C1B7_2722_0A95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.mix(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the high bits best mixed; the table indexes by the low ones.
        self.0 ^ (self.0 >> 29)
    }
}

#[derive(Debug, Clone)]
pub(super) struct Doc {
    pub(super) id: Box<str>,
    pub(super) title: Box<str>,
    /// The note's distinct term ids, ascending, as LEB128 deltas (about two bytes each rather
    /// than four): removing the note visits only its own postings.
    pub(super) terms: Box<[u8]>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Term {
    pub(super) text: Box<str>,
    /// Ordered by slot.
    pub(super) postings: Vec<Posting>,
}

/// A note's occurrences of a term in 6 bytes: its slot, and in one u16 the body frequency (low
/// 12 bits) and title frequency (high 4 bits), both saturating, which BM25 does long before.
#[derive(Debug, Clone, Copy)]
#[repr(C, packed(2))]
pub(super) struct Posting {
    pub(super) doc: u32,
    tf: u16,
}

impl Posting {
    fn new(doc: u32, body_tf: usize, title_tf: usize) -> Self {
        let tf = (title_tf.min(0xF) << 12 | body_tf.min(0xFFF)) as u16;
        Posting { doc, tf }
    }

    pub(super) fn body_tf(self) -> u16 {
        self.tf & 0xFFF
    }

    pub(super) fn title_tf(self) -> u16 {
        self.tf >> 12
    }
}

/// Ascending ids as LEB128-encoded differences.
fn encode_ids(ids: &[u32]) -> Box<[u8]> {
    let mut out = Vec::with_capacity(ids.len() * 2);
    let mut previous = 0;
    for &id in ids {
        let mut delta = id.wrapping_sub(previous);
        previous = id;
        while delta >= 0x80 {
            out.push(delta as u8 | 0x80);
            delta >>= 7;
        }
        out.push(delta as u8);
    }
    out.into_boxed_slice()
}

fn decode_ids(bytes: &[u8]) -> Vec<u32> {
    let mut ids = Vec::with_capacity(bytes.len());
    let (mut previous, mut delta, mut shift) = (0u32, 0u32, 0);
    for &b in bytes {
        delta |= u32::from(b & 0x7F).checked_shl(shift).unwrap_or(0);
        shift += 7;
        if b < 0x80 {
            previous = previous.wrapping_add(delta);
            ids.push(previous);
            (delta, shift) = (0, 0);
        }
    }
    ids
}

impl SearchIndex {
    /// Takes a note out of the postings and frees its slot; returns its term ids so the caller
    /// can drop the words nothing uses any more.
    pub(super) fn detach(&mut self, note_id: &str) -> Option<Vec<u32>> {
        let slot = self.slots.remove(note_id)?;
        let doc = self.docs.get_mut(slot as usize)?.take()?;
        let terms = decode_ids(&doc.terms);
        for &t in &terms {
            if let Some(term) = self.terms.get_mut(t as usize) {
                if let Ok(at) = term.postings.binary_search_by_key(&slot, |p| p.doc) {
                    term.postings.remove(at);
                }
            }
        }
        if let Some(&(title, body)) = self.lengths.get(slot as usize) {
            self.title_tokens -= u64::from(title);
            self.body_tokens -= u64::from(body);
        }
        self.free_docs.push(slot);
        Some(terms)
    }

    /// Indexes a note that is not indexed; pushes the ids of words new to the index to `added`.
    pub(super) fn attach(&mut self, note_id: &str, title: &str, body: &str, added: &mut Vec<u32>) {
        let slot = match self.free_docs.pop() {
            Some(slot) => slot,
            None => {
                let Ok(slot) = u32::try_from(self.docs.len()) else {
                    return;
                };
                self.docs.push(None);
                self.lengths.push((0, 0));
                slot
            }
        };
        let (mut plain, mut hidden, mut buf) = (String::new(), String::new(), String::new());
        plain_text(body, &mut plain, &mut hidden, |_| true);
        // (term, is in title) per token; sorted, runs give the frequencies.
        let mut tokens: Vec<(u32, bool)> = Vec::new();
        tokenize(title, &mut buf, |term, _, _| {
            tokens.push((self.intern(term, added), true))
        });
        let title_len = tokens.len();
        for text in [&plain, &hidden] {
            tokenize(text, &mut buf, |term, _, _| {
                tokens.push((self.intern(term, added), false))
            });
        }
        let body_len = tokens.len() - title_len;
        tokens.sort_unstable();
        let mut terms = Vec::new();
        for run in tokens.chunk_by(|a, b| a.0 == b.0) {
            let term = run[0].0;
            let title_tf = run.iter().filter(|(_, in_title)| *in_title).count();
            let posting = Posting::new(slot, run.len() - title_tf, title_tf);
            if let Some(term) = self.terms.get_mut(term as usize) {
                let postings = &mut term.postings;
                match postings.last() {
                    None => {
                        // Most words occur in one note: no room for more until needed.
                        postings.reserve_exact(1);
                        postings.push(posting);
                    }
                    Some(last) if last.doc < slot => postings.push(posting),
                    Some(_) => {
                        let at = postings.partition_point(|p| p.doc < slot);
                        postings.insert(at, posting);
                    }
                }
            }
            terms.push(term);
        }
        let lengths = (saturate_u32(title_len), saturate_u32(body_len));
        self.title_tokens += u64::from(lengths.0);
        self.body_tokens += u64::from(lengths.1);
        if let Some(entry) = self.lengths.get_mut(slot as usize) {
            *entry = lengths;
        }
        if let Some(entry) = self.docs.get_mut(slot as usize) {
            *entry = Some(Doc {
                id: note_id.into(),
                title: title.into(),
                terms: encode_ids(&terms),
            });
        }
        self.slots.insert(note_id.into(), slot);
    }

    /// The id of a term, creating it (and noting it in `added`) when new.
    fn intern(&mut self, text: &str, added: &mut Vec<u32>) -> u32 {
        if let Some(&id) = self.term_ids.get(text) {
            return id;
        }
        let term = Term {
            text: text.into(),
            postings: Vec::new(),
        };
        let id = match self.free_terms.pop() {
            Some(id) => {
                if let Some(slot) = self.terms.get_mut(id as usize) {
                    *slot = term;
                }
                id
            }
            None => {
                self.terms.push(term);
                (self.terms.len() - 1) as u32
            }
        };
        self.term_ids.insert(text.into(), id);
        added.push(id);
        id
    }

    /// Drops, of these terms, those no note uses any more.
    pub(super) fn release_unused(&mut self, ids: &[u32]) {
        for &id in ids {
            let Some(term) = self.terms.get_mut(id as usize) else {
                continue;
            };
            if !term.postings.is_empty() || term.text.is_empty() {
                continue;
            }
            let found = self
                .sorted
                .binary_search_by(|&t| self.text(t).cmp(self.text(id)));
            if let Ok(at) = found {
                self.sorted.remove(at);
            }
            if let Some(term) = self.terms.get_mut(id as usize) {
                let term = std::mem::take(term);
                self.term_ids.remove(&term.text);
            }
            self.free_terms.push(id);
        }
    }

    /// Puts new term ids in their place in `sorted`: one by one when few, else by a merge.
    pub(super) fn add_sorted(&mut self, mut added: Vec<u32>) {
        // In a batch, a word can come and go again, and its id be reused: keep live ids once.
        added.sort_unstable();
        added.dedup();
        added.retain(|&id| !self.text(id).is_empty());
        if added.len() <= 16 {
            for id in added {
                let at = self
                    .sorted
                    .partition_point(|&t| self.text(t) < self.text(id));
                self.sorted.insert(at, id);
            }
            return;
        }
        added.sort_unstable_by(|&a, &b| self.text(a).cmp(self.text(b)));
        let old = std::mem::take(&mut self.sorted);
        let mut merged = Vec::with_capacity(old.len() + added.len());
        let (mut a, mut b) = (old.into_iter().peekable(), added.into_iter().peekable());
        while let (Some(&x), Some(&y)) = (a.peek(), b.peek()) {
            if self.text(x) <= self.text(y) {
                merged.push(x);
                a.next();
            } else {
                merged.push(y);
                b.next();
            }
        }
        merged.extend(a);
        merged.extend(b);
        self.sorted = merged;
    }

    pub(super) fn text(&self, term: u32) -> &str {
        self.terms.get(term as usize).map_or("", |t| &t.text)
    }

    pub(super) fn postings(&self, term: u32) -> &[Posting] {
        self.terms.get(term as usize).map_or(&[], |t| &t.postings)
    }

    #[cfg(test)]
    fn term_count(&self) -> usize {
        self.term_ids.len()
    }

    #[cfg(test)]
    fn posting_count(&self) -> usize {
        self.terms.iter().map(|t| t.postings.len()).sum()
    }
}

fn saturate_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::super::tests::Fixture;
    use super::*;
    use crate::core::note::Note;
    use crate::core::time::Time;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn update_and_remove_change_results() {
        let mut f = Fixture::new(&[("a", "Alpha", "first text"), ("b", "Beta", "other")]);
        assert_eq!(f.ids("first"), ["a"]);
        f.index.update("a", "Alpha", "second text");
        f.bodies.insert("a".into(), "second text".into());
        assert!(f.ids("first").is_empty());
        assert_eq!(f.ids("second"), ["a"]);
        f.index.remove("a");
        f.index.remove("missing");
        assert!(f.ids("second").is_empty());
        assert!(f.ids("alpha").is_empty());
        assert_eq!(f.index.len(), 1);
        assert!(f.index.contains("b") && !f.index.contains("a"));
        // Words nothing uses are forgotten.
        assert_eq!(f.index.term_count(), 2);
        f.index.add("a", "Alpha", "again");
        assert_eq!(f.ids("again"), ["a"]);
    }

    #[test]
    fn build_matches_updates() {
        let notes: Vec<Note> = (0..30)
            .map(|i| Note {
                id: format!("n{i}").into(),
                title: format!("Note {i} ž{}", i % 7),
                body: format!("word{} shared text {}", i % 5, "x".repeat(i)),
                created: Time::from_ms(0.0),
                updated: Time::from_ms(0.0),
                origin: None,
            })
            .collect();
        let built = SearchIndex::build(&notes);
        let mut updated = SearchIndex::new();
        for note in &notes {
            updated.update(&note.id, &note.title, &note.body);
        }
        for query in ["word1", "note z3", "shared", "x", "n", "xxxxx"] {
            assert_eq!(
                built.search(query, 100, |_| None),
                updated.search(query, 100, |_| None)
            );
        }
        assert_eq!(built.term_count(), updated.term_count());
        assert!(built.heap_bytes() > 0);
    }

    proptest! {
        #[test]
        fn term_ids_round_trip(mut ids in prop::collection::vec(any::<u32>(), 0..50)) {
            ids.sort_unstable();
            ids.dedup();
            prop_assert_eq!(decode_ids(&encode_ids(&ids)), ids);
        }
    }

    #[test]
    fn frequencies_saturate() {
        let p = Posting::new(7, 5000, 20);
        assert_eq!((p.body_tf(), p.title_tf()), (4095, 15));
        let p = Posting::new(u32::MAX, 3, 1);
        assert_eq!((p.body_tf(), p.title_tf(), { p.doc }), (3, 1, u32::MAX));
        assert_eq!(std::mem::size_of::<Posting>(), 6);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Put(usize, String, String),
        Remove(usize),
    }

    const POOL: &[&str] = &[
        "spaced",
        "space",
        "spa",
        "Rép",
        "répétition",
        "repetition",
        "Straße",
        "strasse",
        "東京都",
        "京都",
        "日本語",
        "cat",
        "catalog",
        "[[Link|alias]]",
        "**bold**",
        "🦀",
        "naïve",
        "NAIVE",
        "a",
        "x1",
        "- item",
        "\n",
        "# Head",
        "`code`",
        "[web](http://x.y)",
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(POOL), 0..8).prop_map(|w| w.join(" "))
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0..6usize, text(), text()).prop_map(|(i, t, b)| Op::Put(i, t, b)),
            1 => (0..6usize).prop_map(Op::Remove),
        ]
    }

    const QUERIES: &[&str] = &[
        "s",
        "spa",
        "spaced",
        "rep",
        "répé",
        "strasse",
        "京",
        "東京",
        "京都",
        "cat",
        "link alias",
        "naive",
        "a",
        "x",
        "bold code",
        "item head",
        "web",
        "sp ca",
    ];

    proptest! {
        #[test]
        fn incremental_updates_equal_a_rebuild(ops in prop::collection::vec(op(), 1..40)) {
            let mut index = SearchIndex::new();
            let mut notes: BTreeMap<String, (String, String)> = BTreeMap::new();
            let mut batch = Vec::new();
            for op in ops {
                match op {
                    Op::Put(i, title, body) => {
                        let id = format!("n{i}");
                        index.update(&id, &title, &body);
                        batch.push(Note {
                            id: id.clone().into(),
                            title: title.clone(),
                            body: body.clone(),
                            created: Time::from_ms(0.0),
                            updated: Time::from_ms(0.0),
                            origin: None,
                        });
                        notes.insert(id, (title, body));
                    }
                    Op::Remove(i) => {
                        let id = format!("n{i}");
                        index.remove(&id);
                        notes.remove(&id);
                    }
                }
            }
            let current: Vec<Note> = notes
                .iter()
                .map(|(id, (title, body))| Note {
                    id: id.clone().into(),
                    title: title.clone(),
                    body: body.clone(),
                    created: Time::from_ms(0.0),
                    updated: Time::from_ms(0.0),
                    origin: None,
                })
                .collect();
            let rebuilt = SearchIndex::build(current.iter().rev());
            // A batch with repeated ids and words coming and going, then the removals.
            let mut batched = SearchIndex::new();
            batched.extend(&batch);
            for id in (0..6).map(|i| format!("n{i}")) {
                if !notes.contains_key(&id) {
                    batched.remove(&id);
                }
            }
            let body_of = |id: &str| notes.get(id).map(|(_, b)| b.as_str());
            for query in QUERIES {
                let expected = rebuilt.search(query, 10, body_of);
                prop_assert_eq!(&index.search(query, 10, body_of), &expected, "{}", query);
                prop_assert_eq!(&batched.search(query, 10, body_of), &expected, "{}", query);
            }
            for other in [&index, &batched] {
                prop_assert_eq!(other.len(), rebuilt.len());
                prop_assert_eq!(other.term_count(), rebuilt.term_count());
                prop_assert_eq!(other.posting_count(), rebuilt.posting_count());
                prop_assert_eq!(other.sorted.len(), other.term_count());
                let texts: Vec<&str> = other.sorted.iter().map(|&t| other.text(t)).collect();
                prop_assert!(texts.windows(2).all(|w| w[0] < w[1]), "{:?}", texts);
            }
        }
    }
}
