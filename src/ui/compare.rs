//! The Compare view: the open diagram (or an example, or a file) against another, prepared alike
//! (one seed, duration and fault script, matched by node or component name, as `cloud-sandbox
//! compare` does) and run in lock-step on one clock: both canvases live side by side, the charts
//! overlaid, and the same table as the command line prints.

use super::action::{Action, SPEEDS, Selection, speed_label};
use super::canvas::{self, CanvasView};
use super::charts::{self as charts, Corner, HiddenLines, side_colour};
use super::examples::EXAMPLES;
use super::live::LiveRun;
use crate::cost::Catalog;
use crate::model::{Diagram, Fault, NodeId, file};
use crate::report::Report;
use crate::report::compare::{self, CompareOptions, Row};
use crate::sim::clock::{SimClock, Speed};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Wall time each of the two runs may take per frame.
const SIDE_BUDGET: Duration = Duration::from_millis(4);
/// Below this width the charts and the table take turns (tabs) instead of sharing the row.
const SIDE_BY_SIDE_WIDTH: f32 = 1500.0;
/// How often the table is worked out again while running.
const TABLE_EVERY: Duration = Duration::from_millis(500);

/// Where a side's diagram comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The diagram open in the editor, as it is now.
    Open,
    /// A built-in example, by index in [`EXAMPLES`].
    Example(usize),
    /// A file.
    File(PathBuf),
}

impl Source {
    /// How the source is named in the view.
    pub fn label(&self) -> String {
        match self {
            Self::Open => "the open diagram".to_owned(),
            Self::Example(i) => EXAMPLES.get(*i).map_or("?", |(n, _)| n).to_owned(),
            Self::File(p) => {
                p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
            }
        }
    }

    fn load(&self, open: &Diagram) -> Result<Diagram, String> {
        match self {
            Self::Open => Ok(open.clone()),
            Self::Example(i) => {
                let (name, text) = EXAMPLES.get(*i).ok_or("no such example")?;
                file::from_ron_str(text, name).map_err(|e| e.to_string())
            }
            Self::File(p) => file::load(p).map_err(|e| e.to_string()),
        }
    }
}

/// Which fault script the two runs share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultChoice {
    /// Each diagram keeps its own.
    EachOwn,
    /// The first diagram's script, matched to the second.
    FirstForBoth,
    /// A fault script file, matched to both.
    File,
}

/// One side: its diagram as prepared, its run, and its canvas's view.
pub struct Side {
    /// The source's name.
    pub name: String,
    /// The diagram as it runs (seed, duration and faults set for the comparison).
    pub diagram: Diagram,
    /// The run.
    pub run: LiveRun,
    view: CanvasView,
    selection: Selection,
}

/// The Compare view's setup and, once started, its two runs.
pub struct CompareView {
    /// The first diagram.
    pub a: Source,
    /// The second diagram, once chosen.
    pub b: Option<Source>,
    /// The seed both runs use.
    pub seed: u64,
    /// Simulated seconds both run.
    pub duration_secs: f64,
    /// Which fault script they share.
    pub faults: FaultChoice,
    /// The fault script file, for [`FaultChoice::File`].
    pub faults_file: Option<PathBuf>,
    /// The two runs, once started.
    pub sides: Vec<Side>,
    /// One clock for both.
    pub clock: SimClock,
    last_time: Option<f64>,
    table: Option<(Instant, Vec<Row>, String)>,
    /// Why the comparison could not start, or what happened last.
    pub message: Option<(String, bool)>,
    fail_secs: f64,
    /// The open diagram's file name (or title), to name it by.
    pub open_name: String,
    hidden_lines: HiddenLines,
    /// The table rather than the charts is shown (when they take turns).
    pub show_table: bool,
}

