//! Courses on the web: an author publishes updates of a course to the address its learners
//! already have, and a learner follows a course from that address, checking it on request and
//! by itself once a day. A check that finds no update changes nothing stored.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{now, AppError, AppState, Outgoing};
use crate::browser::address::app_address;
use crate::browser::{crypto, download, marks};
use crate::core::change::Change;
use crate::core::exchange::bundle::{self, Bundle};
use crate::core::exchange::hosting::{self, Place};
use crate::core::route::Route;
use crate::core::time::Time;

/// Prefix of the per-browser mark of when a followed course was last checked.
const CHECKED: &str = "loam-course-checked:";

impl AppState {
    /// Where the learner follows `course` from, if they do.
    pub fn followed_from(&self, course: &str) -> Option<Place> {
        self.data.hosting.with(|h| h.followed(course).cloned())
    }

    /// Where this library last published `course`.
    pub fn published_at(&self, course: &str) -> Option<Place> {
        self.data.hosting.with(|h| h.published(course).cloned())
    }

    /// When this browser last read the published file of `course`.
    pub fn last_checked(&self, course: &str) -> Option<Time> {
        marks::get(&format!("{CHECKED}{course}")).and_then(|ms| Time::from_whole_ms_text(&ms))
    }

    /// Follows `course` from the encrypted file at `url` that `key` opens.
    pub fn follow(&self, course: &str, url: &str, key: &str) {
        let mut hosting = self.data.hosting.get_untracked();
        hosting.follow(Place {
            course: course.to_string(),
            url: url.to_string(),
            key: key.to_string(),
        });
        mark_checked(course);
        self.commit_later(Change::Hosting(hosting));
    }

    /// Stops following `course`; its notes and cards stay as they are.
    pub fn stop_following(&self, course: &str) {
        let mut hosting = self.data.hosting.get_untracked();
        hosting.unfollow(course);
        self.view.updates.update(|u| u.retain(|c| c != course));
        self.commit_later(Change::Hosting(hosting));
    }

    /// Reads the published file of a followed course. A newer version waits on the preview
    /// page (`Route::Import` with no payload); anything else is said and changes nothing.
    pub async fn check_for_update(&self, course_id: &str) -> Result<(), AppError> {
        let place = self.followed_from(course_id).ok_or(AppError::NotFollowed)?;
        let found = self.read_update(&place).await?;
        self.view.opened_bundle.set(Some(found));
        Ok(())
    }

    /// Once the library is open and the browser online, checks each followed course not
    /// checked for a day, one after another and quietly: a newer version is only marked on
    /// its course page (`view.updates`).
    pub fn check_followed_later(&self) {
        let this = *self;
        spawn_local(async move {
            if !web_sys::window().is_some_and(|w| w.navigator().on_line()) {
                return;
            }
            let due: Vec<Place> = this.data.hosting.with_untracked(|h| {
                h.followed
                    .iter()
                    .filter(|p| hosting::check_due(this.last_checked(&p.course), now()))
                    .cloned()
                    .collect()
            });
            for place in due {
                // What a quiet check finds is only marked, never said.
                let _ = this.read_update(&place).await;
            }
        });
    }

    /// Fetches and opens the file at `place`, notes when it was read, and judges it against
    /// the course the learner has: the newer version, or why it is none. The course is marked
    /// in `view.updates` exactly when it is newer.
    async fn read_update(&self, place: &Place) -> Result<Bundle, AppError> {
        let found = self.open_hosted(&place.url, &place.key).await?;
        mark_checked(&place.course);
        let course = self
            .data
            .courses
            .with_untracked(|cs| cs.iter().find(|c| c.id == place.course).cloned())
            .ok_or(AppError::NotFollowed)?;
        let judged = hosting::judge(&course, &found).map_err(AppError::NoUpdate);
        self.view.updates.update(|u| {
            u.retain(|c| *c != place.course);
            if judged.is_ok() {
                u.push(place.course.clone());
            }
        });
        judged.map(|()| found)
    }

    /// Offers a course encrypted with a fresh key as a file download, for the author to put at
    /// `url`, and remembers where it is published; returns the link that names `url` and
    /// carries the key.
    pub async fn download_sealed(
        &self,
        outgoing: &Outgoing,
        url: String,
    ) -> Result<String, AppError> {
        let (sealed, key) = crypto::seal(&self.whole_bundle(outgoing).await?).await?;
        download::offer(&outgoing.file_name(), &sealed, "application/octet-stream")?;
        let key = bundle::key_to_text(&key);
        if let Some(course) = &outgoing.bundle.course {
            let mut hosting = self.data.hosting.get_untracked();
            hosting.publish(Place {
                course: course.id.clone(),
                url: url.clone(),
                key: key.clone(),
            });
            self.commit_later(Change::Hosting(hosting));
        }
        Ok(hosted_link(url, key))
    }

    /// Offers the course as an update of where it was published: a new encrypted file with the
    /// same key (under a fresh IV), so the link learners have keeps working and opens the
    /// new version; returns that link.
    pub async fn publish_update(&self, outgoing: &Outgoing) -> Result<String, AppError> {
        let place = outgoing
            .bundle
            .course
            .as_ref()
            .and_then(|c| self.published_at(&c.id))
            .ok_or(AppError::NotPublished)?;
        let key = bundle::key_from_text(&place.key)?;
        let sealed = crypto::seal_with(&self.whole_bundle(outgoing).await?, &key).await?;
        download::offer(&outgoing.file_name(), &sealed, "application/octet-stream")?;
        Ok(hosted_link(place.url, place.key))
    }
}

/// Notes, in this browser, that the file of `course` was read now.
fn mark_checked(course: &str) {
    marks::set(&format!("{CHECKED}{course}"), &now().to_whole_ms_text());
}

/// The link that opens the encrypted file at `url` with `key`.
fn hosted_link(url: String, key: String) -> String {
    format!(
        "{}{}",
        app_address(),
        Route::Open { url, key }.to_fragment()
    )
}
