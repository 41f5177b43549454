//! Comparing two designs: the same seed, duration, warm-up and (optionally) one fault script for
//! both, its faults matched to each diagram by node name or component name; the two reports side
//! by side as rows of a table that the command line prints and the window shows.

use super::Report;
use crate::model::{Diagram, Fault, Node, NodeId};
use serde::Serialize;
use std::fmt::Write as _;

/// What both runs share, beyond their diagrams.
#[derive(Debug, Clone, Default)]
pub struct CompareOptions {
    /// Seed for both (default: the first diagram's).
    pub seed: Option<u64>,
    /// Simulated seconds for both (default: the first diagram's).
    pub duration_secs: Option<f64>,
    /// Fault script for both, replacing their own (default: each keeps its own).
    pub faults: Option<Vec<Fault>>,
}

/// One side of a comparison: its file and its run's report.
#[derive(Debug, Clone, Serialize)]
pub struct CompareRun {
    /// The diagram's file, as given.
    pub file: String,
    /// The run's report (the `run --json` keys).
    #[serde(flatten)]
    pub report: Report,
}

/// The comparison, as `compare --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The seed both runs used.
    pub seed: u64,
    /// The outcome in plain words, written from the figures (see [`super::verdict`]).
    pub verdict: String,
    /// The two runs, in argument order.
    pub runs: Vec<CompareRun>,
}

impl Comparison {
    /// The comparison of two finished (or, with `finished` false, running) runs.
    pub fn new(seed: u64, runs: Vec<CompareRun>, finished: bool) -> Self {
        let verdict = match runs.as_slice() {
            [a, b] => super::verdict::verdict(&a.report, &b.report, finished),
            _ => String::new(),
        };
        Self { seed, verdict, runs }
    }
}

/// The node of `d` that `name` names: by id, then by label (case-insensitive).
fn node_named<'a>(d: &'a Diagram, name: &str) -> Option<&'a Node> {
    d.node(&NodeId::new(name)).or_else(|| d.nodes.iter().find(|n| n.label().eq_ignore_ascii_case(name)))
}

/// The instance node of `d` that has a component called `name`.
fn component_owner<'a>(d: &'a Diagram, name: &str) -> Option<&'a Node> {
    d.nodes.iter().find(|n| n.kind.components().iter().any(|c| c.eq_ignore_ascii_case(name)))
}

/// The same fault, aimed at what `d` calls the same thing: a node of that id or name stays a node
/// fault; where `d` has no such node but an instance node has a component of that name, a crash
/// becomes that component's failure; a component's failure aimed at a diagram where the component
/// is a node of its own becomes a crash of that node. Outages name zones and locations and apply
/// as they are.
pub fn retarget(fault: &Fault, d: &Diagram) -> Result<Fault, String> {
    let id = |name: &NodeId| -> Result<NodeId, String> {
        node_named(d, &name.0).map(|n| n.id.clone()).ok_or_else(|| format!("there is no node named '{name}'"))
    };
    let component = |name: &str| component_owner(d, name).map(|n| n.id.clone());
    let mut f = fault.clone();
    match &mut f {
        Fault::Crash { node, instance, task, at_secs, for_secs } => {
            if let Some(n) = node_named(d, &node.0) {
                *node = n.id.clone();
            } else if let Some(owner) = component(&node.0) {
                if instance.is_some() || task.is_some() {
                    return Err(format!("'{node}' is a component of '{owner}' there, which has no numbered instances"));
                }
                return Ok(Fault::ComponentFailure {
                    node: owner,
                    component: node.0.clone(),
                    at_secs: *at_secs,
                    for_secs: *for_secs,
                });
            } else {
                return Err(format!("there is no node or component named '{node}'"));
            }
        }
        Fault::ComponentFailure { node, component: c, at_secs, for_secs } => {
            let owns = node_named(d, &node.0).is_some_and(|n| n.kind.components().contains(c));
            if owns {
                *node = node_named(d, &node.0).map_or_else(|| node.clone(), |n| n.id.clone());
            } else if let Some(owner) = component(c) {
                *node = owner;
            } else if let Some(n) = node_named(d, c) {
                return Ok(Fault::Crash {
                    node: n.id.clone(),
                    instance: None,
                    task: None,
                    at_secs: *at_secs,
                    for_secs: *for_secs,
                });
            } else {
                return Err(format!("there is no component or node named '{c}'"));
            }
        }
        Fault::Slow { node, .. } | Fault::RandomFailures { node, .. } | Fault::TrafficSurge { node, .. } => {
            if let Some(n) = node_named(d, &node.0) {
                *node = n.id.clone();
            } else if let Some(owner) = component(&node.0) {
                // A component shares its node's machines: slowing or failing it is the node's.
                *node = owner;
            } else {
                return Err(format!("there is no node or component named '{node}'"));
            }
        }
        Fault::LatencySpike { from, to, .. } => {
            *from = id(from)?;
            *to = id(to)?;
        }
        Fault::ZoneOutage { .. } | Fault::LocationOutage { .. } => {}
    }
    Ok(f)
}

