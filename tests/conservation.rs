//! Nothing is silently lost: at any stopping time, for client requests
//! `generated = succeeded + failed + in_flight`, and for each queue
//! `sent = deleted + expired + dead_lettered + in_queue_at_end + removed` — on every example, on
//! randomly generated diagrams with faults, and across live edits of them (property tests).
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::validate::{check, wiring_refusal};
use cloud_sandbox::model::{
    BalancerAlgorithm, BalancerParams, ClientParams, Cluster, ContainersParams, Diagram, Distribution, Edge, Fault,
    FunctionParams, InstanceParams, LaunchType, NodeKind, Placement, PurchaseOption, QueueParams, QueueType,
    TopicParams,
};
use cloud_sandbox::sim::{Engine, RunOptions, SimTime};
use common::*;
use proptest::prelude::*;

fn assert_identities(engine: &Engine, context: &str) {
    let t = engine.client_totals();
    assert_eq!(t.generated, t.succeeded + t.failed + t.in_flight, "{context}: client requests {t:?}");
    let failures: u64 = engine.failures().values().sum();
    assert_eq!(failures, t.failed, "{context}: failures by reason must add up to failed");
    // Every request is one piece of work, followed to its end downstream.
    let w = engine.work_totals();
    assert_eq!(t.generated, w.fulfilled + w.lost + w.pending, "{context}: work {w:?} of {t:?}");
    assert!(w.lost >= t.failed, "{context}: a failed request's work is lost: {w:?} {t:?}");
    assert!(w.fulfilled <= t.succeeded, "{context}: fulfilled work needs its request to succeed: {w:?} {t:?}");
    for i in 0..engine.diagram().nodes.len() {
        if let Some(q) = engine.queue_totals(i) {
            assert_eq!(
                q.sent,
                q.deleted + q.expired + q.dead_lettered + q.in_queue_at_end + q.removed,
                "{context}: queue {} {q:?}",
                engine.diagram().nodes[i].id
            );
        }
    }
}

#[test]
fn identities_hold_on_every_example_at_several_stopping_times() {
    for path in example_files() {
        let d = cloud_sandbox::model::file::load(&path).unwrap();
        let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
        let end = e.end().0;
        for k in 1..=7u64 {
            e.run_until(SimTime(end * k / 7), u64::MAX);
            assert_identities(&e, &format!("{} at {}", path.display(), e.now()));
        }
        assert!(e.client_totals().generated > 0, "{}: no traffic", path.display());
    }
}

#[test]
fn identities_hold_when_stopped_by_event_budget() {
    let d = example("coffee-shop-microservices.ron");
    let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
    while !e.finished() {
        e.run_until(e.end(), 9_973);
        assert_identities(&e, &format!("budget stop at {}", e.now()));
    }
}

fn client_kind() -> impl Strategy<Value = NodeKind> {
    (1.0..150.0f64, prop::option::of(20.0..3000.0f64), 0..3u32, any::<bool>()).prop_map(
        |(rate, timeout_ms, retries, jitter)| {
            NodeKind::Client(ClientParams {
                rate_per_sec: rate,
                timeout_ms,
                retries,
                jitter,
                backoff_base_ms: 50.0,
                ..ClientParams::default()
            })
        },
    )
}

