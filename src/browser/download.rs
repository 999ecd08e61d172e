//! Downloads: bytes offered to the user as a file, through a temporary object URL.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;

use super::BrowserError;

/// Offers `bytes` as a file download named `name`.
pub fn offer(name: &str, bytes: &[u8], mime: &str) -> Result<(), BrowserError> {
    offer_parts(name, &[], bytes, &[], mime)
}

/// Offers as one file `before`, `bytes` and `after` (stored blobs), joined by the browser:
/// stored files go into the download without being copied into Loam's memory.
pub fn offer_parts(
    name: &str,
    before: &[web_sys::Blob],
    bytes: &[u8],
    after: &[web_sys::Blob],
    mime: &str,
) -> Result<(), BrowserError> {
    let fail = |_| BrowserError::NotSaved;
    let parts = Array::new();
    for blob in before {
        parts.push(blob);
    }
    parts.push(&Uint8Array::from(bytes));
    for blob in after {
        parts.push(blob);
    }
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_blob_sequence_and_options(&parts, &options).map_err(fail)?;
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