impl CompareView {
    /// A comparison of the open diagram, with its seed and duration, against the example that
    /// pairs with it (the same title before a colon, as the coffee shops have), if any.
    pub fn new(open: &Diagram) -> Self {
        let prefix = |name: &str| name.split(':').next().unwrap_or("").trim().to_owned();
        let mine = prefix(&open.scenario.name);
        let b = EXAMPLES
            .iter()
            .enumerate()
            .filter_map(|(i, (name, text))| file::from_ron_str(text, name).ok().map(|d| (i, d)))
            .find(|(_, d)| {
                !mine.is_empty() && prefix(&d.scenario.name) == mine && d.scenario.name != open.scenario.name
            })
            .map(|(i, _)| Source::Example(i));
        let mut clock = SimClock::default();
        clock.speed = Speed::Times(10.0);
        Self {
            a: Source::Open,
            b,
            seed: open.scenario.seed,
            duration_secs: open.scenario.duration_secs,
            faults: FaultChoice::EachOwn,
            faults_file: None,
            sides: Vec::new(),
            clock,
            last_time: None,
            table: None,
            message: None,
            fail_secs: 60.0,
            open_name: if open.scenario.name.is_empty() { String::new() } else { open.scenario.name.clone() },
            hidden_lines: HiddenLines::default(),
            show_table: false,
        }
    }

    /// Prepares both diagrams and builds both runs at 0 s (paused); says why not if it cannot.
    pub fn start(&mut self, open: &Diagram, catalog: &Catalog) -> Result<(), String> {
        let b = self.b.clone().ok_or("choose a second diagram to compare with")?;
        let name = |s: &Source| match s {
            Source::Open if !self.open_name.is_empty() => self.open_name.clone(),
            other => other.label(),
        };
        let (na, nb) = (name(&self.a), name(&b));
        let da = self.a.load(open).map_err(|e| format!("{na}: {e}"))?;
        let db = b.load(open).map_err(|e| format!("{nb}: {e}"))?;
        let faults = match self.faults {
            FaultChoice::EachOwn => None,
            FaultChoice::FirstForBoth => Some(da.scenario.faults.clone()),
            FaultChoice::File => {
                let path = self.faults_file.as_ref().ok_or("choose a fault script file")?;
                Some(file::load_faults(path).map_err(|e| e.to_string())?)
            }
        };
        let options = CompareOptions { seed: Some(self.seed), duration_secs: Some(self.duration_secs), faults };
        let (pa, pb) = compare::prepare((&na, &da), (&nb, &db), &options)?;
        let mut sides = Vec::new();
        for (name, d) in [(na, pa), (nb, pb)] {
            let run = LiveRun::new(&d, catalog, 0).map_err(|e| format!("{name}: {e}"))?;
            let mut view = CanvasView::default();
            view.fit_requested = true;
            sides.push(Side { name, diagram: d, run, view, selection: Selection::default() });
        }
        self.sides = sides;
        self.table = None;
        self.last_time = None;
        self.clock.playing = false;
        Ok(())
    }

    /// Starts (building the runs if needed) or pauses both runs.
    pub fn play_pause(&mut self, open: &Diagram, catalog: &Catalog) {
        if self.sides.is_empty() || self.finished() {
            if let Err(e) = self.start(open, catalog) {
                self.message = Some((e, true));
                return;
            }
            self.message = None;
        }
        self.clock.playing = !self.clock.playing;
        self.last_time = None;
    }

    /// Simulated time both runs have reached.
    pub fn now_secs(&self) -> f64 {
        self.sides.iter().map(|s| s.run.engine.now().as_secs()).fold(f64::INFINITY, f64::min).min(self.duration_secs)
    }

    fn finished(&self) -> bool {
        !self.sides.is_empty() && self.sides.iter().all(|s| s.run.engine.finished())
    }

