//! Where a textarea's caret is drawn, for a popup beside it: the text up to the caret is laid
//! out in a hidden copy of the textarea with the same box and font, and a marker measured.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};

/// The properties that decide where text wraps and lines fall.
const COPIED: &[&str] = &[
    "box-sizing",
    "width",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border-top-width",
    "border-right-width",
    "border-bottom-width",
    "border-left-width",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "line-height",
    "letter-spacing",
    "tab-size",
    "text-transform",
    "word-spacing",
];

/// The caret's position inside `area`'s box, in CSS pixels: (left, top of the line below the
/// caret), scrolling taken into account. `None` if the page cannot lay it out.
pub fn below_caret(area: &HtmlTextAreaElement, utf16_caret: u32) -> Option<(f64, f64)> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let computed = window.get_computed_style(area).ok()??;
    let mirror: HtmlElement = document.create_element("div").ok()?.dyn_into().ok()?;
    let style = mirror.style();
    for &property in COPIED {
        let value = computed.get_property_value(property).ok()?;
        style.set_property(property, &value).ok()?;
    }
    for (property, value) in [
        ("position", "absolute"),
        ("visibility", "hidden"),
        ("top", "0"),
        ("left", "-9999px"),
        ("white-space", "pre-wrap"),
        ("overflow-wrap", "break-word"),
    ] {
        style.set_property(property, value).ok()?;
    }
    let value = area.value();
    let before: String = String::from_utf16_lossy(
        &value
            .encode_utf16()
            .take(utf16_caret as usize)
            .collect::<Vec<u16>>(),
    );
    mirror.set_text_content(Some(&before));
    let marker: HtmlElement = document.create_element("span").ok()?.dyn_into().ok()?;
    marker.set_text_content(Some("\u{200b}"));
    mirror.append_child(&marker).ok()?;
    document.body()?.append_child(&mirror).ok()?;
    let left = f64::from(marker.offset_left());
    let bottom = f64::from(marker.offset_top() + marker.offset_height());
    mirror.remove();
    Some((
        left - f64::from(area.scroll_left()),
        bottom - f64::from(area.scroll_top()),
    ))
}
