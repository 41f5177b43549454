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

mod badges;
mod balancer;
mod bill;
mod call;
mod client;
pub mod clock;
mod containers;
mod events;
mod faults;
mod figures;
mod function;
mod instance;
mod kinds;
mod live;
mod meter;
mod metrics;
mod queue;
mod sampler;
mod scaling;
mod slab;
pub mod stats;
pub mod time;
mod topic;
mod work;

pub use badges::LiveNode;
pub use containers::{ContainerFigures, ContainerOption, ContainerWhatIf};
pub use faults::FaultWindow;
pub use figures::{
    BalancerFigures, ClientTotals, FunctionFigures, InstanceFigures, NodeFigures, QueueTotals, TopicFigures,
};
pub use live::{LiveChange, StructureChange};
pub use metrics::{GlobalSample, NodeSample, SERIES_CAPACITY};
pub use scaling::Activity;
pub use time::SimTime;
pub use work::WorkTotals;

use crate::cost::{Catalog, NodeUsage};
use crate::model::validate::{self, Problem};
use crate::model::{Diagram, Edge, Kind, Node};
use call::{Call, Link};
use client::Request;
use events::{Event, EventQueue};
pub(crate) use kinds::Behaviour;
use metrics::Metrics;
use queue::{Message, Receive, Sources};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use slab::Slab;
use stats::TimeAverage;
use std::collections::BTreeMap;
use thiserror::Error;
use time::{ms_to_nanos, secs_to_nanos};
use topic::Delivery;

/// Queues and topics one piece of work may pass through. A message or publish that has already
/// passed through this many is refused where it arrives (counted as `loop_detected`, sent to the
/// queue's dead-letter queue if it has one, its work lost): a loop through queues and topics —
/// which `check` allows, since real designs have them — then cannot multiply messages without end.
/// AWS stops recursive loops through SQS, SNS and Lambda after about 16 invocations in the same way.
pub const MAX_HOPS: u8 = 16;

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
    /// The node (or the machine) was deleted, or scaled in, while the work was there.
    Removed,
    /// The spot machine was interrupted (taken back by AWS) while the work was there.
    SpotInterrupted,
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
            Self::Removed => "removed",
            Self::SpotInterrupted => "spot_interrupted",
        }
    }
}

/// The seed of a client's own arrival stream: the run's seed mixed with the client's id (FNV-1a),
/// so that it does not depend on the other nodes of the diagram.
fn client_stream_seed(seed: u64, id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ h
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
    /// Apply the free tier to the bill.
    pub free_tier: Option<bool>,
    /// Things the run may hold at once before it stops (`None`: [`MAX_HELD`]; tests use less).
    pub max_held: Option<u64>,
}

/// Why an engine could not be built.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The diagram has problems; each is listed.
    #[error("the diagram has {} problem(s):\n{}", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
    /// The change can only apply to a new run.
    #[error("{0}")]
    NeedsReset(String),
}

/// Things a run may hold in memory at once: scheduled events, calls, client requests, queue
/// messages and topic deliveries together. About 100 bytes each (2 GB measured at the ceiling),
/// whatever the file (see `saves/README.md`); a run that would hold more stops with
/// [`Stopped`] instead of filling the memory.
pub const MAX_HELD: u64 = 20_000_000;

/// Events run between two looks at what the run holds (the look is not free; between two, a
/// run can grow by at most this many events' worth).
const HELD_CHECK_EVERY: u64 = 4_096;

/// Why a run stopped before the end of its scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// It held more than [`MAX_HELD`] things at once.
    HeldLimit,
    /// Someone asked it to stop (Ctrl-C).
    Interrupted,
}

/// A run that stopped before its end: when, why, and in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stopped {
    /// Simulated seconds reached.
    pub at_secs: f64,
    /// Why.
    pub reason: StopReason,
    /// What a person reads: "stopped at t = 1.0 s: 20,000,012 messages in queues …".
    pub message: String,
}

/// How a call to [`Engine::run_until`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Every event up to the deadline ran; the clock is at the deadline.
    ReachedDeadline,
    /// The event budget ran out first; the clock is at the last event run.
    BudgetExhausted,
    /// The run stopped for good before its end (see [`Engine::stopped`]).
    Stopped,
}