/// The two diagrams as they will run: one seed, duration and warm-up (the first diagram's unless
/// given), and the shared fault script matched to each. Errors name the file and the fault.
pub fn prepare(
    a: (&str, &Diagram),
    b: (&str, &Diagram),
    options: &CompareOptions,
) -> Result<(Diagram, Diagram), String> {
    let seed = options.seed.unwrap_or(a.1.scenario.seed);
    let duration = options.duration_secs.unwrap_or(a.1.scenario.duration_secs);
    let warmup = a.1.scenario.warmup_secs;
    let prepared = |(file, d): (&str, &Diagram)| -> Result<Diagram, String> {
        let mut d = d.clone();
        d.scenario.seed = seed;
        d.scenario.duration_secs = duration;
        d.scenario.warmup_secs = warmup.min(duration);
        if let Some(faults) = &options.faults {
            d.scenario.faults = faults
                .iter()
                .enumerate()
                .map(|(i, f)| retarget(f, &d).map_err(|e| format!("{file}: fault {} ({}): {e}", i + 1, f.describe())))
                .collect::<Result<_, _>>()?;
        }
        Ok(d)
    };
    Ok((prepared(a)?, prepared(b)?))
}

/// One line of the side-by-side table: what, and each run's value as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What the line shows.
    pub label: String,
    /// One value per run.
    pub values: Vec<String>,
}

/// Three percentiles in one unit: ms below ten seconds, else s; whole numbers from 100 up.
fn percentiles(p50: f64, p95: f64, p99: f64) -> String {
    let (scale, unit) = if p99 >= 10_000.0 { (1000.0, "s") } else { (1.0, "ms") };
    let one = |v: f64| {
        let v = v / scale;
        if v >= 100.0 { format!("{v:.0}") } else { format!("{v:.1}") }
    };
    format!("{} / {} / {} {unit}", one(p50), one(p95), one(p99))
}

/// A report's `i`-th fault, if it had that many (a function: a closure cannot say that the fault
/// borrows from the report).
fn nth(r: &Report, i: usize) -> Option<&super::FaultReport> {
    r.faults.get(i)
}

