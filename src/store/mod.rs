//! IndexedDB through rexie: the schema, its migrations and every read and write. The only code
//! in Loam that touches IndexedDB.

pub mod journal;

use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

use crate::core::note::Note;

const DB_NAME: &str = "loam";
const NOTES: &str = "notes";
const META: &str = "meta";

/// Version of the IndexedDB schema (object stores and indexes). Raise it when a store is added;
/// rexie creates the declared stores on upgrade. Data rewrites go in [`migrate`].
const SCHEMA_VERSION: u32 = 1;
/// Version of the records' shape, kept in the meta store and advanced by [`migrate`].
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

/// What [`Store::load_notes`] found.
pub struct LoadedNotes {
    pub notes: Vec<Note>,
    /// Records that could not be read as notes (left untouched in the database).
    pub unreadable: usize,
}

impl Store {
    /// Opens (creating or upgrading) the database and brings its data up to date.
    pub async fn open() -> Result<Store, StoreError> {
        let db = Rexie::builder(DB_NAME)
            .version(SCHEMA_VERSION)
            .add_object_store(ObjectStore::new(NOTES).key_path("id"))
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
        let stored: Option<MetaRecord<u32>> = self.get(META, "data_version").await?;
        let from = stored.map(|m| m.value).unwrap_or(0);
        if from > DATA_VERSION {
            return Err(StoreError::plain(
                "This library was saved by a newer version of Loam: reload to update the app.",
            ));
        }
        // Version 0 is a fresh database or one from before versioning: notes were already in
        // today's shape, so only the marker is written.
        if from < DATA_VERSION {
            let record = MetaRecord {
                key: "data_version".to_string(),
                value: DATA_VERSION,
            };
            self.put_all(META, std::slice::from_ref(&record)).await?;
        }
        Ok(())
    }

    /// Every note in the database.
    pub async fn load_notes(&self) -> Result<LoadedNotes, StoreError> {
        let tx = self
            .db
            .transaction(&[NOTES], TransactionMode::ReadOnly)
            .map_err(|e| StoreError::from_rexie("read notes", e))?;
        let values = tx
            .store(NOTES)
            .map_err(|e| StoreError::from_rexie("read notes", e))?
            .get_all(None, None)
            .await
            .map_err(|e| StoreError::from_rexie("read notes", e))?;
        let mut notes = Vec::with_capacity(values.len());
        let mut unreadable = 0;
        for value in values {
            match serde_wasm_bindgen::from_value::<Note>(value) {
                Ok(note) => notes.push(note),
                Err(_) => unreadable += 1,
            }
        }
        Ok(LoadedNotes { notes, unreadable })
    }

    /// Writes notes in one transaction: all of them are stored, or none.
    pub async fn put_notes(&self, notes: &[Note]) -> Result<(), StoreError> {
        self.put_all(NOTES, notes).await
    }

    /// Deletes a note.
    pub async fn delete_note(&self, id: &str) -> Result<(), StoreError> {
        let fail = |e| StoreError::from_rexie("delete the note", e);
        let tx = self
            .db
            .transaction(&[NOTES], TransactionMode::ReadWrite)
            .map_err(fail)?;
        tx.store(NOTES)
            .map_err(fail)?
            .delete(JsValue::from_str(id))
            .await
            .map_err(fail)?;
        finish(tx, "delete the note").await
    }

    async fn get<T: DeserializeOwned>(
        &self,
        store: &str,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let fail = |e| StoreError::from_rexie("read settings", e);
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadOnly)
            .map_err(fail)?;
        let value = tx
            .store(store)
            .map_err(fail)?
            .get(JsValue::from_str(key))
            .await
            .map_err(fail)?;
        Ok(value.and_then(|v| serde_wasm_bindgen::from_value(v).ok()))
    }

    async fn put_all<T: Serialize>(&self, store: &str, records: &[T]) -> Result<(), StoreError> {
        // Serialise everything first: awaiting anything else inside the transaction would let
        // it commit early.
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let values = records
            .iter()
            .map(|r| r.serialize(&serializer))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::plain(format!("Could not prepare data for saving: {e}")))?;
        let fail = |e| StoreError::from_rexie("save", e);
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadWrite)
            .map_err(fail)?;
        let object_store = tx.store(store).map_err(fail)?;
        for value in &values {
            object_store.put(value, None).await.map_err(fail)?;
        }
        finish(tx, "save").await
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
