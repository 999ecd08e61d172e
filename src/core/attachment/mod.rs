//! Files kept with the notes (images, audio, anything else): one stored record per file name,
//! its contents stored apart under their hash, and the names notes use to show them.
//!
//! ```text
//! let files = Files::from_records(stored);
//! if let Some(file) = files.get("Map of Europe.png") { /* file.hash names its contents */ }
//! ```

pub mod kind;
pub mod name;

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd, TextMergeStream};
use serde::{Deserialize, Serialize};

pub use kind::{Kind, Shown};

use crate::core::note::link::{markdown_options, retarget_links, scan};
use crate::core::note::{Note, NoteId};
use crate::core::time::Time;

/// The largest file Loam keeps, in bytes.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// One stored file, as notes name it. Its contents live apart, keyed by `hash`, so the same
/// picture under two names is stored once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// The name's key ([`name::key`]): what the store is keyed by.
    pub id: String,
    /// The name notes use: `![[name]]`.
    pub name: String,
    /// SHA-256 of the contents, in lowercase hex.
    pub hash: String,
    pub kind: Kind,
    /// Bytes.
    pub size: u64,
    pub added: Time,
}

impl Attachment {
    pub fn new(name: &str, hash: &str, kind: Kind, size: u64, added: Time) -> Attachment {
        Attachment {
            id: name::key(name),
            name: name.to_string(),
            hash: hash.to_string(),
            kind,
            size,
            added,
        }
    }
}

/// Every file of the library, by name. A vector sorted by name key: a library holds hundreds of
/// files, and a map type of its own would add its code to the download.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Files {
    sorted: Vec<Attachment>,
}

impl Files {
    pub fn from_records(records: Vec<Attachment>) -> Files {
        let mut files = Files::default();
        for file in records {
            files.put(file);
        }
        files
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.sorted.binary_search_by(|f| f.id.as_str().cmp(key))
    }

    /// The file a note names, by its whole name or (as Obsidian finds attachments in any
    /// folder) by its last path segment.
    pub fn get(&self, reference: &str) -> Option<&Attachment> {
        let at = self
            .position(&name::key(name::last_segment(reference)))
            .ok()?;
        self.sorted.get(at)
    }

