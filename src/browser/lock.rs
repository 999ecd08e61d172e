//! Web Locks: one tab of this browser at a time does a job (sync), the next takes over when
//! that tab closes.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Runs `granted` once this tab holds the lock `name`, which it then keeps until it closes.
/// Without Web Locks, runs it at once.
pub fn hold(name: &str, granted: impl FnOnce() + 'static) {
    let locks = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(|l| !l.is_undefined());
    let request = locks.as_ref().and_then(|locks| {
        js_sys::Reflect::get(locks, &"request".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        granted();
        return;
    };
    let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        granted();
        // Never settles: the lock is held for the life of the page.
        js_sys::Promise::new(&mut |_, _| {}).into()
    });
    let _ = request.call2(&locks, &name.into(), &callback);
}
