//! The recovery copy of unsaved work, written every minute and offered after a crash.

#[allow(clippy::wildcard_imports)]
use super::*;

impl SandboxApp {
    /// Where unsaved work is copied (by default in eframe's storage folder); `None` turns it off.
    pub fn set_recovery_file(&mut self, path: Option<PathBuf>) {
        self.recovery = path;
    }

    /// Whether a recovery copy is being offered for restoring.
    pub fn recovery_offered(&self) -> bool {
        self.offer_recovery.is_some()
    }

    /// Looks for a recovery copy and offers to restore it.
    pub fn check_recovery(&mut self) {
        if let Some(recovery) = &self.recovery
            && let Ok(diagram) = file::load(recovery)
        {
            self.offer_recovery = Some((recovery.clone(), diagram));
        }
    }

    pub(super) fn autosave(&mut self) {
        if !self.doc.is_modified() || self.last_autosave.elapsed() < AUTOSAVE_EVERY {
            return;
        }
        self.write_recovery();
    }

    /// Writes the recovery copy now (the app does it every minute while there are unsaved changes).
    pub fn write_recovery(&mut self) {
        self.last_autosave = Instant::now();
        let Some(path) = self.recovery.clone() else { return };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(e) = file::save(&self.doc.diagram, &path) {
            self.say(format!("Could not write the recovery copy: {e}"), true);
        }
    }
}
