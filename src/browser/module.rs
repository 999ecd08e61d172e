//! Loam's own modules fetched after start (maths, converters): each a wasm with its JS glue,
//! imported through `loamImport` (which boot.js defines, relative to the app) and started once.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Imports the module whose glue is `script` and starts its wasm; its exports.
pub async fn load(script: &str) -> Result<JsValue, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let import: js_sys::Function =
        js_sys::Reflect::get(&window, &"loamImport".into())?.dyn_into()?;
    let module = JsFuture::from(js_sys::Promise::from(
        import.call1(&JsValue::NULL, &script.into())?,
    ))
    .await?;
    let init: js_sys::Function = js_sys::Reflect::get(&module, &"default".into())?.dyn_into()?;
    JsFuture::from(js_sys::Promise::from(init.call0(&JsValue::NULL)?)).await?;
    Ok(module)
}

/// The exported function `name` of a loaded module.
pub fn function(module: &JsValue, name: &str) -> Result<js_sys::Function, JsValue> {
    js_sys::Reflect::get(module, &name.into())?.dyn_into()
}
