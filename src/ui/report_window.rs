//! The Report window: the figures `cloud-sandbox run` prints, laid out as tables that fit the
//! window (nodes by the names the canvas shows), copyable as text, JSON or Markdown.

use super::action::Action;
use crate::report::markdown::{NODE_COLUMNS, failures, node_rows, summary};
use crate::report::{Report, to_text};

/// Shows the report of a run while `open`; emits the export action when asked.
pub fn show(ctx: &egui::Context, report: &Report, open: &mut bool, actions: &mut Vec<Action>) {
    let screen = ctx.content_rect();
    let size = egui::vec2((screen.width() - 80.0).min(1040.0), (screen.height() - 120.0).min(620.0));
    egui::Window::new("Report")
        .open(open)
        .default_size(size)
        .max_size(screen.size() - egui::vec2(20.0, 40.0))
        .constrain(true)
        .show(ctx, |ui| {
            ui.horizontal_wrapped(|ui| {
                if ui.button("Copy as text").on_hover_text("As `cloud-sandbox run` prints it").clicked() {
                    ui.ctx().copy_text(to_text(report));
                }
                if ui.button("Copy as JSON").on_hover_text("As `cloud-sandbox run --json` prints it").clicked() {
                    ui.ctx().copy_text(report.to_json());
                }
                if ui.button("Copy as Markdown").clicked() {
                    ui.ctx().copy_text(crate::report::markdown::to_markdown(report));
                }
                if ui.button("Export Markdown…").on_hover_text("Write the report to a .md file").clicked() {
                    actions.push(Action::ExportReport);
                }
                ui.weak("The run so far, with the same figures as the command line.");
            });
            ui.separator();
            egui::ScrollArea::both().auto_shrink([false, false]).show(ui, |ui| {
                egui::Grid::new("report-summary").num_columns(2).striped(true).spacing([16.0, 3.0]).show(ui, |ui| {
                    for (what, value) in summary(report) {
                        ui.label(what);
                        ui.label(value);
                        ui.end_row();
                    }
                });
                let failures = failures(report);
                if !failures.is_empty() {
                    ui.add_space(8.0);
                    ui.strong("Failures");
                    egui::Grid::new("report-failures").num_columns(2).striped(true).spacing([16.0, 3.0]).show(
                        ui,
                        |ui| {
                            for (reason, n) in failures {
                                ui.label(reason);
                                ui.label(n);
                                ui.end_row();
                            }
                        },
                    );
                }
                ui.add_space(8.0);
                ui.strong("Nodes");
                let rows = node_rows(report);
                egui::Grid::new("report-nodes")
                    .num_columns(NODE_COLUMNS.len())
                    .striped(true)
                    .spacing([14.0, 3.0])
                    .show(ui, |ui| {
                        for column in NODE_COLUMNS {
                            ui.strong(column);
                        }
                        ui.end_row();
                        for row in &rows {
                            let name = ui.label(&row.cells[0]);
                            let hint = match &row.detail {
                                Some(d) => format!("id {}\n{d}", row.id),
                                None => format!("id {}", row.id),
                            };
                            name.on_hover_text(hint);
                            for c in &row.cells[1..] {
                                ui.label(c);
                            }
                            ui.end_row();
                        }
                    });
                let details: Vec<_> = rows.iter().filter_map(|r| r.detail.as_ref().map(|d| (&r.cells[0], d))).collect();
                if !details.is_empty() {
                    ui.add_space(8.0);
                    for (name, detail) in details {
                        ui.horizontal_wrapped(|ui| {
                            ui.strong(name.as_str());
                            ui.label(detail.as_str());
                        });
                    }
                }
            });
        });
}
