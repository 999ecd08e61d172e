//! Attached files: taking picked, pasted or dropped files into the library through the write
//! path, removing unused ones, and filling the page's file elements from storage through object
//! URLs that are released once nothing shows them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::{now, AppError, AppState};
use crate::browser::{crypto, files};
use crate::core::attachment::{name, Attachment, Files, Kind, MAX_FILE_BYTES};
use crate::core::change::Change;
use crate::core::exchange::{carried, ExchangeError, Reading};
use crate::core::markdown::{self, Media, FILE_PENDING};
use crate::store::Store;

/// What attaching some files did.
#[derive(Debug, Default)]
pub struct Attached {
    /// The names to write into the note, in the order the files came.
    pub names: Vec<String>,
    /// Why each file that was not attached was not.
    pub refused: Vec<String>,
}

impl AppState {
    /// Stores `picked` (pasted when `pasted`: named by the time, as Obsidian names them). A
    /// file with the contents of one already stored is that file; a name in use gets a number.
    /// Nothing is stored unless every accepted file is.
    pub async fn attach(
        self,
        picked: Vec<web_sys::File>,
        pasted: bool,
    ) -> Result<Attached, AppError> {
        let mut attached = Attached::default();
        let mut known = self.data.files.get_untracked();
        let mut new = Vec::new();
        // Each accepted file's contents, in the order the files came.
        let mut hashes = Vec::new();
        for file in picked {
            if file.size() > MAX_FILE_BYTES as f64 {
                attached.refused.push(format!(
                    "“{}” is larger than {} MB and was not attached.",
                    name::clean(&file.name(), "file"),
                    MAX_FILE_BYTES / 1024 / 1024
                ));
                continue;
            }
            let read = match files::read_to_attach(&file, MAX_FILE_BYTES as f64).await {
                Ok(read) => read,
                Err(problem) => {
                    attached.refused.push(problem.to_string());
                    continue;
                }
            };
            let (kind, hash) = identify(&read.bytes).await?;
            hashes.push(hash.clone());
            if known.with_hash(&hash).is_some() {
                continue;
            }
            let wanted = if pasted && kind.shown() == crate::core::attachment::Shown::Image {
                name::pasted(kind, now())
            } else {
                name::for_file(&read.name, kind)
            };
            let file = Attachment::new(
                &known.free_name(&wanted),
                &hash,
                kind,
                u64::from(read.bytes.length()),
                now(),
            );
            let blob = files::blob_of(&read.bytes, kind.mime())?;
            self.saving
                .contents
                .update_value(|c| drop(c.insert(hash.clone(), blob)));
            known.put(file.clone());
            new.push(file);
        }
        let names_now = |hashes: &[String]| {
            self.data.files.with_untracked(|files| {
                hashes
                    .iter()
                    .filter_map(|h| files.with_hash(h).map(|f| f.name.clone()))
                    .collect()
            })
        };
        if new.is_empty() {
            attached.names = names_now(&hashes);
            return Ok(attached);
        }
        let stored_hashes: Vec<String> = new.iter().map(|f| f.hash.clone()).collect();
        let before = self.data.files.get_untracked();
        let stored = match self.commit(Change::Attach(new)) {
            Ok(stored) => stored.await,
            Err(refused) => Err(refused),
        };
        self.forget_contents(&stored_hashes);
        if let Err(problem) = stored {
            // Nothing of it is stored: memory forgets it too.
            self.data.files.set(before);
            return Err(problem);
        }
        // The names the files have now: one may have taken a free name at the last moment.
        attached.names = names_now(&hashes);
        Ok(attached)
    }

    /// The stored contents of `files`, in the order a bundle or backup carries them.
    pub(super) async fn contents_of(
        &self,
        files: &[Attachment],
    ) -> Result<Vec<web_sys::Blob>, AppError> {
        let mut blobs = Vec::new();
        for (file, blob) in self.read_contents(files).await? {
            blobs.push(blob.ok_or_else(|| {
                AppError::Store(crate::store::StoreError::plain(format!(
                    "The file “{}” is not stored any more.",
                    file.name
                )))
            })?);
        }
        Ok(blobs)
    }

    /// Every attached file whose contents are stored, and those contents in the order a bundle
    /// or backup carries them ([`carried::in_order`]).
    pub(super) async fn stored_contents(&self) -> Result<(Files, Vec<web_sys::Blob>), AppError> {
        let mut files = self.data.files.get_untracked();
        let listed: Vec<Attachment> = files.iter().cloned().collect();
        let mut blobs = Vec::new();
        for (file, blob) in self.read_contents(&listed).await? {
            match blob {
                Some(blob) => blobs.push(blob),
                None => {
                    for same in listed.iter().filter(|f| f.hash == file.hash) {
                        files.remove(&same.name);
                    }
                }
            }
        }
        Ok((files, blobs))
    }

