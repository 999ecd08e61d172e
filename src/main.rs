//! The first visit's binary: mounts the UI with the start page and a shared course's preview
//! and import only (see `ui::Parts`), so a new visitor downloads little. The whole app is
//! `full.rs`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    loam::ui::mount(loam::ui::Parts::FIRST_VISIT);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("Loam runs in the browser: build it with `trunk build --release`.");
}
