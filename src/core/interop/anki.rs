//! Anki "Notes in Plain Text" exports and CSV/TSV files in: a card per row, in a note per deck.

use crate::core::interop::anki_field::{
    basic_card, cloze_card, deck_notes, deck_report, inert_field, tag_names, Media, Row,
};
use crate::core::interop::source::{Converted, SourceFile};
use crate::core::plural;
use crate::core::time::Time;

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
pub fn convert(file: &SourceFile) -> Converted {
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
    let notes = deck_notes(
        "anki",
        &file.path,
        rows,
        file.modified.unwrap_or(Time::EPOCH),
    );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::card::CardKind;
    use crate::core::interop::anki_field::test_cards::{cards, file};

    #[test]
    fn a_plain_text_export_with_headers() {
        let text =
            "#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n#tags column:5\n\
            Basic\tGeo::Europe\tCapital of <b>France</b>\tParis<br>on the Seine\tgeo europe::west\n\
            Basic (and reversed card)\tGeo::Europe\tSpain\tMadrid\t\n\
            Cloze\tHistory\tThe {{c1::Magna Carta}} was sealed in {{c2::1215}}\tEngland\t\n\
            Basic\tHistory\tno back\t\t\n";
        let converted = convert(&file("decks/export.txt", text));
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
            convert(&file("decks/export.txt", text)).notes[0].id,
            converted.notes[0].id
        );
    }

    #[test]
    fn csv_quoting_and_guessed_separators() {
        let text = "\"Front, with comma\",\"Back with \"\"quotes\"\"\nand a line\"\nplain,simple\r\nragged\nthree,fields,here\n";
        let converted = convert(&file("My deck.csv", text));
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
        let converted = convert(&file("h.txt", text));
        let body = &converted.notes[0].body;
        for word in ["script", "onerror", "javascript", "href", "img"] {
            assert!(!body.contains(word), "{word} in {body}");
        }
        // `&lt;b&gt;` was text in Anki and stays text: the renderer shows it, escaped.
        assert_eq!(
            cards(&converted),
            vec![
                (
                    CardKind::Basic,
                    "Q![[x]]".into(),
                    "A ![[x.mp3]] <b> A".into()
                ),
                (CardKind::Basic, "a : : b".into(), "\\?".into()),
            ]
        );
        assert!(converted.reports[0]
            .message
            .contains("2 media files linked (pick the deck's media files too to keep them)"));
    }

    #[test]
    fn old_files_and_empty_ones() {
        let latin = SourceFile {
            path: "old.txt".into(),
            bytes: b"caf\xe9\tcoffee \x80\n".to_vec(),
            modified: None,
        };
        let converted = convert(&latin);
        assert_eq!(
            cards(&converted),
            vec![(CardKind::Basic, "café".into(), "coffee €".into())]
        );
        assert!(converted.reports[0].message.contains("Windows-1252"));
        let empty = convert(&file("empty.csv", ""));
        assert!(empty.notes.is_empty());
        assert_eq!(
            empty.reports[0].outcome,
            crate::core::interop::Outcome::Refused
        );
    }

    #[test]
    fn large_decks_are_split_into_notes() {
        let text: String = (0..1_203).map(|i| format!("q{i}\ta{i}\n")).collect();
        let converted = convert(&file("big.txt", &text));
        let titles: Vec<&str> = converted.notes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["big (1)", "big (2)", "big (3)"]);
        assert_eq!(cards(&converted).len(), 1_203);
    }

    proptest::proptest! {
        #[test]
        fn any_text_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let file = SourceFile { path: "x.txt".into(), bytes, modified: None };
            let _ = convert(&file);
        }
    }
}
