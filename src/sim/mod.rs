//! The discrete-event engine: a diagram in, a deterministic run out.
//!
//! Time is whole nanoseconds ([`SimTime`]); events at equal times run in the order they were
//! scheduled; one seeded random stream feeds every draw; no hash-ordered collections and no wall
//! clock are used, so the same diagram and seed give the same run, bit for bit.
//!
//! ```
//! use cloud_sandbox::{cost::Catalog, model::file, sim::{Engine, RunOptions}};
//! let diagram = file::from_ron_str(include_str!("../../saves/web-app.ron"), "web-app.ron").unwrap();
//! let mut engine = Engine::new(&diagram, &Catalog::embedded(), &RunOptions::default()).unwrap();
//! engine.run_to_end();
//! let totals = engine.client_totals();
//! assert_eq!(totals.generated, totals.succeeded + totals.failed + totals.in_flight);
//! ```
//!
//! Each node kind's behaviour lives in its own file; [`call`] carries requests and answers
//! between them.

mod balancer;
mod call;
mod client;
pub mod clock;
mod events;
mod faults;
mod function;
mod instance;
mod metrics;
mod queue;
mod sampler;
mod slab;
pub mod stats;
pub mod time;
mod topic;

pub use metrics::{
    BalancerFigures, ClientTotals, FunctionFigures, GlobalSample, InstanceFigures, LiveNode, NodeFigures, NodeSample,
    QueueTotals, TopicFigures,
};
pub use time::SimTime;

use crate::cost::{Catalog, NodeUsage};
use crate::model::validate::{self, Problem};
use crate::model::{Diagram, Kind, NodeKind};
use balancer::BalancerState;
use call::{Call, Link};
use client::{ClientState, Request};
use events::{Event, EventQueue};
use function::FunctionState;
use instance::InstanceState;
use metrics::Metrics;
use queue::{Message, QueueState, Receive};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use slab::Slab;
use stats::TimeAverage;
use std::collections::BTreeMap;
use thiserror::Error;
use time::{ms_to_nanos, secs_to_nanos};
use topic::{Delivery, TopicState};

/// Why a piece of work failed. Failures travel upstream unchanged, so a client's failure names the
/// root cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailReason {
    /// The node (or the instance) was down.
    NodeDown,
    /// A component of the instance had failed, taking the instance down.
    ComponentFailed,
    /// The instance's backlog was at its limit.
    BacklogFull,
    /// The client stopped waiting.
    Timeout,
    /// The function was at its concurrency limit.
    Throttled,
    /// The function ran past its timeout.
    FunctionTimeout,
    /// The balancer believed none of its targets healthy.
    NoHealthyTarget,
}

impl FailReason {
    /// The name used in reports, in snake case.
    pub fn name(self) -> &'static str {
        match self {
            Self::NodeDown => "node_down",
            Self::ComponentFailed => "component_failed",
            Self::BacklogFull => "backlog_full",
            Self::Timeout => "timeout",
            Self::Throttled => "throttled",
            Self::FunctionTimeout => "function_timeout",
            Self::NoHealthyTarget => "no_healthy_target",
        }
    }
}

/// Overrides for a run; `None` keeps the diagram's own setting.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Seed of the random stream.
    pub seed: Option<u64>,
    /// Simulated seconds to run.
    pub duration_secs: Option<f64>,
    /// Simulated seconds before statistics start.
    pub warmup_secs: Option<f64>,
}

/// Why an engine could not be built.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The diagram has problems; each is listed.
    #[error("the diagram has {} problem(s):\n{}", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

/// How a call to [`Engine::run_until`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Every event up to the deadline ran; the clock is at the deadline.
    ReachedDeadline,
    /// The event budget ran out first; the clock is at the last event run.
    BudgetExhausted,
}

/// Per-kind state of a node. One per node and never moved in the hot path, so the size of the
/// largest variant (a client's histograms) costs nothing worth boxing for.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Behaviour {
    Client(ClientState),
    Balancer(BalancerState),
    Instance(InstanceState),
    Topic(TopicState),
    Queue(QueueState),
    Function(FunctionState),
}

