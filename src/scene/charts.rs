//! What each chart of a run shows, worked out from the engine's sampled series: its lines (with
//! gaps where there is nothing to plot), its unit, its axis ticks and their labels. The window draws
//! these with `egui_plot`; the export writes them as SVG and PNG — one definition for both.
//!
//! Only the charts a diagram can fill exist for it (no instance chart without instance nodes, no
//! time to fulfil without a queue or topic). A percentile line has a gap where no request finished
//! in the interval rather than a fall to zero, and failures have lines of their own.

use super::palette::Tone;
use crate::model::Kind;
use crate::sim::{Engine, GlobalSample, NodeSample};
use serde::{Deserialize, Serialize};

/// The charts of a run, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ChartKind {
    /// Requests succeeded (or accepted and processed) and failed, per second.
    Throughput,
    /// Latency percentiles of the client's answers, and the time failed requests took to fail.
    Latency,
    /// Time from a request to the end of everything it caused downstream (queues, topics).
    TimeToFulfil,
    /// Messages waiting in each queue, requests waiting at each instance node.
    Waiting,
    /// How long the oldest message of each queue has waited.
    MessageAge,
    /// Machines running (and warming, wanted, the group's range) per instance node.
    Instances,
    /// Busy share of each instance node's workers and each function's concurrency.
    Utilisation,
    /// The bill since the start.
    Cost,
    /// How fast the bill grows.
    CostRate,
}

impl ChartKind {
    /// Every chart, in the order shown.
    pub const ALL: [Self; 9] = [
        Self::Throughput,
        Self::Latency,
        Self::TimeToFulfil,
        Self::Waiting,
        Self::MessageAge,
        Self::Instances,
        Self::Utilisation,
        Self::Cost,
        Self::CostRate,
    ];

    /// The chart's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Throughput => "Throughput",
            Self::Latency => "Latency",
            Self::TimeToFulfil => "Time to fulfil",
            Self::Waiting => "Waiting work",
            Self::MessageAge => "Oldest message",
            Self::Instances => "Instances and tasks",
            Self::Utilisation => "Utilisation",
            Self::Cost => "Cost so far",
            Self::CostRate => "Cost rate",
        }
    }

    /// What the chart shows, in a sentence (its tooltip).
    pub fn hint(self) -> &'static str {
        match self {
            Self::Throughput => {
                "Client requests per second. Where queues or topics take requests, \"accepted\" is what they \
                 acknowledged and \"processed\" is work done end to end."
            }
            Self::Latency => {
                "How long clients waited for their answer (percentiles of the interval's successes; a gap \
                 where none succeeded), and \"failed p50\": the median time failed requests took to fail."
            }
            Self::TimeToFulfil => {
                "From a request to the end of everything it caused downstream: the wait behind queues and \
                 topics (percentiles of the work fulfilled in the interval)."
            }
            Self::Waiting => "Messages visible in each queue and requests waiting at each instance node.",
            Self::MessageAge => "How long the oldest visible message of each queue has been waiting.",
            Self::Instances => {
                "Machines (or container tasks) running per node; for one group also warming, desired, min and max."
            }
            Self::Utilisation => "Busy share of each instance node's workers and each function's concurrency limit.",
            Self::Cost => "The bill since the start of the run.",
            Self::CostRate => "How fast the bill grows, in dollars per hour (from the growth between samples).",
        }
    }

    /// The unit of the y axis.
    pub fn unit(self) -> Unit {
        match self {
            Self::Throughput => Unit::PerSec,
            Self::Latency | Self::TimeToFulfil => Unit::Ms,
            Self::Waiting | Self::Instances => Unit::Count,
            Self::MessageAge => Unit::Secs,
            Self::Utilisation => Unit::Percent,
            Self::Cost => Unit::Dollars,
            Self::CostRate => Unit::DollarsPerHour,
        }
    }

    /// A short stable name (preferences, file names of exported charts).
    pub fn key(self) -> &'static str {
        match self {
            Self::Throughput => "throughput",
            Self::Latency => "latency",
            Self::TimeToFulfil => "time-to-fulfil",
            Self::Waiting => "waiting-work",
            Self::MessageAge => "message-age",
            Self::Instances => "instances",
            Self::Utilisation => "utilisation",
            Self::Cost => "cost",
            Self::CostRate => "cost-rate",
        }
    }

    /// Whether this chart plots the series of nodes of `kind` one by one (no kind: a whole-system
    /// chart). Asked of the kind's capabilities, so a new kind says once what it has.
    pub fn plots(self, kind: Kind) -> bool {
        match self {
            Self::Waiting => kind.has_backlog(),
            Self::MessageAge => kind.keeps_messages(),
            Self::Instances => kind.runs_machines(),
            Self::Utilisation => kind.does_work(),
            Self::Throughput | Self::Latency | Self::TimeToFulfil | Self::Cost | Self::CostRate => false,
        }
    }

    /// Whether a run of this engine can fill the chart: its diagram has the kinds it plots (time
    /// to fulfil needs work followed through a queue or topic).
    pub fn applies(self, engine: &Engine) -> bool {
        match self {
            Self::TimeToFulfil => engine.follows_work(),
            Self::Throughput | Self::Latency | Self::Cost | Self::CostRate => true,
            other => engine.diagram().nodes.iter().any(|n| other.plots(n.kind.kind())),
        }
    }
}

