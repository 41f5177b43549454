//! The inspector: every parameter of the selected node (or edge, or the scenario), with units,
//! sensible ranges and drop-downs, the concept it stands for, and its problems marked at the field.
//! Changes become `Edit`s; successive changes of one field merge into one undo step.

use super::action::{Action, Selection};
use super::{help, purchase, theme};
use crate::cost::Catalog;
use crate::model::edit::Edit;
use crate::model::validate::{Place, Problem};
use crate::model::{
    Arrival, AutoScaling, BalancerAlgorithm, Diagram, Distribution, Edge, FunctionArchitecture, Kind, Node, NodeKind,
    QueueType, RateStep, ScalingMetric, Scenario, TrafficPattern,
};
use egui::{DragValue, Ui};
use fields::{instance_type_field, pattern_field, scaling_fields};

mod containers;

mod fields;

/// A field of a form: its key (as named in the file format and in problem messages), its label,
/// and a hint shown on hover.
#[derive(Clone, Copy)]
struct F(&'static str, &'static str, &'static str);

/// One form: a grid of labelled fields; remembers which field changed and shows its problems.
struct Form<'a> {
    problems: Vec<&'a Problem>,
    /// Which of `problems` a field has shown; the rest are listed below the form.
    shown: Vec<bool>,
    changed: Option<&'static str>,
    warning: egui::Color32,
    busy: egui::Color32,
}

impl<'a> Form<'a> {
    fn new(problems: Vec<&'a Problem>, warning: egui::Color32, busy: egui::Color32) -> Self {
        let shown = vec![false; problems.len()];
        Self { problems, shown, changed: None, warning, busy }
    }

    /// Below the form, every problem no field showed, warnings included ("this id is used by
    /// more than one node" has no field of its own).
    fn rest(&self, ui: &mut Ui) {
        let rest: Vec<&Problem> =
            self.problems.iter().zip(&self.shown).filter(|(_, shown)| !**shown).map(|(p, _)| *p).collect();
        if !rest.is_empty() {
            ui.separator();
            for p in rest {
                let colour = if p.is_warning() { self.busy } else { self.warning };
                ui.add(egui::Label::new(egui::RichText::new(&p.message).color(colour)).wrap());
            }
        }
    }

    /// One labelled row; `add` gets the label's id, to link the field to it for screen readers.
    fn row(&mut self, ui: &mut Ui, F(key, label, hint): F, add: impl FnOnce(&mut Ui, egui::Id) -> bool) {
        let label = ui.label(label).on_hover_text(hint).id;
        ui.vertical(|ui| {
            if add(ui, label) {
                self.changed = Some(key);
            }
            for (p, shown) in self.problems.iter().zip(&mut self.shown).filter(|(p, _)| p.field == Some(key)) {
                ui.colored_label(self.warning, &p.message);
                *shown = true;
            }
        });
        ui.end_row();
    }

    /// A row with a drop-down of `options`.
    fn choice<T: PartialEq + Copy>(&mut self, ui: &mut Ui, field: F, value: &mut T, options: &[(T, &str)]) {
        self.row(ui, field, |ui, label| combo(ui, label, value, options));
    }

    fn number(&mut self, ui: &mut Ui, field: F, value: &mut f64, unit: &str, max: f64) {
        let speed = (value.abs() * 0.01).max(0.01);
        self.row(ui, field, |ui, label| {
            ui.add(DragValue::new(value).speed(speed).range(0.0..=max).suffix(format!(" {unit}")).max_decimals(3))
                .labelled_by(label)
                .changed()
        });
    }

    fn integer(&mut self, ui: &mut Ui, field: F, value: &mut u32, min: u32, max: u32) {
        self.row(ui, field, |ui, label| {
            ui.add(DragValue::new(value).speed(0.1).range(min..=max)).labelled_by(label).changed()
        });
    }

