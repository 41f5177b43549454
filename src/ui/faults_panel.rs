//! The Faults tab: the scenario's fault script on a timeline, with the faults of the live run as
//! they happened beneath it, and every fault editable in place: add one of each kind, change its
//! target, time and strength, delete it, or set it off now in the running simulation.

use super::action::Action;
use super::live::LiveRun;
use super::theme::Palette;
use crate::model::edit::Edit;
use crate::model::{Diagram, Fault, Kind, Location, NodeId};
use egui::{Align2, Color32, CornerRadius, FontId, Rect, Sense, Stroke, pos2, vec2};

/// The kinds offered by "Add", with a short hint each.
const KINDS: [(&str, &str); 8] = [
    ("Crash", "a node stops for a while: its work fails, new work is refused"),
    ("Slow-down", "a node's service times are multiplied"),
    ("Component failure", "one part of a monolith fails, taking its machines down"),
    ("Zone outage", "every machine in one availability zone goes down"),
    ("Location outage", "everything in the cloud, or on premises, goes down"),
    ("Random failures", "machines fail and are repaired at random (MTBF / MTTR)"),
    ("Latency spike", "calls along an edge take longer each way"),
    ("Traffic surge", "a client's rate is multiplied"),
];

fn group(field: &str, index: usize) -> u64 {
    egui::Id::unique(("fault-field", field, index)).value()
}

/// A new fault of kind `kind` (index in [`KINDS`]) aimed at the first node it fits, from a minute
/// in, for a minute; `None` when the diagram has nothing it could act on.
fn new_fault(kind: usize, d: &Diagram) -> Option<Fault> {
    let first = |kinds: &[Kind]| d.nodes.iter().find(|n| kinds.contains(&n.kind.kind())).map(|n| n.id.clone());
    let (at_secs, for_secs) = (60.0_f64.min(d.scenario.duration_secs / 2.0), Some(60.0));
    Some(match kind {
        0 => Fault::Crash {
            node: first(&Kind::all_that(Kind::can_fail))?,
            instance: None,
            task: None,
            at_secs,
            for_secs,
        },
        1 => Fault::Slow { node: first(&Kind::all_that(Kind::does_work))?, at_secs, for_secs, factor: 3.0 },
        2 => {
            let (node, component) =
                d.nodes.iter().find_map(|n| n.kind.components().first().map(|c| (n.id.clone(), c.clone())))?;
            Fault::ComponentFailure { node, component, at_secs, for_secs }
        }
        3 => {
            let zone = d.zones().into_iter().next()?;
            Fault::ZoneOutage { zone, at_secs, for_secs }
        }
        4 => Fault::LocationOutage { location: Location::Cloud, at_secs, for_secs },
        5 => Fault::RandomFailures {
            node: first(&Kind::all_that(Kind::can_fail))?,
            mtbf_secs: 600.0,
            mttr_secs: 60.0,
            at_secs: 0.0,
            for_secs: None,
        },
        6 => {
            let e = d
                .edges
                .iter()
                .find(|e| !e.dead_letter && d.node(&e.from).is_some_and(|n| n.kind.kind() != Kind::Queue))?;
            Fault::LatencySpike { from: e.from.clone(), to: e.to.clone(), extra_ms: 200.0, at_secs, for_secs }
        }
        _ => Fault::TrafficSurge { node: first(&[Kind::Client])?, multiplier: 3.0, at_secs, for_secs },
    })
}

