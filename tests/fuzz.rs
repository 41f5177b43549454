//! A structured fuzzer for files from other people: diagrams made by mutating the examples (and a
//! few built here) field by field through their serde form, so that every kind and every option
//! of the file format is reached without being listed here — a new field is fuzzed the day it is
//! added. Numbers are set to values at and beyond the documented limits (0, −1, tiny, huge, the
//! limits themselves and one past them), references are pointed at other nodes (making cycles
//! through queues and topics, and through synchronous calls), nodes, edges and faults are copied
//! and removed. For each diagram:
//!
//! - `check` answers (it never panics), and the text form reads back or is refused with a reason;
//! - what `check` accepts builds and runs, in slices, within an event budget and a small ceiling
//!   on what it may hold; simulated time never stands still for a million events; the books
//!   balance at every slice; the report has no NaN, infinity or unexpected null.
//!
//! `cargo test` runs a few hundred cases. The long run is
//! `FUZZ_CASES=10000 cargo test --release --test fuzz -- --nocapture` (its figures are in README);
//! `FUZZ_SEED` starts elsewhere. A failing case is written to `target/fuzz-failures/` as RON.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::validate::check;
use cloud_sandbox::model::{Diagram, file};
use cloud_sandbox::report::Report;
use cloud_sandbox::sim::{Engine, RunOptions, RunStatus};
use common::*;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::Value;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

/// Numbers a mutated field may take: ordinary, at and past the documented limits, absurd.
const NUMBERS: &[f64] = &[
    0.0,
    1.0,
    -1.0,
    0.001,
    1e-9,
    2.0,
    5.0,
    10.0,
    100.0,
    101.0,
    1_000.0,
    1_001.0,
    65_535.0,
    65_536.0,
    100_000.0,
    100_001.0,
    1_000_000.0,
    1_000_001.0,
    10_000_000.0,
    10_000_001.0,
    4_294_967_295.0,
    315_360_000.0,
    315_360_001.0,
    1e12,
    1e300,
    -1e300,
];

/// Events a case may run; simulated time must move within [`FROZEN`] of them.
const BUDGET: u64 = 1_500_000;
const SLICE: u64 = 50_000;
const FROZEN: u64 = 1_000_000;
/// What a case may hold at once (the engine's own ceiling is far higher).
const MAX_HELD: u64 = 300_000;

/// Keys whose value may be `null` in a report (optional by design); any other null is a NaN or
/// an infinity that serde wrote as null.
const OPTIONAL: &[&str] = &[
    "stopped",
    "both",
    "failures_stopped",
    "queues_drained",
    "recovery_secs",
    "failures_stopped_secs",
    "queues_drained_secs",
    "client",
    "queue",
    "instance",
    "function",
    "topic",
    "balancer",
    "end_secs",
    "scheduled",
    "range",
    "instance_index",
];

/// How the cases went.
#[derive(Debug, Default)]
struct Tally {
    cases: u64,
    refused_by_check: u64,
    unreadable_text: u64,
    ran_to_end: u64,
    stopped_held: u64,
    over_budget: u64,
    events: u64,
    slowest_secs: f64,
}

/// Every JSON pointer in `v` to a number, string, bool or array.
fn places(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                places(child, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            out.push(at.clone());
            for (i, child) in items.iter().enumerate() {
                places(child, format!("{at}/{i}"), out);
            }
        }
        Value::Number(_) | Value::String(_) | Value::Bool(_) => out.push(at),
        Value::Null => {}
    }
}

fn ids(v: &Value) -> Vec<String> {
    v["nodes"]
        .as_array()
        .map_or_else(Vec::new, |nodes| nodes.iter().filter_map(|n| n["id"].as_str().map(str::to_owned)).collect())
}

