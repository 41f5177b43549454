//! Limits on the values a run actually uses, whatever way a file reaches them: each finding of the
//! hostile-file review as a small diagram (or catalog) that `check` must refuse, with the limit
//! named. Before these checks each of them passed `check` and then aborted, froze or ran away.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::validate::check;
use cloud_sandbox::model::{
    AutoScaling, ClientParams, Diagram, Fault, InstanceParams, NodeId, NodeKind, PurchaseOption, QueueParams,
    QueueType, ScheduledAction, TrafficPattern,
};
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