/// Shows the tab. Edits of the script become `SetScenario` edits; "Now" asks to set a fault off in
/// the live run.
pub fn show(ui: &mut egui::Ui, diagram: &Diagram, run: Option<&LiveRun>, actions: &mut Vec<Action>) {
    let faults = &diagram.scenario.faults;
    ui.horizontal(|ui| {
        let label = ui.label("Add a fault:").id;
        let mut chosen = None;
        egui::ComboBox::from_id_salt("add-fault")
            .selected_text("choose a kind…")
            .show_ui(ui, |ui| {
                for (i, (name, hint)) in KINDS.iter().enumerate() {
                    if ui.selectable_label(false, *name).on_hover_text(*hint).clicked() {
                        chosen = Some(i);
                    }
                }
            })
            .response
            .labelled_by(label);
        if let Some(kind) = chosen {
            match new_fault(kind, diagram) {
                Some(f) => {
                    let mut s = diagram.scenario.clone();
                    s.faults.push(f);
                    actions.push(Action::Edit(Edit::SetScenario(s), None));
                }
                None => actions
                    .push(Action::Say(format!("No node in the diagram can have a {}", KINDS[kind].0.to_lowercase()))),
            }
        }
        ui.weak(format!(
            "{} in the script. They happen in every run at their time; \"Now\" sets one off in the running simulation.",
            faults.len()
        ));
    });
    timeline(ui, diagram, run);
    if faults.is_empty() {
        ui.weak("No faults yet: add one above, or right-click a node during a run to fail it.");
        return;
    }
    egui::ScrollArea::vertical().id_salt("fault-rows").auto_shrink([false, false]).show(ui, |ui| {
        egui::Grid::new("fault-grid").num_columns(6).striped(true).spacing([10.0, 4.0]).show(ui, |ui| {
            for (i, fault) in faults.iter().enumerate() {
                let mut f = fault.clone();
                ui.strong(format!("{}", i + 1));
                ui.label(f.kind_name());
                ui.horizontal(|ui| target_fields(ui, &mut f, diagram, i));
                ui.horizontal(|ui| time_fields(ui, &mut f, i));
                let mut remove = false;
                let mut now = false;
                ui.horizontal(|ui| {
                    let running = run.is_some_and(|r| !r.engine.finished());
                    now = ui
                        .add_enabled(running, egui::Button::new("Now"))
                        .on_hover_text("Set this fault off in the running simulation now (the script stays as it is)")
                        .clicked();
                    remove = ui.button("Delete").on_hover_text("Remove it from the script").clicked();
                });
                ui.end_row();
                if now {
                    actions.push(Action::InjectFault(f.clone()));
                }
                if remove {
                    let mut s = diagram.scenario.clone();
                    s.faults.remove(i);
                    actions.push(Action::Edit(Edit::SetScenario(s), None));
                } else if &f != fault {
                    let mut s = diagram.scenario.clone();
                    s.faults[i] = f;
                    actions.push(Action::Edit(Edit::SetScenario(s), Some(group("fault", i))));
                }
            }
        });
    });
}

