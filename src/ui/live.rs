//! A run of the diagram inside the window: the engine, driven frame by frame by the clock within a
//! wall-time budget, so the window stays responsive however heavy the diagram.

use crate::cost::Catalog;
use crate::model::Diagram;
use crate::sim::clock::SimClock;
use crate::sim::{Engine, LiveChange, LiveNode, RunOptions, RunStatus, SimTime};
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
    /// The document revision this run was built from (or last brought up to date with).
    pub built_from: u64,
    /// A revision the engine refused (the diagram had problems), not to be tried again.
    refused: Option<u64>,
    /// The document revision the maps below are for.
    mapped: u64,
    /// For each node of the document at `mapped`, its index in the engine (nodes added and not
    /// applied yet have none).
    node_map: Vec<Option<usize>>,
    /// The same for edges.
    edge_map: Vec<Option<usize>>,
    last_time: Option<f64>,
    events_per_sec: f64,
    /// Wall time spent running the engine so far, in seconds.
    pub wall_secs: f64,
    /// Per engine edge: (sent, failed) per simulated second, smoothed, for the traffic animation.
    edge_rates: Vec<(f64, f64)>,
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
            refused: None,
            mapped: revision,
            node_map: (0..diagram.nodes.len()).map(Some).collect(),
            edge_map: (0..diagram.edges.len()).map(Some).collect(),
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
        let reached = self.advance_to(deadline, FRAME_BUDGET);
        let advanced = (self.engine.now().0 - sim_before.0) as f64 / 1e9;
        self.clock.record(advanced, dt, reached);
        if dt > 0.0 {
            let rate = (self.engine.events_processed() - events_before) as f64 / dt;
            self.events_per_sec =
                if self.events_per_sec == 0.0 { rate } else { 0.9 * self.events_per_sec + 0.1 * rate };
        }
        if self.engine.finished() {
            self.clock.playing = false;
        }
    }

    /// Runs the engine toward `deadline` for at most `budget` of wall time; returns whether it got
    /// there. (The clock is the caller's: the Compare view drives two runs with one clock.)
    pub fn advance_to(&mut self, deadline: SimTime, budget: Duration) -> bool {
        let started = Instant::now();
        let mut reached = false;
        while started.elapsed() < budget {
            match self.engine.run_until(deadline, EVENTS_PER_CHECK) {
                RunStatus::ReachedDeadline => {
                    reached = true;
                    break;
                }
                RunStatus::Stopped => break,
                RunStatus::BudgetExhausted => {}
            }
        }
        self.wall_secs += started.elapsed().as_secs_f64();
        self.update_edge_rates();
        reached
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
        // Edges added by a live edit start from nothing.
        self.edge_rates.resize(sent.len(), (0.0, 0.0));
        self.last_counts.0.resize(sent.len(), 0);
        self.last_counts.1.resize(sent.len(), 0);
        for (i, rate) in self.edge_rates.iter_mut().enumerate() {
            let s = (sent[i] - self.last_counts.0[i]) as f64 / dt;
            let f = (failed[i] - self.last_counts.1[i]) as f64 / dt;
            *rate = (0.5 * rate.0 + 0.5 * s, 0.5 * rate.1 + 0.5 * f);
        }
        self.last_counts = (sent.to_vec(), failed.to_vec(), now);
    }

    /// Brings the run up to date with revision `revision` of the document, if it can without
    /// asking: parameter changes apply at the current simulated time. A change of structure, or
    /// one only a new run can take, is returned for the person to decide (see [`Self::apply`]).
    /// A diagram with problems is not applied; the run goes on with the last good version.
    pub fn sync(&mut self, diagram: &Diagram, revision: u64) -> Option<LiveChange> {
        if self.mapped != revision {
            self.remap(diagram, revision);
        }
        if self.built_from == revision || self.refused == Some(revision) {
            return None;
        }
        match self.engine.classify(diagram) {
            LiveChange::None | LiveChange::Parameters => self.apply(diagram, revision).ok(),
            ask => Some(ask),
        }
    }

    /// Applies revision `revision` of the document at the current simulated time, whatever it
    /// changes (the person chose to); the reason when it cannot apply.
    pub fn apply(&mut self, diagram: &Diagram, revision: u64) -> Result<LiveChange, String> {
        match self.engine.apply_live(diagram) {
            Ok(change) => {
                self.built_from = revision;
                self.refused = None;
                self.remap(diagram, revision);
                Ok(change)
            }
            Err(e) => {
                self.refused = Some(revision);
                Err(e.to_string())
            }
        }
    }

    fn remap(&mut self, diagram: &Diagram, revision: u64) {
        self.node_map = diagram.nodes.iter().map(|n| self.engine.node_index(&n.id.0)).collect();
        self.edge_map = diagram.edges.iter().map(|e| self.engine.edge_index(e)).collect();
        self.mapped = revision;
    }

    /// Leaves revision `revision` unapplied without asking again (a later edit asks anew).
    pub fn decline(&mut self, revision: u64) {
        self.refused = Some(revision);
    }

    /// Index in the engine of the document's node with `id`, if the run has it.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.engine.node_index(id)
    }

    /// Each node of the document (as of the last [`Self::sync`]) as it stands in the run, with
    /// its index in the engine; `None` for nodes the run does not have (added, not applied yet).
    pub fn live_nodes(&self) -> Vec<Option<(LiveNode, usize)>> {
        let all = self.engine.live_nodes();
        self.node_map.iter().map(|i| i.and_then(|i| all.get(i).map(|n| (*n, i)))).collect()
    }

    /// Traffic along each edge of the document (as of the last [`Self::sync`]).
    pub fn edge_rates(&self) -> Vec<(f64, f64)> {
        self.edge_map.iter().map(|e| e.and_then(|e| self.edge_rates.get(e)).copied().unwrap_or_default()).collect()
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
