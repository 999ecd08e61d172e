//! The maths module: TeX to MathML (`core::markdown::math::typeset`) in a small wasm of its
//! own, fetched by the page the first time a formula is shown, so the app's first download
//! carries no maths converter.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// The MathML of one formula, safe to put in the page (see `typeset`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn typeset(tex: &str, block: bool) -> String {
    loam::core::markdown::math::typeset(tex, block)
}

fn main() {}
