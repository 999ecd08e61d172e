//! A synchronous safety net for the last edits: when the page is hidden or unloaded, unsaved notes
//! are copied to localStorage, because an IndexedDB write started while the page dies may be
//! aborted. The next start puts any newer copies back into the library.

use crate::core::note::Note;

const KEY: &str = "loam.unsaved";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Notes written by an earlier [`keep`] and not yet cleared; unreadable entries are skipped.
pub fn read() -> Vec<Note> {
    let Some(text) = local_storage().and_then(|s| s.get_item(KEY).ok().flatten()) else {
        return Vec::new();
    };
    js_sys::JSON::parse(&text)
        .ok()
        .and_then(|value| serde_wasm_bindgen::from_value::<Vec<Note>>(value).ok())
        .unwrap_or_default()
}

/// Adds these notes to the journal (a note already there is replaced by the newer copy).
pub fn keep(notes: &[Note]) {
    if notes.is_empty() {
        return;
    }
    let mut all = read();
    for note in notes {
        match all.iter_mut().find(|n| n.id == note.id) {
            Some(kept) if kept.updated <= note.updated => *kept = note.clone(),
            Some(_) => {}
            None => all.push(note.clone()),
        }
    }
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let Ok(value) = serde::Serialize::serialize(&all, &serializer) else {
        return;
    };
    if let (Some(storage), Ok(text)) = (local_storage(), js_sys::JSON::stringify(&value)) {
        // A full localStorage just means this net has a hole; the IndexedDB write still runs.
        let _ = storage.set_item(KEY, &String::from(text));
    }
}

/// Forgets the journal once its notes are safely in IndexedDB.
pub fn clear() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(KEY);
    }
}
