//! What a change stores: its records, kept together so they land in one transaction. Changes
//! made here and those sync brings both end in them.

use crate::core::attachment::Attachment;
use crate::core::exchange::bundle::{Course, Elsewhere};
use crate::core::exchange::hosting::Hosting;
use crate::core::note::trash::Trashed;
use crate::core::note::{Note, NoteId};
use crate::core::review::deck::Card;
use crate::core::review::{ReviewRecord, ReviewSettings};

/// What a change made: the records to store together, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub notes: Vec<Note>,
    pub deleted_notes: Vec<NoteId>,
    pub cards: Vec<Card>,
    pub reviews: Vec<ReviewRecord>,
    pub deleted_reviews: Vec<String>,
    pub settings: Option<ReviewSettings>,
    /// The whole list of courses, when it changed.
    pub courses: Option<Vec<Course>>,
    /// The whole list of notes elsewhere, when it changed.
    pub elsewhere: Option<Vec<Elsewhere>>,
    pub author: Option<String>,
    pub hosting: Option<Hosting>,
    /// The whole Trash, when it changed.
    pub trash: Option<Vec<Trashed>>,
    /// Every note's cards are now derived (a restore brings whole decks).
    pub cards_derived: bool,
    /// Attached files to store (their contents come from the app).
    pub files: Vec<Attachment>,
    /// Name keys of files removed.
    pub removed_files: Vec<String>,
    /// Hashes of contents no file holds any more.
    pub removed_contents: Vec<String>,
}

impl Records {
    /// Nothing to store.
    pub fn is_empty(&self) -> bool {
        // Field by field: a derived `==` would compile equality for every record type.
        self.notes.is_empty()
            && self.deleted_notes.is_empty()
            && self.cards.is_empty()
            && self.reviews.is_empty()
            && self.deleted_reviews.is_empty()
            && self.settings.is_none()
            && self.courses.is_none()
            && self.elsewhere.is_none()
            && self.author.is_none()
            && self.hosting.is_none()
            && self.trash.is_none()
            && !self.cards_derived
            && self.files.is_empty()
            && self.removed_files.is_empty()
            && self.removed_contents.is_empty()
    }

    /// Takes `other`'s records into these; a note in both is stored once, as `other` has it.
    pub fn absorb(&mut self, other: Records) {
        self.notes
            .retain(|n| !other.notes.iter().any(|o| o.id == n.id));
        self.notes.extend(other.notes);
        self.deleted_notes.extend(other.deleted_notes);
        self.cards.extend(other.cards);
        self.reviews.extend(other.reviews);
        self.deleted_reviews.extend(other.deleted_reviews);
        self.settings = other.settings.or(self.settings.take());
        self.courses = other.courses.or(self.courses.take());
        self.elsewhere = other.elsewhere.or(self.elsewhere.take());
        self.author = other.author.or(self.author.take());
        self.hosting = other.hosting.or(self.hosting.take());
        self.trash = other.trash.or(self.trash.take());
        self.cards_derived |= other.cards_derived;
        self.files.extend(other.files);
        self.removed_files.extend(other.removed_files);
        self.removed_contents.extend(other.removed_contents);
    }
}
