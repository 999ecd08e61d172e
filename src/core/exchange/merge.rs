//! Importing a bundle: applying its plan with the learner's choices, never losing their edits
//! or their cards' history; restores of a backup end the same way.

use std::collections::HashMap;
use std::collections::HashSet;

use crate::core::exchange::bundle::BundleNote;
use crate::core::note::library::Library;
use crate::core::note::link::rewrite_links;
use crate::core::note::{content_hash, title_key, Note, NoteId, Origin};
use crate::core::review::deck::{Card, CardId, Deck};
use crate::core::time::Time;

pub use crate::core::exchange::course::{cards_to_add, course_progress, CourseProgress};
pub(crate) use crate::core::exchange::plan::free_title;
pub use crate::core::exchange::plan::{plan, Change, ImportPlan, Parsed, PlanItem, Planning};

/// The learner's answer to a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Keep my text; later imports treat it as my edit of this version.
    KeepMine,
    /// Replace my text by the author's.
    TakeTheirs,
    /// Keep my note and add the author's as a separate note.
    KeepBoth,
}

/// Everything an import changed, to save in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    pub notes: Vec<Note>,
    pub cards: Vec<Card>,
    /// The note to open afterwards: the course's root, or the first note.
    pub root: Option<NoteId>,
}

/// Ids in the order first seen, each once.
#[derive(Default)]
struct Changed {
    order: Vec<String>,
    seen: HashSet<String>,
}

impl Changed {
    fn add(&mut self, id: &str) {
        if self.seen.insert(id.to_string()) {
            self.order.push(id.to_string());
        }
    }
}

/// What a merge (an import or a restore) has written so far. Both end alike: the learner's
/// links follow renamed notes, then what changed is read back to be saved.
#[derive(Default)]
pub(crate) struct Merging<'a> {
    notes: Changed,
    cards: Changed,
    /// Notes written as they arrived: following a rename never rewrites their links.
    pub(crate) written: HashSet<&'a str>,
    /// Links to a note about to be renamed, found before anything moves.
    retitled: Vec<Retitled>,
}

impl Merging<'_> {
    /// A local note about to take `title`: remembers the links that must follow it.
    pub(crate) fn retitle(&mut self, library: &Library, local: &Note, title: &str) {
        self.retitled.extend(retitle(library, local, title));
    }

    pub(crate) fn note(&mut self, id: &str) {
        self.notes.add(id);
    }

    pub(crate) fn card(&mut self, id: &str) {
        self.cards.add(id);
    }

    pub(crate) fn cards(&mut self, cards: Vec<Card>) {
        for card in cards {
            self.cards.add(&card.id);
        }
    }

    /// Rewrites the links of renamed notes in the notes that link to them (except those
    /// `written` as they arrived) and syncs those notes' cards.
    pub(crate) fn follow_renames(&mut self, library: &mut Library, deck: &mut Deck, now: Time) {
        for (old, new, sources) in std::mem::take(&mut self.retitled) {
            for source in sources {
                if self.written.contains(source.as_str()) {
                    continue;
                }
                let Some(note) = library.get(&source) else {
                    continue;
                };
                let Some(body) = rewrite_links(&note.body, &old, &new) else {
                    continue;
                };
                let imported = note.origin.is_some();
                library.set_body(&source, &body, now);
                self.notes.add(&source);
                self.cards(sync_cards(deck, &source, &body, imported, now));
            }
        }
    }

    /// The notes and cards written, as they now are, in the order first written.
    pub(crate) fn report(self, library: &Library, deck: &Deck) -> (Vec<Note>, Vec<Card>) {
        let notes = self
            .notes
            .order
            .iter()
            .filter_map(|id| library.get(id).cloned())
            .collect();
        let cards = self
            .cards
            .order
            .iter()
            .filter_map(|id| deck.get(id).cloned())
            .collect();
        (notes, cards)
    }
}

