//! The browser's facilities Loam uses, each behind a small Rust face (files, downloads, WebCrypto,
//! clipboard, address bar, other tabs, clock…). Knows nothing of the app; only `app` calls it.

pub mod address;
pub mod channel;
pub mod clipboard;
pub mod clock;
pub mod converters;
pub mod crypto;
pub mod download;
mod error;
pub mod fetch;
pub mod files;
pub mod frame;
pub mod lock;
pub mod marks;
pub mod maths;
mod module;
pub mod random;
pub mod share_sheet;
pub mod storage_estimate;
pub mod update;
pub mod whole_app;
pub mod worker;

pub use error::BrowserError;
