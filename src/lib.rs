//! Cloud Sandbox: draw a cloud architecture, run it, and see its throughput, latency, failures
//! and cost.
//!
//! The crate is a library that the `cloud-sandbox` binary (window and command line) and the tests
//! share:
//!
//! - [`model`]: the diagram people edit and save (nodes, edges, scenario), its RON file format and
//!   its validation;
//! - [`sim`]: the deterministic discrete-event engine that runs a diagram;
//! - [`cost`]: the pricing catalog and billing formulas;
//! - [`report`]: what a finished (or paused) run reports, as text, Markdown or JSON;
//! - [`scene`]: what the program draws (colours, the charts of a run, the diagram as SVG or PNG);
//! - [`cli`]: the headless command line.
//!
//! None of these use a GUI crate; the window, [`ui`], lives behind the `gui` feature.

pub mod cli;
pub mod cost;
pub mod model;
pub mod report;
pub mod scene;
pub mod sim;
#[cfg(feature = "gui")]
pub mod ui;
