//! New versions of Loam: unsaved text is put somewhere safe before the page switches.

use super::AppState;
use crate::browser::update;

impl AppState {
    /// Puts unsaved text somewhere safe, then asks for the new version, which reloads the page
    /// once it is in control.
    pub fn apply_update(&self) {
        self.flush_before_leaving();
        update::apply();
    }
}
