//! The clipboard: copying a share link.

use wasm_bindgen_futures::JsFuture;

use super::BrowserError;

/// Copies text to the clipboard.
pub async fn copy_text(text: &str) -> Result<(), BrowserError> {
    let clipboard = web_sys::window()
        .ok_or(BrowserError::NoWindow)?
        .navigator()
        .clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| BrowserError::CopyRefused)
}
