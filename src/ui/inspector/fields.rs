//! Fields of the instance and client forms that take more than one widget: Auto Scaling, the
//! instance type with its figures, the traffic pattern.

#[allow(clippy::wildcard_imports)]
use super::*;
use crate::model::{PredictiveScaling, ScalingStep};

/// The fields of an Auto Scaling group; `warmup` shows its warm-up (a container service's tasks
/// have a start time instead).
pub(super) fn scaling_fields(ui: &mut Ui, form: &mut Form<'_>, g: &mut AutoScaling, warmup: bool) {
    form.integer(ui, F("auto_scaling.min", "Minimum", "Fewest machines"), &mut g.min, 0, 65_535);
    form.integer(ui, F("auto_scaling.max", "Maximum", "Most machines"), &mut g.max, 1, 65_535);
    form.optional_int(
        ui,
        F("auto_scaling.desired", "Start with", "Machines at the start"),
        &mut g.desired,
        "the minimum",
        g.min.max(1),
    );
    form.row(ui, F("auto_scaling.metric", "Track", "What the group keeps near its target"), |ui, label| {
        let mut changed = false;
        let names = [
            (None, "nothing (scheduled only)"),
            (Some(ScalingMetric::Utilization), "utilisation"),
            (Some(ScalingMetric::BacklogPerInstance), "queue backlog per instance"),
            (Some(ScalingMetric::RequestsPerTarget), "requests per target"),
        ];
        let current = names.iter().find(|(m, _)| *m == g.metric).map_or("?", |(_, n)| n);
        egui::ComboBox::from_id_salt(label.with("metric"))
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (m, name) in names {
                    if ui.selectable_label(g.metric == m, name).clicked() && g.metric != m {
                        g.metric = m;
                        g.target = match m {
                            Some(ScalingMetric::BacklogPerInstance) => 10.0,
                            Some(ScalingMetric::RequestsPerTarget) => 50.0,
                            Some(ScalingMetric::Utilization) | None => 0.6,
                        };
                        changed = true;
                    }
                }
            })
            .response
            .labelled_by(label);
        changed
    });
    if g.metric == Some(ScalingMetric::Utilization) {
        form.row(ui, F("auto_scaling.target", "Target", "Utilisation to keep"), |ui, label| {
            let mut percent = g.target * 100.0;
            let changed = ui
                .add(DragValue::new(&mut percent).range(1.0..=100.0).speed(0.5).suffix(" %"))
                .labelled_by(label)
                .changed();
            if changed {
                g.target = percent / 100.0;
            }
            changed
        });
    } else if g.metric == Some(ScalingMetric::RequestsPerTarget) {
        form.number(
            ui,
            F("auto_scaling.target", "Target", "Requests a second per machine (or task) to keep"),
            &mut g.target,
            "req/s",
            1e6,
        );
    } else if g.metric.is_some() {
        form.number(
            ui,
            F("auto_scaling.target", "Target", "Waiting messages per machine to keep"),
            &mut g.target,
            "messages",
            1e6,
        );
    }
    form.number(
        ui,
        F("auto_scaling.evaluation_secs", "Evaluate every", "Period of the metric"),
        &mut g.evaluation_secs,
        "s",
        86_400.0,
    );
    form.number(
        ui,
        F("auto_scaling.cooldown_secs", "Cooldown", "No scaling in for this long after a change"),
        &mut g.cooldown_secs,
        "s",
        86_400.0,
    );
    if warmup {
        form.number(
            ui,
            F("auto_scaling.warmup_secs", "Warm-up", "A new machine is billed at once but serves after this"),
            &mut g.warmup_secs,
            "s",
            3600.0,
        );
    }
    form.number(
        ui,
        F("auto_scaling.health_check_grace_secs", "Replace after", "A machine down this long is replaced"),
        &mut g.health_check_grace_secs,
        "s",
        86_400.0,
    );
    if g.metric.is_some() {
        form.row(
            ui,
            F("auto_scaling.steps", "Policy", "Target tracking, or step scaling by ranges of the metric"),
            |ui, label| {
                let mut changed = false;
                let stepped = !g.steps.is_empty();
                let text = if stepped { "step scaling" } else { "target tracking" };
                egui::ComboBox::from_id_salt(label.with("policy"))
                    .selected_text(text)
                    .show_ui(ui, |ui| {
                        if ui.selectable_label(!stepped, "target tracking").clicked() && stepped {
                            g.steps.clear();
                            changed = true;
                        }
                        if ui.selectable_label(stepped, "step scaling").clicked() && !stepped {
                            // Around the target: well above adds 2, above adds 1, well below removes 1.
                            let t = g.target;
                            g.steps = vec![
                                ScalingStep { from: t * 4.0 / 3.0, to: None, change: 2 },
                                ScalingStep { from: t, to: Some(t * 4.0 / 3.0), change: 1 },
                                ScalingStep { from: 0.0, to: Some(t / 2.0), change: -1 },
                            ];
                            changed = true;
                        }
                    })
                    .response
                    .labelled_by(label);
                for (i, s) in g.steps.iter_mut().enumerate() {
                    ui.horizontal(|ui| {
                        let id = ui.weak("from").id;
                        changed |=
                            ui.add(DragValue::new(&mut s.from).speed(0.01).range(0.0..=1e6)).labelled_by(id).changed();
                        let mut bounded = s.to.is_some();
                        if ui.checkbox(&mut bounded, "to").changed() {
                            s.to = bounded.then_some(s.from * 2.0 + 0.1);
                            changed = true;
                        }
                        if let Some(to) = &mut s.to {
                            ui.push_id(("step-to", i), |ui| {
                                changed |= ui.add(DragValue::new(to).speed(0.01).range(0.0..=1e6)).changed();
                            });
                        }
                        let id = ui.weak("change").id;
                        changed |= ui
                            .add(DragValue::new(&mut s.change).speed(0.1).range(-1000..=1000))
                            .labelled_by(id)
                            .changed();
                    });
                }
                changed
            },
        );
    }
    form.row(
        ui,
        F("auto_scaling.predictive", "Predictive", "Launch ahead of the traffic pattern's demand"),
        |ui, label| {
            let mut on = g.predictive.is_some();
            let mut changed = ui.checkbox(&mut on, "").labelled_by(label).changed();
            if changed {
                g.predictive = on.then(PredictiveScaling::default);
            }
            if let Some(p) = &mut g.predictive {
                ui.horizontal(|ui| {
                    let id = ui.weak("look ahead").id;
                    changed |= ui
                        .add(DragValue::new(&mut p.lead_secs).range(0.0..=86_400.0).suffix(" s"))
                        .labelled_by(id)
                        .changed();
                    let id = ui.weak("at").id;
                    let mut percent = p.utilization * 100.0;
                    if ui.add(DragValue::new(&mut percent).range(1.0..=100.0).suffix(" %")).labelled_by(id).changed() {
                        p.utilization = percent / 100.0;
                        changed = true;
                    }
                });
            }
            changed
        },
    );
    if !g.scheduled.is_empty() {
        ui.label("Scheduled");
        ui.weak(format!("{} action(s), edited in the file", g.scheduled.len()));
        ui.end_row();
    }
}

