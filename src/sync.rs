//! The sync worker: keeps the library's Yjs documents (`core::sync::shelf`), stores them in its
//! own database, and talks y-protocols to a stock server, one WebSocket per document. The page
//! starts it only when sync is on; it speaks JSON (`core::sync::{ToSync, FromSync}`) and never
//! writes the library: the page stores what it brings through its one write path.

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::run();
}

#[cfg(target_arch = "wasm32")]
#[path = "sync_worker/mod.rs"]
mod worker;
