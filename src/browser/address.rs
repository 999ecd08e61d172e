//! The address bar: the route lives in the fragment (`#/note/…`), so going to a page is setting
//! the hash, and a share link is this page's address with a fragment of its own.

use crate::core::route::Route;

/// The route in the address bar now.
pub fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::parse(&hash)
}

/// Goes to a page, adding a history entry.
pub fn navigate(route: &Route) {
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let _ = location.set_hash(&route.to_fragment());
    }
}

/// Goes to a page in place of the current history entry.
pub fn replace(route: &Route) {
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let _ = location.replace(&route.to_fragment());
    }
}

/// Loads the page again.
pub fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// The app's address without its fragment: where a share link opens Loam.
pub fn app_address() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}