/// The charts this engine's run can fill, in order.
pub fn available(engine: &Engine) -> Vec<ChartKind> {
    ChartKind::ALL.into_iter().filter(|k| k.applies(engine)).collect()
}

/// How the cost-so-far chart is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CostBreakdown {
    /// One line: the total.
    #[default]
    Total,
    /// Stacked by service.
    ByService,
    /// EC2 stacked by purchase option.
    ByPurchaseOption,
}

/// The unit of a chart's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Events per second.
    PerSec,
    /// Milliseconds (shown as s or min when large).
    Ms,
    /// Seconds (shown as min or h when large).
    Secs,
    /// A plain number.
    Count,
    /// Per cent (values are 0–100).
    Percent,
    /// Dollars.
    Dollars,
    /// Dollars per hour.
    DollarsPerHour,
}

impl Unit {
    /// The unit's name, as a chart's title shows it.
    pub fn name(self) -> &'static str {
        match self {
            Self::PerSec => "per second",
            Self::Ms => "ms",
            Self::Secs => "s",
            Self::Count => "count",
            Self::Percent => "%",
            Self::Dollars => "$",
            Self::DollarsPerHour => "$/hour",
        }
    }

    /// A tick label for `v` when ticks are `step` apart, with the unit.
    pub fn tick(self, v: f64, step: f64) -> String {
        match self {
            Self::PerSec => format!("{}/s", number(v, step)),
            Self::Count => number(v, step),
            Self::Percent => format!("{} %", number(v, step)),
            Self::Dollars => format!("${}", money(v, step)),
            Self::DollarsPerHour => format!("${}/h", money(v, step)),
            Self::Ms if step >= 60_000.0 => format!("{} min", number(v / 60_000.0, step / 60_000.0)),
            Self::Ms if step >= 1000.0 || v.abs() >= 10_000.0 => format!("{} s", number(v / 1000.0, step / 1000.0)),
            Self::Ms => format!("{} ms", number(v, step)),
            Self::Secs if step >= 3600.0 => format!("{} h", number(v / 3600.0, step / 3600.0)),
            Self::Secs if step >= 60.0 => format!("{} min", number(v / 60.0, step / 60.0)),
            Self::Secs => format!("{} s", number(v, step)),
        }
    }

    /// A value as a tooltip shows it (more digits than a tick).
    pub fn value(self, v: f64) -> String {
        let exact = |v: f64| if v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.2}") };
        match self {
            Self::PerSec => format!("{}/s", exact(v)),
            Self::Count if v.fract() == 0.0 => format!("{v:.0}"),
            Self::Count => exact(v),
            Self::Percent => format!("{v:.1} %"),
            Self::Dollars => format!("${v:.4}"),
            Self::DollarsPerHour => format!("${v:.4}/h"),
            Self::Ms if v >= 10_000.0 => format!("{:.2} s", v / 1000.0),
            Self::Ms => format!("{} ms", exact(v)),
            Self::Secs => format!("{} s", exact(v)),
        }
    }
}