/// The table both the command line and the window show: requests, failures by reason, work,
/// latency, time to fulfil, peak queue depth, recovery after each fault, cost.
pub fn rows(reports: &[&Report]) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut row = |label: &str, f: &dyn Fn(&Report) -> String| {
        rows.push(Row { label: label.to_owned(), values: reports.iter().map(|r| f(r)).collect() });
    };
    row("requests generated", &|r| r.requests.generated.to_string());
    row("succeeded", &|r| {
        let pct = if r.requests.generated > 0 {
            100.0 * r.requests.succeeded as f64 / r.requests.generated as f64
        } else {
            0.0
        };
        format!("{} ({pct:.2} %)", r.requests.succeeded)
    });
    row("failed", &|r| r.requests.failed.to_string());
    let mut reasons: Vec<&String> = reports.iter().flat_map(|r| r.failures.keys()).collect();
    reasons.sort();
    reasons.dedup();
    for reason in reasons {
        row(&format!("  failed: {reason}"), &|r| r.failures.get(reason).copied().unwrap_or(0).to_string());
    }
    row("work fulfilled", &|r| r.work.fulfilled.to_string());
    row("work lost", &|r| r.work.lost.to_string());
    row("work pending at end", &|r| r.work.pending.to_string());
    row("latency p50 / p95 / p99", &|r| percentiles(r.latency_ms.p50, r.latency_ms.p95, r.latency_ms.p99));
    row("time to fulfil p50 / p95 / p99", &|r| {
        let t = &r.time_to_fulfil_ms;
        percentiles(t.p50, t.p95, t.p99)
    });
    row("peak queue depth", &|r| {
        r.nodes
            .iter()
            .filter_map(|n| n.queue.map(|q| (q.max_depth, &n.id)))
            .max()
            .map_or_else(|| "no queue".to_owned(), |(d, id)| format!("{d} ({id})"))
    });
    row("in queues at end", &|r| {
        let queued: u64 = r.nodes.iter().filter_map(|n| n.queue.map(|q| q.in_queue_at_end)).sum();
        queued.to_string()
    });
    let faults = reports.iter().map(|r| r.faults.len()).max().unwrap_or(0);
    for i in 0..faults.min(20) {
        let start = reports.iter().find_map(|r| nth(r, i)).map_or(0.0, |f| f.window.start_secs);
        row(&format!("fault {} (at {})", i + 1, crate::scene::charts::clock(start)), &|r| {
            nth(r, i).map_or_else(|| "—".to_owned(), |f| format!("{}: {}", f.window.node, f.window.what))
        });
        row(&format!("  failed during fault {}", i + 1), &|r| {
            nth(r, i).map_or_else(|| "—".to_owned(), |f| f.failed_during.to_string())
        });
        row(&format!("  failures stopped after fault {}", i + 1), &|r| {
            nth(r, i).map_or_else(
                || "—".to_owned(),
                |f| match (f.window.end_secs, f.recovery.failures_stopped) {
                    (None, _) => "still going".to_owned(),
                    (Some(_), Some(0.0)) if f.failed_during == 0 => "none failed".to_owned(),
                    (Some(_), Some(s)) => format!("{s:.0} s after its end"),
                    (Some(_), None) => "not by the end".to_owned(),
                },
            )
        });
        row(&format!("  queues drained after fault {}", i + 1), &|r| {
            nth(r, i).map_or_else(
                || "—".to_owned(),
                |f| match (f.recovery.has_queues, f.window.end_secs, f.recovery.queues_drained) {
                    (false, _, _) => "no queue".to_owned(),
                    (true, None, _) => "still going".to_owned(),
                    (true, Some(_), Some(s)) => format!("{s:.0} s after its end"),
                    (true, Some(_), None) => "not by the end".to_owned(),
                },
            )
        });
    }
    row("cost", &|r| format!("${:.4}", r.cost_usd.total));
    row("cost per million requests", &|r| format!("${:.2}", r.cost_usd.per_million_requests));
    row("monthly projection (730 h)", &|r| format!("${:.2}", r.cost_usd.monthly_projection));
    rows
}

