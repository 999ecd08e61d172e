//! A synchronous safety net for the last edits and answers: unsaved notes (when the page is hidden
//! or unloaded) and each review answer until its write lands are copied to localStorage, because
//! an IndexedDB write started while the page dies may be aborted. The next start puts them back.

use serde::{de::DeserializeOwned, Serialize};

use crate::core::note::Note;
use crate::core::review::deck::Card;
use crate::core::review::ReviewRecord;

const KEY: &str = "loam.unsaved";
const ANSWERS: &str = "loam.answers";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Notes written by an earlier [`keep`] and not yet cleared; unreadable entries are skipped.
pub fn read() -> Vec<Note> {
    load(KEY).unwrap_or_default()
}

fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = local_storage()?.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

fn save<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(value)) {
        // A full localStorage just means this net has a hole; the IndexedDB write still runs.
        let _ = storage.set_item(key, &text);
    }
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
    save(KEY, &all);
}

/// Forgets the journal once its notes are safely in IndexedDB.
pub fn clear() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(KEY);
    }
}

/// Answers whose write has not landed yet: the card after each and its log entry, in order.
pub fn answers() -> Vec<(Card, ReviewRecord)> {
    load(ANSWERS).unwrap_or_default()
}

/// Keeps an answer until [`forget_answer`] says its write landed.
pub fn keep_answer(card: &Card, record: &ReviewRecord) {
    let mut all = answers();
    all.push((card.clone(), record.clone()));
    save(ANSWERS, &all);
}

/// Drops an answer from the journal: written, or taken back.
pub fn forget_answer(record_id: &str) {
    let mut all = answers();
    all.retain(|(_, record)| record.id != record_id);
    if all.is_empty() {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(ANSWERS);
        }
    } else {
        save(ANSWERS, &all);
    }
}
