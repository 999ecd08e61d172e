//! The one write path: [`AppState::commit`] makes every [`Change`] in memory, stores it in one
//! IndexedDB transaction, announces it to other tabs and (later) to sync, then reindexes it.

use std::collections::HashMap;
use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{new_id, now, share, AppError, AppState, SaveState};
use super::{CARDS_DERIVED, COURSES, ELSEWHERE, HOSTING, RETRY_DELAY_MS, REVIEW_SETTINGS, TRASH};
use crate::core::change::{Change, Made, Memory, Records};
use crate::core::exchange::bundle::{Course, Elsewhere};
use crate::core::exchange::merge::free_title;
use crate::core::exchange::Hosting;
use crate::core::note::trash::Trashed;
use crate::core::note::{Note, NoteId};
use crate::core::review::ReviewSettings;
use crate::core::sync::log::PageLog;
use crate::core::time::Time;
use crate::store::{
    journal, Changes, Store, StoreError, Write, CARDS, CONTENTS, FILES, NOTES, REVIEWS,
};

/// What a stored change leaves for its caller.
pub(super) struct Landed {
    /// The note an import opens afterwards.
    pub root: Option<NoteId>,
}

/// The small data a bulk change edits in place, kept to put back if storing fails.
struct MetaBefore {
    settings: ReviewSettings,
    courses: Vec<Course>,
    elsewhere: Vec<Elsewhere>,
    author: String,
    hosting: Hosting,
    trash: Vec<Trashed>,
}

impl AppState {
    /// Makes `change` in memory now, and returns the rest of its way: storing it in one
    /// transaction, telling the other tabs, then sync and the search index. A change refused
    /// in memory (a title in use, a library not open) is refused here and nothing happens.
    ///
    /// Small changes are shown at once and, if storing fails, stay on screen with the failure
    /// in the save indicator (text changes are tried again). An import or restore changes
    /// memory in place but shows it only once stored; if storing fails, memory is read back.
    pub(super) fn commit(
        self,
        change: Change,
    ) -> Result<impl Future<Output = Result<Landed, AppError>> + 'static, AppError> {
        let bulk = change.is_bulk();
        let text = change.is_text();
        let touches_notes = change.touches_notes();
        let fail: fn(AppError) -> AppError = match &change {
            Change::Import { .. } => AppError::not_imported,
            Change::Restore { .. } => AppError::not_restored,
            _ => std::convert::identity,
        };
        if bulk {
            // What was typed is stored first, on its own.
            self.flush();
        }
        let before = bulk.then(|| self.meta_before());
        let from_sync = change.is_from_sync();
        let events = change.card_events(now());

        // 1. Memory.
        let Made { mut records, root } = self.make(change, bulk).map_err(fail)?;
        if text {
            // Notes typed and not stored yet go in the same transaction, with cards a failed
            // save left behind.
            let typed = self
                .saving
                .dirty
                .try_update_value(std::mem::take)
                .unwrap_or_default();
            if !typed.is_empty() {
                let more = self.make(Change::Typed(typed.into_iter().collect()), false)?;
                records.absorb(more.records);
            }
            let mut cards = self
                .saving
                .unsaved_cards
                .try_update_value(std::mem::take)
                .unwrap_or_default();
            cards.append(&mut records.cards);
            records.cards = cards;
        }
        for id in &records.deleted_notes {
            self.saving.dirty.update_value(|d| {
                d.remove(id);
            });
            self.saving.known.update_value(|k| {
                k.remove(id);
            });
        }
        if !bulk {
            self.show(&records, touches_notes);
        }
        let expected: Vec<(NoteId, Option<Time>)> = if text {
            self.saving.known.with_value(|known| {
                records
                    .notes
                    .iter()
                    .map(|n| (n.id.clone(), known.get(&n.id).copied()))
                    .collect()
            })
        } else {
            Vec::new()
        };
        let generation = self.saving.edit_generation.get_value();
        let store = self.saving.store.get_value();
        let written: Vec<NoteId> = if text {
            records.notes.iter().map(|n| n.id.clone()).collect()
        } else {
            Vec::new()
        };
        self.saving
            .writing
            .update_value(|writing| writing.extend(written.iter().cloned()));

