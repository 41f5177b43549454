//! The recovery copy of unsaved work: written after every change of the document (on a thread of
//! its own, so that typing never waits for the disk), removed once nothing is unsaved, and offered
//! back after a crash. It is never older than the document's last change.
//!
//! Every window has a copy of its own in one folder (`window-PID-N.ron`), whose first line names
//! the document's file, and holds a lock (`window-PID-N.lock`, `flock`) while it lives. A window
//! that starts offers only copies whose lock it can take: their window is gone (the system
//! releases the lock of a killed process), so the work of a window still open is never offered
//! twice or deleted by another one.

#[allow(clippy::wildcard_imports)]
use super::*;
use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// The first line of a recovery copy, before the document's file name (a RON string) or
/// [`UNTITLED`]. RON reads it as a comment, so the copy is a diagram file as it is.
const HEADER: &str = "// Cloud Sandbox recovery copy of ";
/// The header's end for a document that has no file yet.
const UNTITLED: &str = "an untitled diagram";
/// The copy of versions before one copy per window; offered once, like any orphan.
const OLD_SINGLE_COPY: &str = "recovery.ron";

/// Windows started by this process so far (two windows of one process have two copies).
static WINDOWS: AtomicU64 = AtomicU64::new(0);

/// A lock file held open and locked; unlocked (and the file removed) when dropped.
pub(super) struct Lock {
    path: PathBuf,
    file: File,
}

impl Lock {
    /// Takes the lock at `path` (creating the file) if nobody holds it.
    fn take(path: PathBuf) -> Option<Self> {
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).ok()?;
        file.try_lock().ok()?;
        Some(Self { path, file })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed first, so that nobody takes a lock on a file about to disappear.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Where this window keeps its recovery copy, and the lock that says it is alive.
pub(super) struct Slot {
    /// The folder of every window's copy.
    dir: PathBuf,
    /// This window's copy.
    file: PathBuf,
    /// Held while the window lives (`None` where locks cannot be taken: the copy is still written).
    _lock: Option<Lock>,
}

impl Slot {
    /// A slot of its own for this window in `dir` (created if missing).
    fn new(dir: PathBuf) -> Self {
        let _ = std::fs::create_dir_all(&dir);
        let n = WINDOWS.fetch_add(1, Ordering::Relaxed);
        let name = format!("window-{}-{n}", std::process::id());
        let lock = Lock::take(dir.join(format!("{name}.lock")));
        Self { file: dir.join(format!("{name}.ron")), dir, _lock: lock }
    }
}

/// A copy whose window is gone, claimed (locked) by this window while it is offered.
pub(super) struct Orphan {
    /// The copy.
    pub file: PathBuf,
    /// The file the work belonged to (`None`: an untitled diagram).
    pub document: Option<PathBuf>,
    /// The work.
    pub diagram: Diagram,
    /// When the copy was last written.
    pub written: Option<std::time::SystemTime>,
    /// Held while it is offered, so that no other window offers it too.
    _lock: Lock,
}

impl Orphan {
    /// What to ask about it.
    pub fn question(&self) -> String {
        let when = self
            .written
            .and_then(|t| t.elapsed().ok())
            .map_or_else(String::new, |age| format!(" (copied {} ago)", ago(age)));
        match &self.document {
            Some(path) => format!(
                "A Cloud Sandbox window was closed with unsaved changes to {}{when}. Restore them from the recovery copy?",
                path.display()
            ),
            None => format!(
                "A Cloud Sandbox window was closed with unsaved changes to an untitled diagram{when}. Restore it from the recovery copy?"
            ),
        }
    }
}

/// A duration in words: "40 s", "12 min", "3 h", "2 days".
fn ago(age: Duration) -> String {
    let s = age.as_secs();
    match s {
        0..120 => format!("{s} s"),
        120..7_200 => format!("{} min", s / 60),
        7_200..172_800 => format!("{} h", s / 3_600),
        _ => format!("{} days", s / 86_400),
    }
}

/// The recovery copy's text: the header naming `document`, then the diagram.
fn copy_text(document: Option<&Path>, diagram: &Diagram) -> Result<String, file::FileError> {
    // A file name that is not Unicode cannot be written back exactly: the work is kept as untitled.
    let name = document.and_then(Path::to_str).and_then(|p| ron::to_string(p).ok());
    let header = name.unwrap_or_else(|| UNTITLED.to_owned());
    Ok(format!("{HEADER}{header}\n{}", file::to_ron_string(diagram)?))
}

/// Reads a recovery copy: the document it belongs to and the diagram.
fn read_copy(path: &Path) -> Result<(Option<PathBuf>, Diagram), file::FileError> {
    let text = file::read_text(path)?;
    let document = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix(HEADER))
        .and_then(|name| ron::from_str::<String>(name).ok())
        .map(PathBuf::from);
    Ok((document, file::from_ron_str(&text, &path.display().to_string())?))
}

