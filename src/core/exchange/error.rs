//! The one error for reading a bundle, a link or a backup: each says what is wrong in words a
//! learner understands, naming what was being read.

use crate::core::exchange::frame::shown;
use crate::core::exchange::link::MAX_LINK_PAYLOAD;
use crate::core::exchange::{backup, bundle};
use crate::core::note::TitleError;

/// What was being read when an error arose: a message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A shared bundle, from a link or a file, plain or encrypted.
    Bundle,
    /// A whole-library backup.
    Backup,
}

impl Reading {
    fn word(self) -> &'static str {
        match self {
            Reading::Bundle => "bundle",
            Reading::Backup => "backup",
        }
    }

    /// Most bytes one may unpack to.
    pub fn max_unpacked(self) -> usize {
        match self {
            Reading::Bundle => bundle::MAX_UNPACKED,
            Reading::Backup => backup::MAX_UNPACKED,
        }
    }
}

/// Why a bundle cannot be opened or a backup restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeError {
    /// The bytes do not start like what was expected.
    NotLoam(Reading),
    /// A shared bundle (plain or encrypted) given as a backup.
    SharedBundle,
    /// An encrypted bundle given where a plain one was expected.
    Sealed,
    /// Expected an encrypted bundle.
    NotSealed,
    /// Made by a later Loam, with this format version.
    NewerVersion(Reading, u8),
    /// The data ends too early.
    Truncated(Reading),
    /// The compressed data is damaged.
    Corrupt(Reading),
    /// Unpacks to more than [`Reading::max_unpacked`] bytes.
    TooLarge(Reading),
    /// The link part is not base64url.
    BadLinkText,
    /// The link part is longer than [`MAX_LINK_PAYLOAD`].
    LinkTooLong,
    /// The unpacked data is not the JSON we expect; serde's words on what is wrong.
    Shape(Reading, String),
    NoNotes,
    TooManyNotes(usize),
    BadId(Reading, String),
    DuplicateId(Reading, String),
    BadTitle {
        reading: Reading,
        title: String,
        reason: TitleError,
    },
    DuplicateTitle(String),
    BodyTooLong(String),
    /// A note's times are impossible; the note's title.
    BadTime(Reading, String),
    /// A bundle's course description is unusable; the reason completes "This bundle's course …".
    BadCourse(&'static str),
    /// A course a backup lists is unusable; the reason completes "The course … in this backup …".
    BadListedCourse {
        title: String,
        reason: &'static str,
    },
    /// A note named as living in another course is unusable.
    BadElsewhere(Reading, String),
    /// The key of an encrypted link is not 16 bytes of base64url.
    BadKey,
    /// The reason completes "The card … in this backup …".
    BadCard {
        id: String,
        reason: &'static str,
    },
    DuplicateCard(String),
    /// The reason completes "The review … in this backup …".
    BadReview {
        id: String,
        reason: &'static str,
    },
    DuplicateReview(String),
    /// The scheduler refuses a backup's settings; its words.
    BadSettings(String),
    AuthorTooLong,
    /// A carried file is unusable; the reason completes "The file … in this bundle …".
    BadFile {
        reading: Reading,
        name: String,
        reason: &'static str,
    },
}

