//! The running app: its state in signals (data, view, saving) and every operation on it. Every
//! change goes through one write path (`write.rs`); components call these operations and never
//! touch the store or the browser's facilities themselves.

mod backup;
mod error;
mod files;
mod first_screen;
pub use first_screen::FirstScreenPart;
pub use search::SearchPart;
mod follow;
pub mod import_export;
pub mod optimize;
mod review;
mod search;
mod share;
pub mod sync;
mod tabs;
mod update;
mod write;

/// Fired on the window when a new version of Loam waits to take over.
pub use crate::browser::update::READY_EVENT as UPDATE_READY_EVENT;
pub use error::AppError;
pub use files::Attached;
pub use review::calendar;
pub use share::{LinkOffer, Outgoing, ShareScope};

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::{address, clock, marks, random};
use crate::core::attachment::{Attachment, Files};
use crate::core::change::{self, Change};
use crate::core::exchange::bundle::{Bundle, Course, Elsewhere};
use crate::core::exchange::Hosting;
use crate::core::note::library::Library;
use crate::core::note::trash::{self, Trashed};
use crate::core::note::tree::{FirstScreen, Order};
use crate::core::note::{Note, NoteId};
use crate::core::review::deck::{Card, Deck};
use crate::core::review::ReviewSettings;
use crate::core::route::Route;
use crate::core::search::SearchIndex;
use crate::core::storage::StorageUsage;
use crate::core::time::Time;
use crate::store::{journal, Store, CARDS, FILES, NOTES};

/// Meta key of the marker saying every note's cards have been derived (libraries from before
/// cards existed get them once).
const CARDS_DERIVED: &str = "cards_derived";
/// Meta key of the review settings.
const REVIEW_SETTINGS: &str = "review_settings";
/// Meta key of the courses the learner imported.
const COURSES: &str = "courses";
/// Meta key of the Trash: deleted notes, restorable for 30 days.
const TRASH: &str = "trash";
/// Meta key of where courses are published and followed from.
const HOSTING: &str = "hosting";
/// Meta key of the notes imported bundles link to but did not carry, with their course.
const ELSEWHERE: &str = "elsewhere";

/// Mark (in this browser) of the sidebar's order of notes.
const NOTE_ORDER: &str = "loam-note-order";

/// How long typing must pause before the text is written.
const AUTOSAVE_DELAY_MS: u32 = 500;
/// How long after a failed save Loam tries again by itself.
const RETRY_DELAY_MS: u32 = 3_000;
/// Notes whose links are read per task after start: about 10 ms of work.
const LINK_SLICE: usize = 500;

/// What the save indicator says.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveState {
    Idle,
    /// Edited, waiting for typing to pause.
    Pending,
    Saved,
    Failed(AppError),
}

/// The learner's data in memory: what is stored, as this tab knows it.
#[derive(Clone, Copy)]
pub struct Data {
    pub library: RwSignal<Library>,
    /// Every card written in a note, with its schedule.
    pub deck: RwSignal<Deck>,
    pub settings: RwSignal<ReviewSettings>,
    /// Courses imported from shared bundles, newest version of each.
    pub courses: RwSignal<Vec<Course>>,
    /// Notes that imported notes link to and that live in another course, by title.
    pub elsewhere: RwSignal<Vec<Elsewhere>>,
    /// The name this user signs the courses they share with.
    pub author: RwSignal<String>,
    /// Where this user's courses are published, and the courses they follow.
    pub hosting: RwSignal<Hosting>,
    /// Attached files by name (their contents stay in storage until shown).
    pub files: RwSignal<Files>,
    /// Deleted notes, restorable for 30 days.
    pub trash: RwSignal<Vec<Trashed>>,
    /// The library has been read from storage.
    pub loaded: RwSignal<bool>,
}

