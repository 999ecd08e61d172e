//! The page's side of the converters module (`src/converters.rs`): fetched and started the first
//! time the learner imports from another tool or exports, then kept for the page's life.
//!
//! ```ignore
//! let converters = Converters::load().await?;
//! converters.clear()?;
//! converters.add("Vault/Paris.md", &bytes, Some(modified))?;
//! converters.start(now);
//! while converters.step(200) { /* converters.progress(); let the page paint */ }
//! let converted = converters.finish()?;
//! ```

use std::cell::RefCell;

use js_sys::Uint8Array;
use wasm_bindgen::JsValue;

use super::BrowserError;
use crate::core::interop::Converted;
use crate::core::note::Note;
use crate::core::time::Time;

const SCRIPT: &str = "converters.js";

thread_local! {
    static LOADED: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// The loaded converters module.
pub struct Converters {
    module: JsValue,
}

impl Converters {
    /// The module, fetched and started on first use.
    pub async fn load() -> Result<Converters, BrowserError> {
        if let Some(module) = LOADED.with(|m| m.borrow().clone()) {
            return Ok(Converters { module });
        }
        let module = super::module::load(SCRIPT)
            .await
            .map_err(|_| BrowserError::ConvertersUnavailable)?;
        LOADED.with(|m| *m.borrow_mut() = Some(module.clone()));
        Ok(Converters { module })
    }

    fn call(&self, name: &str, args: &[JsValue]) -> Result<JsValue, BrowserError> {
        let function = super::module::function(&self.module, name)
            .map_err(|_| BrowserError::ConvertersUnavailable)?;
        let args: js_sys::Array = args.iter().collect();
        function
            .apply(&JsValue::NULL, &args)
            .map_err(|e| BrowserError::ConverterFailed(describe(&e)))
    }

    /// Forgets any import begun and not finished.
    pub fn clear(&self) -> Result<(), BrowserError> {
        self.call("clear", &[])?;
        Ok(())
    }

    /// Adds a picked file, its bytes as the browser read them, to the next conversion.
    pub fn add(
        &self,
        path: &str,
        bytes: &Uint8Array,
        modified: Option<Time>,
    ) -> Result<(), BrowserError> {
        let modified = modified.map_or(JsValue::UNDEFINED, |t| t.ms().into());
        self.call("add", &[path.into(), bytes.into(), modified])?;
        Ok(())
    }

    /// Starts converting the files added so far.
    pub fn start(&self, now: Time) -> Result<(), BrowserError> {
        self.call("start", &[now.ms().into()])?;
        Ok(())
    }

    /// Converts up to `budget` more files; whether work is left.
    pub fn step(&self, budget: usize) -> Result<bool, BrowserError> {
        Ok(self.call("step", &[(budget as u32).into()])?.is_truthy())
    }

    /// Files converted so far and files known in all.
    pub fn progress(&self) -> (usize, usize) {
        let numbers = self
            .call("progress", &[])
            .ok()
            .map(|v| js_sys::Uint32Array::from(v).to_vec())
            .unwrap_or_default();
        match numbers.as_slice() {
            [done, total] => (*done as usize, *total as usize),
            _ => (0, 0),
        }
    }

    /// The finished conversion.
    pub fn finish(&self) -> Result<Converted, BrowserError> {
        let json = self.call("finish", &[])?.as_string().unwrap_or_default();
        serde_json::from_str(&json).map_err(|e| BrowserError::ConverterFailed(e.to_string()))
    }

    /// The contents of kept file `index` of the finished conversion, as the browser holds them.
    pub fn kept_file(&self, index: usize) -> Result<Uint8Array, BrowserError> {
        Ok(Uint8Array::from(
            self.call("kept_file", &[(index as u32).into()])?,
        ))
    }

    /// Adds an attached file to the next Markdown export.
    pub fn export_file(
        &self,
        name: &str,
        bytes: &Uint8Array,
        added: Time,
    ) -> Result<(), BrowserError> {
        self.call(
            "export_file",
            &[name.into(), bytes.into(), added.ms().into()],
        )?;
        Ok(())
    }

    /// The notes as Markdown files in a zip (the Obsidian layout).
    pub fn markdown_export(&self, notes: &[&Note]) -> Result<Vec<u8>, BrowserError> {
        let bytes = self.call("markdown_export", &[notes_json(notes)?.into()])?;
        Ok(Uint8Array::from(bytes).to_vec())
    }

    /// The notes' cards as Anki-importable text.
    pub fn anki_export(&self, notes: &[&Note]) -> Result<String, BrowserError> {
        let text = self.call("anki_export", &[notes_json(notes)?.into()])?;
        Ok(text.as_string().unwrap_or_default())
    }
}

fn notes_json(notes: &[&Note]) -> Result<String, BrowserError> {
    serde_json::to_string(notes).map_err(|e| BrowserError::ConverterFailed(e.to_string()))
}

/// The message of an error thrown by the module.
fn describe(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