    /// A list of names edited as comma-separated text.
    fn list(&mut self, ui: &mut Ui, field: F, values: &mut Vec<String>) {
        self.row(ui, field, |ui, label| {
            let mut text = values.join(", ");
            let changed = ui.text_edit_singleline(&mut text).labelled_by(label).changed();
            if changed {
                *values = text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
            }
            changed
        });
    }

    /// An optional value: a checkbox to set it (starting from `default`), then `edit` for the value.
    fn optional<T: Copy>(
        &mut self,
        ui: &mut Ui,
        field: F,
        value: &mut Option<T>,
        none_text: &str,
        default: T,
        edit: impl FnOnce(&mut Ui, &mut T) -> egui::Response,
    ) {
        self.row(ui, field, |ui, label| {
            ui.horizontal(|ui| {
                let mut on = value.is_some();
                let mut changed = ui.checkbox(&mut on, "").labelled_by(label).changed();
                if changed {
                    *value = on.then_some(value.unwrap_or(default));
                }
                match value {
                    Some(v) => changed |= edit(ui, v).labelled_by(label).changed(),
                    None => {
                        ui.weak(none_text);
                    }
                }
                changed
            })
            .inner
        });
    }

    fn optional_ms(&mut self, ui: &mut Ui, field: F, value: &mut Option<f64>, default: f64) {
        self.optional(ui, field, value, "none", default, |ui, v| {
            let speed = (v.abs() * 0.01).max(0.01);
            ui.add(DragValue::new(v).speed(speed).range(0.0..=1e9).suffix(" ms"))
        });
    }

    fn optional_int(&mut self, ui: &mut Ui, field: F, value: &mut Option<u32>, none_text: &str, default: u32) {
        self.optional(ui, field, value, none_text, default, |ui, v| {
            ui.add(DragValue::new(v).speed(0.1).range(1..=65_535))
        });
    }

    fn distribution(&mut self, ui: &mut Ui, field: F, d: &mut Distribution) {
        let key = field.0;
        self.row(ui, field, |ui, label| {
            let mean = d.mean_ms();
            let mut changed = false;
            egui::ComboBox::from_id_salt(key)
                .selected_text(match d {
                    Distribution::Constant { .. } => "constant",
                    Distribution::Exponential { .. } => "exponential",
                    Distribution::LogNormal { .. } => "log-normal",
                    Distribution::Uniform { .. } => "uniform",
                })
                .show_ui(ui, |ui| {
                    let options = [
                        (Distribution::Constant { ms: mean }, "constant", "Always the same time"),
                        (
                            Distribution::Exponential { mean_ms: mean },
                            "exponential",
                            "Memoryless: most short, a few long",
                        ),
                        (
                            Distribution::LogNormal { mean_ms: mean, std_dev_ms: mean / 2.0 },
                            "log-normal",
                            "A long tail, as real services have",
                        ),
                        (
                            Distribution::Uniform { min_ms: mean / 2.0, max_ms: mean * 1.5 },
                            "uniform",
                            "Anywhere in a range",
                        ),
                    ];
                    for (option, name, tip) in options {
                        let same = std::mem::discriminant(&option) == std::mem::discriminant(d);
                        if ui.selectable_label(same, name).on_hover_text(tip).clicked() && !same {
                            *d = option;
                            changed = true;
                        }
                    }
                })
                .response
                .labelled_by(label);
            let value = |ui: &mut Ui, v: &mut f64, prefix: &str| {
                let speed = (v.abs() * 0.01).max(0.01);
                ui.add(DragValue::new(v).speed(speed).range(0.0..=1e9).prefix(prefix).suffix(" ms"))
                    .labelled_by(label)
                    .changed()
            };
            match d {
                Distribution::Constant { ms } => changed |= value(ui, ms, ""),
                Distribution::Exponential { mean_ms } => changed |= value(ui, mean_ms, "mean "),
                Distribution::LogNormal { mean_ms, std_dev_ms } => {
                    changed |= value(ui, mean_ms, "mean ");
                    changed |= value(ui, std_dev_ms, "sd ");
                }
                Distribution::Uniform { min_ms, max_ms } => {
                    changed |= value(ui, min_ms, "min ");
                    changed |= value(ui, max_ms, "max ");
                }
            }
            changed
        });
    }
}

