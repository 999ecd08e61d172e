//! Sync through a stock Yjs server: the library's notes as Yjs documents ([`shelf`]), the
//! y-protocols messages ([`wire`]), text merges ([`text`]) and what the page does with notes
//! that arrive ([`arrive`]). Only the sync worker links the engine; the page uses the types.

pub mod arrive;
pub mod file;
pub mod log;
pub mod meta;
pub mod shelf;
pub mod text;
pub mod wire;

use serde::{Deserialize, Serialize};

use crate::core::attachment::Attachment;
use crate::core::id::CardId;
use crate::core::note::{content_hash, Note, NoteId};
use crate::core::review::ReviewRecord;
use crate::core::time::Time;
use log::{CardLog, Flags, PageLog};
use meta::Meta;

/// Note texts are spread over this many documents: few sockets, none holding the whole library.
pub const SHARDS: usize = 16;
/// The review log is spread over this many documents, by card.
pub const LOG_SHARDS: usize = 4;

/// The documents synced, in a fixed order: `index` (titles, times, deletions), the texts, then
/// the review log.
pub fn doc_names() -> Vec<String> {
    std::iter::once("index".to_string())
        .chain((0..SHARDS).map(|k| format!("notes-{k}")))
        .chain((0..LOG_SHARDS).map(|k| format!("log-{k}")))
        .collect()
}

/// The document (by its place in [`doc_names`]) holding a note's text.
pub fn text_doc(id: &str) -> usize {
    1 + spread(id) % SHARDS
}

/// The document (by its place in [`doc_names`]) holding a card's answers and events.
pub fn log_doc(card: &str) -> usize {
    1 + SHARDS + spread(card) % LOG_SHARDS
}

/// Whether document `doc` holds review log entries.
pub fn is_log_doc(doc: usize) -> bool {
    doc > SHARDS
}

/// An FNV-1a hash: the same on every device and version, unlike the standard library's.
fn spread(id: &str) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in id.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize
}

/// A note as sync carries it between the page and the documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncedNote {
    pub id: NoteId,
    pub title: String,
    pub body: String,
    pub created: Time,
    pub updated: Time,
    /// When it went to the Trash, if it is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Time>,
}

impl SyncedNote {
    /// A note of the library (`deleted: None`) or of the Trash.
    pub fn of(note: &Note, deleted: Option<Time>) -> SyncedNote {
        SyncedNote {
            id: note.id.clone(),
            title: note.title.clone(),
            body: note.body.clone(),
            created: note.created,
            updated: note.updated,
            deleted,
        }
    }

    /// Whether `other` shows the learner the same thing (times aside).
    pub fn same_as(&self, other: &SyncedNote) -> bool {
        self.title == other.title
            && self.body == other.body
            && self.deleted.is_some() == other.deleted.is_some()
    }

    /// The fingerprint an arrival is checked against.
    pub fn fingerprint(&self) -> String {
        content_hash(&self.title, &self.body)
    }
}

/// What the page holds of one note, as it tells sync: the note, or nothing (never had it, or
/// emptied from the Trash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PageNote {
    Held(SyncedNote),
    Gone { id: NoteId },
}

impl PageNote {
    pub fn id(&self) -> &NoteId {
        match self {
            PageNote::Held(note) => &note.id,
            PageNote::Gone { id } => id,
        }
    }
}

/// A note as the documents have it now, for the page to store if it still holds `base`: the
/// [`SyncedNote::fingerprint`] of the version sync last knew the page to have (`None`: the page
/// had none). A page that has typed since keeps its text and tells sync, which merges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arrival {
    pub note: SyncedNote,
    #[serde(default)]
    pub base: Option<String>,
}