    pub fn put(&mut self, file: Attachment) {
        match self.position(&file.id) {
            Ok(at) => self.sorted[at] = file,
            Err(at) => self.sorted.insert(at, file),
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<Attachment> {
        let at = self.position(&name::key(name)).ok()?;
        Some(self.sorted.remove(at))
    }

    /// Every file, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Attachment> {
        self.sorted.iter()
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Bytes of every file's contents, each stored contents counted once.
    pub fn total_size(&self) -> u64 {
        self.iter()
            .enumerate()
            .filter(|(i, f)| !self.sorted[..*i].iter().any(|e| e.hash == f.hash))
            .map(|(_, f)| f.size)
            .sum()
    }

    /// Whether any file's contents are `hash`.
    pub fn holds(&self, hash: &str) -> bool {
        self.with_hash(hash).is_some()
    }

    /// A file already stored with these contents, so attaching it again adds nothing.
    pub fn with_hash(&self, hash: &str) -> Option<&Attachment> {
        self.iter().find(|f| f.hash == hash)
    }

    /// `wanted`, or `wanted 2`, `wanted 3`… (before the extension) when another file has it.
    pub fn free_name(&self, wanted: &str) -> String {
        if self.get(wanted).is_none() {
            return wanted.to_string();
        }
        let (stem, extension) = name::split(wanted);
        (2..)
            .map(|n| match extension {
                Some(ext) => format!("{stem} {n}.{ext}"),
                None => format!("{stem} {n}"),
            })
            .find(|candidate| self.get(candidate).is_none())
            .unwrap_or_else(|| wanted.to_string())
    }

    /// For each file (in [`Files::iter`] order), the notes that use it, ordered by title.
    pub fn users<'n>(&self, notes: impl Iterator<Item = &'n Note>) -> Vec<Vec<(NoteId, String)>> {
        let mut users: Vec<Vec<(NoteId, String)>> = vec![Vec::new(); self.sorted.len()];
        for note in notes {
            let mut named: Vec<usize> = references(&note.body)
                .iter()
                .filter_map(|r| self.position(&name::key(name::last_segment(r))).ok())
                .collect();
            crate::core::sort_dedup(&mut named);
            for at in named {
                users[at].push((note.id.clone(), note.title.clone()));
            }
        }
        for list in &mut users {
            crate::core::sort_by_key(list, |(_, title)| title.to_lowercase());
        }
        users
    }
}

/// What taking arriving files in did: the records to store, and the files that took a free
/// name because theirs was taken by other contents (old name, new name).
#[derive(Debug, Default, PartialEq)]
pub struct Merged {
    pub stored: Vec<Attachment>,
    pub renamed: Vec<(String, String)>,
}

impl Merged {
    /// The text of an arriving note, pointed at the names its files took; `None` when unchanged.
    pub fn rewrite(&self, body: &str) -> Option<String> {
        let mut changed: Option<String> = None;
        for (old, new) in &self.renamed {
            let text = changed.as_deref().unwrap_or(body);
            if let Some(next) = rename_references(text, old, new) {
                changed = Some(next);
            }
        }
        changed
    }
}

/// Files arriving with notes (a restore, an import) taken into `files`. A file already here
/// under its name with the same contents is not stored again; one whose name is taken by other
/// contents takes a free name, which the arriving notes must then use ([`Merged::rewrite`]), so
/// no note ever shows another file than the one it came with.
pub fn merge_in(files: &mut Files, arriving: &[Attachment]) -> Merged {
    let mut merged = Merged::default();
    // A new name never is one still to arrive, so one rename never leads into another.
    let mut taken = files.clone();
    for file in arriving {
        taken.put(file.clone());
    }
    for file in arriving {
        match files.get(&file.name) {
            Some(here) if here.hash == file.hash => {}
            Some(_) => {
                let free = taken.free_name(&file.name);
                taken.put(Attachment::new(
                    &free, &file.hash, file.kind, file.size, file.added,
                ));
                let moved = Attachment::new(&free, &file.hash, file.kind, file.size, file.added);
                merged.renamed.push((file.name.clone(), free));
                files.put(moved.clone());
                merged.stored.push(moved);
            }
            None => {
                files.put(file.clone());
                merged.stored.push(file.clone());
            }
        }
    }
    merged
}

/// Points every reference to the file `old` (embeds, links and Markdown addresses, found by
/// their last path segment) at `new`. `None` when the text would not change.
pub fn rename_references(body: &str, old: &str, new: &str) -> Option<String> {
    let old_key = name::key(old);
    let names_old = |reference: &str| name::key(name::last_segment(reference)) == old_key;
    let linked = retarget_links(body, &|target| names_old(target).then(|| new.to_string()));
    let text = linked.as_deref().unwrap_or(body);
    // Markdown addresses: the last segment is replaced where it is written plainly, right
    // after `](` (so a title that repeats the name is left alone).
    let mut edits: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        let (Event::Start(Tag::Image { dest_url, .. }) | Event::Start(Tag::Link { dest_url, .. })) =
            event
        else {
            continue;
        };
        if name::relative_address(&dest_url).is_none_or(|n| name::key(&n) != old_key) {
            continue;
        }
        let Some(source) = text.get(range.clone()) else {
            continue;
        };
        let found = ["](", "](<"]
            .iter()
            .filter_map(|open| {
                source
                    .rfind(&format!("{open}{dest_url}"))
                    .map(|at| at + open.len())
            })
            .max();
        let Some(at) = found else {
            continue;
        };
        let path_end = dest_url.find(['?', '#']).unwrap_or(dest_url.len());
        let segment = dest_url[..path_end].rfind(['/', '\\']).map_or(0, |i| i + 1);
        let start = range.start + at;
        edits.push(start + segment..start + path_end);
    }
    if edits.is_empty() {
        return linked;
    }
    crate::core::sort_by_key(&mut edits, |e| e.start);
    edits.dedup();
    let encoded = new
        .replace('%', "%25")
        .replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29");
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for edit in edits {
        if edit.start < copied || edit.end < edit.start {
            continue;
        }
        out.push_str(&text[copied..edit.start]);
        out.push_str(&encoded);
        copied = edit.end;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// A stored file as the Files view lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub file: Attachment,
    /// The notes that use it (id, title), by title.
    pub used_by: Vec<(NoteId, String)>,
    /// Notes in the Trash that use it: it stays while they may come back.
    pub in_trash: usize,
}

impl Listed {
    /// No note uses it, not even one in the Trash: it may be removed.
    pub fn unused(&self) -> bool {
        self.used_by.is_empty() && self.in_trash == 0
    }
}

/// Every stored file with the notes that use it, largest first.
pub fn listing<'n>(
    files: &Files,
    notes: impl Iterator<Item = &'n Note>,
    trashed: impl Iterator<Item = &'n Note>,
) -> Vec<Listed> {
    let users = files.users(notes);
    let trash = files.users(trashed);
    let mut listed: Vec<Listed> = files
        .iter()
        .zip(users.into_iter().zip(trash))
        .map(|(file, (used_by, in_trash))| Listed {
            file: file.clone(),
            used_by,
            in_trash: in_trash.len(),
        })
        .collect();
    crate::core::sort_by(&mut listed, |a, b| {
        b.file
            .size
            .cmp(&a.file.size)
            .then_with(|| name::key(&a.file.name).cmp(&name::key(&b.file.name)))
    });
    listed
}

