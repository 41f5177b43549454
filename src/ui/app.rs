//! The app shell: panels, menus, shortcuts, and the one place where actions are applied.

use super::canvas::{self, CanvasView};
use super::examples::EXAMPLES;
use super::files::{DialogKind, Files};
use super::live::LiveRun;
use super::{charts, cost_panel, inspector, palette, problems, theme};
use crate::cost::Catalog;
use crate::model::edit::{Document, Edit, new_node};
use crate::model::validate::{Problem, check_all};
use crate::model::{Diagram, Edge, Kind, Node, NodeId, Scenario, file};
use crate::sim::LiveChange;
use crate::sim::clock::Speed;
use egui::{Key, KeyboardShortcut, Modifiers};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use super::action::{Action, SPEEDS, Selection, speed_label};

mod actions;
mod chrome;
mod recovery;
mod run;

/// Recent files remembered.
const RECENT_LIMIT: usize = 8;
/// Key of the preferences in eframe's storage.
const PREFS_KEY: &str = "cloud-sandbox-prefs";

/// The tabs of the bottom dock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DockTab {
    /// What `check` finds.
    #[default]
    Problems,
    /// The live run's charts.
    Charts,
    /// The live run's bill, what-if prices and savings plan advice.
    Cost,
    /// Faults and scaling activities of the live run, in time order.
    Activity,
    /// The fault script on a timeline, editable, with the run's faults beneath.
    Faults,
}

/// Preferences kept between runs (eframe storage). The diagram is never stored here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Dark or light theme.
    pub dark: bool,
    /// Snap moved nodes to the grid.
    pub snap: bool,
    /// Recently opened or saved files, newest first.
    pub recent: Vec<PathBuf>,
    /// Show the node palette.
    pub show_palette: bool,
    /// Show the inspector.
    pub show_inspector: bool,
    /// Show the bottom dock (problems and charts).
    pub show_dock: bool,
    /// Charts switched off, the enlarged one, how cost is split.
    pub charts: charts::ChartPrefs,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            dark: true,
            snap: true,
            recent: Vec::new(),
            show_palette: true,
            show_inspector: true,
            show_dock: true,
            charts: charts::ChartPrefs::default(),
        }
    }
}

/// A message in the status line.
#[derive(Debug, Clone)]
pub struct Status {
    /// The text.
    pub text: String,
    /// Whether it reports a problem.
    pub is_error: bool,
    /// When it was posted.
    pub at: Instant,
}

/// Something that waits for an answer about unsaved changes.
#[derive(Debug, Clone, PartialEq)]
enum Pending {
    /// Replace the document by this action (new, open, example).
    Replace(Box<Action>),
    /// Close the window.
    Quit,
}

/// The Cloud Sandbox window.
pub struct SandboxApp {
    /// The diagram being edited.
    pub doc: Document,
    /// Prices and instance types.
    pub catalog: Catalog,
    /// What is selected.
    pub selection: Selection,
    /// Pan, zoom and gestures of the canvas.
    pub view: CanvasView,
    /// Preferences kept between runs.
    pub prefs: Prefs,
    /// The last message for the status line.
    pub status: Option<Status>,
    /// An error to show in a window until dismissed.
    pub error: Option<String>,
    /// The live run, once Play or Step has been pressed.
    pub run: Option<LiveRun>,
    /// The open tab of the bottom dock.
    pub dock_tab: DockTab,
    /// The report window is open.
    pub show_report: bool,
    /// A change the live run cannot take without asking (structure) or without restarting, and the
    /// document revision it is about.
    pub live_question: Option<(u64, LiveChange)>,
    speed: Speed,
    clipboard: Option<(Vec<Node>, Vec<Edge>)>,
    /// Text to put on the system clipboard at the end of the frame (the copied nodes as RON).
    to_system_clipboard: Option<String>,
    pastes: u32,
    files: Files,
    pending: Option<Pending>,
    /// The document revision whose "the run keeps the old version" banner was dismissed.
    stale_dismissed: Option<u64>,
    /// What the unsaved-changes question was about, waiting for the Save As it led to.
    after_save: Option<Pending>,
    /// A file that Save As would replace, waiting for a yes.
    confirm_replace: Option<PathBuf>,
    /// The example open, by its file name (the document has no file of its own then).
    example: Option<String>,
    problems: (u64, Vec<Problem>),
    next_group: u64,
    title: String,
    recovery: Option<recovery::Slot>,
    recovery_writer: recovery::RecoveryWriter,
    offer_recovery: Option<recovery::Orphan>,
    allow_close: bool,
    frame_stats: Option<super::frame_stats::FrameStats>,
    cost_cache: super::cost_panel::CostCache,
    /// The pricing catalog file in use (`None`: the built-in prices).
    pricing: Option<PathBuf>,
    /// The Compare view, when open (it replaces the editor's panels).
    pub compare: Option<super::compare::CompareView>,
    /// Chart lines hidden by clicking their legend entries.
    hidden_lines: charts::HiddenLines,
    /// Why the run stopped before its end, until the person has read it.
    stopped_notice: Option<String>,
}