/// What this tab shows and where the learner is: the page, the note being edited, notices,
/// the bundle waiting for its preview, the last review step Undo takes back, the search index.
#[derive(Clone, Copy)]
pub struct View {
    pub route: RwSignal<Route>,
    /// The note shown in its editor, if any; every other note opens for reading.
    pub editing: RwSignal<Option<NoteId>>,
    /// The editor should put the cursor in the title (a new untitled note) rather than the text.
    pub focus_title: RwSignal<bool>,
    /// A problem the whole app must show (storage could not be opened, unreadable records).
    pub notice: RwSignal<Option<String>>,
    /// A newer Loam opened in another tab upgraded the database: this tab must reload.
    pub replaced: RwSignal<bool>,
    /// How the sidebar orders the notes (kept by this browser).
    pub note_order: RwSignal<Order>,
    /// The sidebar's first notes as the last visit left them: listed while the library is
    /// read, then kept as the library lists them, for the next start.
    pub first_screen: RwSignal<Option<FirstScreen>>,
    /// "New note" was pressed before the library was read: the note is made once it is.
    new_note_asked: StoredValue<bool>,
    /// The note just moved to the Trash (id, title), which Undo or Ctrl/Cmd+Z brings back.
    pub just_deleted: RwSignal<Option<(NoteId, String)>>,
    /// The review a card's note was opened from for editing, to go back to.
    pub back_to_review: RwSignal<Option<Route>>,
    /// A bundle file the user opened, waiting on the preview page.
    pub opened_bundle: RwSignal<Option<Bundle>>,
    /// Followed courses whose published file holds a newer version, as last checked.
    pub updates: RwSignal<Vec<String>>,
    /// The last step in review (an answer, a suspend, a bury), which Undo takes back.
    last_step: RwSignal<Option<review::Step>>,
    /// Full-text index of the notes, updated as notes are saved.
    search_index: StoredValue<SearchIndex>,
    /// Bumped whenever the index changes, so search results follow.
    pub search_version: RwSignal<u64>,
    /// Fitting the scheduler and simulating workloads, in the background.
    pub optimizer: optimize::Optimizer,
    /// Sync with the learner's other devices.
    pub sync: sync::Syncing,
}

/// How the data reaches storage: the open database, typing not yet taken or written, what this
/// tab last saw stored, and what the save indicator says.
#[derive(Clone, Copy)]
pub struct Saving {
    store: StoredValue<Option<Rc<Store>>, LocalStorage>,
    /// Text typed into a note's editor and not yet taken into the library (see `edit_body`).
    typed: StoredValue<Option<(NoteId, String)>, LocalStorage>,
    /// Notes changed in memory and not yet written.
    dirty: StoredValue<BTreeSet<NoteId>, LocalStorage>,
    /// Notes in text writes started and not landed yet, once per write that holds them: a page
    /// left meanwhile may abort the write, so they go to the journal as dirty ones do.
    writing: StoredValue<Vec<NoteId>, LocalStorage>,
    /// Bumped on every edit, so only the last scheduled autosave runs.
    edit_generation: StoredValue<u64, LocalStorage>,
    /// Review settings were stored (not just the defaults), so a backup carries them.
    settings_stored: StoredValue<bool, LocalStorage>,
    /// The stored version of each note as this tab last saw it, to catch other tabs' saves.
    known: StoredValue<tabs::Known, LocalStorage>,
    /// Cards synced from notes whose write failed; the next flush writes them again.
    unsaved_cards: StoredValue<Vec<Card>, LocalStorage>,
    /// Contents of files being attached, by hash, until their write lands.
    contents: StoredValue<HashMap<String, web_sys::Blob>, LocalStorage>,
    /// What this module does beyond reading and writing the library (see `load`).
    parts: StoredValue<StateParts>,
    /// Counts stored changes, so only the last one's wait keeps the first notes.
    first_screen_round: StoredValue<u64, LocalStorage>,
    pub save_state: RwSignal<SaveState>,
}

/// The whole app's share of the state's work, which the first visit's module leaves out (see
/// `ui::Parts`). Each is a function, so a module links only the ones it names.
#[derive(Clone, Copy)]
pub struct StateParts {
    /// What starts before the library is read: in the whole app, whose pages show notes,
    /// formulas typeset wherever they appear and attached files shown.
    pub before_read: fn(AppState),
    /// What starts once the library is read: the search index, the check of followed courses
    /// and sync in the whole app.
    pub after_read: fn(AppState),
    /// Lists the notes listed last time while the library is read, and keeps them.
    pub first_screen: FirstScreenPart,
    pub search: SearchPart,
    /// Makes a change in memory: [`change::apply`] in the whole app, and in the first visit's
    /// module [`change::apply_first_visit`], without the code of the changes only the whole
    /// app's pages make.
    pub apply: change::Apply,
}

impl StateParts {
    pub const WHOLE: StateParts = StateParts {
        before_read: |state| {
            // Once the maths module is fetched.
            crate::browser::maths::watch();
            state.show_files();
        },
        after_read: |state| {
            state.build_search_index();
            state.check_followed_later();
            state.start_sync();
        },
        first_screen: AppState::first_screen,
        search: AppState::keep_search_index,
        apply: change::apply,
    };

