//! Helpers shared by the integration tests: loading examples, building diagrams, queueing formulas.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::{
    Arrival, ClientParams, Diagram, Distribution, Edge, FunctionParams, InstanceParams, Node, NodeId, NodeKind, file,
};
use cloud_sandbox::sim::{Engine, RunOptions};
use std::path::{Path, PathBuf};

#[cfg(feature = "gui")]
pub mod ui;

/// Every example diagram under `saves/` (not the fault scripts in `saves/faults/`), sorted.
pub fn example_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("saves")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("faults") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "ron") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 7, "examples missing: {out:?}");
    out
}

/// Loads a file under `saves/`.
pub fn example(name: &str) -> Diagram {
    file::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("saves").join(name)).unwrap()
}

/// Runs a diagram to its end with overrides.
pub fn run(diagram: &Diagram, options: &RunOptions) -> Engine {
    let mut engine = Engine::new(diagram, &Catalog::embedded(), options).unwrap();
    engine.run_to_end();
    engine
}

/// A node with a position of zero.
pub fn node(id: &str, kind: NodeKind) -> Node {
    Node { id: NodeId::new(id), name: String::new(), pos: (0.0, 0.0), kind }
}

/// An edge without latency.
pub fn edge(from: &str, to: &str) -> Edge {
    Edge { latency_ms: 0.0, ..Edge::new(from, to) }
}

/// Poisson clients at `rate` with no timeout and no retries.
pub fn poisson(rate: f64) -> NodeKind {
    NodeKind::Client(ClientParams { rate_per_sec: rate, arrival: Arrival::Poisson, ..ClientParams::default() })
}

/// A client sending `rate` requests a second, evenly spaced, no timeout and no retries.
pub fn steady(rate: f64) -> NodeKind {
    NodeKind::Client(ClientParams { rate_per_sec: rate, arrival: Arrival::EvenlySpaced, ..ClientParams::default() })
}

/// One machine with `workers` workers and a constant service time of `ms`.
pub fn constant(workers: u32, ms: f64) -> NodeKind {
    NodeKind::Instance(InstanceParams {
        count: 1,
        workers_per_instance: Some(workers),
        service_time: Distribution::Constant { ms },
        ..InstanceParams::default()
    })
}

/// One instance node of `count` machines with `workers` each and exponential service.
pub fn servers(count: u32, workers: u32, mean_ms: f64) -> NodeKind {
    NodeKind::Instance(InstanceParams {
        count,
        workers_per_instance: Some(workers),
        service_time: Distribution::Exponential { mean_ms },
        backlog_limit: None,
        ..InstanceParams::default()
    })
}

/// A function with exponential durations, no cold start, long timeout.
pub fn function(limit: u32, mean_ms: f64) -> NodeKind {
    NodeKind::Function(FunctionParams {
        concurrency_limit: limit,
        duration: Distribution::Exponential { mean_ms },
        cold_start_ms: 0.0,
        timeout_secs: 900.0,
        ..FunctionParams::default()
    })
}

/// A diagram from parts, with a duration and a warm-up.
pub fn diagram(nodes: Vec<Node>, edges: Vec<Edge>, duration_secs: f64, warmup_secs: f64) -> Diagram {
    let mut d = Diagram { nodes, edges, ..Diagram::default() };
    d.scenario.duration_secs = duration_secs;
    d.scenario.warmup_secs = warmup_secs;
    d
}

/// Erlang C: probability that an arrival waits in M/M/c with offered load `a` = λ/μ.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let b = erlang_b(c, a);
    let rho = a / f64::from(c);
    b / (1.0 - rho * (1.0 - b))
}

/// Erlang B by the recurrence B(0) = 1, B(k) = a B(k−1) / (k + a B(k−1)).
pub fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

/// Mean wait in queue of M/M/c, in ms.
pub fn mmc_wait_ms(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    erlang_c(c, a) / (f64::from(c) * mu - lambda) * 1000.0
}

/// Two evenly spaced messages a second into a queue (visibility 1 s, 3 receives, then its
/// dead-letter queue "dlq") whose consumer "w" calls a function "f" that always runs past its
/// timeout: every processing fails, every message is dead-lettered.
pub fn always_dead_lettering() -> Diagram {
    use cloud_sandbox::model::QueueParams;
    let client = ClientParams { rate_per_sec: 2.0, arrival: Arrival::EvenlySpaced, ..ClientParams::default() };
    let consumer = NodeKind::Instance(InstanceParams {
        count: 1,
        workers_per_instance: Some(4),
        service_time: Distribution::Constant { ms: 1.0 },
        backlog_limit: None,
        ..InstanceParams::default()
    });
    let queue = QueueParams { visibility_timeout_secs: 1.0, max_receives: Some(3), ..QueueParams::default() };
    let function = FunctionParams {
        duration: Distribution::Constant { ms: 500.0 },
        timeout_secs: 0.1,
        cold_start_ms: 0.0,
        ..FunctionParams::default()
    };
    diagram(
        vec![
            node("c", NodeKind::Client(client)),
            node("q", NodeKind::Queue(queue)),
            node("dlq", NodeKind::Queue(QueueParams::default())),
            node("w", consumer),
            node("f", NodeKind::Function(function)),
        ],
        vec![edge("c", "q"), edge("q", "w"), Edge { dead_letter: true, ..edge("q", "dlq") }, edge("w", "f")],
        60.0,
        0.0,
    )
}