/// Every name a note's text refers to that may be a file: wiki-link and embed targets, and the
/// relative addresses of Markdown images and links, percent-decoded. Code is skipped.
pub fn references(body: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_code = false;
    for event in TextMergeStream::new(Parser::new_ext(body, markdown_options())) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(text) if !in_code => {
                found.extend(scan(&text).iter().map(|l| l.target.to_string()))
            }
            Event::Start(Tag::Image { dest_url, .. } | Tag::Link { dest_url, .. }) => {
                if let Some(name) = name::relative_address(&dest_url) {
                    found.push(name);
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::merge::tests::mine as note;

    fn file(name: &str, hash: &str) -> Attachment {
        Attachment::new(name, hash, Kind::Png, 10, Time::from_ms(1.0))
    }

    #[test]
    fn files_are_found_by_name_in_any_case_and_folder() {
        let files = Files::from_records(vec![file("Map of Europe.png", "a")]);
        assert_eq!(files.get("map of europe.PNG").unwrap().hash, "a");
        assert_eq!(
            files.get("attachments/Map of Europe.png").unwrap().hash,
            "a"
        );
        assert!(files.get("Map.png").is_none());
    }

    #[test]
    fn a_taken_name_gets_a_number_before_its_extension() {
        let files = Files::from_records(vec![
            file("map.png", "a"),
            file("map 2.png", "b"),
            file("README", "c"),
        ]);
        assert_eq!(files.free_name("Map.png"), "Map 3.png");
        assert_eq!(files.free_name("readme"), "readme 2");
        assert_eq!(files.free_name("other.png"), "other.png");
    }

    #[test]
    fn the_same_contents_count_once() {
        let files = Files::from_records(vec![file("a.png", "h"), file("b.png", "h")]);
        assert_eq!(files.total_size(), 10);
        assert!(files.holds("h"));
        assert!(files.with_hash("h").is_some());
        assert!(!files.holds("x"));
    }

    #[test]
    fn references_cover_embeds_links_and_markdown_images_but_not_code() {
        let body = "![[a.png|200]] and [[Doc.pdf]] ![alt](img/b%20c.jpg) [x](https://e.org/d.png)\n\n`![[code.png]]`\n\n    ![[indented.png]]\n";
        assert_eq!(references(body), ["a.png", "Doc.pdf", "b c.jpg"]);
    }

    #[test]
    fn a_file_a_trashed_note_uses_is_not_unused() {
        let mut big = file("big.png", "b");
        big.size = 99;
        let files = Files::from_records(vec![file("a.png", "a"), big, file("c.png", "c")]);
        let notes = [note("1", "One", "![[a.png]]")];
        let trashed = [note("2", "Gone", "![[c.png]]")];
        let listed = listing(&files, notes.iter(), trashed.iter());
        let names: Vec<&str> = listed.iter().map(|l| l.file.name.as_str()).collect();
        assert_eq!(names, ["big.png", "a.png", "c.png"]);
        let unused: Vec<bool> = listed.iter().map(Listed::unused).collect();
        assert_eq!(unused, [true, false, false]);
        assert_eq!(listed[2].in_trash, 1);
    }

    #[test]
    fn arriving_files_never_take_another_files_name() {
        let mut files = Files::from_records(vec![file("map.png", "here"), file("same.png", "s")]);
        let body = "![[map.png|200]] [[Map.png]] ![m](img/map.png) ![[same.png]] `map.png`";
        let arriving = [
            file("map.png", "there"),
            file("same.png", "s"),
            file("new.png", "n"),
        ];
        let merged = merge_in(&mut files, &arriving);
        let names: Vec<&str> = merged.stored.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["map 2.png", "new.png"]);
        assert_eq!(
            merged.rewrite(body).unwrap(),
            "![[map 2.png|200]] [[map 2.png]] ![m](img/map%202.png) ![[same.png]] `map.png`"
        );
        assert_eq!(merged.rewrite("![[new.png]]"), None);
        assert_eq!(files.get("map.png").unwrap().hash, "here");
        assert_eq!(files.get("map 2.png").unwrap().hash, "there");
        assert_eq!(files.len(), 4);
    }

    #[test]
    fn renames_never_chain_into_another_arriving_file() {
        let mut files = Files::from_records(vec![file("a.png", "h1")]);
        let merged = merge_in(&mut files, &[file("a.png", "h2"), file("a 2.png", "h3")]);
        assert_eq!(
            merged.renamed,
            [("a.png".to_string(), "a 3.png".to_string())]
        );
        assert_eq!(
            merged.rewrite("![[a.png]] ![[a 2.png]]").unwrap(),
            "![[a 3.png]] ![[a 2.png]]"
        );
        assert_eq!(files.get("a 2.png").unwrap().hash, "h3");
        assert_eq!(files.get("a 3.png").unwrap().hash, "h2");
    }

    #[test]
    fn markdown_addresses_are_renamed_exactly() {
        let rename = |body: &str| rename_references(body, "a.png", "a (2).png");
        assert_eq!(
            rename("![](a.png?v=1/2) end").unwrap(),
            "![](a%20%282%29.png?v=1/2) end"
        );
        assert_eq!(
            rename("![x](a.png \"a.png\")").unwrap(),
            "![x](a%20%282%29.png \"a.png\")"
        );
        assert_eq!(
            rename("[![](a.png)](img/a.png)").unwrap(),
            "[![](a%20%282%29.png)](img/a%20%282%29.png)"
        );
        assert_eq!(rename("![](b.png)"), None);
    }

    #[test]
    fn users_are_the_notes_naming_a_file() {
        let files = Files::from_records(vec![file("a.png", "h"), file("lone.png", "i")]);
        let notes = [
            note("2", "Zebra", "![[A.png]] twice ![[a.png]]"),
            note("1", "apple", "![](attachments/a.png)"),
        ];
        let users = files.users(notes.iter());
        let titles: Vec<&str> = users[0].iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(titles, ["apple", "Zebra"]);
        assert!(users[1].is_empty(), "lone.png is used by no note");
    }
}
