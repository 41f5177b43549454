//! Each node kind behaves as the design says: balancers learn of dead targets only through health
//! checks, queues redeliver and dead-letter, functions reuse warm environments, clients time out
//! and retry, faults take effect for their window. Expected values come from the parameters and
//! from queueing formulas, not from earlier runs.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::billing::function_gb_seconds;
use cloud_sandbox::model::{
    Arrival, BalancerParams, ClientParams, Distribution, Fault, FunctionParams, InstanceParams, NodeId, NodeKind,
    QueueParams, QueueType, RateStep, TrafficPattern,
};
use cloud_sandbox::report::{NodeReport, Report};
use cloud_sandbox::sim::RunOptions;
use common::*;

fn report(d: &cloud_sandbox::model::Diagram) -> Report {
    Report::from_engine(&run(d, &RunOptions::default()), 0.0)
}

fn by_id<'a>(r: &'a Report, id: &str) -> &'a NodeReport {
    r.nodes.iter().find(|n| n.id == id).unwrap()
}

fn steady(rate: f64) -> ClientParams {
    ClientParams { rate_per_sec: rate, arrival: Arrival::EvenlySpaced, ..ClientParams::default() }
}

fn constant_servers(count: u32, workers: u32, ms: f64, backlog_limit: Option<u32>) -> NodeKind {
    NodeKind::Instance(InstanceParams {
        count,
        workers_per_instance: Some(workers),
        service_time: Distribution::Constant { ms },
        backlog_limit,
        ..InstanceParams::default()
    })
}

#[test]
fn balancer_sends_to_a_dead_target_until_its_health_checks_fail() {
    // 30 req/s, round robin over 3 machines; machine 2 dies at t = 100 s for 200 s. Checks every
    // 10 s, 2 failures to mark unhealthy: the checks at 100 s and 110 s fail, so for 10 s a third of
    // the traffic (100 requests) fails, and none after.
    let mut d = diagram(
        vec![
            node("c", NodeKind::Client(steady(30.0))),
            node(
                "lb",
                NodeKind::Balancer(BalancerParams {
                    health_check_interval_secs: 10.0,
                    unhealthy_threshold: 2,
                    healthy_threshold: 3,
                    ..BalancerParams::default()
                }),
            ),
            node("s", constant_servers(3, 2, 5.0, None)),
        ],
        vec![edge("c", "lb"), edge("lb", "s")],
        400.0,
        0.0,
    );
    d.scenario.faults.push(Fault::Crash {
        node: NodeId::new("s"),
        instance: Some(2),
        task: None,
        at_secs: 100.0,
        for_secs: Some(200.0),
    });
    let r = report(&d);
    let failed = r.failures.get("node_down").copied().unwrap_or(0);
    assert!((95..=105).contains(&failed), "{failed} failures, expected about 100");
    assert_eq!(r.requests.failed, failed);
    // Back after 300 s, and re-admitted after 3 passed checks: all targets healthy at the end.
    let lb = by_id(&r, "lb").figures.balancer.unwrap();
    assert_eq!((lb.healthy_targets, lb.targets), (3, 3));
}

#[test]
fn a_message_taken_by_a_crashing_consumer_comes_back_after_the_visibility_timeout() {
    // One message every 2 s, each taking 1 s of the only worker. The consumer crashes at 10.5 s,
    // in the middle of the message sent at 10 s; that message reappears at 40 s and is processed.
    let mut d = diagram(
        vec![
            node("c", NodeKind::Client(steady(0.5))),
            node("q", NodeKind::Queue(QueueParams { visibility_timeout_secs: 30.0, ..QueueParams::default() })),
            node("w", constant_servers(1, 1, 1000.0, None)),
        ],
        vec![edge("c", "q"), edge("q", "w")],
        // Sends at 2, 4, …, 100 s; the last is done at 101 s.
        101.5,
        0.0,
    );
    d.scenario.faults.push(Fault::Crash {
        node: NodeId::new("w"),
        instance: None,
        task: None,
        at_secs: 10.5,
        for_secs: Some(5.0),
    });
    let r = report(&d);
    let q = by_id(&r, "q").queue.unwrap();
    assert_eq!(q.sent, 50);
    assert_eq!(q.deleted, 50, "{q:?}");
    assert_eq!(q.received, 51, "one message received twice: {q:?}");
    assert_eq!(r.requests.failed, 0, "the sender was answered at once; the crash is invisible to it");
}

