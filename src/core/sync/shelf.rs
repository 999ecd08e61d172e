//! The synced documents and how the library maps onto them: `index` keeps four maps by note id
//! (`title`, `created`, `updated`, `deleted`), and each `notes-k` document keeps one text per
//! note. The shelf remembers what the page holds, so an edit from either side is merged into
//! the other and nothing the page has not stored is ever taken for its own change.
//!
//! ```ignore
//! let mut shelf = Shelf::new(client_id);
//! shelf.restore(doc, &stored)?;          // each document's saved state, then
//! shelf.settle();                        // the page holds what they hold
//! shelf.from_page(page_note);            // the page stored a note: merged into the documents
//! shelf.from_server(doc, &update)?;      // the server sent an update
//! let arrivals = shelf.to_page();        // notes the page should store
//! for (doc, update) in shelf.take_outbox() { /* send */ }
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use yrs::updates::decoder::Decode;
use yrs::{
    Any, GetString, Map, MapRef, Out, ReadTxn, StateVector, Text, TextRef, Transact, Update,
    WriteTxn,
};

use super::log::Marks;
use super::meta::Meta;
use super::text::{merge, Edit};
use super::{doc_names, is_log_doc, text_doc, Arrival, PageNote, SyncedNote, LOG_SHARDS, SHARDS};
use crate::core::id::CardId;
use crate::core::note::NoteId;
use crate::core::time::Time;

/// The largest update taken from a server: bigger ones are refused unread.
pub const MAX_UPDATE_BYTES: usize = 64 * 1024 * 1024;

/// Why something sync received was not taken; the documents are as they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// Bytes that are not a Yjs update or state.
    Malformed(String),
    /// An update over [`MAX_UPDATE_BYTES`].
    TooLarge(usize),
    /// A document Loam does not keep.
    NoSuchDocument,
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncError::Malformed(why) => {
                write!(f, "The server sent data Loam cannot read ({why}).")
            }
            SyncError::TooLarge(bytes) => write!(
                f,
                "The server sent {} MB at once, more than Loam takes.",
                bytes / (1024 * 1024)
            ),
            SyncError::NoSuchDocument => {
                write!(f, "The server named a document Loam does not keep.")
            }
        }
    }
}

const TITLE: &str = "title";
const CREATED: &str = "created";
const UPDATED: &str = "updated";
const DELETED: &str = "deleted";
const META: &str = "meta";
const ANSWERS: &str = "answers";
const EVENTS: &str = "events";

/// The documents, the page's notes as sync knows them, and what waits to go either way.
pub struct Shelf {
    docs: Vec<yrs::Doc>,
    /// The index's maps, taken once: asking the document for them while a transaction is open
    /// would wait on that transaction.
    maps: [MapRef; 4],
    /// What the page holds of each note, as far as sync knows.
    page: HashMap<NoteId, SyncedNote>,
    /// Notes new to the documents, waiting for both their documents' first answer from the
    /// server, so a note the server already has is merged, not written twice.
    held: BTreeMap<NoteId, SyncedNote>,
    /// Documents that had their server's first answer this session.
    answered: Vec<bool>,
    /// Updates made here, by document, not yet handed to the sockets.
    outbox: Vec<(usize, Vec<u8>)>,
    /// Documents changed by the server since the page was last told.
    changed: BTreeSet<usize>,
    /// Notes told to the page whose write has not landed yet.
    awaiting: BTreeSet<NoteId>,
    /// Each log document's `answers` and `events` maps, taken once.
    log_maps: Vec<[MapRef; 2]>,
    /// The answers the page holds, by record id, as far as sync knows.
    page_answers: HashSet<String>,
    /// The latest events of each card as the page has them.
    page_marks: HashMap<CardId, Marks>,
    /// Log documents changed by the server since the page was last told.
    log_changed: BTreeSet<usize>,
    /// Cards whose log was told to the page and whose write has not landed yet.
    awaiting_cards: BTreeSet<CardId>,
    /// The index's `meta` map (settings and courses), taken once.
    meta_map: MapRef,
    /// The `meta` entries the page holds, as far as sync knows.
    page_meta: BTreeMap<String, String>,
    /// The page's settings and courses, waiting for the index's first answer.
    held_meta: Option<Meta>,
    /// The index changed since the page was last told of its `meta` entries.
    meta_changed: bool,
    /// Settings and courses told to the page whose write has not landed yet.
    awaiting_meta: bool,
    files: files::FileState,
    /// The log goes to the page at the next chance, stored notes or not.
    log_now: bool,
}

