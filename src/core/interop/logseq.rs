//! Logseq pages into Loam notes: the outline stays a Markdown list, `key:: value` page
//! properties become front matter, block ids become `^anchors` that `((uuid))` references link
//! to, `#card` blocks become cards and `{{cloze …}}` Anki clozes.

use std::collections::HashMap;

/// A page converted, before its block references are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The `title::` property, when the page sets one.
    pub title: Option<String>,
    pub body: String,
    /// Blocks that carry an `id::`: their uuid (lowercase) and their first line, as shown text.
    pub blocks: Vec<(String, String)>,
    /// Cards made from `#card` blocks.
    pub cards: usize,
}

/// One outline block as read: its depth, its lines (the first without the `- `) and properties.
struct Block {
    depth: usize,
    lines: Vec<String>,
    properties: Vec<(String, String)>,
}

/// A `key:: value` line (Logseq keys: letters, digits, `-`, `_`, `/`, `.`).
fn property(line: &str) -> Option<(String, String)> {
    let (key, value) = line.trim().split_once("::")?;
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
    if !valid || (!value.is_empty() && !value.starts_with(' ')) {
        return None;
    }
    Some((key.to_lowercase(), value.trim().to_string()))
}

/// Leading whitespace in columns: a tab is one level of two columns, as Logseq writes either.
fn indent(line: &str) -> usize {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .map(|c| if c == '\t' { 2 } else { 1 })
        .sum()
}

/// The text of a bullet line after its `- `, or `None` when the line is not a bullet.
fn bullet(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    if trimmed == "-" {
        return Some("");
    }
    trimmed.strip_prefix("- ")
}

/// Converts one page. Knows nothing of other pages: see [`resolve_references`].
pub fn convert_page(text: &str) -> Page {
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let mut page_properties = Vec::new();
    let mut preface = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    for line in text.lines() {
        if let Some(first) = bullet(line) {
            let depth = indent(line) / 2;
            match property(first).filter(|_| blocks.is_empty() && depth == 0) {
                // Newer Logseq writes page properties as a first block of properties only.
                Some(prop) if page_properties.is_empty() && preface.is_empty() => {
                    page_properties.push(prop)
                }
                _ => blocks.push(Block {
                    depth,
                    lines: vec![first.to_string()],
                    properties: Vec::new(),
                }),
            }
            continue;
        }
        match blocks.last_mut() {
            Some(block) => match property(line) {
                Some(prop) => block.properties.push(prop),
                None => {
                    let cut = (block.depth * 2 + 2).min(indent(line));
                    block.lines.push(strip_columns(line, cut).to_string());
                }
            },
            None => match property(line) {
                Some(prop) if preface.is_empty() => page_properties.push(prop),
                _ if line.trim().is_empty() && preface.is_empty() => {}
                _ => preface.push(line.to_string()),
            },
        }
    }
    // Properties that continue a first properties-only block are page properties too.
    if blocks.is_empty() && page_properties.is_empty() {
        return Page {
            title: None,
            body: clozes(&preface.join("\n")),
            blocks: Vec::new(),
            cards: 0,
        };
    }
    let title = page_properties
        .iter()
        .find(|(k, _)| k == "title")
        .map(|(_, v)| v.clone());
    let mut out = String::new();
    let front: Vec<&(String, String)> = page_properties
        .iter()
        .filter(|(k, _)| k != "title")
        .collect();
    if !front.is_empty() {
        out.push_str("---\n");
        for (key, value) in front {
            out.push_str(&format!("{key}: {}\n", yaml_value(value)));
        }
        out.push_str("---\n");
    }
    if !preface.is_empty() {
        out.push_str(&clozes(&preface.join("\n")));
        out.push_str("\n\n");
    }
    let mut ids = Vec::new();
    let mut cards = 0;
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        let children_end = (i + 1..blocks.len())
            .find(|&j| blocks[j].depth <= block.depth)
            .unwrap_or(blocks.len());
        let pad = "  ".repeat(block.depth);
        let id = block
            .properties
            .iter()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.to_lowercase())
            .filter(|v| v.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
        let anchor = id.as_ref().map(|id| format!(" ^{id}")).unwrap_or_default();
        let (first, card) = without_card_tag(&block.lines[0]);
        if let Some(id) = &id {
            ids.push((id.clone(), shown_text(&first)));
        }
        if card {
            cards += 1;
            let front: Vec<String> = std::iter::once(first.clone())
                .chain(block.lines[1..].iter().cloned())
                .filter(|l| !l.trim().is_empty())
                .collect();
            let back: Vec<String> = blocks[i + 1..children_end]
                .iter()
                .flat_map(|b| b.lines.iter())
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.trim().to_string())
                .collect();
            let front_text = clozes(&front.join(" "));
            if front_text.contains("{{c1::") {
                out.push_str(&format!("\n{pad}- {front_text}{anchor}\n\n"));
                i += 1;
                continue;
            }
            match (front.len(), back.len()) {
                (1, 1) if !back[0].contains("::") && !front_text.contains("::") => {
                    out.push_str(&format!("{pad}- {front_text} :: {}{anchor}\n", back[0]));
                }
                (_, 0) => out.push_str(&format!("{pad}- {front_text}{anchor}\n")),
                _ => {
                    out.push_str(&format!("\n{pad}- {}\n", front.join(&format!("\n{pad}  "))));
                    out.push_str(&format!("{pad}  ?\n"));
                    for line in &back {
                        out.push_str(&format!("{pad}  {line}\n"));
                    }
                    if !anchor.is_empty() {
                        out.push_str(&format!("{pad} {anchor}\n"));
                    }
                    out.push('\n');
                }
            }
            i = children_end;
            continue;
        }
        let text = clozes(&first);
        let isolate = text.contains("{{c1::");
        if isolate {
            out.push('\n');
        }
        out.push_str(&format!("{pad}- {text}{anchor}\n"));
        for line in &block.lines[1..] {
            out.push_str(&format!("{pad}  {line}\n"));
        }
        for (key, value) in &block.properties {
            if !matches!(key.as_str(), "id" | "collapsed") {
                // One colon: `key:: value` would read as a card here.
                out.push_str(&format!("{pad}  {key}: {value}\n"));
            }
        }
        if isolate {
            out.push('\n');
        }
        i += 1;
    }
    Page {
        title,
        body: out.trim_end().to_string() + "\n",
        blocks: ids,
        cards,
    }
}

