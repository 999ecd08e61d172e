//! Backups of the app state: everything (notes, cards, review log, settings, courses) into one
//! file, and a restore that merges a backup into this profile in one transaction.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;

use super::{new_id, now, AppError, AppState, CARDS_DERIVED, COURSES, ELSEWHERE, REVIEW_SETTINGS};
use crate::core::exchange::backup::{self, Backup, Meta, RestorePlan};
use crate::core::exchange::bundle::{Course, Elsewhere};
use crate::core::exchange::merge::Choice;
use crate::core::note::NoteId;
use crate::store::{StoreError, Write, CARDS, NOTES, REVIEWS};

impl AppState {
    /// The backup file of everything: its name and bytes.
    pub async fn backup_file(self) -> Result<(String, Vec<u8>), AppError> {
        self.flush();
        let reviews = self.review_log().await?;
        let settings = self.review_settings.get_untracked();
        let courses = self.courses.get_untracked();
        let elsewhere = self.elsewhere.get_untracked();
        let author = self.author.get_untracked();
        let created = now();
        let backup = self.library.with_untracked(|lib| {
            self.deck.with_untracked(|deck| {
                Backup::of(
                    lib,
                    deck,
                    reviews,
                    Meta {
                        settings: self.settings_stored.get_value().then_some(&settings),
                        courses: &courses,
                        elsewhere: &elsewhere,
                        author: &author,
                    },
                    created,
                )
            })
        });
        Ok((backup::file_name(created), backup::encode(&backup)))
    }

    /// What restoring `backup` here would do.
    pub async fn plan_restore(self, backup: &Backup) -> Result<RestorePlan, AppError> {
        self.flush();
        let review_ids: HashSet<String> =
            self.review_log().await?.into_iter().map(|r| r.id).collect();
        let settings = self.review_settings.get_untracked();
        let courses = self.courses.get_untracked();
        let elsewhere = self.elsewhere.get_untracked();
        let author = self.author.get_untracked();
        Ok(self.library.with_untracked(|lib| {
            self.deck.with_untracked(|deck| {
                backup::plan_restore(
                    lib,
                    deck,
                    &review_ids,
                    Meta {
                        settings: self.settings_stored.get_value().then_some(&settings),
                        courses: &courses,
                        elsewhere: &elsewhere,
                        author: &author,
                    },
                    backup,
                )
            })
        }))
    }

    /// Restores a previewed backup with the user's conflict choices. Everything is written in
    /// one transaction; memory changes only once it is stored.
    pub async fn restore(
        self,
        plan: RestorePlan,
        backup: Backup,
        choices: HashMap<NoteId, Choice>,
    ) -> Result<(), AppError> {
        // Applied in place, as an import is: copying a large library and deck first cost more
        // than the restore. A write that fails reads memory back from storage.
        self.flush();
        let restored = self
            .library
            .try_update_untracked(|library| {
                self.deck.try_update_untracked(|deck| {
                    backup::apply_restore(
                        &plan,
                        &backup,
                        &choices,
                        library,
                        deck,
                        now(),
                        &mut || new_id(),
                    )
                })
            })
            .flatten()
            .ok_or(AppError::LibraryNotOpen.not_restored())?;
        let mut courses = self.courses.get_untracked();
        courses.extend(restored.courses.iter().cloned());
        let mut elsewhere = self.elsewhere.get_untracked();
        elsewhere.extend(restored.elsewhere.iter().cloned());
        let stored = match restore_write(&restored, &courses, &elsewhere) {
            Ok(write) => self.commit(write, &restored.notes).await,
            Err(e) => Err(e),
        };
        if let Err(e) = stored {
            self.reread_library().await;
            return Err(AppError::Store(e).not_restored());
        }
        self.library.notify();
        self.deck.notify();
        self.courses.set(courses);
        self.elsewhere.set(elsewhere);
        if let Some(settings) = restored.settings {
            self.review_settings.set(settings);
            self.settings_stored.set_value(true);
        }
        if let Some(author) = restored.author {
            self.author.set(author);
        }
        self.index_notes(&restored.notes);
        Ok(())
    }
}

/// Everything a restore stores, in one write.
fn restore_write(
    restored: &backup::Restored,
    courses: &[Course],
    elsewhere: &[Elsewhere],
) -> Result<Write, StoreError> {
    let mut write = Write::new()
        .put(NOTES, &restored.notes)
        .and_then(|w| w.put(CARDS, &restored.cards))
        .and_then(|w| w.put(REVIEWS, &restored.reviews))
        .and_then(|w| w.put_meta(COURSES, courses))
        .and_then(|w| w.put_meta(ELSEWHERE, elsewhere))
        .and_then(|w| w.put_meta(CARDS_DERIVED, true))?;
    if let Some(settings) = &restored.settings {
        write = write.put_meta(REVIEW_SETTINGS, settings)?;
    }
    if let Some(author) = &restored.author {
        write = write.put_meta(super::share::AUTHOR, author)?;
    }
    Ok(write)
}