        Ok(async move {
            // 2. One transaction.
            let stored = match store {
                Some(store) => self
                    .store_records(&store, &records, &expected, bulk)
                    .await
                    .map_err(AppError::Store),
                None => Err(AppError::StorageUnavailable),
            };
            // Landed or failed: a failed write's notes are dirty again (`not_stored`).
            self.saving.writing.update_value(|writing| {
                for id in &written {
                    if let Some(at) = writing.iter().position(|w| w == id) {
                        writing.swap_remove(at);
                    }
                }
            });
            let (mut changes, copies) = match stored {
                Ok(stored) => stored,
                Err(problem) => {
                    self.not_stored(&records, text, bulk, before, generation, &problem)
                        .await;
                    return Err(fail(problem));
                }
            };
            self.saving.known.update_value(|known| {
                for note in records.notes.iter().chain(&copies) {
                    known.insert(note.id.clone(), note.updated);
                }
            });
            if !copies.is_empty() {
                self.keep_other_tabs_versions(&copies);
                changes
                    .notes
                    .extend(copies.iter().map(|n| n.id.to_string()));
            }
            // 3. The other tabs.
            self.announce(&changes);
            // 4. Sync, unless sync brought the change (the page told it already).
            if !from_sync {
                self.hand_to_sync(
                    changes
                        .notes
                        .iter()
                        .chain(&changes.deleted_notes)
                        .map(String::as_str),
                );
                self.hand_log_to_sync(PageLog {
                    answers: records.reviews.clone(),
                    undone: records.deleted_reviews.clone(),
                    events,
                });
                if records.settings.is_some()
                    || records.author.is_some()
                    || records.courses.is_some()
                    || records.elsewhere.is_some()
                    || records.hosting.is_some()
                    || !records.files.is_empty()
                    || !records.removed_files.is_empty()
                {
                    self.hand_meta_to_sync();
                }
            }
            if bulk {
                self.show(&records, touches_notes);
            }
            if touches_notes {
                self.keep_first_screen_soon();
            }
            if text && !records.is_empty() {
                let more = self.saving.dirty.with_value(|d| !d.is_empty());
                // Another write still on its way may hold notes only the journal keeps.
                if !more && self.saving.writing.with_value(Vec::is_empty) {
                    journal::clear();
                }
                if !more && self.saving.edit_generation.get_value() == generation {
                    self.saving.save_state.set(SaveState::Saved);
                }
            }
            self.reindex(&records);
            Ok(Landed { root })
        })
    }

    /// Commits a change and stores it in the background; failures to store show in the save
    /// indicator, and a change refused in memory is simply not made.
    pub(super) fn commit_later(self, change: Change) {
        let _ = self.commit_then(change, None);
    }

    /// Like [`Self::commit_later`], returning a refusal for the caller to show.
    pub(super) fn commit_refusable(self, change: Change) -> Result<(), AppError> {
        self.commit_then(change, None)
    }

    /// Commits a change and stores it in the background, running `landed` once it is stored.
    /// The one place a change is sent off on its own.
    pub(super) fn commit_then(
        self,
        change: Change,
        landed: Option<Box<dyn FnOnce()>>,
    ) -> Result<(), AppError> {
        let stored = self.commit(change)?;
        spawn_local(async move {
            if stored.await.is_ok() {
                if let Some(landed) = landed {
                    landed();
                }
            }
        });
        Ok(())
    }

    /// Makes a change in the data in memory, without telling anyone.
    fn make(&self, change: Change, bulk: bool) -> Result<Made, AppError> {
        let made = self.data.library.try_update_untracked(|library| {
            self.data.deck.try_update_untracked(|deck| {
                self.data.settings.try_update_untracked(|settings| {
                    self.data.courses.try_update_untracked(|courses| {
                        self.data.elsewhere.try_update_untracked(|elsewhere| {
                            self.data.author.try_update_untracked(|author| {
                                self.data.hosting.try_update_untracked(|hosting| {
                                    self.data.trash.try_update_untracked(|trash| {
                                        self.data.files.try_update_untracked(|files| {
                                            let memory = Memory {
                                                library,
                                                deck,
                                                settings,
                                                courses,
                                                elsewhere,
                                                author,
                                                hosting,
                                                trash,
                                                files,
                                            };
                                            let apply = self.saving.parts.get_value().apply;
                                            apply(change, memory, now(), &mut || new_id())
                                        })
                                    })
                                })
                            })
                        })
                    })
                })
            })
        });
        let missing = if bulk {
            AppError::LibraryNotOpen
        } else {
            AppError::LibraryUnavailable
        };
        made.flatten()
            .flatten()
            .flatten()
            .flatten()
            .flatten()
            .flatten()
            .flatten()
            .flatten()
            .ok_or(missing)?
            .map_err(AppError::Refused)
    }

    /// Tells every view that follows the data a change edited.
    fn show(&self, records: &Records, touches_notes: bool) {
        if touches_notes {
            self.data.library.notify();
        }
        if touches_notes || !records.cards.is_empty() {
            self.data.deck.notify();
        }
        if records.settings.is_some() {
            self.saving.settings_stored.set_value(true);
            self.data.settings.notify();
        }
        if records.courses.is_some() {
            self.data.courses.notify();
        }
        if records.elsewhere.is_some() {
            self.data.elsewhere.notify();
        }
        if records.author.is_some() {
            self.data.author.notify();
        }
        if records.hosting.is_some() {
            self.data.hosting.notify();
        }
        if records.trash.is_some() {
            self.data.trash.notify();
        }
        if !records.files.is_empty() || !records.removed_files.is_empty() {
            self.data.files.notify();
        }
    }

    /// Stores a change's records in one transaction. Notes whose text changed are checked first
    /// against what this tab last saw: another tab's newer version is kept as a copy.
    async fn store_records(
        &self,
        store: &Store,
        records: &Records,
        expected: &[(NoteId, Option<Time>)],
        bulk: bool,
    ) -> Result<(Changes, Vec<Note>), StoreError> {
        let contents = self.saving.contents.get_value();
        let write = write_of(records, &contents, bulk).await?;
        let changes = write.changes().clone();
        let copies = if expected.is_empty() {
            store.apply(write).await?;
            Vec::new()
        } else {
            let copy = |theirs: Note| self.copy_of_other_tabs_version(theirs);
            store.apply_checked(write, expected, &copy).await?
        };
        Ok((changes, copies))
    }

    /// A change could not be stored. Text stays in memory and is tried again; an import or
    /// restore is taken back by reading memory again from storage; anything else stays on
    /// screen with the failure in the save indicator.
    async fn not_stored(
        &self,
        records: &Records,
        text: bool,
        bulk: bool,
        before: Option<MetaBefore>,
        generation: u64,
        problem: &AppError,
    ) {
        if bulk {
            self.reread_library().await;
            if let Some(before) = before {
                self.put_back(before);
            }
            return;
        }
        if text {
            // Kept dirty so the next edit or flush tries again, and tried again here too:
            // space may come back (a full disk, another tab's data).
            self.mark_dirty(records.notes.iter().map(|n| n.id.clone()));
            let cards = records.cards.clone();
            self.saving
                .unsaved_cards
                .update_value(|unsaved| unsaved.extend(cards));
            if !matches!(problem, AppError::StorageUnavailable) {
                let this = *self;
                spawn_local(async move {
                    gloo_timers::future::TimeoutFuture::new(RETRY_DELAY_MS).await;
                    if this.saving.edit_generation.get_value() == generation {
                        this.flush();
                    }
                });
            }
        }
        self.saving
            .save_state
            .set(SaveState::Failed(problem.clone()));
        self.reindex(records);
    }

    fn meta_before(&self) -> MetaBefore {
        MetaBefore {
            settings: self.data.settings.get_untracked(),
            courses: self.data.courses.get_untracked(),
            elsewhere: self.data.elsewhere.get_untracked(),
            author: self.data.author.get_untracked(),
            hosting: self.data.hosting.get_untracked(),
            trash: self.data.trash.get_untracked(),
        }
    }

    fn put_back(&self, before: MetaBefore) {
        self.data
            .settings
            .update_untracked(|s| *s = before.settings);
        self.data.courses.update_untracked(|c| *c = before.courses);
        self.data
            .elsewhere
            .update_untracked(|e| *e = before.elsewhere);
        self.data.author.update_untracked(|a| *a = before.author);
        self.data.hosting.update_untracked(|h| *h = before.hosting);
        self.data.trash.update_untracked(|t| *t = before.trash);
    }

    /// The search index follows the notes a change stored or removed.
    fn reindex(&self, records: &Records) {
        let removed: Vec<&str> = records.deleted_notes.iter().map(|id| id.as_str()).collect();
        self.search_follows(&records.notes, &removed);
    }

    /// Another tab saved this note since this tab last read it: its version becomes a note of
    /// its own beside ours.
    fn copy_of_other_tabs_version(&self, theirs: Note) -> Note {
        let title = self.data.library.with_untracked(|lib| {
            free_title(&theirs.title, "from another tab", |t| {
                lib.by_title(t).is_none()
            })
        });
        Note {
            id: new_id(),
            title,
            origin: None,
            ..theirs
        }
    }

    /// Shows the copies made by [`Self::copy_of_other_tabs_version`] and says so.
    fn keep_other_tabs_versions(&self, copies: &[Note]) {
        self.data.library.update(|lib| {
            for note in copies {
                lib.put(note.clone());
            }
        });
        self.search_follows(copies, &[]);
        let titles: Vec<String> = copies.iter().map(|n| format!("“{}”", n.title)).collect();
        self.view.notice.set(Some(format!(
            "This note was also changed in another tab. Both versions are kept: the other one is {}.",
            titles.join(", ")
        )));
    }
}