/// What the page tells the sync worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToSync {
    /// Start: the server, the room of each document (in [`doc_names`] order), every note and
    /// answer the page holds, its suspended and buried cards, and the time.
    Open {
        server: String,
        /// A Hocuspocus server's token: one socket for every document.
        #[serde(default)]
        token: Option<String>,
        rooms: Vec<String>,
        notes: Vec<PageNote>,
        #[serde(default)]
        answers: Vec<ReviewRecord>,
        #[serde(default)]
        flags: Flags,
        #[serde(default)]
        now: Time,
        #[serde(default)]
        meta: Meta,
        /// The room files' contents are named under ([`file::file_room`]).
        #[serde(default)]
        files_room: String,
    },
    /// Notes the page holds now: its own changes, and what it made of arrivals (sent at once, so
    /// sync merges later typing onto the right version).
    Notes(Vec<PageNote>),
    /// Arrivals whose write landed in the library: the documents may be saved with them.
    Stored(Vec<NoteId>),
    /// The review log changed here: answers given or taken back, card events.
    Log(PageLog),
    /// Cards' logs whose write landed.
    StoredCards(Vec<CardId>),
    /// The page's settings and courses, after a change to any of them.
    Meta(Meta),
    /// Settings and courses sync brought were written.
    StoredMeta,
    /// The contents with this hash, which sync asked for: the message carries them as a blob
    /// (none if the page holds them no more).
    Contents { hash: String },
    /// Stop and forget the documents (sync turned off); the library stays as it is.
    Forget,
}

/// What the sync worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FromSync {
    /// Its wasm is running: messages sent now are heard.
    Ready,
    /// Notes to store.
    Arrivals(Vec<Arrival>),
    /// Cards' answers and events to store.
    Log(Vec<CardLog>),
    /// Settings and courses to store.
    Meta(Box<Meta>),
    /// Contents to hand over (as [`ToSync::Contents`]) to be sent to the server.
    Want(Vec<String>),
    /// Files that arrived, all of one contents: the message carries the bytes, unless the
    /// page holds them already.
    Files(Vec<Attachment>),
    /// How it stands.
    Status(Status),
    /// The documents are forgotten.
    Forgotten,
}

/// How sync stands, for the quiet line in the sidebar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub state: State,
    /// Changes made here that the server has not had yet.
    pub waiting: usize,
    /// Why the server refused or cannot be reached, or what it sent that was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Bytes sent and received since the worker started, and the size of its memory: for the
    /// benchmark and the curious.
    #[serde(default)]
    pub traffic: Traffic,
}

/// What sync has cost so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Traffic {
    pub sent: f64,
    pub received: f64,
    pub memory: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Reading the stored documents and reaching the server.
    Starting,
    /// Connected, exchanging changes.
    Syncing,
    /// Connected and nothing waits.
    Synced,
    /// The server cannot be reached: changes are kept here and sent when it can.
    Offline,
}

impl Status {
    /// The status in words, with the problem if there is one.
    pub fn words(&self) -> String {
        match &self.problem {
            Some(problem) => format!("{}. {problem}", self.short()),
            None => self.short(),
        }
    }

    /// The status in a few words, for the sidebar.
    pub fn short(&self) -> String {
        let waiting = crate::core::plural(self.waiting, "change");
        match self.state {
            State::Starting => "Sync starting…".to_string(),
            State::Syncing if self.waiting > 0 => format!("Syncing, {waiting} waiting"),
            State::Syncing => "Syncing…".to_string(),
            State::Synced => "Synced".to_string(),
            State::Offline if self.waiting > 0 => format!("Offline, {waiting} kept here"),
            State::Offline => "Offline".to_string(),
        }
    }
}

/// Where and with which key this device syncs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    pub server: String,
    pub key: String,
    /// A Hocuspocus server's token: with one, sync speaks Hocuspocus (every document over one
    /// socket, the token checked per document); without, y-websocket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// The shortest sync key taken: the key is the only secret between a library and a server.
pub const MIN_KEY_CHARS: usize = 16;

impl Setup {
    /// Checks what the learner typed: a `wss://` address (or `ws://` to this machine) and a
    /// key long enough to be guessed by no one.
    pub fn parse(server: &str, key: &str) -> Result<Setup, String> {
        let server = server.trim().trim_end_matches('/');
        let key = key.trim();
        let local = ["ws://127.0.0.1", "ws://localhost"].iter().any(|start| {
            server
                .strip_prefix(start)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
        });
        if server.is_empty() {
            return Err("Enter the address of your sync server.".into());
        }
        let secure = server.starts_with("wss://") && server.len() > "wss://".len();
        if !secure && !local {
            return Err("The address must start with wss:// (or ws:// for a server on this machine, such as ws://127.0.0.1:1234).".into());
        }
        if server.contains(char::is_whitespace) || server.contains(['#', '?']) {
            return Err("The address cannot contain spaces, # or ?.".into());
        }
        if key.chars().count() < MIN_KEY_CHARS {
            return Err(format!(
                "The sync key must be at least {MIN_KEY_CHARS} characters: use “Create a sync key”."
            ));
        }
        Ok(Setup {
            server: server.to_string(),
            key: key.to_string(),
            token: None,
        })
    }

