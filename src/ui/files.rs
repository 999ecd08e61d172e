//! The Files view in Settings: every attached file with its size and the notes that use it;
//! files no note uses (not even one in the Trash) can be removed.

use leptos::prelude::*;

use crate::app::AppState;
use crate::core::attachment::{listing, Listed, Shown};
use crate::core::plural;
use crate::core::route::Route;
use crate::core::storage::format_bytes;

#[component]
pub fn FilesSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let listed = Memo::new(move |_| {
        state.data.files.with(|files| {
            state.data.library.with(|lib| {
                state
                    .data
                    .trash
                    .with(|trash| listing(files, lib.iter(), trash.iter().map(|t| &t.note)))
            })
        })
    });
    let problem = RwSignal::new(None::<String>);
    let remove = move |names: Vec<String>| {
        if let Err(e) = state.remove_files(names) {
            problem.set(Some(e.to_string()));
        }
    };
    let unused = move || {
        listed.with(|l| {
            l.iter()
                .filter(|f| f.unused())
                .map(|f| f.file.name.clone())
                .collect::<Vec<_>>()
        })
    };
    let summary = move || {
        state.data.files.with(|files| match files.len() {
            0 => "No files are attached yet. Paste, drop or attach them in a note's editor."
                .to_string(),
            n => format!(
                "{} attached, {} in all.",
                plural(n, "file"),
                format_bytes(files.total_size())
            ),
        })
    };
    view! {
        <section class="files" aria-labelledby="files-heading">
            <h2 id="files-heading">"Files"</h2>
            <p class="muted">{summary}</p>
            <Show when=move || !unused().is_empty()>
                <p>
                    <button on:click=move |_| remove(unused())>
                        {move || format!("Remove {} no note uses", plural(unused().len(), "file"))}
                    </button>
                </p>
            </Show>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <ul class="file-list">
                <For
                    each=move || listed.get()
                    key=|l| (l.file.id.clone(), l.file.hash.clone(), l.used_by.len(), l.in_trash)
                    children=move |l| view! { <FileRow listed=l on_remove=remove /> }
                />
            </ul>
        </section>
    }
}

#[component]
fn FileRow(listed: Listed, on_remove: impl Fn(Vec<String>) + Copy + 'static) -> impl IntoView {
    let Listed {
        file,
        used_by,
        in_trash,
    } = listed;
    let unused = used_by.is_empty() && in_trash == 0;
    let preview = (file.kind.shown() == Shown::Image).then(|| {
        view! {
            <img class="file file-pending file-thumb" data-file=file.hash.clone() alt="" />
        }
    });
    let mut uses: Vec<AnyView> = used_by
        .into_iter()
        .map(|(id, title)| {
            let href = Route::Note {
                id: id.to_string(),
                heading: None,
            }
            .to_fragment();
            view! { <a href=href>{title}</a> }.into_any()
        })
        .collect();
    if in_trash > 0 {
        uses.push(
            view! { <span>{format!("{} in the Trash", plural(in_trash, "note"))}</span> }
                .into_any(),
        );
    }
    let name = file.name.clone();
    view! {
        <li class="file-row">
            {preview}
            <span class="file-name">{file.name.clone()}</span>
            <span class="file-size muted">{format_bytes(file.size)}</span>
            <span class="file-uses muted">
                {if uses.is_empty() {
                    view! { "Used by no note" }.into_any()
                } else {
                    let mut out: Vec<AnyView> = vec![view! { "Used by " }.into_any()];
                    for (i, used) in uses.into_iter().enumerate() {
                        if i > 0 {
                            out.push(view! { ", " }.into_any());
                        }
                        out.push(used);
                    }
                    out.into_any()
                }}
            </span>
            {unused.then(|| view! {
                <button
                    class="danger"
                    aria-label=format!("Remove {name}")
                    on:click=move |_| on_remove(vec![name.clone()])
                >
                    "Remove"
                </button>
            })}
        </li>
    }
}