    /// A first visit shows no note (so no formulas or attached files), has no search, no
    /// followed courses, no sync (boot.js starts the whole app where sync is on), no library to
    /// list before it is read, and makes only the changes of its pages.
    pub const FIRST_VISIT: StateParts = StateParts {
        before_read: |_| {},
        after_read: |_| {},
        first_screen: |_| {},
        search: |_, _, _| {},
        apply: change::apply_first_visit,
    };
}

/// Shared by every component through context; cheap to copy.
#[derive(Clone, Copy)]
pub struct AppState {
    pub data: Data,
    pub view: View,
    pub saving: Saving,
}

impl AppState {
    pub fn new() -> Self {
        // A new note made by the first visit's module opens for editing here.
        let edit = crate::browser::whole_app::take_edit_request();
        AppState {
            data: Data {
                library: RwSignal::new(Library::new()),
                deck: RwSignal::new(Deck::default()),
                settings: RwSignal::new(ReviewSettings::default()),
                courses: RwSignal::new(Vec::new()),
                elsewhere: RwSignal::new(Vec::new()),
                author: RwSignal::new(String::new()),
                hosting: RwSignal::new(Hosting::default()),
                files: RwSignal::new(Files::default()),
                trash: RwSignal::new(Vec::new()),
                loaded: RwSignal::new(false),
            },
            view: View {
                route: RwSignal::new(address::current_route()),
                focus_title: RwSignal::new(edit.is_some()),
                editing: RwSignal::new(edit.map(NoteId::from)),
                notice: RwSignal::new(None),
                replaced: RwSignal::new(false),
                opened_bundle: RwSignal::new(None),
                back_to_review: RwSignal::new(None),
                just_deleted: RwSignal::new(None),
                note_order: RwSignal::new(match marks::get(NOTE_ORDER).as_deref() {
                    Some("title") => Order::Title,
                    _ => Order::Recent,
                }),
                first_screen: RwSignal::new(None),
                new_note_asked: StoredValue::new(false),
                updates: RwSignal::new(Vec::new()),
                last_step: RwSignal::new(None),
                search_index: StoredValue::new(SearchIndex::new()),
                search_version: RwSignal::new(0),
                optimizer: optimize::Optimizer::new(),
                sync: sync::Syncing::new(),
            },
            saving: Saving {
                store: StoredValue::new_local(None),
                typed: StoredValue::new_local(None),
                dirty: StoredValue::new_local(BTreeSet::new()),
                writing: StoredValue::new_local(Vec::new()),
                edit_generation: StoredValue::new_local(0),
                settings_stored: StoredValue::new_local(false),
                known: StoredValue::new_local(Default::default()),
                unsaved_cards: StoredValue::new_local(Vec::new()),
                contents: StoredValue::new_local(HashMap::new()),
                parts: StoredValue::new(StateParts::FIRST_VISIT),
                first_screen_round: StoredValue::new_local(0),
                save_state: RwSignal::new(SaveState::Idle),
            },
        }
    }

    /// Opens storage and reads the library into memory, then starts what `parts` names.
    pub fn load(self, parts: StateParts) {
        self.saving.parts.set_value(parts);
        // The notes listed last time show while the library is read.
        (parts.first_screen)(&self);
        (parts.before_read)(self);
        spawn_local(async move {
            let replaced = move || {
                // Keep unsaved text where a reload finds it; the database is closed now.
                self.journal_unsaved();
                self.saving.store.set_value(None);
                self.view.replaced.set(true);
            };
            match Store::open(replaced).await {
                Ok(store) => {
                    let store = Rc::new(store);
                    let read = self.read_library(&store).await;
                    self.saving.store.set_value(Some(store));
                    match read {
                        Ok(derived) => self.finish_last_visit(derived).await,
                        Err(problem) => self.view.notice.set(Some(problem.to_string())),
                    }
                    self.listen_to_tabs();
                    self.flush();
                    self.index_links_later();
                    (parts.after_read)(self);
                }
                Err(e) => self.view.notice.set(Some(format!(
                    "{} Notes you write now will not be kept.",
                    e.message
                ))),
            }
            self.data.loaded.set(true);
            self.keep_first_screen();
            if self.view.new_note_asked.get_value() {
                self.view.new_note_asked.set_value(false);
                self.start_new_note();
            }
        });
    }

