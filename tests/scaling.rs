//! Auto Scaling groups: capacity follows the load between min and max, scales in only after the
//! cooldown, new machines serve only after their warm-up (and are billed from launch), machines
//! down past the grace period are replaced, scheduled actions apply on time, and the same run
//! comes out the same. Expected values follow from the parameters and the offered load.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::model::{
    Arrival, AutoScaling, ClientParams, Diagram, Distribution, Fault, InstanceParams, NodeId, NodeKind,
    PredictiveScaling, RateStep, ScalingMetric, ScalingStep, ScheduledAction, TrafficPattern,
};
use cloud_sandbox::sim::{Engine, RunOptions, SimTime};
use common::*;

/// A group of machines with 4 workers and 50 ms constant service: 80 requests a second each.
fn group(scaling: AutoScaling) -> NodeKind {
    NodeKind::Instance(InstanceParams {
        workers_per_instance: Some(4),
        service_time: Distribution::Constant { ms: 50.0 },
        auto_scaling: Some(scaling),
        ..InstanceParams::default()
    })
}

fn load(pattern: TrafficPattern, rate: f64) -> NodeKind {
    NodeKind::Client(ClientParams { rate_per_sec: rate, arrival: Arrival::Poisson, pattern, ..ClientParams::default() })
}

fn setup(client: NodeKind, scaling: AutoScaling, secs: f64) -> Diagram {
    let mut d = diagram(vec![node("c", client), node("g", group(scaling))], vec![edge("c", "g")], secs, 0.0);
    d.scenario.sample_interval_secs = 10.0;
    d
}

fn running_at(e: &Engine, t: f64) -> f64 {
    e.node_series(1).iter().find(|p| p.t_secs >= t).map_or(f64::NAN, |p| p.running)
}

#[test]
fn the_group_grows_to_its_maximum_under_overload_and_shrinks_to_its_minimum_without_load() {
    // 1,000 requests a second for 20 minutes (12.5 machines' worth), then nothing.
    let steps = TrafficPattern::Steps(vec![RateStep { at_secs: 1200.0, rate_per_sec: 0.0 }]);
    let scaling = AutoScaling { min: 2, max: 8, cooldown_secs: 120.0, warmup_secs: 30.0, ..AutoScaling::default() };
    let e = run(&setup(load(steps, 1000.0), scaling, 3600.0), &RunOptions::default());
    let peak = e.node_series(1).iter().map(|p| p.running).fold(0.0, f64::max);
    assert_eq!(peak, 8.0, "up to max, never beyond");
    assert_eq!(running_at(&e, 1190.0), 8.0);
    assert_eq!(e.live_nodes()[1].capacity, 2, "back to min without load");
    assert!(e.node_series(1).iter().all(|p| p.running >= 2.0 || p.t_secs < 31.0), "never below min once warm");
    assert!(e.activities().iter().all(|a| a.to >= 2 && a.to <= 8));
}

#[test]
fn target_tracking_follows_a_ramp_near_the_target() {
    // From 100 to 800 requests a second over 40 minutes. At 60 % utilisation a machine takes 48
    // requests a second: from about 3 machines to about 17.
    let ramp = TrafficPattern::Ramp { to_rate_per_sec: 800.0, start_secs: 600.0, ramp_secs: 2400.0 };
    let scaling = AutoScaling { min: 1, max: 30, target: 0.6, warmup_secs: 60.0, ..AutoScaling::default() };
    let e = run(&setup(load(ramp, 100.0), scaling, 4200.0), &RunOptions::default());
    let early = running_at(&e, 590.0);
    let late = running_at(&e, 4190.0);
    assert!((2.0..=4.0).contains(&early), "{early} machines for 100 req/s");
    assert!((15.0..=20.0).contains(&late), "{late} machines for 800 req/s");
    // Over the last 10 minutes, at a steady 800 req/s, utilisation sits near the target.
    let tail: Vec<f64> = e.node_series(1).iter().filter(|p| p.t_secs > 3600.0).map(|p| p.utilization).collect();
    let mean = tail.iter().sum::<f64>() / tail.len() as f64;
    assert!((0.45..=0.7).contains(&mean), "mean utilisation {mean}");
    let t = e.client_totals();
    assert!(t.failed == 0, "no request failed: {t:?}");
}

