//! Every change to the learner's data, described once before it is made ([`Change`]), and
//! [`apply`], which makes it in memory and returns the records to store together.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::core::attachment::{merge_in, Attachment, Files};
use crate::core::exchange::backup::{self, Backup, RestorePlan};
use crate::core::exchange::bundle::{Course, Elsewhere};
use crate::core::exchange::hosting::Hosting;
use crate::core::exchange::merge::{self, Choice, ImportPlan};
use crate::core::exchange::plan::free_title;
use crate::core::note::library::{Library, RenameError};
use crate::core::note::trash::Trashed;
use crate::core::note::{title_key, Note, NoteId, TitleError};
use crate::core::review::deck::{Card, CardId, Deck};
use crate::core::review::schedule::{Schedule, Scheduler};
use crate::core::review::{Answer, ReviewRecord, ReviewSettings};
use crate::core::sync::arrive::arrive;
use crate::core::sync::log::{take_logs, CardEvent, CardLog, Event};
use crate::core::sync::meta::{take_meta, Held, Meta};
use crate::core::sync::Arrival;
use crate::core::time::Time;

pub use crate::core::records::Records;

/// One change, as the app describes it before making it.
#[derive(Debug)]
pub enum Change {
    /// A new note with an empty text; untitled when `title` is `None`.
    CreateNote { id: NoteId, title: Option<String> },
    /// Notes whose text was typed into the library: their cards follow their text now.
    Typed(Vec<NoteId>),
    /// A new title for a note; every link to it is rewritten.
    Rename { id: NoteId, title: String },
    /// A note moved to the Trash; its cards are retired with their history, so they come back
    /// with it.
    Delete(NoteId),
    /// A note back from the Trash (renamed "… (restored)" if its title was taken meanwhile),
    /// its cards back in review with their history.
    RestoreNote(NoteId),
    /// Notes removed from the Trash for good.
    EmptyTrash(Vec<NoteId>),
    /// A review answer: the card's new schedule and its log entry.
    Answer(Answer),
    /// An answer taken back: the card as it was, the log entry gone.
    Undo(Answer),
    /// A card taken out of review, or put back.
    Suspend { card: CardId, suspended: bool },
    /// A card buried until `until` (the learner's next day), or unburied (`None`).
    Bury { card: CardId, until: Option<Time> },
    /// A card's progress forgotten: it is new again (its past answers stay in the log).
    Reset(CardId),
    /// Cards of an imported course put into the learner's reviews.
    AddToReviews(Vec<CardId>),
    /// New review settings.
    Settings(ReviewSettings),
    /// The name courses are signed with.
    Author(String),
    /// Where courses are published and followed from.
    Hosting(Hosting),
    /// A previewed bundle imported with the learner's conflict choices. `own`: the learner's
    /// material from another tool, whose cards go straight into reviews.
    Import {
        plan: Arc<ImportPlan>,
        choices: HashMap<NoteId, Choice>,
        own: bool,
    },
    /// Every note's cards derived from its text, once, for a library kept before cards were.
    DeriveCards,
    /// Answers a page kept in its journal because it closed before their write landed. Each
    /// card takes its state after the answer unless the one in memory is from a later review;
    /// every log entry is kept.
    RecoverAnswers(Vec<(Card, ReviewRecord)>),
    /// Files attached (their contents are stored beside these records by the app).
    Attach(Vec<Attachment>),
    /// Files removed by name; contents no other file holds go with them.
    RemoveFiles(Vec<String>),
    /// Notes another device changed, as sync brought them.
    Synced(Vec<Arrival>),
    /// Cards' answers and events as sync brought them: schedules replayed from the merged log.
    SyncedLog(Vec<CardLog>),
    /// Settings and courses as sync brought them.
    SyncedMeta(Meta),
    /// A previewed backup restored with the learner's conflict choices.
    Restore {
        plan: Box<RestorePlan>,
        backup: Box<Backup>,
        choices: HashMap<NoteId, Choice>,
    },
}

impl Change {
    /// Made by the pages of the first visit's module (the start page, a shared course's
    /// preview and import) or as the library is read; the whole app's other pages make the
    /// others.
    pub fn made_on_first_visit(&self) -> bool {
        matches!(
            self,
            Change::CreateNote { .. }
                | Change::Typed(_)
                | Change::Import { .. }
                | Change::Hosting(_)
                | Change::EmptyTrash(_)
                | Change::DeriveCards
                | Change::RecoverAnswers(_)
        )
    }

    /// Whether the change edits notes' text or titles (as opposed to only reading them).
    pub fn touches_notes(&self) -> bool {
        matches!(
            self,
            Change::CreateNote { .. }
                | Change::Rename { .. }
                | Change::Delete(_)
                | Change::RestoreNote(_)
                | Change::Import { .. }
                | Change::Restore { .. }
                | Change::Synced(_)
        )
    }

