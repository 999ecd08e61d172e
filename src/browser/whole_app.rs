//! Hands this tab from the first visit's small module to the whole app: a mark for this tab
//! that `public/boot.js` reads at the next load, and the note that was being edited.

const WHOLE: &str = "loam-whole";
const EDIT: &str = "loam-edit";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Reloads this tab into the whole app at the same address, with note `edit` open for editing
/// (a new note). Without session storage to keep the mark in, a reload would start this module
/// again (and again): then nothing happens and this says false.
pub fn start(edit: Option<&str>) -> bool {
    let Some(storage) = session_storage() else {
        return false;
    };
    if storage.set_item(WHOLE, "1").is_err() {
        return false;
    }
    if let Some(id) = edit {
        let _ = storage.set_item(EDIT, id);
    }
    super::address::reload();
    true
}

/// The note to open for editing that was asked for before the hand-over, asked only once.
pub fn take_edit_request() -> Option<String> {
    let storage = session_storage()?;
    let id = storage.get_item(EDIT).ok()??;
    let _ = storage.remove_item(EDIT);
    Some(id)
}
