//! The sidebar's first notes and the start page's lists, kept by this browser so the next
//! start lists them while the library is still being read. The whole app's part: a first
//! visit has no library to list.
//!
//! Only a copy, and apart from the learner's data (a mark in localStorage, not IndexedDB):
//! nothing reads a note from it, and a lost or stale copy costs one start its head start.

use leptos::prelude::*;

use super::AppState;
use crate::browser::marks;
use crate::core::note::tree::FirstScreen;

/// What lists and keeps the sidebar's first notes: [`AppState::first_screen`] in the whole app,
/// nothing in the first visit's module.
pub type FirstScreenPart = fn(&AppState);

/// Mark (in this browser) of the sidebar's first notes as last listed.
const FIRST_SCREEN: &str = "loam-first-screen";

/// How long after the last stored change the first notes are kept again. Typing stores a change
/// every second or so, and listing the first notes passes over the whole library (in title
/// order it sorts every title); the copy only matters at the next start, and leaving the page
/// keeps it at once.
const KEEP_AFTER_MS: u32 = 1_000;

impl AppState {
    /// Before the library is read: shows the notes the last visit listed, if they were listed
    /// in the order chosen now. Once it is read: keeps them if they changed.
    pub fn first_screen(&self) {
        let order = self.view.note_order.get_untracked();
        if !self.data.loaded.get_untracked() {
            let kept = marks::get(FIRST_SCREEN)
                .and_then(|text| serde_json::from_str::<FirstScreen>(&text).ok())
                .filter(|first| first.order == order);
            if kept.is_some() {
                self.view.first_screen.set(kept);
            }
            return;
        }
        let mut now = self
            .data
            .library
            .with_untracked(|lib| FirstScreen::of(lib, order));
        now.courses = self.data.courses.with_untracked(|courses| {
            courses
                .iter()
                .map(|c| (c.id.clone(), c.title.clone()))
                .collect()
        });
        // Nothing changed, or nothing to list and nothing kept yet.
        let unchanged = self.view.first_screen.with_untracked(|kept| match kept {
            Some(kept) => *kept == now,
            None => now.total == 0,
        });
        if unchanged {
            return;
        }
        if let Ok(text) = serde_json::to_string(&now) {
            marks::set(FIRST_SCREEN, &text);
        }
        self.view.first_screen.set(Some(now));
    }

    /// After a change is stored: the first notes are kept again once no other change has been
    /// stored for a moment.
    pub(super) fn keep_first_screen_soon(&self) {
        let this = *self;
        super::after_the_last(self.saving.first_screen_round, KEEP_AFTER_MS, move || {
            this.keep_first_screen()
        });
    }

    /// Once the library is read, when the order changes, when the page is hidden or left, and
    /// soon after changes are stored: the first notes are kept again if they changed (where
    /// this module keeps them at all).
    pub(super) fn keep_first_screen(&self) {
        if self.data.loaded.get_untracked() {
            (self.saving.parts.get_value().first_screen)(self);
        }
    }
}
