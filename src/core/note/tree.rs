//! The sidebar's notes as a tree: notes that name a folder in their front matter (`folder:
//! "Geo/Alps"`) under nested folders, the others at the top, in the order the learner chose.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::note::front_matter::folder_of;
use crate::core::note::library::Library;
use crate::core::note::{title_key, Note, NoteId};

/// Notes the sidebar lists before "Show more"; search and the quick switcher reach every note.
pub const LISTED_AT_FIRST: usize = 200;

/// How the notes of each folder are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// The most recently edited first.
    #[default]
    Recent,
    /// By title, ignoring case.
    Title,
}

/// A folder: its name (the last part of its path), its whole path, the folders in it (by name)
/// and its notes (id and title, in the chosen order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Folder {
    pub name: String,
    pub path: String,
    pub folders: Vec<Folder>,
    pub notes: Vec<(NoteId, String)>,
}

impl Folder {
    /// How many notes it holds, its subfolders' included.
    pub fn count(&self) -> usize {
        self.notes.len() + self.folders.iter().map(Folder::count).sum::<usize>()
    }
}

/// A note as the sidebar lists it: its id, its title and the folder it names, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub id: NoteId,
    pub title: String,
    pub folder: Option<String>,
}

impl Listed {
    pub fn of(note: &Note) -> Listed {
        Listed {
            id: note.id.clone(),
            title: note.title.clone(),
            folder: folder_of(&note.body),
        }
    }
}

/// Notes the start page lists as recently edited.
const RECENT_ON_START: usize = 8;

/// The start page's recently edited notes (id, title), the most recent first.
pub fn recent_on_start(library: &Library) -> Vec<(NoteId, String)> {
    library
        .recent(RECENT_ON_START)
        .into_iter()
        .map(|n| (n.id.clone(), n.title.clone()))
        .collect()
}

/// What the sidebar and the start page list first, and how many notes there are in all: kept
/// so the next start lists them while the whole library is still being read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FirstScreen {
    pub order: Order,
    pub notes: Vec<Listed>,
    pub total: usize,
    /// The start page's recently edited notes (id, title).
    #[serde(default)]
    pub recent: Vec<(NoteId, String)>,
    /// The start page's courses (id, title), which the caller fills in.
    #[serde(default)]
    pub courses: Vec<(String, String)>,
}

impl FirstScreen {
    pub fn of(library: &Library, order: Order) -> FirstScreen {
        FirstScreen {
            order,
            notes: listed(library, order, LISTED_AT_FIRST)
                .into_iter()
                .map(Listed::of)
                .collect(),
            total: library.len(),
            recent: recent_on_start(library),
            courses: Vec::new(),
        }
    }
}

/// The first `limit` notes of the library in `order`: the sidebar lists these.
pub fn listed(library: &Library, order: Order, limit: usize) -> Vec<&Note> {
    match order {
        Order::Recent => library.recent(limit),
        Order::Title => {
            let mut notes: Vec<&Note> = library.iter().collect();
            crate::core::sort_by_cached_key(&mut notes, |n| (title_key(&n.title), n.id.clone()));
            notes.truncate(limit);
            notes
        }
    }
}

/// The tree of `notes` (in the order they are given) under the folders they name. The root
/// has no name; folders are ordered by name.
pub fn tree(notes: impl IntoIterator<Item = Listed>) -> Folder {
    let mut root = Building::default();
    for Listed { id, title, folder } in notes {
        let mut at = &mut root;
        for part in folder
            .iter()
            .flat_map(|f| f.split('/'))
            .filter(|p| !p.trim().is_empty())
        {
            at = at.folders.entry(part.trim().to_string()).or_default();
        }
        at.notes.push((id, title));
    }
    root.finish(String::new(), String::new())
}

/// A folder while notes are added: subfolders by name.
#[derive(Default)]
struct Building {
    folders: BTreeMap<String, Building>,
    notes: Vec<(NoteId, String)>,
}

