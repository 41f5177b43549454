//! The charts of a live run (`egui_plot`), x axis in simulated seconds: throughput, latency
//! percentiles, queue depths and instance backlogs, and cost.

use super::live::LiveRun;
use super::theme;
use crate::model::{Diagram, Kind};
use egui_plot::{Legend, Line, Plot, Span};

/// How the cost-so-far chart is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum CostBreakdown {
    /// One line: the total.
    #[default]
    Total,
    /// Stacked by service.
    ByService,
    /// EC2 stacked by purchase option.
    ByPurchaseOption,
}

/// The charts, by title, in the order shown.
pub const CHARTS: [&str; 6] = [
    "Throughput (requests/s)",
    "Latency (ms)",
    "Instances running",
    "Waiting work (queue depth, instance backlog)",
    "Cost so far ($)",
    "Cost rate ($/hour)",
];

/// Shows the charts not in `hidden`, with a toggle for each. `only`: the node the node charts are
/// filtered to (none: all). The node charts show the nodes of the run, nodes deleted during it
/// included.
pub fn show(
    ui: &mut egui::Ui,
    run: &LiveRun,
    diagram: &Diagram,
    only: Option<&crate::model::NodeId>,
    hidden: &mut Vec<String>,
    breakdown: &mut CostBreakdown,
) {
    ui.horizontal_wrapped(|ui| {
        ui.weak("Show:");
        for title in CHARTS {
            let mut shown = !hidden.iter().any(|h| h == title);
            let short = title.split(" (").next().unwrap_or(title);
            if ui.toggle_value(&mut shown, short).on_hover_text(title).changed() {
                if shown {
                    hidden.retain(|h| h != title);
                } else {
                    hidden.push(title.to_owned());
                }
            }
        }
        ui.separator();
        let label = ui.weak("Cost:").id;
        let names = [
            (CostBreakdown::Total, "total"),
            (CostBreakdown::ByService, "by service"),
            (CostBreakdown::ByPurchaseOption, "EC2 by purchase option"),
        ];
        let current = names.iter().find(|(b, _)| b == breakdown).map_or("total", |(_, n)| n);
        egui::ComboBox::from_id_salt("cost-breakdown")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (b, name) in names {
                    ui.selectable_value(breakdown, b, name);
                }
            })
            .response
            .labelled_by(label);
    });
    let only = only.and_then(|id| diagram.node(id).map(|n| (id, n.kind.kind())));
    let diagram = run.engine.diagram();
    let global = run.engine.global_series();
    if global.is_empty() {
        ui.weak("Charts fill in as the run goes (a point per chart interval of simulated time).");
        return;
    }
    let visible: Vec<&str> = CHARTS.into_iter().filter(|t| !hidden.iter().any(|h| h == t)).collect();
    if visible.is_empty() {
        return;
    }
    // Three in a row on a wide window, two otherwise.
    let columns = if ui.available_width() > 1100.0 { 3 } else { 2 }.min(visible.len());
    let rows = visible.len().div_ceil(columns);
    let height = ((ui.available_height() - 24.0 * rows as f32) / rows as f32).clamp(60.0, 260.0);
    let warning = theme::Palette::for_visuals(ui.visuals()).warning;
    let good = egui::Color32::from_rgb(0x4c, 0xc3, 0x6b);
    let width = (ui.available_width() / columns as f32 - 10.0).max(160.0);
    let now = run.engine.now().as_secs();
    let bands = fault_bands(&run.engine, now);
    let ui_text_faint = ui.visuals().weak_text_color();
    // A point every three pixels: finer cannot be told apart at a glance, and every point costs
    // drawing time (software renderers slow down with each segment).
    let points = (width / 3.0) as usize;
    egui::Grid::new("charts").num_columns(columns).spacing([8.0, 4.0]).show(ui, |ui| {
        for (n, title) in visible.iter().enumerate() {
            chart(ui, title, width, height, &bands, |plot| {
                match CHARTS.iter().position(|t| t == title) {
                    Some(0) => {
                        let rate = |f: fn(&crate::sim::GlobalSample) -> u64| -> Vec<[f64; 2]> {
                            global.iter().map(|s| [s.t_secs, f(s) as f64 / s.interval_secs.max(1e-9)]).collect()
                        };
                        plot.line(Line::new("succeeded/s", thin_mean(rate(|s| s.succeeded), points)).color(good));
                        plot.line(Line::new("failed/s", thin_mean(rate(|s| s.failed), points)).color(warning));
                    }
                    Some(1) => {
                        for (name, pick) in [
                            ("p50", (|s: &crate::sim::GlobalSample| s.p50_ms) as fn(&crate::sim::GlobalSample) -> f64),
                            ("p95", |s| s.p95_ms),
                            ("p99", |s| s.p99_ms),
                        ] {
                            let line = global.iter().map(|s| [s.t_secs, pick(s)]).collect::<Vec<_>>();
                            plot.line(Line::new(name, thin(line, points)));
                        }
                    }
                    Some(2) => {
                        let shown: Vec<usize> = (0..diagram.nodes.len())
                            .filter(|&i| {
                                let node = &diagram.nodes[i];
                                node.kind.kind() == Kind::Instance && !filtered_out(only, &node.id, &[Kind::Instance])
                            })
                            .collect();
                        // One group alone (or selected) also shows warming, desired, min and max.
                        let detailed = shown.len() == 1;
                        for &i in &shown {
                            let node = &diagram.nodes[i];
                            let series = run.engine.node_series(i);
                            let pick = |f: fn(&crate::sim::NodeSample) -> f64| -> Vec<[f64; 2]> {
                                thin(series.iter().map(|p| [p.t_secs, f(p)]).collect(), points)
                            };
                            let group =
                                matches!(&node.kind, crate::model::NodeKind::Instance(p) if p.auto_scaling.is_some());
                            if !detailed {
                                plot.line(Line::new(node.label(), pick(|p| p.running)));
                                continue;
                            }
                            plot.line(Line::new("running", pick(|p| p.running)).color(good));
                            plot.line(
                                Line::new("running + warming", pick(|p| p.running + p.warming))
                                    .color(good)
                                    .style(egui_plot::LineStyle::dashed_dense()),
                            );
                            plot.line(
                                Line::new("desired", pick(|p| p.desired)).style(egui_plot::LineStyle::dashed_loose()),
                            );
                            if group {
                                let faint = ui_text_faint;
                                plot.line(
                                    Line::new("min", pick(|p| p.min))
                                        .color(faint)
                                        .style(egui_plot::LineStyle::dotted_dense()),
                                );
                                plot.line(
                                    Line::new("max", pick(|p| p.max))
                                        .color(faint)
                                        .style(egui_plot::LineStyle::dotted_dense()),
                                );
                            }
                        }
                    }
                    Some(3) => {
                        for (i, node) in diagram.nodes.iter().enumerate() {
                            let kind = node.kind.kind();
                            if !matches!(kind, Kind::Queue | Kind::Instance)
                                || filtered_out(only, &node.id, &[Kind::Queue, Kind::Instance])
                            {
                                continue;
                            }
                            let line: Vec<[f64; 2]> =
                                run.engine.node_series(i).iter().map(|p| [p.t_secs, p.depth]).collect();
                            plot.line(Line::new(node.label(), thin(line, points)));
                        }
                    }
                    Some(4) => {
                        let stack = |names: &[&str], pick: fn(&crate::sim::GlobalSample) -> [f64; 6]| {
                            // Cumulative sums, drawn from the top down so that each band shows.
                            let used: Vec<usize> =
                                (0..names.len()).filter(|&k| global.last().is_some_and(|s| pick(s)[k] > 0.0)).collect();
                            let mut lines = Vec::new();
                            for (n, &k) in used.iter().enumerate() {
                                let line: Vec<[f64; 2]> = global
                                    .iter()
                                    .map(|s| [s.t_secs, used[..=n].iter().map(|&j| pick(s)[j]).sum::<f64>()])
                                    .collect();
                                lines.push((names[k].replace('_', " "), line));
                            }
                            lines
                        };
                        let lines = match breakdown {
                            CostBreakdown::Total => {
                                vec![("total".to_owned(), global.iter().map(|s| [s.t_secs, s.cost_usd]).collect())]
                            }
                            CostBreakdown::ByService => stack(&crate::sim::COST_SERVICES, |s| s.cost_by_service),
                            CostBreakdown::ByPurchaseOption => stack(&crate::sim::COST_OPTIONS, |s| s.cost_by_option),
                        };
                        let filled = lines.len() > 1;
                        for (name, line) in lines.into_iter().rev() {
                            let line = Line::new(name, thin(line, points));
                            plot.line(if filled { line.fill(0.0) } else { line });
                        }
                    }
                    _ => {
                        // From the growth of the bill between samples (balancer hours are billed as
                        // they start).
                        let rate: Vec<[f64; 2]> = global
                            .windows(2)
                            .map(|w| {
                                [w[1].t_secs, (w[1].cost_usd - w[0].cost_usd) / w[1].interval_secs.max(1e-9) * 3600.0]
                            })
                            .collect();
                        plot.line(Line::new("$/hour", thin_mean(rate, points)));
                    }
                }
            });
            if (n + 1) % columns == 0 {
                ui.end_row();
            }
        }
    });
}