    /// This setup with a Hocuspocus token (none when `token` is blank).
    pub fn with_token(self, token: &str) -> Setup {
        let token = token.trim();
        Setup {
            token: (!token.is_empty()).then(|| token.to_string()),
            ..self
        }
    }

    /// What the room of document `name` is hashed from: the key and the name, so the server
    /// sees neither the key nor which library a room belongs to.
    pub fn room_source(&self, name: &str) -> String {
        format!("loam-sync\n{}\n{name}", self.key)
    }
}

/// A new sync key from 20 random bytes, in groups of four letters and digits to read aloud.
pub fn new_key(random: &[u8; 20]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bits: u64 = 0;
    let mut held = 0;
    let mut chars = Vec::new();
    for &byte in random {
        bits = (bits << 8) | u64::from(byte);
        held += 8;
        while held >= 5 {
            held -= 5;
            chars.push(ALPHABET[((bits >> held) & 31) as usize] as char);
        }
    }
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setup_needs_a_secure_address_and_a_long_key() {
        let key = "abcd-efgh-ijkm-npqr";
        assert!(Setup::parse("wss://sync.example.org/", key).is_ok());
        assert_eq!(
            Setup::parse("wss://sync.example.org/", key).unwrap().server,
            "wss://sync.example.org"
        );
        assert!(Setup::parse("ws://127.0.0.1:1234", key).is_ok());
        assert!(Setup::parse("ws://localhost", key).is_ok());
        assert!(Setup::parse("ws://example.org", key).is_err());
        assert!(Setup::parse("ws://127.0.0.1.evil.org", key).is_err());
        assert!(Setup::parse("https://example.org", key).is_err());
        assert!(Setup::parse("", key).is_err());
        assert!(Setup::parse("wss://example.org", "short").is_err());
    }

    #[test]
    fn a_token_is_kept_only_when_one_is_given() {
        let setup = Setup::parse("wss://sync.example.org", "abcd-efgh-ijkm-npqr").unwrap();
        assert_eq!(setup.clone().with_token("  ").token, None);
        let with = setup.with_token(" secret ");
        assert_eq!(with.token.as_deref(), Some("secret"));
        let json = serde_json::to_string(&with).unwrap();
        assert_eq!(serde_json::from_str::<Setup>(&json).unwrap(), with);
        // A setup saved before tokens existed reads as y-websocket.
        let old = r#"{"server":"ws://127.0.0.1:1","key":"abcd-efgh-ijkm-npqr"}"#;
        assert_eq!(serde_json::from_str::<Setup>(old).unwrap().token, None);
    }

    #[test]
    fn a_new_key_has_32_characters_in_groups() {
        let key = new_key(&[7; 20]);
        assert_eq!(key.len(), 32 + 7);
        assert_ne!(new_key(&[7; 20]), new_key(&[8; 20]));
        assert!(Setup::parse("wss://x.org", &key).is_ok());
    }

    #[test]
    fn messages_keep_their_shape() {
        let open = ToSync::Open {
            server: "ws://127.0.0.1:1".into(),
            token: Some("t".into()),
            rooms: vec!["r".into()],
            notes: vec![PageNote::Gone { id: "a".into() }],
            answers: Vec::new(),
            flags: Flags::default(),
            now: Time::from_ms(5.0),
            meta: Meta::default(),
            files_room: "f".into(),
        };
        let json = serde_json::to_string(&open).unwrap();
        assert_eq!(serde_json::from_str::<ToSync>(&json).unwrap(), open);
        let status = FromSync::Status(Status {
            state: State::Offline,
            waiting: 2,
            problem: None,
            traffic: Traffic::default(),
        });
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(serde_json::from_str::<FromSync>(&json).unwrap(), status);
        assert_eq!(
            Status {
                state: State::Offline,
                waiting: 2,
                problem: None,
                traffic: Traffic::default(),
            }
            .words(),
            "Offline, 2 changes kept here"
        );
    }

    #[test]
    fn every_document_has_a_place() {
        let names = doc_names();
        assert_eq!(names.len(), 1 + SHARDS + LOG_SHARDS);
        assert!(names[text_doc("any id")].starts_with("notes-"));
        assert!(names[log_doc("n/basic:any")].starts_with("log-"));
        assert!(is_log_doc(log_doc("n/basic:any")) && !is_log_doc(text_doc("n")));
    }
}
