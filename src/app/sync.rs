//! Sync on the page's side: the setup kept by this browser, the sync worker (`src/sync.rs`)
//! started when sync is on, notes handed to it after each write, and the notes it brings made
//! through the one write path (`Change::Synced`).

use std::cell::RefCell;
use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use wasm_bindgen::JsCast;

use super::files::checked;
use super::{now, AppError, AppState};
use crate::browser::worker::{self, Message, Worker};
use crate::browser::{crypto, lock, marks};
use crate::core::attachment::Attachment;
use crate::core::change::Change;
use crate::core::id::CardId;
use crate::core::note::NoteId;
use crate::core::sync::log::{CardLog, Flags, PageLog};
use crate::core::sync::meta::Meta;
use crate::core::sync::{
    doc_names, new_key, Arrival, FromSync, PageNote, Setup, State, Status, SyncedNote, ToSync,
};

/// The worker's start script, written by the build beside the page.
const SCRIPT: &str = "sync_loader.js";
/// Mark (in this browser) of the sync setup: server and key.
const SETUP: &str = "loam-sync";

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    /// Cards' logs that arrived before the cards' notes, by card.
    static UNPLACED: RefCell<HashMap<CardId, CardLog>> = RefCell::new(HashMap::new());
    /// This tab holds the sync lock: sync runs here, not in another tab.
    static HELD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static ASKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The Web Lock that lets one tab of this browser run sync.
const LOCK: &str = "loam-sync";

/// Sync as the page shows it.
#[derive(Clone, Copy)]
pub struct Syncing {
    /// The setup in use; `None` when sync is off.
    pub setup: RwSignal<Option<Setup>>,
    /// How it stands, once the worker said.
    pub status: RwSignal<Option<Status>>,
}

impl Syncing {
    pub fn new() -> Self {
        Syncing {
            setup: RwSignal::new(
                marks::get(SETUP).and_then(|text| serde_json::from_str(&text).ok()),
            ),
            status: RwSignal::new(None),
        }
    }
}

impl Default for Syncing {
    fn default() -> Self {
        Self::new()
    }
}

