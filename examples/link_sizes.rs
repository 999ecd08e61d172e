//! Prints how long share links get: a 20-note course, and the largest course that still fits a
//! link. Run with `cargo run --release --example link_sizes`.
//!
//! The notes are generated prose (Zipf-distributed pseudo-words, so DEFLATE meets about the
//! redundancy of real text) with cards and links, and UUID-like ids as the app makes them.

use loam::core::exchange::bundle::{self, Bundle, BundleNote, Course, LINK_LIMIT};
use loam::core::time::Time;

/// A tiny deterministic generator (xorshift), so the figures are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ter", "an", "si", "de", "ro", "pa", "ul", "ne", "vi", "to", "ca", "re",
    "mo", "ti", "sa", "en", "da", "li", "po", "ga", "ber", "fu", "ri", "na", "le", "ho", "tri",
];

/// Word `rank` of a 5,000-word vocabulary; low ranks are short and common, as in real text.
fn word(rank: u64) -> String {
    let mut n = rank;
    let mut out = String::new();
    loop {
        out.push_str(SYLLABLES[(n % SYLLABLES.len() as u64) as usize]);
        n /= SYLLABLES.len() as u64;
        if n == 0 {
            break;
        }
    }
    out
}

/// A Zipf-like draw over 5,000 ranks.
fn zipf(rng: &mut Rng) -> u64 {
    let u = (rng.below(1_000_000) as f64 + 1.0) / 1_000_001.0;
    (5000f64.powf(u) - 1.0) as u64
}

fn sentence(rng: &mut Rng) -> String {
    let words: Vec<String> = (0..6 + rng.below(12)).map(|_| word(zipf(rng))).collect();
    let mut s = words.join(" ");
    s[..1].make_ascii_uppercase();
    s.push('.');
    s
}

fn uuid(rng: &mut Rng) -> String {
    let hex = format!("{:016x}{:016x}", rng.next(), rng.next());
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// `count` notes of about `bytes` each, with three cards and links to other notes.
fn course(count: usize, bytes: usize, rng: &mut Rng) -> Bundle {
    let titles: Vec<String> = (0..count)
        .map(|i| format!("Lesson {} {}", i + 1, word(zipf(rng))))
        .collect();
    let notes: Vec<BundleNote> = titles
        .iter()
        .map(|title| {
            let mut body = String::new();
            for card in 0..3 {
                body.push_str(&format!(
                    "{} :: {} ^card-{card}\n\n",
                    word(zipf(rng)),
                    word(zipf(rng))
                ));
            }
            while body.len() < bytes {
                if rng.below(4) == 0 {
                    let target = &titles[rng.below(count as u64) as usize];
                    body.push_str(&format!("See [[{target}]]. "));
                }
                body.push_str(&sentence(rng));
                body.push(if rng.below(5) == 0 { '\n' } else { ' ' });
            }
            BundleNote {
                id: uuid(rng).into(),
                title: title.clone(),
                body,
                created: Time::from_ms(1_764_000_000_000.0),
                updated: Time::from_ms(1_764_000_000_000.0 + rng.below(1_000_000_000) as f64),
            }
        })
        .collect();
    let root = notes[0].id.clone();
    Bundle {
        course: Some(Course {
            id: root.to_string(),
            title: titles[0].clone(),
            author: "A. Author".to_string(),
            version: 1_765_000_000_000,
            created: Time::from_ms(1_764_000_000_000.0),
            root,
        }),
        notes,
        elsewhere: Vec::new(),
        files: Vec::new(),
    }
}

const ORIGIN: &str = "https://loam.example/";

/// (text bytes, bundle bytes, link characters)
fn measure(bundle: &Bundle) -> (usize, usize, usize) {
    let text: usize = bundle
        .notes
        .iter()
        .map(|n| n.title.len() + n.body.len())
        .sum();
    let bytes = bundle::encode(bundle);
    let link = ORIGIN.len() + "#/import/".len() + bundle::to_link_payload(&bytes).len();
    (text, bytes.len(), link)
}

fn main() {
    println!("Share links (origin {ORIGIN}, link limit {LINK_LIMIT} characters)\n");
    println!(
        "{:>6} {:>8} {:>12} {:>10} {:>12}",
        "notes", "note size", "text bytes", "bundle", "link chars"
    );
    for (count, size) in [
        (1, 1000),
        (20, 500),
        (20, 1000),
        (20, 1500),
        (50, 1000),
        (100, 1000),
    ] {
        let (text, bytes, link) = measure(&course(count, size, &mut Rng(42)));
        println!("{count:>6} {size:>8} {text:>12} {bytes:>10} {link:>12}");
    }
    for size in [500, 1000, 1500] {
        let mut fits = 0;
        let mut fit_text = 0;
        for count in 1..2000 {
            let (text, _, link) = measure(&course(count, size, &mut Rng(42)));
            if link > LINK_LIMIT {
                break;
            }
            fits = count;
            fit_text = text;
        }
        println!(
            "Largest course of {size}-byte notes that fits a link: {fits} notes, {fit_text} bytes of text"
        );
    }
}
