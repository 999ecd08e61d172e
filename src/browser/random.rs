//! Random ids for new notes (WebCrypto's UUIDs).

/// A random id for a new note or copy.
pub fn id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| {
            // Without WebCrypto (insecure origin), time plus Math.random is unique enough locally.
            format!(
                "{:x}-{:x}",
                js_sys::Date::now() as u64,
                (js_sys::Math::random() * 1e15) as u64
            )
        })
}
