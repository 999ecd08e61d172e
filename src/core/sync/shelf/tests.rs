//! Devices with their shelves and a page each, exchanging through a server kept in memory as
//! a stock one would: it merges every update and answers state vectors.

use std::collections::BTreeMap;

use proptest::prelude::*;
use yrs::{ReadTxn, StateVector, Transact};

use super::*;
use crate::core::sync::wire;

struct Server {
    docs: Vec<yrs::Doc>,
}

impl Server {
    fn new() -> Server {
        Server {
            docs: (0..doc_names().len())
                .map(|_| yrs::Doc::with_client_id(1))
                .collect(),
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

/// A device: its shelf and the notes its page has stored.
struct Device {
    shelf: Shelf,
    page: BTreeMap<NoteId, SyncedNote>,
    online: bool,
}

impl Device {
    fn new(client: u64) -> Device {
        Device {
            shelf: Shelf::new(client),
            page: BTreeMap::new(),
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
                self.shelf.from_page(PageNote::Held(held));
                stored.push(id);
            }
            self.shelf.stored(&stored);
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
        if device.shelf.from_server(0, &bytes).is_err() {
            let after: Vec<Vec<u8>> = (0..doc_names().len()).map(|d| device.shelf.encode(d)).collect();
            prop_assert_eq!(before, after);
        }
        prop_assert_eq!(device.shelf.read("z").map(|n| n.body), Some("my text".to_string()));
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