pub(super) fn instance_type_field(
    ui: &mut Ui,
    form: &mut Form<'_>,
    catalog: &Catalog,
    key: &'static str,
    value: &mut String,
) {
    form.row(ui, F(key, "Instance type", "Hardware and price per hour (on-demand, us-east-1)"), |ui, label| {
        let mut changed = false;
        egui::ComboBox::from_id_salt(key)
            .selected_text(value.as_str())
            .width(190.0)
            .show_ui(ui, |ui| {
                for t in &catalog.instance_types {
                    let text = format!(
                        "{:<12} {:<22} {:>2} vCPU {:>6} GiB  ${:.4}/h",
                        t.name,
                        t.family.label(),
                        t.vcpu,
                        t.memory_gib,
                        t.on_demand_per_hour
                    );
                    if ui.selectable_label(*value == t.name, egui::RichText::new(text).monospace()).clicked()
                        && *value != t.name
                    {
                        value.clone_from(&t.name);
                        changed = true;
                    }
                }
            })
            .response
            .labelled_by(label);
        if let Some(t) = catalog.instance_type(value) {
            ui.weak(format!(
                "{}, {} vCPU, {} GiB, ${:.4}/hour (${:.2}/month)",
                t.family.label(),
                t.vcpu,
                t.memory_gib,
                t.on_demand_per_hour,
                t.on_demand_per_hour * 730.0
            ));
        }
        changed
    });
}

