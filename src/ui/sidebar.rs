//! The notes, most recently edited first or by title, the ones that name a folder under their
//! folders (collapsible), with the "New note" button; the tags, on request. A first visit's
//! sidebar is smaller: its links go on in the whole app.

use leptos::prelude::*;

use super::{details_open, dynamic, Details, Show};

use std::collections::HashSet;

use crate::app::AppState;
use crate::core::note::tree::{self, Folder, Listed, Order, LISTED_AT_FIRST};
use crate::core::note::NoteId;
use crate::core::route::Route;

#[component]
pub fn Sidebar() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Read in place, never cloned: an import's address carries the whole bundle.
    let current_id = Memo::new(move |_| {
        state.view.route.with(|route| match route {
            Route::Note { id, .. } => Some(id.clone()),
            _ => None,
        })
    });
    let at = move |page: Route| state.view.route.with(|route| *route == page);
    // Cards waiting now; refreshed whenever the deck or the page changes.
    let due_count = move || {
        state.view.route.track();
        state.waiting(crate::app::now())
    };
    // A large library lists its most recent notes first and the rest on request: thousands of
    // links would make every edit re-order and every layout walk them all.
    let shown = RwSignal::new(LISTED_AT_FIRST);
    let order = state.view.note_order;
    // Until the library is read, the notes the last visit listed.
    let tree = Memo::new(move |_| {
        if !state.data.loaded.get() {
            return state
                .view
                .first_screen
                .with(|first| tree::tree(first.iter().flat_map(|f| f.notes.iter().cloned())));
        }
        state.data.library.with(|lib| {
            tree::tree(
                tree::listed(lib, order.get(), shown.get())
                    .into_iter()
                    .map(Listed::of),
            )
        })
    });
    let entries = Memo::new(move |_| tree.with(|t| t.notes.clone()));
    let folders = Memo::new(move |_| tree.with(|t| t.folders.clone()));
    // Folders start open (every note in reach); the learner closes the ones they like.
    let collapsed = RwSignal::new(HashSet::<String>::new());
    let hidden = move || {
        let total = if state.data.loaded.get() {
            state.data.library.with(|lib| lib.len())
        } else {
            state
                .view
                .first_screen
                .with(|first| first.as_ref().map_or(0, |f| f.total))
        };
        total.saturating_sub(shown.get())
    };

    view! {
        <aside class="sidebar" id="sidebar">
            <a class="brand sidebar-brand" href="#/">"Loam"</a>
            <crate::ui::search::SearchBox />
            <nav aria-label="Study" class="study-nav">
                <a href="#/review" class:current=move || state.view.route.with(|r| matches!(r, Route::Review(_)))>
                    "Review"
                    {dynamic(move || match due_count() {
                        0 => None,
                        n => Some(view! {
                            <span
                                class="due-count"
                                aria-label=if n == 1 { "1 card to review".to_string() } else { format!("{n} cards to review") }
                            >
                                {n}
                            </span>
                        }),
                    })}
                </a>
                <a href="#/stats" class:current=move || at(Route::Stats)>"Statistics"</a>
                <a href="#/settings" class:current=move || at(Route::Settings)>"Settings"</a>
                <a href="#/import" class:current=move || at(Route::Import { payload: String::new() })>
                    "Open a shared file"
                </a>
                <a href="#/import-export" class:current=move || at(Route::ImportExport)>
                    "Import and export"
                </a>
                <a href="#/trash" class:current=move || at(Route::Trash)>
                    "Trash"
                    {move || match state.data.trash.with(Vec::len) {
                        0 => None,
                        n => Some(view! { <span class="trash-count" aria-label=format!("{n} in the Trash")>{n}</span> }),
                    }}
                </a>
            </nav>
            <nav aria-label="Notes">
                // Pressed while the library is read, the note is made once it is.
                <button
                    class="new-note"
                    disabled=move || {
                        !state.data.loaded.get() && state.view.first_screen.with(Option::is_none)
                    }
                    on:click=move |_| state.ask_new_note()
                >
                    "New note"
                </button>
                <div class="note-order" role="group" aria-label="Order of the notes">
                    <button aria-pressed=move || (order.get() == Order::Recent).to_string()
                        on:click=move |_| state.set_note_order(Order::Recent)>"Recent"</button>
                    <button aria-pressed=move || (order.get() == Order::Title).to_string()
                        on:click=move |_| state.set_note_order(Order::Title)>"A–Z"</button>
                </div>
                <Show when=move || folders.with(|f| !f.is_empty())>
                    <ul class="note-list folder-list">
                        <For
                            each=move || folders.get()
                            key=|folder| folder.clone()
                            children=move |folder| folder_view(folder, current_id, collapsed)
                        />
                    </ul>
                </Show>
                <ul class="note-list">
                    <For
                        each=move || entries.get()
                        key=|entry| entry.clone()
                        children=move |(id, title)| note_link(id, title, current_id)
                    />
                </ul>
                <Show when=move || hidden() != 0>
                    <button class="show-more" on:click=move |_| shown.update(|n| *n += LISTED_AT_FIRST)>
                        {move || format!("Show more ({} not listed)", hidden())}
                    </button>
                </Show>
                <Show when=move || state.data.loaded.get() && state.data.library.with(|l| l.is_empty())>
                    <p class="sidebar-empty">"No notes yet."</p>
                </Show>
            </nav>
            <TagList />
            <crate::ui::sync::SyncStatusLine />
        </aside>
    }
}

