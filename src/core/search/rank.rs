//! Ranking a query's matches: BM25 over title and body, every word required, only the best
//! kept.
//!
//! Ranking: every query word must match (AND), as a prefix of an indexed word (the last one is
//! being typed, and "spac rep" should find "spaced repetition"); whole words beat completions.
//! Each word adds its IDF (over all the notes it matches) times BM25 term-frequency scores of
//! body and title, the title weighted so that one title match outweighs any number of body ones.
//! Only the best results are kept as notes are scored, and only they get highlights.

use std::cmp::Ordering;

use super::index::Posting;
use super::token::QueryWord;
use super::SearchIndex;

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
/// Up to this many terms, a query word's postings are looked up to learn whether a result's
/// body holds the word, so that its snippet can stop reading once it has them all.
const LOOKED_UP_TERMS: usize = 64;

impl SearchIndex {
    /// Each query word's terms: the indexed words it is a prefix of, with whether the term is
    /// the word itself.
    pub(super) fn expand(&self, words: &[QueryWord]) -> Vec<Vec<(u32, bool)>> {
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
    pub(super) fn in_body(&self, terms: &[(u32, bool)], slot: u32) -> bool {
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
    pub(super) fn rank(&self, expanded: &[Vec<(u32, bool)>], limit: usize) -> Vec<(u32, f32)> {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{highlighted, plain, query, terms, words_text, Fixture};
    use super::super::token::query_words;
    use super::super::Hit;
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

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

    fn library() -> impl Strategy<Value = Vec<(String, String)>> {
        prop::collection::vec((words_text(), words_text()), 1..25)
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
}
