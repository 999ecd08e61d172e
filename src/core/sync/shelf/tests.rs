//! Devices with their shelves and a page each, exchanging through a server kept in memory as
//! a stock one would: it merges every update and answers state vectors.

use std::cell::RefCell;
use std::collections::BTreeMap;

use proptest::prelude::*;
use yrs::{ReadTxn, StateVector, Transact};

use super::*;
use crate::core::attachment::{Attachment, Files, Kind};
use crate::core::exchange::bundle::{Course, Elsewhere};
use crate::core::exchange::course::sample as sample_course;
use crate::core::exchange::hosting::Hosting;
use crate::core::review::deck::Deck;
use crate::core::review::schedule::{Rating, Scheduler};
use crate::core::review::ReviewSettings;
use crate::core::review::{answer_card, replay_answers, ReviewRecord};
use crate::core::sync::file::FileDoc;
use crate::core::sync::log::{take_logs, CardEvent, Event, Flags, PageLog};
use crate::core::sync::meta::{take_meta, Held, Meta, REMOVED};
use crate::core::sync::wire;

struct Server {
    docs: Vec<yrs::Doc>,
    /// Files' contents documents, by hash.
    files: RefCell<BTreeMap<String, FileDoc>>,
}

impl Server {
    fn new() -> Server {
        Server {
            docs: (0..doc_names().len())
                .map(|_| yrs::Doc::with_client_id(1))
                .collect(),
            files: RefCell::new(BTreeMap::new()),
        }
    }

    fn take(&self, doc: usize, update: &[u8]) {
        let update = Update::decode_v1(update).unwrap();
        self.docs[doc].transact_mut().apply_update(update).unwrap();
    }

    fn missing(&self, doc: usize, sv: &StateVector) -> Vec<u8> {
        self.docs[doc].transact().encode_diff_v1(sv)
    }
}

/// A device: its shelf and what its page has stored: notes, cards and the review log.
struct Device {
    shelf: Shelf,
    page: BTreeMap<NoteId, SyncedNote>,
    deck: Deck,
    reviews: BTreeMap<String, ReviewRecord>,
    settings: ReviewSettings,
    author: String,
    courses: Vec<Course>,
    elsewhere: Vec<Elsewhere>,
    hosting: Hosting,
    files: Files,
    /// Stored contents, by hash.
    contents: BTreeMap<String, Vec<u8>>,
    online: bool,
}

impl Device {
    fn new(client: u64) -> Device {
        Device {
            shelf: Shelf::new(client),
            page: BTreeMap::new(),
            deck: Deck::default(),
            reviews: BTreeMap::new(),
            settings: ReviewSettings::default(),
            author: String::new(),
            courses: Vec::new(),
            elsewhere: Vec::new(),
            hosting: Hosting::default(),
            files: Files::default(),
            contents: BTreeMap::new(),
            online: true,
        }
    }

    /// The learner writes a note (the page stores it, then tells sync).
    fn write(&mut self, id: &str, title: &str, body: &str, at: f64) {
        let created = self.page.get(id).map_or(Time::from_ms(at), |n| n.created);
        let note = SyncedNote {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            created,
            updated: Time::from_ms(at),
            deleted: None,
        };
        self.page.insert(id.into(), note.clone());
        self.shelf.from_page(PageNote::Held(note));
    }

    fn delete(&mut self, id: &str, at: f64) {
        let note = self.page.get_mut(id).unwrap();
        note.deleted = Some(Time::from_ms(at));
        let note = note.clone();
        self.shelf.from_page(PageNote::Held(note));
    }

    fn body(&self, id: &str) -> &str {
        &self.page[id].body
    }

    /// Takes what the server has that this device lacks, without sending anything.
    fn hear(&mut self, server: &Server) {
        for doc in 0..doc_names().len() {
            let sv = self.shelf.state_vector(doc);
            self.shelf
                .from_server(doc, &server.missing(doc, &sv))
                .unwrap();
        }
    }