/// A number with as many decimals as the tick step needs, with thousands as "k" and millions as "M"
/// when the step allows.
fn number(v: f64, step: f64) -> String {
    let step = step.abs().max(f64::MIN_POSITIVE);
    if v.abs() < step * 1e-6 {
        return "0".to_owned();
    }
    if step >= 1_000_000.0 {
        return format!("{}M", trim_decimals(v / 1e6, step / 1e6));
    }
    if step >= 1000.0 {
        return format!("{}k", trim_decimals(v / 1e3, step / 1e3));
    }
    trim_decimals(v, step)
}

fn trim_decimals(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 { 0 } else { (-step.log10()).ceil().clamp(0.0, 6.0) as usize };
    let v = if v.abs() < step * 1e-6 { 0.0 } else { v };
    format!("{v:.decimals$}")
}

fn money(v: f64, step: f64) -> String {
    // Cents at least, so that $0.05 never reads $0.1.
    let decimals = if step >= 1.0 { 0 } else { (-step.log10()).ceil().clamp(2.0, 6.0) as usize };
    format!("{v:.decimals$}")
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// A solid line.
    Solid,
    /// Long dashes.
    Dashed,
    /// Dots.
    Dotted,
}

/// One line of a chart: its name (the legend's entry), colour and style, and its points, cut into
/// runs where there is nothing to plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The legend's entry.
    pub name: String,
    /// What picks its colour.
    pub tone: Tone,
    /// How it is drawn.
    pub dash: Dash,
    /// Filled down to zero (a band of a stacked chart).
    pub fill: bool,
    /// Stretches of `[t_secs, value]` without gaps, in time order.
    pub runs: Vec<Vec<[f64; 2]>>,
}

impl Line {
    fn new(name: impl Into<String>, tone: Tone, points: Vec<[f64; 2]>) -> Self {
        Self { name: name.into(), tone, dash: Dash::Solid, fill: false, runs: vec![points] }
    }

    fn dash(mut self, dash: Dash) -> Self {
        self.dash = dash;
        self
    }

    /// Every point of every run.
    pub fn points(&self) -> impl Iterator<Item = &[f64; 2]> {
        self.runs.iter().flatten()
    }

    /// The last point, if any.
    pub fn last(&self) -> Option<[f64; 2]> {
        self.runs.iter().rev().find_map(|r| r.last().copied())
    }
}

/// A chart ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// A short stable name.
    pub key: &'static str,
    /// The title.
    pub title: &'static str,
    /// What it shows, in a sentence.
    pub hint: &'static str,
    /// The unit of the y axis.
    pub unit: Unit,
    /// The lines, in legend order.
    pub lines: Vec<Line>,
    /// The run's faults as (start, end) in simulated seconds, to shade.
    pub bands: Vec<(f64, f64)>,
    /// The time axis: from the start of the run to now.
    pub x_range: (f64, f64),
}

impl Chart {
    /// The title with its unit, as written above the chart.
    pub fn heading(&self) -> String {
        format!("{} ({})", self.title, self.unit.name())
    }

    /// The y range to show the lines for which `shown` holds: a little above the highest point
    /// (1 when there is none), and a little room below zero, so that a line at zero stays clear of
    /// the frame and the zero label clear of the time axis's.
    pub fn y_range(&self, shown: impl Fn(&Line) -> bool) -> (f64, f64) {
        let top = self.lines.iter().filter(|l| shown(l)).flat_map(|l| l.points().map(|p| p[1])).fold(0.0_f64, f64::max);
        let top = if top > 0.0 { top * 1.08 } else { 1.0 };
        (-0.06 * top, top)
    }
}

/// What to build a chart for.
#[derive(Debug, Clone, Copy)]
pub struct ChartOptions {
    /// The node (by engine index) the per-node charts are narrowed to, if it is of a kind they
    /// plot.
    pub only: Option<usize>,
    /// How the cost chart is split.
    pub breakdown: CostBreakdown,
    /// Points per line at most (a point every few pixels is all the eye can tell apart).
    pub max_points: usize,
}

