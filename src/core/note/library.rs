//! The user's notes in memory, with the two indexes links need: title to note, and title to the
//! notes linking to it. Both are updated on every change, never rebuilt.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};

use crate::core::note::link::{link_line, parse_links, rewrite_links, WikiLink};
use crate::core::note::tag::{note_tags, tag_key};
use crate::core::note::{clean_title, title_key, Note, NoteId, TitleError};
use crate::core::time::Time;

/// All notes, indexed by id, by title and by what links to them.
#[derive(Debug, Clone, Default)]
pub struct Library {
    notes: HashMap<NoteId, Note>,
    /// Title key -> the note that owns the title.
    titles: HashMap<String, NoteId>,
    /// Note -> title keys it links to, so an edit can undo its old entries in `incoming`.
    outgoing: HashMap<NoteId, BTreeSet<String>>,
    /// Title key -> notes linking to it, whether or not a note has that title yet.
    incoming: HashMap<String, BTreeSet<NoteId>>,
    /// Notes whose links are not in the two maps above yet (see [`Library::from_notes_unlinked`]).
    unlinked: Vec<NoteId>,
}

/// Another note that links to a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    pub source: NoteId,
    /// Title of the linking note.
    pub title: String,
    /// The distinct lines of the linking note that hold such links, trimmed, in text order.
    pub contexts: Vec<String>,
}

/// Why a rename was refused; the library is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenameError {
    /// No note has this id (deleted meanwhile, perhaps in another tab).
    UnknownNote,
    /// The new title is not valid or belongs to another note.
    Title(TitleError),
}

impl From<TitleError> for RenameError {
    fn from(error: TitleError) -> Self {
        RenameError::Title(error)
    }
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::UnknownNote => write!(f, "This note no longer exists."),
            RenameError::Title(error) => error.fmt(f),
        }
    }
}

impl Library {
    /// An empty library.
    pub fn new() -> Self {
        Self::default()
    }

    /// A library of stored notes. Old data may hold two notes whose titles differ only in case:
    /// both are kept, and the older one (by created time, then id) owns the title.
    pub fn from_notes(notes: Vec<Note>) -> Self {
        let mut library = Self::from_notes_unlinked(notes);
        library.index_some_links(usize::MAX);
        library
    }

    /// Like [`Library::from_notes`], but the notes' links are read later, by
    /// [`Library::index_some_links`]: reading them is most of the work, and the notes can be
    /// listed and opened before it is done. Until then backlinks may be missing.
    pub fn from_notes_unlinked(notes: Vec<Note>) -> Self {
        let mut library = Self::new();
        // Sized once rather than grown note by note.
        library.notes.reserve(notes.len());
        library.titles.reserve(notes.len());
        library.unlinked.reserve(notes.len());
        for note in notes {
            library.unlinked.push(note.id.clone());
            library.put_unlinked(note);
        }
        library
    }

    /// Whether every note's links are indexed, so backlinks are complete.
    pub fn links_ready(&self) -> bool {
        self.unlinked.is_empty()
    }

    /// Reads the links of up to `limit` notes left by [`Library::from_notes_unlinked`]. True
    /// once every note's links are indexed.
    pub fn index_some_links(&mut self, limit: usize) -> bool {
        let from = self.unlinked.len().saturating_sub(limit);
        for id in self.unlinked.split_off(from) {
            // A note deleted meanwhile has nothing to index; one edited meanwhile is indexed
            // again, which changes nothing.
            if let Some(note) = self.notes.get(&id) {
                index_links(&mut self.outgoing, &mut self.incoming, &id, &note.body);
            }
        }
        self.unlinked.is_empty()
    }

    /// Number of notes.
    pub fn len(&self) -> usize {
        self.notes.len()
    }

    /// Whether there are no notes.
    pub fn is_empty(&self) -> bool {
        self.notes.is_empty()
    }

    /// The note with this id.
    pub fn get(&self, id: &str) -> Option<&Note> {
        self.notes.get(id)
    }

