//! What is wrong with a diagram: each problem named with the node, edge or fault it concerns.
//!
//! The same rules guard the editor (an illegal wiring is refused with the reason) and the `check`
//! command (every problem listed). A diagram without problems is safe to simulate.

use super::params::{Distribution, TrafficPattern};
use super::{Diagram, Edge, Fault, Kind, NodeId, NodeKind};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Where a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The scenario settings.
    Scenario,
    /// A node, by id.
    Node(NodeId),
    /// An edge, by index in the file and its two ends.
    Edge {
        /// 0-based position in `edges`.
        index: usize,
        /// Its `from`.
        from: NodeId,
        /// Its `to`.
        to: NodeId,
    },
    /// A fault, by index in `scenario.faults`.
    Fault(usize),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scenario => write!(f, "scenario"),
            Self::Node(id) => write!(f, "node '{id}'"),
            Self::Edge { index, from, to } => write!(f, "edge {} ('{from}' -> '{to}')", index + 1),
            Self::Fault(i) => write!(f, "fault {}", i + 1),
        }
    }
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The diagram cannot run until it is fixed.
    Error,
    /// The diagram runs, but probably not as meant (a balancer with no target, a queue nobody
    /// reads, a node no request can reach).
    Warning,
}

/// The field of a problem about its place as a whole (see [`Problem::at`]).
pub const NO_FIELD: &str = "";

/// One thing wrong with a diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it is.
    pub place: Place,
    /// The field of the node, edge or scenario it is about, as the file names it
    /// (`"rate_per_sec"`, `"auto_scaling.max"`, `"purchase"`, `"pattern"` …); `None` when it is
    /// about the whole thing (an id used twice, an edge nothing may draw). The inspector shows
    /// a problem at the field of this name.
    pub field: Option<&'static str>,
    /// What is wrong, in a sentence.
    pub message: String,
    /// Whether it stops the diagram from running.
    pub severity: Severity,
}

impl Problem {
    /// A problem that stops the diagram from running.
    pub fn error(place: Place, message: impl Into<String>) -> Self {
        Self { place, field: None, message: message.into(), severity: Severity::Error }
    }

    /// Something that lets the diagram run, probably not as meant.
    pub fn warning(place: Place, message: impl Into<String>) -> Self {
        Self { place, field: None, message: message.into(), severity: Severity::Warning }
    }

    /// The same problem, about field `field` ([`NO_FIELD`]: about the whole place).
    #[must_use]
    pub fn at(mut self, field: &'static str) -> Self {
        self.field = (field != NO_FIELD).then_some(field);
        self
    }

    /// Whether it is only a warning.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// Why an edge between two kinds of node is not allowed, or `None` when it is.
///
/// The editor calls this before it adds an edge, so the same words reach the user there.
pub fn wiring_refusal(from: Kind, to: Kind, dead_letter: bool) -> Option<String> {
    if dead_letter {
        return (from != Kind::Queue || to != Kind::Queue)
            .then(|| "only a queue-to-queue edge can be marked dead_letter".to_owned());
    }
    if to == Kind::Client {
        Some("nothing can send to a client: clients only start requests".to_owned())
    } else if from == Kind::Queue && to == Kind::Queue {
        Some("a queue-to-queue edge must be marked dead_letter (queues do not forward messages)".to_owned())
    } else if from == Kind::Queue && !to.consumes_queues() {
        let readers: Vec<&str> = Kind::all_that(Kind::consumes_queues).into_iter().map(Kind::name).collect();
        let (last, rest) = readers.split_last().map_or(("", &[][..]), |(l, r)| (*l, r));
        Some(format!(
            "a queue is read by its consumers ({} or {last} nodes); it does not push to a {to}",
            rest.join(", ")
        ))
    } else if from == Kind::Topic && to == Kind::Topic {
        Some("a topic cannot subscribe to another topic".to_owned())
    } else {
        None
    }
}

/// Whether an edge from `from` to `to` is a synchronous call (the caller waits for the answer).
pub fn is_synchronous_call(from: Kind, to: Kind) -> bool {
    from.makes_calls() && to.answers_calls()
}

/// The longest time any setting may name: ten years, in seconds. Simulated time is counted in
/// nanoseconds in 64 bits (584 years), so sums of such times cannot overflow.
pub const MAX_SECS: f64 = 315_360_000.0;

/// The most workers one instance node may have in all (machines × workers per machine).
pub const MAX_WORKERS_PER_NODE: u64 = 1_000_000;

/// The highest request rate a client may have, per second — at the peak of its traffic pattern,
/// and under any traffic surge of the fault script.
pub const MAX_RATE_PER_SEC: f64 = 10_000_000.0;

/// The most retries of a client's request, or of a topic's delivery to one subscriber.
pub const MAX_RETRIES: u32 = 100;

/// The most message groups a FIFO queue may have (the engine keeps a line per group).
pub const MAX_FIFO_GROUPS: u32 = 100_000;

/// The largest factor by which a fault may slow a node down.
pub const MAX_SLOW_FACTOR: f64 = 1000.0;

/// The largest price of owned hardware, in dollars (so that no bill can overflow).
pub const MAX_HARDWARE_USD: f64 = 1e9;

/// The largest running cost of owned hardware, in dollars per hour.
pub const MAX_RUNNING_USD_PER_HOUR: f64 = 1e6;

/// What validation needs to know of the prices in use: which instance types exist (and their
/// vCPUs), and whether a type can be bought a given way. The pricing catalog provides it; the
/// model itself knows nothing of prices.
pub trait Offerings {
    /// The vCPUs of `instance_type`, or `None` when the catalog has no such type.
    fn vcpus(&self, instance_type: &str) -> Option<u32>;
    /// Why `instance_type` cannot be bought as `option` (a reservation term, a savings plan or a
    /// dedicated host the catalog lacks), or `None` when it can.
    fn lacks(&self, instance_type: &str, option: &super::PurchaseOption) -> Option<String>;
    /// The memory of `instance_type` in GiB, or `None` when the catalog has no such type.
    fn memory_gib(&self, instance_type: &str) -> Option<f64>;
}

/// What one node adds at most to the diagram's totals, which bound its memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Size {
    /// Machines it can run at once (instances, tasks, cluster instances).
    pub machines: u64,
    /// Workers on those machines.
    pub workers: u64,
    /// Message groups of a FIFO queue.
    pub groups: u64,
}

