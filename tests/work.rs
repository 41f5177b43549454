//! Work followed end to end: a request's work is fulfilled only when everything it caused
//! downstream is done, and lost when any part of it fails for good. Expected values follow from the
//! parameters (constant service times, evenly spaced arrivals), never from earlier runs.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::model::{NodeKind, QueueParams, TopicParams};
use cloud_sandbox::report::Report;
use cloud_sandbox::sim::RunOptions;
use common::*;

fn report(d: &cloud_sandbox::model::Diagram) -> Report {
    Report::from_engine(&run(d, &RunOptions::default()), 0.0)
}

#[test]
fn fan_out_work_is_fulfilled_when_its_slowest_branch_is_done() {
    // One publish goes to two queues; one consumer takes 10 ms, the other 200 ms. The client's
    // answer comes back at once, but the work is done only after the slow branch.
    let d = diagram(
        vec![
            node("c", steady(2.0)),
            node("t", NodeKind::Topic(TopicParams::default())),
            node("q1", NodeKind::Queue(QueueParams::default())),
            node("q2", NodeKind::Queue(QueueParams::default())),
            node("fast", constant(4, 10.0)),
            node("slow", constant(4, 200.0)),
        ],
        vec![edge("c", "t"), edge("t", "q1"), edge("t", "q2"), edge("q1", "fast"), edge("q2", "slow")],
        100.0,
        0.0,
    );
    let r = report(&d);
    assert_eq!(r.requests.failed, 0);
    assert!(r.latency_ms.max < 1.0, "the publish is acknowledged at once: {:?}", r.latency_ms);
    assert_eq!(r.work.lost, 0);
    // 200 requests; the last one (at 100 s) cannot finish its 200 ms branch before the end.
    assert_eq!(r.work.fulfilled + r.work.pending, r.requests.generated);
    assert!(r.work.pending <= 1, "{:?}", r.work);
    let f = r.time_to_fulfil_ms;
    assert!((f.p50 - 200.0).abs() < 2.0 && (f.max - 200.0).abs() < 2.0, "time to fulfil {f:?}");
}

#[test]
fn dead_lettered_and_expired_messages_lose_their_work() {
    // The consumer's function always times out: every message is received three times, then
    // dead-lettered. The client was answered each time; none of the work was done.
    let d = always_dead_lettering();
    let r = report(&d);
    let q = r.nodes.iter().find(|n| n.id == "q").unwrap().queue.unwrap();
    assert_eq!(r.requests.failed, 0);
    assert_eq!(r.work.fulfilled, 0);
    assert_eq!(r.work.lost, q.dead_lettered, "{:?} {q:?}", r.work);
    assert_eq!(r.work.pending, q.in_queue_at_end);

    // Nobody consumes and messages live 60 s: whatever expired is lost work.
    let d = diagram(
        vec![
            node("c", steady(10.0)),
            node("q", NodeKind::Queue(QueueParams { retention_secs: 60.0, ..QueueParams::default() })),
        ],
        vec![edge("c", "q")],
        200.0,
        0.0,
    );
    let r = report(&d);
    let q = r.nodes.iter().find(|n| n.id == "q").unwrap().queue.unwrap();
    assert!(q.expired > 1300, "{q:?}");
    assert_eq!(r.work.lost, q.expired);
    assert_eq!(r.work.pending, q.in_queue_at_end);
    assert_eq!(r.work.fulfilled, 0);
}

#[test]
fn a_failed_request_is_lost_work_and_orders_behind_a_queue_survive_an_outage() {
    let mono = report(&example("coffee-shop-monolith.ron"));
    assert!(mono.requests.failed > 2000);
    assert_eq!(mono.work.lost, mono.requests.failed, "the monolith's lost work is its failed requests");
    assert_eq!(mono.work.fulfilled, mono.requests.succeeded);

    let micro = report(&example("coffee-shop-microservices.ron"));
    assert_eq!(micro.work.lost, 0, "{:?}", micro.work);
    assert!(micro.work.pending < 20, "{:?}", micro.work);
    // Orders taken during the 120 s outage waited for the baristas: the slowest took over a minute,
    // though every client answer came back in well under a second.
    assert!(micro.time_to_fulfil_ms.max > 60_000.0, "{:?}", micro.time_to_fulfil_ms);
    assert!(micro.latency_ms.max < 1_000.0, "{:?}", micro.latency_ms);
}

#[test]
fn synchronous_work_is_the_request_and_a_queue_added_live_is_followed_from_then_on() {
    // Without queues or topics a request's work is done when the request is.
    let web = report(&example("web-app.ron"));
    assert_eq!(
        (web.work.fulfilled, web.work.lost, web.work.pending),
        (web.requests.succeeded, web.requests.failed, web.requests.in_flight)
    );
    assert_eq!(web.time_to_fulfil_ms.p99, web.latency_ms.p99);

    // A queue and a 500 ms consumer added behind the instance at 30 s: requests from then on are
    // fulfilled only when their message is processed.
    let d = diagram(vec![node("c", steady(10.0)), node("s", constant(4, 10.0))], vec![edge("c", "s")], 120.0, 0.0);
    let mut e =
        cloud_sandbox::sim::Engine::new(&d, &cloud_sandbox::cost::Catalog::embedded(), &RunOptions::default()).unwrap();
    e.run_until(cloud_sandbox::sim::SimTime(30_000_000_000), u64::MAX);
    let mut later = d.clone();
    later.nodes.push(node("q", NodeKind::Queue(QueueParams::default())));
    later.nodes.push(node("w", constant(8, 500.0)));
    later.edges.push(edge("s", "q"));
    later.edges.push(edge("q", "w"));
    e.apply_live(&later).unwrap();
    e.run_to_end();
    let (requests, work) = (e.client_totals(), e.work_totals());
    assert_eq!(requests.generated, work.fulfilled + work.lost + work.pending, "{requests:?} {work:?}");
    assert_eq!(work.lost, 0);
    let fulfil = e.time_to_fulfil().summary();
    // 300 requests before the queue (10 ms each), 900 after (10 ms + 500 ms).
    assert!((fulfil.p50 - 510.0).abs() < 5.0 && (fulfil.p95 - 510.0).abs() < 5.0, "{fulfil:?}");
    assert!(fulfil.mean < 400.0 && fulfil.mean > 350.0, "a quarter at 10 ms: {fulfil:?}");
}