    /// All notes, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Note> {
        self.notes.values()
    }

    /// The note owning this title, compared case-insensitively.
    pub fn by_title(&self, title: &str) -> Option<&Note> {
        self.resolve(title).and_then(|id| self.notes.get(id))
    }

    /// The id of the note a link target points to, if that note exists.
    pub fn resolve(&self, target: &str) -> Option<&str> {
        self.titles.get(&title_key(target)).map(NoteId::as_str)
    }

    /// The notes `root` leads to: the root, then breadth-first the notes its links reach, up
    /// to `depth` hops (0: the root alone), each once, in link order. Empty if `root` is unknown.
    pub fn reachable(&self, root: &str, depth: u32) -> Vec<NoteId> {
        let Some(root) = self.get(root) else {
            return Vec::new();
        };
        let mut ids = vec![root.id.clone()];
        let mut seen: HashSet<NoteId> = ids.iter().cloned().collect();
        let mut level = 0..1;
        for _ in 0..depth {
            let start = ids.len();
            for at in level.clone() {
                let Some(note) = ids.get(at).and_then(|id| self.get(id)) else {
                    continue;
                };
                for link in parse_links(&note.body) {
                    if let Some(target) = self.resolve(link.target) {
                        if seen.insert(NoteId::from(target)) {
                            ids.push(NoteId::from(target));
                        }
                    }
                }
            }
            if ids.len() == start {
                break;
            }
            level = start..ids.len();
        }
        ids
    }

    /// Notes most recently updated first; equal times by title.
    pub fn notes_by_recent(&self) -> Vec<&Note> {
        self.recent(usize::MAX)
    }

    /// The notes that carry a tag (by key, see [`tag_key`]; `#area` also takes `#area/topic`),
    /// by title.
    pub fn tagged(&self, tag: &str) -> Vec<&Note> {
        let key = tag_key(tag);
        let nested = format!("{key}/");
        let mut notes: Vec<&Note> = self
            .notes
            .values()
            .filter(|n| {
                note_tags(&n.body)
                    .iter()
                    .any(|t| *t == key || t.starts_with(&nested))
            })
            .collect();
        crate::core::sort_by_cached_key(&mut notes, |n| title_key(&n.title));
        notes
    }

    /// Every tag in the library, the most used first (then by name).
    pub fn tags(&self) -> Vec<String> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for note in self.notes.values() {
            for tag in note_tags(&note.body) {
                *counts.entry(tag).or_default() += 1;
            }
        }
        let mut tags: Vec<(String, usize)> = counts.into_iter().collect();
        crate::core::sort_by(&mut tags, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        tags.into_iter().map(|(tag, _)| tag).collect()
    }

    /// Every tag in the order of [`Library::tags`], each with how many notes [`Library::tagged`]
    /// lists for it (its nested tags' notes included), read in one pass over the notes.
    pub fn tag_counts(&self) -> Vec<(String, usize)> {
        let mut under: HashMap<String, usize> = HashMap::new();
        for note in self.notes.values() {
            // A note counts once for each tag it carries or sits under.
            let mut keys: Vec<&str> = Vec::new();
            let tags = note_tags(&note.body);
            for tag in &tags {
                keys.extend(tag.match_indices('/').map(|(at, _)| &tag[..at]));
                keys.push(tag);
            }
            crate::core::sort_dedup(&mut keys);
            for key in keys {
                *under.entry(key.to_string()).or_default() += 1;
            }
        }
        self.tags()
            .into_iter()
            .map(|tag| {
                let count = under.get(&tag).copied().unwrap_or(0);
                (tag, count)
            })
            .collect()
    }

    /// The `limit` most recently updated notes, in the order of [`Library::notes_by_recent`].
    /// Only those are sorted, so a short list of a large library stays cheap to make on every
    /// keystroke.
    pub fn recent(&self, limit: usize) -> Vec<&Note> {
        let order = |a: &&Note, b: &&Note| {
            b.updated
                .total_cmp(&a.updated)
                .then_with(|| title_key(&a.title).cmp(&title_key(&b.title)))
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.id.cmp(&b.id))
        };
        let mut notes: Vec<&Note> = self.notes.values().collect();
        if limit < notes.len() {
            // Partition by time alone first (cheap), then order the few left with the full key.
            notes.select_nth_unstable_by(limit, |a, b| b.updated.total_cmp(&a.updated));
            let cutoff = notes[limit].updated;
            notes.retain(|n| n.updated >= cutoff);
        }
        crate::core::sort_by(&mut notes, order);
        notes.truncate(limit);
        notes
    }

    /// Adds a new note. The title is checked with [`clean_title`] and must be free; an id
    /// already in use is refused the same way, naming the note that has it, so nothing is
    /// overwritten.
    pub fn create(
        &mut self,
        id: NoteId,
        title: &str,
        body: &str,
        now: Time,
    ) -> Result<&Note, TitleError> {
        let title = clean_title(title)?;
        if let Some(taken) = self.by_title(&title).or_else(|| self.notes.get(&id)) {
            return Err(TitleError::Taken(taken.title.clone()));
        }
        Ok(self.put(Note {
            id,
            title,
            body: body.to_string(),
            created: now,
            updated: now,
            origin: None,
        }))
    }

    /// Adds a note or replaces the one with its id, exactly as given: for notes that come from
    /// storage, another tab or an import. No title check and no link rewriting; when titles
    /// clash, the older note owns the title as in [`Library::from_notes`].
    pub fn put(&mut self, note: Note) -> &Note {
        let targets = link_targets(&parse_links(&note.body));
        self.put_linked(note, targets)
    }

    /// [`Library::put`] for a caller that has the note's link targets already: `targets` must
    /// be `link_targets(&parse_links(&note.body))`.
    pub fn put_linked(&mut self, note: Note, targets: BTreeSet<String>) -> &Note {
        index_targets(&mut self.outgoing, &mut self.incoming, &note.id, targets);
        self.put_unlinked(note)
    }

    /// Stores a note and claims its title, leaving its links as they are.
    fn put_unlinked(&mut self, note: Note) -> &Note {
        if let Some(old) = self.notes.get(&note.id) {
            let old_key = title_key(&old.title);
            self.release_title(&old_key, &note.id);
        }
        self.claim_title(title_key(&note.title), &note.id, note.created);
        match self.notes.entry(note.id.clone()) {
            Entry::Occupied(mut entry) => {
                entry.insert(note);
                entry.into_mut()
            }
            Entry::Vacant(entry) => entry.insert(note),
        }
    }

    /// The first free title of "Untitled", "Untitled 2", "Untitled 3"…
    pub fn untitled_title(&self) -> String {
        let base = "Untitled";
        if self.resolve(base).is_none() {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base} {n}"))
            .find(|title| self.resolve(title).is_none())
            .unwrap_or_default()
    }

    /// Replaces a note's text and stamps it `now`. False when the id is unknown or the text is
    /// the same, so the caller knows whether there is anything to save.
    pub fn set_body(&mut self, id: &str, body: &str, now: Time) -> bool {
        let Some(note) = self.notes.get_mut(id) else {
            return false;
        };
        if note.body == body {
            return false;
        }
        note.body = body.to_string();
        note.updated = now;
        index_links(&mut self.outgoing, &mut self.incoming, id, body);
        true
    }

    /// Renames a note and rewrites every link to its old title, in all notes including itself,
    /// keeping headings, anchors, aliases and embeds. Changing only the case is allowed.
    /// Returns the ids of the notes that changed, the renamed one first (empty when the title
    /// is the same), so the caller saves exactly those.
    pub fn rename(
        &mut self,
        id: &str,
        new_title: &str,
        now: Time,
    ) -> Result<Vec<NoteId>, RenameError> {
        // Every link to the old title must be known to be rewritten.
        self.index_some_links(usize::MAX);
        let note = self.notes.get(id).ok_or(RenameError::UnknownNote)?;
        let new_title = clean_title(new_title)?;
        if note.title == new_title {
            return Ok(Vec::new());
        }
        if let Some(owner) = self.by_title(&new_title).filter(|owner| owner.id != id) {
            return Err(TitleError::Taken(owner.title.clone()).into());
        }
        let old_title = note.title.clone();
        let old_key = title_key(&old_title);
        // A note sharing its title with an older one (old data) is not what links point to.
        let owned_old_title = self.resolve(&old_title) == Some(id);
        let mut renamed = note.clone();
        renamed.title = new_title.clone();
        renamed.updated = now;
        self.put(renamed);

        let mut changed = vec![NoteId::from(id)];
        if owned_old_title {
            let sources: Vec<NoteId> = self
                .incoming
                .get(&old_key)
                .map(|ids| ids.iter().cloned().collect())
                .unwrap_or_default();
            for source in sources {
                let Some(body) = self
                    .notes
                    .get(&source)
                    .and_then(|note| rewrite_links(&note.body, &old_title, &new_title))
                else {
                    continue;
                };
                if self.set_body(&source, &body, now) && source != id {
                    changed.push(source);
                }
            }
        }
        Ok(changed)
    }

    /// Removes a note. Links to its title then resolve to nothing (or to an older note that
    /// shared the title), and its own links leave the backlinks of others.
    pub fn delete(&mut self, id: &str) -> Option<Note> {
        let note = self.notes.remove(id)?;
        self.release_title(&title_key(&note.title), id);
        index_links(&mut self.outgoing, &mut self.incoming, id, "");
        Some(note)
    }

    /// The other notes linking to this one in any form (heading, block, embed), sorted by title,
    /// each with the lines holding those links. Self-links do not count.
    pub fn backlinks(&self, id: &str) -> Vec<Backlink> {
        let Some(note) = self.notes.get(id) else {
            return Vec::new();
        };
        let key = title_key(&note.title);
        if self.titles.get(&key).map(NoteId::as_str) != Some(id) {
            return Vec::new();
        }
        let Some(sources) = self.incoming.get(&key) else {
            return Vec::new();
        };
        let mut backlinks: Vec<Backlink> = sources
            .iter()
            .filter(|source| source.as_str() != id)
            .filter_map(|source| self.notes.get(source))
            .map(|source| {
                let mut contexts: Vec<String> = Vec::new();
                for link in parse_links(&source.body) {
                    let line = link_line(&source.body, &link.range);
                    if title_key(link.target) == key && !contexts.iter().any(|c| c == line) {
                        contexts.push(line.to_string());
                    }
                }
                Backlink {
                    source: source.id.clone(),
                    title: source.title.clone(),
                    contexts,
                }
            })
            .collect();
        crate::core::sort_by_cached_key(&mut backlinks, |b| {
            (title_key(&b.title), b.title.clone(), b.source.clone())
        });
        backlinks
    }

    /// Gives `key` to note `id` unless an older note holds it.
    fn claim_title(&mut self, key: String, id: &str, created: Time) {
        let keeps = match self
            .titles
            .get(&key)
            .and_then(|owner| self.notes.get(owner))
        {
            Some(owner) if owner.id != id => owner
                .created
                .total_cmp(&created)
                .then_with(|| owner.id.as_str().cmp(id))
                .is_lt(),
            _ => false,
        };
        if !keeps {
            self.titles.insert(key, NoteId::from(id));
        }
    }

    /// Takes `key` from note `id`, if it owns it, and hands it to the oldest other note with
    /// that title, if any.
    fn release_title(&mut self, key: &str, id: &str) {
        if self.titles.get(key).map(NoteId::as_str) != Some(id) {
            return;
        }
        self.titles.remove(key);
        let heir = self
            .notes
            .values()
            .filter(|note| note.id != id && title_key(&note.title) == key)
            .min_by(|a, b| {
                a.created
                    .total_cmp(&b.created)
                    .then_with(|| a.id.cmp(&b.id))
            });
        if let Some(heir) = heir {
            self.titles.insert(key.to_string(), heir.id.clone());
        }
    }
}