#[test]
fn scale_in_waits_for_the_cooldown_and_new_machines_wait_for_their_warm_up() {
    let steps = TrafficPattern::Steps(vec![
        RateStep { at_secs: 300.0, rate_per_sec: 600.0 },
        RateStep { at_secs: 1500.0, rate_per_sec: 10.0 },
    ]);
    let scaling = AutoScaling { min: 1, max: 12, cooldown_secs: 300.0, warmup_secs: 120.0, ..AutoScaling::default() };
    let e = run(&setup(load(steps, 10.0), scaling, 3600.0), &RunOptions::default());
    let activities: Vec<_> = e.activities().iter().cloned().collect();
    let first_out = activities.iter().find(|a| a.to > a.from).unwrap();
    // The machines launched then serve only two minutes later.
    let before = running_at(&e, first_out.t_secs + 100.0);
    let after = running_at(&e, first_out.t_secs + 130.0);
    assert!(before <= f64::from(first_out.from), "warming machines do not serve: {before}");
    assert!(after >= f64::from(first_out.to), "after the warm-up they do: {after}");
    // Scale-ins come at least a cooldown after the activity before them.
    for w in activities.windows(2) {
        if w[1].to < w[1].from {
            assert!(w[1].t_secs - w[0].t_secs >= 300.0 - 1e-6, "{:?} then {:?}", w[0], w[1]);
        }
    }
    assert!(activities.iter().any(|a| a.to < a.from), "it did scale in");
    // Warming machines are billed: the bill covers every launch from its start.
    assert!(e.bill().by_node[1] > 0.0);
}

#[test]
fn a_machine_down_past_the_grace_period_is_replaced() {
    let scaling =
        AutoScaling { min: 3, max: 3, health_check_grace_secs: 120.0, warmup_secs: 30.0, ..AutoScaling::default() };
    let mut d = setup(load(TrafficPattern::Constant, 50.0), scaling, 1200.0);
    d.scenario.faults.push(Fault::Crash {
        node: NodeId::new("g"),
        instance: Some(0),
        task: None,
        at_secs: 300.0,
        for_secs: Some(800.0),
    });
    let e = run(&d, &RunOptions::default());
    let replaced = e.activities().iter().find(|a| a.reason.contains("replacing")).unwrap();
    assert!(replaced.t_secs >= 420.0 && replaced.t_secs <= 420.0 + 60.0, "{replaced:?}");
    assert_eq!(running_at(&e, 300.0 + 60.0), 2.0, "down, not yet replaced");
    assert_eq!(running_at(&e, replaced.t_secs + 40.0), 3.0, "replaced and warmed up");
}

#[test]
fn scheduled_actions_apply_on_time() {
    let scaling = AutoScaling {
        min: 1,
        max: 10,
        metric: None,
        scheduled: vec![
            ScheduledAction { at_secs: 100.0, min: Some(5), max: None, desired: None },
            ScheduledAction { at_secs: 200.0, min: Some(1), max: None, desired: Some(2) },
        ],
        warmup_secs: 0.0,
        ..AutoScaling::default()
    };
    let e = run(&setup(load(TrafficPattern::Constant, 10.0), scaling, 300.0), &RunOptions::default());
    assert_eq!(running_at(&e, 90.0), 1.0);
    assert_eq!(running_at(&e, 150.0), 5.0, "min raised to 5");
    assert_eq!(running_at(&e, 250.0), 2.0, "desired set to 2");
    assert_eq!(e.activities().len(), 2);
}

#[test]
fn scaling_runs_are_deterministic() {
    let ramp = TrafficPattern::Ramp { to_rate_per_sec: 500.0, start_secs: 60.0, ramp_secs: 600.0 };
    let d = setup(load(ramp, 50.0), AutoScaling { max: 12, ..AutoScaling::default() }, 1200.0);
    let play = || {
        let mut e = Engine::new(&d, &cloud_sandbox::cost::Catalog::embedded(), &RunOptions::default()).unwrap();
        e.run_until(SimTime(600_000_000_000), 12_345);
        e.run_to_end();
        (e.client_totals(), e.events_processed(), e.activities().iter().cloned().collect::<Vec<_>>())
    };
    assert_eq!(play(), play());
}

