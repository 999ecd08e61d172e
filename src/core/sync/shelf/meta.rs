//! Settings and courses on the shelf: the index document's `meta` map, one entry per setting,
//! course, note elsewhere and place ([`crate::core::sync::meta`]). An entry the page changed
//! since it last held the documents' value is written; one the page never held is taken from
//! the documents when they have it, so a new device's defaults never replace the learner's.

use std::collections::BTreeMap;

use yrs::{Any, Map, Out, Transact};

use super::{is_empty_update, Shelf};
use crate::core::sync::meta::{file_key, Meta, REMOVED};

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
        let mut writes = Vec::new();
        for (key, value) in &entries {
            let known = self.page_meta.get(key);
            if known == Some(value) {
                continue;
            }
            if there.get(key) == Some(value) {
                self.page_meta.insert(key.clone(), value.clone());
                continue;
            }
            // The page's own change, or an entry the documents never had; otherwise the
            // documents' value is the newer, and goes to the page.
            if known.is_none() && there.contains_key(key) {
                continue;
            }
            // A file's record is written once its contents are on the server.
            if let Some(file) = meta.files.iter().find(|f| file_key(&f.id) == *key) {
                if !on_server.contains(&file.hash) {
                    self.files.uploads.insert(file.hash.clone());
                    continue;
                }
            }
            writes.push((key.clone(), value.clone()));
        }
        // A file the page held and holds no more was removed here.
        for (key, value) in &self.page_meta {
            let removed = key.starts_with("file:")
                && value != REMOVED
                && !entries.contains_key(key)
                && there.get(key) == Some(value);
            if removed {
                writes.push((key.clone(), REMOVED.to_string()));
            }
        }
        self.files.last_page_meta = Some(meta);
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
