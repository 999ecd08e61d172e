//! Which parts of the app a module holds. The first visit's module (`main.rs`) holds the start
//! page and a shared course's preview and import, so a new visitor downloads little before the
//! first screen works; any other page goes on in the whole app (`full.rs`), which the service
//! worker fetches meanwhile. The parts are function pointers: a module links only the ones it
//! names.

use leptos::prelude::*;

use crate::app::{AppState, StateParts};
use crate::core::route::Route;

#[derive(Clone, Copy)]
pub struct Parts {
    /// Every page but the start page and a shared course's preview.
    pub page: fn(Route) -> AnyView,
    /// The sidebar.
    pub sidebar: fn() -> AnyView,
    /// The quick switcher (Ctrl/Cmd+K), and what closes it.
    pub switcher: fn(Callback<()>) -> AnyView,
    /// The keyboard shortcuts of the whole app's pages: given a key pressed anywhere, the
    /// state, and whether the quick switcher is open.
    pub shortcuts: fn(&web_sys::KeyboardEvent, AppState, RwSignal<bool>),
    /// What the app state does beyond reading and writing the library.
    pub state: StateParts,
}

impl Parts {
    /// Everything.
    pub const WHOLE: Parts = Parts {
        page: whole_page,
        sidebar: || view! { <super::sidebar::Sidebar /> }.into_any(),
        switcher: |on_close| view! { <super::switcher::Switcher on_close=on_close /> }.into_any(),
        shortcuts: whole_shortcuts,
        state: StateParts::WHOLE,
    };

    /// A first visit: every other page goes on in the whole app.
    pub const FIRST_VISIT: Parts = Parts {
        page: |_| view! { <OpeningWholeApp /> }.into_any(),
        sidebar: || view! { <super::sidebar::FirstVisitSidebar /> }.into_any(),
        // A first visit has no notes to switch between.
        switcher: |_| ().into_any(),
        shortcuts: |_, _, _| {},
        state: StateParts::FIRST_VISIT,
    };
}

/// Ctrl/Cmd+K opens the quick switcher, Ctrl/Cmd+Z right after a delete brings the note
/// back, Ctrl/Cmd+E switches a note between reading and editing.
fn whole_shortcuts(e: &web_sys::KeyboardEvent, state: AppState, switcher_open: RwSignal<bool>) {
    let command = e.ctrl_key() || e.meta_key();
    if command && e.key().eq_ignore_ascii_case("k") {
        e.prevent_default();
        switcher_open.update(|open| *open = !*open);
        return;
    }
    // Right after a delete, Ctrl/Cmd+Z outside a text field brings the note back.
    if command
        && !e.shift_key()
        && e.key().eq_ignore_ascii_case("z")
        && !super::typing_in_field()
        && state.view.just_deleted.with_untracked(Option::is_some)
    {
        e.prevent_default();
        state.undo_delete();
        return;
    }
    if command && e.key().eq_ignore_ascii_case("e") {
        if let Route::Note { id, .. } = state.view.route.get_untracked() {
            e.prevent_default();
            state.toggle_editing(&id);
        }
    }
}

fn whole_page(route: Route) -> AnyView {
    use super::{course, home, not_found, note_page, review, search, tag, trash};
    match route {
        Route::Note { id, heading } => {
            view! { <note_page::NotePage id=id heading=heading /> }.into_any()
        }
        Route::NewNote { title } => view! { <home::OpenByTitle title=title /> }.into_any(),
        Route::Review(scope) => view! { <review::ReviewPage scope=scope /> }.into_any(),
        Route::Stats => view! { <super::stats::StatsPage /> }.into_any(),
        Route::Settings => view! { <super::settings::SettingsPage /> }.into_any(),
        Route::ImportExport => view! { <super::import_export::ImportExportPage /> }.into_any(),
        Route::Search { .. } => view! { <search::SearchPage /> }.into_any(),
        Route::Course { id } => view! { <course::CoursePage id=id /> }.into_any(),
        Route::Tag { name } => view! { <tag::TagPage name=name /> }.into_any(),
        Route::Trash => view! { <trash::TrashPage /> }.into_any(),
        Route::NotFound { address } => view! { <not_found::NotFound address=address /> }.into_any(),
        // The start page and a shared course's preview are shown before the parts are asked.
        Route::Home | Route::Import { .. } | Route::Open { .. } => ().into_any(),
    }
}

/// Says what is happening while this tab goes on in the whole app.
#[component]
fn OpeningWholeApp() -> impl IntoView {
    let state = expect_context::<AppState>();
    let problem = RwSignal::new(None::<String>);
    request_animation_frame(move || {
        leptos::task::spawn_local(async move {
            if let Err(e) = state.open_whole_app().await {
                problem.set(Some(e.to_string()));
            }
        });
    });
    move || match problem.get() {
        None => view! { <p class="muted" role="status">"Opening…"</p> }.into_any(),
        Some(text) => view! { <p class="notice" role="alert">{text}</p> }.into_any(),
    }
}
