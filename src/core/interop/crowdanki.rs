//! CrowdAnki decks (`deck.json`) in: a note of cards per deck and sub-deck.

use std::collections::HashMap;

use serde::Deserialize;

use crate::core::interop::anki_field::{
    basic_card, cloze_card, deck_notes, deck_report, inert_field, tag_names, Media, Row,
};
use crate::core::interop::source::{Converted, FileReport, SourceFile};
use crate::core::plural;
use crate::core::time::Time;

/// Largest CrowdAnki file read.
const MAX_JSON_BYTES: usize = 64 * 1024 * 1024;

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
pub fn convert(file: &SourceFile) -> Converted {
    let refuse = |why: String| Converted {
        reports: vec![FileReport::refused(&file.path, why)],
        ..Converted::default()
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
    let notes = deck_notes(
        "crowdanki",
        &source,
        rows,
        file.modified.unwrap_or(Time::EPOCH),
    );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::card::CardKind;
    use crate::core::interop::anki_field::test_cards::{cards, file};

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
        let converted = convert(&file("Spanish/deck.json", CROWDANKI));
        let titles: Vec<&str> = converted.notes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["Spanish", "Spanish / Verbs"]);
        assert!(converted.notes[1]
            .body
            .starts_with("---\ntags: [verbs/ar]\n---\n"));
        assert_eq!(
            cards(&converted),
            vec![
                (CardKind::Basic, "perro".into(), "dog![[perro.jpg]]".into()),
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
            "5 cards in 2 notes; 1 note without a front and a back left out; 1 media file linked (pick the deck's media files too to keep them)."
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
            let converted = convert(&file("deck.json", text));
            assert!(converted.notes.is_empty());
            assert_eq!(converted.reports[0].message, why, "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_json_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let file = SourceFile { path: "x.txt".into(), bytes, modified: None };
            let _ = convert(&file);
        }
    }
}