impl std::fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExchangeError::NotLoam(what) => write!(f, "This is not a Loam {}.", what.word()),
            ExchangeError::SharedBundle => write!(
                f,
                "This is a shared bundle, not a backup: open it with Open a shared file."
            ),
            ExchangeError::Sealed => write!(
                f,
                "This bundle is encrypted: open it through its share link, which carries the key."
            ),
            ExchangeError::NotSealed => write!(f, "This is not an encrypted Loam bundle."),
            ExchangeError::NewerVersion(what, v) => {
                let again = match what {
                    Reading::Bundle => "open the bundle again",
                    Reading::Backup => "restore the backup again",
                };
                write!(
                    f,
                    "This {} was made by a newer version of Loam (format {v}). Reload Loam to \
                     update it, then {again}.",
                    what.word()
                )
            }
            ExchangeError::Truncated(what) => {
                let advice = match what {
                    Reading::Bundle => "Copy the whole link (or file) and try again.",
                    Reading::Backup => "The file may not have finished saving or copying.",
                };
                write!(
                    f,
                    "This {} is cut off: it ends too early. {advice}",
                    what.word()
                )
            }
            ExchangeError::Corrupt(what) => write!(
                f,
                "This {} is damaged: its compressed data does not unpack.",
                what.word()
            ),
            ExchangeError::TooLarge(what) => write!(
                f,
                "This {} is too large once unpacked (over {} MiB).",
                what.word(),
                what.max_unpacked() / (1024 * 1024)
            ),
            ExchangeError::BadLinkText => write!(
                f,
                "This link is damaged: it holds characters a Loam link never has."
            ),
            ExchangeError::LinkTooLong => write!(
                f,
                "This link is too long to be a Loam bundle (over {MAX_LINK_PAYLOAD} characters)."
            ),
            ExchangeError::Shape(what, detail) => write!(
                f,
                "This {}'s contents are not what Loam expects: {detail}.",
                what.word()
            ),
            ExchangeError::NoNotes => write!(f, "This bundle holds no notes."),
            ExchangeError::TooManyNotes(n) => write!(
                f,
                "This bundle holds {n} notes; Loam opens at most {} at once.",
                bundle::MAX_NOTES
            ),
            ExchangeError::BadId(what, id) => write!(
                f,
                "A note in this {} has an id Loam cannot use: “{}”.",
                what.word(),
                shown(id)
            ),
            ExchangeError::DuplicateId(what, id) => write!(
                f,
                "Two notes in this {} have the id “{}”.",
                what.word(),
                shown(id)
            ),
            ExchangeError::BadTitle {
                reading,
                title,
                reason,
            } => write!(
                f,
                "A note in this {} has a title Loam cannot use (“{}”): {reason}",
                reading.word(),
                shown(title)
            ),
            ExchangeError::DuplicateTitle(title) => write!(
                f,
                "Two notes in this bundle have the title “{}”.",
                shown(title)
            ),
            ExchangeError::BodyTooLong(title) => write!(
                f,
                "The note “{}” in this bundle is longer than {} MiB.",
                shown(title),
                bundle::MAX_BODY_BYTES / (1024 * 1024)
            ),
            ExchangeError::BadTime(what, title) => write!(
                f,
                "The note “{}” in this {} has an impossible date.",
                shown(title),
                what.word()
            ),
            ExchangeError::BadCourse(reason) => write!(f, "This bundle's course {reason}."),
            ExchangeError::BadListedCourse { title, reason } => {
                write!(f, "The course “{}” in this backup {reason}.", shown(title))
            }
            ExchangeError::BadElsewhere(what, title) => write!(
                f,
                "This {} names a note of another course that Loam cannot use: “{}”.",
                what.word(),
                shown(title)
            ),
            ExchangeError::BadKey => write!(
                f,
                "The key in this link is damaged: it should be 22 letters, digits, “-” or “_”."
            ),
            ExchangeError::BadFile {
                reading,
                name,
                reason,
            } => write!(
                f,
                "The file “{}” in this {} {reason}.",
                shown(name),
                reading.word()
            ),
            ExchangeError::BadCard { id, reason } => {
                write!(f, "The card “{}” in this backup {reason}.", shown(id))
            }
            ExchangeError::DuplicateCard(id) => {
                write!(f, "Two cards in this backup have the id “{}”.", shown(id))
            }
            ExchangeError::BadReview { id, reason } => {
                write!(f, "The review “{}” in this backup {reason}.", shown(id))
            }
            ExchangeError::DuplicateReview(id) => {
                write!(f, "Two reviews in this backup have the id “{}”.", shown(id))
            }
            ExchangeError::BadSettings(detail) => write!(
                f,
                "This backup's review settings cannot be used: {}.",
                shown(detail)
            ),
            ExchangeError::AuthorTooLong => write!(
                f,
                "This backup's author name is longer than {} characters.",
                backup::MAX_AUTHOR_CHARS
            ),
        }
    }
}

impl std::error::Error for ExchangeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_well() {
        assert_eq!(
            ExchangeError::NotLoam(Reading::Bundle).to_string(),
            "This is not a Loam bundle."
        );
        assert!(ExchangeError::NewerVersion(Reading::Bundle, 2)
            .to_string()
            .contains("made by a newer version of Loam"));
        assert!(ExchangeError::Truncated(Reading::Bundle)
            .to_string()
            .starts_with("This bundle is cut off: "));
    }
}
