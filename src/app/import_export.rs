//! Moving in and out: reading the files or folder the learner picked into a preview of their
//! notes, and the Markdown and Anki exports of the whole library.

use js_sys::Reflect;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::{now, transfer, AppState};
use crate::core::anki;
use crate::core::backup::dated_file_name;
use crate::core::bundle::Bundle;
use crate::core::import::{self, Converted, FileReport, SourceFile};
use crate::core::merge::ImportPlan;
use crate::core::note::Note;
use crate::core::vault;

/// Largest file read for an import: a zipped vault may be large, its notes may not.
const MAX_IMPORT_FILE_BYTES: f64 = 512.0 * 1024.0 * 1024.0;

/// The picked files read into memory, with their place in a picked folder, and a report line
/// for each that could not be read. Calls `progress(done, total)` as it goes.
pub async fn read_files(
    files: Vec<web_sys::File>,
    progress: impl Fn(usize, usize),
) -> (Vec<SourceFile>, Vec<FileReport>) {
    let total = files.len();
    let mut read = Vec::with_capacity(total);
    let mut refused = Vec::new();
    for (done, file) in files.into_iter().enumerate() {
        // A folder pick names each file by its path inside the folder.
        let path = Reflect::get(&file, &JsValue::from_str("webkitRelativePath"))
            .ok()
            .and_then(|p| p.as_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| file.name());
        match transfer::read_file(&file, MAX_IMPORT_FILE_BYTES).await {
            Ok(bytes) => read.push(SourceFile {
                path,
                bytes,
                modified: Some(file.last_modified()),
            }),
            Err(message) => refused.push(FileReport::refused(&path, message)),
        }
        if done % 50 == 0 {
            progress(done + 1, total);
        }
    }
    (read, refused)
}

impl AppState {
    /// Converts files read from another tool and previews importing them. Changes nothing.
    /// Lets the browser paint between the two long steps.
    pub async fn plan_files(&self, files: Vec<SourceFile>) -> (ImportPlan, Converted) {
        let mut converted = import::convert(files, now());
        gloo_timers::future::TimeoutFuture::new(0).await;
        let notes = std::mem::take(&mut converted.notes);
        let plan = self.plan_import(Bundle {
            course: None,
            notes,
            elsewhere: Vec::new(),
        });
        (plan, converted)
    }

    /// Every note as Markdown files in a zip (the Obsidian layout): its name and bytes.
    pub fn markdown_export(&self) -> (String, Vec<u8>) {
        self.flush();
        let bytes = self.library.with_untracked(|lib| {
            let notes: Vec<&Note> = lib.iter().collect();
            vault::export(&notes)
        });
        (dated_file_name("Loam notes", "zip", now()), bytes)
    }

    /// Every card as Anki-importable text: its name and text.
    pub fn anki_export(&self) -> (String, String) {
        self.flush();
        let text = self.library.with_untracked(|lib| {
            let notes: Vec<&Note> = lib.iter().collect();
            anki::export_cards(&notes)
        });
        (dated_file_name("Loam cards", "txt", now()), text)
    }
}