    /// Runs this frame's share of both runs up to one deadline, so they stay in step.
    pub fn advance(&mut self, time: f64) {
        let dt = self.last_time.map_or(0.0, |t| (time - t).max(0.0));
        self.last_time = Some(time);
        if !self.clock.playing || self.sides.len() != 2 {
            return;
        }
        let now = self.sides.iter().map(|s| s.run.engine.now()).min().unwrap_or_default();
        let end = self.sides.iter().map(|s| s.run.engine.end()).max().unwrap_or_default();
        let Some(deadline) = self.clock.deadline(now, end, dt) else { return };
        let mut reached = true;
        for side in &mut self.sides {
            reached &= side.run.advance_to(deadline, SIDE_BUDGET);
        }
        let after = self.sides.iter().map(|s| s.run.engine.now()).min().unwrap_or_default();
        self.clock.record((after.0 - now.0) as f64 / 1e9, dt, reached);
        if self.finished() {
            self.clock.playing = false;
            self.table = None;
        }
    }

    /// Fails a node on side `side` and what the other design calls the same (by node or
    /// component name), now, for `secs` (or to the end).
    fn fail_both(&mut self, side: usize, id: &NodeId, secs: Option<f64>) {
        let Some(node) = self.sides[side].diagram.node(id) else { return };
        let name = node.label().to_owned();
        let crash = Fault::Crash { node: id.clone(), instance: None, task: None, at_secs: 0.0, for_secs: secs };
        let mut said = Vec::new();
        for (k, s) in self.sides.iter_mut().enumerate() {
            let fault = if k == side { Ok(crash.clone()) } else { matched(&crash, &name, &s.diagram) };
            match fault.and_then(|f| s.run.engine.inject_fault(f.clone()).map(|()| f)) {
                Ok(f) => said.push(format!("{}: {}", s.name, f.describe())),
                Err(e) => said.push(format!("{}: not failed ({e})", s.name)),
            }
        }
        let t = self.now_secs();
        let length = secs.map_or_else(|| "until recovered".to_owned(), |s| format!("for {s} s"));
        self.message = Some((format!("At {t:.1} s, {length}: {}", said.join("; ")), false));
        self.table = None;
    }

    /// Ends the faults on a node and on what the other design calls the same.
    fn recover_both(&mut self, side: usize, id: &NodeId) {
        let Some(node) = self.sides[side].diagram.node(id) else { return };
        let name = node.label().to_owned();
        for (k, s) in self.sides.iter_mut().enumerate() {
            let target = if k == side {
                Some(id.clone())
            } else {
                let crash = Fault::Crash { node: id.clone(), instance: None, task: None, at_secs: 0.0, for_secs: None };
                matched(&crash, &name, &s.diagram).ok().and_then(|f| f.nodes().first().map(|n| (*n).clone()))
            };
            if let Some(target) = target {
                s.run.engine.end_faults_on(&target.0);
            }
        }
        self.table = None;
    }

    /// Works the table and the verdict out again if they are stale (at most every
    /// [`TABLE_EVERY`] while playing).
    fn refresh_table(&mut self) {
        let stale = self.table.as_ref().is_none_or(|(at, ..)| self.clock.playing && at.elapsed() >= TABLE_EVERY);
        if stale && self.sides.len() == 2 {
            let reports: Vec<Report> =
                self.sides.iter().map(|s| Report::from_engine(&s.run.engine, s.run.wall_secs)).collect();
            let refs: Vec<&Report> = reports.iter().collect();
            let verdict = crate::report::verdict::verdict(&reports[0], &reports[1], self.finished());
            self.table = Some((Instant::now(), compare::rows(&refs), verdict));
        }
    }

    /// The table's rows as last worked out.
    fn rows(&self) -> &[Row] {
        self.table.as_ref().map_or(&[], |(_, rows, _)| rows.as_slice())
    }

    /// The verdict as last worked out (empty before the runs start).
    pub fn verdict(&self) -> &str {
        self.table.as_ref().map_or("", |(.., v)| v.as_str())
    }
}

/// A crash of a node, aimed at what `other` calls the same: by the node's id, else by its label.
fn matched(crash: &Fault, label: &str, other: &Diagram) -> Result<Fault, String> {
    compare::retarget(crash, other).or_else(|_| {
        let by_label = match crash {
            Fault::Crash { instance, task, at_secs, for_secs, .. } => Fault::Crash {
                node: NodeId::new(label),
                instance: *instance,
                task: *task,
                at_secs: *at_secs,
                for_secs: *for_secs,
            },
            other => other.clone(),
        };
        compare::retarget(&by_label, other)
    })
}