    /// Each distinct contents of `files` (in [`carried::in_order`]) as stored, if it is.
    async fn read_contents<'f>(
        &self,
        files: &'f [Attachment],
    ) -> Result<Vec<(&'f Attachment, Option<web_sys::Blob>)>, AppError> {
        let store = self
            .saving
            .store
            .get_value()
            .ok_or(AppError::StorageUnavailable)?;
        let mut read = Vec::new();
        for file in carried::in_order(files) {
            read.push((file, store.content(&file.hash).await?));
        }
        Ok(read)
    }

    /// Checks the contents a bundle or backup carries against their fingerprints and keeps them
    /// to store with its notes: each kind is read again from its bytes, never trusted. A file
    /// whose contents do not match refuses the whole bundle or backup, and nothing is kept.
    pub(super) async fn take_contents(
        &self,
        bytes: &[u8],
        contents: &[(String, Range<usize>)],
        files: &mut [Attachment],
        reading: Reading,
    ) -> Result<(), AppError> {
        let mut taken = Vec::new();
        for (hash, range) in contents {
            let data = &bytes[range.clone()];
            let array = js_sys::Uint8Array::from(data);
            let Some((kind, blob)) = checked(&array, hash).await? else {
                let name = files
                    .iter()
                    .find(|f| f.hash == *hash)
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                return Err(AppError::Exchange(ExchangeError::BadFile {
                    reading,
                    name,
                    reason: "is damaged: its contents do not match their fingerprint",
                }));
            };
            for file in files.iter_mut().filter(|f| f.hash == *hash) {
                file.kind = kind;
            }
            taken.push((hash.clone(), blob));
        }
        self.keep_contents(taken);
        Ok(())
    }

    /// Keeps contents (by hash) for the write that will store their files.
    pub(super) fn keep_contents(&self, contents: Vec<(String, web_sys::Blob)>) {
        self.saving.contents.update_value(|c| c.extend(contents));
    }

    /// Lets go of the contents kept for the files of a preview the learner cancelled.
    pub fn let_go_of(&self, files: &[Attachment]) {
        let hashes: Vec<String> = files.iter().map(|f| f.hash.clone()).collect();
        self.forget_contents(&hashes);
    }

    /// Lets go of contents kept for a write that is over.
    pub(super) fn forget_contents(&self, hashes: &[String]) {
        self.saving.contents.update_value(|c| {
            for hash in hashes {
                c.remove(hash);
            }
        });
    }

    /// A part of a note (a card's side) rendered with the library's files; images on other
    /// sites load at once only in the learner's own notes.
    pub fn render_part(&self, markdown: &str, note: &str) -> String {
        self.data.library.with(|lib| {
            self.data.files.with(|files| {
                let media = Media {
                    files,
                    remote: lib.get(note).is_none_or(|n| n.origin.is_none()),
                };
                markdown::render_with_media(
                    markdown,
                    &|t| lib.resolve(t).map(str::to_string),
                    media,
                )
            })
        })
    }

    /// Removes files by name (the Files view offers only those no note uses).
    pub fn remove_files(self, names: Vec<String>) -> Result<(), AppError> {
        self.commit_refusable(Change::RemoveFiles(names))
    }

    /// Fills every file element now in the page, and every one added later, from storage; and
    /// lets a reader show a remote image they chose to load.
    pub(super) fn show_files(self) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let changed = Closure::<dyn Fn(js_sys::Array, web_sys::MutationObserver)>::new(
            move |_: js_sys::Array, _: web_sys::MutationObserver| self.fill_pending(),
        );
        if let (Ok(observer), Some(body)) = (
            web_sys::MutationObserver::new(changed.as_ref().unchecked_ref()),
            document.body(),
        ) {
            let options = web_sys::MutationObserverInit::new();
            options.set_child_list(true);
            options.set_subtree(true);
            let _ = observer.observe_with_options(&body, &options);
        }
        // The observer lives as long as the page.
        changed.forget();
        let clicked = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
            let button = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("button.remote-image").ok().flatten());
            if let Some(button) = button {
                show_remote_image(&button);
            }
        });
        let _ =
            document.add_event_listener_with_callback("click", clicked.as_ref().unchecked_ref());
        clicked.forget();
    }

    fn fill_pending(self) {
        release_unshown();
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let pending = document.get_elements_by_class_name(FILE_PENDING);
        // The collection is live: take the elements first.
        let elements: Vec<web_sys::Element> = (0..pending.length())
            .filter_map(|i| pending.item(i))
            .collect();
        for element in elements {
            let _ = element.class_list().remove_1(FILE_PENDING);
            let Some(hash) = element.get_attribute("data-file") else {
                continue;
            };
            let shown = Shown::of(&element, hash);
            if let Some(url) = SHOWN.with(|s| s.borrow().get(&shown).cloned()) {
                point_at(&element, &url);
                continue;
            }
            let Some(store) = self.saving.store.get_value() else {
                continue;
            };
            // Contents whose write has not landed yet (a file sync just brought, shown by a
            // note already on screen) are held in memory until it has.
            let kept = self
                .saving
                .contents
                .with_value(|c| c.get(&shown.hash).cloned());
            wasm_bindgen_futures::spawn_local(async move {
                match object_url(&store, shown, kept).await {
                    Some(url) => point_at(&element, &url),
                    None => {
                        let _ = element.class_list().add_1("unreadable");
                        let _ = element.set_attribute("title", "This file could not be read.");
                    }
                }
            });
        }
    }
}