/// The sidebar of a first visit's module: the same places, each opening in the whole app, and
/// the most recently edited notes (a first visit has none, or the course it just opened).
#[component]
pub fn FirstVisitSidebar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let recent = move || state.data.library.with(tree::recent_on_start);
    let nowhere = Memo::new(|_| None::<String>);
    view! {
        <aside class="sidebar" id="sidebar">
            <a class="brand sidebar-brand" href="#/">"Loam"</a>
            <nav aria-label="Study" class="study-nav">
                <a href="#/review">"Review"</a>
                <a href="#/stats">"Statistics"</a>
                <a href="#/settings">"Settings"</a>
                <a href="#/import">"Open a shared file"</a>
                <a href="#/import-export">"Import and export"</a>
                <a href="#/trash">"Trash"</a>
            </nav>
            <nav aria-label="Notes">
                <button class="new-note" on:click=move |_| state.ask_new_note()>"New note"</button>
                <ul class="note-list">
                    {move || recent().into_iter().map(|(id, title)| note_link(id, title, nowhere)).collect_view()}
                </ul>
                <Show when=move || state.data.loaded.get() && state.data.library.with(|l| l.is_empty())>
                    <p class="sidebar-empty">"No notes yet."</p>
                </Show>
            </nav>
        </aside>
    }
}

/// A folder of the tree: its name and count, open or closed, its folders then its notes.
fn folder_view(
    folder: Folder,
    current_id: Memo<Option<String>>,
    collapsed: RwSignal<HashSet<String>>,
) -> AnyView {
    let Folder {
        name,
        path,
        folders,
        notes,
    } = folder;
    let count = notes.len() + folders.iter().map(Folder::count).sum::<usize>();
    let open = {
        let path = path.clone();
        move || collapsed.with(|c| !c.contains(&path))
    };
    let toggle = move |e: leptos::ev::Event| {
        let is_open = details_open(&e);
        collapsed.update(|c| {
            if is_open {
                c.remove(&path);
            } else {
                c.insert(path.clone());
            }
        });
    };
    view! {
        <li class="folder">
            <details prop:open=open on:toggle=toggle>
                <summary>
                    <span class="folder-name">{name}</span>
                    <span class="folder-count">{count}</span>
                </summary>
                <ul>
                    {folders.into_iter().map(|f| folder_view(f, current_id, collapsed)).collect_view()}
                    {notes.into_iter().map(|(id, title)| note_link(id, title, current_id)).collect_view()}
                </ul>
            </details>
        </li>
    }
    .into_any()
}

/// A note's link in the list, marked when it is the page shown.
fn note_link(id: NoteId, title: String, current_id: Memo<Option<String>>) -> impl IntoView {
    let href = Route::Note {
        id: id.to_string(),
        heading: None,
    }
    .to_fragment();
    let current = move || current_id.with(|c| c.as_deref() == Some(id.as_str()));
    view! {
        <li>
            <a href=href class:current=current.clone() aria-current=move || current().then_some("page")>
                {title}
            </a>
        </li>
    }
}

/// Every tag with its notes' count, drawn (and read) only while the list is open: reading
/// every note's tags on each keystroke would slow typing.
#[component]
fn TagList() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <nav aria-label="Tags" class="tag-list">
            <Details summary="Tags".to_string()>
                <ul>
                    {move || {
                        let tags = state.data.library.with(|lib| lib.tag_counts());
                        if tags.is_empty() {
                            return view! { <li class="muted">"No tags yet: write #tag in a note."</li> }.into_any();
                        }
                        tags.into_iter().map(|(tag, count)| {
                            let href = Route::Tag { name: tag.clone() }.to_fragment();
                            view! { <li><a href=href>{format!("#{tag}")}<span class="folder-count">{count}</span></a></li> }
                        }).collect_view().into_any()
                    }}
                </ul>
            </Details>
        </nav>
    }
}
