//! A web worker: started from a script beside the page, it is sent text and answers in
//! text, in numbers (a `Float64Array`), or in text with a value beside it (`[text, value]`).
//!
//! ```ignore
//! let worker = worker::start("optimizer_loader.js", |message| …, |problem| …)?;
//! worker.post(&request);
//! worker.stop();
//! ```

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::BrowserError;

/// What a worker said.
pub enum Message {
    Text(String),
    Numbers(Vec<f64>),
    /// Text with a value beside it (bytes, a blob) that was not copied into wasm memory.
    Carrying(String, JsValue),
}

/// A running worker; dropping it does not stop it, [`Worker::stop`] does.
pub struct Worker {
    worker: web_sys::Worker,
    // Kept alive while the worker may call them.
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

/// Starts the (classic) worker at `script` (relative to the page). `heard` gets each message;
/// `failed` is told, in words, why the worker could not run (its script did not load, or it
/// stopped with an error).
pub fn start(
    script: &str,
    heard: impl Fn(Message) + 'static,
    failed: impl Fn(String) + 'static,
) -> Result<Worker, BrowserError> {
    let worker = web_sys::Worker::new(script).map_err(|_| BrowserError::NoWorkers)?;
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            if let Some(text) = data.as_string() {
                heard(Message::Text(text));
            } else if let Some(numbers) = data.dyn_ref::<js_sys::Float64Array>() {
                heard(Message::Numbers(numbers.to_vec()));
            } else if let Some(pair) = data.dyn_ref::<js_sys::Array>() {
                if let Some(text) = pair.get(0).as_string() {
                    heard(Message::Carrying(text, pair.get(1)));
                }
            }
        });
    // A script that did not load gives a plain event; an error thrown inside, an ErrorEvent.
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
        e.prevent_default();
        let detail = js_sys::Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        failed(if detail.is_empty() {
            "The background worker could not start.".to_string()
        } else {
            format!("The background worker stopped: {detail}")
        });
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Worker {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    })
}

impl Worker {
    /// Sends `[kind, data]`; the browser copies `data` without this side reading it.
    pub fn post(&self, kind: &str, data: &JsValue) {
        let message = js_sys::Array::of2(&kind.into(), data);
        let _ = self.worker.post_message(&message);
    }

    /// Sends text as it is.
    pub fn post_text(&self, text: &str) {
        let _ = self.worker.post_message(&text.into());
    }

    /// Ends the worker at once, whatever it is doing.
    pub fn stop(&self) {
        self.worker.terminate();
    }
}
