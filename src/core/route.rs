//! Where the app is, kept in the URL fragment so a static host serves every page and
//! back/forward work.

use crate::core::study::Scope;

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The start page.
    Home,
    /// A note, optionally scrolled to a heading slug.
    Note { id: String, heading: Option<String> },
    /// Open the note with this title, creating it first if it does not exist (missing links).
    NewNote { title: String },
    /// The review session, of everything waiting or of one course, note, folder or tag.
    Review(Scope),
    /// Review statistics.
    Stats,
    /// Review settings.
    Settings,
    /// Every search result for a query.
    Search { query: String },
    /// The preview of a bundle: carried in the link itself (`payload`), or, when `payload` is
    /// empty, the bundle file the user just opened.
    Import { payload: String },
    /// The preview of an encrypted bundle hosted at `url`, opened with `key`.
    Open { url: String, key: String },
    /// A course the learner imported: its notes and the learner's progress.
    Course { id: String },
    /// Bringing notes and cards in from other tools, and taking them out.
    ImportExport,
    /// Deleted notes, restorable.
    Trash,
    /// The notes that carry a tag (its key: lowercase, without `#`).
    Tag { name: String },
    /// An address that leads nowhere (a mistyped or cut-off link): what was asked, after `#/`.
    NotFound { address: String },
}

impl Route {
    /// Reads a fragment (with or without the leading `#`). No fragment is the start page;
    /// anything else unknown is [`Route::NotFound`].
    pub fn parse(fragment: &str) -> Route {
        let path = fragment.trim_start_matches('#').trim_start_matches('/');
        if path.is_empty() {
            return Route::Home;
        }
        Route::known(path).unwrap_or_else(|| Route::NotFound {
            address: path.to_string(),
        })
    }

