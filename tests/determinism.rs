//! Same diagram and seed, same run, bit for bit — however the run is sliced into steps.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::file;
use cloud_sandbox::report::Report;
use cloud_sandbox::sim::{Engine, RunOptions, SimTime};
use common::*;

fn json_of(engine: &Engine) -> String {
    // Wall time is the one thing allowed to differ; report it as 0.
    Report::from_engine(engine, 0.0).to_json()
}

#[test]
fn same_seed_gives_identical_reports_for_every_example() {
    for path in example_files() {
        let d = file::load(&path).unwrap();
        let a = json_of(&run(&d, &RunOptions::default()));
        let b = json_of(&run(&d, &RunOptions::default()));
        assert_eq!(a, b, "{} is not deterministic", path.display());
    }
}

#[test]
fn slicing_the_run_does_not_change_it() {
    let d = example("coffee-shop-microservices.ron");
    let whole = json_of(&run(&d, &RunOptions::default()));
    // As a window would drive it: small slices of simulated time with small event budgets.
    let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
    let mut deadline = 0u64;
    while !e.finished() {
        deadline += 16_666_667 * 7;
        e.run_until(SimTime(deadline), 500);
    }
    assert_eq!(whole, json_of(&e));
    // And one event at a time.
    let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
    while e.step() {}
    e.run_to_end();
    assert_eq!(whole, json_of(&e));
}

#[test]
fn another_seed_gives_another_run() {
    let d = example("web-app.ron");
    let a = Report::from_engine(&run(&d, &RunOptions { seed: Some(1), ..RunOptions::default() }), 0.0);
    let b = Report::from_engine(&run(&d, &RunOptions { seed: Some(2), ..RunOptions::default() }), 0.0);
    assert_eq!(a.seed, 1);
    assert_eq!(b.seed, 2);
    assert_ne!(a.latency_ms.mean, b.latency_ms.mean);
}
