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
//! CJK (Han and kana) has no spaces, so every such character starts a token: the pair it makes
//! with the next character of its run, or itself at the end of a run. Pairs keep queries precise
//! ("東京" does not match 東 and 京 far apart); the end-of-run tokens let a one-character query find
//! every occurrence. That is one token per character, as unigrams would be. Hangul is spaced and
//! is split like Latin; Thai and other unspaced scripts match from the start of a run only.
//!
//! Memory: terms are interned (u32 ids); a posting is 6 bytes (u32 note slot, and one u16 for
//! body and title frequencies); each note keeps its term ids, delta-encoded, so changing or
//! removing it touches only its own postings. About 1 byte of index per byte of note text. Note
//! text is not kept: snippets are cut from the body the caller passes in.
//!
//! Ranking: every query word must match (AND), as a prefix of an indexed word (the last one is
//! being typed, and "spac rep" should find "spaced repetition"); whole words beat completions.
//! Each word adds its IDF (over all the notes it matches) times BM25 term-frequency scores of
//! body and title, the title weighted so that one title match outweighs any number of body ones.
//! Only the best results are kept as notes are scored, and only they get highlights.
//!
//! Snippets: the first stretch of about 160 characters holding the most distinct query words.
//! The body is made readable and searched only as far as that stretch (the postings tell which
//! words it holds), so a match near the top of a long note costs little.
//!
//! Why hand-written: probly-search (18 KB gzipped) would do the index, fuzzy-matcher (14 KB) or
//! nucleo-matcher (48 KB) the switcher. The app is near its size budget, and this module needs
//! none of their generality: the matcher is a small Smith-Waterman-style alignment scored like
//! fzf's (word starts, runs, gaps), sharing the folding table with the index, so "ecole" finds
//! "École" in both. It is a few KB of wasm; examples/search_bench.rs times it on the browser
//! benchmark's library.

pub mod highlight;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use crate::core::note::link::{scan, WikiLink};
use crate::core::note::{Note, NoteId};

/// How much a title occurrence outweighs a body occurrence: a title match of a word scores above
/// the most a body can reach for it (`K1 + 1`).
const TITLE_WEIGHT: f32 = 4.0;
/// BM25 term-frequency saturation.
const K1: f32 = 1.2;
/// BM25 length normalisation for bodies, and a weaker one for titles, which vary less.
const B_BODY: f32 = 0.75;
const B_TITLE: f32 = 0.3;
/// Weight of a word that only starts with the query word ("spaced" for "spac").
const COMPLETION: f32 = 0.7;
/// Longer words are indexed and queried by their first bytes, so hashes and base64 cost little.
const MAX_TERM_BYTES: usize = 48;
/// Query words after these are ignored: bounds the work per keystroke.
const MAX_QUERY_WORDS: usize = 12;
/// Up to this many terms, a query word's postings are looked up to learn whether a result's
/// body holds the word, so that its snippet can stop reading once it has them all.
const LOOKED_UP_TERMS: usize = 64;
/// Snippet length in characters, and at most how much context comes before the first match.
const SNIPPET_CHARS: usize = 160;
const SNIPPET_LEAD: usize = 40;

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

/// Ids by string; indexing hashes every word, so the hasher is a fast one.
type StrMap = HashMap<Box<str>, u32, BuildHasherDefault<WordHasher>>;

/// Hashes eight bytes at a step (multiply-rotate), far cheaper than SipHash on short words.
#[derive(Debug, Clone, Copy, Default)]
struct WordHasher(u64);

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
struct Doc {
    id: Box<str>,
    title: Box<str>,
    /// The note's distinct term ids, ascending, as LEB128 deltas (about two bytes each rather
    /// than four): removing the note visits only its own postings.
    terms: Box<[u8]>,
}

#[derive(Debug, Clone, Default)]
struct Term {
    text: Box<str>,
    /// Ordered by slot.
    postings: Vec<Posting>,
}

/// A note's occurrences of a term in 6 bytes: its slot, and in one u16 the body frequency (low
/// 12 bits) and title frequency (high 4 bits), both saturating, which BM25 does long before.
#[derive(Debug, Clone, Copy)]
#[repr(C, packed(2))]
struct Posting {
    doc: u32,
    tf: u16,
}

impl Posting {
    fn new(doc: u32, body_tf: usize, title_tf: usize) -> Self {
        let tf = (title_tf.min(0xF) << 12 | body_tf.min(0xFFF)) as u16;
        Posting { doc, tf }
    }

    fn body_tf(self) -> u16 {
        self.tf & 0xFFF
    }