    /// One round with the server: send what was made here, hear what it has, store arrivals.
    fn exchange(&mut self, server: &Server) {
        if !self.online {
            return;
        }
        for doc in 0..doc_names().len() {
            // Step 1 both ways, as on connecting.
            let theirs = server.docs[doc].transact().state_vector();
            server.take(doc, &self.shelf.missing(doc, &theirs));
            let ours = self.shelf.state_vector(doc);
            self.shelf
                .from_server(doc, &server.missing(doc, &ours))
                .unwrap();
            self.shelf.answered(doc);
        }
        for (doc, update) in self.shelf.take_outbox() {
            server.take(doc, &update);
        }
        // The page stores what arrived (or keeps its own edit), then tells sync.
        for _ in 0..3 {
            let mut stored = Vec::new();
            for arrival in self.shelf.to_page() {
                let id = arrival.note.id.clone();
                let current = self.page.get(&id);
                if current.is_none_or(|c| Some(c.fingerprint()) == arrival.base) {
                    self.page.insert(id.clone(), arrival.note);
                }
                let held = self.page[&id].clone();
                // The page derives the note's cards as it stores it.
                self.deck.sync_note(&id, &held.body, Time::from_ms(0.0));
                self.shelf.from_page(PageNote::Held(held));
                stored.push(id);
            }
            self.shelf.stored(&stored);
            let logs = self.shelf.to_page_log();
            let cards: Vec<CardId> = logs.iter().map(|l| l.card.clone()).collect();
            let records = take_logs(&mut self.deck, &Scheduler::default(), logs);
            for id in records.deleted_reviews {
                self.reviews.remove(&id);
            }
            for record in records.reviews {
                self.reviews.insert(record.id.clone(), record);
            }
            self.shelf.stored_cards(&cards);
            let mut meta = self.shelf.to_page_meta();
            if !meta.is_empty() {
                // As the page does: a file removed elsewhere goes unless a note here shows it.
                for (key, hash) in std::mem::take(&mut meta.removed_files) {
                    let used = self.page.values().any(|n| n.body.contains(&key));
                    let same = self.files.get(&key).is_some_and(|f| f.hash == hash);
                    if same && !used {
                        self.files.remove(&key);
                        self.tell_meta();
                    }
                }
                take_meta(
                    meta,
                    Held {
                        settings: &mut self.settings,
                        author: &mut self.author,
                        courses: &mut self.courses,
                        elsewhere: &mut self.elsewhere,
                        hosting: &mut self.hosting,
                    },
                );
                self.shelf.stored_meta();
            }
            self.move_files(server);
            for (doc, update) in self.shelf.take_outbox() {
                server.take(doc, &update);
            }
        }
        assert!(self.shelf.storable());
    }
}

/// Two devices that both hold the note `a` ("Paris", `body`), in step through one server.
fn two_devices(body: &str) -> (Server, Device, Device) {
    let server = Server::new();
    let (mut one, mut two) = (Device::new(11), Device::new(12));
    one.write("a", "Paris", body, 1.0);
    one.exchange(&server);
    two.exchange(&server);
    (server, one, two)
}

/// Rounds until both devices have what each made: one, two, then one again.
fn settle(server: &Server, one: &mut Device, two: &mut Device) {
    one.exchange(server);
    two.exchange(server);
    one.exchange(server);
}

#[test]
fn an_edit_on_one_device_reaches_the_other() {
    let (server, mut one, mut two) = two_devices("Capital of France.");
    assert_eq!(two.body("a"), "Capital of France.");
    assert_eq!(two.page["a"].title, "Paris");
    two.write("a", "Paris", "Capital of France, on the Seine.", 2.0);
    two.exchange(&server);
    one.exchange(&server);
    assert_eq!(one.body("a"), "Capital of France, on the Seine.");
}

#[test]
fn edits_made_offline_on_both_devices_are_both_kept() {
    let (server, mut one, mut two) = two_devices("line one\nline two\n");
    one.write("a", "Paris", "line one, from one\nline two\n", 2.0);
    two.write("a", "Paris", "line one\nline two, from two\n", 3.0);
    settle(&server, &mut one, &mut two);
    let both = "line one, from one\nline two, from two\n";
    assert_eq!(one.body("a"), both);
    assert_eq!(two.body("a"), both);
}

#[test]
fn a_rename_on_one_and_an_edit_on_the_other_both_hold() {
    let (server, mut one, mut two) = two_devices("text");
    one.write("a", "Paris, France", "text", 2.0);
    two.write("a", "Paris", "text and more", 3.0);
    settle(&server, &mut one, &mut two);
    for device in [&one, &two] {
        assert_eq!(device.page["a"].title, "Paris, France");
        assert_eq!(device.body("a"), "text and more");
    }
}

