//! Same diagram and seed, same run, bit for bit — however the run is sliced into steps.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::file;
use cloud_sandbox::report::Report;
use cloud_sandbox::sim::{Engine, RunOptions, SimTime};
use common::*;

fn json_of(engine: &Engine) -> String {
    // Wall time is the one thing allowed to differ; report it as 0.
    Report::from_engine(engine, 0.0).to_json()
}

#[test]
fn same_seed_gives_identical_reports_for_every_example() {
    for path in example_files() {
        let d = file::load(&path).unwrap();
        let a = json_of(&run(&d, &RunOptions::default()));
        let b = json_of(&run(&d, &RunOptions::default()));
        assert_eq!(a, b, "{} is not deterministic", path.display());
    }
}

#[test]
fn slicing_the_run_does_not_change_it() {
    let d = example("coffee-shop-microservices.ron");
    let whole = json_of(&run(&d, &RunOptions::default()));
    // As a window would drive it: small slices of simulated time with small event budgets.
    let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
    let mut deadline = 0u64;
    while !e.finished() {
        deadline += 16_666_667 * 7;
        e.run_until(SimTime(deadline), 500);
    }
    assert_eq!(whole, json_of(&e));
    // And one event at a time.
    let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
    while e.step() {}
    e.run_to_end();
    assert_eq!(whole, json_of(&e));
}

#[test]
fn another_seed_gives_another_run() {
    let d = example("web-app.ron");
    let a = Report::from_engine(&run(&d, &RunOptions { seed: Some(1), ..RunOptions::default() }), 0.0);
    let b = Report::from_engine(&run(&d, &RunOptions { seed: Some(2), ..RunOptions::default() }), 0.0);
    assert_eq!(a.seed, 1);
    assert_eq!(b.seed, 2);
    assert_ne!(a.latency_ms.mean, b.latency_ms.mean);
}

#[test]
fn every_fault_kind_and_every_scaling_policy_stay_deterministic_however_sliced() {
    use cloud_sandbox::model::{Fault, Location, NodeId, NodeKind, PredictiveScaling, ScalingStep};
    let mut d = example("auto-scaling-web.ron");
    d.scenario.duration_secs = 3600.0;
    for n in &mut d.nodes {
        if let NodeKind::Instance(p) = &mut n.kind {
            p.zones = vec!["a".into(), "b".into()];
            if let Some(g) = &mut p.auto_scaling {
                g.predictive = Some(PredictiveScaling::default());
                g.steps = vec![
                    ScalingStep { from: 0.8, to: None, change: 2 },
                    ScalingStep { from: 0.0, to: Some(0.3), change: -1 },
                ];
            }
        }
    }
    let id = NodeId::new;
    d.scenario.faults = vec![
        Fault::RandomFailures { node: id("web"), mtbf_secs: 600.0, mttr_secs: 60.0, at_secs: 0.0, for_secs: None },
        Fault::ZoneOutage { zone: "b".into(), at_secs: 900.0, for_secs: Some(300.0) },
        Fault::LocationOutage { location: Location::Cloud, at_secs: 2000.0, for_secs: Some(30.0) },
        Fault::LatencySpike {
            from: id("users"),
            to: id("alb"),
            extra_ms: 150.0,
            at_secs: 1500.0,
            for_secs: Some(120.0),
        },
        Fault::TrafficSurge { node: id("users"), multiplier: 2.5, at_secs: 2500.0, for_secs: Some(300.0) },
        Fault::Slow { node: id("web"), at_secs: 3000.0, for_secs: Some(120.0), factor: 2.0 },
    ];
    let whole = json_of(&run(&d, &RunOptions::default()));
    assert_eq!(whole, json_of(&run(&d, &RunOptions::default())));
    let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
    let mut deadline = 0u64;
    while !e.finished() {
        deadline += 33_333_333 * 11;
        e.run_until(SimTime(deadline), 777);
    }
    assert_eq!(whole, json_of(&e));
    // Each kind left its mark.
    let what: Vec<String> = e.fault_log().iter().map(|w| w.what.clone()).collect();
    for expected in ["fails at random", "zone outage", "outage of the cloud", "latency", "traffic ×2.5", "2× slower"]
    {
        assert!(what.iter().any(|w| w.contains(expected)), "{expected}: {what:?}");
    }
}
