//! The node palette: drag a kind onto the canvas, or click it to add one in the middle of the view.

use super::app::Action;
use super::canvas::CanvasView;
use super::{help, theme};
use crate::model::Kind;

/// Shows the palette.
pub fn show(ui: &mut egui::Ui, view: &CanvasView, actions: &mut Vec<Action>) {
    ui.add_space(4.0);
    ui.heading("Nodes");
    ui.weak("Drag onto the canvas, or click to add");
    ui.add_space(6.0);
    for kind in Kind::ALL {
        let id = egui::Id::unique(("palette", kind.name()));
        let inner = ui.dnd_drag_source(id, kind, |ui| {
            let text = egui::RichText::new(format!("{}  {}", theme::kind_icon(kind), theme::kind_title(kind)))
                .color(theme::kind_colour(kind))
                .size(15.0);
            ui.add(egui::Button::new(text).min_size(egui::vec2(ui.available_width(), 30.0)))
        });
        let response = inner.inner.on_hover_text(help::kind_help(kind));
        if response.clicked() {
            actions.push(Action::AddNode(kind, view.centre()));
        }
    }
}
