//! The preview of an import: what each incoming note would become (new, updated, kept, in
//! conflict), and incoming titles renamed away from the learner's.

use std::collections::{BTreeSet, HashSet};

use crate::core::attachment::Attachment;
use crate::core::card::{parse_cards_linked, ParsedCard};
use crate::core::exchange::bundle::{Bundle, BundleNote};
use crate::core::exchange::course::{Course, Elsewhere};
use crate::core::note::library::{link_targets, Library};
use crate::core::note::link::{parse_links, rewrite_links};
use crate::core::note::{content_hash, title_key, Note, NoteId, MAX_TITLE_CHARS};

/// What importing would do to one note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// No local note has its id.
    New,
    /// The local note is as imported last time and the author changed it: taken as is.
    Update,
    /// The local note already says the same.
    Unchanged,
    /// The learner edited it and the author did not change it since: the learner's text stays.
    KeptLocal,
    /// The learner edited it (or it never came from a bundle) and the author changed it too.
    Conflict,
}

/// One incoming note in the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    pub id: NoteId,
    /// The incoming title, after renaming away from a clash.
    pub title: String,
    /// The title of the local note with this id.
    pub local_title: Option<String>,
    pub change: Change,
    /// Cards in the incoming text.
    pub cards: usize,
    /// The title as the author wrote it, when a different local note has it.
    pub renamed_from: Option<String>,
}

/// What an import would do, to show before anything is written. The notes are a bundle's, or
/// for a restore a backup's [`Note`]s (their origin included).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan<N = BundleNote> {
    pub course: Option<Course>,
    /// One per incoming note, in bundle order.
    pub items: Vec<PlanItem>,
    /// The incoming notes as they would be written: clashing titles renamed, links following.
    pub notes: Vec<N>,
    pub elsewhere: Vec<Elsewhere>,
    /// Files the notes use, arriving with them (their contents are kept by the app).
    pub files: Vec<Attachment>,
    /// What was read from each of `notes` (by index) for the preview, kept so the import does
    /// not parse the notes again. A note without an entry is parsed when imported.
    pub parsed: Vec<Parsed>,
}

/// The cards and links of an incoming note's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub cards: Vec<ParsedCard>,
    /// The title keys its links point to, as [`link_targets`] gives them.
    pub links: BTreeSet<String>,
}

impl Parsed {
    pub fn of(body: &str) -> Parsed {
        let links = parse_links(body);
        Parsed {
            cards: parse_cards_linked(body, &links),
            links: link_targets(&links),
        }
    }
}

impl<N> ImportPlan<N> {
    /// How many notes would see this change.
    pub fn count(&self, change: Change) -> usize {
        self.items.iter().filter(|i| i.change == change).count()
    }

    /// Cards in all incoming notes.
    pub fn card_count(&self) -> usize {
        self.items.iter().map(|i| i.cards).sum()
    }

    /// The notes the learner must decide about.
    pub fn conflicts(&self) -> Vec<&PlanItem> {
        self.items
            .iter()
            .filter(|i| i.change == Change::Conflict)
            .collect()
    }
}

/// Previews importing `bundle` (already decoded and checked). Changes nothing.
///
/// An incoming note whose title belongs to a different local note gets a free title,
/// "Title (Course title)", and the bundle's links to it are rewritten to match, so the course
/// still links to its own note while the learner's links keep pointing at theirs.
pub fn plan(library: &Library, bundle: Bundle) -> ImportPlan {
    let mut planning = Planning::new(library, bundle);
    while planning.step(library, usize::MAX) {}
    planning.finish()
}

/// A [`plan`] made a slice of notes at a time, so a large import lets the page paint.
pub struct Planning {
    plan: ImportPlan,
    renamed_from: Vec<Option<String>>,
}

impl Planning {
    pub fn new(library: &Library, bundle: Bundle) -> Planning {
        let Bundle {
            course,
            mut notes,
            elsewhere,
            files,
        } = bundle;
        let suffix = course
            .as_ref()
            .map(|c| title_part(&c.title))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "imported".to_string());
        let renamed_from = rename_clashes(library, &mut notes, &suffix);
        Planning {
            plan: ImportPlan {
                course,
                items: Vec::with_capacity(notes.len()),
                parsed: Vec::with_capacity(notes.len()),
                notes,
                elsewhere,
                files,
            },
            renamed_from,
        }
    }

    /// Notes previewed so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.plan.items.len(), self.plan.notes.len())
    }

    /// Previews up to `budget` more notes against `library`; returns whether notes are left.
    pub fn step(&mut self, library: &Library, budget: usize) -> bool {
        let start = self.plan.items.len();
        let end = start.saturating_add(budget).min(self.plan.notes.len());
        for (note, renamed_from) in self.plan.notes[start..end]
            .iter()
            .zip(&mut self.renamed_from[start..end])
        {
            let local = library.get(&note.id);
            let parsed = Parsed::of(&note.body);
            self.plan.items.push(PlanItem {
                id: note.id.clone(),
                title: note.title.clone(),
                local_title: local.map(|l| l.title.clone()),
                change: classify(local, note),
                cards: parsed.cards.len(),
                renamed_from: renamed_from.take(),
            });
            self.plan.parsed.push(parsed);
        }
        end < self.plan.notes.len()
    }

    pub fn finish(self) -> ImportPlan {
        self.plan
    }
}