impl Building {
    fn finish(self, name: String, path: String) -> Folder {
        let folders = self
            .folders
            .into_iter()
            .map(|(child, building)| {
                let child_path = if path.is_empty() {
                    child.clone()
                } else {
                    format!("{path}/{child}")
                };
                building.finish(child, child_path)
            })
            .collect();
        Folder {
            name,
            path,
            folders,
            notes: self.notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::time::Time;

    fn note(id: &str, title: &str, updated: f64) -> Note {
        Note {
            id: id.into(),
            title: title.into(),
            body: String::new(),
            created: Time::from_ms(0.0),
            updated: Time::from_ms(updated),
            origin: None,
        }
    }

    fn titles(notes: &[(NoteId, String)]) -> Vec<&str> {
        notes.iter().map(|(_, t)| t.as_str()).collect()
    }

    #[test]
    fn notes_go_under_their_nested_folders_in_the_chosen_order() {
        let notes = [
            note("a", "rivers", 3.0),
            note("b", "Peaks", 5.0),
            note("c", "Loose", 1.0),
            note("d", "Alps map", 2.0),
            note("e", "Another", 4.0),
        ];
        let folders = [
            Some("Geo".to_string()),
            Some("Geo/Alps".to_string()),
            None,
            Some("Geo/Alps".to_string()),
            None,
        ];
        let library = Library::from_notes(
            notes
                .iter()
                .zip(&folders)
                .map(|(n, f)| Note {
                    body: f
                        .as_ref()
                        .map(|f| format!("---\nfolder: \"{f}\"\n---\n"))
                        .unwrap_or_default(),
                    ..n.clone()
                })
                .collect(),
        );
        let in_order = |order| tree(listed(&library, order, 10).into_iter().map(Listed::of));
        let recent = in_order(Order::Recent);
        assert_eq!(titles(&recent.notes), ["Another", "Loose"]);
        assert_eq!(recent.folders.len(), 1);
        let geo = &recent.folders[0];
        assert_eq!((geo.name.as_str(), geo.path.as_str()), ("Geo", "Geo"));
        assert_eq!(titles(&geo.notes), ["rivers"]);
        assert_eq!(geo.folders[0].path, "Geo/Alps");
        assert_eq!(titles(&geo.folders[0].notes), ["Peaks", "Alps map"]);
        assert_eq!(geo.count(), 3);
        assert_eq!(recent.count(), 5);

        let by_title = in_order(Order::Title);
        assert_eq!(titles(&by_title.notes), ["Another", "Loose"]);
        assert_eq!(
            titles(&by_title.folders[0].folders[0].notes),
            ["Alps map", "Peaks"]
        );
    }

    #[test]
    fn a_limit_keeps_the_first_notes_in_the_order() {
        let library = Library::from_notes(vec![
            note("a", "b", 1.0),
            note("b", "a", 2.0),
            note("c", "C", 3.0),
        ]);
        let ids = |order| -> Vec<String> {
            listed(&library, order, 2)
                .iter()
                .map(|n| n.id.to_string())
                .collect()
        };
        assert_eq!(ids(Order::Recent), ["c", "b"]);
        assert_eq!(ids(Order::Title), ["b", "a"]);
    }

    #[test]
    fn empty_parts_of_a_folder_path_are_skipped() {
        let root = tree([Listed {
            id: "a".into(),
            title: "A".into(),
            folder: Some("/Geo//".to_string()),
        }]);
        assert_eq!(root.folders[0].path, "Geo");
        assert_eq!(titles(&root.folders[0].notes), ["A"]);
    }

    #[test]
    fn the_first_screen_is_the_first_listed_with_folders_and_the_total() {
        let mut notes: Vec<Note> = (0..LISTED_AT_FIRST + 5)
            .map(|i| note(&format!("n{i}"), &format!("Note {i}"), i as f64))
            .collect();
        notes[LISTED_AT_FIRST + 4].body = "---\nfolder: \"Geo\"\n---\nBody".into();
        let library = Library::from_notes(notes);
        let first = FirstScreen::of(&library, Order::Recent);
        assert_eq!(first.total, LISTED_AT_FIRST + 5);
        assert_eq!(first.notes.len(), LISTED_AT_FIRST);
        // The most recent first, with the folder its front matter names.
        assert_eq!(
            first.notes[0].title,
            format!("Note {}", LISTED_AT_FIRST + 4)
        );
        assert_eq!(first.notes[0].folder.as_deref(), Some("Geo"));
        assert_eq!(first.notes[1].folder, None);
        // Kept as JSON in storage and read back the same.
        let text = serde_json::to_string(&first).unwrap();
        assert!(text.contains("\"order\":\"recent\""));
        assert_eq!(serde_json::from_str::<FirstScreen>(&text).unwrap(), first);
        // The same tree as from the library itself.
        let from_library = tree(
            listed(&library, Order::Recent, LISTED_AT_FIRST)
                .into_iter()
                .map(Listed::of),
        );
        assert_eq!(tree(first.notes.clone()), from_library);
        assert_eq!(FirstScreen::of(&library, Order::Title).order, Order::Title);
        // The start page's recent notes, whatever the sidebar's order.
        let by_title = FirstScreen::of(&library, Order::Title);
        assert_eq!(by_title.recent.len(), RECENT_ON_START);
        assert_eq!(
            by_title.recent,
            library
                .recent(RECENT_ON_START)
                .into_iter()
                .map(|n| (n.id.clone(), n.title.clone()))
                .collect::<Vec<_>>()
        );
        // A copy kept before the start page's lists were kept still reads.
        let older = r#"{"order":"title","notes":[],"total":3}"#;
        let older = serde_json::from_str::<FirstScreen>(older).unwrap();
        assert_eq!((older.total, older.recent.len()), (3, 0));
    }
}
