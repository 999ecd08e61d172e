//! Bundles: notes (and so their cards) packed to travel in a link, a file or an encrypted file.
//! The format is documented in `docs/bundle-format.md`; everything decoded here is hostile.

use serde::{Deserialize, Serialize};

use crate::core::attachment::{references, Attachment, Files};
use crate::core::exchange::carried;
pub use crate::core::exchange::carried::Contents;
use crate::core::exchange::error::{ExchangeError, Reading};
use crate::core::exchange::frame::{json_detail, valid_time};
use crate::core::note::{clean_title, title_key, NoteId};
use crate::core::time::Time;

pub use crate::core::exchange::course::{build, course_of, Course, Elsewhere};
pub use crate::core::exchange::frame::{
    is_sealed, open_frame, seal_frame, valid_id, IV_BYTES, MAX_ID_CHARS, SEALED_MAGIC,
};
pub use crate::core::exchange::link::{
    decode_link_payload, key_from_text, key_to_text, link_payload_bytes, to_link_payload,
    LINK_LIMIT, MAX_LINK_PAYLOAD,
};

/// A note as it travels: no local state (its origin, its cards' schedules) goes with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleNote {
    pub id: NoteId,
    pub title: String,
    pub body: String,
    pub created: Time,
    pub updated: Time,
}

/// What a bundle carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<Course>,
    pub notes: Vec<BundleNote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elsewhere: Vec<Elsewhere>,
    /// Files its notes use; their contents follow the JSON (see [`carried`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Attachment>,
}

impl Bundle {
    /// This bundle with the stored files its notes use, each once, by name.
    pub fn with_files(mut self, files: &Files) -> Bundle {
        let mut used: Vec<Attachment> = Vec::new();
        for note in &self.notes {
            for reference in references(&note.body) {
                if let Some(file) = files.get(&reference) {
                    if !used.iter().any(|u| u.id == file.id) {
                        used.push(file.clone());
                    }
                }
            }
        }
        crate::core::sort_by(&mut used, |a, b| a.id.cmp(&b.id));
        self.files = used;
        self
    }

    /// Bytes of the carried files' contents, each distinct contents once.
    pub fn files_size(&self) -> u64 {
        carried::in_order(&self.files).iter().map(|f| f.size).sum()
    }
}

// ---------------------------------------------------------------------------------------------
// The wire format.

/// First bytes of a plain bundle.
pub const MAGIC: &[u8; 4] = b"LOAM";
/// The format version written today; decoding refuses newer ones.
pub const VERSION: u8 = 1;

/// Whether a file is a Loam bundle, plain or encrypted, by its name (`.loam`, the name sharing
/// gives it) or its first bytes: such a file opens as a bundle wherever it is picked or dropped.
pub fn looks_like_bundle(name: &str, head: &[u8]) -> bool {
    let named = name.len() > 5
        && name
            .get(name.len() - 5..)
            .is_some_and(|end| end.eq_ignore_ascii_case(".loam"));
    // After the magic comes a version byte, which tells a bundle from a backup ("LOAMBACKUP").
    let framed = head.starts_with(MAGIC) && head.get(MAGIC.len()).is_some_and(|v| *v < b' ');
    named || framed || is_sealed(head)
}
/// Most bytes a bundle may unpack to, so a small hostile link cannot fill the memory.
pub const MAX_UNPACKED: usize = 32 * 1024 * 1024;
/// Most notes one bundle may carry.
pub const MAX_NOTES: usize = 20_000;
/// Longest note body, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest course title and author name, in characters.
pub const MAX_COURSE_TEXT_CHARS: usize = 200;

/// Packs a bundle: magic, version, then the raw DEFLATE of its JSON. A bundle with files is
/// written as version 2, and what this returns is only its head: the contents of
/// [`carried::in_order`] follow it, raw.
pub fn encode(bundle: &Bundle) -> Vec<u8> {
    // Plain structs of strings and numbers always serialise.
    let json = serde_json::to_vec(bundle).expect("a bundle serialises to JSON");
    carried::pack(MAGIC, VERSION, &json, !bundle.files.is_empty())
}

