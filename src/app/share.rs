//! Sharing operations of the app state: building a bundle for a link or file, reading one that
//! came from outside, and importing it (notes, cards and course record in one transaction).

use std::collections::HashMap;

use leptos::prelude::*;

use super::{now, AppError, AppState};
use crate::browser::address::app_address;
use crate::browser::{clipboard, crypto, download, fetch, files, share_sheet};
use crate::core::change::Change;
use crate::core::exchange::bundle::{self, Bundle};
use crate::core::exchange::merge::{self, Choice, CourseProgress, ImportPlan};
use crate::core::exchange::Reading;
use crate::core::note::NoteId;
use crate::core::review::deck::CardId;
use crate::core::route::Route;

/// Meta key of the name an author signs courses with.
pub(super) const AUTHOR: &str = "author";

/// What a share includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareScope {
    /// The note alone.
    Note,
    /// A course: the note and the notes it links to, this many links deep.
    Course(u32),
    /// Every note.
    Library,
}

/// A bundle ready to leave: its encoded head (the whole file when it carries no files) and
/// what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub bundle: Bundle,
    pub bytes: Vec<u8>,
    /// Cards written in the bundle's notes.
    pub cards: usize,
}

/// What the link way of sharing offers.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkOffer {
    /// `None` when even the notes alone are too long for a link.
    pub link: Option<String>,
    /// Attached files the link leaves out, because with them it would be too long.
    pub left_out: usize,
}

/// The share link carrying `bytes` at this page's address, or `None` when it is too long.
fn link_of(bytes: &[u8]) -> Option<String> {
    let link = format!(
        "{}{}",
        app_address(),
        Route::Import {
            payload: bundle::to_link_payload(bytes),
        }
        .to_fragment()
    );
    (link.len() <= bundle::LINK_LIMIT).then_some(link)
}

impl Outgoing {
    /// Bytes of the whole file, files included.
    pub fn size(&self) -> u64 {
        (self.bytes.len() as u64).saturating_add(self.bundle.files_size())
    }

    /// Refuses a bundle file Loam would not open again.
    fn check_size(&self) -> Result<(), AppError> {
        if self.size() as f64 > files::MAX_BUNDLE_BYTES {
            return Err(AppError::TooLarge {
                what: "bundle file",
                most: files::MAX_BUNDLE_BYTES as u64,
            });
        }
        Ok(())
    }

    /// A file name from the course or note title.
    pub fn file_name(&self) -> String {
        let title = self
            .bundle
            .course
            .as_ref()
            .map(|c| c.title.as_str())
            .or_else(|| self.bundle.notes.first().map(|n| n.title.as_str()))
            .unwrap_or("Loam");
        let safe: String = title
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == ' ' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{}.loam", safe.trim())
    }
}

impl AppState {
    /// The bundle for sharing from note `root` with `scope`, a course signed by `author`.
    pub fn outgoing(&self, root: &str, scope: ShareScope, author: &str) -> Option<Outgoing> {
        let courses = self.data.courses.get_untracked();
        let course_title = |id: &str| courses.iter().find(|c| c.id == id).map(|c| c.title.clone());
        let bundle = self.data.library.with_untracked(|lib| {
            let note = lib.get(root)?;
            let ids = match scope {
                ShareScope::Note => vec![note.id.clone()],
                ShareScope::Course(depth) => lib.reachable(root, depth),
                ShareScope::Library => lib.notes_by_recent().iter().map(|n| n.id.clone()).collect(),
            };
            let course = match scope {
                ShareScope::Course(_) => bundle::course_of(lib, root, &ids, author),
                _ => None,
            };
            let bundle = bundle::build(lib, &ids, course, &course_title);
            Some(
                self.data
                    .files
                    .with_untracked(|files| bundle.with_files(files)),
            )
        })?;
        let cards = bundle
            .notes
            .iter()
            .map(|n| crate::core::card::parse_cards(&n.body).len())
            .sum();
        let bytes = bundle::encode(&bundle);
        Some(Outgoing {
            bundle,
            bytes,
            cards,
        })
    }

    /// Remembers the name courses are signed with.
    pub fn set_author(&self, name: &str) {
        self.commit_later(Change::Author(name.to_string()));
    }

    /// The share link for `outgoing`: with its files while they fit in a link, otherwise
    /// without them (saying how many it leaves out).
    pub async fn link_offer(&self, outgoing: &Outgoing) -> Result<LinkOffer, AppError> {
        let files = outgoing.bundle.files.len();
        if files == 0 {
            return Ok(LinkOffer {
                link: link_of(&outgoing.bytes),
                left_out: 0,
            });
        }
        // base64 takes four characters for three bytes.
        if outgoing.size().saturating_mul(4) / 3 < bundle::LINK_LIMIT as u64 {
            if let Some(link) = link_of(&self.whole_bundle(outgoing).await?) {
                return Ok(LinkOffer {
                    link: Some(link),
                    left_out: 0,
                });
            }
        }
        let mut notes_only = outgoing.bundle.clone();
        notes_only.files.clear();
        Ok(LinkOffer {
            link: link_of(&bundle::encode(&notes_only)),
            left_out: files,
        })
    }

    /// The whole bundle file: its head and the stored contents of its files.
    pub(super) async fn whole_bundle(&self, outgoing: &Outgoing) -> Result<Vec<u8>, AppError> {
        outgoing.check_size()?;
        let mut bytes = outgoing.bytes.clone();
        for blob in self.contents_of(&outgoing.bundle.files).await? {
            bytes.extend(files::bytes_of(&blob).await?);
        }
        Ok(bytes)
    }

