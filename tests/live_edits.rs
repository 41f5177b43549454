//! Editing a running simulation: parameters apply at the current simulated time, deleted nodes
//! fail their work as "removed", added ones join, and nothing counted is lost. Expected values come
//! from the parameters, the billing formula and the Poisson process, not from earlier runs.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::{
    Arrival, BalancerParams, ClientParams, Diagram, Distribution, InstanceParams, NodeKind, QueueParams, Scenario,
    TopicParams,
};
use cloud_sandbox::sim::{BuildError, Engine, FailReason, LiveChange, RunOptions, SimTime};
use common::*;

fn engine(d: &Diagram) -> Engine {
    Engine::new(d, &Catalog::embedded(), &RunOptions::default()).unwrap()
}

fn at(engine: &mut Engine, secs: f64) {
    engine.run_until(SimTime((secs * 1e9) as u64), u64::MAX);
}

fn client_params<'a>(d: &'a mut Diagram, id: &str) -> &'a mut ClientParams {
    match &mut d.nodes.iter_mut().find(|n| n.id.0 == id).unwrap().kind {
        NodeKind::Client(p) => p,
        _ => panic!("{id} is not a client"),
    }
}

fn instance_params<'a>(d: &'a mut Diagram, id: &str) -> &'a mut InstanceParams {
    match &mut d.nodes.iter_mut().find(|n| n.id.0 == id).unwrap().kind {
        NodeKind::Instance(p) => p,
        _ => panic!("{id} is not an instance node"),
    }
}

/// Client → instance node of 4 machines × 2 workers, 10 ms exponential service.
fn simple(rate: f64, secs: f64) -> Diagram {
    diagram(vec![node("c", poisson(rate)), node("s", servers(4, 2, 10.0))], vec![edge("c", "s")], secs, 0.0)
}

#[test]
fn a_new_rate_applies_from_the_moment_of_the_edit() {
    let mut d = simple(50.0, 200.0);
    let mut e = engine(&d);
    at(&mut e, 100.0);
    let before = e.client_totals().generated;
    client_params(&mut d, "c").rate_per_sec = 200.0;
    assert_eq!(e.classify(&d), LiveChange::Parameters);
    assert_eq!(e.apply_live(&d).unwrap(), LiveChange::Parameters);
    e.run_to_end();
    let after = e.client_totals().generated - before;
    // Poisson: 100 s × 50/s then 100 s × 200/s; within 4 standard deviations of each.
    assert!((before as f64 - 5000.0).abs() < 4.0 * 5000f64.sqrt(), "{before}");
    assert!((after as f64 - 20_000.0).abs() < 4.0 * 20_000f64.sqrt(), "{after}");
    let t = e.client_totals();
    assert_eq!(t.generated, t.succeeded + t.failed + t.in_flight);
    assert_eq!(t.failed, 0);
}

#[test]
fn scaling_in_stops_billing_the_terminated_machines_and_out_starts_new_ones() {
    let mut d = simple(10.0, 300.0);
    let mut e = engine(&d);
    at(&mut e, 100.0);
    instance_params(&mut d, "s").count = 1;
    e.apply_live(&d).unwrap();
    assert_eq!(e.live_nodes()[1].running, 1);
    assert_eq!(e.live_nodes()[1].capacity, 1);
    at(&mut e, 200.0);
    instance_params(&mut d, "s").count = 3;
    e.apply_live(&d).unwrap();
    assert_eq!(e.live_nodes()[1].running, 3);
    e.run_to_end();
    // m5.large (the default type) at $0.096 an hour, billed per second: three machines for
    // 100 s, one for 300 s, two launched at 200 s for 100 s.
    let rate = Catalog::embedded().instance_type("m5.large").unwrap().on_demand_per_hour;
    let expected = (3.0 * 100.0 + 300.0 + 2.0 * 100.0) * rate / 3600.0;
    let bill = e.bill();
    assert!((bill.by_node[1] - expected).abs() < 1e-9, "{} vs {expected}", bill.by_node[1]);
}

