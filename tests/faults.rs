//! Each fault kind of the scenario's script has the effect the design gives it: a zone outage takes
//! down the machines in that zone (and Auto Scaling replaces them in another), a location outage
//! stops what runs there and nothing else, random failures give the availability
//! MTBF / (MTBF + MTTR), a latency spike adds to every call along its edge, a traffic surge
//! multiplies the client's rate. Expected values follow from the parameters.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::model::{
    AutoScaling, Diagram, Distribution, Fault, InstanceParams, Location, NodeId, NodeKind, PurchaseOption,
};
use cloud_sandbox::sim::{Engine, RunOptions};
use common::*;

fn machines(count: u32, ms: f64) -> InstanceParams {
    InstanceParams {
        count,
        workers_per_instance: Some(1),
        service_time: Distribution::Constant { ms },
        ..InstanceParams::default()
    }
}

fn running_at(e: &Engine, node: usize, t: f64) -> f64 {
    e.node_series(node).iter().find(|p| p.t_secs >= t).map_or(f64::NAN, |p| p.running)
}

/// An evenly spaced client "c" at `rate` calling instance node "s", for `secs`.
fn served(rate: f64, servers: InstanceParams, secs: f64) -> Diagram {
    diagram(vec![node("c", steady(rate)), node("s", NodeKind::Instance(servers))], vec![edge("c", "s")], secs, 0.0)
}

fn with_fault(mut d: Diagram, fault: Fault) -> Diagram {
    d.scenario.faults.push(fault);
    d
}

#[test]
fn a_zone_outage_takes_down_that_zone_and_the_group_replaces_it_in_another() {
    // Four machines over zones a and b; zone b fails from 100 s for 200 s.
    let zoned = InstanceParams { zones: vec!["a".into(), "b".into()], ..machines(4, 10.0) };
    let outage = Fault::ZoneOutage { zone: "b".into(), at_secs: 100.0, for_secs: Some(200.0) };
    let fixed = with_fault(served(20.0, zoned.clone(), 400.0), outage.clone());
    let e = run(&fixed, &RunOptions::default());
    assert_eq!(running_at(&e, 1, 50.0), 4.0);
    assert_eq!(running_at(&e, 1, 150.0), 2.0, "the two machines in zone b are down");
    assert_eq!(running_at(&e, 1, 350.0), 4.0, "and back after the outage");
    assert!(e.client_totals().failed <= 2, "only work in service at the outage fails: {:?}", e.client_totals());
    let w = &e.fault_log()[0];
    assert_eq!((w.node.as_str(), w.start_secs, w.end_secs), ("zone b", 100.0, Some(300.0)));

    // As an Auto Scaling group of 4 with a 30 s grace period, the machines of zone b are replaced
    // in zone a during the outage.
    let group = InstanceParams {
        auto_scaling: Some(AutoScaling {
            min: 4,
            max: 4,
            health_check_grace_secs: 30.0,
            warmup_secs: 0.0,
            ..AutoScaling::default()
        }),
        count: 1,
        ..zoned
    };
    let scaled = with_fault(served(20.0, group, 400.0), outage);
    let e = run(&scaled, &RunOptions::default());
    assert_eq!(running_at(&e, 1, 110.0), 2.0);
    assert_eq!(running_at(&e, 1, 200.0), 4.0, "replaced within the outage");
    let replaced = e.activities().iter().filter(|a| a.reason.starts_with("replacing unhealthy")).count();
    assert_eq!(replaced, 2, "{:?}", e.activities());
    assert_eq!(running_at(&e, 1, 399.0), 4.0);
}

