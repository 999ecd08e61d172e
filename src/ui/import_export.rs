//! Import and export: bring an Obsidian vault, a Logseq graph, Anki text or a CrowdAnki deck in
//! (files, a folder or a zip, picked or dropped; a report and a preview before anything is
//! stored), and take every note out as Markdown or every card out for Anki.

use super::file_pick::FilePick;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::{dynamic, Details};
use crate::app::{import_export, AppState};
use crate::core::exchange::merge::ImportPlan;
use crate::core::interop::{Converted, FileReport, Outcome};
use crate::core::plural;
use crate::core::route::Route;
use crate::ui::import::Preview;

/// Where an import stands.
#[derive(Clone)]
enum Step {
    Choosing,
    Working(import_export::Step),
    Ready(ImportPlan, Converted),
}

#[component]
pub fn ImportExportPage() -> impl IntoView {
    view! {
        <section class="import-export" aria-labelledby="import-export-heading">
            <h1 id="import-export-heading">"Import and export"</h1>
            <ImportSection />
            <ExportSection />
        </section>
    }
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
fn ImportSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    state.prepare_converters();
    let step = RwSignal::new(Step::Choosing);
    let dragging = RwSignal::new(false);
    let refused = RwSignal::new(None::<String>);
    let start = move |files: Vec<web_sys::File>| {
        if files.is_empty() {
            return;
        }
        refused.set(None);
        step.set(Step::Working(import_export::Step::Reading {
            done: 0,
            total: files.len(),
        }));
        spawn_local(async move {
            // Loam's own bundle file opens its preview, as "Open a shared file" does.
            if let [file] = files.as_slice() {
                if state.is_bundle_file(file).await {
                    match state.open_bundle_file(file.clone()).await {
                        Ok(_) => state.navigate(&Route::Import {
                            payload: String::new(),
                        }),
                        Err(problem) => {
                            step.set(Step::Choosing);
                            refused.set(Some(problem.to_string()));
                        }
                    }
                    return;
                }
            }
            match state
                .plan_picked_files(files, |work| step.set(Step::Working(work)))
                .await
            {
                Ok((plan, converted)) => step.set(Step::Ready(plan, converted)),
                Err(problem) => {
                    step.set(Step::Choosing);
                    refused.set(Some(problem.to_string()));
                }
            }
        });
    };
    let on_pick = move |e: leptos::ev::Event| {
        let input = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        let files = files_of(input.as_ref().and_then(|i| i.files()));
        if let Some(input) = input {
            // Choosing the same files again must fire another change.
            input.set_value("");
        }
        start(files);
    };
    let on_drop = move |e: leptos::ev::DragEvent| {
        e.prevent_default();
        dragging.set(false);
        start(files_of(e.data_transfer().and_then(|d| d.files())));
    };
    view! {
        <section aria-labelledby="import-heading">
            <h2 id="import-heading">"Bring notes and cards in"</h2>
            <p class="help">
                "From Obsidian (a vault folder or its zip), Logseq (the graph folder or its zip), Anki (“Notes in Plain Text” or CSV) and CrowdAnki (deck.json). Links between the notes keep working; cards written in them go into your reviews. You see what would change before anything is added."
            </p>
            {dynamic(move || refused.get().map(|m| view! {
                <p class="error" role="alert">{m} " Nothing was imported."</p>
            }))}
            {dynamic(move || match step.get() {
                Step::Choosing => view! {
                    <div
                        class="drop-zone"
                        class:dragging=move || dragging.get()
                        on:dragover=move |e: leptos::ev::DragEvent| { e.prevent_default(); dragging.set(true); }
                        on:dragleave=move |_| dragging.set(false)
                        on:drop=on_drop
                    >
                        <div class="file-picks">
                            <FilePick action="Choose files" hint="(.md, .zip, .txt, .csv, .json)" multiple=true
                                accept=".md,.markdown,.zip,.txt,.csv,.tsv,.json,.loam" on_change=on_pick />
                            <FilePick action="Choose a folder" hint="(a vault or graph)" folder=true on_change=on_pick />
                        </div>
                        <p class="muted">"…or drop files here."</p>
                    </div>
                }.into_any(),
                Step::Working(import_export::Step::Reading { done, total }) => view! {
                    <p role="status">{format!("Reading {done} of {}…", plural(total, "file"))}</p>
                    <progress max=total value=done aria-label="Files read"></progress>
                }.into_any(),
                Step::Working(work) => {
                    let (words, done, total) = match work {
                        import_export::Step::Converting { done, total } => ("Converting", done, total),
                        import_export::Step::Previewing { done, total }
                        | import_export::Step::Reading { done, total } => ("Comparing with your notes", done, total),
                    };
                    view! {
                        <p role="status">{format!("{words}: {done} of {total}…")}</p>
                        <progress max=total value=done aria-label=words></progress>
                    }.into_any()
                }
                Step::Ready(plan, converted) => {
                    let again = move |_| step.set(Step::Choosing);
                    view! {
                        <Report reports=converted.reports />
                        {if plan.items.is_empty() {
                            view! {
                                <p class="error" role="alert">"Nothing in these files could be imported; your notes are as they were."</p>
                                <button on:click=again>"Choose other files"</button>
                            }.into_any()
                        } else {
                            view! {
                                <Preview plan=plan own=true on_cancel=Callback::new(move |()| step.set(Step::Choosing)) />
                            }.into_any()
                        }}
                    }.into_any()
                }
            })}
        </section>
    }
}

