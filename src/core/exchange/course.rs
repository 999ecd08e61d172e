//! Courses: the notes an author shares from one root and updates later, the bundle made of
//! them, and where a learner stands in one.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::core::exchange::bundle::{Bundle, BundleNote};
use crate::core::note::library::Library;
use crate::core::note::link::parse_links;
use crate::core::note::{Note, NoteId};
use crate::core::review::deck::{CardId, Deck};
use crate::core::review::schedule::Scheduler;

use crate::core::review::{average_recall, Recall};
use crate::core::time::Time;

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
    pub created: Time,
    /// The note the course starts from.
    pub root: NoteId,
}

/// A course by Ada for tests: `id` is also its root note's.
#[cfg(test)]
pub fn sample(id: &str, version: u64) -> Course {
    Course {
        id: id.into(),
        title: format!("Course {id}"),
        author: "Ada".into(),
        version,
        created: Time::from_ms(1.0),
        root: id.into(),
    }
}

/// A note outside the bundle that its notes link to, and the course it belongs to, so a learner
/// without it is told where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Elsewhere {
    pub title: String,
    pub course: String,
}

/// The course an author shares from note `root` with the notes `ids`: it takes the root's id
/// (stable across updates), title and creation time, and as version the newest change among
/// its notes, so every update of the course has a larger one. `None` if `root` is unknown.
pub fn course_of(library: &Library, root: &str, ids: &[NoteId], author: &str) -> Option<Course> {
    let note = library.get(root)?;
    let version = ids
        .iter()
        .filter_map(|id| library.get(id))
        .map(|n| n.updated.ms().max(0.0) as u64)
        .max()
        .unwrap_or(0);
    Some(Course {
        id: note.id.to_string(),
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
        files: Vec::new(),
    }
}

/// Where a learner stands in a course, for its page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CourseProgress {
    /// Notes that came with the course.
    pub notes: usize,
    /// Their live cards.
    pub cards: usize,
    /// Of those, the ones the learner added to their reviews.
    pub in_reviews: usize,
    /// Of those, the ones answered at least once.
    pub studied: usize,
    /// Average recall now over the studied cards.
    pub average_recall: Option<u8>,
}

/// Sums up the learner's notes and cards from the course with this id.
pub fn course_progress(
    library: &Library,
    deck: &Deck,
    course_id: &str,
    scheduler: &Scheduler,
    now: Time,
) -> CourseProgress {
    let mut progress = CourseProgress {
        notes: 0,
        cards: 0,
        in_reviews: 0,
        studied: 0,
        average_recall: None,
    };
    let mut recalls = Vec::new();
    for note in library.iter() {
        if note.origin.as_ref().and_then(|o| o.course.as_deref()) != Some(course_id) {
            continue;
        }
        progress.notes += 1;
        for card in deck.cards_of_note(&note.id) {
            if card.retired {
                continue;
            }
            progress.cards += 1;
            if card.in_deck {
                progress.in_reviews += 1;
                if !card.schedule.is_new() {
                    progress.studied += 1;
                }
                recalls.push(Recall::of(Some(card), scheduler, now));
            }
        }
    }
    progress.average_recall = average_recall(&recalls);
    progress
}

/// The ids of the live cards of a course that are not yet in the learner's reviews, for
/// "add all of this course's cards".
pub fn cards_to_add(library: &Library, deck: &Deck, course_id: &str) -> Vec<CardId> {
    let mut notes: Vec<&Note> = library
        .iter()
        .filter(|n| n.origin.as_ref().and_then(|o| o.course.as_deref()) == Some(course_id))
        .collect();
    crate::core::sort_by(&mut notes, |a, b| a.id.cmp(&b.id));
    notes
        .iter()
        .flat_map(|note| deck.cards_of_note(&note.id))
        .filter(|card| !card.retired && !card.in_deck)
        .map(|card| card.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::bundle::{decode, encode};
    use crate::core::exchange::merge::tests::{bundle, import, mine, theirs, T0};
    use crate::core::note::Origin;
    use crate::core::review::answer;
    use crate::core::review::schedule::{Rating, Settings};

    use crate::core::time::Span;

    fn library(notes: &[(&str, &str, &str)]) -> Library {
        Library::from_notes(
            notes
                .iter()
                .map(|(id, title, body)| Note {
                    id: NoteId::from(*id),
                    title: title.to_string(),
                    body: body.to_string(),
                    created: Time::from_ms(1.0),
                    updated: Time::from_ms(2.0),
                    origin: None,
                })
                .collect(),
        )
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
                created: Time::from_ms(1.0),
                updated: Time::from_ms(2.0),
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

    fn note(id: &str, title: &str, created: f64, updated: f64) -> Note {
        Note {
            id: id.into(),
            title: title.into(),
            body: String::new(),
            created: Time::from_ms(created),
            updated: Time::from_ms(updated),
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
        let ids: Vec<NoteId> = vec!["root".into(), "a".into()];
        let course = course_of(&lib, "root", &ids, "  Ana ").unwrap();
        assert_eq!(
            course,
            Course {
                id: "root".into(),
                title: "Spanish".into(),
                author: "Ana".into(),
                version: 95,
                created: Time::from_ms(10.0),
                root: "root".into(),
            }
        );
        assert_eq!(course_of(&lib, "gone", &ids, ""), None);
    }

    #[test]
    fn progress_over_a_course() {
        let mut library = Library::new();
        let mut deck = Deck::default();
        import(
            &mut library,
            &mut deck,
            bundle(vec![
                theirs("a", "France", "France :: Paris\n\nItaly :: Rome"),
                theirs("b", "Spain", "Spain :: Madrid\n\nText [[France]]"),
            ]),
            &[],
        );
        library.put(mine("m", "Mine", "Mine :: too"));
        deck.sync_note("m", "Mine :: too", T0);
        let scheduler = Scheduler::new(Settings::default()).unwrap();
        let progress =
            |deck: &Deck, now| course_progress(&library, deck, "course-1", &scheduler, now);
        assert_eq!(
            progress(&deck, T0),
            CourseProgress {
                notes: 2,
                cards: 3,
                in_reviews: 0,
                studied: 0,
                average_recall: None
            }
        );
        let waiting = cards_to_add(&library, &deck, "course-1");
        assert_eq!(waiting.len(), 3);
        assert_eq!(deck.add_to_reviews(&waiting[..2]).len(), 2);
        assert_eq!(cards_to_add(&library, &deck, "course-1"), waiting[2..]);
        let card = deck.get(&waiting[0]).unwrap().clone();
        let mut studied = answer(&card, Rating::Good, T0, &scheduler, || 0.5).after;
        studied = answer(&studied, Rating::Good, T0 + Span::DAY, &scheduler, || 0.5).after;
        deck.put(studied);
        let later = progress(&deck, T0 + Span::days(2.0));
        assert_eq!((later.in_reviews, later.studied), (2, 1));
        assert!(matches!(later.average_recall, Some(p) if p > 50 && p <= 100));
        assert_eq!(
            course_progress(&library, &deck, "other", &scheduler, T0).notes,
            0
        );
    }
}