/// The comparison as a readable table.
pub fn to_text(c: &Comparison) -> String {
    let mut out = String::new();
    let reports: Vec<&Report> = c.runs.iter().map(|r| &r.report).collect();
    let mut table = vec![Row { label: String::new(), values: c.runs.iter().map(|r| r.file.clone()).collect() }];
    table.push(Row { label: "design".to_owned(), values: c.runs.iter().map(|r| r.report.scenario.clone()).collect() });
    table.extend(rows(&reports));
    let first = table.iter().map(|r| r.label.chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..c.runs.len())
        .map(|i| table.iter().map(|r| r.values.get(i).map_or(0, |v| v.chars().count())).max().unwrap_or(0))
        .collect();
    let sim = c.runs.first().map_or(0.0, |r| r.report.sim_seconds);
    let _ = writeln!(out, "compare: seed {}, {sim:.0} s simulated each", c.seed);
    for run in &c.runs {
        if let Some(stop) = &run.report.stopped {
            let _ = writeln!(out, "STOPPED EARLY: {}: {}", run.file, stop.message);
        }
    }
    if !c.verdict.is_empty() {
        let _ = writeln!(out, "{}", c.verdict);
    }
    for r in &table {
        let _ = write!(out, "{:<first$}", r.label);
        for (v, w) in r.values.iter().zip(&widths) {
            let _ = write!(out, "  {v:<w$}");
        }
        let _ = writeln!(out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeKind;
    use crate::model::file::from_ron_str;

    fn example(name: &str) -> Diagram {
        let text = std::fs::read_to_string(format!("{}/saves/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_default();
        from_ron_str(&text, name).unwrap_or_default()
    }

    #[test]
    fn faults_are_matched_by_node_or_component_name() {
        let mono = example("coffee-shop-monolith.ron");
        let micro = example("coffee-shop-microservices.ron");
        let crash = Fault::Crash {
            node: NodeId::new("barista"),
            instance: None,
            task: None,
            at_secs: 1.0,
            for_secs: Some(2.0),
        };
        // A node in one design is a component in the other, both ways.
        assert_eq!(
            retarget(&crash, &mono),
            Ok(Fault::ComponentFailure {
                node: NodeId::new("shop"),
                component: "barista".to_owned(),
                at_secs: 1.0,
                for_secs: Some(2.0)
            })
        );
        assert_eq!(retarget(&crash, &micro), Ok(crash.clone()));
        let component = Fault::ComponentFailure {
            node: NodeId::new("shop"),
            component: "barista".to_owned(),
            at_secs: 1.0,
            for_secs: Some(2.0),
        };
        // There the barista service is a node whose one component is the barista.
        assert_eq!(
            retarget(&component, &micro),
            Ok(Fault::ComponentFailure {
                node: NodeId::new("barista"),
                component: "barista".to_owned(),
                at_secs: 1.0,
                for_secs: Some(2.0)
            })
        );
        let mut bare = micro.clone();
        for n in &mut bare.nodes {
            if let NodeKind::Instance(p) = &mut n.kind {
                p.components.clear();
            }
        }
        assert_eq!(retarget(&component, &bare), Ok(crash));
        assert_eq!(retarget(&component, &mono), Ok(component));
        // By label, whatever the case.
        let by_label = Fault::Slow { node: NodeId::new("barista service"), at_secs: 0.0, for_secs: None, factor: 2.0 };
        assert!(matches!(retarget(&by_label, &micro), Ok(Fault::Slow { node, .. }) if node.0 == "barista"));
        let missing =
            Fault::Crash { node: NodeId::new("roaster"), instance: None, task: None, at_secs: 1.0, for_secs: None };
        assert!(retarget(&missing, &micro).unwrap_err().contains("'roaster'"));
    }

    #[test]
    fn both_runs_share_seed_duration_and_the_script() {
        let mono = example("coffee-shop-monolith.ron");
        let micro = example("coffee-shop-microservices.ron");
        let options = CompareOptions {
            seed: Some(11),
            duration_secs: Some(120.0),
            faults: Some(vec![Fault::Crash {
                node: NodeId::new("roaster"),
                instance: None,
                task: None,
                at_secs: 1.0,
                for_secs: None,
            }]),
        };
        let err = prepare(("m.ron", &mono), ("s.ron", &micro), &options).unwrap_err();
        assert!(err.starts_with("m.ron: fault 1"), "{err}");
        let options = CompareOptions { faults: None, ..options };
        let (a, b) = prepare(("m.ron", &mono), ("s.ron", &micro), &options).unwrap();
        assert_eq!((a.scenario.seed, b.scenario.seed), (11, 11));
        assert_eq!((a.scenario.duration_secs, b.scenario.duration_secs), (120.0, 120.0));
        assert_eq!(b.scenario.faults, micro.scenario.faults, "without a script each keeps its own");
    }
}