#[test]
fn backlog_per_instance_scales_queue_consumers() {
    // A queue filled at 400 messages a second; consumers at 80 a second each, target 10 waiting
    // messages per machine: the group grows until the backlog is drained.
    let q = NodeKind::Queue(cloud_sandbox::model::QueueParams::default());
    let scaling = AutoScaling {
        min: 1,
        max: 10,
        metric: Some(ScalingMetric::BacklogPerInstance),
        target: 10.0,
        warmup_secs: 30.0,
        ..AutoScaling::default()
    };
    let mut d = diagram(
        vec![node("c", load(TrafficPattern::Constant, 400.0)), node("q", q), node("g", group(scaling))],
        vec![edge("c", "q"), edge("q", "g")],
        1800.0,
        0.0,
    );
    d.scenario.sample_interval_secs = 10.0;
    let e = run(&d, &RunOptions::default());
    let g = e.node_index("g").unwrap();
    // One machine alone would leave 320 messages a second behind: 576,000 by the end. The group
    // grows past the 5 machines the load needs whenever the backlog builds, and shrinks when it
    // is gone, so the queue stays short and nearly everything sent is processed.
    let peak = e.node_series(g).iter().map(|p| p.running).fold(0.0, f64::max);
    assert!(peak >= 5.0, "peak {peak} machines");
    let totals = e.queue_totals(e.node_index("q").unwrap()).unwrap();
    // The worst backlog: one machine for the first evaluation (60 s) and the warm-up (30 s) of
    // the machines it then launches, 320 a second left behind: about 28,800.
    assert!(totals.max_depth < 32_000, "{totals:?}");
    assert!(totals.deleted as f64 >= 0.97 * totals.sent as f64, "{totals:?}");
}

#[test]
fn a_group_replaces_interrupted_spot_machines() {
    let scaling = AutoScaling { min: 3, max: 3, warmup_secs: 30.0, ..AutoScaling::default() };
    let mut d = setup(load(TrafficPattern::Constant, 50.0), scaling, 3600.0);
    if let NodeKind::Instance(p) = &mut d.nodes[1].kind {
        p.purchase = cloud_sandbox::model::PurchaseOption::Spot { interruptions_per_hour: Some(3.0) };
    }
    let e = run(&d, &RunOptions::default());
    let replaced = e.activities().iter().filter(|a| a.reason.contains("interrupted spot")).count();
    // Three machines, three interruptions an hour each, every replacement interrupted in turn:
    // about nine in the hour; at least a few.
    assert!(replaced >= 3, "{replaced} replacements");
    let failures = e.failures();
    assert!(failures.keys().all(|r| r.name() == "spot_interrupted"), "{failures:?}");
    assert_eq!(e.live_nodes()[1].capacity, 3, "the group keeps its capacity");
}

