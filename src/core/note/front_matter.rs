//! A note's front matter (Obsidian's properties): where it ends, so views, cards and tags
//! read the text after it, and the folder an imported note came from, kept there.

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

const FOLDER_KEY: &str = "folder: ";

/// The folder a note came from, as its front matter names it (for the note's header).
pub fn folder_of(text: &str) -> Option<String> {
    let head = &text[..front_matter_end(text)];
    let value = head
        .lines()
        .find_map(|line| line.trim_end().strip_prefix(FOLDER_KEY))?
        .trim();
    let folder = serde_json::from_str::<String>(value).unwrap_or_else(|_| value.to_string());
    (!folder.is_empty()).then_some(folder)
}

/// The text with `folder: <folder>` first in its front matter (added when it has none).
pub fn with_folder(text: &str, folder: &str) -> String {
    let line = format!(
        "{FOLDER_KEY}{}\n",
        serde_json::to_string(folder).unwrap_or_default()
    );
    if front_matter_end(text) > 0 {
        let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
        format!(
            "{}{line}{}",
            &text[..first_line_end],
            &text[first_line_end..]
        )
    } else {
        format!("---\n{line}---\n{text}")
    }
}

/// The folder a note's front matter names, and the text without that line (and without the
/// front matter, when nothing else is left in it).
pub fn take_folder(text: &str) -> (Option<String>, String) {
    let end = front_matter_end(text);
    if end == 0 {
        return (None, text.to_string());
    }
    let head = &text[..end];
    let mut folder = None;
    let mut kept = String::with_capacity(head.len());
    for line in head.split_inclusive('\n') {
        match line.trim_end().strip_prefix(FOLDER_KEY) {
            Some(value) if folder.is_none() => {
                let value = value.trim();
                folder = Some(
                    serde_json::from_str::<String>(value).unwrap_or_else(|_| value.to_string()),
                );
            }
            _ => kept.push_str(line),
        }
    }
    let empty = kept
        .lines()
        .all(|l| matches!(l.trim_end(), "---" | "..." | ""));
    let rest = &text[end..];
    match folder {
        Some(folder) if empty => (Some(folder), rest.to_string()),
        Some(folder) => (Some(folder), kept + rest),
        None => (None, text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_go_into_front_matter_and_back_out() {
        for text in [
            "plain",
            "---\ntags: x\n---\nbody",
            "---\n---\nbody",
            "",
            "---\r\na: b\r\n---\r\nx",
        ] {
            let with = with_folder(text, "A/B: c");
            let (folder, back) = take_folder(&with);
            assert_eq!(folder.as_deref(), Some("A/B: c"));
            // Taking and adding again gives the same text as the first import.
            assert_eq!(with_folder(&back, "A/B: c"), with, "{text:?}");
        }
        assert_eq!(take_folder("no front"), (None, "no front".to_string()));
        assert_eq!(
            folder_of("---\nfolder: \"A/B\"\n---\nx").as_deref(),
            Some("A/B")
        );
        assert_eq!(
            folder_of("---\nfolder: plain\n---\n"),
            Some("plain".to_string())
        );
        assert_eq!(folder_of("folder: not front matter"), None);
    }
}