    /// "New note": made at once, or as soon as the library is read when the list the last
    /// visit left is all there is yet (a note made before would not know the others' titles).
    pub fn ask_new_note(&self) {
        if self.data.loaded.get_untracked() {
            self.start_new_note();
        } else {
            self.view.new_note_asked.set_value(true);
        }
    }

    /// Reads notes, cards and settings into memory. Returns whether the library's cards were
    /// derived already (a library from before cards existed has not).
    async fn read_library(&self, store: &Store) -> Result<bool, AppError> {
        let read = store.load_library().await?;
        let (notes, cards, meta) = (read.notes, read.cards, read.meta);
        let unreadable = notes.unreadable + cards.unreadable;
        if unreadable > 0 {
            self.view.notice.set(Some(format!(
                "{unreadable} stored notes or cards could not be read and are not shown."
            )));
        }
        if let Some(settings) = meta.get::<ReviewSettings>(REVIEW_SETTINGS) {
            self.data.settings.set(settings);
            self.saving.settings_stored.set_value(true);
        }
        if let Some(courses) = meta.get::<Vec<Course>>(COURSES) {
            self.data.courses.set(courses);
        }
        if let Some(elsewhere) = meta.get::<Vec<Elsewhere>>(ELSEWHERE) {
            self.data.elsewhere.set(elsewhere);
        }
        if let Some(author) = meta.get::<String>(share::AUTHOR) {
            self.data.author.set(author);
        }
        if let Some(hosting) = meta.get::<Hosting>(HOSTING) {
            self.data.hosting.set(hosting);
        }
        if let Some(trash) = meta.get::<Vec<Trashed>>(TRASH) {
            self.data.trash.set(trash);
        }
        self.data.files.set(Files::from_records(read.files.records));
        self.saving.known.set_value(
            notes
                .records
                .iter()
                .map(|n| (n.id.clone(), n.updated))
                .collect(),
        );
        let mut library = Library::from_notes_unlinked(notes.records);
        let recovered = recover_journal(&mut library);
        let derived = meta.get::<bool>(CARDS_DERIVED).unwrap_or(false);
        self.data.library.set(library);
        self.data.deck.set(Deck::from_cards(cards.records));
        self.mark_dirty(recovered);
        Ok(derived)
    }

    /// Stores, through the write path, what an earlier visit left undone: cards never derived
    /// (a library from before cards existed) and answers a closing page kept in its journal.
    async fn finish_last_visit(&self, derived: bool) {
        let expired = self.data.trash.with_untracked(|t| trash::expired(t, now()));
        if !expired.is_empty() {
            self.commit_later(Change::EmptyTrash(expired));
        }
        if !derived {
            if let Ok(stored) = self.commit(Change::DeriveCards) {
                if let Err(problem) = stored.await {
                    self.view.notice.set(Some(problem.to_string()));
                }
            }
        }
        let answers = journal::answers();
        if answers.is_empty() {
            return;
        }
        let ids: Vec<String> = answers.iter().map(|(_, r)| r.id.clone()).collect();
        if let Ok(stored) = self.commit(Change::RecoverAnswers(answers)) {
            if stored.await.is_ok() {
                for id in &ids {
                    journal::forget_answer(id);
                }
            }
        }
    }

    /// The search index follows notes stored and removed, where the module has search.
    fn search_follows(&self, stored: &[Note], removed: &[&str]) {
        (self.saving.parts.get_value().search)(self, stored, removed);
    }

    /// Reads the notes' links after the first paint, a slice per task; backlinks fill in
    /// once all are read.
    fn index_links_later(&self) {
        let this = *self;
        spawn_local(async move {
            // The notes' list is painted first.
            crate::browser::frame::after_next_paint().await;
            loop {
                crate::browser::frame::yield_now().await;
                let done = this
                    .data
                    .library
                    .try_update_untracked(|lib| lib.index_some_links(LINK_SLICE))
                    .unwrap_or(true);
                if done {
                    break;
                }
            }
            this.data.library.notify();
        });
    }

    /// Reads notes and cards back from storage after a write that failed, so memory again holds
    /// what is stored.
    async fn reread_library(&self) {
        let Some(store) = self.saving.store.get_value() else {
            return;
        };
        if let Ok((notes, cards)) = store.load_both::<Note, Card>(NOTES, CARDS).await {
            self.data.library.set(Library::from_notes(notes.records));
            self.data.deck.set(Deck::from_cards(cards.records));
        }
        if let Ok(files) = store.load_all::<Attachment>(FILES).await {
            self.data.files.set(Files::from_records(files.records));
        }
    }