#[test]
fn a_location_outage_stops_what_runs_there_and_nothing_else() {
    let on_prem = InstanceParams {
        purchase: PurchaseOption::OnPremises {
            hardware_usd: 5000.0,
            amortisation_years: 4.0,
            running_usd_per_hour: 0.1,
        },
        ..machines(2, 10.0)
    };
    let d = diagram(
        vec![
            node("office", steady(10.0)),
            node("web", steady(10.0)),
            node("erp", NodeKind::Instance(on_prem)),
            node("fn", function(100, 10.0)),
        ],
        vec![edge("office", "erp"), edge("web", "fn")],
        300.0,
        0.0,
    );
    let cloud = with_fault(
        d.clone(),
        Fault::LocationOutage { location: Location::Cloud, at_secs: 100.0, for_secs: Some(60.0) },
    );
    let e = run(&cloud, &RunOptions::default());
    let office = e.client_totals_of(0).unwrap();
    let web = e.client_totals_of(1).unwrap();
    assert_eq!(office.failed, 0, "the data centre keeps working through a cloud outage");
    // 60 s at 10 requests a second, give or take the request in flight at each end.
    assert!((599..=601).contains(&web.failed), "{web:?}");

    let dc =
        with_fault(d, Fault::LocationOutage { location: Location::OnPremises, at_secs: 100.0, for_secs: Some(60.0) });
    let e = run(&dc, &RunOptions::default());
    assert!((599..=601).contains(&e.client_totals_of(0).unwrap().failed));
    assert_eq!(e.client_totals_of(1).unwrap().failed, 0);
}

#[test]
fn random_failures_give_the_availability_mtbf_over_mtbf_plus_mttr() {
    // One machine that fails on average every 100 s and takes 10 s to repair is up 100/110 of the
    // time, so that share of evenly spaced 1 ms requests succeeds.
    let d = with_fault(
        served(1.0, machines(1, 1.0), 200_000.0),
        Fault::RandomFailures {
            node: NodeId::new("s"),
            mtbf_secs: 100.0,
            mttr_secs: 10.0,
            at_secs: 0.0,
            for_secs: None,
        },
    );
    let e = run(&d, &RunOptions::default());
    let t = e.client_totals();
    let down = t.failed as f64 / t.generated as f64;
    let expected = 10.0 / 110.0;
    // About 1,800 failure-repair cycles: the down share is within a few percent of its mean.
    assert!((down - expected).abs() < 0.12 * expected, "down {down}, expected {expected}");

    // Over 50,000 s the count of failures is a renewal count: mean 50,000 / 110 = 454.5, standard
    // deviation sqrt(50,000 × (100² + 10²) / 110³) = 19.5.
    let mut short = d.clone();
    short.scenario.duration_secs = 50_000.0;
    let e = run(&short, &RunOptions::default());
    let failures = e.fault_log().iter().filter(|w| w.what.contains("at random")).count() as f64;
    assert!((failures - 454.5).abs() < 4.0 * 19.5, "{failures} failures");
    // Nothing fails before the window opens.
    let mut late = d;
    late.scenario.duration_secs = 2_000.0;
    late.scenario.faults[0] = Fault::RandomFailures {
        node: NodeId::new("s"),
        mtbf_secs: 10.0,
        mttr_secs: 1.0,
        at_secs: 1_000.0,
        for_secs: None,
    };
    let e = run(&late, &RunOptions::default());
    assert!(e.fault_log().iter().all(|w| w.start_secs >= 1_000.0) && !e.fault_log().is_empty());
}

#[test]
fn a_latency_spike_adds_to_each_way_of_every_call_on_its_edge() {
    let d = with_fault(
        served(10.0, machines(2, 10.0), 300.0),
        Fault::LatencySpike {
            from: NodeId::new("c"),
            to: NodeId::new("s"),
            extra_ms: 50.0,
            at_secs: 100.0,
            for_secs: Some(100.0),
        },
    );
    let e = run(&d, &RunOptions::default());
    let series = e.global_series();
    let at = |t: f64| series.iter().find(|p| p.t_secs >= t).unwrap().p50_ms;
    assert!((at(50.0) - 10.0).abs() < 0.5, "{}", at(50.0));
    assert!((at(150.0) - 110.0).abs() < 0.5, "10 ms of service and 50 ms each way: {}", at(150.0));
    assert!((at(250.0) - 10.0).abs() < 0.5, "{}", at(250.0));
    assert_eq!(e.client_totals().failed, 0);
}