    fn title_tf(self) -> u16 {
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
                    note_id: doc.id.to_string(),
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

    /// Takes a note out of the postings and frees its slot; returns its term ids so the caller
    /// can drop the words nothing uses any more.
    fn detach(&mut self, note_id: &str) -> Option<Vec<u32>> {
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
    fn attach(&mut self, note_id: &str, title: &str, body: &str, added: &mut Vec<u32>) {
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
    fn release_unused(&mut self, ids: &[u32]) {
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
    fn add_sorted(&mut self, mut added: Vec<u32>) {
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

    fn text(&self, term: u32) -> &str {
        self.terms.get(term as usize).map_or("", |t| &t.text)
    }

    /// Each query word's terms: the indexed words it is a prefix of, with whether the term is
    /// the word itself.
    fn expand(&self, words: &[QueryWord]) -> Vec<Vec<(u32, bool)>> {
        words
            .iter()
            .map(|word| {
                let prefix = word.text.as_str();
                let from = self.sorted.partition_point(|&t| self.text(t) < prefix);
                self.sorted[from..]
                    .iter()
                    .map(|&t| (t, self.text(t)))
                    .take_while(|(_, text)| text.starts_with(prefix))
                    .map(|(t, text)| (t, text.len() == prefix.len()))
                    .collect()
            })
            .collect()
    }

    /// Whether a note's body (rather than only its title) holds one of these terms. A word of
    /// very many terms is taken to be there rather than looked up in every term's postings.
    fn in_body(&self, terms: &[(u32, bool)], slot: u32) -> bool {
        terms.len() > LOOKED_UP_TERMS
            || terms.iter().any(|&(t, _)| {
                let postings = self.postings(t);
                postings
                    .binary_search_by_key(&slot, |p| p.doc)
                    .is_ok_and(|at| postings[at].body_tf() > 0)
            })
    }

    /// The best `limit` notes matching every word, best first, with their scores. `expanded`
    /// holds each word's terms.
    fn rank(&self, expanded: &[Vec<(u32, bool)>], limit: usize) -> Vec<(u32, f32)> {
        let mut best = Best::new(self, limit);
        if expanded.is_empty() || expanded.iter().any(Vec::is_empty) || self.slots.is_empty() {
            return best.hits;
        }
        // Rarest first, so later words only look at the notes still in the running.
        let mut expanded: Vec<(usize, &[(u32, bool)])> = expanded
            .iter()
            .map(|terms| {
                let size = terms.iter().map(|&(t, _)| self.postings(t).len()).sum();
                (size, &terms[..])
            })
            .collect();
        crate::core::sort_by_key(&mut expanded, |(size, _)| *size);

        let notes = self.slots.len() as f32;
        let bm25 = Bm25::new(
            self.title_tokens as f32 / notes,
            self.body_tokens as f32 / notes,
        );
        let idf = |df: usize| ((notes - df as f32 + 0.5) / (df as f32 + 0.5) + 1.0).ln();
        let lengths = &self.lengths[..];
        let score = |p: Posting, whole: bool| {
            let weight = if whole { 1.0 } else { COMPLETION };
            weight * bm25.score(p, lengths.get(p.doc as usize).copied().unwrap_or((1, 1)))
        };
        // The notes matching the words so far, by slot, with their scores.
        let mut ranked: Vec<(u32, f32)> = Vec::new();
        // A note's best term score for a word of several terms, by slot; 0 where none matched.
        let mut best_term: Vec<f32> = Vec::new();
        for (k, &(_, terms)) in expanded.iter().enumerate() {
            if let &[(t, whole)] = terms {
                // One term (a whole word, or a prefix of one word): its postings are the notes.
                let postings = self.postings(t);
                let idf = idf(postings.len());
                if expanded.len() == 1 {
                    // A lone common word matches thousands of notes: keep only the best.
                    let weight = if whole { 1.0 } else { COMPLETION };
                    for &p in postings {
                        let length = lengths.get(p.doc as usize).copied().unwrap_or((1, 1));
                        let s = idf * (weight * bm25.score(p, length));
                        if s >= best.bar {
                            best.keep(p.doc, s);
                        }
                    }
                    return best.hits;
                }
                if k == 0 {
                    ranked = postings
                        .iter()
                        .map(|&p| (p.doc, idf * score(p, whole)))
                        .collect();
                } else {
                    let mut rest = postings;
                    ranked.retain_mut(|(doc, total)| {
                        rest = seek(rest, *doc);
                        match rest.first() {
                            Some(&p) if p.doc == *doc => {
                                *total += idf * score(p, whole);
                                true
                            }
                            _ => false,
                        }
                    });
                }
            } else {
                // A note counts once per word, with its best term.
                best_term.clear();
                best_term.resize(self.docs.len(), 0.0);
                let mut notes_with_word: Vec<u32> = Vec::new();
                for &(t, whole) in terms {
                    for &p in self.postings(t) {
                        let s = score(p, whole);
                        let Some(b) = best_term.get_mut(p.doc as usize) else {
                            continue;
                        };
                        if *b == 0.0 {
                            notes_with_word.push(p.doc);
                        }
                        *b = b.max(s);
                    }
                }
                let idf = idf(notes_with_word.len());
                let total = |doc: u32| idf * best_term.get(doc as usize).copied().unwrap_or(0.0);
                if expanded.len() == 1 {
                    for doc in notes_with_word {
                        let s = total(doc);
                        if s >= best.bar {
                            best.keep(doc, s);
                        }
                    }
                    return best.hits;
                }
                if k == 0 {
                    notes_with_word.sort_unstable();
                    ranked = notes_with_word
                        .iter()
                        .map(|&doc| (doc, total(doc)))
                        .collect();
                } else {
                    ranked.retain_mut(|(doc, total)| match best_term.get(*doc as usize) {
                        Some(&b) if b > 0.0 => {
                            *total += idf * b;
                            true
                        }
                        _ => false,
                    });
                }
            }
            if ranked.is_empty() {
                break;
            }
        }
        for (doc, score) in ranked {
            if score >= best.bar {
                best.keep(doc, score);
            }
        }
        best.hits
    }

    fn postings(&self, term: u32) -> &[Posting] {
        self.terms.get(term as usize).map_or(&[], |t| &t.postings)
    }

    /// Best first; equal scores by title, then id, so results never depend on slots.
    fn order(&self, a: &(u32, f32), b: &(u32, f32)) -> Ordering {
        let key = |slot: u32| {
            self.docs
                .get(slot as usize)
                .and_then(Option::as_ref)
                .map(|d| (&d.title, &d.id))
        };
        b.1.total_cmp(&a.1).then_with(|| key(a.0).cmp(&key(b.0)))
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

/// BM25's term-frequency weights, with the length normalisation for this index's average title
/// and body lengths worked out once per query.
struct Bm25 {
    /// `(a, b)` such that a term frequency `tf` in `len` tokens weighs
    /// `tf * (K1 + 1) / (tf + a + b * len)`.
    title: (f32, f32),
    body: (f32, f32),
}

impl Bm25 {
    fn new(avg_title: f32, avg_body: f32) -> Self {
        let norm = |b: f32, avg: f32| (K1 * (1.0 - b), K1 * b / avg.max(1.0));
        Bm25 {
            title: norm(B_TITLE, avg_title),
            body: norm(B_BODY, avg_body),
        }
    }

    /// A posting's weight before IDF: body and title, the title weighted above any body. Always
    /// above 0, as a posting has an occurrence.
    fn score(&self, p: Posting, (title_len, body_len): (u32, u32)) -> f32 {
        let weigh = |tf: u16, len: u32, (a, b): (f32, f32)| {
            let tf = f32::from(tf);
            tf * (K1 + 1.0) / (tf + a + b * len as f32)
        };
        let body = match p.body_tf() {
            0 => 0.0,
            tf => weigh(tf, body_len, self.body),
        };
        match p.title_tf() {
            0 => body,
            tf => TITLE_WEIGHT * weigh(tf, title_len, self.title) + body,
        }
    }
}

/// The best notes offered so far, best first, at most `limit` of them. Most notes fall below the
/// last kept one's score and are turned away after one comparison: nothing sorts every match.
struct Best<'a> {
    index: &'a SearchIndex,
    limit: usize,
    hits: Vec<(u32, f32)>,
    /// The score a note needs to be considered: the last kept one's once there are `limit`.
    bar: f32,
}

impl<'a> Best<'a> {
    fn new(index: &'a SearchIndex, limit: usize) -> Self {
        Best {
            index,
            limit,
            hits: Vec::new(),
            bar: f32::NEG_INFINITY,
        }
    }

    /// Keeps a note that scores at least `bar`, if it is among the best.
    fn keep(&mut self, doc: u32, score: f32) {
        let hit = (doc, score);
        let at = self
            .hits
            .partition_point(|kept| self.index.order(kept, &hit) == Ordering::Less);
        if at >= self.limit {
            return;
        }
        self.hits.insert(at, hit);
        self.hits.truncate(self.limit);
        if self.hits.len() == self.limit {
            self.bar = self.hits[self.limit - 1].1;
        }
    }
}

/// The postings from the first at or after `doc`: the next few looked at in turn, else a binary
/// search, so that walking ascending docs costs little whether they are close together in the
/// list or far apart.
fn seek(postings: &[Posting], doc: u32) -> &[Posting] {
    let near = postings.iter().take(16).position(|p| p.doc >= doc);
    let at = near.unwrap_or_else(|| postings.partition_point(|p| p.doc < doc));
    &postings[at..]
}

fn saturate_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A folded query word; all are matched as prefixes.
#[derive(Debug)]
struct QueryWord {
    text: String,
    /// A lone CJK character: within a matching pair, only the first character is highlighted.
    cjk_char: bool,
}

fn query_words(query: &str) -> Vec<QueryWord> {
    let mut words: Vec<QueryWord> = Vec::new();
    let mut buf = String::new();
    tokenize(query, &mut buf, |term, _, piece| {
        // A run's last character is already in its last pair.
        if piece == Piece::Tail
            || words.len() >= MAX_QUERY_WORDS
            || words.iter().any(|w| w.text == term)
        {
            return;
        }
        words.push(QueryWord {
            text: term.to_string(),
            cjk_char: piece == Piece::Single,
        });
    });
    words
}

/// A matched word in a text, and the query word it matched.
#[derive(Debug, Clone)]
struct Mark {
    range: Range<usize>,
    word: usize,
}

/// Where the query words occur in a text from byte `from` on (not inside a word), merged where
/// they overlap, appended to `out`.
fn marks(text: &str, from: usize, words: &[QueryWord], out: &mut Vec<Mark>) {
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
fn snippet(body: &str, words: &[QueryWord], in_body: usize) -> Snippet {
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

// ---- Tokens -------------------------------------------------------------------------------

/// What a token is. CJK runs have no spaces, so every character of a run starts a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Word,
    /// Two neighbouring CJK characters.
    Pair,
    /// A CJK character alone between non-CJK text.
    Single,
    /// The last character of a longer CJK run, so one-character queries find it.
    Tail,
}

/// Splits text into folded terms with their byte ranges in `text`. `buf` is scratch space.
fn tokenize(text: &str, buf: &mut String, mut emit: impl FnMut(&str, Range<usize>, Piece)) {
    let bytes = text.as_bytes();
    let mut word: Option<Range<usize>> = None;
    // The previous character of a CJK run, its range, and whether it had a predecessor.
    let mut cjk: Option<(char, Range<usize>, bool)> = None;
    let mut pair = String::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            // ASCII, most text: whole runs at once.
            let run = bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if run == 0 {
                end_word(&mut word, buf, &mut emit);
                end_cjk(&mut cjk, &mut emit);
                i += 1;
                continue;
            }
            end_cjk(&mut cjk, &mut emit);
            match &mut word {
                Some(range) => range.end = i + run,
                None => {
                    buf.clear();
                    word = Some(i..i + run);
                }
            }
            let from = buf.len();
            buf.push_str(text.get(i..i + run).unwrap_or_default());
            if let Some(added) = buf.get_mut(from..) {
                added.make_ascii_lowercase();
            }
            i += run;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let end = i + c.len_utf8();
        let alphanumeric = c.is_alphanumeric();
        if alphanumeric && is_cjk(c) {
            end_word(&mut word, buf, &mut emit);
            let had_prev = match cjk.take() {
                Some((p, range, _)) => {
                    pair.clear();
                    pair.push(p);
                    pair.push(c);
                    emit(&pair, range.start..end, Piece::Pair);
                    true
                }
                None => false,
            };
            cjk = Some((c, i..end, had_prev));
        } else {
            end_cjk(&mut cjk, &mut emit);
            if alphanumeric || (word.is_some() && joins_word(c)) {
                match &mut word {
                    Some(range) => range.end = end,
                    None => {
                        buf.clear();
                        word = Some(i..end);
                    }
                }
                fold_into(c, buf);
            } else {
                end_word(&mut word, buf, &mut emit);
            }
        }
        i = end;
    }
    end_word(&mut word, buf, &mut emit);
    end_cjk(&mut cjk, &mut emit);
}

fn end_word(
    word: &mut Option<Range<usize>>,
    buf: &str,
    emit: &mut impl FnMut(&str, Range<usize>, Piece),
) {
    let Some(range) = word.take() else {
        return;
    };
    let mut cut = buf.len().min(MAX_TERM_BYTES);
    while !buf.is_char_boundary(cut) {
        cut -= 1;
    }
    if let Some(term) = buf.get(..cut).filter(|t| !t.is_empty()) {
        emit(term, range, Piece::Word);
    }
}

fn end_cjk(
    cjk: &mut Option<(char, Range<usize>, bool)>,
    emit: &mut impl FnMut(&str, Range<usize>, Piece),
) {
    if let Some((c, range, had_prev)) = cjk.take() {
        let mut bytes = [0u8; 4];
        let piece = if had_prev { Piece::Tail } else { Piece::Single };
        emit(c.encode_utf8(&mut bytes), range, piece);
    }
}

/// Han ideographs and kana (Hangul is spaced, so it is not here).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007 | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x3FFFF)
}

/// Characters that are not letters but belong to the word they follow: combining marks and
/// joiners (dropped by folding), and the viramas, tone marks and signs of Brahmic scripts.
fn joins_word(c: char) -> bool {
    is_dropped_mark(c)
        || (matches!(c as u32, 0x0900..=0x0FFF | 0x1000..=0x109F | 0x1780..=0x17FF)
            && !c.is_whitespace()
            && !matches!(c as u32,
                0x0964 | 0x0965 | 0x0970 | 0x0DF4 | 0x0E3F | 0x0E4F | 0x0E5A | 0x0E5B
                | 0x0F04..=0x0F14 | 0x0F3A..=0x0F3D | 0x104A..=0x104F | 0x17D4..=0x17DA))
}

/// Marks that search ignores: Latin, Greek and Cyrillic combining accents, Hebrew points,
/// Arabic vowel marks, variation selectors and zero-width joiners.
fn is_dropped_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x05BF | 0x05C1 | 0x05C2 | 0x05C4
        | 0x05C5 | 0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF | 0x200C | 0x200D | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F)
}

/// Base letters of U+00C0..=U+00FF and U+0100..=U+017F; '.' where the table does not apply
/// (× ÷, and the letters folded to two).
const LATIN_1: &[u8; 64] = b"aaaaaa.ceeeeiiiidnooooo.ouuuuy..aaaaaa.ceeeeiiiidnooooo.ouuuuy.y";
const LATIN_EXT_A: &[u8; 128] = b"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii..jjkkkllllllllllnnnnnnnnnoooooo..rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/// Appends `c` lowercased and without accents.
fn fold_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        c.to_lowercase().for_each(|l| fold_lower(l, out));
    }
}

fn fold_lower(c: char, out: &mut String) {
    let u = c as u32;
    let table = |t: &[u8], at: u32| t.get(at as usize).copied().filter(|&b| b != b'.');
    let base = match u {
        0xC6 | 0xE6 => return out.push_str("ae"),
        0xDE | 0xFE => return out.push_str("th"),
        0xDF => return out.push_str("ss"),
        0x132 | 0x133 => return out.push_str("ij"),
        0x152 | 0x153 => return out.push_str("oe"),
        0xC0..=0xFF => table(LATIN_1, u - 0xC0).map(char::from),
        0x100..=0x17F => table(LATIN_EXT_A, u - 0x100).map(char::from),
        0x1A0 | 0x1A1 | 0x1D1 | 0x1D2 | 0x1ECC..=0x1EE3 => Some('o'),
        0x1AF | 0x1B0 | 0x1D3..=0x1DC | 0x1EE4..=0x1EF1 => Some('u'),
        0x1CD | 0x1CE | 0x1EA0..=0x1EB7 => Some('a'),
        0x1CF | 0x1D0 | 0x1EC8..=0x1ECB => Some('i'),
        0x1EB8..=0x1EC7 => Some('e'),
        0x1EF2..=0x1EF9 => Some('y'),
        0x218 | 0x219 => Some('s'),
        0x21A | 0x21B => Some('t'),
        0x3AC => Some('α'),
        0x3AD => Some('ε'),
        0x3AE => Some('η'),
        0x3AF | 0x3CA | 0x390 => Some('ι'),
        0x3CC => Some('ο'),
        0x3CD | 0x3CB | 0x3B0 => Some('υ'),
        0x3CE => Some('ω'),
        0x3C2 => Some('σ'),
        0x451 => Some('е'),
        // Fullwidth digits and letters, as Japanese input often types them.
        0xFF10..=0xFF19 | 0xFF41..=0xFF5A => char::from_u32(u - 0xFEE0),
        _ if is_dropped_mark(c) => return,
        _ => None,
    };
    out.push(base.unwrap_or(c));
}

// ---- Readable text of Markdown ------------------------------------------------------------

/// The length of the whitespace or control character at byte `i`, or 0 for any other.
fn space_len(text: &str, i: usize) -> usize {
    match text.as_bytes().get(i) {
        None => 0,
        Some(&b) if b < 0x80 => usize::from(b <= b' ' || b == 0x7F),
        Some(_) => text
            .get(i..)
            .and_then(|rest| rest.chars().next())
            .filter(|c| c.is_whitespace() || c.is_control())
            .map_or(0, char::len_utf8),
    }
}

/// Collects text with each run of whitespace and control characters made one space.
struct Plain<'a> {
    out: &'a mut String,
    gap: bool,
}