/// The script as bars over the scenario's duration, the run's faults as they happened beneath
/// (random failures and failures by hand included), and the run's current time.
fn timeline(ui: &mut egui::Ui, diagram: &Diagram, run: Option<&LiveRun>) {
    let duration = diagram.scenario.duration_secs.max(1e-9);
    let happened = run.map(|r| r.engine.fault_log()).unwrap_or_default();
    let lanes = diagram.scenario.faults.len() + usize::from(!happened.is_empty());
    let lane = 16.0;
    let height = 20.0 + lane * lanes.max(1) as f32;
    let (rect, response) = ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::hover());
    let palette = Palette::for_visuals(ui.visuals());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, CornerRadius::same(3), ui.visuals().extreme_bg_color);
    let x = |t: f64| rect.left() + 4.0 + (rect.width() - 8.0) * (t / duration).clamp(0.0, 1.0) as f32;
    let text = ui.visuals().text_color();
    let font = FontId::proportional(11.0);
    // Ticks: about six over the duration, at round numbers of seconds.
    let step = [
        1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 100.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0, 21_600.0,
        86_400.0,
    ]
    .into_iter()
    .find(|s| duration / s <= 8.0)
    .unwrap_or(86_400.0);
    let mut t = 0.0;
    while t <= duration {
        let px = x(t);
        painter.line_segment(
            [pos2(px, rect.top()), pos2(px, rect.bottom())],
            Stroke::new(1.0, ui.visuals().faint_bg_color),
        );
        painter.text(
            pos2(px + 2.0, rect.bottom() - 2.0),
            Align2::LEFT_BOTTOM,
            format!("{t:.0} s"),
            font.clone(),
            text.gamma_multiply(0.6),
        );
        t += step;
    }
    let bar = |i: usize, start: f64, end: f64, colour: Color32, label: &str| {
        let top = rect.top() + 2.0 + lane * i as f32;
        let r = Rect::from_min_max(pos2(x(start), top), pos2(x(end).max(x(start) + 3.0), top + lane - 3.0));
        painter.rect_filled(r, CornerRadius::same(2), colour.gamma_multiply(0.55));
        painter.text(pos2(r.left() + 3.0, r.center().y), Align2::LEFT_CENTER, label, font.clone(), text);
    };
    for (i, f) in diagram.scenario.faults.iter().enumerate() {
        let (at, len) = f.window_secs();
        bar(i, at, len.map_or(duration, |l| at + l), palette.warning, &format!("{} {}", i + 1, f.describe()));
    }
    if !happened.is_empty() {
        let now = run.map_or(0.0, |r| r.engine.now().as_secs());
        let i = diagram.scenario.faults.len();
        for w in happened {
            bar(i, w.start_secs, w.end_secs.unwrap_or(now), Color32::from_rgb(0xe0, 0x4f, 0x4f), "");
        }
        let top = rect.top() + 2.0 + lane * i as f32;
        painter.text(
            pos2(rect.right() - 4.0, top + lane / 2.0),
            Align2::RIGHT_CENTER,
            "in this run",
            font.clone(),
            text,
        );
    }
    if let Some(r) = run {
        let px = x(r.engine.now().as_secs());
        painter.line_segment([pos2(px, rect.top()), pos2(px, rect.bottom())], Stroke::new(1.5, text));
    }
    response.on_hover_text(
        "The fault script over the scenario's duration; beneath, the faults of the run as they happened.",
    );
}

/// A drop-down with a small label before it (its accessible name too).
fn labelled_combo(
    ui: &mut egui::Ui,
    label: &str,
    salt: (&str, usize),
    text: String,
    options: impl FnOnce(&mut egui::Ui),
) {
    let id = ui.weak(label).id;
    egui::ComboBox::from_id_salt(salt).selected_text(text).show_ui(ui, options).response.labelled_by(id);
}

fn node_combo(ui: &mut egui::Ui, salt: (&str, usize), node: &mut NodeId, d: &Diagram, kinds: &[Kind]) {
    let label = d.node(node).map_or_else(|| format!("{node} (missing)"), |n| n.label().to_owned());
    labelled_combo(ui, "node", salt, label, |ui| {
        for n in d.nodes.iter().filter(|n| kinds.contains(&n.kind.kind())) {
            ui.selectable_value(node, n.id.clone(), n.label());
        }
    });
}

fn number(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut f64,
    suffix: &str,
    range: std::ops::RangeInclusive<f64>,
    hint: &str,
) {
    let id = ui.weak(label).id;
    ui.add(egui::DragValue::new(value).range(range).suffix(suffix).speed(1.0)).labelled_by(id).on_hover_text(hint);
}

