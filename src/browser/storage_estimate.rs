//! The browser's figures for this site's storage (`navigator.storage`): usage, quota, and whether
//! it has been made persistent, so the browser will not clear it to free space.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::core::storage::{bytes_from_js, StorageUsage};

fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    // Missing outside secure contexts; `navigator.storage` is then undefined.
    let storage = js_sys::Reflect::get(&navigator, &"storage".into()).ok()?;
    storage.dyn_into().ok()
}

/// Usage, quota and persistence as the browser reports them, or `None` when it does not.
pub async fn read() -> Option<StorageUsage> {
    let manager = storage_manager()?;
    let estimate = JsFuture::from(manager.estimate().ok()?).await.ok()?;
    if !estimate.is_object() {
        return None;
    }
    // A dictionary, not a class: `instanceof` cannot check it.
    let estimate: web_sys::StorageEstimate = estimate.unchecked_into();
    let persistent = match manager.persisted() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|value| value.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    };
    Some(StorageUsage {
        used: bytes_from_js(estimate.get_usage().unwrap_or(0.0)),
        quota: bytes_from_js(estimate.get_quota().unwrap_or(0.0)),
        persistent,
    })
}
