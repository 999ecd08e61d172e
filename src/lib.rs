//! Loam: linked notes and spaced repetition that live entirely in the browser.
//! `core` is pure Rust (tested natively); `store`, `browser`, `app` and `ui` exist only in the
//! browser build.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod ui;
