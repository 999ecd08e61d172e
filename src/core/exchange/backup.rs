//! The full backup: everything a profile keeps (notes with their origin, cards with their
//! schedules, the review log, settings, courses) in one file, and restoring it into a profile.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::core::attachment::{Attachment, Files};
use crate::core::date::dated_file_name;
use crate::core::exchange::bundle::{self, valid_id, Course, Elsewhere};
use crate::core::exchange::carried;
use crate::core::exchange::error::{ExchangeError, Reading};
use crate::core::exchange::frame::{json_detail, valid_time};
use crate::core::exchange::hosting::Hosting;
use crate::core::exchange::merge::{sync_cards, Choice, Merging};
use crate::core::exchange::plan::{free_title, rename_clashes, Change, ImportPlan, PlanItem};
use crate::core::note::library::Library;
use crate::core::note::{clean_title, title_key, Note, NoteId};
use crate::core::review::deck::{Card, Deck};
use crate::core::review::schedule::Scheduler;

use crate::core::review::{ReviewRecord, ReviewSettings};
use crate::core::sort_by;
use crate::core::time::Time;

/// Everything a profile keeps, as it is stored: nothing is left out or recomputed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    pub notes: Vec<Note>,
    pub cards: Vec<Card>,
    pub reviews: Vec<ReviewRecord>,
    /// `None` when the profile never changed the defaults.
    #[serde(default)]
    pub settings: Option<ReviewSettings>,
    #[serde(default)]
    pub courses: Vec<Course>,
    #[serde(default)]
    pub elsewhere: Vec<Elsewhere>,
    #[serde(default)]
    pub author: String,
    /// Where the author's courses are published and the learner's followed from (with their
    /// keys): left out of backups that have none.
    #[serde(default, skip_serializing_if = "Hosting::is_empty")]
    pub hosting: Hosting,
    /// Attached files; their contents follow the JSON (see [`carried`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Attachment>,
    /// When the backup was made, in milliseconds since the Unix epoch.
    pub created: Time,
}

/// What a profile keeps beside its notes, cards and reviews (the app's meta values).
#[derive(Debug, Clone, Copy, Default)]
pub struct Meta<'a> {
    /// `None` when no settings were ever stored.
    pub settings: Option<&'a ReviewSettings>,
    pub courses: &'a [Course],
    pub elsewhere: &'a [Elsewhere],
    pub author: &'a str,
    pub hosting: Option<&'a Hosting>,
}

impl Backup {
    /// A backup of this profile. Sorted, so the same profile always gives the same file.
    pub fn of(
        library: &Library,
        deck: &Deck,
        mut reviews: Vec<ReviewRecord>,
        meta: Meta,
        created: Time,
    ) -> Backup {
        let mut notes: Vec<Note> = library.iter().cloned().collect();
        // Through the shared sort, not three more copies of the standard one.
        sort_by(&mut notes, |a, b| {
            a.created
                .total_cmp(&b.created)
                .then_with(|| a.id.cmp(&b.id))
        });
        let mut cards: Vec<Card> = deck.cards().cloned().collect();
        sort_by(&mut cards, |a, b| a.id.cmp(&b.id));
        sort_by(&mut reviews, |a, b| {
            a.log
                .time
                .total_cmp(&b.log.time)
                .then_with(|| a.id.cmp(&b.id))
        });
        Backup {
            notes,
            cards,
            reviews,
            settings: meta.settings.cloned(),
            courses: meta.courses.to_vec(),
            elsewhere: meta.elsewhere.to_vec(),
            author: meta.author.to_string(),
            hosting: meta.hosting.cloned().unwrap_or_default(),
            files: Vec::new(),
            created,
        }
    }

    /// This backup with every attached file, by name.
    pub fn with_files(mut self, files: &Files) -> Backup {
        self.files = files.iter().cloned().collect();
        self
    }
}

// ---------------------------------------------------------------------------------------------
// The file.

/// First bytes of a backup. A shared bundle starts with `LOAM` too, so the two are told apart.
pub const MAGIC: &[u8; 10] = b"LOAMBACKUP";
/// The format version written today; decoding refuses newer ones.
pub const VERSION: u8 = 1;
/// Most bytes a backup may unpack to: years of notes fit, a hostile file cannot take all memory.
pub const MAX_UNPACKED: usize = 512 * 1024 * 1024;
/// Longest author name, in characters, as the share form allows.
pub const MAX_AUTHOR_CHARS: usize = 200;
/// What a copy of a backup's note, or a note renamed away from a clash, is called after.
const SUFFIX: &str = "from backup";

/// Packs a backup: magic, version, then the raw DEFLATE of its JSON. A backup with files is
/// written as version 2, and what this returns is only its head: the contents of
/// [`carried::in_order`] follow it, raw.
pub fn encode(backup: &Backup) -> Vec<u8> {
    // Plain structs of strings and numbers always serialise.
    let json = serde_json::to_vec(backup).expect("a backup serialises to JSON");
    carried::pack(MAGIC, VERSION, &json, !backup.files.is_empty())
}

/// Unpacks and checks a backup. Whatever the bytes, the answer is a backup that keeps every
/// rule in `docs/bundle-format.md` or the reason it cannot be restored.
pub fn decode(bytes: &[u8]) -> Result<Backup, ExchangeError> {
    decode_within(bytes, MAX_UNPACKED).map(|(backup, _)| backup)
}

/// Like [`decode`], with where each carried file's contents lie in `bytes`, by hash.
pub fn decode_with_contents(bytes: &[u8]) -> Result<(Backup, Contents), ExchangeError> {
    decode_within(bytes, MAX_UNPACKED)
}

pub use crate::core::exchange::carried::Contents;

fn decode_within(bytes: &[u8], limit: usize) -> Result<(Backup, Contents), ExchangeError> {
    // A bundle's magic is followed by its version (never a letter) or the sealed `X`.
    let after_loam = bytes
        .strip_prefix(bundle::MAGIC)
        .and_then(|rest| rest.first());
    if bytes.starts_with(bundle::SEALED_MAGIC)
        || after_loam.is_some_and(|b| !b.is_ascii_alphabetic())
    {
        return Err(ExchangeError::SharedBundle);
    }
    let (json, contents_start) = carried::unpack(bytes, MAGIC, VERSION, Reading::Backup, limit)?;
    let mut backup: Backup = serde_json::from_slice(&json)
        .map_err(|error| ExchangeError::Shape(Reading::Backup, json_detail(&error)))?;
    validate(&mut backup)?;
    let contents = carried::place(
        &mut backup.files,
        contents_start,
        bytes.len(),
        Reading::Backup,
    )?;
    Ok((backup, contents))
}

/// Whether all these numbers are finite: JSON cannot carry others, a backup built in memory can.
fn finite(times: &[Option<f64>]) -> bool {
    times.iter().flatten().all(|t| t.is_finite())
}

