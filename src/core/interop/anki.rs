//! Anki in and out: "Notes in Plain Text" and CSV files and CrowdAnki `deck.json` become notes
//! of cards (one note per deck), and every card leaves as text Anki imports.

use std::collections::HashMap;

use serde::Deserialize;

use crate::core::card::{parse_cards, CardKind, ParsedCard};
use crate::core::exchange::bundle::BundleNote;
use crate::core::interop::source::{stable_id, usable_title, Converted, FileReport, SourceFile};
use crate::core::note::{Note, MAX_TITLE_CHARS};
use crate::core::plural;

/// Cards per note: a deck of thousands becomes several notes that open quickly.
pub const CARDS_PER_NOTE: usize = 500;
/// Largest CrowdAnki file read.
const MAX_JSON_BYTES: usize = 64 * 1024 * 1024;

/// One Anki note turned into Loam card text, with the deck it belongs to.
struct Row {
    deck: String,
    text: String,
    tags: Vec<String>,
}

/// Text of a file: UTF-8 (a byte-order mark dropped), else Windows-1252 as old exports are.
fn decode_text(bytes: &[u8]) -> (String, bool) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), false),
        Err(_) => (bytes.iter().map(|&b| windows_1252(b)).collect(), true),
    }
}

fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// The file name without folders and extension.
fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// A deck name as a note title: Anki's `Parent::Child` as `Parent / Child`, link syntax
/// replaced, never empty.
fn deck_title(deck: &str) -> String {
    // Room is left for a part number.
    usable_title(&deck.replace("::", " / "), "Anki deck", MAX_TITLE_CHARS - 6)
}

// ---------------------------------------------------------------------------------------------
// HTML fields to Markdown.

/// Media an Anki field referred to, left out of the card.
#[derive(Default)]
struct Media(usize);

