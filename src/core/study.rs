//! What a review session covers: everything waiting, or one course, one note with the notes it
//! links to, one folder (with its subfolders) or one tag (with its nested tags).
//!
//! ```ignore
//! let notes = Scope::Tag("spanish".into()).notes(&library); // None for Scope::All
//! let queue = review::queue_in(&deck, now, new_per_day, calendar, notes.as_ref());
//! ```

use std::collections::HashSet;

use crate::core::note::front_matter::folder_of;
use crate::core::note::library::Library;
use crate::core::note::NoteId;

/// The cards a review session draws from, by the notes they are written in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every card in the learner's reviews.
    #[default]
    All,
    /// The notes of an imported course (by course id).
    Course(String),
    /// A note and the notes it links to.
    Note(NoteId),
    /// The notes of a folder (as their `folder:` front matter names it) and its subfolders.
    Folder(String),
    /// The notes carrying a tag (by key) or a tag nested in it.
    Tag(String),
}

/// Whether the notes of a scope (`None`: everything, as [`Scope::notes`] gives them) hold
/// the note a card is written in.
pub fn covers(notes: Option<&HashSet<NoteId>>, note: &NoteId) -> bool {
    notes.is_none_or(|notes| notes.contains(note))
}

impl Scope {
    /// The notes in scope; `None` for everything.
    pub fn notes(&self, library: &Library) -> Option<HashSet<NoteId>> {
        let ids = |notes: Vec<&crate::core::note::Note>| {
            notes.into_iter().map(|n| n.id.clone()).collect()
        };
        Some(match self {
            Scope::All => return None,
            Scope::Course(id) => ids(library
                .iter()
                .filter(|n| n.origin.as_ref().and_then(|o| o.course.as_deref()) == Some(id))
                .collect()),
            Scope::Note(id) => library.reachable(id, 1).into_iter().collect(),
            Scope::Folder(folder) => {
                let nested = format!("{folder}/");
                ids(library
                    .iter()
                    .filter(|n| {
                        folder_of(&n.body).is_some_and(|f| f == *folder || f.starts_with(&nested))
                    })
                    .collect())
            }
            Scope::Tag(tag) => ids(library.tagged(tag)),
        })
    }

    /// The part of the review address after `review`: empty for everything, else
    /// `course/…`, `note/…`, `folder/…` or `tag/…` (the value still to be encoded).
    pub fn to_parts(&self) -> Option<(&'static str, &str)> {
        match self {
            Scope::All => None,
            Scope::Course(id) => Some(("course", id)),
            Scope::Note(id) => Some(("note", id.as_str())),
            Scope::Folder(folder) => Some(("folder", folder)),
            Scope::Tag(tag) => Some(("tag", tag)),
        }
    }

    /// The scope a review address names (`kind` and its decoded value), if any.
    pub fn from_parts(kind: &str, value: String) -> Option<Scope> {
        if value.is_empty() {
            return None;
        }
        Some(match kind {
            "course" => Scope::Course(value),
            "note" => Scope::Note(value.into()),
            "folder" => Scope::Folder(value),
            "tag" => Scope::Tag(value),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::note::{Note, Origin};
    use crate::core::time::Time;

    fn note(id: &str, title: &str, body: &str) -> Note {
        Note {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            created: Time::from_ms(0.0),
            updated: Time::from_ms(0.0),
            origin: None,
        }
    }

    fn library() -> Library {
        let mut from_course = note("c1", "Greetings", "Hola :: Hello");
        from_course.origin = Some(Origin {
            course: Some("spanish".into()),
            base: String::new(),
        });
        Library::from_notes(vec![
            from_course,
            note(
                "a",
                "Verbs",
                "See [[Nouns]]. #spanish/grammar\n\nSer :: to be",
            ),
            note("b", "Nouns", "Casa :: house\n\n[[Far]]"),
            note("far", "Far", "Lejos :: far #travel"),
            note("f1", "Rivers", "---\nfolder: \"Geo\"\n---\nLoire :: France"),
            note(
                "f2",
                "Peaks",
                "---\nfolder: \"Geo/Alps\"\n---\nMont Blanc :: 4808 m",
            ),
            note(
                "f3",
                "Geodesy",
                "---\nfolder: \"Geodesy\"\n---\nGeoid :: a shape",
            ),
        ])
    }

    fn ids(scope: Scope) -> Vec<String> {
        let mut ids: Vec<String> = scope
            .notes(&library())
            .unwrap()
            .into_iter()
            .map(|id| id.to_string())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn each_scope_takes_its_notes() {
        assert_eq!(Scope::All.notes(&library()), None);
        assert_eq!(ids(Scope::Course("spanish".into())), ["c1"]);
        // The note and what it links to, one link deep.
        assert_eq!(ids(Scope::Note("a".into())), ["a", "b"]);
        // A folder takes its subfolders, not a folder whose name merely starts the same.
        assert_eq!(ids(Scope::Folder("Geo".into())), ["f1", "f2"]);
        assert_eq!(ids(Scope::Tag("spanish".into())), ["a"]);
        assert_eq!(ids(Scope::Tag("nothing".into())), Vec::<String>::new());
    }

    #[test]
    fn a_scope_goes_into_an_address_and_back() {
        for scope in [
            Scope::Course("c".into()),
            Scope::Note("n".into()),
            Scope::Folder("Geo/Alps".into()),
            Scope::Tag("spanish".into()),
        ] {
            let (kind, value) = scope.to_parts().unwrap();
            assert_eq!(
                Scope::from_parts(kind, value.to_string()),
                Some(scope.clone())
            );
        }
        assert_eq!(Scope::All.to_parts(), None);
        assert_eq!(Scope::from_parts("course", String::new()), None);
        assert_eq!(Scope::from_parts("deck", "x".into()), None);
    }
}
