//! Sync in Settings (turn on with a server and a key, create a key shown as text and QR code,
//! turn off) and the quiet status line in the sidebar.

use leptos::prelude::*;

use crate::app::sync::create_key;
use crate::app::AppState;
use crate::core::qr;
use crate::core::sync::State;
use crate::ui::qr::QrCode;

/// Settings, "Sync".
#[component]
pub fn SyncSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let sync = state.view.sync;
    let server = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let show_key = RwSignal::new(false);
    let turn_on = move |_| match state.turn_sync_on(
        &server.get_untracked(),
        &key.get_untracked(),
        &token.get_untracked(),
    ) {
        Ok(()) => {
            problem.set(None);
            show_key.set(false);
        }
        Err(e) => problem.set(Some(e.to_string())),
    };
    let create = move |_| {
        key.set(create_key());
        show_key.set(true);
    };
    let key_shown = move |key: String| {
        let code = qr::scannable_qr(&key);
        view! {
            <p class="sync-key">
                <span class="muted">"Sync key: "</span>
                <code data-testid="sync-key">{key.clone()}</code>
            </p>
            {code.map(|code| view! { <QrCode code label="QR code of the sync key" /> })}
            <p class="muted">"Use the same server and key on your other devices. Anyone with the key and the server's address can read your notes: keep it like a password."</p>
        }
    };
    view! {
        <section class="sync" aria-labelledby="sync-heading">
            <h2 id="sync-heading">"Sync"</h2>
            {move || match sync.setup.get() {
                Some(setup) => view! {
                    <p>
                        "Syncing through " <code>{setup.server.clone()}</code>
                        {setup.token.is_some().then_some(" (Hocuspocus, with a token)")}
                    </p>
                    <p class="muted" role="status">{move || status_words(state)}</p>
                    <div class="sync-actions">
                        <button on:click=move |_| show_key.update(|s| *s = !*s)>
                            {move || if show_key.get() { "Hide the key" } else { "Show the key" }}
                        </button>
                        <button on:click=move |_| state.turn_sync_off()>"Turn sync off"</button>
                    </div>
                    {move || show_key.get().then(|| key_shown(setup.key.clone()))}
                    <p class="muted">"Turning sync off keeps this device's library as it is."</p>
                }.into_any(),
                None => view! {
                    <p class="muted">"Keep your library on all your devices through a Yjs sync server you run or rent. Turning sync on merges this library with what the server holds: nothing is replaced."</p>
                    <label class="field">
                        "Server address"
                        <input type="url" placeholder="wss://sync.example.org" autocomplete="off"
                            prop:value=move || server.get()
                            on:input=move |e| server.set(event_target_value(&e)) />
                    </label>
                    <label class="field">
                        "Sync key"
                        <input type="text" placeholder="Create one, or paste the key of your other device" autocomplete="off" spellcheck="false"
                            prop:value=move || key.get()
                            on:input=move |e| key.set(event_target_value(&e)) />
                    </label>
                    <label class="field">
                        "Server token (Hocuspocus servers only)"
                        <input type="password" placeholder="Leave empty for a y-websocket server" autocomplete="off"
                            prop:value=move || token.get()
                            on:input=move |e| token.set(event_target_value(&e)) />
                    </label>
                    <div class="sync-actions">
                        <button on:click=create>"Create a sync key"</button>
                        <button class="primary" on:click=turn_on>"Turn sync on"</button>
                    </div>
                    {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                    {move || show_key.get().then(|| key_shown(key.get()))}
                }.into_any(),
            }}
        </section>
    }
}

fn status_words(state: AppState) -> String {
    match state.view.sync.status.get() {
        Some(status) => status.words(),
        None => "Sync runs in another open tab of Loam.".to_string(),
    }
}

/// The sidebar's line: how sync stands, only when it is on.
#[component]
pub fn SyncStatusLine() -> impl IntoView {
    let state = expect_context::<AppState>();
    let sync = state.view.sync;
    move || {
        sync.setup.with(Option::is_some).then(|| {
            let state_class = move || match sync.status.get().map(|s| s.state) {
                Some(State::Synced) => "sync-status synced",
                Some(State::Offline) => "sync-status offline",
                _ => "sync-status",
            };
            view! {
                <p class=state_class role="status" data-testid="sync-status" title=move || status_words(state)>
                    {move || match sync.status.get() {
                        Some(status) => status.short(),
                        None => "Sync runs in another tab".to_string(),
                    }}
                </p>
            }
        })
    }
}