/// Enforces the rules a decoded backup must keep; trims titles and retires live cards whose
/// note is gone (which an app with several tabs can leave behind), so nothing valid is refused.
///
/// Titles may repeat ignoring case: old or multi-tab data can hold such notes, and a backup of
/// them must still restore. The library lets the older note own the title, as it does on load.
fn validate(backup: &mut Backup) -> Result<(), ExchangeError> {
    let mut ids: HashSet<&str> = HashSet::new();
    for note in &mut backup.notes {
        if !valid_id(&note.id) {
            return Err(ExchangeError::BadId(Reading::Backup, note.id.to_string()));
        }
        if !ids.insert(note.id.as_str()) {
            return Err(ExchangeError::DuplicateId(
                Reading::Backup,
                note.id.to_string(),
            ));
        }
        note.title = clean_title(&note.title).map_err(|reason| ExchangeError::BadTitle {
            reading: Reading::Backup,
            title: note.title.clone(),
            reason,
        })?;
        if !valid_time(note.created) || !valid_time(note.updated) {
            return Err(ExchangeError::BadTime(Reading::Backup, note.title.clone()));
        }
    }
    let mut card_ids: HashSet<&str> = HashSet::new();
    for card in &mut backup.cards {
        let bad = |reason| ExchangeError::BadCard {
            id: card.id.to_string(),
            reason,
        };
        if !valid_id(&card.note_id) {
            return Err(bad("belongs to a note id Loam cannot use"));
        }
        // The id starts with the note's id, which has no "/": cards of two notes never meet.
        let key = card
            .id
            .strip_prefix(card.note_id.as_str())
            .and_then(|rest| rest.strip_prefix('/'));
        if key.is_none_or(str::is_empty) {
            return Err(bad("has an id that does not name its note"));
        }
        let s = &card.schedule;
        if !finite(&[
            Some(card.created.ms()),
            card.introduced.map(Time::ms),
            Some(s.due.ms()),
            s.last_review.map(Time::ms),
            s.stability,
            s.difficulty,
        ]) {
            return Err(bad("has an impossible date"));
        }
        if !card_ids.insert(card.id.as_str()) {
            return Err(ExchangeError::DuplicateCard(card.id.to_string()));
        }
        if !ids.contains(card.note_id.as_str()) {
            card.retired = true;
        }
    }
    let mut review_ids: HashSet<&str> = HashSet::new();
    for review in &backup.reviews {
        let bad = |reason| ExchangeError::BadReview {
            id: review.id.clone(),
            reason,
        };
        if review.id.is_empty() {
            return Err(bad("has no id"));
        }
        if review.card_id.is_empty() {
            return Err(bad("names no card"));
        }
        if !finite(&[
            Some(review.log.time.ms()),
            Some(review.log.interval_ms.ms()),
        ]) {
            return Err(bad("has an impossible date"));
        }
        if !review_ids.insert(review.id.as_str()) {
            return Err(ExchangeError::DuplicateReview(review.id.clone()));
        }
    }
    if let Some(settings) = &backup.settings {
        Scheduler::new(settings.scheduler.clone())
            .map_err(|error| ExchangeError::BadSettings(error.to_string()))?;
    }
    let mut course_ids: HashSet<&str> = HashSet::new();
    for course in &backup.courses {
        let reason = if !valid_id(&course.id) {
            Some("has an id Loam cannot use")
        } else if course.title.trim().is_empty() {
            Some("has no title")
        } else if course.title.chars().count() > bundle::MAX_COURSE_TEXT_CHARS {
            Some("has a title longer than 200 characters")
        } else if course.author.chars().count() > bundle::MAX_COURSE_TEXT_CHARS {
            Some("has an author name longer than 200 characters")
        } else if !valid_time(course.created) {
            Some("has an impossible date")
        } else if !valid_id(&course.root) {
            Some("starts from a note id Loam cannot use")
        } else if !course_ids.insert(course.id.as_str()) {
            Some("is listed twice")
        } else {
            None
        };
        if let Some(reason) = reason {
            let title = if course.title.trim().is_empty() {
                course.id.clone()
            } else {
                course.title.clone()
            };
            return Err(ExchangeError::BadListedCourse { title, reason });
        }
    }
    for other in &mut backup.elsewhere {
        match clean_title(&other.title) {
            Ok(title) if other.course.chars().count() <= bundle::MAX_COURSE_TEXT_CHARS => {
                other.title = title;
            }
            _ => {
                return Err(ExchangeError::BadElsewhere(
                    Reading::Backup,
                    other.title.clone(),
                ))
            }
        }
    }
    if backup.author.chars().count() > MAX_AUTHOR_CHARS {
        return Err(ExchangeError::AuthorTooLong);
    }
    if let Some(place) = backup.hosting.invalid_place() {
        return Err(ExchangeError::Shape(
            Reading::Backup,
            format!(
                "the published course address “{}” is not one Loam can use",
                place.url
            ),
        ));
    }
    if !backup.created.is_finite() {
        return Err(ExchangeError::Shape(
            Reading::Backup,
            "its date is not a number".to_string(),
        ));
    }
    Ok(())
}

/// The file name a backup is offered under: "Loam backup 2026-11-24.loambackup", the UTC date
/// it was made (1970-01-01 for a time before the epoch or past the year 9999).
pub fn file_name(created: Time) -> String {
    dated_file_name("Loam backup", "loambackup", created)
}

// ---------------------------------------------------------------------------------------------
// Restoring.

/// What restoring a backup would do, to show before anything is written.
#[derive(Debug, Clone, PartialEq)]
pub struct RestorePlan {
    /// The notes, as an import plans them. One item per note of the backup, in its order:
    /// `New`, `Unchanged` or `Conflict` (a local note with the same id and another title or
    /// text). Its notes are the backup's as they would be written: titles clashing with a
    /// different local note renamed "Title (from backup)", links following. Its notes-elsewhere
    /// are those the profile does not list; it has no course and parses nothing ahead.
    pub import: ImportPlan<Note>,
    /// Cards the profile does not have.
    pub new_cards: usize,
    /// Cards the backup has more history for (a later last review).
    pub updated_cards: usize,
    /// Review-log entries the profile does not have.
    pub reviews: Vec<ReviewRecord>,
    /// The backup's settings, when the profile has none of its own.
    pub settings: Option<ReviewSettings>,
    /// Courses the profile does not list.
    pub courses: Vec<Course>,
    /// The backup's author name, when the profile has none.
    pub author: Option<String>,
    /// Published and followed courses the profile does not list.
    pub hosting: Hosting,
}

impl RestorePlan {
    /// How many notes would see this change.
    pub fn count(&self, change: Change) -> usize {
        self.import.count(change)
    }

    /// The notes the learner must decide about.
    pub fn conflicts(&self) -> Vec<&PlanItem> {
        self.import.conflicts()
    }

    pub fn new_reviews(&self) -> usize {
        self.reviews.len()
    }
}

/// Everything a restore changed, to save in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Restored {
    pub notes: Vec<Note>,
    pub cards: Vec<Card>,
    /// Review-log entries to add.
    pub reviews: Vec<ReviewRecord>,
    /// Settings to store, if any.
    pub settings: Option<ReviewSettings>,
    /// Courses and notes-elsewhere to add to the stored lists.
    pub courses: Vec<Course>,
    pub elsewhere: Vec<Elsewhere>,
    /// Author name to store, if any.
    pub author: Option<String>,
    /// Published and followed courses to add.
    pub hosting: Hosting,
}

impl Restored {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.notes.is_empty()
            && self.cards.is_empty()
            && self.reviews.is_empty()
            && self.settings.is_none()
            && self.courses.is_empty()
            && self.elsewhere.is_empty()
            && self.author.is_none()
            && self.hosting.is_empty()
    }
}

/// Whether a backup's card has seen more than the local one: a later last review.
fn more_history(theirs: &Card, mine: &Card) -> bool {
    theirs
        .schedule
        .last_review
        .partial_cmp(&mine.schedule.last_review)
        == Some(std::cmp::Ordering::Greater)
}

/// Previews restoring `backup` (already decoded and checked) into a profile holding `library`,
/// `deck`, the review-log entries `review_ids` and `local`. Changes nothing.
pub fn plan_restore(
    library: &Library,
    deck: &Deck,
    review_ids: &HashSet<String>,
    local: Meta,
    backup: &Backup,
) -> RestorePlan {
    let mut notes = backup.notes.clone();
    let renamed = rename_clashes(library, &mut notes, SUFFIX);
    let mut live_cards: HashMap<&str, usize> = HashMap::new();
    for card in backup.cards.iter().filter(|c| !c.retired) {
        *live_cards.entry(card.note_id.as_str()).or_default() += 1;
    }
    let items = notes
        .iter()
        .zip(renamed)
        .map(|(note, renamed_from)| {
            let local = library.get(&note.id);
            let change = match local {
                None => Change::New,
                Some(l) if l.title == note.title && l.body == note.body => Change::Unchanged,
                Some(_) => Change::Conflict,
            };
            PlanItem {
                id: note.id.clone(),
                title: note.title.clone(),
                local_title: local.map(|l| l.title.clone()),
                change,
                cards: live_cards.get(note.id.as_str()).copied().unwrap_or(0),
                renamed_from,
            }
        })
        .collect();
    let (mut new_cards, mut updated_cards) = (0, 0);
    for card in &backup.cards {
        match deck.get(&card.id) {
            None => new_cards += 1,
            Some(mine) if more_history(card, mine) => updated_cards += 1,
            Some(_) => {}
        }
    }
    let mut course_ids: HashSet<&str> = local.courses.iter().map(|c| c.id.as_str()).collect();
    let mut elsewhere_titles: HashSet<String> = local
        .elsewhere
        .iter()
        .map(|e| title_key(&e.title))
        .collect();
    RestorePlan {
        import: ImportPlan {
            course: None,
            items,
            notes,
            elsewhere: backup
                .elsewhere
                .iter()
                .filter(|e| elsewhere_titles.insert(title_key(&e.title)))
                .cloned()
                .collect(),
            parsed: Vec::new(),
            files: Vec::new(),
        },
        new_cards,
        updated_cards,
        reviews: backup
            .reviews
            .iter()
            .filter(|r| !review_ids.contains(&r.id))
            .cloned()
            .collect(),
        settings: local
            .settings
            .is_none()
            .then(|| backup.settings.clone())
            .flatten(),
        courses: backup
            .courses
            .iter()
            .filter(|c| course_ids.insert(c.id.as_str()))
            .cloned()
            .collect(),
        author: (local.author.trim().is_empty() && !backup.author.trim().is_empty())
            .then(|| backup.author.clone()),
        hosting: local.hosting.map_or_else(
            || backup.hosting.clone(),
            |l| l.missing_from(&backup.hosting),
        ),
    }
}