impl Default for ChartOptions {
    fn default() -> Self {
        Self { only: None, breakdown: CostBreakdown::Total, max_points: 400 }
    }
}

/// The faults of a run as (start, end) in simulated seconds; those still going end `now`.
pub fn fault_bands(engine: &Engine) -> Vec<(f64, f64)> {
    let now = engine.now().as_secs();
    engine.fault_log().iter().map(|w| (w.start_secs, w.end_secs.unwrap_or(now).max(w.start_secs))).collect()
}

/// A count of the samples as a rate per second, thinned to `points`.
fn rate(global: &[GlobalSample], count: fn(&GlobalSample) -> u64, points: usize) -> Vec<[f64; 2]> {
    thin_mean(global.iter().map(|s| [s.t_secs, count(s) as f64 / s.interval_secs.max(1e-9)]).collect(), points)
}

/// A percentile of the samples where `count` says something was measured, with gaps elsewhere,
/// thinned to `points` in all.
fn percentile(
    global: &[GlobalSample],
    count: fn(&GlobalSample) -> u64,
    pick: fn(&GlobalSample) -> f64,
    points: usize,
) -> Vec<Vec<[f64; 2]>> {
    thin_runs(split_runs(global, |s| count(s) > 0, |s| [s.t_secs, pick(s)]), points, thin)
}

/// Builds one chart of the run so far.
pub fn build(engine: &Engine, kind: ChartKind, options: &ChartOptions) -> Chart {
    let global = engine.global_series();
    let points = options.max_points.max(4);
    let rate = |count: fn(&GlobalSample) -> u64| rate(global, count, points);
    let percentile = |name: &str, tone: Tone, count: fn(&GlobalSample) -> u64, pick: fn(&GlobalSample) -> f64| Line {
        name: name.to_owned(),
        tone,
        dash: Dash::Solid,
        fill: false,
        runs: percentile(global, count, pick, points),
    };
    let mut lines = Vec::new();
    match kind {
        ChartKind::Throughput => {
            if engine.follows_work() {
                lines.push(Line::new("accepted", Tone::Good, rate(|s| s.succeeded)));
                lines.push(Line::new("processed", Tone::Series(0), rate(|s| s.fulfilled)));
                lines.push(Line::new("failed", Tone::Bad, rate(|s| s.failed)));
                let (lost, failed): (u64, u64) = global.iter().fold((0, 0), |a, s| (a.0 + s.lost, a.1 + s.failed));
                if lost > failed {
                    lines.push(Line::new("work lost", Tone::Bad, rate(|s| s.lost)).dash(Dash::Dotted));
                }
            } else {
                lines.push(Line::new("succeeded", Tone::Good, rate(|s| s.succeeded)));
                lines.push(Line::new("failed", Tone::Bad, rate(|s| s.failed)));
            }
        }
        ChartKind::Latency => {
            lines.push(percentile("p50", Tone::Series(0), |s| s.succeeded, |s| s.p50_ms));
            lines.push(percentile("p95", Tone::Series(1), |s| s.succeeded, |s| s.p95_ms));
            lines.push(percentile("p99", Tone::Series(2), |s| s.succeeded, |s| s.p99_ms));
            if global.iter().any(|s| s.failed > 0) {
                let line = percentile("failed p50", Tone::Bad, |s| s.failed, |s| s.failed_p50_ms);
                lines.push(line.dash(Dash::Dashed));
            }
        }
        ChartKind::TimeToFulfil => {
            lines.push(percentile("p50", Tone::Series(0), |s| s.fulfilled, |s| s.fulfil_p50_ms));
            lines.push(percentile("p95", Tone::Series(1), |s| s.fulfilled, |s| s.fulfil_p95_ms));
            lines.push(percentile("p99", Tone::Series(2), |s| s.fulfilled, |s| s.fulfil_p99_ms));
        }
        ChartKind::Waiting | ChartKind::MessageAge | ChartKind::Utilisation => {
            let pick: fn(&NodeSample) -> f64 = match kind {
                ChartKind::Waiting => |p| p.depth,
                ChartKind::MessageAge => |p| p.oldest_age_secs,
                _ => |p| p.utilization * 100.0,
            };
            for (n, i) in plotted_nodes(engine, kind, options.only).into_iter().enumerate() {
                let line: Vec<[f64; 2]> = engine.node_series(i).iter().map(|p| [p.t_secs, pick(p)]).collect();
                let line = if kind == ChartKind::Utilisation { thin_mean(line, points) } else { thin(line, points) };
                lines.push(Line::new(engine.diagram().nodes[i].label(), Tone::Series(n), line));
            }
        }
        ChartKind::Instances => instance_lines(engine, options.only, points, &mut lines),
        ChartKind::Cost => cost_lines(global, options.breakdown, points, &mut lines),
        ChartKind::CostRate => {
            // From the growth of the bill between samples (balancer hours are billed as they start).
            let rate: Vec<[f64; 2]> = global
                .windows(2)
                .map(|w| [w[1].t_secs, (w[1].cost_usd - w[0].cost_usd) / w[1].interval_secs.max(1e-9) * 3600.0])
                .collect();
            lines.push(Line::new("$/hour", Tone::Series(0), thin_mean(rate, points)));
        }
    }
    Chart {
        key: kind.key(),
        title: kind.title(),
        hint: kind.hint(),
        unit: kind.unit(),
        lines,
        bands: fault_bands(engine),
        x_range: (0.0, engine.now().as_secs().max(1e-9)),
    }
}

