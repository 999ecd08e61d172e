//! The Trash: deleted notes kept with the time they were deleted, restorable for
//! [`KEPT_FOR`]; their cards stay retired with their history meanwhile and come back with them.

use serde::{Deserialize, Serialize};

use crate::core::note::{Note, NoteId};
use crate::core::time::{Span, Time};

/// How long a deleted note stays restorable.
pub const KEPT_FOR: Span = Span::from_ms(30.0 * 86_400_000.0);

/// A deleted note and when it was deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trashed {
    pub note: Note,
    pub deleted: Time,
}

impl Trashed {
    /// When it leaves the Trash for good.
    pub fn expires(&self) -> Time {
        self.deleted + KEPT_FOR
    }
}

/// The notes of `trash` kept past [`KEPT_FOR`] at `now`: emptied at start.
pub fn expired(trash: &[Trashed], now: Time) -> Vec<NoteId> {
    trash
        .iter()
        .filter(|t| t.expires() <= now)
        .map(|t| t.note.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_kept_thirty_days() {
        let note = Note {
            id: "a".into(),
            title: "A".into(),
            body: String::new(),
            created: Time::from_ms(0.0),
            updated: Time::from_ms(0.0),
            origin: None,
        };
        let t0 = Time::from_ms(1_000.0);
        let trash = vec![Trashed { note, deleted: t0 }];
        assert!(expired(&trash, t0 + Span::days(29.9)).is_empty());
        assert_eq!(
            expired(&trash, t0 + Span::days(30.0)),
            vec![NoteId::from("a")]
        );
    }
}
