//! A note's front matter (Obsidian's properties): where it ends, so views, cards and tags
//! read the text after it.

/// Where the text after a front matter block (Obsidian's properties: a first line `---`, `key:
/// value` lines, a line `---` or `...`) starts; 0 when there is none. The block stays in the
/// note's text, as Obsidian keeps it, but is neither shown nor a place for cards.
pub fn front_matter_end(markdown: &str) -> usize {
    let text = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    let skipped = markdown.len() - text.len();
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return 0;
    };
    let mut at = text.len() - rest.len();
    for line in rest.split_inclusive('\n') {
        at += line.len();
        if matches!(line.trim_end(), "---" | "...") {
            return skipped + at;
        }
    }
    0
}