/// The nodes a per-node chart plots, by engine index: those of its kinds, or only `only` if that
/// is one of them (selecting a node of another kind, say a client, leaves the chart whole).
fn plotted_nodes(engine: &Engine, kind: ChartKind, only: Option<usize>) -> Vec<usize> {
    let nodes = &engine.diagram().nodes;
    let all: Vec<usize> = (0..nodes.len()).filter(|&i| kind.plots(nodes[i].kind.kind())).collect();
    match only {
        Some(i) if all.contains(&i) => vec![i],
        _ => all,
    }
}

fn instance_lines(engine: &Engine, only: Option<usize>, points: usize, lines: &mut Vec<Line>) {
    let shown = plotted_nodes(engine, ChartKind::Instances, only);
    // One node alone (or selected) also shows warming, desired, and a group's min and max.
    if let [i] = shown[..] {
        let series = engine.node_series(i);
        let pick = |f: fn(&NodeSample) -> f64| thin(series.iter().map(|p| [p.t_secs, f(p)]).collect(), points);
        let group = engine.diagram().nodes[i].kind.auto_scaling().is_some();
        lines.push(Line::new("running", Tone::Good, pick(|p| p.running)));
        lines.push(Line::new("running + warming", Tone::Series(0), pick(|p| p.running + p.warming)).dash(Dash::Dashed));
        lines.push(Line::new("desired", Tone::Series(1), pick(|p| p.desired)).dash(Dash::Dashed));
        if group {
            lines.push(Line::new("min", Tone::Faint, pick(|p| p.min)).dash(Dash::Dotted));
            lines.push(Line::new("max", Tone::Faint, pick(|p| p.max)).dash(Dash::Dotted));
        }
        return;
    }
    for (n, i) in shown.into_iter().enumerate() {
        let line = engine.node_series(i).iter().map(|p| [p.t_secs, p.running]).collect();
        lines.push(Line::new(engine.diagram().nodes[i].label(), Tone::Series(n), thin(line, points)));
    }
}

