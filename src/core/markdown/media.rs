//! Files and remote images in a rendered note: a stored file becomes an element the page fills
//! from storage (`data-file` holds its hash), a missing one says so, and an image on another
//! site in a note from someone else waits for the reader's consent.

use crate::core::attachment::{name, Attachment, Files, Shown};
use crate::core::html::escape;

/// What a rendered note may show beyond its text.
#[derive(Clone, Copy)]
pub struct Media<'r> {
    /// The library's stored files.
    pub files: &'r Files,
    /// Images on other sites load at once: the reader's own note, or one they allowed.
    pub remote: bool,
}

/// Class of elements whose contents the page has still to fetch from storage.
pub const PENDING: &str = "file-pending";

/// Extensions that name a file rather than a note when no note has the title.
const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "bmp", "mp3", "ogg", "oga", "m4a", "wav",
    "flac", "pdf", "mp4", "webm", "zip",
];

/// Whether a link target reads as a file name (`map.png`), for a link that no note answers.
pub fn looks_like_file(target: &str) -> bool {
    name::split(name::last_segment(target))
        .1
        .is_some_and(|ext| FILE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// A size suffix as Obsidian writes it: `200` (width) or `200x150`.
pub fn size_of(alias: &str) -> Option<(u32, Option<u32>)> {
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match alias.split_once('x') {
        Some((w, h)) => Some((number(w)?, Some(number(h)?))),
        None => Some((number(alias)?, None)),
    }
}

/// The element that shows a stored file, filled from storage once it is in the page.
pub fn file_html(file: &Attachment, alt: Option<&str>, size: Option<(u32, Option<u32>)>) -> String {
    let hash = escape(&file.hash);
    let name = escape(&file.name);
    match file.kind.shown() {
        Shown::Image => {
            let alt = escape(alt.unwrap_or(&file.name));
            let size = match size {
                Some((w, Some(h))) => format!(" width=\"{w}\" height=\"{h}\""),
                Some((w, None)) => format!(" width=\"{w}\""),
                None => String::new(),
            };
            format!("<img class=\"file {PENDING}\" data-file=\"{hash}\" alt=\"{alt}\"{size}>")
        }
        Shown::Audio => format!(
            "<audio class=\"file {PENDING}\" data-file=\"{hash}\" controls=\"\" preload=\"none\" title=\"{name}\" aria-label=\"{name}\"></audio>"
        ),
        // Served as bytes to save, never opened as a page: an HTML or SVG file would run in
        // Loam's origin.
        Shown::Download => format!(
            "<a class=\"file download {PENDING}\" data-file=\"{hash}\" download=\"{name}\">{}</a>",
            escape(alt.unwrap_or(&file.name))
        ),
    }
}

/// What a reference to a file that is not stored shows.
pub fn missing_html(reference: &str) -> String {
    let name = escape(name::last_segment(reference));
    format!("<span class=\"file missing\" title=\"No file named “{name}” is stored\">{name}</span>")
}

/// An image on another site, not fetched until the reader asks: a stranger's note must not
/// learn who opened it.
pub fn remote_html(src: &str, alt: &str) -> String {
    let host = host_of(src);
    let label = if alt.trim().is_empty() {
        format!("Show image from {host}")
    } else {
        format!("Show image “{}” from {host}", alt.trim())
    };
    format!(
        "<button type=\"button\" class=\"remote-image\" data-src=\"{}\" data-alt=\"{}\">{}</button>",
        escape(src),
        escape(alt),
        escape(&label)
    )
}

/// The host of an http(s) or protocol-relative address, for the consent button.
fn host_of(src: &str) -> &str {
    let rest = src.trim();
    let rest = rest
        .split_once("//")
        .map_or(rest, |(_, after)| after)
        .trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    // Credentials before the host are shown to no one.
    host.rsplit_once('@').map_or(host, |(_, h)| h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::attachment::Kind;
    use crate::core::time::Time;

    #[test]
    fn sizes_read_as_obsidian_writes_them() {
        assert_eq!(size_of("200"), Some((200, None)));
        assert_eq!(size_of("200x150"), Some((200, Some(150))));
        assert_eq!(size_of("wide"), None);
        assert_eq!(size_of("x150"), None);
        assert_eq!(size_of("9999999"), None);
    }

    #[test]
    fn file_names_are_told_from_note_titles() {
        assert!(looks_like_file("Map.PNG"));
        assert!(looks_like_file("assets/voice.m4a"));
        assert!(!looks_like_file("Chapter 1.2"));
        assert!(!looks_like_file("Notes"));
    }

    #[test]
    fn hostile_names_stay_text() {
        let file = Attachment::new("\"><script>.png", "ab\"c", Kind::Pdf, 3, Time::from_ms(0.0));
        let html = file_html(&file, None, None);
        assert!(!html.contains("<script"));
        assert!(html.contains("data-file=\"ab&quot;c\""));
        assert!(missing_html("a/<b>.png").contains("&lt;b&gt;.png"));
    }

    #[test]
    fn the_consent_button_names_the_host_only() {
        let html = remote_html("https://user:pw@tracker.example/p.gif?id=1", "");
        assert!(html.contains("Show image from tracker.example<"));
        assert!(!html.contains("<img"));
        assert_eq!(host_of("//cdn.example\\x.png"), "cdn.example");
    }
}
