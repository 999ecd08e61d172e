//! Bundle files fetched from a web host named in a link, read with a size limit.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::files::MAX_BUNDLE_BYTES;
use super::BrowserError;

/// Downloads a hosted bundle file.
pub async fn bundle_bytes(url: &str) -> Result<Vec<u8>, BrowserError> {
    let host = url_host(url);
    let window = web_sys::window().ok_or(BrowserError::NoWindow)?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| BrowserError::Unreachable { host: host.clone() })?;
    let response: web_sys::Response = response.unchecked_into();
    if !response.ok() {
        return Err(BrowserError::HostRefused {
            host,
            status: response.status(),
            status_text: response.status_text(),
        });
    }
    let length = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|l| l.parse::<u64>().ok())
        // Whole bytes, read without the float parser and its tables.
        .map(|l| l as f64);
    if length.is_some_and(|l| l > MAX_BUNDLE_BYTES) {
        return Err(BrowserError::HostedTooLarge { host });
    }
    let promise = response
        .array_buffer()
        .map_err(|_| BrowserError::DownloadUnreadable)?;
    let buffer = JsFuture::from(promise)
        .await
        .map_err(|_| BrowserError::BrokeOff { host: host.clone() })?;
    let bytes = Uint8Array::new(&buffer);
    if f64::from(bytes.length()) > MAX_BUNDLE_BYTES {
        return Err(BrowserError::HostedTooLarge { host });
    }
    Ok(bytes.to_vec())
}

fn url_host(url: &str) -> String {
    web_sys::Url::new(url)
        .map(|u| u.host())
        .unwrap_or_else(|_| "that address".to_string())
}