#[test]
fn failing_messages_go_to_the_dead_letter_queue_after_max_receives() {
    // The consumer calls a function that always runs past its timeout, so every processing fails.
    let d = always_dead_lettering();
    let r = report(&d);
    let q = by_id(&r, "q").queue.unwrap();
    let dlq = by_id(&r, "dlq").queue.unwrap();
    assert_eq!(q.deleted, 0);
    assert!(q.dead_lettered >= 110, "{q:?}");
    assert_eq!(dlq.sent, q.dead_lettered, "each dead-lettered message arrives in the dead-letter queue");
    // Three receives for each dead-lettered message; messages still cycling account for the rest.
    assert!(q.received >= 3 * q.dead_lettered && q.received <= 3 * q.dead_lettered + 3 * q.in_queue_at_end, "{q:?}");
    let f = by_id(&r, "f").figures.function.unwrap();
    assert_eq!(f.timeouts, f.invocations);
}

#[test]
fn functions_reuse_warm_environments_and_pay_a_cold_start_after_idle_expiry() {
    // One call a second for 20 s, nothing for 20 s (environments expire after 5 s idle), then one a
    // second again: two cold starts in all.
    let client = ClientParams {
        pattern: TrafficPattern::Steps(vec![
            RateStep { at_secs: 20.0, rate_per_sec: 0.0 },
            RateStep { at_secs: 40.0, rate_per_sec: 1.0 },
        ]),
        ..steady(1.0)
    };
    let d = diagram(
        vec![
            node("c", NodeKind::Client(client)),
            node(
                "f",
                NodeKind::Function(FunctionParams {
                    memory_mb: 512,
                    duration: Distribution::Constant { ms: 10.0 },
                    cold_start_ms: 100.0,
                    idle_expiry_secs: 5.0,
                    ..FunctionParams::default()
                }),
            ),
        ],
        vec![edge("c", "f")],
        59.5,
        0.0,
    );
    let r = report(&d);
    let f = by_id(&r, "f").figures.function.unwrap();
    assert_eq!(f.cold_starts, 2, "{f:?}");
    assert_eq!(f.invocations, r.requests.succeeded);
    // Latency: 10 ms warm, 110 ms cold.
    assert!((r.latency_ms.max - 110.0).abs() < 1e-6, "{}", r.latency_ms.max);
    // Bill: $0.20 per million requests plus GB-seconds of 10 ms (110 ms when cold) at 512 MB.
    let n = f.invocations as f64;
    let gb_s = (n - 2.0) * function_gb_seconds(512, 10.0) + 2.0 * function_gb_seconds(512, 110.0);
    let expected = n * 0.2 / 1e6 + gb_s * 0.000_016_666_7;
    assert!((by_id(&r, "f").cost_usd - expected).abs() < 1e-12, "{} vs {expected}", by_id(&r, "f").cost_usd);
}

#[test]
fn clients_time_out_and_retry_then_fail_with_the_timeout_reason() {
    // Every call takes 100 ms; the client gives up after 50 ms and tries twice more.
    let client = ClientParams { timeout_ms: Some(50.0), retries: 2, backoff_base_ms: 10.0, ..steady(2.0) };
    let d = diagram(
        vec![node("c", NodeKind::Client(client)), node("s", constant_servers(1, 8, 100.0, None))],
        vec![edge("c", "s")],
        30.0,
        0.0,
    );
    let r = report(&d);
    assert_eq!(r.requests.succeeded, 0);
    assert_eq!(r.requests.failed + r.requests.in_flight, r.requests.generated);
    assert_eq!(r.failures.get("timeout").copied(), Some(r.requests.failed));
    let finished_attempts = 3 * r.requests.failed;
    assert!(r.requests.attempts >= finished_attempts && r.requests.attempts <= finished_attempts + 3);
    assert_eq!(by_id(&r, "s").figures.arrivals, r.requests.attempts);
}

