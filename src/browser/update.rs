//! New versions of Loam, through plain DOM events with public/boot.js (which owns the service
//! worker): it fires `loam-update-ready` when one waits and switches on `loam-update-apply`.

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