pub(super) fn pattern_field(ui: &mut Ui, form: &mut Form<'_>, pattern: &mut TrafficPattern, rate: f64) {
    form.row(ui, F("pattern", "Pattern", "How the rate changes over time"), |ui, label| {
        let mut changed = false;
        let name = match pattern {
            TrafficPattern::Constant => "constant",
            TrafficPattern::Ramp { .. } => "ramp",
            TrafficPattern::Diurnal { .. } => "daily cycle",
            TrafficPattern::Spike { .. } => "spike",
            TrafficPattern::Steps(_) => "steps",
        };
        egui::ComboBox::from_id_salt("pattern")
            .selected_text(name)
            .show_ui(ui, |ui| {
                let options = [
                    (TrafficPattern::Constant, "constant"),
                    (TrafficPattern::Ramp { to_rate_per_sec: rate * 2.0, start_secs: 60.0, ramp_secs: 120.0 }, "ramp"),
                    (
                        TrafficPattern::Diurnal { amplitude: 0.5, period_secs: 86_400.0, peak_at_secs: 50_400.0 },
                        "daily cycle",
                    ),
                    (TrafficPattern::Spike { at_secs: 120.0, duration_secs: 60.0, multiplier: 5.0 }, "spike"),
                    (TrafficPattern::Steps(vec![RateStep { at_secs: 60.0, rate_per_sec: rate * 2.0 }]), "steps"),
                ];
                for (option, label) in options {
                    let same = std::mem::discriminant(&option) == std::mem::discriminant(pattern);
                    if ui.selectable_label(same, label).clicked() && !same {
                        *pattern = option;
                        changed = true;
                    }
                }
            })
            .response
            .labelled_by(label);
        let num = |ui: &mut Ui, v: &mut f64, prefix: &str, suffix: &str| {
            let speed = (v.abs() * 0.01).max(0.01);
            ui.add(DragValue::new(v).speed(speed).range(0.0..=1e9).prefix(prefix).suffix(suffix))
                .labelled_by(label)
                .changed()
        };
        match pattern {
            TrafficPattern::Constant => {}
            TrafficPattern::Ramp { to_rate_per_sec, start_secs, ramp_secs } => {
                changed |= num(ui, to_rate_per_sec, "to ", " req/s");
                changed |= num(ui, start_secs, "from ", " s");
                changed |= num(ui, ramp_secs, "over ", " s");
            }
            TrafficPattern::Diurnal { amplitude, period_secs, peak_at_secs } => {
                changed |= ui.add(egui::Slider::new(amplitude, 0.0..=1.0).text("swing")).labelled_by(label).changed();
                changed |= num(ui, period_secs, "period ", " s");
                changed |= num(ui, peak_at_secs, "peak at ", " s");
            }
            TrafficPattern::Spike { at_secs, duration_secs, multiplier } => {
                changed |= num(ui, at_secs, "at ", " s");
                changed |= num(ui, duration_secs, "for ", " s");
                changed |= num(ui, multiplier, "× ", "");
            }
            TrafficPattern::Steps(steps) => {
                let mut remove = None;
                for (i, step) in steps.iter_mut().enumerate() {
                    ui.horizontal(|ui| {
                        changed |= num(ui, &mut step.at_secs, "at ", " s");
                        changed |= num(ui, &mut step.rate_per_sec, "", " req/s");
                        if ui.small_button("remove").on_hover_text("Remove this step").clicked() {
                            remove = Some(i);
                        }
                    });
                }
                if let Some(i) = remove {
                    steps.remove(i);
                    changed = true;
                }
                if ui.small_button("+ step").clicked() {
                    let at = steps.last().map_or(60.0, |s| s.at_secs + 60.0);
                    steps.push(RateStep { at_secs: at, rate_per_sec: rate });
                    changed = true;
                }
            }
        }
        changed
    });
}