    /// Switches the note on screen between reading and editing, saving what was typed.
    pub fn toggle_editing(&self, id: &str) {
        self.flush();
        self.view.editing.update(|editing| {
            *editing = match editing {
                Some(current) if current == id => None,
                _ => Some(id.into()),
            }
        });
    }

    /// Goes to a page, adding a history entry.
    pub fn navigate(&self, route: &Route) {
        address::navigate(route);
    }

    /// Goes to a page in place of the current history entry.
    pub fn replace_route(&self, route: &Route) {
        address::replace(route);
    }

    /// Loads the page again (after another tab upgraded the database).
    pub fn reload(&self) {
        address::reload();
    }

    /// Goes on in the whole app, for a page the first visit's module leaves out: unsaved text
    /// goes to the journal, text writes on their way may land (a note just made), and this tab
    /// reloads into the whole app at the same address, with the note being edited open for
    /// editing.
    pub async fn open_whole_app(&self) -> Result<(), AppError> {
        self.flush_before_leaving();
        // Past a few seconds the journal keeps the note for the whole app.
        self.until_written().await;
        let edit = self.view.editing.get_untracked();
        match crate::browser::whole_app::start(edit.as_deref()) {
            true => Ok(()),
            false => Err(AppError::WholeAppUnavailable),
        }
    }

    /// Follows the address bar after the user or a link changed it.
    pub fn follow_address(&self) {
        self.view.route.set(address::current_route());
    }

    /// Creates a note (an untitled one when `title` is `None`) and stores it at once.
    pub fn create_note(&self, title: Option<&str>) -> Result<NoteId, AppError> {
        if !self.data.loaded.get_untracked() {
            return Err(AppError::StillOpening);
        }
        self.take_typed();
        let id = new_id();
        self.commit_refusable(Change::CreateNote {
            id: id.clone(),
            title: title.map(str::to_string),
        })?;
        Ok(id)
    }

    /// Orders the sidebar's notes, and remembers it in this browser.
    pub fn set_note_order(&self, order: Order) {
        self.view.note_order.set(order);
        self.keep_first_screen();
        marks::set(
            NOTE_ORDER,
            match order {
                Order::Recent => "recent",
                Order::Title => "title",
            },
        );
    }

    /// Creates an untitled note and opens it in the editor with its title selected.
    pub fn start_new_note(&self) {
        match self.create_note(None) {
            Ok(id) => {
                self.view.editing.set(Some(id.clone()));
                self.view.focus_title.set(true);
                self.navigate(&Route::Note {
                    id: id.to_string(),
                    heading: None,
                });
            }
            Err(problem) => self.view.notice.set(Some(problem.to_string())),
        }
    }

    /// Takes new text for a note; it is written once typing pauses. The library (and all that
    /// follows from it: links, cards, lists) takes it after the keystroke's frame is painted,
    /// once for all keys typed within that frame.
    pub fn edit_body(&self, id: &str, body: &str) {
        let waiting = self
            .saving
            .typed
            .with_value(|t| t.as_ref().map(|(note, _)| note.clone()));
        if waiting.as_deref().is_some_and(|note| note != id) {
            self.take_typed();
        }
        self.saving
            .typed
            .set_value(Some((id.into(), body.to_string())));
        if waiting.as_deref() != Some(id) {
            let this = *self;
            request_animation_frame(move || set_timeout(move || this.take_typed(), Duration::ZERO));
        }
    }

    /// Takes typed text into the library now: a save, a rename, a delete and the journal kept
    /// when the page is hidden call it first, so none of them misses the last keys.
    fn take_typed(&self) {
        let Some((id, body)) = self.saving.typed.try_update_value(Option::take).flatten() else {
            return;
        };
        let changed = self
            .data
            .library
            .try_update(|lib| lib.set_body(&id, &body, now()))
            .unwrap_or(false);
        if !changed {
            return;
        }
        self.mark_dirty([id]);
        self.saving.save_state.set(SaveState::Pending);
        let this = *self;
        after_the_last(self.saving.edit_generation, AUTOSAVE_DELAY_MS, move || {
            this.flush()
        });
    }

