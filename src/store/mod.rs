//! IndexedDB through the idb crate: the schema, its migrations and every read and write. The only
//! code in Loam that touches IndexedDB.

pub mod journal;
pub mod sync_docs;

use crate::core::attachment::Attachment;
use crate::core::note::{Note, NoteId};
use crate::core::review::deck::Card;
use crate::core::storage::{refusal, Refusal};
use crate::core::time::Time;

use idb::builder::{DatabaseBuilder, ObjectStoreBuilder};
use idb::{Database, KeyPath, TransactionMode, TransactionResult};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DomException, IdbTransaction};

const DB_NAME: &str = "loam";
pub const NOTES: &str = "notes";
pub const CARDS: &str = "cards";
pub const REVIEWS: &str = "reviews";
/// Attached files by name: small records read at start.
pub const FILES: &str = "files";
/// Files' contents by hash, as blobs: read only when a file is shown or exported.
pub const CONTENTS: &str = "contents";
const META: &str = "meta";

/// Version of the IndexedDB schema (object stores and indexes). Raise it when a store is added;
/// the builder creates the declared stores on upgrade. Data rewrites go in [`Store::migrate`].
/// 1: notes, meta. 2: cards and the review log. 3: attached files and their contents.
const SCHEMA_VERSION: u32 = 3;
/// Version of the records' shape, kept in the meta store and advanced by [`Store::migrate`].
const DATA_VERSION: u32 = 1;

/// A failed read or write, in words a user can act on.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreError {
    pub message: String,
    /// The browser refused the write for lack of space.
    pub quota: bool,
}

/// What the user reads when the browser refuses a write for lack of space.
const FULL: &str = "Storage is full: free some space (or allow more) and Loam will save again.";
/// What the user reads when the browser ends a write with an `AbortError` or without a reason.
const MAYBE_FULL: &str =
    "The browser refused to store the change (its storage may be full): free some space and Loam will save again.";

impl StoreError {
    fn from_idb(action: &str, err: idb::Error) -> Self {
        Self::classify(
            action,
            exception_name(&err).as_deref(),
            &err.to_string(),
            false,
        )
    }

    /// A failed request of a write: like [`Self::from_idb`], except that an `AbortError` counts
    /// as lack of space (see [`refusal`]).
    fn from_write(err: idb::Error) -> Self {
        Self::classify(
            "save",
            exception_name(&err).as_deref(),
            &err.to_string(),
            true,
        )
    }

    /// A write transaction the browser aborted, from the reason it gave (`transaction.error`);
    /// with no reason at all it is taken for lack of space too.
    fn aborted(reason: Option<DomException>) -> Self {
        match reason {
            Some(e) => {
                let name = e.name();
                let detail = format!("{name}: {}", e.message());
                Self::classify("save", Some(&name), &detail, true)
            }
            None => Self::full(MAYBE_FULL),
        }
    }

    /// What the user reads about a failure (see [`refusal`]).
    fn classify(action: &str, name: Option<&str>, detail: &str, write: bool) -> Self {
        match refusal(name, detail, write) {
            Refusal::Full => Self::full(FULL),
            Refusal::MaybeFull => Self::full(MAYBE_FULL),
            Refusal::Other => Self::plain(format!("Could not {action}: {detail}")),
        }
    }

    fn full(message: &str) -> Self {
        StoreError {
            message: message.to_string(),
            quota: true,
        }
    }

