//! The problems list: what `check` finds, live. Clicking a problem selects its node.

use super::action::Action;
use super::theme::Palette;
use crate::model::validate::{Place, Problem};

/// Shows the problems of the diagram: errors (which stop it from running) first, then warnings
/// (it runs, probably not as meant).
pub fn show(ui: &mut egui::Ui, problems: &[Problem], actions: &mut Vec<Action>) {
    if problems.is_empty() {
        ui.label("No problems: this diagram is ready to run.");
        ui.add_space(6.0);
        for hint in [
            "Press Play (Space) to run it: the Charts tab fills in as simulated time goes by.",
            "While it runs, right-click an instance, function or balancer to fail it and watch what follows.",
            "Report shows the run's figures; Compare… runs it against another design under the same load.",
            "More designs are under File, Examples, each with a line on what it shows.",
        ] {
            ui.weak(hint);
        }
        return;
    }
    let palette = Palette::for_visuals(ui.visuals());
    let errors = problems.iter().filter(|p| !p.is_warning()).count();
    if errors == 0 {
        ui.weak("The diagram can run; these warnings say where it may not do what you mean.");
    }
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        for p in problems {
            let (tag, colour) = if p.is_warning() { ("warning", palette.busy) } else { ("error", palette.warning) };
            let response = ui
                .horizontal(|ui| {
                    ui.label(egui::RichText::new(tag).small().strong().color(colour));
                    ui.add(
                        egui::Label::new(egui::RichText::new(p.to_string()).color(colour)).sense(egui::Sense::click()),
                    )
                })
                .inner;
            if let Place::Node(id) = &p.place
                && response.on_hover_text("Click to select the node").clicked()
            {
                actions.push(Action::SelectNode(id.clone(), false));
            }
        }
    });
}