/// Unpacks and checks a bundle. Whatever the bytes, the answer is a bundle that keeps every
/// rule in `docs/bundle-format.md` (titles trimmed) or the reason it cannot be opened.
pub fn decode(bytes: &[u8]) -> Result<Bundle, ExchangeError> {
    decode_with_contents(bytes).map(|(bundle, _)| bundle)
}

/// Like [`decode`], with where each carried file's contents lie in `bytes`, by hash.
pub fn decode_with_contents(bytes: &[u8]) -> Result<(Bundle, Contents), ExchangeError> {
    if is_sealed(bytes) {
        return Err(ExchangeError::Sealed);
    }
    let (json, contents_start) =
        carried::unpack(bytes, MAGIC, VERSION, Reading::Bundle, MAX_UNPACKED)?;
    let mut bundle: Bundle = serde_json::from_slice(&json)
        .map_err(|error| ExchangeError::Shape(Reading::Bundle, json_detail(&error)))?;
    validate(&mut bundle)?;
    let contents = carried::place(
        &mut bundle.files,
        contents_start,
        bytes.len(),
        Reading::Bundle,
    )?;
    Ok((bundle, contents))
}

/// Enforces the rules a decoded bundle must keep; trims titles.
fn validate(bundle: &mut Bundle) -> Result<(), ExchangeError> {
    if bundle.notes.is_empty() {
        return Err(ExchangeError::NoNotes);
    }
    if bundle.notes.len() > MAX_NOTES {
        return Err(ExchangeError::TooManyNotes(bundle.notes.len()));
    }
    let mut ids = std::collections::HashSet::new();
    let mut titles = std::collections::HashSet::new();
    for note in &mut bundle.notes {
        if !valid_id(&note.id) {
            return Err(ExchangeError::BadId(Reading::Bundle, note.id.to_string()));
        }
        if !ids.insert(note.id.as_str()) {
            return Err(ExchangeError::DuplicateId(
                Reading::Bundle,
                note.id.to_string(),
            ));
        }
        note.title = clean_title(&note.title).map_err(|reason| ExchangeError::BadTitle {
            reading: Reading::Bundle,
            title: note.title.clone(),
            reason,
        })?;
        if !titles.insert(title_key(&note.title)) {
            return Err(ExchangeError::DuplicateTitle(note.title.clone()));
        }
        if note.body.len() > MAX_BODY_BYTES {
            return Err(ExchangeError::BodyTooLong(note.title.clone()));
        }
        if !valid_time(note.created) || !valid_time(note.updated) {
            return Err(ExchangeError::BadTime(Reading::Bundle, note.title.clone()));
        }
    }
    if let Some(course) = &bundle.course {
        let problem = if !valid_id(&course.id) {
            Some("has an id Loam cannot use")
        } else if course.title.trim().is_empty() {
            Some("has no title")
        } else if course.title.chars().count() > MAX_COURSE_TEXT_CHARS {
            Some("has a title longer than 200 characters")
        } else if course.author.chars().count() > MAX_COURSE_TEXT_CHARS {
            Some("has an author name longer than 200 characters")
        } else if !valid_time(course.created) {
            Some("has an impossible date")
        } else if !ids.contains(course.root.as_str()) {
            Some("starts from a note the bundle does not hold")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(ExchangeError::BadCourse(problem));
        }
    }
    if bundle.elsewhere.len() > MAX_NOTES {
        return Err(ExchangeError::TooManyNotes(bundle.elsewhere.len()));
    }
    for other in &mut bundle.elsewhere {
        match clean_title(&other.title) {
            Ok(title) if other.course.chars().count() <= MAX_COURSE_TEXT_CHARS => {
                other.title = title;
            }
            _ => {
                return Err(ExchangeError::BadElsewhere(
                    Reading::Bundle,
                    other.title.clone(),
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::note::TitleError;
    use proptest::prelude::*;

    #[test]
    fn bundle_files_are_known_by_their_name_or_their_first_bytes() {
        assert!(looks_like_bundle("Spanish basics.loam", b""));
        assert!(looks_like_bundle("COURSE.LOAM", b"PK"));
        assert!(looks_like_bundle("download-1234", b"LOAM\x01\xed"));
        assert!(!looks_like_bundle("download-1234", b"LOAMBACKUP"));
        assert!(looks_like_bundle("download-1234", b"LOAMX\x01"));
        assert!(!looks_like_bundle(".loam", b""));
        assert!(!looks_like_bundle(
            "notes.loambackup",
            b"LOAMB"[..2].as_ref()
        ));
        assert!(!looks_like_bundle("deck.json", b"{\"a\""));
        assert!(!looks_like_bundle("\u{e9}.loa", b""));
    }

    fn note(id: &str, title: &str, body: &str) -> BundleNote {
        BundleNote {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            created: Time::from_ms(1_700_000_000_000.0),
            updated: Time::from_ms(1_700_000_100_000.0),
        }
    }

    pub(crate) fn sample() -> Bundle {
        Bundle {
            course: Some(Course {
                id: "c-1".into(),
                title: "Capitals".into(),
                author: "Ann".into(),
                version: 7,
                created: Time::from_ms(1_700_000_000_000.0),
                root: "n1".into(),
            }),
            notes: vec![
                note(
                    "n1",
                    "Europe",
                    "France :: Paris ^fr\n\nSee [[Asia]] and [[Maps]].",
                ),
                note("n2", "Asia", "{{c1::Tokyo}} is in Japan. 日本"),
            ],
            elsewhere: vec![Elsewhere {
                title: "Maps".into(),
                course: "Geography".into(),
            }],
            files: Vec::new(),
        }
    }

    /// Packs raw JSON the way [`encode`] packs a bundle, to reach the checks after unpacking.
    fn pack(json: &[u8]) -> Vec<u8> {
        let mut bytes = b"LOAM\x01".to_vec();
        bytes.extend(miniz_oxide::deflate::compress_to_vec(json, 6));
        bytes
    }

    fn with(change: impl FnOnce(&mut Bundle)) -> Result<Bundle, ExchangeError> {
        let mut bundle = sample();
        change(&mut bundle);
        decode(&encode(&bundle))
    }

    #[test]
    fn round_trip_and_header() {
        let bundle = sample();
        let bytes = encode(&bundle);
        assert_eq!(&bytes[..5], b"LOAM\x01");
        assert_eq!(decode(&bytes), Ok(bundle.clone()));
        assert_eq!(decode_link_payload(&to_link_payload(&bytes)), Ok(bundle));
    }

    /// Made by another DEFLATE implementation, so neither side of the format can drift.
    const GOLDEN: &str = "TE9BTQFlj0EKwjAQRa9S_jpI22V2IrgTBd3VCrEdaaBMSpIqUnogz-HFHGsFweUb_v-PGVC53geCHmBraFQZFKKNrZxwsHwXNH1snBdeMgteyQfrGDpXqDyZSFLM0jRV8M5FyXGGUYFdpABdzMv8u7wyl-dD-Ozqu-DOeBsSrZO1N1xRcuqOfOQ9UVIU29iQL8sF_mx9V38wFxxLBWoD3SRNk_Xrmgbe7flTbEwXMJbjCw";

    #[test]
    fn golden_wire_format() {
        let expected = Bundle {
            course: Some(Course {
                id: "c1".into(),
                title: "Tiny".into(),
                author: "Ann".into(),
                version: 2,
                created: Time::from_ms(1000.0),
                root: "n1".into(),
            }),
            notes: vec![BundleNote {
                id: "n1".into(),
                title: "Café".into(),
                body: "Paris :: France ^p\n\nSee [[Other]].".into(),
                created: Time::from_ms(1000.0),
                updated: Time::from_ms(2000.0),
            }],
            elsewhere: vec![Elsewhere {
                title: "Other".into(),
                course: "Maps".into(),
            }],
            files: Vec::new(),
        };
        assert_eq!(decode_link_payload(GOLDEN), Ok(expected.clone()));
        assert_eq!(
            decode_link_payload(&to_link_payload(&encode(&expected))),
            Ok(expected)
        );
    }

    #[test]
    fn files_its_notes_use_travel_with_a_bundle() {
        use crate::core::attachment::Kind;
        let at = Time::from_ms(3.0);
        let files = Files::from_records(vec![
            Attachment::new("map.png", &"a".repeat(64), Kind::Png, 3, at),
            Attachment::new("unused.png", &"b".repeat(64), Kind::Png, 5, at),
        ]);
        let mut bundle = sample();
        bundle.notes[0].body.push_str("\n![[Map.png|100]]");
        let bundle = bundle.with_files(&files);
        assert_eq!(bundle.files.len(), 1);
        assert_eq!(bundle.files_size(), 3);
        let mut bytes = encode(&bundle);
        assert_eq!(bytes[4], carried::WITH_FILES);
        bytes.extend_from_slice(b"PNG");
        let (back, contents) = decode_with_contents(&bytes).unwrap();
        assert_eq!(back, bundle);
        assert_eq!(&bytes[contents[0].1.clone()], b"PNG");
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "cut at {len}");
        }
        // Without files a bundle is written as it always was, so older links stay the same.
        assert_eq!(encode(&sample())[4], VERSION);
    }

    #[test]
    fn wrong_magic_and_versions() {
        let mut bytes = encode(&sample());
        assert_eq!(
            decode(b"PK\x03\x04 a zip file"),
            Err(ExchangeError::NotLoam(Reading::Bundle))
        );
        assert_eq!(
            decode(b"{\"notes\":[]}"),
            Err(ExchangeError::NotLoam(Reading::Bundle))
        );
        // Version 2 carries files; 3 is the first Loam does not know.
        bytes[4] = 3;
        assert_eq!(
            decode(&bytes),
            Err(ExchangeError::NewerVersion(Reading::Bundle, 3))
        );
        bytes[4] = 0;
        assert_eq!(decode(&bytes), Err(ExchangeError::NotLoam(Reading::Bundle)));
        bytes[0] = b'l';
        assert_eq!(decode(&bytes), Err(ExchangeError::NotLoam(Reading::Bundle)));
    }

    #[test]
    fn every_prefix_is_cut_off() {
        let bytes = encode(&sample());
        // Nothing at all is no bundle, not a cut one.
        assert_eq!(decode(&[]), Err(ExchangeError::NotLoam(Reading::Bundle)));
        for len in 1..bytes.len() {
            assert_eq!(
                decode(&bytes[..len]),
                Err(ExchangeError::Truncated(Reading::Bundle)),
                "{len}"
            );
            let text = to_link_payload(&bytes[..len]);
            for cut in [text.len(), text.len().saturating_sub(1)] {
                let result = decode_link_payload(&text[..cut]);
                assert!(
                    matches!(
                        result,
                        Err(ExchangeError::Truncated(Reading::Bundle) | ExchangeError::BadLinkText)
                    ),
                    "{len}/{cut}: {result:?}"
                );
            }
        }
    }

    #[test]
    fn damaged_compression() {
        // A block of the reserved type 3.
        assert_eq!(
            decode(b"LOAM\x01\x07\x00\x00"),
            Err(ExchangeError::Corrupt(Reading::Bundle))
        );
        // Every single flipped byte is caught or harmless, never a panic.
        let bytes = encode(&sample());
        let mut caught = 0;
        for at in 5..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0xa5;
            match decode(&damaged) {
                Ok(bundle) => assert!(validate(&mut bundle.clone()).is_ok()),
                Err(_) => caught += 1,
            }
        }
        assert!(caught > (bytes.len() - 5) / 2, "{caught}");
    }

    #[test]
    fn a_decompression_bomb_is_refused() {
        // 100 MB of spaces squeezes into about 100 kB.
        let bomb = pack(&vec![b' '; 100_000_000]);
        assert!(bomb.len() < 200_000, "{}", bomb.len());
        assert_eq!(decode(&bomb), Err(ExchangeError::TooLarge(Reading::Bundle)));
        assert_eq!(
            ExchangeError::TooLarge(Reading::Bundle).to_string(),
            "This bundle is too large once unpacked (over 32 MiB)."
        );
    }

    #[test]
    fn wrong_json_shape_names_the_field() {
        let shape = |json: &str| match decode(&pack(json.as_bytes())) {
            Err(ExchangeError::Shape(Reading::Bundle, detail)) => detail,
            other => panic!("{json}: {other:?}"),
        };
        assert!(shape("not json").contains("expected"));
        assert!(shape(r#"{"notes": "many"}"#).contains("invalid type"));
        assert!(
            shape(r#"{"notes": [{"id": "a", "body": "", "created": 0, "updated": 0}]}"#)
                .contains("missing field `title`")
        );
        assert!(shape(r#"{"elsewhere": []}"#).contains("`notes`"));
        assert!(shape(r#"{"notes": ["#).contains("ends"));
        assert!(!shape("[1, 2,").contains("line"));
        // Numbers too big to hold.
        let huge = r#"{"notes":[{"id":"a","title":"A","body":"","created":1e400,"updated":0}]}"#;
        assert!(shape(huge).contains("number out of range"));
        // Not UTF-8.
        let mut bad = br#"{"notes":[{"id":"a","title":"A"#.to_vec();
        bad.extend([0xff, 0xfe]);
        bad.extend(br#"","body":"","created":0,"updated":0}]}"#);
        assert!(matches!(
            decode(&pack(&bad)),
            Err(ExchangeError::Shape(Reading::Bundle, _))
        ));
        // Deep nesting stops at serde's limit instead of overflowing the stack.
        let deep = format!(r#"{{"notes":[], "x": {}}}"#, "[".repeat(100_000));
        assert!(matches!(
            decode(&pack(deep.as_bytes())),
            Err(ExchangeError::Shape(Reading::Bundle, _))
        ));
        // Unknown fields are left for later versions of format 1.
        let extra = r#"{"notes":[{"id":"a","title":"A","body":"","created":0,"updated":0,"tags":[]}],"v2":{}}"#;
        assert!(decode(&pack(extra.as_bytes())).is_ok());
    }

    #[test]
    fn absurd_sizes() {
        assert_eq!(with(|b| b.notes.clear()), Err(ExchangeError::NoNotes));
        let many: Vec<BundleNote> = (0..=MAX_NOTES)
            .map(|i| note(&format!("n{i}"), &format!("Note {i}"), ""))
            .collect();
        assert_eq!(
            with(|b| {
                b.course = None;
                b.notes = many;
            }),
            Err(ExchangeError::TooManyNotes(MAX_NOTES + 1))
        );
        let long = "x".repeat(MAX_BODY_BYTES + 1);
        assert_eq!(
            with(|b| b.notes[1].body = long),
            Err(ExchangeError::BodyTooLong("Asia".into()))
        );
        assert!(with(|b| b.notes[1].body = "é".repeat(MAX_BODY_BYTES / 2)).is_ok());
    }

    #[test]
    fn ids_must_be_plain_and_unique() {
        for id in ["", "a/b", "a b", "é", &"x".repeat(65)] {
            assert_eq!(
                with(|b| b.notes[1].id = id.into()),
                Err(ExchangeError::BadId(Reading::Bundle, id.into()))
            );
        }
        assert!(with(|b| b.notes[1].id = "AZaz09_-".repeat(8).into()).is_ok());
        assert_eq!(
            with(|b| b.notes[1].id = "n1".into()),
            Err(ExchangeError::DuplicateId(Reading::Bundle, "n1".into()))
        );
        assert_eq!(
            ExchangeError::DuplicateId(Reading::Bundle, "n1".into()).to_string(),
            "Two notes in this bundle have the id “n1”."
        );
    }

    #[test]
    fn titles_must_be_valid_and_unique() {
        assert_eq!(
            with(|b| b.notes[1].title = " EUROPE ".into()),
            Err(ExchangeError::DuplicateTitle("EUROPE".into()))
        );
        assert_eq!(
            with(|b| b.notes[1].title = "a#b".into()),
            Err(ExchangeError::BadTitle {
                reading: Reading::Bundle,
                title: "a#b".into(),
                reason: TitleError::ForbiddenChar('#')
            })
        );
        assert!(matches!(
            with(|b| b.notes[1].title = "  ".into()),
            Err(ExchangeError::BadTitle {
                reading: Reading::Bundle,
                reason: TitleError::Empty,
                ..
            })
        ));
        assert!(matches!(
            with(|b| b.notes[1].title = "t".repeat(201)),
            Err(ExchangeError::BadTitle {
                reading: Reading::Bundle,
                reason: TitleError::TooLong,
                ..
            })
        ));
        let trimmed = with(|b| b.notes[1].title = "  Asia\t".into());
        assert_eq!(trimmed.map(|b| b.notes[1].title.clone()), Ok("Asia".into()));
        // A hostile title is shortened and defanged in the message.
        let message = ExchangeError::BadTitle {
            reading: Reading::Bundle,
            title: format!("a\u{1b}[31m{}", "z".repeat(500)),
            reason: TitleError::ForbiddenChar('['),
        }
        .to_string();
        assert!(
            message.len() < 250 && !message.contains('\u{1b}'),
            "{message}"
        );
    }

    #[test]
    fn times_must_be_real() {
        assert_eq!(
            with(|b| b.notes[0].created = Time::from_ms(-1.0)),
            Err(ExchangeError::BadTime(Reading::Bundle, "Europe".into()))
        );
        assert_eq!(
            with(|b| b.notes[0].updated = Time::from_ms(-0.5)),
            Err(ExchangeError::BadTime(Reading::Bundle, "Europe".into()))
        );
        // serde_json writes NaN and infinity as null, which is not a number.
        assert!(matches!(
            with(|b| b.notes[0].updated = Time::from_ms(f64::NAN)),
            Err(ExchangeError::Shape(Reading::Bundle, _))
        ));
        assert!(with(|b| b.notes[0].updated = Time::from_ms(1e300)).is_ok());
    }

    #[test]
    fn bad_courses() {
        type Case = (fn(&mut Course), &'static str);
        let cases: [Case; 7] = [
            (|c| c.id = "a b".into(), "has an id Loam cannot use"),
            (|c| c.id = String::new(), "has an id Loam cannot use"),
            (|c| c.title = " ".into(), "has no title"),
            (
                |c| c.title = "t".repeat(201),
                "has a title longer than 200 characters",
            ),
            (
                |c| c.author = "a".repeat(201),
                "has an author name longer than 200 characters",
            ),
            (
                |c| c.created = Time::from_ms(-5.0),
                "has an impossible date",
            ),
            (
                |c| c.root = "n9".into(),
                "starts from a note the bundle does not hold",
            ),
        ];
        for (change, reason) in cases {
            let result = with(|b| b.course.as_mut().map(change).unwrap_or_default());
            assert_eq!(result, Err(ExchangeError::BadCourse(reason)));
        }
        assert_eq!(
            ExchangeError::BadCourse("has no title").to_string(),
            "This bundle's course has no title."
        );
        assert!(with(|b| b.course = None).is_ok());
    }

    #[test]
    fn bad_elsewhere() {
        assert_eq!(
            with(|b| b.elsewhere[0].title = "a|b".into()),
            Err(ExchangeError::BadElsewhere(Reading::Bundle, "a|b".into()))
        );
        assert_eq!(
            with(|b| b.elsewhere[0].course = "c".repeat(201)),
            Err(ExchangeError::BadElsewhere(Reading::Bundle, "Maps".into()))
        );
    }

    /// Titles that [`clean_title`] keeps as they are.
    fn title() -> impl Strategy<Value = String> {
        "[^\\[\\]|#^\\p{Cc}]{1,40}".prop_filter_map("blank", |t| {
            let t = t.trim().to_string();
            (!t.is_empty() && t.chars().count() <= 190).then_some(t)
        })
    }

    fn valid_bundle() -> impl Strategy<Value = Bundle> {
        let note = (
            "[A-Za-z0-9_-]{1,60}",
            title(),
            any::<String>(),
            0u64..10_000_000_000_000,
            // Whole milliseconds, as the app stamps them, travel exactly.
            0u64..100_000_000_000_000,
        );
        let other = (title(), ".{0,50}");
        (
            proptest::collection::vec(note, 1..6),
            proptest::collection::vec(other, 0..3),
            proptest::option::of((
                ".{0,30}",
                title(),
                any::<u64>(),
                any::<prop::sample::Index>(),
            )),
        )
            .prop_map(|(notes, others, course)| {
                let notes: Vec<BundleNote> = notes
                    .into_iter()
                    .enumerate()
                    .map(|(i, (id, title, body, created, updated))| BundleNote {
                        // An index keeps ids and titles unique.
                        id: format!("{i}{id}").into(),
                        title: format!("{i} {title}"),
                        body,
                        created: Time::from_ms(created as f64),
                        updated: Time::from_ms(updated as f64),
                    })
                    .collect();
                let course = course.map(|(author, title, version, root)| Course {
                    id: format!("c{}", notes[0].id),
                    title,
                    author,
                    version,
                    created: Time::from_ms(5.0),
                    root: notes[root.index(notes.len())].id.clone(),
                });
                Bundle {
                    course,
                    notes,
                    elsewhere: others
                        .into_iter()
                        .map(|(title, course)| Elsewhere { title, course })
                        .collect(),
                    files: Vec::new(),
                }
            })
    }

    /// Changes to bytes: flips, insertions, deletions and cuts.
    fn mutate(mut bytes: Vec<u8>, edits: &[(prop::sample::Index, u8, u8)]) -> Vec<u8> {
        for (at, kind, value) in edits {
            if bytes.is_empty() {
                bytes.push(*value);
                continue;
            }
            let at = at.index(bytes.len());
            match kind % 4 {
                0 => bytes[at] ^= value.max(&1),
                1 => bytes.insert(at, *value),
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
        }
        bytes
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn valid_bundles_round_trip(bundle in valid_bundle()) {
            let bytes = encode(&bundle);
            prop_assert_eq!(decode(&bytes), Ok(bundle.clone()));
            prop_assert_eq!(decode_link_payload(&to_link_payload(&bytes)), Ok(bundle));
        }

        #[test]
        fn any_bytes_decode_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&bytes);
            let _ = open_frame(&bytes);
            let mut headed = b"LOAM\x01".to_vec();
            headed.extend(&bytes);
            let _ = decode(&headed);
        }

        #[test]
        fn any_text_decodes_without_panic(text in any::<String>()) {
            let _ = decode_link_payload(&text);
            let _ = key_from_text(&text);
        }

        #[test]
        fn mutated_bundles_with_files_are_refused_or_point_inside_themselves(
            bundle in valid_bundle(),
            contents in proptest::collection::vec(any::<u8>(), 1..40),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<u8>()), 1..4),
        ) {
            use crate::core::attachment::Kind;
            let mut bundle = bundle;
            bundle.files = vec![Attachment::new(
                "map.png",
                &"c".repeat(64),
                Kind::Png,
                contents.len() as u64,
                Time::from_ms(1.0),
            )];
            let mut bytes = encode(&bundle);
            bytes.extend_from_slice(&contents);
            prop_assert_eq!(decode(&bytes), Ok(bundle.clone()));
            let bytes = mutate(bytes, &edits);
            if let Ok((back, found)) = decode_with_contents(&bytes) {
                prop_assert!(validate(&mut back.clone()).is_ok());
                prop_assert_eq!(found.len(), carried::in_order(&back.files).len());
                for (_, range) in found {
                    prop_assert!(range.end <= bytes.len());
                }
            }
        }

        #[test]
        fn mutated_bundles_decode_without_panic(
            bundle in valid_bundle(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<u8>()), 1..4),
        ) {
            let bytes = mutate(encode(&bundle), &edits);
            if let Ok(decoded) = decode(&bytes) {
                prop_assert!(validate(&mut decoded.clone()).is_ok());
            }
            let _ = decode_link_payload(&to_link_payload(&bytes));
            let _ = open_frame(&bytes);
            // Mutating the JSON before packing reaches the checks behind the compression.
            let json = serde_json::to_vec(&bundle).unwrap_or_default();
            let _ = decode(&pack(&mutate(json, &edits)));
        }
    }

    /// Inputs that once broke a decoder or sit on an edge; each decodes without panic, and those
    /// named `ok-*` decode.
    #[test]
    fn corpus() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bundle-corpus");
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).expect("corpus folder") {
            let path = entry.expect("corpus entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let bytes = std::fs::read(&path).expect("corpus file");
            let result = if name.ends_with(".txt") {
                decode_link_payload(&String::from_utf8_lossy(&bytes))
            } else {
                let _ = open_frame(&bytes);
                decode(&bytes)
            };
            assert_eq!(
                result.is_ok(),
                name.starts_with("ok-"),
                "{name}: {result:?}"
            );
            count += 1;
        }
        assert!(count >= 10, "{count}");
    }
}
