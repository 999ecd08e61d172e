//! A link that starts a review of one course, note, folder or tag, with how many of its cards
//! wait today.

use leptos::prelude::*;

use super::text;

use crate::app::AppState;
use crate::core::route::Route;
use crate::core::study::Scope;

#[component]
pub fn StudyLink(scope: Scope, label: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let href = Route::Review(scope.clone()).to_fragment();
    let waiting = Memo::new(move |_| state.waiting_in(crate::app::now(), &scope));
    view! {
        <a class="button study-link" href=href>
            {label}
            <span class="study-count">
                {text(move || match waiting.get() {
                    0 => " · nothing waiting".to_string(),
                    n => format!(" · {n} waiting"),
                })}
            </span>
        </a>
    }
}