impl SandboxApp {
    /// The app as eframe creates it: preferences from storage, `path` or the first example open.
    pub fn new(cc: &eframe::CreationContext<'_>, path: Option<PathBuf>) -> Self {
        let prefs: Prefs = cc.storage.and_then(|s| eframe::get_value(s, PREFS_KEY)).unwrap_or_default();
        let mut app = Self::with_document(Document::default(), prefs);
        app.set_recovery_dir(eframe::storage_dir("Cloud Sandbox").map(|d| d.join("recovery")));
        app.start(path);
        app
    }

    /// An app without eframe storage (tests): the first example, or `path`, open.
    pub fn headless(path: Option<PathBuf>) -> Self {
        let mut app = Self::with_document(Document::default(), Prefs::default());
        app.start(path);
        app
    }

    fn with_document(doc: Document, prefs: Prefs) -> Self {
        Self {
            doc,
            catalog: Catalog::embedded(),
            selection: Selection::default(),
            view: CanvasView::default(),
            prefs,
            status: None,
            error: None,
            run: None,
            dock_tab: DockTab::Problems,
            show_report: false,
            live_question: None,
            speed: Speed::Times(1.0),
            clipboard: None,
            to_system_clipboard: None,
            pastes: 0,
            files: Files::default(),
            pending: None,
            after_save: None,
            confirm_replace: None,
            stale_dismissed: None,
            example: None,
            problems: (u64::MAX, Vec::new()),
            next_group: 1,
            title: String::new(),
            recovery: None,
            recovery_writer: recovery::RecoveryWriter::default(),
            offer_recovery: None,
            allow_close: false,
            frame_stats: super::frame_stats::FrameStats::from_env(),
            cost_cache: super::cost_panel::CostCache::default(),
            pricing: None,
            compare: None,
            hidden_lines: charts::HiddenLines::default(),
            stopped_notice: None,
        }
    }

    fn start(&mut self, path: Option<PathBuf>) {
        self.open_example(0);
        if let Some(path) = path {
            self.open_path(&path);
        }
        self.check_recovery();
    }

    /// Use native file dialogs (the default) or always the in-app path prompt.
    pub fn set_native_dialogs(&mut self, native: bool) {
        self.files.native = native;
    }

    /// A fresh group id, for edits that should merge into one undo step (one drag, one field).
    pub fn new_group(&mut self) -> u64 {
        self.next_group += 1;
        self.next_group
    }

    /// The live problems of the diagram, errors first, then warnings (recomputed only when it
    /// changes).
    pub fn problems(&mut self) -> &[Problem] {
        if self.problems.0 != self.doc.revision() {
            self.problems = (self.doc.revision(), check_all(&self.doc.diagram, &self.catalog));
        }
        &self.problems.1
    }

