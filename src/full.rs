//! The whole app's binary: mounts the UI with every part. `public/boot.js` starts it instead of
//! the first visit's module (`main.rs`) once the files are cached, where sync is on, and when a
//! first visit opens any page but the start page and a shared course's preview.

fn main() {
    #[cfg(target_arch = "wasm32")]
    loam::ui::mount(loam::ui::Parts::WHOLE);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("Loam runs in the browser: build it with `trunk build --release`.");
}
