//! The sampled series the charts and CSV files are drawn from: what each sample says about the
//! interval it closes. Expected values follow from the parameters (constant service times, evenly
//! spaced arrivals, edge latencies), never from earlier runs.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::model::{Fault, NodeId, NodeKind, QueueParams};
use cloud_sandbox::sim::RunOptions;
use common::*;

#[test]
fn while_a_node_is_down_no_request_succeeds_and_failures_take_the_round_trip() {
    // Calls take 20 ms each way; the server is down from 30 s to 50 s, so a call there fails as it
    // arrives and its answer takes 20 ms back: a failure takes 40 ms from start to end.
    let mut d = diagram(
        vec![node("c", steady(10.0)), node("s", constant(4, 5.0))],
        vec![cloud_sandbox::model::Edge { latency_ms: 20.0, ..edge("c", "s") }],
        80.0,
        0.0,
    );
    d.scenario.faults =
        vec![Fault::Crash { node: NodeId::new("s"), instance: None, task: None, at_secs: 30.0, for_secs: Some(20.0) }];
    let engine = run(&d, &RunOptions::default());
    let global = engine.global_series();
    assert_eq!(global.len(), 80, "one sample per simulated second");
    let inside: Vec<_> = global.iter().filter(|s| s.t_secs > 31.0 && s.t_secs <= 50.0).collect();
    assert!(!inside.is_empty());
    for s in &inside {
        assert_eq!(s.succeeded, 0, "nothing succeeds at {} s", s.t_secs);
        assert_eq!(s.failed, 10, "ten requests a second fail at {} s", s.t_secs);
        assert!((s.failed_p50_ms - 40.0).abs() < 0.5, "a failure takes the round trip: {s:?}");
    }
    for s in global.iter().filter(|s| s.t_secs <= 30.0 || s.t_secs > 51.0) {
        assert_eq!(s.failed, 0, "{s:?}");
        assert_eq!(s.failed_p50_ms, 0.0, "no failure, no time to fail: {s:?}");
        // 20 ms there, 5 ms of service, 20 ms back.
        assert!((s.p50_ms - 45.0).abs() < 0.5, "{s:?}");
    }
}

#[test]
fn fulfilled_work_and_its_time_are_sampled_per_interval() {
    // Four messages a second through a queue to a consumer that takes 200 ms: each piece of work
    // is fulfilled 200 ms after it was generated (no latency, no wait with four workers), never at
    // a sample's instant (arrivals at 0.25 s, 0.5 s, …).
    let d = diagram(
        vec![node("c", steady(4.0)), node("q", NodeKind::Queue(QueueParams::default())), node("w", constant(4, 200.0))],
        vec![edge("c", "q"), edge("q", "w")],
        60.0,
        0.0,
    );
    let engine = run(&d, &RunOptions::default());
    let global = engine.global_series();
    let fulfilled: u64 = global.iter().map(|s| s.fulfilled).sum();
    assert_eq!(fulfilled, engine.work_totals().fulfilled, "the samples add up to the total");
    assert_eq!(global.iter().map(|s| s.lost).sum::<u64>(), 0);
    for s in global.iter().skip(1) {
        assert_eq!(s.fulfilled, 4, "four a second at {} s", s.t_secs);
        assert!((s.fulfil_p99_ms - 200.0).abs() < 2.0, "{s:?}");
        // The client's answer is the queue's acknowledgement: at once.
        assert!(s.p99_ms < 1.0, "{s:?}");
    }
}

#[test]
fn synchronous_diagrams_keep_no_time_to_fulfil_of_their_own() {
    // Without a queue or topic a request's work is the request: the latency series says it all.
    let d = diagram(vec![node("c", steady(10.0)), node("s", constant(4, 5.0))], vec![edge("c", "s")], 20.0, 0.0);
    let engine = run(&d, &RunOptions::default());
    for s in engine.global_series() {
        assert_eq!(s.fulfil_p50_ms, 0.0);
        assert_eq!(s.fulfilled, s.succeeded, "each success is its work's fulfilment");
    }
}

#[test]
fn the_age_of_the_oldest_message_grows_while_nobody_reads_the_queue() {
    // Two messages a second into a queue nobody reads: the first enters at 0.5 s, so at each
    // sample t the oldest message is t − 0.5 s old, and 2t − 1 are waiting (the one sent at t
    // itself comes after the sample, which was scheduled first).
    let d = diagram(
        vec![node("c", steady(2.0)), node("q", NodeKind::Queue(QueueParams::default()))],
        vec![edge("c", "q")],
        30.0,
        0.0,
    );
    let engine = run(&d, &RunOptions::default());
    let series = engine.node_series(1);
    assert_eq!(series.len(), 30);
    for p in series {
        assert!((p.oldest_age_secs - (p.t_secs - 0.5)).abs() < 1e-6, "{p:?}");
        assert_eq!(p.depth, p.t_secs * 2.0 - 1.0, "{p:?}");
    }
}

#[test]
fn a_drained_queue_has_no_oldest_message() {
    let d = diagram(
        vec![node("c", steady(4.0)), node("q", NodeKind::Queue(QueueParams::default())), node("w", constant(4, 10.0))],
        vec![edge("c", "q"), edge("q", "w")],
        20.0,
        0.0,
    );
    let engine = run(&d, &RunOptions::default());
    assert!(engine.node_series(1).iter().all(|p| p.oldest_age_secs == 0.0 && p.depth == 0.0));
}

#[test]
fn expiry_looks_at_each_message_about_once_however_long_the_queue() {
    // 100 messages a second into a queue nobody reads, kept for 60 s, for an hour, sampled each
    // second. Walking every held message at every sample looked at 6,000 messages 3,600 times
    // (over 20 million looks); by deadline order each message is looked at about once.
    use cloud_sandbox::model::QueueParams;
    let queue = QueueParams { retention_secs: 60.0, ..QueueParams::default() };
    let d =
        diagram(vec![node("c", steady(100.0)), node("q", NodeKind::Queue(queue))], vec![edge("c", "q")], 3600.0, 0.0);
    let engine = run(&d, &RunOptions::default());
    let sent = engine.queue_totals(1).unwrap().sent;
    assert_eq!(sent, 360_000);
    assert!(engine.expiry_checks() < 3 * sent, "{} looks for {sent} messages", engine.expiry_checks());
    // And expiry is right: at the end, the last 60 s of messages are held (6,000, less the one
    // sent at the very end after the last sample), the rest expired.
    let t = engine.queue_totals(1).unwrap();
    assert_eq!(t.expired + t.in_queue_at_end, sent);
    assert!((5_999..=6_001).contains(&t.in_queue_at_end), "{t:?}");
    let last = engine.node_series(1).last().unwrap();
    assert!((last.oldest_age_secs - 60.0).abs() <= 0.011, "{last:?}");
}