    /// How many of the problems stop the diagram from running.
    pub fn error_count(&mut self) -> usize {
        self.problems().iter().filter(|p| !p.is_warning()).count()
    }

    /// Posts a message in the status line.
    pub fn say(&mut self, text: impl Into<String>, is_error: bool) {
        self.status = Some(Status { text: text.into(), is_error, at: Instant::now() });
    }

    /// Opens a diagram file; on failure the open diagram stays and the error is shown.
    pub fn open_path(&mut self, path: &Path) -> bool {
        match file::load(path) {
            Ok(diagram) => {
                self.replace_document(Document::new(diagram, Some(path.to_owned())));
                self.remember_recent(path);
                self.say(format!("Opened {}", path.display()), false);
                true
            }
            Err(e) => {
                let text = format!("Could not open the file; the diagram you had open is unchanged.\n\n{e}");
                self.say(e.to_string(), true);
                self.error = Some(text);
                false
            }
        }
    }

    /// Saves to `path` atomically; on failure says why and keeps the document as it was.
    pub fn save_to(&mut self, path: &Path) -> bool {
        match file::save(&self.doc.diagram, path) {
            Ok(()) => {
                self.doc.mark_saved(path.to_owned());
                self.example = None;
                self.remember_recent(path);
                self.discard_recovery();
                self.say(format!("Saved {}", path.display()), false);
                true
            }
            Err(e) => {
                self.say(format!("Not saved: {e}"), true);
                self.error = Some(format!("The diagram was not saved.\n\n{e}"));
                false
            }
        }
    }

    fn open_example(&mut self, index: usize) {
        let Some((name, text)) = EXAMPLES.get(index) else { return };
        match file::from_ron_str(text, name) {
            Ok(diagram) => {
                self.replace_document(Document::new(diagram, None));
                self.example = Some((*name).to_owned());
                self.say(format!("Example {name}: save it to keep your changes"), false);
            }
            Err(e) => self.say(format!("Example {name} is broken: {e}"), true),
        }
    }

    /// Where Save As proposes to save: the open file; else, for an example or a new diagram, a
    /// file of that name in the folder of the most recent file (or the current folder).
    pub fn suggested_save_path(&self) -> PathBuf {
        if let Some(path) = &self.doc.path {
            return path.clone();
        }
        let name = self
            .example
            .as_deref()
            .and_then(|e| Path::new(e).file_name())
            .map_or_else(|| "diagram.ron".to_owned(), |n| n.to_string_lossy().into_owned());
        let folder = self.prefs.recent.first().and_then(|p| p.parent()).map(Path::to_owned);
        folder.map_or_else(|| PathBuf::from(&name), |f| f.join(&name))
    }

    fn replace_document(&mut self, doc: Document) {
        self.doc = doc;
        self.example = None;
        // Another document is another run.
        self.run = None;
        self.live_question = None;
        self.selection.clear();
        self.view.fit_requested = true;
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        self.prefs.recent.retain(|p| p != &path);
        self.prefs.recent.insert(0, path);
        self.prefs.recent.truncate(RECENT_LIMIT);
    }

    fn copied(&self) -> (Vec<Node>, Vec<Edge>) {
        let d = &self.doc.diagram;
        let nodes: Vec<Node> = d.nodes.iter().filter(|n| self.selection.nodes.contains(&n.id)).cloned().collect();
        let edges: Vec<Edge> = d
            .edges
            .iter()
            .filter(|e| self.selection.nodes.contains(&e.from) && self.selection.nodes.contains(&e.to))
            .cloned()
            .collect();
        (nodes, edges)
    }

