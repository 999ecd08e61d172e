use proptest::prelude::*;

use super::*;
use crate::core::exchange::course::sample as course;

fn place(course: &str, url: &str) -> Place {
    Place {
        course: course.into(),
        url: url.into(),
        key: "k".into(),
    }
}

fn full() -> Meta {
    Meta {
        settings: Some(ReviewSettings {
            new_per_day: 7,
            ..ReviewSettings::default()
        }),
        author: Some("Ada".into()),
        courses: vec![course("c1", 3), course("c2", 1)],
        elsewhere: vec![Elsewhere {
            title: "Paris".into(),
            course: "c1".into(),
        }],
        published: vec![place("c1", "https://example.org/c1")],
        followed: vec![place("c9", "https://example.org/c9")],
        files: vec![file("Map of Europe.png")],
        removed_files: Vec::new(),
    }
}

fn file(name: &str) -> Attachment {
    let kind = crate::core::attachment::Kind::Png;
    Attachment::new(name, &"ab".repeat(32), kind, 10, Default::default())
}

#[test]
fn settings_and_courses_go_through_entries_unchanged() {
    let meta = full();
    let entries = meta.entries();
    assert_eq!(entries.len(), 8);
    let back = Meta::from_entries(entries.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    assert_eq!(back, meta);
}

proptest! {
    #[test]
    fn entries_loam_did_not_write_are_passed_over(key in ".{0,20}", value in ".{0,40}") {
        let meta = Meta::from_entries([(key.as_str(), value.as_str())]);
        // Whatever is read writes the same entry again.
        let again = meta.entries();
        let back = Meta::from_entries(again.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert_eq!(back, meta);
    }
}

#[test]
fn an_entry_under_another_name_is_passed_over() {
    let value = serde_json::to_string(&course("c1", 1)).unwrap();
    assert!(Meta::from_entries([("course:c2", value.as_str())]).is_empty());
}

#[test]
fn arriving_settings_and_courses_are_taken_and_nothing_is_removed() {
    let mut settings = ReviewSettings::default();
    let mut author = String::new();
    let mut courses = vec![course("c1", 5), course("mine", 1)];
    let mut elsewhere = Vec::new();
    let mut hosting = Hosting {
        published: vec![place("mine", "https://example.org/old")],
        followed: Vec::new(),
    };
    let mut arriving = full();
    arriving.published = vec![place("mine", "https://example.org/new")];
    let records = take_meta(
        arriving.clone(),
        Held {
            settings: &mut settings,
            author: &mut author,
            courses: &mut courses,
            elsewhere: &mut elsewhere,
            hosting: &mut hosting,
        },
    );
    assert_eq!(Some(&settings), arriving.settings.as_ref());
    assert_eq!(author, "Ada");
    // The newer version here of c1 stays; c2 arrives; this device's own course stays.
    assert_eq!(
        courses,
        vec![course("c1", 5), course("mine", 1), course("c2", 1)]
    );
    assert_eq!(elsewhere, arriving.elsewhere);
    assert_eq!(
        hosting.published,
        vec![place("mine", "https://example.org/new")]
    );
    assert_eq!(hosting.followed, arriving.followed);
    assert_eq!(records.courses, Some(courses.clone()));
    assert_eq!(records.settings, Some(settings.clone()));
    assert_eq!(records.hosting, Some(hosting.clone()));
    // Taking the same again changes nothing.
    let again = take_meta(
        arriving,
        Held {
            settings: &mut settings,
            author: &mut author,
            courses: &mut courses,
            elsewhere: &mut elsewhere,
            hosting: &mut hosting,
        },
    );
    assert!(again.is_empty());
}

#[test]
fn a_file_entry_loam_would_not_write_is_passed_over() {
    let good = file("map.png");
    let entry = |f: &Attachment| serde_json::to_string(f).unwrap();
    let read = |key: &str, value: &str| Meta::from_entries([(key, value)]);
    assert_eq!(
        read("file:map.png", &entry(&good)).files,
        vec![good.clone()]
    );
    assert_eq!(
        read("file:map.png", &removal("ab")).removed_files,
        vec![("map.png".to_string(), "ab".to_string())]
    );
    let mut wrong_hash = good.clone();
    wrong_hash.hash = "not a hash".into();
    let mut too_large = good.clone();
    too_large.size = MAX_FILE_BYTES + 1;
    let mut unclean = file("map.png");
    unclean.name = "../../map.png".into();
    for (key, value) in [
        ("file:other.png", entry(&good)),
        ("file:map.png", entry(&wrong_hash)),
        ("file:map.png", entry(&too_large)),
        ("file:map.png", entry(&unclean)),
        ("file:map.png", "{}".to_string()),
    ] {
        assert!(read(key, &value).is_empty(), "{key} {value}");
    }
}