/// The newest copy in `dir` whose window is gone, claimed; and how many more there are. Locks of
/// gone windows that left no copy are removed on the way.
fn find_orphan(dir: &Path, own: &Path) -> (Option<Orphan>, usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return (None, 0) };
    let mut copies = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("window-")) {
            continue;
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("ron") if path != own && entry.file_type().is_ok_and(|t| t.is_file()) => copies.push(path),
            Some("lock") if !path.with_extension("ron").exists() => drop(Lock::take(path)),
            _ => {}
        }
    }
    copies.extend(dir.parent().map(|p| p.join(OLD_SINGLE_COPY)).filter(|p| p.is_file()));
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    copies.sort_by_key(|p| std::cmp::Reverse(modified(p)));
    let mut found = None;
    let mut more = 0;
    for copy in copies {
        let Some(lock) = Lock::take(copy.with_extension("lock")) else { continue };
        if found.is_some() {
            more += 1;
            continue;
        }
        // The lock was free: its window is gone, and no other window offers it now.
        match read_copy(&copy) {
            Ok((document, diagram)) => {
                let written = modified(&copy);
                found = Some(Orphan { file: copy, document, diagram, written, _lock: lock });
            }
            // A copy that cannot be read stays where it is, for a person to look at.
            Err(_) => drop(lock),
        }
    }
    (found, more)
}

impl SandboxApp {
    /// Keeps this window's recovery copy in `dir` (by default a folder in eframe's storage);
    /// `None` turns copies off.
    pub fn set_recovery_dir(&mut self, dir: Option<PathBuf>) {
        self.recovery = dir.map(Slot::new);
        self.recovery_writer.revision = None;
    }

    /// This window's recovery copy, if copies are on.
    pub fn recovery_file(&self) -> Option<&Path> {
        self.recovery.as_ref().map(|s| s.file.as_path())
    }

    /// The copy of a gone window being offered for restoring, if any.
    pub fn recovery_offered(&self) -> Option<&Path> {
        self.offer_recovery.as_ref().map(|o| o.file.as_path())
    }

    /// Looks for the copy of a window that is gone and offers to restore it (the newest; the
    /// others are offered by the next windows).
    pub fn check_recovery(&mut self) {
        let Some(slot) = &self.recovery else { return };
        let (orphan, more) = find_orphan(&slot.dir, &slot.file);
        self.offer_recovery = orphan;
        if more > 0 {
            self.say(format!("{more} more recovery copies wait for the next windows you open"), false);
        }
    }

    /// Restores the offered copy: the work, with the file it belonged to, unsaved. The old copy
    /// is removed only once this window's own copy of it is on disk.
    pub(super) fn restore_recovery(&mut self) {
        let Some(orphan) = self.offer_recovery.take() else { return };
        let name = orphan.document.as_ref().map(|p| p.display().to_string());
        self.replace_document(Document::unsaved(orphan.diagram, orphan.document));
        self.write_recovery();
        let _ = std::fs::remove_file(&orphan.file);
        match name {
            Some(name) => self.say(format!("Restored the unsaved changes to {name}: save to keep them"), false),
            None => self.say("Restored the unsaved untitled diagram: save it to keep it", false),
        }
    }

    /// Deletes the offered copy: the person does not want it.
    pub(super) fn discard_offered_recovery(&mut self) {
        if let Some(orphan) = self.offer_recovery.take() {
            let _ = std::fs::remove_file(&orphan.file);
        }
    }

    /// Brings the recovery copy up to date with the document (each frame): a new copy after any
    /// change while something is unsaved, none once nothing is.
    pub(super) fn autosave(&mut self) {
        let Some(path) = self.recovery.as_ref().map(|s| s.file.clone()) else { return };
        let revision = self.doc.revision();
        if self.doc.is_modified() {
            if self.recovery_writer.revision != Some(revision) {
                match copy_text(self.doc.path.as_deref(), &self.doc.diagram) {
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

    /// Removes this window's recovery copy (the work is saved, or deliberately discarded), and
    /// waits for it.
    pub(super) fn discard_recovery(&mut self) {
        if let Some(path) = self.recovery.as_ref().map(|s| s.file.clone()) {
            self.recovery_writer.revision = None;
            self.recovery_writer.send(|n| Job::Remove(n, path));
            self.recovery_writer.flush();
        }
    }
}