fn cost_lines(global: &[GlobalSample], breakdown: CostBreakdown, points: usize, lines: &mut Vec<Line>) {
    fn stack<const N: usize>(
        global: &[GlobalSample],
        points: usize,
        names: &[&str; N],
        pick: impl Fn(&GlobalSample) -> [f64; N],
        lines: &mut Vec<Line>,
    ) {
        // Cumulative sums, listed from the top band down so that each band shows.
        let used: Vec<usize> = (0..names.len()).filter(|&k| global.last().is_some_and(|s| pick(s)[k] > 0.0)).collect();
        for (n, &k) in used.iter().enumerate().rev() {
            let line: Vec<[f64; 2]> =
                global.iter().map(|s| [s.t_secs, used[..=n].iter().map(|&j| pick(s)[j]).sum::<f64>()]).collect();
            let mut line = Line::new(names[k], Tone::Series(n), thin(line, points));
            line.fill = true;
            lines.push(line);
        }
    }
    match breakdown {
        CostBreakdown::Total => {
            let line = global.iter().map(|s| [s.t_secs, s.cost_usd]).collect();
            lines.push(Line::new("total", Tone::Series(0), thin(line, points)));
        }
        CostBreakdown::ByService => stack(
            global,
            points,
            &crate::cost::billing::Service::ALL.map(crate::cost::billing::Service::short_name),
            |s| s.cost_by_service,
            lines,
        ),
        CostBreakdown::ByPurchaseOption => stack(
            global,
            points,
            &crate::model::OptionKind::ALL.map(crate::model::OptionKind::label),
            |s| s.cost_by_option,
            lines,
        ),
    }
}

/// The charts of the Compare view, each with a line per side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareChart {
    /// Requests succeeded (accepted, where queues take them) per second.
    Succeeded,
    /// Requests failed per second.
    Failed,
    /// Latency p99 of the answers.
    LatencyP99,
    /// Time to fulfil p99 (end to end through queues and topics).
    FulfilP99,
    /// All waiting work: queues and instance backlogs together.
    Waiting,
    /// The bill so far.
    Cost,
}

impl CompareChart {
    /// Every comparison chart, in order.
    pub const ALL: [Self; 6] =
        [Self::Succeeded, Self::Failed, Self::LatencyP99, Self::FulfilP99, Self::Waiting, Self::Cost];

    fn title(self) -> &'static str {
        match self {
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::LatencyP99 => "Latency p99",
            Self::FulfilP99 => "Time to fulfil p99",
            Self::Waiting => "Waiting work",
            Self::Cost => "Cost so far",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Succeeded => "compare-succeeded",
            Self::Failed => "compare-failed",
            Self::LatencyP99 => "compare-latency-p99",
            Self::FulfilP99 => "compare-time-to-fulfil-p99",
            Self::Waiting => "compare-waiting-work",
            Self::Cost => "compare-cost",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Self::Succeeded => {
                "Client requests answered successfully per second (acknowledged, where a queue takes them)."
            }
            Self::Failed => "Client requests that failed for good, per second.",
            Self::LatencyP99 => {
                "The 99th percentile of the clients' answers in each interval; a gap where none succeeded."
            }
            Self::FulfilP99 => {
                "The 99th percentile of time to fulfil (end to end through queues and topics); a gap where \
                 none was fulfilled. A design without queues or topics fulfils with its answer."
            }
            Self::Waiting => "Messages in queues and requests waiting at instance nodes, all together.",
            Self::Cost => "The bill since the start of the run.",
        }
    }

    fn unit(self) -> Unit {
        match self {
            Self::Succeeded | Self::Failed => Unit::PerSec,
            Self::LatencyP99 | Self::FulfilP99 => Unit::Ms,
            Self::Waiting => Unit::Count,
            Self::Cost => Unit::Dollars,
        }
    }
}

/// One comparison chart: a line per side (tone [`Tone::Side`]), named by the side's tag.
pub fn build_compare(sides: &[(&str, &Engine)], kind: CompareChart, max_points: usize) -> Chart {
    let points = max_points.max(4);
    let mut lines = Vec::new();
    let mut bands = Vec::new();
    let mut end: f64 = 1e-9;
    for (k, (tag, engine)) in sides.iter().enumerate() {
        let global = engine.global_series();
        let runs = match kind {
            CompareChart::Succeeded => vec![rate(global, |s| s.succeeded, points)],
            CompareChart::Failed => vec![rate(global, |s| s.failed, points)],
            CompareChart::FulfilP99 if engine.follows_work() => {
                percentile(global, |s| s.fulfilled, |s| s.fulfil_p99_ms, points)
            }
            // Without queues or topics, work is fulfilled with the answer.
            CompareChart::LatencyP99 | CompareChart::FulfilP99 => {
                percentile(global, |s| s.succeeded, |s| s.p99_ms, points)
            }
            CompareChart::Waiting => vec![thin(total_waiting(engine), points)],
            CompareChart::Cost => vec![thin(global.iter().map(|s| [s.t_secs, s.cost_usd]).collect(), points)],
        };
        lines.push(Line { name: (*tag).to_owned(), tone: Tone::Side(k), dash: Dash::Solid, fill: false, runs });
        bands.extend(fault_bands(engine));
        end = end.max(engine.now().as_secs());
    }
    bands.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    bands.dedup();
    Chart {
        key: kind.key(),
        title: kind.title(),
        hint: kind.hint(),
        unit: kind.unit(),
        lines,
        bands,
        x_range: (0.0, end),
    }
}

