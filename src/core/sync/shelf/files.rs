//! Attached files on the shelf: a record goes into the index (`file:<name key>` in `meta`) only
//! once its contents are on the server, so a device that sees a record can always fetch them;
//! arriving records wait for their contents before the page hears of them.

use std::collections::{BTreeMap, BTreeSet};

use super::Shelf;
use crate::core::attachment::Attachment;
use crate::core::sync::meta::{Meta, REMOVED};

/// What the shelf knows of files' contents.
#[derive(Default)]
pub(super) struct FileState {
    /// Contents sent to the server in this session, by hash.
    uploaded: BTreeSet<String>,
    /// Contents to send, for the worker to ask the page for.
    uploads: BTreeSet<String>,
    /// Contents asked of the page and not sent yet: asked once.
    asked_up: BTreeSet<String>,
    /// Records waiting for their contents to go up, by key: hash and value.
    pub(super) held_up: BTreeMap<String, (String, String)>,
    /// Arriving files, for the worker to fetch.
    downloads: Vec<Attachment>,
    /// Records handed out to fetch in this session (key and hash): each is fetched once.
    asked: BTreeSet<String>,
    /// The server had nothing of the index (wiped, or new): its contents went with it.
    blank: bool,
    /// The files the page holds, as it last told.
    pub(super) page_files: Vec<Attachment>,
}

/// One contents to fetch, and the files that show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    pub hash: String,
    pub files: Vec<Attachment>,
    /// The page has these contents already (under another name): nothing to fetch.
    pub held: bool,
}

impl Shelf {
    /// Hashes of contents the page must hand over to be sent.
    pub fn take_uploads(&mut self) -> Vec<String> {
        std::mem::take(&mut self.files.uploads)
            .into_iter()
            .collect()
    }

    /// Contents went up: the records that waited for them are written, unless the documents
    /// took another value meanwhile.
    pub fn uploaded(&mut self, hash: &str) {
        self.files.uploaded.insert(hash.to_string());
        self.files.asked_up.remove(hash);
        let ready: Vec<(String, String)> = self
            .files
            .held_up
            .iter()
            .filter(|(_, (h, _))| h == hash)
            .map(|(key, (_, value))| (key.clone(), value.clone()))
            .collect();
        let there = self.meta_entries();
        let mut writes = Vec::new();
        for (key, value) in ready {
            self.files.held_up.remove(&key);
            if self.page_changed(&there, &key, &value) {
                writes.push((key, value));
            }
        }
        self.write_meta(writes);
    }

    /// Contents could not be sent (the page no longer had them, or every attempt failed):
    /// asked for again with the page's next change.
    pub fn upload_failed(&mut self, hash: &str) {
        self.files.asked_up.remove(hash);
    }

    /// Records waiting for their contents to go up.
    pub fn waiting_uploads(&self) -> usize {
        self.files.held_up.len()
    }

    /// A record the page holds, written once its contents are up; they are asked of the page
    /// once.
    pub(super) fn hold_for_upload(&mut self, key: &str, hash: &str, value: &str) {
        self.files
            .held_up
            .insert(key.to_string(), (hash.to_string(), value.to_string()));
        self.ask_for(hash);
    }

    /// Asks the page for contents to send, unless they were asked for already.
    fn ask_for(&mut self, hash: &str) {
        if self.files.asked_up.insert(hash.to_string()) {
            self.files.uploads.insert(hash.to_string());
        }
    }

    /// Files that arrived, grouped by contents, for the worker to fetch.
    pub fn take_downloads(&mut self) -> Vec<Fetch> {
        let downloads = std::mem::take(&mut self.files.downloads);
        let held: BTreeSet<&str> = self.page_files().map(|f| f.hash.as_str()).collect();
        let mut fetches: BTreeMap<String, Fetch> = BTreeMap::new();
        for file in downloads {
            let fetch = fetches.entry(file.hash.clone()).or_insert_with(|| Fetch {
                hash: file.hash.clone(),
                files: Vec::new(),
                held: held.contains(file.hash.as_str()),
            });
            fetch.files.push(file);
        }
        fetches.into_values().collect()
    }

    /// The server lost what this device wrote to it (it answered the index with nothing and
    /// lacks a file the index names): it was wiped, so every file the page holds goes up again.
    pub fn server_blank(&mut self) {
        if self.meta_entries().is_empty() {
            return;
        }
        self.files.blank = true;
        // Everything goes again, whatever was asked before.
        self.files.asked_up.clear();
        let hashes: Vec<String> = self.page_files().map(|f| f.hash.clone()).collect();
        for hash in hashes {
            self.ask_for(&hash);
        }
    }

    /// The contents of one file the page holds and the index names, so the server had them:
    /// to ask whether it still does.
    pub fn a_page_file(&self) -> Option<String> {
        let named = self.contents_on_server(&self.meta_entries());
        self.page_files()
            .find(|f| named.contains(&f.hash))
            .map(|f| f.hash.clone())
    }

    /// Whether the server was found wiped in this session.
    pub fn server_was_blank(&self) -> bool {
        self.files.blank
    }

    /// Contents known to be on the server: those of the index's records (unless the server
    /// was wiped) and those sent in this session.
    pub(super) fn contents_on_server(
        &self,
        entries: &BTreeMap<String, String>,
    ) -> BTreeSet<String> {
        let mut on_server = self.files.uploaded.clone();
        if !self.files.blank {
            let records = entries
                .iter()
                .filter(|(key, value)| key.starts_with("file:") && !value.starts_with(REMOVED));
            let meta = Meta::from_entries(records.map(|(k, v)| (k.as_str(), v.as_str())));
            on_server.extend(meta.files.into_iter().map(|f| f.hash));
        }
        on_server
    }

    /// An arriving file to fetch, unless this version was asked for already.
    pub(super) fn want(&mut self, file: Attachment) {
        if self
            .files
            .asked
            .insert(format!("{}\n{}", file.id, file.hash))
        {
            self.files.downloads.push(file);
        }
    }

    fn page_files(&self) -> impl Iterator<Item = &Attachment> {
        match &self.held_meta {
            Some(meta) => meta.files.iter(),
            None => self.files.page_files.iter(),
        }
    }
}
