//! File names as notes use them: cleaned of path tricks and of characters a link cannot hold,
//! compared without case, and found by their last path segment.

use super::Kind;
use crate::core::date::civil_date;
use crate::core::time::Time;

/// Longest name kept, in characters (the extension is kept whole).
const MOST_CHARS: usize = 120;

/// A name fit to store and to write in `![[…]]`: the last segment of a path only, without
/// control characters, link syntax (`[ ] | # ^`) or characters file systems refuse, and not
/// starting with a dot. `fallback` names a file whose name is empty once cleaned.
pub fn clean(raw: &str, fallback: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .chars()
        .map(|c| {
            if c.is_control() || "[]|#^:*?\"<>".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let spaced = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = spaced.trim_start_matches(['.', ' ']).trim_end();
    if trimmed.is_empty() || split(trimmed).0.is_empty() {
        return fallback.to_string();
    }
    shortened(trimmed)
}

/// The name a picked or dropped file is kept under: its own, cleaned, with the extension of
/// what it really is when it has none.
pub fn for_file(raw: &str, kind: Kind) -> String {
    let fallback = format!("file.{}", kind.extension());
    let cleaned = clean(raw, &fallback);
    if split(&cleaned).1.is_some() || kind == Kind::Other {
        cleaned
    } else {
        shortened(&format!("{cleaned}.{}", kind.extension()))
    }
}

/// The name of a pasted image, as Obsidian names them: `Pasted image 20261207093015.png` (UTC).
pub fn pasted(kind: Kind, now: Time) -> String {
    let ms = now.ms().max(0.0);
    let (year, month, day) = civil_date((ms / 86_400_000.0).floor() as i64);
    let seconds = ((ms % 86_400_000.0) / 1000.0).floor() as i64;
    let (hour, minute, second) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!(
        "Pasted image {year:04}{month:02}{day:02}{hour:02}{minute:02}{second:02}.{}",
        kind.extension()
    )
}

/// Keeps a long name under [`MOST_CHARS`], cutting the stem and keeping the extension.
fn shortened(name: &str) -> String {
    if name.chars().count() <= MOST_CHARS {
        return name.to_string();
    }
    let (stem, extension) = split(name);
    let room = MOST_CHARS - extension.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    match extension {
        Some(ext) => format!("{}.{ext}", stem.trim_end()),
        None => stem.trim_end().to_string(),
    }
}

/// How names are compared: without case, as Obsidian finds attachments.
pub fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The last segment of a path: `img/map.png` -> `map.png`.
pub fn last_segment(reference: &str) -> &str {
    reference
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(reference)
        .trim()
}

/// The stem and extension: `map.v2.png` -> (`map.v2`, `png`); `README` -> (`README`, none).
pub fn split(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty() && !ext.is_empty() && ext.len() <= 8 && !ext.contains(' ') =>
        {
            (stem, Some(ext))
        }
        _ => (name, None),
    }
}

/// The file a relative Markdown address names (`img/b%20c.jpg` -> `b c.jpg`); `None` for an
/// address with a scheme, one that starts with `//` or `#`, or one with nothing left.
pub fn relative_address(address: &str) -> Option<String> {
    let address = address.trim();
    let before_query = address.split(['?', '#']).next().unwrap_or_default();
    let scheme = before_query
        .find([':', '/'])
        .is_some_and(|at| before_query[at..].starts_with(':'));
    if scheme || address.starts_with("//") || before_query.is_empty() {
        return None;
    }
    let decoded = percent_decoded(last_segment(before_query));
    (!decoded.trim().is_empty()).then(|| decoded.trim().to_string())
}

/// `%20` and the like decoded; a broken escape stays as written.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_and_link_syntax_are_cleaned_away() {
        assert_eq!(clean("../../etc/passwd", "file"), "passwd");
        assert_eq!(clean("C:\\Users\\me\\Map.png", "file"), "Map.png");
        assert_eq!(clean("a[[b]]|c#d^e.png", "file"), "a b c d e.png");
        assert_eq!(clean(".hidden.png", "file"), "hidden.png");
        assert_eq!(clean("..", "file"), "file");
        assert_eq!(clean("  \u{0}\n ", "Pasted image.png"), "Pasted image.png");
        assert_eq!(clean(".png", "file.png"), "png");
    }

    #[test]
    fn names_get_the_extension_of_what_they_are() {
        assert_eq!(for_file("scan", Kind::Jpeg), "scan.jpg");
        assert_eq!(for_file("notes.txt", Kind::Other), "notes.txt");
        assert_eq!(for_file("", Kind::Png), "file.png");
        assert_eq!(
            pasted(Kind::Png, Time::from_ms(1_796_608_815_000.0)),
            "Pasted image 20261207020015.png"
        );
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.jpeg", "x".repeat(300));
        let cleaned = clean(&long, "file");
        assert_eq!(cleaned.chars().count(), MOST_CHARS);
        assert!(cleaned.ends_with("x.jpeg"));
    }

    #[test]
    fn relative_addresses_name_files() {
        assert_eq!(
            relative_address("img/b%20c.jpg").as_deref(),
            Some("b c.jpg")
        );
        assert_eq!(
            relative_address("../assets/x.png?v=1").as_deref(),
            Some("x.png")
        );
        assert_eq!(relative_address("https://e.org/a.png"), None);
        assert_eq!(relative_address("//e.org/a.png"), None);
        assert_eq!(relative_address("data:image/png;base64,AA"), None);
        assert_eq!(relative_address("#heading"), None);
        assert_eq!(relative_address("%zz.png").as_deref(), Some("%zz.png"));
    }

    #[test]
    fn split_finds_real_extensions_only() {
        assert_eq!(split("map.v2.png"), ("map.v2", Some("png")));
        assert_eq!(split("README"), ("README", None));
        assert_eq!(split(".png"), (".png", None));
        assert_eq!(split("a.b c"), ("a.b c", None));
    }

    proptest! {
        #[test]
        fn cleaned_names_are_safe(raw in ".{0,300}") {
            let name = clean(&raw, "file");
            prop_assert!(!name.is_empty());
            prop_assert!(!name.contains(['/', '\\', '[', ']', '|', '#', '^']));
            prop_assert!(!name.starts_with('.'));
            prop_assert!(!name.chars().any(char::is_control));
            prop_assert!(name.chars().count() <= MOST_CHARS);
            prop_assert_eq!(clean(&name, "file"), name.clone());
        }
    }
}