/// The most nodes a diagram may have: each keeps its chart series and histograms (up to about
/// half a megabyte in a long run), and the window draws every one.
pub const MAX_NODES: usize = 2_000;
/// The most edges a diagram may have.
pub const MAX_EDGES: usize = 20_000;
/// The most faults a scenario may have.
pub const MAX_FAULTS: usize = 10_000;
/// The most workers of all instance nodes together (each is kept in memory).
pub const MAX_WORKERS: u64 = 4_000_000;
/// The most machines of all instance nodes together.
pub const MAX_MACHINES: u64 = 1_000_000;
/// The most message groups of all FIFO queues together.
pub const MAX_FIFO_GROUPS_IN_ALL: u64 = 1_000_000;

/// The most characters of an id, a name, a message type, a filter entry or a component.
pub const MAX_NAME_CHARS: usize = 200;
/// The most characters of a scenario's description.
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;

/// A text of the diagram longer than its limit (the window lays out every text it shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongText {
    /// Where it is.
    pub place: Place,
    /// Which text: "its name", "a message type"…
    pub what: &'static str,
    /// How many characters it has.
    pub chars: usize,
    /// The most it may have, as written ("200", "10,000").
    pub limit: &'static str,
}

impl fmt::Display for LongText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} has {} characters; at most {}", self.place, self.what, self.chars, self.limit)
    }
}

/// Every text of the diagram beyond its limit: names, ids, message types, components and filter
/// entries at most [`MAX_NAME_CHARS`], the description at most [`MAX_DESCRIPTION_CHARS`]. Both
/// `check` and reading a file refuse them, so that what the editor saves reads back.
pub fn long_texts(d: &Diagram) -> Vec<LongText> {
    let mut out = Vec::new();
    let mut look = |place: &dyn Fn() -> Place, what: &'static str, text: &str, most: usize, limit: &'static str| {
        let chars = text.chars().count();
        if chars > most {
            out.push(LongText { place: place(), what, chars, limit });
        }
    };
    let scenario = || Place::Scenario;
    look(&scenario, "its name", &d.scenario.name, MAX_NAME_CHARS, "200");
    look(&scenario, "its description", &d.scenario.description, MAX_DESCRIPTION_CHARS, "10,000");
    for n in &d.nodes {
        let place = || Place::Node(n.id.clone());
        look(&place, "its id", &n.id.0, MAX_NAME_CHARS, "200");
        look(&place, "its name", &n.name, MAX_NAME_CHARS, "200");
        let texts = n.kind.params().texts();
        for (what, text) in texts {
            look(&place, what, text, MAX_NAME_CHARS, "200");
        }
    }
    for (index, e) in d.edges.iter().enumerate() {
        let place = || Place::Edge { index, from: e.from.clone(), to: e.to.clone() };
        for f in &e.filter {
            look(&place, "a filter entry", f, MAX_NAME_CHARS, "200");
        }
    }
    out
}

/// Lists every problem of a diagram; empty means it is ready to simulate.
pub fn check(diagram: &Diagram, catalog: &dyn Offerings) -> Vec<Problem> {
    let mut problems: Vec<Problem> = long_texts(diagram)
        .into_iter()
        .map(|t| Problem::error(t.place.clone(), format!("{} has {} characters; at most {}", t.what, t.chars, t.limit)))
        .collect();
    check_scenario(diagram, &mut problems);
    let kinds = check_nodes(diagram, catalog, &mut problems);
    check_edges(diagram, &kinds, &mut problems);
    check_message_paths(diagram, &kinds, &mut problems);
    check_sync_cycles(diagram, &kinds, &mut problems);
    check_faults(diagram, &mut problems);
    check_time_bounds(diagram, &mut problems);
    check_totals(diagram, catalog, &mut problems);
    problems
}