impl Shelf {
    /// Empty documents written as `client_id` (random per device and session).
    pub fn new(client_id: u64) -> Shelf {
        let count = doc_names().len();
        let docs: Vec<yrs::Doc> = (0..count)
            .map(|_| yrs::Doc::with_client_id(client_id))
            .collect();
        let maps = [TITLE, CREATED, UPDATED, DELETED].map(|name| docs[0].get_or_insert_map(name));
        let meta_map = docs[0].get_or_insert_map(META);
        let log_maps = (0..LOG_SHARDS)
            .map(|k| [ANSWERS, EVENTS].map(|name| docs[1 + SHARDS + k].get_or_insert_map(name)))
            .collect();
        Shelf {
            docs,
            maps,
            page: HashMap::new(),
            held: BTreeMap::new(),
            answered: vec![false; count],
            outbox: Vec::new(),
            changed: BTreeSet::new(),
            awaiting: BTreeSet::new(),
            log_maps,
            page_answers: HashSet::new(),
            page_marks: HashMap::new(),
            log_changed: BTreeSet::new(),
            awaiting_cards: BTreeSet::new(),
            meta_map,
            page_meta: BTreeMap::new(),
            held_meta: None,
            meta_changed: false,
            awaiting_meta: false,
            files: Default::default(),
            log_now: false,
        }
    }

    /// Takes a document's stored state (at start, before [`Shelf::settle`]).
    pub fn restore(&mut self, doc: usize, state: &[u8]) -> Result<(), SyncError> {
        self.apply(doc, state)
    }

    /// The page holds what the documents hold: true at start, since a document is only ever
    /// stored once the page has stored everything it brought.
    pub fn settle(&mut self) {
        self.page = self
            .ids()
            .into_iter()
            .filter_map(|id| self.read(&id).map(|n| (id, n)))
            .collect();
        self.changed.clear();
        self.settle_log();
        // Files only once the page is seen to hold them: one whose contents never arrived
        // would otherwise look removed here.
        self.page_meta = self.meta_entries();
        self.page_meta.retain(|key, _| !key.starts_with("file:"));
    }

    /// How many notes wait for their documents' first answer.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// Whether the documents hold only what the page has stored, so they may be saved.
    pub fn storable(&self) -> bool {
        self.awaiting.is_empty() && self.awaiting_cards.is_empty() && !self.awaiting_meta
    }

    /// The page stored `note` (its own change, or one sync brought): it is merged into the
    /// documents.
    pub fn from_page(&mut self, note: PageNote) {
        let id = note.id().clone();
        let note = match note {
            PageNote::Gone { id } => {
                self.page.remove(&id);
                self.held.remove(&id);
                return;
            }
            PageNote::Held(note) => note,
        };
        let known = self.page.contains_key(&id);
        let ready = self.answered[0] && self.answered[text_doc(&id)];
        if !known && !ready {
            self.held.insert(id, note);
            return;
        }
        let base = self.page.insert(id.clone(), note.clone());
        self.write(&note, base.as_ref());
    }

    /// The page's write of these arrivals landed: once none is waiting, the documents hold
    /// only what the library holds and may be saved.
    pub fn stored(&mut self, ids: &[NoteId]) {
        for id in ids {
            self.awaiting.remove(id);
        }
        if self.awaiting.is_empty() {
            self.log_now = false;
        }
    }

    /// The server answered document `doc` for the first time this session: notes new to the
    /// documents that waited for it go in now.
    pub fn answered(&mut self, doc: usize) {
        self.answered[doc] = true;
        if !self.answered[0] {
            return;
        }
        self.release_meta();
        let ready: Vec<NoteId> = self
            .held
            .keys()
            .filter(|id| self.answered[text_doc(id)])
            .cloned()
            .collect();
        for id in ready {
            if let Some(note) = self.held.remove(&id) {
                self.from_page(PageNote::Held(note));
            }
        }
    }