    pub fn plain(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
            quota: false,
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The open database.
pub struct Store {
    db: Database,
}

/// Records read from one object store.
pub struct Loaded<T> {
    pub records: Vec<T>,
    /// Records that could not be read (left untouched in the database).
    pub unreadable: usize,
}

/// The library as start reads it (see [`Store::load_library`]).
pub struct LibraryRead {
    pub notes: Loaded<Note>,
    pub cards: Loaded<Card>,
    pub files: Loaded<Attachment>,
    pub meta: Meta,
}

/// The meta store's records as read, each parsed only when asked for by its key.
pub struct Meta(Vec<(String, JsValue)>);

impl Meta {
    /// The value under `key`; `None` when absent or unreadable.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let (_, value) = self.0.iter().find(|(k, _)| k == key)?;
        from_js::<MetaRecord<T>>(value).map(|record| record.value)
    }
}

/// Writes that belong together: applied in one transaction, so all land or none do.
#[derive(Default)]
pub struct Write {
    puts: Vec<(&'static str, JsValue)>,
    deletes: Vec<(&'static str, JsValue)>,
    changes: Changes,
}

/// The keys a write touched, so other tabs can read them again.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Changes {
    pub notes: Vec<String>,
    pub deleted_notes: Vec<String>,
    pub cards: Vec<String>,
    /// Review log entries put or removed, by id.
    #[serde(default)]
    pub reviews: Vec<String>,
    pub meta: Vec<String>,
    /// Attached files put or removed, by name key.
    #[serde(default)]
    pub files: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    fn note(&mut self, store: &str, key: String, deleted: bool) {
        match (store, deleted) {
            (NOTES, false) => self.notes.push(key),
            (NOTES, true) => self.deleted_notes.push(key),
            (CARDS, _) => self.cards.push(key),
            (REVIEWS, _) => self.reviews.push(key),
            (FILES, _) => self.files.push(key),
            // Contents change only with their file records.
            (CONTENTS, _) => {}
            _ => self.meta.push(key),
        }
    }
}

impl Write {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds records to put (insert or replace) in `store`.
    pub fn put<T: Serialize>(
        mut self,
        store: &'static str,
        records: &[T],
    ) -> Result<Self, StoreError> {
        if records.is_empty() {
            return Ok(self);
        }
        // One JSON text that the browser parses natively costs a fraction of building each
        // object field by field across the wasm boundary.
        let prepare =
            |e: String| StoreError::plain(format!("Could not prepare data for saving: {e}"));
        let json = serde_json::to_string(records).map_err(|e| prepare(e.to_string()))?;
        let values: js_sys::Array = js_sys::JSON::parse(&json)
            .map_err(|_| prepare("the browser could not read it".to_string()))?
            .unchecked_into();
        let key_field = JsValue::from_str(if store == META { "key" } else { "id" });
        for value in values.iter() {
            let key = js_sys::Reflect::get(&value, &key_field)
                .ok()
                .and_then(|k| k.as_string())
                .unwrap_or_default();
            self.changes.note(store, key, false);
            self.puts.push((store, value));
        }
        Ok(self)
    }

    /// Adds a setting or marker to put in the meta store under `key`.
    pub fn put_meta<T: Serialize>(self, key: &str, value: T) -> Result<Self, StoreError> {
        let record = MetaRecord {
            key: key.to_string(),
            value,
        };
        self.put(META, std::slice::from_ref(&record))
    }

    /// Adds a file's contents, stored as the blob it is (never through JSON).
    pub fn put_content(mut self, hash: &str, blob: &web_sys::Blob) -> Self {
        let record = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&record, &"id".into(), &hash.into());
        let _ = js_sys::Reflect::set(&record, &"blob".into(), blob);
        self.puts.push((CONTENTS, record.into()));
        self
    }

    /// Adds a key to delete from `store`.
    pub fn delete(mut self, store: &'static str, key: &str) -> Self {
        self.changes.note(store, key.to_string(), true);
        self.deletes.push((store, JsValue::from_str(key)));
        self
    }

    /// What this write touches.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    pub fn is_empty(&self) -> bool {
        self.puts.is_empty() && self.deletes.is_empty()
    }

    fn stores(&self) -> Vec<&'static str> {
        let mut stores: Vec<&'static str> = self
            .puts
            .iter()
            .chain(&self.deletes)
            .map(|(store, _)| *store)
            .collect();
        crate::core::sort_by(&mut stores, |a, b| a.cmp(b));
        stores.dedup();
        stores
    }
}