    fn paste(&mut self) {
        let Some((nodes, edges)) = self.clipboard.clone() else {
            self.say("Nothing to paste: copy nodes first (Ctrl+C)", false);
            return;
        };
        if nodes.is_empty() {
            return;
        }
        self.pastes += 1;
        let step = 2.0 * theme::GRID * self.pastes as f32;
        let before: BTreeSet<NodeId> = self.doc.diagram.nodes.iter().map(|n| n.id.clone()).collect();
        self.handle(Action::Edit(Edit::Paste { nodes, edges, offset: (step, step) }, None));
        // Select what was pasted.
        self.selection.clear();
        self.selection.nodes =
            self.doc.diagram.nodes.iter().map(|n| n.id.clone()).filter(|id| !before.contains(id)).collect();
    }

    /// Drops selected things that no longer exist (after undo, delete, …).
    fn prune_selection(&mut self) {
        let d = &self.doc.diagram;
        self.selection.nodes.retain(|id| d.node(id).is_some());
        if self.selection.edge.is_some_and(|e| e >= d.edges.len()) {
            self.selection.edge = None;
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let mut out = Vec::new();
        let typing = ctx.egui_wants_keyboard_input();
        let command = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
        let command_shift = |key| KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, key);
        // Shifted variants first: consuming Ctrl+Z would also match Ctrl+Shift+Z.
        let always = [
            (command_shift(Key::S), Action::SaveAs),
            (command_shift(Key::Z), Action::Redo),
            (command(Key::Y), Action::Redo),
            (command(Key::S), Action::Save),
            (command(Key::O), Action::Open),
            (command(Key::N), Action::New),
        ];
        // These belong to a text field while one is being typed into.
        let canvas = [
            (command(Key::Z), Action::Undo),
            (command(Key::A), Action::SelectAll),
            (command(Key::C), Action::Copy),
            (command(Key::V), Action::Paste),
            (command(Key::D), Action::Duplicate),
        ];
        ctx.input_mut(|i| {
            for (shortcut, action) in always {
                if i.consume_shortcut(&shortcut) && !out.contains(&action) {
                    out.push(action);
                }
            }
            if typing {
                return;
            }
            for (shortcut, action) in canvas {
                if i.consume_shortcut(&shortcut) {
                    out.push(action);
                }
            }
            if i.consume_key(Modifiers::NONE, Key::Delete) || i.consume_key(Modifiers::NONE, Key::Backspace) {
                out.push(Action::DeleteSelection);
            }
            if i.consume_key(Modifiers::NONE, Key::F) {
                out.push(Action::ZoomToFit);
            }
            if i.consume_key(Modifiers::NONE, Key::Space) {
                out.push(Action::PlayPause);
            }
            // The window may turn Ctrl+C / Ctrl+V into Copy and Paste events instead of (or as well
            // as) key presses: act on them once.
            let pasted = i.events.iter().find_map(|e| match e {
                egui::Event::Paste(text) => Some(text.clone()),
                _ => None,
            });
            if let Some(text) = pasted {
                // Nodes copied in this or another window (or a whole diagram file's text).
                if let Ok(d) = file::from_ron_str(&text, "clipboard")
                    && !d.nodes.is_empty()
                {
                    if self.clipboard.as_ref().is_none_or(|(nodes, _)| nodes != &d.nodes) {
                        self.pastes = 0;
                    }
                    self.clipboard = Some((d.nodes, d.edges));
                }
                if self.clipboard.is_some() && !out.contains(&Action::Paste) {
                    out.push(Action::Paste);
                }
            }
            let copied = i.events.iter().any(|e| matches!(e, egui::Event::Copy));
            if copied && !out.contains(&Action::Copy) {
                out.push(Action::Copy);
            }
        });
        out
    }