    /// Takes an update the server sent for document `doc`.
    pub fn from_server(&mut self, doc: usize, update: &[u8]) -> Result<(), SyncError> {
        self.apply(doc, update)?;
        if is_log_doc(doc) {
            self.log_changed.insert(doc);
        } else {
            self.changed.insert(doc);
        }
        self.meta_changed |= doc == 0;
        Ok(())
    }

    /// Notes the documents have in another version than the page: for the page to store.
    pub fn to_page(&mut self) -> Vec<Arrival> {
        // Until every document has had the server's first answer, a note may be known by its
        // index entry and not yet by its text: the page hears of it whole, once.
        if !self.answered.iter().all(|answered| *answered) {
            return Vec::new();
        }
        let changed = std::mem::take(&mut self.changed);
        if changed.is_empty() {
            return Vec::new();
        }
        let ids: BTreeSet<NoteId> = if changed.contains(&0) {
            self.ids()
        } else {
            let mut ids = self.texts(&changed);
            ids.extend(
                self.page
                    .keys()
                    .filter(|id| changed.contains(&text_doc(id)))
                    .cloned(),
            );
            ids
        };
        let mut arrivals = Vec::new();
        for id in ids {
            let Some(note) = self.read(&id) else { continue };
            let page = self.page.get(&id);
            if page.is_some_and(|p| p.same_as(&note)) {
                continue;
            }
            if page.is_none() && note.deleted.is_some() {
                // Deleted elsewhere and never here: nothing to show.
                continue;
            }
            self.awaiting.insert(id);
            arrivals.push(Arrival {
                base: page.map(SyncedNote::fingerprint),
                note,
            });
        }
        arrivals
    }

    /// The updates made here since last asked: one per document, so a whole library written
    /// at once goes out in a few messages.
    pub fn take_outbox(&mut self) -> Vec<(usize, Vec<u8>)> {
        let mut by_doc: BTreeMap<usize, Vec<Vec<u8>>> = BTreeMap::new();
        for (doc, update) in std::mem::take(&mut self.outbox) {
            by_doc.entry(doc).or_default().push(update);
        }
        by_doc
            .into_iter()
            .map(|(doc, mut updates)| {
                let one = if updates.len() == 1 {
                    updates.pop().unwrap_or_default()
                } else {
                    // Updates made here always merge; each alone is the fallback.
                    yrs::merge_updates_v1(updates.iter().map(Vec::as_slice)).unwrap_or_else(|_| {
                        self.docs[doc]
                            .transact()
                            .encode_state_as_update_v1(&StateVector::default())
                    })
                };
                (doc, one)
            })
            .collect()
    }

    /// A document's whole state, to store.
    pub fn encode(&self, doc: usize) -> Vec<u8> {
        self.docs[doc]
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
    }

    /// A document's state vector: the first message to its server.
    pub fn state_vector(&self, doc: usize) -> StateVector {
        self.docs[doc].transact().state_vector()
    }

    /// What the server lacks of document `doc`, given its state vector.
    pub fn missing(&self, doc: usize, theirs: &StateVector) -> Vec<u8> {
        self.docs[doc].transact().encode_diff_v1(theirs)
    }

    /// A note as the documents have it; `None` if they never had it.
    pub fn read(&self, id: &str) -> Option<SyncedNote> {
        let index = self.docs[0].transact();
        let title = match self.maps[0].get(&index, id)? {
            Out::Any(Any::String(title)) => title.to_string(),
            _ => return None,
        };
        let number = |map: usize| -> f64 {
            match self.maps[map].get(&index, id) {
                Some(Out::Any(Any::Number(n))) => match n {
                    yrs::any::Number::Float(f) if f.is_finite() => f,
                    yrs::any::Number::Int(i) => i as f64,
                    _ => 0.0,
                },
                _ => 0.0,
            }
        };
        let (created, updated, deleted) = (number(1), number(2), number(3));
        let doc = &self.docs[text_doc(id)];
        let txn = doc.transact();
        let body = match txn.get_text(id) {
            Some(text) => text.get_string(&txn),
            None => String::new(),
        };
        Some(SyncedNote {
            id: id.into(),
            title,
            body,
            created: Time::from_ms(created),
            updated: Time::from_ms(updated),
            // An edit later than a deletion brings the note back.
            deleted: (deleted > 0.0 && deleted >= updated).then(|| Time::from_ms(deleted)),
        })
    }

