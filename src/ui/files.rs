//! File dialogs. Native dialogs (rfd) run on their own thread so the window never blocks; when no
//! dialog is available (no desktop portal, no zenity), an in-app path prompt takes over.

use super::action::Action;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// A dialog answered this fast with "nothing" was not shown at all: fall back to the prompt.
const UNAVAILABLE_WITHIN: Duration = Duration::from_millis(400);

/// Which question a dialog asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    /// Which file to open.
    Open,
    /// Where to save.
    SaveAs,
    /// Which folder to export the metrics (CSV) into.
    ExportFolder,
    /// Which pricing catalog to use.
    Pricing,
    /// Which diagram to compare with.
    CompareWith,
    /// Which diagram to compare first (side A).
    CompareFirst,
    /// Which fault script the comparison shares.
    CompareFaults,
    /// Where to write the report as Markdown.
    ExportReport,
    /// Where to write the diagram as a picture (.svg or .png).
    ExportImage,
    /// Which folder to write each chart into (PNG and SVG).
    ExportCharts,
}

/// How a dialog asks: for a file to read, a file to write, or a folder.
enum Ask {
    Open,
    Save,
    Folder,
}

impl DialogKind {
    fn ask(self) -> Ask {
        match self {
            Self::Open | Self::Pricing | Self::CompareWith | Self::CompareFirst | Self::CompareFaults => Ask::Open,
            Self::SaveAs | Self::ExportReport | Self::ExportImage => Ask::Save,
            Self::ExportFolder | Self::ExportCharts => Ask::Folder,
        }
    }

    /// The file types the dialog offers.
    fn filters(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            Self::ExportReport => &[("Markdown", &["md"])],
            Self::ExportImage => &[("SVG picture", &["svg"]), ("PNG picture", &["png"])],
            Self::ExportFolder | Self::ExportCharts => &[],
            _ => &[("Cloud Sandbox diagram", &["ron"])],
        }
    }
}

/// The in-app prompt for a path.
#[derive(Debug, Clone)]
struct Prompt {
    kind: DialogKind,
    text: String,
}

/// Dialogs in progress.
#[derive(Debug)]
pub struct Files {
    waiting: Option<(DialogKind, Instant, Receiver<Option<PathBuf>>)>,
    prompt: Option<Prompt>,
    /// What the dialog in progress proposed, for the prompt if no dialog can be shown.
    suggestion: Option<String>,
    /// Try native dialogs first (off: always the in-app prompt).
    pub native: bool,
}

impl Default for Files {
    fn default() -> Self {
        Self {
            waiting: None,
            prompt: None,
            suggestion: None,
            native: std::env::var_os("CLOUD_SANDBOX_NO_DIALOGS").is_none(),
        }
    }
}

