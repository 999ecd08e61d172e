//! Backups of the app state: everything (notes, cards, review log, settings, courses) into one
//! file, and a restore that merges a backup into this profile in one transaction.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;

use super::{now, AppError, AppState};
use crate::browser::{download, files};
use crate::core::change::Change;
use crate::core::exchange::backup::{self, Backup, Meta, RestorePlan};
use crate::core::exchange::merge::Choice;
use crate::core::exchange::Reading;
use crate::core::note::NoteId;

impl AppState {
    /// Offers the backup file of everything as a download; returns its name.
    pub async fn download_backup(self) -> Result<String, AppError> {
        let (name, head, contents) = self.backup_file().await?;
        download::offer_parts(&name, &[], &head, &contents, "application/octet-stream")?;
        Ok(name)
    }

    /// Reads a backup file the learner picked and previews restoring it. Changes nothing; a
    /// failure says that nothing was restored.
    pub async fn open_backup_file(
        self,
        file: web_sys::File,
    ) -> Result<(RestorePlan, Backup), AppError> {
        let opened = async {
            let bytes = files::read(&file, files::MAX_BACKUP_BYTES).await?;
            let (mut backup, contents) =
                backup::decode_with_contents(&bytes).map_err(|error| AppError::File {
                    name: file.name(),
                    error,
                })?;
            self.take_contents(&bytes, &contents, &mut backup.files, Reading::Backup)
                .await
                .map_err(|problem| problem.in_file(file.name()))?;
            let plan = self.plan_restore(&backup).await?;
            Ok((plan, backup))
        };
        opened.await.map_err(AppError::not_restored)
    }

    /// The backup file of everything: its name, its head and the stored contents that follow.
    async fn backup_file(self) -> Result<(String, Vec<u8>, Vec<web_sys::Blob>), AppError> {
        self.flush();
        let reviews = self.review_log().await?;
        let settings = self.data.settings.get_untracked();
        let courses = self.data.courses.get_untracked();
        let elsewhere = self.data.elsewhere.get_untracked();
        let author = self.data.author.get_untracked();
        let hosting = self.data.hosting.get_untracked();
        let created = now();
        let backup = self.data.library.with_untracked(|lib| {
            self.data.deck.with_untracked(|deck| {
                Backup::of(
                    lib,
                    deck,
                    reviews,
                    Meta {
                        settings: self.saving.settings_stored.get_value().then_some(&settings),
                        courses: &courses,
                        elsewhere: &elsewhere,
                        author: &author,
                        hosting: Some(&hosting),
                    },
                    created,
                )
            })
        });
        let (files, contents) = self.stored_contents().await?;
        let backup = backup.with_files(&files);
        Ok((
            backup::file_name(created),
            backup::encode(&backup),
            contents,
        ))
    }

    /// What restoring `backup` here would do.
    async fn plan_restore(self, backup: &Backup) -> Result<RestorePlan, AppError> {
        self.flush();
        let review_ids: HashSet<String> =
            self.review_log().await?.into_iter().map(|r| r.id).collect();
        let settings = self.data.settings.get_untracked();
        let courses = self.data.courses.get_untracked();
        let elsewhere = self.data.elsewhere.get_untracked();
        let author = self.data.author.get_untracked();
        let hosting = self.data.hosting.get_untracked();
        Ok(self.data.library.with_untracked(|lib| {
            self.data.deck.with_untracked(|deck| {
                backup::plan_restore(
                    lib,
                    deck,
                    &review_ids,
                    Meta {
                        settings: self.saving.settings_stored.get_value().then_some(&settings),
                        courses: &courses,
                        elsewhere: &elsewhere,
                        author: &author,
                        hosting: Some(&hosting),
                    },
                    backup,
                )
            })
        }))
    }

    /// Restores a previewed backup with the learner's conflict choices. Everything is written
    /// in one transaction (see [`AppState::commit`]); memory is shown only once it is stored.
    pub async fn restore(
        self,
        plan: RestorePlan,
        backup: Backup,
        choices: HashMap<NoteId, Choice>,
    ) -> Result<(), AppError> {
        let hashes: Vec<String> = backup.files.iter().map(|f| f.hash.clone()).collect();
        let change = Change::Restore {
            plan: Box::new(plan),
            backup: Box::new(backup),
            choices,
        };
        match self.commit(change) {
            Ok(stored) => stored.await,
            Err(refused) => Err(refused),
        }?;
        // Kept until the restore lands: a failed one may be tried again from its preview.
        self.forget_contents(&hashes);
        Ok(())
    }
}