/// Limits on the diagram as a whole, so that its memory has a ceiling whatever the file holds
/// (each node's own limits are checked with the node).
fn check_totals(d: &Diagram, catalog: &dyn Offerings, out: &mut Vec<Problem>) {
    let mut bad = |field: &'static str, message: String| out.push(Problem::error(Place::Scenario, message).at(field));
    let counted = [
        (d.nodes.len(), MAX_NODES, "nodes"),
        (d.edges.len(), MAX_EDGES, "edges"),
        (d.scenario.faults.len(), MAX_FAULTS, "faults"),
    ];
    for (n, most, what) in counted {
        if n > most {
            bad(
                NO_FIELD,
                format!("the diagram has {} {what}; at most {}", super::grouped(n as u64), super::grouped(most as u64)),
            );
        }
    }
    let (mut workers, mut machines, mut groups) = (0u64, 0u64, 0u64);
    for node in &d.nodes {
        let size = node.kind.params().size(catalog);
        machines += size.machines;
        workers += size.workers;
        groups += size.groups;
    }
    let totals = [
        (workers, MAX_WORKERS, "workers on the machines of all instance nodes"),
        (machines, MAX_MACHINES, "machines that the instance nodes can run in all"),
        (groups, MAX_FIFO_GROUPS_IN_ALL, "message groups in its FIFO queues"),
    ];
    for (n, most, what) in totals {
        if n > most {
            bad(NO_FIELD, format!("the diagram has {} {what}; at most {}", super::grouped(n), super::grouped(most)));
        }
    }
}

/// Every problem of a diagram: the errors of [`check`], then the [`warnings`].
pub fn check_all(diagram: &Diagram, catalog: &dyn Offerings) -> Vec<Problem> {
    let mut problems = check(diagram, catalog);
    problems.extend(warnings(diagram));
    problems
}

/// What lets a diagram run but probably not as meant: no client at all, a balancer with no
/// target, a queue nobody sends to or nobody reads (a dead-letter queue may go unread: its
/// messages are kept for a person to look at), a topic without subscribers, a node no request can
/// reach.
pub fn warnings(d: &Diagram) -> Vec<Problem> {
    let mut out = Vec::new();
    if !d.nodes.iter().any(|n| n.kind.kind() == Kind::Client) {
        let message = if d.nodes.is_empty() {
            "the diagram is empty: add a client and what it calls from the palette"
        } else {
            "no client sends requests: a run would show nothing happening (add a client)"
        };
        out.push(Problem::warning(Place::Scenario, message));
    }
    // Each node's edges, looked up once: what it sends to, and what reaches it.
    let mut outgoing: BTreeMap<&NodeId, Vec<&Edge>> = BTreeMap::new();
    let mut incoming: BTreeMap<&NodeId, Vec<&Edge>> = BTreeMap::new();
    for e in &d.edges {
        outgoing.entry(&e.from).or_default().push(e);
        incoming.entry(&e.to).or_default().push(e);
    }
    // Every node a request can reach, following edges from the clients.
    let mut reached: BTreeSet<&NodeId> =
        d.nodes.iter().filter(|n| n.kind.kind() == Kind::Client).map(|n| &n.id).collect();
    let mut stack: Vec<&NodeId> = reached.iter().copied().collect();
    while let Some(id) = stack.pop() {
        for e in edges_of(&outgoing, id) {
            if reached.insert(&e.to) {
                stack.push(&e.to);
            }
        }
    }
    for node in &d.nodes {
        let (into, out_of) = (edges_of(&incoming, &node.id), edges_of(&outgoing, &node.id));
        let dead_letter_target = into.iter().any(|e| e.dead_letter);
        let message = match node.kind.kind() {
            Kind::Client => None,
            Kind::Balancer if out_of.is_empty() => {
                Some("this balancer has no target: every request it gets fails (connect it to instances)")
            }
            Kind::Topic if out_of.is_empty() => {
                Some("this topic has no subscriber: what is published to it goes nowhere (connect queues or functions)")
            }
            Kind::Queue if into.is_empty() => {
                Some("nothing sends to this queue: connect a client, instance, function or topic to it")
            }
            Kind::Queue if !dead_letter_target && !out_of.iter().any(|e| !e.dead_letter) => Some(
                "nobody reads this queue: its messages wait until they expire (connect an instance or function to it)",
            ),
            _ if !reached.contains(&node.id) => {
                Some("no request can reach this node: no path leads to it from a client")
            }
            _ => None,
        };
        if let Some(message) = message {
            out.push(Problem::warning(Place::Node(node.id.clone()), message));
        }
    }
    out
}

/// The edges listed for `id` in `map` (none if it has none).
fn edges_of<'a>(map: &'a BTreeMap<&NodeId, Vec<&'a Edge>>, id: &NodeId) -> &'a [&'a Edge] {
    map.get(id).map_or(&[], Vec::as_slice)
}

pub(crate) fn finite_at_least(v: f64, min: f64) -> bool {
    v.is_finite() && v >= min
}

