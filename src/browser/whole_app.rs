//! Hands this tab from the first visit's smaller module to the whole app: a mark for this tab
//! that `public/boot.js` reads at the next load, and a share asked for before the hand-over.

const WHOLE: &str = "loam-whole";
const SHARE: &str = "loam-share";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Reloads this tab into the whole app at the same address, with the share dialog of `share`
/// (a note's id) opened once it starts. Without session storage to keep the mark in, a reload
/// would start this module again (and again): then nothing happens and this says false.
pub fn start(share: Option<&str>) -> bool {
    let Some(storage) = session_storage() else {
        return false;
    };
    if storage.set_item(WHOLE, "1").is_err() {
        return false;
    }
    if let Some(id) = share {
        let _ = storage.set_item(SHARE, id);
    }
    super::address::reload();
    true
}

/// The note whose share dialog was asked for before the hand-over, asked only once.
pub fn take_share_request() -> Option<String> {
    let storage = session_storage()?;
    let id = storage.get_item(SHARE).ok()??;
    let _ = storage.remove_item(SHARE);
    Some(id)
}