/// One random change to the diagram's serde form.
fn mutate(v: &mut Value, rng: &mut Xoshiro256PlusPlus, fresh: &mut u32, gentle: bool) {
    let ids = ids(v);
    // Sometimes a new edge between two nodes: loops through queues and topics, and wrong wiring.
    if rng.random_bool(0.15) && !ids.is_empty() {
        let (a, b) = (&ids[rng.random_range(0..ids.len())], &ids[rng.random_range(0..ids.len())]);
        if gentle && a == b {
            return;
        }
        let edge = serde_json::json!({"from": a, "to": b, "latency_ms": 0.0});
        if let Some(edges) = v["edges"].as_array_mut() {
            edges.push(edge);
        }
        return;
    }
    let mut all = Vec::new();
    places(v, String::new(), &mut all);
    if all.is_empty() {
        return;
    }
    let at = all[rng.random_range(0..all.len())].clone();
    let last = at.rsplit('/').next().unwrap_or("").to_owned();
    let Some(place) = v.pointer_mut(&at) else { return };
    // A unit variant's name ("Poisson") and a position's pair keep their shape: changing them only
    // makes text the reader refuses, which the file tests cover.
    let variant = place.as_str().is_some_and(|s| {
        s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_alphanumeric() || c == '_')
    });
    if variant || last == "pos" {
        return;
    }
    match place {
        Value::Number(n) => {
            let old = n.as_f64().unwrap_or(1.0);
            let new = match rng.random_range(0..if gentle { 2 } else { 4 }) {
                0 => old * rng.random_range(1.0..3.0),
                1 => old * rng.random_range(0.0..1.0),
                _ => NUMBERS[rng.random_range(0..NUMBERS.len())],
            };
            // Whole numbers stay whole where they were (counts), so they still read as integers.
            *place = if n.is_f64() {
                serde_json::json!(new)
            } else if new >= 0.0 && new <= u64::MAX as f64 {
                serde_json::json!(new as u64)
            } else {
                serde_json::json!(new as i64)
            };
        }
        Value::String(_) if gentle => {}
        Value::String(s) => {
            *s = match last.as_str() {
                "from" | "to" | "node" if !ids.is_empty() => ids[rng.random_range(0..ids.len())].clone(),
                _ if rng.random_bool(0.5) && !ids.is_empty() => ids[rng.random_range(0..ids.len())].clone(),
                _ => "x".repeat(rng.random_range(0..250)),
            };
        }
        Value::Bool(b) => *b = !*b,
        Value::Array(items) if !items.is_empty() => {
            // A third of the time one element goes, otherwise one is copied (a node under a new id).
            if rng.random_range(0..3) == 0 {
                items.remove(rng.random_range(0..items.len()));
            } else {
                let mut copy = items[rng.random_range(0..items.len())].clone();
                if let Some(id) = copy.get_mut("id") {
                    *fresh += 1;
                    *id = Value::String(format!("copy{fresh}"));
                }
                items.push(copy);
            }
        }
        Value::Array(_) | Value::Object(_) | Value::Null => {}
    }
}

/// A mutated diagram from one of the seeds, or `None` when the mutation no longer has the
/// diagram's shape (a string where a number goes): such text is refused by the reader. Half the
/// cases are gentle (numbers scaled, not set to extremes: mostly legal diagrams that run), half
/// adversarial.
fn case(seeds: &[Value], rng: &mut Xoshiro256PlusPlus) -> Option<Diagram> {
    let mut v = seeds[rng.random_range(0..seeds.len())].clone();
    let mut fresh = 0;
    let gentle = rng.random_bool(0.5);
    for _ in 0..rng.random_range(1..9) {
        mutate(&mut v, rng, &mut fresh, gentle);
    }
    match serde_json::from_value(v) {
        Ok(d) => Some(d),
        Err(e) => {
            if std::env::var("FUZZ_DEBUG").is_ok() {
                eprintln!("not a diagram: {e}");
            }
            None
        }
    }
}

/// Every null of `v` under a key not in [`OPTIONAL`].
fn stray_nulls(v: &Value, key: &str, out: &mut Vec<String>) {
    match v {
        Value::Null if !OPTIONAL.contains(&key) => out.push(key.to_owned()),
        Value::Object(map) => map.iter().for_each(|(k, c)| stray_nulls(c, k, out)),
        Value::Array(items) => items.iter().for_each(|c| stray_nulls(c, key, out)),
        _ => {}
    }
}