fn strip_columns(line: &str, columns: usize) -> &str {
    let mut seen = 0;
    for (at, c) in line.char_indices() {
        if seen >= columns || !(c == ' ' || c == '\t') {
            return &line[at..];
        }
        seen += if c == '\t' { 2 } else { 1 };
    }
    ""
}

/// A value as YAML: plain when it is safe so, else double-quoted.
fn yaml_value(value: &str) -> String {
    let plain = !value.is_empty()
        && !value.starts_with(|c: char| "[]{}&*!|>'\"%@`#,?:-".contains(c))
        && !value.contains(": ")
        && !value.contains(" #");
    if plain {
        value.to_string()
    } else {
        serde_json::to_string(value).unwrap_or_default()
    }
}

/// The line without its `#card` / `#[[card]]` tag, and whether it had one.
fn without_card_tag(line: &str) -> (String, bool) {
    let mut words = Vec::new();
    let mut card = false;
    for word in line.split(' ') {
        if word.eq_ignore_ascii_case("#card") || word.eq_ignore_ascii_case("#[[card]]") {
            card = true;
        } else {
            words.push(word);
        }
    }
    (words.join(" ").trim_end().to_string(), card)
}

/// Logseq's `{{cloze text}}` as Anki's `{{c1::text}}`: one card per block, as in Logseq.
fn clozes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{cloze ") {
        let Some(end) = rest[at..].find("}}") else {
            break;
        };
        out.push_str(&rest[..at]);
        let inner = rest[at + 8..at + end].trim();
        out.push_str(&format!("{{{{c1::{inner}}}}}"));
        rest = &rest[at + end + 2..];
    }
    out.push_str(rest);
    out
}