fn service_kind() -> impl Strategy<Value = NodeKind> {
    prop_oneof![
        prop_oneof![
            Just(BalancerAlgorithm::RoundRobin),
            Just(BalancerAlgorithm::LeastOutstanding),
            Just(BalancerAlgorithm::Random)
        ]
        .prop_map(|algorithm| NodeKind::Balancer(BalancerParams {
            algorithm,
            health_check_interval_secs: 5.0,
            ..BalancerParams::default()
        })),
        (1..4u32, 1..5u32, 1.0..80.0f64, prop::option::of(0..20u32)).prop_map(|(count, workers, mean, limit)| {
            NodeKind::Instance(InstanceParams {
                count,
                workers_per_instance: Some(workers),
                service_time: Distribution::LogNormal { mean_ms: mean, std_dev_ms: mean },
                backlog_limit: limit,
                ..InstanceParams::default()
            })
        }),
        Just(NodeKind::Topic(TopicParams { http_retry_delay_secs: 1.0, ..TopicParams::default() })),
        (any::<bool>(), 1.0..20.0f64, prop::option::of(1..4u32), 1..11u32, 60.0..200.0f64).prop_map(
            |(fifo, visibility, max_receives, batch, retention)| NodeKind::Queue(QueueParams {
                queue_type: if fifo { QueueType::Fifo } else { QueueType::Standard },
                message_groups: 3,
                visibility_timeout_secs: visibility,
                max_receives,
                batch_size: batch,
                retention_secs: retention,
            })
        ),
        (1..4u32, 1..4u32, 0..3u8, 0..3u32, 1..4u32, 0.0..5.0f64, 0.0..10.0f64, any::<bool>(), 1.0..60.0f64).prop_map(
            |(tasks, workers, launch, instances, extra, start, boot, spread, mean)| {
                let launch_type = [LaunchType::Fargate, LaunchType::FargateSpot, LaunchType::Ec2][launch as usize];
                NodeKind::Containers(ContainersParams {
                    launch_type,
                    tasks,
                    workers_per_task: workers,
                    cpu: 0.5,
                    memory_gb: 1.0,
                    service_time: Distribution::Exponential { mean_ms: mean },
                    start_secs: Some(start),
                    zones: vec!["a".into(), "b".into()],
                    cluster: Cluster {
                        instances,
                        max_instances: instances + extra,
                        boot_secs: boot,
                        scale_in_after_secs: 5.0,
                        placement: if spread { Placement::Spread } else { Placement::Binpack },
                        // Spot instances interrupted often enough to be seen in a short run.
                        purchase: if spread {
                            PurchaseOption::Spot { interruptions_per_hour: Some(30.0) }
                        } else {
                            PurchaseOption::OnDemand
                        },
                        ..Cluster::default()
                    },
                    ..ContainersParams::default()
                })
            }
        ),
        (1..8u32, 1.0..150.0f64, 0.0..300.0f64, 0.05..2.0f64).prop_map(|(limit, mean, cold, timeout)| {
            NodeKind::Function(FunctionParams {
                concurrency_limit: limit,
                duration: Distribution::Exponential { mean_ms: mean },
                cold_start_ms: cold,
                idle_expiry_secs: 5.0,
                timeout_secs: timeout,
                ..FunctionParams::default()
            })
        }),
    ]
}

