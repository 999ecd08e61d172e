//! Obsidian comments, `%%hidden%%` inline or across lines: kept in the note, left out of the
//! reading view. `%%` in code is code.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use crate::core::note::link::markdown_options;

/// `markdown` without its comments (an unclosed `%%` stays text). Notes without `%%` are
/// returned as they are, unparsed.
pub fn without_comments(markdown: &str) -> Cow<'_, str> {
    if !markdown.contains("%%") {
        return Cow::Borrowed(markdown);
    }
    let code: Vec<Range<usize>> = Parser::new_ext(markdown, markdown_options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => Some(range),
            _ => None,
        })
        .collect();
    let in_code = |at: usize| code.iter().any(|r| r.contains(&at));
    let marks: Vec<usize> = markdown
        .match_indices("%%")
        .map(|(at, _)| at)
        .filter(|&at| !in_code(at))
        .collect();
    let mut out = String::with_capacity(markdown.len());
    let mut copied = 0;
    let mut pairs = marks.chunks_exact(2);
    for pair in pairs.by_ref() {
        let (open, close) = (pair[0], pair[1]);
        if open < copied {
            continue;
        }
        out.push_str(&markdown[copied..open]);
        copied = close + 2;
    }
    if copied == 0 {
        return Cow::Borrowed(markdown);
    }
    out.push_str(&markdown[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_leave_the_view_and_code_keeps_them() {
        assert_eq!(without_comments("a %%secret%% b"), "a  b");
        assert_eq!(
            without_comments("a\n\n%%\nhidden\n\nlines\n%%\n\nb"),
            "a\n\n\n\nb"
        );
        assert_eq!(without_comments("`%%code%%` stays"), "`%%code%%` stays");
        assert_eq!(without_comments("```\n%%\n```\n"), "```\n%%\n```\n");
        assert_eq!(
            without_comments("an unclosed %% stays"),
            "an unclosed %% stays"
        );
        assert_eq!(without_comments("x %%1%% y %%2%% z"), "x  y  z");
    }
}
