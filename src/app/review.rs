//! Review operations of the app state: answering a card (its new schedule and the log entry in
//! one transaction), suspend, bury and reset, undo of a review step, settings, and reading the
//! log for statistics.

use std::collections::HashSet;
use std::rc::Rc;

use leptos::prelude::*;

use super::{now, AppError, AppState};
use crate::browser::clock;
use crate::core::change::Change;
use crate::core::id::CardId;
use crate::core::note::NoteId;
use crate::core::review::schedule::{Rating, Scheduler};
use crate::core::review::stats::Calendar;
use crate::core::review::{self, Answer, Queue, ReviewRecord, ReviewSettings};
use crate::core::route::Route;
use crate::core::study::Scope;
use crate::core::time::Time;
use crate::store::{journal, Store, REVIEWS};

/// A step of a review session that Undo takes back.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Answer(Box<Answer>),
    Suspend(CardId),
    Bury(CardId),
}

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
        // The whole queue follows no note: the sidebar's count must not wake on every keystroke.
        if *scope == Scope::All {
            return None;
        }
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

    /// Answers a card (fuzzed as the buttons showed).
    pub fn answer(&self, card_id: &str, rating: Rating) {
        let Some(card) = self.data.deck.with_untracked(|d| d.get(card_id).cloned()) else {
            return;
        };
        let answer = review::answer_card(&card, rating, now(), &self.scheduler());
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
        self.view
            .last_step
            .set(Some(Step::Answer(Box::new(answer))));
    }

    /// Whether there is a review step to take back.
    pub fn can_undo(&self) -> bool {
        self.view.last_step.with(Option::is_some)
    }

    /// Takes back the last review step: an answer (the card returns to its state before, the
    /// log entry goes), a suspend or a bury.
    pub fn undo(&self) {
        let Some(step) = self.view.last_step.try_update(Option::take).flatten() else {
            return;
        };
        match step {
            Step::Answer(answer) => {
                journal::forget_answer(&answer.record.id);
                self.commit_later(Change::Undo(*answer));
            }
            Step::Suspend(card) => self.set_suspended(&card, false),
            Step::Bury(card) => self.commit_later(Change::Bury { card, until: None }),
        }
    }

    /// Takes the card on screen in review out of reviews; Undo puts it back.
    pub fn suspend_in_review(&self, card_id: &str) {
        self.set_suspended(card_id, true);
        self.view.last_step.set(Some(Step::Suspend(card_id.into())));
    }

    /// Opens the note of the card on screen in its editor; the note page then offers the way
    /// back to `review`, where the same card waits.
    pub fn edit_from_review(&self, note_id: &str, review: Route) {
        self.view.back_to_review.set(Some(review));
        self.view.editing.set(Some(note_id.into()));
        self.navigate(&Route::Note {
            id: note_id.to_string(),
            heading: None,
        });
    }

    /// Buries the card on screen in review until the learner's next day; Undo unburies it.
    pub fn bury(&self, card_id: &str) {
        let calendar = calendar();
        let tomorrow = calendar.day_start(calendar.day(now()) + 1);
        self.commit_later(Change::Bury {
            card: card_id.into(),
            until: Some(tomorrow),
        });
        self.view.last_step.set(Some(Step::Bury(card_id.into())));
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
