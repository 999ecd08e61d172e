//! A note: a titled Markdown text with a stable id and its created/updated times.

pub mod front_matter;
pub mod library;
pub mod link;
pub mod tag;
pub mod trash;
pub mod tree;

use serde::{Deserialize, Serialize};

pub use crate::core::id::NoteId;
use crate::core::time::Time;

/// A note for tests: created and last updated at `created` (ms), from nowhere.
#[cfg(test)]
pub fn sample(id: &str, title: &str, body: &str, created: f64) -> Note {
    Note {
        id: id.into(),
        title: title.into(),
        body: body.into(),
        created: Time::from_ms(created),
        updated: Time::from_ms(created),
        origin: None,
    }
}

/// Longest title we accept, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub id: NoteId,
    pub title: String,
    pub body: String,
    /// Milliseconds since the Unix epoch.
    pub created: Time,
    /// Milliseconds since the Unix epoch; the last change to title or body.
    pub updated: Time,
    /// Where the note came from, for notes imported from a shared bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// What an imported note looked like when it arrived, so a later import of an updated bundle can
/// tell the learner's own edits from the author's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The course the note came with, if the bundle named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<String>,
    /// [`content_hash`] of the title and body as imported.
    pub base: String,
}

/// A stable fingerprint of a note's title and body (FNV-1a, 64 bits, hex): the same on every
/// platform and in every version, since it is stored.
pub fn content_hash(title: &str, body: &str) -> String {
    // FNV-1a over the title, a zero byte, then the body. Plain loops over each slice: a
    // chained iterator costs several times as much per byte in the size-optimised build.
    fn fold(mut hash: u64, bytes: &[u8]) -> u64 {
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash
    }
    let hash = fold(fold(0xcbf2_9ce4_8422_2325, title.as_bytes()), &[0]);
    let hash = fold(hash, body.as_bytes());
    format!("{hash:016x}")
}

/// Why a title cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TitleError {
    Empty,
    TooLong,
    /// A character that would break `[[...]]` links to the note.
    ForbiddenChar(char),
    /// Another note already has this title (compared case-insensitively).
    Taken(String),
}

impl std::fmt::Display for TitleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TitleError::Empty => write!(f, "A note needs a title."),
            TitleError::TooLong => {
                write!(
                    f,
                    "Titles can be at most {MAX_TITLE_CHARS} characters long."
                )
            }
            TitleError::ForbiddenChar(c) => {
                write!(
                    f,
                    "Titles cannot contain “{c}”: it is part of the link syntax."
                )
            }
            TitleError::Taken(t) => write!(f, "A note titled “{t}” already exists."),
        }
    }
}

/// Checks a title typed by the user and returns it trimmed.
pub fn clean_title(raw: &str) -> Result<String, TitleError> {
    let title = raw.trim();
    if title.is_empty() {
        return Err(TitleError::Empty);
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(TitleError::TooLong);
    }
    if let Some(c) = title.chars().find(|&c| title_char(c) != c) {
        return Err(TitleError::ForbiddenChar(c));
    }
    Ok(title.to_string())
}

/// `c` as it may stand in a title: link syntax (`[ ] | # ^`) as `-`, a control character as a
/// space, any other character as itself.
pub fn title_char(c: char) -> char {
    match c {
        '[' | ']' | '|' | '#' | '^' => '-',
        c if c.is_control() => ' ',
        c => c,
    }
}

/// The key under which titles are unique: case-insensitive.
pub fn title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_the_stored_fnv1a() {
        // Values of FNV-1a over title, a zero byte and body, as stored by earlier versions.
        assert_eq!(
            content_hash("France", "France :: Paris ^fr"),
            "a3491df37d0fb64e"
        );
        assert_eq!(content_hash("", ""), "af63bd4c8601b7df");
        assert_eq!(content_hash("Été", "**é** ::: x"), "d6b8474a6ae4983b");
    }

    #[test]
    fn clean_title_trims_and_keeps_punctuation() {
        assert_eq!(
            clean_title("  Ça va? C++ / (2) – ok  "),
            Ok("Ça va? C++ / (2) – ok".into())
        );
        assert_eq!(clean_title("日本語"), Ok("日本語".into()));
    }

    #[test]
    fn clean_title_refuses_empty_and_long() {
        assert_eq!(clean_title(""), Err(TitleError::Empty));
        assert_eq!(clean_title(" \t\n "), Err(TitleError::Empty));
        let longest = "é".repeat(MAX_TITLE_CHARS);
        assert_eq!(clean_title(&format!(" {longest} ")), Ok(longest.clone()));
        assert_eq!(
            clean_title(&format!("{longest}e")),
            Err(TitleError::TooLong)
        );
    }

    #[test]
    fn clean_title_refuses_link_syntax_and_control_chars() {
        for c in ['[', ']', '|', '#', '^', '\n', '\t', '\u{7}'] {
            assert_eq!(
                clean_title(&format!("a{c}b")),
                Err(TitleError::ForbiddenChar(c)),
                "{c:?}"
            );
        }
    }

    #[test]
    fn title_key_ignores_case_and_outer_space() {
        assert_eq!(title_key("  Crème BRÛLÉE "), "crème brûlée");
        assert_eq!(title_key("ÉCOLE"), title_key("école"));
        assert_ne!(title_key("Old title"), title_key("Old title 2"));
    }

    #[test]
    fn title_errors_read_well() {
        assert_eq!(TitleError::Empty.to_string(), "A note needs a title.");
        assert_eq!(
            TitleError::TooLong.to_string(),
            "Titles can be at most 200 characters long."
        );
        assert_eq!(
            TitleError::ForbiddenChar('#').to_string(),
            "Titles cannot contain “#”: it is part of the link syntax."
        );
        assert_eq!(
            TitleError::Taken("Rust".into()).to_string(),
            "A note titled “Rust” already exists."
        );
    }
}
