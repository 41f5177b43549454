//! Per-frame cost of the window's logic (layout, canvas, badges, charts, and the engine's share of
//! the frame) with a 200-node diagram whose clients send 50,000 requests per second in all, playing
//! at 1×. Rendering is not included (no GPU). README's "Performance" section records the figure.
#![allow(clippy::unwrap_used, missing_docs)]

use cloud_sandbox::model::{
    BalancerParams, ClientParams, Diagram, Distribution, Edge, FunctionParams, InstanceParams, Node, NodeId, NodeKind,
    QueueParams,
};
use cloud_sandbox::ui::{Action, SandboxApp};
use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use std::time::Duration;

/// 40 chains of client → balancer → 3 instances → queue → function: 200 nodes, 1,250 req/s each.
fn big_diagram() -> Diagram {
    let mut d = Diagram::default();
    d.scenario.duration_secs = 3600.0;
    for chain in 0..40u16 {
        let y = f32::from(chain) * 90.0;
        let id = |kind: &str| format!("{kind}-{chain}");
        let node = |kind: &str, x: f32, params: NodeKind| Node {
            id: NodeId::new(id(kind)),
            name: id(kind),
            pos: (x, y),
            kind: params,
        };
        d.nodes.push(node(
            "client",
            0.0,
            NodeKind::Client(ClientParams { rate_per_sec: 1250.0, ..ClientParams::default() }),
        ));
        d.nodes.push(node("lb", 220.0, NodeKind::Balancer(BalancerParams::default())));
        d.nodes.push(node(
            "web",
            440.0,
            NodeKind::Instance(InstanceParams {
                count: 3,
                workers_per_instance: Some(4),
                service_time: Distribution::Exponential { mean_ms: 2.0 },
                ..InstanceParams::default()
            }),
        ));
        d.nodes.push(node("queue", 660.0, NodeKind::Queue(QueueParams::default())));
        d.nodes.push(node(
            "fn",
            880.0,
            NodeKind::Function(FunctionParams {
                concurrency_limit: 100,
                duration: Distribution::Exponential { mean_ms: 5.0 },
                ..FunctionParams::default()
            }),
        ));
        for (a, b) in [("client", "lb"), ("lb", "web"), ("web", "queue"), ("queue", "fn")] {
            d.edges.push(Edge::new(id(a), id(b)));
        }
    }
    d
}

fn frame(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("cloud-sandbox-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.ron");
    cloud_sandbox::model::file::save(&big_diagram(), &path).unwrap();
    let app = SandboxApp::headless(Some(path));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut SandboxApp| app.frame(ui), app);
    // Play only now: a playing run asks for a repaint every frame, so the harness would never settle.
    h.state_mut().handle(Action::PlayPause);
    let mut time = 0.0;
    let mut group = c.benchmark_group("ui");
    group.sample_size(30).measurement_time(Duration::from_secs(10));
    group.bench_function("frame_200_nodes_50k_rps", |b| {
        b.iter(|| {
            time += 1.0 / 60.0;
            h.input_mut().time = Some(time);
            h.step();
        });
    });
    group.finish();
    let run = h.state().run.as_ref().unwrap();
    println!(
        "after the benchmark: simulated {:.1} s, {} events, {} nodes",
        run.engine.now().as_secs(),
        run.engine.events_processed(),
        h.state().doc.diagram.nodes.len()
    );
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group!(benches, frame);
criterion_main!(benches);