/// The processor architectures a function or a Fargate task can run on.
const ARCHITECTURES: &[(FunctionArchitecture, &str)] =
    &[(FunctionArchitecture::X86_64, "x86_64"), (FunctionArchitecture::Arm64, "arm64")];

/// A drop-down of `options` for `value`, named by `label` for screen readers (one label may name
/// several drop-downs with different options).
pub(super) fn combo<T: PartialEq + Copy>(ui: &mut Ui, label: egui::Id, value: &mut T, options: &[(T, &str)]) -> bool {
    let mut changed = false;
    let current = options.iter().find(|(v, _)| v == value).map_or("?", |(_, n)| n);
    let id = label.with(("combo", options.first().map(|(_, n)| *n)));
    egui::ComboBox::from_id_salt(id)
        .selected_text(current)
        .show_ui(ui, |ui| {
            for (option, name) in options {
                if ui.selectable_label(option == value, *name).clicked() && option != value {
                    *value = *option;
                    changed = true;
                }
            }
        })
        .response
        .labelled_by(label);
    changed
}

/// A group id that stays the same for one field of one thing, so that dragging a value or typing
/// into it makes one undo step.
fn field_group(owner: &str, field: &str) -> u64 {
    egui::Id::unique(("inspector", owner, field)).value()
}

/// Shows the inspector for the selection.
pub fn show(
    ui: &mut Ui,
    diagram: &Diagram,
    selection: &Selection,
    catalog: &Catalog,
    problems: &[Problem],
    actions: &mut Vec<Action>,
) {
    let palette = theme::Palette::for_visuals(ui.visuals());
    let (warning, busy) = (palette.warning, palette.busy);
    // Both ways: content that cannot wrap scrolls instead of widening the panel over the canvas.
    egui::ScrollArea::both().auto_shrink([false, false]).show(ui, |ui| {
        ui.set_max_width(ui.available_width());
        ui.add_space(4.0);
        if selection.nodes.len() == 1
            && let Some(node) = selection.nodes.iter().next().and_then(|id| diagram.node(id))
        {
            let place = Place::Node(node.id.clone());
            let form = Form::new(problems.iter().filter(|p| p.place == place).collect(), warning, busy);
            node_inspector(ui, node, catalog, form, actions);
        } else if selection.nodes.len() > 1 {
            ui.heading(format!("{} nodes selected", selection.nodes.len()));
            ui.label("Drag any of them to move them together; Delete removes them; Ctrl+D duplicates them.");
            if ui.button("Delete them").clicked() {
                actions.push(Action::DeleteSelection);
            }
        } else if let Some(index) = selection.edge
            && let Some(edge) = diagram.edges.get(index)
        {
            let place = Place::Edge { index, from: edge.from.clone(), to: edge.to.clone() };
            let form = Form::new(problems.iter().filter(|p| p.place == place).collect(), warning, busy);
            edge_inspector(ui, diagram, index, edge, form, actions);
        } else {
            let form = Form::new(problems.iter().filter(|p| p.place == Place::Scenario).collect(), warning, busy);
            scenario_inspector(ui, &diagram.scenario, form, actions);
        }
    });
}