/// Reduces an Anki field's HTML to Markdown text: bold and italics kept, line breaks kept, images
/// and sounds dropped (counted), every other tag dropped, entities decoded. Nothing of the HTML
/// survives as markup, so nothing in it can run.
fn field_text(field: &str, html: bool, media: &mut Media) -> String {
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("[sound:") {
            media.0 += 1;
            rest = after.find(']').map_or("", |end| &after[end + 1..]);
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
                "img" | "audio" | "video" if !tag.starts_with('/') => media.0 += 1,
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

fn entity(text: &str) -> Option<(char, usize)> {
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
fn inert(text: &str) -> String {
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
fn outside_clozes(text: &str, change: impl Fn(&str) -> String) -> String {
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
fn basic_card(front: &str, back: &str, reversed: bool) -> String {
    if !front.contains('\n') && !back.contains('\n') {
        let marker = if reversed { ":::" } else { "::" };
        format!("{front} {marker} {back}")
    } else {
        let marker = if reversed { "??" } else { "?" };
        format!("{front}\n{marker}\n{back}")
    }
}

/// A cloze note's text, with its extra field on a line of its own.
fn cloze_card(text: &str, extra: &str) -> String {
    if extra.is_empty() {
        text.to_string()
    } else {
        format!("{text}\n{extra}")
    }
}

/// Anki tags as Loam keeps them: hierarchies `a::b` as `a/b`, link syntax left out.
fn tag_names<'t>(tags: impl IntoIterator<Item = &'t str>) -> Vec<String> {
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
fn deck_notes(kind: &str, source: &str, rows: Vec<Row>, time: f64) -> Vec<BundleNote> {
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
                id: stable_id(kind, &format!("{source}\u{0}{deck}\u{0}{i}")),
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
fn card_count(notes: &[BundleNote]) -> usize {
    notes.iter().map(|n| parse_cards(&n.body).len()).sum()
}

// ---------------------------------------------------------------------------------------------
// Plain text and CSV.

/// What the header lines of an Anki text export say.
struct Header {
    separator: Option<char>,
    html: Option<bool>,
    tags_column: Option<usize>,
    notetype_column: Option<usize>,
    deck_column: Option<usize>,
    guid_column: Option<usize>,
    deck: Option<String>,
    notetype: Option<String>,
}

fn read_header(text: &str) -> (Header, &str) {
    let mut header = Header {
        separator: None,
        html: None,
        tags_column: None,
        notetype_column: None,
        deck_column: None,
        guid_column: None,
        deck: None,
        notetype: None,
    };
    let mut rest = text;
    while let Some(line) = rest.strip_prefix('#') {
        let end = line.find('\n').map_or(line.len(), |e| e + 1);
        let (key, value) = line[..end].trim_end().split_once(':').unwrap_or(("", ""));
        let column = || value.trim().parse::<usize>().ok().filter(|&c| c > 0);
        match key.trim().to_lowercase().as_str() {
            "separator" => {
                header.separator = match value.to_lowercase().as_str() {
                    "tab" => Some('\t'),
                    "comma" => Some(','),
                    "semicolon" => Some(';'),
                    "pipe" => Some('|'),
                    "space" => Some(' '),
                    "colon" => Some(':'),
                    other => other.chars().next(),
                }
            }
            "html" => header.html = Some(value.trim().eq_ignore_ascii_case("true")),
            "tags column" => header.tags_column = column(),
            "notetype column" => header.notetype_column = column(),
            "deck column" => header.deck_column = column(),
            "guid column" => header.guid_column = column(),
            "deck" => header.deck = Some(value.trim().to_string()),
            "notetype" => header.notetype = Some(value.trim().to_string()),
            _ => {}
        }
        rest = &line[end..];
    }
    (header, rest)
}

/// Splits CSV text into rows of fields: quoted fields may hold separators, doubled quotes and
/// line breaks; a quote inside an unquoted field is text.
fn split_rows(text: &str, separator: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            c if c == separator => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows.retain(|r| r.iter().any(|f| !f.trim().is_empty()));
    rows
}

/// Guesses the separator of a file without a `#separator` line, from its first line.
fn guess_separator(text: &str) -> char {
    let first = text.lines().next().unwrap_or("");
    ['\t', ';', ',']
        .into_iter()
        .find(|c| first.contains(*c))
        .unwrap_or('\t')
}

/// Cards from an Anki "Notes in Plain Text" export or a CSV/TSV file: a card per row, in a note
/// per deck (the `#deck:` header, the deck column, or the file's name).
pub fn import_text(file: &SourceFile) -> Converted {
    let (text, latin) = decode_text(&file.bytes);
    let (header, body) = read_header(&text);
    let separator = header.separator.unwrap_or_else(|| guess_separator(body));
    // Without a header, fields that look like markup are read as HTML, as Anki does.
    let html = header
        .html
        .unwrap_or_else(|| body.contains("<br") || body.contains("<div") || body.contains("<b>"));
    let default_deck = header
        .deck
        .clone()
        .unwrap_or_else(|| file_stem(&file.path).to_string());
    let mut media = Media::default();
    let mut rows = Vec::new();
    let mut without_back = 0;
    for fields in split_rows(body, separator) {
        let column = |c: Option<usize>| c.and_then(|c| fields.get(c - 1)).map(String::as_str);
        let meta = [
            header.tags_column,
            header.notetype_column,
            header.deck_column,
            header.guid_column,
        ];
        let content: Vec<String> = fields
            .iter()
            .enumerate()
            .filter(|(i, _)| !meta.contains(&Some(i + 1)))
            .map(|(_, f)| inert_field(f, html, &mut media))
            .collect();
        let notetype = column(header.notetype_column)
            .map(str::to_string)
            .or_else(|| header.notetype.clone())
            .unwrap_or_default()
            .to_lowercase();
        let tags = tag_names(column(header.tags_column).unwrap_or("").split_whitespace());
        let deck = column(header.deck_column)
            .filter(|d| !d.trim().is_empty())
            .map_or_else(|| default_deck.clone(), str::to_string);
        let front = content.first().cloned().unwrap_or_default();
        let card = if notetype.contains("cloze") || front.contains("{{c") {
            let extra = content[1.min(content.len())..].join("\n");
            Some(cloze_card(&front, extra.trim()))
        } else {
            let back = content[1.min(content.len())..]
                .iter()
                .filter(|f| !f.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join("\n");
            (!front.is_empty() && !back.is_empty())
                .then(|| basic_card(&front, &back, notetype.contains("reverse")))
        };
        match card {
            Some(text) => rows.push(Row { deck, text, tags }),
            None => without_back += 1,
        }
    }
    let notes = deck_notes("anki", &file.path, rows, file.modified.unwrap_or(0.0));
    let mut left_out = Vec::new();
    if without_back > 0 {
        left_out.push(format!(
            "{} without a front and a back left out",
            plural(without_back, "row")
        ));
    }
    if latin {
        left_out.push("read as Windows-1252 text, since it is not UTF-8".to_string());
    }
    deck_report(&file.path, notes, media, left_out)
}

/// The notes of a deck file and its report line: cards and notes made, then what was left out.
fn deck_report(
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
            format!("{} left out", plural(media.0, "media file")),
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
    }
}

fn inert_field(field: &str, html: bool, media: &mut Media) -> String {
    inert(&field_text(field, html, media))
}

// ---------------------------------------------------------------------------------------------
// CrowdAnki.

#[derive(Deserialize)]
struct Deck {
    #[serde(default)]
    name: String,
    #[serde(default)]
    crowdanki_uuid: String,
    #[serde(default)]
    children: Vec<Deck>,
    #[serde(default)]
    note_models: Vec<Model>,
    notes: Vec<CrowdNote>,
    #[serde(default)]
    media_files: Vec<String>,
}

#[derive(Deserialize)]
struct Model {
    #[serde(default)]
    crowdanki_uuid: String,
    #[serde(default)]
    name: String,
    /// 0: standard, 1: cloze.
    #[serde(default, rename = "type")]
    kind: u8,
    #[serde(default)]
    tmpls: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct CrowdNote {
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    note_model_uuid: String,
    #[serde(default)]
    tags: Vec<String>,
}

/// Cards from a CrowdAnki export (`deck.json`): a note per deck and sub-deck.
pub fn import_crowdanki(file: &SourceFile) -> Converted {
    let refuse = |why: String| Converted {
        notes: Vec::new(),
        reports: vec![FileReport::refused(&file.path, why)],
    };
    if file.bytes.len() > MAX_JSON_BYTES {
        return refuse("It is too large to read (64 MB at most).".to_string());
    }
    let deck: Deck = match serde_json::from_slice(&file.bytes) {
        Ok(deck) => deck,
        Err(error) if error.is_data() => {
            return refuse("This is not a CrowdAnki deck: it has no list of notes.".to_string())
        }
        Err(_) => return refuse("This is not a CrowdAnki deck: it is not valid JSON.".to_string()),
    };
    let mut models: HashMap<String, &Model> = HashMap::new();
    collect_models(&deck, &mut models);
    let mut rows = Vec::new();
    let mut media = Media(0);
    let mut skipped = 0;
    collect_rows(&deck, "", &models, &mut rows, &mut media, &mut skipped);
    media.0 = media.0.max(count_media(&deck));
    let source = if deck.crowdanki_uuid.is_empty() {
        deck.name.clone()
    } else {
        deck.crowdanki_uuid.clone()
    };
    let notes = deck_notes("crowdanki", &source, rows, file.modified.unwrap_or(0.0));
    let mut left_out = Vec::new();
    if skipped > 0 {
        left_out.push(format!(
            "{} without a front and a back left out",
            plural(skipped, "note")
        ));
    }
    deck_report(&file.path, notes, media, left_out)
}

fn collect_models<'d>(deck: &'d Deck, models: &mut HashMap<String, &'d Model>) {
    for model in &deck.note_models {
        models.insert(model.crowdanki_uuid.clone(), model);
    }
    for child in &deck.children {
        collect_models(child, models);
    }
}

fn count_media(deck: &Deck) -> usize {
    deck.media_files.len() + deck.children.iter().map(count_media).sum::<usize>()
}

fn collect_rows(
    deck: &Deck,
    parent: &str,
    models: &HashMap<String, &Model>,
    rows: &mut Vec<Row>,
    media: &mut Media,
    skipped: &mut usize,
) {
    let name = if parent.is_empty() {
        deck.name.clone()
    } else {
        // CrowdAnki names sub-decks by their full path already; keep only the last part.
        let last = deck.name.rsplit("::").next().unwrap_or(&deck.name);
        format!("{parent}::{last}")
    };
    let mut ignored = Media(0);
    for note in &deck.notes {
        let model = models.get(&note.note_model_uuid);
        let fields: Vec<String> = note
            .fields
            .iter()
            .map(|f| inert_field(f, true, &mut ignored))
            .collect();
        let tags = tag_names(note.tags.iter().map(String::as_str));
        let front = fields.first().cloned().unwrap_or_default();
        let rest: Vec<String> = fields
            .iter()
            .skip(1)
            .filter(|f| !f.is_empty())
            .cloned()
            .collect();
        let cloze = model.is_some_and(|m| m.kind == 1) || front.contains("{{c");
        let text = if cloze {
            Some(cloze_card(&front, &rest.join("\n")))
        } else {
            let reversed = model
                .is_some_and(|m| m.tmpls.len() >= 2 || m.name.to_lowercase().contains("reverse"));
            (!front.is_empty() && !rest.is_empty())
                .then(|| basic_card(&front, &rest.join("\n"), reversed))
        };
        match text {
            Some(text) => rows.push(Row {
                deck: name.clone(),
                text,
                tags,
            }),
            None => *skipped += 1,
        }
    }
    media.0 += ignored.0;
    for child in &deck.children {
        collect_rows(child, &name, models, rows, media, skipped);
    }
}

// ---------------------------------------------------------------------------------------------
// Export.

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

/// Card Markdown as an Anki HTML field: escaped, line breaks as `<br>`, bold and italics as
/// tags, wiki-links as their shown text; never a tab or a line break.
fn html_field(markdown: &str) -> String {
    let text = linked_text(markdown);
    let mut out = String::with_capacity(text.len());
    let mut bold = false;
    let mut italic = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            '\t' => out.push(' '),
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push_str(if bold { "</b>" } else { "<b>" });
                bold = !bold;
            }
            '*' => {
                out.push_str(if italic { "</i>" } else { "<i>" });
                italic = !italic;
            }
            c => out.push(c),
        }
    }
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

    fn file(path: &str, text: &str) -> SourceFile {
        crate::core::interop::source::test_file(path, text, Some(5.0))
    }

    /// (kind, front, back) of every card in the converted notes.
    fn cards(converted: &Converted) -> Vec<(CardKind, String, String)> {
        converted
            .notes
            .iter()
            .flat_map(|n| parse_cards(&n.body))
            .map(|c| (c.kind, c.front, c.back))
            .collect()
    }

    #[test]
    fn a_plain_text_export_with_headers() {
        let text =
            "#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n#tags column:5\n\
            Basic\tGeo::Europe\tCapital of <b>France</b>\tParis<br>on the Seine\tgeo europe::west\n\
            Basic (and reversed card)\tGeo::Europe\tSpain\tMadrid\t\n\
            Cloze\tHistory\tThe {{c1::Magna Carta}} was sealed in {{c2::1215}}\tEngland\t\n\
            Basic\tHistory\tno back\t\t\n";
        let converted = import_text(&file("decks/export.txt", text));
        let titles: Vec<&str> = converted.notes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["Geo / Europe", "History"]);
        assert!(converted.notes[0]
            .body
            .starts_with("---\ntags: [geo, europe/west]\n---\nCapital"));
        assert_eq!(
            cards(&converted),
            vec![
                (
                    CardKind::Basic,
                    "Capital of **France**".into(),
                    "Paris\non the Seine".into()
                ),
                (CardKind::Basic, "Spain".into(), "Madrid".into()),
                (CardKind::Reverse, "Madrid".into(), "Spain".into()),
                (
                    CardKind::Cloze { number: 1 },
                    "The \\[...\\] was sealed in 1215\nEngland".into(),
                    "The **Magna Carta** was sealed in 1215\nEngland".into()
                ),
                (
                    CardKind::Cloze { number: 2 },
                    "The Magna Carta was sealed in \\[...\\]\nEngland".into(),
                    "The Magna Carta was sealed in **1215**\nEngland".into()
                ),
            ]
        );
        assert_eq!(
            converted.reports[0].message,
            "5 cards in 2 notes; 1 row without a front and a back left out."
        );
        // Stable ids: the same file gives the same notes.
        assert_eq!(
            import_text(&file("decks/export.txt", text)).notes[0].id,
            converted.notes[0].id
        );
    }

    #[test]
    fn csv_quoting_and_guessed_separators() {
        let text = "\"Front, with comma\",\"Back with \"\"quotes\"\"\nand a line\"\nplain,simple\r\nragged\nthree,fields,here\n";
        let converted = import_text(&file("My deck.csv", text));
        assert_eq!(converted.notes[0].title, "My deck");
        assert_eq!(
            cards(&converted),
            vec![
                (
                    CardKind::Basic,
                    "Front, with comma".into(),
                    "Back with \"quotes\"\nand a line".into()
                ),
                (CardKind::Basic, "plain".into(), "simple".into()),
                (CardKind::Basic, "three".into(), "fields\nhere".into()),
            ]
        );
        assert!(converted.reports[0]
            .message
            .contains("1 row without a front and a back"));
        assert_eq!(guess_separator("a;b"), ';');
        assert_eq!(guess_separator("a\tb,c"), '\t');
    }

    #[test]
    fn hostile_html_never_survives_and_syntax_stays_inert() {
        let text = "#html:true\n<script>alert(1)</script>Q<img src=x onerror=alert(1)>\t<a href=\"javascript:alert(1)\">A</a> [sound:x.mp3] &lt;b&gt; &#65;\n\
            a :: b\t?\n";
        let converted = import_text(&file("h.txt", text));
        let body = &converted.notes[0].body;
        for word in ["script", "onerror", "javascript", "href", "img"] {
            assert!(!body.contains(word), "{word} in {body}");
        }
        // `&lt;b&gt;` was text in Anki and stays text: the renderer shows it, escaped.
        assert_eq!(
            cards(&converted),
            vec![
                (CardKind::Basic, "Q".into(), "A <b> A".into()),
                (CardKind::Basic, "a : : b".into(), "\\?".into()),
            ]
        );
        assert!(converted.reports[0]
            .message
            .contains("2 media files left out"));
    }

    #[test]
    fn old_files_and_empty_ones() {
        let latin = SourceFile {
            path: "old.txt".into(),
            bytes: b"caf\xe9\tcoffee \x80\n".to_vec(),
            modified: None,
        };
        let converted = import_text(&latin);
        assert_eq!(
            cards(&converted),
            vec![(CardKind::Basic, "café".into(), "coffee €".into())]
        );
        assert!(converted.reports[0].message.contains("Windows-1252"));
        let empty = import_text(&file("empty.csv", ""));
        assert!(empty.notes.is_empty());
        assert_eq!(
            empty.reports[0].outcome,
            crate::core::interop::Outcome::Refused
        );
    }

    #[test]
    fn large_decks_are_split_into_notes() {
        let text: String = (0..1_203).map(|i| format!("q{i}\ta{i}\n")).collect();
        let converted = import_text(&file("big.txt", &text));
        let titles: Vec<&str> = converted.notes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["big (1)", "big (2)", "big (3)"]);
        assert_eq!(cards(&converted).len(), 1_203);
    }

    const CROWDANKI: &str = r#"{
      "__type__": "Deck", "name": "Spanish", "crowdanki_uuid": "d1",
      "media_files": ["perro.jpg"],
      "note_models": [
        {"__type__": "NoteModel", "crowdanki_uuid": "m-basic", "name": "Basic", "type": 0,
         "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
         "tmpls": [{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{Back}}"}]},
        {"__type__": "NoteModel", "crowdanki_uuid": "m-rev", "name": "Basic (and reversed card)", "type": 0,
         "tmpls": [{"name": "Card 1"}, {"name": "Card 2"}]},
        {"__type__": "NoteModel", "crowdanki_uuid": "m-cloze", "name": "Cloze", "type": 1,
         "tmpls": [{"name": "Cloze"}]}
      ],
      "notes": [
        {"__type__": "Note", "fields": ["perro", "dog<img src=\"perro.jpg\">"], "guid": "a", "note_model_uuid": "m-basic", "tags": ["animals"]},
        {"__type__": "Note", "fields": ["gato", "cat"], "guid": "b", "note_model_uuid": "m-rev", "tags": []},
        {"__type__": "Note", "fields": ["El {{c1::perro}} come", "extra"], "guid": "c", "note_model_uuid": "m-cloze", "tags": []},
        {"__type__": "Note", "fields": ["only front"], "guid": "d", "note_model_uuid": "m-basic", "tags": []}
      ],
      "children": [
        {"__type__": "Deck", "name": "Spanish::Verbs", "crowdanki_uuid": "d2", "note_models": [], "children": [],
         "notes": [{"__type__": "Note", "fields": ["comer", "to eat"], "note_model_uuid": "m-basic", "tags": ["verbs::ar"]}]}
      ]
    }"#;

    #[test]
    fn a_crowdanki_deck_with_models_and_a_sub_deck() {
        let converted = import_crowdanki(&file("Spanish/deck.json", CROWDANKI));
        let titles: Vec<&str> = converted.notes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["Spanish", "Spanish / Verbs"]);
        assert!(converted.notes[1]
            .body
            .starts_with("---\ntags: [verbs/ar]\n---\n"));
        assert_eq!(
            cards(&converted),
            vec![
                (CardKind::Basic, "perro".into(), "dog".into()),
                (CardKind::Basic, "gato".into(), "cat".into()),
                (CardKind::Reverse, "cat".into(), "gato".into()),
                (
                    CardKind::Cloze { number: 1 },
                    "El \\[...\\] come\nextra".into(),
                    "El **perro** come\nextra".into()
                ),
                (CardKind::Basic, "comer".into(), "to eat".into()),
            ]
        );
        assert_eq!(
            converted.reports[0].message,
            "5 cards in 2 notes; 1 note without a front and a back left out; 1 media file left out."
        );
    }

    #[test]
    fn wrong_json_is_refused_clearly() {
        for (text, why) in [
            (
                "{\"name\": \"x\"}",
                "This is not a CrowdAnki deck: it has no list of notes.",
            ),
            (
                "[1, 2]",
                "This is not a CrowdAnki deck: it has no list of notes.",
            ),
            (
                "{not json",
                "This is not a CrowdAnki deck: it is not valid JSON.",
            ),
            (
                "{\"notes\": [{\"fields\": 3}]}",
                "This is not a CrowdAnki deck: it has no list of notes.",
            ),
        ] {
            let converted = import_crowdanki(&file("deck.json", text));
            assert!(converted.notes.is_empty());
            assert_eq!(converted.reports[0].message, why, "{text}");
        }
    }

    fn note(title: &str, body: &str) -> Note {
        Note {
            id: "n".into(),
            title: title.into(),
            body: body.into(),
            created: 0.0,
            updated: 0.0,
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
        let back = import_text(&file("cards.txt", &exported));
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

    proptest::proptest! {
        #[test]
        fn any_text_or_json_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let file = SourceFile { path: "x.txt".into(), bytes, modified: None };
            let _ = import_text(&file);
            let _ = import_crowdanki(&file);
        }

        #[test]
        fn any_html_reduces_without_markup(text in "[<>a-z/=\" ]{0,80}") {
            let reduced = field_text(&text, true, &mut Media(0));
            proptest::prop_assert!(!reduced.contains('<'), "{}", reduced);
        }
    }
}
