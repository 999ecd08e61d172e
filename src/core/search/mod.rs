//! Full-text search over notes (an incremental inverted index ranked like BM25) and the quick
//! switcher's fuzzy title matcher. Both run on every keystroke, on the browser's UI thread.
//!
//! What is indexed: the title, and the body reduced to readable text: Markdown markers, link
//! URLs, bare URLs, HTML tags, entities and card syntax go; the words of wiki-link targets and
//! aliases stay. Words split on anything that is not a letter or digit, are lowercased and folded
//! (é→e, ü→u, ß→ss, æ→ae, ł→l, Greek tonos, Vietnamese tones, combining marks) by a small table
//! over Latin-1, Latin Extended-A and a few ranges, not a Unicode normalisation crate. Emoji and
//! punctuation separate words and are not searchable.
//!
//! The parts: `token` splits text into folded words, `plain` reduces Markdown to the text that
//! is indexed, `index` keeps the postings up to date as notes change, `rank` scores a query's
//! matches, `snippet` cuts the excerpt shown with each hit, and `title_match` is the switcher.
//!
//! Why hand-written: probly-search (18 KB gzipped) would do the index, fuzzy-matcher (14 KB) or
//! nucleo-matcher (48 KB) the switcher. The app is near its size budget, and this module needs
//! none of their generality: the matcher is a small Smith-Waterman-style alignment scored like
//! fzf's (word starts, runs, gaps), sharing the folding table with the index, so "ecole" finds
//! "École" in both. It is a few KB of wasm; examples/search_bench.rs times it on the browser
//! benchmark's library.

pub mod highlight;
mod index;
mod plain;
mod rank;
mod snippet;
mod title_match;
mod token;

use std::ops::Range;

use crate::core::note::{Note, NoteId};
use index::{Doc, Posting, StrMap, Term};
use snippet::{marks, snippet};
use token::query_words;

pub use title_match::{fuzzy_titles, TitleMatch};

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub note_id: NoteId,
    /// The note's title as indexed.
    pub title: String,
    /// Higher is better; comparable only with the other hits of the same query.
    pub score: f32,
    /// Byte ranges of the matched words in the note's title, in order, not overlapping.
    pub title_ranges: Vec<Range<usize>>,
    pub snippet: Snippet,
}

/// A short plain-text excerpt of a note body around its best match.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snippet {
    /// About 160 characters of the body's readable text, with "…" where it was cut.
    pub text: String,
    /// Byte ranges of the matched words in `text`, in order, not overlapping.
    pub ranges: Vec<Range<usize>>,
}

