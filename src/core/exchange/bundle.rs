//! Bundles: notes (and so their cards) packed to travel in a link, a file or an encrypted file.
//! The format is documented in `docs/bundle-format.md`; everything decoded here is hostile.

use std::collections::HashSet;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::core::note::library::Library;
use crate::core::note::link::parse_links;
use crate::core::note::{clean_title, title_key, Note, NoteId, TitleError};

/// A course: a set of notes an author shares and may update later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    /// Stable across updates: the id of the course's first note.
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub author: String,
    /// Grows with every change: the newest `updated` time of its notes, in milliseconds.
    pub version: u64,
    /// Milliseconds since the Unix epoch.
    pub created: f64,
    /// The note the course starts from.
    pub root: NoteId,
}

/// A note as it travels: no local state (its origin, its cards' schedules) goes with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleNote {
    pub id: NoteId,
    pub title: String,
    pub body: String,
    pub created: f64,
    pub updated: f64,
}

/// A note outside the bundle that its notes link to, and the course it belongs to, so a learner
/// without it is told where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Elsewhere {
    pub title: String,
    pub course: String,
}

/// What a bundle carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<Course>,
    pub notes: Vec<BundleNote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elsewhere: Vec<Elsewhere>,
}

// ---------------------------------------------------------------------------------------------
// The wire format.

/// First bytes of a plain bundle.
pub const MAGIC: &[u8; 4] = b"LOAM";
/// First bytes of an encrypted bundle (the plain magic plus `X`).
pub const SEALED_MAGIC: &[u8; 5] = b"LOAMX";
/// The format version written today; decoding refuses newer ones.
pub const VERSION: u8 = 1;
/// Most bytes a bundle may unpack to, so a small hostile link cannot fill the memory.
pub const MAX_UNPACKED: usize = 32 * 1024 * 1024;
/// Most notes one bundle may carry.
pub const MAX_NOTES: usize = 20_000;
/// Longest note body, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest note or course id, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Longest course title and author name, in characters.
pub const MAX_COURSE_TEXT_CHARS: usize = 200;
/// Longest link payload we try to decode, in characters.
pub const MAX_LINK_PAYLOAD: usize = 2_000_000;
/// Longest share link we offer, in characters; past it, the app offers a file instead.
pub const LINK_LIMIT: usize = 32_000;
/// Longest link we offer as a QR code, in characters.
pub const QR_LIMIT: usize = 1_800;
/// Bytes of an AES-GCM nonce.
pub const IV_BYTES: usize = 12;
/// Bytes of an AES-GCM tag: the shortest possible ciphertext.
const TAG_BYTES: usize = 16;

/// Why a bundle cannot be opened. Each says so in words a learner understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleError {
    /// The bytes do not start like a bundle.
    NotABundle,
    /// An encrypted bundle given where a plain one was expected.
    Sealed,
    /// Expected an encrypted bundle.
    NotSealed,
    /// Made by a later Loam, with this format version.
    NewerVersion(u8),
    /// The data ends too early.
    Truncated,
    /// The compressed data is damaged.
    Corrupt,
    /// Unpacks to more than [`MAX_UNPACKED`] bytes.
    TooLarge,
    /// The link part is not base64url.
    BadLinkText,
    /// The link part is longer than [`MAX_LINK_PAYLOAD`].
    LinkTooLong,
    /// The unpacked data is not the JSON we expect; serde's words on what is wrong.
    Shape(String),
    NoNotes,
    TooManyNotes(usize),
    BadId(String),
    DuplicateId(String),
    BadTitle {
        title: String,
        reason: TitleError,
    },
    DuplicateTitle(String),
    BodyTooLong(String),
    BadTime(String),
    /// The course description is unusable; the reason completes "This bundle's course …".
    BadCourse(&'static str),
    /// A note named as living in another course is unusable.
    BadElsewhere(String),
    /// The key of an encrypted link is not 16 bytes of base64url.
    BadKey,
}