/// At most `max` points of `line` for drawing, each stretch of time as its mean (a rate over the
/// longer stretch).
pub(super) fn thin_mean(line: Vec<[f64; 2]>, max: usize) -> Vec<[f64; 2]> {
    let max = max.max(2);
    if line.len() <= max {
        return line;
    }
    let per_bucket = line.len().div_ceil(max);
    line.chunks(per_bucket)
        .map(|b| {
            let n = b.len() as f64;
            [b[b.len() - 1][0], b.iter().map(|p| p[1]).sum::<f64>() / n]
        })
        .collect()
}

/// At most `max` points of `line` for drawing: each stretch of time keeps its lowest and highest
/// point (in time order), so spikes survive.
pub(super) fn thin(line: Vec<[f64; 2]>, max: usize) -> Vec<[f64; 2]> {
    let max = max.max(4);
    if line.len() <= max {
        return line;
    }
    let per_bucket = line.len().div_ceil(max / 2);
    let mut out = Vec::with_capacity(max);
    for bucket in line.chunks(per_bucket) {
        let (mut low, mut high) = (bucket[0], bucket[0]);
        for p in bucket {
            if p[1] < low[1] {
                low = *p;
            }
            if p[1] > high[1] {
                high = *p;
            }
        }
        if low[0] <= high[0] {
            out.extend([low, high]);
        } else {
            out.extend([high, low]);
        }
    }
    out.dedup();
    out
}