/// Counters every node keeps, whatever its kind.
#[derive(Debug, Default)]
pub(crate) struct NodeCounters {
    /// Calls or messages that reached the node (after warm-up).
    pub arrivals: u64,
    /// Of those, finished successfully.
    pub completed: u64,
    /// Of those, failed here or downstream.
    pub failed: u64,
    /// Sum of time spent at the node by finished ones, in ns.
    pub sojourn_ns: f64,
    /// Work at the node (waiting, in service or waiting for downstream).
    pub in_node: TimeAverage,
}

/// One node of the running simulation.
#[derive(Debug)]
pub(crate) struct NodeState {
    pub behaviour: Behaviour,
    pub counters: NodeCounters,
    /// Whole-node outage (balancers and functions; instances go down one by one).
    pub down_count: u32,
    /// Service-time multiplier (1 normally).
    pub slow_factor: f64,
}

/// The running simulation of one diagram.
pub struct Engine {
    pub(crate) diagram: Diagram,
    pub(crate) catalog: Catalog,
    pub(crate) seed: u64,
    pub(crate) now: u64,
    pub(crate) end: u64,
    pub(crate) measure_from: u64,
    pub(crate) events_processed: u64,
    events: EventQueue,
    rng: Xoshiro256PlusPlus,
    pub(crate) nodes: Vec<NodeState>,
    pub(crate) links: Vec<Vec<Link>>,
    calls: Slab<Call>,
    requests: Slab<Request>,
    messages: Slab<Message>,
    receives: Slab<Receive>,
    deliveries: Slab<Delivery>,
    pub(crate) metrics: Metrics,
    /// Edge index of each (from, to) pair, for counting traffic outside the call path.
    edge_of: BTreeMap<(u32, u32), u32>,
    /// Calls and messages sent along each edge, and how many of them failed.
    edge_sent: Vec<u64>,
    edge_failed: Vec<u64>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("now", &self.now).field("events", &self.events_processed).finish_non_exhaustive()
    }
}

