//! Cards out as Anki "Notes in Plain Text": every card of some notes as a row Anki imports.

use crate::core::card::{parse_cards, CardKind, ParsedCard};
use crate::core::html::push_escaped;
use crate::core::note::Note;

/// Every card of these notes as Anki "Notes in Plain Text": a note type column (Basic, Basic
/// (and reversed card), Cloze), the fields as HTML, and tags (the card's trailing `#tags`, the
/// note's front matter tags and its title). Wiki-links show as their text.
pub fn export_cards(notes: &[&Note]) -> String {
    let mut out = String::from("#separator:tab\n#html:true\n#notetype column:1\n#tags column:4\n");
    for note in notes {
        let mut note_tags = front_matter_tags(&note.body);
        note_tags.push(note.title.split_whitespace().collect::<Vec<_>>().join("_"));
        let cards = parse_cards(&note.body);
        let mut done_paragraphs: Vec<std::ops::Range<usize>> = Vec::new();
        for card in &cards {
            let row = match card.kind {
                CardKind::Basic => {
                    let reversed = cards
                        .iter()
                        .any(|c| c.kind == CardKind::Reverse && c.range == card.range);
                    let (back, tags) = split_tags(&card.back);
                    let kind = if reversed {
                        "Basic (and reversed card)"
                    } else {
                        "Basic"
                    };
                    Some((kind, html_field(&card.front), html_field(&back), tags))
                }
                CardKind::Reverse => None,
                CardKind::Cloze { .. } | CardKind::Highlight { .. } => {
                    if done_paragraphs.contains(&card.range) {
                        None
                    } else {
                        done_paragraphs.push(card.range.clone());
                        let (text, tags) = split_tags(&cloze_text(card));
                        Some(("Cloze", html_field(&text), String::new(), tags))
                    }
                }
            };
            if let Some((kind, front, back, mut tags)) = row {
                tags.extend(note_tags.iter().cloned());
                out.push_str(&format!("{kind}\t{front}\t{back}\t{}\n", tags.join(" ")));
            }
        }
    }
    out
}

/// The `tags:` of a note's front matter (`[a, b]` or `a, b`), hierarchies as Anki's `a::b`.
fn front_matter_tags(body: &str) -> Vec<String> {
    let head = &body[..crate::core::markdown::front_matter_end(body)];
    head.lines()
        .find_map(|line| line.strip_prefix("tags:"))
        .map(|value| {
            value
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(|t| {
                    t.trim()
                        .trim_matches('"')
                        .replace('/', "::")
                        .replace(' ', "_")
                })
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// A cloze or highlight card's paragraph with every deletion as Anki's `{{cN::…}}`.
fn cloze_text(card: &ParsedCard) -> String {
    let text = card.text.clone().unwrap_or_else(|| card.front.clone());
    // Highlights become clozes numbered in order.
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    let mut number = 0;
    while let Some(at) = rest.find("==") {
        let Some(end) = rest[at + 2..].find("==") else {
            break;
        };
        number += 1;
        out.push_str(&rest[..at]);
        out.push_str(&format!(
            "{{{{c{number}::{}}}}}",
            &rest[at + 2..at + 2 + end]
        ));
        rest = &rest[at + 2 + end + 2..];
    }
    out.push_str(rest);
    out
}

/// Trailing `#tag` words of a back, apart.
fn split_tags(text: &str) -> (String, Vec<String>) {
    let mut words: Vec<&str> = text.split(' ').collect();
    let mut tags = Vec::new();
    while let Some(last) = words.last() {
        match last.strip_prefix('#') {
            Some(tag) if !tag.is_empty() && !tag.contains(['\n', '#']) => {
                tags.insert(0, tag.replace('/', "::"));
                words.pop();
            }
            _ => break,
        }
    }
    (words.join(" ").trim_end().to_string(), tags)
}

/// Card Markdown as an Anki HTML field: escaped as all HTML is (quotes too), line breaks as
/// `<br>`, bold and italics as tags, wiki-links as their shown text; never a tab or a line break.
fn html_field(markdown: &str) -> String {
    let text = linked_text(markdown);
    let mut out = String::with_capacity(text.len());
    let mut bold = false;
    let mut italic = false;
    let mut rest = text.as_str();
    while let Some(at) = rest.find(['*', '\n', '\t']) {
        push_escaped(&mut out, &rest[..at]);
        let special = rest.as_bytes()[at];
        let after = &rest[at + 1..];
        rest = after;
        match special {
            b'\n' => out.push_str("<br>"),
            b'\t' => out.push(' '),
            _ => {
                if let Some(after_bold) = after.strip_prefix('*') {
                    rest = after_bold;
                    out.push_str(if bold { "</b>" } else { "<b>" });
                    bold = !bold;
                } else {
                    out.push_str(if italic { "</i>" } else { "<i>" });
                    italic = !italic;
                }
            }
        }
    }
    push_escaped(&mut out, rest);
    if bold {
        out.push_str("</b>");
    }
    if italic {
        out.push_str("</i>");
    }
    out
}

/// `[[Target|shown]]` as `shown`, `[[Target]]` as `Target`.
fn linked_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut copied = 0;
    for link in crate::core::note::link::scan(markdown) {
        out.push_str(&markdown[copied..link.range.start]);
        out.push_str(link.alias.unwrap_or(link.target));
        copied = link.range.end;
    }
    out.push_str(&markdown[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::interop::anki;
    use crate::core::interop::anki_field::test_cards::{cards, file};
    use crate::core::time::Time;

    fn note(title: &str, body: &str) -> Note {
        Note {
            id: "n".into(),
            title: title.into(),
            body: body.into(),
            created: Time::from_ms(0.0),
            updated: Time::from_ms(0.0),
            origin: None,
        }
    }

    #[test]
    fn every_card_kind_exports_as_anki_reads_it() {
        let n = note(
            "Geo Notes",
            "Capital of **France** :: Paris #geo\n\nSpain ::: Madrid\n\nThe {{c1::Seine}} flows {{c2::west}}.\n\n==Loam== is [[Soil|a soil]].\n\nA\tB\n?\nline 1\nline 2",
        );
        let text = export_cards(&[&n]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "#separator:tab",
                "#html:true",
                "#notetype column:1",
                "#tags column:4",
                "Basic\tCapital of <b>France</b>\tParis\tgeo Geo_Notes",
                "Basic (and reversed card)\tSpain\tMadrid\tGeo_Notes",
                "Cloze\tThe {{c1::Seine}} flows {{c2::west}}.\t\tGeo_Notes",
                "Cloze\t{{c1::Loam}} is a soil.\t\tGeo_Notes",
                "Basic\tA B\tline 1<br>line 2\tGeo_Notes",
            ]
        );
    }

    #[test]
    fn exported_cards_import_back_the_same() {
        let n = note(
            "Deck",
            "Capital of **France** :: Paris\n\nSpain ::: Madrid\n\nThe {{c1::Seine}} flows.",
        );
        let exported = export_cards(&[&n]);
        let back = anki::convert(&file("cards.txt", &exported));
        let original: Vec<(CardKind, String)> = parse_cards(&n.body)
            .into_iter()
            .map(|c| (c.kind, c.front))
            .collect();
        let again: Vec<(CardKind, String)> = cards(&back)
            .into_iter()
            .map(|(kind, front, _)| (kind, front))
            .collect();
        assert_eq!(again, original);
    }
}