#[test]
fn an_edit_wins_over_an_earlier_delete_made_elsewhere() {
    let (server, mut one, mut two) = two_devices("text");
    one.delete("a", 2.0);
    two.write("a", "Paris", "text, kept", 3.0);
    settle(&server, &mut one, &mut two);
    for device in [&one, &two] {
        assert_eq!(device.page["a"].deleted, None);
        assert_eq!(device.body("a"), "text, kept");
    }
}

#[test]
fn a_delete_reaches_the_other_device() {
    let (server, mut one, mut two) = two_devices("text");
    one.delete("a", 2.0);
    one.exchange(&server);
    two.exchange(&server);
    assert_eq!(two.page["a"].deleted, Some(Time::from_ms(2.0)));
}

#[test]
fn an_empty_or_wiped_server_deletes_nothing_and_is_filled_again() {
    let mut one = Device::new(11);
    one.write("a", "Paris", "text", 1.0);
    one.exchange(&Server::new());
    let wiped = Server::new();
    one.exchange(&wiped);
    assert_eq!(one.body("a"), "text");
    let mut two = Device::new(12);
    two.exchange(&wiped);
    assert_eq!(two.body("a"), "text");
}

#[test]
fn joining_a_device_with_its_own_notes_keeps_both_libraries() {
    let server = Server::new();
    let (mut one, mut two) = (Device::new(11), Device::new(12));
    one.write("a", "Paris", "one's", 1.0);
    two.write("b", "Rome", "two's", 2.0);
    // A note both have (the same course imported on both) is not written twice.
    one.write("c", "Course", "same text", 1.0);
    two.write("c", "Course", "same text", 1.0);
    settle(&server, &mut one, &mut two);
    for device in [&one, &two] {
        assert_eq!(device.body("a"), "one's");
        assert_eq!(device.body("b"), "two's");
        assert_eq!(device.body("c"), "same text");
    }
}

#[test]
fn typing_on_a_note_while_an_edit_arrives_keeps_both() {
    let (server, mut one, mut two) = two_devices("start\nend\n");
    one.write("a", "Paris", "start, one\nend\n", 2.0);
    one.exchange(&server);
    // Two's server update lands in its shelf before its page's typing does.
    two.hear(&server);
    let arrivals = two.shelf.to_page();
    two.page.get_mut("a").unwrap().body = "start\nend, two\n".into();
    // The page holds another text than the arrival's base: it keeps its own and tells sync.
    assert_ne!(Some(two.page["a"].fingerprint()), arrivals[0].base);
    let typed = two.page["a"].clone();
    two.shelf.from_page(PageNote::Held(typed));
    two.exchange(&server);
    one.exchange(&server);
    assert_eq!(two.body("a"), "start, one\nend, two\n");
    assert_eq!(one.body("a"), "start, one\nend, two\n");
}

#[test]
fn a_stored_shelf_comes_back_as_it_was() {
    let mut one = Device::new(11);
    one.write("a", "Paris", "text", 1.0);
    one.exchange(&Server::new());
    let mut again = Shelf::new(13);
    for doc in 0..doc_names().len() {
        again.restore(doc, &one.shelf.encode(doc)).unwrap();
    }
    again.settle();
    assert_eq!(again.read("a"), Some(one.page["a"].clone()));
    assert!(again.to_page().is_empty());
}

#[test]
fn the_messages_a_server_sends_are_read() {
    let shelf = Shelf::new(5);
    let step1 = wire::step1(shelf.state_vector(0));
    assert_eq!(
        wire::read(&step1).unwrap(),
        vec![wire::Heard::Step1(shelf.state_vector(0))]
    );
    let update = wire::update(vec![0, 0]);
    assert_eq!(
        wire::read(&update).unwrap(),
        vec![wire::Heard::Update(vec![0, 0])]
    );
    assert!(wire::read(&[0, 9]).is_err());
}

