//! Several open tabs stay in step: after each write a tab announces what it changed on a
//! BroadcastChannel, and the others read those records again from IndexedDB.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AppState, COURSES, ELSEWHERE, HOSTING, REVIEW_SETTINGS, TRASH};
use crate::browser::channel;
use crate::core::attachment::Attachment;
use crate::core::exchange::bundle::{Course, Elsewhere};
use crate::core::exchange::Hosting;
use crate::core::note::trash::Trashed;
use crate::core::note::{Note, NoteId};
use crate::core::review::deck::Card;
use crate::core::review::{ReviewRecord, ReviewSettings};
use crate::core::sync::log::{events_between, PageLog};
use crate::core::time::Time;
use crate::store::{Changes, Store, CARDS, FILES, NOTES, REVIEWS};

/// What this tab last read from or wrote to storage for each note: its `updated` time. A stored
/// note with another time was saved by another tab since.
pub type Known = HashMap<NoteId, Time>;

impl AppState {
    /// Starts listening to the other tabs.
    pub(super) fn listen_to_tabs(self) {
        channel::listen(move |message| {
            if let Ok(changes) = serde_json::from_str::<Changes>(&message) {
                spawn_local(async move { self.take_changes(changes).await })
            }
        });
    }

    /// Tells the other tabs what a successful write changed.
    pub(super) fn announce(&self, changes: &Changes) {
        if !changes.is_empty() {
            if let Ok(message) = serde_json::to_string(changes) {
                channel::post(&message);
            }
        }
    }

    /// Reads what another tab changed. A note with unsaved edits here is left alone: its next
    /// save finds the other version in storage and keeps both.
    async fn take_changes(self, changes: Changes) {
        let Some(store) = self.saving.store.get_value() else {
            return;
        };
        // What this tab knew of each note before reading: a write of its own that lands while
        // the note is read makes what was read older than this tab's memory.
        let known_before: Vec<Option<Time>> = self.saving.known.with_value(|known| {
            changes
                .notes
                .iter()
                .map(|id| known.get(id.as_str()).copied())
                .collect()
        });
        let mut notes = Vec::new();
        for id in &changes.notes {
            if let Ok(Some(note)) = store.get::<Note>(NOTES, id).await {
                notes.push(note);
            }
        }
        let mut cards = Vec::new();
        for id in &changes.cards {
            if let Ok(Some(card)) = store.get::<Card>(CARDS, id).await {
                cards.push(card);
            }
        }
        // Keys typed here and not taken yet (they wait for a frame, which a tab in the
        // background may not get for long) make their note unsaved too. Taken and checked with
        // no wait before the library changes, so no keystroke falls between the two.
        self.take_typed();
        let dirty = |id: &str| self.saving.dirty.with_value(|d| d.contains(id));
        notes.retain(|n| !dirty(&n.id));
        // A note this tab is writing, or wrote while it was read, is read again once its write
        // has landed: what was read may be older than that write, and taking it would show the
        // other tab's text where this tab's is stored.
        let ours: Vec<String> = self.saving.known.with_value(|known| {
            self.saving.writing.with_value(|writing| {
                changes
                    .notes
                    .iter()
                    .zip(&known_before)
                    .filter(|(id, before)| {
                        !dirty(id)
                            && (writing.iter().any(|w| w.as_str() == id.as_str())
                                || known.get(id.as_str()).copied() != **before)
                    })
                    .map(|(id, _)| id.clone())
                    .collect()
            })
        });
        notes.retain(|n| !ours.iter().any(|id| id.as_str() == n.id.as_str()));
        if !ours.is_empty() {
            self.read_again_once_written(ours);
        }
        let deleted: Vec<&String> = changes
            .deleted_notes
            .iter()
            .filter(|id| !dirty(id))
            .collect();
        let handed: Vec<String> = notes
            .iter()
            .map(|n| n.id.to_string())
            .chain(deleted.iter().map(|id| id.to_string()))
            .collect();
        self.saving.known.update_value(|known| {
            for note in &notes {
                known.insert(note.id.clone(), note.updated);
            }
            for id in &deleted {
                known.remove(id.as_str());
            }
        });
        if !notes.is_empty() || !deleted.is_empty() {
            self.data.library.update(|lib| {
                for note in &notes {
                    lib.put(note.clone());
                }
                for id in &deleted {
                    lib.delete(id);
                }
            });
            let removed: Vec<&str> = deleted.iter().map(|id| id.as_str()).collect();
            self.search_follows(&notes, &removed);
        }
        let log = if super::sync::running() {
            self.other_tabs_log(&store, &changes, &cards).await
        } else {
            PageLog::default()
        };
        if !cards.is_empty() {
            self.data.deck.update(|deck| {
                for card in cards {
                    deck.put(card);
                }
            });
        }
        if !changes.files.is_empty() {
            let mut read = Vec::new();
            for key in &changes.files {
                read.push((
                    key,
                    store.get::<Attachment>(FILES, key).await.ok().flatten(),
                ));
            }
            self.data.files.update(|files| {
                for (key, file) in read {
                    match file {
                        Some(file) => files.put(file),
                        None => drop(files.remove(key)),
                    }
                }
            });
        }
        for key in &changes.meta {
            match key.as_str() {
                REVIEW_SETTINGS => {
                    if let Ok(Some(settings)) = store.get_meta::<ReviewSettings>(key).await {
                        self.data.settings.set(settings);
                    }
                }
                COURSES => {
                    if let Ok(Some(courses)) = store.get_meta::<Vec<Course>>(key).await {
                        self.data.courses.set(courses);
                    }
                }
                TRASH => {
                    if let Ok(Some(trash)) = store.get_meta::<Vec<Trashed>>(key).await {
                        self.data.trash.set(trash);
                    }
                }
                HOSTING => {
                    if let Ok(Some(hosting)) = store.get_meta::<Hosting>(key).await {
                        self.data.hosting.set(hosting);
                    }
                }
                ELSEWHERE => {
                    if let Ok(Some(elsewhere)) = store.get_meta::<Vec<Elsewhere>>(key).await {
                        self.data.elsewhere.set(elsewhere);
                    }
                }
                _ => {}
            }
        }
        // Sync hears of other tabs' notes and reviews here, where it runs.
        self.hand_to_sync(handed.iter().map(String::as_str));
        self.hand_log_to_sync(log);
        if !changes.meta.is_empty() {
            self.hand_meta_to_sync();
        }
    }

