//! Tags as Obsidian writes them: `#word` in the text (nested as `#area/topic`) or listed under
//! `tags:` in the front matter. A tag's name is compared without case, as Obsidian does.

use std::ops::Range;

use crate::core::note::front_matter::front_matter_end;

/// The byte length of the tag starting at `at` (the `#` included), if one starts there: a `#`
/// at the start or after a space or `(`, then letters, digits, `_`, `-` or `/`, not only digits
/// (`#1` is an issue number, `#fff` a tag).
pub fn tag_len(text: &str, at: usize) -> Option<usize> {
    let rest = text.get(at..)?.strip_prefix('#')?;
    let before = text[..at].chars().next_back();
    if !before.is_none_or(|c| c.is_whitespace() || c == '(') {
        return None;
    }
    let name_len: usize = rest
        .chars()
        .take_while(|&c| is_tag_char(c))
        .map(char::len_utf8)
        .sum();
    let name = rest[..name_len].trim_end_matches('/');
    let named = name.chars().any(|c| !c.is_ascii_digit()) && !name.starts_with('/');
    named.then_some(1 + name.len())
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '/')
}

/// A tag's name as it is compared and put in addresses: without `#`, lowercase.
pub fn tag_key(name: &str) -> String {
    name.trim_start_matches('#').to_lowercase()
}

/// Every tag of a note's text, by key, as [`tags_of`] reads them.
pub fn note_tags(markdown: &str) -> Vec<String> {
    tags_of(markdown, front_matter_end(markdown))
}

/// Every tag of a note, by key, in the order first written: front matter first, then the text
/// (outside code). `body_start` is where the text after the front matter starts
/// (`markdown::front_matter_end`).
pub fn tags_of(markdown: &str, body_start: usize) -> Vec<String> {
    let start = body_start.min(markdown.len());
    let mut tags: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        let key = tag_key(name);
        if !key.is_empty() && !tags.contains(&key) {
            tags.push(key);
        }
    };
    for name in front_matter_tags(&markdown[..start]) {
        add(name);
    }
    for line in prose_lines(&markdown[start..]) {
        for range in tags_in_line(line) {
            add(&line[range]);
        }
    }
    tags
}

/// The lines of a note's text outside fenced code, where tags, headings and anchors are read.
pub fn prose_lines(markdown: &str) -> impl Iterator<Item = &str> {
    let mut fence: Option<&str> = None;
    markdown.lines().filter(move |line| {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            return false;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            return false;
        }
        true
    })
}

/// Where the tags of one line of prose are, outside `inline code`.
pub fn tags_in_line(line: &str) -> Vec<Range<usize>> {
    let code = code_spans(line);
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = line[at..].find('#') {
        let i = at + offset;
        if let Some(span) = code.iter().find(|span| span.contains(&i)) {
            at = span.end;
            continue;
        }
        match tag_len(line, i) {
            Some(len) => {
                found.push(i..i + len);
                at = i + len;
            }
            None => at = i + 1,
        }
    }
    found
}

/// `code` spans of a line: a run of backticks up to the next run as long.
pub fn code_spans(line: &str) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        let mut j = i + run;
        let mut closed = None;
        while j < bytes.len() {
            let other = bytes[j..].iter().take_while(|&&b| b == b'`').count();
            if other == run {
                closed = Some(j + other);
                break;
            }
            j += other.max(1);
        }
        match closed {
            Some(end) => {
                spans.push(i..end);
                i = end;
            }
            None => i += run,
        }
    }
    spans
}

/// The names under `tags:` (or `tag:`) in front matter: `[a, b]`, `a b`, or a `- a` list.
fn front_matter_tags(front_matter: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut in_list = false;
    for line in front_matter.lines() {
        let trimmed = line.trim();
        if let Some(value) = trimmed
            .strip_prefix("tags:")
            .or_else(|| trimmed.strip_prefix("tag:"))
        {
            in_list = true;
            names.extend(
                value
                    .split(|c: char| c == ',' || c == '[' || c == ']' || c.is_whitespace())
                    .map(|t| t.trim_matches(['"', '\'']))
                    .filter(|t| !t.is_empty()),
            );
        } else if in_list && trimmed.starts_with("- ") {
            let name = trimmed[1..].trim().trim_matches(['"', '\'']);
            if !name.is_empty() {
                names.push(name);
            }
        } else {
            in_list = false;
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_starts_a_word_and_is_not_only_digits() {
        assert_eq!(tag_len("#rust", 0), Some(5));
        assert_eq!(tag_len("see #area/topic.", 4), Some(11));
        assert_eq!(tag_len("(#a)", 1), Some(2));
        assert_eq!(tag_len("#fff", 0), Some(4));
        for (text, at) in [
            ("#1", 0),
            ("# Heading", 0),
            ("a#b", 1),
            ("##x", 1),
            ("#/x", 0),
        ] {
            assert_eq!(tag_len(text, at), None, "{text}");
        }
        assert_eq!(tag_len("#日本語 x", 0), Some(10));
        // A trailing slash is not part of the name.
        assert_eq!(tag_len("#a/ b", 0), Some(2));
    }

    #[test]
    fn tags_come_from_front_matter_and_text_but_not_code() {
        let md = "---\ntags: [Course, \"maths\"]\n---\nStudy #Maths and #calc.\n`#code`\n```\n#fenced\n```\n#last";
        assert_eq!(
            tags_of(md, md.find("Study").unwrap()),
            ["course", "maths", "calc", "last"]
        );
        let listed = "---\ntags:\n  - one\n  - two\ntitle: x\n---\n";
        assert_eq!(tags_of(listed, listed.len()), ["one", "two"]);
    }

    #[test]
    fn lines_give_the_place_of_each_tag() {
        let line = "a #b `#c` #d";
        let places: Vec<&str> = tags_in_line(line).into_iter().map(|r| &line[r]).collect();
        assert_eq!(places, ["#b", "#d"]);
    }
}
