//! An attached file's contents on the server: a document of its own per contents (named by
//! their hash), holding the bytes in one map entry. The worker opens one only to send or fetch
//! those bytes, then drops it; the records naming files travel in the index's `meta` map.
//!
//! ```ignore
//! let mut doc = FileDoc::new(client);
//! doc.take(&server_answer)?;                 // what the server has
//! match doc.bytes() { Some(bytes) => …, None => send(doc.put(&mine)) }
//! ```

use yrs::updates::decoder::Decode;
use yrs::{Any, Map, MapRef, Out, ReadTxn, StateVector, Transact, Update};

use super::shelf::{SyncError, MAX_UPDATE_BYTES};

const CONTENTS: &str = "contents";
const BYTES: &str = "bytes";

/// The room of the contents with this hash, under the library's rooms for files.
pub fn file_room(files_room: &str, hash: &str) -> String {
    format!("{files_room}-{hash}")
}

/// One contents' document, while it is sent or fetched.
pub struct FileDoc {
    doc: yrs::Doc,
    map: MapRef,
}

impl FileDoc {
    pub fn new(client: u64) -> FileDoc {
        let doc = yrs::Doc::with_client_id(client);
        let map = doc.get_or_insert_map(CONTENTS);
        FileDoc { doc, map }
    }

    pub fn state_vector(&self) -> StateVector {
        self.doc.transact().state_vector()
    }

    /// Takes an update from the server; a malformed or oversized one changes nothing.
    pub fn take(&mut self, bytes: &[u8]) -> Result<(), SyncError> {
        if bytes.len() > MAX_UPDATE_BYTES {
            return Err(SyncError::TooLarge(bytes.len()));
        }
        let update = Update::decode_v1(bytes).map_err(|e| SyncError::Malformed(e.to_string()))?;
        self.doc
            .transact_mut()
            .apply_update(update)
            .map_err(|e| SyncError::Malformed(e.to_string()))
    }

    /// The contents, once the document has them.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        let txn = self.doc.transact();
        match self.map.get(&txn, BYTES)? {
            Out::Any(Any::Buffer(bytes)) => Some(bytes.to_vec()),
            _ => None,
        }
    }

    /// Puts the contents in; the update to send.
    pub fn put(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut txn = self.doc.transact_mut();
        self.map
            .insert(&mut txn, BYTES, Any::Buffer(bytes.to_vec().into()));
        txn.encode_update_v1()
    }

    /// Everything it holds, as one update (what a server would answer with).
    pub fn encode(&self) -> Vec<u8> {
        self.doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_put_on_one_device_are_fetched_whole_on_another() {
        let picture: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let mut up = FileDoc::new(1);
        let update = up.put(&picture);
        let mut server = FileDoc::new(2);
        server.take(&update).unwrap();
        let mut down = FileDoc::new(3);
        assert_eq!(down.bytes(), None);
        down.take(&server.encode()).unwrap();
        assert_eq!(down.bytes(), Some(picture));
    }

    #[test]
    fn broken_updates_change_nothing() {
        let mut doc = FileDoc::new(1);
        doc.put(b"kept");
        let before = doc.encode();
        assert!(doc.take(&[1, 2, 3, 250, 250]).is_err());
        assert!(doc
            .take(&vec![0; MAX_UPDATE_BYTES + 1])
            .is_err_and(|e| matches!(e, SyncError::TooLarge(_))));
        assert_eq!(doc.encode(), before);
        assert_eq!(doc.bytes().as_deref(), Some(&b"kept"[..]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// A server's bytes of any shape never panic, and a refused update changes nothing.
        #[test]
        fn hostile_bytes_never_panic(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            cut in 0usize..200,
        ) {
            let mut doc = FileDoc::new(1);
            let _ = doc.take(&bytes);
            let mut up = FileDoc::new(2);
            let whole = up.put(&bytes);
            let mut target = FileDoc::new(3);
            let cut = &whole[..cut.min(whole.len())];
            let before = target.encode();
            if target.take(cut).is_err() {
                proptest::prop_assert_eq!(target.encode(), before);
            }
        }
    }

    #[test]
    fn a_room_names_the_contents_under_the_library() {
        assert_eq!(file_room("abc", "f00d"), "abc-f00d");
        assert_ne!(file_room("abc", "f00d"), file_room("abd", "f00d"));
    }
}
