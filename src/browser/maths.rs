//! Formulas typeset by the maths module (`src/maths.rs`, a small wasm of its own). The note view
//! writes each formula as its TeX in a `span.math-tex`; [`watch`] notices them as they enter
//! the page, fetches the module for the first one, and replaces each by its MathML. Until then,
//! or if the module cannot load, the TeX stays readable.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

const SCRIPT: &str = "maths.js";
const PENDING: &str = "math-tex";

enum Module {
    Unloaded,
    Loading,
    Ready(js_sys::Function),
    Unavailable,
}

thread_local! {
    static MODULE: RefCell<Module> = const { RefCell::new(Module::Unloaded) };
}

/// Typesets every formula now in the page and every one added later.
pub fn watch() {
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    let changed = Closure::<dyn Fn(js_sys::Array, web_sys::MutationObserver)>::new(
        |_: js_sys::Array, _: web_sys::MutationObserver| typeset_pending(),
    );
    if let Ok(observer) = web_sys::MutationObserver::new(changed.as_ref().unchecked_ref()) {
        let options = web_sys::MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        let _ = observer.observe_with_options(&body, &options);
    }
    // The observer lives as long as the page.
    changed.forget();
    typeset_pending();
}

fn typeset_pending() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let pending = document.get_elements_by_class_name(PENDING);
    if pending.length() == 0 {
        return;
    }
    let typeset = MODULE.with(|m| {
        let mut module = m.borrow_mut();
        match &*module {
            Module::Ready(typeset) => Some(typeset.clone()),
            Module::Unloaded => {
                *module = Module::Loading;
                wasm_bindgen_futures::spawn_local(async {
                    let loaded = load().await;
                    MODULE.with(|m| {
                        *m.borrow_mut() = match loaded {
                            Ok(typeset) => Module::Ready(typeset),
                            Err(_) => Module::Unavailable,
                        }
                    });
                    typeset_pending();
                });
                None
            }
            Module::Loading | Module::Unavailable => None,
        }
    });
    let Some(typeset) = typeset else {
        return;
    };
    // The collection is live: take the elements first, then replace them.
    let elements: Vec<web_sys::Element> = (0..pending.length())
        .filter_map(|i| pending.item(i))
        .collect();
    for element in elements {
        let tex = element.text_content().unwrap_or_default();
        let block = element.get_attribute("data-block").as_deref() == Some("1");
        match typeset
            .call2(&JsValue::NULL, &tex.into(), &block.into())
            .ok()
            .and_then(|html| html.as_string())
        {
            Some(html) => element.set_outer_html(&html),
            // Never try this one again: it stays as its TeX.
            None => element.set_class_name("math-unreadable"),
        }
    }
}

/// Imports the module and finds its one function.
async fn load() -> Result<js_sys::Function, JsValue> {
    super::module::function(&super::module::load(SCRIPT).await?, "typeset")
}
