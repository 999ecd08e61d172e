//! A modal question with a confirm and a cancel button; Escape cancels.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use super::text;

#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] message: String,
    confirm_label: &'static str,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let cancel_button = NodeRef::<html::Button>::new();
    // The safe choice has the focus, so a stray Enter does not destroy anything.
    request_animation_frame(move || {
        if let Some(button) = cancel_button.try_get_untracked().flatten() {
            let _ = button.focus();
        }
    });
    let on_key = move |e: ev::KeyboardEvent| {
        if e.key() == "Escape" {
            e.prevent_default();
            on_cancel.run(());
        }
    };
    view! {
        <div class="backdrop" on:click=move |_| on_cancel.run(())></div>
        <div
            class="dialog"
            role="dialog"
            aria-modal="true"
            aria-labelledby="dialog-title"
            aria-describedby="dialog-message"
            on:keydown=on_key
        >
            <h2 id="dialog-title">{text(move || title.get())}</h2>
            <p id="dialog-message">{message}</p>
            <div class="dialog-actions">
                <button node_ref=cancel_button on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button class="danger" on:click=move |_| on_confirm.run(())>{confirm_label}</button>
            </div>
        </div>
    }
}
