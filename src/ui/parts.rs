//! Which parts of the app a module holds. The first visit's module (`main.rs`) leaves out what
//! most visits never open (settings, statistics, import and export, the share dialog, sync), so
//! a new visitor downloads less; opening one of them goes on in the whole app (`full.rs`).
//! The parts are function pointers: a module links only the ones it names.

use leptos::prelude::*;

use crate::app::{AppState, FirstScreenPart};
use crate::core::route::Route;

#[derive(Clone, Copy)]
pub struct Parts {
    /// Settings, statistics, and import and export.
    pub rare_page: fn(Route) -> AnyView,
    /// A note's share dialog: its id, and what closes it.
    pub share_dialog: fn(String, Callback<()>) -> AnyView,
    /// The sidebar's line on sync.
    pub sync_status: fn() -> AnyView,
    /// What starts once the library is read.
    pub after_read: fn(AppState),
    /// Lists the notes listed last time while the library is read, and keeps them.
    pub first_screen: FirstScreenPart,
}

impl Parts {
    /// Everything.
    pub const WHOLE: Parts = Parts {
        rare_page: whole_rare_page,
        share_dialog: |id, on_close| {
            view! { <super::share::ShareDialog id=id on_close=on_close /> }.into_any()
        },
        sync_status: || view! { <super::sync::SyncStatusLine /> }.into_any(),
        after_read: AppState::start_sync,
        first_screen: AppState::first_screen,
    };

    /// A first visit: the rare parts go on in the whole app.
    pub const FIRST_VISIT: Parts = Parts {
        rare_page: |_| view! { <OpeningWholeApp share=None /> }.into_any(),
        share_dialog: |id, _| view! { <OpeningWholeApp share=Some(id) /> }.into_any(),
        sync_status: || ().into_any(),
        // Sync never runs here: boot.js starts the whole app where sync is on.
        after_read: |_| {},
        // A first visit has no library to list before it is read.
        first_screen: |_| {},
    };
}

fn whole_rare_page(route: Route) -> AnyView {
    match route {
        Route::Stats => view! { <super::stats::StatsPage /> }.into_any(),
        Route::Settings => view! { <super::settings::SettingsPage /> }.into_any(),
        _ => view! { <super::import_export::ImportExportPage /> }.into_any(),
    }
}

/// Says what is happening while this tab goes on in the whole app.
#[component]
fn OpeningWholeApp(share: Option<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let problem = RwSignal::new(None::<String>);
    request_animation_frame(move || {
        if let Err(e) = state.open_whole_app(share.as_deref()) {
            problem.set(Some(e.to_string()));
        }
    });
    move || match problem.get() {
        None => view! { <p class="muted" role="status">"Opening…"</p> }.into_any(),
        Some(text) => view! { <p class="notice" role="alert">{text}</p> }.into_any(),
    }
}
