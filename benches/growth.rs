//! How the cost of `check` and of launching machines grows with the file: each shape at a few
//! sizes, timed once (`cargo bench --bench growth`). Work that grows faster than the file was a
//! finding of the hostile-file review (issue 12); README's "Performance" section has the figures,
//! before and after. A table, not a criterion benchmark: the question is the growth, not 1 %.
#![allow(clippy::unwrap_used, missing_docs)]

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::validate::check_all;
use cloud_sandbox::model::{
    AutoScaling, ClientParams, Diagram, Edge, InstanceParams, Node, NodeId, NodeKind, QueueParams, ScheduledAction,
};
use cloud_sandbox::sim::{Engine, RunOptions};
use std::time::Instant;

fn node(id: String, kind: NodeKind) -> Node {
    Node { id: NodeId(id), name: String::new(), pos: (0.0, 0.0), kind }
}

fn one_worker(count: u32, auto_scaling: Option<AutoScaling>) -> NodeKind {
    NodeKind::Instance(InstanceParams {
        count,
        workers_per_instance: Some(1),
        auto_scaling,
        ..InstanceParams::default()
    })
}

/// `n` clients sending to one instance node.
fn clients(n: usize) -> Diagram {
    let mut d = Diagram::default();
    d.nodes.push(node("w".into(), one_worker(1, None)));
    for i in 0..n {
        d.nodes.push(node(
            format!("c{i}"),
            NodeKind::Client(ClientParams { rate_per_sec: 0.01, ..ClientParams::default() }),
        ));
        d.edges.push(Edge::new(format!("c{i}"), "w"));
    }
    d
}

/// A client, then `n` nodes in a line, instances and queues by turns.
fn chain(n: usize) -> Diagram {
    let mut d = Diagram::default();
    d.nodes.push(node("c".into(), NodeKind::Client(ClientParams { rate_per_sec: 1.0, ..ClientParams::default() })));
    d.edges.push(Edge::new("c", "n0"));
    for i in 0..n {
        let kind = if i % 2 == 1 { NodeKind::Queue(QueueParams::default()) } else { one_worker(1, None) };
        d.nodes.push(node(format!("n{i}"), kind));
        if i + 1 < n {
            d.edges.push(Edge::new(format!("n{i}"), format!("n{}", i + 1)));
        }
    }
    d
}

/// 100 requests/s through a balancer to a group that a scheduled action grows from 1 to `n`
/// machines at 10 s (target tracking takes it back down later).
fn launch(n: u32) -> Diagram {
    let mut d = Diagram::default();
    d.nodes.push(node("c".into(), NodeKind::Client(ClientParams { rate_per_sec: 100.0, ..ClientParams::default() })));
    d.nodes.push(node("b".into(), NodeKind::Balancer(cloud_sandbox::model::BalancerParams::default())));
    let group = AutoScaling {
        min: 1,
        max: 65_535,
        desired: Some(1),
        scheduled: vec![ScheduledAction { at_secs: 10.0, min: None, max: None, desired: Some(n) }],
        ..AutoScaling::default()
    };
    d.nodes.push(node("w".into(), one_worker(1, Some(group))));
    d.edges.push(Edge::new("c", "b"));
    d.edges.push(Edge::new("b", "w"));
    d.scenario.duration_secs = 600.0;
    d
}

fn seconds(f: impl FnOnce()) -> f64 {
    let started = Instant::now();
    f();
    started.elapsed().as_secs_f64()
}

fn main() {
    let catalog = Catalog::embedded();
    println!("{:<44} {:>8} {:>10}", "shape", "size", "seconds");
    for (name, build) in [("check: clients into one node", clients as fn(usize) -> Diagram), ("check: a chain", chain)]
    {
        for n in [2_000, 5_000, 20_000, 50_000] {
            let d = build(n);
            // Beyond 2,000 nodes the diagram is refused, but only after the whole check.
            let s = seconds(|| {
                std::hint::black_box(check_all(&d, &catalog));
            });
            println!("{name:<44} {n:>8} {s:>10.3}");
        }
    }
    for n in [2_000, 8_000, 32_000] {
        let d = launch(n);
        let s = seconds(|| {
            let mut e = Engine::new(&d, &catalog, &RunOptions::default()).unwrap();
            e.run_to_end();
        });
        println!("{:<44} {n:>8} {s:>10.3}", "run: launch machines behind a balancer");
    }
}
