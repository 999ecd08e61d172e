//! Pure product logic, free of any browser API, so it compiles and is tested natively.

pub mod backup;
pub mod bundle;
pub mod card;
pub mod chart;
pub mod deck;
pub mod highlight;
pub mod library;
pub mod link;
pub mod markdown;
pub mod merge;
pub mod note;
pub mod qr;
pub mod review;
pub mod route;
pub mod schedule;
pub mod search;
pub mod stats;
pub mod storage;