impl Plain<'_> {
    fn gap(&mut self) {
        self.gap = true;
    }

    fn push(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let space = space_len(text, i);
            if space > 0 {
                self.gap = true;
                i += space;
                continue;
            }
            // Words apart by single spaces, most of a line, are copied in one piece.
            let start = i;
            while let Some(&b) = bytes.get(i) {
                let printable = |b: u8| b > b' ' && b < 0x7F;
                if printable(b) {
                    i += 1;
                } else if b == b' ' && bytes.get(i + 1).is_some_and(|&next| printable(next)) {
                    i += 2;
                } else if b >= 0x80 && space_len(text, i) == 0 {
                    i += text[i..].chars().next().map_or(1, char::len_utf8);
                } else {
                    break;
                }
            }
            if self.gap && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.gap = false;
            self.out.push_str(text.get(start..i).unwrap_or_default());
        }
    }

    fn push_char(&mut self, c: char) {
        let mut bytes = [0u8; 4];
        self.push(c.encode_utf8(&mut bytes));
    }
}

/// The readable text of a note body, on one line, into `out`; words that are indexed but not
/// shown (targets of links with an alias) into `hidden`. Deliberately approximate: it serves
/// search and snippets, not rendering, and never fails. After each line, `more` is given the
/// text so far and says whether to go on.
fn plain_text(
    markdown: &str,
    out: &mut String,
    hidden: &mut String,
    mut more: impl FnMut(&str) -> bool,
) {
    let mut plain = Plain { out, gap: false };
    let mut fence: Option<(char, usize)> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match fence {
            // Code is searchable as written; only the fences and their info string go.
            Some((mark, len)) => {
                let run = trimmed.chars().take_while(|&c| c == mark).count();
                if run >= len && trimmed.trim_start_matches(mark).trim().is_empty() {
                    fence = None;
                } else {
                    plain.push(line);
                }
            }
            None => match fence_open(trimmed) {
                Some(open) => fence = Some(open),
                None => block(trimmed, &mut plain, hidden),
            },
        }
        plain.gap();
        if !more(plain.out) {
            return;
        }
    }
}

fn fence_open(line: &str) -> Option<(char, usize)> {
    let mark = line.chars().next().filter(|&c| c == '`' || c == '~')?;
    let len = line.chars().take_while(|&c| c == mark).count();
    let info = line.get(len..).unwrap_or_default();
    (len >= 3 && !(mark == '`' && info.contains('`'))).then_some((mark, len))
}

/// One line outside code blocks.
fn block(line: &str, plain: &mut Plain, hidden: &mut String) {
    let line = block_prefix(line);
    if is_rule(line) {
        return;
    }
    // `[label]: url` defines a link target: nothing to read. `[^1]: text` is a footnote.
    if let Some(rest) = line.strip_prefix('[') {
        if let Some(close) = rest.find("]:") {
            let label = &rest[..close];
            if !label.is_empty() && !label.contains(['[', ']']) {
                if label.starts_with('^') {
                    inline(&rest[close + 2..], plain, hidden);
                }
                return;
            }
        }
    }
    inline(line, plain, hidden);
}

/// The line without its quote markers, list bullet, task box or heading hashes.
fn block_prefix(line: &str) -> &str {
    let spaced = |s: &str| s.is_empty() || s.starts_with([' ', '\t']);
    let mut line = line.trim_start();
    loop {
        if let Some(rest) = line.strip_prefix('>') {
            line = rest.trim_start();
            continue;
        }
        if let Some(rest) = line.strip_prefix(['-', '*', '+']).filter(|r| spaced(r)) {
            line = rest.trim_start();
            continue;
        }
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=9).contains(&digits) {
            let rest = line.get(digits..).and_then(|r| r.strip_prefix(['.', ')']));
            if let Some(rest) = rest.filter(|r| spaced(r)) {
                line = rest.trim_start();
                continue;
            }
        }
        for task in ["[ ]", "[x]", "[X]"] {
            if let Some(rest) = line.strip_prefix(task).filter(|r| spaced(r)) {
                return rest.trim_start();
            }
        }
        let hashes = line.bytes().take_while(|&b| b == b'#').count();
        if (1..=6).contains(&hashes) {
            if let Some(rest) = line.get(hashes..).filter(|r| spaced(r)) {
                let rest = rest.trim();
                // A closing run of hashes needs a space before it: "C#" keeps its hash.
                let body = rest.trim_end_matches('#');
                return if body.is_empty() || body.ends_with([' ', '\t']) {
                    body.trim_end()
                } else {
                    rest
                };
            }
        }
        return line;
    }
}

/// A thematic break, setext underline or table delimiter row.
fn is_rule(line: &str) -> bool {
    let rule_char = |c: char| matches!(c, '-' | '*' | '_' | '=' | '|' | ':' | '+' | ' ' | '\t');
    if !line.starts_with(rule_char) || !line.chars().all(rule_char) {
        return false;
    }
    let marks = line.bytes().filter(|b| b"-*_=".contains(b)).count();
    marks >= 3 || (line.contains('|') && marks >= 1)
}

/// What an inline construct contributes to the text.
enum Out<'a> {
    Nothing,
    Gap,
    Text(&'a str),
    Char(char),
}

