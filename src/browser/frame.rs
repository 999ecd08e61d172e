//! Room for the browser to paint: long work done in slices yields between them, and work that
//! can wait starts only once what is on screen has been painted.

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_futures::JsFuture;

/// Lets the browser run what is waiting (a paint among it) before going on.
pub async fn yield_now() {
    TimeoutFuture::new(0).await;
}

/// Resolves in the task after the next frame is drawn: the page as it stands is on screen (or
/// after a fifth of a second where no frame comes).
pub async fn after_next_paint() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let painted = js_sys::Promise::new(&mut |resolve, _| {
        // A hidden tab draws no frames: there the wait ends on a timer.
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 200);
        let _ = window.request_animation_frame(&resolve);
    });
    let _ = JsFuture::from(painted).await;
    yield_now().await;
}
