//! Small marks kept by this browser in localStorage, apart from the learner's data in
//! IndexedDB: a check that finds nothing must leave the library as it was.

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The mark under `key`, if one was kept.
pub fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

/// Keeps `value` under `key`; a browser that refuses (storage off, full) keeps nothing.
pub fn set(key: &str, value: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, value);
    }
}

/// Forgets the mark under `key`.
pub fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}
