//! Wiki-links in the Obsidian forms: `[[Title]]`, `[[Title|shown]]`, `[[Title#Heading]]`,
//! `[[Title#^anchor]]` and embeds `![[Title]]`; finding them in Markdown and rewriting them on rename.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::core::note::title_key;

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

/// The Markdown dialect of notes: CommonMark with tables, task lists and strikethrough.
/// Shared by the renderer and [`parse_links`] so both see the same code spans and blocks.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH
}

/// Finds wiki-links in plain text, knowing nothing of Markdown (callers skip code themselves).
///
/// A link stays on one line and its target holds no bracket; in `[[[a]]]` the innermost `[[`
/// opens the link. `[[a\|b]]` (the escaped pipe that tables need) links to `a`, shown as `b`.
pub fn scan(text: &str) -> Vec<WikiLink<'_>> {
    let bytes = text.as_bytes();
    let mut links = Vec::new();
    let mut from = 0;
    // Byte-wise search: brackets are ASCII, so every index found is a char boundary.
    while let Some(open) = find_open(bytes, from) {
        let inner_start = open + 2;
        match find_close(bytes, inner_start) {
            Close::At(close) => {
                let end = close + 2;
                let parts = text.get(inner_start..close).and_then(parse_inner);
                if let Some((target, heading, block, alias)) = parts {
                    let embed = open.checked_sub(1).and_then(|i| bytes.get(i)) == Some(&b'!');
                    links.push(WikiLink {
                        range: if embed { open - 1 } else { open }..end,
                        embed,
                        target,
                        heading,
                        block,
                        alias,
                    });
                }
                from = end;
            }
            // `[` inside: the link, if any, opens later (`[[[a]]]`, `[[ x [[a]]`).
            Close::Bracket(at) => from = at - 1,
            Close::LineEnd(at) => from = at + 1,
            Close::Missing => break,
        }
    }
    links
}

/// How the text after a `[[` ends.
enum Close {
    /// `]]` at this index.
    At(usize),
    /// A `[` at this index comes first.
    Bracket(usize),
    /// A line break at this index comes first.
    LineEnd(usize),
    /// The text ends first.
    Missing,
}

fn find_open(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        // Brackets are rare: look for one, then at what follows it.
        at += bytes.get(at..)?.iter().position(|&b| b == b'[')?;
        if bytes.get(at + 1) == Some(&b'[') {
            return Some(at);
        }
        at += 1;
    }
}

fn find_close(bytes: &[u8], from: usize) -> Close {
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'[' => return Close::Bracket(i),
            b'\n' | b'\r' => return Close::LineEnd(i),
            b']' if bytes.get(i + 1) == Some(&b']') => return Close::At(i),
            _ => {}
        }
        i += 1;
    }
    Close::Missing
}

type LinkParts<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn parse_inner(inner: &str) -> Option<LinkParts<'_>> {
    let (dest, alias) = match inner.split_once('|') {
        Some((d, a)) => (
            d.strip_suffix('\\').unwrap_or(d),
            Some(a.trim()).filter(|a| !a.is_empty()),
        ),
        None => (inner, None),
    };
    // Titles cannot hold `]`, so `[[a]b]]` could never resolve: not a link.
    if dest.contains(']') {
        return None;
    }
    let (target, fragment) = match dest.split_once('#') {
        Some((t, f)) => (t.trim(), Some(f.trim())),
        None => (dest.trim(), None),
    };
    if target.is_empty() {
        return None;
    }
    let (heading, block) = match fragment {
        Some(f) => match f.strip_prefix('^') {
            Some(b) => (None, Some(b.trim()).filter(|b| !b.is_empty())),
            None => (Some(f).filter(|h| !h.is_empty()), None),
        },
        None => (None, None),
    };
    Some((target, heading, block, alias))
}

/// Wiki-links in a Markdown document, leaving out those in code spans, code blocks, raw HTML
/// and image descriptions. Ranges are byte ranges into `markdown`.
pub fn parse_links(markdown: &str) -> Vec<WikiLink<'_>> {
    if !markdown.contains("[[") {
        return Vec::new();
    }
    let mut links = Vec::new();
    for run in text_runs(markdown) {
        let Some(text) = markdown.get(run.clone()) else {
            continue;
        };
        links.extend(scan(text).into_iter().map(|mut link| {
            link.range = link.range.start + run.start..link.range.end + run.start;
            link
        }));
    }
    links
}

