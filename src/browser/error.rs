//! What can go wrong at the browser's edges, each said in words a user can act on.

use std::fmt;

use crate::core::exchange::ExchangeError;

/// A refusal or failure of the browser (or of a host it fetched from).
#[derive(Debug, Clone, PartialEq)]
pub enum BrowserError {
    /// A picked file is larger than `max` bytes.
    TooLarge {
        name: String,
        max: f64,
    },
    /// A picked file could not be read.
    Unreadable {
        name: String,
    },
    /// A hosted file could not be fetched at all.
    Unreachable {
        host: String,
    },
    /// The host answered with an error status.
    HostRefused {
        host: String,
        status: u16,
        status_text: String,
    },
    /// A hosted file is larger than any bundle may be.
    HostedTooLarge {
        host: String,
    },
    /// A fetched response had no readable body.
    DownloadUnreadable,
    /// A download stopped before its end.
    BrokeOff {
        host: String,
    },
    NoWindow,
    NoDocument,
    /// A download could not be offered.
    NotSaved,
    /// WebCrypto is missing: the page is not secure.
    InsecurePage,
    NoRandom,
    /// WebCrypto could not name a file's contents.
    NoDigest,
    NoEncryption,
    KeyUnusable,
    NotEncrypted,
    NotDecrypted,
    /// The key does not open the sealed file.
    WrongKey,
    /// A sealed file is not a sealed bundle.
    Frame(ExchangeError),
    CopyRefused,
    NoShareSheet,
    ShareRefused,
    /// The browser cannot run a web worker.
    NoWorkers,
    /// The converters module (imports from other tools, exports) could not be fetched.
    ConvertersUnavailable,
    /// The converters module failed; the message says how.
    ConverterFailed(String),
}

impl fmt::Display for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { name, max } => write!(
                f,
                "“{name}” is too large to open ({} MB at most).",
                max / 1024.0 / 1024.0
            ),
            Self::Unreadable { name } => write!(f, "“{name}” could not be read."),
            Self::Unreachable { host } => write!(
                f,
                "The course file could not be fetched from {host}: you may be offline, or the \
                 host does not allow other sites to read it (CORS)."
            ),
            Self::HostRefused {
                host,
                status,
                status_text,
            } => write!(
                f,
                "{host} answered {status} {status_text} instead of the course file."
            ),
            Self::HostedTooLarge { host } => {
                write!(f, "The file at {host} is too large to be a Loam bundle.")
            }
            Self::DownloadUnreadable => f.write_str("The course file could not be read."),
            Self::BrokeOff { host } => write!(f, "The download from {host} broke off."),
            Self::NoWindow => f.write_str("No window."),
            Self::NoDocument => f.write_str("No document."),
            Self::NotSaved => f.write_str("The file could not be saved."),
            Self::InsecurePage => {
                f.write_str("Encryption needs a secure page (https or localhost).")
            }
            Self::NoRandom => f.write_str("No secure random numbers in this browser."),
            Self::NoEncryption => f.write_str("Encryption is unavailable."),
            Self::NoDigest => f.write_str("The browser could not read the file's contents."),
            Self::KeyUnusable => f.write_str("The key could not be used."),
            Self::NotEncrypted => f.write_str("The bundle could not be encrypted."),
            Self::NotDecrypted => f.write_str("The course file could not be decrypted."),
            Self::WrongKey => f.write_str(
                "The key in this link does not open the course file: the link is not the one made \
                 for this file, or the file was changed.",
            ),
            Self::Frame(e) => write!(f, "{e}"),
            Self::CopyRefused => {
                f.write_str("The browser did not allow copying: select the link and copy it.")
            }
            Self::NoShareSheet => f.write_str("Sharing is not available in this browser."),
            Self::ShareRefused => f.write_str("Sharing is not available here."),
            Self::NoWorkers => {
                f.write_str("This browser cannot run work in the background (web workers).")
            }
            Self::ConvertersUnavailable => f.write_str(
                "Loam's converters could not be loaded: you may be offline before Loam was fully \
                 saved for offline use. Try again once online.",
            ),
            Self::ConverterFailed(why) => write!(f, "The conversion failed: {why}."),
        }
    }
}
