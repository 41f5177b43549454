//! Limits on the values a run actually uses, whatever way a file reaches them: each finding of the
//! hostile-file review as a small diagram (or catalog) that `check` must refuse, with the limit
//! named. Before these checks each of them passed `check` and then aborted, froze or ran away.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::Edge;
use cloud_sandbox::model::validate::check;
use cloud_sandbox::model::{
    AutoScaling, ClientParams, Diagram, Fault, InstanceParams, NodeId, NodeKind, PurchaseOption, QueueParams,
    QueueType, ScheduledAction, TrafficPattern,
};
use cloud_sandbox::sim::{MAX_HOPS, RunOptions, StopReason};
use common::*;

/// The problems of `d`, as text.
fn problems(d: &Diagram) -> Vec<String> {
    check(d, &Catalog::embedded()).iter().map(ToString::to_string).collect()
}

fn refused(d: &Diagram, place: &str, words: &str) {
    let p = problems(d);
    assert!(p.iter().any(|p| p.contains(place) && p.contains(words)), "expected {place}: …{words}…, got {p:?}");
}

fn client_to(kind: NodeKind, client: ClientParams) -> Diagram {
    diagram(vec![node("c", NodeKind::Client(client)), node("s", kind)], vec![edge("c", "s")], 60.0, 0.0)
}

#[test]
fn fifo_message_groups_are_bounded() {
    // 4,294,967,295 groups used to be an allocation of 137 GB when the engine was built.
    let queue = QueueParams { queue_type: QueueType::Fifo, message_groups: u32::MAX, ..QueueParams::default() };
    let mut d = client_to(NodeKind::Queue(queue), ClientParams::default());
    d.nodes.push(node("w", servers(1, 1, 1.0)));
    d.edges.push(edge("s", "w"));
    refused(&d, "node 's'", "and at most 100,000");
}

#[test]
fn the_worker_limit_counts_the_most_machines_a_group_can_run() {
    // An Auto Scaling group has count 1: 65,535 machines × 65,535 workers passed.
    let group = AutoScaling { min: 1, max: 65_535, ..AutoScaling::default() };
    let kind = NodeKind::Instance(InstanceParams {
        count: 1,
        workers_per_instance: Some(65_535),
        auto_scaling: Some(group),
        ..InstanceParams::default()
    });
    refused(&client_to(kind, ClientParams::default()), "node 's'", "at most 1,000,000 workers per node");
    // A scheduled action can raise the maximum: that counts too.
    let raised = AutoScaling {
        min: 1,
        max: 10,
        scheduled: vec![ScheduledAction { at_secs: 10.0, min: None, max: Some(60_000), desired: None }],
        ..AutoScaling::default()
    };
    let kind = NodeKind::Instance(InstanceParams {
        count: 1,
        workers_per_instance: Some(100),
        auto_scaling: Some(raised),
        ..InstanceParams::default()
    });
    refused(&client_to(kind, ClientParams::default()), "node 's'", "at most 1,000,000 workers per node");
}

#[test]
fn the_rate_limit_applies_to_the_peak_of_the_pattern_and_to_surges() {
    let spike = ClientParams {
        rate_per_sec: 10.0,
        pattern: TrafficPattern::Spike { at_secs: 1.0, duration_secs: 1.0, multiplier: 1e300 },
        ..ClientParams::default()
    };
    refused(&client_to(servers(1, 1, 1.0), spike), "node 'c'", "peaks at");
    let mut d = client_to(servers(1, 1, 1.0), ClientParams { rate_per_sec: 10.0, ..ClientParams::default() });
    d.scenario.faults =
        vec![Fault::TrafficSurge { node: NodeId::new("c"), multiplier: 1e300, at_secs: 1.0, for_secs: Some(1.0) }];
    refused(&d, "fault 1", "at most 10,000,000 requests a second");
}

#[test]
fn a_slow_factor_and_a_latency_spike_are_bounded() {
    // ×1e300 made slowed calls finish at once (the service time saturated and `now + t` wrapped).
    let mut d = client_to(servers(1, 1, 1.0), ClientParams::default());
    d.scenario.faults = vec![Fault::Slow { node: NodeId::new("s"), at_secs: 1.0, for_secs: Some(5.0), factor: 1e300 }];
    refused(&d, "fault 1", "factor must be above 0 and at most 1,000");
    d.scenario.faults = vec![Fault::LatencySpike {
        from: NodeId::new("c"),
        to: NodeId::new("s"),
        extra_ms: 1e300,
        at_secs: 1.0,
        for_secs: Some(5.0),
    }];
    refused(&d, "fault 1", "extra_ms");
}

#[test]
fn on_premises_figures_are_bounded_so_that_no_bill_is_infinite() {
    let owned =
        PurchaseOption::OnPremises { hardware_usd: 1.7e308, amortisation_years: 3.0, running_usd_per_hour: 0.0 };
    let kind = NodeKind::Instance(InstanceParams { purchase: owned, ..InstanceParams::default() });
    refused(&client_to(kind, ClientParams::default()), "node 's'", "hardware_usd must be from 0 to 1,000,000,000");
}