/// A random legal diagram: edges only go forward in node order (so synchronous calls cannot form
/// a cycle), every client has a target, and a few faults are scheduled.
fn random_diagram() -> impl Strategy<Value = Diagram> {
    (
        prop::collection::vec(client_kind(), 1..3),
        prop::collection::vec(service_kind(), 1..7),
        prop::collection::vec(any::<bool>(), 64),
        prop::collection::vec((0..10usize, 0.0..60.0f64, 1.0..30.0f64), 0..4),
        20.0..90.0f64,
        0.0..10.0f64,
    )
        .prop_map(|(clients, services, coin, faults, duration, warmup)| {
            let mut nodes = Vec::new();
            for (i, k) in clients.into_iter().enumerate() {
                nodes.push(node(&format!("client{i}"), k));
            }
            let first_service = nodes.len();
            for (i, k) in services.into_iter().enumerate() {
                nodes.push(node(&format!("n{i}"), k));
            }
            let mut edges = Vec::new();
            let mut flips = coin.into_iter().cycle();
            for i in 0..nodes.len() {
                for j in (i + 1).max(first_service)..nodes.len() {
                    let (a, b) = (nodes[i].kind.kind(), nodes[j].kind.kind());
                    let dead_letter = a == cloud_sandbox::model::Kind::Queue && b == a;
                    let wanted = flips.next().unwrap_or(false) || (i < first_service && j == first_service);
                    if wanted && wiring_refusal(a, b, dead_letter).is_none() {
                        let already_dlq = edges.iter().any(|e: &Edge| e.dead_letter && e.from == nodes[i].id);
                        if dead_letter && already_dlq {
                            continue;
                        }
                        edges.push(Edge {
                            latency_ms: 1.0,
                            dead_letter,
                            ..Edge::new(nodes[i].id.0.clone(), nodes[j].id.0.clone())
                        });
                    }
                }
            }
            let mut d = diagram(nodes, edges, duration, warmup.min(duration / 2.0));
            for (target, at, len) in faults {
                let n = &d.nodes[first_service + target % (d.nodes.len() - first_service)];
                let fault = match &n.kind {
                    NodeKind::Instance(p) if p.count > 1 && at > 30.0 => Fault::Crash {
                        node: n.id.clone(),
                        instance: Some(1),
                        task: None,
                        at_secs: at,
                        for_secs: Some(len),
                    },
                    // On EC2 `instance` names the cluster's instance, on Fargate the task.
                    NodeKind::Containers(p)
                        if at > 20.0
                            && if p.launch_type == LaunchType::Ec2 { p.cluster.instances > 1 } else { p.tasks > 1 } =>
                    {
                        Fault::Crash {
                            node: n.id.clone(),
                            instance: Some(1),
                            task: None,
                            at_secs: at,
                            for_secs: Some(len),
                        }
                    }
                    // `task` names a task on any launch type (here, on EC2, beside its instance).
                    NodeKind::Containers(p) if at > 10.0 && p.initial_count() > 1 => Fault::Crash {
                        node: n.id.clone(),
                        instance: None,
                        task: Some(1),
                        at_secs: at,
                        for_secs: Some(len),
                    },
                    NodeKind::Instance(_) | NodeKind::Function(_) | NodeKind::Balancer(_) | NodeKind::Containers(_) => {
                        Fault::Crash {
                            node: n.id.clone(),
                            instance: None,
                            task: None,
                            at_secs: at,
                            for_secs: Some(len),
                        }
                    }
                    _ => continue,
                };
                d.scenario.faults.push(fault);
            }
            d
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn identities_hold_on_random_diagrams(d in random_diagram(), stops in prop::collection::vec(0.0..1.0f64, 3)) {
        let problems = check(&d, &Catalog::embedded());
        prop_assert!(problems.is_empty(), "generator made an invalid diagram: {problems:?}");
        let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
        let end = e.end().0 as f64;
        let mut stops = stops;
        stops.sort_by(f64::total_cmp);
        for s in stops {
            e.run_until(SimTime((end * s) as u64), u64::MAX);
            assert_identities(&e, &format!("random diagram at {}", e.now()));
        }
        e.run_to_end();
        assert_identities(&e, "random diagram at the end");
        // Memory stays bounded by what is in flight, not by what happened.
        let (calls, requests, _) = e.work_in_flight();
        prop_assert!(calls < 1_000_000 && requests < 1_000_000);
    }

    #[test]
    fn identities_hold_across_live_edits(
        d in random_diagram(),
        pick in 0..10usize,
        count in 1..5u32,
        stops in (0.1..0.5f64, 0.5..0.9f64),
    ) {
        let catalog = Catalog::embedded();
        let mut e = Engine::new(&d, &catalog, &RunOptions::default()).unwrap();
        let end = e.end().0 as f64;
        e.run_until(SimTime((end * stops.0) as u64), u64::MAX);
        // Every instance node to `count` machines.
        let mut edited = d.clone();
        for n in &mut edited.nodes {
            if let NodeKind::Instance(p) = &mut n.kind {
                p.count = count;
            }
            // A container service gets the count, and every other one moves between Fargate and
            // EC2 (a redeployment).
            if let NodeKind::Containers(p) = &mut n.kind {
                p.tasks = count;
                if count % 2 == 0 {
                    p.launch_type =
                        if p.launch_type == LaunchType::Ec2 { LaunchType::Fargate } else { LaunchType::Ec2 };
                }
            }
        }
        let faulted = |id: &cloud_sandbox::model::NodeId| d.scenario.faults.iter().any(|f| f.nodes().contains(&id));
        let instance_faults = d
            .scenario
            .faults
            .iter()
            .any(|f| matches!(f, Fault::Crash { instance: Some(_), .. } | Fault::Crash { task: Some(_), .. }));
        if !instance_faults {
            prop_assert!(e.apply_live(&edited).is_ok(), "{:?}", e.apply_live(&edited));
            assert_identities(&e, "after a new instance count");
        }
        e.run_until(SimTime((end * stops.1) as u64), u64::MAX);
        // One service node deleted with its edges, if what is left is still a valid diagram.
        let services: Vec<_> = edited.nodes.iter().filter(|n| !matches!(n.kind, NodeKind::Client(_))).collect();
        let victim = services[pick % services.len()].id.clone();
        if !faulted(&victim) {
            let mut smaller = edited.clone();
            smaller.nodes.retain(|n| n.id != victim);
            smaller.edges.retain(|x| x.from != victim && x.to != victim);
            if check(&smaller, &catalog).is_empty() {
                prop_assert!(e.apply_live(&smaller).is_ok(), "{:?}", e.apply_live(&smaller));
                assert_identities(&e, "after a deletion");
            }
        }
        e.run_to_end();
        assert_identities(&e, "at the end after live edits");
    }
}