    /// The bundle a share link carries, its files checked and kept for the import.
    pub async fn open_link(&self, payload: &str) -> Result<Bundle, AppError> {
        let bytes = bundle::link_payload_bytes(payload)?;
        self.open_bundle_bytes(&bytes).await
    }

    /// Downloads the encrypted bundle a link names and opens it with the link's key.
    pub async fn open_hosted(&self, url: &str, key: &str) -> Result<Bundle, AppError> {
        let key = bundle::key_from_text(key)?;
        let sealed = fetch::bundle_bytes(url).await?;
        let plain = crypto::unseal(&sealed, &key).await?;
        self.open_bundle_bytes(&plain).await
    }

    /// Reads a plain bundle; the contents of the files it carries are checked against their
    /// fingerprints and kept to store if it is imported.
    async fn open_bundle_bytes(&self, bytes: &[u8]) -> Result<Bundle, AppError> {
        let (mut opened, contents) = bundle::decode_with_contents(bytes)?;
        self.take_contents(bytes, &contents, &mut opened.files, Reading::Bundle)
            .await?;
        Ok(opened)
    }

    /// Reads a bundle file the learner picked; it waits on the preview page as the opened
    /// bundle.
    /// Whether a picked or dropped file is a Loam bundle (by its name or its first bytes), to
    /// be opened as one.
    pub async fn is_bundle_file(&self, file: &web_sys::File) -> bool {
        let head = files::head(file, 8).await.unwrap_or_default();
        bundle::looks_like_bundle(&file.name(), &head)
    }

    pub async fn open_bundle_file(&self, file: web_sys::File) -> Result<Bundle, AppError> {
        let bytes = files::read(&file, files::MAX_BUNDLE_BYTES).await?;
        if bundle::is_sealed(&bytes) {
            return Err(AppError::Sealed { name: file.name() });
        }
        let opened = self
            .open_bundle_bytes(&bytes)
            .await
            .map_err(|problem| problem.in_file(file.name()))?;
        self.view.opened_bundle.set(Some(opened.clone()));
        Ok(opened)
    }

    /// Copies a share link to the clipboard.
    pub async fn copy_link(&self, link: &str) -> Result<(), AppError> {
        Ok(clipboard::copy_text(link).await?)
    }

    /// Whether the system share sheet is there.
    pub fn can_share(&self) -> bool {
        share_sheet::available()
    }

    /// Opens the system share sheet with a share link.
    pub async fn share_link(&self, title: &str, link: &str) -> Result<(), AppError> {
        Ok(share_sheet::share_link(title, link).await?)
    }

    /// Offers a bundle as a file download, its files' stored contents joined after its head.
    pub async fn download_bundle(&self, outgoing: &Outgoing) -> Result<(), AppError> {
        outgoing.check_size()?;
        let contents = self.contents_of(&outgoing.bundle.files).await?;
        download::offer_parts(
            &outgoing.file_name(),
            &[],
            &outgoing.bytes,
            &contents,
            "application/octet-stream",
        )?;
        Ok(())
    }

    /// What importing `bundle` would do, computed against the library as it is now.
    pub fn plan_import(&self, bundle: Bundle) -> ImportPlan {
        self.flush();
        self.data
            .library
            .with_untracked(|lib| merge::plan(lib, bundle))
    }

    /// Imports a previewed bundle with the learner's choices for conflicts. Notes, cards and
    /// the course record are written in one transaction (see [`AppState::commit`]).
    /// `own`: the learner's material from another tool, whose cards go straight into reviews.
    /// Returns where to go next: the course page, or the first note.
    pub async fn import(
        self,
        plan: std::sync::Arc<ImportPlan>,
        choices: HashMap<NoteId, Choice>,
        own: bool,
    ) -> Result<Route, AppError> {
        let course = plan.course.as_ref().map(|c| c.id.clone());
        let hashes: Vec<String> = plan.files.iter().map(|f| f.hash.clone()).collect();
        let landed = match self.commit(Change::Import { plan, choices, own }) {
            Ok(stored) => stored.await,
            Err(refused) => Err(refused),
        }?;
        // Kept until the import lands: a failed one may be tried again from its preview.
        self.forget_contents(&hashes);
        if let Some(id) = &course {
            // The newer version found for it, if any, is the one just imported.
            self.view.updates.update(|u| u.retain(|c| c != id));
        }
        Ok(match (course, landed.root) {
            (Some(id), _) => Route::Course { id },
            (None, Some(id)) => Route::Note {
                id: id.to_string(),
                heading: None,
            },
            (None, None) => Route::Home,
        })
    }

    /// Puts cards of an imported course into the learner's reviews.
    pub fn add_to_reviews(&self, ids: &[CardId]) {
        self.commit_later(Change::AddToReviews(ids.to_vec()));
    }

    /// Every live card of a course's notes that is not yet in the learner's reviews.
    pub fn course_cards_waiting(&self, course_id: &str) -> Vec<CardId> {
        self.data.library.with(|lib| {
            self.data
                .deck
                .with(|deck| merge::cards_to_add(lib, deck, course_id))
        })
    }

    /// The learner's progress through a course.
    pub fn course_progress(&self, course_id: &str) -> CourseProgress {
        let scheduler = self.scheduler();
        self.data.library.with(|lib| {
            self.data
                .deck
                .with(|deck| merge::course_progress(lib, deck, course_id, &scheduler, now()))
        })
    }
}
