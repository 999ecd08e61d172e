//! The learner's settings, courses and the places they publish and follow them, as sync
//! carries them: entries of the index document's `meta` map, one small JSON value under a key
//! naming what it is (`settings`, `author`, `course:<id>`, `elsewhere:<title>`,
//! `published:<course>`, `followed:<course>`, `file:<name key>`), so two devices' courses meet
//! entry by entry. A file removed on one device leaves `removed:<hash>` under its key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::attachment::{name, Attachment, Files, MAX_FILE_BYTES};
use crate::core::exchange::bundle::{Course, Elsewhere};
use crate::core::exchange::hosting::{Hosting, Place};
use crate::core::note::title_key;
use crate::core::records::Records;
use crate::core::review::ReviewSettings;

/// Settings and courses: all the page holds (to sync), or the entries sync brought (to the
/// page).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<ReviewSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub courses: Vec<Course>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elsewhere: Vec<Elsewhere>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub published: Vec<Place>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub followed: Vec<Place>,
    /// Attached files' records (their contents travel apart, see [`super::file`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Attachment>,
    /// Files removed on another device: name key and the hash of the contents removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed_files: Vec<(String, String)>,
}

/// How the entry of a file removed on some device starts; the removed contents' hash follows,
/// so a device removes only the same file.
pub const REMOVED: &str = "removed:";

/// The entry of a removed file.
pub fn removal(hash: &str) -> String {
    format!("{REMOVED}{hash}")
}

/// The key of a file's entry.
pub fn file_key(id: &str) -> String {
    format!("file:{id}")
}

/// A file record as another device wrote it, if it is one Loam would have written: its key
/// is its name's, its fingerprint a SHA-256 and its size within bounds.
fn file_entry(value: &str, key: &str) -> Option<Attachment> {
    let file = serde_json::from_str::<Attachment>(value).ok()?;
    let sound = file.id == key
        && name::key(&file.name) == key
        && name::clean(&file.name, "file") == file.name
        && file.hash.len() == 64
        && file
            .hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && file.size <= MAX_FILE_BYTES;
    sound.then_some(file)
}

impl Meta {
    pub fn is_empty(&self) -> bool {
        self.settings.is_none()
            && self.author.is_none()
            && self.courses.is_empty()
            && self.elsewhere.is_empty()
            && self.published.is_empty()
            && self.followed.is_empty()
            && self.files.is_empty()
            && self.removed_files.is_empty()
    }

    /// Its entries: key and JSON value.
    pub fn entries(&self) -> BTreeMap<String, String> {
        let mut entries = BTreeMap::new();
        let mut put = |key: String, value: Result<String, serde_json::Error>| {
            if let Ok(value) = value {
                entries.insert(key, value);
            }
        };
        if let Some(settings) = &self.settings {
            put("settings".into(), serde_json::to_string(settings));
        }
        if let Some(author) = &self.author {
            put("author".into(), serde_json::to_string(author));
        }
        for course in &self.courses {
            put(
                format!("course:{}", course.id),
                serde_json::to_string(course),
            );
        }
        for note in &self.elsewhere {
            put(
                format!("elsewhere:{}", title_key(&note.title)),
                serde_json::to_string(note),
            );
        }
        for place in &self.published {
            put(
                format!("published:{}", place.course),
                serde_json::to_string(place),
            );
        }
        for place in &self.followed {
            put(
                format!("followed:{}", place.course),
                serde_json::to_string(place),
            );
        }
        for file in &self.files {
            put(file_key(&file.id), serde_json::to_string(file));
        }
        entries
    }

