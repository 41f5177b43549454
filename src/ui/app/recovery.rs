//! The recovery copy of unsaved work: written after every change of the document (on a thread of
//! its own, so that typing never waits for the disk), removed once nothing is unsaved, and offered
//! back after a crash. It is never older than the document's last change.

#[allow(clippy::wildcard_imports)]
use super::*;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Condvar, Mutex};

/// How long [`SandboxApp::flush_recovery`] waits for the disk at most.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// What the writer thread is asked to do, numbered in order.
enum Job {
    /// Write this text to this file (atomically).
    Write(u64, PathBuf, String),
    /// Remove this file.
    Remove(u64, PathBuf),
}

/// What the writer thread has done: the last job finished, and the last failure to report.
#[derive(Default)]
struct Done {
    job: u64,
    error: Option<String>,
}

/// The thread that writes recovery copies, newest first: jobs that queued up behind a slow write
/// are skipped for the latest one.
pub(super) struct RecoveryWriter {
    jobs: Option<Sender<Job>>,
    done: Arc<(Mutex<Done>, Condvar)>,
    /// Jobs sent so far.
    sent: u64,
    /// The document revision the file holds (or is being written with); `None`: no copy of ours.
    pub(super) revision: Option<u64>,
}

impl Default for RecoveryWriter {
    fn default() -> Self {
        let done = Arc::new((Mutex::new(Done::default()), Condvar::new()));
        let (sender, receiver) = channel::<Job>();
        let shared = Arc::clone(&done);
        let spawned = std::thread::Builder::new().name("recovery-copy".into()).spawn(move || {
            while let Ok(mut job) = receiver.recv() {
                // Only the newest job matters: an older copy would be overwritten at once.
                while let Ok(newer) = receiver.try_recv() {
                    job = newer;
                }
                let (number, result) = run(&job);
                let (lock, wake) = &*shared;
                if let Ok(mut d) = lock.lock() {
                    d.job = number;
                    if let Err(e) = result {
                        d.error = Some(e);
                    }
                }
                wake.notify_all();
            }
        });
        Self { jobs: spawned.ok().map(|_| sender), done, sent: 0, revision: None }
    }
}

/// Does a job; returns its number and how it went.
fn run(job: &Job) -> (u64, Result<(), String>) {
    match job {
        Job::Write(n, path, text) => {
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            (*n, file::write_atomically(path, text.as_bytes()).map_err(|e| e.to_string()))
        }
        Job::Remove(n, path) => match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => (*n, Err(format!("{}: {e}", path.display()))),
            _ => (*n, Ok(())),
        },
    }
}

impl RecoveryWriter {
    fn send(&mut self, job: impl FnOnce(u64) -> Job) {
        self.sent += 1;
        let job = job(self.sent);
        // Without the thread (it could not start), write here and now.
        let Some(jobs) = &self.jobs else {
            if let ((_, Err(e)), Ok(mut d)) = (run(&job), self.done.0.lock()) {
                d.error = Some(e);
            }
            return;
        };
        let _ = jobs.send(job);
    }

    /// Waits until every job sent is done (at most [`FLUSH_TIMEOUT`]).
    fn flush(&self) {
        if self.jobs.is_none() {
            return;
        }
        let (lock, wake) = &*self.done;
        let Ok(guard) = lock.lock() else { return };
        let _ = wake.wait_timeout_while(guard, FLUSH_TIMEOUT, |d| d.job < self.sent);
    }

    /// The last failure, once.
    fn take_error(&self) -> Option<String> {
        self.done.0.lock().ok().and_then(|mut d| d.error.take())
    }
}

impl SandboxApp {
    /// Where unsaved work is copied (by default in eframe's storage folder); `None` turns it off.
    pub fn set_recovery_file(&mut self, path: Option<PathBuf>) {
        self.recovery = path;
        self.recovery_writer.revision = None;
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

    /// Brings the recovery copy up to date with the document (each frame): a new copy after any
    /// change while something is unsaved, none once nothing is. A copy offered for restoring is
    /// left alone until answered.
    pub(super) fn autosave(&mut self) {
        let Some(path) = self.recovery.clone() else { return };
        if self.offer_recovery.is_some() {
            return;
        }
        let revision = self.doc.revision();
        if self.doc.is_modified() {
            if self.recovery_writer.revision != Some(revision) {
                match file::to_ron_string(&self.doc.diagram) {
                    Ok(text) => self.recovery_writer.send(|n| Job::Write(n, path, text)),
                    Err(e) => self.say(format!("Could not write the recovery copy: {e}"), true),
                }
                self.recovery_writer.revision = Some(revision);
            }
        } else if self.recovery_writer.revision.take().is_some() {
            self.recovery_writer.send(|n| Job::Remove(n, path));
        }
        if let Some(e) = self.recovery_writer.take_error() {
            self.say(format!("Could not write the recovery copy: {e}"), true);
        }
    }

    /// Writes the recovery copy now if it is behind, and waits until it is on disk.
    pub fn write_recovery(&mut self) {
        self.autosave();
        self.recovery_writer.flush();
    }

    /// Waits until what the frames asked of the recovery copy (a write, a removal) is on disk,
    /// without asking anything itself.
    pub fn flush_recovery(&mut self) {
        self.recovery_writer.flush();
    }

    /// Removes the recovery copy (the work is saved, or deliberately discarded), and waits for it.
    pub(super) fn discard_recovery(&mut self) {
        if let Some(path) = self.recovery.clone() {
            self.recovery_writer.revision = None;
            self.recovery_writer.send(|n| Job::Remove(n, path));
            self.recovery_writer.flush();
        }
    }
}
