//! The editor's colours drawn under its text box: one `<div>` per line, redrawn as
//! `core::editor::highlight::Colouring` says, so a keystroke in a long note touches one line.

use leptos::html;
use leptos::prelude::*;

use crate::core::card::syntax::allows_compact_cards;
use crate::core::editor::highlight::Colouring;
use crate::core::markdown::front_matter_end;

/// The layer under the text box and what it shows.
#[derive(Clone, Copy)]
pub struct Colours {
    pub layer: NodeRef<html::Div>,
    colouring: StoredValue<Colouring, LocalStorage>,
}

impl Colours {
    pub fn new() -> Self {
        Colours {
            layer: NodeRef::new(),
            colouring: StoredValue::new_local(Colouring::default()),
        }
    }

    /// Shows `text`, redrawing only the lines that changed since the last call.
    pub fn show(&self, text: &str) {
        let Some(layer) = self.layer.try_get_untracked().flatten() else {
            return;
        };
        let compact = allows_compact_cards(text, front_matter_end(text));
        let Some(redraw) = self.colouring.try_update_value(|c| c.update(text, compact)) else {
            return;
        };
        let lines = layer.children();
        for _ in 0..redraw.remove {
            if let Some(line) = lines.item(redraw.start as u32) {
                line.remove();
            }
        }
        let before = lines.item(redraw.start as u32);
        let Some(document) = layer.owner_document() else {
            return;
        };
        for html in redraw.insert {
            let Ok(line) = document.create_element("div") else {
                return;
            };
            // An empty line still takes a line's height.
            line.set_inner_html(if html.is_empty() { "<br>" } else { &html });
            let _ = layer.insert_before(&line, before.as_ref().map(|b| b.as_ref()));
        }
    }

    /// Keeps the colours under the text when it scrolls.
    pub fn follow(&self, area: &web_sys::HtmlTextAreaElement) {
        if let Some(layer) = self.layer.try_get_untracked().flatten() {
            layer.set_scroll_top(area.scroll_top());
        }
    }
}