impl std::fmt::Display for BundleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BundleError::NotABundle => write!(f, "This is not a Loam bundle."),
            BundleError::Sealed => write!(
                f,
                "This bundle is encrypted: open it through its share link, which carries the key."
            ),
            BundleError::NotSealed => write!(f, "This is not an encrypted Loam bundle."),
            BundleError::NewerVersion(v) => write!(
                f,
                "This bundle was made by a newer version of Loam (format {v}). Reload Loam to \
                 update it, then open the bundle again."
            ),
            BundleError::Truncated => write!(
                f,
                "This bundle is cut off: it ends too early. Copy the whole link (or file) \
                 and try again."
            ),
            BundleError::Corrupt => write!(
                f,
                "This bundle is damaged: its compressed data does not unpack."
            ),
            BundleError::TooLarge => write!(
                f,
                "This bundle is too large once unpacked (over {} MiB).",
                MAX_UNPACKED / (1024 * 1024)
            ),
            BundleError::BadLinkText => write!(
                f,
                "This link is damaged: it holds characters a Loam link never has."
            ),
            BundleError::LinkTooLong => write!(
                f,
                "This link is too long to be a Loam bundle (over {MAX_LINK_PAYLOAD} characters)."
            ),
            BundleError::Shape(detail) => write!(
                f,
                "This bundle's contents are not what Loam expects: {detail}."
            ),
            BundleError::NoNotes => write!(f, "This bundle holds no notes."),
            BundleError::TooManyNotes(n) => write!(
                f,
                "This bundle holds {n} notes; Loam opens at most {MAX_NOTES} at once."
            ),
            BundleError::BadId(id) => write!(
                f,
                "A note in this bundle has an id Loam cannot use: “{}”.",
                shown(id)
            ),
            BundleError::DuplicateId(id) => {
                write!(f, "Two notes in this bundle have the id “{}”.", shown(id))
            }
            BundleError::BadTitle { title, reason } => write!(
                f,
                "A note in this bundle has a title Loam cannot use (“{}”): {reason}",
                shown(title)
            ),
            BundleError::DuplicateTitle(title) => write!(
                f,
                "Two notes in this bundle have the title “{}”.",
                shown(title)
            ),
            BundleError::BodyTooLong(title) => write!(
                f,
                "The note “{}” in this bundle is longer than {} MiB.",
                shown(title),
                MAX_BODY_BYTES / (1024 * 1024)
            ),
            BundleError::BadTime(title) => write!(
                f,
                "The note “{}” in this bundle has an impossible date.",
                shown(title)
            ),
            BundleError::BadCourse(reason) => write!(f, "This bundle's course {reason}."),
            BundleError::BadElsewhere(title) => write!(
                f,
                "This bundle names a note of another course that Loam cannot use: “{}”.",
                shown(title)
            ),
            BundleError::BadKey => write!(
                f,
                "The key in this link is damaged: it should be 22 letters, digits, “-” or “_”."
            ),
        }
    }
}

impl std::error::Error for BundleError {}

/// Hostile text made fit for a message: short, and with no control characters.
pub(crate) fn shown(text: &str) -> String {
    const MOST: usize = 60;
    let mut out: String = text
        .chars()
        .take(MOST)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if text.chars().nth(MOST).is_some() {
        out.push('…');
    }
    out
}

/// Packs a bundle: magic, version, then the raw DEFLATE of its JSON.
pub fn encode(bundle: &Bundle) -> Vec<u8> {
    // Plain structs of strings and numbers always serialise.
    let json = serde_json::to_vec(bundle).expect("a bundle serialises to JSON");
    frame(MAGIC, VERSION, &json)
}

/// Magic, version, then the raw DEFLATE of `json` at level 9: the frame of bundles and backups.
pub(crate) fn frame(magic: &[u8], version: u8, json: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(magic.len() + 1 + json.len() / 3);
    bytes.extend_from_slice(magic);
    bytes.push(version);
    bytes.extend_from_slice(&miniz_oxide::deflate::compress_to_vec(json, 9));
    bytes
}

/// Unpacks and checks a bundle. Whatever the bytes, the answer is a bundle that keeps every
/// rule in `docs/bundle-format.md` (titles trimmed) or the reason it cannot be opened.
pub fn decode(bytes: &[u8]) -> Result<Bundle, BundleError> {
    if is_sealed(bytes) {
        return Err(BundleError::Sealed);
    }
    let json = inflate(header(bytes, MAGIC, VERSION)?, MAX_UNPACKED)?;
    let mut bundle: Bundle =
        serde_json::from_slice(&json).map_err(|error| BundleError::Shape(json_detail(&error)))?;
    validate(&mut bundle)?;
    Ok(bundle)
}