#[test]
fn step_scaling_adds_and_removes_the_steps_changes() {
    // 1,000 requests a second (12.5 machines' worth) for 10 minutes, then 360 (half of 9
    // machines), then nothing. Utilisation 80 % or more adds 2; below 30 % removes 1; in between
    // nothing changes.
    let steps = TrafficPattern::Steps(vec![
        RateStep { at_secs: 600.0, rate_per_sec: 360.0 },
        RateStep { at_secs: 1200.0, rate_per_sec: 0.0 },
    ]);
    let scaling = AutoScaling {
        min: 1,
        max: 9,
        warmup_secs: 0.0,
        cooldown_secs: 0.0,
        steps: vec![
            ScalingStep { from: 0.8, to: None, change: 2 },
            ScalingStep { from: 0.0, to: Some(0.3), change: -1 },
        ],
        ..AutoScaling::default()
    };
    let e = run(&setup(load(steps, 1000.0), scaling, 2400.0), &RunOptions::default());
    let acts: Vec<(f64, u32, u32)> = e.activities().iter().map(|a| (a.t_secs, a.from, a.to)).collect();
    let ups: Vec<u32> = acts.iter().filter(|a| a.0 < 600.0).map(|a| a.2).collect();
    assert_eq!(ups, [3, 5, 7, 9], "+2 at each evaluation up to max: {acts:?}");
    assert!(acts.iter().all(|a| !(600.0..1200.0).contains(&a.0)), "50 % is in no step: {acts:?}");
    let downs: Vec<&(f64, u32, u32)> = acts.iter().filter(|a| a.0 > 1200.0).collect();
    assert_eq!(downs.len(), 8, "{acts:?}");
    assert!(downs.iter().all(|a| a.2 + 1 == a.1), "one at a time: {acts:?}");
    assert_eq!(e.live_nodes()[1].capacity, 1);
    assert!(e.activities()[0].reason.starts_with("step scaling: utilisation 100 %"), "{}", e.activities()[0].reason);
}

#[test]
fn predictive_scaling_launches_ahead_of_a_known_rise() {
    // 40 requests a second, then 320 from 30 minutes on: 320 × 50 ms / (4 workers × 60 %) needs
    // 7 machines. Looking 5 minutes ahead, the group has them serving before the rise; reacting
    // to utilisation alone, it has one machine when the rise comes.
    let rise = TrafficPattern::Steps(vec![RateStep { at_secs: 1800.0, rate_per_sec: 320.0 }]);
    let reactive = AutoScaling { min: 1, max: 12, warmup_secs: 60.0, ..AutoScaling::default() };
    let predictive = AutoScaling { predictive: Some(PredictiveScaling::default()), ..reactive.clone() };
    let late = run(&setup(load(rise.clone(), 40.0), reactive, 2400.0), &RunOptions::default());
    let ahead = run(&setup(load(rise, 40.0), predictive, 2400.0), &RunOptions::default());
    assert_eq!(running_at(&late, 1790.0), 1.0);
    assert_eq!(running_at(&ahead, 1490.0), 1.0, "not earlier than needed");
    assert_eq!(running_at(&ahead, 1790.0), 7.0, "launched at 1,500 s, serving from 1,560 s");
    let first = ahead.activities().iter().find(|a| a.to > 1).unwrap();
    assert_eq!(first.t_secs, 1500.0);
    // The forecast scales the pattern by the arrivals measured per request (Poisson noise: ~320).
    assert!(
        first.reason.starts_with("predictive scaling: 3")
            && first.reason.ends_with("requests/s forecast at 1800 s need 7"),
        "{}",
        first.reason
    );
    // The rise hits a ready group: no backlog to speak of, where the reactive one piles up work.
    let backlog = |e: &Engine| {
        e.node_series(1).iter().filter(|p| p.t_secs >= 1800.0 && p.t_secs < 2000.0).map(|p| p.depth).fold(0.0, f64::max)
    };
    assert!(backlog(&ahead) < 30.0, "{}", backlog(&ahead));
    assert!(backlog(&late) > 300.0, "{}", backlog(&late));
}

#[test]
fn step_and_predictive_settings_are_checked() {
    let bad = AutoScaling {
        metric: None,
        steps: vec![
            ScalingStep { from: 0.5, to: Some(0.2), change: 0 },
            ScalingStep { from: 0.1, to: None, change: 1 },
        ],
        predictive: Some(PredictiveScaling { lead_secs: -1.0, utilization: 1.5 }),
        ..AutoScaling::default()
    };
    let d = setup(load(TrafficPattern::Constant, 10.0), bad, 60.0);
    let problems: Vec<String> = cloud_sandbox::model::validate::check(&d, &cloud_sandbox::cost::Catalog::embedded())
        .iter()
        .map(ToString::to_string)
        .collect();
    for expected in [
        "steps need a metric",
        "is not a range",
        "change must not be 0",
        "overlap",
        "lead_secs",
        "predictive.utilization",
    ] {
        assert!(problems.iter().any(|p| p.contains(expected)), "{expected}: {problems:?}");
    }
}
