//! The files other tools wrote, as the learner picked them, and what each converter makes of
//! them: notes and a report line per file. Every converter builds on these alone.

use serde::{Deserialize, Serialize};

use crate::core::attachment::Kind;
use crate::core::exchange::bundle::BundleNote;
use crate::core::note::{clean_title, content_hash, title_char};
use crate::core::time::Time;

/// A file as the learner picked it: its path in the folder or zip (`/`-separated) and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    pub path: String,
    pub bytes: Vec<u8>,
    /// When the file was last changed, in milliseconds since the Unix epoch, if known.
    pub modified: Option<Time>,
}

/// What became of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Its notes are in the bundle.
    Imported,
    /// Left out on purpose (an image, a settings file): nothing wrong with it.
    Skipped,
    /// It could not be read; the message says why.
    Refused,
}

/// One line of the conversion report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Notes converted from some files, and what happened to each file. It crosses from the
/// converters module to the page as JSON; the kept files' contents cross one by one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Converted {
    pub notes: Vec<BundleNote>,
    pub reports: Vec<FileReport>,
    /// Pictures, sound and PDFs kept to attach, in the order of `contents`.
    #[serde(default)]
    pub files: Vec<KeptFile>,
    #[serde(skip)]
    pub contents: Vec<Vec<u8>>,
}

/// A file kept to attach: the name notes find it by, what it is and its size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptFile {
    pub name: String,
    pub kind: Kind,
    pub size: u64,
}

impl Converted {
    pub fn extend(&mut self, other: Converted) {
        self.notes.extend(other.notes);
        self.reports.extend(other.reports);
        self.files.extend(other.files);
        self.contents.extend(other.contents);
    }
}

/// A title Loam accepts made from a file or deck name: link syntax characters replaced, cut to
/// `max` characters (at most [`MAX_TITLE_CHARS`](crate::core::note::MAX_TITLE_CHARS)),
/// `fallback` when nothing is left.
pub(crate) fn usable_title(raw: &str, fallback: &str, max: usize) -> String {
    let cleaned: String = raw.trim().chars().map(title_char).take(max).collect();
    clean_title(&cleaned).unwrap_or_else(|_| fallback.to_string())
}

/// A file for tests: its path, text and time.
#[cfg(test)]
pub(crate) fn test_file(path: &str, text: &str, modified: Option<Time>) -> SourceFile {
    SourceFile {
        path: path.to_string(),
        bytes: text.as_bytes().to_vec(),
        modified,
    }
}

/// A stable note id for something converted from `source` (a file path, a deck's id): the same
/// on every conversion, so converting an updated vault or deck again updates its notes and keeps
/// the learner's card history, as a shared course does.
pub fn stable_id(kind: &str, source: &str) -> String {
    format!("{kind}-{}", content_hash(kind, source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::interop::convert;

    #[test]
    fn a_conversion_crosses_to_the_page_as_json_unchanged() {
        let files = vec![
            test_file("Vault/Paris.md", "The capital is {{c1::Paris}}.", None),
            test_file("Vault/logo.png", "\u{89}PNG", None),
            test_file("deck.txt", "not\ta\tdeck\tat all\t\t", None),
        ];
        let converted = convert(files, Time::from_ms(1_700_000_000_000.0));
        assert!(!converted.notes.is_empty() && converted.reports.len() >= 2);
        let json = serde_json::to_string(&converted).unwrap();
        assert_eq!(serde_json::from_str::<Converted>(&json).unwrap(), converted);
    }
}
