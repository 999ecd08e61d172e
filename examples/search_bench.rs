//! Times full-text search natively over the browser benchmark's library and queries: the 10,000
//! notes and 50 queries of scripts/bench/library.mjs, read from the JSON that
//! scripts/bench/search-library.mjs prints (node runs it). Run with
//! `cargo run --release --example search_bench`.
//!
//! Prints the index build time, then p50 and p95 over the 50 queries of one search as the
//! sidebar box makes it (the best 8 with highlights and snippets) and as the search page makes
//! it (the best 100), nearest-rank as bench.mjs computes them. Each query's time is its mean
//! over a few repeats, the fastest of several rounds: another busy process on the machine
//! slows some rounds, never speeds one up. Then the mean time to update one note after an edit,
//! and p50 and p95 of the quick switcher over every title.

use std::collections::HashMap;
use std::process::Command;
use std::time::Instant;

use loam::core::note::Note;
use loam::core::search::{fuzzy_titles, SearchIndex};
use loam::core::time::Time;
use serde::Deserialize;

/// Results in the sidebar box and on the search page (src/ui/search.rs).
const QUICK_RESULTS: usize = 8;
const PAGE_RESULTS: usize = 100;
const ROUNDS: usize = 5;
const REPEATS: usize = 10;
/// Notes edited one after another for the update time.
const EDITS: usize = 500;
/// Switcher queries: the first this many benchmark queries, cut to a typed prefix this long.
const SWITCHER_QUERIES: usize = 20;
const SWITCHER_CHARS: usize = 5;

#[derive(Deserialize)]
struct Library {
    notes: Vec<BenchNote>,
    queries: Vec<String>,
}

#[derive(Deserialize)]
struct BenchNote {
    id: String,
    title: String,
    body: String,
}

fn main() {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/bench/search-library.mjs"
    );
    let output = Command::new("node")
        .arg(script)
        .output()
        .expect("node runs the library generator");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let library: Library = serde_json::from_slice(&output.stdout).expect("the generator's JSON");
    let notes: Vec<Note> = library
        .notes
        .into_iter()
        .map(|n| Note {
            id: n.id.into(),
            title: n.title,
            body: n.body,
            created: Time::from_ms(0.0),
            updated: Time::from_ms(0.0),
            origin: None,
        })
        .collect();

    let started = Instant::now();
    let index = SearchIndex::build(&notes);
    let build = started.elapsed().as_secs_f64() * 1000.0;
    let bodies: HashMap<&str, &str> = notes
        .iter()
        .map(|n| (n.id.as_str(), n.body.as_str()))
        .collect();
    let body_of = |id: &str| bodies.get(id).copied();
    println!(
        "search bench: {} notes, {} queries; index built in {build:.0} ms, about {:.1} MB",
        notes.len(),
        library.queries.len(),
        index.heap_bytes() as f64 / 1e6
    );

    for (name, limit) in [("sidebar", QUICK_RESULTS), ("page", PAGE_RESULTS)] {
        let mut times = vec![f64::INFINITY; library.queries.len()];
        for _ in 0..ROUNDS {
            for (time, query) in times.iter_mut().zip(&library.queries) {
                let started = Instant::now();
                for _ in 0..REPEATS {
                    let hits = index.search(query, limit, body_of);
                    assert!(hits.len() <= limit);
                }
                let ms = started.elapsed().as_secs_f64() * 1000.0 / REPEATS as f64;
                *time = time.min(ms);
            }
        }
        let (slowest, query) = times
            .iter()
            .zip(&library.queries)
            .max_by(|a, b| a.0.total_cmp(b.0))
            .expect("queries");
        println!(
            "{name} ({limit} results): p50 {:.3} ms, p95 {:.3} ms; slowest \"{query}\" {slowest:.3} ms",
            percentile(&times, 50.0),
            percentile(&times, 95.0),
        );
    }

    let mut edited = index.clone();
    let started = Instant::now();
    for note in notes.iter().take(EDITS) {
        let body = format!("{} edited", note.body);
        edited.update(&note.id, &note.title, &body);
    }
    let edits = notes.len().min(EDITS);
    let update = started.elapsed().as_secs_f64() * 1000.0 / edits.max(1) as f64;
    println!("update one note: {update:.3} ms on average over {edits}");

    let titles: Vec<&str> = notes.iter().map(|n| n.title.as_str()).collect();
    let mut times = Vec::new();
    for query in library.queries.iter().take(SWITCHER_QUERIES) {
        let typed: String = query.chars().take(SWITCHER_CHARS).collect();
        let started = Instant::now();
        let matches = fuzzy_titles(&typed, &titles);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(matches.len() <= titles.len());
    }
    println!(
        "quick switcher over {} titles: p50 {:.3} ms, p95 {:.3} ms",
        titles.len(),
        percentile(&times, 50.0),
        percentile(&times, 95.0),
    );
}

/// Nearest-rank percentile, as bench.mjs computes it.
fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