fn node_inspector(ui: &mut Ui, node: &Node, catalog: &Catalog, mut form: Form<'_>, actions: &mut Vec<Action>) {
    let kind = node.kind.kind();
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(24.0, 24.0), egui::Sense::hover());
        theme::paint_icon(ui.painter(), kind, rect.center(), 20.0, theme::kind_colour(kind));
        ui.heading(kind.title());
    });
    egui::CollapsingHeader::new("What is this?").default_open(false).show(ui, |ui| ui.label(kind.help()));
    ui.add_space(4.0);
    let mut edited = node.clone();
    egui::Grid::new("node-form").num_columns(2).spacing([10.0, 6.0]).striped(true).show(ui, |ui| {
        form.row(ui, F("name", "Name", "The label on the canvas"), |ui, label| {
            ui.text_edit_singleline(&mut edited.name).labelled_by(label).changed()
        });
        ui.label("Id");
        ui.monospace(&node.id.0).on_hover_text("Edges and faults refer to the node by this id");
        ui.end_row();
        match &mut edited.kind {
            NodeKind::Client(p) => {
                form.number(
                    ui,
                    F("rate_per_sec", "Rate", "Mean requests per second"),
                    &mut p.rate_per_sec,
                    "req/s",
                    1e7,
                );
                form.choice(
                    ui,
                    F("arrival", "Arrivals", "Poisson: independent users; evenly spaced: a metronome"),
                    &mut p.arrival,
                    &[(Arrival::Poisson, "Poisson"), (Arrival::EvenlySpaced, "evenly spaced")],
                );
                pattern_field(ui, &mut form, &mut p.pattern, p.rate_per_sec);
                form.optional_ms(
                    ui,
                    F("timeout_ms", "Timeout", "Give up on an attempt after this long"),
                    &mut p.timeout_ms,
                    1000.0,
                );
                form.integer(
                    ui,
                    F("retries", "Retries", "Extra attempts after a failure or timeout"),
                    &mut p.retries,
                    0,
                    20,
                );
                form.number(
                    ui,
                    F("backoff_base_ms", "Backoff base", "Wait before the first retry; doubles each time"),
                    &mut p.backoff_base_ms,
                    "ms",
                    1e7,
                );
                form.number(
                    ui,
                    F("backoff_max_ms", "Backoff max", "Longest wait between retries"),
                    &mut p.backoff_max_ms,
                    "ms",
                    1e8,
                );
                form.row(ui, F("jitter", "Jitter", "Randomise each wait so retries spread out"), |ui, _| {
                    ui.checkbox(&mut p.jitter, "full jitter").changed()
                });
                form.integer(
                    ui,
                    F("request_bytes", "Request size", "Bytes per request (and per message)"),
                    &mut p.request_bytes,
                    1,
                    10_000_000,
                );
                form.integer(
                    ui,
                    F("response_bytes", "Response size", "Bytes per answer"),
                    &mut p.response_bytes,
                    0,
                    10_000_000,
                );
                form.row(
                    ui,
                    F("message_types", "Message types", "Comma-separated name:weight pairs, for topic filters"),
                    |ui, label| {
                        let mut text = p
                            .message_types
                            .iter()
                            .map(|t| format!("{}:{}", t.name, t.weight))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let changed = ui.text_edit_singleline(&mut text).labelled_by(label).changed();
                        if changed {
                            p.message_types = text
                                .split(',')
                                .filter_map(|part| {
                                    let (name, weight) = part.split_once(':').unwrap_or((part, "1"));
                                    let name = name.trim();
                                    (!name.is_empty()).then(|| crate::model::MessageType {
                                        name: name.to_owned(),
                                        weight: weight.trim().parse().unwrap_or(1.0),
                                    })
                                })
                                .collect();
                        }
                        changed
                    },
                );
            }
            NodeKind::Balancer(p) => {
                form.choice(
                    ui,
                    F("algorithm", "Algorithm", "How a target is picked"),
                    &mut p.algorithm,
                    &[
                        (BalancerAlgorithm::RoundRobin, "round robin"),
                        (BalancerAlgorithm::LeastOutstanding, "least outstanding requests"),
                        (BalancerAlgorithm::Random, "random"),
                    ],
                );
                form.number(
                    ui,
                    F("health_check_interval_secs", "Check every", "Time between health checks (5–300 s)"),
                    &mut p.health_check_interval_secs,
                    "s",
                    300.0,
                );
                form.integer(
                    ui,
                    F("unhealthy_threshold", "Unhealthy after", "Failed checks in a row before a target is taken out"),
                    &mut p.unhealthy_threshold,
                    2,
                    10,
                );
                form.integer(
                    ui,
                    F("healthy_threshold", "Healthy after", "Passed checks in a row before a target is put back"),
                    &mut p.healthy_threshold,
                    2,
                    10,
                );
                form.integer(
                    ui,
                    F(
                        "rules_per_request",
                        "Rules per request",
                        "Listener rules evaluated for each request; beyond 10 they add to the capacity units billed",
                    ),
                    &mut p.rules_per_request,
                    0,
                    100,
                );
            }
            NodeKind::Instance(p) => {
                instance_type_field(ui, &mut form, catalog, "instance_type", &mut p.instance_type);
                form.row(
                    ui,
                    F(
                        "auto_scaling",
                        "Auto Scaling",
                        "Let the number of machines follow the load between a minimum and a maximum",
                    ),
                    |ui, label| {
                        let mut on = p.auto_scaling.is_some();
                        let changed = ui.checkbox(&mut on, "group").labelled_by(label).changed();
                        if changed {
                            p.auto_scaling = on.then(|| AutoScaling {
                                min: p.count.max(1),
                                max: (p.count * 4).max(2),
                                ..AutoScaling::default()
                            });
                            p.count = 1;
                        }
                        changed
                    },
                );
                if let Some(g) = &mut p.auto_scaling {
                    scaling_fields(ui, &mut form, g, true);
                } else {
                    form.integer(
                        ui,
                        F("count", "Instances", "How many machines run this service"),
                        &mut p.count,
                        1,
                        1000,
                    );
                }
                let vcpu = catalog.instance_type(&p.instance_type).map_or(1, |t| t.vcpu);
                form.optional_int(
                    ui,
                    F("workers_per_instance", "Workers each", "Requests one machine serves at once"),
                    &mut p.workers_per_instance,
                    &format!("one per vCPU ({vcpu})"),
                    vcpu,
                );
                form.distribution(
                    ui,
                    F("service_time", "Service time", "Time one worker spends on one request"),
                    &mut p.service_time,
                );
                form.optional_int(
                    ui,
                    F("backlog_limit", "Backlog limit", "Requests that may wait per machine"),
                    &mut p.backlog_limit,
                    "no limit",
                    100,
                );
                form.list(
                    ui,
                    F("components", "Components", "Comma-separated parts of the application that share these machines"),
                    &mut p.components,
                );
                form.list(
                    ui,
                    F(
                        "zones",
                        "Zones",
                        "Comma-separated availability zones the machines spread over (empty: one, \"a\")",
                    ),
                    &mut p.zones,
                );
                let instance_type = p.instance_type.clone();
                form.row(
                    ui,
                    F("purchase", "Purchase", "How the machines are paid for, and where they run"),
                    |ui, label| purchase::field(ui, label, catalog, &instance_type, &mut p.purchase),
                );
            }
            NodeKind::Topic(p) => {
                form.integer(
                    ui,
                    F("http_delivery_retries", "HTTP retries", "Extra attempts for instance subscribers"),
                    &mut p.http_delivery_retries,
                    0,
                    100,
                );
                form.number(
                    ui,
                    F("http_retry_delay_secs", "Retry delay", "Wait between delivery attempts"),
                    &mut p.http_retry_delay_secs,
                    "s",
                    3600.0,
                );
            }
            NodeKind::Queue(p) => {
                form.choice(
                    ui,
                    F("queue_type", "Type", "Standard: best-effort order; FIFO: strict order per group"),
                    &mut p.queue_type,
                    &[(QueueType::Standard, "standard"), (QueueType::Fifo, "FIFO")],
                );
                if p.queue_type == QueueType::Fifo {
                    form.integer(
                        ui,
                        F("message_groups", "Message groups", "Groups processed in parallel, each in order"),
                        &mut p.message_groups,
                        1,
                        10_000,
                    );
                }
                form.number(
                    ui,
                    F("visibility_timeout_secs", "Visibility timeout", "A received message is hidden this long"),
                    &mut p.visibility_timeout_secs,
                    "s",
                    43_200.0,
                );
                form.number(
                    ui,
                    F("retention_secs", "Retention", "Messages older than this expire (60 s – 14 days)"),
                    &mut p.retention_secs,
                    "s",
                    1_209_600.0,
                );
                form.optional_int(
                    ui,
                    F("max_receives", "Max receives", "Receives before a message is dead-lettered"),
                    &mut p.max_receives,
                    "keep retrying",
                    5,
                );
                form.integer(
                    ui,
                    F("batch_size", "Batch size", "Messages per receive (1–10)"),
                    &mut p.batch_size,
                    1,
                    10,
                );
            }
            NodeKind::Containers(p) => containers::containers_fields(ui, &mut form, catalog, p),
            NodeKind::Function(p) => {
                form.integer(
                    ui,
                    F("memory_mb", "Memory", "MB per execution (128–10,240); billed per GB-second"),
                    &mut p.memory_mb,
                    128,
                    10_240,
                );
                form.choice(
                    ui,
                    F("architecture", "Architecture", "arm64 (Graviton) costs about 20 % less per GB-second"),
                    &mut p.architecture,
                    ARCHITECTURES,
                );
                form.distribution(ui, F("duration", "Duration", "Time one execution takes"), &mut p.duration);
                form.integer(
                    ui,
                    F("concurrency_limit", "Concurrency limit", "Executions at once at most"),
                    &mut p.concurrency_limit,
                    1,
                    100_000,
                );
                form.number(
                    ui,
                    F("cold_start_ms", "Cold start", "Extra time for a new environment"),
                    &mut p.cold_start_ms,
                    "ms",
                    60_000.0,
                );
                form.number(
                    ui,
                    F("idle_expiry_secs", "Idle expiry", "An idle environment is shut down after this"),
                    &mut p.idle_expiry_secs,
                    "s",
                    86_400.0,
                );
                form.number(
                    ui,
                    F("timeout_secs", "Timeout", "Executions longer than this fail (up to 900 s)"),
                    &mut p.timeout_secs,
                    "s",
                    900.0,
                );
            }
        }
    });
    if let NodeKind::Containers(p) = &edited.kind {
        ui.separator();
        containers::prices(ui, catalog, p);
    }
    if let NodeKind::Instance(p) = &mut edited.kind
        && let Some(option) = purchase::comparison(ui, catalog, &p.instance_type, &p.purchase)
        && option != p.purchase
    {
        p.purchase = option;
        form.changed = Some("purchase");
    }
    if let Some(field) = form.changed {
        actions.push(Action::Edit(Edit::ReplaceNode(edited), Some(field_group(&node.id.0, field))));
    }
    form.rest(ui);
}