/// Every time setting (in seconds) of the diagram, named, for the upper bound check.
fn time_settings(d: &Diagram) -> Vec<(Place, &'static str, f64)> {
    let mut out = vec![
        (Place::Scenario, "duration_secs", d.scenario.duration_secs),
        (Place::Scenario, "warmup_secs", d.scenario.warmup_secs),
        (Place::Scenario, "sample_interval_secs", d.scenario.sample_interval_secs),
    ];
    for (i, f) in d.scenario.faults.iter().enumerate() {
        let (at, len) = f.window_secs();
        out.push((Place::Fault(i), "at_secs", at));
        out.push((Place::Fault(i), "for_secs", len.unwrap_or(0.0)));
    }
    for (index, e) in d.edges.iter().enumerate() {
        let place = Place::Edge { index, from: e.from.clone(), to: e.to.clone() };
        out.push((place, "latency_ms", e.latency_ms / 1000.0));
    }
    for n in &d.nodes {
        out.extend(
            n.kind.params().time_settings().into_iter().map(|(name, secs)| (Place::Node(n.id.clone()), name, secs)),
        );
    }
    out
}

fn check_time_bounds(d: &Diagram, out: &mut Vec<Problem>) {
    for (place, name, secs) in time_settings(d) {
        // NaN and negative values are reported by the specific checks.
        if secs.is_finite() && secs > MAX_SECS || secs.is_infinite() {
            out.push(Problem::error(place, format!("{name} is beyond ten years; use a shorter time")));
        }
    }
}

fn check_scenario(d: &Diagram, out: &mut Vec<Problem>) {
    let s = &d.scenario;
    let mut bad = |field: &'static str, message: String| out.push(Problem::error(Place::Scenario, message).at(field));
    if !(s.duration_secs.is_finite() && s.duration_secs > 0.0) {
        bad("duration_secs", format!("duration_secs must be above 0, not {}", s.duration_secs));
    }
    if !finite_at_least(s.warmup_secs, 0.0) {
        bad("warmup_secs", format!("warmup_secs must be 0 or more, not {}", s.warmup_secs));
    } else if s.duration_secs.is_finite() && s.warmup_secs >= s.duration_secs {
        bad(
            "warmup_secs",
            format!(
                "warmup_secs ({}) must be shorter than duration_secs ({}), or nothing is measured",
                s.warmup_secs, s.duration_secs
            ),
        );
    }
    if !(s.sample_interval_secs.is_finite() && s.sample_interval_secs >= 0.01) {
        bad(
            "sample_interval_secs",
            format!("sample_interval_secs must be at least 0.01, not {}", s.sample_interval_secs),
        );
    }
}

pub(crate) fn check_distribution(what: &'static str, d: &Distribution, bad: &mut dyn FnMut(&'static str, String)) {
    let ok = match *d {
        Distribution::Constant { ms } => finite_at_least(ms, 0.0),
        Distribution::Exponential { mean_ms } => mean_ms.is_finite() && mean_ms > 0.0,
        Distribution::LogNormal { mean_ms, std_dev_ms } => {
            mean_ms.is_finite() && mean_ms > 0.0 && finite_at_least(std_dev_ms, 0.0)
        }
        Distribution::Uniform { min_ms, max_ms } => {
            if finite_at_least(min_ms, 0.0) && max_ms.is_finite() && max_ms < min_ms {
                bad(what, format!("{what}: max_ms ({max_ms}) is below min_ms ({min_ms})"));
                return;
            }
            finite_at_least(min_ms, 0.0) && finite_at_least(max_ms, 0.0)
        }
    };
    if !ok {
        bad(what, format!("{what}: times must be finite and not negative (means above 0): {d:?}"));
    }
}

fn check_nodes(d: &Diagram, catalog: &dyn Offerings, out: &mut Vec<Problem>) -> BTreeMap<NodeId, Kind> {
    let mut kinds = BTreeMap::new();
    for node in &d.nodes {
        let mut bad = |field: &'static str, message: String| {
            out.push(Problem::error(Place::Node(node.id.clone()), message).at(field));
        };
        if node.id.0.trim().is_empty() {
            bad(NO_FIELD, "the id is empty".to_owned());
        }
        if kinds.insert(node.id.clone(), node.kind.kind()).is_some() {
            bad(NO_FIELD, "this id is used by more than one node".to_owned());
        }
        node.kind.params().check(catalog, &mut bad);
    }
    kinds
}

/// Workers per machine, as the run has them: as set, or one per vCPU of the type.
pub fn workers_per_machine(p: &super::InstanceParams, catalog: &dyn Offerings) -> u32 {
    let vcpu = catalog.vcpus(&p.instance_type).unwrap_or(1);
    p.workers_per_instance.unwrap_or(vcpu).max(1)
}

/// The most machines a group can ever run: its maximum, or more if a scheduled action raises it.
pub(crate) fn most_machines(g: &super::AutoScaling) -> u32 {
    g.scheduled.iter().flat_map(|a| [a.max, a.desired, a.min]).flatten().fold(g.max, u32::max)
}

