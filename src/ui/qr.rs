//! A QR code drawn as SVG, four pixels a module, for a phone to scan from the screen.

use leptos::prelude::*;

use crate::core::qr::QrSvg;

#[component]
pub fn QrCode(code: QrSvg, label: &'static str) -> impl IntoView {
    view! {
        <svg class="share-qr" role="img" aria-label=label
            style=format!("width: {}px", code.size * 4)
            viewBox=format!("0 0 {0} {0}", code.size) shape-rendering="crispEdges">
            <rect width="100%" height="100%" fill="#fff" />
            <path d=code.path fill="#000" />
        </svg>
    }
}