    /// Notes written by typing, a new note or a rename: stored only after checking that no
    /// other tab saved them meanwhile (see the app's write path).
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            Change::CreateNote { .. } | Change::Typed(_) | Change::Rename { .. }
        )
    }

    /// A change sync brought: the page tells sync what it made of it on its own.
    pub fn is_from_sync(&self) -> bool {
        matches!(
            self,
            Change::Synced(_) | Change::SyncedLog(_) | Change::SyncedMeta(_)
        )
    }

    /// The card events this change makes, for sync (answers go as the records they store).
    pub fn card_events(&self, now: Time) -> Vec<CardEvent> {
        let event = |card: &CardId, event| CardEvent {
            card: card.clone(),
            time: now,
            event,
        };
        match self {
            Change::Suspend { card, suspended } => vec![event(card, Event::Suspended(*suspended))],
            Change::Bury { card, until } => vec![event(card, Event::Buried(*until))],
            Change::Reset(card) => vec![event(card, Event::Reset)],
            Change::AddToReviews(cards) => cards.iter().map(|c| event(c, Event::Added)).collect(),
            _ => Vec::new(),
        }
    }

    /// A change of a whole library at once (an import, a restore): memory is changed in place
    /// but shown only once it is stored, and read back from storage if storing fails.
    pub fn is_bulk(&self) -> bool {
        matches!(self, Change::Import { .. } | Change::Restore { .. })
    }
}

/// Why a change was refused; memory is as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A new note's title cannot be used.
    Title(TitleError),
    /// A rename was refused.
    Rename(RenameError),
    /// A change only the whole app makes, asked of the first visit's module.
    WholeAppOnly,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Title(e) => write!(f, "{e}"),
            Refusal::Rename(e) => write!(f, "{e}"),
            Refusal::WholeAppOnly => write!(
                f,
                "Loam could not do this here. Reload the page and try again."
            ),
        }
    }
}

/// The learner's data in memory, as a change edits it.
pub struct Memory<'a> {
    pub library: &'a mut Library,
    pub deck: &'a mut Deck,
    pub settings: &'a mut ReviewSettings,
    pub courses: &'a mut Vec<Course>,
    pub elsewhere: &'a mut Vec<Elsewhere>,
    pub author: &'a mut String,
    pub hosting: &'a mut Hosting,
    pub trash: &'a mut Vec<Trashed>,
    pub files: &'a mut Files,
}

/// A change made in memory: what to store, and the note an import opens afterwards.
#[derive(Debug, Default)]
pub struct Made {
    pub records: Records,
    pub root: Option<NoteId>,
}

/// Removes the files named, and their contents once no file holds them.
fn remove_files(files: &mut Files, names: Vec<String>, records: &mut Records) {
    for name in names {
        if let Some(file) = files.remove(&name) {
            if !files.holds(&file.hash) && !records.removed_contents.contains(&file.hash) {
                records.removed_contents.push(file.hash);
            }
            records.removed_files.push(file.id);
        }
    }
}

/// The names of the files among `removed` (name key and contents) that no note uses, not even
/// one in the Trash. A file of that name with other contents is another file, and stays.
fn unused_files(
    files: &Files,
    library: &Library,
    trash: &[Trashed],
    removed: &[(String, String)],
) -> Vec<String> {
    let named: Vec<Attachment> = removed
        .iter()
        .filter_map(|(key, hash)| files.get(key).filter(|f| f.hash == *hash))
        .cloned()
        .collect();
    let named = Files::from_records(named);
    let used = named.users(library.iter());
    let kept = named.users(trash.iter().map(|t| &t.note));
    named
        .iter()
        .zip(used.iter().zip(&kept))
        .filter(|(_, (used, kept))| used.is_empty() && kept.is_empty())
        .map(|(file, _)| file.name.clone())
        .collect()
}

