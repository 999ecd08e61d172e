//! Moving in and out: files picked from another tool read and turned into a preview of their
//! notes, and the Markdown and Anki exports of the whole library as downloads.

use leptos::prelude::*;

use super::{now, AppError, AppState};
use crate::browser::{download, files};
use crate::core::date::dated_file_name;
use crate::core::exchange::bundle::Bundle;
use crate::core::exchange::merge::{ImportPlan, Planning};
use crate::core::interop::anki_export;
use crate::core::interop::vault;
use crate::core::interop::{Conversion, Converted, SourceFile};
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

/// Gives the browser a moment to paint.
async fn next_frame() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

impl AppState {
    /// Reads the files the learner picked or dropped, converts them and previews importing
    /// them; files that could not be read are in the report. Changes nothing.
    pub async fn plan_picked_files(
        &self,
        picked: Vec<web_sys::File>,
        progress: impl Fn(Step),
    ) -> (ImportPlan, Converted) {
        let (read, mut reports) = files::read_picked(picked, |done, total| {
            progress(Step::Reading { done, total })
        })
        .await;
        let (plan, mut converted) = self.plan_files(read, progress).await;
        reports.append(&mut converted.reports);
        converted.reports = reports;
        (plan, converted)
    }

    /// Converts files read from another tool and previews importing them, a slice at a time
    /// so the page stays responsive; `progress` hears each step. Changes nothing.
    async fn plan_files(
        &self,
        files: Vec<SourceFile>,
        progress: impl Fn(Step),
    ) -> (ImportPlan, Converted) {
        let mut conversion = Conversion::new(files, now());
        while conversion.step(SLICE) {
            let (done, total) = conversion.progress();
            progress(Step::Converting { done, total });
            next_frame().await;
        }
        let mut converted = conversion.finish();
        let bundle = Bundle {
            course: None,
            notes: std::mem::take(&mut converted.notes),
            elsewhere: Vec::new(),
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
            next_frame().await;
        }
        (planning.finish(), converted)
    }

    /// Offers every note as Markdown files in a zip (the Obsidian layout); returns its name.
    pub fn download_markdown(&self) -> Result<String, AppError> {
        let (name, bytes) = self.markdown_export();
        download::offer(&name, &bytes, "application/zip")?;
        Ok(name)
    }

    /// Offers every card as Anki-importable text; returns its name.
    pub fn download_anki_cards(&self) -> Result<String, AppError> {
        let (name, text) = self.anki_export();
        download::offer(&name, text.as_bytes(), "text/plain")?;
        Ok(name)
    }

    /// Every note as Markdown files in a zip (the Obsidian layout): its name and bytes.
    fn markdown_export(&self) -> (String, Vec<u8>) {
        self.flush();
        let bytes = self.data.library.with_untracked(|lib| {
            let notes: Vec<&Note> = lib.iter().collect();
            vault::export(&notes)
        });
        (dated_file_name("Loam notes", "zip", now()), bytes)
    }

    /// Every card as Anki-importable text: its name and text.
    fn anki_export(&self) -> (String, String) {
        self.flush();
        let text = self.data.library.with_untracked(|lib| {
            let notes: Vec<&Note> = lib.iter().collect();
            anki_export::export_cards(&notes)
        });
        (dated_file_name("Loam cards", "txt", now()), text)
    }
}