/// What became of each file: counts first, then the files left out with the reason.
#[component]
fn Report(reports: Vec<FileReport>) -> impl IntoView {
    let of = |outcome: Outcome| -> Vec<FileReport> {
        reports
            .iter()
            .filter(|r| r.outcome == outcome)
            .cloned()
            .collect()
    };
    let (imported, skipped, refused) = (
        of(Outcome::Imported),
        of(Outcome::Skipped),
        of(Outcome::Refused),
    );
    let mut summary = format!("{} read", plural(imported.len(), "file"));
    if !skipped.is_empty() {
        summary.push_str(&format!(", {} left out", skipped.len()));
    }
    if !refused.is_empty() {
        summary.push_str(&format!(", {} could not be read", refused.len()));
    }
    summary.push('.');
    let section = |title: &str, reports: Vec<FileReport>, open: bool| {
        let count = reports.len();
        let reports = StoredValue::new(reports);
        (count > 0).then(|| view! {
            <Details summary=format!("{title} ({count})") open=open>
                <ul>
                    {reports.get_value().into_iter().map(|r| view! {
                        <li><span class="report-path">{r.path}</span> " " <span class="muted">{r.message}</span></li>
                    }).collect_view()}
                </ul>
            </Details>
        })
    };
    view! {
        <div class="import-report">
            <p role="status">{summary}</p>
            {section("Could not be read", refused, true)}
            {section("Left out", skipped, false)}
            {section("Read", imported, false)}
        </div>
    }
}

#[component]
fn ExportSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let message = RwSignal::new(None::<Result<String, String>>);
    let markdown = move |_| {
        spawn_local(async move {
            let saved = state
                .download_markdown()
                .await
                .map(|name| format!("Saved “{name}”."))
                .map_err(|e| e.to_string());
            message.set(Some(saved));
        });
    };
    let anki = move |_| {
        spawn_local(async move {
            let saved = state
                .download_anki_cards()
                .await
                .map(|name| format!("Saved “{name}”: in Anki, use File › Import."))
                .map_err(|e| e.to_string());
            message.set(Some(saved));
        });
    };
    view! {
        <section aria-labelledby="export-heading">
            <h2 id="export-heading">"Take them out"</h2>
            <p class="help">
                "Markdown files in folders, with [[links]] as Obsidian and Logseq read them; cards as text that Anki imports (basic, reversed and cloze). For a complete copy with your review history, download a backup in "
                <a href="#/settings">"Settings"</a> "."
            </p>
            <div class="export-actions">
                <button on:click=markdown>"Download notes as Markdown (.zip)"</button>
                <button on:click=anki>"Download cards for Anki (.txt)"</button>
            </div>
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <p class="form-ok" role="status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            })}
        </section>
    }
}
