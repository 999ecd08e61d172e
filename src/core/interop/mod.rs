//! Bringing files from other tools in: Markdown folders and zips (Obsidian, Logseq), Anki text
//! and CrowdAnki decks become notes of one bundle, previewed and merged like a shared one.
//!
//! ```ignore
//! let mut conversion = Conversion::new(files, now); // files picked or dropped by the learner
//! while conversion.step(200) { /* show conversion.progress(); let the page paint */ }
//! let converted = conversion.finish();              // notes, and a report line per file
//! let bundle = Bundle { course: None, notes: converted.notes, elsewhere: Vec::new() };
//! let plan = merge::plan(&library, bundle);         // the preview; nothing written yet
//! ```

pub mod anki;
pub mod anki_export;
mod anki_field;
pub mod conversion;
pub mod crowdanki;
pub mod logseq;
pub mod source;
pub mod vault;
pub mod zip;

pub use conversion::{convert, Conversion};
pub use source::{stable_id, Converted, FileReport, KeptFile, Outcome, SourceFile};
