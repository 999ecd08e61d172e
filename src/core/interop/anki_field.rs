//! Anki's notes made into Loam cards, as both Anki readers need: fields reduced from HTML to inert
//! Markdown, card text for each note type, and cards grouped into notes by deck.

use std::collections::HashMap;

use crate::core::attachment::name;
use crate::core::card::parse_cards;
use crate::core::exchange::bundle::BundleNote;
use crate::core::interop::source::{stable_id, usable_title, Converted, FileReport};
use crate::core::note::MAX_TITLE_CHARS;
use crate::core::plural;
use crate::core::time::Time;

/// Cards per note: a deck of thousands becomes several notes that open quickly.
pub const CARDS_PER_NOTE: usize = 500;

/// One Anki note turned into Loam card text, with the deck it belongs to.
pub(crate) struct Row {
    pub(crate) deck: String,
    pub(crate) text: String,
    pub(crate) tags: Vec<String>,
}

/// A deck name as a note title: Anki's `Parent::Child` as `Parent / Child`, link syntax
/// replaced, never empty.
pub(crate) fn deck_title(deck: &str) -> String {
    // Room is left for a part number.
    usable_title(&deck.replace("::", " / "), "Anki deck", MAX_TITLE_CHARS - 6)
}

// ---------------------------------------------------------------------------------------------
// HTML fields to Markdown.

/// Media an Anki field referred to, left out of the card.
#[derive(Default)]
pub(crate) struct Media(pub(crate) usize);

