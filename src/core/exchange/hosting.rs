//! Courses on the web: where an author publishes each course as an encrypted file (its address
//! and key, kept so an update goes to the same place), the courses a learner follows from such
//! an address, and the rules for checking one for an update.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::core::exchange::bundle::Bundle;
use crate::core::exchange::course::Course;
use crate::core::exchange::link::key_from_text;
use crate::core::time::{Span, Time};

/// A course's encrypted file on the web: its address and the key (as text) that opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub course: String,
    pub url: String,
    pub key: String,
}

/// Every course this library publishes and follows. Stored as one record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hosting {
    /// The author's courses and where each was last published.
    #[serde(default)]
    pub published: Vec<Place>,
    /// Courses the learner follows from where their authors published them.
    #[serde(default)]
    pub followed: Vec<Place>,
}

impl Hosting {
    /// Where the author last published `course`.
    pub fn published(&self, course: &str) -> Option<&Place> {
        self.published.iter().find(|p| p.course == course)
    }

    /// Where the learner follows `course` from.
    pub fn followed(&self, course: &str) -> Option<&Place> {
        self.followed.iter().find(|p| p.course == course)
    }

    /// Remembers where a course is published (replacing an earlier place).
    pub fn publish(&mut self, place: Place) {
        self.published.retain(|p| p.course != place.course);
        self.published.push(place);
    }

    /// Follows a course from `place` (replacing an earlier place).
    pub fn follow(&mut self, place: Place) {
        self.followed.retain(|p| p.course != place.course);
        self.followed.push(place);
    }

    /// Stops following a course; its notes and cards stay.
    pub fn unfollow(&mut self, course: &str) {
        self.followed.retain(|p| p.course != course);
    }

    pub fn is_empty(&self) -> bool {
        self.published.is_empty() && self.followed.is_empty()
    }

    /// The places of `other` (a backup's) for courses these do not list.
    pub fn missing_from(&self, other: &Hosting) -> Hosting {
        let missing = |mine: &[Place], theirs: &[Place]| -> Vec<Place> {
            theirs
                .iter()
                .filter(|p| !mine.iter().any(|m| m.course == p.course))
                .cloned()
                .collect()
        };
        Hosting {
            published: missing(&self.published, &other.published),
            followed: missing(&self.followed, &other.followed),
        }
    }

    /// Adds places for courses these do not list (a restore never moves one).
    pub fn add_missing(&mut self, other: &Hosting) {
        let missing = self.missing_from(other);
        self.published.extend(missing.published);
        self.followed.extend(missing.followed);
    }

    /// A place from outside (a backup) that Loam cannot use: not a web address, or a key that
    /// is not one.
    pub fn invalid_place(&self) -> Option<&Place> {
        self.published.iter().chain(&self.followed).find(|p| {
            let web = p.url.starts_with("https://") || p.url.starts_with("http://");
            !web || p.url.len() > MAX_ADDRESS_CHARS
                || p.course.is_empty()
                || key_from_text(&p.key).is_err()
        })
    }
}

/// Longest address of a published course kept from outside.
const MAX_ADDRESS_CHARS: usize = 2_048;

/// How often Loam checks a followed course by itself.
pub const CHECK_EVERY: Span = Span::DAY;

/// Whether a followed course last checked at `last` is due for a check of its own at `now`.
pub fn check_due(last: Option<Time>, now: Time) -> bool {
    last.is_none_or(|last| now.ms() - last.ms() >= CHECK_EVERY.ms() || now.ms() < last.ms())
}

/// Why a published file is no update of the course the learner follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoUpdate {
    /// It holds the version the learner has.
    Same,
    /// It holds an older version than the learner's.
    Older,
    /// It holds notes but no course.
    NoCourse,
    /// It holds another course.
    OtherCourse(String),
}

