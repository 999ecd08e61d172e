//! Loam's own formats for moving a library: shared bundles (links and files), backups, and the
//! merge of what arrives into the library.

pub mod backup;
pub mod bundle;
pub mod carried;
pub mod course;
pub mod error;
pub mod frame;
pub mod hosting;
pub mod link;
pub mod merge;
pub mod plan;

pub use backup::{Backup, Meta, RestorePlan, Restored};
pub use bundle::{Bundle, BundleNote};
pub use course::{Course, CourseProgress, Elsewhere};
pub use error::{ExchangeError, Reading};
pub use hosting::{Hosting, Place};
pub use merge::{Applied, Choice};
pub use plan::{Change, ImportPlan, PlanItem, Planning};