/// Shows the Compare view: setup, controls, both canvases, overlaid charts and the table.
pub fn show(ui: &mut egui::Ui, view: &mut CompareView, open: &Diagram, catalog: &Catalog, actions: &mut Vec<Action>) {
    setup_bar(ui, view, open, catalog, actions);
    controls_bar(ui, view, open, catalog);
    if let Some((text, is_error)) = &view.message {
        let colour = if *is_error {
            super::theme::Palette::for_visuals(ui.visuals()).warning
        } else {
            ui.visuals().text_color()
        };
        ui.colored_label(colour, text);
    }
    ui.separator();
    if view.sides.len() != 2 {
        ui.add_space(24.0);
        ui.vertical_centered(|ui| {
            ui.heading("Compare two designs under the same load and the same faults");
            ui.label(
                "Choose the second diagram above, then press Start. Both run with one seed, so the same \
                 clients send the same requests to both, and one clock keeps them in step.",
            );
            ui.label(
                "Faults are matched by name: a fault on \"barista\" is a crash of the barista service in \
                 one design and a failure of the shop's barista component in the other.",
            );
            ui.label("Right-click a node of either canvas while it runs to fail it, and its match, in both.");
        });
        return;
    }
    view.refresh_table();
    if !view.verdict().is_empty() {
        let palette = super::theme::Palette::for_visuals(ui.visuals());
        egui::Frame::group(ui.style()).stroke(egui::Stroke::new(1.0, palette.selection)).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.add(egui::Label::new(egui::RichText::new(view.verdict()).strong()).wrap());
        });
    }
    let height = ui.available_height();
    let canvas_height = (height * 0.34).max(150.0);
    ui.horizontal(|ui| {
        let width = (ui.available_width() - 8.0) / 2.0;
        for k in 0..2 {
            ui.allocate_ui(egui::vec2(width, canvas_height), |ui| {
                ui.vertical(|ui| side_canvas(ui, view, k));
            });
        }
    });
    ui.separator();
    // Charts and table side by side when there is room for both; one at a time otherwise, so
    // that neither is squeezed.
    if ui.available_width() >= SIDE_BY_SIDE_WIDTH {
        ui.horizontal_top(|ui| {
            let charts_width = (ui.available_width() * 0.6).max(320.0);
            ui.allocate_ui(egui::vec2(charts_width, ui.available_height()), |ui| {
                ui.vertical(|ui| overlaid_charts(ui, view));
            });
            ui.separator();
            ui.vertical(|ui| table(ui, view));
        });
        return;
    }
    ui.horizontal(|ui| {
        ui.selectable_value(&mut view.show_table, false, "Charts");
        ui.selectable_value(&mut view.show_table, true, "Table");
    });
    if view.show_table {
        table(ui, view);
    } else {
        ui.vertical(|ui| overlaid_charts(ui, view));
    }
}