#[test]
fn a_short_launch_is_billed_its_minute() {
    let mut d = simple(10.0, 300.0);
    let mut e = engine(&d);
    at(&mut e, 100.0);
    instance_params(&mut d, "s").count = 5;
    e.apply_live(&d).unwrap();
    at(&mut e, 110.0);
    instance_params(&mut d, "s").count = 4;
    e.apply_live(&d).unwrap();
    e.run_to_end();
    let rate = Catalog::embedded().instance_type("m5.large").unwrap().on_demand_per_hour;
    let expected = (4.0 * 300.0 + 60.0) * rate / 3600.0;
    assert!((e.bill().by_node[1] - expected).abs() < 1e-9);
}

#[test]
fn a_new_instance_type_is_a_stop_and_a_new_launch_for_billing_without_losing_work() {
    let mut d = simple(100.0, 200.0);
    let mut e = engine(&d);
    at(&mut e, 100.0);
    instance_params(&mut d, "s").instance_type = "c5.xlarge".into();
    e.apply_live(&d).unwrap();
    e.run_to_end();
    let c = Catalog::embedded();
    let (old, new) = (
        c.instance_type("m5.large").unwrap().on_demand_per_hour,
        c.instance_type("c5.xlarge").unwrap().on_demand_per_hour,
    );
    let expected = 4.0 * 100.0 * (old + new) / 3600.0;
    assert!((e.bill().by_node[1] - expected).abs() < 1e-9);
    assert_eq!(e.client_totals().failed, 0, "changing the type loses no request");
}

#[test]
fn more_workers_drain_a_backlog_that_fewer_could_not() {
    // One machine with one worker at 10 ms and 150 req/s: overloaded (ρ = 1.5), the backlog grows
    // by about 50 a second. Four workers (ρ = 0.375) drain it.
    let mut d =
        diagram(vec![node("c", poisson(150.0)), node("s", servers(1, 1, 10.0))], vec![edge("c", "s")], 200.0, 0.0);
    let mut e = engine(&d);
    at(&mut e, 60.0);
    let backlog = e.live_nodes()[1].depth;
    assert!(backlog > 2000, "{backlog}");
    instance_params(&mut d, "s").workers_per_instance = Some(4);
    e.apply_live(&d).unwrap();
    at(&mut e, 120.0);
    assert!(e.live_nodes()[1].depth < 50, "{}", e.live_nodes()[1].depth);
    // And back to one worker: busy workers beyond the new count finish their call first.
    instance_params(&mut d, "s").workers_per_instance = Some(1);
    e.apply_live(&d).unwrap();
    e.run_to_end();
    let t = e.client_totals();
    assert_eq!(t.generated, t.succeeded + t.failed + t.in_flight);
    assert_eq!(t.failed, 0);
}

/// Client → balancer → two instance nodes a and b; each request takes 2 s of work.
fn balanced() -> Diagram {
    let slow = |count| {
        NodeKind::Instance(InstanceParams {
            count,
            workers_per_instance: Some(50),
            service_time: Distribution::Constant { ms: 2000.0 },
            backlog_limit: None,
            ..InstanceParams::default()
        })
    };
    let lb = BalancerParams { health_check_interval_secs: 5.0, healthy_threshold: 2, ..BalancerParams::default() };
    diagram(
        vec![
            node(
                "c",
                NodeKind::Client(ClientParams {
                    rate_per_sec: 20.0,
                    arrival: Arrival::EvenlySpaced,
                    ..ClientParams::default()
                }),
            ),
            node("lb", NodeKind::Balancer(lb)),
            node("a", slow(1)),
            node("b", slow(1)),
        ],
        vec![edge("c", "lb"), edge("lb", "a"), edge("lb", "b")],
        120.0,
        0.0,
    )
}

#[test]
fn deleting_a_node_fails_its_work_in_flight_as_removed_and_nothing_else() {
    let mut d = balanced();
    let mut e = engine(&d);
    at(&mut e, 60.0);
    d.nodes.retain(|n| n.id.0 != "b");
    d.edges.retain(|x| x.to.0 != "b");
    let LiveChange::Structure(change) = e.apply_live(&d).unwrap() else { panic!("not structural") };
    assert_eq!(change.removed_nodes, vec!["b".to_owned()]);
    assert_eq!(change.removed_edges, 1);
    assert!(e.node_index("b").is_none());
    e.run_to_end();
    let t = e.client_totals();
    assert_eq!(t.generated, t.succeeded + t.failed + t.in_flight);
    // b held 2 s of its half of 20 req/s when it went: 20 requests, all failed as removed.
    let failures = e.failures();
    assert_eq!(failures.get(&FailReason::Removed).copied(), Some(20), "{failures:?}");
    assert_eq!(t.failed, 20, "nothing else failed: {failures:?}");
    // b is billed until it was deleted.
    let rate = Catalog::embedded().instance_type("m5.large").unwrap().on_demand_per_hour;
    let b = e.bill().by_node[3];
    assert!((b - 60.0 * rate / 3600.0).abs() < 1e-9, "{b}");
}

