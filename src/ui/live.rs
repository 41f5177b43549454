//! A run of the diagram inside the window: the engine, driven frame by frame by the clock within a
//! wall-time budget, so the window stays responsive however heavy the diagram.

use crate::cost::Catalog;
use crate::model::Diagram;
use crate::sim::clock::SimClock;
use crate::sim::{Engine, RunOptions, RunStatus, SimTime};
use std::time::{Duration, Instant};

/// Wall time one frame may spend running the engine.
const FRAME_BUDGET: Duration = Duration::from_millis(8);
/// Events run between checks of the frame budget.
const EVENTS_PER_CHECK: u64 = 4_000;

/// The live run of one version of the diagram.
pub struct LiveRun {
    /// The engine, at the run's current simulated time.
    pub engine: Engine,
    /// Play, pause and speed.
    pub clock: SimClock,
    /// The document revision this run was built from (or last found equivalent to).
    pub built_from: u64,
    /// What the engine was built from, without what does not affect it (positions, names).
    simulated: Diagram,
    last_time: Option<f64>,
    events_per_sec: f64,
    /// Wall time spent running the engine so far, in seconds.
    pub wall_secs: f64,
    /// Per edge: (sent, failed) per simulated second, smoothed, for the traffic animation.
    pub edge_rates: Vec<(f64, f64)>,
    /// Counts and simulated time at the last rate update.
    last_counts: (Vec<u64>, Vec<u64>, f64),
}

impl LiveRun {
    /// A run at t = 0 of `diagram`; the reasons when the diagram has problems.
    pub fn new(diagram: &Diagram, catalog: &Catalog, revision: u64) -> Result<Self, String> {
        let engine = Engine::new(diagram, catalog, &RunOptions::default()).map_err(|e| e.to_string())?;
        Ok(Self {
            engine,
            clock: SimClock::default(),
            built_from: revision,
            simulated: simulated_part(diagram),
            last_time: None,
            events_per_sec: 0.0,
            wall_secs: 0.0,
            edge_rates: vec![(0.0, 0.0); diagram.edges.len()],
            last_counts: (vec![0; diagram.edges.len()], vec![0; diagram.edges.len()], 0.0),
        })
    }

    /// Runs this frame's share: up to the clock's deadline, within the frame budget. `time` is
    /// the window's clock in seconds.
    pub fn advance(&mut self, time: f64) {
        let dt = self.last_time.map_or(0.0, |t| (time - t).max(0.0));
        self.last_time = Some(time);
        let Some(deadline) = self.clock.deadline(self.engine.now(), self.engine.end(), dt) else {
            return;
        };
        let (sim_before, events_before) = (self.engine.now(), self.engine.events_processed());
        let started = Instant::now();
        let mut reached = false;
        while started.elapsed() < FRAME_BUDGET {
            if self.engine.run_until(deadline, EVENTS_PER_CHECK) == RunStatus::ReachedDeadline {
                reached = true;
                break;
            }
        }
        self.wall_secs += started.elapsed().as_secs_f64();
        let advanced = (self.engine.now().0 - sim_before.0) as f64 / 1e9;
        self.clock.record(advanced, dt, reached);
        if dt > 0.0 {
            let rate = (self.engine.events_processed() - events_before) as f64 / dt;
            self.events_per_sec =
                if self.events_per_sec == 0.0 { rate } else { 0.9 * self.events_per_sec + 0.1 * rate };
        }
        self.update_edge_rates();
        if self.engine.finished() {
            self.clock.playing = false;
        }
    }

    /// Turns the engine's per-edge counts into rates per simulated second, over at least a quarter
    /// of a simulated second, smoothed so that the animation does not flicker.
    fn update_edge_rates(&mut self) {
        let now = self.engine.now().as_secs();
        let dt = now - self.last_counts.2;
        if dt < 0.25 {
            return;
        }
        let (sent, failed) = self.engine.edge_traffic();
        for (i, rate) in self.edge_rates.iter_mut().enumerate() {
            let s = (sent[i] - self.last_counts.0[i]) as f64 / dt;
            let f = (failed[i] - self.last_counts.1[i]) as f64 / dt;
            *rate = (0.5 * rate.0 + 0.5 * s, 0.5 * rate.1 + 0.5 * f);
        }
        self.last_counts = (sent.to_vec(), failed.to_vec(), now);
    }

    /// Whether `diagram` would simulate differently from what this run was built from (moving or
    /// renaming nodes does not count).
    pub fn differs_from(&self, diagram: &Diagram) -> bool {
        simulated_part(diagram) != self.simulated
    }

    /// Forgets the last frame's time (after a pause, so that the pause is not counted).
    pub fn resync(&mut self) {
        self.last_time = None;
    }

    /// Runs exactly one event.
    pub fn step_event(&mut self) {
        let started = Instant::now();
        self.engine.step();
        self.wall_secs += started.elapsed().as_secs_f64();
    }

    /// Runs `secs` of simulated time at once.
    pub fn step_secs(&mut self, secs: f64) {
        let started = Instant::now();
        let target = SimTime(self.engine.now().0.saturating_add(crate::sim::time::secs_to_nanos(secs)));
        self.engine.run_until(target, u64::MAX);
        self.wall_secs += started.elapsed().as_secs_f64();
    }

    /// Events run per wall second, averaged over recent frames.
    pub fn events_per_sec(&self) -> f64 {
        if self.clock.playing { self.events_per_sec } else { 0.0 }
    }
}

/// The part of a diagram the engine uses: everything but node positions and labels.
fn simulated_part(diagram: &Diagram) -> Diagram {
    let mut d = diagram.clone();
    for node in &mut d.nodes {
        node.pos = (0.0, 0.0);
        node.name.clear();
    }
    d.scenario.name.clear();
    d.scenario.description.clear();
    d
}