/// Counters every node keeps, whatever its kind.
#[derive(Debug, Default)]
pub(crate) struct NodeCounters {
    /// Calls or messages that reached the node (after warm-up).
    pub arrivals: u64,
    /// The same since the start (predictive scaling reads it).
    pub arrivals_all: u64,
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
    /// Deleted from the diagram during the run; kept so that its totals still count.
    pub removed: bool,
    /// The queues it reads (only consumers — instances, functions — have any: `check` allows
    /// queue edges to nothing else), and which it polls next.
    pub sources: Sources,
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
    /// Edges deleted from the diagram during the run.
    pub(crate) removed_edges: Vec<bool>,
    /// Ids of the message type names.
    pub(crate) message_types: BTreeMap<String, u16>,
    /// Whether a sample is scheduled.
    sampling: bool,
    /// Auto Scaling activities, oldest first.
    pub(crate) activities: std::collections::VecDeque<Activity>,
    /// Faults as they happened.
    pub(crate) fault_log: Vec<faults::FaultWindow>,
    /// Scheduled faults in force: outages with what they took down, random failures, spikes.
    pub(crate) active_faults: faults::ActiveFaults,
    /// Client requests' work followed end to end.
    pub(crate) work: work::WorkLedger,
    /// Why the run stopped before its end, once it has.
    stopped: Option<Stopped>,
    /// Things it may hold at once (see [`MAX_HELD`]).
    max_held: u64,
    /// The index of each node not removed, by id (a search would make wiring quadratic).
    pub(crate) live_ids: std::collections::HashMap<String, u32>,
    /// The balancer nodes (removed ones included), for what every balancer must hear of.
    pub(crate) balancers: Vec<u32>,
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
        if let Some(f) = options.free_tier {
            diagram.scenario.free_tier = f;
        }
        let problems = validate::check(&diagram, catalog);
        if !problems.is_empty() {
            return Err(BuildError::Invalid(problems));
        }
        let end = secs_to_nanos(diagram.scenario.duration_secs);
        let measure_from = secs_to_nanos(diagram.scenario.warmup_secs);
        let seed = diagram.scenario.seed;
        let metrics = Metrics::new(&diagram);
        let mut engine = Self {
            diagram: Diagram { nodes: Vec::new(), edges: Vec::new(), ..diagram.clone() },
            catalog: catalog.clone(),
            seed,
            now: 0,
            end,
            measure_from,
            events_processed: 0,
            events: EventQueue::default(),
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            nodes: Vec::new(),
            links: Vec::new(),
            calls: Slab::default(),
            requests: Slab::default(),
            messages: Slab::default(),
            receives: Slab::default(),
            deliveries: Slab::default(),
            metrics,
            message_types: BTreeMap::new(),
            edge_of: BTreeMap::new(),
            edge_sent: Vec::new(),
            edge_failed: Vec::new(),
            removed_edges: Vec::new(),
            sampling: false,
            activities: std::collections::VecDeque::new(),
            fault_log: Vec::new(),
            active_faults: faults::ActiveFaults::default(),
            work: work::WorkLedger::default(),
            stopped: None,
            max_held: options.max_held.unwrap_or(MAX_HELD).min(MAX_HELD),
            live_ids: std::collections::HashMap::new(),
            balancers: Vec::new(),
        };
        engine.intern_message_types(&diagram);
        for node in &diagram.nodes {
            engine.add_node(node);
        }
        for edge in &diagram.edges {
            engine.add_edge(edge);
        }
        for i in 0..engine.nodes.len() as u32 {
            engine.start_node(i);
        }
        engine.schedule_sample(engine.metrics.interval_ns);
        for (i, fault) in diagram.scenario.faults.iter().enumerate() {
            let (at, len) = fault.window_secs();
            engine.events.push(secs_to_nanos(at), Event::FaultStart { fault: i as u32 });
            if let Some(len) = len {
                engine.events.push(secs_to_nanos(at + len), Event::FaultEnd { fault: i as u32 });
            }
        }
        Ok(engine)
    }

    /// Adds the state of one node (not yet wired or started).
    pub(crate) fn add_node(&mut self, node: &Node) -> u32 {
        let behaviour = Behaviour::new(self, node);
        self.nodes.push(NodeState {
            behaviour,
            counters: NodeCounters::default(),
            down_count: 0,
            slow_factor: 1.0,
            removed: false,
            sources: Sources::default(),
        });
        self.links.push(Vec::new());
        self.metrics.add_node();
        self.diagram.nodes.push(node.clone());
        let index = (self.nodes.len() - 1) as u32;
        self.live_ids.insert(node.id.0.clone(), index);
        if node.kind.kind() == Kind::Balancer {
            self.balancers.push(index);
        }
        index
    }

    /// Wires one edge between nodes already added: a call link, a queue's consumer, or a
    /// dead-letter queue.
    pub(crate) fn add_edge(&mut self, edge: &Edge) {
        let (Some(from), Some(to)) = (self.live_index(&edge.from.0), self.live_index(&edge.to.0)) else { return };
        let edge_index = self.diagram.edges.len() as u32;
        self.diagram.edges.push(edge.clone());
        self.edge_sent.push(0);
        self.edge_failed.push(0);
        self.removed_edges.push(false);
        self.edge_of.insert((from, to), edge_index);
        let from_kind = self.diagram.nodes[from as usize].kind.kind();
        if edge.dead_letter {
            if let Behaviour::Queue(q) = &mut self.nodes[from as usize].behaviour {
                q.dead_letter = Some(to);
            }
        } else if from_kind == Kind::Queue {
            if let Behaviour::Queue(q) = &mut self.nodes[from as usize].behaviour {
                // In node order, whatever the edge order.
                let at = q.consumers.partition_point(|&c| c < to);
                q.consumers.insert(at, to);
            }
            self.sources_of(to).queues.push(from);
        } else {
            let link = Link {
                to,
                latency_ns: ms_to_nanos(edge.latency_ms),
                filter: edge.filter.iter().map(|f| self.message_types[f.as_str()]).collect(),
                edge: edge_index,
                to_queue: self.diagram.nodes[to as usize].kind.kind() == Kind::Queue,
            };
            self.links[from as usize].push(link);
            if matches!(self.nodes[from as usize].behaviour, Behaviour::Balancer(_)) {
                self.add_balancer_targets(from, to);
            }
        }
    }

    /// Starts what a node does on its own: a client's first request, a balancer's health checks,
    /// an instance node's machines.
    pub(crate) fn start_node(&mut self, i: u32) {
        kinds::for_kind!(self, i, start(self, i));
    }

    /// Schedules the next sample at `at`, if it comes before the end.
    pub(crate) fn schedule_sample(&mut self, at: u64) {
        self.sampling = at <= self.end;
        if self.sampling {
            self.events.push(at, Event::Sample);
        }
    }

    /// Gives each message type name used in `diagram` a small id (0 is "untyped"), keeping the ids
    /// already given.
    pub(crate) fn intern_message_types(&mut self, diagram: &Diagram) {
        for name in call::message_type_names(diagram) {
            let next = self.message_types.len() as u16 + 1;
            self.message_types.entry(name.to_owned()).or_insert(next);
        }
    }

    /// Index of the node with `id`, if it has not been removed.
    pub(crate) fn live_index(&self, id: &str) -> Option<u32> {
        self.live_ids.get(id).copied()
    }

    /// The queues `node` reads (none unless it is a consumer).
    pub(crate) fn sources_of(&mut self, node: u32) -> &mut Sources {
        &mut self.nodes[node as usize].sources
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

    /// Whether the run is over: the clock has reached the end of the scenario, or the run stopped
    /// before it (see [`Self::stopped`]).
    pub fn finished(&self) -> bool {
        self.now >= self.end || self.stopped.is_some()
    }

    /// Why the run stopped before its end, if it did.
    pub fn stopped(&self) -> Option<&Stopped> {
        self.stopped.as_ref()
    }

    /// Stops the run where it is, for good (Ctrl-C): what it has is its result.
    pub fn interrupt(&mut self) {
        if self.stopped.is_none() && self.now < self.end {
            let at = SimTime(self.now).as_secs();
            let message =
                format!("interrupted at t = {at:.1} s, before the end at {:.1} s", SimTime(self.end).as_secs());
            self.stopped = Some(Stopped { at_secs: at, reason: StopReason::Interrupted, message });
        }
    }

    /// What the run holds now: (events, calls, requests, messages, deliveries).
    fn held(&self) -> [(u64, &'static str); 5] {
        [
            (self.events.len() as u64, "scheduled events"),
            (self.calls.len() as u64, "calls in flight"),
            (self.requests.len() as u64, "client requests in flight"),
            (self.messages.len() as u64, "messages in queues"),
            (self.deliveries.len() as u64, "topic deliveries on their way"),
        ]
    }

    /// Stops the run if it holds more than [`MAX_HELD`] things; returns whether it did.
    fn over_held_limit(&mut self) -> bool {
        let held = self.held();
        let total: u64 = held.iter().map(|h| h.0).sum();
        if total <= self.max_held {
            return false;
        }
        let (most, what) = held.iter().copied().max_by_key(|h| h.0).unwrap_or((total, "things"));
        let at = SimTime(self.now).as_secs();
        let message = format!(
            "stopped at t = {at:.1} s: it held {} things at once ({} {what}), over the limit of {}; \
             the figures are those up to then",
            crate::model::grouped(total),
            crate::model::grouped(most),
            crate::model::grouped(self.max_held)
        );
        self.stopped = Some(Stopped { at_secs: at, reason: StopReason::HeldLimit, message });
        true
    }

    /// Runs every event up to `deadline` (capped at the scenario's end), at most `event_budget` of
    /// them. The clock then stands at the deadline, or at the last event run if the budget ran out
    /// or the run stopped (it holds too much: see [`MAX_HELD`]).
    pub fn run_until(&mut self, deadline: SimTime, event_budget: u64) -> RunStatus {
        if self.stopped.is_some() {
            return RunStatus::Stopped;
        }
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
            if self.events_processed.is_multiple_of(HELD_CHECK_EVERY) && self.over_held_limit() {
                return RunStatus::Stopped;
            }
        }
        self.now = self.now.max(deadline);
        RunStatus::ReachedDeadline
    }

    /// Runs exactly one event, if any is due before the end; returns whether one ran.
    pub fn step(&mut self) -> bool {
        if self.events.is_empty() || self.stopped.is_some() {
            return false;
        }
        if self.events_processed.is_multiple_of(HELD_CHECK_EVERY) && self.over_held_limit() {
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
            Event::Generate { client, epoch } => self.generate(client, epoch),
            Event::Arrive { call } => self.arrive(call),
            Event::Respond { call } => self.respond(call),
            Event::WorkDone { node, instance, slot, epoch } => self.work_done(node, instance, slot, epoch),
            Event::FunctionDone { call } => self.function_done(call),
            Event::AttemptTimeout { request, attempt } => self.attempt_timeout(request, attempt),
            Event::Retry { request } => self.retry(request),
            Event::HealthCheck { balancer } => self.health_check(balancer),
            Event::VisibilityCheck { queue } => self.visibility_check(queue),
            Event::Redeliver { delivery } => self.deliver(delivery),
            Event::Sample => self.sample(),
            Event::FaultStart { fault } => self.fault_start(fault),
            Event::FaultEnd { fault } => self.fault_due_end(fault),
            Event::Recover { node } => self.recover_node(node as usize),
            Event::SpotNotice { node, machine, launch, ended } => self.spot_event(node, machine, launch, ended),
            Event::ScaleCheck { node } => self.scale_check(node),
            Event::ScheduledScaling { node, action } => self.scheduled_scaling(node, action),
            Event::WarmedUp { node, machine, launch } => self.warmed_up(node, machine, launch),
            Event::KindTimer { node, what, index, launch } => {
                kinds::for_kind!(self, node, timer(self, node, what, index, launch));
            }
            Event::RandomFailure { fault, machine, launch, repair } => {
                self.random_failure(fault, machine, launch, repair);
            }
        }
    }

    /// What each node has used so far, for billing.
    pub fn usages(&self) -> Vec<NodeUsage> {
        (0..self.nodes.len() as u32).map(|i| self.usage_of(i)).collect()
    }

    /// What node `i` has used so far, for billing.
    pub(crate) fn usage_of(&self, i: u32) -> NodeUsage {
        kinds::for_kind!(self, i, usage(self, i))
    }

    fn measured(&self, at: u64) -> bool {
        at >= self.measure_from
    }
}
