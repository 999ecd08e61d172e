//! Notes that sync brought, made in the library: new notes, edits, renames, deletions to the
//! Trash and notes brought back by a later edit. A note the page changed since sync last saw it
//! is left as it is (sync merges it and brings it again).

use crate::core::exchange::plan::free_title;
use crate::core::note::library::Library;
use crate::core::note::trash::Trashed;
use crate::core::note::{content_hash, title_char, title_key, Note, NoteId, MAX_TITLE_CHARS};
use crate::core::time::Time;

use super::Arrival;

/// Added to the title of the note that yields when two devices gave two notes one title.
pub const CLASH_SUFFIX: &str = "from another device";

/// What arriving notes changed.
#[derive(Debug, Default, PartialEq)]
pub struct Arrived {
    /// Notes written in the library (their cards follow their text).
    pub notes: Vec<NoteId>,
    /// Notes moved to the Trash.
    pub trashed: Vec<NoteId>,
    /// Titles of notes back from the Trash because they were edited elsewhere after.
    pub back: Vec<String>,
    /// Whether the Trash changed.
    pub trash_changed: bool,
}

/// A title as another device (or a hostile server) sent it, made one the library accepts: link
/// syntax and control characters replaced, trimmed, cut to the longest title.
fn usable_title(title: &str) -> String {
    let title: String = title
        .chars()
        .map(title_char)
        .take(MAX_TITLE_CHARS)
        .collect();
    title.trim().to_string()
}