/// Source ranges of prose: the parser splits `[[a]]` into several Text events, so consecutive
/// texts are joined, also across emphasis markers and escapes (`[[a*b*]]`, `[[a\|b]]` in tables).
/// Anything else between two texts (code, HTML, a line break, a link) ends the run.
fn text_runs(markdown: &str) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut run: Option<Range<usize>> = None;
    // Depth inside code blocks and images, whose text is not prose.
    let mut hidden = 0usize;
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Text(_) if hidden == 0 => {
                run = Some(match run.take() {
                    Some(current) if current.end <= range.start => current.start..range.end,
                    Some(current) => {
                        runs.push(current);
                        range
                    }
                    None => range,
                });
            }
            Event::Text(_)
            | Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {}
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. }) => {
                runs.extend(run.take());
                hidden += 1;
            }
            Event::End(TagEnd::CodeBlock | TagEnd::Image) => {
                runs.extend(run.take());
                hidden = hidden.saturating_sub(1);
            }
            _ => runs.extend(run.take()),
        }
    }
    runs.extend(run);
    runs
}

/// Points every link and embed to `old_title` (compared as [`title_key`]) at `new_title`,
/// keeping heading, block anchor, alias, `!` and spacing exactly as written. Links in code are
/// left alone. `None` when the text would not change.
pub fn rewrite_links(markdown: &str, old_title: &str, new_title: &str) -> Option<String> {
    let old_key = title_key(old_title);
    retarget_links(markdown, &|target| {
        (title_key(target) == old_key).then(|| new_title.to_string())
    })
}

/// Gives every link the target `retarget` returns for its current one (`None`: left as is), in
/// one pass, so a link moved to a title is never moved again. Keeps everything else as written.
/// `None` when the text would not change.
pub fn retarget_links(markdown: &str, retarget: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(markdown.len());
    let mut copied = 0;
    for link in parse_links(markdown) {
        let Some(new_target) = retarget(link.target) else {
            continue;
        };
        let Some(target) = target_range(markdown, &link) else {
            continue;
        };
        out.push_str(markdown.get(copied..target.start)?);
        out.push_str(&new_target);
        copied = target.end;
    }
    out.push_str(markdown.get(copied..)?);
    (out != markdown).then_some(out)
}

/// Where `link.target` sits in `markdown`: after `[[` (and `!`) and any leading spaces.
fn target_range(markdown: &str, link: &WikiLink<'_>) -> Option<Range<usize>> {
    let opening = link.range.start + if link.embed { 3 } else { 2 };
    let inner = markdown.get(opening..link.range.end)?;
    let start = opening + (inner.len() - inner.trim_start().len());
    let range = start..start + link.target.len();
    (markdown.get(range.clone()) == Some(link.target)).then_some(range)
}