/// An Auto Scaling group's bounds and times must make sense.
/// `count` is the node's own count field — its name, value and default — which a group replaces,
/// so it must be left at its default.
pub(crate) fn check_scaling(
    g: &super::AutoScaling,
    count: (&'static str, u32, u32),
    bad: &mut dyn FnMut(&'static str, String),
) {
    if g.max == 0 || g.max > 65_535 {
        bad("auto_scaling.max", format!("auto_scaling.max must be between 1 and 65,535, not {}", g.max));
    }
    if g.min > g.max {
        bad("auto_scaling.min", format!("auto_scaling.min ({}) must not be more than max ({})", g.min, g.max));
    }
    if let Some(d) = g.desired
        && (d < g.min || d > g.max)
    {
        bad(
            "auto_scaling.desired",
            format!("auto_scaling.desired ({d}) must be between min ({}) and max ({})", g.min, g.max),
        );
    }
    let (field, value, default) = count;
    if value != default {
        bad(
            field,
            format!(
                "{field} ({value}) does not apply to an Auto Scaling group: it starts at auto_scaling.desired (or min)"
            ),
        );
    }
    let utilisation = g.metric == Some(super::ScalingMetric::Utilization);
    if !(g.target.is_finite() && g.target > 0.0) || (utilisation && g.target > 1.0) {
        bad(
            "auto_scaling.target",
            format!(
                "auto_scaling.target must be above 0{}, not {}",
                if utilisation { " and at most 1 (a share of capacity)" } else { "" },
                g.target
            ),
        );
    }
    if !(g.evaluation_secs.is_finite() && (1.0..=86_400.0).contains(&g.evaluation_secs)) {
        bad(
            "auto_scaling.evaluation_secs",
            format!("auto_scaling.evaluation_secs must be between 1 and 86,400, not {}", g.evaluation_secs),
        );
    }
    for (field, v) in [
        ("auto_scaling.cooldown_secs", g.cooldown_secs),
        ("auto_scaling.warmup_secs", g.warmup_secs),
        ("auto_scaling.health_check_grace_secs", g.health_check_grace_secs),
    ] {
        if !(v.is_finite() && (0.0..=MAX_SECS).contains(&v)) {
            bad(field, format!("{field} must be 0 or more (and finite), not {v}"));
        }
    }
    if !g.steps.is_empty() && g.metric.is_none() {
        bad(
            "auto_scaling.steps",
            "auto_scaling.steps need a metric to read (Utilization or BacklogPerInstance)".to_owned(),
        );
    }
    for (i, s) in g.steps.iter().enumerate() {
        let to = s.to.unwrap_or(f64::INFINITY);
        if !(s.from.is_finite() && s.from >= 0.0 && to > s.from) {
            bad(
                "auto_scaling.steps",
                format!("auto_scaling.steps[{i}]: from {} ..< to {to} is not a range of the metric", s.from),
            );
        }
        if s.change == 0 {
            bad("auto_scaling.steps", format!("auto_scaling.steps[{i}]: change must not be 0"));
        }
    }
    // Overlaps, in order of where the steps start: each against the one reaching furthest before it
    // (comparing every pair would cost steps²).
    let mut order: Vec<usize> = (0..g.steps.len()).filter(|&i| g.steps[i].from.is_finite()).collect();
    order.sort_by(|&a, &b| g.steps[a].from.total_cmp(&g.steps[b].from).then(a.cmp(&b)));
    let mut furthest: Option<(usize, f64)> = None;
    for &k in &order {
        let (from, to) = (g.steps[k].from, g.steps[k].to.unwrap_or(f64::INFINITY));
        if let Some((j, reach)) = furthest
            && from < reach
        {
            bad("auto_scaling.steps", format!("auto_scaling.steps[{}] and steps[{}] overlap", j.min(k), j.max(k)));
        }
        if furthest.is_none_or(|(_, reach)| to > reach) {
            furthest = Some((k, to));
        }
    }
    if let Some(p) = &g.predictive {
        if !(p.lead_secs.is_finite() && (0.0..=MAX_SECS).contains(&p.lead_secs)) {
            bad(
                "auto_scaling.predictive",
                format!("auto_scaling.predictive.lead_secs must be 0 or more, not {}", p.lead_secs),
            );
        }
        if !(p.utilization.is_finite() && p.utilization > 0.0 && p.utilization <= 1.0) {
            bad(
                "auto_scaling.predictive",
                format!("auto_scaling.predictive.utilization must be above 0 and at most 1, not {}", p.utilization),
            );
        }
    }
    for a in &g.scheduled {
        if !(a.at_secs.is_finite() && (0.0..=MAX_SECS).contains(&a.at_secs)) {
            bad(
                "auto_scaling.scheduled",
                format!("auto_scaling.scheduled: at_secs must be 0 or more, not {}", a.at_secs),
            );
        }
        let (min, max) = (a.min.unwrap_or(g.min), a.max.unwrap_or(g.max));
        if min > max || max == 0 || max > 65_535 {
            bad(
                "auto_scaling.scheduled",
                format!("auto_scaling.scheduled at {} s: min {min} and max {max} do not make a range", a.at_secs),
            );
        }
    }
}

/// The purchase option must exist in the catalog for the node's type, with sensible figures.
pub(crate) fn check_purchase(
    instance_type: &str,
    purchase: &super::PurchaseOption,
    field: &'static str,
    catalog: &dyn Offerings,
    bad: &mut dyn FnMut(&'static str, String),
) {
    use super::PurchaseOption;
    if catalog.vcpus(instance_type).is_none() {
        return;
    }
    if let Some(why) = catalog.lacks(instance_type, purchase) {
        bad(field, format!("{field}: {why}"));
    }
    match purchase {
        PurchaseOption::OnDemand
        | PurchaseOption::Reserved { .. }
        | PurchaseOption::SavingsPlan { .. }
        | PurchaseOption::DedicatedHost => {}
        PurchaseOption::Spot { interruptions_per_hour } => {
            if let Some(r) = interruptions_per_hour
                && !(r.is_finite() && (0.0..=60.0).contains(r))
            {
                bad(field, format!("{field}: interruptions_per_hour must be between 0 and 60, not {r}"));
            }
        }
        PurchaseOption::OnPremises { hardware_usd, amortisation_years, running_usd_per_hour } => {
            for (name, v, most, written) in [
                ("hardware_usd", *hardware_usd, MAX_HARDWARE_USD, "1,000,000,000"),
                ("running_usd_per_hour", *running_usd_per_hour, MAX_RUNNING_USD_PER_HOUR, "1,000,000"),
            ] {
                if !(v.is_finite() && (0.0..=most).contains(&v)) {
                    bad(field, format!("{field}: {name} must be from 0 to {written}, not {v}"));
                }
            }
            if !(amortisation_years.is_finite() && (0.1..=50.0).contains(amortisation_years)) {
                bad(field, format!("{field}: amortisation_years must be between 0.1 and 50, not {amortisation_years}"));
            }
        }
    }
}

pub(crate) fn check_pattern(pattern: &TrafficPattern, bad: &mut dyn FnMut(&'static str, String)) {
    match pattern {
        TrafficPattern::Constant => {}
        TrafficPattern::Ramp { to_rate_per_sec, start_secs, ramp_secs } => {
            if !finite_at_least(*to_rate_per_sec, 0.0)
                || !finite_at_least(*start_secs, 0.0)
                || !finite_at_least(*ramp_secs, 0.0)
            {
                bad("pattern", "ramp: to_rate_per_sec, start_secs and ramp_secs must be 0 or more".to_owned());
            }
        }
        TrafficPattern::Diurnal { amplitude, period_secs, peak_at_secs } => {
            if !(0.0..=1.0).contains(amplitude) {
                bad("pattern", format!("diurnal: amplitude must be between 0 and 1, not {amplitude}"));
            }
            if !period_secs.is_finite() || *period_secs <= 0.0 || !peak_at_secs.is_finite() {
                bad("pattern", "diurnal: period_secs must be above 0 and peak_at_secs finite".to_owned());
            }
        }
        TrafficPattern::Spike { at_secs, duration_secs, multiplier } => {
            if !finite_at_least(*at_secs, 0.0)
                || !finite_at_least(*duration_secs, 0.0)
                || !finite_at_least(*multiplier, 0.0)
            {
                bad("pattern", "spike: at_secs, duration_secs and multiplier must be 0 or more".to_owned());
            }
        }
        TrafficPattern::Steps(steps) => {
            if steps.iter().any(|s| !finite_at_least(s.at_secs, 0.0) || !finite_at_least(s.rate_per_sec, 0.0)) {
                bad("pattern", "steps: every at_secs and rate_per_sec must be 0 or more".to_owned());
            }
            if steps.windows(2).any(|w| w[1].at_secs < w[0].at_secs) {
                bad("pattern", "steps: at_secs must be in increasing order".to_owned());
            }
        }
    }
}

/// The largest message a queue accepts (SQS: 1 MiB since 2026).
pub const MAX_QUEUE_MESSAGE_BYTES: u32 = 1_048_576;
/// The largest message a topic accepts.
pub const MAX_TOPIC_MESSAGE_BYTES: u32 = 262_144;

/// What a client sends must fit the queues and topics it reaches (directly or through other
/// nodes); a group that scales on queue backlog must read a queue.
fn check_message_paths(d: &Diagram, kinds: &BTreeMap<NodeId, Kind>, out: &mut Vec<Problem>) {
    // Which nodes reach a queue, and which a topic: one backward search from all of them (a
    // search from each client would cost clients × edges).
    let mut into: BTreeMap<&NodeId, Vec<&NodeId>> = BTreeMap::new();
    for e in &d.edges {
        into.entry(&e.to).or_default().push(&e.from);
    }
    let reaching = |kind: Kind| {
        let mut reached: BTreeSet<&NodeId> = BTreeSet::new();
        let mut stack: Vec<&NodeId> = d.nodes.iter().filter(|n| n.kind.kind() == kind).map(|n| &n.id).collect();
        while let Some(id) = stack.pop() {
            for &from in into.get(id).map_or(&[][..], Vec::as_slice) {
                if reached.insert(from) {
                    stack.push(from);
                }
            }
        }
        reached
    };
    let (to_queue, to_topic) = (reaching(Kind::Queue), reaching(Kind::Topic));
    for node in &d.nodes {
        let NodeKind::Client(p) = &node.kind else { continue };
        let mut bad = |field: &'static str, message: String| {
            out.push(Problem::error(Place::Node(node.id.clone()), message).at(field));
        };
        if to_queue.contains(&node.id) && p.request_bytes > MAX_QUEUE_MESSAGE_BYTES {
            bad(
                "request_bytes",
                format!("request_bytes {} is more than a queue message may hold (1 MiB, 1,048,576)", p.request_bytes),
            );
        } else if to_topic.contains(&node.id) && p.request_bytes > MAX_TOPIC_MESSAGE_BYTES {
            bad(
                "request_bytes",
                format!("request_bytes {} is more than a topic message may hold (256 KB, 262,144)", p.request_bytes),
            );
        }
    }
    let queue_readers: BTreeSet<&NodeId> =
        d.edges.iter().filter(|e| kinds.get(&e.from) == Some(&Kind::Queue)).map(|e| &e.to).collect();
    for node in &d.nodes {
        let backlog =
            node.kind.auto_scaling().is_some_and(|g| g.metric == Some(super::ScalingMetric::BacklogPerInstance));
        if backlog && !queue_readers.contains(&node.id) {
            out.push(Problem::error(
                Place::Node(node.id.clone()),
                "auto_scaling.metric BacklogPerInstance needs the node to read a queue (an edge from one)".to_owned(),
            ));
        }
    }
}

fn check_edges(d: &Diagram, kinds: &BTreeMap<NodeId, Kind>, out: &mut Vec<Problem>) {
    let mut seen = BTreeSet::new();
    let mut dead_letter_targets: BTreeMap<&NodeId, usize> = BTreeMap::new();
    for (index, edge) in d.edges.iter().enumerate() {
        let place = || Place::Edge { index, from: edge.from.clone(), to: edge.to.clone() };
        let mut bad = |field: &'static str, message: String| out.push(Problem::error(place(), message).at(field));
        let (from, to) = (kinds.get(&edge.from), kinds.get(&edge.to));
        for (end, id, kind) in [("from", &edge.from, from), ("to", &edge.to, to)] {
            if kind.is_none() {
                bad(NO_FIELD, format!("{end} names node '{id}', which does not exist"));
            }
        }
        if !finite_at_least(edge.latency_ms, 0.0) {
            bad("latency_ms", format!("latency_ms must be 0 or more, not {}", edge.latency_ms));
        }
        let (Some(&from), Some(&to)) = (from, to) else { continue };
        if edge.from == edge.to {
            bad(NO_FIELD, "an edge cannot connect a node to itself".to_owned());
            continue;
        }
        if !seen.insert((&edge.from, &edge.to)) {
            bad(NO_FIELD, "the same two nodes are connected twice in this direction".to_owned());
        }
        if let Some(reason) = wiring_refusal(from, to, edge.dead_letter) {
            bad(NO_FIELD, reason);
        }
        if !edge.filter.is_empty() && from != Kind::Topic {
            bad("filter", "only an edge from a topic (a subscription) can have a filter".to_owned());
        }
        if edge.dead_letter {
            *dead_letter_targets.entry(&edge.from).or_default() += 1;
        }
    }
    let senders: BTreeSet<&NodeId> = d.edges.iter().map(|e| &e.from).collect();
    for node in &d.nodes {
        if node.kind.kind() == Kind::Client && !senders.contains(&node.id) {
            out.push(Problem::error(
                Place::Node(node.id.clone()),
                "this client sends to nothing: connect it to the node its requests go to".to_owned(),
            ));
        }
    }
    for (queue, n) in dead_letter_targets {
        if n > 1 {
            out.push(Problem::error(
                Place::Node(queue.clone()),
                format!("a queue has at most one dead-letter queue, this one has {n}"),
            ));
        }
    }
}

/// Depth-first search state of a node.
#[derive(Clone, Copy, PartialEq)]
enum Colour {
    White,
    Grey,
    Black,
}

/// A cycle of synchronous calls would make a request wait for itself.
fn check_sync_cycles(d: &Diagram, kinds: &BTreeMap<NodeId, Kind>, out: &mut Vec<Problem>) {
    let mut calls: BTreeMap<&NodeId, Vec<&NodeId>> = BTreeMap::new();
    for Edge { from, to, .. } in &d.edges {
        if let (Some(&f), Some(&t)) = (kinds.get(from), kinds.get(to))
            && from != to
            && is_synchronous_call(f, t)
        {
            calls.entry(from).or_default().push(to);
        }
    }
    // Depth-first search with colours; report each cycle once, at the node that closes it.
    let mut colour: BTreeMap<&NodeId, Colour> = kinds.keys().map(|k| (k, Colour::White)).collect();
    for start in kinds.keys() {
        if colour[start] != Colour::White {
            continue;
        }
        let mut stack: Vec<(&NodeId, usize)> = vec![(start, 0)];
        colour.insert(start, Colour::Grey);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let succ = calls.get(node).map_or(&[][..], Vec::as_slice);
            if let Some(&child) = succ.get(*next) {
                *next += 1;
                match colour[child] {
                    Colour::White => {
                        colour.insert(child, Colour::Grey);
                        stack.push((child, 0));
                    }
                    Colour::Grey => {
                        let from = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        let path: Vec<String> =
                            stack[from..].iter().map(|(n, _)| format!("'{n}'")).chain([format!("'{child}'")]).collect();
                        out.push(Problem::error(
                            Place::Node(child.clone()),
                            format!(
                                "synchronous calls form a cycle ({}): a request would wait for itself",
                                path.join(" -> ")
                            ),
                        ));
                    }
                    Colour::Black => {}
                }
            } else {
                colour.insert(node, Colour::Black);
                stack.pop();
            }
        }
    }
}

fn check_faults(d: &Diagram, out: &mut Vec<Problem>) {
    let index = Lookup::new(d);
    for (i, fault) in d.scenario.faults.iter().enumerate() {
        for message in problems_of_fault(&index, fault) {
            out.push(Problem::error(Place::Fault(i), message));
        }
    }
}

/// A diagram's nodes, call edges and zones, looked up by key (a search per fault would cost
/// faults × nodes).
struct Lookup<'a> {
    nodes: BTreeMap<&'a NodeId, &'a super::Node>,
    call_edges: BTreeSet<(&'a NodeId, &'a NodeId)>,
    zones: BTreeSet<String>,
}

impl<'a> Lookup<'a> {
    fn new(d: &'a Diagram) -> Self {
        Self {
            nodes: d.nodes.iter().map(|n| (&n.id, n)).collect(),
            call_edges: d.edges.iter().filter(|e| !e.dead_letter).map(|e| (&e.from, &e.to)).collect(),
            zones: d.zones(),
        }
    }
}

/// What is wrong with one fault in diagram `d` (empty when it fits).
pub fn fault_problems(d: &Diagram, fault: &Fault) -> Vec<String> {
    problems_of_fault(&Lookup::new(d), fault)
}

fn problems_of_fault(d: &Lookup<'_>, fault: &Fault) -> Vec<String> {
    let mut out = Vec::new();
    'check: {
        let mut bad = |message: String| out.push(message);
        let (at, len) = fault.window_secs();
        if !finite_at_least(at, 0.0) {
            bad(format!("at_secs must be 0 or more, not {at}"));
        }
        if let Some(len) = len
            && !(len.is_finite() && len > 0.0)
        {
            bad(format!("for_secs must be above 0, not {len}"));
        }
        let mut missing = false;
        for id in fault.nodes() {
            if !d.nodes.contains_key(id) {
                bad(format!("names node '{id}', which does not exist"));
                missing = true;
            }
        }
        if missing {
            break 'check;
        }
        let kind_of = |id: &NodeId| d.nodes.get(id).map(|n| &n.kind);
        match fault {
            Fault::Crash { node, instance, task, .. } => {
                if let Some(why) = kind_of(node).and_then(|k| k.params().crash_refusal(node, *instance, *task)) {
                    bad(why);
                }
            }
            Fault::Slow { node, factor, .. } => {
                if !kind_of(node).is_some_and(|k| k.kind().does_work()) {
                    bad("only an instance or a function node can be slowed".to_owned());
                }
                if !(factor.is_finite() && *factor > 0.0 && *factor <= MAX_SLOW_FACTOR) {
                    bad(format!("factor must be above 0 and at most 1,000, not {factor}"));
                }
            }
            Fault::ComponentFailure { node, component, .. } => match kind_of(node) {
                Some(NodeKind::Instance(p)) if p.components.contains(component) => {}
                Some(NodeKind::Instance(_)) => bad(format!("node '{node}' has no component '{component}'")),
                _ => bad("only an instance node has components".to_owned()),
            },
            Fault::ZoneOutage { zone, .. } => {
                if !d.zones.contains(zone) {
                    bad(format!("no instance node runs in zone '{zone}' (see each instance node's zones)"));
                }
            }
            Fault::LocationOutage { .. } => {}
            Fault::RandomFailures { node, mtbf_secs, mttr_secs, .. } => {
                if !kind_of(node).is_some_and(|k| k.kind().can_fail()) {
                    bad("only instance, function and balancer nodes fail at random".to_owned());
                }
                if !(mtbf_secs.is_finite() && *mtbf_secs > 0.0) {
                    bad(format!("mtbf_secs must be above 0, not {mtbf_secs}"));
                }
                if !(mttr_secs.is_finite() && *mttr_secs > 0.0) {
                    bad(format!("mttr_secs must be above 0, not {mttr_secs}"));
                }
            }
            Fault::LatencySpike { from, to, extra_ms, .. } => {
                let call_edge =
                    d.call_edges.contains(&(from, to)) && !matches!(kind_of(from), Some(NodeKind::Queue(_)));
                if !call_edge {
                    bad(format!(
                        "there is no call edge from '{from}' to '{to}' (a queue's consumers poll it: slow the consumer instead)"
                    ));
                }
                // At most ten years, as every time setting (faults set off during a run included).
                if !(extra_ms.is_finite() && *extra_ms >= 0.0 && *extra_ms <= MAX_SECS * 1000.0) {
                    bad(format!("extra_ms must be from 0 to ten years (315,360,000,000), not {extra_ms}"));
                }
            }
            Fault::TrafficSurge { node, multiplier, .. } => {
                if !matches!(kind_of(node), Some(NodeKind::Client(_))) {
                    bad("only a client's traffic can surge".to_owned());
                }
                if !(multiplier.is_finite() && *multiplier >= 0.0) {
                    bad(format!("multiplier must be 0 or more, not {multiplier}"));
                } else if let Some(NodeKind::Client(c)) = kind_of(node)
                    && c.peak_rate_per_sec() * multiplier > MAX_RATE_PER_SEC
                {
                    bad(format!(
                        "the surge takes '{node}' to {} requests a second; at most 10,000,000 requests a second",
                        c.peak_rate_per_sec() * multiplier
                    ));
                }
            }
        }
    }
    out
}