#[test]
fn an_added_target_gets_traffic_once_its_health_checks_pass() {
    let mut d = balanced();
    d.nodes.retain(|n| n.id.0 != "b");
    d.edges.retain(|x| x.to.0 != "b");
    let mut e = engine(&d);
    at(&mut e, 30.0);
    let full = balanced();
    let LiveChange::Structure(change) = e.apply_live(&full).unwrap() else { panic!("not structural") };
    assert_eq!(change.added_nodes, vec!["b".to_owned()]);
    assert_eq!(change.added_edges, 1);
    let b = e.node_index("b").unwrap();
    // Health checks every 5 s, two passes needed: no traffic for the first 5 to 10 s.
    at(&mut e, 35.0);
    assert_eq!(e.node_figures()[b].arrivals, 0);
    e.run_to_end();
    let arrivals = e.node_figures()[b].arrivals;
    // Half of 20 req/s for the 80 to 85 s left.
    assert!((800..=850).contains(&arrivals), "{arrivals}");
    assert_eq!(e.client_totals().failed, 0);
}

#[test]
fn deleting_a_queue_counts_its_messages_lost() {
    // Producer → queue → slow consumer: messages pile up, then the queue (and its edges, and the
    // consumer) are deleted; the producer now sends to a new queue.
    let mut d = diagram(
        vec![
            node("c", poisson(100.0)),
            node("q", NodeKind::Queue(QueueParams::default())),
            node("w", servers(1, 1, 50.0)),
        ],
        vec![edge("c", "q"), edge("q", "w")],
        100.0,
        0.0,
    );
    let mut e = engine(&d);
    at(&mut e, 50.0);
    let q = e.node_index("q").unwrap();
    let visible = e.live_nodes()[q].depth;
    assert!(visible > 1000, "{visible}");
    d.nodes.retain(|n| n.id.0 == "c");
    d.nodes.push(node("q2", NodeKind::Queue(QueueParams::default())));
    d.nodes.push(node("w2", servers(1, 4, 5.0)));
    d.edges = vec![edge("c", "q2"), edge("q2", "w2")];
    e.apply_live(&d).unwrap();
    e.run_to_end();
    let old = e.queue_totals(q).unwrap();
    assert!(old.removed >= visible, "{old:?}");
    assert_eq!(old.sent, old.deleted + old.expired + old.dead_lettered + old.in_queue_at_end + old.removed, "{old:?}");
    let new = e.queue_totals(e.node_index("q2").unwrap()).unwrap();
    assert!(new.sent > 4000 && new.deleted + new.in_queue_at_end == new.sent, "{new:?}");
}

#[test]
fn a_deleted_subscription_loses_only_the_copies_on_their_way() {
    let mut d = diagram(
        vec![
            node("c", poisson(50.0)),
            node("t", NodeKind::Topic(TopicParams::default())),
            node("f", function(100, 20.0)),
            node("g", function(100, 20.0)),
        ],
        vec![edge("c", "t"), edge("t", "f"), edge("t", "g")],
        60.0,
        0.0,
    );
    let mut e = engine(&d);
    at(&mut e, 30.0);
    d.nodes.retain(|n| n.id.0 != "g");
    d.edges.retain(|x| x.to.0 != "g");
    e.apply_live(&d).unwrap();
    e.run_to_end();
    let t = e.client_totals();
    assert_eq!(t.failed, 0, "publishers are answered by the topic");
    let f = &e.node_figures()[e.node_index("f").unwrap()];
    assert!((f.arrivals as f64 - 3000.0).abs() < 4.0 * 3000f64.sqrt(), "{}", f.arrivals);
}

