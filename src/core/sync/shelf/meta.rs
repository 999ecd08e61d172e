//! Settings and courses on the shelf: the index document's `meta` map, one entry per setting,
//! course, note elsewhere and place ([`crate::core::sync::meta`]). An entry the page changed
//! since it last held the documents' value is written; one the page never held is taken from
//! the documents when they have it, so a new device's defaults never replace the learner's.

use std::collections::BTreeMap;

use yrs::{Any, Map, Out, Transact};

use super::{is_empty_update, Shelf};
use crate::core::attachment::Attachment;
use crate::core::sync::meta::{file_key, removal, Meta, REMOVED};

impl Shelf {
    /// The page's settings and courses (at start, and whenever they change): held until the
    /// index has the server's first answer.
    pub fn from_page_meta(&mut self, meta: Meta) {
        if !self.answered[0] {
            self.held_meta = Some(meta);
            return;
        }
        let there = self.meta_entries();
        let on_server = self.contents_on_server(&there);
        let entries = meta.entries();
        // A record removed or replaced here while its contents went up is not written then.
        self.files
            .held_up
            .retain(|key, (_, value)| entries.get(key) == Some(value));
        let mut writes = Vec::new();
        for (key, value) in &entries {
            if !self.page_changed(&there, key, value) {
                continue;
            }
            // A file's record is written once its contents are on the server.
            if let Some(file) = meta.files.iter().find(|f| file_key(&f.id) == *key) {
                if !on_server.contains(&file.hash) {
                    self.hold_for_upload(key, &file.hash, value);
                    continue;
                }
            }
            writes.push((key.clone(), value.clone()));
        }
        // A file the page held and holds no more was removed here.
        for (key, value) in &self.page_meta {
            let removed = key.starts_with("file:")
                && !value.starts_with(REMOVED)
                && !entries.contains_key(key)
                && there.get(key) == Some(value);
            if let (true, Ok(file)) = (removed, serde_json::from_str::<Attachment>(value)) {
                writes.push((key.clone(), removal(&file.hash)));
            }
        }
        self.files.page_files = meta.files;
        self.write_meta(writes);
    }

    /// Whether the page's `value` under `key` is its own change, to write: the page changed it
    /// since it last held the documents' value, or the documents never had one. When both
    /// agree the page is known to hold it; otherwise the documents' value is the newer, and
    /// goes to the page.
    pub(super) fn page_changed(
        &mut self,
        there: &BTreeMap<String, String>,
        key: &str,
        value: &str,
    ) -> bool {
        let known = self.page_meta.get(key);
        if known.map(String::as_str) == Some(value) {
            return false;
        }
        if there.get(key).map(String::as_str) == Some(value) {
            self.page_meta.insert(key.to_string(), value.to_string());
            return false;
        }
        known.is_some() || !there.contains_key(key)
    }

    /// Writes `meta` entries the page holds.
    pub(super) fn write_meta(&mut self, writes: Vec<(String, String)>) {
        if writes.is_empty() {
            return;
        }
        let map = &self.meta_map;
        let mut txn = self.docs[0].transact_mut();
        for (key, value) in writes {
            map.insert(&mut txn, key.as_str(), value.clone());
            self.page_meta.insert(key, value);
        }
        let update = txn.encode_update_v1();
        drop(txn);
        if !is_empty_update(&update) {
            self.outbox.push((0, update));
        }
    }

    /// Entries the documents have otherwise than the page, for the page to take.
    pub fn to_page_meta(&mut self) -> Meta {
        if !self.answered.iter().all(|answered| *answered) || !self.meta_changed {
            return Meta::default();
        }
        self.meta_changed = false;
        let arriving: BTreeMap<String, String> = self
            .meta_entries()
            .into_iter()
            .filter(|(key, value)| self.page_meta.get(key) != Some(value))
            .collect();
        let mut arriving = arriving;
        let mut meta = Meta::from_entries(arriving.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        // A file is the page's once its contents are here: the worker fetches them first.
        for file in std::mem::take(&mut meta.files) {
            arriving.remove(&file_key(&file.id));
            self.want(file);
        }
        // A removal the page may not follow (a note there shows the file): what the page holds
        // under the key stays its own, not a change to write back.
        for (id, _) in &meta.removed_files {
            let key = file_key(id);
            let held = self.files.page_files.iter().find(|f| f.id == *id);
            if let Some(value) = held.and_then(|f| serde_json::to_string(f).ok()) {
                arriving.insert(key, value);
            }
        }
        if !meta.is_empty() {
            self.awaiting_meta = true;
        }
        self.page_meta.extend(arriving);
        meta
    }

    /// The page's write of the settings and courses sync brought landed.
    pub fn stored_meta(&mut self) {
        self.awaiting_meta = false;
    }

    /// Sent once the index answered.
    pub(super) fn release_meta(&mut self) {
        if let Some(meta) = self.held_meta.take() {
            self.from_page_meta(meta);
        }
    }

    /// The `meta` map as it stands: every string entry.
    pub(super) fn meta_entries(&self) -> BTreeMap<String, String> {
        let txn = self.docs[0].transact();
        self.meta_map
            .iter(&txn)
            .filter_map(|(key, value)| match value {
                Out::Any(Any::String(value)) => Some((key.to_string(), value.to_string())),
                _ => None,
            })
            .collect()
    }
}