/// Stored contents as the page shows them: in an image or audio element (served as what they
/// are), or behind a download link (served as bytes to save, so a page or SVG opened from the
/// link never runs in Loam's origin).
#[derive(Clone, PartialEq, Eq, Hash)]
struct Shown {
    hash: String,
    download: bool,
}

impl Shown {
    fn of(element: &web_sys::Element, hash: String) -> Shown {
        Shown {
            hash,
            download: element.tag_name().eq_ignore_ascii_case("a"),
        }
    }

    /// The elements that show it.
    fn selector(&self) -> String {
        let hash = self.hash.replace(['"', '\\'], "");
        if self.download {
            format!("a[data-file=\"{hash}\"]")
        } else {
            format!("img[data-file=\"{hash}\"], audio[data-file=\"{hash}\"]")
        }
    }
}

/// What a file is (read from its first bytes, never its name or declared type) and the
/// fingerprint its contents are stored under.
pub(super) async fn identify(bytes: &js_sys::Uint8Array) -> Result<(Kind, String), AppError> {
    let kind = Kind::sniff(&bytes.subarray(0, 1024).to_vec());
    Ok((kind, crypto::sha256_hex(bytes).await?))
}

/// Contents that came with their fingerprint (in a bundle or backup, from sync) checked
/// against it: their kind, read again from the bytes, and a blob to store; `None` if they do
/// not match.
pub(super) async fn checked(
    bytes: &js_sys::Uint8Array,
    hash: &str,
) -> Result<Option<(Kind, web_sys::Blob)>, AppError> {
    let (kind, found) = identify(bytes).await?;
    if found != hash {
        return Ok(None);
    }
    Ok(Some((kind, files::blob_of(bytes, kind.mime())?)))
}

thread_local! {
    /// Object URLs of the contents now shown.
    static SHOWN: RefCell<HashMap<Shown, String>> = RefCell::new(HashMap::new());
}

/// An object URL for stored contents (or `kept` ones about to be stored), made once while they
/// are shown.
async fn object_url(store: &Store, shown: Shown, kept: Option<web_sys::Blob>) -> Option<String> {
    if let Some(url) = SHOWN.with(|s| s.borrow().get(&shown).cloned()) {
        return Some(url);
    }
    let mut blob = match kept {
        Some(blob) => blob,
        None => store.content(&shown.hash).await.ok()??,
    };
    if shown.download {
        blob = blob
            .slice_with_f64_and_f64_and_content_type(0.0, blob.size(), "application/octet-stream")
            .ok()?;
    }
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    // Two elements of the same file may have asked at once: the first URL made is kept.
    let kept = SHOWN.with(|s| {
        s.borrow_mut()
            .entry(shown)
            .or_insert_with(|| url.clone())
            .clone()
    });
    if kept != url {
        let _ = web_sys::Url::revoke_object_url(&url);
    }
    Some(kept)
}

/// Gives a file element its contents: an image or audio its source, a download its address.
fn point_at(element: &web_sys::Element, url: &str) {
    let attribute = if element.tag_name().eq_ignore_ascii_case("a") {
        "href"
    } else {
        "src"
    };
    let _ = element.set_attribute(attribute, url);
}

/// Releases the object URLs of contents no element in the page shows any more.
fn release_unshown() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    SHOWN.with(|s| {
        s.borrow_mut().retain(|shown, url| {
            let still = document
                .query_selector(&shown.selector())
                .ok()
                .flatten()
                .is_some();
            if !still {
                let _ = web_sys::Url::revoke_object_url(url);
            }
            still
        })
    });
}

/// Replaces a remote image's consent button by the image.
fn show_remote_image(button: &web_sys::Element) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(src), Ok(image)) = (
        button.get_attribute("data-src"),
        document.create_element("img"),
    ) else {
        return;
    };
    let _ = image.set_attribute("alt", &button.get_attribute("data-alt").unwrap_or_default());
    let _ = image.set_attribute("referrerpolicy", "no-referrer");
    let _ = image.set_attribute("src", &src);
    let _ = button.replace_with_with_node_1(&image);
}
