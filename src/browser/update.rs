//! New versions of Loam. public/boot.js owns the service worker: it sends `loam-update-ready` to
//! the window when a new version is installed and waiting, and switches to it on
//! `loam-update-apply`. Plain DOM events keep the worker's plumbing out of the wasm.

/// Fired on the window by boot.js when a new version waits.
pub const READY_EVENT: &str = "loam-update-ready";
/// Fired on the window to have boot.js activate the waiting version and reload.
const APPLY_EVENT: &str = "loam-update-apply";

/// Asks boot.js to switch to the waiting version, which reloads the page once it is in control.
pub fn apply() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(event) = web_sys::Event::new(APPLY_EVENT) {
        let _ = window.dispatch_event(&event);
    }
}