/// Reduces an Anki field's HTML to Markdown text: bold and italics kept, line breaks kept,
/// images (`<img src>`) and sounds (`[sound:…]`) as embeds of the media file of that name
/// (counted), every other tag dropped, entities decoded. Nothing of the HTML survives as markup,
/// so nothing in it can run.
pub(crate) fn field_text(field: &str, html: bool, media: &mut Media) -> String {
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("[sound:") {
            media.0 += 1;
            let end = after.find(']').unwrap_or(after.len());
            push_embed(&mut out, &after[..end]);
            rest = after.get(end + 1..).unwrap_or("");
            continue;
        }
        if html && rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let tag = rest[1..end.saturating_sub(1).max(1)].trim().to_lowercase();
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            match name.as_str() {
                "b" | "strong" => out.push_str("**"),
                "i" | "em" => out.push('*'),
                "br" | "div" | "p" | "li" | "tr" if !out.is_empty() && !out.ends_with('\n') => {
                    out.push('\n')
                }
                "img" if !tag.starts_with('/') => {
                    media.0 += 1;
                    if let Some(src) = attribute(&rest[..end], "src") {
                        push_embed(&mut out, &src);
                    }
                }
                "audio" | "video" if !tag.starts_with('/') => media.0 += 1,
                _ => {}
            }
            // Script and style bodies are code, not text.
            if (name == "script" || name == "style") && !tag.starts_with('/') {
                let close = format!("</{name}");
                let after = &rest[end..];
                rest = after
                    .to_lowercase()
                    .find(&close)
                    .and_then(|at| after[at..].find('>').map(|e| &after[at + e + 1..]))
                    .unwrap_or("");
                continue;
            }
            rest = &rest[end..];
            continue;
        }
        if html && rest.starts_with('&') {
            if let Some((decoded, used)) = entity(rest) {
                out.push(decoded);
                rest = &rest[used..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    // Markup that an editor left empty (`<b></b>`) is no emphasis.
    let out = out.replace("****", "").replace("**\n**", "\n");
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// An embed of the media file `reference` names (Anki keeps media by file name; an address
/// on the web stays one), or nothing when no usable name is left.
fn push_embed(out: &mut String, reference: &str) {
    let reference = decode_entities(reference.trim());
    let remote = ["http://", "https://"]
        .iter()
        .any(|scheme| reference.to_ascii_lowercase().starts_with(scheme));
    if remote {
        if !reference.contains([' ', ')', '(']) {
            out.push_str(&format!("![]({reference})"));
        }
        return;
    }
    let name = name::clean(&reference, "");
    if !name.is_empty() {
        out.push_str(&format!("![[{name}]]"));
    }
}

/// The value of attribute `wanted` in a start tag (`<img class=x src="a b.png">`), quoted or not.
fn attribute(tag: &str, wanted: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(wanted) {
        let at = from + found;
        from = at + wanted.len();
        let before_ok = lower[..at].ends_with(|c: char| c.is_whitespace());
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let value = tag[value_start..].trim_start();
        return Some(match value.chars().next() {
            Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or("").to_string(),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
                .to_string(),
        });
    }
    None
}

/// Entities decoded in an attribute's value.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '&' {
            if let Some((decoded, used)) = entity(rest) {
                out.push(decoded);
                rest = &rest[used..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

pub(crate) fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.find(';').filter(|&e| e <= 10)?;
    let name = &text[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let code = match name.strip_prefix('#') {
                Some(hex) if hex.starts_with(['x', 'X']) => {
                    u32::from_str_radix(&hex[1..], 16).ok()?
                }
                Some(dec) => dec.parse().ok()?,
                None => return None,
            };
            char::from_u32(code).filter(|c| !c.is_control() || *c == '\n')?
        }
    };
    Some((c, end + 1))
}

/// Keeps a field from reading as card syntax it does not mean: a `::` would split the card again
/// and a line of `?` would end the front.
pub(crate) fn inert(text: &str) -> String {
    outside_clozes(text, |part| part.replace("::", ": :"))
        .lines()
        .map(|l| {
            if matches!(l.trim(), "?" | "??") {
                "\\?"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Applies `change` to the text outside `{{cN::…}}` clozes, whose `::` are their syntax.
pub(crate) fn outside_clozes(text: &str, change: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{c") {
        let Some(end) = rest[at..].find("}}") else {
            break;
        };
        out.push_str(&change(&rest[..at]));
        out.push_str(&rest[at..at + end + 2]);
        rest = &rest[at + end + 2..];
    }
    out.push_str(&change(rest));
    out
}

/// The card text for a front and back: one line when both are, else the `?` form.
pub(crate) fn basic_card(front: &str, back: &str, reversed: bool) -> String {
    if !front.contains('\n') && !back.contains('\n') {
        let marker = if reversed { ":::" } else { "::" };
        format!("{front} {marker} {back}")
    } else {
        let marker = if reversed { "??" } else { "?" };
        format!("{front}\n{marker}\n{back}")
    }
}

/// A cloze note's text, with its extra field on a line of its own.
pub(crate) fn cloze_card(text: &str, extra: &str) -> String {
    if extra.is_empty() {
        text.to_string()
    } else {
        format!("{text}\n{extra}")
    }
}

/// Anki tags as Loam keeps them: hierarchies `a::b` as `a/b`, link syntax left out.
pub(crate) fn tag_names<'t>(tags: impl IntoIterator<Item = &'t str>) -> Vec<String> {
    tags.into_iter()
        .map(|t| {
            t.trim()
                .replace("::", "/")
                .replace(['[', ']', '|', '#', '^', ',', '"'], "")
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Groups rows by deck into notes of at most [`CARDS_PER_NOTE`] cards, ids stable per deck.
pub(crate) fn deck_notes(kind: &str, source: &str, rows: Vec<Row>, time: Time) -> Vec<BundleNote> {
    let mut order: Vec<String> = Vec::new();
    let mut decks: HashMap<String, Vec<Row>> = HashMap::new();
    for row in rows {
        if !decks.contains_key(&row.deck) {
            order.push(row.deck.clone());
        }
        decks.entry(row.deck.clone()).or_default().push(row);
    }
    let mut notes = Vec::new();
    for deck in order {
        let cards = decks.remove(&deck).unwrap_or_default();
        let parts = cards.chunks(CARDS_PER_NOTE).count();
        for (i, chunk) in cards.chunks(CARDS_PER_NOTE).enumerate() {
            // The cards' tags, together, as the note's front matter tags.
            let mut tags: Vec<&str> = Vec::new();
            for tag in chunk.iter().flat_map(|r| &r.tags) {
                if !tags.contains(&tag.as_str()) {
                    tags.push(tag);
                }
            }
            let front_matter = if tags.is_empty() {
                String::new()
            } else {
                format!("---\ntags: [{}]\n---\n", tags.join(", "))
            };
            let texts: Vec<&str> = chunk.iter().map(|r| r.text.as_str()).collect();
            let title = if parts > 1 {
                format!("{} ({})", deck_title(&deck), i + 1)
            } else {
                deck_title(&deck)
            };
            notes.push(BundleNote {
                id: stable_id(kind, &format!("{source}\u{0}{deck}\u{0}{i}")).into(),
                title,
                body: front_matter + &texts.join("\n\n") + "\n",
                created: time,
                updated: time,
            });
        }
    }
    notes
}

/// Cards the notes hold, as the deck will count them (both ways counts two).
pub(crate) fn card_count(notes: &[BundleNote]) -> usize {
    notes.iter().map(|n| parse_cards(&n.body).len()).sum()
}

/// The notes of a deck file and its report line: cards and notes made, then what was left out.
pub(crate) fn deck_report(
    path: &str,
    notes: Vec<BundleNote>,
    media: Media,
    mut more: Vec<String>,
) -> Converted {
    let mut message = format!(
        "{} in {}",
        plural(card_count(&notes), "card"),
        plural(notes.len(), "note")
    );
    if media.0 > 0 {
        more.insert(
            more.len().min(1),
            format!(
                "{} linked (pick the deck's media files too to keep them)",
                plural(media.0, "media file")
            ),
        );
    }
    for part in more {
        message.push_str("; ");
        message.push_str(&part);
    }
    let report = if notes.is_empty() {
        FileReport::refused(path, format!("No cards found: {message}."))
    } else {
        FileReport::imported(path, format!("{message}."))
    };
    Converted {
        notes,
        reports: vec![report],
        ..Converted::default()
    }
}

#[cfg(test)]
mod media_tests {
    use super::*;

    #[test]
    fn pictures_and_sounds_become_embeds_of_their_files() {
        let mut media = Media::default();
        let text = field_text(
            "<img class=x src='a b.jpg'> <IMG SRC=c.png/> [sound:../d&amp;e.mp3] <img src=\"https://e.org/f.gif\"> <img alt=none>",
            true,
            &mut media,
        );
        assert_eq!(
            text,
            "![[a b.jpg]] ![[c.png]] ![[d&e.mp3]] ![](https://e.org/f.gif)"
        );
        assert_eq!(media.0, 5);
        assert_eq!(
            attribute("<img data-src=x src=y>", "src").as_deref(),
            Some("y")
        );
    }
}

pub(crate) fn inert_field(field: &str, html: bool, media: &mut Media) -> String {
    inert(&field_text(field, html, media))
}

#[cfg(test)]
pub(crate) mod test_cards {
    use crate::core::card::{parse_cards, CardKind};
    use crate::core::interop::source::{Converted, SourceFile};

    pub(crate) fn file(path: &str, text: &str) -> SourceFile {
        crate::core::interop::source::test_file(
            path,
            text,
            Some(crate::core::time::Time::from_ms(5.0)),
        )
    }

    /// (kind, front, back) of every card in the converted notes.
    pub(crate) fn cards(converted: &Converted) -> Vec<(CardKind, String, String)> {
        converted
            .notes
            .iter()
            .flat_map(|n| parse_cards(&n.body))
            .map(|c| (c.kind, c.front, c.back))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_html_reduces_without_markup(text in "[<>a-z/=\" ]{0,80}") {
            let reduced = field_text(&text, true, &mut Media(0));
            proptest::prop_assert!(!reduced.contains('<'), "{}", reduced);
        }
    }
}