impl fmt::Display for NoUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoUpdate::Same => f.write_str("No update: the published file holds the version you have."),
            NoUpdate::Older => f.write_str(
                "No update: the published file holds an older version than the one you have.",
            ),
            NoUpdate::NoCourse => f.write_str(
                "The published file holds notes but no course: it is not an update of this one.",
            ),
            NoUpdate::OtherCourse(title) => write!(
                f,
                "The published file now holds another course (“{title}”), not an update of this one."
            ),
        }
    }
}

/// Whether `found`, read from where `course` is followed, is a newer version of it.
pub fn judge(course: &Course, found: &Bundle) -> Result<(), NoUpdate> {
    let Some(theirs) = &found.course else {
        return Err(NoUpdate::NoCourse);
    };
    if theirs.id != course.id {
        return Err(NoUpdate::OtherCourse(theirs.title.clone()));
    }
    match theirs.version.cmp(&course.version) {
        std::cmp::Ordering::Greater => Ok(()),
        std::cmp::Ordering::Equal => Err(NoUpdate::Same),
        std::cmp::Ordering::Less => Err(NoUpdate::Older),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course(id: &str, version: u64) -> Course {
        Course {
            id: id.into(),
            title: format!("Course {id}"),
            author: String::new(),
            version,
            created: Time::from_ms(0.0),
            root: id.into(),
        }
    }

    fn bundle(course: Option<Course>) -> Bundle {
        Bundle {
            course,
            notes: Vec::new(),
            elsewhere: Vec::new(),
            files: Vec::new(),
        }
    }

    fn place(course: &str, url: &str) -> Place {
        Place {
            course: course.into(),
            url: url.into(),
            key: "k".into(),
        }
    }

    #[test]
    fn only_a_newer_version_of_the_same_course_is_an_update() {
        let mine = course("a", 10);
        assert_eq!(judge(&mine, &bundle(Some(course("a", 11)))), Ok(()));
        assert_eq!(
            judge(&mine, &bundle(Some(course("a", 10)))),
            Err(NoUpdate::Same)
        );
        assert_eq!(
            judge(&mine, &bundle(Some(course("a", 9)))),
            Err(NoUpdate::Older)
        );
        assert_eq!(judge(&mine, &bundle(None)), Err(NoUpdate::NoCourse));
        assert_eq!(
            judge(&mine, &bundle(Some(course("b", 99)))),
            Err(NoUpdate::OtherCourse("Course b".into()))
        );
    }

    #[test]
    fn a_course_is_checked_by_itself_at_most_once_a_day() {
        let day = Span::DAY.ms();
        let t = |ms: f64| Time::from_ms(ms);
        assert!(check_due(None, t(5.0)));
        assert!(!check_due(Some(t(1_000.0)), t(1_000.0 + day - 1.0)));
        assert!(check_due(Some(t(1_000.0)), t(1_000.0 + day)));
        // A clock set back does not stop checks for good.
        assert!(check_due(Some(t(1_000.0 + day)), t(1_000.0)));
    }

    #[test]
    fn one_place_per_course_and_unfollowing_forgets_only_that_course() {
        let mut hosting = Hosting::default();
        hosting.follow(place("a", "https://one.example/a.loam"));
        hosting.follow(place("a", "https://two.example/a.loam"));
        hosting.follow(place("b", "https://two.example/b.loam"));
        assert_eq!(hosting.followed.len(), 2);
        assert_eq!(
            hosting.followed("a").unwrap().url,
            "https://two.example/a.loam"
        );
        hosting.unfollow("a");
        assert!(hosting.followed("a").is_none() && hosting.followed("b").is_some());
        hosting.publish(place("c", "https://me.example/c.loam"));
        assert_eq!(
            hosting.published("c").unwrap().url,
            "https://me.example/c.loam"
        );
        let json = serde_json::to_string(&hosting).unwrap();
        assert_eq!(serde_json::from_str::<Hosting>(&json).unwrap(), hosting);
        assert_eq!(
            serde_json::from_str::<Hosting>("{}").unwrap(),
            Hosting::default()
        );
    }
}
