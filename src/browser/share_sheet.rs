//! The system share sheet (the Web Share API of phones and some desktops).

use js_sys::{Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::BrowserError;

/// Whether the Web Share API is there.
pub fn available() -> bool {
    web_sys::window()
        .map(|w| Reflect::has(&w.navigator(), &"share".into()).unwrap_or(false))
        .unwrap_or(false)
}

/// Opens the system share sheet with a title and link.
pub async fn share_link(title: &str, url: &str) -> Result<(), BrowserError> {
    let navigator = web_sys::window().ok_or(BrowserError::NoWindow)?.navigator();
    let share = Reflect::get(&navigator, &"share".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or(BrowserError::NoShareSheet)?;
    let data = Object::new();
    let _ = Reflect::set(&data, &"title".into(), &title.into());
    let _ = Reflect::set(&data, &"url".into(), &url.into());
    let promise: js_sys::Promise = share
        .call1(&navigator, &data)
        .map_err(|_| BrowserError::ShareRefused)?
        .unchecked_into();
    // The user closing the share sheet is not an error worth showing.
    let _ = JsFuture::from(promise).await;
    Ok(())
}
