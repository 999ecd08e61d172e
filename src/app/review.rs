//! Review operations of the app state: answering a card (its new schedule and the log entry in
//! one transaction), undo, suspend and reset, settings, and reading the log for statistics.

use std::collections::HashSet;
use std::rc::Rc;

use leptos::prelude::*;

use super::{now, AppError, AppState};
use crate::browser::{clock, random};
use crate::core::change::Change;
use crate::core::note::NoteId;
use crate::core::review::schedule::{Rating, Scheduler};
use crate::core::review::scope::Scope;
use crate::core::review::stats::Calendar;
use crate::core::review::{self, Queue, ReviewRecord, ReviewSettings};
use crate::core::time::Time;
use crate::store::{journal, Store, REVIEWS};

impl AppState {
    /// The scheduler for the current settings (the defaults if stored ones are invalid).
    pub fn scheduler(&self) -> Scheduler {
        self.data
            .settings
            .with_untracked(|s| Scheduler::new(s.scheduler.clone()))
            .unwrap_or_default()
    }

    /// The notes a review scope covers now (`None`: everything).
    pub fn scope_notes(&self, scope: &Scope) -> Option<HashSet<NoteId>> {
        self.data.library.with(|lib| scope.notes(lib))
    }

    /// Today's queue at `now` among `notes` (see [`Self::scope_notes`]).
    pub fn queue(&self, now: Time, notes: Option<&HashSet<NoteId>>) -> Queue {
        let new_per_day = self.data.settings.with(|s| s.new_per_day);
        self.data
            .deck
            .with(|deck| review::queue_in(deck, now, new_per_day, calendar(), notes))
    }

    /// How many cards today's queue at `now` holds, due and new.
    pub fn waiting(&self, now: Time) -> usize {
        self.waiting_in(now, &Scope::All)
    }

    /// How many cards of `scope` today's queue at `now` holds, due and new.
    pub fn waiting_in(&self, now: Time, scope: &Scope) -> usize {
        let notes = self.scope_notes(scope);
        let new_per_day = self.data.settings.with(|s| s.new_per_day);
        self.data
            .deck
            .with(|deck| review::waiting_in(deck, now, new_per_day, calendar(), notes.as_ref()))
    }

    /// Answers a card. `draw` is the random number behind interval fuzzing, the same one used
    /// for the intervals shown on the buttons.
    pub fn answer(&self, card_id: &str, rating: Rating, draw: f64) {
        let Some(card) = self.data.deck.with_untracked(|d| d.get(card_id).cloned()) else {
            return;
        };
        let answer = review::answer(&card, rating, now(), &self.scheduler(), || draw);
        // Journaled until the write lands, so a page closed at once keeps the answer.
        let record_id = answer.record.id.clone();
        let landed = Box::new(move || journal::forget_answer(&record_id));
        if self
            .commit_then(Change::Answer(answer.clone()), Some(landed))
            .is_err()
        {
            return;
        }
        journal::keep_answer(&answer.after, &answer.record);
        self.view.last_answer.set(Some(answer));
    }

    /// Whether there is an answer to take back.
    pub fn can_undo(&self) -> bool {
        self.view.last_answer.with(Option::is_some)
    }

    /// Takes back the last answer: the card returns to its state before, the log entry goes.
    pub fn undo(&self) {
        let Some(answer) = self.view.last_answer.try_update(Option::take).flatten() else {
            return;
        };
        journal::forget_answer(&answer.record.id);
        self.commit_later(Change::Undo(answer));
    }

    /// Takes a card out of review, or puts it back.
    pub fn set_suspended(&self, card_id: &str, suspended: bool) {
        self.commit_later(Change::Suspend {
            card: card_id.into(),
            suspended,
        });
    }

    /// Forgets a card's progress: it is new again (its past answers stay in the log).
    pub fn reset_card(&self, card_id: &str) {
        self.commit_later(Change::Reset(card_id.into()));
    }

    /// Stores new review settings.
    pub fn save_review_settings(&self, settings: ReviewSettings) {
        self.commit_later(Change::Settings(settings));
    }

    /// Up to `count` review-log entries after the one with id `after`, as the browser holds
    /// them, unread: the optimizer worker gets the log this way, a slice at a time.
    pub async fn review_log_page(
        &self,
        after: Option<&str>,
        count: u32,
    ) -> Result<js_sys::Array, AppError> {
        Ok(self.open_store()?.raw_page(REVIEWS, after, count).await?)
    }

    /// The whole review log, for statistics.
    pub async fn review_log(&self) -> Result<Vec<ReviewRecord>, AppError> {
        let loaded = self.open_store()?.load_all::<ReviewRecord>(REVIEWS).await?;
        Ok(loaded.records)
    }

    /// The open database, for reading the log.
    fn open_store(&self) -> Result<Rc<Store>, AppError> {
        self.saving
            .store
            .get_value()
            .ok_or(AppError::StorageUnavailable)
    }
}

/// The learner's calendar: local days, from the browser's time zone.
pub fn calendar() -> Calendar {
    clock::calendar()
}

/// A fresh random draw for interval fuzzing.
pub fn draw() -> f64 {
    random::fraction()
}
