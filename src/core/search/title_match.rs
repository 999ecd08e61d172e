//! The quick switcher's fuzzy title matcher: a small alignment of the query's characters over
//! each title, scored like fzf's (word starts, runs, gaps).

use std::ops::Range;

use super::token::fold_into;

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
    crate::core::sort_by(&mut found, |a, b| {
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
    use super::super::tests::highlighted;
    use super::*;
    use proptest::prelude::*;

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
}