impl Files {
    /// Asks for a path: a native dialog if one can be shown, else the in-app prompt.
    pub fn start(&mut self, kind: DialogKind, current: Option<&Path>) {
        if self.waiting.is_some() || self.prompt.is_some() {
            return;
        }
        let suggestion = current.map_or_else(|| "diagram.ron".to_owned(), |p| p.display().to_string());
        if !self.native {
            self.prompt = Some(Prompt { kind, text: suggestion });
            return;
        }
        self.suggestion = Some(suggestion.clone());
        let (sender, receiver) = channel();
        let directory = current.and_then(Path::parent).map(Path::to_owned);
        let file_name = current.and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
        let spawned = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
            let mut dialog = rfd::FileDialog::new();
            for (name, extensions) in kind.filters() {
                dialog = dialog.add_filter(*name, extensions);
            }
            if let Some(dir) = directory {
                dialog = dialog.set_directory(dir);
            }
            let answer = match kind.ask() {
                Ask::Open => dialog.pick_file(),
                Ask::Save => dialog.set_file_name(file_name.unwrap_or_else(|| "diagram.ron".into())).save_file(),
                Ask::Folder => dialog.pick_folder(),
            };
            let _ = sender.send(answer);
        });
        if spawned.is_ok() {
            self.waiting = Some((kind, Instant::now(), receiver));
        } else {
            self.prompt = Some(Prompt { kind, text: suggestion });
        }
    }

    /// The action for `path`, the answer to `kind`; `native`: a native dialog gave it (a native
    /// save dialog has asked about replacing a file already).
    fn answer(kind: DialogKind, path: PathBuf, native: bool) -> Action {
        match kind {
            DialogKind::Open => Action::OpenPath(path),
            DialogKind::SaveAs => Action::SaveTo(path, !native),
            DialogKind::ExportFolder => Action::ExportCsvTo(path),
            DialogKind::Pricing => Action::LoadPricing(Some(path)),
            DialogKind::CompareWith => Action::CompareWith(path, false),
            DialogKind::CompareFirst => Action::CompareWith(path, true),
            DialogKind::CompareFaults => Action::CompareFaults(path),
            DialogKind::ExportReport => Action::ExportReportTo(path),
            DialogKind::ExportImage => Action::ExportImageTo(path),
            DialogKind::ExportCharts => Action::ExportChartsTo(path),
        }
    }

    /// Checks whether a native dialog has answered.
    pub fn poll(&mut self) -> Option<Action> {
        let (kind, since, receiver) = self.waiting.as_ref()?;
        let (kind, since) = (*kind, *since);
        match receiver.try_recv() {
            Err(TryRecvError::Empty) => None,
            Ok(Some(path)) => {
                self.waiting = None;
                Some(Self::answer(kind, path, true))
            }
            Ok(None) | Err(TryRecvError::Disconnected) => {
                self.waiting = None;
                if since.elapsed() < UNAVAILABLE_WITHIN {
                    // No dialog could be shown: ask in the window, with the same suggestion.
                    let text = self.suggestion.take().unwrap_or_else(|| "diagram.ron".to_owned());
                    self.prompt = Some(Prompt { kind, text });
                    None
                } else {
                    Some(Action::DialogCancelled)
                }
            }
        }
    }

    /// Shows the in-app prompt when it is open; returns the action once a path is given.
    pub fn show_prompt(&mut self, ctx: &egui::Context) -> Option<Action> {
        let prompt = self.prompt.as_mut()?;
        let mut result = None;
        let mut close = false;
        let title = match prompt.kind {
            DialogKind::Open => "Open a diagram",
            DialogKind::SaveAs => "Save the diagram as",
            DialogKind::ExportFolder => "Export the metrics (CSV) into the folder",
            DialogKind::Pricing => "Use prices from the catalog file",
            DialogKind::CompareWith => "Compare with the diagram",
            DialogKind::CompareFirst => "Compare the diagram",
            DialogKind::CompareFaults => "Use the fault script",
            DialogKind::ExportReport => "Write the report (Markdown) to",
            DialogKind::ExportImage => "Write the diagram as a picture (.svg or .png) to",
            DialogKind::ExportCharts => "Write each chart (PNG and SVG) into the folder",
        };
        egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
            ui.heading(title);
            ui.label("No file dialog is available here; type the file's path.");
            let label = ui.label("Path").id;
            let field = ui
                .add(egui::TextEdit::singleline(&mut prompt.text).desired_width(420.0).id_salt("path-field"))
                .labelled_by(label);
            field.request_focus();
            let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                let confirm = match prompt.kind.ask() {
                    Ask::Open => "Open",
                    Ask::Save if prompt.kind == DialogKind::SaveAs => "Save",
                    Ask::Save | Ask::Folder => "Export",
                };
                if (ui.button(confirm).clicked() || enter) && !prompt.text.trim().is_empty() {
                    result = Some(Self::answer(prompt.kind, PathBuf::from(prompt.text.trim()), false));
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    close = true;
                    result = Some(Action::DialogCancelled);
                }
            });
        });
        if result.is_some() || close {
            self.prompt = None;
        }
        result
    }
}