/// Imports a plan into the library and deck. Choices matter only for conflicts, and a conflict
/// without one keeps the learner's text: neither side is ever dropped.
///
/// Notes written from the bundle keep their ids and times and record what arrived as their
/// origin; their cards keep their history, and cards the import creates wait out of reviews.
/// When the author renamed a note, the learner's own links to it follow. `new_id` names the
/// copies that "keep both" makes.
pub fn apply(
    plan: &ImportPlan,
    choices: &HashMap<NoteId, Choice>,
    library: &mut Library,
    deck: &mut Deck,
    now: Time,
    new_id: &mut dyn FnMut() -> NoteId,
) -> Applied {
    let course_id = plan.course.as_ref().map(|c| c.id.clone());
    let incoming: HashMap<&str, &BundleNote> =
        plan.notes.iter().map(|n| (n.id.as_str(), n)).collect();
    // What the preview read from each note, by note id.
    let parsed: HashMap<&str, &Parsed> = plan
        .notes
        .iter()
        .zip(&plan.parsed)
        .map(|(n, parsed)| (n.id.as_str(), parsed))
        .collect();
    let sync = |deck: &mut Deck, id: &str, theirs: &BundleNote| match parsed.get(theirs.id.as_str())
    {
        Some(parsed) => deck.sync_imported_cards(id, &parsed.cards, now),
        None => deck.sync_imported_note(id, &theirs.body, now),
    };
    // `note` carries the text of `theirs`.
    let put = |library: &mut Library, note: Note, theirs: &BundleNote| {
        match parsed.get(theirs.id.as_str()) {
            Some(parsed) => library.put_linked(note, parsed.links.clone()),
            None => library.put(note),
        };
    };
    let origin_of = |title: &str, body: &str| Origin {
        course: course_id.clone(),
        base: content_hash(title, body),
    };
    let mut merging = Merging::default();
    let mut copies: Vec<&BundleNote> = Vec::new();

    for item in &plan.items {
        let Some(&theirs) = incoming.get(item.id.as_str()) else {
            continue;
        };
        let choice = match item.change {
            Change::Conflict => choices.get(&item.id).copied().unwrap_or(Choice::KeepMine),
            _ => Choice::TakeTheirs,
        };
        let local = library.get(&theirs.id).cloned();
        match (item.change, choice) {
            (Change::New | Change::Update, _) | (Change::Conflict, Choice::TakeTheirs) => {
                if let Some(local) = &local {
                    merging.retitle(library, local, &theirs.title);
                }
                let note = Note {
                    id: theirs.id.clone(),
                    title: theirs.title.clone(),
                    body: theirs.body.clone(),
                    created: theirs.created,
                    updated: theirs.updated,
                    origin: Some(origin_of(&theirs.title, &theirs.body)),
                };
                put(library, note, theirs);
                merging.note(&theirs.id);
                merging.cards(sync(deck, &theirs.id, theirs));
                merging.written.insert(theirs.id.as_str());
            }
            (Change::KeptLocal, _) => {}
            (Change::Unchanged | Change::Conflict, _) => {
                // The local text stays; it now stands against this version of the author's.
                let Some(mut local) = local else { continue };
                let origin = Some(origin_of(&theirs.title, &theirs.body));
                if local.origin != origin {
                    local.origin = origin;
                    library.put(local);
                    merging.note(&theirs.id);
                }
                if item.change == Change::Unchanged {
                    merging.written.insert(theirs.id.as_str());
                } else if choice == Choice::KeepBoth {
                    copies.push(theirs);
                }
            }
        }
    }

    for theirs in copies {
        let title = free_title(&theirs.title, "their version", |t| {
            library.resolve(t).is_none()
        });
        // A generator that repeats itself must not overwrite a note.
        let Some(id) = (0..16)
            .map(|_| new_id())
            .find(|id| library.get(id).is_none())
        else {
            continue;
        };
        let note = Note {
            id: id.clone(),
            title: title.clone(),
            body: theirs.body.clone(),
            created: theirs.created,
            updated: theirs.updated,
            origin: Some(origin_of(&title, &theirs.body)),
        };
        put(library, note, theirs);
        merging.note(&id);
        merging.cards(sync(deck, &id, theirs));
    }

    merging.follow_renames(library, deck, now);

    let root = plan
        .course
        .as_ref()
        .map(|c| c.root.clone())
        .filter(|root| incoming.contains_key(root.as_str()))
        .or_else(|| plan.notes.first().map(|n| n.id.clone()));
    let (notes, cards) = merging.report(library, deck);
    Applied { notes, cards, root }
}

