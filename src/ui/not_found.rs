//! The page for an address that leads nowhere in Loam (a mistyped or cut-off link).

use leptos::prelude::*;

#[component]
pub fn NotFound(address: String) -> impl IntoView {
    view! {
        <section class="home not-found" aria-labelledby="not-found-heading">
            <h1 id="not-found-heading">"Nothing here"</h1>
            <p>
                "Loam has no page at the address "
                <code>{format!("#/{address}")}</code>
                ". A link may have been cut short when it was copied."
            </p>
            <p>
                <a href="#/">"Back to the start page"</a>
            </p>
        </section>
    }
}