#[test]
fn a_catalog_refuses_more_vcpus_than_a_machine_can_have() {
    // vcpu is the default number of workers per machine, and worker slots are numbered in 16 bits.
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/pricing.ron")).unwrap();
    let huge = text.replacen(
        r#"(name: "m5.large", family: GeneralPurpose, vcpu: 2,"#,
        r#"(name: "m5.large", family: GeneralPurpose, vcpu: 80000,"#,
        1,
    );
    assert_ne!(huge, text);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pricing.ron");
    std::fs::write(&path, huge).unwrap();
    let err = Catalog::load(&path).unwrap_err().to_string();
    assert!(err.contains("vcpu must be from 1 to 1024"), "{err}");
}

#[test]
fn retries_are_bounded_and_never_immediate() {
    // 4,294,967,295 retries without backoff froze simulated time at 1 s.
    let client =
        ClientParams { retries: u32::MAX, backoff_base_ms: 0.0, backoff_max_ms: 0.0, ..ClientParams::default() };
    let d = client_to(servers(1, 1, 1.0), client);
    refused(&d, "node 'c'", "retries must be at most 100");
    refused(&d, "node 'c'", "backoff_base_ms must be at least 1 ms");
    let topic = cloud_sandbox::model::TopicParams { http_delivery_retries: u32::MAX, http_retry_delay_secs: 0.0 };
    let mut d = client_to(NodeKind::Topic(topic), ClientParams::default());
    d.nodes.push(node("w", servers(1, 1, 1.0)));
    d.edges.push(edge("s", "w"));
    refused(&d, "node 's'", "http_delivery_retries must be at most 100");
    refused(&d, "node 's'", "http_retry_delay_secs must be at least 0.001");
}

#[test]
fn a_slowed_call_never_ends_sooner_than_an_unslowed_one() {
    // The longest service there is (draws are capped near three years), slowed 1,000 times: the
    // time used to saturate and wrap, ending the calls at once.
    let slowest = NodeKind::Instance(InstanceParams {
        count: 1,
        workers_per_instance: Some(4),
        service_time: cloud_sandbox::model::Distribution::Constant { ms: 3e11 },
        ..InstanceParams::default()
    });
    let mut d = client_to(slowest, ClientParams { rate_per_sec: 1.0, ..steady_params() });
    d.scenario.duration_secs = 30.0;
    d.scenario.faults = vec![Fault::Slow { node: NodeId::new("s"), at_secs: 0.0, for_secs: None, factor: 1000.0 }];
    assert!(problems(&d).is_empty(), "{:?}", problems(&d));
    let engine = run(&d, &cloud_sandbox::sim::RunOptions::default());
    let totals = engine.client_totals();
    assert_eq!(totals.succeeded, 0, "nothing can finish within 30 s");
    assert_eq!(totals.in_flight, totals.generated);
}

fn steady_params() -> ClientParams {
    ClientParams { arrival: cloud_sandbox::model::Arrival::EvenlySpaced, ..ClientParams::default() }
}

/// A queue "q" whose consumer "w" sends every message it processes back to "q": a loop through a
/// queue, which `check` allows (real designs have them), with "q"'s dead-letter queue "dlq".
fn queue_loop() -> Diagram {
    diagram(
        vec![
            node("c", steady(10.0)),
            node("q", NodeKind::Queue(QueueParams::default())),
            node("w", constant(4, 1.0)),
            node("dlq", NodeKind::Queue(QueueParams::default())),
        ],
        vec![edge("c", "q"), edge("q", "w"), edge("w", "q"), Edge { dead_letter: true, ..edge("q", "dlq") }],
        10.0,
        0.0,
    )
}

#[test]
fn a_message_going_round_a_loop_is_stopped_after_max_hops_and_dead_lettered() {
    // Before: each message came back for ever, 1 ms a round, until the end of the run.
    let d = queue_loop();
    assert!(problems(&d).is_empty(), "{:?}", problems(&d));
    let e = run(&d, &RunOptions::default());
    let generated = e.client_totals().generated;
    let q = e.queue_totals(1).unwrap();
    let hops = u64::from(MAX_HOPS);
    // Every request's message went round MAX_HOPS times, then was refused (the last few may be
    // on their way at the end).
    assert!(q.sent <= hops * generated, "{} sent for {generated} requests", q.sent);
    assert!(q.loop_detected + 2 >= generated && q.loop_detected <= generated, "{q:?}");
    assert!(q.sent + 2 * hops >= hops * generated, "{q:?}");
    // Refused messages went to the dead-letter queue, and their work counts as lost.
    assert_eq!(e.queue_totals(3).unwrap().sent, q.loop_detected);
    let work = e.work_totals();
    assert_eq!(work.fulfilled, 0);
    assert_eq!(work.lost, q.loop_detected);
    // The sends were acknowledged: the client's requests succeeded.
    assert_eq!(e.client_totals().failed, 0);
    let report = cloud_sandbox::report::Report::from_engine(&e, 0.0);
    assert!(cloud_sandbox::report::to_text(&report).contains(&format!("stopped in a loop {}", q.loop_detected)));
}

