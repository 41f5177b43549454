//! The node palette: drag a kind onto the canvas, or click it to add one in the middle of the view.

use super::action::Action;
use super::canvas::CanvasView;
use super::theme;
use crate::model::Kind;

/// Shows the palette.
pub fn show(ui: &mut egui::Ui, view: &CanvasView, actions: &mut Vec<Action>) {
    ui.add_space(4.0);
    ui.heading("Nodes");
    ui.weak("Drag onto the canvas, or click to add");
    ui.add_space(6.0);
    for kind in Kind::ALL {
        let title = kind.title();
        let response = ui
            .horizontal(|ui| {
                let (icon, _) = ui.allocate_exact_size(egui::vec2(22.0, 30.0), egui::Sense::hover());
                theme::paint_icon(ui.painter(), kind, icon.center(), 16.0, theme::kind_colour(kind));
                let text = egui::RichText::new(title).color(theme::kind_colour(kind)).size(15.0);
                ui.add(egui::Button::new(text).min_size(egui::vec2(ui.available_width(), 30.0)))
                    .interact(egui::Sense::drag())
            })
            .inner;
        // The accessible name says what the button does, and differs from node names.
        let name = format!("Add {title}");
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
        let response = response.on_hover_text(kind.help()).on_hover_cursor(egui::CursorIcon::Grab);
        if response.drag_started() {
            egui::DragAndDrop::set_payload(ui.ctx(), kind);
        }
        if response.dragged()
            && let Some(p) = ui.ctx().pointer_latest_pos()
        {
            // A ghost of the new node follows the pointer until it is dropped.
            egui::Area::new(ui.scope_id().with(("ghost", kind.name())))
                .fixed_pos(p + egui::vec2(8.0, 8.0))
                .order(egui::Order::Tooltip)
                .interactable(false)
                .show(ui.ctx(), |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.colored_label(theme::kind_colour(kind), title);
                    });
                });
        }
        if response.clicked() {
            actions.push(Action::AddNode(kind, view.centre()));
        }
    }
}
