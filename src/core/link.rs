//! Wiki-links in the Obsidian forms: `[[Title]]`, `[[Title|shown]]`, `[[Title#Heading]]`,
//! `[[Title#^anchor]]` and embeds `![[Title]]`.

use std::ops::Range;

/// One wiki-link found in a piece of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WikiLink<'a> {
    /// Bytes of the whole link in the scanned text, `[[` to `]]` (and the `!` of an embed).
    pub range: Range<usize>,
    /// `![[...]]`: the target is shown in place rather than linked.
    pub embed: bool,
    /// The note title, trimmed. Never empty.
    pub target: &'a str,
    /// `#Heading`, trimmed, when present and not a block anchor.
    pub heading: Option<&'a str>,
    /// `#^anchor`, without the caret.
    pub block: Option<&'a str>,
    /// `|shown text`, trimmed, when present and not empty.
    pub alias: Option<&'a str>,
}

/// Finds wiki-links in plain text, knowing nothing of Markdown (callers skip code themselves).
pub fn scan(text: &str) -> Vec<WikiLink<'_>> {
    let bytes = text.as_bytes();
    let mut links = Vec::new();
    let mut i = 0;
    while let Some(found) = text[i..].find("[[") {
        let open = i + found;
        let inner_start = open + 2;
        let Some(close_rel) = text[inner_start..].find("]]") else {
            break;
        };
        let inner = &text[inner_start..inner_start + close_rel];
        // A link never spans lines, and `[[` inside it means the first `[[` was stray text.
        if inner.contains('\n') || inner.contains("[[") {
            i = open + 1;
            continue;
        }
        let end = inner_start + close_rel + 2;
        match parse_inner(inner) {
            Some((target, heading, block, alias)) => {
                let embed = open > 0 && bytes[open - 1] == b'!';
                let start = if embed { open - 1 } else { open };
                links.push(WikiLink {
                    range: start..end,
                    embed,
                    target,
                    heading,
                    block,
                    alias,
                });
                i = end;
            }
            None => i = open + 1,
        }
    }
    links
}

type LinkParts<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn parse_inner(inner: &str) -> Option<LinkParts<'_>> {
    let (dest, alias) = match inner.split_once('|') {
        Some((d, a)) => (d, Some(a.trim()).filter(|a| !a.is_empty())),
        None => (inner, None),
    };
    let (target, fragment) = match dest.split_once('#') {
        Some((t, f)) => (t.trim(), Some(f.trim())),
        None => (dest.trim(), None),
    };
    if target.is_empty() {
        return None;
    }
    let (heading, block) = match fragment {
        Some(f) if f.starts_with('^') => (None, Some(f[1..].trim()).filter(|b| !b.is_empty())),
        Some(f) if !f.is_empty() => (Some(f), None),
        _ => (None, None),
    };
    Some((target, heading, block, alias))
}