/// A block's first line as link text: without link brackets, pipes and anchors.
fn shown_text(line: &str) -> String {
    let text: String = line
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | '|' | '#' | '^'))
        .collect();
    let text = text.trim();
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Replaces each `((uuid))` whose block is known with a link to it, `[[Page#^uuid|text]]`;
/// unknown ones stay as written. `blocks` maps a lowercase uuid to its page title and text.
pub fn resolve_references(body: &str, blocks: &HashMap<String, (String, String)>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("((") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let target = after
            .find("))")
            .map(|end| (end, after[..end].trim().to_lowercase()))
            .and_then(|(end, id)| blocks.get(&id).map(|b| (end, id, b)));
        match target {
            Some((end, id, (title, text))) => {
                out.push_str(&format!("[[{title}#^{id}|{text}]]"));
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("((");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A page title from a Logseq file name: `a___b` (and the older `a%2Fb`) is the namespace page
/// `a/b`; journals named `2024_01_15` are titled as Logseq shows them, `Jan 15th, 2024`.
pub fn title_from_file(stem: &str, journal: bool) -> String {
    if journal {
        if let Some(title) = journal_title(stem) {
            return title;
        }
    }
    stem.replace("___", "/")
        .replace("%2F", "/")
        .replace("%2f", "/")
}

fn journal_title(stem: &str) -> Option<String> {
    let mut parts = stem.split(['_', '-']);
    let year: u32 = parts.next()?.parse().ok()?;
    let month: usize = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let name = MONTHS.get(month.checked_sub(1)?)?;
    if parts.next().is_some() || !(1..=31).contains(&day) {
        return None;
    }
    let suffix = match (day % 10, day) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    Some(format!("{name} {day}{suffix}, {year}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::card::{parse_cards, CardKind};

    #[test]
    fn page_properties_become_front_matter() {
        let page = convert_page(
            "title:: Rust/Ownership\ntags:: rust, memory\nalias:: borrow: rules\n\n- first\n",
        );
        assert_eq!(page.title.as_deref(), Some("Rust/Ownership"));
        assert_eq!(
            page.body,
            "---\ntags: rust, memory\nalias: \"borrow: rules\"\n---\n- first\n"
        );
        // Newer Logseq: the properties are a first block of their own.
        let page = convert_page("- title:: T\n  tags:: x\n- first\n");
        assert_eq!(page.title.as_deref(), Some("T"));
        assert_eq!(page.body, "---\ntags: x\n---\n- first\n");
    }

    #[test]
    fn the_outline_stays_a_list_and_block_properties_lose_a_colon() {
        let page =
            convert_page("- a\n\t- b\n\t  more of b\n\t  collapsed:: true\n\t  owner:: me\n- c");
        assert_eq!(page.body, "- a\n  - b\n    more of b\n    owner: me\n- c\n");
        assert!(parse_cards(&page.body).is_empty());
    }

    #[test]
    fn block_ids_become_anchors_and_references_links() {
        let page = convert_page(
            "- The [[mitochondria]] is the powerhouse\n  id:: 6500A1B2-0000-4000-8000-000000000001\n- see ((6500a1b2-0000-4000-8000-000000000001)) and ((deadbeef))",
        );
        assert_eq!(
            page.blocks,
            vec![(
                "6500a1b2-0000-4000-8000-000000000001".into(),
                "The mitochondria is the powerhouse".into()
            )]
        );
        assert!(page.body.starts_with(
            "- The [[mitochondria]] is the powerhouse ^6500a1b2-0000-4000-8000-000000000001\n"
        ));
        let known: HashMap<String, (String, String)> = page
            .blocks
            .iter()
            .map(|(id, text)| (id.clone(), ("Cells".to_string(), text.clone())))
            .collect();
        assert_eq!(
            resolve_references("see ((6500a1b2-0000-4000-8000-000000000001)) and ((deadbeef))", &known),
            "see [[Cells#^6500a1b2-0000-4000-8000-000000000001|The mitochondria is the powerhouse]] and ((deadbeef))"
        );
        assert_eq!(resolve_references("((  unclosed", &known), "((  unclosed");
    }

    #[test]
    fn card_blocks_become_cards() {
        let page = convert_page(
            "- Capital of France? #card\n\t- Paris\n- Longer #card\n\t- line one\n\t- line two\n- {{cloze Ottawa}} is the capital of Canada #card\n- plain\n- {{cloze Bern}} is in Switzerland\n",
        );
        assert_eq!(page.cards, 3);
        let cards = parse_cards(&page.body);
        let brief: Vec<(CardKind, String)> =
            cards.iter().map(|c| (c.kind, c.back.clone())).collect();
        assert_eq!(
            brief,
            vec![
                (CardKind::Basic, "Paris".to_string()),
                (CardKind::Basic, "line one\n  line two".to_string()),
                (
                    CardKind::Cloze { number: 1 },
                    "- **Ottawa** is the capital of Canada".to_string()
                ),
                (
                    CardKind::Cloze { number: 1 },
                    "- **Bern** is in Switzerland".to_string()
                ),
            ]
        );
        assert!(page.body.contains("- plain\n"));
        assert!(!page.body.contains("#card"));
    }

    #[test]
    fn file_names_and_journals() {
        assert_eq!(title_from_file("rust___ownership", false), "rust/ownership");
        assert_eq!(title_from_file("a%2Fb", false), "a/b");
        assert_eq!(title_from_file("2024_01_15", true), "Jan 15th, 2024");
        assert_eq!(title_from_file("2024_03_02", true), "Mar 2nd, 2024");
        assert_eq!(title_from_file("2024_03_12", true), "Mar 12th, 2024");
        assert_eq!(title_from_file("2024_13_01", true), "2024_13_01");
        assert_eq!(title_from_file("notes", true), "notes");
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "",
            "-",
            "- ",
            "\t\t- x",
            "::",
            "a:: ",
            "- {{cloze",
            "- ((",
            "é\t- ü #card",
            "- x #card\n- #card",
        ] {
            let page = convert_page(text);
            let _ = resolve_references(&page.body, &HashMap::new());
        }
    }
}
