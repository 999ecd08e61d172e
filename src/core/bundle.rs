//! Bundles: notes (and so their cards) packed to travel in a link, a file or an encrypted file.
//! The format is documented in `docs/bundle-format.md`; everything decoded here is hostile.

use serde::{Deserialize, Serialize};

use crate::core::note::NoteId;

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