fn edge_inspector(
    ui: &mut Ui,
    diagram: &Diagram,
    index: usize,
    edge: &Edge,
    mut form: Form<'_>,
    actions: &mut Vec<Action>,
) {
    let label = |id: &crate::model::NodeId| diagram.node(id).map_or(id.0.clone(), |n| n.label().to_owned());
    ui.heading("Connection");
    ui.label(format!("From {} to {}", label(&edge.from), label(&edge.to)));
    let kinds = (diagram.node(&edge.from).map(|n| n.kind.kind()), diagram.node(&edge.to).map(|n| n.kind.kind()));
    // What check allows between two kinds: from a queue (to its dead-letter queue, or to a
    // consumer), from a topic (a subscription), into a queue or topic (a message), or a call.
    let meaning = if kinds.0 == Some(Kind::Queue) && edge.dead_letter {
        "dead-letter queue: messages that failed too often go here"
    } else if kinds.0 == Some(Kind::Queue) {
        "consumer: polls the queue and takes messages when free"
    } else if kinds.0 == Some(Kind::Topic) {
        "subscription: gets a copy of every accepted message"
    } else if kinds.1.is_some_and(Kind::takes_messages) {
        "asynchronous message: the sender waits only for the acknowledgement"
    } else {
        "synchronous call: the caller waits for the answer"
    };
    ui.weak(meaning);
    egui::CollapsingHeader::new("What is this?").show(ui, |ui| ui.label(help::EDGE_HELP));
    let mut edited = edge.clone();
    // A consumer polls its queue and a dead-letter move happens in the queue itself: the engine
    // gives such a connection no travel time, so it offers no latency to set.
    let from_queue = kinds.0 == Some(Kind::Queue);
    if from_queue {
        ui.weak("No network delay is modelled here: the queue hands its messages over directly.");
    }
    egui::Grid::new("edge-form").num_columns(2).spacing([10.0, 6.0]).show(ui, |ui| {
        if !from_queue {
            form.number(
                ui,
                F("latency_ms", "Latency", "One-way network delay; a call pays it there and back"),
                &mut edited.latency_ms,
                "ms",
                60_000.0,
            );
        }
        if kinds.0 == Some(Kind::Topic) {
            form.list(
                ui,
                F("filter", "Filter", "Comma-separated message types accepted; empty accepts all"),
                &mut edited.filter,
            );
        }
    });
    if let Some(field) = form.changed {
        actions.push(Action::Edit(Edit::ReplaceEdge(index, edited), Some(field_group(&format!("edge{index}"), field))));
    }
    form.rest(ui);
    if ui.button("Delete connection").clicked() {
        actions.push(Action::DeleteSelection);
    }
}

