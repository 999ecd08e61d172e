//! Search operations of the app state: the full-text index kept in step with saved notes, and
//! queries for the search box, the search page and the quick switcher.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::AppState;
use crate::core::editor::suggest::{anchors, best, headings, Kind, Suggesting};
use crate::core::note::{Note, NoteId};
use crate::core::search::{fuzzy_titles, Hit};

/// Notes indexed per task while the index is built at start: about 15 ms of work each.
const INDEX_SLICE: usize = 300;

/// What keeps the search index in step with the notes stored and removed:
/// [`AppState::keep_search_index`] in the whole app, nothing in the first visit's module (it has
/// no search).
pub type SearchPart = fn(&AppState, &[Note], &[&str]);

/// One quick-switcher suggestion: a note, and the matched characters of its title.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleSuggestion {
    pub id: String,
    pub title: String,
    pub ranges: Vec<std::ops::Range<usize>>,
}

impl AppState {
    /// Builds the index once the library is in memory, after the first paint, a slice of notes
    /// per task so typing and clicking stay answered meanwhile (search fills in as it goes).
    pub(super) fn build_search_index(&self) {
        let this = *self;
        spawn_local(async move {
            // The notes' list is painted first.
            crate::browser::frame::after_next_paint().await;
            let ids: Vec<NoteId> = this
                .data
                .library
                .with_untracked(|lib| lib.iter().map(|n| n.id.clone()).collect());
            for chunk in ids.chunks(INDEX_SLICE) {
                crate::browser::frame::yield_now().await;
                this.data.library.with_untracked(|lib| {
                    // A note deleted meanwhile is skipped; one edited meanwhile is indexed as it is now.
                    let notes = chunk.iter().filter_map(|id| lib.get(id));
                    this.view
                        .search_index
                        .update_value(|index| index.extend(notes));
                });
            }
            this.view
                .search_index
                .update_value(|index| index.shrink_to_fit());
            this.view.search_version.update(|v| *v += 1);
        });
    }

    /// The search index follows notes just stored and removed.
    pub fn keep_search_index(&self, stored: &[Note], removed: &[&str]) {
        self.index_notes(stored);
        for id in removed.iter().copied() {
            self.unindex(id);
        }
    }

    /// Re-indexes notes that were just saved.
    fn index_notes(&self, notes: &[Note]) {
        if notes.is_empty() {
            return;
        }
        if notes.len() <= INDEX_SLICE {
            self.view.search_index.update_value(|index| {
                for note in notes {
                    index.update(&note.id, &note.title, &note.body);
                }
            });
            self.view.search_version.update(|v| *v += 1);
            return;
        }
        // Many notes at once (an import): a slice per task, as at start, once the page the
        // change leads to is painted.
        let this = *self;
        let ids: Vec<NoteId> = notes.iter().map(|n| n.id.clone()).collect();
        spawn_local(async move {
            crate::browser::frame::after_next_paint().await;
            for chunk in ids.chunks(INDEX_SLICE) {
                crate::browser::frame::yield_now().await;
                this.data.library.with_untracked(|lib| {
                    this.view.search_index.update_value(|index| {
                        for note in chunk.iter().filter_map(|id| lib.get(id)) {
                            index.update(&note.id, &note.title, &note.body);
                        }
                    });
                });
            }
            this.view.search_version.update(|v| *v += 1);
        });
    }

    fn unindex(&self, id: &str) {
        self.view
            .search_index
            .update_value(|index| index.remove(id));
        self.view.search_version.update(|v| *v += 1);
    }

    /// The best `limit` notes for a full-text query (tracks index changes).
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        self.view.search_version.track();
        self.data.library.with_untracked(|lib| {
            self.view.search_index.with_value(|index| {
                index.search(query, limit, |id| lib.get(id).map(|n| n.body.as_str()))
            })
        })
    }

    /// What the editor offers where the caret is writing: titles (the most recent first while
    /// nothing is typed), a note's headings or card anchors, or tags. The library's tags are
    /// read once into `tags` and reused while the same tag is being typed.
    pub fn editor_suggestions(
        &self,
        at: &Suggesting,
        limit: usize,
        tags: &mut Option<Vec<String>>,
    ) -> Vec<String> {
        self.data.library.with_untracked(|lib| match &at.kind {
            Kind::Title => self.data.files.with_untracked(|files| {
                // Attached files are linked and embedded by name, as notes are by title.
                let titles: Vec<&str> = lib
                    .notes_by_recent()
                    .into_iter()
                    .map(|n| n.title.as_str())
                    .chain(files.iter().map(|f| f.name.as_str()))
                    .collect();
                best(&at.query, &titles, limit)
            }),
            Kind::Heading { note } => lib
                .by_title(note)
                .map(|n| best(&at.query, &headings(&n.body), limit))
                .unwrap_or_default(),
            Kind::Anchor { note } => lib
                .by_title(note)
                .map(|n| best(&at.query, &anchors(&n.body), limit))
                .unwrap_or_default(),
            Kind::Tag => best(&at.query, tags.get_or_insert_with(|| lib.tags()), limit),
        })
    }

    /// Note titles matching a quick-switcher query, best first.
    pub fn switcher_suggestions(&self, query: &str, limit: usize) -> Vec<TitleSuggestion> {
        self.data.library.with(|lib| {
            let notes = lib.notes_by_recent();
            let titles: Vec<&str> = notes.iter().map(|n| n.title.as_str()).collect();
            fuzzy_titles(query, &titles)
                .into_iter()
                .take(limit)
                .filter_map(|(i, _, ranges)| {
                    notes.get(i).map(|n| TitleSuggestion {
                        id: n.id.to_string(),
                        title: n.title.clone(),
                        ranges,
                    })
                })
                .collect()
        })
    }
}
