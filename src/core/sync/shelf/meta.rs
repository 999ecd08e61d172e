//! Settings and courses on the shelf: the index document's `meta` map, one entry per setting,
//! course, note elsewhere and place ([`crate::core::sync::meta`]). An entry the page changed
//! since it last held the documents' value is written; one the page never held is taken from
//! the documents when they have it, so a new device's defaults never replace the learner's.

use std::collections::BTreeMap;

use yrs::{Any, Map, Out, Transact};

use super::{is_empty_update, Shelf};
use crate::core::sync::meta::Meta;

impl Shelf {
    /// The page's settings and courses (at start, and whenever they change): held until the
    /// index has the server's first answer.
    pub fn from_page_meta(&mut self, meta: Meta) {
        if !self.answered[0] {
            self.held_meta = Some(meta);
            return;
        }
        let there = self.meta_entries();
        let map = &self.meta_map;
        let mut txn = self.docs[0].transact_mut();
        for (key, value) in meta.entries() {
            let changed_here = match self.page_meta.get(&key) {
                Some(known) => *known != value,
                None => !there.contains_key(&key),
            };
            if !changed_here {
                continue;
            }
            if there.get(&key) != Some(&value) {
                map.insert(&mut txn, key.as_str(), value.clone());
            }
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
        let meta = Meta::from_entries(arriving.iter().map(|(k, v)| (k.as_str(), v.as_str())));
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