impl Store {
    /// Opens (creating or upgrading) the database and brings its data up to date. When a newer
    /// Loam in another tab upgrades the schema, this connection closes at once (so the upgrade
    /// never waits on it) and `on_replaced` tells the user to reload.
    pub async fn open(on_replaced: impl FnOnce() + 'static) -> Result<Store, StoreError> {
        let store = |name: &str, key: &str| {
            ObjectStoreBuilder::new(name).key_path(Some(KeyPath::new_single(key)))
        };
        let mut db = DatabaseBuilder::new(DB_NAME)
            .version(SCHEMA_VERSION)
            .add_object_store(store(NOTES, "id"))
            .add_object_store(store(CARDS, "id"))
            .add_object_store(store(REVIEWS, "id"))
            .add_object_store(store(META, "key"))
            .add_object_store(store(FILES, "id"))
            .add_object_store(store(CONTENTS, "id"))
            .build()
            .await
            .map_err(|e| StoreError::from_idb("open the database", e))?;
        db.on_version_change(move |event| {
            if let Some(db) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::IdbDatabase>().ok())
            {
                db.close();
            }
            on_replaced();
        });
        let store = Store { db };
        store.migrate().await?;
        Ok(store)
    }

    /// Runs the data rewrites between the stored data version and [`DATA_VERSION`].
    async fn migrate(&self) -> Result<(), StoreError> {
        let from: u32 = self.get_meta("data_version").await?.unwrap_or(0);
        if from > DATA_VERSION {
            return Err(StoreError::plain(
                "This library was saved by a newer version of Loam: reload to update the app.",
            ));
        }
        // Version 0 is a fresh database or one from before versioning: notes were already in
        // today's shape, so only the marker is written.
        if from < DATA_VERSION {
            self.apply(Write::new().put_meta("data_version", DATA_VERSION)?)
                .await?;
        }
        Ok(())
    }

    /// Every record of one object store.
    pub async fn load_all<T: DeserializeOwned>(
        &self,
        store: &'static str,
    ) -> Result<Loaded<T>, StoreError> {
        let [request] = self.get_all(&[store])?;
        read_records(&request).await
    }

    /// Up to `count` records of `store` whose keys come after `after` (from the first when
    /// `None`), as the browser holds them, unread: to hand to a worker a slice at a time, so no
    /// single task keeps the page from painting.
    pub async fn raw_page(
        &self,
        store: &'static str,
        after: Option<&str>,
        count: u32,
    ) -> Result<js_sys::Array, StoreError> {
        let fail = |e| StoreError::from_idb("read your library", e);
        let unreadable = |_| StoreError::plain("Could not read your library.");
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadOnly)
            .map_err(fail)?;
        let object_store: web_sys::IdbObjectStore = tx.object_store(store).map_err(fail)?.into();
        let range = match after {
            Some(key) => web_sys::IdbKeyRange::lower_bound_with_open(&key.into(), true)
                .map_err(unreadable)?
                .into(),
            None => JsValue::UNDEFINED,
        };
        let request = object_store
            .get_all_with_key_and_limit(&range, count)
            .map_err(unreadable)?;
        Ok(request_result(&request)
            .await
            .map_err(unreadable)?
            .unchecked_into())
    }

    /// What start reads, all in one transaction: notes, cards, attached files' records and the
    /// settings and markers of the meta store. The browser reads each store while the one
    /// before is being parsed.
    pub async fn load_library(&self) -> Result<LibraryRead, StoreError> {
        let [notes, cards, files, meta] = self.get_all(&[NOTES, CARDS, FILES, META])?;
        Ok(LibraryRead {
            notes: read_records(&notes).await?,
            cards: read_records(&cards).await?,
            files: read_records(&files).await?,
            meta: read_meta(&meta).await?,
        })
    }

    /// Every record of two object stores, read in one transaction: the browser reads the
    /// second while the first is being parsed.
    pub async fn load_both<A: DeserializeOwned, B: DeserializeOwned>(
        &self,
        first: &'static str,
        second: &'static str,
    ) -> Result<(Loaded<A>, Loaded<B>), StoreError> {
        let [a, b] = self.get_all(&[first, second])?;
        Ok((read_records(&a).await?, read_records(&b).await?))
    }

    /// `getAll` requests on these stores, all in one read-only transaction.
    fn get_all<const N: usize>(
        &self,
        stores: &[&'static str; N],
    ) -> Result<[web_sys::IdbRequest; N], StoreError> {
        let fail = |e| StoreError::from_idb("read your library", e);
        let tx = self
            .db
            .transaction(stores, TransactionMode::ReadOnly)
            .map_err(fail)?;
        let mut requests = Vec::with_capacity(N);
        for store in stores {
            let object_store: web_sys::IdbObjectStore =
                tx.object_store(store).map_err(fail)?.into();
            let request = object_store
                .get_all()
                .map_err(|_| StoreError::plain("Could not read your library."))?;
            requests.push(request);
        }
        requests
            .try_into()
            .map_err(|_| StoreError::plain("Could not read your library."))
    }

    /// Applies a set of writes in one transaction: every one of them lands, or none does.
    pub async fn apply(&self, write: Write) -> Result<(), StoreError> {
        if write.is_empty() {
            return Ok(());
        }
        let fail = StoreError::from_write;
        let tx = self
            .db
            .transaction(&write.stores(), TransactionMode::ReadWrite)
            .map_err(fail)?;
        run(&tx, write)?;
        finish(tx).await
    }

    /// Like [`Store::apply`], but first reads each note in `expected` inside the same
    /// transaction: one whose stored `updated` time is not the expected one was saved meanwhile
    /// by another tab. Its stored version is returned and `copy` turns it into a new note, which
    /// is written in the same transaction, so neither version is lost.
    pub async fn apply_checked(
        &self,
        mut write: Write,
        expected: &[(NoteId, Option<Time>)],
        copy: &dyn Fn(Note) -> Note,
    ) -> Result<Vec<Note>, StoreError> {
        if write.is_empty() {
            return Ok(Vec::new());
        }
        let fail = StoreError::from_write;
        let mut stores = write.stores();
        if !stores.contains(&NOTES) {
            stores.push(NOTES);
        }
        let tx = self
            .db
            .transaction(&stores, TransactionMode::ReadWrite)
            .map_err(fail)?;
        let notes = tx.object_store(NOTES).map_err(fail)?;
        let mut copies = Vec::new();
        for (id, updated) in expected {
            let stored = notes
                .get(JsValue::from_str(id))
                .map_err(fail)?
                .await
                .map_err(fail)?
                .and_then(|v| from_js::<Note>(&v));
            if let Some(stored) = stored {
                if Some(stored.updated) != *updated {
                    copies.push(copy(stored));
                }
            }
        }
        if !copies.is_empty() {
            write = write.put(NOTES, &copies)?;
        }
        run(&tx, write)?;
        finish(tx).await?;
        Ok(copies)
    }

    /// One record by key; `None` when absent or unreadable.
    pub async fn get<T: DeserializeOwned>(
        &self,
        store: &'static str,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let fail = |e| StoreError::from_idb("read your library", e);
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadOnly)
            .map_err(fail)?;
        let value = tx
            .object_store(store)
            .map_err(fail)?
            .get(JsValue::from_str(key))
            .map_err(fail)?
            .await
            .map_err(fail)?;
        Ok(value.and_then(|v| from_js::<T>(&v)))
    }

    /// A file's contents by hash; `None` when they are not stored.
    pub async fn content(&self, hash: &str) -> Result<Option<web_sys::Blob>, StoreError> {
        let fail = |e| StoreError::from_idb("read a file", e);
        let tx = self
            .db
            .transaction(&[CONTENTS], TransactionMode::ReadOnly)
            .map_err(fail)?;
        let value = tx
            .object_store(CONTENTS)
            .map_err(fail)?
            .get(JsValue::from_str(hash))
            .map_err(fail)?
            .await
            .map_err(fail)?;
        Ok(value
            .and_then(|v| js_sys::Reflect::get(&v, &"blob".into()).ok())
            .and_then(|b| b.dyn_into::<web_sys::Blob>().ok()))
    }

    /// A setting or marker from the meta store; `None` when absent or unreadable.
    pub async fn get_meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let fail = |e| StoreError::from_idb("read settings", e);
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadOnly)
            .map_err(fail)?;
        let value = tx
            .object_store(META)
            .map_err(fail)?
            .get(JsValue::from_str(key))
            .map_err(fail)?
            .await
            .map_err(fail)?;
        Ok(value
            .and_then(|v| from_js::<MetaRecord<T>>(&v))
            .map(|record| record.value))
    }
}

