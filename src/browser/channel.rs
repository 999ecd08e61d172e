//! The BroadcastChannel other open tabs of Loam listen on: each tab posts what a write changed,
//! and hears what the others changed. Messages are text; the app chooses what they say.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

const CHANNEL: &str = "loam";

thread_local! {
    static OPEN: RefCell<Option<web_sys::BroadcastChannel>> = const { RefCell::new(None) };
}

/// Opens the channel; `heard` runs for every message from another tab.
pub fn listen(heard: impl Fn(String) + 'static) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(message) = e.data().as_string() {
                heard(message);
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The listener lives as long as the page.
    on_message.forget();
    OPEN.with(|c| *c.borrow_mut() = Some(channel));
}

/// Sends a message to the other tabs.
pub fn post(message: &str) {
    OPEN.with(|c| {
        if let Some(channel) = c.borrow().as_ref() {
            let _ = channel.post_message(&message.into());
        }
    });
}