impl Engine {
    /// Prepares a run of `diagram`; refuses a diagram with problems (see [`validate::check`]).
    pub fn new(diagram: &Diagram, catalog: &Catalog, options: &RunOptions) -> Result<Self, BuildError> {
        let mut diagram = diagram.clone();
        if let Some(seed) = options.seed {
            diagram.scenario.seed = seed;
        }
        if let Some(d) = options.duration_secs {
            diagram.scenario.duration_secs = d;
        }
        if let Some(w) = options.warmup_secs {
            diagram.scenario.warmup_secs = w;
        }
        let problems = validate::check(&diagram, catalog);
        if !problems.is_empty() {
            return Err(BuildError::Invalid(problems));
        }
        let index: BTreeMap<&str, u32> =
            diagram.nodes.iter().enumerate().map(|(i, n)| (n.id.0.as_str(), i as u32)).collect();
        let message_types = call::intern_message_types(&diagram);
        let mut links: Vec<Vec<Link>> = vec![Vec::new(); diagram.nodes.len()];
        let mut sources: Vec<Vec<u32>> = vec![Vec::new(); diagram.nodes.len()];
        let mut dead_letter: Vec<Option<u32>> = vec![None; diagram.nodes.len()];
        let mut edge_of = BTreeMap::new();
        for (edge_index, edge) in diagram.edges.iter().enumerate() {
            let (from, to) = (index[edge.from.0.as_str()], index[edge.to.0.as_str()]);
            edge_of.insert((from, to), edge_index as u32);
            let from_kind = diagram.nodes[from as usize].kind.kind();
            if edge.dead_letter {
                dead_letter[from as usize] = Some(to);
            } else if from_kind == Kind::Queue {
                sources[to as usize].push(from);
            } else {
                links[from as usize].push(Link {
                    to,
                    latency_ns: ms_to_nanos(edge.latency_ms),
                    filter: edge.filter.iter().map(|f| message_types[f.as_str()]).collect(),
                    edge: edge_index as u32,
                });
            }
        }
        let end = secs_to_nanos(diagram.scenario.duration_secs);
        let measure_from = secs_to_nanos(diagram.scenario.warmup_secs);
        let mut nodes = Vec::with_capacity(diagram.nodes.len());
        for (i, node) in diagram.nodes.iter().enumerate() {
            let behaviour = match &node.kind {
                NodeKind::Client(p) => Behaviour::Client(ClientState::new(p, &message_types)),
                NodeKind::Balancer(p) => Behaviour::Balancer(BalancerState::new(p, &links[i], &diagram)),
                NodeKind::Instance(p) => Behaviour::Instance(InstanceState::new(p, catalog, sources[i].clone())),
                NodeKind::Topic(p) => Behaviour::Topic(TopicState::new(p)),
                NodeKind::Queue(p) => {
                    let consumers = (0..diagram.nodes.len() as u32)
                        .filter(|c| sources[*c as usize].contains(&(i as u32)))
                        .collect();
                    Behaviour::Queue(QueueState::new(p, consumers, dead_letter[i]))
                }
                NodeKind::Function(p) => Behaviour::Function(FunctionState::new(p, sources[i].clone())),
            };
            nodes.push(NodeState { behaviour, counters: NodeCounters::default(), down_count: 0, slow_factor: 1.0 });
        }
        let seed = diagram.scenario.seed;
        let metrics = Metrics::new(&diagram);
        let diagram_edges = diagram.edges.len();
        let mut engine = Self {
            diagram,
            catalog: catalog.clone(),
            seed,
            now: 0,
            end,
            measure_from,
            events_processed: 0,
            events: EventQueue::default(),
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            nodes,
            links,
            calls: Slab::default(),
            requests: Slab::default(),
            messages: Slab::default(),
            receives: Slab::default(),
            deliveries: Slab::default(),
            metrics,
            edge_sent: vec![0; diagram_edges],
            edge_failed: vec![0; diagram_edges],
            edge_of,
        };
        engine.start();
        Ok(engine)
    }

    /// Schedules what happens on its own: first requests, health checks, samples, faults.
    fn start(&mut self) {
        for i in 0..self.nodes.len() as u32 {
            match &mut self.nodes[i as usize].behaviour {
                Behaviour::Client(_) => self.schedule_next_request(i),
                Behaviour::Balancer(b) => {
                    let at = b.interval_ns;
                    self.events.push(at, Event::HealthCheck { balancer: i });
                }
                Behaviour::Instance(s) => {
                    s.start(0, self.measure_from);
                }
                _ => {}
            }
        }
        let sample = self.metrics.interval_ns;
        self.events.push(sample, Event::Sample);
        for (i, fault) in self.diagram.scenario.faults.iter().enumerate() {
            let (at, len) = fault.window_secs();
            self.events.push(secs_to_nanos(at), Event::FaultStart { fault: i as u32 });
            if let Some(len) = len {
                self.events.push(secs_to_nanos(at + len), Event::FaultEnd { fault: i as u32 });
            }
        }
    }

    /// Simulated time now.
    pub fn now(&self) -> SimTime {
        SimTime(self.now)
    }

    /// Simulated time at which the scenario ends.
    pub fn end(&self) -> SimTime {
        SimTime(self.end)
    }

    /// The seed of this run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The diagram being run (with the run's overrides applied).
    pub fn diagram(&self) -> &Diagram {
        &self.diagram
    }

    /// The pricing catalog in use.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Events run so far.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// Per edge (in diagram order): calls and messages that went along it since the start, and how
    /// many of those failed. Queue edges count messages received by the consumer or moved to the
    /// dead-letter queue.
    pub fn edge_traffic(&self) -> (&[u64], &[u64]) {
        (&self.edge_sent, &self.edge_failed)
    }

    /// Counts `n` hand-offs along the edge from `from` to `to`, if there is one.
    pub(crate) fn count_edge(&mut self, from: u32, to: u32, n: u64) {
        if let Some(&e) = self.edge_of.get(&(from, to)) {
            self.edge_sent[e as usize] += n;
        }
    }

