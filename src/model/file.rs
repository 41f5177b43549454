//! Reading and writing diagrams as RON files.
//!
//! Files are pretty RON with `format_version: 1` and two RON extensions switched on, so that
//! hand-written files read naturally: `Instance(count: 3)` instead of `Instance((count: 3))`, and
//! `timeout_ms: 500.0` instead of `timeout_ms: Some(500.0)`. Unknown fields are errors with line and
//! column. Saving writes a temporary file beside the target and renames it over, so a crash while
//! saving never leaves half a file.

use super::{Diagram, FORMAT_VERSION};
use ron::extensions::Extensions;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The largest diagram, fault script or pricing catalog read, in bytes (32 MiB: a diagram of
/// 100,000 nodes fits; anything larger is refused before it is read).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Why a diagram could not be read or written.
#[derive(Debug, Error)]
pub enum FileError {
    /// The file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The text is not a valid diagram.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// The file was written for another version of the format.
    #[error("{origin}: format_version {found} is not supported (this program reads version {FORMAT_VERSION})")]
    Version {
        /// The file name, or a label.
        origin: String,
        /// The version the file declares.
        found: u32,
    },
    /// The diagram could not be turned into text (should not happen with valid data).
    #[error("could not write the diagram as RON: {0}")]
    Serialize(String),
    /// The path is a device, a pipe or a folder: nothing is read from it.
    #[error("{path}: is not a regular file")]
    NotAFile {
        /// The path given.
        path: PathBuf,
    },
    /// The file is larger than any diagram needs: it is not read.
    #[error("{path}: {bytes} bytes, larger than the {MAX_FILE_BYTES} bytes a file may have")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
    },
    /// A text field is longer than its limit.
    #[error("{origin}: {text}")]
    TooLong {
        /// The file name, or a label.
        origin: String,
        /// Which text, how long, and the limit.
        text: super::validate::LongText,
    },
}

/// Reads a text file of at most [`MAX_FILE_BYTES`]; refuses devices, pipes and folders before
/// opening them (opening a pipe would wait for a writer).
pub fn read_text(path: &Path) -> Result<String, FileError> {
    use std::io::Read as _;
    let io = |source| FileError::Io { path: path.to_owned(), source };
    let meta = fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(FileError::NotAFile { path: path.to_owned() });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge { path: path.to_owned(), bytes: meta.len() });
    }
    let mut text = String::new();
    // The file may grow between the look and the read: read one byte past the limit at most.
    fs::File::open(path).map_err(io)?.take(MAX_FILE_BYTES + 1).read_to_string(&mut text).map_err(io)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooLarge { path: path.to_owned(), bytes: text.len() as u64 });
    }
    Ok(text)
}

/// A place in RON text that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{origin}:{line}:{col}: {message}")]
pub struct SyntaxError {
    /// The file name, or a label for text that did not come from a file.
    pub origin: String,
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column of the problem.
    pub col: usize,
    /// What is wrong there.
    pub message: String,
}

impl SyntaxError {
    /// Names the place of a RON parse error in `origin`.
    pub fn from_ron(e: &ron::error::SpannedError, origin: &str) -> Self {
        Self { origin: origin.to_owned(), line: e.span.start.line, col: e.span.start.col, message: e.code.to_string() }
    }
}

fn extensions() -> Extensions {
    Extensions::UNWRAP_VARIANT_NEWTYPES | Extensions::IMPLICIT_SOME
}

/// Parses a diagram from RON text; `origin` names it in error messages (usually the file path).
pub fn from_ron_str(text: &str, origin: &str) -> Result<Diagram, FileError> {
    let options = ron::Options::default().with_default_extension(extensions());
    let diagram: Diagram = options.from_str(text).map_err(|e| SyntaxError::from_ron(&e, origin))?;
    if diagram.format_version != FORMAT_VERSION {
        return Err(FileError::Version { origin: origin.to_owned(), found: diagram.format_version });
    }
    // A 20 MB description would make the window crawl: refused before anything shows it.
    if let Some(text) = super::validate::long_texts(&diagram).into_iter().next() {
        return Err(FileError::TooLong { origin: origin.to_owned(), text });
    }
    Ok(diagram)
}