    /// Every note the index names.
    fn ids(&self) -> BTreeSet<NoteId> {
        let txn = self.docs[0].transact();
        self.maps[0].keys(&txn).map(NoteId::from).collect()
    }

    /// The notes with a text in any of `docs`.
    fn texts(&self, docs: &BTreeSet<usize>) -> BTreeSet<NoteId> {
        let mut ids = BTreeSet::new();
        for &doc in docs {
            let txn = self.docs[doc].transact();
            ids.extend(
                txn.root_refs()
                    .filter(|(name, _)| text_doc(name) == doc)
                    .map(|(name, _)| NoteId::from(name)),
            );
        }
        ids
    }

    fn apply(&mut self, doc: usize, bytes: &[u8]) -> Result<(), SyncError> {
        if bytes.len() > MAX_UPDATE_BYTES {
            return Err(SyncError::TooLarge(bytes.len()));
        }
        let doc = self.docs.get(doc).ok_or(SyncError::NoSuchDocument)?;
        let update = Update::decode_v1(bytes).map_err(|e| SyncError::Malformed(e.to_string()))?;
        doc.transact_mut()
            .apply_update(update)
            .map_err(|e| SyncError::Malformed(e.to_string()))
    }

    /// Writes what the page changed since `base` (its version sync last knew) into the
    /// documents, merging with what the server brought meanwhile.
    fn write(&mut self, ours: &SyncedNote, base: Option<&SyncedNote>) {
        let id = ours.id.as_str();
        let theirs = self.read(id);
        // A field is the page's change when it differs from the page's last version; for a
        // note new here, the later of the two versions wins.
        let mine = |field: fn(&SyncedNote) -> f64| match (base, &theirs) {
            (Some(base), _) => field(base) != field(ours),
            (None, Some(theirs)) => ours.updated > theirs.updated || field(theirs) == 0.0,
            (None, None) => true,
        };
        let title_mine = match (base, &theirs) {
            (Some(base), _) => base.title != ours.title,
            (None, Some(theirs)) => ours.updated > theirs.updated,
            (None, None) => true,
        };
        {
            let maps = &self.maps;
            let mut txn = self.docs[0].transact_mut();
            let put = |txn: &mut yrs::TransactionMut, map: usize, value: Any| {
                let map = &maps[map];
                let current = map.get(txn, id);
                if current != Some(Out::Any(value.clone())) {
                    map.insert(txn, id, value);
                }
            };
            if title_mine {
                put(&mut txn, 0, Any::from(ours.title.clone()));
            }
            if theirs.is_none() || mine(|n| n.created.ms()) {
                put(&mut txn, 1, Any::from(ours.created.ms()));
            }
            if mine(|n| n.updated.ms()) {
                put(&mut txn, 2, Any::from(ours.updated.ms()));
            }
            if mine(|n| n.deleted.map_or(0.0, Time::ms)) {
                put(&mut txn, 3, Any::from(ours.deleted.map_or(0.0, Time::ms)));
            }
            let update = txn.encode_update_v1();
            drop(txn);
            if !is_empty_update(&update) {
                self.outbox.push((0, update));
            }
        }
        let current = theirs.map(|t| t.body).unwrap_or_default();
        let base_body = base.map(|b| b.body.as_str()).unwrap_or("");
        let merged = if base.is_none() && current == ours.body {
            current.clone()
        } else {
            merge(base_body, &ours.body, &current)
        };
        let edit = Edit::between(&current, &merged);
        if !edit.is_empty() {
            let k = text_doc(id);
            let doc = &self.docs[k];
            let mut txn = doc.transact_mut();
            let text: TextRef = txn.get_or_insert_text(id);
            if edit.removed > 0 {
                text.remove_range(&mut txn, edit.at as u32, edit.removed as u32);
            }
            if !edit.inserted.is_empty() {
                text.insert(&mut txn, edit.at as u32, &edit.inserted);
            }
            let update = txn.encode_update_v1();
            drop(txn);
            self.outbox.push((k, update));
        }
        if merged != ours.body {
            // The page must take the merge.
            self.changed.insert(text_doc(id));
        }
    }
}

/// Whether an encoded update carries nothing (no blocks, no deletions).
fn is_empty_update(update: &[u8]) -> bool {
    update == [0, 0]
}

mod files;
mod meta;
mod review_log;

pub use files::Fetch;
#[cfg(test)]
mod tests;
