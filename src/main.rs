//! The first visit's binary: mounts the UI without the parts most visits never open (see
//! `ui::Parts`), so a new visitor downloads less. The whole app is `full.rs`.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(
        || leptos::view! { <loam::ui::App parts=loam::ui::Parts::FIRST_VISIT /> },
    );
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Loam runs in the browser: build it with `trunk build --release`.");
}