/// [`apply`], or [`apply_first_visit`] for a module that makes only some changes.
pub type Apply = fn(Change, Memory<'_>, Time, &mut dyn FnMut() -> NoteId) -> Result<Made, Refusal>;

/// Makes `change` in `memory` at time `now` (`new_id` names copies an import or restore makes)
/// and returns what to store. A refused change leaves memory as it was.
pub fn apply(
    change: Change,
    memory: Memory<'_>,
    now: Time,
    new_id: &mut dyn FnMut() -> NoteId,
) -> Result<Made, Refusal> {
    if change.made_on_first_visit() {
        apply_first_visit(change, memory, now, new_id)
    } else {
        apply_rest(change, memory, now, new_id)
    }
}

/// [`apply`] for the first visit's module: the changes its pages make
/// ([`Change::made_on_first_visit`]); it refuses the others, whose code stays out of it.
pub fn apply_first_visit(
    change: Change,
    memory: Memory<'_>,
    now: Time,
    new_id: &mut dyn FnMut() -> NoteId,
) -> Result<Made, Refusal> {
    let Memory {
        library,
        deck,
        settings: _,
        courses,
        elsewhere,
        author: _,
        hosting,
        trash,
        files,
    } = memory;
    let mut records = Records::default();
    let mut root = None;
    match change {
        Change::CreateNote { id, title } => {
            let title = title.unwrap_or_else(|| library.untitled_title());
            let note = library
                .create(id, &title, "", now)
                .map_err(Refusal::Title)?
                .clone();
            records = text_records(library, deck, std::slice::from_ref(&note.id), now);
            debug_assert_eq!(records.notes.first(), Some(&note));
        }
        Change::Typed(ids) => records = text_records(library, deck, &ids, now),
        Change::EmptyTrash(ids) => {
            let before = trash.len();
            trash.retain(|t| !ids.contains(&t.note.id));
            if trash.len() != before {
                records.trash = Some(trash.clone());
            }
        }
        Change::Hosting(new) => {
            *hosting = new.clone();
            records.hosting = Some(new);
        }
        Change::Import { plan, choices, own } => {
            let merged = merge_in(files, &plan.files);
            // A file that took a free name: the arriving notes point at it before anything
            // is read from them (their cards are parsed again).
            let plan = if merged.renamed.is_empty() {
                plan
            } else {
                let mut owned = Arc::unwrap_or_clone(plan);
                for note in &mut owned.notes {
                    if let Some(body) = merged.rewrite(&note.body) {
                        note.body = body;
                    }
                }
                owned.parsed.clear();
                Arc::new(owned)
            };
            records.files = merged.stored;
            let mut applied = merge::apply(&plan, &choices, library, deck, now, new_id);
            if own {
                applied.into_reviews(deck);
            }
            if let Some(course) = &plan.course {
                courses.retain(|c| c.id != course.id);
                courses.push(course.clone());
            }
            for named in &plan.elsewhere {
                let key = title_key(&named.title);
                elsewhere.retain(|e| title_key(&e.title) != key);
                elsewhere.push(named.clone());
            }
            records.notes = applied.notes;
            records.cards = applied.cards;
            records.courses = Some(courses.clone());
            records.elsewhere = Some(elsewhere.clone());
            root = applied.root;
        }
        Change::DeriveCards => {
            records.cards = library
                .iter()
                .flat_map(|note| deck.sync_note(&note.id, &note.body, now))
                .collect();
            records.cards_derived = true;
        }
        Change::RecoverAnswers(answers) => {
            for (card, record) in answers {
                let later_here = deck
                    .get(&card.id)
                    .is_some_and(|c| c.schedule.last_review > card.schedule.last_review);
                if !later_here {
                    deck.put(card.clone());
                    records.cards.push(card);
                }
                records.reviews.push(record);
            }
        }
        _ => return Err(Refusal::WholeAppOnly),
    }
    Ok(Made { records, root })
}

/// The changes only the whole app's pages make.
fn apply_rest(
    change: Change,
    memory: Memory<'_>,
    now: Time,
    new_id: &mut dyn FnMut() -> NoteId,
) -> Result<Made, Refusal> {
    let Memory {
        library,
        deck,
        settings,
        courses,
        elsewhere,
        author,
        hosting,
        trash,
        files,
    } = memory;
    let mut records = Records::default();
    let mut root = None;
    match change {
        Change::Rename { id, title } => {
            let changed = library.rename(&id, &title, now).map_err(Refusal::Rename)?;
            records = text_records(library, deck, &changed, now);
        }
        Change::Delete(id) => {
            if let Some(note) = library.delete(&id) {
                records.cards = deck.retire_note(&id);
                records.deleted_notes.push(id);
                trash.retain(|t| t.note.id != note.id);
                trash.push(Trashed { note, deleted: now });
                records.trash = Some(trash.clone());
            }
        }
        Change::RestoreNote(id) => {
            if let Some(at) = trash.iter().position(|t| t.note.id == id) {
                let mut note = trash.remove(at).note;
                if library.by_title(&note.title).is_some() {
                    note.title =
                        free_title(&note.title, "restored", |t| library.by_title(t).is_none());
                }
                library.put(note);
                records = text_records(library, deck, std::slice::from_ref(&id), now);
                records.trash = Some(trash.clone());
                root = Some(id);
            }
        }
        Change::Answer(answer) => {
            deck.put(answer.after.clone());
            records.cards.push(answer.after);
            records.reviews.push(answer.record);
        }
        Change::Undo(answer) => {
            deck.put(answer.before.clone());
            records.cards.push(answer.before);
            records.deleted_reviews.push(answer.record.id);
        }
        Change::Suspend { card, suspended } => {
            records.cards = edit_card(deck, &card, |c| c.suspended = suspended);
        }
        Change::Bury { card, until } => {
            records.cards = edit_card(deck, &card, |c| c.buried_until = until);
        }
        Change::Reset(card) => {
            records.cards = edit_card(deck, &card, |c| {
                c.schedule = Schedule::new(now);
                c.introduced = None;
            });
        }
        Change::AddToReviews(ids) => records.cards = deck.add_to_reviews(&ids),
        Change::Attach(attached) => {
            for file in attached {
                // Another attach may have taken the name meanwhile (two pastes in one second).
                let file = match files.get(&file.name) {
                    Some(here) if here.hash == file.hash => continue,
                    Some(_) => Attachment::new(
                        &files.free_name(&file.name),
                        &file.hash,
                        file.kind,
                        file.size,
                        file.added,
                    ),
                    None => file,
                };
                files.put(file.clone());
                records.files.push(file);
            }
        }
        Change::RemoveFiles(names) => remove_files(files, names, &mut records),
        Change::Synced(arrivals) => {
            let arrived = arrive(arrivals, library, trash, now);
            records = text_records(library, deck, &arrived.notes, now);
            for id in arrived.trashed {
                records.cards.extend(deck.retire_note(&id));
                records.deleted_notes.push(id);
            }
            if arrived.trash_changed {
                records.trash = Some(trash.clone());
            }
        }
        Change::SyncedMeta(mut meta) => {
            // A file removed elsewhere goes here too, unless a note here still shows it.
            let removed = std::mem::take(&mut meta.removed_files);
            let unused = unused_files(files, library, trash, &removed);
            remove_files(files, unused, &mut records);
            let held = Held {
                settings,
                author,
                courses,
                elsewhere,
                hosting,
            };
            records.absorb(take_meta(meta, held));
        }
        Change::SyncedLog(logs) => {
            let scheduler = Scheduler::new(settings.scheduler.clone()).unwrap_or_default();
            records = take_logs(deck, &scheduler, logs);
        }
        Change::Settings(new) => {
            *settings = new.clone();
            records.settings = Some(new);
        }
        Change::Author(name) => {
            *author = name.clone();
            records.author = Some(name);
        }
        Change::Restore {
            mut plan,
            mut backup,
            choices,
        } => {
            let arriving = std::mem::take(&mut backup.files);
            let merged = merge_in(files, &arriving);
            // The notes written are the plan's copies; the backup's are kept in line too.
            if !merged.renamed.is_empty() {
                let plan_notes = plan.import.notes.iter_mut().map(|n| &mut n.body);
                for body in plan_notes.chain(backup.notes.iter_mut().map(|n| &mut n.body)) {
                    if let Some(rewritten) = merged.rewrite(body) {
                        *body = rewritten;
                    }
                }
                plan.import.parsed.clear();
            }
            let restored =
                backup::apply_restore(&plan, &backup, &choices, library, deck, now, new_id);
            courses.extend(restored.courses.iter().cloned());
            elsewhere.extend(restored.elsewhere.iter().cloned());
            if let Some(new) = &restored.settings {
                *settings = new.clone();
            }
            if let Some(name) = &restored.author {
                *author = name.clone();
            }
            hosting.add_missing(&restored.hosting);
            records = Records {
                notes: restored.notes,
                cards: restored.cards,
                reviews: restored.reviews,
                settings: restored.settings,
                courses: Some(courses.clone()),
                elsewhere: Some(elsewhere.clone()),
                author: restored.author,
                hosting: (!restored.hosting.is_empty()).then(|| hosting.clone()),
                cards_derived: true,
                files: merged.stored,
                ..Records::default()
            };
        }
        // Made by `apply_first_visit`, to which `apply` hands them.
        _ => {}
    }
    Ok(Made { records, root })
}

/// Notes whose text or title changed, with their cards brought in line with their text.
fn text_records(library: &Library, deck: &mut Deck, ids: &[NoteId], now: Time) -> Records {
    let notes: Vec<Note> = ids
        .iter()
        .filter_map(|id| library.get(id).cloned())
        .collect();
    let cards = notes
        .iter()
        .flat_map(|note| deck.sync_note(&note.id, &note.body, now))
        .collect();
    Records {
        notes,
        cards,
        ..Records::default()
    }
}

/// One card edited by `edit`; nothing when it is gone.
fn edit_card(deck: &mut Deck, id: &str, edit: impl FnOnce(&mut Card)) -> Vec<Card> {
    let Some(mut card) = deck.get(id).cloned() else {
        return Vec::new();
    };
    edit(&mut card);
    deck.put(card.clone());
    vec![card]
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Data {
        library: Library,
        deck: Deck,
        settings: ReviewSettings,
        courses: Vec<Course>,
        elsewhere: Vec<Elsewhere>,
        author: String,
        hosting: Hosting,
        trash: Vec<Trashed>,
        files: Files,
    }

    impl Data {
        fn new() -> Self {
            Data {
                library: Library::new(),
                deck: Deck::default(),
                settings: ReviewSettings::default(),
                courses: Vec::new(),
                elsewhere: Vec::new(),
                author: String::new(),
                hosting: Hosting::default(),
                trash: Vec::new(),
                files: Files::default(),
            }
        }

        fn apply(&mut self, change: Change) -> Result<Made, Refusal> {
            self.apply_with(apply, change)
        }

        /// Applies `change` with `apply` (the whole app's or the first visit's).
        fn apply_with(&mut self, apply: Apply, change: Change) -> Result<Made, Refusal> {
            let mut n = 0;
            let memory = Memory {
                library: &mut self.library,
                deck: &mut self.deck,
                settings: &mut self.settings,
                courses: &mut self.courses,
                elsewhere: &mut self.elsewhere,
                author: &mut self.author,
                hosting: &mut self.hosting,
                trash: &mut self.trash,
                files: &mut self.files,
            };
            apply(change, memory, Time::from_ms(1_000.0), &mut || {
                n += 1;
                format!("copy-{n}").into()
            })
        }
    }

    /// A library holding one empty note, "France" (id `a`).
    fn france() -> Data {
        let mut data = Data::new();
        data.apply(Change::CreateNote {
            id: "a".into(),
            title: Some("France".into()),
        })
        .unwrap();
        data
    }

    fn typed(data: &mut Data, id: &str, body: &str) -> Records {
        data.library.set_body(id, body, Time::from_ms(2_000.0));
        data.apply(Change::Typed(vec![id.into()])).unwrap().records
    }

    #[test]
    fn removing_a_file_keeps_contents_another_name_holds() {
        use crate::core::attachment::Kind;
        let mut data = Data::new();
        let at = Time::from_ms(5.0);
        let made = data
            .apply(Change::Attach(vec![
                Attachment::new("a.png", "same", Kind::Png, 4, at),
                Attachment::new("b.png", "same", Kind::Png, 4, at),
                Attachment::new("c.png", "other", Kind::Png, 4, at),
            ]))
            .unwrap();
        assert_eq!(made.records.files.len(), 3);
        let made = data
            .apply(Change::RemoveFiles(vec![
                "A.png".into(),
                "c.png".into(),
                "none.png".into(),
            ]))
            .unwrap();
        assert_eq!(made.records.removed_files, ["a.png", "c.png"]);
        assert_eq!(made.records.removed_contents, ["other"]);
        assert!(data.files.get("b.png").is_some());
        assert_eq!(data.files.len(), 1);
    }

    #[test]
    fn a_file_removed_elsewhere_goes_here_unless_a_note_shows_it() {
        use crate::core::attachment::Kind;
        let mut data = Data::new();
        let at = Time::from_ms(5.0);
        let file = |name: &str| Attachment::new(name, name, Kind::Png, 4, at);
        data.apply(Change::Attach(vec![
            file("unused.png"),
            file("shown.png"),
            file("trashed.png"),
            Attachment::new("other.png", "mine", Kind::Png, 4, at),
        ]))
        .unwrap();
        data.library
            .create("n1".into(), "Shown", "![[shown.png]]", at)
            .unwrap();
        data.library
            .create("n2".into(), "Old", "![[trashed.png]]", at)
            .unwrap();
        data.apply(Change::Delete("n2".into())).unwrap();
        let meta = Meta {
            removed_files: ["unused.png", "shown.png", "trashed.png", "never.png"]
                .map(|name| (name.to_string(), name.to_string()))
                .into_iter()
                // Removed elsewhere with other contents: another file of the same name.
                .chain([("other.png".to_string(), "theirs".to_string())])
                .collect(),
            ..Meta::default()
        };
        let made = data.apply(Change::SyncedMeta(meta)).unwrap();
        assert_eq!(made.records.removed_files, ["unused.png"]);
        assert_eq!(made.records.removed_contents, ["unused.png"]);
        assert!(data.files.get("shown.png").is_some());
        assert!(data.files.get("trashed.png").is_some());
        assert!(data.files.get("other.png").is_some());
    }

    /// A library holding `map.png` (contents "here"), and the time it was attached.
    fn with_a_map_here() -> (Data, Time) {
        use crate::core::attachment::Kind;
        let mut data = Data::new();
        let at = Time::from_ms(5.0);
        let map = Attachment::new("map.png", "here", Kind::Png, 4, at);
        data.apply(Change::Attach(vec![map])).unwrap();
        (data, at)
    }

    #[test]
    fn an_imported_file_whose_name_is_taken_arrives_renamed_with_its_notes_following() {
        use crate::core::attachment::Kind;
        use crate::core::exchange::merge::tests::{bundle, theirs};
        let (mut data, at) = with_a_map_here();
        let mut incoming = bundle(vec![theirs("n1", "Trip", "Where :: ![[map.png]]")]);
        incoming.files = vec![
            Attachment::new("map.png", "there", Kind::Png, 4, at),
            Attachment::new("new.ogg", "sound", Kind::Ogg, 2, at),
        ];
        let plan = merge::plan(&data.library, incoming);
        let made = data
            .apply(Change::Import {
                plan: Arc::new(plan),
                choices: HashMap::new(),
                own: false,
            })
            .unwrap();
        let names: Vec<&str> = made.records.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["map 2.png", "new.ogg"]);
        assert_eq!(
            data.library.get("n1").unwrap().body,
            "Where :: ![[map 2.png]]"
        );
        assert_eq!(made.records.cards[0].back, "![[map 2.png]]");
        assert_eq!(data.files.get("map.png").unwrap().hash, "here");
        assert_eq!(data.files.get("map 2.png").unwrap().hash, "there");
    }

    #[test]
    fn a_restored_file_whose_name_is_taken_arrives_renamed_with_its_notes_following() {
        use crate::core::attachment::Kind;
        use crate::core::exchange::backup::{plan_restore, Meta};
        let (mut data, at) = with_a_map_here();
        let note = Note {
            id: "n1".into(),
            title: "Trip".into(),
            body: "![[map.png]]".into(),
            created: at,
            updated: at,
            origin: None,
        };
        let backup = Backup {
            notes: vec![note],
            cards: Vec::new(),
            reviews: Vec::new(),
            settings: None,
            courses: Vec::new(),
            elsewhere: Vec::new(),
            author: String::new(),
            hosting: Hosting::default(),
            files: vec![Attachment::new("map.png", "there", Kind::Png, 4, at)],
            created: at,
        };
        let plan = plan_restore(
            &data.library,
            &data.deck,
            &Default::default(),
            Meta::default(),
            &backup,
        );
        let made = data
            .apply(Change::Restore {
                plan: Box::new(plan),
                backup: Box::new(backup),
                choices: HashMap::new(),
            })
            .unwrap();
        assert_eq!(made.records.files[0].name, "map 2.png");
        assert_eq!(data.library.get("n1").unwrap().body, "![[map 2.png]]");
        assert_eq!(made.records.notes[0].body, "![[map 2.png]]");
    }

    #[test]
    fn a_new_note_is_stored_with_its_title() {
        let mut data = Data::new();
        let made = data
            .apply(Change::CreateNote {
                id: "a".into(),
                title: Some("Paris".into()),
            })
            .unwrap();
        assert_eq!(made.records.notes.len(), 1);
        assert_eq!(made.records.notes[0].title, "Paris");
        assert!(data.library.get("a").is_some());
    }

    #[test]
    fn a_taken_title_is_refused_and_memory_is_unchanged() {
        let mut data = Data::new();
        data.apply(Change::CreateNote {
            id: "a".into(),
            title: Some("Paris".into()),
        })
        .unwrap();
        let refused = data.apply(Change::CreateNote {
            id: "b".into(),
            title: Some("Paris".into()),
        });
        assert!(matches!(refused, Err(Refusal::Title(_))));
        assert!(data.library.get("b").is_none());
    }

    #[test]
    fn typed_text_brings_its_cards_along() {
        let mut data = france();
        let records = typed(&mut data, "a", "Capital of France :: Paris");
        assert_eq!(records.notes.len(), 1);
        assert_eq!(records.cards.len(), 1);
        assert_eq!(data.deck.cards_of_note("a").len(), 1);
    }

    #[test]
    fn the_first_visits_module_refuses_the_other_pages_changes_and_leaves_memory_as_it_was() {
        let mut data = france();
        typed(&mut data, "a", "Capital of France :: Paris");
        let before = snapshot(&data);
        for change in [
            Change::Rename {
                id: "a".into(),
                title: "Paris".into(),
            },
            Change::Delete("a".into()),
            Change::Settings(ReviewSettings::default()),
            Change::Author("Ada".into()),
        ] {
            assert!(!change.made_on_first_visit());
            assert!(matches!(
                data.apply_with(apply_first_visit, change),
                Err(Refusal::WholeAppOnly)
            ));
            assert_eq!(snapshot(&data), before);
        }
    }

    #[test]
    fn the_first_visits_module_makes_its_changes_as_the_whole_app_does() {
        let mut whole = Data::new();
        let mut first = Data::new();
        let changes = || {
            [
                Change::CreateNote {
                    id: "a".into(),
                    title: Some("France".into()),
                },
                Change::EmptyTrash(vec!["gone".into()]),
            ]
        };
        for (mine, theirs) in changes().into_iter().zip(changes()) {
            assert!(mine.made_on_first_visit());
            let made = first.apply_with(apply_first_visit, mine).unwrap();
            let expected = whole.apply(theirs).unwrap();
            assert_eq!(format!("{made:?}"), format!("{expected:?}"));
        }
        assert_eq!(snapshot(&first), snapshot(&whole));
    }

    /// The notes, cards and Trash of `data`, in a stable order, to compare.
    fn snapshot(data: &Data) -> String {
        let mut notes: Vec<&Note> = data.library.iter().collect();
        notes.sort_by(|a, b| a.id.cmp(&b.id));
        let mut cards: Vec<&Card> = data.deck.cards().collect();
        cards.sort_by(|a, b| a.id.cmp(&b.id));
        format!("{notes:?} {cards:?} {:?}", data.trash)
    }

    #[test]
    fn a_rename_stores_the_notes_whose_links_it_rewrote() {
        let mut data = Data::new();
        for (id, title) in [("a", "Paris"), ("b", "Trips")] {
            data.apply(Change::CreateNote {
                id: id.into(),
                title: Some(title.into()),
            })
            .unwrap();
        }
        typed(&mut data, "b", "See [[Paris]].");
        let made = data
            .apply(Change::Rename {
                id: "a".into(),
                title: "Paris, France".into(),
            })
            .unwrap();
        let ids: Vec<&str> = made.records.notes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(
            data.library.get("b").unwrap().body,
            "See [[Paris, France]]."
        );
    }

    #[test]
    fn a_delete_retires_the_cards_and_keeps_them() {
        let mut data = france();
        typed(&mut data, "a", "Capital of France :: Paris");
        let records = data.apply(Change::Delete("a".into())).unwrap().records;
        assert_eq!(records.deleted_notes, ["a"]);
        assert_eq!(records.cards.len(), 1);
        assert!(records.cards[0].retired);
        assert!(data.library.get("a").is_none());
        // Deleting it again changes nothing.
        assert!(data
            .apply(Change::Delete("a".into()))
            .unwrap()
            .records
            .is_empty());
    }

    #[test]
    fn a_deleted_note_waits_in_the_trash_and_comes_back_with_its_cards_history() {
        let mut data = france();
        let card = typed(&mut data, "a", "Capital of France :: Paris").cards[0].clone();
        let mut studied = card.clone();
        studied.schedule.last_review = Some(Time::from_ms(1_500.0));
        data.deck.put(studied.clone());
        let records = data.apply(Change::Delete("a".into())).unwrap().records;
        let trash = records.trash.unwrap();
        assert_eq!(trash.len(), 1);
        assert_eq!(trash[0].note.body, "Capital of France :: Paris");
        assert_eq!(trash[0].deleted, Time::from_ms(1_000.0));

        // Meanwhile another note took the title.
        data.apply(Change::CreateNote {
            id: "b".into(),
            title: Some("France".into()),
        })
        .unwrap();
        let made = data.apply(Change::RestoreNote("a".into())).unwrap();
        assert_eq!(made.root.as_deref(), Some("a"));
        assert_eq!(made.records.trash.as_deref(), Some(&[][..]));
        let note = data.library.get("a").unwrap();
        assert_eq!(note.title, "France (restored)");
        assert_eq!(note.body, "Capital of France :: Paris");
        let back = data.deck.get(&card.id).unwrap();
        assert!(!back.retired, "the card is back in review");
        assert_eq!(back.schedule, studied.schedule, "with its history");

        // Emptying removes for good; an unknown id changes nothing.
        data.apply(Change::Delete("b".into())).unwrap();
        let records = data
            .apply(Change::EmptyTrash(vec!["b".into()]))
            .unwrap()
            .records;
        assert_eq!(records.trash.as_deref(), Some(&[][..]));
        assert!(data
            .apply(Change::RestoreNote("b".into()))
            .unwrap()
            .records
            .is_empty());
        assert!(data
            .apply(Change::EmptyTrash(vec!["zzz".into()]))
            .unwrap()
            .records
            .is_empty());
    }

    #[test]
    fn suspend_bury_and_reset_edit_one_card() {
        let mut data = france();
        let card = typed(&mut data, "a", "Capital of France :: Paris").cards[0]
            .id
            .clone();
        let records = data
            .apply(Change::Suspend {
                card: card.clone(),
                suspended: true,
            })
            .unwrap()
            .records;
        assert!(records.cards[0].suspended);
        assert!(data.deck.get(&card).unwrap().suspended);
        let until = Some(Time::from_ms(86_400_000.0));
        let records = data
            .apply(Change::Bury {
                card: card.clone(),
                until,
            })
            .unwrap()
            .records;
        assert_eq!(records.cards[0].buried_until, until);
        let records = data
            .apply(Change::Bury {
                card: card.clone(),
                until: None,
            })
            .unwrap()
            .records;
        assert_eq!(records.cards[0].buried_until, None);
        let records = data.apply(Change::Reset(card.clone())).unwrap().records;
        assert_eq!(records.cards[0].introduced, None);
        assert!(data
            .apply(Change::Reset("gone".into()))
            .unwrap()
            .records
            .is_empty());
    }

    #[test]
    fn settings_and_author_are_kept_and_stored() {
        let mut data = Data::new();
        let settings = ReviewSettings {
            new_per_day: 7,
            ..ReviewSettings::default()
        };
        let records = data
            .apply(Change::Settings(settings.clone()))
            .unwrap()
            .records;
        assert_eq!(records.settings.as_ref(), Some(&settings));
        assert_eq!(data.settings, settings);
        let records = data.apply(Change::Author("Ada".into())).unwrap().records;
        assert_eq!(records.author.as_deref(), Some("Ada"));
        assert_eq!(data.author, "Ada");
    }

    #[test]
    fn deriving_cards_makes_every_notes_cards_once() {
        let mut data = Data::new();
        for (id, body) in [("a", "Capital of France :: Paris"), ("b", "Red ::: Rot")] {
            data.library.put(Note {
                id: id.into(),
                title: id.into(),
                body: body.into(),
                created: Time::from_ms(0.0),
                updated: Time::from_ms(0.0),
                origin: None,
            });
        }
        let records = data.apply(Change::DeriveCards).unwrap().records;
        assert_eq!(records.cards.len(), 3);
        assert!(records.cards_derived);
        assert_eq!(data.deck.cards_of_note("b").len(), 2);
        // Deriving again finds them in place: nothing new to store, the same cards kept.
        let again = data.apply(Change::DeriveCards).unwrap().records;
        assert!(again.cards.is_empty());
        assert_eq!(data.deck.cards_of_note("a").len(), 1);
        assert_eq!(data.deck.cards_of_note("b").len(), 2);
    }

    #[test]
    fn recovered_answers_keep_every_log_entry_and_the_latest_schedule() {
        use crate::core::review::{answer, schedule::Rating, schedule::Scheduler};
        let mut data = france();
        let card = typed(&mut data, "a", "Capital of France :: Paris").cards[0].clone();
        let scheduler = Scheduler::default();
        let first = answer(
            &card,
            Rating::Good,
            Time::from_ms(10_000.0),
            &scheduler,
            || 0.5,
        );
        let second = answer(
            &first.after,
            Rating::Good,
            Time::from_ms(20_000.0),
            &scheduler,
            || 0.5,
        );
        // The later answer is already in memory; the journal still holds the earlier one.
        data.deck.put(second.after.clone());
        let records = data
            .apply(Change::RecoverAnswers(vec![(
                first.after.clone(),
                first.record.clone(),
            )]))
            .unwrap()
            .records;
        assert!(records.cards.is_empty());
        assert_eq!(records.reviews, std::slice::from_ref(&first.record));
        assert_eq!(data.deck.get(&card.id), Some(&second.after));
        // An answer newer than memory takes its card along.
        data.deck.put(card.clone());
        let records = data
            .apply(Change::RecoverAnswers(vec![(
                second.after.clone(),
                second.record.clone(),
            )]))
            .unwrap()
            .records;
        assert_eq!(records.cards, std::slice::from_ref(&second.after));
        assert_eq!(data.deck.get(&card.id), Some(&second.after));
    }

    #[test]
    fn absorbing_keeps_one_copy_of_each_note() {
        let mut data = france();
        let mut first = typed(&mut data, "a", "one");
        let second = typed(&mut data, "a", "two");
        first.absorb(second);
        assert_eq!(first.notes.len(), 1);
        assert_eq!(first.notes[0].body, "two");
    }
}
