//! The problems list: what `check` finds, live. Clicking a problem selects its node.

use super::app::Action;
use super::theme::Palette;
use crate::model::validate::{Place, Problem};

/// Shows the problems of the diagram.
pub fn show(ui: &mut egui::Ui, problems: &[Problem], actions: &mut Vec<Action>) {
    if problems.is_empty() {
        ui.label("No problems: this diagram is ready to run.");
        return;
    }
    let warning = Palette::for_visuals(ui.visuals()).warning;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        for p in problems {
            let text = egui::RichText::new(p.to_string()).color(warning);
            let response = ui.add(egui::Label::new(text).sense(egui::Sense::click()));
            if let Place::Node(id) = &p.place
                && response.on_hover_text("Click to select the node").clicked()
            {
                actions.push(Action::SelectNode(id.clone(), false));
            }
        }
    });
}