impl Applied {
    /// For the learner's own material brought from another tool (a vault, an Anki deck), unlike
    /// a course: the cards the import wrote go straight into reviews.
    pub fn into_reviews(&mut self, deck: &mut Deck) {
        let ids: Vec<CardId> = self.cards.iter().map(|c| c.id.clone()).collect();
        deck.add_to_reviews(&ids);
        for card in &mut self.cards {
            if let Some(now) = deck.get(&card.id) {
                *card = now.clone();
            }
        }
    }
}

/// A note's old title, its new one, and the notes linking to it.
type Retitled = (String, String, Vec<NoteId>);

/// A local note about to take `title`: the links to it that must follow, when it owns its
/// title and the title really changes.
fn retitle(library: &Library, local: &Note, title: &str) -> Option<Retitled> {
    let owns_title = library.resolve(&local.title) == Some(local.id.as_str());
    if !owns_title || title_key(&local.title) == title_key(title) {
        return None;
    }
    let sources = library
        .backlinks(&local.id)
        .into_iter()
        .map(|b| b.source)
        .collect();
    Some((local.title.clone(), title.to_string(), sources))
}

/// Syncs a note's cards with its text; cards new to a note from a course wait out of reviews.
pub(crate) fn sync_cards(
    deck: &mut Deck,
    note_id: &str,
    body: &str,
    imported: bool,
    now: Time,
) -> Vec<Card> {
    if imported {
        deck.sync_imported_note(note_id, body, now)
    } else {
        deck.sync_note(note_id, body, now)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::card::parse_cards;
    use crate::core::exchange::bundle::Bundle;
    use crate::core::exchange::course::Course;
    use crate::core::note::library::link_targets;
    use crate::core::note::link::parse_links;
    use crate::core::review::answer;
    use crate::core::review::schedule::{Rating, Scheduler, Settings};

    use crate::core::time::Time;

    pub(crate) const T0: Time = Time::from_ms(1_767_225_600_000.0);

    pub(crate) fn theirs(id: &str, title: &str, body: &str) -> BundleNote {
        BundleNote {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            created: Time::from_ms(10.0),
            updated: Time::from_ms(20.0),
        }
    }

    fn course(title: &str, root: &str) -> Course {
        Course {
            id: "course-1".into(),
            title: title.into(),
            author: "Ann".into(),
            version: 1,
            created: Time::from_ms(10.0),
            root: root.into(),
        }
    }

    pub(crate) fn bundle(notes: Vec<BundleNote>) -> Bundle {
        let root = notes[0].id.clone();
        Bundle {
            course: Some(course("Capitals", &root)),
            notes,
            elsewhere: Vec::new(),
            files: Vec::new(),
        }
    }

    pub(crate) fn mine(id: &str, title: &str, body: &str) -> Note {
        Note {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            created: Time::from_ms(1.0),
            updated: Time::from_ms(2.0),
            origin: None,
        }
    }

    fn ids() -> impl FnMut() -> NoteId {
        let mut n = 0;
        move || {
            n += 1;
            format!("new-{n}").into()
        }
    }

    /// Imports with these choices; returns what changed.
    pub(crate) fn import(
        library: &mut Library,
        deck: &mut Deck,
        bundle: Bundle,
        choices: &[(&str, Choice)],
    ) -> (ImportPlan, Applied) {
        let plan = plan(library, bundle);
        let choices = choices
            .iter()
            .map(|(id, c)| (NoteId::from(*id), *c))
            .collect();
        let applied = apply(&plan, &choices, library, deck, T0, &mut ids());
        (plan, applied)
    }

    fn changes(plan: &ImportPlan) -> Vec<(&str, Change)> {
        plan.items
            .iter()
            .map(|i| (i.id.as_str(), i.change))
            .collect()
    }

    #[test]
    fn classifies_each_note() {
        let v1 = bundle(vec![
            theirs("same", "Same", "text"),
            theirs("upd", "Update", "old"),
            theirs("kept", "Kept", "author"),
            theirs("both", "Both", "author"),
        ]);
        let mut library = Library::new();
        let mut deck = Deck::default();
        import(&mut library, &mut deck, v1, &[]);
        library.set_body("kept", "learner", T0);
        library.set_body("both", "learner", T0);
        library.put(mine("own", "Own", "mine"));

        let v2 = bundle(vec![
            theirs("same", "Same", "text"),
            theirs("upd", "Update", "new"),
            theirs("kept", "Kept", "author"),
            theirs("both", "Both", "author again"),
            theirs("own", "Own", "theirs"),
            theirs("fresh", "Fresh", "A :: 1\n\nB :: 2"),
        ]);
        let plan = plan(&library, v2);
        assert_eq!(
            changes(&plan),
            [
                ("same", Change::Unchanged),
                ("upd", Change::Update),
                ("kept", Change::KeptLocal),
                ("both", Change::Conflict),
                ("own", Change::Conflict),
                ("fresh", Change::New),
            ]
        );
        assert_eq!(plan.count(Change::Conflict), 2);
        assert_eq!(plan.count(Change::New), 1);
        assert_eq!(plan.card_count(), 2);
        let conflicts: Vec<&str> = plan.conflicts().iter().map(|i| i.id.as_str()).collect();
        assert_eq!(conflicts, ["both", "own"]);
        assert_eq!(plan.items[1].local_title.as_deref(), Some("Update"));
        assert_eq!(plan.items[5].local_title, None);
    }

    #[test]
    fn clashing_titles_are_renamed_and_the_bundles_links_follow() {
        let mut library = Library::from_notes(vec![
            mine("l1", "Rust", "my notes on [[Rust]]"),
            mine("l2", "Rust (Systems 1)", ""),
            mine("l3", "Intro (their version)", ""),
        ]);
        let mut deck = Deck::default();
        let incoming = Bundle {
            course: Some(course("Systems [#1]", "c2")),
            notes: vec![
                theirs("c1", "rust", "The language. [[Rust#Ownership]]"),
                theirs(
                    "c2",
                    "Intro",
                    "See [[RUST|the language]], ![[rust#^a]] and `[[Rust]]`.",
                ),
            ],
            elsewhere: Vec::new(),
            files: Vec::new(),
        };
        let (plan, applied) = import(&mut library, &mut deck, incoming.clone(), &[]);
        assert_eq!(plan.items[0].title, "rust (Systems 1) 2");
        assert_eq!(plan.items[0].renamed_from.as_deref(), Some("rust"));
        assert_eq!(plan.items[1].renamed_from, None);
        assert_eq!(
            plan.notes[0].body,
            "The language. [[rust (Systems 1) 2#Ownership]]"
        );
        assert_eq!(
            plan.notes[1].body,
            "See [[rust (Systems 1) 2|the language]], ![[rust (Systems 1) 2#^a]] and `[[Rust]]`."
        );
        // The learner's own note and links are untouched.
        assert_eq!(library.get("l1").unwrap().body, "my notes on [[Rust]]");
        assert_eq!(library.resolve("Rust"), Some("l1"));
        assert_eq!(library.resolve("rust (systems 1) 2"), Some("c1"));
        assert_eq!(applied.root.as_deref(), Some("c2"));

        // The same bundle again finds nothing to do.
        let (again, applied) = import(&mut library, &mut deck, incoming, &[]);
        assert_eq!(again.count(Change::Unchanged), 2, "{:?}", changes(&again));
        assert!(applied.notes.is_empty() && applied.cards.is_empty());
    }

    #[test]
    fn the_cards_parsed_for_the_preview_are_the_ones_imported() {
        let mut library = Library::new();
        library.put(mine("x", "France", "mine"));
        let mut deck = Deck::default();
        let notes = vec![
            theirs("a", "France", "France :: Paris ^fr\n\n{{c1::Lyon}} is big"),
            theirs("b", "Spain", "Spain ::: Madrid\n\nSee [[France]]"),
            theirs("c", "Plain", "no cards here"),
        ];
        let planned = plan(&library, bundle(notes.clone()));
        assert_eq!(planned.parsed.len(), 3);
        for (note, parsed) in planned.notes.iter().zip(&planned.parsed) {
            assert_eq!(parsed.cards, parse_cards(&note.body));
            assert_eq!(parsed.links, link_targets(&parse_links(&note.body)));
        }
        assert_eq!(planned.parsed[1].links.len(), 1);
        assert_eq!(planned.card_count(), 4);
        // Without what the preview read, the import parses the notes itself: the same result.
        let mut unparsed = planned.clone();
        unparsed.parsed.clear();
        let (mut library2, mut deck2) = (library.clone(), deck.clone());
        let choices = HashMap::new();
        let applied = apply(&planned, &choices, &mut library, &mut deck, T0, &mut ids());
        let again = apply(
            &unparsed,
            &choices,
            &mut library2,
            &mut deck2,
            T0,
            &mut ids(),
        );
        assert_eq!(applied, again);
        assert_eq!(applied.cards.len(), 4);
        let backlinks = |lib: &Library| lib.backlinks("x").len() + lib.backlinks("a").len();
        assert_eq!(backlinks(&library), backlinks(&library2));
        assert_eq!(backlinks(&library), 1);
    }

    #[test]
    fn own_material_goes_straight_into_reviews() {
        let mut library = Library::new();
        let mut deck = Deck::default();
        let (_, mut applied) = import(
            &mut library,
            &mut deck,
            bundle(vec![theirs(
                "a",
                "France",
                "France :: Paris\n\nSpain ::: Madrid",
            )]),
            &[],
        );
        applied.into_reviews(&mut deck);
        assert_eq!(applied.cards.len(), 3);
        assert!(applied.cards.iter().all(|c| c.in_deck));
        assert!(applied
            .cards
            .iter()
            .all(|c| deck.get(&c.id).is_some_and(|d| d.in_deck)));
    }

    #[test]
    fn new_notes_arrive_with_origin_and_cards_out_of_reviews() {
        let mut library = Library::new();
        let mut deck = Deck::default();
        let (plan, applied) = import(
            &mut library,
            &mut deck,
            bundle(vec![
                theirs("a", "France", "France :: Paris ^fr"),
                theirs("b", "Spain", "Spain ::: Madrid"),
            ]),
            &[],
        );
        assert_eq!(plan.count(Change::New), 2);
        assert_eq!(applied.notes.len(), 2);
        assert_eq!(applied.cards.len(), 3);
        assert!(applied.cards.iter().all(|c| !c.in_deck));
        let note = library.get("a").unwrap();
        assert_eq!((note.created.ms(), note.updated.ms()), (10.0, 20.0));
        assert_eq!(
            note.origin,
            Some(Origin {
                course: Some("course-1".into()),
                base: content_hash("France", "France :: Paris ^fr"),
            })
        );
        assert_eq!(applied.root.as_deref(), Some("a"));
        assert!(deck.get("a/^fr").is_some());
    }

    #[test]
    fn an_update_keeps_card_history_and_retires_what_left() {
        let mut library = Library::new();
        let mut deck = Deck::default();
        import(
            &mut library,
            &mut deck,
            bundle(vec![theirs(
                "a",
                "Capitals",
                "France :: Paris ^fr\n\nItaly :: Rome",
            )]),
            &[],
        );
        deck.add_to_reviews(&["a/^fr".into()]);
        let scheduler = Scheduler::new(Settings::default()).unwrap();
        let studied = answer(
            deck.get("a/^fr").unwrap(),
            Rating::Good,
            T0,
            &scheduler,
            || 0.5,
        );
        deck.put(studied.after.clone());

        let (plan, applied) = import(
            &mut library,
            &mut deck,
            bundle(vec![theirs(
                "a",
                "Capitals",
                "France :: Paris, on the Seine ^fr\n\nSpain :: Madrid",
            )]),
            &[],
        );
        assert_eq!(changes(&plan), [("a", Change::Update)]);
        let fr = deck.get("a/^fr").unwrap();
        assert_eq!(fr.back, "Paris, on the Seine");
        assert_eq!(fr.schedule, studied.after.schedule);
        assert_eq!(fr.introduced, Some(T0));
        assert!(fr.in_deck);
        let italy = deck.get("a/basic:italy").unwrap();
        assert!(italy.retired);
        let spain = deck.get("a/basic:spain").unwrap();
        assert!(!spain.in_deck && !spain.retired);
        assert_eq!(applied.cards.len(), 3);
        assert_eq!(library.get("a").unwrap().body, plan.notes[0].body);
    }

    /// A course note the learner edited, and an author's new version of it.
    fn conflict(choice: Option<Choice>) -> (Library, Deck, Applied) {
        let mut library = Library::new();
        let mut deck = Deck::default();
        import(
            &mut library,
            &mut deck,
            bundle(vec![theirs("a", "Topic", "v1")]),
            &[],
        );
        library.set_body("a", "v1 and my note", T0);
        let choices: Vec<(&str, Choice)> = choice.map(|c| ("a", c)).into_iter().collect();
        let (plan, applied) = import(
            &mut library,
            &mut deck,
            bundle(vec![theirs("a", "Topic", "v2 :: card")]),
            &choices,
        );
        assert_eq!(changes(&plan), [("a", Change::Conflict)]);
        (library, deck, applied)
    }

    #[test]
    fn keep_mine_is_the_default_and_stays_mine_until_the_author_changes_again() {
        for choice in [None, Some(Choice::KeepMine)] {
            let (mut library, mut deck, applied) = conflict(choice);
            let note = library.get("a").unwrap();
            assert_eq!(note.body, "v1 and my note");
            assert_eq!(
                note.origin.as_ref().map(|o| o.base.clone()),
                Some(content_hash("Topic", "v2 :: card"))
            );
            assert_eq!(applied.notes.len(), 1);
            assert!(applied.cards.is_empty());
            let (again, _) = import(
                &mut library,
                &mut deck,
                bundle(vec![theirs("a", "Topic", "v2 :: card")]),
                &[],
            );
            assert_eq!(changes(&again), [("a", Change::KeptLocal)]);
            let (later, _) = import(
                &mut library,
                &mut deck,
                bundle(vec![theirs("a", "Topic", "v3")]),
                &[],
            );
            assert_eq!(changes(&later), [("a", Change::Conflict)]);
        }
    }

    #[test]
    fn take_theirs_replaces_my_text() {
        let (library, deck, applied) = conflict(Some(Choice::TakeTheirs));
        assert_eq!(library.get("a").unwrap().body, "v2 :: card");
        assert_eq!(applied.cards.len(), 1);
        assert!(!deck.get(&applied.cards[0].id).unwrap().in_deck);
    }

    #[test]
    fn keep_both_adds_their_version_beside_mine() {
        let (library, _, applied) = conflict(Some(Choice::KeepBoth));
        assert_eq!(library.get("a").unwrap().body, "v1 and my note");
        let copy = library.get("new-1").unwrap();
        assert_eq!(copy.title, "Topic (their version)");
        assert_eq!(copy.body, "v2 :: card");
        assert_eq!(
            copy.origin.as_ref().and_then(|o| o.course.as_deref()),
            Some("course-1")
        );
        let note_ids: Vec<&str> = applied.notes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(note_ids, ["a", "new-1"]);
        assert_eq!(applied.cards.len(), 1);
        assert!(!applied.cards[0].in_deck);
        assert_eq!(applied.cards[0].note_id, "new-1");
    }

    #[test]
    fn a_renamed_course_note_takes_the_learners_links_along() {
        let mut library = Library::new();
        let mut deck = Deck::default();
        import(
            &mut library,
            &mut deck,
            bundle(vec![
                theirs("a", "Alpha", ""),
                theirs("b", "Beta", "[[Alpha]]"),
            ]),
            &[],
        );
        library.put(mine("m", "Mine", "About [[alpha#Start|it]] :: [[Alpha]]"));
        deck.sync_note("m", "About [[alpha#Start|it]] :: [[Alpha]]", T0);
        let (plan, applied) = import(
            &mut library,
            &mut deck,
            bundle(vec![
                theirs("a", "Alpha prime", ""),
                theirs("b", "Beta", "[[Alpha prime]]"),
            ]),
            &[],
        );
        assert_eq!(
            changes(&plan),
            [("a", Change::Update), ("b", Change::Update)]
        );
        let body = "About [[Alpha prime#Start|it]] :: [[Alpha prime]]";
        assert_eq!(library.get("m").unwrap().body, body);
        assert!(applied.notes.iter().any(|n| n.id == "m" && n.body == body));
        // The learner's own card follows its text and stays in reviews.
        assert!(deck
            .cards_of_note("m")
            .iter()
            .any(|c| !c.retired && c.in_deck));
        assert_eq!(library.backlinks("a").len(), 2);
    }
}