/// The line holding the start of `range`, trimmed: the context shown with a backlink.
/// Out-of-bounds ranges give the last line rather than a panic.
pub fn link_line<'a>(markdown: &'a str, range: &Range<usize>) -> &'a str {
    let bytes = markdown.as_bytes();
    let at = range.start.min(bytes.len());
    // Cutting at `\n` (ASCII) always lands on a char boundary.
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    markdown.get(start..end).unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Each link as `(source slice, target, heading, block, alias)`.
    type Seen<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
    );

    fn seen<'a>(text: &'a str, links: Vec<WikiLink<'a>>) -> Vec<Seen<'a>> {
        links
            .into_iter()
            .map(|l| (&text[l.range], l.target, l.heading, l.block, l.alias))
            .collect()
    }

    fn scanned(text: &str) -> Vec<Seen<'_>> {
        seen(text, scan(text))
    }

    fn parsed(text: &str) -> Vec<Seen<'_>> {
        seen(text, parse_links(text))
    }

    #[test]
    fn every_link_form() {
        let text = "[[A]] [[B|shown]] [[C#Heading]] [[D#^anchor]] ![[E]] [[F#Sub|x]] ![[G#^b|y]]";
        assert_eq!(
            scanned(text),
            vec![
                ("[[A]]", "A", None, None, None),
                ("[[B|shown]]", "B", None, None, Some("shown")),
                ("[[C#Heading]]", "C", Some("Heading"), None, None),
                ("[[D#^anchor]]", "D", None, Some("anchor"), None),
                ("![[E]]", "E", None, None, None),
                ("[[F#Sub|x]]", "F", Some("Sub"), None, Some("x")),
                ("![[G#^b|y]]", "G", None, Some("b"), Some("y")),
            ]
        );
        let embeds: Vec<bool> = scan(text).iter().map(|l| l.embed).collect();
        assert_eq!(embeds, [false, false, false, false, true, false, true]);
    }

    #[test]
    fn whitespace_inside_brackets_is_trimmed() {
        assert_eq!(
            scanned("[[  My note  #  Part two  |  see it  ]]"),
            vec![(
                "[[  My note  #  Part two  |  see it  ]]",
                "My note",
                Some("Part two"),
                None,
                Some("see it")
            )]
        );
        assert_eq!(
            scanned("[[ A #^ blk ]]"),
            vec![("[[ A #^ blk ]]", "A", None, Some("blk"), None)]
        );
    }

    #[test]
    fn empty_parts() {
        for text in [
            "[[]]",
            "[[ ]]",
            "[[#Heading]]",
            "[[#^block]]",
            "[[|alias]]",
            "[[ # | ]]",
        ] {
            assert_eq!(scanned(text), vec![], "{text}");
        }
        assert_eq!(
            scanned("[[A#]] [[B#^]] [[C|]] [[D| ]]"),
            vec![
                ("[[A#]]", "A", None, None, None),
                ("[[B#^]]", "B", None, None, None),
                ("[[C|]]", "C", None, None, None),
                ("[[D| ]]", "D", None, None, None),
            ]
        );
    }

    #[test]
    fn unclosed_and_broken() {
        for text in [
            "[[A",
            "[[A]",
            "[[A] ]",
            "[[A\nB]]",
            "[[A\r\n]]",
            "A]]",
            "[ [A]]",
            "[[A]B]]",
        ] {
            assert_eq!(scanned(text), vec![], "{text:?}");
        }
        assert_eq!(scanned("[[A [[B]]"), vec![("[[B]]", "B", None, None, None)]);
        assert_eq!(
            scanned("[[A\n[[B]]"),
            vec![("[[B]]", "B", None, None, None)]
        );
        assert_eq!(
            scanned("[[]] [[B]]"),
            vec![("[[B]]", "B", None, None, None)]
        );
    }

    #[test]
    fn nested_brackets() {
        assert_eq!(scanned("[[[A]]]"), vec![("[[A]]", "A", None, None, None)]);
        assert_eq!(scanned("[[[[A]]]]"), vec![("[[A]]", "A", None, None, None)]);
        assert_eq!(scanned("![[[A]]]"), vec![("[[A]]", "A", None, None, None)]);
        assert_eq!(scanned("[[A]]]"), vec![("[[A]]", "A", None, None, None)]);
        assert_eq!(
            scanned("[[A|x]y]]"),
            vec![("[[A|x]y]]", "A", None, None, Some("x]y"))]
        );
        assert_eq!(scanned("[[A|[x]]"), vec![]);
    }

    #[test]
    fn single_brackets_before_a_link() {
        assert_eq!(
            scanned("[a] [ b [[C]] ["),
            vec![("[[C]]", "C", None, None, None)]
        );
        assert_eq!(scanned("[x][[D]]"), vec![("[[D]]", "D", None, None, None)]);
        assert_eq!(scanned("[ [ [["), vec![]);
    }

    #[test]
    fn escaped_pipe_as_in_tables() {
        assert_eq!(
            scanned(r"[[A\|shown]]"),
            vec![(r"[[A\|shown]]", "A", None, None, Some("shown"))]
        );
        assert_eq!(
            scanned(r"[[A#H \|shown]]"),
            vec![(r"[[A#H \|shown]]", "A", Some("H"), None, Some("shown"))]
        );
    }

    #[test]
    fn multibyte_text_keeps_char_boundaries() {
        let text = "Ça [[Café|naïve]] — ![[日本語#見出し]] ok [[ é ]]é";
        assert_eq!(
            scanned(text),
            vec![
                ("[[Café|naïve]]", "Café", None, None, Some("naïve")),
                ("![[日本語#見出し]]", "日本語", Some("見出し"), None, None),
                ("[[ é ]]", "é", None, None, None),
            ]
        );
        assert_eq!(parsed(text), scanned(text));
    }

    #[test]
    fn embed_range_includes_bang() {
        let text = "see ![[Map]] and !x[[Not embed]]";
        let links = scan(text);
        assert_eq!(links[0].range, 4..12);
        assert!(links[0].embed);
        assert_eq!(&text[links[1].range.clone()], "[[Not embed]]");
        assert!(!links[1].embed);
    }

    #[test]
    fn markdown_skips_code_and_html() {
        let text = "\
Start [[A]] and `[[In code]]` and ``x [[In code]] y``.

```
[[Fenced]]
```

~~~rust
let x = \"[[Tilde fenced]]\";
~~~

    [[Indented]]

<div>
[[Html block]]
</div>

<a title=\"[[Attribute]]\">[[B]]</a> ![[[Alt text]]](pic.png)

End ![[C#^x]]
";
        assert_eq!(
            parsed(text),
            vec![
                ("[[A]]", "A", None, None, None),
                ("[[B]]", "B", None, None, None),
                ("![[C#^x]]", "C", None, Some("x"), None),
            ]
        );
    }

    #[test]
    fn markdown_finds_links_in_every_kind_of_prose() {
        let text = "\
# Title [[H1]]

> quote [[Q]]

- item [[L]]
- [ ] task [[T]]

| a | b |
|---|---|
| [[Cell\\|shown]] | ~~[[S]]~~ |

*[[Em]]* **[[Strong]]** [[a*b*]] [[_c_]] [see [[In link text]]](url)
";
        let targets: Vec<_> = parsed(text).into_iter().map(|s| (s.1, s.4)).collect();
        assert_eq!(
            targets,
            vec![
                ("H1", None),
                ("Q", None),
                ("L", None),
                ("T", None),
                ("Cell", Some("shown")),
                ("S", None),
                ("Em", None),
                ("Strong", None),
                ("a*b*", None),
                ("_c_", None),
                ("In link text", None),
            ]
        );
        for link in parse_links(text) {
            assert!(text[link.range].starts_with("[["));
        }
    }

    #[test]
    fn markdown_without_links_is_cheap_and_empty() {
        assert_eq!(parse_links(""), vec![]);
        assert_eq!(parse_links("plain [text] and [x](y)"), vec![]);
    }

    #[test]
    fn rewrite_keeps_every_part_as_written() {
        let text = "[[Old]] [[old|shown]] [[ OLD #Intro ]] ![[Old#^card]] ![[Old\\|x]] [[Old#H|y]]";
        assert_eq!(
            rewrite_links(text, "Old", "New name").as_deref(),
            Some(
                "[[New name]] [[New name|shown]] [[ New name #Intro ]] ![[New name#^card]] \
                 ![[New name\\|x]] [[New name#H|y]]"
            )
        );
    }

    #[test]
    fn rewrite_touches_only_that_title() {
        let text = "[[Old title 2]] [[Older]] [[Old]] [[Old title]] `[[Old title]]`\n\n    [[Old title]]\n";
        assert_eq!(
            rewrite_links(text, "old TITLE", "New").as_deref(),
            Some(
                "[[Old title 2]] [[Older]] [[Old]] [[New]] `[[Old title]]`\n\n    [[Old title]]\n"
            )
        );
    }

    #[test]
    fn rewrite_without_change_is_none() {
        assert_eq!(rewrite_links("no links", "A", "B"), None);
        assert_eq!(rewrite_links("[[Other]]", "A", "B"), None);
        assert_eq!(rewrite_links("```\n[[A]]\n```", "A", "B"), None);
        assert_eq!(rewrite_links("[[A]]", "a", "A"), None);
        assert_eq!(rewrite_links("[[a]]", "a", "A").as_deref(), Some("[[A]]"));
    }

    #[test]
    fn rewrite_multibyte() {
        assert_eq!(
            rewrite_links("é [[Café]] ü ![[café#Menü]]", "CAFÉ", "Bistro").as_deref(),
            Some("é [[Bistro]] ü ![[Bistro#Menü]]")
        );
    }

    #[test]
    fn line_of_a_link() {
        let text = "first\n  - see [[A]] here  \nlast [[B]]";
        let links = parse_links(text);
        assert_eq!(link_line(text, &links[0].range), "- see [[A]] here");
        assert_eq!(link_line(text, &links[1].range), "last [[B]]");
        assert_eq!(link_line(text, &(0..1)), "first");
        assert_eq!(link_line(text, &(500..600)), "last [[B]]");
        assert_eq!(link_line("", &(0..0)), "");
    }

    /// Text that is mostly link syntax, to reach the parser's corners.
    fn linkish() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("[["),
                Just("]]"),
                Just("!"),
                Just("|"),
                Just("\\"),
                Just("#"),
                Just("^"),
                Just("`"),
                Just("*"),
                Just("\n"),
                Just("    "),
                Just("```"),
                Just("<div>"),
                Just("| a |\n|---|\n"),
                Just("é"),
                Just("日本"),
                Just("a"),
                Just(" "),
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    fn check_ranges(text: &str, links: &[WikiLink<'_>]) {
        for link in links {
            let slice = text.get(link.range.clone());
            let slice = slice.unwrap_or_else(|| panic!("{:?} in {text:?}", link.range));
            assert!(
                slice.starts_with("[[") || slice.starts_with("![["),
                "{slice:?}"
            );
            assert!(slice.ends_with("]]"), "{slice:?}");
            assert!(!link.target.is_empty());
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in any::<String>()) {
            check_ranges(&text, &scan(&text));
            check_ranges(&text, &parse_links(&text));
            let _ = rewrite_links(&text, "a", "b");
        }

        #[test]
        fn never_panics_on_link_like_text(text in linkish()) {
            check_ranges(&text, &scan(&text));
            let links = parse_links(&text);
            check_ranges(&text, &links);
            for link in &links {
                let _ = link_line(&text, &link.range);
            }
            if let Some(out) = rewrite_links(&text, "a", "Bé") {
                prop_assert!(out.contains("Bé"));
            }
        }
    }
}
