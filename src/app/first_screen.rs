//! The sidebar's first notes, kept in storage so the next start lists them while the whole
//! library is still being read. The whole app's part: a first visit has no library to list.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::AppState;
use crate::core::note::tree::FirstScreen;
use crate::store::{Store, Write};

/// What lists and keeps the sidebar's first notes: [`AppState::first_screen`] in the whole app,
/// nothing in the first visit's module.
pub type FirstScreenPart = fn(&AppState, &Rc<Store>);

/// Meta key of the sidebar's first notes as last listed.
const FIRST_SCREEN: &str = "first_screen";

impl AppState {
    /// Before the library is read: shows the notes the last visit listed, if they were listed
    /// in the order chosen now. Once it is read: stores them when they changed. Only a copy: a
    /// lost write costs the next start its head start, nothing else.
    pub fn first_screen(&self, store: &Rc<Store>) {
        let this = *self;
        let store = Rc::clone(store);
        if !self.data.loaded.get_untracked() {
            spawn_local(async move {
                let Ok(Some(first)) = store.get_meta::<FirstScreen>(FIRST_SCREEN).await else {
                    return;
                };
                let order = this.view.note_order.get_untracked();
                if first.order == order && !this.data.loaded.get_untracked() {
                    this.view.first_screen.set(Some(first));
                }
            });
            return;
        }
        let order = self.view.note_order.get_untracked();
        let now = self
            .data
            .library
            .with_untracked(|lib| FirstScreen::of(lib, order));
        if self
            .view
            .first_screen
            .with_untracked(|kept| kept.as_ref() == Some(&now))
        {
            return;
        }
        let write = Write::new().put_meta(FIRST_SCREEN, &now);
        self.view.first_screen.set(Some(now));
        if let Ok(write) = write {
            spawn_local(async move {
                let _ = store.apply(write).await;
            });
        }
    }

    /// After the library is read, a change is stored or the order changes: the first notes are
    /// kept again if they changed (where this module keeps them at all).
    pub(super) fn keep_first_screen(&self) {
        if !self.data.loaded.get_untracked() {
            return;
        }
        if let Some(store) = self.saving.store.get_value() {
            (self.saving.first_screen.get_value())(self, &store);
        }
    }
}