/// Inline Markdown of one line: keeps the text of links, emphasis and code, drops the rest.
fn inline(line: &str, plain: &mut Plain, hidden: &mut String) {
    let bytes = line.as_bytes();
    let links = scan(line);
    let mut links = links.iter().peekable();
    // (closing bracket of a Markdown link's text, end of its destination), innermost last.
    let mut skips: Vec<(usize, usize)> = Vec::new();
    let (mut i, mut literal) = (0, 0);
    while i < bytes.len() {
        while links.next_if(|l| l.range.start < i).is_some() {}
        if let Some(link) = links.next_if(|l| l.range.start == i) {
            plain.push(line.get(literal..i).unwrap_or_default());
            link_text(link, plain, hidden);
            i = link.range.end;
            literal = i;
            continue;
        }
        if let Some(&(close, end)) = skips.last() {
            if i >= close {
                skips.pop();
                plain.push(line.get(literal..i.min(close)).unwrap_or_default());
                i = i.max(end);
                literal = i;
                continue;
            }
        }
        // Skip plain text up to the next link, link end or byte that may start markup.
        let stop = (links.peek().map_or(bytes.len(), |l| l.range.start))
            .min(skips.last().map_or(bytes.len(), |s| s.0));
        if !may_start_markup(bytes, i) {
            i += 1;
            // Plain text, and URL letters inside words, start nothing.
            while let Some(&b) = bytes.get(i).filter(|_| i < stop) {
                match STARTS[usize::from(b)] {
                    PLAIN => i += 1,
                    URL_START if WORDY[usize::from(bytes[i - 1])] => i += 1,
                    _ => break,
                }
            }
            continue;
        }
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let run = bytes[i..].iter().take_while(|&&x| x == b).count();
        // Where to resume, and what the construct at `i` shows.
        let action = match b {
            b'\\' if next.is_some_and(|n| n.is_ascii_punctuation()) => {
                Some((i + 2, Out::Text(line.get(i + 1..i + 2).unwrap_or_default())))
            }
            b'`' => Some(code_span(line, i, run)),
            b'!' if next == Some(b'[') => Some((i + 1, Out::Nothing)),
            b'[' if next == Some(b'^') => line[i..]
                .find(']')
                .map(|close| (i + close + 1, Out::Nothing)),
            b'[' => md_link(bytes, i).map(|skip| {
                skips.push(skip);
                (i + 1, Out::Nothing)
            }),
            b'<' => tag_end(line, i).map(|end| (end, Out::Gap)),
            b'*' => Some((i + run, Out::Nothing)),
            // Intraword underscores (snake_case) are text.
            b'_' if !(is_wordy(i.checked_sub(1).and_then(|p| bytes.get(p)))
                && is_wordy(bytes.get(i + run))) =>
            {
                Some((i + run, Out::Nothing))
            }
            b'~' | b'=' if run == 2 => Some((i + 2, Out::Nothing)),
            b'&' => entity(line, i),
            b'{' => cloze_open(line, i).map(|end| (end, Out::Nothing)),
            b'}' if run == 2 => Some((i + 2, Out::Nothing)),
            b'|' => Some((i + 1, Out::Gap)),
            b'^' if is_block_anchor(line, i) => Some((bytes.len(), Out::Nothing)),
            b'h' | b'H' | b'w' | b'W' | b'f' | b'F'
                if !is_wordy(i.checked_sub(1).and_then(|p| bytes.get(p))) && is_url(&line[i..]) =>
            {
                let rest = &line[i..];
                let len = rest
                    .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
                    .unwrap_or(rest.len());
                Some((i + len, Out::Gap))
            }
            _ => None,
        };
        match action {
            Some((resume, out)) => {
                plain.push(line.get(literal..i).unwrap_or_default());
                match out {
                    Out::Nothing => {}
                    Out::Gap => plain.gap(),
                    Out::Text(text) => plain.push(text),
                    Out::Char(c) => plain.push_char(c),
                }
                i = resume.max(i + 1);
                literal = i;
            }
            None => i += 1,
        }
    }
    plain.push(line.get(literal..).unwrap_or_default());
}

/// What a byte may start for [`inline`]: nothing, markup, or a URL (only at a word start).
const PLAIN: u8 = 0;
const MARKUP: u8 = 1;
const URL_START: u8 = 2;
const STARTS: [u8; 256] = {
    let mut table = [PLAIN; 256];
    let markup = b"\\`![<*_~=&{}|^";
    let mut i = 0;
    while i < markup.len() {
        table[markup[i] as usize] = MARKUP;
        i += 1;
    }
    let url = b"hHwWfF";
    let mut i = 0;
    while i < url.len() {
        table[url[i] as usize] = URL_START;
        i += 1;
    }
    table
};

/// Whether the byte at `i` may start markup: URLs only start words.
fn may_start_markup(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i).map(|&b| STARTS[usize::from(b)]) {
        Some(MARKUP) => true,
        Some(URL_START) => !is_wordy(i.checked_sub(1).and_then(|p| bytes.get(p))),
        _ => false,
    }
}

/// Part of a word, for emphasis and URL detection; any non-ASCII byte counts as a letter.
fn is_wordy(b: Option<&u8>) -> bool {
    b.is_some_and(|&b| WORDY[usize::from(b)])
}

/// ASCII letters and digits, and every non-ASCII byte.
const WORDY: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b >= 0x80;
        b += 1;
    }
    table
};

/// A code span opened by `run` backticks at `open`: its content as written. Unclosed, the
/// backticks alone are dropped.
fn code_span(line: &str, open: usize, run: usize) -> (usize, Out<'_>) {
    let bytes = line.as_bytes();
    let mut j = open + run;
    while j < bytes.len() {
        if bytes[j] == b'`' {
            let close = bytes[j..].iter().take_while(|&&b| b == b'`').count();
            if close == run {
                let code = line.get(open + run..j).unwrap_or_default();
                return (j + close, Out::Text(code));
            }
            j += close;
        } else {
            j += 1;
        }
    }
    (open + run, Out::Nothing)
}

/// `[text](destination)` or `[text][label]` opening at `open`: the closing bracket of the text
/// and the end of what follows it.
fn md_link(bytes: &[u8], open: usize) -> Option<(usize, usize)> {
    let close = matching(bytes, open, b'[', b']')?;
    let end = match bytes.get(close + 1) {
        Some(b'(') => matching(bytes, close + 1, b'(', b')')?,
        Some(b'[') => matching(bytes, close + 1, b'[', b']')?,
        _ => return None,
    };
    Some((close, end + 1))
}

fn matching(bytes: &[u8], open: usize, opener: u8, closer: u8) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            i += 2;
            continue;
        }
        if b == opener {
            depth += 1;
        } else if b == closer {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// The end of an HTML tag, comment or autolink opening at `open` on this line.
fn tag_end(line: &str, open: usize) -> Option<usize> {
    let rest = line.get(open + 1..)?;
    if rest.starts_with("!--") {
        return Some(rest.find("-->").map_or(line.len(), |e| open + 1 + e + 3));
    }
    let first = rest.bytes().next()?;
    if !(first.is_ascii_alphabetic() || first == b'/') {
        return None;
    }
    rest.find('>').map(|e| open + 1 + e + 1)
}

/// An HTML entity at `amp`: the common named ones and numeric ones are decoded, others dropped.
fn entity(line: &str, amp: usize) -> Option<(usize, Out<'_>)> {
    let rest = line.get(amp + 1..)?;
    let semi = rest.bytes().take(12).position(|b| b == b';')?;
    let name = &rest[..semi];
    let out = match name {
        "amp" => Out::Char('&'),
        "lt" => Out::Char('<'),
        "gt" => Out::Char('>'),
        "quot" => Out::Char('"'),
        "apos" => Out::Char('\''),
        "nbsp" => Out::Gap,
        _ if name.starts_with('#') => {
            let number = &name[1..];
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => number.parse().ok(),
            }?;
            char::from_u32(code).map_or(Out::Gap, Out::Char)
        }
        _ if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()) => Out::Nothing,
        _ => return None,
    };
    Some((amp + 1 + semi + 1, out))
}

/// The end of a cloze's opening `{{c1::` at `open`.
fn cloze_open(line: &str, open: usize) -> Option<usize> {
    let rest = line.get(open..)?.strip_prefix("{{c")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && rest.get(digits..)?.starts_with("::")).then_some(open + 3 + digits + 2)
}