    fn modals(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        if let Some(pending) = self.pending.clone() {
            let name = self
                .doc
                .path
                .as_ref()
                .and_then(|p| p.file_name())
                .map_or_else(|| "This diagram".to_owned(), |n| n.to_string_lossy().into_owned());
            let modal = egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
                ui.heading("Unsaved changes");
                ui.label(format!("{name} has changes that are not saved."));
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        if let Some(path) = self.doc.path.clone() {
                            if self.save_to(&path) {
                                self.resume(pending.clone(), actions);
                            }
                        } else {
                            // Where to save first; what was asked goes on once it is saved.
                            self.files.start(DialogKind::SaveAs, Some(&self.suggested_save_path()));
                            self.after_save = Some(pending.clone());
                            self.pending = None;
                        }
                    }
                    if ui.button("Discard changes").clicked() {
                        // Mark clean so that the replaced action goes through.
                        self.doc = Document::new(self.doc.diagram.clone(), self.doc.path.clone());
                        self.discard_recovery();
                        self.resume(pending.clone(), actions);
                    }
                    if ui.button("Cancel").clicked() {
                        self.pending = None;
                    }
                });
            });
            if modal.should_close() {
                self.pending = None;
            }
        }
        let message = match (&self.error, &self.stopped_notice) {
            (Some(text), _) => Some(("Something went wrong", text.clone())),
            (None, Some(text)) => Some(("The run stopped early", text.clone())),
            (None, None) => None,
        };
        if let Some((heading, text)) = message {
            let modal = egui::Modal::new(egui::Id::unique("error")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading(heading);
                ui.label(text);
                ui.button("OK").clicked()
            });
            // The error first; the notice once the error is read.
            if (modal.inner || modal.should_close()) && self.error.take().is_none() {
                self.stopped_notice = None;
            }
        }
        if let Some(path) = self.confirm_replace.clone() {
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            let modal = egui::Modal::new(egui::Id::unique("replace")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading(format!("Replace {name}?"));
                ui.label(format!("{} already exists. Saving replaces what it holds.", path.display()));
                ui.horizontal(|ui| (ui.button("Replace").clicked(), ui.button("Cancel").clicked())).inner
            });
            let (replace, cancel) = modal.inner;
            if replace {
                self.confirm_replace = None;
                actions.push(Action::SaveTo(path, false));
            } else if cancel || modal.should_close() {
                self.confirm_replace = None;
                self.after_save = None;
                self.say("Not saved", false);
            }
        }
        if let Some(question) = self.offer_recovery.as_ref().map(recovery::Orphan::question) {
            let modal = egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading("Restore unsaved work?");
                ui.label(question);
                ui.horizontal(|ui| {
                    let restore = ui.button("Restore").clicked();
                    let later = ui.button("Later").on_hover_text("Keep the copy and ask again next time").clicked();
                    let discard = ui.button("Discard").on_hover_text("Delete the recovery copy").clicked();
                    (restore, later, discard)
                })
                .inner
            });
            let (restore, later, discard) = modal.inner;
            if restore {
                self.restore_recovery();
            } else if discard {
                self.discard_offered_recovery();
            } else if later || modal.should_close() {
                // Unlocked, the copy is offered again by the next window that starts.
                self.offer_recovery = None;
            }
        }
        if let Some(action) = self.files.show_prompt(ctx) {
            actions.push(action);
        }
        self.report_window(ctx, actions);
    }

    /// The report of the live run: the same figures as `cloud-sandbox run`.
    fn report_window(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let Some(run) = &self.run else {
            self.show_report = false;
            return;
        };
        if !self.show_report {
            return;
        }
        let report = crate::report::Report::from_engine(&run.engine, run.wall_secs);
        let mut open = true;
        super::report_window::show(ctx, &report, &mut open, actions);
        self.show_report = open;
    }

    fn resume(&mut self, pending: Pending, actions: &mut Vec<Action>) {
        self.pending = None;
        match pending {
            Pending::Replace(action) => actions.push(*action),
            Pending::Quit => self.allow_close = true,
        }
    }

    /// The window title: file name (or the example's, or "untitled"), a dot when modified, the
    /// program's name.
    pub fn window_title(&self) -> String {
        let name = match (&self.doc.path, &self.example) {
            (Some(p), _) => p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned()),
            (None, Some(example)) => format!("{example} (example)"),
            (None, None) => "untitled".to_owned(),
        };
        let marker = if self.doc.is_modified() { " •" } else { "" };
        format!("{name}{marker} — Cloud Sandbox")
    }

    /// Lays out and runs one frame of the whole window (also used by tests without eframe).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        self.frame_inner(ui);
        if let Some(stats) = &mut self.frame_stats {
            stats.record(started.elapsed());
        }
    }

    fn frame_inner(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        ctx.set_visuals(if self.prefs.dark { egui::Visuals::dark() } else { egui::Visuals::light() });
        self.drive_run(&ctx);
        let mut actions = self.shortcuts(&ctx);

        // Files dropped on the window: open the first .ron.
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw.dropped_files.iter().map(|f| f.path().to_owned()).filter(|p| !p.as_os_str().is_empty()).collect()
        });
        if let Some(path) = dropped.into_iter().find(|p| p.extension().is_some_and(|e| e == "ron")) {
            actions.push(Action::OpenPath(path));
        }
        if let Some(action) = self.files.poll() {
            actions.push(action);
        }

        egui::Panel::top("menu").show(ui, |ui| {
            self.menu_bar(ui, &mut actions);
            self.toolbar(ui, &mut actions);
        });
        egui::Panel::bottom("status").show(ui, |ui| self.status_line(ui));
        if let Some(compare) = &mut self.compare {
            let (diagram, catalog) = (&self.doc.diagram, &self.catalog);
            egui::CentralPanel::default().show(ui, |ui| {
                super::compare::show(ui, compare, diagram, catalog, &mut actions);
            });
        } else {
            self.editor_panels(ui, &mut actions);
        }
        self.modals(&ctx, &mut actions);

        for action in actions {
            self.handle(action);
        }
        if let Some(text) = self.to_system_clipboard.take() {
            ctx.copy_text(text);
        }
        self.autosave();

        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close {
            if self.doc.is_modified() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.pending = Some(Pending::Quit);
            } else {
                self.allow_close = true;
            }
        }
        if self.allow_close && self.pending.is_none() {
            self.discard_recovery();
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The editor: dock, palette, inspector and canvas.
    fn editor_panels(&mut self, ui: &mut egui::Ui, actions_out: &mut Vec<Action>) {
        let mut actions = std::mem::take(actions_out);
        if self.prefs.show_dock {
            // About 45 % of the window at first, so that two rows of charts keep a readable height;
            // the height the person drags it to is remembered.
            let default_height = (ui.ctx().content_rect().height() * 0.45).clamp(200.0, 520.0);
            egui::Panel::bottom("dock").resizable(true).default_size(default_height).min_size(60.0).show(ui, |ui| {
                // A panel shrinks to its contents: fill it, so that it keeps the height it was given
                // whatever the tab shows.
                ui.set_min_height(ui.available_height());
                let problems = self.problems().to_vec();
                ui.horizontal(|ui| {
                    ui.selectable_value(
                        &mut self.dock_tab,
                        DockTab::Problems,
                        format!("Problems ({})", problems.len()),
                    );
                    ui.selectable_value(&mut self.dock_tab, DockTab::Charts, "Charts");
                    ui.selectable_value(&mut self.dock_tab, DockTab::Cost, "Cost");
                    ui.selectable_value(&mut self.dock_tab, DockTab::Activity, "Activity");
                    let faults = self.doc.diagram.scenario.faults.len();
                    ui.selectable_value(&mut self.dock_tab, DockTab::Faults, format!("Faults ({faults})"));
                    if let (DockTab::Charts, Some(run)) = (self.dock_tab, &self.run) {
                        ui.separator();
                        charts::controls(ui, run, &mut self.prefs.charts);
                    }
                });
                ui.separator();
                match (self.dock_tab, &self.run) {
                    (DockTab::Problems, _) => problems::show(ui, &problems, &mut actions),
                    (DockTab::Charts, Some(run)) => {
                        let only = (self.selection.nodes.len() == 1)
                            .then(|| self.selection.nodes.iter().next())
                            .flatten()
                            .and_then(|id| run.node_index(&id.0));
                        charts::show(ui, run, only, &mut self.prefs.charts, &mut self.hidden_lines);
                    }
                    (DockTab::Charts, None) => {
                        ui.weak("Press Play (Space) to run the diagram; its charts appear here.");
                    }
                    (DockTab::Cost, Some(run)) => {
                        let free_tier = self.doc.diagram.scenario.free_tier;
                        cost_panel::show(ui, run, free_tier, &mut self.cost_cache, &mut actions);
                    }
                    (DockTab::Activity, Some(run)) => activity_log(ui, run),
                    (DockTab::Faults, run) => {
                        super::faults_panel::show(ui, &self.doc.diagram, run.as_ref(), &mut actions);
                    }
                    (DockTab::Activity, None) => {
                        ui.weak("Press Play (Space): faults and Auto Scaling activities of the run are listed here.");
                    }
                    (DockTab::Cost, None) => {
                        ui.weak(
                            "Press Play (Space) or +1 s: the bill of the run appears here, with what it would \
                             cost on other purchase options.",
                        );
                    }
                }
            });
        }
        if self.prefs.show_palette {
            egui::Panel::left("palette").resizable(true).default_size(170.0).show(ui, |ui| {
                palette::show(ui, &self.view, &mut actions);
            });
        }
        if self.prefs.show_inspector {
            egui::Panel::right("inspector").resizable(true).default_size(320.0).min_size(240.0).show(ui, |ui| {
                let problems = self.problems().to_vec();
                inspector::show(ui, &self.doc.diagram, &self.selection, &self.catalog, &problems, &mut actions);
            });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            self.view.snap = self.prefs.snap;
            let group = self.next_group + 1;
            self.live_banner(ui, &mut actions);
            let live = self.run.as_ref().map(|r| (r.live_nodes(), r.edge_rates()));
            let live_view = live.as_ref().zip(self.run.as_ref()).map(|((nodes, rates), run)| canvas::LiveView {
                nodes,
                engine: &run.engine,
                edge_rates: rates,
                playing: run.clock.playing,
            });
            let used_group = canvas::show(
                ui,
                &self.doc.diagram,
                live_view,
                &mut self.view,
                &mut self.selection,
                group,
                &mut actions,
            );
            if used_group {
                self.next_group = group;
            }
        });
        *actions_out = actions;
    }
}