/// Brings the link maps in step with a note's text: its old targets are forgotten, its
/// current ones recorded.
fn index_links(
    outgoing: &mut HashMap<NoteId, BTreeSet<String>>,
    incoming: &mut HashMap<String, BTreeSet<NoteId>>,
    id: &str,
    body: &str,
) {
    index_targets(outgoing, incoming, id, link_targets(&parse_links(body)));
}

/// [`index_links`] with the note's link targets already read.
fn index_targets(
    outgoing: &mut HashMap<NoteId, BTreeSet<String>>,
    incoming: &mut HashMap<String, BTreeSet<NoteId>>,
    id: &str,
    targets: BTreeSet<String>,
) {
    let old = outgoing.remove(id).unwrap_or_default();
    for key in old.difference(&targets) {
        if let Some(sources) = incoming.get_mut(key) {
            sources.remove(id);
            if sources.is_empty() {
                incoming.remove(key);
            }
        }
    }
    for key in targets.difference(&old) {
        incoming
            .entry(key.clone())
            .or_default()
            .insert(NoteId::from(id));
    }
    if !targets.is_empty() {
        outgoing.insert(NoteId::from(id), targets);
    }
}

/// The title keys a note's links point to.
pub fn link_targets(links: &[WikiLink]) -> BTreeSet<String> {
    crate::core::set_of(links.iter().map(|link| title_key(link.target)))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::note::sample as note;

    fn titles(notes: &[&Note]) -> Vec<String> {
        notes.iter().map(|n| n.title.clone()).collect()
    }

    fn sources(backlinks: &[Backlink]) -> Vec<&str> {
        backlinks.iter().map(|b| b.source.as_str()).collect()
    }

    #[test]
    fn reachable_walks_links_breadth_first() {
        let lib = Library::from_notes(vec![
            note(
                "r",
                "Root",
                "[[B]] then [[a]] and [[a#x]], [[Missing]], `[[C]]`",
                1.0,
            ),
            note("a", "A", "[[C]] [[Root]]", 1.0),
            note("b", "B", "[[D]] [[A]]", 1.0),
            note("c", "C", "[[Root]]", 1.0),
            note("d", "D", "[[E]]", 1.0),
            note("e", "E", "", 1.0),
        ]);
        assert_eq!(lib.reachable("r", 0), ["r"]);
        assert_eq!(lib.reachable("r", 1), ["r", "b", "a"]);
        assert_eq!(lib.reachable("r", 2), ["r", "b", "a", "d", "c"]);
        assert_eq!(lib.reachable("r", 3), ["r", "b", "a", "d", "c", "e"]);
        assert_eq!(lib.reachable("r", u32::MAX), lib.reachable("r", 3));
        assert!(lib.reachable("nothing", 2).is_empty());
    }

    #[test]
    fn a_tag_lists_the_notes_that_carry_it_and_its_nested_tags() {
        let lib = Library::from_notes(vec![
            note("1", "Zeta", "#maths/algebra", 1.0),
            note("2", "alpha", "---\ntags: [Maths]\n---\nText", 2.0),
            note("3", "Other", "#mathsy `#maths`", 3.0),
        ]);
        assert_eq!(titles(&lib.tagged("#Maths")), ["alpha", "Zeta"]);
        assert_eq!(titles(&lib.tagged("maths/algebra")), ["Zeta"]);
        assert!(lib.tagged("nothing").is_empty());
        assert_eq!(lib.tags(), ["maths", "maths/algebra", "mathsy"]);
        // Each count is what the tag's page lists, nested tags included.
        for (tag, count) in lib.tag_counts() {
            assert_eq!(count, lib.tagged(&tag).len(), "#{tag}");
        }
        assert_eq!(lib.tag_counts()[0], ("maths".to_string(), 2));
    }

    #[test]
    fn titles_are_unique_case_insensitively() {
        let mut lib = Library::new();
        let created = lib
            .create("a".into(), "  Apple pie ", "", Time::from_ms(1.0))
            .cloned();
        assert_eq!(created.map(|n| n.title), Ok("Apple pie".to_string()));
        assert_eq!(
            lib.create("b".into(), "APPLE PIE", "", Time::from_ms(2.0))
                .err(),
            Some(TitleError::Taken("Apple pie".into()))
        );
        assert_eq!(
            lib.create("a".into(), "Other", "", Time::from_ms(2.0))
                .err(),
            Some(TitleError::Taken("Apple pie".into()))
        );
        assert_eq!(
            lib.create("c".into(), " ", "", Time::from_ms(2.0)).err(),
            Some(TitleError::Empty)
        );
        assert_eq!(
            lib.create("c".into(), "a|b", "", Time::from_ms(2.0)).err(),
            Some(TitleError::ForbiddenChar('|'))
        );
        assert_eq!(lib.len(), 1);
        assert_eq!(lib.resolve("apple PIE"), Some("a"));
        assert_eq!(lib.resolve(" Apple pie "), Some("a"));
        assert_eq!(lib.by_title("apple pie").map(|n| n.id.as_str()), Some("a"));
        assert_eq!(lib.resolve("Apple"), None);
        assert!(lib.get("a").is_some() && lib.get("b").is_none());
    }

    #[test]
    fn untitled_numbering() {
        let mut lib = Library::new();
        assert!(lib.is_empty());
        for (i, expected) in ["Untitled", "Untitled 2", "Untitled 3"].iter().enumerate() {
            let title = lib.untitled_title();
            assert_eq!(&title, expected);
            assert!(lib
                .create(format!("n{i}").into(), &title, "", Time::from_ms(0.0))
                .is_ok());
        }
        lib.delete("n1");
        assert_eq!(lib.untitled_title(), "Untitled 2");
        let mut lib = Library::from_notes(vec![note("x", "untitled", "", 0.0)]);
        assert_eq!(lib.untitled_title(), "Untitled 2");
        assert!(lib
            .create("y".into(), "UNTITLED 2", "", Time::from_ms(0.0))
            .is_ok());
        assert_eq!(lib.untitled_title(), "Untitled 3");
    }

    #[test]
    fn set_body_reports_changes_and_follows_links() {
        let mut lib = Library::from_notes(vec![
            note("t", "Target", "", 1.0),
            note("s", "Source", "", 1.0),
        ]);
        assert!(!lib.set_body("nope", "x", Time::from_ms(5.0)));
        assert!(!lib.set_body("s", "", Time::from_ms(5.0)));
        assert_eq!(lib.get("s").map(|n| n.updated), Some(Time::from_ms(1.0)));
        assert!(lib.set_body("s", "see [[target]]", Time::from_ms(5.0)));
        assert_eq!(lib.get("s").map(|n| n.updated), Some(Time::from_ms(5.0)));
        assert_eq!(sources(&lib.backlinks("t")), ["s"]);
        assert!(lib.set_body("s", "see `[[Target]]`", Time::from_ms(6.0)));
        assert!(lib.backlinks("t").is_empty());
    }

    #[test]
    fn links_read_later_come_in_slices_and_a_rename_waits_for_all() {
        let notes = || {
            vec![
                note("t", "Target", "", 1.0),
                note("a", "A", "[[Target]]", 1.0),
                note("b", "B", "See [[target#Top]].", 1.0),
                note("c", "C", "[[A]]", 1.0),
            ]
        };
        let mut lib = Library::from_notes_unlinked(notes());
        // Listed and resolvable at once; backlinks come as links are read.
        assert_eq!(lib.len(), 4);
        assert_eq!(lib.resolve("target"), Some("t"));
        assert!(lib.backlinks("t").is_empty());
        assert!(!lib.links_ready());
        assert!(!lib.index_some_links(2));
        // Edited and deleted meanwhile: the edit counts, the deleted note's links are gone.
        lib.set_body("c", "[[Target]]", Time::from_ms(2.0));
        lib.delete("a");
        assert!(lib.index_some_links(2));
        assert!(lib.links_ready());
        assert_eq!(sources(&lib.backlinks("t")), ["b", "c"]);
        let whole = Library::from_notes(lib.iter().cloned().collect());
        assert_eq!(lib.incoming, whole.incoming);
        assert_eq!(lib.outgoing, whole.outgoing);

        let mut lib = Library::from_notes_unlinked(notes());
        assert_eq!(
            lib.rename("t", "Goal", Time::from_ms(3.0)),
            Ok(vec!["t".into(), "a".into(), "b".into()])
        );
        assert_eq!(
            lib.get("b").map(|n| n.body.as_str()),
            Some("See [[Goal#Top]].")
        );
    }

    #[test]
    fn rename_rewrites_links_and_returns_changed_notes() {
        let mut lib = Library::from_notes(vec![
            note("old", "Old", "Me: [[Old#Top]]", 1.0),
            note("a", "A", "[[old|the old one]] and ![[OLD#^card]]", 1.0),
            note("b", "B", "[[Old title 2]] [[Older]] `[[Old]]`", 1.0),
            note("c", "C", "[[Old]]\n```\n[[Old]]\n```", 1.0),
        ]);
        assert_eq!(
            lib.rename("old", "New", Time::from_ms(9.0)),
            Ok(vec!["old".into(), "a".into(), "c".into()])
        );
        let body = |id: &str| lib.get(id).map(|n| n.body.clone()).unwrap_or_default();
        assert_eq!(body("old"), "Me: [[New#Top]]");
        assert_eq!(body("a"), "[[New|the old one]] and ![[New#^card]]");
        assert_eq!(body("b"), "[[Old title 2]] [[Older]] `[[Old]]`");
        assert_eq!(body("c"), "[[New]]\n```\n[[Old]]\n```");
        let updated = |id: &str| lib.get(id).map(|n| n.updated);
        assert_eq!(updated("old"), Some(Time::from_ms(9.0)));
        assert_eq!(updated("a"), Some(Time::from_ms(9.0)));
        assert_eq!(updated("b"), Some(Time::from_ms(1.0)));
        assert_eq!(lib.resolve("old"), None);
        assert_eq!(lib.resolve("new"), Some("old"));
        assert_eq!(sources(&lib.backlinks("old")), ["a", "c"]);
    }

    #[test]
    fn rename_refusals_change_nothing() {
        let mut lib =
            Library::from_notes(vec![note("a", "A", "[[B]]", 1.0), note("b", "B", "", 1.0)]);
        assert_eq!(
            lib.rename("zz", "Z", Time::from_ms(2.0)),
            Err(RenameError::UnknownNote)
        );
        assert_eq!(
            lib.rename("b", " a ", Time::from_ms(2.0)),
            Err(RenameError::Title(TitleError::Taken("A".into())))
        );
        assert_eq!(
            lib.rename("b", "x#y", Time::from_ms(2.0)),
            Err(RenameError::Title(TitleError::ForbiddenChar('#')))
        );
        assert_eq!(lib.rename("b", " B ", Time::from_ms(2.0)), Ok(vec![]));
        assert_eq!(lib.get("a").map(|n| n.body.as_str()), Some("[[B]]"));
        assert_eq!(
            lib.get("b").map(|n| (n.title.as_str(), n.updated)),
            Some(("B", Time::from_ms(1.0)))
        );
        assert_eq!(
            RenameError::Title(TitleError::Taken("A".into())).to_string(),
            "A note titled “A” already exists."
        );
    }

    #[test]
    fn rename_may_change_only_case() {
        let mut lib = Library::from_notes(vec![
            note("n", "rust", "", 1.0),
            note("m", "M", "[[RUST|lang]] [[rust]]", 1.0),
        ]);
        assert_eq!(
            lib.rename("n", "Rust", Time::from_ms(2.0)),
            Ok(vec!["n".into(), "m".into()])
        );
        assert_eq!(
            lib.get("m").map(|n| n.body.as_str()),
            Some("[[Rust|lang]] [[Rust]]")
        );
        assert_eq!(lib.resolve("RUST"), Some("n"));
        assert_eq!(sources(&lib.backlinks("n")), ["m"]);
    }

    #[test]
    fn delete_unlinks_and_links_wait_for_a_new_note() {
        let mut lib = Library::from_notes(vec![
            note("t", "Topic", "[[Source]]", 1.0),
            note("s", "Source", "[[Topic]]", 1.0),
        ]);
        assert_eq!(lib.delete("t").map(|n| n.title), Some("Topic".into()));
        assert_eq!(lib.delete("t"), None);
        assert_eq!(lib.resolve("Topic"), None);
        assert!(lib.backlinks("s").is_empty());
        assert!(lib
            .create("t2".into(), "topic", "", Time::from_ms(2.0))
            .is_ok());
        assert_eq!(sources(&lib.backlinks("t2")), ["s"]);
    }

    #[test]
    fn backlinks_list_other_notes_with_their_lines() {
        let mut lib = Library::from_notes(vec![
            note("t", "Target", "[[Target]] self", 1.0),
            note(
                "z",
                "zebra",
                "one [[Target]]\n\none [[Target]]\n\ntwo ![[target#^c]]",
                1.0,
            ),
            note(
                "b",
                "Bee",
                "  - [[Target#Intro|intro]] and [[Target]]  \n`[[Target]]`",
                1.0,
            ),
            note("c", "apple", "[[Targets]] [[Other]]", 1.0),
            note("d", "Apple", "x\n[[ target ]]", 1.0),
        ]);
        let backlinks = lib.backlinks("t");
        assert_eq!(sources(&backlinks), ["d", "b", "z"]);
        assert_eq!(backlinks[0].title, "Apple");
        assert_eq!(backlinks[0].contexts, ["[[ target ]]"]);
        assert_eq!(
            backlinks[1].contexts,
            ["- [[Target#Intro|intro]] and [[Target]]"]
        );
        assert_eq!(
            backlinks[2].contexts,
            ["one [[Target]]", "two ![[target#^c]]"]
        );
        assert!(lib.backlinks("missing").is_empty());
        lib.delete("z");
        assert_eq!(sources(&lib.backlinks("t")), ["d", "b"]);
    }

    #[test]
    fn duplicate_titles_from_old_data() {
        let mut lib = Library::from_notes(vec![
            note("young", "Notes", "", 5.0),
            note("old", "NOTES", "", 1.0),
            note("l", "Linker", "[[notes]]", 1.0),
        ]);
        assert_eq!(lib.len(), 3);
        assert_eq!(lib.resolve("Notes"), Some("old"));
        assert_eq!(sources(&lib.backlinks("old")), ["l"]);
        assert!(lib.backlinks("young").is_empty());
        // The younger one renamed: links were never its own, so they stay.
        assert_eq!(
            lib.rename("young", "Fresh", Time::from_ms(6.0)),
            Ok(vec!["young".into()])
        );
        assert_eq!(lib.get("l").map(|n| n.body.as_str()), Some("[[notes]]"));
        assert_eq!(lib.resolve("fresh"), Some("young"));
        // Renaming back onto the older one's title is refused.
        assert!(lib.rename("young", "notes", Time::from_ms(7.0)).is_err());
    }

    #[test]
    fn owner_of_a_shared_title_hands_it_on() {
        let mut lib = Library::from_notes(vec![
            note("old", "Notes", "", 1.0),
            note("young", "notes", "", 5.0),
            note("l", "Linker", "[[Notes]]", 1.0),
        ]);
        assert_eq!(
            lib.rename("old", "Archive", Time::from_ms(6.0)),
            Ok(vec!["old".into(), "l".into()])
        );
        assert_eq!(lib.get("l").map(|n| n.body.as_str()), Some("[[Archive]]"));
        assert_eq!(lib.resolve("Notes"), Some("young"));
        assert!(lib
            .create("x".into(), "NOTES", "", Time::from_ms(7.0))
            .is_err());
        let mut lib =
            Library::from_notes(vec![note("old", "A", "", 1.0), note("young", "a", "", 2.0)]);
        lib.delete("old");
        assert_eq!(lib.resolve("A"), Some("young"));
    }

    #[test]
    fn put_replaces_a_note_and_its_indexes() {
        let mut lib =
            Library::from_notes(vec![note("a", "A", "[[B]]", 1.0), note("b", "B", "", 1.0)]);
        let mut from_other_tab = note("a", "A2", "[[C]]", 1.0);
        from_other_tab.updated = Time::from_ms(3.0);
        lib.put(from_other_tab);
        assert_eq!(lib.len(), 2);
        assert_eq!(lib.resolve("A"), None);
        assert_eq!(lib.resolve("a2"), Some("a"));
        assert!(lib.backlinks("b").is_empty());
        assert!(lib.create("c".into(), "C", "", Time::from_ms(4.0)).is_ok());
        assert_eq!(sources(&lib.backlinks("c")), ["a"]);
    }

    #[test]
    fn recent_first_then_by_title() {
        let mut lib = Library::from_notes(vec![
            note("1", "beta", "", 1.0),
            note("2", "Alpha", "", 1.0),
            note("3", "gamma", "", 3.0),
            note("4", "Delta", "", 2.0),
        ]);
        assert_eq!(
            titles(&lib.notes_by_recent()),
            ["gamma", "Delta", "Alpha", "beta"]
        );
        assert!(lib.set_body("1", "new", Time::from_ms(4.0)));
        assert_eq!(
            titles(&lib.notes_by_recent()),
            ["beta", "gamma", "Delta", "Alpha"]
        );
        assert_eq!(lib.iter().count(), 4);
    }

    #[test]
    fn a_short_recent_list_is_the_start_of_the_whole_one() {
        // Many equal times, so ties at the cut are ordered by title as in the whole list.
        let lib = Library::from_notes(
            (0..60)
                .map(|i| {
                    note(
                        &format!("n{i}"),
                        &format!("T{}", (i * 37) % 60),
                        "",
                        f64::from(i % 7),
                    )
                })
                .collect(),
        );
        let all = titles(&lib.notes_by_recent());
        for limit in [0, 1, 5, 8, 9, 30, 59, 60, 61, 1000] {
            assert_eq!(titles(&lib.recent(limit)), all[..limit.min(60)], "{limit}");
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Create(u8, u8, String),
        SetBody(u8, String),
        Rename(u8, u8),
        Delete(u8),
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        let body = proptest::collection::vec(
            prop_oneof![
                Just("[[T0]] "),
                Just("[[t1#h|x]] "),
                Just("![[T2#^b]]\n"),
                Just("`[[T3]]` "),
                Just("[[T4]]\n"),
                Just("text "),
            ],
            0..5,
        )
        .prop_map(|parts| parts.concat());
        prop_oneof![
            (0u8..6, 0u8..6, body.clone()).prop_map(|(i, t, b)| Op::Create(i, t, b)),
            (0u8..6, body).prop_map(|(i, b)| Op::SetBody(i, b)),
            (0u8..6, 0u8..6).prop_map(|(i, t)| Op::Rename(i, t)),
            (0u8..6).prop_map(Op::Delete),
        ]
    }

    proptest::proptest! {
        /// Whatever the edits, the indexes match a library rebuilt from the same notes.
        #[test]
        fn incremental_indexes_match_a_rebuild(ops in proptest::collection::vec(op(), 0..25)) {
            let mut lib = Library::new();
            for (step, op) in ops.into_iter().enumerate() {
                let now = step as f64;
                match op {
                    Op::Create(i, t, body) => {
                        let _ = lib.create(format!("n{i}").into(), &format!("T{t}"), &body, Time::from_ms(now));
                    }
                    Op::SetBody(i, body) => {
                        lib.set_body(&format!("n{i}"), &body, Time::from_ms(now));
                    }
                    Op::Rename(i, t) => {
                        let _ = lib.rename(&format!("n{i}"), &format!("t{t}"), Time::from_ms(now));
                    }
                    Op::Delete(i) => {
                        lib.delete(&format!("n{i}"));
                    }
                }
                let rebuilt = Library::from_notes(lib.iter().cloned().collect());
                for note in lib.iter() {
                    proptest::prop_assert_eq!(lib.resolve(&note.title), Some(note.id.as_str()));
                    proptest::prop_assert_eq!(lib.backlinks(&note.id), rebuilt.backlinks(&note.id));
                }
                for t in 0..6 {
                    let title = format!("T{t}");
                    proptest::prop_assert_eq!(lib.resolve(&title), rebuilt.resolve(&title));
                }
                proptest::prop_assert_eq!(&lib.incoming, &rebuilt.incoming);
                proptest::prop_assert_eq!(&lib.outgoing, &rebuilt.outgoing);
            }
        }
    }
}
