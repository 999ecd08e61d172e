//! The optimizer worker: fits scheduling parameters to the review log and simulates workloads
//! off the page's thread (`core::review::fit::run`). It reads only what the page sends it and
//! never touches storage; the page stores an accepted fit through its one write path.

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::RefCell;
    use std::rc::Rc;

    use loam::core::review::fit::{log_slice, run, FitError, Reply, Request};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    console_error_panic_hook::set_once();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let log = Rc::new(RefCell::new(Vec::new()));
    let broken = Rc::new(RefCell::new(None));
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
            // Messages are ["log", a slice of the stored review log] any number of times, then
            // ["ask", the request's JSON text].
            let data = js_sys::Array::from(&e.data());
            let payload = data.get(1);
            if data.get(0).as_string().as_deref() == Some("log") {
                let slice = js_sys::JSON::stringify(&payload)
                    .ok()
                    .and_then(|json| json.as_string())
                    .unwrap_or_default();
                match log_slice(&slice) {
                    Ok(records) => log.borrow_mut().extend(records),
                    Err(error) => *broken.borrow_mut() = Some(error),
                }
                return;
            }
            let request = payload
                .as_string()
                .and_then(|text| serde_json::from_str::<Request>(&text).ok())
                .ok_or_else(|| FitError::Refused("the request could not be read".into()));
            match (request, broken.borrow_mut().take()) {
                (Ok(request), None) => run(request.with_reviews(log.take()), &mut tell),
                (Err(error), _) | (_, Some(error)) => tell(Reply::Failed { error }),
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