/// A real update of some size, to cut and spoil.
fn sample_update() -> Vec<u8> {
    let mut device = Device::new(21);
    device.write("a", "Paris", "Capital of France, on the Seine.", 1.0);
    device.write("b", "Rome", "Capital of Italy.", 2.0);
    device.shelf.answered(0);
    let mut bytes = Vec::new();
    for (doc, update) in device.shelf.take_outbox() {
        if doc == 0 {
            bytes = update;
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn broken_updates_from_a_server_never_panic_and_change_nothing_when_refused(
        cut in 0usize..200,
        flips in proptest::collection::vec((0usize..200, any::<u8>()), 0..4),
        noise in proptest::collection::vec(any::<u8>(), 0..64),
        use_noise in any::<bool>(),
    ) {
        let mut bytes = if use_noise { noise } else { sample_update() };
        if !use_noise {
            bytes.truncate(cut.min(bytes.len()));
            for (at, value) in flips {
                if let Some(byte) = bytes.get_mut(at) {
                    *byte = value;
                }
            }
        }
        let mut device = Device::new(31);
        device.write("z", "Kept", "my text", 1.0);
        device.shelf.answered(0);
        for doc in 1..doc_names().len() { device.shelf.answered(doc); }
        device.shelf.take_outbox();
        let before: Vec<Vec<u8>> = (0..doc_names().len()).map(|d| device.shelf.encode(d)).collect();
        let _ = wire::read(&bytes);
        let log = doc_names().len() - 1;
        for doc in [0, log] {
            if device.shelf.from_server(doc, &bytes).is_err() {
                let after: Vec<Vec<u8>> = (0..doc_names().len()).map(|d| device.shelf.encode(d)).collect();
                prop_assert_eq!(&before, &after);
            }
        }
        let _ = device.shelf.to_page();
        let _ = device.shelf.to_page_log();
        prop_assert_eq!(device.shelf.read("z").map(|n| n.body), Some("my text".to_string()));
    }

    #[test]
    fn log_entries_of_any_shape_are_passed_over(
        entries in proptest::collection::vec((".{0,30}", ".{0,30}", any::<bool>(), any::<f64>()), 1..8),
    ) {
        // A server document whose maps hold what another program wrote there.
        let doc = doc_names().len() - 1;
        let other = yrs::Doc::with_client_id(77);
        let (answers, events) = (other.get_or_insert_map("answers"), other.get_or_insert_map("events"));
        {
            let mut txn = other.transact_mut();
            for (key, value, text, number) in &entries {
                let map = if *text { &answers } else { &events };
                map.insert(&mut txn, key.as_str(), value.clone());
                map.insert(&mut txn, format!("{key}#n"), *number);
            }
        }
        let update = other.transact().encode_state_as_update_v1(&StateVector::default());
        let mut device = Device::new(31);
        for d in 0..doc_names().len() { device.shelf.answered(d); }
        device.shelf.from_server(doc, &update).unwrap();
        for log in device.shelf.to_page_log() {
            prop_assert_eq!(crate::core::sync::log_doc(&log.card), doc);
            let records = take_logs(&mut device.deck, &Scheduler::default(), vec![log]);
            prop_assert!(records.cards.is_empty());
        }
    }
}

#[test]
fn a_library_written_at_once_goes_out_in_one_update_per_document() {
    let mut device = Device::new(41);
    for doc in 0..doc_names().len() {
        device.shelf.answered(doc);
    }
    for n in 0..200 {
        device.write(&format!("n{n}"), &format!("Note {n}"), "some text", 1.0);
    }
    let outbox = device.shelf.take_outbox();
    assert!(outbox.len() <= doc_names().len());
    let server = Server::new();
    for (doc, update) in outbox {
        server.take(doc, &update);
    }
    let mut other = Device::new(42);
    other.exchange(&server);
    assert_eq!(other.page.len(), 200);
}

#[test]
fn a_joining_device_hears_of_each_note_whole_once_every_document_answered() {
    let (server, _one, _two) = two_devices("Capital of France.");
    let mut three = Device::new(13);
    let sv = three.shelf.state_vector(0);
    three.shelf.from_server(0, &server.missing(0, &sv)).unwrap();
    three.shelf.answered(0);
    // The index alone: the text has not come, so nothing is told yet.
    assert!(three.shelf.to_page().is_empty());
    for doc in 1..doc_names().len() {
        let sv = three.shelf.state_vector(doc);
        three
            .shelf
            .from_server(doc, &server.missing(doc, &sv))
            .unwrap();
        three.shelf.answered(doc);
    }
    let arrivals = three.shelf.to_page();
    assert_eq!(arrivals.len(), 1);
    assert_eq!(arrivals[0].note.body, "Capital of France.");
}

#[test]
fn typing_on_an_arrival_the_page_just_took_is_not_merged_twice() {
    let (server, mut one, mut two) = two_devices("middle");
    one.write("a", "Paris", "start\nmiddle", 2.0);
    one.exchange(&server);
    two.hear(&server);
    // The page takes the arrival and says so at once; its store lands later.
    let arrival = two.shelf.to_page().remove(0);
    two.page.insert("a".into(), arrival.note.clone());
    two.shelf.from_page(PageNote::Held(arrival.note));
    assert!(!two.shelf.storable());
    // Typing on what it took.
    two.write("a", "Paris", "start\nmiddle end", 3.0);
    two.shelf.stored(&["a".into()]);
    assert!(two.shelf.storable());
    assert_eq!(two.shelf.read("a").unwrap().body, "start\nmiddle end");
    assert!(two.shelf.to_page().is_empty());
}

const CARD_TEXT: &str = "Capital of France? :: Paris";
const DAY: f64 = 86_400_000.0;

impl Device {
    /// The note `a` holds one card; the page derived it.
    fn the_card(&self) -> crate::core::review::deck::Card {
        self.deck.cards().next().unwrap().clone()
    }

    /// The learner answers the card: the page stores the answer, then tells sync.
    fn answer(&mut self, rating: Rating, at: f64) -> ReviewRecord {
        if self.deck.is_empty() {
            self.deck.sync_note("a", CARD_TEXT, Time::from_ms(0.0));
        }
        let given = answer_card(
            &self.the_card(),
            rating,
            Time::from_ms(at),
            &Scheduler::default(),
        );
        self.deck.put(given.after);
        self.reviews
            .insert(given.record.id.clone(), given.record.clone());
        self.shelf.from_page_log(PageLog {
            answers: vec![given.record.clone()],
            ..PageLog::default()
        });
        given.record
    }

    fn event(&mut self, event: Event, at: f64) {
        let card = self.the_card();
        let event = CardEvent {
            card: card.id.clone(),
            time: Time::from_ms(at),
            event,
        };
        let mut after = card;
        match event.event {
            Event::Suspended(on) => after.suspended = on,
            Event::Buried(until) => after.buried_until = until,
            _ => {}
        }
        self.deck.put(after);
        self.shelf.from_page_log(PageLog {
            events: vec![event],
            ..PageLog::default()
        });
    }
}

/// Two devices in step that hold the note `a` and its card.
fn two_devices_with_a_card() -> (Server, Device, Device) {
    let (server, mut one, mut two) = two_devices(CARD_TEXT);
    for device in [&mut one, &mut two] {
        device.deck.sync_note("a", CARD_TEXT, Time::from_ms(0.0));
    }
    (server, one, two)
}

#[test]
fn reviews_of_one_card_on_two_offline_devices_are_all_kept_and_replayed() {
    let (server, mut one, mut two) = two_devices_with_a_card();
    let first = one.answer(Rating::Good, DAY);
    let second = two.answer(Rating::Again, 2.0 * DAY);
    let third = one.answer(Rating::Easy, 3.0 * DAY);
    settle(&server, &mut one, &mut two);
    for device in [&one, &two] {
        let ids: Vec<&String> = device.reviews.keys().collect();
        assert_eq!(ids.len(), 3, "every answer on both devices");
        let card = device.the_card();
        let logs = [&first.log, &second.log, &third.log];
        assert_eq!(
            card.schedule,
            replay_answers(&Scheduler::default(), &card.id, logs)
        );
    }
    assert_eq!(one.the_card(), two.the_card());
}

#[test]
fn an_answer_taken_back_is_taken_back_on_the_other_device() {
    let (server, mut one, mut two) = two_devices_with_a_card();
    let first = one.answer(Rating::Good, DAY);
    let second = one.answer(Rating::Again, 2.0 * DAY);
    settle(&server, &mut one, &mut two);
    assert_eq!(two.reviews.len(), 2);
    one.reviews.remove(&second.id);
    one.shelf.from_page_log(PageLog {
        undone: vec![second.id.clone()],
        ..PageLog::default()
    });
    settle(&server, &mut one, &mut two);
    assert_eq!(two.reviews.keys().collect::<Vec<_>>(), vec![&first.id]);
    let card = two.the_card();
    assert_eq!(
        card.schedule,
        replay_answers(&Scheduler::default(), &card.id, [&first.log])
    );
}

#[test]
fn the_later_suspend_or_bury_wins_whichever_device_writes_last() {
    let (server, mut one, mut two) = two_devices_with_a_card();
    two.event(Event::Suspended(true), 5.0);
    one.event(Event::Suspended(false), 4.0);
    one.event(Event::Buried(Some(Time::from_ms(DAY))), 6.0);
    // The device with the earlier suspension writes last.
    two.exchange(&server);
    one.exchange(&server);
    two.exchange(&server);
    for device in [&one, &two] {
        let card = device.the_card();
        assert!(card.suspended);
        assert_eq!(card.buried_until, Some(Time::from_ms(DAY)));
    }
}

#[test]
fn a_card_suspended_while_sync_was_not_running_is_told_at_start() {
    let (server, mut one, mut two) = two_devices_with_a_card();
    one.event(Event::Suspended(true), 5.0);
    settle(&server, &mut one, &mut two);
    // Two puts the card back while its sync is stopped; at start it tells sync its flags.
    let saved: Vec<Vec<u8>> = (0..doc_names().len())
        .map(|d| two.shelf.encode(d))
        .collect();
    let mut restarted = Shelf::new(22);
    for (doc, state) in saved.iter().enumerate() {
        restarted.restore(doc, state).unwrap();
    }
    restarted.settle();
    two.shelf = restarted;
    let mut card = two.the_card();
    card.suspended = false;
    two.deck.put(card);
    two.shelf
        .open_log(Vec::new(), &Flags::of(&two.deck), Time::from_ms(9.0));
    settle(&server, &mut one, &mut two);
    assert!(!one.the_card().suspended);
    assert!(!two.the_card().suspended);
}

#[test]
fn a_joining_device_gets_the_whole_log_with_the_notes() {
    let server = Server::new();
    let mut one = Device::new(11);
    one.write("a", "Paris", CARD_TEXT, 1.0);
    one.answer(Rating::Good, DAY);
    one.answer(Rating::Good, 4.0 * DAY);
    one.exchange(&server);
    let mut two = Device::new(12);
    two.exchange(&server);
    assert_eq!(two.reviews, one.reviews);
    // The notes reach the page before the log, so the card is there to replay.
    assert_eq!(two.the_card(), one.the_card());
    assert!(!two.the_card().schedule.is_new());
}

impl Device {
    /// The page tells sync all its settings and courses, as after any change to them.
    fn tell_meta(&mut self) {
        let meta = Meta::of(
            &self.settings,
            &self.author,
            &self.courses,
            &self.elsewhere,
            &self.hosting,
            &self.files,
        );
        self.shelf.from_page_meta(meta);
    }
}

#[test]
fn settings_changed_on_one_device_reach_the_other() {
    let (server, mut one, mut two) = two_devices("text");
    one.settings.new_per_day = 5;
    one.author = "Ada".into();
    one.tell_meta();
    settle(&server, &mut one, &mut two);
    assert_eq!(two.settings.new_per_day, 5);
    assert_eq!(two.author, "Ada");
    // And back.
    two.settings.new_per_day = 9;
    two.tell_meta();
    settle(&server, &mut one, &mut two);
    assert_eq!(one.settings.new_per_day, 9);
}

#[test]
fn a_joining_device_takes_the_settings_and_keeps_its_own_courses() {
    let server = Server::new();
    let mut one = Device::new(11);
    one.settings.new_per_day = 3;
    one.courses = vec![sample_course("french", 4)];
    one.tell_meta();
    one.exchange(&server);
    // A new device with default settings and a course of its own joins, with a higher client
    // id, which would win a write to the same key made together.
    let mut two = Device::new(99);
    two.courses = vec![sample_course("french", 2), sample_course("latin", 1)];
    two.tell_meta();
    settle(&server, &mut one, &mut two);
    for device in [&one, &two] {
        assert_eq!(
            device.settings.new_per_day, 3,
            "the learner's settings stand"
        );
        let mut ids: Vec<(&str, u64)> = device
            .courses
            .iter()
            .map(|c| (c.id.as_str(), c.version))
            .collect();
        ids.sort();
        assert_eq!(ids, vec![("french", 4), ("latin", 1)]);
    }
}

/// A picture's bytes and their SHA-256-like name (any 64 hex digits do for the shelf).
fn picture(seed: u8) -> (Vec<u8>, String) {
    let bytes: Vec<u8> = (0..5_000u32)
        .map(|i| (i as u8).wrapping_mul(seed))
        .collect();
    (bytes, format!("{seed:02x}").repeat(32))
}

impl Device {
    /// The learner attaches a file (the page stores record and contents, then tells sync).
    fn attach(&mut self, name: &str, seed: u8) -> Attachment {
        let (bytes, hash) = picture(seed);
        let file = Attachment::new(
            name,
            &hash,
            Kind::Png,
            bytes.len() as u64,
            Time::from_ms(1.0),
        );
        self.contents.insert(hash, bytes);
        self.files.put(file.clone());
        self.tell_meta();
        file
    }

    /// What the worker does with files: sends contents the page hands over, fetches arriving
    /// ones, and the page stores each with its contents (a name taken by other contents gets a
    /// free one) or removes one removed elsewhere.
    fn move_files(&mut self, server: &Server) {
        let mut told = false;
        for hash in self.shelf.take_uploads() {
            let Some(bytes) = self.contents.get(&hash) else {
                continue;
            };
            let mut up = FileDoc::new(self.client());
            let mut files = server.files.borrow_mut();
            let there = files.entry(hash.clone()).or_insert_with(|| FileDoc::new(1));
            up.take(&there.encode()).unwrap();
            if up.bytes().is_none() {
                there.take(&up.put(bytes)).unwrap();
            }
            drop(files);
            self.shelf.uploaded(&hash);
        }
        for fetch in self.shelf.take_downloads() {
            if !fetch.held {
                let mut down = FileDoc::new(self.client());
                if let Some(there) = server.files.borrow().get(&fetch.hash) {
                    down.take(&there.encode()).unwrap();
                }
                let Some(bytes) = down.bytes() else { continue };
                self.contents.insert(fetch.hash.clone(), bytes);
            }
            for file in fetch.files {
                let file = match self.files.get(&file.name) {
                    Some(here) if here.hash == file.hash => continue,
                    Some(_) => Attachment {
                        id: crate::core::attachment::name::key(&self.files.free_name(&file.name)),
                        name: self.files.free_name(&file.name),
                        ..file
                    },
                    None => file,
                };
                self.files.put(file);
                told = true;
            }
        }
        if told {
            self.tell_meta();
        }
    }

    fn client(&self) -> u64 {
        // Any id other than the server's; one per device, as the worker draws at random.
        self.page.len() as u64 + 100
    }

    /// The contents shown under `name`, if the page has them.
    fn shows(&self, name: &str) -> Option<&Vec<u8>> {
        self.contents.get(&self.files.get(name)?.hash)
    }
}

#[test]
fn a_file_attached_on_one_device_is_shown_on_the_other() {
    let (server, mut one, mut two) = two_devices("![[map.png]]");
    let map = one.attach("map.png", 3);
    // The record waits for the contents: the index never names a file the server lacks.
    assert!(!one.shelf.meta_entries().contains_key("file:map.png"));
    settle(&server, &mut one, &mut two);
    assert_eq!(two.shows("map.png"), Some(&picture(3).0));
    assert_eq!(two.files.get("map.png"), Some(&map));
    // Fetched once: the page's own record now matches the documents'.
    assert!(two.shelf.take_downloads().is_empty());
    settle(&server, &mut one, &mut two);
    assert_eq!(server.files.borrow().len(), 1);
}

#[test]
fn the_same_contents_under_another_name_are_not_fetched_again() {
    let (server, mut one, mut two) = two_devices("text");
    one.attach("map.png", 3);
    settle(&server, &mut one, &mut two);
    one.attach("copy of map.png", 3);
    one.exchange(&server);
    two.exchange(&server);
    two.contents.clear();
    two.contents.insert(picture(3).1, picture(3).0);
    assert_eq!(two.shows("copy of map.png"), Some(&picture(3).0));
}

#[test]
fn files_of_one_name_made_on_two_devices_replace_nothing() {
    let (server, mut one, mut two) = two_devices("text");
    one.online = false;
    one.attach("diagram.png", 5);
    two.attach("diagram.png", 7);
    two.exchange(&server);
    one.online = true;
    settle(&server, &mut one, &mut two);
    // One has its own under the name and the other's beside it; nothing was replaced.
    assert_eq!(one.shows("diagram.png"), Some(&picture(5).0));
    assert_eq!(one.shows("diagram 2.png"), Some(&picture(7).0));
    assert_eq!(two.shows("diagram.png"), Some(&picture(7).0));
}

#[test]
fn a_removed_file_goes_on_the_other_device_only_if_unused_there() {
    let (server, mut one, mut two) = two_devices("text");
    one.attach("old.png", 3);
    one.attach("kept.png", 4);
    settle(&server, &mut one, &mut two);
    assert!(two.shows("old.png").is_some() && two.shows("kept.png").is_some());
    two.write("b", "Rome", "![[kept.png]]", 3.0);
    one.files.remove("old.png");
    one.files.remove("kept.png");
    one.tell_meta();
    settle(&server, &mut one, &mut two);
    assert_eq!(two.files.get("old.png"), None);
    assert!(
        two.shows("kept.png").is_some(),
        "a note there still shows it"
    );
    let entries = one.shelf.meta_entries();
    assert!(entries["file:old.png"].starts_with(REMOVED));
    // Not written back by the device that kept it, even once it tells its settings again, nor
    // brought back to the one that removed it.
    two.settings.new_per_day = 4;
    two.tell_meta();
    settle(&server, &mut one, &mut two);
    assert_eq!(one.files.get("kept.png"), None);
    let mut three = Device::new(13);
    three.exchange(&server);
    assert_eq!(three.files.get("old.png"), None);
}

#[test]
fn a_wiped_server_gets_every_file_again() {
    let (server, mut one, mut two) = two_devices("text");
    one.attach("map.png", 3);
    settle(&server, &mut one, &mut two);
    let wiped = Server::new();
    one.shelf.server_blank();
    two.shelf.server_blank();
    settle(&wiped, &mut one, &mut two);
    assert!(wiped.files.borrow().contains_key(&picture(3).1));
    let mut three = Device::new(13);
    three.exchange(&wiped);
    assert_eq!(three.shows("map.png"), Some(&picture(3).0));
}

impl Device {
    /// The worker starts again from its saved documents; the page tells it what it holds.
    fn restart(&mut self, client: u64) {
        let saved: Vec<Vec<u8>> = (0..doc_names().len())
            .map(|d| self.shelf.encode(d))
            .collect();
        let mut restarted = Shelf::new(client);
        for (doc, state) in saved.iter().enumerate() {
            restarted.restore(doc, state).unwrap();
        }
        restarted.settle();
        self.shelf = restarted;
        self.tell_meta();
    }
}

#[test]
fn a_joining_device_with_a_file_never_brings_its_default_settings() {
    let server = Server::new();
    let mut one = Device::new(11);
    one.settings.new_per_day = 3;
    one.tell_meta();
    one.exchange(&server);
    let mut two = Device::new(99);
    two.attach("map.png", 3);
    settle(&server, &mut one, &mut two);
    settle(&server, &mut one, &mut two);
    assert_eq!(one.settings.new_per_day, 3);
    assert_eq!(two.settings.new_per_day, 3);
    assert!(one.shows("map.png").is_some());
    // A settings change made elsewhere while a file goes up stands too.
    two.attach("plan.png", 4);
    one.settings.new_per_day = 8;
    one.tell_meta();
    one.exchange(&server);
    two.exchange(&server);
    settle(&server, &mut one, &mut two);
    assert_eq!(two.settings.new_per_day, 8);
    assert_eq!(one.settings.new_per_day, 8);
}

#[test]
fn a_file_whose_contents_never_arrived_is_not_taken_for_removed_at_the_next_start() {
    let (server, mut one, mut two) = two_devices("text");
    one.attach("map.png", 3);
    one.exchange(&server);
    // The server loses the contents before the other device fetches them.
    server.files.borrow_mut().clear();
    two.exchange(&server);
    assert_eq!(two.files.get("map.png"), None);
    two.restart(23);
    settle(&server, &mut one, &mut two);
    let entries = one.shelf.meta_entries();
    assert!(
        !entries["file:map.png"].starts_with(REMOVED),
        "no removal written"
    );
    assert!(one.shows("map.png").is_some());
}

#[test]
fn each_upload_is_asked_for_once() {
    let (server, mut one, mut two) = two_devices("text");
    one.online = false;
    one.attach("a.png", 3);
    one.attach("b.png", 4);
    one.tell_meta();
    let asked = one.shelf.take_uploads();
    assert_eq!(asked.len(), 2);
    one.shelf.uploaded(&asked[0]);
    one.tell_meta();
    assert!(
        one.shelf.take_uploads().is_empty(),
        "the other is still on its way"
    );
    one.online = true;
    // Sent for real this time (the test's server never had them).
    one.shelf.server_blank();
    settle(&server, &mut one, &mut two);
    assert!(two.shows("b.png").is_some());
}

#[test]
fn a_file_removed_while_its_contents_go_up_is_not_written() {
    let (server, mut one, _two) = two_devices("text");
    one.attach("big.png", 3);
    let asked = one.shelf.take_uploads();
    assert_eq!(asked.len(), 1);
    one.files.remove("big.png");
    one.tell_meta();
    one.shelf.uploaded(&asked[0]);
    one.exchange(&server);
    assert!(!one.shelf.meta_entries().contains_key("file:big.png"));
}
