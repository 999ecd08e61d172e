//! A tag's page: every note that carries `#tag` (or a tag nested under it), by title.

use leptos::prelude::*;

use super::dynamic;

use super::study::StudyLink;
use crate::app::AppState;
use crate::core::route::Route;
use crate::core::study::Scope;

#[component]
pub fn TagPage(name: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let heading = format!("#{name}");
    let study_name = name.clone();
    let tagged = {
        let name = name.clone();
        move || {
            state.data.library.with(|lib| {
                lib.tagged(&name)
                    .into_iter()
                    .map(|n| (n.id.clone(), n.title.clone()))
                    .collect::<Vec<_>>()
            })
        }
    };
    view! {
        <section class="home tag-page">
            <h1>"Notes tagged " <span class="tag">{heading}</span></h1>
            {dynamic(move || {
                let name = study_name.clone();
                let notes = tagged();
                if notes.is_empty() {
                    return view! { <p class="muted">"No note carries this tag."</p> }.into_any();
                }
                let count = match notes.len() {
                    1 => "1 note".to_string(),
                    n => format!("{n} notes"),
                };
                view! {
                    <p class="muted">{count}</p>
                    <p><StudyLink scope=Scope::Tag(name.clone()) label=format!("Study #{name}") /></p>
                    <ul class="recent">
                        {notes.into_iter().map(|(id, title)| {
                            let href = Route::Note { id: id.to_string(), heading: None }.to_fragment();
                            view! { <li><a href=href>{title}</a></li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}