    /// Takes these notes from storage again once no write of this tab holds them.
    fn read_again_once_written(self, notes: Vec<String>) {
        spawn_local(async move {
            self.until_written_where(|id| notes.iter().any(|n| n.as_str() == id))
                .await;
            let changes = Changes {
                notes,
                ..Changes::default()
            };
            self.take_changes(changes).await;
        });
    }

    /// Resolves once no text write of this tab is on its way.
    pub(super) async fn until_written(&self) {
        self.until_written_where(|_| true).await;
    }

    /// Resolves once no text write of this tab holds a note that `held` picks. A write lands
    /// within moments; past five seconds this resolves regardless.
    async fn until_written_where(&self, held: impl Fn(&str) -> bool) {
        for _ in 0..100 {
            let writing = self
                .saving
                .writing
                .with_value(|writing| writing.iter().any(|w| held(w.as_str())));
            if !writing {
                return;
            }
            gloo_timers::future::TimeoutFuture::new(50).await;
        }
    }

    /// What another tab changed of the review log, as sync takes it: the answers it stored or
    /// removed, and its cards' changes as events (read before this tab takes the cards).
    async fn other_tabs_log(&self, store: &Store, changes: &Changes, cards: &[Card]) -> PageLog {
        let now = super::now();
        let events = self.data.deck.with_untracked(|deck| {
            cards
                .iter()
                .filter_map(|after| Some(events_between(deck.get(&after.id)?, after, now)))
                .flatten()
                .collect()
        });
        let mut log = PageLog {
            events,
            ..PageLog::default()
        };
        for id in &changes.reviews {
            match store.get::<ReviewRecord>(REVIEWS, id).await {
                Ok(Some(record)) => log.answers.push(record),
                Ok(None) => log.undone.push(id.clone()),
                Err(_) => {}
            }
        }
        log
    }
}
