//! The charts of a run as the window and the export draw them (`scene::charts`): which charts a
//! diagram gets, gaps where nothing finished, accepted against processed work. Expected values come
//! from the examples' parameters and queueing arithmetic, not from earlier output.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::scene::charts::{
    self, ChartKind, ChartOptions, CompareChart, Unit, available, build, build_compare,
};
use cloud_sandbox::sim::RunOptions;
use common::*;

fn chart(engine: &cloud_sandbox::sim::Engine, kind: ChartKind) -> charts::Chart {
    // Enough points that nothing is thinned: every sample is a point.
    build(engine, kind, &ChartOptions { max_points: 100_000, ..ChartOptions::default() })
}

fn line<'a>(c: &'a charts::Chart, name: &str) -> &'a charts::Line {
    c.lines.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("no line {name} in {}", c.title))
}

#[test]
fn a_diagram_gets_only_the_charts_it_can_fill() {
    use ChartKind::*;
    let short = RunOptions { duration_secs: Some(40.0), ..RunOptions::default() };
    let erlang = run(&example("theory/erlang-b.ron"), &short);
    assert_eq!(available(&erlang), vec![Throughput, Latency, Utilisation, Cost, CostRate], "a function alone");
    let web = run(&example("web-app.ron"), &short);
    assert_eq!(available(&web), vec![Throughput, Latency, Waiting, Instances, Utilisation, Cost, CostRate]);
    let thumbnails = run(&example("thumbnail-lambda.ron"), &short);
    assert_eq!(
        available(&thumbnails),
        vec![Throughput, Latency, TimeToFulfil, Waiting, MessageAge, Utilisation, Cost, CostRate],
        "a queue and a function: no instances"
    );
}

#[test]
fn the_latency_line_has_a_gap_while_nothing_succeeds_and_failures_have_their_own() {
    // The monolith's barista fails from 300 s to 420 s: the whole shop is down, no order succeeds.
    let engine = run(&example("coffee-shop-monolith.ron"), &RunOptions::default());
    let latency = chart(&engine, ChartKind::Latency);
    for name in ["p50", "p95", "p99"] {
        let l = line(&latency, name);
        assert_eq!(l.runs.len(), 2, "{name}: one stretch before the outage, one after");
        assert!(l.points().all(|p| p[1] > 0.0), "{name}: never drawn at zero");
        assert!(l.points().all(|p| p[0] <= 301.0 || p[0] > 420.0), "{name}: nothing during the outage");
    }
    let failed = line(&latency, "failed p50");
    assert!(failed.points().any(|p| p[0] > 301.0 && p[0] <= 420.0));
    assert!(failed.points().all(|p| p[0] > 300.0 && p[0] <= 421.0), "failures only around the outage");
    let throughput = chart(&engine, ChartKind::Throughput);
    let names: Vec<&str> = throughput.lines.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["succeeded", "failed"], "no queue: nothing is accepted for later");
    assert_eq!(latency.bands, vec![(300.0, 420.0)], "the fault is shaded");
}

#[test]
fn a_queue_accepts_faster_than_its_function_processes() {
    // Thumbnails: 150 uploads/s between 120 s and 180 s into a queue; the function has 20
    // executions of about 300 ms each, so it processes at most 20 / 0.3 ≈ 66.7 a second.
    let engine = run(&example("thumbnail-lambda.ron"), &RunOptions::default());
    let throughput = chart(&engine, ChartKind::Throughput);
    let mean = |name: &str, from: f64, to: f64| {
        let points: Vec<f64> =
            line(&throughput, name).points().filter(|p| p[0] > from && p[0] <= to).map(|p| p[1]).collect();
        points.iter().sum::<f64>() / points.len() as f64
    };
    let accepted = mean("accepted", 130.0, 180.0);
    let processed = mean("processed", 130.0, 180.0);
    assert!((accepted - 150.0).abs() < 12.0, "accepted {accepted:.1}/s");
    assert!((processed - 20.0 / 0.3).abs() < 20.0 / 0.3 * 0.05, "processed {processed:.1}/s");
    // The backlog then shows as time to fulfil and as the oldest message's age.
    let fulfil = chart(&engine, ChartKind::TimeToFulfil);
    let worst = line(&fulfil, "p99").points().map(|p| p[1]).fold(0.0, f64::max);
    let age = chart(&engine, ChartKind::MessageAge);
    let oldest = line(&age, "Thumbnail jobs").points().map(|p| p[1]).fold(0.0, f64::max);
    // 60 s × (150 − 66.7)/s ≈ 5,000 messages ahead of the last of the burst, drained at 66.7/s:
    // about 75 s of waiting at the worst.
    assert!((55.0..95.0).contains(&oldest), "oldest message {oldest:.1} s");
    assert!((55_000.0..95_000.0).contains(&worst), "time to fulfil p99 {worst:.0} ms");
    assert_eq!(age.unit, Unit::Secs);
}

#[test]
fn one_selected_instance_node_shows_its_group_in_detail() {
    let engine =
        run(&example("auto-scaling-web.ron"), &RunOptions { duration_secs: Some(600.0), ..RunOptions::default() });
    let index = engine.node_index("web").unwrap();
    let options = ChartOptions { only: Some(index), max_points: 100_000, ..ChartOptions::default() };
    let detail = build(&engine, ChartKind::Instances, &options);
    let names: Vec<&str> = detail.lines.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["running", "running + warming", "desired", "min", "max"]);
    let cloud_sandbox::model::NodeKind::Instance(p) = &engine.diagram().nodes[index].kind else { panic!() };
    let group = p.auto_scaling.as_ref().unwrap();
    assert!(line(&detail, "min").points().all(|q| q[1] == f64::from(group.min)));
    assert!(line(&detail, "max").points().all(|q| q[1] == f64::from(group.max)));
}

#[test]
fn compare_charts_have_a_line_per_side() {
    let short = RunOptions { duration_secs: Some(60.0), ..RunOptions::default() };
    let a = run(&example("coffee-shop-monolith.ron"), &short);
    let b = run(&example("coffee-shop-microservices.ron"), &short);
    for kind in CompareChart::ALL {
        let c = build_compare(&[("A", &a), ("B", &b)], kind, 100_000);
        assert_eq!(c.lines.len(), 2, "{}", c.title);
        assert_eq!((c.lines[0].name.as_str(), c.lines[1].name.as_str()), ("A", "B"));
    }
    // Waiting work is every queue's and instance node's depth added up, sample by sample.
    let waiting = build_compare(&[("A", &a), ("B", &b)], CompareChart::Waiting, 100_000);
    let nodes = &b.diagram().nodes;
    for (j, p) in waiting.lines[1].points().enumerate() {
        let sum: f64 = (0..nodes.len())
            .filter(|&i| {
                matches!(nodes[i].kind.kind(), cloud_sandbox::model::Kind::Queue | cloud_sandbox::model::Kind::Instance)
            })
            .map(|i| b.node_series(i)[j].depth)
            .sum();
        assert_eq!(p[1], sum);
    }
}