/// A note arriving from outside, whose title and links an import may change.
pub(crate) trait Incoming {
    /// Its id, and its title and body to change.
    fn parts(&mut self) -> (&str, &mut String, &mut String);
}

impl Incoming for BundleNote {
    fn parts(&mut self) -> (&str, &mut String, &mut String) {
        (&self.id, &mut self.title, &mut self.body)
    }
}

impl Incoming for Note {
    fn parts(&mut self) -> (&str, &mut String, &mut String) {
        (&self.id, &mut self.title, &mut self.body)
    }
}

/// Gives each incoming note whose title belongs to a different local note a free title,
/// "Title (suffix)", and makes the incoming notes' links follow. Returns, per note, the title it
/// had when it was renamed.
pub(crate) fn rename_clashes<N: Incoming>(
    library: &Library,
    notes: &mut [N],
    suffix: &str,
) -> Vec<Option<String>> {
    let clashing: Vec<bool> = notes
        .iter_mut()
        .map(|note| {
            let (id, title, _) = note.parts();
            library.resolve(title).is_some_and(|owner| owner != id)
        })
        .collect();
    let mut taken: HashSet<String> = notes
        .iter_mut()
        .zip(&clashing)
        .filter(|(_, clash)| !**clash)
        .map(|(note, _)| title_key(note.parts().1))
        .collect();
    let mut renamed_from = vec![None; notes.len()];
    let mut renames = Vec::new();
    for ((note, clash), renamed) in notes.iter_mut().zip(&clashing).zip(&mut renamed_from) {
        if !clash {
            continue;
        }
        let (id, old, _) = note.parts();
        let title = free_title(old, suffix, |candidate| {
            !taken.contains(&title_key(candidate))
                && library.resolve(candidate).is_none_or(|owner| owner == id)
        });
        taken.insert(title_key(&title));
        renames.push((old.clone(), title.clone()));
        *renamed = Some(std::mem::replace(old, title));
    }
    // New titles are free among the incoming ones, so one rename never catches another's links.
    for (old, new) in &renames {
        for note in notes.iter_mut() {
            let (_, _, body) = note.parts();
            if let Some(rewritten) = rewrite_links(body, old, new) {
                *body = rewritten;
            }
        }
    }
    renamed_from
}

pub(crate) fn classify(local: Option<&Note>, incoming: &BundleNote) -> Change {
    let Some(local) = local else {
        return Change::New;
    };
    let theirs = content_hash(&incoming.title, &incoming.body);
    let mine = content_hash(&local.title, &local.body);
    if mine == theirs {
        return Change::Unchanged;
    }
    match local.origin.as_ref().map(|o| o.base.as_str()) {
        Some(base) if base == mine => Change::Update,
        Some(base) if base == theirs => Change::KeptLocal,
        _ => Change::Conflict,
    }
}

/// Text fit to go inside a title: no link syntax, single spaces, not too long.
pub(crate) fn title_part(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | '|' | '#' | '^') || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = kept.split_whitespace().collect();
    words.join(" ").chars().take(60).collect()
}

/// The first of "Title (suffix)", "Title (suffix) 2"… that `is_free`, the title shortened to
/// keep within the longest title allowed.
pub(crate) fn free_title(title: &str, suffix: &str, is_free: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|n| {
            let tail = if n == 1 {
                format!(" ({suffix})")
            } else {
                format!(" ({suffix}) {n}")
            };
            let room = MAX_TITLE_CHARS.saturating_sub(tail.chars().count());
            let head: String = title.chars().take(room).collect();
            format!("{}{tail}", head.trim_end())
        })
        .find(|candidate| is_free(candidate))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::merge::tests::{bundle, mine, theirs};

    #[test]
    fn renaming_without_a_course_and_within_the_title_limit() {
        let long = "L".repeat(MAX_TITLE_CHARS);
        let library = Library::from_notes(vec![mine("a", "Notes", ""), mine("b", &long, "")]);
        let plan = plan(
            &library,
            Bundle {
                course: None,
                notes: vec![
                    theirs("x", "Notes", ""),
                    theirs("y", &long, ""),
                    theirs("z", "Notes (imported)", ""),
                ],
                elsewhere: Vec::new(),
                files: Vec::new(),
            },
        );
        assert_eq!(plan.items[0].title, "Notes (imported) 2");
        assert_eq!(plan.items[2].title, "Notes (imported)");
        let renamed = &plan.items[1].title;
        assert_eq!(renamed.chars().count(), MAX_TITLE_CHARS);
        assert!(renamed.ends_with("L (imported)"));
        for item in &plan.items {
            assert!(crate::core::note::clean_title(&item.title).is_ok());
        }
    }

    #[test]
    fn a_plan_in_slices_is_the_plan() {
        let mut library = Library::new();
        library.put(mine("x", "France", "mine"));
        let notes: Vec<BundleNote> = (0..7)
            .map(|i| theirs(&format!("n{i}"), &format!("N{i}"), "Q :: A"))
            .chain([theirs("f", "France", "theirs")])
            .collect();
        let mut planning = Planning::new(&library, bundle(notes.clone()));
        let mut steps = 0;
        while planning.step(&library, 3) {
            steps += 1;
        }
        assert_eq!(steps, 2);
        assert_eq!(planning.progress(), (8, 8));
        assert_eq!(planning.finish(), plan(&library, bundle(notes)));
    }
}
