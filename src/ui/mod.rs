//! Leptos components. They hold view state only and call `AppState` for everything else.

mod backlinks;
mod backup;
mod caret;
mod colours;
mod course;
mod dialog;
mod editor;
mod file_pick;
mod files;
mod home;
mod import;
mod import_export;
mod not_found;
mod note_cards;
mod note_page;
mod optimize;
mod parts;
mod qr;
mod review;
mod search;
mod settings;
mod share;
mod sidebar;
mod stats;
mod study;
mod switcher;
mod sync;
mod tag;
mod trash;
mod update;

use std::sync::Arc;

use leptos::either::Either;
use leptos::ev;
use leptos::prelude::*;

use crate::app::AppState;
use crate::core::route::Route;
pub use parts::Parts;

/// Leptos's `<Show>` compiled once for the whole app: shows `children` while `when` holds, else
/// `fallback`, and rebuilds only when the answer changes. It shadows `leptos::prelude::Show`
/// wherever `use super::Show` (or `crate::ui::Show`) is in scope. Leptos's own is generic over the
/// children's view type, so each use compiled its own component, memo and render code; here the
/// children are boxed (`ChildrenFn`) and only the small `when` wrapper is generic.
#[component(transparent)]
pub fn Show<W>(
    children: ChildrenFn,
    when: W,
    #[prop(optional, into)] fallback: ViewFn,
) -> impl IntoView
where
    W: Fn() -> bool + Send + Sync + 'static,
{
    shown_when(Arc::new(when), children, fallback)
}

fn shown_when(
    when: Arc<dyn Fn() -> bool + Send + Sync>,
    children: ChildrenFn,
    fallback: ViewFn,
) -> impl IntoView {
    let shown = ArcMemo::new(move |_| when());
    move || match shown.get() {
        true => Either::Left(children()),
        false => Either::Right(fallback.run()),
    }
}

/// A `<details>` whose content is built only once it is opened: a list of thousands of notes or
/// files costs nothing until someone asks to see it.
#[component]
pub fn Details(
    summary: String,
    children: ChildrenFn,
    #[prop(optional)] open: bool,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let shown = RwSignal::new(open);
    view! {
        <details
            class=class
            open=open
            on:toggle=move |e: leptos::ev::Event| shown.set(details_open(&e))
        >
            <summary>{summary}</summary>
            <Show when=move || shown.get()>{children()}</Show>
        </details>
    }
}

/// Whether the focus is in a text field (an input or the editor), where keys are typing.
pub(crate) fn typing_in_field() -> bool {
    document()
        .active_element()
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"))
}

/// Whether the `<details>` a toggle event came from is now open.
pub(crate) fn details_open(e: &leptos::ev::Event) -> bool {
    e.target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlDetailsElement>(t).ok())
        .is_some_and(|d| d.open())
}

