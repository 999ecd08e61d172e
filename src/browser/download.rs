//! Downloads: bytes offered to the user as a file, through a temporary object URL.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;

use super::BrowserError;

/// Offers `bytes` as a file download named `name`.
pub fn offer(name: &str, bytes: &[u8], mime: &str) -> Result<(), BrowserError> {
    let fail = |_| BrowserError::NotSaved;
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(BrowserError::NoDocument)?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(fail)?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