#[test]
fn a_full_backlog_refuses_work() {
    // 20 req/s at a single worker that needs 100 ms: twice its capacity; at most 2 may wait.
    let d = diagram(
        vec![node("c", NodeKind::Client(steady(20.0))), node("s", constant_servers(1, 1, 100.0, Some(2)))],
        vec![edge("c", "s")],
        100.0,
        0.0,
    );
    let r = report(&d);
    let s = &by_id(&r, "s").figures;
    assert_eq!(s.max_backlog, 2.0);
    let refused = r.failures.get("backlog_full").copied().unwrap_or(0);
    // It serves 10 a second: half of the 2,000 requests are refused.
    assert!((refused as f64 - 1000.0).abs() <= 5.0, "{refused}");
    assert!(s.utilization > 0.99, "{}", s.utilization);
}

#[test]
fn a_slow_fault_stretches_service_for_its_window() {
    // 10 ms constant service at light load; three times slower for 100 of the 300 seconds.
    let mut d = diagram(
        vec![node("c", NodeKind::Client(steady(10.0))), node("s", constant_servers(1, 4, 10.0, None))],
        vec![edge("c", "s")],
        300.0,
        0.0,
    );
    d.scenario.faults.push(Fault::Slow { node: NodeId::new("s"), at_secs: 100.0, for_secs: Some(100.0), factor: 3.0 });
    let r = report(&d);
    let expected = (10.0 * 200.0 + 30.0 * 100.0) / 300.0;
    assert!((r.latency_ms.mean - expected).abs() < 0.2, "{} vs {expected}", r.latency_ms.mean);
    assert!((r.latency_ms.max - 30.0).abs() < 1e-6);
}

#[test]
fn a_fifo_queue_with_one_group_serialises_its_consumers() {
    // Poisson 50/s, constant 10 ms processing, 4 workers. FIFO with one group lets one message be
    // processed at a time: an M/D/1 queue, whose wait (Pollaczek–Khinchine) is ρ / (2μ(1 − ρ))
    // = 0.5 / (2 · 100 · 0.5) = 5 ms. A standard queue uses all 4 workers and hardly waits.
    let wait = |queue_type| {
        let d = diagram(
            vec![
                node("c", poisson(50.0)),
                node("q", NodeKind::Queue(QueueParams { queue_type, ..QueueParams::default() })),
                node("w", constant_servers(1, 4, 10.0, None)),
            ],
            vec![edge("c", "q"), edge("q", "w")],
            4000.0,
            20.0,
        );
        by_id(&report(&d), "q").figures.mean_wait_ms
    };
    let fifo = wait(QueueType::Fifo);
    assert!((fifo - 5.0).abs() / 5.0 < 0.05, "FIFO wait {fifo} ms, M/D/1 says 5 ms");
    let standard = wait(QueueType::Standard);
    assert!(standard < 0.2, "standard queue wait {standard} ms");
}

#[test]
fn old_messages_expire_after_the_retention_period() {
    let d = diagram(
        vec![
            node("c", NodeKind::Client(steady(10.0))),
            node("q", NodeKind::Queue(QueueParams { retention_secs: 60.0, ..QueueParams::default() })),
        ],
        vec![edge("c", "q")],
        200.0,
        0.0,
    );
    let q = by_id(&report(&d), "q").queue.unwrap();
    // Nobody consumes: what is older than 60 s is gone (swept once a second).
    assert!((600..=610).contains(&q.in_queue_at_end), "{q:?}");
    assert_eq!(q.expired + q.in_queue_at_end, q.sent);
}

#[test]
fn topic_filters_route_by_message_type() {
    let r = report(&example("newsletter-fanout.ron"));
    let t = by_id(&r, "updates").figures.topic.unwrap();
    // Three subscriptions: every publish is delivered or filtered out for each.
    assert_eq!(t.deliveries + t.filtered_out, 3 * t.published);
    let coupons = by_id(&r, "coupons-q").queue.unwrap().sent as f64 / t.published as f64;
    let trivia = by_id(&r, "trivia-q").queue.unwrap().sent as f64 / t.published as f64;
    // Weights 2 : 1 : 1.
    assert!((coupons - 0.5).abs() < 0.015 && (trivia - 0.25).abs() < 0.015, "{coupons} {trivia}");
    assert_eq!(by_id(&r, "archive-q").queue.unwrap().sent, t.published);
}

