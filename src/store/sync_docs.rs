//! The sync worker's own database (`loam-sync`): each synced document's encoded state by name,
//! and the device's sync identity. Apart from the library's database, so turning sync off or
//! on never touches the library's schema.

use idb::builder::{DatabaseBuilder, ObjectStoreBuilder};
use idb::{Database, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};

use super::StoreError;

const DB_NAME: &str = "loam-sync";
const DOCS: &str = "docs";

/// The open sync database.
pub struct SyncDocs {
    db: Database,
}

impl SyncDocs {
    pub async fn open() -> Result<SyncDocs, StoreError> {
        let db = DatabaseBuilder::new(DB_NAME)
            .version(1)
            .add_object_store(ObjectStoreBuilder::new(DOCS))
            .build()
            .await
            .map_err(|e| StoreError::from_idb("open the sync database", e))?;
        Ok(SyncDocs { db })
    }

    /// Every stored document: `(name, state)`.
    pub async fn read(&self, names: &[String]) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let fail = |e| StoreError::from_idb("read the synced documents", e);
        let tx = self
            .db
            .transaction(&[DOCS], TransactionMode::ReadOnly)
            .map_err(fail)?;
        let store = tx.object_store(DOCS).map_err(fail)?;
        let mut docs = Vec::new();
        for name in names {
            let value = store
                .get(JsValue::from_str(name))
                .map_err(fail)?
                .await
                .map_err(fail)?;
            if let Some(bytes) = value.and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok()) {
                docs.push((name.clone(), bytes.to_vec()));
            }
        }
        Ok(docs)
    }

    /// Stores documents' states in one transaction.
    pub async fn write(&self, docs: &[(String, Vec<u8>)]) -> Result<(), StoreError> {
        let fail = |e| StoreError::from_idb("save the synced documents", e);
        let tx = self
            .db
            .transaction(&[DOCS], TransactionMode::ReadWrite)
            .map_err(fail)?;
        let store = tx.object_store(DOCS).map_err(fail)?;
        for (name, state) in docs {
            let bytes = js_sys::Uint8Array::from(&state[..]);
            store
                .put(&bytes, Some(&JsValue::from_str(name)))
                .map_err(fail)?;
        }
        super::finish(tx).await
    }

    /// Forgets every document (sync turned off, or another key joined).
    pub async fn clear(&self) -> Result<(), StoreError> {
        let fail = |e| StoreError::from_idb("clear the synced documents", e);
        let tx = self
            .db
            .transaction(&[DOCS], TransactionMode::ReadWrite)
            .map_err(fail)?;
        tx.object_store(DOCS).map_err(fail)?.clear().map_err(fail)?;
        super::finish(tx).await
    }
}