/// A new sync key, from the browser's random source.
pub fn create_key() -> String {
    let mut random = [0u8; 20];
    if getrandom::fill(&mut random).is_err() {
        for byte in &mut random {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    new_key(&random)
}

fn post(message: &ToSync) {
    if let Ok(text) = serde_json::to_string(message) {
        WORKER.with(|w| {
            if let Some(worker) = w.borrow().as_ref() {
                worker.post_text(&text);
            }
        });
    }
}

/// Posts `message` with `value` beside it, as `[text, value]`: the browser copies the value
/// without this page reading it.
fn post_with(message: &ToSync, value: &wasm_bindgen::JsValue) {
    if let Ok(text) = serde_json::to_string(message) {
        WORKER.with(|w| {
            if let Some(worker) = w.borrow().as_ref() {
                worker.post(&text, value);
            }
        });
    }
}

pub(super) fn running() -> bool {
    WORKER.with(|w| w.borrow().is_some())
}

impl AppState {
    /// Turns sync on with what the learner typed (a token for a Hocuspocus server); the library
    /// is merged with the server's.
    pub fn turn_sync_on(self, server: &str, key: &str, token: &str) -> Result<(), AppError> {
        let setup = Setup::parse(server, key)
            .map_err(AppError::Sync)?
            .with_token(token);
        if let Ok(text) = serde_json::to_string(&setup) {
            marks::set(SETUP, &text);
        }
        self.view.sync.setup.set(Some(setup));
        self.start_sync();
        Ok(())
    }

    /// Turns sync off: the worker stops and forgets its documents; the library stays.
    pub fn turn_sync_off(self) {
        marks::remove(SETUP);
        self.view.sync.setup.set(None);
        self.view.sync.status.set(None);
        if running() {
            post(&ToSync::Forget);
        }
    }

    /// Starts the worker if sync is on (at start, once the library is read, or when turned
    /// on), in the one tab that holds the sync lock.
    pub fn start_sync(self) {
        if self.view.sync.setup.get_untracked().is_none() {
            return;
        }
        if HELD.get() {
            self.run_sync();
        } else if !ASKED.replace(true) {
            lock::hold(LOCK, move || {
                HELD.set(true);
                self.run_sync();
            });
        }
    }

    fn run_sync(self) {
        let Some(setup) = self.view.sync.setup.get_untracked() else {
            return;
        };
        if running() {
            WORKER.with(|w| {
                if let Some(worker) = w.borrow_mut().take() {
                    worker.stop();
                }
            });
        }
        self.view.sync.status.set(Some(Status {
            state: State::Starting,
            waiting: 0,
            problem: None,
            traffic: Default::default(),
        }));
        let heard = move |message: Message| {
            let (text, carried) = match message {
                Message::Text(text) => (text, None),
                Message::Carrying(text, value) => (text, Some(value)),
                Message::Numbers(_) => return,
            };
            let Ok(message) = serde_json::from_str::<FromSync>(&text) else {
                return;
            };
            match message {
                FromSync::Ready => {
                    let setup = setup.clone();
                    spawn_local(async move { self.open_sync(setup).await });
                }
                FromSync::Status(status) => {
                    if self.view.sync.setup.get_untracked().is_some() {
                        self.view.sync.status.set(Some(status));
                    }
                }
                FromSync::Arrivals(arrivals) => self.take_arrivals(arrivals),
                FromSync::Log(logs) => self.take_logs(logs),
                FromSync::Want(hashes) => {
                    spawn_local(async move { self.hand_contents(hashes).await })
                }
                FromSync::Files(files) => {
                    let bytes = carried.and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok());
                    spawn_local(async move { self.take_synced_files(files, bytes).await });
                }
                FromSync::Meta(meta) => {
                    let landed = Box::new(|| post(&ToSync::StoredMeta));
                    let _ = self.commit_then(Change::SyncedMeta(*meta), Some(landed));
                }
                FromSync::Forgotten => WORKER.with(|w| {
                    if let Some(worker) = w.borrow_mut().take() {
                        worker.stop();
                    }
                }),
            }
        };
        let failed = move |problem: String| {
            self.view.sync.status.set(Some(Status {
                state: State::Offline,
                waiting: 0,
                problem: Some(problem),
                traffic: Default::default(),
            }));
        };
        match worker::start(SCRIPT, heard, failed) {
            Ok(worker) => WORKER.with(|w| *w.borrow_mut() = Some(worker)),
            Err(problem) => failed(problem.to_string()),
        }
    }

    async fn open_sync(self, setup: Setup) {
        let mut rooms = Vec::new();
        // The documents, then the name files' contents are kept under.
        for name in doc_names().into_iter().chain(["files".to_string()]) {
            let source = js_sys::Uint8Array::from(setup.room_source(&name).as_bytes());
            match crypto::sha256_hex(&source).await {
                Ok(hash) => rooms.push(hash[..32].to_string()),
                Err(problem) => {
                    self.view.sync.status.set(Some(Status {
                        state: State::Offline,
                        waiting: 0,
                        problem: Some(problem.to_string()),
                        traffic: Default::default(),
                    }));
                    return;
                }
            }
        }
        let mut notes: Vec<PageNote> = self.data.library.with_untracked(|lib| {
            lib.iter()
                .map(|n| PageNote::Held(SyncedNote::of(n, None)))
                .collect()
        });
        self.data.trash.with_untracked(|trash| {
            notes.extend(
                trash
                    .iter()
                    .map(|t| PageNote::Held(SyncedNote::of(&t.note, Some(t.deleted)))),
            )
        });
        // The whole log, so answers given while sync was not running reach it.
        let answers = self.review_log().await.unwrap_or_default();
        let flags = self.data.deck.with_untracked(Flags::of);
        let files_room = rooms.pop().unwrap_or_default();
        post(&ToSync::Open {
            server: setup.server,
            token: setup.token,
            rooms,
            notes,
            answers,
            flags,
            now: now(),
            meta: self.meta(),
            files_room,
        });
    }

    /// The settings and courses the page holds, as sync carries them.
    fn meta(&self) -> Meta {
        let data = &self.data;
        data.settings.with_untracked(|settings| {
            data.author.with_untracked(|author| {
                data.courses.with_untracked(|courses| {
                    data.elsewhere.with_untracked(|elsewhere| {
                        data.hosting.with_untracked(|hosting| {
                            data.files.with_untracked(|files| {
                                Meta::of(settings, author, courses, elsewhere, hosting, files)
                            })
                        })
                    })
                })
            })
        })
    }

    /// Hands the settings and courses to sync after a change to any of them.
    pub(super) fn hand_meta_to_sync(&self) {
        if running() {
            post(&ToSync::Meta(self.meta()));
        }
    }

    /// Hands sync the stored contents it asked for, to send: each as a blob beside its message,
    /// never copied into this page's memory.
    async fn hand_contents(self, hashes: Vec<String>) {
        let Some(store) = self.saving.store.get_value() else {
            return;
        };
        for hash in hashes {
            let blob = store.content(&hash).await.ok().flatten();
            let blob: wasm_bindgen::JsValue = blob.map(Into::into).unwrap_or_default();
            post_with(&ToSync::Contents { hash }, &blob);
        }
    }

    /// Stores files sync brought, all of one contents, through the write path like an attach
    /// (a name taken here by other contents gets a free one). The contents are checked against
    /// their fingerprint and their kind read again; a mismatch keeps nothing.
    async fn take_synced_files(
        self,
        mut files: Vec<Attachment>,
        bytes: Option<js_sys::Uint8Array>,
    ) {
        let Some(first) = files.first() else { return };
        let (hash, name) = (first.hash.clone(), first.name.clone());
        let kind = match bytes {
            Some(bytes) => match checked(&bytes, &hash).await {
                Ok(Some((kind, blob))) => {
                    self.keep_contents(vec![(hash.clone(), blob)]);
                    kind
                }
                Ok(None) => {
                    self.view.notice.set(Some(format!(
                        "“{name}” came from sync damaged (its contents do not match their fingerprint) and was not kept."
                    )));
                    return;
                }
                Err(_) => return,
            },
            // The page holds these contents under another name.
            None => match self
                .data
                .files
                .with_untracked(|f| f.with_hash(&hash).map(|f| f.kind))
            {
                Some(kind) => kind,
                None => return,
            },
        };
        for file in &mut files {
            file.kind = kind;
        }
        if let Ok(stored) = self.commit(Change::Attach(files)) {
            let _ = stored.await;
        }
        self.forget_contents(&[hash]);
    }

    /// Hands a change to the review log, made here or by another tab, to sync.
    pub(super) fn hand_log_to_sync(&self, log: PageLog) {
        if running() && !log.is_empty() {
            post(&ToSync::Log(log));
        }
    }

    /// Stores what sync brought of cards' logs: every answer, and each card's schedule
    /// replayed from them. A card whose note has not reached this page yet is taken again
    /// when it has.
    fn take_logs(self, logs: Vec<CardLog>) {
        let ids: Vec<CardId> = logs.iter().map(|l| l.card.clone()).collect();
        self.data.deck.with_untracked(|deck| {
            UNPLACED.with(|unplaced| {
                let mut unplaced = unplaced.borrow_mut();
                for log in &logs {
                    if deck.get(&log.card).is_none() {
                        unplaced.insert(log.card.clone(), log.clone());
                    } else {
                        unplaced.remove(&log.card);
                    }
                }
            })
        });
        let landed = Box::new(move || post(&ToSync::StoredCards(ids)));
        let _ = self.commit_then(Change::SyncedLog(logs), Some(landed));
    }

    /// Logs that arrived before their cards, for the cards that are here now.
    fn place_logs(self) {
        let placed: Vec<CardLog> = self.data.deck.with_untracked(|deck| {
            UNPLACED.with(|unplaced| {
                let mut unplaced = unplaced.borrow_mut();
                let here: Vec<CardId> = unplaced
                    .keys()
                    .filter(|card| deck.get(card).is_some())
                    .cloned()
                    .collect();
                here.iter()
                    .filter_map(|card| unplaced.remove(card))
                    .collect()
            })
        });
        if !placed.is_empty() {
            self.commit_later(Change::SyncedLog(placed));
        }
    }

    /// What the page holds of a note now, for sync.
    fn page_note(&self, id: &NoteId) -> PageNote {
        if let Some(note) = self.data.library.with_untracked(|lib| lib.get(id).cloned()) {
            return PageNote::Held(SyncedNote::of(&note, None));
        }
        self.data
            .trash
            .with_untracked(|trash| {
                trash
                    .iter()
                    .find(|t| &t.note.id == id)
                    .map(|t| PageNote::Held(SyncedNote::of(&t.note, Some(t.deleted))))
            })
            .unwrap_or(PageNote::Gone { id: id.clone() })
    }

    /// Hands notes just stored (here or by another tab) to sync.
    pub(super) fn hand_to_sync<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        if !running() {
            return;
        }
        let notes: Vec<PageNote> = ids
            .into_iter()
            .map(|id| self.page_note(&id.into()))
            .collect();
        if !notes.is_empty() {
            post(&ToSync::Notes(notes));
        }
    }

    /// Stores what sync brought; a note typed on since stays as typed and goes back to be
    /// merged. Every note of the batch is then told back, which lets sync save its documents.
    fn take_arrivals(self, arrivals: Vec<Arrival>) {
        self.take_typed();
        let ids: Vec<NoteId> = arrivals.iter().map(|a| a.note.id.clone()).collect();
        let back: Vec<String> = self.data.trash.with_untracked(|trash| {
            arrivals
                .iter()
                .filter(|a| {
                    a.note.deleted.is_none() && trash.iter().any(|t| t.note.id == a.note.id)
                })
                .map(|a| a.note.title.clone())
                .collect()
        });
        match self.commit(Change::Synced(arrivals)) {
            Ok(stored) => {
                // What the page now holds goes back at once, before any later keystroke, so
                // sync merges further typing onto this version.
                self.hand_to_sync(ids.iter().map(|id| id.as_str()));
                self.place_logs();
                spawn_local(async move {
                    if stored.await.is_ok() {
                        post(&ToSync::Stored(ids));
                        if let Some(title) = back.first() {
                            self.view.notice.set(Some(format!(
                                "“{title}” is back from the Trash: it was edited on another device after it was deleted here."
                            )));
                        }
                    }
                })
            }
            Err(_) => self.hand_to_sync(ids.iter().map(|id| id.as_str())),
        }
    }
}