/// Unpacks raw DEFLATE, refusing to grow past `limit` bytes. Only `Truncated`, `Corrupt` and
/// `TooLarge` come out, so backups can map them to their own words.
pub(crate) fn inflate(compressed: &[u8], limit: usize) -> Result<Vec<u8>, BundleError> {
    if compressed.is_empty() {
        return Err(BundleError::Truncated);
    }
    miniz_oxide::inflate::decompress_to_vec_with_limit(compressed, limit).map_err(|error| {
        match error.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => BundleError::TooLarge,
            miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => BundleError::Truncated,
            _ => BundleError::Corrupt,
        }
    })
}

/// What is wrong with unpacked JSON, in words fit for a learner.
pub(crate) fn json_detail(error: &serde_json::Error) -> String {
    // The stream was whole, so JSON that ends early was made that way.
    if error.classify() == serde_json::error::Category::Eof {
        return "the data ends in the middle".to_string();
    }
    serde_detail(error)
}

/// Serde's message without its line and column, which mean nothing to a learner.
fn serde_detail(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let detail = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    shown(detail)
}

/// Checks magic and version (one above `version` is newer, one below unknown); returns what
/// follows them.
pub(crate) fn header<'a>(
    bytes: &'a [u8],
    magic: &[u8],
    version: u8,
) -> Result<&'a [u8], BundleError> {
    let head = magic.len();
    if bytes.is_empty() {
        return Err(BundleError::NotABundle);
    }
    if bytes.len() <= head {
        return if magic.starts_with(bytes) {
            Err(BundleError::Truncated)
        } else {
            Err(BundleError::NotABundle)
        };
    }
    if !bytes.starts_with(magic) {
        return Err(BundleError::NotABundle);
    }
    match bytes[head] {
        v if v == version => Ok(&bytes[head + 1..]),
        v if v > version => Err(BundleError::NewerVersion(v)),
        _ => Err(BundleError::NotABundle),
    }
}

/// Whether an id can name a note or course: 1 to 64 of `A-Z a-z 0-9 _ -`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

pub(crate) fn valid_time(time: f64) -> bool {
    time.is_finite() && time >= 0.0
}

