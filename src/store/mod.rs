//! IndexedDB through rexie: the schema, its migrations and every read and write. The only code
//! in Loam that touches IndexedDB.

pub mod journal;

use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

const DB_NAME: &str = "loam";
pub const NOTES: &str = "notes";
pub const CARDS: &str = "cards";
pub const REVIEWS: &str = "reviews";
const META: &str = "meta";

/// Version of the IndexedDB schema (object stores and indexes). Raise it when a store is added;
/// rexie creates the declared stores on upgrade. Data rewrites go in [`Store::migrate`].
/// 1: notes, meta. 2: cards and the review log.
const SCHEMA_VERSION: u32 = 2;
/// Version of the records' shape, kept in the meta store and advanced by [`Store::migrate`].
const DATA_VERSION: u32 = 1;

/// A failed read or write, in words a user can act on.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreError {
    pub message: String,
    /// The browser refused the write for lack of space.
    pub quota: bool,
}

impl StoreError {
    fn from_rexie(action: &str, err: rexie::Error) -> Self {
        let detail = err.to_string();
        let quota = detail.contains("QuotaExceeded");
        let message = if quota {
            "Storage is full: free some space (or allow more) and Loam will save again.".to_string()
        } else {
            format!("Could not {action}: {detail}")
        };
        StoreError { message, quota }
    }

    fn plain(message: impl Into<String>) -> Self {
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
    db: Rexie,
}

/// Records read from one object store.
pub struct Loaded<T> {
    pub records: Vec<T>,
    /// Records that could not be read (left untouched in the database).
    pub unreadable: usize,
}

/// Writes that belong together: applied in one transaction, so all land or none do.
#[derive(Default)]
pub struct Write {
    puts: Vec<(&'static str, JsValue)>,
    deletes: Vec<(&'static str, JsValue)>,
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
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        for record in records {
            let value = record.serialize(&serializer).map_err(|e| {
                StoreError::plain(format!("Could not prepare data for saving: {e}"))
            })?;
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

    /// Adds a key to delete from `store`.
    pub fn delete(mut self, store: &'static str, key: &str) -> Self {
        self.deletes.push((store, JsValue::from_str(key)));
        self
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
    /// Opens (creating or upgrading) the database and brings its data up to date.
    pub async fn open() -> Result<Store, StoreError> {
        let db = Rexie::builder(DB_NAME)
            .version(SCHEMA_VERSION)
            .add_object_store(ObjectStore::new(NOTES).key_path("id"))
            .add_object_store(ObjectStore::new(CARDS).key_path("id"))
            .add_object_store(ObjectStore::new(REVIEWS).key_path("id"))
            .add_object_store(ObjectStore::new(META).key_path("key"))
            .build()
            .await
            .map_err(|e| StoreError::from_rexie("open the database", e))?;
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
        let fail = |e| StoreError::from_rexie("read your library", e);
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadOnly)
            .map_err(fail)?;
        let values = tx
            .store(store)
            .map_err(fail)?
            .get_all(None, None)
            .await
            .map_err(fail)?;
        let mut records = Vec::with_capacity(values.len());
        let mut unreadable = 0;
        for value in values {
            match serde_wasm_bindgen::from_value::<T>(value) {
                Ok(record) => records.push(record),
                Err(_) => unreadable += 1,
            }
        }
        Ok(Loaded {
            records,
            unreadable,
        })
    }

    /// Applies a set of writes in one transaction: every one of them lands, or none does.
    pub async fn apply(&self, write: Write) -> Result<(), StoreError> {
        if write.is_empty() {
            return Ok(());
        }
        let fail = |e| StoreError::from_rexie("save", e);
        let tx = self
            .db
            .transaction(&write.stores(), TransactionMode::ReadWrite)
            .map_err(fail)?;
        // Requests are awaited one by one: each is an IndexedDB request, so the transaction
        // stays open between them.
        for (store, value) in &write.puts {
            tx.store(store)
                .map_err(fail)?
                .put(value, None)
                .await
                .map_err(fail)?;
        }
        for (store, key) in write.deletes {
            tx.store(store)
                .map_err(fail)?
                .delete(key)
                .await
                .map_err(fail)?;
        }
        finish(tx, "save").await
    }

    /// A setting or marker from the meta store; `None` when absent or unreadable.
    pub async fn get_meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let fail = |e| StoreError::from_rexie("read settings", e);
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadOnly)
            .map_err(fail)?;
        let value = tx
            .store(META)
            .map_err(fail)?
            .get(JsValue::from_str(key))
            .await
            .map_err(fail)?;
        Ok(value
            .and_then(|v| serde_wasm_bindgen::from_value::<MetaRecord<T>>(v).ok())
            .map(|record| record.value))
    }
}

/// Commits a write transaction at once rather than waiting for it to auto-commit, so a write
/// issued while the page is being hidden or unloaded still lands, and reports an abort (the
/// browser's answer to a full disk).
async fn finish(tx: rexie::Transaction, action: &str) -> Result<(), StoreError> {
    match tx.commit().await {
        Ok(()) => Ok(()),
        Err(rexie::Error::TransactioncommitFailed) => Err(StoreError {
            message: format!(
                "Could not {action}: the browser aborted the write (storage may be full)."
            ),
            quota: true,
        }),
        Err(e) => Err(StoreError::from_rexie(action, e)),
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct MetaRecord<T> {
    key: String,
    value: T,
}