fn setup_bar(ui: &mut egui::Ui, view: &mut CompareView, open: &Diagram, catalog: &Catalog, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        ui.heading("Compare");
        let label = ui.label("A").id;
        let open_name = view.open_name.clone();
        source_combo(ui, "compare-a", &mut view.a, &open_name).labelled_by(label);
        if ui.button("File…").on_hover_text("Compare a diagram file (instead of the open diagram)").clicked() {
            actions.push(Action::CompareBrowse(true));
        }
        let label = ui.label("with B").id;
        let mut b = view.b.clone().unwrap_or(Source::Open);
        let text = view.b.as_ref().map_or_else(|| "choose…".to_owned(), Source::label);
        let response = egui::ComboBox::from_id_salt("compare-b")
            .selected_text(text)
            .show_ui(ui, |ui| source_options(ui, &mut b, &open_name))
            .response
            .labelled_by(label);
        if view.b.as_ref() != Some(&b) && (view.b.is_some() || b != Source::Open || response.changed()) {
            view.b = Some(b);
        }
        if ui.button("File…").on_hover_text("Compare with a diagram file").clicked() {
            actions.push(Action::CompareBrowse(false));
        }
        ui.separator();
        let label = ui.label("Faults").id;
        let names = [
            (FaultChoice::EachOwn, "each its own script"),
            (FaultChoice::FirstForBoth, "A's script for both"),
            (FaultChoice::File, "a script file for both"),
        ];
        let current = names.iter().find(|(c, _)| *c == view.faults).map_or("", |(_, n)| n);
        egui::ComboBox::from_id_salt("compare-faults")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (c, n) in names {
                    ui.selectable_value(&mut view.faults, c, n);
                }
            })
            .response
            .labelled_by(label)
            .on_hover_text("Faults are matched to each diagram by node or component name");
        if view.faults == FaultChoice::File {
            let name = view
                .faults_file
                .as_ref()
                .and_then(|p| p.file_name())
                .map_or_else(|| "choose…".to_owned(), |n| n.to_string_lossy().into_owned());
            if ui.button(name).on_hover_text("A RON list of faults, or a diagram whose faults to take").clicked() {
                actions.push(Action::CompareFaultsBrowse);
            }
        }
        ui.separator();
        let label = ui.label("Seed").id;
        ui.add(egui::DragValue::new(&mut view.seed).speed(1.0)).labelled_by(label);
        let label = ui.label("Duration").id;
        ui.add(egui::DragValue::new(&mut view.duration_secs).range(1.0..=31_536_000.0).suffix(" s").speed(10.0))
            .labelled_by(label);
        let start = if view.sides.is_empty() { "Start" } else { "Restart" };
        if ui.button(start).on_hover_text("Build both runs at 0 s with these settings and play").clicked() {
            match view.start(open, catalog) {
                Ok(()) => {
                    view.message = None;
                    view.clock.playing = true;
                }
                Err(e) => view.message = Some((e, true)),
            }
        }
    });
}

fn controls_bar(ui: &mut egui::Ui, view: &mut CompareView, open: &Diagram, catalog: &Catalog) {
    if view.sides.is_empty() {
        return;
    }
    ui.horizontal(|ui| {
        let label = if view.clock.playing { "Pause" } else { "Play" };
        if ui.button(label).on_hover_text("Both runs, in step (Space)").clicked() {
            view.play_pause(open, catalog);
        }
        let speed = view.clock.speed;
        let label = ui.label("Speed").id;
        egui::ComboBox::from_id_salt("compare-speed")
            .selected_text(speed_label(speed))
            .show_ui(ui, |ui| {
                for option in SPEEDS {
                    ui.selectable_value(&mut view.clock.speed, option, speed_label(option));
                }
            })
            .response
            .labelled_by(label);
        let label = ui.label("Fail for").id;
        ui.add(egui::DragValue::new(&mut view.fail_secs).range(1.0..=86_400.0).suffix(" s"))
            .labelled_by(label)
            .on_hover_text("How long a right-click \"Fail for\" lasts");
        let now = view.now_secs();
        ui.label(format!("t = {now:.1} s of {:.0} s", view.duration_secs));
        if view.clock.playing {
            ui.label(format!("{:.1}× real time", view.clock.achieved_speed()));
        } else if view.finished() {
            ui.label("finished");
        } else {
            ui.label("paused");
        }
    });
}

/// The open diagram, named.
fn open_label(open_name: &str) -> String {
    if open_name.is_empty() { Source::Open.label() } else { format!("the open diagram ({open_name})") }
}

fn source_combo(ui: &mut egui::Ui, salt: &str, source: &mut Source, open_name: &str) -> egui::Response {
    let text = if *source == Source::Open { open_label(open_name) } else { source.label() };
    egui::ComboBox::from_id_salt(salt)
        .selected_text(text)
        .show_ui(ui, |ui| source_options(ui, source, open_name))
        .response
}