    /// Events scheduled and not yet run.
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }

    /// Work in flight: (calls, client requests, queue messages). Bounded by what the diagram holds
    /// at once, never by how long the run has been going.
    pub fn work_in_flight(&self) -> (usize, usize, usize) {
        (self.calls.len(), self.requests.len(), self.messages.len())
    }

    /// Whether the clock has reached the end of the scenario.
    pub fn finished(&self) -> bool {
        self.now >= self.end
    }

    /// Runs every event up to `deadline` (capped at the scenario's end), at most `event_budget` of
    /// them. The clock then stands at the deadline, or at the last event run if the budget ran out.
    pub fn run_until(&mut self, deadline: SimTime, event_budget: u64) -> RunStatus {
        let deadline = deadline.0.min(self.end);
        let mut budget = event_budget;
        while let Some(t) = self.events.peek_time() {
            if t > deadline {
                break;
            }
            if budget == 0 {
                return RunStatus::BudgetExhausted;
            }
            budget -= 1;
            if let Some((time, event)) = self.events.pop() {
                self.now = time;
                self.events_processed += 1;
                self.dispatch(event);
            }
        }
        self.now = self.now.max(deadline);
        RunStatus::ReachedDeadline
    }

    /// Runs exactly one event, if any is due before the end; returns whether one ran.
    pub fn step(&mut self) -> bool {
        if self.events.is_empty() {
            return false;
        }
        match self.events.peek_time() {
            Some(t) if t <= self.end => {
                if let Some((time, event)) = self.events.pop() {
                    self.now = time;
                    self.events_processed += 1;
                    self.dispatch(event);
                }
                true
            }
            _ => false,
        }
    }

    /// Runs to the end of the scenario.
    pub fn run_to_end(&mut self) {
        self.run_until(SimTime(self.end), u64::MAX);
    }

    fn dispatch(&mut self, event: Event) {
        match event {
            Event::Generate { client } => self.generate(client),
            Event::Arrive { call } => self.arrive(call),
            Event::Respond { call } => self.respond(call),
            Event::WorkDone { node, instance, slot, epoch } => self.work_done(node, instance, slot, epoch),
            Event::FunctionDone { call } => self.function_done(call),
            Event::AttemptTimeout { request, attempt } => self.attempt_timeout(request, attempt),
            Event::Retry { request } => self.retry(request),
            Event::HealthCheck { balancer } => self.health_check(balancer),
            Event::VisibilityExpire { message, receive_seq } => self.visibility_expire(message, receive_seq),
            Event::Redeliver { delivery } => self.deliver(delivery),
            Event::Sample => self.sample(),
            Event::FaultStart { fault } => self.fault_start(fault),
            Event::FaultEnd { fault } => self.fault_end(fault),
            Event::Recover { node } => self.recover_node(node as usize),
        }
    }

    /// What each node has used so far, for billing.
    pub fn usages(&self) -> Vec<NodeUsage> {
        self.nodes.iter().map(|n| self.usage_of(n)).collect()
    }

    fn usage_of(&self, node: &NodeState) -> NodeUsage {
        let now = self.now;
        match &node.behaviour {
            Behaviour::Client(_) => NodeUsage::Free,
            Behaviour::Instance(s) => s.usage(now),
            Behaviour::Balancer(b) => NodeUsage::Balancer { existed_secs: now as f64 / 1e9, hours: b.hours.clone() },
            Behaviour::Queue(q) => NodeUsage::Queue { fifo: q.fifo, billable_requests: q.billable_requests },
            Behaviour::Topic(t) => {
                NodeUsage::Topic { billable_publishes: t.billable_publishes, http_deliveries: t.http_deliveries }
            }
            Behaviour::Function(f) => NodeUsage::Function {
                architecture: f.architecture,
                invocations: f.invocations_all,
                gb_seconds: f.gb_seconds,
            },
        }
    }

    fn measured(&self, at: u64) -> bool {
        at >= self.measure_from
    }
}