    fn known(path: &str) -> Option<Route> {
        if let Some(query) = path.strip_prefix("open?") {
            return parse_open(query);
        }
        let mut parts = path.splitn(3, '/');
        Some(match (parts.next(), parts.next(), parts.next()) {
            (Some("note"), Some(id), heading) if !id.is_empty() => match decode(id) {
                Some(id) => Route::Note {
                    id,
                    heading: heading.and_then(decode).filter(|h| !h.is_empty()),
                },
                None => return None,
            },
            (Some("review"), None, None) => Route::Review(Scope::All),
            (Some("review"), Some(kind), Some(value)) => {
                Route::Review(Scope::from_parts(kind, decode(value)?)?)
            }
            (Some("stats"), None, None) => Route::Stats,
            (Some("trash"), None, None) => Route::Trash,
            (Some("settings"), None, None) => Route::Settings,
            (Some("import-export"), None, None) => Route::ImportExport,
            (Some("search"), query, None) => Route::Search {
                query: query.and_then(decode).unwrap_or_default(),
            },
            (Some("import"), payload, None) => Route::Import {
                payload: payload.unwrap_or_default().to_string(),
            },
            (Some("course"), Some(id), None) if !id.is_empty() => match decode(id) {
                Some(id) => Route::Course { id },
                None => return None,
            },
            (Some("tag"), Some(name), None) => match decode(name) {
                Some(name) if !name.is_empty() => Route::Tag { name },
                _ => return None,
            },
            (Some("new"), Some(title), None) => match decode(title) {
                Some(title) if !title.trim().is_empty() => Route::NewNote { title },
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The fragment for this route, with the leading `#`.
    pub fn to_fragment(&self) -> String {
        match self {
            Route::Home => "#/".to_string(),
            Route::NotFound { address } => format!("#/{address}"),
            Route::Note { id, heading: None } => format!("#/note/{}", encode(id)),
            Route::Note {
                id,
                heading: Some(h),
            } => format!("#/note/{}/{}", encode(id), encode(h)),
            Route::NewNote { title } => format!("#/new/{}", encode(title)),
            Route::Review(scope) => match scope.to_parts() {
                None => "#/review".to_string(),
                Some((kind, value)) => format!("#/review/{kind}/{}", encode(value)),
            },
            Route::Stats => "#/stats".to_string(),
            Route::Trash => "#/trash".to_string(),
            Route::Settings => "#/settings".to_string(),
            Route::Search { query } => format!("#/search/{}", encode(query)),
            Route::Import { payload } if payload.is_empty() => "#/import".to_string(),
            Route::Import { payload } => format!("#/import/{payload}"),
            Route::Open { url, key } => format!("#/open?url={}&key={}", encode(url), encode(key)),
            Route::Course { id } => format!("#/course/{}", encode(id)),
            Route::ImportExport => "#/import-export".to_string(),
            Route::Tag { name } => format!("#/tag/{}", encode(name)),
        }
    }

    /// Whether opening this route reads a bundle from outside; such an address is replaced once
    /// the bundle is imported, so a reload does not offer it again.
    pub fn is_import(&self) -> bool {
        matches!(self, Route::Import { .. } | Route::Open { .. })
    }
}

/// Checks the address an author will host an encrypted bundle at: a web address (http or
/// https) with a host, without spaces.
pub fn hosted_url(text: &str) -> Result<String, String> {
    let url = text.trim();
    if url.is_empty() {
        return Err("Give the address where you will put the file.".to_string());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("The address must start with https:// (or http://).")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || url.chars().any(char::is_whitespace) {
        return Err("That is not a web address: it needs a host name and no spaces.".to_string());
    }
    Ok(url.to_string())
}

/// `url=…&key=…` in any order; both are required.
fn parse_open(query: &str) -> Option<Route> {
    let mut url = None;
    let mut key = None;
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("url", value)) => url = decode(value),
            Some(("key", value)) => key = decode(value),
            _ => {}
        }
    }
    Some(Route::Open {
        url: url.filter(|u| !u.is_empty())?,
        key: key?,
    })
}

/// Percent-encodes everything but unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes [`encode`]; `None` for malformed escapes or bytes that are not UTF-8.
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for route in [
            Route::Home,
            Route::NotFound {
                address: "nope/deeper".into(),
            },
            Route::Note {
                id: "n1".into(),
                heading: None,
            },
            Route::Note {
                id: "n1".into(),
                heading: Some("h-intro to / it".into()),
            },
            Route::NewNote {
                title: "Ça va? 100% / ok".into(),
            },
            Route::Review(Scope::All),
            Route::Review(Scope::Course("c 1".into())),
            Route::Review(Scope::Note("n1".into())),
            Route::Review(Scope::Folder("Geo/Alps & more".into())),
            Route::Review(Scope::Tag("maths/algebra".into())),
            Route::Stats,
            Route::Trash,
            Route::Settings,
            Route::ImportExport,
            Route::Tag {
                name: "maths/algebra".into(),
            },
            Route::Search {
                query: "spaced rep".into(),
            },
            Route::Search {
                query: String::new(),
            },
            Route::Import {
                payload: "TE9BTQE-_abc".into(),
            },
            Route::Import {
                payload: String::new(),
            },
            Route::Open {
                url: "https://example.org/a b/course.loam?x=1&y=2#z".into(),
                key: "k3y-_".into(),
            },
            Route::Course { id: "c 1".into() },
        ] {
            assert_eq!(Route::parse(&route.to_fragment()), route);
        }
    }

    #[test]
    fn hosted_urls() {
        assert_eq!(
            hosted_url(" https://example.org/c.loam ").as_deref(),
            Ok("https://example.org/c.loam")
        );
        assert!(hosted_url("http://127.0.0.1:8080/x.loam").is_ok());
        for bad in [
            "",
            "  ",
            "example.org/c.loam",
            "javascript:alert(1)",
            "ftp://x/y",
            "https://",
            "https:///path",
            "https://ex ample.org/",
        ] {
            assert!(hosted_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn junk_is_not_found_and_no_address_is_home() {
        for junk in [
            "#/nope",
            "#/note/",
            "#/note/%zz",
            "#/new/%FF",
            "#/new/%20",
            "#/course/",
            "#/open?",
            "#/open?url=&key=abc",
            "#/open?url=https%3A%2F%2Fx",
            "#/open?key=abc",
        ] {
            assert_eq!(
                Route::parse(junk),
                Route::NotFound {
                    address: junk.trim_start_matches("#/").into()
                },
                "{junk}"
            );
        }
        for home in ["", "#", "#/", "/"] {
            assert_eq!(Route::parse(home), Route::Home, "{home:?}");
        }
    }
}
