//! Obsidian's callouts: a quote whose first line is `[!type]`, an optional `+` or `-` (foldable,
//! open or closed) and an optional title, shown as a titled box instead of a quote.

use crate::core::html::escape;

/// The first line of a callout.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Callout {
    /// One of the kinds the style sheet colours; unknown kinds look like a note, as in Obsidian.
    pub kind: &'static str,
    pub title: String,
    pub fold: Fold,
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(super) enum Fold {
    /// Always open: no `+` or `-`.
    Fixed,
    Open,
    Closed,
}

/// Reads `[!type]±? title` at the start of a quote's first line.
pub(super) fn callout_line(line: &str) -> Option<Callout> {
    let rest = line.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let name = &rest[..close];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let rest = &rest[close + 1..];
    let (fold, rest) = match rest.chars().next() {
        Some('+') => (Fold::Open, &rest[1..]),
        Some('-') => (Fold::Closed, &rest[1..]),
        _ => (Fold::Fixed, rest),
    };
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let title = match rest.trim() {
        "" => default_title(name),
        title => title.to_string(),
    };
    Some(Callout {
        kind: kind(&name.to_lowercase()),
        title,
        fold,
    })
}

/// "tip" is shown as "Tip", "my-kind" as "My kind".
fn default_title(name: &str) -> String {
    let spaced = name.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Obsidian's kinds and their aliases, reduced to the colours the style sheet has.
fn kind(name: &str) -> &'static str {
    match name {
        "abstract" | "summary" | "tldr" => "abstract",
        "info" => "info",
        "todo" => "todo",
        "tip" | "hint" | "important" => "tip",
        "success" | "check" | "done" => "success",
        "question" | "help" | "faq" => "question",
        "warning" | "caution" | "attention" => "warning",
        "failure" | "fail" | "missing" => "failure",
        "danger" | "error" => "danger",
        "bug" => "bug",
        "example" => "example",
        "quote" | "cite" => "quote",
        _ => "note",
    }
}

impl Callout {
    /// The markup that opens the box, title included.
    pub fn open_html(&self) -> String {
        let title = escape(&self.title);
        let kind = self.kind;
        match self.fold {
            Fold::Fixed => format!(
                "<div class=\"callout callout-{kind}\" role=\"note\"><p class=\"callout-title\">{title}</p>"
            ),
            Fold::Open | Fold::Closed => format!(
                "<details class=\"callout callout-{kind}\"{}><summary class=\"callout-title\">{title}</summary>",
                if self.fold == Fold::Open { " open=\"\"" } else { "" }
            ),
        }
    }

    pub fn close_html(&self) -> &'static str {
        match self.fold {
            Fold::Fixed => "</div>",
            Fold::Open | Fold::Closed => "</details>",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kind_fold_and_title() {
        assert_eq!(
            callout_line("[!tip]- Remember this"),
            Some(Callout {
                kind: "tip",
                title: "Remember this".into(),
                fold: Fold::Closed
            })
        );
        assert_eq!(
            callout_line("[!FAQ]+"),
            Some(Callout {
                kind: "question",
                title: "FAQ".into(),
                fold: Fold::Open
            })
        );
        let unknown = callout_line("[!my-kind]").unwrap();
        assert_eq!((unknown.kind, unknown.title.as_str()), ("note", "My kind"));
    }

    #[test]
    fn other_brackets_are_not_callouts() {
        for line in [
            "[!]",
            "[!a b]",
            "[note]",
            "[!note]x",
            "text [!note]",
            "[!note",
        ] {
            assert_eq!(callout_line(line), None, "{line}");
        }
    }

    #[test]
    fn the_title_is_escaped() {
        let html = callout_line("[!note] <b>x</b>").unwrap().open_html();
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"), "{html}");
    }
}