/// The IndexedDB writes of a change's records. A bulk change lets the browser paint between
/// its longer steps.
async fn write_of(
    records: &Records,
    contents: &HashMap<String, web_sys::Blob>,
    bulk: bool,
) -> Result<Write, StoreError> {
    if bulk {
        crate::browser::frame::yield_now().await;
    }
    let mut write = Write::new().put(NOTES, &records.notes)?;
    if bulk && records.notes.len() > 1_000 {
        crate::browser::frame::yield_now().await;
    }
    for id in &records.deleted_notes {
        write = write.delete(NOTES, id);
    }
    write = write.put(CARDS, &records.cards)?;
    write = write.put(REVIEWS, &records.reviews)?;
    for id in &records.deleted_reviews {
        write = write.delete(REVIEWS, id);
    }
    if let Some(courses) = &records.courses {
        write = write.put_meta(COURSES, courses)?;
    }
    if let Some(elsewhere) = &records.elsewhere {
        write = write.put_meta(ELSEWHERE, elsewhere)?;
    }
    if records.cards_derived {
        write = write.put_meta(CARDS_DERIVED, true)?;
    }
    if let Some(settings) = &records.settings {
        write = write.put_meta(REVIEW_SETTINGS, settings)?;
    }
    if let Some(author) = &records.author {
        write = write.put_meta(share::AUTHOR, author)?;
    }
    if let Some(hosting) = &records.hosting {
        write = write.put_meta(HOSTING, hosting)?;
    }
    if let Some(trash) = &records.trash {
        write = write.put_meta(TRASH, trash)?;
    }
    // A file's record and its contents land together, or neither does.
    for file in &records.files {
        if let Some(blob) = contents.get(&file.hash) {
            write = write.put_content(&file.hash, blob);
        }
    }
    write = write.put(FILES, &records.files)?;
    for key in &records.removed_files {
        write = write.delete(FILES, key);
    }
    for hash in &records.removed_contents {
        write = write.delete(CONTENTS, hash);
    }
    Ok(write)
}