/// Enforces the rules a decoded bundle must keep; trims titles.
fn validate(bundle: &mut Bundle) -> Result<(), BundleError> {
    if bundle.notes.is_empty() {
        return Err(BundleError::NoNotes);
    }
    if bundle.notes.len() > MAX_NOTES {
        return Err(BundleError::TooManyNotes(bundle.notes.len()));
    }
    let mut ids = std::collections::HashSet::new();
    let mut titles = std::collections::HashSet::new();
    for note in &mut bundle.notes {
        if !valid_id(&note.id) {
            return Err(BundleError::BadId(note.id.clone()));
        }
        if !ids.insert(note.id.as_str()) {
            return Err(BundleError::DuplicateId(note.id.clone()));
        }
        note.title = clean_title(&note.title).map_err(|reason| BundleError::BadTitle {
            title: note.title.clone(),
            reason,
        })?;
        if !titles.insert(title_key(&note.title)) {
            return Err(BundleError::DuplicateTitle(note.title.clone()));
        }
        if note.body.len() > MAX_BODY_BYTES {
            return Err(BundleError::BodyTooLong(note.title.clone()));
        }
        if !valid_time(note.created) || !valid_time(note.updated) {
            return Err(BundleError::BadTime(note.title.clone()));
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
            return Err(BundleError::BadCourse(problem));
        }
    }
    if bundle.elsewhere.len() > MAX_NOTES {
        return Err(BundleError::TooManyNotes(bundle.elsewhere.len()));
    }
    for other in &mut bundle.elsewhere {
        match clean_title(&other.title) {
            Ok(title) if other.course.chars().count() <= MAX_COURSE_TEXT_CHARS => {
                other.title = title;
            }
            _ => return Err(BundleError::BadElsewhere(other.title.clone())),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Text forms: link payloads and keys.

/// base64url without padding; reading also takes padding and stray low bits.
const LINK_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Bundle bytes as they go after `#/import/` in a link.
pub fn to_link_payload(bytes: &[u8]) -> String {
    LINK_BASE64.encode(bytes)
}

/// Reads the payload of a `#/import/` link. Spaces and line breaks (a link wrapped in a mail)
/// and trailing `=` are ignored.
pub fn decode_link_payload(text: &str) -> Result<Bundle, BundleError> {
    decode(&link_bytes(
        text,
        MAX_LINK_PAYLOAD,
        BundleError::LinkTooLong,
    )?)
}

/// base64url text to bytes, refusing text longer than `most` before decoding it.
fn link_bytes(text: &str, most: usize, too_long: BundleError) -> Result<Vec<u8>, BundleError> {
    let text = text.trim();
    if text.len() > most {
        return Err(too_long);
    }
    let text = text.trim_end_matches('=');
    // A link as sent has no spaces: decoded in place rather than copied first.
    let compact: std::borrow::Cow<str> = if text.bytes().all(|b| b.is_ascii_graphic()) {
        text.into()
    } else {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .into()
    };
    if compact.is_empty() {
        return Err(BundleError::Truncated);
    }
    LINK_BASE64
        .decode(compact.as_bytes())
        .map_err(|_| BundleError::BadLinkText)
}

/// An encryption key as it goes in a link: 22 characters of base64url.
pub fn key_to_text(key: &[u8; 16]) -> String {
    LINK_BASE64.encode(key)
}

/// Reads a key written by [`key_to_text`].
pub fn key_from_text(text: &str) -> Result<[u8; 16], BundleError> {
    let bytes = link_bytes(text, 64, BundleError::BadKey).map_err(|_| BundleError::BadKey)?;
    <[u8; 16]>::try_from(bytes.as_slice()).map_err(|_| BundleError::BadKey)
}

// ---------------------------------------------------------------------------------------------
// The encrypted envelope. Encryption (AES-GCM) happens in the browser; here only the framing.

/// Whether these bytes are an encrypted bundle.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(SEALED_MAGIC)
}

/// `LOAMX`, version, the 12-byte nonce, then the ciphertext (with its tag).
pub fn seal_frame(iv: &[u8; IV_BYTES], ciphertext: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(SEALED_MAGIC.len() + 1 + IV_BYTES + ciphertext.len());
    bytes.extend_from_slice(SEALED_MAGIC);
    bytes.push(VERSION);
    bytes.extend_from_slice(iv);
    bytes.extend_from_slice(ciphertext);
    bytes
}

/// Splits an encrypted bundle into nonce and ciphertext.
pub fn open_frame(bytes: &[u8]) -> Result<([u8; IV_BYTES], &[u8]), BundleError> {
    let rest = match header(bytes, SEALED_MAGIC, VERSION) {
        Err(BundleError::NotABundle) if bytes.starts_with(MAGIC) => {
            return Err(BundleError::NotSealed)
        }
        Err(BundleError::NotABundle) => return Err(BundleError::NotABundle),
        other => other?,
    };
    if rest.len() < IV_BYTES + TAG_BYTES {
        return Err(BundleError::Truncated);
    }
    let (iv, ciphertext) = rest.split_at(IV_BYTES);
    let iv = <[u8; IV_BYTES]>::try_from(iv).map_err(|_| BundleError::Truncated)?;
    Ok((iv, ciphertext))
}

// ---------------------------------------------------------------------------------------------
// Making a bundle from the library.

/// The notes to share from `root`: the root, then breadth-first the notes its links reach, up
/// to `depth` hops (0: the root alone), each once, in link order. Empty if `root` is unknown.
pub fn collect(library: &Library, root: &str, depth: u32) -> Vec<NoteId> {
    let Some(root) = library.get(root) else {
        return Vec::new();
    };
    let mut ids = vec![root.id.clone()];
    let mut seen: HashSet<NoteId> = ids.iter().cloned().collect();
    let mut level = 0..1;
    for _ in 0..depth {
        let start = ids.len();
        for at in level.clone() {
            let Some(note) = ids.get(at).and_then(|id| library.get(id)) else {
                continue;
            };
            for link in parse_links(&note.body) {
                if let Some(target) = library.resolve(link.target) {
                    if seen.insert(target.to_string()) {
                        ids.push(target.to_string());
                    }
                }
            }
        }
        if ids.len() == start {
            break;
        }
        level = start..ids.len();
    }
    ids
}

/// The course an author shares from note `root` with the notes `ids`: it takes the root's id
/// (stable across updates), title and creation time, and as version the newest change among
/// its notes, so every update of the course has a larger one. `None` if `root` is unknown.
pub fn course_of(library: &Library, root: &str, ids: &[NoteId], author: &str) -> Option<Course> {
    let note = library.get(root)?;
    let version = ids
        .iter()
        .filter_map(|id| library.get(id))
        .map(|n| n.updated.max(0.0) as u64)
        .max()
        .unwrap_or(0);
    Some(Course {
        id: note.id.clone(),
        title: note.title.clone(),
        author: author.trim().to_string(),
        version,
        created: note.created,
        root: note.id.clone(),
    })
}

/// A bundle of these notes (unknown ids skipped, each once, local origins left out). Notes they
/// link to outside the set that came with a course are listed in `elsewhere` with that course's
/// title, as `course_title` gives it from a course id (the id itself when it knows none).
pub fn build(
    library: &Library,
    ids: &[NoteId],
    course: Option<Course>,
    course_title: &dyn Fn(&str) -> Option<String>,
) -> Bundle {
    let mut taken: HashSet<&str> = HashSet::new();
    let notes: Vec<&Note> = ids
        .iter()
        .filter_map(|id| library.get(id))
        .filter(|note| taken.insert(note.id.as_str()))
        .collect();
    let mut elsewhere = Vec::new();
    let mut listed: HashSet<&str> = HashSet::new();
    for note in &notes {
        for link in parse_links(&note.body) {
            let Some(target) = library.by_title(link.target) else {
                continue;
            };
            let Some(course_id) = target.origin.as_ref().and_then(|o| o.course.as_deref()) else {
                continue;
            };
            if taken.contains(target.id.as_str()) || !listed.insert(target.id.as_str()) {
                continue;
            }
            elsewhere.push(Elsewhere {
                title: target.title.clone(),
                course: course_title(course_id).unwrap_or_else(|| course_id.to_string()),
            });
        }
    }
    Bundle {
        course,
        notes: notes
            .into_iter()
            .map(|note| BundleNote {
                id: note.id.clone(),
                title: note.title.clone(),
                body: note.body.clone(),
                created: note.created,
                updated: note.updated,
            })
            .collect(),
        elsewhere,
    }
}

#[cfg(test)]
mod course_tests {
    use super::*;
    use crate::core::note::Note;

    fn note(id: &str, title: &str, created: f64, updated: f64) -> Note {
        Note {
            id: id.into(),
            title: title.into(),
            body: String::new(),
            created,
            updated,
            origin: None,
        }
    }

    #[test]
    fn a_course_is_named_after_its_root_and_versioned_by_its_newest_note() {
        let lib = Library::from_notes(vec![
            note("root", "Spanish", 10.0, 20.0),
            note("a", "Verbs", 11.0, 95.0),
            note("b", "Other", 12.0, 500.0),
        ]);
        let ids = vec!["root".to_string(), "a".to_string()];
        let course = course_of(&lib, "root", &ids, "  Ana ").unwrap();
        assert_eq!(
            course,
            Course {
                id: "root".into(),
                title: "Spanish".into(),
                author: "Ana".into(),
                version: 95,
                created: 10.0,
                root: "root".into(),
            }
        );
        assert_eq!(course_of(&lib, "gone", &ids, ""), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::note::Origin;
    use proptest::prelude::*;

    fn note(id: &str, title: &str, body: &str) -> BundleNote {
        BundleNote {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            created: 1_700_000_000_000.0,
            updated: 1_700_000_100_000.0,
        }
    }

    fn sample() -> Bundle {
        Bundle {
            course: Some(Course {
                id: "c-1".into(),
                title: "Capitals".into(),
                author: "Ann".into(),
                version: 7,
                created: 1_700_000_000_000.0,
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
        }
    }

    /// Packs raw JSON the way [`encode`] packs a bundle, to reach the checks after unpacking.
    fn pack(json: &[u8]) -> Vec<u8> {
        let mut bytes = b"LOAM\x01".to_vec();
        bytes.extend(miniz_oxide::deflate::compress_to_vec(json, 6));
        bytes
    }

    fn with(change: impl FnOnce(&mut Bundle)) -> Result<Bundle, BundleError> {
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
                created: 1000.0,
                root: "n1".into(),
            }),
            notes: vec![BundleNote {
                id: "n1".into(),
                title: "Café".into(),
                body: "Paris :: France ^p\n\nSee [[Other]].".into(),
                created: 1000.0,
                updated: 2000.0,
            }],
            elsewhere: vec![Elsewhere {
                title: "Other".into(),
                course: "Maps".into(),
            }],
        };
        assert_eq!(decode_link_payload(GOLDEN), Ok(expected.clone()));
        assert_eq!(
            decode_link_payload(&to_link_payload(&encode(&expected))),
            Ok(expected)
        );
    }

    #[test]
    fn link_payloads_forgive_spacing_and_padding() {
        let bytes = encode(&sample());
        let text = to_link_payload(&bytes);
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let (a, b) = text.split_at(text.len() / 2);
        let spaced = format!("  {a}\n {b}== \n");
        assert_eq!(decode_link_payload(&spaced), Ok(sample()));
    }

    #[test]
    fn bad_link_text() {
        assert_eq!(
            decode_link_payload("TE9B*TQ"),
            Err(BundleError::BadLinkText)
        );
        assert_eq!(
            decode_link_payload("TE9B+/TQ"),
            Err(BundleError::BadLinkText)
        );
        assert_eq!(decode_link_payload("T"), Err(BundleError::BadLinkText));
        assert_eq!(decode_link_payload(" \n"), Err(BundleError::Truncated));
        assert_eq!(
            decode_link_payload(&"A".repeat(MAX_LINK_PAYLOAD + 1)),
            Err(BundleError::LinkTooLong)
        );
        // Not a bundle, though good base64.
        assert_eq!(
            decode_link_payload("aGVsbG8gd29ybGQ"),
            Err(BundleError::NotABundle)
        );
    }

    #[test]
    fn wrong_magic_and_versions() {
        let mut bytes = encode(&sample());
        assert_eq!(
            decode(b"PK\x03\x04 a zip file"),
            Err(BundleError::NotABundle)
        );
        assert_eq!(decode(b"{\"notes\":[]}"), Err(BundleError::NotABundle));
        bytes[4] = 2;
        assert_eq!(decode(&bytes), Err(BundleError::NewerVersion(2)));
        bytes[4] = 0;
        assert_eq!(decode(&bytes), Err(BundleError::NotABundle));
        bytes[0] = b'l';
        assert_eq!(decode(&bytes), Err(BundleError::NotABundle));
    }

    #[test]
    fn every_prefix_is_cut_off() {
        let bytes = encode(&sample());
        // Nothing at all is no bundle, not a cut one.
        assert_eq!(decode(&[]), Err(BundleError::NotABundle));
        for len in 1..bytes.len() {
            assert_eq!(decode(&bytes[..len]), Err(BundleError::Truncated), "{len}");
            let text = to_link_payload(&bytes[..len]);
            for cut in [text.len(), text.len().saturating_sub(1)] {
                let result = decode_link_payload(&text[..cut]);
                assert!(
                    matches!(
                        result,
                        Err(BundleError::Truncated | BundleError::BadLinkText)
                    ),
                    "{len}/{cut}: {result:?}"
                );
            }
        }
    }

    #[test]
    fn damaged_compression() {
        // A block of the reserved type 3.
        assert_eq!(decode(b"LOAM\x01\x07\x00\x00"), Err(BundleError::Corrupt));
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
        assert_eq!(decode(&bomb), Err(BundleError::TooLarge));
        assert_eq!(
            BundleError::TooLarge.to_string(),
            "This bundle is too large once unpacked (over 32 MiB)."
        );
    }

    #[test]
    fn wrong_json_shape_names_the_field() {
        let shape = |json: &str| match decode(&pack(json.as_bytes())) {
            Err(BundleError::Shape(detail)) => detail,
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
        assert!(matches!(decode(&pack(&bad)), Err(BundleError::Shape(_))));
        // Deep nesting stops at serde's limit instead of overflowing the stack.
        let deep = format!(r#"{{"notes":[], "x": {}}}"#, "[".repeat(100_000));
        assert!(matches!(
            decode(&pack(deep.as_bytes())),
            Err(BundleError::Shape(_))
        ));
        // Unknown fields are left for later versions of format 1.
        let extra = r#"{"notes":[{"id":"a","title":"A","body":"","created":0,"updated":0,"tags":[]}],"v2":{}}"#;
        assert!(decode(&pack(extra.as_bytes())).is_ok());
    }

    #[test]
    fn absurd_sizes() {
        assert_eq!(with(|b| b.notes.clear()), Err(BundleError::NoNotes));
        let many: Vec<BundleNote> = (0..=MAX_NOTES)
            .map(|i| note(&format!("n{i}"), &format!("Note {i}"), ""))
            .collect();
        assert_eq!(
            with(|b| {
                b.course = None;
                b.notes = many;
            }),
            Err(BundleError::TooManyNotes(MAX_NOTES + 1))
        );
        let long = "x".repeat(MAX_BODY_BYTES + 1);
        assert_eq!(
            with(|b| b.notes[1].body = long),
            Err(BundleError::BodyTooLong("Asia".into()))
        );
        assert!(with(|b| b.notes[1].body = "é".repeat(MAX_BODY_BYTES / 2)).is_ok());
    }

    #[test]
    fn ids_must_be_plain_and_unique() {
        for id in ["", "a/b", "a b", "é", &"x".repeat(65)] {
            assert_eq!(
                with(|b| b.notes[1].id = id.into()),
                Err(BundleError::BadId(id.into()))
            );
        }
        assert!(with(|b| b.notes[1].id = "AZaz09_-".repeat(8)).is_ok());
        assert_eq!(
            with(|b| b.notes[1].id = "n1".into()),
            Err(BundleError::DuplicateId("n1".into()))
        );
        assert_eq!(
            BundleError::DuplicateId("n1".into()).to_string(),
            "Two notes in this bundle have the id “n1”."
        );
    }

    #[test]
    fn titles_must_be_valid_and_unique() {
        assert_eq!(
            with(|b| b.notes[1].title = " EUROPE ".into()),
            Err(BundleError::DuplicateTitle("EUROPE".into()))
        );
        assert_eq!(
            with(|b| b.notes[1].title = "a#b".into()),
            Err(BundleError::BadTitle {
                title: "a#b".into(),
                reason: TitleError::ForbiddenChar('#')
            })
        );
        assert!(matches!(
            with(|b| b.notes[1].title = "  ".into()),
            Err(BundleError::BadTitle {
                reason: TitleError::Empty,
                ..
            })
        ));
        assert!(matches!(
            with(|b| b.notes[1].title = "t".repeat(201)),
            Err(BundleError::BadTitle {
                reason: TitleError::TooLong,
                ..
            })
        ));
        let trimmed = with(|b| b.notes[1].title = "  Asia\t".into());
        assert_eq!(trimmed.map(|b| b.notes[1].title.clone()), Ok("Asia".into()));
        // A hostile title is shortened and defanged in the message.
        let message = BundleError::BadTitle {
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
            with(|b| b.notes[0].created = -1.0),
            Err(BundleError::BadTime("Europe".into()))
        );
        assert_eq!(
            with(|b| b.notes[0].updated = -0.5),
            Err(BundleError::BadTime("Europe".into()))
        );
        // serde_json writes NaN and infinity as null, which is not a number.
        assert!(matches!(
            with(|b| b.notes[0].updated = f64::NAN),
            Err(BundleError::Shape(_))
        ));
        assert!(with(|b| b.notes[0].updated = 1e300).is_ok());
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
            (|c| c.created = -5.0, "has an impossible date"),
            (
                |c| c.root = "n9".into(),
                "starts from a note the bundle does not hold",
            ),
        ];
        for (change, reason) in cases {
            let result = with(|b| b.course.as_mut().map(change).unwrap_or_default());
            assert_eq!(result, Err(BundleError::BadCourse(reason)));
        }
        assert_eq!(
            BundleError::BadCourse("has no title").to_string(),
            "This bundle's course has no title."
        );
        assert!(with(|b| b.course = None).is_ok());
    }

    #[test]
    fn bad_elsewhere() {
        assert_eq!(
            with(|b| b.elsewhere[0].title = "a|b".into()),
            Err(BundleError::BadElsewhere("a|b".into()))
        );
        assert_eq!(
            with(|b| b.elsewhere[0].course = "c".repeat(201)),
            Err(BundleError::BadElsewhere("Maps".into()))
        );
    }

    #[test]
    fn keys() {
        let key: [u8; 16] = *b"0123456789abcdef";
        let text = key_to_text(&key);
        assert_eq!(text.len(), 22);
        assert_eq!(key_from_text(&text), Ok(key));
        assert_eq!(key_from_text(&format!(" {text}== ")), Ok(key));
        for bad in [
            "",
            "short",
            &text[..21],
            &format!("{text}AA"),
            "!!!!!!!!!!!!!!!!!!!!!!",
            &"A".repeat(10_000),
        ] {
            assert_eq!(key_from_text(bad), Err(BundleError::BadKey), "{bad}");
        }
    }

    #[test]
    fn sealed_frames() {
        let iv = [7u8; IV_BYTES];
        let ciphertext = [9u8; 40];
        let sealed = seal_frame(&iv, &ciphertext);
        assert!(sealed.starts_with(b"LOAMX\x01"));
        assert!(is_sealed(&sealed) && !is_sealed(&encode(&sample())));
        assert_eq!(open_frame(&sealed), Ok((iv, &ciphertext[..])));
        assert_eq!(decode(&sealed), Err(BundleError::Sealed));
        assert_eq!(open_frame(&[]), Err(BundleError::NotABundle));
        for len in 1..SEALED_MAGIC.len() + 1 + IV_BYTES + TAG_BYTES {
            assert_eq!(
                open_frame(&sealed[..len]),
                Err(BundleError::Truncated),
                "{len}"
            );
        }
        assert_eq!(open_frame(&encode(&sample())), Err(BundleError::NotSealed));
        assert_eq!(
            open_frame(b"GIF89a........................."),
            Err(BundleError::NotABundle)
        );
        let mut newer = sealed.clone();
        newer[5] = 3;
        assert_eq!(open_frame(&newer), Err(BundleError::NewerVersion(3)));
    }

    #[test]
    fn messages_read_well() {
        assert_eq!(
            BundleError::NotABundle.to_string(),
            "This is not a Loam bundle."
        );
        assert!(BundleError::NewerVersion(2)
            .to_string()
            .contains("made by a newer version of Loam"));
        assert!(BundleError::Truncated
            .to_string()
            .starts_with("This bundle is cut off: "));
    }

    fn library(notes: &[(&str, &str, &str)]) -> Library {
        Library::from_notes(
            notes
                .iter()
                .map(|(id, title, body)| Note {
                    id: id.to_string(),
                    title: title.to_string(),
                    body: body.to_string(),
                    created: 1.0,
                    updated: 2.0,
                    origin: None,
                })
                .collect(),
        )
    }

    #[test]
    fn collect_walks_links_breadth_first() {
        let lib = library(&[
            (
                "r",
                "Root",
                "[[B]] then [[a]] and [[a#x]], [[Missing]], `[[C]]`",
            ),
            ("a", "A", "[[C]] [[Root]]"),
            ("b", "B", "[[D]] [[A]]"),
            ("c", "C", "[[Root]]"),
            ("d", "D", "[[E]]"),
            ("e", "E", ""),
        ]);
        assert_eq!(collect(&lib, "r", 0), ["r"]);
        assert_eq!(collect(&lib, "r", 1), ["r", "b", "a"]);
        assert_eq!(collect(&lib, "r", 2), ["r", "b", "a", "d", "c"]);
        assert_eq!(collect(&lib, "r", 3), ["r", "b", "a", "d", "c", "e"]);
        assert_eq!(collect(&lib, "r", u32::MAX), collect(&lib, "r", 3));
        assert!(collect(&lib, "nothing", 2).is_empty());
    }

    #[test]
    fn build_copies_notes_and_names_other_courses() {
        let mut lib = library(&[
            (
                "r",
                "Root",
                "[[Mine]] [[Theirs]] [[Unknown course]] [[Inside]] [[Theirs]]",
            ),
            ("m", "Mine", ""),
            ("i", "Inside", "[[Theirs]]"),
        ]);
        for (id, title, course) in [
            ("t", "Theirs", "geo"),
            ("u", "Unknown course", "zzz"),
            ("i", "Inside", "geo"),
        ] {
            let mut note = lib.get(id).cloned().unwrap_or(Note {
                id: id.into(),
                title: title.into(),
                body: String::new(),
                created: 1.0,
                updated: 2.0,
                origin: None,
            });
            note.origin = Some(Origin {
                course: Some(course.into()),
                base: "0".into(),
            });
            lib.put(note);
        }
        let titles = |id: &str| (id == "geo").then(|| "Geography".to_string());
        let bundle = build(
            &lib,
            &["r".into(), "i".into(), "r".into(), "gone".into()],
            None,
            &titles,
        );
        let ids: Vec<&str> = bundle.notes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["r", "i"]);
        assert_eq!(bundle.notes[0].body, lib.get("r").unwrap().body);
        assert_eq!(
            bundle.elsewhere,
            [
                Elsewhere {
                    title: "Theirs".into(),
                    course: "Geography".into()
                },
                Elsewhere {
                    title: "Unknown course".into(),
                    course: "zzz".into()
                },
            ]
        );
        assert_eq!(decode(&encode(&bundle)), Ok(bundle));
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
                        id: format!("{i}{id}"),
                        title: format!("{i} {title}"),
                        body,
                        created: created as f64,
                        updated: updated as f64,
                    })
                    .collect();
                let course = course.map(|(author, title, version, root)| Course {
                    id: format!("c{}", notes[0].id),
                    title,
                    author,
                    version,
                    created: 5.0,
                    root: notes[root.index(notes.len())].id.clone(),
                });
                Bundle {
                    course,
                    notes,
                    elsewhere: others
                        .into_iter()
                        .map(|(title, course)| Elsewhere { title, course })
                        .collect(),
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