fn books_balance(e: &Engine, context: &str) {
    let t = e.client_totals();
    assert_eq!(t.generated, t.succeeded + t.failed + t.in_flight, "{context}: {t:?}");
    let w = e.work_totals();
    assert_eq!(t.generated, w.fulfilled + w.lost + w.pending, "{context}: work {w:?} of {t:?}");
    for i in 0..e.diagram().nodes.len() {
        if let Some(q) = e.queue_totals(i) {
            assert_eq!(
                q.sent,
                q.deleted + q.expired + q.dead_lettered + q.in_queue_at_end + q.removed,
                "{context}: {q:?}"
            );
        }
    }
}

/// Runs one diagram through everything; panics say what went wrong.
fn run_case(d: &Diagram, tally: &mut Tally) {
    let catalog = Catalog::embedded();
    let problems = check(d, &catalog);
    let _warnings = cloud_sandbox::model::validate::warnings(d);
    // The text form reads back, or is refused with a reason — never a panic.
    if let Ok(text) = file::to_ron_string(d)
        && file::from_ron_str(&text, "case").is_err()
    {
        tally.unreadable_text += 1;
    }
    if !problems.is_empty() {
        if std::env::var("FUZZ_DEBUG").is_ok() {
            eprintln!("refused: {}", problems[0]);
        }
        tally.refused_by_check += 1;
        return;
    }
    let options = RunOptions { max_held: Some(MAX_HELD), ..RunOptions::default() };
    let mut e = match Engine::new(d, &catalog, &options) {
        Ok(e) => e,
        Err(err) => panic!("check accepted it but the engine refused it: {err}"),
    };
    let started = Instant::now();
    let (mut still, mut last) = (0, e.now());
    while !e.finished() && e.events_processed() < BUDGET {
        let status = e.run_until(e.end(), SLICE);
        books_balance(&e, &format!("at {}", e.now()));
        if status == RunStatus::BudgetExhausted && e.now() == last {
            still += SLICE;
            assert!(still < FROZEN, "simulated time stood still at {} for {still} events", e.now());
        } else {
            (still, last) = (0, e.now());
        }
    }
    match e.stopped() {
        Some(_) => tally.stopped_held += 1,
        None if e.finished() => tally.ran_to_end += 1,
        None => tally.over_budget += 1,
    }
    tally.events += e.events_processed();
    tally.slowest_secs = tally.slowest_secs.max(started.elapsed().as_secs_f64());
    let report = Report::from_engine(&e, 0.0);
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    let mut nulls = Vec::new();
    stray_nulls(&json, "", &mut nulls);
    assert!(nulls.is_empty(), "NaN or infinity in the report under {nulls:?}");
    let text = cloud_sandbox::report::to_text(&report);
    assert!(!text.contains("NaN") && !text.contains("inf"), "NaN or infinity in the text report:\n{text}");
}

fn seeds() -> Vec<Value> {
    let mut seeds: Vec<Value> =
        example_files().iter().map(|p| serde_json::to_value(file::load(p).unwrap()).unwrap()).collect();
    seeds.push(serde_json::to_value(always_dead_lettering()).unwrap());
    seeds
}

#[test]
fn hostile_diagrams_never_crash_hang_or_lose_count() {
    let cases: u64 = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let first: u64 = std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let seeds = seeds();
    let mut tally = Tally::default();
    let started = Instant::now();
    for seed in first..first + cases {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let Some(d) = case(&seeds, &mut rng) else {
            tally.cases += 1;
            tally.unreadable_text += 1;
            continue;
        };
        tally.cases += 1;
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| run_case(&d, &mut tally))) {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
            let _ = std::fs::create_dir_all(&dir);
            let path = dir.join(format!("case-{seed}.ron"));
            let _ = file::to_ron_string(&d).map(|t| std::fs::write(&path, t));
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("fuzz case {seed} failed (written to {}): {message}", path.display());
        }
    }
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(str::to_owned))
        .unwrap_or_default();
    println!("{tally:?} in {:.1} s; peak memory {hwm}", started.elapsed().as_secs_f64());
    // The generator must reach the engine, not only `check`.
    assert!(tally.ran_to_end + tally.stopped_held + tally.over_budget > cases / 5, "{tally:?}");
    assert!(tally.refused_by_check > cases / 10, "the mutations must reach the limits too: {tally:?}");
}