fn scenario_inspector(ui: &mut Ui, scenario: &Scenario, mut form: Form<'_>, actions: &mut Vec<Action>) {
    ui.heading("Scenario");
    ui.weak("Select a node or a connection to edit it.");
    egui::CollapsingHeader::new("What is this?").show(ui, |ui| ui.label(help::SCENARIO_HELP));
    let mut edited = scenario.clone();
    egui::Grid::new("scenario-form").num_columns(2).spacing([10.0, 6.0]).show(ui, |ui| {
        form.row(ui, F("name", "Name", "Title of the diagram"), |ui, label| {
            ui.text_edit_singleline(&mut edited.name).labelled_by(label).changed()
        });
        form.row(ui, F("seed", "Seed", "Same seed, same run"), |ui, label| {
            ui.add(DragValue::new(&mut edited.seed)).labelled_by(label).changed()
        });
        form.number(
            ui,
            F("duration_secs", "Duration", "Simulated time to run"),
            &mut edited.duration_secs,
            "s",
            315_360_000.0,
        );
        form.number(
            ui,
            F("warmup_secs", "Warm-up", "Nothing is counted before this"),
            &mut edited.warmup_secs,
            "s",
            315_360_000.0,
        );
        form.number(
            ui,
            F("sample_interval_secs", "Chart interval", "Simulated time between chart samples"),
            &mut edited.sample_interval_secs,
            "s",
            86_400.0,
        );
    });
    let label = ui.label("Description").id;
    let description = egui::TextEdit::multiline(&mut edited.description).desired_rows(4).desired_width(f32::INFINITY);
    if ui.add(description).labelled_by(label).changed() {
        form.changed = Some("description");
    }
    if !scenario.faults.is_empty() {
        ui.separator();
        ui.strong(format!("Faults ({})", scenario.faults.len()));
        ui.weak("Add, change and delete them in the Faults tab below.");
        for f in &scenario.faults {
            let (at, len) = f.window_secs();
            let len = len.map_or_else(|| "to the end".to_owned(), |l| format!("for {l} s"));
            ui.label(format!("{} at {at} s, {len}", f.describe()));
        }
    }
    form.rest(ui);
    if let Some(field) = form.changed {
        actions.push(Action::Edit(Edit::SetScenario(edited), Some(field_group("scenario", field))));
    }
}
