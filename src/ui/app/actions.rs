//! Carrying out actions: the one place where what the user asked for is applied.

#[allow(clippy::wildcard_imports)]
use super::*;

impl SandboxApp {
    /// Says how an export went: written, or why not (in a window too).
    fn exported(&mut self, result: Result<(), String>, path: &Path) {
        match result {
            Ok(()) => self.say(format!("Exported {}", path.display()), false),
            Err(e) => {
                self.say(format!("Not exported: {e}"), true);
                self.error = Some(format!("Nothing was exported.\n\n{e}"));
            }
        }
    }

    /// Carries out an action: the one place where the document, selection and files change.
    pub fn handle(&mut self, action: Action) {
        match action {
            Action::Edit(edit, group) => {
                if let Err(reason) = self.doc.apply(edit, group) {
                    self.say(reason, true);
                }
                self.prune_selection();
            }
            Action::Undo => {
                if self.doc.undo() {
                    self.prune_selection();
                } else {
                    self.say("Nothing to undo", false);
                }
            }
            Action::Redo => {
                if self.doc.redo() {
                    self.prune_selection();
                } else {
                    self.say("Nothing to redo", false);
                }
            }
            Action::New | Action::Open | Action::OpenPath(_) | Action::OpenExample(_) if self.doc.is_modified() => {
                self.pending = Some(Pending::Replace(Box::new(action)));
            }
            Action::New => {
                self.replace_document(Document::default());
                self.say("New diagram", false);
            }
            Action::Open => self.files.start(DialogKind::Open, self.doc.path.as_deref()),
            Action::OpenPath(path) => {
                self.open_path(&path);
            }
            Action::OpenExample(i) => self.open_example(i),
            Action::Save => match self.doc.path.clone() {
                Some(path) => {
                    self.save_to(&path);
                }
                None => self.files.start(DialogKind::SaveAs, Some(&self.suggested_save_path())),
            },
            Action::SaveAs => self.files.start(DialogKind::SaveAs, Some(&self.suggested_save_path())),
            Action::SaveTo(path, ask) => {
                let path = if path.extension().is_none() { path.with_extension("ron") } else { path };
                let same = |a: &Path, b: &Path| {
                    a == b || a.canonicalize().ok().is_some_and(|a| b.canonicalize().ok() == Some(a))
                };
                let elsewhere = self.doc.path.as_deref().is_none_or(|current| !same(current, &path));
                if ask && elsewhere && path.exists() {
                    self.confirm_replace = Some(path);
                } else if self.save_to(&path)
                    && let Some(pending) = self.after_save.take()
                {
                    // The unsaved-changes question led here: now do what it was about.
                    let mut next = Vec::new();
                    self.resume(pending, &mut next);
                    for action in next {
                        self.handle(action);
                    }
                }
            }
            Action::DialogCancelled => {
                if self.after_save.take().is_some() {
                    self.say("Not saved: what you asked for was not done", false);
                }
            }
            Action::AddNode(kind, pos) => {
                let mut pos = if self.prefs.snap { canvas::snap(pos) } else { pos };
                // Never exactly on top of another node: step down until the spot is free.
                let taken = |p: (f32, f32), d: &Diagram| {
                    d.nodes.iter().any(|n| {
                        (n.pos.0 - p.0).abs() < theme::NODE_SIZE.x && (n.pos.1 - p.1).abs() < theme::NODE_SIZE.y
                    })
                };
                while taken(pos, &self.doc.diagram) {
                    pos.1 += theme::NODE_SIZE.y + theme::GRID;
                }
                let node = new_node(&self.doc.diagram, kind, pos);
                let id = node.id.clone();
                self.handle(Action::Edit(Edit::AddNode(node), None));
                self.selection.clear();
                self.selection.nodes.insert(id);
            }
            Action::SelectAll => {
                self.selection.nodes = self.doc.diagram.nodes.iter().map(|n| n.id.clone()).collect();
                self.selection.edge = None;
            }
            Action::Copy => {
                let (nodes, edges) = self.copied();
                // On the system clipboard too, as a small diagram: it pastes into another window.
                let as_diagram = Diagram { nodes: nodes.clone(), edges: edges.clone(), ..Diagram::default() };
                self.to_system_clipboard = file::to_ron_string(&as_diagram).ok();
                self.clipboard = Some((nodes, edges));
                self.pastes = 0;
                let n = self.selection.nodes.len();
                self.say(format!("Copied {n} node{}", if n == 1 { "" } else { "s" }), false);
            }
            Action::Paste => self.paste(),
            Action::Duplicate => {
                self.clipboard = Some(self.copied());
                self.pastes = 0;
                self.paste();
            }
            Action::DeleteSelection => {
                let nodes: Vec<NodeId> = self.selection.nodes.iter().cloned().collect();
                let edges: Vec<usize> = self.selection.edge.into_iter().collect();
                if !nodes.is_empty() || !edges.is_empty() {
                    self.handle(Action::Edit(Edit::Remove { nodes, edges }, None));
                    self.selection.clear();
                }
            }
            Action::SelectNode(id, extend) => {
                if !extend {
                    self.selection.clear();
                }
                self.selection.nodes.insert(id);
            }
            Action::ZoomToFit => self.view.fit_requested = true,
            Action::PlayPause if self.compare.is_some() => {
                if let Some(c) = &mut self.compare {
                    c.play_pause(&self.doc.diagram, &self.catalog);
                }
            }
            Action::PlayPause => {
                if let Some(run) = self.ensure_run() {
                    if run.engine.finished() {
                        self.say("The run is over: Reset to start again", false);
                    } else {
                        run.clock.playing = !run.clock.playing;
                        run.resync();
                        self.dock_tab = DockTab::Charts;
                    }
                }
            }
            Action::StepEvent => {
                if let Some(run) = self.ensure_run() {
                    run.clock.playing = false;
                    run.step_event();
                }
            }
            Action::StepSecond => {
                if let Some(run) = self.ensure_run() {
                    run.clock.playing = false;
                    run.step_secs(1.0);
                }
            }
            Action::ResetRun => {
                self.run = None;
                self.live_question = None;
                self.say("Back to 0 s (same seed)", false);
            }
            Action::RestartRun => {
                let playing = self.run.as_ref().is_some_and(|r| r.clock.playing);
                self.run = None;
                self.live_question = None;
                if let Some(run) = self.ensure_run() {
                    run.clock.playing = playing;
                    self.say("The run restarted from 0 s with the diagram as it is now", false);
                }
            }
            Action::ApplyLive => {
                let revision = self.doc.revision();
                if let Some(run) = &mut self.run {
                    let t = run.engine.now().as_secs();
                    match run.apply(&self.doc.diagram, revision) {
                        Ok(LiveChange::Structure(change)) => {
                            self.live_question = None;
                            self.say(format!("Applied at {t:.1} s: {}", change.summary()), false);
                        }
                        Ok(_) => {
                            self.live_question = None;
                            self.say(format!("Applied at {t:.1} s"), false);
                        }
                        // The banner stays, saying why and offering the ways back.
                        Err(reason) => self.say(format!("Not applied: {reason}"), true),
                    }
                }
            }
            Action::KeepRun => {
                if let (Some(run), Some((revision, _))) = (&mut self.run, &self.live_question) {
                    run.decline(*revision);
                }
                self.live_question = None;
                self.stale_dismissed = Some(self.doc.revision());
                self.say("The run goes on with the diagram as it was; Reset to use the new one", false);
            }
            Action::ShowProblems => {
                self.prefs.show_dock = true;
                self.dock_tab = DockTab::Problems;
            }
            Action::FailNode(..) | Action::RecoverNode(_) if self.run.is_none() => {
                self.say("Press Play or Step first: failures act on a running simulation", false);
            }
            Action::FailNode(id, for_secs) => {
                let index = self.run.as_ref().and_then(|r| r.node_index(&id.0));
                if let (Some(run), Some(index)) = (&mut self.run, index) {
                    run.engine.fail_node(index, for_secs);
                    let t = run.engine.now().as_secs();
                    let how_long = for_secs.map_or_else(|| "until recovered".to_owned(), |s| format!("for {s} s"));
                    self.say(format!("'{id}' failed at {t:.1} s, {how_long}"), false);
                }
            }
            Action::RecoverNode(id) => {
                let index = self.run.as_ref().and_then(|r| r.node_index(&id.0));
                if let (Some(run), Some(index)) = (&mut self.run, index) {
                    run.engine.recover_node(index);
                    let t = run.engine.now().as_secs();
                    self.say(format!("'{id}' recovered at {t:.1} s"), false);
                }
            }
            Action::ToggleReport => {
                if self.run.is_some() {
                    self.show_report = !self.show_report;
                } else {
                    self.say("Press Play or Step first: the report is of a run", false);
                }
            }
            Action::ExportCsv => {
                if self.run.is_some() {
                    self.files.start(DialogKind::ExportFolder, None);
                } else {
                    self.say("Press Play or Step first: there are no metrics to export yet", false);
                }
            }
            Action::ExportReport | Action::ExportCharts if self.run.is_none() => {
                self.say("Press Play or Step first: there is no run to export yet", false);
            }
            Action::ExportReport => {
                let name = self.suggested_save_path().with_extension("md");
                self.files.start(DialogKind::ExportReport, Some(&name));
            }
            Action::ExportImage => {
                let name = self.suggested_save_path().with_extension("svg");
                self.files.start(DialogKind::ExportImage, Some(&name));
            }
            Action::ExportCharts => self.files.start(DialogKind::ExportCharts, None),
            Action::ExportReportTo(path) => {
                if let Some(run) = &self.run {
                    let path = if path.extension().is_none() { path.with_extension("md") } else { path };
                    let report = crate::report::Report::from_engine(&run.engine, run.wall_secs);
                    let text = crate::report::markdown::to_markdown(&report);
                    self.exported(file::write_atomically(&path, text.as_bytes()).map_err(|e| e.to_string()), &path);
                }
            }
            Action::ExportImageTo(path) => {
                let states: Option<Vec<Option<crate::sim::LiveNode>>> =
                    self.run.as_ref().map(|r| r.live_nodes().into_iter().map(|n| n.map(|(s, _)| s)).collect());
                let mut picture =
                    crate::scene::diagram::Picture::new(&self.doc.diagram, states.as_deref(), self.prefs.dark);
                if let Some(run) = &self.run {
                    picture = picture.at(run.engine.now().as_secs(), run.engine.end().as_secs());
                }
                let result = crate::scene::export::write_picture(&path, &picture.svg());
                self.exported(result, &path);
            }
            Action::ExportChartsTo(dir) => {
                if let Some(run) = &self.run {
                    let options = crate::scene::charts::ChartOptions {
                        breakdown: self.prefs.charts.breakdown,
                        ..crate::scene::charts::ChartOptions::default()
                    };
                    match crate::scene::export::write_charts(&run.engine, &dir, &options, self.prefs.dark) {
                        Ok(n) => self.say(format!("Wrote {n} charts (PNG and SVG) into {}", dir.display()), false),
                        Err(e) => self.exported(Err(e), &dir),
                    }
                }
            }
            Action::ChoosePricing => self.files.start(DialogKind::Pricing, None),
            Action::OpenCompare => {
                if let Some(run) = &mut self.run {
                    run.clock.playing = false;
                }
                if self.compare.is_none() {
                    let mut view = super::super::compare::CompareView::new(&self.doc.diagram);
                    if let Some(name) = self.doc.path.as_ref().and_then(|p| p.file_name()) {
                        view.open_name = name.to_string_lossy().into_owned();
                    }
                    self.compare = Some(view);
                }
            }
            Action::CloseCompare => {
                if let Some(c) = &mut self.compare {
                    c.clock.playing = false;
                }
                self.compare = None;
            }
            Action::CompareBrowse(first) => {
                let kind = if first { DialogKind::CompareFirst } else { DialogKind::CompareWith };
                self.files.start(kind, None);
            }
            Action::CompareWith(path, first) => {
                if let Some(c) = &mut self.compare {
                    match file::load(&path) {
                        Ok(_) => {
                            let source = super::super::compare::Source::File(path);
                            if first {
                                c.a = source;
                            } else {
                                c.b = Some(source);
                            }
                            c.message = None;
                        }
                        Err(e) => c.message = Some((format!("Cannot compare it: {e}"), true)),
                    }
                }
            }
            Action::InjectFault(fault) => {
                let what = fault.describe();
                if let Some(run) = &mut self.run {
                    let t = run.engine.now().as_secs();
                    match run.engine.inject_fault(fault) {
                        Ok(()) => self.say(format!("At {t:.1} s: {what}"), false),
                        Err(e) => self.say(format!("Not set off: {e}"), true),
                    }
                } else {
                    self.say("Press Play first: faults set off now need a running simulation", false);
                }
            }
            Action::Say(text) => self.say(text, false),
            Action::CompareFaultsBrowse => self.files.start(DialogKind::CompareFaults, None),
            Action::CompareFaults(path) => {
                if let Some(c) = &mut self.compare {
                    match file::load_faults(&path) {
                        Ok(_) => c.faults_file = Some(path),
                        Err(e) => c.message = Some((format!("Cannot use that fault script: {e}"), true)),
                    }
                }
            }
            Action::LoadPricing(path) => {
                let loaded = match &path {
                    Some(p) => Catalog::load(p),
                    None => Ok(Catalog::embedded()),
                };
                match loaded {
                    Ok(catalog) => {
                        self.catalog = catalog;
                        self.problems.0 = u64::MAX;
                        let what =
                            path.as_ref().map_or_else(|| "the built-in prices".to_owned(), |p| p.display().to_string());
                        self.pricing = path;
                        if self.run.is_some() {
                            self.handle(Action::RestartRun);
                        }
                        self.say(format!("Pricing from {what}"), false);
                    }
                    Err(e) => {
                        self.say(format!("Prices not loaded: {e}"), true);
                        self.error =
                            Some(format!("The pricing catalog was not loaded; the prices in use stay.\n\n{e}"));
                    }
                }
            }
            Action::ExportCsvTo(dir) => {
                if let Some(run) = &self.run {
                    match crate::report::csv::write_dir(&run.engine, &dir) {
                        Ok(()) => self.say(format!("Exported global.csv and nodes.csv to {}", dir.display()), false),
                        Err(e) => {
                            self.say(format!("Not exported: {e}"), true);
                            self.error = Some(format!("The metrics were not exported.\n\n{e}"));
                        }
                    }
                }
            }
            Action::SetSeed(seed) => {
                if seed != self.doc.diagram.scenario.seed {
                    let scenario = Scenario { seed, ..self.doc.diagram.scenario.clone() };
                    self.handle(Action::Edit(Edit::SetScenario(scenario), None));
                    if self.run.is_some() {
                        self.handle(Action::RestartRun);
                    }
                }
            }
            Action::SetFreeTier(on) => {
                let scenario = Scenario { free_tier: on, ..self.doc.diagram.scenario.clone() };
                self.handle(Action::Edit(Edit::SetScenario(scenario), None));
            }
            Action::SetSpeed(speed) => {
                self.speed = speed;
                if let Some(run) = &mut self.run {
                    run.clock.speed = speed;
                }
            }
            Action::Quit => {
                if self.doc.is_modified() {
                    self.pending = Some(Pending::Quit);
                } else {
                    self.allow_close = true;
                }
            }
        }
    }
}