/// Queues' visible messages and instance nodes' backlogs summed at each sample of the run.
fn total_waiting(engine: &Engine) -> Vec<[f64; 2]> {
    let nodes = &engine.diagram().nodes;
    let waiting: Vec<&[NodeSample]> = (0..nodes.len())
        .filter(|&i| ChartKind::Waiting.plots(nodes[i].kind.kind()))
        .map(|i| engine.node_series(i))
        .collect();
    engine
        .global_series()
        .iter()
        .map(|s| {
            // Nodes added during the run have shorter series: find each one's sample by time.
            let total: f64 = waiting
                .iter()
                .filter_map(|series| {
                    let at = series.partition_point(|p| p.t_secs < s.t_secs);
                    series.get(at).filter(|p| (p.t_secs - s.t_secs).abs() < 1e-9).map(|p| p.depth)
                })
                .sum();
            [s.t_secs, total]
        })
        .collect()
}

/// The stretches of `samples` where `valid` holds, as points.
fn split_runs<S>(samples: &[S], valid: impl Fn(&S) -> bool, point: impl Fn(&S) -> [f64; 2]) -> Vec<Vec<[f64; 2]>> {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for s in samples {
        if valid(s) {
            run.push(point(s));
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// Thins each run with its share of `max` points.
fn thin_runs(
    runs: Vec<Vec<[f64; 2]>>,
    max: usize,
    thin: fn(Vec<[f64; 2]>, usize) -> Vec<[f64; 2]>,
) -> Vec<Vec<[f64; 2]>> {
    let total: usize = runs.iter().map(Vec::len).sum::<usize>().max(1);
    runs.into_iter()
        .map(|r| {
            let share = (max * r.len()).div_ceil(total).max(2);
            thin(r, share)
        })
        .collect()
}

/// At most `max` points of `line` for drawing, each stretch of time as its mean (a rate over the
/// longer stretch).
pub fn thin_mean(line: Vec<[f64; 2]>, max: usize) -> Vec<[f64; 2]> {
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
pub fn thin(line: Vec<[f64; 2]>, max: usize) -> Vec<[f64; 2]> {
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

/// Steps between time ticks, in seconds: each a whole number of a clock's units.
const TIME_STEPS: [f64; 24] = [
    1.0,
    2.0,
    5.0,
    10.0,
    15.0,
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    900.0,
    1800.0,
    3600.0,
    7200.0,
    10_800.0,
    21_600.0,
    43_200.0,
    86_400.0,
    172_800.0,
    432_000.0,
    864_000.0,
    2_592_000.0,
    8_640_000.0,
    31_536_000.0,
];

/// The step between time ticks over `range` (seconds) on an axis `length_px` long, so that ticks
/// are at least `min_spacing_px` apart.
pub fn time_step(range: (f64, f64), length_px: f64, min_spacing_px: f64) -> f64 {
    let span = (range.1 - range.0).abs().max(1e-9);
    let per_px = span / length_px.max(1.0);
    let least = per_px * min_spacing_px;
    TIME_STEPS.into_iter().find(|&s| s >= least).unwrap_or_else(|| (least / 31_536_000.0).ceil() * 31_536_000.0)
}

/// The step between value ticks over `range` on an axis `length_px` long: 1, 2 or 5 times a power
/// of ten, with ticks at least `min_spacing_px` apart.
pub fn value_step(range: (f64, f64), length_px: f64, min_spacing_px: f64) -> f64 {
    let span = (range.1 - range.0).abs().max(1e-12);
    let least = span / length_px.max(1.0) * min_spacing_px;
    let power = 10f64.powf(least.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|&s| s >= least * (1.0 - 1e-9)).unwrap_or(10.0 * power)
}

impl Unit {
    /// The step between value ticks for this unit (counts of things step by whole numbers).
    pub fn step(self, range: (f64, f64), length_px: f64, min_spacing_px: f64) -> f64 {
        let step = value_step(range, length_px, min_spacing_px);
        if self == Self::Count { step.max(1.0) } else { step }
    }
}

/// The multiples of `step` within `range`.
pub fn ticks(range: (f64, f64), step: f64) -> Vec<f64> {
    if step <= 0.0 || !step.is_finite() {
        return Vec::new();
    }
    let first = (range.0 / step).ceil() as i64;
    let last = (range.1 / step).floor() as i64;
    (first..=last.min(first + 1000)).map(|k| k as f64 * step).collect()
}

/// Simulated time as a clock: `m:ss` below an hour, `h:mm:ss` from there (the hours keep
/// counting past a day).
pub fn clock(t_secs: f64) -> String {
    let total = t_secs.max(0.0).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let thinned = thin_mean(line, 10);
        assert_eq!(thinned.len(), 10);
        assert!(thinned.iter().all(|p| (p[1] - 20.0).abs() < 1e-12), "{thinned:?}");
    }

    #[test]
    fn gaps_split_a_line_into_runs() {
        let samples: Vec<(f64, bool)> = (0..10).map(|i| (f64::from(i), !(3..6).contains(&i))).collect();
        let runs = split_runs(&samples, |s| s.1, |s| [s.0, 1.0]);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].last(), Some(&[2.0, 1.0]));
        assert_eq!(runs[1].first(), Some(&[6.0, 1.0]));
    }

    #[test]
    fn time_ticks_are_whole_clock_units_far_enough_apart() {
        // 15 minutes on 400 px, ticks at least 70 px apart: 2 min 37 s at least, so 5 min.
        assert_eq!(time_step((0.0, 900.0), 400.0, 70.0), 300.0);
        // Two hours on 300 px: 28 min at least, so 30 min.
        assert_eq!(time_step((0.0, 7200.0), 300.0, 70.0), 1800.0);
        assert_eq!(ticks((0.0, 900.0), 300.0), vec![0.0, 300.0, 600.0, 900.0]);
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(75.0), "1:15");
        assert_eq!(clock(7_415.0), "2:03:35");
        assert_eq!(clock(90_000.0), "25:00:00");
    }

    #[test]
    fn value_ticks_step_by_one_two_or_five() {
        assert_eq!(value_step((0.0, 100.0), 120.0, 24.0), 20.0);
        assert_eq!(value_step((0.0, 2.0), 120.0, 24.0), 0.5);
        assert_eq!(value_step((0.0, 0.03), 120.0, 30.0), 0.01);
        assert_eq!(Unit::PerSec.tick(150.0, 50.0), "150/s");
        assert_eq!(Unit::PerSec.tick(3000.0, 1000.0), "3k/s");
        assert_eq!(Unit::PerSec.tick(2500.0, 500.0), "2500/s");
        assert_eq!(Unit::Ms.tick(250.0, 50.0), "250 ms");
        assert_eq!(Unit::Ms.tick(12_000.0, 2000.0), "12 s");
        assert_eq!(Unit::Secs.tick(120.0, 60.0), "2 min");
        assert_eq!(Unit::Dollars.tick(0.05, 0.01), "$0.05");
        assert_eq!(Unit::Dollars.tick(0.5, 0.1), "$0.50");
        assert_eq!(Unit::Percent.tick(80.0, 20.0), "80 %");
        assert_eq!(Unit::Count.tick(0.5, 0.5), "0.5");
        assert_eq!(Unit::Count.tick(0.0, 2000.0), "0", "zero needs no thousands");
    }
}