/// Faults and scaling activities of the run, newest first.
fn activity_log(ui: &mut egui::Ui, run: &LiveRun) {
    let engine = &run.engine;
    let mut rows: Vec<(f64, String, String)> = engine
        .fault_log()
        .iter()
        .map(|w| {
            let until = w
                .end_secs
                .map_or_else(|| "still going".to_owned(), |e| format!("until {e:.1} s ({:.0} s)", e - w.start_secs));
            (w.start_secs, w.node.clone(), format!("fault: {}, {until}", w.what))
        })
        .collect();
    rows.extend(engine.activities().iter().map(|a| {
        let change =
            if a.from == a.to { format!("stays at {}", a.to) } else { format!("{} to {} instances", a.from, a.to) };
        (a.t_secs, a.node.clone(), format!("scaling: {change}, {}", a.reason))
    }));
    if rows.is_empty() {
        ui.weak("Nothing yet: no fault and no scaling activity. Right-click a node to fail it.");
        return;
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        egui::Grid::new("activity-log").num_columns(3).striped(true).spacing([12.0, 2.0]).show(ui, |ui| {
            ui.strong("time");
            ui.strong("node");
            ui.strong("what");
            ui.end_row();
            for (t, node, what) in rows {
                ui.monospace(format!("{t:>8.1} s"));
                ui.label(node);
                ui.label(what);
                ui.end_row();
            }
        });
    });
}

impl eframe::App for SandboxApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PREFS_KEY, &self.prefs);
    }
}
