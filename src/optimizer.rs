//! The optimizer worker: fits scheduling parameters to the review log and simulates workloads
//! off the page's thread (`core::review::fit::run`). It reads only what the page sends it and
//! never touches storage; the page stores an accepted fit through its one write path.

#[cfg(target_arch = "wasm32")]
fn main() {
    use loam::core::review::fit::{run, FitError, Reply, Request};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    console_error_panic_hook::set_once();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let mut tell = |reply: Reply| {
                let _ = match reply.to_numbers() {
                    Some(numbers) => {
                        replies.post_message(&js_sys::Float64Array::from(&numbers[..]))
                    }
                    None => match &reply {
                        Reply::Failed { error } => replies.post_message(&error.to_string().into()),
                        _ => Ok(()),
                    },
                };
            };
            match e
                .data()
                .as_string()
                .map(|text| serde_json::from_str::<Request>(&text))
            {
                Some(Ok(request)) => run(request, &mut tell),
                _ => tell(Reply::Failed {
                    error: FitError::Refused("the request could not be read".into()),
                }),
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The listener lives as long as the worker.
    on_message.forget();
    // Messages sent before the listener was set would be lost: the page waits for this one.
    let _ = scope.post_message(&"ready".into());
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The optimizer runs as a web worker: build it with `trunk build --release`.");
}