/// Restores a planned backup into the library and deck, with the learner's choices for
/// conflicts (none means keep mine: neither side is ever dropped).
///
/// Notes: new ones arrive as they were (origin included); "take theirs" writes the backup's
/// note, and the learner's links follow if its title changes; "keep both" adds the backup's
/// text as "Title (from backup)", with cards derived from it at `now`, named by `new_id`.
/// Cards: one only in the backup is added with its schedule; one on both sides keeps the side
/// with the later last review, ties the local one. A note in conflict, or whose local cards
/// the backup's joined or replaced, then has its cards brought in line with its text (cards
/// whose text is not there are retired, history kept). Reviews, courses and the rest only add.
pub fn apply_restore(
    plan: &RestorePlan,
    backup: &Backup,
    choices: &HashMap<NoteId, Choice>,
    library: &mut Library,
    deck: &mut Deck,
    now: Time,
    new_id: &mut dyn FnMut() -> NoteId,
) -> Restored {
    let mut merging = Merging::default();
    let mut copies: Vec<&Note> = Vec::new();
    // Notes whose cards must follow their text once the backup's cards are in: those in
    // conflict, and those with local cards that the backup's may not match. Notes new to an
    // empty profile are left as they were, so its restore is exact.
    let mut realign: Vec<&str> = Vec::new();
    let mut met: HashSet<&str> = HashSet::new();

    for (item, theirs) in plan.import.items.iter().zip(&plan.import.notes) {
        if item.id != theirs.id {
            continue;
        }
        let choice = match item.change {
            Change::Conflict => choices.get(&item.id).copied().unwrap_or(Choice::KeepMine),
            _ => Choice::TakeTheirs,
        };
        let has_cards = !deck.cards_of_note(&theirs.id).is_empty();
        if item.change == Change::Conflict || (item.change == Change::New && has_cards) {
            realign.push(&theirs.id);
        } else if has_cards {
            met.insert(&theirs.id);
        }
        match (item.change, choice) {
            (Change::Unchanged | Change::KeptLocal, _) => {
                merging.written.insert(&theirs.id);
            }
            (Change::Conflict, Choice::KeepMine) => {}
            (Change::Conflict, Choice::KeepBoth) => copies.push(theirs),
            _ => {
                if let Some(local) = library.get(&theirs.id) {
                    merging.retitle(library, local, &theirs.title);
                }
                library.put(theirs.clone());
                merging.note(&theirs.id);
                merging.written.insert(&theirs.id);
            }
        }
    }

    for card in &backup.cards {
        let take = deck
            .get(&card.id)
            .is_none_or(|mine| more_history(card, mine));
        if take {
            deck.put(card.clone());
            merging.card(&card.id);
            if met.remove(card.note_id.as_str()) {
                realign.push(&card.note_id);
            }
        }
    }
    for id in realign {
        let Some(note) = library.get(id) else {
            continue;
        };
        let (body, imported) = (note.body.clone(), note.origin.is_some());
        merging.cards(sync_cards(deck, id, &body, imported, now));
    }
    merging.follow_renames(library, deck, now);

    for theirs in copies {
        // A copy made by an earlier restore of the same backup is not made again.
        let prefix = title_key(&format!("{} ({SUFFIX})", theirs.title));
        let copied = library.iter().any(|n| {
            n.id != theirs.id && n.body == theirs.body && title_key(&n.title).starts_with(&prefix)
        });
        if copied {
            continue;
        }
        let title = free_title(&theirs.title, SUFFIX, |t| library.resolve(t).is_none());
        // A generator that repeats itself must not overwrite a note.
        let Some(id) = (0..16)
            .map(|_| new_id())
            .find(|id| valid_id(id) && library.get(id).is_none())
        else {
            continue;
        };
        library.put(Note {
            id: id.clone(),
            title,
            body: theirs.body.clone(),
            created: theirs.created,
            updated: theirs.updated,
            origin: None,
        });
        merging.note(&id);
        merging.cards(deck.sync_note(&id, &theirs.body, now));
    }

    let (notes, cards) = merging.report(library, deck);
    Restored {
        notes,
        cards,
        reviews: plan.reviews.clone(),
        settings: plan.settings.clone(),
        courses: plan.courses.clone(),
        elsewhere: plan.import.elsewhere.clone(),
        author: plan.author.clone(),
        hosting: plan.hosting.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::frame::{frame, inflate};
    use crate::core::id::CardId;
    use crate::core::note::{Origin, TitleError};
    use crate::core::review::answer;
    use crate::core::review::schedule::{CardState, Rating, ReviewLog, Schedule, Settings};

    use crate::core::exchange::hosting::Place;
    use crate::core::time::Span;
    use proptest::prelude::*;

    const T0: Time = Time::from_ms(1_767_225_600_000.0); // 2026-01-01T00:00:00Z

    fn note(id: &str, title: &str, body: &str) -> Note {
        Note {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            created: T0,
            updated: T0 + Span::seconds(1),
            origin: None,
        }
    }

    fn scheduler() -> Scheduler {
        Scheduler::new(Settings {
            enable_fuzzing: false,
            ..Settings::default()
        })
        .unwrap()
    }

    /// A profile as the app holds it, with its meta values owned.
    #[derive(Default)]
    struct Profile {
        library: Library,
        deck: Deck,
        reviews: Vec<ReviewRecord>,
        settings: Option<ReviewSettings>,
        courses: Vec<Course>,
        elsewhere: Vec<Elsewhere>,
        author: String,
        hosting: Hosting,
    }

    impl Profile {
        fn meta(&self) -> Meta<'_> {
            Meta {
                settings: self.settings.as_ref(),
                courses: &self.courses,
                elsewhere: &self.elsewhere,
                author: &self.author,
                hosting: Some(&self.hosting),
            }
        }

        fn backup(&self, created: Time) -> Backup {
            Backup::of(
                &self.library,
                &self.deck,
                self.reviews.clone(),
                self.meta(),
                created,
            )
        }

        fn write(&mut self, id: &str, title: &str, body: &str) {
            self.library.put(note(id, title, body));
            self.deck.sync_note(id, body, T0);
        }

        /// Answers a card `times` times a day apart from `start`.
        fn study(&mut self, card_id: &str, start: Time, times: u32) {
            for n in 0..times {
                let card = self.deck.get(card_id).unwrap().clone();
                let at = start + Span::days(f64::from(n));
                let done = answer(&card, Rating::Good, at, &scheduler(), || 0.5);
                self.deck.put(done.after);
                self.reviews.push(done.record);
            }
        }

        /// Plans and applies a restore with these choices, writing what the app would write.
        fn restore(
            &mut self,
            backup: &Backup,
            choices: &[(&str, Choice)],
        ) -> (RestorePlan, Restored) {
            let review_ids: HashSet<String> = self.reviews.iter().map(|r| r.id.clone()).collect();
            let plan = plan_restore(&self.library, &self.deck, &review_ids, self.meta(), backup);
            let choices = choices
                .iter()
                .map(|(id, c)| (NoteId::from(*id), *c))
                .collect();
            let mut n = 0;
            let mut ids = || {
                n += 1;
                format!("copy-{n}").into()
            };
            let restored = apply_restore(
                &plan,
                backup,
                &choices,
                &mut self.library,
                &mut self.deck,
                T0 + Span::days(100.0),
                &mut ids,
            );
            self.reviews.extend(restored.reviews.iter().cloned());
            if let Some(settings) = &restored.settings {
                self.settings = Some(settings.clone());
            }
            self.courses.extend(restored.courses.iter().cloned());
            self.elsewhere.extend(restored.elsewhere.iter().cloned());
            if let Some(author) = &restored.author {
                self.author = author.clone();
            }
            self.hosting.add_missing(&restored.hosting);
            (plan, restored)
        }
    }

    fn course() -> Course {
        Course {
            id: "course-1".into(),
            title: "Capitals".into(),
            author: "Ann".into(),
            version: 3,
            created: T0,
            root: "c1".into(),
        }
    }

    /// A profile with own notes, a course note, studied cards, a deleted note's retired card
    /// and settings of its own.
    fn sample_profile() -> Profile {
        let mut p = Profile::default();
        p.write(
            "0b9a7c1e-52f4-4c3e-9d0a-3f1b2c4d5e6f",
            "Europe",
            "France :: Paris ^fr\n\nSee [[Asia]] and [[Maps]].",
        );
        p.write("n2", "Asia", "{{c1::Tokyo}} is in Japan. 日本");
        p.write("gone", "Gone", "Old :: card");
        p.deck.retire_note("gone");
        p.library.delete("gone");
        let mut c1 = note("c1", "Rivers", "Seine ::: Paris");
        c1.origin = Some(Origin {
            course: Some("course-1".into()),
            base: crate::core::note::content_hash("Rivers", "Seine ::: Paris"),
        });
        p.library.put(c1);
        p.deck.sync_imported_note("c1", "Seine ::: Paris", T0);
        p.study("0b9a7c1e-52f4-4c3e-9d0a-3f1b2c4d5e6f/^fr", T0, 3);
        p.settings = Some(ReviewSettings {
            new_per_day: 7,
            ..ReviewSettings::default()
        });
        p.courses = vec![course()];
        p.elsewhere = vec![Elsewhere {
            title: "Maps".into(),
            course: "Geography".into(),
        }];
        p.author = "Ann".into();
        p
    }

    fn sample() -> Backup {
        sample_profile().backup(T0 + Span::days(5.0))
    }

    /// Packs raw JSON the way [`encode`] packs a backup, to reach the checks after unpacking.
    fn pack(json: &[u8]) -> Vec<u8> {
        let mut bytes = b"LOAMBACKUP\x01".to_vec();
        bytes.extend(miniz_oxide::deflate::compress_to_vec(json, 6));
        bytes
    }

    fn with(change: impl FnOnce(&mut Backup)) -> Result<Backup, ExchangeError> {
        let mut backup = sample();
        change(&mut backup);
        decode(&encode(&backup))
    }

    #[test]
    fn round_trip_and_header() {
        let backup = sample();
        assert_eq!(backup.notes.len(), 3);
        assert_eq!(backup.cards.len(), 5);
        assert_eq!(backup.reviews.len(), 3);
        let bytes = encode(&backup);
        assert_eq!(&bytes[..11], b"LOAMBACKUP\x01");
        assert_eq!(decode(&bytes), Ok(backup));
    }

    fn place(course: &str, url: &str) -> Place {
        Place {
            course: course.into(),
            url: url.into(),
            key: crate::core::exchange::link::key_to_text(&[7; 16]),
        }
    }

    #[test]
    fn published_and_followed_courses_come_back_with_a_restore_and_never_move_one() {
        let mut old = Profile::default();
        old.write("a", "Alpha", "text");
        old.hosting
            .publish(place("mine", "https://me.example/mine.loam"));
        old.hosting
            .follow(place("theirs", "https://them.example/t.loam"));
        old.hosting
            .follow(place("both", "https://old.example/b.loam"));
        let backup = decode(&encode(&old.backup(T0))).unwrap();
        assert_eq!(backup.hosting, old.hosting);

        let mut new = Profile::default();
        new.hosting
            .follow(place("both", "https://new.example/b.loam"));
        let (plan, _) = new.restore(&backup, &[]);
        assert_eq!(plan.hosting.published.len(), 1);
        assert_eq!(
            plan.hosting.followed.len(),
            1,
            "only the course not followed here"
        );
        assert_eq!(new.hosting.published("mine"), old.hosting.published("mine"));
        assert_eq!(
            new.hosting.followed("theirs"),
            old.hosting.followed("theirs")
        );
        assert_eq!(
            new.hosting.followed("both").unwrap().url,
            "https://new.example/b.loam"
        );

        // A backup with no places writes none, as before they existed.
        let plain = encode(&Profile::default().backup(T0));
        let json = inflate(&plain[11..], MAX_UNPACKED, Reading::Backup).unwrap();
        assert!(!String::from_utf8(json).unwrap().contains("hosting"));
    }

    #[test]
    fn a_backup_with_an_unusable_course_address_or_key_is_refused() {
        for bad in [
            place("c", "javascript:alert(1)"),
            place("c", &format!("https://x.example/{}", "a".repeat(3_000))),
            Place {
                key: "short".into(),
                ..place("c", "https://x.example/c.loam")
            },
            place("", "https://x.example/c.loam"),
        ] {
            let mut profile = Profile::default();
            profile.hosting.follow(bad);
            let refused = decode(&encode(&profile.backup(T0)));
            assert!(
                matches!(&refused, Err(ExchangeError::Shape(Reading::Backup, why)) if why.contains("published course address")),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn the_same_profile_makes_the_same_file() {
        let backup = sample();
        let again = Backup::of(
            &Library::from_notes(backup.notes.iter().rev().cloned().collect()),
            &Deck::from_cards(backup.cards.iter().rev().cloned()),
            backup.reviews.iter().rev().cloned().collect(),
            Meta {
                settings: backup.settings.as_ref(),
                courses: &backup.courses,
                elsewhere: &backup.elsewhere,
                author: &backup.author,
                hosting: Some(&backup.hosting),
            },
            backup.created,
        );
        assert_eq!(encode(&again), encode(&backup));
    }

    #[test]
    fn foreign_files_and_bundles_are_named() {
        let bundle =
            crate::core::exchange::bundle::encode(&crate::core::exchange::bundle::Bundle {
                course: None,
                notes: vec![crate::core::exchange::bundle::BundleNote {
                    id: "a".into(),
                    title: "A".into(),
                    body: String::new(),
                    created: Time::from_ms(0.0),
                    updated: Time::from_ms(0.0),
                }],
                elsewhere: Vec::new(),
                files: Vec::new(),
            });
        assert_eq!(decode(&bundle), Err(ExchangeError::SharedBundle));
        let sealed = crate::core::exchange::bundle::seal_frame(&[1; 12], &[2; 40]);
        assert_eq!(decode(&sealed), Err(ExchangeError::SharedBundle));
        assert_eq!(
            ExchangeError::SharedBundle.to_string(),
            "This is a shared bundle, not a backup: open it with Open a shared file."
        );
        assert_eq!(decode(b""), Err(ExchangeError::NotLoam(Reading::Backup)));
        assert_eq!(
            decode(b"PK\x03\x04 a zip"),
            Err(ExchangeError::NotLoam(Reading::Backup))
        );
        assert_eq!(
            decode(b"{\"notes\":[]}"),
            Err(ExchangeError::NotLoam(Reading::Backup))
        );
        assert_eq!(
            decode(b"LOAMBACKUS\x01"),
            Err(ExchangeError::NotLoam(Reading::Backup))
        );
        assert_eq!(
            ExchangeError::NotLoam(Reading::Backup).to_string(),
            "This is not a Loam backup."
        );
        // A backup cut inside its magic is cut off, even where it reads like a bundle's.
        assert_eq!(
            decode(b"LOAM"),
            Err(ExchangeError::Truncated(Reading::Backup))
        );
        assert_eq!(
            decode(b"LOAMBACK"),
            Err(ExchangeError::Truncated(Reading::Backup))
        );
    }

    /// A backup file with its files' contents after its head, as the app writes it.
    fn with_contents(backup: &Backup, contents: &[(&str, &[u8])]) -> Vec<u8> {
        let mut bytes = encode(backup);
        for file in carried::in_order(&backup.files) {
            let (_, data) = contents.iter().find(|(h, _)| *h == file.hash).unwrap();
            bytes.extend_from_slice(data);
        }
        bytes
    }

    fn attachment(name: &str, hash: char, size: u64) -> Attachment {
        Attachment::new(
            name,
            &hash.to_string().repeat(64),
            crate::core::attachment::Kind::Png,
            size,
            Time::from_ms(7.0),
        )
    }

    #[test]
    fn files_travel_after_the_json_and_come_back_exactly() {
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        let mut backup = sample();
        backup.files = vec![
            attachment("map.png", 'a', 3),
            attachment("voice.ogg", 'b', 2),
            attachment("map copy.png", 'a', 3),
        ];
        let bytes = with_contents(&backup, &[(&a, b"AAA"), (&b, b"BB")]);
        assert_eq!(&bytes[..11], b"LOAMBACKUP\x02");
        let (back, contents) = decode_with_contents(&bytes).unwrap();
        assert_eq!(back, backup);
        let found: Vec<(&str, &[u8])> = contents
            .iter()
            .map(|(hash, range)| (hash.as_str(), &bytes[range.clone()]))
            .collect();
        assert_eq!(found, [(a.as_str(), &b"AAA"[..]), (b.as_str(), &b"BB"[..])]);
        // Without files, the file is what it always was.
        assert_eq!(encode(&sample())[10], VERSION);
        // Every cut of a backup with files is refused, never read short.
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "cut at {len}");
        }
        // A version-1 backup cannot list files it does not carry.
        let mut listing = sample();
        listing.files = backup.files.clone();
        let json = serde_json::to_vec(&listing).unwrap();
        assert_eq!(
            decode(&frame(MAGIC, VERSION, &json)),
            Err(ExchangeError::Shape(
                Reading::Backup,
                "it lists files it does not carry".into()
            ))
        );
    }

    #[test]
    fn versions() {
        let mut bytes = encode(&sample());
        // Version 2 carries files; 3 is the first Loam does not know.
        bytes[10] = 3;
        assert_eq!(
            decode(&bytes),
            Err(ExchangeError::NewerVersion(Reading::Backup, 3))
        );
        assert!(ExchangeError::NewerVersion(Reading::Backup, 3)
            .to_string()
            .starts_with("This backup was made by a newer version of Loam (format 3)."));
        bytes[10] = 0;
        assert_eq!(decode(&bytes), Err(ExchangeError::NotLoam(Reading::Backup)));
    }

    #[test]
    fn every_prefix_is_cut_off() {
        let bytes = encode(&sample());
        for len in 1..bytes.len() {
            assert_eq!(
                decode(&bytes[..len]),
                Err(ExchangeError::Truncated(Reading::Backup)),
                "{len}"
            );
        }
    }

    #[test]
    fn damage_and_size() {
        assert_eq!(
            decode(b"LOAMBACKUP\x01\x07\x00\x00"),
            Err(ExchangeError::Corrupt(Reading::Backup))
        );
        let bytes = encode(&sample());
        let mut caught = 0;
        for at in 11..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0xa5;
            match decode(&damaged) {
                Ok(backup) => assert!(validate(&mut backup.clone()).is_ok()),
                Err(_) => caught += 1,
            }
        }
        assert!(caught > (bytes.len() - 11) / 2, "{caught}");
        // The limit itself is too large to unpack in a test; a small one shows the mapping.
        assert_eq!(
            decode_within(&bytes, 100).map(|(b, _)| b),
            Err(ExchangeError::TooLarge(Reading::Backup))
        );
        assert_eq!(
            ExchangeError::TooLarge(Reading::Backup).to_string(),
            "This backup is too large once unpacked (over 512 MiB)."
        );
    }

    #[test]
    fn wrong_json_shape_names_the_field() {
        let shape = |json: &str| match decode(&pack(json.as_bytes())) {
            Err(ExchangeError::Shape(Reading::Backup, detail)) => detail,
            other => panic!("{json}: {other:?}"),
        };
        assert!(shape("not json").contains("expected"));
        assert!(shape(r#"{"notes": "many"}"#).contains("invalid type"));
        assert!(shape(r#"{"notes": [], "cards": []}"#).contains("missing field `reviews`"));
        assert!(shape(r#"{"notes": ["#).contains("ends"));
        let huge = r#"{"notes":[],"cards":[],"reviews":[],"created":1e400}"#;
        assert!(shape(huge).contains("number out of range"));
        let deep = format!(r#"{{"notes":[], "x": {}}}"#, "[".repeat(100_000));
        assert!(matches!(
            decode(&pack(deep.as_bytes())),
            Err(ExchangeError::Shape(Reading::Backup, _))
        ));
        // The least a backup can be: an empty profile.
        let least = r#"{"notes":[],"cards":[],"reviews":[],"created":0,"later":{}}"#;
        assert_eq!(
            decode(&pack(least.as_bytes())).map(|b| b.notes.len()),
            Ok(0)
        );
    }

    #[test]
    fn note_rules() {
        for id in ["", "a/b", "a b", "é", &"x".repeat(65)] {
            assert_eq!(
                with(|b| b.notes[1].id = id.into()),
                Err(ExchangeError::BadId(Reading::Backup, id.into()))
            );
        }
        let first = sample().notes[0].id.clone();
        assert_eq!(
            with(|b| b.notes[1].id = first.clone()),
            Err(ExchangeError::DuplicateId(
                Reading::Backup,
                first.to_string()
            ))
        );
        assert!(matches!(
            with(|b| b.notes[1].title = "a|b".into()),
            Err(ExchangeError::BadTitle {
                reading: Reading::Backup,
                reason: TitleError::ForbiddenChar('|'),
                ..
            })
        ));
        let trimmed = with(|b| b.notes[1].title = "  Asia\t".into());
        assert_eq!(trimmed.map(|b| b.notes[1].title.clone()), Ok("Asia".into()));
        // Titles equal but for case survive, as the library keeps them.
        assert!(with(|b| b.notes[1].title = "EUROPE".into()).is_ok());
        assert_eq!(
            with(|b| b.notes[1].created = Time::from_ms(-1.0)),
            Err(ExchangeError::BadTime(Reading::Backup, "Rivers".into()))
        );
        // Bodies have no limit of their own.
        assert!(with(|b| b.notes[1].body = "x".repeat(3 << 20)).is_ok());
    }

    /// The card of the first note that was studied.
    fn studied(b: &mut Backup) -> &mut Card {
        b.cards
            .iter_mut()
            .find(|c| c.id.ends_with("/^fr"))
            .expect("studied card")
    }

    fn refused_card(result: Result<Backup, ExchangeError>, reason: &str) -> bool {
        matches!(result, Err(ExchangeError::BadCard { reason: got, .. }) if got == reason)
    }

    #[test]
    fn card_rules() {
        let bad = |reason| move |r: Result<Backup, ExchangeError>| refused_card(r, reason);
        let naming = bad("has an id that does not name its note");
        assert!(naming(with(|b| studied(b).id = "other/^fr".into())));
        assert!(naming(with(
            |b| studied(b).id = format!("{}/", studied(b).note_id).into()
        )));
        assert!(naming(with(
            |b| studied(b).id = studied(b).note_id.as_str().into()
        )));
        assert!(bad("belongs to a note id Loam cannot use")(with(|b| {
            studied(b).note_id = "a b".into();
        })));
        let twice = with(|b| {
            let copy = studied(b).clone();
            b.cards.push(copy);
        });
        assert!(matches!(twice, Err(ExchangeError::DuplicateCard(id)) if id.ends_with("/^fr")));
        // A live card whose note is gone is kept, retired, with its history.
        let orphan = with(|b| {
            b.notes.retain(|n| n.title != "Europe");
        })
        .unwrap();
        let card = orphan
            .cards
            .iter()
            .find(|c| c.id.ends_with("/^fr"))
            .unwrap();
        assert!(card.retired && card.schedule.last_review.is_some());
        // JSON cannot carry other numbers, but a backup built in memory can.
        for change in [
            (|c: &mut Card| c.created = Time::from_ms(f64::NAN)) as fn(&mut Card),
            |c| c.schedule.due = Time::from_ms(f64::INFINITY),
            |c| c.schedule.stability = Some(f64::NAN),
            |c| c.introduced = Some(Time::from_ms(f64::NEG_INFINITY)),
        ] {
            let mut backup = sample();
            change(studied(&mut backup));
            assert!(bad("has an impossible date")(
                validate(&mut backup).map(|_| sample())
            ));
        }
        assert!(
            ExchangeError::BadCard {
                id: "n/^x".into(),
                reason: "has an impossible date"
            }
            .to_string()
                == "The card “n/^x” in this backup has an impossible date."
        );
    }

    #[test]
    fn review_rules() {
        assert_eq!(
            with(|b| b.reviews[0].id = String::new()),
            Err(ExchangeError::BadReview {
                id: String::new(),
                reason: "has no id"
            })
        );
        assert!(matches!(
            with(|b| b.reviews[1].card_id = CardId::default()),
            Err(ExchangeError::BadReview {
                reason: "names no card",
                ..
            })
        ));
        let first = sample().reviews[0].id.clone();
        assert_eq!(
            with(|b| b.reviews[2].id = first.clone()),
            Err(ExchangeError::DuplicateReview(first))
        );
        let mut backup = sample();
        backup.reviews[0].log.interval_ms = Span::from_ms(f64::NAN);
        assert!(matches!(
            validate(&mut backup),
            Err(ExchangeError::BadReview {
                reason: "has an impossible date",
                ..
            })
        ));
        // Reviews of a card the backup does not hold stay: the log is history.
        assert!(with(|b| b.reviews[0].card_id = "elsewhere/x".into()).is_ok());
    }

    #[test]
    fn settings_courses_and_names() {
        let settings = with(|b| {
            if let Some(s) = &mut b.settings {
                s.scheduler.desired_retention = 1.5;
            }
        });
        assert!(matches!(settings, Err(ExchangeError::BadSettings(_))));
        assert!(settings
            .unwrap_err()
            .to_string()
            .starts_with("This backup's review settings cannot be used: "));
        assert!(with(|b| b.settings = None).is_ok());

        type Case = (fn(&mut Course), &'static str);
        let cases: [Case; 7] = [
            (|c| c.id = "a b".into(), "has an id Loam cannot use"),
            (|c| c.title = " ".into(), "has no title"),
            (
                |c| c.title = "t".repeat(201),
                "has a title longer than 200 characters",
            ),
            (
                |c| c.author = "a".repeat(201),
                "has an author name longer than 200 characters",
            ),
            (
                |c| c.created = Time::from_ms(-5.0),
                "has an impossible date",
            ),
            (
                |c| c.root = "r/1".into(),
                "starts from a note id Loam cannot use",
            ),
            (|_| {}, "is listed twice"),
        ];
        for (change, reason) in cases {
            let result = with(|b| {
                change(&mut b.courses[0]);
                if reason == "is listed twice" {
                    b.courses.push(course());
                }
            });
            assert!(
                matches!(&result, Err(ExchangeError::BadListedCourse { reason: r, .. }) if *r == reason),
                "{reason}: {result:?}"
            );
        }
        assert_eq!(
            ExchangeError::BadListedCourse {
                title: "Capitals".into(),
                reason: "has no title"
            }
            .to_string(),
            "The course “Capitals” in this backup has no title."
        );
        // A course whose root note the learner deleted still restores.
        assert!(with(|b| b.courses[0].root = "deleted".into()).is_ok());

        assert_eq!(
            with(|b| b.elsewhere[0].title = "a#b".into()),
            Err(ExchangeError::BadElsewhere(Reading::Backup, "a#b".into()))
        );
        assert_eq!(
            with(|b| b.elsewhere[0].course = "c".repeat(201)),
            Err(ExchangeError::BadElsewhere(Reading::Backup, "Maps".into()))
        );
        assert_eq!(
            with(|b| b.author = "a".repeat(201)),
            Err(ExchangeError::AuthorTooLong)
        );
        assert!(with(|b| b.author = "é".repeat(200)).is_ok());
        let mut backup = sample();
        backup.created = Time::from_ms(f64::NAN);
        assert!(matches!(
            validate(&mut backup),
            Err(ExchangeError::Shape(Reading::Backup, _))
        ));
    }

    #[test]
    fn messages_are_short_and_defanged() {
        let message = ExchangeError::BadTitle {
            reading: Reading::Backup,
            title: format!("a\u{1b}[31m{}", "z".repeat(500)),
            reason: TitleError::ForbiddenChar('['),
        }
        .to_string();
        assert!(
            message.len() < 250 && !message.contains('\u{1b}'),
            "{message}"
        );
        assert!(ExchangeError::Truncated(Reading::Backup)
            .to_string()
            .starts_with("This backup is cut off: "));
        assert_eq!(
            ExchangeError::Corrupt(Reading::Backup).to_string(),
            "This backup is damaged: its compressed data does not unpack."
        );
    }

    const FR: &str = "0b9a7c1e-52f4-4c3e-9d0a-3f1b2c4d5e6f/^fr";
    const EUROPE: &str = "0b9a7c1e-52f4-4c3e-9d0a-3f1b2c4d5e6f";

    fn changes(plan: &RestorePlan) -> Vec<(&str, Change)> {
        plan.import
            .items
            .iter()
            .map(|i| (i.id.as_str(), i.change))
            .collect()
    }

    #[test]
    fn file_names_carry_the_utc_date() {
        assert_eq!(
            file_name(Time::from_ms(1_795_478_400_000.0)),
            "Loam backup 2026-11-24.loambackup"
        );
        assert_eq!(
            file_name(Time::from_ms(1_795_478_400_000.0) + Span::DAY - Span::from_ms(1.0)),
            "Loam backup 2026-11-24.loambackup"
        );
        assert_eq!(
            file_name(Time::from_ms(1_709_251_199_999.0)),
            "Loam backup 2024-02-29.loambackup"
        );
        assert_eq!(
            file_name(Time::from_ms(951_782_400_000.0)),
            "Loam backup 2000-02-29.loambackup"
        );
        assert_eq!(
            file_name(Time::from_ms(0.0)),
            "Loam backup 1970-01-01.loambackup"
        );
        assert_eq!(
            file_name(Time::from_ms(253_402_300_799_999.0)),
            "Loam backup 9999-12-31.loambackup"
        );
        for odd in [-1.0, f64::NAN, f64::INFINITY, 1e300] {
            assert_eq!(
                file_name(Time::from_ms(odd)),
                "Loam backup 1970-01-01.loambackup"
            );
        }
    }

    #[test]
    fn restoring_into_an_empty_profile_gives_it_back_exactly() {
        let backup = sample();
        let mut profile = Profile::default();
        let (plan, restored) = profile.restore(&backup, &[]);
        assert_eq!(plan.count(Change::New), 3);
        assert_eq!((plan.new_cards, plan.updated_cards), (5, 0));
        assert_eq!(plan.new_reviews(), 3);
        assert_eq!(restored.notes, backup.notes);
        assert_eq!(restored.cards, backup.cards);
        assert_eq!(restored.reviews, backup.reviews);
        assert_eq!(restored.settings, backup.settings);
        assert_eq!(restored.courses, backup.courses);
        assert_eq!(restored.elsewhere, backup.elsewhere);
        assert_eq!(restored.author.as_deref(), Some("Ann"));
        assert_eq!(profile.backup(backup.created), backup);
        // The course note keeps its origin, the studied card its history.
        assert!(profile.library.get("c1").unwrap().origin.is_some());
        assert_eq!(
            profile.deck.get(FR).unwrap().schedule,
            backup.cards.iter().find(|c| c.id == FR).unwrap().schedule
        );

        let (again, restored) = profile.restore(&backup, &[]);
        assert_eq!(again.count(Change::Unchanged), 3);
        assert_eq!(
            (again.new_cards, again.updated_cards, again.new_reviews()),
            (0, 0, 0)
        );
        assert!(restored.is_empty(), "{restored:?}");
    }

    /// The sample profile after a backup: Europe edited, a note of its own added.
    fn edited() -> (Profile, Backup) {
        let mut profile = sample_profile();
        let backup = profile.backup(T0);
        let body = "France :: Paris! ^fr\n\nSpain :: Madrid";
        profile.library.set_body(EUROPE, body, T0 + Span::DAY);
        profile.deck.sync_note(EUROPE, body, T0 + Span::DAY);
        profile.write("mine", "Mine", "Mine :: too");
        (profile, backup)
    }

    #[test]
    fn keep_mine_is_the_default_and_drops_nothing() {
        for choice in [None, Some(Choice::KeepMine)] {
            let (mut profile, backup) = edited();
            let choices: Vec<(&str, Choice)> = choice.map(|c| (EUROPE, c)).into_iter().collect();
            let (plan, restored) = profile.restore(&backup, &choices);
            assert_eq!(
                changes(&plan),
                [
                    (EUROPE, Change::Conflict),
                    ("c1", Change::Unchanged),
                    ("n2", Change::Unchanged)
                ]
            );
            assert_eq!(plan.conflicts()[0].local_title.as_deref(), Some("Europe"));
            assert!(restored.is_empty(), "{restored:?}");
            assert!(profile.library.get(EUROPE).unwrap().body.contains("Paris!"));
            assert_eq!(profile.deck.get(FR).unwrap().back, "Paris!");
            assert!(profile.library.get("mine").is_some());
        }
    }

    #[test]
    fn take_theirs_writes_the_backups_note_and_retires_what_left() {
        let (mut profile, backup) = edited();
        let (_, restored) = profile.restore(&backup, &[(EUROPE, Choice::TakeTheirs)]);
        let europe = profile.library.get(EUROPE).unwrap();
        assert_eq!(Some(europe), backup.notes.iter().find(|n| n.id == EUROPE));
        assert_eq!(restored.notes, std::slice::from_ref(europe));
        let fr = profile.deck.get(FR).unwrap();
        assert_eq!(fr.back, "Paris");
        assert!(fr.schedule.last_review.is_some());
        let spain = profile.deck.get(&format!("{EUROPE}/basic:spain")).unwrap();
        assert!(spain.retired);
        let mut changed: Vec<&str> = restored.cards.iter().map(|c| c.id.as_str()).collect();
        changed.sort();
        assert_eq!(changed, [FR.to_string(), format!("{EUROPE}/basic:spain")]);
        let (again, restored) = profile.restore(&backup, &[]);
        assert_eq!(again.count(Change::Unchanged), 3);
        assert!(restored.is_empty(), "{restored:?}");
    }

    #[test]
    fn keep_both_adds_the_backups_text_beside_mine_once() {
        let (mut profile, backup) = edited();
        let (_, restored) = profile.restore(&backup, &[(EUROPE, Choice::KeepBoth)]);
        assert!(profile.library.get(EUROPE).unwrap().body.contains("Paris!"));
        let copy = profile.library.get("copy-1").unwrap();
        assert_eq!(copy.title, "Europe (from backup)");
        assert_eq!(
            Some(&copy.body),
            backup
                .notes
                .iter()
                .find(|n| n.id == EUROPE)
                .map(|n| &n.body)
        );
        assert_eq!(copy.origin, None);
        assert_eq!(restored.notes, std::slice::from_ref(copy));
        // Its cards come from its text, new and in reviews; the original's keep their history.
        assert_eq!(restored.cards.len(), 1);
        assert_eq!(restored.cards[0].id, "copy-1/^fr");
        assert!(restored.cards[0].schedule.is_new() && restored.cards[0].in_deck);
        assert!(profile.deck.get(FR).unwrap().schedule.last_review.is_some());

        let (_, again) = profile.restore(&backup, &[(EUROPE, Choice::KeepBoth)]);
        assert!(again.is_empty(), "{again:?}");
        assert!(profile.library.get("copy-2").is_none());
    }

    #[test]
    fn a_title_taken_by_another_note_is_renamed_and_links_follow() {
        let backup = sample();
        let mut profile = Profile::default();
        profile.write("mine", "asia", "My own [[Asia]]");
        let (plan, _) = profile.restore(&backup, &[]);
        let asia = plan.import.items.iter().find(|i| i.id == "n2").unwrap();
        assert_eq!(asia.title, "Asia (from backup)");
        assert_eq!(asia.renamed_from.as_deref(), Some("Asia"));
        assert_eq!(
            profile.library.get(EUROPE).unwrap().body,
            "France :: Paris ^fr\n\nSee [[Asia (from backup)]] and [[Maps]]."
        );
        assert_eq!(profile.library.resolve("Asia"), Some("mine"));
        assert_eq!(profile.library.get("mine").unwrap().body, "My own [[Asia]]");
        let (again, restored) = profile.restore(&backup, &[]);
        assert_eq!(again.count(Change::Unchanged), 3, "{:?}", changes(&again));
        assert!(restored.is_empty(), "{restored:?}");
    }

    #[test]
    fn taking_a_retitled_note_takes_my_links_along() {
        let mut profile = sample_profile();
        let backup = profile.backup(T0);
        profile.library.rename(EUROPE, "Europa", T0).unwrap();
        profile.write("mine", "Mine", "About [[Europa]]");
        let (_, restored) = profile.restore(&backup, &[(EUROPE, Choice::TakeTheirs)]);
        assert_eq!(
            profile.library.get("mine").unwrap().body,
            "About [[Europe]]"
        );
        let ids: Vec<&str> = restored.notes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, [EUROPE, "mine"]);
    }

    #[test]
    fn a_card_keeps_the_side_with_more_history() {
        // The profile studied after the backup: its card stays.
        let mut profile = sample_profile();
        let backup = profile.backup(T0);
        profile.study(FR, T0 + Span::days(10.0), 1);
        let mine = profile.deck.get(FR).unwrap().clone();
        let (plan, restored) = profile.restore(&backup, &[]);
        assert_eq!(plan.updated_cards, 0);
        assert!(restored.is_empty(), "{restored:?}");
        assert_eq!(profile.deck.get(FR), Some(&mine));

        // The backup studied more (another device): its card comes in, and its reviews.
        let mut other = sample_profile();
        other.study(FR, T0 + Span::days(10.0), 2);
        let newer = other.backup(T0 + Span::days(20.0));
        let mut profile = sample_profile();
        let (plan, restored) = profile.restore(&newer, &[]);
        assert_eq!((plan.new_cards, plan.updated_cards), (0, 1));
        assert_eq!(profile.deck.get(FR), other.deck.get(FR));
        assert_eq!(restored.cards.len(), 1);
        assert_eq!(restored.reviews.len(), 2);
        let ids: HashSet<&str> = profile.reviews.iter().map(|r| r.id.as_str()).collect();
        assert_eq!((ids.len(), profile.reviews.len()), (5, 5));

        // A tie keeps mine, whatever else differs.
        let mut profile = sample_profile();
        let mut card = profile.deck.get(FR).unwrap().clone();
        card.suspended = true;
        profile.deck.put(card.clone());
        let (_, restored) = profile.restore(&sample(), &[]);
        assert!(restored.is_empty(), "{restored:?}");
        assert_eq!(profile.deck.get(FR), Some(&card));
    }

    #[test]
    fn a_deleted_note_comes_back_with_its_cards_live() {
        let mut profile = sample_profile();
        let backup = profile.backup(T0);
        profile.deck.retire_note(EUROPE);
        profile.library.delete(EUROPE);
        let (plan, restored) = profile.restore(&backup, &[]);
        assert_eq!(plan.count(Change::New), 1);
        let fr = profile.deck.get(FR).unwrap();
        assert!(!fr.retired && fr.schedule.last_review.is_some());
        assert_eq!(restored.cards, std::slice::from_ref(fr));
        let (_, again) = profile.restore(&backup, &[]);
        assert!(again.is_empty(), "{again:?}");
    }

    #[test]
    fn settings_courses_and_names_only_add() {
        let backup = sample();
        let mine = ReviewSettings {
            new_per_day: 3,
            ..ReviewSettings::default()
        };
        let mut profile = Profile {
            settings: Some(mine.clone()),
            courses: vec![Course {
                id: "course-2".into(),
                ..course()
            }],
            elsewhere: vec![Elsewhere {
                title: "MAPS".into(),
                course: "Atlas".into(),
            }],
            author: "Bob".into(),
            ..Profile::default()
        };
        let (plan, restored) = profile.restore(&backup, &[]);
        assert_eq!(plan.settings, None);
        assert_eq!(restored.settings, None);
        assert_eq!(restored.courses, [course()]);
        assert!(restored.elsewhere.is_empty());
        assert_eq!(restored.author, None);
        assert_eq!(profile.settings, Some(mine));
        assert_eq!(profile.courses.len(), 2);
        assert_eq!(profile.author, "Bob");
    }

    /// Titles that [`clean_title`] keeps as they are.
    fn title() -> impl Strategy<Value = String> {
        "[^\\[\\]|#^\\p{Cc}]{1,30}".prop_filter_map("blank", |t| {
            let t = t.trim().to_string();
            (!t.is_empty()).then_some(t)
        })
    }

    /// Numbers that travel through JSON exactly: whole milliseconds and eighths.
    fn time() -> impl Strategy<Value = f64> {
        (0u64..100_000_000_000_000).prop_map(|t| t as f64)
    }

    fn schedule() -> impl Strategy<Value = Schedule> {
        (
            prop::sample::select(vec![
                CardState::Learning,
                CardState::Review,
                CardState::Relearning,
            ]),
            proptest::option::of(0u32..5),
            proptest::option::of((1u32..80_000).prop_map(|s| f64::from(s) / 8.0)),
            proptest::option::of((8u32..80).prop_map(|d| f64::from(d) / 8.0)),
            time(),
            proptest::option::of(time()),
        )
            .prop_map(
                |(state, step, stability, difficulty, due, last_review)| Schedule {
                    state,
                    step,
                    stability,
                    difficulty,
                    due: Time::from_ms(due),
                    last_review: last_review.map(Time::from_ms),
                },
            )
    }

    /// A card of no note yet: [`valid_backup`] gives it one.
    fn card() -> impl Strategy<Value = Card> {
        (
            (".{1,20}", ".{0,20}", proptest::option::of("[a-z]{1,8}")),
            (any::<u32>(), time(), proptest::option::of(time())),
            (any::<bool>(), any::<bool>(), any::<bool>()),
            schedule(),
        )
            .prop_map(
                |((key, back, anchor), (position, created, introduced), flags, schedule)| Card {
                    id: CardId::default(),
                    note_id: NoteId::default(),
                    front: key.clone(),
                    key,
                    kind: "basic".into(),
                    back,
                    anchor,
                    position,
                    created: Time::from_ms(created),
                    retired: flags.0,
                    suspended: flags.1,
                    in_deck: flags.2,
                    schedule,
                    introduced: introduced.map(Time::from_ms),
                    // Buried a day after it was first answered, when it was.
                    buried_until: introduced.map(|t| Time::from_ms(t + 86_400_000.0)),
                },
            )
    }

    fn valid_backup() -> impl Strategy<Value = Backup> {
        let note = (
            "[A-Za-z0-9_-]{1,40}",
            title(),
            any::<String>(),
            time(),
            time(),
            proptest::option::of((proptest::option::of("[a-z0-9-]{1,20}"), "[0-9a-f]{16}")),
        );
        let card = (any::<prop::sample::Index>(), any::<bool>(), card());
        let review = (
            any::<prop::sample::Index>(),
            prop::sample::select(Rating::ALL.to_vec()),
            time(),
            proptest::option::of(any::<u32>()),
            time(),
        );
        (
            proptest::collection::vec(note, 0..5),
            proptest::collection::vec(card, 0..6),
            proptest::collection::vec(review, 0..6),
            proptest::option::of(0u32..1000),
            proptest::collection::vec((title(), ".{0,30}"), 0..3),
            (".{0,30}", time()),
        )
            .prop_map(
                |(notes, cards, reviews, new_per_day, others, (author, created))| {
                    let notes: Vec<Note> = notes
                        .into_iter()
                        .enumerate()
                        .map(|(i, (id, title, body, created, updated, origin))| Note {
                            id: format!("{i}{id}").into(),
                            title: format!("{i} {title}"),
                            body,
                            created: Time::from_ms(created),
                            updated: Time::from_ms(updated),
                            origin: origin.map(|(course, base)| Origin { course, base }),
                        })
                        .collect();
                    let cards: Vec<Card> = cards
                        .into_iter()
                        .enumerate()
                        .map(|(i, (at, orphan, mut card))| {
                            // Without notes, or when asked, a card belongs to a deleted note.
                            card.note_id = match notes.get(at.index(notes.len().max(1))) {
                                Some(note) if !orphan => note.id.clone(),
                                _ => format!("gone{i}").into(),
                            };
                            card.key = format!("{i}{}", card.key);
                            card.id = format!("{}/{}", card.note_id, card.key).into();
                            card.retired |= card.note_id.starts_with("gone");
                            card
                        })
                        .collect();
                    let reviews = reviews
                        .into_iter()
                        .enumerate()
                        .map(|(i, (at, rating, time, elapsed_days, interval_ms))| {
                            let card_id = cards
                                .get(at.index(cards.len().max(1)))
                                .map_or_else(|| CardId::from("x/y"), |c| c.id.clone());
                            ReviewRecord {
                                id: format!("{card_id}@{i}"),
                                card_id,
                                log: ReviewLog {
                                    rating,
                                    time: Time::from_ms(time),
                                    state_before: CardState::Learning,
                                    state_after: CardState::Review,
                                    elapsed_days,
                                    interval_ms: Span::from_ms(interval_ms),
                                },
                            }
                        })
                        .collect();
                    Backup {
                        courses: notes
                            .first()
                            .map(|n| Course {
                                id: format!("c{}", n.id),
                                root: n.id.clone(),
                                ..course()
                            })
                            .into_iter()
                            .collect(),
                        notes,
                        cards,
                        reviews,
                        settings: new_per_day.map(|new_per_day| ReviewSettings {
                            new_per_day,
                            ..ReviewSettings::default()
                        }),
                        elsewhere: others
                            .into_iter()
                            .enumerate()
                            .map(|(i, (title, course))| Elsewhere {
                                title: format!("{i} {title}"),
                                course,
                            })
                            .collect(),
                        author,
                        hosting: Hosting {
                            published: vec![place("course-1", "https://me.example/a.loam")],
                            followed: Vec::new(),
                        },
                        files: Vec::new(),
                        created: Time::from_ms(created),
                    }
                },
            )
    }

    /// Changes to bytes: flips, insertions, deletions and cuts.
    fn mutate(mut bytes: Vec<u8>, edits: &[(prop::sample::Index, u8, u8)]) -> Vec<u8> {
        for (at, kind, value) in edits {
            if bytes.is_empty() {
                bytes.push(*value);
                continue;
            }
            let at = at.index(bytes.len());
            match kind % 4 {
                0 => bytes[at] ^= value.max(&1),
                1 => bytes.insert(at, *value),
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
        }
        bytes
    }

    fn edit() -> impl Strategy<Value = (prop::sample::Index, u8, u8)> {
        (any::<prop::sample::Index>(), any::<u8>(), any::<u8>())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]

        #[test]
        fn damaged_backups_with_files_are_refused_or_point_inside_themselves(
            edits in prop::collection::vec(edit(), 1..4),
        ) {
            let mut backup = sample();
            backup.files = vec![attachment("map.png", 'a', 3), attachment("b.ogg", 'b', 4)];
            let a = "a".repeat(64);
            let b = "b".repeat(64);
            let bytes = mutate(with_contents(&backup, &[(&a, b"AAA"), (&b, b"BBBB")]), &edits);
            if let Ok((back, contents)) = decode_with_contents(&bytes) {
                prop_assert_eq!(contents.len(), carried::in_order(&back.files).len());
                for (_, range) in contents {
                    prop_assert!(range.end <= bytes.len());
                }
            }
        }

        #[test]
        fn valid_backups_round_trip_and_restore_exactly(backup in valid_backup()) {
            prop_assert_eq!(decode(&encode(&backup)), Ok(backup.clone()));
            let mut profile = Profile::default();
            let (_, restored) = profile.restore(&backup, &[]);
            prop_assert_eq!(&restored.notes, &backup.notes);
            prop_assert_eq!(&restored.cards, &backup.cards);
            prop_assert_eq!(&restored.reviews, &backup.reviews);
            let (_, again) = profile.restore(&backup, &[]);
            prop_assert!(again.is_empty(), "{:?}", again);
        }

        #[test]
        fn any_bytes_decode_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&bytes);
            let mut headed = b"LOAMBACKUP\x01".to_vec();
            headed.extend(&bytes);
            let _ = decode(&headed);
        }

        #[test]
        fn mutated_backups_decode_without_panic(
            backup in valid_backup(),
            edits in proptest::collection::vec(edit(), 1..4),
        ) {
            let bytes = mutate(encode(&backup), &edits);
            if let Ok(decoded) = decode(&bytes) {
                prop_assert!(validate(&mut decoded.clone()).is_ok());
                // Whatever decodes restores without panic.
                Profile::default().restore(&decoded, &[]);
            }
            // Mutating the JSON before packing reaches the checks behind the compression.
            let json = serde_json::to_vec(&backup).unwrap_or_default();
            if let Ok(decoded) = decode(&pack(&mutate(json, &edits))) {
                sample_profile().restore(&decoded, &[]);
            }
        }
    }

    /// Inputs on an edge or that once broke a decoder; each decodes without panic, and those
    /// named `ok-*` decode.
    #[test]
    fn corpus() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backup-corpus");
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).expect("corpus folder") {
            let path = entry.expect("corpus entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let result = decode(&std::fs::read(&path).expect("corpus file"));
            assert_eq!(
                result.is_ok(),
                name.starts_with("ok-"),
                "{name}: {result:?}"
            );
            if let Ok(backup) = result {
                sample_profile().restore(&backup, &[]);
            }
            count += 1;
        }
        assert!(count >= 10, "{count}");
    }
}