/// A record read from storage, through the browser's JSON text: every record is
/// read by serde_json alone, so each record type compiles one reader instead of two.
fn from_js<T: DeserializeOwned>(value: &JsValue) -> Option<T> {
    let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

/// The records a `getAll` request read, once it has.
async fn read_records<T: DeserializeOwned>(
    request: &web_sys::IdbRequest,
) -> Result<Loaded<T>, StoreError> {
    let values = request_result(request)
        .await
        .map_err(|_| StoreError::plain("Could not read your library."))?;
    // The browser writes all records as one JSON text natively, and serde_json reads it far
    // faster than each field could be fetched across the wasm boundary.
    let json: Option<String> = js_sys::JSON::stringify(&values)
        .ok()
        .and_then(|text| text.as_string());
    let (records, unreadable) = match json.as_deref().map(serde_json::from_str::<Vec<T>>) {
        Some(Ok(records)) => (records, 0),
        // Some record does not fit: read them one by one and count those that fail.
        _ => {
            let values: js_sys::Array = values.unchecked_into();
            let mut records = Vec::with_capacity(values.length() as usize);
            let mut unreadable = 0;
            for value in values.iter() {
                match from_js::<T>(&value) {
                    Some(record) => records.push(record),
                    None => unreadable += 1,
                }
            }
            (records, unreadable)
        }
    };
    Ok(Loaded {
        records,
        unreadable,
    })
}

/// The meta store's records a `getAll` request read, by key.
async fn read_meta(request: &web_sys::IdbRequest) -> Result<Meta, StoreError> {
    let values = request_result(request)
        .await
        .map_err(|_| StoreError::plain("Could not read your settings."))?;
    let values: js_sys::Array = values.unchecked_into();
    let records = values
        .iter()
        .filter_map(|value| {
            let key = js_sys::Reflect::get(&value, &"key".into())
                .ok()?
                .as_string()?;
            Some((key, value))
        })
        .collect();
    Ok(Meta(records))
}

/// The result of a request, once it has one.
async fn request_result(request: &web_sys::IdbRequest) -> Result<JsValue, JsValue> {
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    wasm_bindgen_futures::JsFuture::from(done).await?;
    request.result()
}

/// Issues a write's requests in `tx` without waiting for each: IndexedDB runs them in order, and
/// the commit that follows reports the first that failed (the transaction then aborts whole).
fn run(tx: &idb::Transaction, write: Write) -> Result<(), StoreError> {
    let fail = StoreError::from_write;
    let mut stores: Vec<(&str, idb::ObjectStore)> = Vec::new();
    for (name, _) in write.puts.iter().chain(&write.deletes) {
        if !stores.iter().any(|(n, _)| n == name) {
            stores.push((name, tx.object_store(name).map_err(fail)?));
        }
    }
    let store = |name: &str| stores.iter().find(|(n, _)| *n == name).map(|(_, s)| s);
    for (name, value) in &write.puts {
        if let Some(store) = store(name) {
            store.put(value, None).map_err(fail)?;
        }
    }
    for (name, key) in write.deletes {
        if let Some(store) = store(name) {
            store.delete(key).map_err(fail)?;
        }
    }
    Ok(())
}

/// Commits a write transaction at once rather than waiting for it to auto-commit, so a write
/// issued while the page is being hidden or unloaded still lands, and reports an abort with the
/// reason the browser gave (a write refused for lack of space aborts at commit).
async fn finish(tx: idb::Transaction) -> Result<(), StoreError> {
    let raw: IdbTransaction = tx.into();
    let committed = idb::Transaction::from(raw.clone())
        .commit()
        .map_err(StoreError::from_write)?
        .await
        .map_err(StoreError::from_write)?;
    match committed {
        TransactionResult::Committed => Ok(()),
        TransactionResult::Aborted => Err(StoreError::aborted(raw.error())),
    }
}

/// The name of the `DOMException` behind an error, if there is one.
fn exception_name(err: &idb::Error) -> Option<String> {
    match err {
        idb::Error::DomException(e) => Some(e.name()),
        _ => None,
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct MetaRecord<T> {
    key: String,
    value: T,
}
