//! The browser's own facilities that Loam uses, each behind a small Rust face: picked files,
//! downloads, WebCrypto, the clipboard and share sheet, the address bar, other tabs, the clock
//! and random numbers.
//! Nothing here knows the app's state; `app` calls these and `ui` calls `app`.

pub mod address;
pub mod channel;
pub mod clipboard;
pub mod clock;
pub mod crypto;
pub mod download;
mod error;
pub mod fetch;
pub mod files;
pub mod random;
pub mod share_sheet;
pub mod storage_estimate;
pub mod update;

pub use error::BrowserError;