#[test]
fn the_monolith_fails_as_a_whole_and_the_microservices_keep_every_order() {
    let mono = report(&example("coffee-shop-monolith.ron"));
    // 20 orders/s; the whole application is down for 120 s: about 2,400 orders lost.
    let lost = mono.failures.get("component_failed").copied().unwrap_or(0);
    assert!((2150..=2650).contains(&lost), "{lost}");
    assert_eq!(mono.requests.failed, lost);

    let micro = report(&example("coffee-shop-microservices.ron"));
    assert_eq!(micro.requests.failed, 0);
    let orders = by_id(&micro, "orders").queue.unwrap();
    // Orders pile up while the baristas are down (20/s for 120 s), then drain.
    assert!(orders.max_depth > 2000, "{orders:?}");
    assert!(orders.in_queue_at_end < 20, "{orders:?}");
    assert_eq!(orders.dead_lettered, 0);
}

#[test]
fn failing_a_node_by_hand_fails_its_work_until_it_recovers() {
    let d = example("web-app.ron");
    let mut e =
        cloud_sandbox::sim::Engine::new(&d, &cloud_sandbox::cost::Catalog::embedded(), &RunOptions::default()).unwrap();
    let web = d.nodes.iter().position(|n| n.id.0 == "web").unwrap();
    let alb = d.nodes.iter().position(|n| n.id.0 == "alb").unwrap();
    e.run_until(cloud_sandbox::sim::SimTime::from_secs(100.0), u64::MAX);
    assert!(!e.is_down(web));
    e.fail_node(web, Some(20.0));
    assert!(e.is_down(web));
    assert!(e.live_nodes()[web].down);
    e.run_until(cloud_sandbox::sim::SimTime::from_secs(119.0), u64::MAX);
    assert!(e.is_down(web), "still down before its 20 s are over");
    e.run_until(cloud_sandbox::sim::SimTime::from_secs(121.0), u64::MAX);
    assert!(!e.is_down(web), "back after 20 s");
    assert!(!e.can_fail(0), "clients cannot fail");
    e.fail_node(alb, None);
    e.run_until(cloud_sandbox::sim::SimTime::from_secs(130.0), u64::MAX);
    e.recover_node(alb);
    e.run_to_end();
    let r = Report::from_engine(&e, 0.0);
    // Every machine down for 20 s: a third of a minute's requests fail, then retries stop helping.
    assert!(r.failures.get("node_down").copied().unwrap_or(0) > 1000, "{:?}", r.failures);
    assert_eq!(r.requests.generated, r.requests.succeeded + r.requests.failed + r.requests.in_flight);
}

#[test]
fn edge_traffic_counts_agree_with_the_node_totals() {
    let d = example("coffee-shop-microservices.ron");
    let e = run(&d, &RunOptions { warmup_secs: Some(0.0), ..RunOptions::default() });
    let (sent, failed) = e.edge_traffic();
    let r = Report::from_engine(&e, 0.0);
    let edge = |from: &str, to: &str| d.edges.iter().position(|x| x.from.0 == from && x.to.0 == to).unwrap();
    // Every attempt goes along customers -> cashier; every receive along orders -> barista.
    assert_eq!(sent[edge("customers", "cashier")], r.requests.attempts);
    assert_eq!(sent[edge("orders", "barista")], by_id(&r, "orders").queue.unwrap().received);
    // Sends still on the wire (1 ms) at the end have left the cashier but not reached the queue.
    let in_transit = sent[edge("cashier", "orders")] - by_id(&r, "orders").queue.unwrap().sent;
    assert!(in_transit <= 2, "{in_transit}");
    assert_eq!(failed[edge("customers", "cashier")], 0, "no request failed");

    // The web app's crash: the calls that failed between balancer and machines are counted there.
    let d = example("web-app.ron");
    let e = run(&d, &RunOptions { warmup_secs: Some(0.0), ..RunOptions::default() });
    let (sent, failed) = e.edge_traffic();
    let r = Report::from_engine(&e, 0.0);
    let lb_to_web = d.edges.iter().position(|x| x.from.0 == "alb").unwrap();
    let web = &by_id(&r, "web").figures;
    assert!(sent[lb_to_web] - web.arrivals <= 5, "calls on the wire at the end");
    // Failures are counted when their answer is back at the balancer, half a millisecond later.
    assert!(web.failed - failed[lb_to_web] <= 5 && failed[lb_to_web] > 0, "{} vs {}", failed[lb_to_web], web.failed);
}