/// Parses a fault script: a RON list of faults, or a whole diagram whose scenario's faults are
/// taken. Errors are those of reading it as a list.
pub fn faults_from_ron_str(text: &str, origin: &str) -> Result<Vec<super::Fault>, FileError> {
    let options = ron::Options::default().with_default_extension(extensions());
    match options.from_str::<Vec<super::Fault>>(text) {
        Ok(faults) => Ok(faults),
        Err(e) => match from_ron_str(text, origin) {
            Ok(diagram) => Ok(diagram.scenario.faults),
            Err(_) => Err(SyntaxError::from_ron(&e, origin).into()),
        },
    }
}

/// Reads a fault script file (see [`faults_from_ron_str`]).
pub fn load_faults(path: &Path) -> Result<Vec<super::Fault>, FileError> {
    let text = read_text(path)?;
    faults_from_ron_str(&text, &path.display().to_string())
}

/// Writes a diagram as pretty RON text.
pub fn to_ron_string(diagram: &Diagram) -> Result<String, FileError> {
    let config = ron::ser::PrettyConfig::new()
        .extensions(extensions())
        .struct_names(false)
        .indentor("    ")
        .separate_tuple_members(false);
    let mut text = ron::ser::to_string_pretty(diagram, config).map_err(|e| FileError::Serialize(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// Reads a diagram from a file.
pub fn load(path: &Path) -> Result<Diagram, FileError> {
    let text = read_text(path)?;
    from_ron_str(&text, &path.display().to_string())
}

/// Writes a diagram to a file atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over the target. On any error the target is left as it was.
pub fn save(diagram: &Diagram, path: &Path) -> Result<(), FileError> {
    let text = to_ron_string(diagram)?;
    write_atomically(path, text.as_bytes())
}

/// Temporary files of a save older than this were left by a save that was stopped midway.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_hours(1);

/// Replaces `path` with `bytes` so that readers see either the old or the new content, never a mix:
/// the bytes go to a temporary file beside it, created exclusively under a random name (so a link
/// planted there is never followed), flushed to disk, renamed over `path`, and the folder flushed
/// too. On any error the temporary file is removed and `path` is left as it was. Temporary files
/// that a save stopped midway left behind (over an hour old) are removed on the next save.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let io = |source| FileError::Io { path: path.to_owned(), source };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map_or_else(|| "diagram".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    remove_stale_temporaries(&dir, &prefix);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A replaced file keeps its permissions; a new one gets what any new file gets (the
    // temporary file's own would make every saved diagram private to its owner).
    let kept = fs::metadata(path).ok().filter(fs::Metadata::is_file).map(|m| m.permissions());
    #[cfg(unix)]
    let new_file = <fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o666);
    #[cfg(unix)]
    builder.permissions(kept.clone().unwrap_or(new_file));
    let mut temp = builder.tempfile_in(&dir).map_err(io)?;
    if let Some(kept) = kept {
        // Created under the umask: the exact permissions are set again.
        fs::set_permissions(temp.path(), kept).map_err(io)?;
    }
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    // On failure the temporary file is dropped, which removes it.
    temp.persist(path).map_err(|e| io(e.error))?;
    sync_folder(&dir);
    Ok(())
}

/// Removes our temporary files (`.NAME.*.tmp`, regular files only) older than [`STALE_AFTER`].
fn remove_stale_temporaries(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if !(file_name.starts_with(prefix) && file_name.ends_with(".tmp")) {
            continue;
        }
        // `symlink_metadata`: a link is never ours, whatever it is called.
        let Ok(meta) = fs::symlink_metadata(entry.path()) else { continue };
        let old = meta.modified().ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age > STALE_AFTER);
        if meta.is_file() && old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Flushes a folder's entries to disk, so that a rename survives a power cut (Unix; elsewhere
/// the rename is as durable as the system makes it).
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