/// A part of a view that follows the signals `f` reads and is rebuilt when they change, like a
/// bare `move ||` closure in a view. Every such part shares one compiled render effect (of a
/// boxed closure returning `AnyView`) instead of compiling one per closure.
pub(crate) fn dynamic<V>(f: impl Fn() -> V + Send + Sync + 'static) -> impl IntoView
where
    V: IntoAny,
{
    boxed_view(Arc::new(move || f().into_any()))
}

fn boxed_view(f: Arc<dyn Fn() -> AnyView + Send + Sync>) -> impl IntoView {
    move || f()
}

/// Text that follows the signals `f` reads, as a derived signal. Every such text shares the one
/// compiled renderer of `Signal<String>`, where a bare `move ||` closure compiles its own render
/// effect, build and rebuild code.
pub(crate) fn text(f: impl Fn() -> String + Send + Sync + 'static) -> Signal<String> {
    Signal::derive(f)
}

/// Mounts the app with `parts` into the page: what each app binary's `main` does.
pub fn mount(parts: Parts) {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(move || view! { <App parts=parts /> });
}

/// The app: sidebar, page, and the listeners that tie them to the browser; `parts` says which
/// parts this module holds.
#[component]
pub fn App(parts: Parts) -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    provide_context(parts);
    state.load(parts.state);

    // The page to show. The search page keeps its query in the address as it is typed; that must
    // not rebuild the page (and take the focus from its input), so all searches are one page.
    let page = Memo::new(move |_| match state.view.route.get() {
        Route::Search { .. } => Route::Search {
            query: String::new(),
        },
        other => other,
    });
    let sidebar_open = RwSignal::new(false);
    let switcher_open = RwSignal::new(false);
    let hash_listener = window_event_listener(ev::hashchange, move |_| {
        state.follow_address();
    });
    // Unsaved text goes to storage at once when the page is hidden or closed.
    let pagehide_listener =
        window_event_listener(ev::pagehide, move |_| state.flush_before_leaving());
    let visibility_listener = window_event_listener(ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Hidden {
            state.flush_before_leaving();
        }
    });
    let key_listener = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        if e.key() == "Escape" && sidebar_open.get_untracked() {
            sidebar_open.set(false);
            return;
        }
        (parts.shortcuts)(&e, state, switcher_open);
    });
    on_cleanup(move || {
        hash_listener.remove();
        pagehide_listener.remove();
        visibility_listener.remove();
        key_listener.remove();
    });

    // Picking a page on a phone closes the sidebar again; leaving the page a delete led to
    // ends its Undo.
    Effect::new(move |_| {
        let home = state.view.route.with(|r| *r == Route::Home);
        sidebar_open.set(false);
        if !home {
            state.view.just_deleted.set(None);
        }
    });

    view! {
        <div class="app" class:sidebar-open=move || sidebar_open.get()>
            // For keyboards: past the sidebar to the page, without changing the address.
            <a
                class="skip-link"
                href=move || state.view.route.get().to_fragment()
                on:click=move |e| {
                    e.prevent_default();
                    if let Some(main) = document().get_element_by_id("main") {
                        let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(main).focus();
                    }
                }
            >
                "Skip to the page"
            </a>
            <header class="topbar">
                <button
                    class="topbar-toggle"
                    aria-expanded=move || sidebar_open.get().to_string()
                    aria-controls="sidebar"
                    on:click=move |_| sidebar_open.update(|open| *open = !*open)
                >
                    "Notes"
                </button>
                <a class="brand" href="#/">"Loam"</a>
            </header>
            {(parts.sidebar)()}
            // On a phone the open sidebar covers the page; a tap beside it closes it.
            <Show when=move || sidebar_open.get()>
                <div class="drawer-backdrop" on:click=move |_| sidebar_open.set(false)></div>
            </Show>
            <Show when=move || switcher_open.get()>
                {(parts.switcher)(Callback::new(move |_| switcher_open.set(false)))}
            </Show>
            <update::UpdateBanner />
            <main class="page" id="main" tabindex="-1">
                {dynamic(move || state.view.notice.get().map(|text| view! { <p class="notice" role="alert">{text}</p> }))}
                {move || state.view.just_deleted.get().map(|(_, title)| view! {
                    <div class="toast" role="status">
                        {format!("“{title}” is in the Trash.")}
                        " "
                        <button aria-keyshortcuts="Control+Z" on:click=move |_| { state.undo_delete(); }>"Undo"</button>
                        " "
                        <a href="#/trash">"Open the Trash"</a>
                    </div>
                })}
                <Show when=move || state.view.replaced.get()>
                    <div class="notice" role="alert">
                        "Loam was updated in another tab. Reload this tab to go on; what you typed here is kept."
                        " "
                        <button class="primary" on:click=move |_| state.reload()>"Reload"</button>
                    </div>
                </Show>
                {dynamic(move || match page.get() {
                    Route::Home => view! { <home::Home /> }.into_any(),
                    Route::Import { payload } if payload.is_empty() => {
                        view! { <import::ImportPage source=import::Source::File /> }.into_any()
                    }
                    Route::Import { payload } => {
                        view! { <import::ImportPage source=import::Source::Link(payload) /> }.into_any()
                    }
                    Route::Open { url, key } => {
                        view! { <import::ImportPage source=import::Source::Hosted { url, key } /> }.into_any()
                    }
                    route => (parts.page)(route),
                })}
            </main>
        </div>
    }
}