/// Makes `arrivals` in `library` and `trash`.
pub fn arrive(
    arrivals: Vec<Arrival>,
    library: &mut Library,
    trash: &mut Vec<Trashed>,
    now: Time,
) -> Arrived {
    let mut arrived = Arrived::default();
    for Arrival { note: theirs, base } in arrivals {
        let id = theirs.id.clone();
        let in_trash = trash.iter().position(|t| t.note.id == id);
        let current = library
            .get(&id)
            .or_else(|| in_trash.map(|at| &trash[at].note));
        if let Some(current) = current {
            if base.as_deref() != Some(content_hash(&current.title, &current.body).as_str()) {
                continue;
            }
        }
        let origin = current.and_then(|n| n.origin.clone());
        if let Some(deleted) = theirs.deleted {
            if let Some(note) = library.delete(&id) {
                trash.retain(|t| t.note.id != id);
                trash.push(Trashed { note, deleted });
                arrived.trashed.push(id);
                arrived.trash_changed = true;
            }
            continue;
        }
        if let Some(at) = in_trash {
            trash.remove(at);
            arrived.trash_changed = true;
            arrived.back.push(theirs.title.clone());
        }
        let mut title = usable_title(&theirs.title);
        if title.is_empty() {
            title = library.untitled_title();
        }
        if let Some(other) = library.by_title(&title).filter(|n| n.id != id) {
            // Both devices pick the same note to yield: the later created (then the larger id).
            if (theirs.created.ms(), &theirs.id) > (other.created.ms(), &other.id) {
                title = free_title(&title, CLASH_SUFFIX, |t| {
                    library.by_title(t).is_none_or(|n| n.id == id)
                });
            } else {
                let other = other.id.clone();
                let free = free_title(&title, CLASH_SUFFIX, |t| {
                    title_key(t) != title_key(&title) && library.by_title(t).is_none()
                });
                if let Ok(changed) = library.rename(&other, &free, now) {
                    arrived.notes.extend(changed);
                }
            }
        }
        library.put(Note {
            id: id.clone(),
            title,
            body: theirs.body,
            created: theirs.created,
            updated: theirs.updated,
            origin,
        });
        arrived.notes.push(id);
    }
    crate::core::sort_dedup(&mut arrived.notes);
    arrived
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sync::SyncedNote;

    use crate::core::note::sample as note;

    fn arrival(note: &Note, base: Option<&Note>) -> Arrival {
        Arrival {
            note: SyncedNote::of(note, None),
            base: base.map(|b| content_hash(&b.title, &b.body)),
        }
    }

    #[test]
    fn a_new_note_and_an_edit_arrive() {
        let mut library = Library::from_notes(vec![note("a", "A", "old", 1.0)]);
        let mut trash = Vec::new();
        let edited = note("a", "A", "new", 1.0);
        let fresh = note("b", "B", "hello", 2.0);
        let arrived = arrive(
            vec![arrival(&edited, library.get("a")), arrival(&fresh, None)],
            &mut library,
            &mut trash,
            Time::from_ms(9.0),
        );
        assert_eq!(arrived.notes, vec![NoteId::from("a"), NoteId::from("b")]);
        assert_eq!(library.get("a").unwrap().body, "new");
        assert_eq!(library.get("b").unwrap().body, "hello");
    }

    #[test]
    fn a_note_typed_on_since_is_left_for_sync_to_merge() {
        let mut library = Library::from_notes(vec![note("a", "A", "typed here", 1.0)]);
        let was = note("a", "A", "old", 1.0);
        let theirs = note("a", "A", "old and theirs", 1.0);
        let arrived = arrive(
            vec![arrival(&theirs, Some(&was))],
            &mut library,
            &mut Vec::new(),
            Time::from_ms(9.0),
        );
        assert!(arrived.notes.is_empty());
        assert_eq!(library.get("a").unwrap().body, "typed here");
    }

    #[test]
    fn a_deletion_goes_to_the_trash_and_a_later_edit_brings_it_back() {
        let mut library = Library::from_notes(vec![note("a", "A", "text", 1.0)]);
        let mut trash = Vec::new();
        let mut gone = SyncedNote::of(library.get("a").unwrap(), Some(Time::from_ms(5.0)));
        gone.deleted = Some(Time::from_ms(5.0));
        let base = content_hash("A", "text");
        let arrived = arrive(
            vec![Arrival {
                note: gone,
                base: Some(base.clone()),
            }],
            &mut library,
            &mut trash,
            Time::from_ms(9.0),
        );
        assert_eq!(arrived.trashed, vec![NoteId::from("a")]);
        assert!(library.get("a").is_none());
        assert_eq!(trash[0].deleted, Time::from_ms(5.0));

        let edited = note("a", "A", "text, edited elsewhere", 1.0);
        let arrived = arrive(
            vec![Arrival {
                note: SyncedNote::of(&edited, None),
                base: Some(base),
            }],
            &mut library,
            &mut trash,
            Time::from_ms(10.0),
        );
        assert_eq!(arrived.back, vec!["A".to_string()]);
        assert!(trash.is_empty());
        assert_eq!(library.get("a").unwrap().body, "text, edited elsewhere");
    }

    #[test]
    fn a_title_with_link_syntax_or_nothing_in_it_is_made_usable() {
        let mut library = Library::new();
        let odd = note("a", "  [[Paris]]|x\u{7}  ", "", 1.0);
        let blank = note("b", "   ", "", 2.0);
        arrive(
            vec![arrival(&odd, None), arrival(&blank, None)],
            &mut library,
            &mut Vec::new(),
            Time::from_ms(9.0),
        );
        assert_eq!(library.get("a").unwrap().title, "--Paris---x");
        assert_eq!(library.get("b").unwrap().title, "Untitled");
    }

    #[test]
    fn two_devices_pick_the_same_note_to_yield_a_clashing_title() {
        // Device one holds x, device two holds y; each hears of the other's note.
        let x = note("x", "Paris", "mine", 1.0);
        let y = note("y", "Paris", "yours", 2.0);
        let mut one = Library::from_notes(vec![x.clone()]);
        let mut two = Library::from_notes(vec![y.clone()]);
        arrive(
            vec![arrival(&y, None)],
            &mut one,
            &mut Vec::new(),
            Time::from_ms(9.0),
        );
        arrive(
            vec![arrival(&x, None)],
            &mut two,
            &mut Vec::new(),
            Time::from_ms(9.0),
        );
        for library in [&one, &two] {
            assert_eq!(library.get("x").unwrap().title, "Paris");
            assert_eq!(
                library.get("y").unwrap().title,
                "Paris (from another device)"
            );
        }
    }
}
