//! The converters module: files from other tools (Obsidian and Logseq folders or zips, Anki text,
//! CrowdAnki decks) turned into notes, and the Markdown and Anki exports, in a wasm of its own.
//! The page fetches it the first time the learner imports or exports, so its first download
//! carries no converter. `browser::converters` is its other side.
//!
//! ```js
//! clear();
//! add("Vault/Paris.md", bytes, modified); // each picked file, bytes copied in once
//! start(Date.now());
//! while (step(200)) { /* progress(): [done, total]; let the page paint */ }
//! const converted = JSON.parse(finish()); // core::interop::Converted
//! const bytes = kept_file(0);               // contents of converted.files[0]
//! ```

fn main() {}

#[cfg(target_arch = "wasm32")]
mod module {
    use std::cell::RefCell;

    use loam::core::interop::{anki_export, vault, Conversion, SourceFile};
    use loam::core::note::Note;
    use loam::core::time::Time;
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::JsError;

    /// One import at a time: the files added for it, then its conversion once started.
    enum Import {
        Adding(Vec<SourceFile>),
        Converting(Conversion),
    }

    thread_local! {
        static IMPORT: RefCell<Import> = const { RefCell::new(Import::Adding(Vec::new())) };
        /// The contents of the files the last conversion kept, until the page takes them.
        static KEPT: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
        /// Attached files handed in for the next Markdown export.
        static EXPORTING: RefCell<Vec<vault::ExportedFile>> = const { RefCell::new(Vec::new()) };
    }

    /// Forgets any import begun and not finished (the learner left it half read).
    #[wasm_bindgen]
    pub fn clear() {
        IMPORT.with(|import| *import.borrow_mut() = Import::Adding(Vec::new()));
        KEPT.with(|kept| kept.borrow_mut().clear());
    }

    /// Adds a picked file to the next conversion; `modified` is in milliseconds since the epoch.
    #[wasm_bindgen]
    pub fn add(path: String, bytes: Vec<u8>, modified: Option<f64>) {
        IMPORT.with(|import| {
            let mut import = import.borrow_mut();
            if let Import::Converting(_) = &*import {
                *import = Import::Adding(Vec::new());
            }
            if let Import::Adding(files) = &mut *import {
                files.push(SourceFile {
                    path,
                    bytes,
                    modified: modified.map(Time::from_ms),
                });
            }
        });
    }

    /// Starts converting the files added so far.
    #[wasm_bindgen]
    pub fn start(now: f64) {
        IMPORT.with(|import| {
            let mut import = import.borrow_mut();
            let files = match &mut *import {
                Import::Adding(files) => std::mem::take(files),
                Import::Converting(_) => Vec::new(),
            };
            *import = Import::Converting(Conversion::new(files, Time::from_ms(now)));
        });
    }

    /// Converts up to `budget` more files; whether work is left.
    #[wasm_bindgen]
    pub fn step(budget: usize) -> bool {
        IMPORT.with(|import| match &mut *import.borrow_mut() {
            Import::Converting(conversion) => conversion.step(budget),
            Import::Adding(_) => false,
        })
    }

    /// Files converted so far and files known in all.
    #[wasm_bindgen]
    pub fn progress() -> Vec<u32> {
        IMPORT.with(|import| match &*import.borrow() {
            Import::Converting(conversion) => {
                let (done, total) = conversion.progress();
                vec![done as u32, total as u32]
            }
            Import::Adding(files) => vec![0, files.len() as u32],
        })
    }

    /// The finished conversion as JSON (`Converted`), and the module ready for the next one.
    #[wasm_bindgen]
    pub fn finish() -> Result<String, JsError> {
        let import = IMPORT.with(|import| import.replace(Import::Adding(Vec::new())));
        let Import::Converting(conversion) = import else {
            return Err(JsError::new("no conversion was started"));
        };
        let mut converted = conversion.finish();
        KEPT.with(|kept| *kept.borrow_mut() = std::mem::take(&mut converted.contents));
        Ok(serde_json::to_string(&converted)?)
    }

    /// The contents of kept file `index` of the last conversion (`Converted::files`), handed
    /// over once.
    #[wasm_bindgen]
    pub fn kept_file(index: usize) -> Vec<u8> {
        KEPT.with(|kept| {
            kept.borrow_mut()
                .get_mut(index)
                .map(std::mem::take)
                .unwrap_or_default()
        })
    }

    /// Adds an attached file to the next Markdown export; `added` in milliseconds.
    #[wasm_bindgen]
    pub fn export_file(name: String, bytes: Vec<u8>, added: f64) {
        EXPORTING.with(|files| {
            files.borrow_mut().push(vault::ExportedFile {
                name,
                bytes,
                added: Time::from_ms(added),
            })
        });
    }

    /// Every note (a JSON array of notes) as Markdown files in a zip, the Obsidian layout, with
    /// the files added by `export_file` (which it then forgets).
    #[wasm_bindgen]
    pub fn markdown_export(notes: &str) -> Result<Vec<u8>, JsError> {
        let notes: Vec<Note> = serde_json::from_str(notes)?;
        let files = EXPORTING.with(|files| std::mem::take(&mut *files.borrow_mut()));
        Ok(vault::export(&notes.iter().collect::<Vec<_>>(), &files))
    }

    /// Every card of the notes (a JSON array of notes) as Anki-importable text.
    #[wasm_bindgen]
    pub fn anki_export(notes: &str) -> Result<String, JsError> {
        let notes: Vec<Note> = serde_json::from_str(notes)?;
        Ok(anki_export::export_cards(&notes.iter().collect::<Vec<_>>()))
    }
}
