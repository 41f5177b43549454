//! The menu bar, the toolbar and the status line.

#[allow(clippy::wildcard_imports)]
use super::*;

impl SandboxApp {
    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.add(egui::Button::new("New").shortcut_text("Ctrl+N")).clicked() {
                    actions.push(Action::New);
                }
                if ui.add(egui::Button::new("Open…").shortcut_text("Ctrl+O")).clicked() {
                    actions.push(Action::Open);
                }
                ui.menu_button("Open recent", |ui| {
                    if self.prefs.recent.is_empty() {
                        ui.label("No recent files");
                    }
                    for path in &self.prefs.recent {
                        if ui.button(path.display().to_string()).clicked() {
                            actions.push(Action::OpenPath(path.clone()));
                        }
                    }
                });
                ui.menu_button("Examples", |ui| {
                    ui.set_max_width(440.0);
                    let summaries = super::super::examples::summaries();
                    for (i, (name, _)) in EXAMPLES.iter().enumerate() {
                        let summary = summaries.get(i).map_or("", String::as_str);
                        let response = ui.button(*name).on_hover_text(summary);
                        // What each example shows, in a line under its name.
                        ui.add(egui::Label::new(egui::RichText::new(summary).small().weak()).truncate());
                        if response.clicked() {
                            actions.push(Action::OpenExample(i));
                        }
                    }
                });
                ui.separator();
                if ui.add(egui::Button::new("Save").shortcut_text("Ctrl+S")).clicked() {
                    actions.push(Action::Save);
                }
                if ui.add(egui::Button::new("Save As…").shortcut_text("Ctrl+Shift+S")).clicked() {
                    actions.push(Action::SaveAs);
                }
                ui.separator();
                ui.menu_button("Export", |ui| {
                    if ui
                        .button("Diagram as picture (SVG or PNG)…")
                        .on_hover_text("The diagram as it looks now, badges of the run included")
                        .clicked()
                    {
                        actions.push(Action::ExportImage);
                    }
                    let running = self.run.is_some();
                    let why = "Press Play or Step first";
                    if ui
                        .add_enabled(running, egui::Button::new("Charts (PNG and SVG)…"))
                        .on_disabled_hover_text(why)
                        .clicked()
                    {
                        actions.push(Action::ExportCharts);
                    }
                    if ui
                        .add_enabled(running, egui::Button::new("Report (Markdown)…"))
                        .on_disabled_hover_text(why)
                        .clicked()
                    {
                        actions.push(Action::ExportReport);
                    }
                    if ui
                        .add_enabled(running, egui::Button::new("Metrics (CSV)…"))
                        .on_disabled_hover_text(why)
                        .clicked()
                    {
                        actions.push(Action::ExportCsv);
                    }
                });
                ui.separator();
                if ui
                    .button("Load prices…")
                    .on_hover_text("Use a pricing catalog file (as assets/pricing.ron) instead of the built-in prices")
                    .clicked()
                {
                    actions.push(Action::ChoosePricing);
                }
                if ui.add_enabled(self.pricing.is_some(), egui::Button::new("Built-in prices")).clicked() {
                    actions.push(Action::LoadPricing(None));
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    actions.push(Action::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                let undo = egui::Button::new("Undo").shortcut_text("Ctrl+Z");
                if ui.add_enabled(self.doc.can_undo(), undo).clicked() {
                    actions.push(Action::Undo);
                }
                let redo = egui::Button::new("Redo").shortcut_text("Ctrl+Shift+Z");
                if ui.add_enabled(self.doc.can_redo(), redo).clicked() {
                    actions.push(Action::Redo);
                }
                ui.separator();
                let has_selection = !self.selection.nodes.is_empty();
                if ui.add_enabled(has_selection, egui::Button::new("Copy").shortcut_text("Ctrl+C")).clicked() {
                    actions.push(Action::Copy);
                }
                if ui
                    .add_enabled(self.clipboard.is_some(), egui::Button::new("Paste").shortcut_text("Ctrl+V"))
                    .clicked()
                {
                    actions.push(Action::Paste);
                }
                if ui.add_enabled(has_selection, egui::Button::new("Duplicate").shortcut_text("Ctrl+D")).clicked() {
                    actions.push(Action::Duplicate);
                }
                let any = has_selection || self.selection.edge.is_some();
                if ui.add_enabled(any, egui::Button::new("Delete").shortcut_text("Del")).clicked() {
                    actions.push(Action::DeleteSelection);
                }
                if ui.add(egui::Button::new("Select all").shortcut_text("Ctrl+A")).clicked() {
                    actions.push(Action::SelectAll);
                }
            });
            ui.menu_button("View", |ui| {
                if ui.add(egui::Button::new("Zoom to fit").shortcut_text("F")).clicked() {
                    actions.push(Action::ZoomToFit);
                }
                ui.checkbox(&mut self.prefs.snap, "Snap to grid");
                ui.separator();
                ui.checkbox(&mut self.prefs.show_palette, "Palette");
                ui.checkbox(&mut self.prefs.show_inspector, "Inspector");
                ui.checkbox(&mut self.prefs.show_dock, "Problems dock");
                ui.separator();
                if ui.checkbox(&mut self.prefs.dark, "Dark theme").changed() {
                    ui.close();
                }
            });
            ui.menu_button("Simulation", |ui| {
                let playing = self.run.as_ref().is_some_and(|r| r.clock.playing);
                if ui.add(egui::Button::new(if playing { "Pause" } else { "Play" }).shortcut_text("Space")).clicked() {
                    actions.push(Action::PlayPause);
                }
                if ui.button("Step one event").clicked() {
                    actions.push(Action::StepEvent);
                }
                if ui.button("Step one simulated second").clicked() {
                    actions.push(Action::StepSecond);
                }
                if ui.button("Reset to 0 s").clicked() {
                    actions.push(Action::ResetRun);
                }
                if ui.add_enabled(self.run.is_some(), egui::Button::new("Report")).clicked() {
                    actions.push(Action::ToggleReport);
                }
                ui.menu_button("Speed", |ui| {
                    for speed in SPEEDS {
                        if ui.selectable_label(self.speed == speed, speed_label(speed)).clicked() {
                            actions.push(Action::SetSpeed(speed));
                        }
                    }
                });
                if ui
                    .button("Compare with another design…")
                    .on_hover_text("Run this diagram and another side by side, same seed and faults")
                    .clicked()
                {
                    actions.push(Action::OpenCompare);
                }
                if ui.button("New random seed").on_hover_text("Another run of the same diagram").clicked() {
                    // A short number, easy to note down and type back.
                    let nanos = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| u64::from(d.subsec_nanos()));
                    actions.push(Action::SetSeed(nanos % 1_000_000));
                }
            });
            ui.menu_button("Help", |ui| {
                ui.label("Drag a kind from the palette onto the canvas.");
                ui.label("Drag from a node's right handle to another node to connect.");
                ui.label("Drag empty space to pan; Ctrl+wheel to zoom; Shift+drag to select an area.");
                ui.label("Double-click a node to rename it; F fits the diagram in view.");
            });
        });
    }

    pub(super) fn toolbar(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        ui.horizontal(|ui| {
            for (label, hint, action) in [
                ("New", "New diagram (Ctrl+N)", Action::New),
                ("Open…", "Open a diagram (Ctrl+O)", Action::Open),
                ("Save", "Save (Ctrl+S)", Action::Save),
            ] {
                if ui.button(label).on_hover_text(hint).clicked() {
                    actions.push(action);
                }
            }
            ui.separator();
            if ui.add_enabled(self.doc.can_undo(), egui::Button::new("Undo")).on_hover_text("Ctrl+Z").clicked() {
                actions.push(Action::Undo);
            }
            if ui.add_enabled(self.doc.can_redo(), egui::Button::new("Redo")).on_hover_text("Ctrl+Shift+Z").clicked() {
                actions.push(Action::Redo);
            }
            ui.separator();
            if self.compare.is_some() {
                // The Compare view has its own controls.
                if ui.button("Back to editing").on_hover_text("Leave the Compare view").clicked() {
                    actions.push(Action::CloseCompare);
                }
                return;
            }
            if ui.button("Fit").on_hover_text("Zoom to fit (F)").clicked() {
                actions.push(Action::ZoomToFit);
            }
            ui.toggle_value(&mut self.prefs.snap, "Snap").on_hover_text("Snap nodes to the grid");
            ui.separator();
            let playing = self.run.as_ref().is_some_and(|r| r.clock.playing);
            let label = if playing { "Pause" } else { "Play" };
            if ui.button(label).on_hover_text("Run the diagram live (Space)").clicked() {
                actions.push(Action::PlayPause);
            }
            if ui.button("Step").on_hover_text("Run one event").clicked() {
                actions.push(Action::StepEvent);
            }
            if ui.button("+1 s").on_hover_text("Run one simulated second").clicked() {
                actions.push(Action::StepSecond);
            }
            if ui
                .add_enabled(self.run.is_some(), egui::Button::new("Reset"))
                .on_hover_text("Back to 0 s, same seed")
                .clicked()
            {
                actions.push(Action::ResetRun);
            }
            if ui
                .add_enabled(self.run.is_some(), egui::Button::new("Report"))
                .on_hover_text("The run's totals, as cloud-sandbox run prints them")
                .clicked()
            {
                actions.push(Action::ToggleReport);
            }
            let speed = self.speed;
            let label = ui.label("Speed").id;
            egui::ComboBox::from_id_salt("speed")
                .width(86.0)
                .selected_text(speed_label(speed))
                .show_ui(ui, |ui| {
                    for option in SPEEDS {
                        if ui.selectable_label(option == speed, speed_label(option)).clicked() {
                            actions.push(Action::SetSpeed(option));
                        }
                    }
                })
                .response
                .labelled_by(label);
            ui.separator();
            if ui
                .button("Compare…")
                .on_hover_text("Run this diagram against another, side by side, under the same seed and faults")
                .clicked()
            {
                actions.push(Action::OpenCompare);
            }
            ui.separator();
            let mut seed = self.doc.diagram.scenario.seed;
            let label = ui.label("Seed").id;
            let response = ui
                .add(egui::DragValue::new(&mut seed).speed(1.0))
                .on_hover_text("The same seed gives the same run; a new one restarts the run")
                .labelled_by(label);
            if response.changed() {
                actions.push(Action::SetSeed(seed));
            }
        });
    }

    pub(super) fn status_line(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let d = &self.doc.diagram;
            ui.label(format!("{} nodes, {} edges", d.nodes.len(), d.edges.len()));
            ui.separator();
            let errors = self.error_count();
            let warnings = self.problems().len() - errors;
            let palette = theme::Palette::for_visuals(ui.visuals());
            let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
            if errors > 0 {
                ui.colored_label(palette.warning, plural(errors, "problem"));
            } else {
                ui.label("ready to run");
            }
            if warnings > 0 {
                ui.colored_label(palette.busy, plural(warnings, "warning"))
                    .on_hover_text("The diagram runs, probably not as meant: see the Problems tab");
            }
            if let Some(file) = self.pricing.as_ref().and_then(|p| p.file_name()) {
                ui.separator();
                ui.label(format!("prices: {}", file.to_string_lossy()))
                    .on_hover_text("A pricing catalog file is in use (File, Built-in prices goes back)");
            }
            ui.separator();
            if let Some(run) = &self.run {
                let (now, end) = (run.engine.now().as_secs(), run.engine.end().as_secs());
                ui.label(format!("t = {now:.1} s of {end:.0} s"));
                if run.clock.playing {
                    ui.label(format!("{:.1}× real time", run.clock.achieved_speed()));
                    ui.label(format!("{:.0} events/s", run.events_per_sec()));
                    if run.clock.behind() {
                        let colour = theme::Palette::for_visuals(ui.visuals()).warning;
                        ui.colored_label(colour, "behind real time");
                    }
                } else {
                    match run.engine.stopped() {
                        Some(stop) => {
                            let colour = theme::Palette::for_visuals(ui.visuals()).warning;
                            ui.colored_label(colour, "stopped early").on_hover_text(&stop.message);
                        }
                        None => {
                            ui.label(if run.engine.finished() { "finished" } else { "paused" });
                        }
                    }
                }
                ui.separator();
            }
            ui.label(format!("zoom {:.0} %", self.view.zoom * 100.0));
            if let Some(status) = &self.status {
                ui.separator();
                let colour = if status.is_error {
                    theme::Palette::for_visuals(ui.visuals()).warning
                } else {
                    ui.visuals().text_color()
                };
                ui.colored_label(colour, &status.text);
            }
        });
    }
}