#[test]
fn a_day_of_simulated_time_keeps_the_series_bounded_and_their_counts_whole() {
    // One request a second for 24 hours, sampled every second: 86,400 samples, far more than a
    // series keeps, so older points are merged, never dropped.
    let mut d = diagram(
        vec![node("c", NodeKind::Client(steady(1.0))), node("s", servers(1, 1, 10.0))],
        vec![edge("c", "s")],
        86_400.0,
        0.0,
    );
    d.scenario.sample_interval_secs = 1.0;
    let e = run(&d, &RunOptions::default());
    let global = e.global_series();
    assert!(global.len() <= cloud_sandbox::sim::SERIES_CAPACITY, "{}", global.len());
    assert!(global.len() >= cloud_sandbox::sim::SERIES_CAPACITY / 2, "{}", global.len());
    assert!(e.node_series(1).len() <= cloud_sandbox::sim::SERIES_CAPACITY);
    assert!(global.last().unwrap().t_secs > 86_000.0, "the series reach the end");
    let charted: u64 = global.iter().map(|s| s.succeeded).sum();
    let interval: f64 = global.iter().map(|s| s.interval_secs).sum();
    // Everything but a partly merged last point is in the series.
    assert!(charted <= 86_400 && charted + 64 >= 86_400, "{charted}");
    assert!((interval - global.last().unwrap().t_secs).abs() < 1e-6, "intervals cover the run: {interval}");
}

#[test]
fn faults_are_logged_with_their_windows() {
    // web-app: instance 2 of 'web' crashes at 300 s for 120 s; then one failed by hand for 30 s.
    let d = example("web-app.ron");
    let mut e =
        cloud_sandbox::sim::Engine::new(&d, &cloud_sandbox::cost::Catalog::embedded(), &RunOptions::default()).unwrap();
    e.run_until(cloud_sandbox::sim::SimTime(450_000_000_000), u64::MAX);
    let web = e.node_index("web").unwrap();
    e.fail_node(web, Some(30.0));
    e.run_to_end();
    let log = e.fault_log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!((log[0].node.as_str(), log[0].start_secs, log[0].end_secs), ("web", 300.0, Some(420.0)));
    assert!(log[0].what.contains("instance 2"), "{log:?}");
    assert_eq!((log[1].start_secs, log[1].end_secs), (450.0, Some(480.0)));
    let json = Report::from_engine(&e, 0.0).to_json();
    assert!(json.contains("\"faults\"") && json.contains("\"start_secs\": 300.0"), "the report lists them");
}

#[test]
fn spot_workers_lose_no_job_and_cost_less_than_on_demand() {
    let r = report(&example("spot-workers.ron"));
    let interrupted = r.scaling_activities.iter().filter(|a| a.reason.contains("interrupted spot")).count();
    assert!(interrupted >= 2, "the example shows interruptions: {interrupted}");
    // Each shows as a fault from its notice to the machine's end, two minutes later.
    let notices: Vec<_> = r.faults.iter().filter(|f| f.window.what.contains("interrupted (120 s notice)")).collect();
    assert!(notices.len() >= interrupted, "{} notices, {interrupted} replacements", notices.len());
    assert!(notices.iter().all(|f| f.window.end_secs.is_none_or(|e| (e - f.window.start_secs - 120.0).abs() < 1e-6)));
    assert_eq!(r.work.lost, 0, "jobs taken by an interrupted machine come back to the queue");
    assert_eq!(r.requests.failed, 0);
    let spot = by_id(&r, "spot-queue").queue.unwrap();
    let on_demand = by_id(&r, "od-queue").queue.unwrap();
    assert!(spot.max_depth > 5 * on_demand.max_depth, "{spot:?} {on_demand:?}");
    assert_eq!(spot.dead_lettered + on_demand.dead_lettered, 0);
    // Interrupted machines' work failed there, and was done again.
    assert!(r.failures.is_empty());
    assert!(by_id(&r, "spot-workers").figures.failed > 0);
    let cost = |id: &str| r.cost_usd.by_node[id];
    assert!(cost("spot-workers") < 0.7 * cost("od-workers"), "{} vs {}", cost("spot-workers"), cost("od-workers"));
}
