//! Bringing files from other tools in: Markdown folders and zips (Obsidian, Logseq), Anki text
//! and CrowdAnki decks become notes of one bundle, previewed and merged like a shared one.
//!
//! ```ignore
//! let converted = import::convert(files);            // files picked or dropped by the learner
//! let plan = merge::plan(&library, converted.bundle); // preview; nothing written yet
//! ```

use crate::core::bundle::{Bundle, BundleNote};
use crate::core::note::content_hash;

/// A file as the learner picked it: its path in the folder or zip (`/`-separated) and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    pub path: String,
    pub bytes: Vec<u8>,
    /// When the file was last changed, in milliseconds since the Unix epoch, if known.
    pub modified: Option<f64>,
}

/// What became of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Its notes are in the bundle.
    Imported,
    /// Left out on purpose (an image, a settings file): nothing wrong with it.
    Skipped,
    /// It could not be read; the message says why.
    Refused,
}

/// One line of the import report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    pub path: String,
    pub outcome: Outcome,
    /// For the learner: what was taken from it, or why it was not.
    pub message: String,
}

impl FileReport {
    pub fn imported(path: &str, message: impl Into<String>) -> FileReport {
        FileReport {
            path: path.to_string(),
            outcome: Outcome::Imported,
            message: message.into(),
        }
    }

    pub fn skipped(path: &str, message: impl Into<String>) -> FileReport {
        FileReport {
            path: path.to_string(),
            outcome: Outcome::Skipped,
            message: message.into(),
        }
    }

    pub fn refused(path: &str, message: impl Into<String>) -> FileReport {
        FileReport {
            path: path.to_string(),
            outcome: Outcome::Refused,
            message: message.into(),
        }
    }
}

/// Notes converted from some files, and what happened to each file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Converted {
    pub notes: Vec<BundleNote>,
    pub reports: Vec<FileReport>,
}

impl Converted {
    pub fn extend(&mut self, other: Converted) {
        self.notes.extend(other.notes);
        self.reports.extend(other.reports);
    }
}

/// A stable note id for something imported from `source` (a file path, a deck's id): the same on
/// every import, so importing an updated vault or deck again updates its notes and keeps the
/// learner's card history, as a shared course does.
pub fn stable_id(kind: &str, source: &str) -> String {
    format!("{kind}-{}", content_hash(kind, source))
}