/// The search index over all notes. Cheap to update on every save.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Note id -> slot in `docs`.
    slots: StrMap,
    /// Indexed notes by slot; `None` marks a free slot, reused by the next note added.
    docs: Vec<Option<Doc>>,
    /// Title and body lengths in tokens by slot, apart from `docs` for the scoring loop's cache.
    lengths: Vec<(u32, u32)>,
    free_docs: Vec<u32>,
    term_ids: StrMap,
    /// Terms by id; a free id has empty text and no postings.
    terms: Vec<Term>,
    free_terms: Vec<u32>,
    /// Live term ids ordered by text, for prefix lookups.
    sorted: Vec<u32>,
    title_tokens: u64,
    body_tokens: u64,
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of these notes, for start-up.
    pub fn build<'a>(notes: impl IntoIterator<Item = &'a Note>) -> Self {
        let mut index = Self::new();
        index.extend(notes);
        index.shrink_to_fit();
        index
    }

    /// Gives back the room kept for growth: after building in chunks with [`SearchIndex::extend`].
    pub fn shrink_to_fit(&mut self) {
        for term in &mut self.terms {
            term.postings.shrink_to_fit();
        }
        self.terms.shrink_to_fit();
        self.sorted.shrink_to_fit();
        self.docs.shrink_to_fit();
        self.lengths.shrink_to_fit();
        self.slots.shrink_to_fit();
        self.term_ids.shrink_to_fit();
    }

    /// Adds or replaces many notes, sorting their new words once rather than one at a time: for
    /// building the index in chunks without blocking the UI.
    pub fn extend<'a>(&mut self, notes: impl IntoIterator<Item = &'a Note>) {
        let mut added = Vec::new();
        for note in notes {
            let old = self.detach(&note.id);
            self.attach(&note.id, &note.title, &note.body, &mut added);
            if let Some(old) = old {
                self.release_unused(&old);
            }
        }
        self.add_sorted(added);
    }

    /// Indexes a note, replacing what was indexed under its id. Costs time in proportion to the
    /// note (plus a copy of the word list's ids when it brings new words).
    pub fn update(&mut self, note_id: &str, title: &str, body: &str) {
        let old = self.detach(note_id);
        let mut added = Vec::new();
        self.attach(note_id, title, body, &mut added);
        // Words the note still uses survive; only those nothing uses any more are dropped.
        if let Some(old) = old {
            self.release_unused(&old);
        }
        self.add_sorted(added);
    }

    /// Same as [`SearchIndex::update`]: adding a note whose id is indexed replaces it.
    pub fn add(&mut self, note_id: &str, title: &str, body: &str) {
        self.update(note_id, title, body);
    }

    /// Removes a note; unknown ids are ignored.
    pub fn remove(&mut self, note_id: &str) {
        if let Some(old) = self.detach(note_id) {
            self.release_unused(&old);
        }
    }

    /// Number of indexed notes.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no note is indexed.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Whether a note with this id is indexed.
    pub fn contains(&self, note_id: &str) -> bool {
        self.slots.contains_key(note_id)
    }

    /// The best `limit` notes for a query, best first, with highlights. `body_of` gives a note's
    /// current Markdown for its snippet (the index keeps no text); `None` gives an empty snippet.
    /// An empty or all-punctuation query finds nothing.
    pub fn search<'b>(
        &self,
        query: &str,
        limit: usize,
        body_of: impl Fn(&str) -> Option<&'b str>,
    ) -> Vec<Hit> {
        if limit == 0 {
            return Vec::new();
        }
        let words = query_words(query);
        let expanded = self.expand(&words);
        self.rank(&expanded, limit)
            .into_iter()
            .filter_map(|(slot, score)| {
                let doc = self.docs.get(slot as usize)?.as_ref()?;
                let mut title_marks = Vec::new();
                marks(&doc.title, 0, &words, &mut title_marks);
                let title_ranges = title_marks.into_iter().map(|mark| mark.range).collect();
                let in_body = expanded
                    .iter()
                    .filter(|terms| self.in_body(terms, slot))
                    .count();
                let body = body_of(&doc.id).unwrap_or_default();
                Some(Hit {
                    note_id: NoteId::from(&*doc.id),
                    title: doc.title.to_string(),
                    score,
                    title_ranges,
                    snippet: snippet(body, &words, in_body),
                })
            })
            .collect()
    }

    /// A rough count of the heap bytes the index holds, counting 16 bytes of allocator overhead
    /// per allocation and one control byte per hash-map bucket.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        const BLOCK: usize = 16;
        let map = |capacity: usize| capacity * (size_of::<(Box<str>, u32)>() + 1) + BLOCK;
        let slots =
            map(self.slots.capacity()) + self.slots.keys().map(|k| k.len() + BLOCK).sum::<usize>();
        let term_ids = map(self.term_ids.capacity())
            + self.term_ids.keys().map(|k| k.len() + BLOCK).sum::<usize>();
        let docs = self.docs.capacity() * size_of::<Option<Doc>>()
            + self
                .docs
                .iter()
                .flatten()
                .map(|d| d.id.len() + d.title.len() + d.terms.len() + 3 * BLOCK)
                .sum::<usize>();
        let terms = self.terms.capacity() * size_of::<Term>()
            + self
                .terms
                .iter()
                .map(|t| t.text.len() + t.postings.capacity() * size_of::<Posting>() + 2 * BLOCK)
                .sum::<usize>();
        let ids = (self.sorted.capacity() + self.free_terms.capacity() + self.free_docs.capacity())
            * 4
            + self.lengths.capacity() * 8;
        slots + term_ids + docs + terms + ids + 6 * BLOCK
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plain::plain_text;
    use proptest::prelude::*;
    use std::collections::HashMap;
    use token::tokenize;

    // ---- Shared by the tests of the parts ------------------------------------------------

    pub(super) fn terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenize(text, &mut String::new(), |t, _, _| out.push(t.to_string()));
        out
    }

    pub(super) fn plain(markdown: &str) -> (String, String) {
        let (mut out, mut hidden) = (String::new(), String::new());
        plain_text(markdown, &mut out, &mut hidden, |_| true);
        (out, hidden)
    }

    /// A library of (id, title, body) for ranking tests.
    pub(super) struct Fixture {
        pub(super) index: SearchIndex,
        pub(super) bodies: HashMap<String, String>,
    }

    impl Fixture {
        pub(super) fn new(notes: &[(&str, &str, &str)]) -> Self {
            let mut index = SearchIndex::new();
            let mut bodies = HashMap::new();
            for (id, title, body) in notes {
                index.update(id, title, body);
                bodies.insert(id.to_string(), body.to_string());
            }
            Fixture { index, bodies }
        }

        pub(super) fn search(&self, query: &str) -> Vec<Hit> {
            self.index
                .search(query, 50, |id| self.bodies.get(id).map(String::as_str))
        }

        pub(super) fn ids(&self, query: &str) -> Vec<String> {
            self.search(query)
                .into_iter()
                .map(|h| h.note_id.into())
                .collect()
        }
    }

    pub(super) fn highlighted<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    /// Words with shared prefixes, so query words expand to several terms.
    const WORDS: &[&str] = &[
        "spa",
        "space",
        "spaced",
        "spacing",
        "rep",
        "repeat",
        "repetition",
        "card",
        "cards",
        "carded",
        "memo",
        "memory",
        "memorable",
        "note",
        "notes",
        "x",
        "xy",
        "xyz",
    ];

    pub(super) fn words_text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(WORDS), 0..12).prop_map(|w| w.join(" "))
    }

    pub(super) fn query() -> impl Strategy<Value = String> {
        let word = prop::sample::select(WORDS)
            .prop_flat_map(|w| (1..=w.len()).prop_map(move |n| w[..n].to_string()));
        prop::collection::vec(word, 1..4).prop_map(|w| w.join(" "))
    }

    const PIECES: &[&str] = &[
        "cafe",
        "Café",
        "CAFÉ",
        "e\u{301}cole",
        "école",
        "straße",
        "STRASSE",
        "東京都",
        "京",
        "x1",
        "X",
        "naïve",
        "spaced",
        "SPACE",
        "a",
        "ab",
        "🦀",
        "—",
        "'",
        "-",
        " ",
        "  ",
        "\t",
        "\u{a0}",
        "\u{3000}",
        ".",
        "ǅ",
        "ﬁ",
        "İ",
    ];

    pub(super) fn mixed_text() -> impl Strategy<Value = String> {
        let long = "abcdefghijklmnopqrstuvwxyz".repeat(3);
        let piece = prop_oneof![
            8 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => Just(long),
            1 => "[a-zA-Zé東 .]{0,6}",
        ];
        prop::collection::vec(piece, 0..20).prop_map(|p| p.concat())
    }

    fn check_ranges(text: &str, ranges: &[Range<usize>]) -> Result<(), TestCaseError> {
        let mut end = 0;
        for r in ranges {
            prop_assert!(r.start >= end && r.start < r.end && r.end <= text.len());
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            end = r.end;
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(
            title in ".{0,40}",
            body in ".{0,400}",
            markdown in "([\\[\\]()<>!*_~=`{}|^&#;:\\\\ \n-]|[a-zé東]|http://|\\[\\[|]]){0,120}",
            query in ".{0,20}",
        ) {
            let mut index = SearchIndex::new();
            index.update("a", &title, &body);
            index.update("b", &title, &markdown);
            index.update("c", &body, &title);
            let bodies = [("a", &body), ("b", &markdown), ("c", &title)];
            let body_of = |id: &str| bodies.iter().find(|(k, _)| *k == id).map(|(_, b)| b.as_str());
            let first_word = body.split_whitespace().next().unwrap_or("x").to_string();
            for q in [query.as_str(), first_word.as_str(), "a", "é"] {
                for hit in index.search(q, 5, body_of) {
                    check_ranges(&hit.snippet.text, &hit.snippet.ranges)?;
                    let doc_title = if hit.note_id == "c" { &body } else { &title };
                    check_ranges(doc_title, &hit.title_ranges)?;
                }
            }
            index.remove("b");
            index.update("a", "", "");
            for (_, _, ranges) in fuzzy_titles(&query, &[&title, &body, &markdown]) {
                prop_assert!(!ranges.is_empty());
            }
            fuzzy_titles(&title, &[&query]);
        }
    }
}