    /// Reads entries; one Loam did not write (unknown key, unreadable value, a key that does
    /// not match its value) is passed over.
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Meta {
        let mut meta = Meta::default();
        for (key, value) in entries {
            let (kind, name) = key.split_once(':').unwrap_or((key, ""));
            match kind {
                "settings" => meta.settings = serde_json::from_str(value).ok(),
                "author" => meta.author = serde_json::from_str(value).ok(),
                "course" => meta.courses.extend(
                    serde_json::from_str::<Course>(value)
                        .ok()
                        .filter(|c| c.id == name),
                ),
                "elsewhere" => meta.elsewhere.extend(
                    serde_json::from_str::<Elsewhere>(value)
                        .ok()
                        .filter(|e| title_key(&e.title) == name),
                ),
                "published" => meta.published.extend(
                    serde_json::from_str::<Place>(value)
                        .ok()
                        .filter(|p| p.course == name),
                ),
                "followed" => meta.followed.extend(
                    serde_json::from_str::<Place>(value)
                        .ok()
                        .filter(|p| p.course == name),
                ),
                "file" if value.starts_with(REMOVED) => meta
                    .removed_files
                    .push((name.to_string(), value[REMOVED.len()..].to_string())),
                "file" => meta.files.extend(file_entry(value, name)),
                _ => {}
            }
        }
        meta
    }

    /// What the page holds.
    pub fn of(
        settings: &ReviewSettings,
        author: &str,
        courses: &[Course],
        elsewhere: &[Elsewhere],
        hosting: &Hosting,
        files: &Files,
    ) -> Meta {
        Meta {
            settings: Some(settings.clone()),
            author: (!author.is_empty()).then(|| author.to_string()),
            courses: courses.to_vec(),
            elsewhere: elsewhere.to_vec(),
            published: hosting.published.clone(),
            followed: hosting.followed.clone(),
            files: files.iter().cloned().collect(),
            removed_files: Vec::new(),
        }
    }
}

/// The page's data a [`Meta`] from sync changes.
pub struct Held<'a> {
    pub settings: &'a mut ReviewSettings,
    pub author: &'a mut String,
    pub courses: &'a mut Vec<Course>,
    pub elsewhere: &'a mut Vec<Elsewhere>,
    pub hosting: &'a mut Hosting,
}

/// Takes what sync brought: settings and name as they are, each course unless the page has a
/// newer version of it, notes elsewhere and places by what they name. Nothing is removed.
pub fn take_meta(meta: Meta, held: Held<'_>) -> Records {
    let mut records = Records::default();
    if let Some(settings) = meta.settings.filter(|s| s != held.settings) {
        *held.settings = settings.clone();
        records.settings = Some(settings);
    }
    if let Some(author) = meta.author.filter(|a| a != held.author) {
        *held.author = author.clone();
        records.author = Some(author);
    }
    let mut courses_changed = false;
    for course in meta.courses {
        match held.courses.iter_mut().find(|c| c.id == course.id) {
            Some(mine) if mine.version > course.version || *mine == course => {}
            Some(mine) => {
                *mine = course;
                courses_changed = true;
            }
            None => {
                held.courses.push(course);
                courses_changed = true;
            }
        }
    }
    if courses_changed {
        records.courses = Some(held.courses.clone());
    }
    if put_all(held.elsewhere, meta.elsewhere, |a, b| {
        title_key(&a.title) == title_key(&b.title)
    }) {
        records.elsewhere = Some(held.elsewhere.clone());
    }
    let published = put_all(&mut held.hosting.published, meta.published, same_course);
    let followed = put_all(&mut held.hosting.followed, meta.followed, same_course);
    if published || followed {
        records.hosting = Some(held.hosting.clone());
    }
    records
}

fn same_course(a: &Place, b: &Place) -> bool {
    a.course == b.course
}

/// Puts each of `arriving` into `held`, in place of the one `same` finds; whether anything
/// changed.
fn put_all<T: PartialEq>(held: &mut Vec<T>, arriving: Vec<T>, same: fn(&T, &T) -> bool) -> bool {
    let mut changed = false;
    for item in arriving {
        match held.iter_mut().find(|h| same(h, &item)) {
            Some(mine) if *mine == item => {}
            Some(mine) => {
                *mine = item;
                changed = true;
            }
            None => {
                held.push(item);
                changed = true;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests;
