//! The quiet banner saying a new version of Loam is ready, with a button to reload into it.

use leptos::prelude::*;

use crate::app::{AppState, UPDATE_READY_EVENT};

#[component]
pub fn UpdateBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ready = RwSignal::new(false);
    let reloading = RwSignal::new(false);
    let listener = window_event_listener_untyped(UPDATE_READY_EVENT, move |_| ready.set(true));
    on_cleanup(move || listener.remove());

    let reload = move |_| {
        reloading.set(true);
        state.apply_update();
    };
    view! {
        <Show when=move || ready.get()>
            <div class="update-banner" role="status">
                <p>"A new version of Loam is ready."</p>
                <button type="button" on:click=reload disabled=move || reloading.get()>
                    {move || if reloading.get() { "Reloading…" } else { "Reload" }}
                </button>
            </div>
        </Show>
    }
}