#[test]
fn a_traffic_surge_multiplies_the_rate_for_its_window() {
    let d = with_fault(
        served(10.0, machines(4, 1.0), 300.0),
        Fault::TrafficSurge { node: NodeId::new("c"), multiplier: 3.0, at_secs: 100.0, for_secs: Some(100.0) },
    );
    let e = run(&d, &RunOptions::default());
    // 10/s for 200 s and 30/s for 100 s.
    let generated = e.client_totals().generated;
    assert!((4997..=5003).contains(&generated), "{generated}");
    let series = e.global_series();
    let rate = |t: f64| series.iter().find(|p| p.t_secs >= t).map(|p| p.succeeded as f64 / p.interval_secs).unwrap();
    assert!((rate(150.0) - 30.0).abs() <= 1.0 && (rate(250.0) - 10.0).abs() <= 1.0);
}

#[test]
fn new_fault_kinds_name_what_exists() {
    let d = served(1.0, machines(1, 1.0), 10.0);
    let bad = [
        Fault::ZoneOutage { zone: "q".into(), at_secs: 1.0, for_secs: None },
        Fault::RandomFailures { node: NodeId::new("c"), mtbf_secs: 10.0, mttr_secs: 1.0, at_secs: 0.0, for_secs: None },
        Fault::RandomFailures { node: NodeId::new("s"), mtbf_secs: 0.0, mttr_secs: 1.0, at_secs: 0.0, for_secs: None },
        Fault::LatencySpike {
            from: NodeId::new("s"),
            to: NodeId::new("c"),
            extra_ms: 5.0,
            at_secs: 1.0,
            for_secs: None,
        },
        Fault::TrafficSurge { node: NodeId::new("s"), multiplier: 2.0, at_secs: 1.0, for_secs: None },
        Fault::TrafficSurge { node: NodeId::new("c"), multiplier: -1.0, at_secs: 1.0, for_secs: None },
    ];
    for fault in bad {
        let problems = cloud_sandbox::model::validate::check(
            &with_fault(d.clone(), fault.clone()),
            &cloud_sandbox::cost::Catalog::embedded(),
        );
        assert_eq!(problems.len(), 1, "{fault:?}: {problems:?}");
        assert!(problems[0].to_string().starts_with("fault 1"), "{}", problems[0]);
    }
}

#[test]
fn a_fault_injected_during_a_run_starts_at_once_and_can_be_ended_early() {
    use cloud_sandbox::sim::SimTime;
    let d = served(10.0, machines(2, 1.0), 100.0);
    let mut e = Engine::new(&d, &cloud_sandbox::cost::Catalog::embedded(), &RunOptions::default()).unwrap();
    e.run_until(SimTime(10_000_000_000), u64::MAX);
    let crash =
        Fault::Crash { node: NodeId::new("s"), instance: None, task: None, at_secs: 99.0, for_secs: Some(20.0) };
    e.inject_fault(crash).unwrap();
    assert!(e.is_down(1), "down at once, whatever at_secs said");
    assert_eq!(e.fault_log()[0].start_secs, 10.0);
    e.run_until(SimTime(15_000_000_000), u64::MAX);
    assert_eq!(e.end_faults_on("s"), 1);
    assert!(!e.is_down(1));
    e.run_to_end();
    // Down from 10 s to 15 s at 10 requests a second; the scheduled end at 30 s changes nothing.
    let failed = e.client_totals().failed;
    assert!((49..=51).contains(&failed), "{failed}");
    assert_eq!(e.fault_log()[0].end_secs, Some(15.0));
    let bad = Fault::Crash { node: NodeId::new("nope"), instance: None, task: None, at_secs: 0.0, for_secs: None };
    assert!(e.inject_fault(bad).unwrap_err().contains("'nope'"));
}
