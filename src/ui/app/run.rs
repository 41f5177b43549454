//! The live run in the window: built on demand, kept in step with the document, driven each frame.

#[allow(clippy::wildcard_imports)]
use super::*;

impl SandboxApp {
    /// The live run, built at t = 0 if there is none; `None` (with the reason said) when the
    /// diagram has problems.
    pub(super) fn ensure_run(&mut self) -> Option<&mut LiveRun> {
        if self.run.is_none() && !self.doc.diagram.nodes.iter().any(|n| n.kind.kind() == Kind::Client) {
            let what =
                if self.doc.diagram.nodes.is_empty() { "the diagram is empty" } else { "no client sends requests" };
            self.say(format!("Nothing to run: {what}. Add a client from the palette, and what it calls"), true);
            self.dock_tab = DockTab::Problems;
            return None;
        }
        if self.run.is_none() {
            if let Ok(mut run) = LiveRun::new(&self.doc.diagram, &self.catalog, self.doc.revision()) {
                run.clock.speed = self.speed;
                self.run = Some(run);
            } else {
                let n = self.error_count();
                self.say(format!("Cannot run: the diagram has {n} problem(s), listed in the dock"), true);
                self.dock_tab = DockTab::Problems;
                return None;
            }
        }
        self.run.as_mut()
    }

    /// Runs this frame's share of the live run, after bringing it up to date with the document:
    /// parameter changes apply at once; a change of structure, or one only a new run can take,
    /// is asked about (see [`Self::live_banner`]).
    pub(super) fn drive_run(&mut self, ctx: &egui::Context) {
        let revision = self.doc.revision();
        if self.live_question.as_ref().is_some_and(|(r, _)| *r != revision) {
            self.live_question = None;
        }
        if let Some(run) = &mut self.run
            && self.live_question.is_none()
        {
            let untouched = run.engine.events_processed() == 0;
            match run.sync(&self.doc.diagram, revision) {
                Some(LiveChange::Parameters) => {
                    let t = run.engine.now().as_secs();
                    self.say(format!("Applied at {t:.1} s, without restarting the run"), false);
                }
                Some(question @ (LiveChange::Structure(_) | LiveChange::NeedsReset(_))) => {
                    if untouched {
                        // Nothing has happened yet: nothing to keep, nothing to ask.
                        let (playing, speed) = (run.clock.playing, run.clock.speed);
                        self.run = None;
                        if let Some(run) = self.ensure_run() {
                            run.clock.playing = playing;
                            run.clock.speed = speed;
                        }
                    } else {
                        self.live_question = Some((revision, question));
                    }
                }
                Some(LiveChange::None) | None => {}
            }
        }
        let time = ctx.input(|i| i.time);
        if let Some(c) = &mut self.compare {
            c.advance(time);
            if c.clock.playing {
                ctx.request_repaint();
            }
        }
        if let Some(run) = &mut self.run
            && run.clock.playing
        {
            run.advance(time);
            ctx.request_repaint();
            if let Some(stop) = run.engine.stopped() {
                // The run paused for good: say why once, plainly. The diagram is not touched.
                let (message, at) = (stop.message.clone(), stop.at_secs);
                self.say(format!("Stopped early at t = {at:.1} s: it held too much at once"), true);
                self.stopped_notice = Some(format!(
                    "The run {message}.\n\nThe diagram is as it was; the charts and the report show the run up \
                     to that moment. Reset runs it again — shorter, with less traffic, or without the loop or \
                     the growth that filled it."
                ));
            }
        }
    }

    /// Above the canvas, when the run and the document differ: the question about a change the
    /// run cannot simply take, or — when the diagram now has a problem — that the run goes on with
    /// the version before the change, why, and the ways back. The canvas and the run never differ
    /// without saying so.
    pub(super) fn live_banner(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let revision = self.doc.revision();
        let behind = self.run.as_ref().is_some_and(|r| r.built_from != revision);
        let first_error = self.problems().iter().find(|p| !p.is_warning()).cloned();
        let palette = theme::Palette::for_visuals(ui.visuals());
        if let Some(error) = first_error.filter(|_| behind && self.stale_dismissed != Some(revision)) {
            egui::Frame::group(ui.style()).stroke(egui::Stroke::new(1.0, palette.warning)).show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!(
                        "The simulation keeps running the diagram as it was before this change: the \
                         diagram now has a problem ({error}). Fix it, undo the change, or go on with \
                         the old version."
                    ));
                    if ui.button("Undo the change").on_hover_text("Back to the version the run has").clicked() {
                        actions.push(Action::Undo);
                    }
                    if ui.button("Show problems").clicked() {
                        actions.push(Action::ShowProblems);
                    }
                    if ui.button("Not now").on_hover_text("Hide this until the next change").clicked() {
                        actions.push(Action::KeepRun);
                    }
                });
            });
            return;
        }
        let Some((_, question)) = &self.live_question else { return };
        let t = self.run.as_ref().map_or(0.0, |r| r.engine.now().as_secs());
        egui::Frame::group(ui.style()).stroke(egui::Stroke::new(1.0, palette.warning)).show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                match question {
                    LiveChange::Structure(change) => {
                        ui.label(format!(
                            "The diagram changed while the simulation runs ({}). Apply it at {t:.1} s, \
                             keeping what has happened (work at deleted nodes fails as \"removed\"), \
                             or start again from 0 s?",
                            change.summary()
                        ));
                        if ui.button("Apply live").on_hover_text("Keep the run; the change takes effect now").clicked()
                        {
                            actions.push(Action::ApplyLive);
                        }
                    }
                    other => {
                        let reason = match other {
                            LiveChange::NeedsReset(reason) => reason.as_str(),
                            _ => "",
                        };
                        ui.label(format!("This change cannot join the running simulation: {reason}."));
                    }
                }
                if ui
                    .button("Reset to 0 s")
                    .on_hover_text("Start the run again with the diagram as it is now")
                    .clicked()
                {
                    actions.push(Action::RestartRun);
                }
                if ui.button("Not now").on_hover_text("Keep running the diagram as it was").clicked() {
                    actions.push(Action::KeepRun);
                }
            });
        });
    }
}
