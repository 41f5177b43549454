//! The engine against queueing theory (`shared/reference/queueing.md`): Erlang C, Erlang B, M/M/1,
//! Jackson splitting versus round robin, and Little's law on every node. Expected values are
//! computed here from the formulas, never copied from the engine's output.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::model::{BalancerAlgorithm, BalancerParams, NodeKind};
use cloud_sandbox::report::Report;
use cloud_sandbox::sim::RunOptions;
use common::*;

#[test]
fn formulas_match_the_worked_case() {
    // The reference's worked case: P(wait) = 0.668732, Wq = 6.687315 ms.
    assert!((erlang_c(10, 9.0) - 0.668_732).abs() < 1e-6);
    assert!((mmc_wait_ms(900.0, 100.0, 10) - 6.687_315).abs() < 1e-6);
    assert!((erlang_b(10, 9.0) - 0.167_963).abs() < 1e-6);
}

#[test]
fn mm10_mean_wait_agrees_with_erlang_c() {
    // 10^7 customers: one run estimates Wq with a standard deviation of about 0.8 %; allow 3 SD.
    let d = example("theory/mm10.ron");
    let duration = 1e7 / 900.0 + 10.0;
    let e = run(&d, &RunOptions { duration_secs: Some(duration), ..RunOptions::default() });
    let r = Report::from_engine(&e, 0.0);
    let server = r.nodes.iter().find(|n| n.id == "server").unwrap();
    let expected = mmc_wait_ms(900.0, 100.0, 10);
    let wq = server.figures.mean_wait_ms;
    assert!((wq - expected).abs() / expected < 0.024, "Wq {wq} ms, Erlang C {expected} ms");
    // W = Wq + 1/μ.
    let w = server.figures.mean_sojourn_ms;
    assert!((w - (expected + 10.0)).abs() / (expected + 10.0) < 0.012, "W {w} ms");
    // Utilisation ρ = 0.9.
    assert!((server.figures.utilization - 0.9).abs() < 0.005, "{}", server.figures.utilization);
    assert!(r.requests.generated > 9_900_000);
}

#[test]
fn erlang_b_throttling() {
    let d = example("theory/erlang-b.ron");
    let e = run(&d, &RunOptions { duration_secs: Some(4010.0), ..RunOptions::default() });
    let r = Report::from_engine(&e, 0.0);
    let f = r.nodes.iter().find(|n| n.id == "function").unwrap();
    let fig = f.figures.function.unwrap();
    let share = fig.throttled as f64 / f.figures.arrivals as f64;
    let expected = erlang_b(10, 9.0);
    // About 3.6 M calls: the binomial standard deviation is 0.0002; allow a few times that.
    assert!((share - expected).abs() < 0.0015, "throttled {share}, Erlang B {expected}");
    assert_eq!(r.failures.get("throttled").copied(), Some(r.requests.failed));
}

#[test]
fn mm1_wait_and_time_in_system() {
    // λ = 80/s, μ = 100/s: Wq = ρ / (μ − λ) = 40 ms, W = 1 / (μ − λ) = 50 ms.
    let d =
        diagram(vec![node("c", poisson(80.0)), node("s", servers(1, 1, 10.0))], vec![edge("c", "s")], 50_000.0, 100.0);
    let r = Report::from_engine(&run(&d, &RunOptions::default()), 0.0);
    let s = &r.nodes[1].figures;
    assert!((s.mean_wait_ms - 40.0).abs() / 40.0 < 0.02, "Wq {}", s.mean_wait_ms);
    assert!((s.mean_sojourn_ms - 50.0).abs() / 50.0 < 0.015, "W {}", s.mean_sojourn_ms);
    assert!((r.latency_ms.mean - 50.0).abs() / 50.0 < 0.015, "end to end {}", r.latency_ms.mean);
}

fn balanced(algorithm: BalancerAlgorithm) -> f64 {
    // Poisson 900/s → balancer → 3 machines of 4 workers, μ = 100/s each worker.
    let d = diagram(
        vec![
            node("c", poisson(900.0)),
            node("lb", NodeKind::Balancer(BalancerParams { algorithm, ..BalancerParams::default() })),
            node("s", servers(3, 4, 10.0)),
        ],
        vec![edge("c", "lb"), edge("lb", "s")],
        3000.0,
        20.0,
    );
    let r = Report::from_engine(&run(&d, &RunOptions::default()), 0.0);
    r.nodes[2].figures.mean_wait_ms
}

#[test]
fn random_routing_is_jackson_and_round_robin_waits_less() {
    // Random splitting of a Poisson stream gives each machine Poisson arrivals at 300/s: M/M/4.
    let jackson = mmc_wait_ms(300.0, 100.0, 4);
    let random = balanced(BalancerAlgorithm::Random);
    assert!((random - jackson).abs() / jackson < 0.05, "random {random} ms, M/M/4 {jackson} ms");
    // Every third arrival has Erlang-3 gaps, smoother than Poisson: clearly less waiting.
    let round_robin = balanced(BalancerAlgorithm::RoundRobin);
    assert!(round_robin < 0.75 * jackson, "round robin {round_robin} ms vs M/M/4 {jackson} ms");
}

#[test]
fn littles_law_holds_on_every_node_of_every_example() {
    for path in example_files() {
        let d = cloud_sandbox::model::file::load(&path).unwrap();
        let e = run(&d, &RunOptions::default());
        let r = Report::from_engine(&e, 0.0);
        let measured_secs = r.sim_seconds - r.warmup_seconds;
        for n in &r.nodes {
            let f = &n.figures;
            if f.arrivals < 1000 {
                continue;
            }
            let lambda = f.arrivals as f64 / measured_secs;
            let l_from_w = lambda * f.mean_sojourn_ms / 1000.0;
            let tolerance = 0.03 * f.mean_in_node + 0.01;
            assert!(
                (f.mean_in_node - l_from_w).abs() <= tolerance,
                "{}: node {}: L = {} but λW = {}",
                path.display(),
                n.id,
                f.mean_in_node,
                l_from_w
            );
        }
    }
}