/// A card's `^anchor` ending the line.
fn is_block_anchor(line: &str, caret: usize) -> bool {
    let before = caret.checked_sub(1).and_then(|p| line.as_bytes().get(p));
    let name = line.get(caret + 1..).unwrap_or_default().trim_end();
    matches!(before, None | Some(b' ' | b'\t'))
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_url(text: &str) -> bool {
    let starts = |prefix: &str| {
        text.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    // Most words starting with h, f or w are not URLs: the second letter tells.
    match text.as_bytes().get(..2).map(|b| b[1].to_ascii_lowercase()) {
        Some(b't') => starts("http://") || starts("https://") || starts("ftp://"),
        Some(b'w') => starts("www."),
        _ => false,
    }
}

/// A wiki-link as read: its alias if any (the target is still indexed), else the target and
/// heading. Block anchors are ids, not words.
fn link_text(link: &WikiLink<'_>, plain: &mut Plain, hidden: &mut String) {
    match link.alias.filter(|_| !link.embed) {
        Some(alias) => {
            plain.push(alias);
            for part in std::iter::once(link.target).chain(link.heading) {
                hidden.push(' ');
                hidden.push_str(part);
            }
        }
        None => {
            plain.push(link.target);
            if let Some(heading) = link.heading {
                plain.push(" › ");
                plain.push(heading);
            }
        }
    }
}

// ---- Quick switcher -----------------------------------------------------------------------

/// A title matching the quick switcher's query: its index in the given titles, its score and
/// the byte ranges of the matched characters in the title (merged where adjacent).
pub type TitleMatch = (usize, i32, Vec<Range<usize>>);

const MATCH: i32 = 16;
const BONUS_WORD_START: i32 = 10;
const BONUS_CAMEL: i32 = 8;
/// More than a word start one character away earns (its bonus minus the gap), so runs win.
const BONUS_RUN: i32 = 8;
const GAP_OPEN: i32 = 3;
const GAP_EXTEND: i32 = 1;
/// Above this many cells the alignment falls back to the leftmost match (absurdly long inputs).
const MAX_CELLS: usize = 1 << 16;
const NONE: i32 = i32::MIN / 2;

/// Titles containing the query's characters in order (spaces in the query are ignored), case-
/// and accent-insensitive, best first: the exact title, then titles starting with the query,
/// then by score (matches at word starts and in runs score more, gaps cost), then shorter titles.
/// An empty query matches nothing.
pub fn fuzzy_titles<S: AsRef<str>>(query: &str, titles: &[S]) -> Vec<TitleMatch> {
    let mut matcher = Matcher::default();
    let mut pattern = String::new();
    for c in query.chars().filter(|c| !c.is_whitespace()) {
        fold_into(c, &mut pattern);
    }
    let pattern: Vec<char> = pattern.chars().collect();
    if pattern.is_empty() {
        return Vec::new();
    }
    matcher.read(query);
    let key = std::mem::take(&mut matcher.key);
    let mut found: Vec<Ranked> = Vec::new();
    for (index, title) in titles.iter().enumerate() {
        let title = title.as_ref();
        if !contains_in_order(&pattern, title, &mut matcher.buf) {
            continue;
        }
        matcher.read(title);
        let Some((score, ranges)) = matcher.align(&pattern) else {
            continue;
        };
        let tier = if matcher.key == key {
            0
        } else if matcher.key.starts_with(&key) {
            1
        } else {
            2
        };
        let length = matcher.chars.len();
        found.push(Ranked {
            tier,
            score,
            length,
            found: (index, score, ranges),
        });
    }
    found.sort_by(|a, b| {
        (a.tier.cmp(&b.tier))
            .then(b.score.cmp(&a.score))
            .then(a.length.cmp(&b.length))
            .then(a.found.0.cmp(&b.found.0))
    });
    found.into_iter().map(|r| r.found).collect()
}

/// A match with what orders it: 0 for the exact title, 1 for a title starting with the query,
/// 2 for the rest; then score; then length in folded characters.
struct Ranked {
    tier: u8,
    score: i32,
    length: usize,
    found: TitleMatch,
}

/// Whether the folded pattern occurs in order in the title: most titles fail this cheap test.
fn contains_in_order(pattern: &[char], title: &str, buf: &mut String) -> bool {
    let bytes = title.as_bytes();
    let (mut i, mut k) = (0, 0);
    while let (Some(&b), Some(&want)) = (bytes.get(i), pattern.get(k)) {
        if b < 0x80 {
            if char::from(b.to_ascii_lowercase()) == want {
                k += 1;
            }
            i += 1;
            continue;
        }
        let Some(c) = title.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        buf.clear();
        fold_into(c, buf);
        for f in buf.chars() {
            if pattern.get(k) == Some(&f) {
                k += 1;
            }
        }
        i += c.len_utf8();
    }
    k >= pattern.len()
}

/// A folded title character: where it came from and the bonus for matching it.
#[derive(Debug, Clone)]
struct TitleChar {
    c: char,
    range: Range<usize>,
    bonus: i32,
}

/// Scratch space reused across titles.
#[derive(Debug, Default)]
struct Matcher {
    chars: Vec<TitleChar>,
    key: Vec<char>,
    buf: String,
    prev: Vec<i32>,
    cur: Vec<i32>,
    from: Vec<u32>,
}

impl Matcher {
    /// Folds a title into `chars`, and into `key` with each run of whitespace one space.
    fn read(&mut self, title: &str) {
        self.chars.clear();
        self.key.clear();
        let (mut before, mut space) = (None, false);
        for (i, c) in title.char_indices() {
            let range = i..i + c.len_utf8();
            let bonus = word_bonus(before, c);
            if c.is_whitespace() {
                space = true;
            } else {
                if space && !self.key.is_empty() {
                    self.key.push(' ');
                }
                space = false;
            }
            if c.is_ascii() {
                let f = c.to_ascii_lowercase();
                self.chars.push(TitleChar { c: f, range, bonus });
                if !space {
                    self.key.push(f);
                }
                before = Some(c);
                continue;
            }
            self.buf.clear();
            fold_into(c, &mut self.buf);
            if self.buf.is_empty() {
                // A combining mark: highlighted with its letter.
                if let Some(last) = self.chars.last_mut() {
                    last.range.end = range.end;
                }
                continue;
            }
            for (k, f) in self.buf.chars().enumerate() {
                let bonus = if k == 0 { bonus } else { 0 };
                let range = range.clone();
                self.chars.push(TitleChar { c: f, range, bonus });
                if !space {
                    self.key.push(f);
                }
            }
            before = Some(c);
        }
    }

    /// The best alignment of the pattern with the title read last: score and matched ranges.
    fn align(&mut self, pattern: &[char]) -> Option<(i32, Vec<Range<usize>>)> {
        let (m, n) = (pattern.len(), self.chars.len());
        let mut leftmost = Vec::with_capacity(m);
        for (j, tc) in self.chars.iter().enumerate() {
            if leftmost.len() < m && tc.c == pattern[leftmost.len()] {
                leftmost.push(j);
            }
        }
        if leftmost.len() < m {
            return None;
        }
        let positions = if m * n > MAX_CELLS {
            leftmost
        } else {
            self.best_positions(pattern)?
        };
        let score = score_positions(&self.chars, &positions);
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for &j in &positions {
            let range = self.chars[j].range.clone();
            match ranges.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => ranges.push(range),
            }
        }
        Some((score, ranges))
    }

    /// Dynamic programming over (pattern char, title char): the best score of an alignment
    /// ending with pattern[i] on title[j] comes from pattern[i-1] on title[j-1] (a run) or on
    /// an earlier character (a gap, whose cost grows with its length).
    fn best_positions(&mut self, pattern: &[char]) -> Option<Vec<usize>> {
        let (m, n) = (pattern.len(), self.chars.len());
        let t = &self.chars;
        self.from.clear();
        self.from.resize(m * n, 0);
        self.prev.clear();
        self.prev.extend(t.iter().map(|tc| {
            if tc.c == pattern[0] {
                MATCH + 2 * tc.bonus
            } else {
                NONE
            }
        }));
        for (i, &p) in pattern.iter().enumerate().skip(1) {
            self.cur.clear();
            self.cur.resize(n, NONE);
            // Best alignment of pattern[..i] ending at least two characters back, minus its gap.
            let (mut gap, mut gap_from) = (NONE, 0);
            for (j, tc) in t.iter().enumerate().skip(1) {
                if j >= 2 {
                    if gap > NONE {
                        gap -= GAP_EXTEND;
                    }
                    let open = self.prev[j - 2];
                    if open > NONE && open - GAP_OPEN > gap {
                        gap = open - GAP_OPEN;
                        gap_from = j - 2;
                    }
                }
                if tc.c != p {
                    continue;
                }
                let run = self.prev[j - 1];
                let (base, from) = if run > NONE && run + BONUS_RUN >= gap {
                    (run + BONUS_RUN, j - 1)
                } else {
                    (gap, gap_from)
                };
                if base > NONE {
                    self.cur[j] = base + MATCH + tc.bonus;
                    self.from[i * n + j] = from as u32;
                }
            }
            std::mem::swap(&mut self.prev, &mut self.cur);
        }
        let mut end = None;
        for (j, &score) in self.prev.iter().enumerate() {
            if score > NONE && end.is_none_or(|(_, best)| score > best) {
                end = Some((j, score));
            }
        }
        let (mut j, _) = end?;
        let mut positions = vec![0; m];
        for i in (0..m).rev() {
            positions[i] = j;
            if i > 0 {
                j = *self.from.get(i * n + j)? as usize;
            }
        }
        Some(positions)
    }
}

/// The score of matching the pattern at these title positions, as the alignment counts it.
fn score_positions(chars: &[TitleChar], positions: &[usize]) -> i32 {
    let mut score = 0;
    for (k, &j) in positions.iter().enumerate() {
        let bonus = chars.get(j).map_or(0, |c| c.bonus);
        score += MATCH + if k == 0 { 2 * bonus } else { bonus };
        if k > 0 {
            let gap = (j - positions[k - 1] - 1) as i32;
            score += if gap == 0 {
                BONUS_RUN
            } else {
                -(GAP_OPEN + (gap - 1) * GAP_EXTEND)
            };
        }
    }
    score
}

fn word_bonus(before: Option<char>, c: char) -> i32 {
    if !c.is_alphanumeric() {
        return 0;
    }
    match before {
        None => BONUS_WORD_START,
        Some(b) if !b.is_alphanumeric() => BONUS_WORD_START,
        Some(b)
            if (b.is_lowercase() && c.is_uppercase()) || (!b.is_numeric() && c.is_numeric()) =>
        {
            BONUS_CAMEL
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenize(text, &mut String::new(), |t, _, _| out.push(t.to_string()));
        out
    }

    fn plain(markdown: &str) -> (String, String) {
        let (mut out, mut hidden) = (String::new(), String::new());
        plain_text(markdown, &mut out, &mut hidden, |_| true);
        (out, hidden)
    }

    /// A library of (id, title, body) for ranking tests.
    struct Fixture {
        index: SearchIndex,
        bodies: HashMap<String, String>,
    }

    impl Fixture {
        fn new(notes: &[(&str, &str, &str)]) -> Self {
            let mut index = SearchIndex::new();
            let mut bodies = HashMap::new();
            for (id, title, body) in notes {
                index.update(id, title, body);
                bodies.insert(id.to_string(), body.to_string());
            }
            Fixture { index, bodies }
        }

        fn search(&self, query: &str) -> Vec<Hit> {
            self.index
                .search(query, 50, |id| self.bodies.get(id).map(String::as_str))
        }

        fn ids(&self, query: &str) -> Vec<String> {
            self.search(query).into_iter().map(|h| h.note_id).collect()
        }
    }

    fn highlighted<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn words_are_lowercased_and_folded() {
        assert_eq!(
            terms("Crème BRÛLÉE, Straße & naïve ÆSIR; Łódź İstanbul"),
            ["creme", "brulee", "strasse", "naive", "aesir", "lodz", "istanbul"]
        );
        // Decomposed accents fold like precomposed ones.
        assert_eq!(terms("e\u{301}cole ÉCOLE école"), ["ecole"; 3]);
        assert_eq!(terms("Ελλάδα ΟΔΟΣ ёлка"), ["ελλαδα", "οδοσ", "елка"]);
        assert_eq!(terms("Tiếng Việt ơn"), ["tieng", "viet", "on"]);
        assert_eq!(terms("șțĂ ǎ ＡＢＣ１"), ["sta", "a", "abc1"]);
    }

    #[test]
    fn punctuation_splits_words() {
        assert_eq!(
            terms("v1.2.3 — don't snake_case, e-mail (2024-05)!"),
            ["v1", "2", "3", "don", "t", "snake", "case", "e", "mail", "2024", "05"]
        );
        assert!(terms("!!! ... --- ???").is_empty());
    }

    #[test]
    fn emoji_are_separators() {
        assert_eq!(terms("I ❤️ Rust 🦀!"), ["i", "rust"]);
        assert_eq!(terms("👩‍💻dev ok👍🏽"), ["dev", "ok"]);
        assert_eq!(terms("1️⃣ step"), ["1", "step"]);
    }

    #[test]
    fn cjk_runs_give_pairs_and_a_tail() {
        let mut pieces = Vec::new();
        tokenize("東京都に行く", &mut String::new(), |t, r, p| {
            pieces.push((t.to_string(), r, p))
        });
        let expected = [
            ("東京", 0..6, Piece::Pair),
            ("京都", 3..9, Piece::Pair),
            ("都に", 6..12, Piece::Pair),
            ("に行", 9..15, Piece::Pair),
            ("行く", 12..18, Piece::Pair),
            ("く", 15..18, Piece::Tail),
        ];
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(t, r, p)| (t.to_string(), r, p))
            .collect();
        assert_eq!(pieces, expected);
        assert_eq!(
            terms("Rust语言 2024年"),
            ["rust", "语言", "言", "2024", "年"]
        );
        // Hangul is spaced: whole words. Brahmic signs stay inside their word.
        assert_eq!(terms("한국어 공부"), ["한국어", "공부"]);
        assert_eq!(terms("नमस्ते दुनिया").len(), 2);
        assert_eq!(terms("สวัสดี ครับ").len(), 2);
    }

    #[test]
    fn long_words_are_cut_on_a_char_boundary() {
        let long = "é".repeat(100);
        let t = terms(&long);
        assert_eq!(t, ["e".repeat(MAX_TERM_BYTES)]);
        let t = terms(&"ж".repeat(100));
        assert_eq!(t[0].len(), MAX_TERM_BYTES);
        assert_eq!(
            terms(&"ж".repeat(100))[0].chars().count(),
            MAX_TERM_BYTES / 2
        );
    }

    #[test]
    fn markdown_syntax_is_stripped() {
        let body = "# Heading ##\n\n- [ ] **task** with `co*de` and [link](https://x.com/a_b) \
                    ![img alt](p.png)\n> quote ~~old~~ ==mark== snake_case _em_\n\n```rust\n\
                    let x = 1;\n```\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n---\n1. first\n\
                    [ref]: https://example.com\nSee <span class=\"x\">html</span> &amp; &#233; \
                    https://example.com/path www.x.org and [text][ref] and [^1].";
        assert_eq!(
            plain(body).0,
            "Heading task with co*de and link img alt quote old mark snake_case em let x = 1; \
             a b 1 2 first See html & é and text and ."
        );
    }

    #[test]
    fn wiki_links_keep_their_words() {
        let (text, hidden) = plain(
            "See [[Target Note|alias text]], [[Other#Part]], [[Card note#^capital]] and \
             ![[pic.png]]; `[[not a link]]`.",
        );
        assert_eq!(
            text,
            "See alias text, Other › Part, Card note and pic.png; [[not a link]]."
        );
        assert_eq!(hidden.trim(), "Target Note");
        let fixture = Fixture::new(&[("a", "A", "Read [[Target Note|this]] first.")]);
        assert_eq!(fixture.ids("target"), ["a"]);
        assert_eq!(fixture.ids("this"), ["a"]);
    }

    #[test]
    fn card_syntax_is_stripped() {
        let (text, _) = plain(
            "Capital of France :: Paris ^capital-fr\n{{c1::Berlin::city}} is in {{c2::Germany}}\n\
             What?\n?\nAnswer\n:::",
        );
        assert_eq!(
            text,
            "Capital of France :: Paris Berlin::city is in Germany What? ? Answer :::"
        );
        assert_eq!(
            terms(&text).iter().filter(|t| t.starts_with('c')).count(),
            2
        );
    }

    #[test]
    fn title_beats_body() {
        let f = Fixture::new(&[
            (
                "body",
                "Plants",
                "Photosynthesis, photosynthesis and photosynthesis again.",
            ),
            ("title", "Photosynthesis", "How leaves use light."),
            ("other", "Rocks", "Granite."),
        ]);
        assert_eq!(f.ids("photosynthesis"), ["title", "body"]);
    }

    #[test]
    fn rarer_words_count_more() {
        let mut notes = vec![
            ("x", "X", "alpha alpha alpha beta filler words here"),
            ("y", "Y", "alpha beta beta beta filler words here"),
        ];
        let common: Vec<String> = (0..10).map(|i| format!("c{i}")).collect();
        for id in &common {
            notes.push((id.as_str(), "C", "alpha and some other text"));
        }
        let f = Fixture::new(&notes);
        assert_eq!(f.ids("alpha beta"), ["y", "x"]);
        assert_eq!(f.ids("beta alpha"), ["y", "x"]);
    }

    #[test]
    fn more_occurrences_rank_higher() {
        let f = Fixture::new(&[
            ("once", "One", "rust is a metal and this is filler text"),
            ("thrice", "Three", "rust rust rust and this is filler text"),
        ]);
        assert_eq!(f.ids("rust"), ["thrice", "once"]);
    }

    #[test]
    fn whole_words_beat_completions() {
        let f = Fixture::new(&[
            ("long", "Things", "A catalog of things."),
            ("cat", "Pets", "My cat sleeps."),
        ]);
        assert_eq!(f.ids("cat"), ["cat", "long"]);
        assert_eq!(f.ids("cata"), ["long"]);
    }

    #[test]
    fn words_match_as_prefixes_and_all_must_match() {
        let f = Fixture::new(&[
            ("sr", "Memory", "Spaced repetition beats cramming."),
            ("s", "Space", "The space station."),
            ("r", "Reps", "Repetition of songs."),
        ]);
        assert_eq!(f.ids("spac rep"), ["sr"]);
        assert_eq!(f.ids("rep spac"), ["sr"]);
        assert_eq!(f.ids("spaced repetition"), ["sr"]);
        assert_eq!(f.ids("spaced xylophone"), Vec::<String>::new());
        assert_eq!(f.ids("paced"), Vec::<String>::new());
        let mut found = f.ids("rep");
        found.sort();
        assert_eq!(found, ["r", "sr"]);
    }

    #[test]
    fn case_and_accents_do_not_matter() {
        let f = Fixture::new(&[("a", "Répétition espacée", "Le CAFÉ de la Straße.")]);
        for query in [
            "repetition",
            "RÉPÉTITION",
            "Repe",
            "espacee",
            "cafe",
            "strasse",
            "STRASSE",
        ] {
            assert_eq!(f.ids(query), ["a"], "{query}");
        }
    }

    #[test]
    fn empty_or_punctuation_queries_find_nothing() {
        let f = Fixture::new(&[("a", "A", "Some text, with punctuation!")]);
        for query in ["", "   ", "!!", "—…", "🦀", ", ."] {
            assert!(f.search(query).is_empty(), "{query:?}");
        }
        assert!(SearchIndex::new().search("a", 10, |_| None).is_empty());
        assert!(f.index.search("some", 0, |_| None).is_empty());
    }

    #[test]
    fn cjk_queries() {
        let f = Fixture::new(&[
            ("tokyo", "旅行", "東京都に行く"),
            ("apart", "別", "東の京"),
            ("kyoto", "京", "京都の寺"),
        ]);
        assert_eq!(f.ids("東京"), ["tokyo"]);
        let mut found = f.ids("京");
        found.sort();
        assert_eq!(found, ["apart", "kyoto", "tokyo"]);
        // The title 京 matches whole; in a pair only the first character is highlighted.
        let hits = f.search("京");
        let tokyo = hits.iter().find(|h| h.note_id == "tokyo").unwrap();
        let s = &tokyo.snippet;
        assert_eq!(highlighted(&s.text, &s.ranges), ["京"]);
        let hits = f.search("京都");
        assert_eq!(hits.len(), 2);
        for hit in &hits {
            assert_eq!(
                highlighted(&hit.snippet.text, &hit.snippet.ranges),
                ["京都"]
            );
        }
    }

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
    fn ties_are_ordered_by_title_then_id() {
        let f = Fixture::new(&[
            ("3", "Same", "word"),
            ("1", "Same", "word"),
            ("2", "Alike", "word"),
        ]);
        assert_eq!(f.ids("word"), ["2", "1", "3"]);
        let hits = f.index.search("word", 2, |_| None);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[1].note_id, "1");
    }

    #[test]
    fn build_matches_updates() {
        let notes: Vec<Note> = (0..30)
            .map(|i| Note {
                id: format!("n{i}"),
                title: format!("Note {i} ž{}", i % 7),
                body: format!("word{} shared text {}", i % 5, "x".repeat(i)),
                created: 0.0,
                updated: 0.0,
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

    fn fuzzy(query: &str, titles: &[&str]) -> Vec<String> {
        fuzzy_titles(query, titles)
            .into_iter()
            .map(|(i, _, _)| titles[i].to_string())
            .collect()
    }

    #[test]
    fn fuzzy_orders_exact_prefix_runs_word_starts() {
        let titles = [
            "Rusty nails",
            "Notes on rust",
            "Rust",
            "R u s t scattered",
            "Trust issues",
            "Databases",
        ];
        assert_eq!(
            fuzzy("rust", &titles),
            [
                "Rust",
                "Rusty nails",
                "Notes on rust",
                "R u s t scattered",
                "Trust issues"
            ]
        );
        assert_eq!(
            fuzzy("sr", &["Sorting", "Spaced repetition", "Sr"]),
            ["Sr", "Spaced repetition", "Sorting"]
        );
        assert_eq!(
            fuzzy(
                "spaced rep",
                &["Spaced repetition", "Space dreams and the repo"]
            ),
            ["Spaced repetition", "Space dreams and the repo"]
        );
        // Shorter titles first when the match is the same.
        assert_eq!(
            fuzzy("note", &["Note taking ideas", "Notes", "Note taking"]),
            ["Notes", "Note taking", "Note taking ideas"]
        );
        assert_eq!(fuzzy("camelcase", &["CamelCase"]), ["CamelCase"]);
        // Spacing in the query does not matter for the exact and prefix tiers.
        assert_eq!(
            fuzzy(
                "  spaced   rep ",
                &["Spaced reading, perhaps", "Spaced  repetition"]
            ),
            ["Spaced  repetition", "Spaced reading, perhaps"]
        );
        assert_eq!(
            fuzzy(" rust", &["Rusty", "A rust", " Rust "]),
            [" Rust ", "Rusty", "A rust"]
        );
        assert!(fuzzy("zz", &titles).is_empty());
        assert!(fuzzy("  ", &titles).is_empty());
    }

    #[test]
    fn fuzzy_is_case_and_accent_insensitive_with_ranges() {
        let titles = ["École normale", "Straße", "e\u{301}te\u{301}"];
        let found = fuzzy_titles("ECOLE", &titles);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 0);
        assert_eq!(highlighted(titles[0], &found[0].2), ["École"]);
        let found = fuzzy_titles("strasse", &titles);
        assert_eq!(highlighted(titles[1], &found[0].2), ["Straße"]);
        let found = fuzzy_titles("ete", &titles);
        assert_eq!(highlighted(titles[2], &found[0].2), ["e\u{301}te\u{301}"]);
        let found = fuzzy_titles("sn", &["Spaced notes"]);
        assert_eq!(highlighted("Spaced notes", &found[0].2), ["S", "n"]);
        let found = fuzzy_titles("c++", &["C++ tips", "Cats"]);
        assert_eq!(found.len(), 1);
        assert_eq!(highlighted("C++ tips", &found[0].2), ["C++"]);
    }

    /// The best score over every way of placing the pattern, by brute force.
    fn best_by_brute_force(chars: &[TitleChar], pattern: &[char]) -> Option<i32> {
        fn go(
            chars: &[TitleChar],
            pattern: &[char],
            from: usize,
            taken: &mut Vec<usize>,
            best: &mut Option<i32>,
        ) {
            if taken.len() == pattern.len() {
                let s = score_positions(chars, taken);
                *best = Some(best.map_or(s, |b: i32| b.max(s)));
                return;
            }
            for j in from..chars.len() {
                if chars[j].c == pattern[taken.len()] {
                    taken.push(j);
                    go(chars, pattern, j + 1, taken, best);
                    taken.pop();
                }
            }
        }
        let mut best = None;
        go(chars, pattern, 0, &mut Vec::new(), &mut best);
        best
    }

    proptest! {
        #[test]
        fn fuzzy_alignment_is_optimal(
            title in "[abc AB-]{0,12}",
            query in "[abc]{1,4}",
        ) {
            let mut matcher = Matcher::default();
            matcher.read(&title);
            let pattern: Vec<char> = query.chars().collect();
            let expected = best_by_brute_force(&matcher.chars, &pattern);
            let got = matcher.align(&pattern).map(|(score, _)| score);
            prop_assert_eq!(got, expected);
        }
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
                            id: id.clone(),
                            title: title.clone(),
                            body: body.clone(),
                            created: 0.0,
                            updated: 0.0,
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
                    id: id.clone(),
                    title: title.clone(),
                    body: body.clone(),
                    created: 0.0,
                    updated: 0.0,
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

    // ---- Ranking against a reference -----------------------------------------------------

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

    fn words_text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(WORDS), 0..12).prop_map(|w| w.join(" "))
    }

    fn library() -> impl Strategy<Value = Vec<(String, String)>> {
        prop::collection::vec((words_text(), words_text()), 1..25)
    }

    fn query() -> impl Strategy<Value = String> {
        let word = prop::sample::select(WORDS)
            .prop_flat_map(|w| (1..=w.len()).prop_map(move |n| w[..n].to_string()));
        prop::collection::vec(word, 1..4).prop_map(|w| w.join(" "))
    }

    /// A note's terms with their title and body frequencies, and its title and body lengths.
    type NoteTerms = (HashMap<String, (u16, u16)>, usize, usize);

    /// Every note's score for the query, worked out note by note from its tokens, as the
    /// module's documentation describes the ranking; `None` for notes missing a word.
    fn reference_scores(notes: &[(String, String)], query: &str) -> Vec<Option<f32>> {
        let words = query_words(query);
        let parsed: Vec<NoteTerms> = notes
            .iter()
            .map(|(title, body)| {
                let mut tf: HashMap<String, (u16, u16)> = HashMap::new();
                let title_terms = terms(title);
                for t in &title_terms {
                    tf.entry(t.clone()).or_default().0 += 1;
                }
                let (text, hidden) = plain(body);
                let body_terms = [terms(&text), terms(&hidden)].concat();
                for t in &body_terms {
                    tf.entry(t.clone()).or_default().1 += 1;
                }
                (tf, title_terms.len(), body_terms.len())
            })
            .collect();
        let n = notes.len() as f32;
        let avg_title = (parsed.iter().map(|p| p.1).sum::<usize>() as f32 / n).max(1.0);
        let avg_body = (parsed.iter().map(|p| p.2).sum::<usize>() as f32 / n).max(1.0);
        let bm25 = |tf: u16, len: usize, avg: f32, b: f32| {
            let tf = f32::from(tf);
            if tf == 0.0 {
                0.0
            } else {
                tf * (K1 + 1.0) / (tf + K1 * (1.0 - b + b * len as f32 / avg))
            }
        };
        // Each word's best term score per note, before IDF.
        let per_word: Vec<Vec<Option<f32>>> = words
            .iter()
            .map(|w| {
                parsed
                    .iter()
                    .map(|(tf, title_len, body_len)| {
                        tf.iter()
                            .filter(|(term, _)| term.starts_with(&w.text))
                            .map(|(term, &(title_tf, body_tf))| {
                                let weight = if term.len() == w.text.len() {
                                    1.0
                                } else {
                                    COMPLETION
                                };
                                weight
                                    * (TITLE_WEIGHT
                                        * bm25(title_tf, *title_len, avg_title, B_TITLE)
                                        + bm25(body_tf, *body_len, avg_body, B_BODY))
                            })
                            .reduce(f32::max)
                    })
                    .collect()
            })
            .collect();
        (0..notes.len())
            .map(|i| {
                per_word.iter().try_fold(0.0, |total, scores| {
                    let df = scores.iter().flatten().count() as f32;
                    let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                    scores[i].map(|s| total + idf * s)
                })
            })
            .collect()
    }

    proptest! {
        #[test]
        fn ranking_matches_a_note_by_note_reference(
            notes in library(),
            query in query(),
            limit in 1usize..6,
        ) {
            let mut index = SearchIndex::new();
            for (i, (title, body)) in notes.iter().enumerate() {
                index.update(&format!("n{i:02}"), title, body);
            }
            let all = index.search(&query, 100, |_| None);
            let reference = reference_scores(&notes, &query);
            let close = |a: f32, b: f32| (a - b).abs() <= 1e-4 * a.abs().max(1.0);
            // The same notes, each with its score, best first and ties by title then id.
            let matching: Vec<usize> = (0..notes.len()).filter(|&i| reference[i].is_some()).collect();
            prop_assert_eq!(all.len(), matching.len());
            for hit in &all {
                let i: usize = hit.note_id[1..].parse().unwrap();
                let expected = reference[i].unwrap();
                prop_assert!(close(hit.score, expected), "{} {} {}", hit.note_id, hit.score, expected);
            }
            for pair in all.windows(2) {
                let key = |h: &Hit| (h.title.clone(), h.note_id.clone());
                prop_assert!(
                    pair[0].score > pair[1].score
                        || (pair[0].score == pair[1].score && key(&pair[0]) < key(&pair[1])),
                    "{:?}", pair
                );
            }
            // Fewer results are the first of them.
            let best = index.search(&query, limit, |_| None);
            prop_assert_eq!(&best[..], &all[..limit.min(all.len())]);
        }
    }

    // ---- Fast paths against the plain ways ------------------------------------------------

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

    fn mixed_text() -> impl Strategy<Value = String> {
        let long = "abcdefghijklmnopqrstuvwxyz".repeat(3);
        let piece = prop_oneof![
            8 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => Just(long),
            1 => "[a-zA-Zé東 .]{0,6}",
        ];
        prop::collection::vec(piece, 0..20).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn marks_match_token_by_token(text in mixed_text(), query in mixed_text()) {
            let words = query_words(&query);
            let fast: Vec<(Range<usize>, usize)> =
                marks_of(&text, &words).into_iter().map(|m| (m.range, m.word)).collect();
            prop_assert_eq!(fast, marks_token_by_token(&text, &words));
        }

        #[test]
        fn plain_text_collapses_spaces_like_splitting_on_them(
            pieces in prop::collection::vec((mixed_text(), any::<bool>()), 0..6),
        ) {
            let mut out = String::new();
            let mut plain = Plain { out: &mut out, gap: false };
            let mut joined = String::new();
            for (piece, gap) in &pieces {
                plain.push(piece);
                joined.push_str(piece);
                if *gap {
                    plain.gap();
                    joined.push(' ');
                }
            }
            let words: Vec<&str> = joined
                .split(|c: char| c.is_whitespace() || c.is_control())
                .filter(|w| !w.is_empty())
                .collect();
            prop_assert_eq!(out, words.join(" "));
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

    #[test]
    fn urls_are_told_by_their_start() {
        for url in [
            "http://x.y",
            "HTTPS://x.y/a",
            "ftp://f",
            "www.example.org",
            "WWW.x",
        ] {
            assert!(is_url(url), "{url}");
        }
        for word in [
            "hello", "h", "", "http:/x", "https:x", "fwww.x", "ww.x", "wtf://x", "ftp:",
        ] {
            assert!(!is_url(word), "{word}");
        }
        assert_eq!(
            plain("with https://x.org/with and www.w.org, then wh ftp://f.tp fin").0,
            "with and then wh fin"
        );
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

    /// SplitMix64: a small deterministic generator for the benchmark's library.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        /// Zipf-like rank in 0..n: rank r drawn with probability about 1/(r+1).
        fn zipf(&mut self, n: usize) -> usize {
            let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
            (((n as f64 + 1.0).powf(u) - 1.0) as usize).min(n - 1)
        }
    }

    /// 10,000 notes of about 1.5 KB: Zipf-distributed words (some accented, a few CJK),
    /// headings, lists, emphasis, code, about five wiki-links each, some URLs and cards.
    fn bench_library() -> (Vec<Note>, Vec<String>) {
        let mut rng = Rng(42);
        let common = [
            "the",
            "of",
            "and",
            "to",
            "in",
            "is",
            "that",
            "for",
            "it",
            "with",
            "memory",
            "spaced",
            "repetition",
            "learning",
            "card",
            "review",
            "note",
            "recall",
            "interval",
            "café",
            "résumé",
            "naïve",
            "straße",
            "über",
            "東京",
            "日本語",
        ];
        let syllables = [
            "ka", "lo", "mi", "ren", "tos", "ba", "sé", "vu", "dra", "pel", "ün", "gor", "fa",
            "ti", "ne", "quo", "lis", "mar", "zen", "pho", "ri", "da", "ex", "ol",
        ];
        let mut vocabulary: Vec<String> = common.iter().map(|w| w.to_string()).collect();
        while vocabulary.len() < 30_000 {
            let parts = 2 + rng.below(3);
            let word: String = (0..parts)
                .map(|_| syllables[rng.below(syllables.len())])
                .collect();
            vocabulary.push(word);
        }
        let titles: Vec<String> = (0..10_000)
            .map(|i| {
                let words: Vec<&str> = (0..2 + rng.below(3))
                    .map(|_| vocabulary[rng.zipf(vocabulary.len())].as_str())
                    .collect();
                let mut title = words.join(" ");
                if let Some(first) = title.get(..1) {
                    title = first.to_uppercase() + &title[1..];
                }
                format!("{title} {i}")
            })
            .collect();
        let mut notes = Vec::with_capacity(titles.len());
        for (i, title) in titles.iter().enumerate() {
            let mut body = String::new();
            let mut links = 0;
            while body.len() < 1500 {
                match rng.below(12) {
                    0 => body.push_str(&format!(
                        "\n## {}\n\n",
                        vocabulary[rng.zipf(vocabulary.len())]
                    )),
                    1 => {
                        for _ in 0..3 {
                            body.push_str(&format!(
                                "- {} {}\n",
                                vocabulary[rng.zipf(vocabulary.len())],
                                vocabulary[rng.zipf(vocabulary.len())]
                            ));
                        }
                        body.push('\n');
                    }
                    2 if i % 5 == 0 => body.push_str(&format!(
                        "[source](https://example.com/page/{}) ",
                        rng.below(1000)
                    )),
                    3 => body.push_str(&format!(
                        "{} :: {}\n",
                        vocabulary[rng.zipf(vocabulary.len())],
                        vocabulary[rng.zipf(vocabulary.len())]
                    )),
                    _ => {
                        let words = 8 + rng.below(12);
                        for w in 0..words {
                            let word = &vocabulary[rng.zipf(vocabulary.len())];
                            match rng.below(40) {
                                0 => body.push_str(&format!("**{word}**")),
                                1 => body.push_str(&format!("`{word}`")),
                                2 if links < 6 => {
                                    links += 1;
                                    let target = &titles[rng.below(titles.len())];
                                    body.push_str(&format!("[[{target}]]"));
                                }
                                _ => body.push_str(word),
                            }
                            body.push_str(if w + 1 == words { ". " } else { " " });
                        }
                    }
                }
            }
            notes.push(Note {
                id: format!("note-{i:05}"),
                title: title.clone(),
                body,
                created: 0.0,
                updated: 0.0,
                origin: None,
            });
        }
        // 20 single words, 15 prefixes, 15 two-word queries, over common and rare words.
        let ranks = [
            0, 3, 10, 12, 30, 50, 100, 200, 400, 800, 1500, 3000, 5000, 8000, 12000, 19000, 25000,
            29000, 15, 24,
        ];
        let mut queries: Vec<String> = ranks.iter().map(|&r| vocabulary[r].clone()).collect();
        for &r in &ranks[..15] {
            let word = &vocabulary[r + 40];
            queries.push(word.chars().take(3).collect());
        }
        for k in 0..15 {
            let a = &vocabulary[ranks[k] + 7];
            let b: String = vocabulary[ranks[19 - k] + 3].chars().take(4).collect();
            queries.push(format!("{a} {b}"));
        }
        queries[20] = "spac".into();
        queries[35] = "spaced rep".into();
        (notes, queries)
    }

    fn percentile(sorted: &[f64], p: f64) -> f64 {
        sorted[((sorted.len() - 1) as f64 * p).round() as usize]
    }

    /// `cargo test --release --lib search::tests::benchmark -- --ignored --nocapture`
    #[test]
    #[ignore = "a benchmark: run it in release mode and read the figures"]
    fn benchmark() {
        use std::time::Instant;
        let (notes, queries) = bench_library();
        let text: usize = notes.iter().map(|n| n.title.len() + n.body.len()).sum();
        let started = Instant::now();
        let index = SearchIndex::build(&notes);
        let build = started.elapsed();
        let bodies: HashMap<&str, &str> = notes
            .iter()
            .map(|n| (n.id.as_str(), n.body.as_str()))
            .collect();
        let body_of = |id: &str| bodies.get(id).copied();
        let mut times = Vec::new();
        let mut found = 0;
        for _round in 0..3 {
            times.clear();
            found = 0;
            for query in &queries {
                let started = Instant::now();
                let hits = index.search(query, 20, body_of);
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                found += hits.len();
            }
        }
        times.sort_by(f64::total_cmp);
        let mut updated = index.clone();
        let started = Instant::now();
        for note in notes.iter().take(500) {
            let body = format!("{} edited", note.body);
            updated.update(&note.id, &note.title, &body);
        }
        let update = started.elapsed().as_secs_f64() * 1000.0 / 500.0;
        let titles: Vec<&str> = notes.iter().map(|n| n.title.as_str()).collect();
        let mut fuzzy_times = Vec::new();
        for query in queries.iter().take(20) {
            let short: String = query.chars().take(5).collect();
            let started = Instant::now();
            let matches = fuzzy_titles(&short, &titles);
            fuzzy_times.push(started.elapsed().as_secs_f64() * 1000.0);
            assert!(matches.len() <= titles.len());
        }
        fuzzy_times.sort_by(f64::total_cmp);
        println!(
            "search benchmark: {} notes, {:.1} MB of text, {} terms, {} postings",
            notes.len(),
            text as f64 / 1e6,
            index.term_count(),
            index.posting_count()
        );
        println!(
            "build: {:.0} ms; index heap ≈ {:.1} MB",
            build.as_secs_f64() * 1000.0,
            index.heap_bytes() as f64 / 1e6
        );
        println!(
            "query (50 queries, top 20 with snippets, {found} hits): p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            percentile(&times, 1.0)
        );
        println!("update one note: {update:.3} ms on average over 500");
        println!(
            "quick switcher over {} titles: p50 {:.3} ms, p95 {:.3} ms",
            titles.len(),
            percentile(&fuzzy_times, 0.5),
            percentile(&fuzzy_times, 0.95)
        );
    }
}
