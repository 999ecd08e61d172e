//! Which link and image URLs a note may show: a scheme allow-list read as a browser reads it.

/// The URL as a browser reads its scheme: without the ASCII whitespace and control characters
/// it strips or ignores (we drop them everywhere, which is stricter), in lowercase.
fn normalized(url: &str) -> String {
    url.chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The scheme of a normalized URL, or `None` for a relative one. Any `:` before the first
/// `/`, `?` or `#` counts, even where a browser would see a path: unknown means refused.
fn scheme(normalized: &str) -> Option<&str> {
    let end = normalized.find([':', '/', '?', '#'])?;
    normalized[end..]
        .starts_with(':')
        .then(|| &normalized[..end])
}

pub(super) fn link_allowed(url: &str) -> bool {
    matches!(
        scheme(&normalized(url)),
        None | Some("http" | "https" | "mailto")
    )
}

pub(super) fn image_allowed(url: &str) -> bool {
    let url = normalized(url);
    match scheme(&url) {
        None | Some("http" | "https") => true,
        Some("data") => ["png", "jpeg", "gif", "webp"]
            .iter()
            .any(|kind| url.starts_with(&format!("data:image/{kind};base64,"))),
        Some(_) => false,
    }
}

/// An address with no scheme that does not leave the site (`img/a.png`, not `//host/a.png`):
/// in a note, it names a stored file.
pub(super) fn is_relative(url: &str) -> bool {
    let url = normalized(url);
    scheme(&url).is_none() && !is_external(&url)
}

/// Links that leave the app: http(s) and protocol-relative (`//host`, which browsers also
/// accept with backslashes).
pub(super) fn is_external(url: &str) -> bool {
    let url = normalized(url);
    let slash = |b: &u8| matches!(b, b'/' | b'\\');
    matches!(scheme(&url), Some("http" | "https"))
        || url
            .as_bytes()
            .get(..2)
            .is_some_and(|two| two.iter().all(slash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_detection() {
        for ok in [
            "http://a",
            "HTTPS://a",
            "mailto:x@y",
            "rel/path",
            "./a:b",
            "#frag",
            "?q=a:b",
            "/a:b",
            "",
            "//host/x",
        ] {
            assert!(link_allowed(ok), "{ok:?}");
        }
        for bad in [
            "javascript:x",
            "JAVASCRIPT:x",
            " javascript:x",
            "\u{1}javascript:x",
            "java\tscript:x",
            "java\nscript:x",
            "jav\rascript:x",
            "java\u{b}script:x",
            "javascript\u{0}:x",
            "vbscript:x",
            "data:text/html,x",
            "file:///x",
            "blob:x",
            ":x",
            "%6Aavascript:x",
            "\u{a0}javascript:x",
            "ftp://x",
            "javascript :x",
        ] {
            assert!(!link_allowed(bad), "{bad:?}");
        }
        for ok in [
            "https://a/i.png",
            "i.png",
            "data:image/png;base64,AA",
            " DATA:image/webp;base64,A",
        ] {
            assert!(image_allowed(ok), "{ok:?}");
        }
        for bad in [
            "data:image/svg+xml;base64,AA",
            "data:image/png,AA",
            "data:text/html;base64,AA",
            "javascript:x",
            "mailto:x",
            "data:image/pngx;base64,AA",
        ] {
            assert!(!image_allowed(bad), "{bad:?}");
        }
        assert!(is_external("//x") && is_external("\\\\x") && is_external("/\\x"));
        assert!(!is_external("/x") && !is_external("mailto:a") && !is_external("#/note/1"));
    }
}
