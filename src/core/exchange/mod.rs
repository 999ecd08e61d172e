//! Loam's own formats for moving a library: shared bundles (links and files), backups, and the
//! merge of what arrives into the library.

pub mod backup;
pub mod bundle;
pub mod merge;
