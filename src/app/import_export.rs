//! Moving in and out: files picked from another tool read and turned into a preview of their
//! notes, and the Markdown and Anki exports of the whole library as downloads.

use leptos::prelude::*;

use super::{now, AppError, AppState};
use crate::browser::converters::Converters;
use crate::browser::{download, files};
use crate::core::attachment::Attachment;
use crate::core::date::dated_file_name;
use crate::core::exchange::bundle::Bundle;
use crate::core::exchange::carried;
use crate::core::exchange::merge::{ImportPlan, Planning};
use crate::core::interop::Converted;
use crate::core::note::Note;

/// Files converted, or notes previewed, between two frames.
const SLICE: usize = 200;

/// Where converting a large import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Reading { done: usize, total: usize },
    Converting { done: usize, total: usize },
    Previewing { done: usize, total: usize },
}

impl AppState {
    /// Fetches the converters while the learner chooses files, so the first import or export
    /// does not wait for them. A failure here is met again, and said, when they are used.
    pub fn prepare_converters(&self) {
        leptos::task::spawn_local(async {
            let _ = Converters::load().await;
        });
    }

    /// Reads the files the learner picked or dropped, converts them and previews importing
    /// them; files that could not be read are in the report. Changes nothing. Fails only when
    /// the converters cannot be loaded.
    pub async fn plan_picked_files(
        &self,
        picked: Vec<web_sys::File>,
        progress: impl Fn(Step),
    ) -> Result<(ImportPlan, Converted), AppError> {
        let converters = Converters::load().await?;
        converters.clear()?;
        let mut reports = files::read_picked(
            picked,
            |done, total| progress(Step::Reading { done, total }),
            |path, bytes, modified| converters.add(path, bytes, Some(modified)),
        )
        .await;
        converters.start(now())?;
        while converters.step(SLICE)? {
            let (done, total) = converters.progress();
            progress(Step::Converting { done, total });
            crate::browser::frame::yield_now().await;
        }
        let mut converted = converters.finish()?;
        reports.append(&mut converted.reports);
        converted.reports = reports;
        let files = self.take_kept_files(&converters, &converted).await?;
        let plan = self.plan_converted(&mut converted, files, progress).await;
        Ok((plan, converted))
    }

    /// Previews importing converted notes (taken out of `converted`), a slice at a time so the
    /// page stays responsive; `progress` hears each step. Changes nothing.
    async fn plan_converted(
        &self,
        converted: &mut Converted,
        files: Vec<Attachment>,
        progress: impl Fn(Step),
    ) -> ImportPlan {
        let bundle = Bundle {
            course: None,
            notes: std::mem::take(&mut converted.notes),
            elsewhere: Vec::new(),
            files,
        };
        self.flush();
        let mut planning = self
            .data
            .library
            .with_untracked(|lib| Planning::new(lib, bundle));
        while self
            .data
            .library
            .with_untracked(|lib| planning.step(lib, SLICE))
        {
            let (done, total) = planning.progress();
            progress(Step::Previewing { done, total });
            crate::browser::frame::yield_now().await;
        }
        planning.finish()
    }

    /// The files a conversion kept, fingerprinted, their kind read again, and their contents
    /// kept to store if the learner imports.
    async fn take_kept_files(
        &self,
        converters: &Converters,
        converted: &Converted,
    ) -> Result<Vec<Attachment>, AppError> {
        let mut files = Vec::new();
        let mut contents = Vec::new();
        for (index, kept) in converted.files.iter().enumerate() {
            let bytes = converters.kept_file(index)?;
            let (kind, hash) = super::files::identify(&bytes).await?;
            contents.push((hash.clone(), files::blob_of(&bytes, kind.mime())?));
            files.push(Attachment::new(
                &kept.name,
                &hash,
                kind,
                u64::from(bytes.length()),
                now(),
            ));
        }
        self.keep_contents(contents);
        Ok(files)
    }

    /// Offers every note as Markdown files in a zip (the Obsidian layout); returns its name.
    pub async fn download_markdown(&self) -> Result<String, AppError> {
        let converters = Converters::load().await?;
        self.flush();
        let (attached, contents) = self.stored_contents().await?;
        let stored: Vec<Attachment> = attached.iter().cloned().collect();
        for (file, blob) in carried::in_order(&stored).into_iter().zip(&contents) {
            let bytes = files::array_of(blob).await?;
            // Every name of the same contents gets its own copy: Obsidian finds files by name.
            for named in stored.iter().filter(|f| f.hash == file.hash) {
                converters.export_file(&named.name, &bytes, named.added)?;
            }
        }
        let bytes = self.data.library.with_untracked(|lib| {
            let notes: Vec<&Note> = lib.iter().collect();
            converters.markdown_export(&notes)
        })?;
        let name = dated_file_name("Loam notes", "zip", now());
        download::offer(&name, &bytes, "application/zip")?;
        Ok(name)
    }

    /// Offers every card as Anki-importable text; returns its name.
    pub async fn download_anki_cards(&self) -> Result<String, AppError> {
        let converters = Converters::load().await?;
        self.flush();
        let text = self.data.library.with_untracked(|lib| {
            let notes: Vec<&Note> = lib.iter().collect();
            converters.anki_export(&notes)
        })?;
        let name = dated_file_name("Loam cards", "txt", now());
        download::offer(&name, text.as_bytes(), "text/plain")?;
        Ok(name)
    }
}
