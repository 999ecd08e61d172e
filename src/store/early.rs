//! The library read that `public/boot.js` starts before the module is up, so reading notes and
//! cards overlaps the module's download and compile instead of following them.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What boot.js read, in one transaction.
pub struct EarlyRead {
    /// The database's schema version when it was read.
    pub schema: u32,
    /// The stored data version (0 when unmarked).
    pub data: u32,
    pub notes: JsValue,
    pub cards: JsValue,
}

/// Where boot.js leaves the promise of its read.
const KEY: &str = "loamEarlyRead";

/// The read, once: it describes the database as it was when the page opened, so a later
/// read (another tab changed it since) never takes it. `None` where there was nothing to read.
pub async fn take() -> Option<EarlyRead> {
    let window: js_sys::Object = web_sys::window()?.into();
    let promise = js_sys::Reflect::get(&window, &KEY.into()).ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &KEY.into());
    let read = JsFuture::from(promise.dyn_into::<js_sys::Promise>().ok()?)
        .await
        .ok()?;
    let field = |name: &str| js_sys::Reflect::get(&read, &name.into()).ok();
    let version = |name: &str| field(name)?.as_f64().map(|v| v as u32);
    Some(EarlyRead {
        schema: version("schema")?,
        data: version("data")?,
        notes: field("notes").filter(js_sys::Array::is_array)?,
        cards: field("cards").filter(js_sys::Array::is_array)?,
    })
}