    /// Renames a note; every link to it is rewritten and all changed notes are stored together.
    pub fn rename(&self, id: &str, title: &str) -> Result<(), AppError> {
        self.take_typed();
        self.commit_refusable(Change::Rename {
            id: id.into(),
            title: title.to_string(),
        })
    }

    /// Deletes a note from memory and storage; its cards are retired with their history kept,
    /// so they come back if the text does.
    pub fn delete(&self, id: &str) {
        self.take_typed();
        let title = self
            .data
            .library
            .with_untracked(|lib| lib.get(id).map(|n| n.title.clone()));
        self.commit_later(Change::Delete(id.into()));
        self.view.just_deleted.set(title.map(|t| (id.into(), t)));
    }

    /// Brings a note back from the Trash and opens it.
    pub fn restore_note(&self, id: &str) {
        if self.view.just_deleted.with_untracked(|d| {
            d.as_ref()
                .is_some_and(|(deleted, _)| deleted.as_str() == id)
        }) {
            self.view.just_deleted.set(None);
        }
        self.commit_later(Change::RestoreNote(id.into()));
        self.navigate(&Route::Note {
            id: id.to_string(),
            heading: None,
        });
    }

    /// Takes back the last delete, if it was the last thing done.
    pub fn undo_delete(&self) -> bool {
        match self.view.just_deleted.get_untracked() {
            Some((id, _)) => {
                self.restore_note(&id);
                true
            }
            None => false,
        }
    }

    /// Removes notes from the Trash for good.
    pub fn empty_trash(&self, ids: Vec<NoteId>) {
        self.view.just_deleted.set(None);
        self.commit_later(Change::EmptyTrash(ids));
    }

    /// The page is being hidden or closed: copy unsaved notes somewhere synchronous first, then
    /// write them to IndexedDB as usual.
    pub fn flush_before_leaving(&self) {
        self.journal_unsaved();
        self.flush();
        self.keep_first_screen();
    }

    /// Copies notes not yet written, or whose write has not landed, to the journal, which the
    /// next start reads.
    fn journal_unsaved(&self) {
        self.take_typed();
        let mut ids: BTreeSet<NoteId> = self.saving.dirty.get_value();
        self.saving
            .writing
            .with_value(|writing| ids.extend(writing.iter().cloned()));
        let notes: Vec<Note> = self
            .data
            .library
            .with_untracked(|lib| ids.iter().filter_map(|id| lib.get(id).cloned()).collect());
        journal::keep(&notes);
    }

    /// Writes every changed note now, in one transaction. Called on pauses, blur and page hide.
    pub fn flush(&self) {
        self.take_typed();
        let ids = self
            .saving
            .dirty
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if ids.is_empty() {
            return;
        }
        self.commit_later(Change::Typed(ids.into_iter().collect()));
    }

    fn mark_dirty(&self, ids: impl IntoIterator<Item = NoteId>) {
        self.saving.dirty.update_value(|d| d.extend(ids));
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// Counts one more event in `round` and runs `then` `ms` later, unless another event was counted
/// meanwhile: of a run of events, only the last one's wait ends in `then`.
fn after_the_last(round: StoredValue<u64, LocalStorage>, ms: u32, then: impl FnOnce() + 'static) {
    let this_round = round.get_value().wrapping_add(1);
    round.set_value(this_round);
    spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(ms).await;
        if round.get_value() == this_round {
            then();
        }
    });
}

/// Puts back notes the journal kept from a page that closed before its last write landed, where
/// they are newer than the stored copy. Returns their ids, to be written again.
fn recover_journal(library: &mut Library) -> Vec<NoteId> {
    let mut recovered = Vec::new();
    for note in journal::read() {
        let newer = library
            .get(&note.id)
            .is_none_or(|stored| stored.updated < note.updated);
        if newer {
            recovered.push(note.id.clone());
            library.put(note);
        }
    }
    recovered
}

/// The browser's figures for this site's storage (usage, quota, persistence), for Settings;
/// `None` when the browser does not report them.
pub async fn storage_usage() -> Option<StorageUsage> {
    crate::browser::storage_estimate::read().await
}

/// The time now.
pub fn now() -> Time {
    Time::from_ms(clock::now())
}

/// A date as the learner reads it.
pub fn local_date(time: Time) -> String {
    clock::local_date(time.ms())
}

/// A random id for a new note.
pub(super) fn new_id() -> NoteId {
    random::id().into()
}