fn target_fields(ui: &mut egui::Ui, f: &mut Fault, d: &Diagram, i: usize) {
    let failing = Kind::all_that(Kind::can_fail);
    match f {
        Fault::Crash { node, instance, task, .. } => {
            let before = node.clone();
            node_combo(ui, ("fault-node", i), node, d, &failing);
            if *node != before {
                // Another node: its parts are numbered differently (or not at all).
                (*instance, *task) = (None, None);
            }
            let parts = d.node(node).map(|n| n.kind.params().crash_parts()).unwrap_or_default();
            if !parts.is_empty() {
                let chosen = (*instance, *task);
                let text = parts.iter().find(|p| (p.1, p.2) == chosen).map_or_else(
                    // A part the picker does not list (beyond its first 64): named as the file does.
                    || {
                        format!(
                            "{} {}",
                            if task.is_some() { "task" } else { "instance" },
                            task.or(*instance).unwrap_or(0)
                        )
                    },
                    |p| p.0.clone(),
                );
                labelled_combo(ui, "what", ("fault-instance", i), text, |ui| {
                    for (label, k, t) in parts {
                        if ui.selectable_label(chosen == (k, t), label).clicked() {
                            (*instance, *task) = (k, t);
                        }
                    }
                });
            }
        }
        Fault::Slow { node, factor, .. } => {
            node_combo(ui, ("fault-node", i), node, d, &Kind::all_that(Kind::does_work));
            number(ui, "factor", factor, "×", 0.01..=1000.0, "Service times multiplied by");
        }
        Fault::ComponentFailure { node, component, .. } => {
            let with_components: Vec<Kind> = vec![Kind::Instance];
            node_combo(ui, ("fault-node", i), node, d, &with_components);
            let components = d.node(node).map(|n| n.kind.components().to_vec()).unwrap_or_default();
            labelled_combo(ui, "component", ("fault-component", i), component.clone(), |ui| {
                for c in components {
                    ui.selectable_value(component, c.clone(), c);
                }
            });
        }
        Fault::ZoneOutage { zone, .. } => {
            let zones = d.zones();
            labelled_combo(ui, "zone", ("fault-zone", i), zone.clone(), |ui| {
                for z in zones {
                    ui.selectable_value(zone, z.clone(), z);
                }
            });
        }
        Fault::LocationOutage { location, .. } => {
            labelled_combo(ui, "location", ("fault-location", i), location.name().to_owned(), |ui| {
                for l in [Location::Cloud, Location::OnPremises] {
                    ui.selectable_value(location, l, l.name());
                }
            });
        }
        Fault::RandomFailures { node, mtbf_secs, mttr_secs, .. } => {
            node_combo(ui, ("fault-node", i), node, d, &failing);
            number(ui, "MTBF", mtbf_secs, " s", 1.0..=1e9, "Mean time between failures");
            number(ui, "MTTR", mttr_secs, " s", 0.1..=1e9, "Mean time to repair");
        }
        Fault::LatencySpike { from, to, extra_ms, .. } => {
            let current = format!("{} → {}", label_of(d, from), label_of(d, to));
            labelled_combo(ui, "edge", ("fault-edge", i), current, |ui| {
                for e in d
                    .edges
                    .iter()
                    .filter(|e| !e.dead_letter && d.node(&e.from).is_some_and(|n| n.kind.kind() != Kind::Queue))
                {
                    let text = format!("{} → {}", label_of(d, &e.from), label_of(d, &e.to));
                    if ui.selectable_label(*from == e.from && *to == e.to, text).clicked() {
                        from.clone_from(&e.from);
                        to.clone_from(&e.to);
                    }
                }
            });
            number(ui, "extra", extra_ms, " ms", 0.0..=600_000.0, "Added to each way of every call");
        }
        Fault::TrafficSurge { node, multiplier, .. } => {
            node_combo(ui, ("fault-node", i), node, d, &[Kind::Client]);
            number(ui, "rate", multiplier, "×", 0.0..=1000.0, "The client's rate multiplied by");
        }
    }
}

fn label_of(d: &Diagram, id: &NodeId) -> String {
    d.node(id).map_or_else(|| id.0.clone(), |n| n.label().to_owned())
}

fn time_fields(ui: &mut egui::Ui, f: &mut Fault, i: usize) {
    let (at, len) = f.window_mut();
    let label = ui.label("at").id;
    ui.add(egui::DragValue::new(at).range(0.0..=31_536_000.0).suffix(" s").speed(1.0)).labelled_by(label);
    let mut bounded = len.is_some();
    if ui.checkbox(&mut bounded, "for").on_hover_text("Off: until the end of the run").changed() {
        *len = bounded.then_some(60.0);
    }
    if let Some(l) = len {
        ui.push_id(("fault-len", i), |ui| {
            ui.add(egui::DragValue::new(l).range(0.001..=31_536_000.0).suffix(" s").speed(1.0))
                .on_hover_text("How long it lasts");
        });
    } else {
        ui.weak("to the end");
    }
}
