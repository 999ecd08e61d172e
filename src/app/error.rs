//! Why an operation of the app failed. Each case keeps what it is about; the words the user
//! reads are made only when it is shown (`Display`).

use std::fmt;

use crate::browser::BrowserError;
use crate::core::change::Refusal;
use crate::core::exchange::hosting::NoUpdate;
use crate::core::exchange::ExchangeError;
use crate::store::StoreError;

/// A failed operation of the app; nothing it would have changed was changed.
#[derive(Debug, Clone, PartialEq)]
pub enum AppError {
    /// The library is still being read from storage.
    StillOpening,
    /// The library's signals are gone (the app is being torn down).
    LibraryUnavailable,
    /// The library never opened, so nothing can be changed in it.
    LibraryNotOpen,
    /// Storage never opened or was closed for a newer version.
    StorageUnavailable,
    /// A change was refused (a title in use, a note gone).
    Refused(Refusal),
    /// IndexedDB refused a read or write.
    Store(StoreError),
    /// The browser refused (a file, a download, encryption, the clipboard).
    Browser(BrowserError),
    /// A link or downloaded file is not a readable bundle.
    Exchange(ExchangeError),
    /// A picked file is not a readable bundle or backup.
    File { name: String, error: ExchangeError },
    /// A picked bundle file is encrypted and needs the key from its link.
    Sealed { name: String },
    /// A followed course's published file is no update of it.
    NoUpdate(NoUpdate),
    /// The course is not followed from anywhere.
    NotFollowed,
    /// The course was never published on the web from this library.
    NotPublished,
    /// A file Loam would write is larger than it reads back.
    TooLarge { what: &'static str, most: u64 },
    /// An import failed as a whole.
    NotImported(Box<AppError>),
    /// A restore failed as a whole.
    NotRestored(Box<AppError>),
    /// A sync setup that cannot be used, with why.
    Sync(String),
    /// The first visit's module could not hand this tab to the whole app.
    WholeAppUnavailable,
}

impl AppError {
    /// This failure, as the reason an import left everything as it was.
    pub fn not_imported(self) -> Self {
        Self::NotImported(Box::new(self))
    }

    /// This failure, named after the file `name` when it is about the file's contents.
    pub fn in_file(self, name: String) -> Self {
        match self {
            Self::Exchange(error) => Self::File { name, error },
            other => other,
        }
    }

    /// This failure, as the reason a restore left everything as it was.
    pub fn not_restored(self) -> Self {
        Self::NotRestored(Box::new(self))
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sync(why) => f.write_str(why),
            Self::StillOpening => {
                f.write_str("Your library is still opening: try again in a moment.")
            }
            Self::LibraryUnavailable => f.write_str("The library is not available."),
            Self::LibraryNotOpen => f.write_str("The library is not open."),
            Self::StorageUnavailable => f.write_str("Storage is not available."),
            Self::WholeAppUnavailable => f.write_str(
                "This page could not open: this browser keeps no session storage for Loam. Reload to try again.",
            ),
            Self::Refused(e) => write!(f, "{e}"),
            Self::Store(e) => write!(f, "{e}"),
            Self::Browser(e) => write!(f, "{e}"),
            Self::Exchange(e) => write!(f, "{e}"),
            Self::File { name, error } => write!(f, "“{name}”: {error}"),
            Self::Sealed { name } => write!(
                f,
                "“{name}” is encrypted: open it with the link that came with it."
            ),
            Self::NoUpdate(e) => write!(f, "{e}"),
            Self::NotFollowed => f.write_str("This course is not followed from a published file."),
            Self::NotPublished => {
                f.write_str("This course was not published on the web from this library.")
            }
            Self::TooLarge { what, most } => write!(
                f,
                "This {what} would be larger than Loam opens again ({} MB at most): remove some \
                 attached files, or share fewer notes, and try again.",
                most / 1024 / 1024
            ),
            Self::NotImported(e) => write!(f, "{e} Nothing was imported."),
            Self::NotRestored(e) => write!(f, "{e} Nothing was restored."),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<BrowserError> for AppError {
    fn from(e: BrowserError) -> Self {
        Self::Browser(e)
    }
}

impl From<ExchangeError> for AppError {
    fn from(e: ExchangeError) -> Self {
        Self::Exchange(e)
    }
}