#[test]
fn a_publish_going_round_a_topic_and_a_balancer_is_stopped_after_max_hops() {
    // c → topic → balancer → w → topic: each publish came back for ever.
    let d = diagram(
        vec![
            node("c", steady(10.0)),
            node("t", NodeKind::Topic(cloud_sandbox::model::TopicParams::default())),
            node("b", NodeKind::Balancer(cloud_sandbox::model::BalancerParams::default())),
            node("w", constant(4, 1.0)),
        ],
        vec![edge("c", "t"), edge("t", "b"), edge("b", "w"), edge("w", "t")],
        10.0,
        0.0,
    );
    assert!(problems(&d).is_empty(), "{:?}", problems(&d));
    let e = run(&d, &RunOptions::default());
    let generated = e.client_totals().generated;
    let t = e.node_figures()[1].topic.unwrap();
    assert!(t.published <= u64::from(MAX_HOPS) * generated, "{t:?}");
    assert!(t.loop_detected + 2 >= generated && t.loop_detected <= generated, "{t:?} of {generated}");
}

#[test]
fn a_run_that_would_hold_too_much_stops_with_the_reason_and_keeps_its_figures() {
    // "w" reads two queues and sends each message to both: every round doubles the messages
    // (2.5 GB in 30 s before). With a small ceiling the run stops, says why, and reports.
    let d = diagram(
        vec![
            node("c", steady(10.0)),
            node("q1", NodeKind::Queue(QueueParams::default())),
            node("q2", NodeKind::Queue(QueueParams::default())),
            node("w", constant(64, 1.0)),
        ],
        vec![edge("c", "q1"), edge("q1", "w"), edge("q2", "w"), edge("w", "q1"), edge("w", "q2")],
        60.0,
        0.0,
    );
    assert!(problems(&d).is_empty(), "{:?}", problems(&d));
    let options = RunOptions { max_held: Some(50_000), ..RunOptions::default() };
    let e = run(&d, &options);
    let stop = e.stopped().expect("the run stops").clone();
    assert_eq!(stop.reason, StopReason::HeldLimit);
    assert!(e.finished());
    assert!(stop.at_secs < 60.0 && stop.at_secs == e.now().as_secs(), "{stop:?}");
    assert!(stop.message.contains("over the limit of 50,000"), "{}", stop.message);
    let (calls, requests, messages) = e.work_in_flight();
    // Looked at every 4,096 events: it cannot be far past the ceiling.
    assert!(((calls + requests + messages + e.pending_events()) as u64) < 50_000 + 4_096 * 8);
    let report = cloud_sandbox::report::Report::from_engine(&e, 0.0);
    assert_eq!(report.stopped.as_ref(), Some(&stop));
    assert!(report.sim_seconds < 60.0);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["stopped"]["reason"], "held_limit");
    assert!(cloud_sandbox::report::to_text(&report).contains("STOPPED EARLY: stopped at t = "));
}

#[test]
fn the_diagram_as_a_whole_is_bounded_so_that_its_memory_has_a_ceiling() {
    // 2,001 clients: each node keeps its series and histograms, so the count is bounded.
    let mut d = diagram(vec![node("w", servers(1, 1, 1.0))], Vec::new(), 60.0, 0.0);
    for i in 0..2_001 {
        d.nodes.push(node(&format!("c{i}"), steady(1.0)));
        d.edges.push(edge(&format!("c{i}"), "w"));
    }
    refused(&d, "scenario", "the diagram has 2,002 nodes; at most 2,000");
    // Sixteen groups of 65,535 machines pass one by one, not together: 1,048,560 machines.
    let big = || servers(65_535, 1, 1.0);
    let nodes = (0..16).map(|i| node(&format!("w{i}"), big())).chain([node("c", steady(1.0))]).collect();
    let edges = (0..16).map(|i| edge("c", &format!("w{i}"))).collect::<Vec<_>>();
    let d = diagram(nodes, edges[..1].to_vec(), 60.0, 0.0);
    refused(
        &d,
        "scenario",
        "the diagram has 1,048,560 machines that the instance nodes can run in all; at most 1,000,000",
    );
    // Eleven FIFO queues of 100,000 groups: 1.1 million lines.
    let fifo = || {
        NodeKind::Queue(QueueParams { queue_type: QueueType::Fifo, message_groups: 100_000, ..QueueParams::default() })
    };
    let nodes = (0..11).map(|i| node(&format!("q{i}"), fifo())).chain([node("c", steady(1.0))]).collect();
    let d = diagram(nodes, vec![edge("c", "q0")], 60.0, 0.0);
    refused(&d, "scenario", "1,100,000 message groups in its FIFO queues; at most 1,000,000");
}
