//! Engine speed on the M/M/10 model of `saves/theory/mm10.ron`: simulated customers per second of
//! wall time, one thread. `cargo bench` runs it; README's "Performance" section has the figures
//! beside the peer engines measured the same way (scripts/bench-peers.sh).
#![allow(clippy::unwrap_used, missing_docs)]

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::file;
use cloud_sandbox::sim::{Engine, RunOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn mm10(c: &mut Criterion) {
    let diagram = file::from_ron_str(include_str!("../saves/theory/mm10.ron"), "mm10.ron").unwrap();
    let catalog = Catalog::embedded();
    let customers = 1_000_000u64;
    // λ = 900/s: 10^6 customers arrive in 1111 s, plus the 10 s warm-up.
    let options = RunOptions { duration_secs: Some(customers as f64 / 900.0 + 10.0), ..RunOptions::default() };
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(customers));
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("mm10_1e6_customers", |b| {
        b.iter(|| {
            let mut engine = Engine::new(&diagram, &catalog, &options).unwrap();
            engine.run_to_end();
            black_box(engine.client_totals())
        });
    });
    group.finish();
}

criterion_group!(benches, mm10);
criterion_main!(benches);
