//! The share dialog of a note: what to include, then a link (with QR code), a file, or an
//! encrypted file with a link that names where it is hosted.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use crate::core::plural;

use super::{dynamic, Show};
use leptos::task::spawn_local;

use crate::app::{AppState, LinkOffer, ShareScope};
use crate::core::exchange::bundle;
use crate::core::qr;
use crate::core::route::hosted_url;
use crate::ui::qr::QrCode;

/// Depths offered for a course, and "everything reachable".
const ALL_LINKED: u32 = 50;

#[component]
pub fn ShareDialog(id: String, on_close: Callback<()>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(id);
    let links_out = state
        .data
        .library
        .with_untracked(|lib| id.with_value(|id| lib.reachable(id, 1).len() > 1));
    let scope = RwSignal::new(if links_out {
        ShareScope::Course(1)
    } else {
        ShareScope::Note
    });
    let author = RwSignal::new(state.data.author.get_untracked());
    let outgoing = Memo::new(move |_| {
        state.data.library.track();
        state.outgoing(&id.get_value(), scope.get(), &author.get())
    });
    // The link is made in the background: with attached files it reads their contents.
    let offer = RwSignal::new(None::<Result<LinkOffer, String>>);
    let offers_made = StoredValue::new(0u64);
    Effect::new(move |_| {
        let current = outgoing.get();
        offers_made.update_value(|n| *n += 1);
        let made = offers_made.get_value();
        offer.set(None);
        spawn_local(async move {
            let next = match current {
                Some(o) => state.link_offer(&o).await.map_err(|e| e.to_string()),
                None => Ok(LinkOffer {
                    link: None,
                    left_out: 0,
                }),
            };
            if offers_made.try_get_value() == Some(made) {
                offer.try_set(Some(next));
            }
        });
    });
    let link = Memo::new(move |_| {
        offer.with(|o| {
            o.as_ref()
                .and_then(|o| o.as_ref().ok())
                .and_then(|o| o.link.clone())
        })
    });
    let left_out = move || {
        offer.with(|o| {
            o.as_ref()
                .and_then(|o| o.as_ref().ok())
                .map_or(0, |o| o.left_out)
        })
    };
    let copied = RwSignal::new(None::<String>);
    let file_problem = RwSignal::new(None::<String>);
    // The focus starts at the top, so a phone shows the dialog from its beginning.
    let heading = NodeRef::<html::H2>::new();
    request_animation_frame(move || {
        if let Some(heading) = heading.try_get_untracked().flatten() {
            let _ = heading.focus();
        }
    });
    let on_key = move |e: ev::KeyboardEvent| {
        if e.key() == "Escape" {
            e.prevent_default();
            on_close.run(());
        }
    };
    let depth = move || match scope.get() {
        ShareScope::Course(d) => d,
        _ => 1,
    };
    let copy = move |_| {
        if let Some(text) = link.get_untracked() {
            spawn_local(async move {
                copied.set(Some(match state.copy_link(&text).await {
                    Ok(()) => "Link copied.".to_string(),
                    Err(problem) => problem.to_string(),
                }));
            });
        }
    };
    let share = move |_| {
        let title = outgoing.with_untracked(|o| o.as_ref().map(|o| o.file_name()));
        if let (Some(text), Some(title)) = (link.get_untracked(), title) {
            spawn_local(async move {
                if let Err(problem) = state.share_link(&title, &text).await {
                    copied.set(Some(problem.to_string()));
                }
            });
        }
    };
    let download = move |_| {
        if let Some(o) = outgoing.get_untracked() {
            spawn_local(async move {
                if let Err(problem) = state.download_bundle(&o).await {
                    file_problem.set(Some(problem.to_string()));
                }
            });
        }
    };

    view! {
        <div class="backdrop" on:click=move |_| on_close.run(())></div>
        <div class="dialog share-dialog" role="dialog" aria-modal="true" aria-labelledby="share-title" on:keydown=on_key>
            <h2 id="share-title" tabindex="-1" node_ref=heading>"Share"</h2>
            <fieldset class="share-scope">
                <legend>"What to share"</legend>
                <label>
                    <input type="radio" name="share-scope"
                        prop:checked=move || scope.get() == ShareScope::Note
                        on:change=move |_| scope.set(ShareScope::Note) />
                    "This note"
                </label>
                <label>
                    <input type="radio" name="share-scope"
                        prop:checked=move || matches!(scope.get(), ShareScope::Course(_))
                        on:change=move |_| scope.set(ShareScope::Course(depth())) />
                    "A course: this note and the notes it links to"
                </label>
                <label class="share-depth">
                    "Links to follow"
                    <select
                        disabled=move || !matches!(scope.get(), ShareScope::Course(_))
                        prop:value=move || depth().to_string()
                        on:change=move |e| {
                            let d = event_target_value(&e).parse().unwrap_or(1);
                            scope.set(ShareScope::Course(d));
                        }
                    >
                        <option value="1">"1 (the notes it links to)"</option>
                        <option value="2">"2 (and the notes they link to)"</option>
                        <option value="3">"3"</option>
                        <option value=ALL_LINKED.to_string()>"All it leads to"</option>
                    </select>
                </label>
                <label>
                    <input type="radio" name="share-scope"
                        prop:checked=move || scope.get() == ShareScope::Library
                        on:change=move |_| scope.set(ShareScope::Library) />
                    "Your whole library"
                </label>
            </fieldset>
            <Show when=move || matches!(scope.get(), ShareScope::Course(_))>
                <label class="share-author">
                    "Your name, shown to learners"
                    <input type="text" maxlength="200" prop:value=move || author.get()
                        on:input=move |e| author.set(event_target_value(&e))
                        on:change=move |_| state.set_author(&author.get_untracked()) />
                </label>
            </Show>
            {dynamic(move || outgoing.get().map(|o| {
                let titles: Vec<String> = o.bundle.notes.iter().map(|n| n.title.clone()).collect();
                let count = titles.len();
                view! {
                    <p class="share-summary" aria-live="polite">
                        {plural(count, "note")} ", " {plural(o.cards, "card")}
                        {(!o.bundle.files.is_empty()).then(|| format!(", {}", plural(o.bundle.files.len(), "attached file")))}
                        " · " {format_size(usize::try_from(o.size()).unwrap_or(usize::MAX))}
                    </p>
                    <details class="share-included">
                        <summary>"Included notes"</summary>
                        <ul>{titles.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                    </details>
                }
            }))}
            <section class="share-way" aria-labelledby="share-link-heading">
                <h3 id="share-link-heading">"Link"</h3>
                {dynamic(move || match link.get() {
                    Some(text) => {
                        let qr = qr::scannable_qr(&text);
                        view! {
                            <label class="share-link">
                                "Share link"
                                <input type="text" readonly prop:value=text.clone()
                                    on:focus=move |e| {
                                        use wasm_bindgen::JsCast;
                                        if let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                            input.select();
                                        }
                                    } />
                            </label>
                            <p class="muted">{format!("{} characters. Everything is in the link itself: no server sees it.", text.len())}</p>
                            {(left_out() > 0).then(|| view! {
                                <p class="share-left-out">{format!(
                                    "The link leaves out {}: with them it would be too long. Share the file or an encrypted file to include them.",
                                    plural(left_out(), "attached file")
                                )}</p>
                            })}
                            <div class="share-actions">
                                <button class="primary" on:click=copy>"Copy link"</button>
                                <Show when=move || state.can_share()>
                                    <button on:click=share>"Share…"</button>
                                </Show>
                                // Beside the button pressed, where the eye is.
                                <span class="share-status" role="status">{dynamic(move || copied.get())}</span>
                            </div>
                            {qr.map(|code| view! { <QrCode code label="QR code of the share link" /> })}
                        }.into_any()
                    }
                    None if offer.with(Option::is_none) => view! {
                        <p class="muted">"Preparing the link…"</p>
                    }.into_any(),
                    None if offer.with(|o| matches!(o, Some(Err(_)))) => view! {
                        <p class="error" role="alert">{offer.with(|o| match o { Some(Err(e)) => e.clone(), _ => String::new() })}</p>
                    }.into_any(),
                    None => view! {
                        <p class="share-too-large">
                            {format!(
                                "This is too large for a link (links stay under {} characters). Share it as a file, or host an encrypted file below.",
                                bundle::LINK_LIMIT
                            )}
                        </p>
                    }.into_any(),
                })}
            </section>
            <section class="share-way" aria-labelledby="share-file-heading">
                <h3 id="share-file-heading">"File"</h3>
                <p class="muted">"Send the file any way you like; Loam opens it with “Open a shared file”."</p>
                <button on:click=download>"Download bundle file"</button>
                {move || file_problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            </section>
            <HostedShare outgoing=outgoing />
            <div class="dialog-actions">
                <button on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </div>
    }
}

/// An encrypted file for any public host, and the link that names its address and carries the
/// key (in the fragment, which never reaches a server). A course published before is offered
/// as an update of the same address with the same key, so its learners' link keeps working.
#[component]
fn HostedShare(outgoing: Memo<Option<crate::app::Outgoing>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let address = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<String, String>>);
    let published = Memo::new(move |_| {
        outgoing.with(|o| {
            o.as_ref()
                .and_then(|o| o.bundle.course.as_ref())
                .and_then(|c| state.published_at(&c.id))
        })
    });
    let make = move |_| {
        let url = match hosted_url(&address.get_untracked()) {
            Ok(url) => url,
            Err(message) => {
                result.set(Some(Err(message)));
                return;
            }
        };
        let Some(o) = outgoing.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let made = state.download_sealed(&o, url).await;
            result.set(Some(made.map_err(|e| e.to_string())));
        });
    };
    let update = move |_| {
        let Some(o) = outgoing.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let made = state.publish_update(&o).await;
            result.set(Some(made.map_err(|e| e.to_string())));
        });
    };
    view! {
        <details class="share-way share-hosted" prop:open=move || published.with(Option::is_some)>
            <summary>"Encrypted file on a web host"</summary>
            <p class="muted">
                "For large courses, and courses you will update: put the encrypted file on any public host. Without the link, the file reveals nothing. Learners who open the link follow the course and see your updates."
            </p>
            {move || published.get().map(|place| view! {
                <div class="share-published">
                    <p>"Published at " <span class="course-address">{place.url}</span></p>
                    <button class="primary" on:click=update>"Publish an update"</button>
                    <p class="muted">"Downloads the course as it is now, encrypted with the same key: replace the file at that address and the link your learners have opens the update."</p>
                </div>
            })}
            <label class="share-host">
                {move || if published.with(Option::is_some) {
                    "Or publish at another address (a new link)"
                } else {
                    "Address where you will put the file"
                }}
                <input type="url" placeholder="https://example.org/course.loam"
                    prop:value=move || address.get()
                    on:input=move |e| { address.set(event_target_value(&e)); result.set(None); } />
            </label>
            <button on:click=make>"Download encrypted file"</button>
            {dynamic(move || match result.get() {
                Some(Ok(link)) => view! {
                    <label class="share-link">
                        "Link to the hosted file"
                        <input type="text" readonly prop:value=link />
                    </label>
                    <p class="muted">"Upload the file to that address, then share this link."</p>
                }.into_any(),
                Some(Err(message)) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
                None => ().into_any(),
            })}
        </details>
    }
}

/// Bytes as "812 bytes", "3.4 KB", "1.2 MB".
pub fn format_size(bytes: usize) -> String {
    match bytes {
        0..1000 => format!("{bytes} bytes"),
        1000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1000.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}