/// Whether `id` is hidden because another node of a kind this chart plots is selected (selecting a
/// node of another kind, say a client, leaves the chart whole).
fn filtered_out(only: Option<(&crate::model::NodeId, Kind)>, id: &crate::model::NodeId, kinds: &[Kind]) -> bool {
    only.is_some_and(|(selected, kind)| kinds.contains(&kind) && selected != id)
}

/// The faults of a run as (start, end) in simulated seconds; those still going end `now`.
pub(super) fn fault_bands(engine: &crate::sim::Engine, now: f64) -> Vec<(f64, f64)> {
    engine.fault_log().iter().map(|w| (w.start_secs, w.end_secs.unwrap_or(now).max(w.start_secs))).collect()
}

/// One chart under its title, with the faults shaded as bands, so that their effects can be told
/// from the rest.
pub(super) fn chart(
    ui: &mut egui::Ui,
    title: &str,
    width: f32,
    height: f32,
    bands: &[(f64, f64)],
    add: impl FnOnce(&mut egui_plot::PlotUi<'_>),
) {
    let band_colour = theme::Palette::for_visuals(ui.visuals()).warning.gamma_multiply(0.15);
    ui.vertical(|ui| {
        ui.label(title);
        Plot::new(title).width(width).height(height).legend(Legend::default()).include_y(0.0).allow_scroll(false).show(
            ui,
            |plot| {
                for (start, end) in bands {
                    plot.span(Span::new("", *start..=*end).fill(band_colour).border_width(0.0));
                }
                add(plot);
            },
        );
    });
}

#[cfg(test)]
mod tests {
    use super::thin;

    #[test]
    fn thinning_keeps_the_extremes_in_time_order() {
        let line: Vec<[f64; 2]> = (0..1000).map(|i| [f64::from(i), if i == 500 { 99.0 } else { 1.0 }]).collect();
        let thinned = thin(line, 100);
        assert!(thinned.len() <= 100, "{}", thinned.len());
        assert!(thinned.iter().any(|p| p[1] == 99.0), "the spike survives");
        assert!(thinned.windows(2).all(|w| w[0][0] <= w[1][0]), "in time order");
        assert_eq!(thin(vec![[0.0, 1.0], [1.0, 2.0]], 100).len(), 2, "short lines are left alone");
    }

    #[test]
    fn thinning_a_rate_averages_it() {
        let line: Vec<[f64; 2]> = (0..100).map(|i| [f64::from(i), if i % 2 == 0 { 10.0 } else { 30.0 }]).collect();
        let thinned = super::thin_mean(line, 10);
        assert_eq!(thinned.len(), 10);
        assert!(thinned.iter().all(|p| (p[1] - 20.0).abs() < 1e-12), "{thinned:?}");
    }
}