fn source_options(ui: &mut egui::Ui, source: &mut Source, open_name: &str) {
    ui.selectable_value(source, Source::Open, open_label(open_name));
    for (i, (name, _)) in EXAMPLES.iter().enumerate() {
        ui.selectable_value(source, Source::Example(i), *name);
    }
    if let Source::File(p) = source.clone() {
        ui.selectable_value(source, Source::File(p.clone()), Source::File(p).label());
    }
}

fn side_canvas(ui: &mut egui::Ui, view: &mut CompareView, k: usize) {
    let t = view.sides[k].run.engine.client_totals();
    let colour = side_colour(k);
    ui.horizontal(|ui| {
        ui.colored_label(colour, egui::RichText::new(if k == 0 { "A" } else { "B" }).strong());
        ui.strong(&view.sides[k].name);
        ui.label(format!("{} requests, {} failed", t.generated, t.failed));
    });
    let mut actions = Vec::new();
    {
        let side = &mut view.sides[k];
        ui.push_id(("compare-canvas", k), |ui| {
            let nodes = side.run.live_nodes();
            let rates = side.run.edge_rates();
            let live = canvas::LiveView {
                nodes: &nodes,
                engine: &side.run.engine,
                edge_rates: &rates,
                playing: view.clock.playing,
            };
            side.view.fail_secs = view.fail_secs;
            canvas::show(ui, &side.diagram, Some(live), &mut side.view, &mut side.selection, 0, &mut actions);
        });
    }
    // The canvases here are for watching: edits are not taken; failing and recovering are.
    for action in actions {
        match action {
            Action::FailNode(id, secs) => view.fail_both(k, &id, secs),
            Action::RecoverNode(id) => view.recover_both(k, &id),
            _ => {}
        }
    }
}

fn overlaid_charts(ui: &mut egui::Ui, view: &mut CompareView) {
    let gap = 8.0;
    let kinds = crate::scene::charts::CompareChart::ALL;
    let charts::GridLayout { columns, cell, .. } = charts::GridLayout::of(ui, kinds.len(), gap);
    let sides: Vec<(&str, &crate::sim::Engine)> =
        view.sides.iter().enumerate().map(|(k, s)| (if k == 0 { "A" } else { "B" }, &s.run.engine)).collect();
    let hidden = &mut view.hidden_lines;
    egui::ScrollArea::vertical().id_salt("compare-charts").auto_shrink([false, false]).show(ui, |ui| {
        charts::grid(ui, cell, gap, kinds.chunks(columns), |ui, kind| {
            let chart = crate::scene::charts::build_compare(&sides, *kind, (cell.x / 3.0) as usize);
            charts::draw(ui, &chart, cell, hidden.of(chart.key), "compare", Corner::None);
        });
    });
}

fn table(ui: &mut egui::Ui, view: &mut CompareView) {
    view.refresh_table();
    let view: &CompareView = view;
    let rows = view.rows();
    let names: Vec<&str> = view.sides.iter().map(|s| s.name.as_str()).collect();
    egui::ScrollArea::both().id_salt("compare-table").auto_shrink([false, false]).show(ui, |ui| {
        egui::Grid::new("compare-table-grid").num_columns(3).striped(true).spacing([12.0, 3.0]).show(ui, |ui| {
            ui.label("");
            for (k, name) in names.iter().enumerate() {
                ui.colored_label(side_colour(k), egui::RichText::new(if k == 0 { "A" } else { "B" }).strong())
                    .on_hover_text(*name);
            }
            ui.end_row();
            for row in rows {
                ui.label(&row.label);
                for v in &row.values {
                    ui.monospace(v);
                }
                ui.end_row();
            }
        });
        ui.add_space(6.0);
        if ui.button("Copy as text").on_hover_text("The table as `cloud-sandbox compare` prints it").clicked() {
            let runs = view
                .sides
                .iter()
                .map(|s| compare::CompareRun {
                    file: s.name.clone(),
                    report: Report::from_engine(&s.run.engine, s.run.wall_secs),
                })
                .collect();
            let comparison = compare::Comparison::new(view.seed, runs, view.finished());
            ui.ctx().copy_text(compare::to_text(&comparison));
        }
    });
}
