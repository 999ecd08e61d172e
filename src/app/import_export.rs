//! Moving in and out: files read from another tool turned into a preview of their notes, and the Markdown and Anki exports of the whole library.

use leptos::prelude::*;

use super::{now, AppState};
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
    Converting { done: usize, total: usize },
    Previewing { done: usize, total: usize },
}

/// Gives the browser a moment to paint.
async fn next_frame() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

impl AppState {
    /// Converts files read from another tool and previews importing them, a slice at a time
    /// so the page stays responsive; `progress` hears each step. Changes nothing.
    pub async fn plan_files(
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

    /// Every note as Markdown files in a zip (the Obsidian layout): its name and bytes.
    pub fn markdown_export(&self) -> (String, Vec<u8>) {
        self.flush();
        let bytes = self.data.library.with_untracked(|lib| {
            let notes: Vec<&Note> = lib.iter().collect();
            vault::export(&notes)
        });
        (dated_file_name("Loam notes", "zip", now()), bytes)
    }

    /// Every card as Anki-importable text: its name and text.
    pub fn anki_export(&self) -> (String, String) {
        self.flush();
        let text = self.data.library.with_untracked(|lib| {
            let notes: Vec<&Note> = lib.iter().collect();
            anki_export::export_cards(&notes)
        });
        (dated_file_name("Loam cards", "txt", now()), text)
    }
}