#[test]
fn changes_only_a_new_run_can_take_are_refused_and_leave_the_run_alone() {
    let mut d = simple(50.0, 100.0);
    let mut e = engine(&d);
    at(&mut e, 10.0);
    let events = e.events_processed();
    d.scenario = Scenario { seed: 99, ..d.scenario.clone() };
    assert!(matches!(e.classify(&d), LiveChange::NeedsReset(_)));
    assert!(matches!(e.apply_live(&d), Err(BuildError::NeedsReset(_))));
    assert_eq!(e.events_processed(), events);
    // A diagram with problems is refused too.
    let mut broken = simple(50.0, 100.0);
    instance_params(&mut broken, "s").count = 0;
    broken.edges.clear();
    assert!(matches!(e.apply_live(&broken), Err(BuildError::Invalid(_))));
    // Moving a node is no change at all.
    let mut moved = simple(50.0, 100.0);
    moved.nodes[0].pos = (300.0, 40.0);
    assert_eq!(e.apply_live(&moved).unwrap(), LiveChange::None);
}

#[test]
fn a_longer_duration_keeps_the_run_going() {
    let mut d = simple(40.0, 60.0);
    let mut e = engine(&d);
    e.run_to_end();
    d.scenario.duration_secs = 120.0;
    e.apply_live(&d).unwrap();
    e.run_to_end();
    assert_eq!(e.now(), SimTime(120_000_000_000));
    let generated = e.client_totals().generated as f64;
    assert!((generated - 4800.0).abs() < 4.0 * 4800f64.sqrt(), "{generated}");
    let last = e.global_series().last().unwrap().t_secs;
    assert!(last > 119.0, "sampling went on to the new end: {last}");
}

#[test]
fn the_same_edits_at_the_same_times_give_the_same_run() {
    let play = || {
        let mut d = balanced();
        let mut e = engine(&d);
        at(&mut e, 40.0);
        d.nodes.retain(|n| n.id.0 != "b");
        d.edges.retain(|x| x.to.0 != "b");
        e.apply_live(&d).unwrap();
        at(&mut e, 70.0);
        instance_params(&mut d, "a").count = 3;
        e.apply_live(&d).unwrap();
        e.run_to_end();
        (e.client_totals(), e.events_processed(), e.bill().total.to_bits())
    };
    assert_eq!(play(), play());
}

#[test]
fn a_shorter_visibility_timeout_applies_to_the_next_receives_while_earlier_ones_keep_theirs() {
    // A message every 10 s (at 10, 20, 30 …) into a queue whose consumer's work always fails (it
    // calls a node that is down the whole run), so every message comes back after the visibility
    // timeout and is received again. The timeout is 30 s, cut to 5 s at 15 s: the message of 10 s
    // keeps its 30 s (back at 40 s); those received from 15 s on come back every 5 s (and 0.1 s of
    // work later when two return together). By 39 s: 10 s → once; 20 s → at 20, 25, 30, 35;
    // 30 s → at 30, 35 (30.1 and 35.1 for the one that waited): 7 receives (3 without the edit).
    let mut d = diagram(
        vec![
            node("c", steady(0.1)),
            node("q", NodeKind::Queue(QueueParams { visibility_timeout_secs: 30.0, ..QueueParams::default() })),
            node("w", constant(1, 100.0)),
            node("x", constant(1, 1.0)),
        ],
        vec![edge("c", "q"), edge("q", "w"), edge("w", "x")],
        60.0,
        0.0,
    );
    d.scenario.faults.push(cloud_sandbox::model::Fault::Crash {
        node: cloud_sandbox::model::NodeId::new("x"),
        instance: None,
        task: None,
        at_secs: 0.0,
        for_secs: None,
    });
    let mut e = engine(&d);
    let q = e.node_index("q").unwrap();
    at(&mut e, 15.0);
    assert_eq!(e.queue_totals(q).unwrap().received, 1);
    match &mut d.nodes.iter_mut().find(|n| n.id.0 == "q").unwrap().kind {
        NodeKind::Queue(p) => p.visibility_timeout_secs = 5.0,
        _ => panic!("q is not a queue"),
    }
    assert_eq!(e.apply_live(&d).unwrap(), LiveChange::Parameters);
    at(&mut e, 39.0);
    assert_eq!(e.queue_totals(q).unwrap().received, 7);
    // The message of 10 s is back at 40 s with the two others due then and a new one: 4 more by
    // 41 s (at 40.0, 40.1, 40.2 and 40.3 s, one worker of 0.1 s).
    at(&mut e, 41.0);
    assert_eq!(e.queue_totals(q).unwrap().received, 11);
}
