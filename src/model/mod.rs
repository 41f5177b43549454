//! The diagram people draw and save: nodes, edges and a scenario.
//!
//! Everything here is plain data with serde derives. It knows nothing of the engine or the window;
//! [`file`] reads and writes it as RON, [`validate`] lists what is wrong with it.

pub mod containers;
pub mod edit;
pub mod file;
pub mod params;
pub mod validate;

use serde::{Deserialize, Serialize};
use std::fmt;

pub use containers::{Cluster, ContainersParams, LaunchType, Orchestrator, Placement};
pub use params::{
    Arrival, AutoScaling, BalancerAlgorithm, BalancerParams, ClientParams, Distribution, FunctionArchitecture,
    FunctionParams, InstanceParams, MessageType, OptionKind, Payment, PredictiveScaling, PurchaseOption, QueueParams,
    QueueType, RateStep, ReservedClass, SavingsPlanKind, ScalingMetric, ScalingStep, ScheduledAction, TopicParams,
    TrafficPattern,
};

/// The file format version this program reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A node's identifier: short, unique within a diagram, used by edges and faults.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub String);

impl NodeId {
    /// Makes an id from anything string-like.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A whole saved diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagram {
    /// Always [`FORMAT_VERSION`] when written by this program.
    pub format_version: u32,
    /// Name, seed, duration and faults of the run.
    #[serde(default)]
    pub scenario: Scenario,
    /// The boxes on the canvas.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// The arrows between them.
    #[serde(default)]
    pub edges: Vec<Edge>,
}

impl Default for Diagram {
    fn default() -> Self {
        Self { format_version: FORMAT_VERSION, scenario: Scenario::default(), nodes: Vec::new(), edges: Vec::new() }
    }
}

impl Diagram {
    /// The node with this id, if any.
    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes.iter().find(|n| &n.id == id)
    }

    /// The availability zones its instance nodes run in, each once, in order.
    pub fn zones(&self) -> std::collections::BTreeSet<String> {
        self.nodes.iter().flat_map(|n| n.kind.zone_names()).collect()
    }
}

/// How a run is set up: everything besides the architecture itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// Short title shown in the window and the report.
    pub name: String,
    /// What the diagram shows and what to look for.
    pub description: String,
    /// Seed of the one random stream; same seed, same results.
    pub seed: u64,
    /// Simulated time to run for, in seconds.
    pub duration_secs: f64,
    /// Statistics ignore requests and messages that start before this time.
    pub warmup_secs: f64,
    /// Interval between chart samples, in simulated seconds.
    pub sample_interval_secs: f64,
    /// Scheduled failures.
    pub faults: Vec<Fault>,
    /// Apply the AWS free tier's monthly allowances to the bill (off: the full price).
    pub free_tier: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            name: String::new(),
            description: String::new(),
            seed: 1,
            duration_secs: 600.0,
            warmup_secs: 0.0,
            sample_interval_secs: 1.0,
            faults: Vec::new(),
            free_tier: false,
        }
    }
}

/// Where something runs: in the cloud, or in the company's own data centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Location {
    /// The cloud region: instances bought from AWS, balancers, functions.
    Cloud,
    /// The company's own data centre: instance nodes paid for as `OnPremises`.
    OnPremises,
}

impl Location {
    /// A name for a person.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cloud => "the cloud",
            Self::OnPremises => "on premises",
        }
    }
}

/// A scheduled failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Fault {
    /// The node stops: work in progress fails, new work is refused until it recovers.
    Crash {
        /// Which node.
        node: NodeId,
        /// For an instance node, which instance (0-based); for a container service on EC2, which
        /// of the cluster's instances (its tasks stop with it); on Fargate, which task. `None`
        /// means all of them.
        #[serde(default)]
        instance: Option<u32>,
        /// For a container service, which task (0-based), on any launch type: it stops and comes
        /// back when the crash ends, where it was placed. `None` with no `instance`: all tasks.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        task: Option<u32>,
        /// When it happens, in simulated seconds.
        at_secs: f64,
        /// How long it lasts; `None` means until the end of the run.
        #[serde(default)]
        for_secs: Option<f64>,
    },
    /// The node works, but every service time or duration is multiplied by `factor`.
    Slow {
        /// Which node (an instance or function node).
        node: NodeId,
        /// When it starts, in simulated seconds.
        at_secs: f64,
        /// How long it lasts; `None` means until the end of the run.
        #[serde(default)]
        for_secs: Option<f64>,
        /// Service-time multiplier, above 1 for slower.
        factor: f64,
    },
    /// One component of an instance node fails, and since the components share the instances,
    /// every instance of the node goes down with it.
    ComponentFailure {
        /// The instance node.
        node: NodeId,
        /// A name from that node's `components`.
        component: String,
        /// When it happens, in simulated seconds.
        at_secs: f64,
        /// How long it lasts; `None` means until the end of the run.
        #[serde(default)]
        for_secs: Option<f64>,
    },
    /// An availability zone fails: every machine in it (of every instance node in the cloud that
    /// uses the zone) goes down; Auto Scaling launches replacements in the other zones.
    ZoneOutage {
        /// The zone's name, as instance nodes list it in `zones`.
        zone: String,
        /// When it happens, in simulated seconds.
        at_secs: f64,
        /// How long it lasts; `None` means until the end of the run.
        #[serde(default)]
        for_secs: Option<f64>,
    },
    /// A whole location fails: in the cloud, every instance node bought from AWS, every balancer
    /// and every function (queues and topics stay, as regional services); on premises, every
    /// instance node there.
    LocationOutage {
        /// Which location.
        location: Location,
        /// When it happens, in simulated seconds.
        at_secs: f64,
        /// How long it lasts; `None` means until the end of the run.
        #[serde(default)]
        for_secs: Option<f64>,
    },
    /// Failures at random: each machine of an instance node (or a function or balancer node as a
    /// whole) fails after an exponentially distributed time with mean `mtbf_secs`, and is repaired
    /// after one with mean `mttr_secs`, again and again.
    RandomFailures {
        /// Which node.
        node: NodeId,
        /// Mean time between failures, in seconds of running time.
        mtbf_secs: f64,
        /// Mean time to repair, in seconds.
        mttr_secs: f64,
        /// When failures may start, in simulated seconds.
        #[serde(default)]
        at_secs: f64,
        /// How long failures may keep starting; `None` means until the end of the run.
        #[serde(default)]
        for_secs: Option<f64>,
    },
    /// The network between two nodes gets slower: calls along the edge take `extra_ms` longer
    /// each way.
    LatencySpike {
        /// The edge's caller.
        from: NodeId,
        /// The edge's callee.
        to: NodeId,
        /// Added one-way latency, in ms.
        extra_ms: f64,
        /// When it starts, in simulated seconds.
        at_secs: f64,
        /// How long it lasts; `None` means until the end of the run.
        #[serde(default)]
        for_secs: Option<f64>,
    },
    /// A client's traffic is multiplied for a while (a sale, a news story, a retry storm).
    TrafficSurge {
        /// The client node.
        node: NodeId,
        /// Rate multiplier, e.g. 3 for three times the traffic.
        multiplier: f64,
        /// When it starts, in simulated seconds.
        at_secs: f64,
        /// How long it lasts; `None` means until the end of the run.
        #[serde(default)]
        for_secs: Option<f64>,
    },
}

impl Fault {
    /// The nodes the fault names (none for outages, two for a latency spike).
    pub fn nodes(&self) -> Vec<&NodeId> {
        match self {
            Self::Crash { node, .. }
            | Self::Slow { node, .. }
            | Self::ComponentFailure { node, .. }
            | Self::RandomFailures { node, .. }
            | Self::TrafficSurge { node, .. } => vec![node],
            Self::LatencySpike { from, to, .. } => vec![from, to],
            Self::ZoneOutage { .. } | Self::LocationOutage { .. } => Vec::new(),
        }
    }

    /// Start and optional length, in simulated seconds.
    pub fn window_secs(&self) -> (f64, Option<f64>) {
        match self {
            Self::Crash { at_secs, for_secs, .. }
            | Self::Slow { at_secs, for_secs, .. }
            | Self::ComponentFailure { at_secs, for_secs, .. }
            | Self::ZoneOutage { at_secs, for_secs, .. }
            | Self::LocationOutage { at_secs, for_secs, .. }
            | Self::RandomFailures { at_secs, for_secs, .. }
            | Self::LatencySpike { at_secs, for_secs, .. }
            | Self::TrafficSurge { at_secs, for_secs, .. } => (*at_secs, *for_secs),
        }
    }

    /// Start and optional length, to change.
    pub fn window_mut(&mut self) -> (&mut f64, &mut Option<f64>) {
        match self {
            Self::Crash { at_secs, for_secs, .. }
            | Self::Slow { at_secs, for_secs, .. }
            | Self::ComponentFailure { at_secs, for_secs, .. }
            | Self::ZoneOutage { at_secs, for_secs, .. }
            | Self::LocationOutage { at_secs, for_secs, .. }
            | Self::RandomFailures { at_secs, for_secs, .. }
            | Self::LatencySpike { at_secs, for_secs, .. }
            | Self::TrafficSurge { at_secs, for_secs, .. } => (at_secs, for_secs),
        }
    }

    /// A short kind name: "crash", "zone outage"...
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Crash { .. } => "crash",
            Self::Slow { .. } => "slow-down",
            Self::ComponentFailure { .. } => "component failure",
            Self::ZoneOutage { .. } => "zone outage",
            Self::LocationOutage { .. } => "location outage",
            Self::RandomFailures { .. } => "random failures",
            Self::LatencySpike { .. } => "latency spike",
            Self::TrafficSurge { .. } => "traffic surge",
        }
    }

    /// What the fault does, for a person: "crash of 'barista'", "zone b outage".
    pub fn describe(&self) -> String {
        match self {
            Self::Crash { node, task: Some(t), .. } => format!("crash of '{node}' task {t}"),
            Self::Crash { node, instance: Some(i), .. } => format!("crash of '{node}' instance {i}"),
            Self::Crash { node, .. } => format!("crash of '{node}'"),
            Self::Slow { node, factor, .. } => format!("'{node}' {factor}× slower"),
            Self::ComponentFailure { node, component, .. } => format!("component '{component}' of '{node}' fails"),
            Self::ZoneOutage { zone, .. } => format!("zone '{zone}' outage"),
            Self::LocationOutage { location, .. } => format!("outage of {}", location.name()),
            Self::RandomFailures { node, mtbf_secs, mttr_secs, .. } => {
                format!("random failures of '{node}' (MTBF {mtbf_secs} s, MTTR {mttr_secs} s)")
            }
            Self::LatencySpike { from, to, extra_ms, .. } => format!("+{extra_ms} ms on '{from}' → '{to}'"),
            Self::TrafficSurge { node, multiplier, .. } => format!("'{node}' traffic ×{multiplier}"),
        }
    }
}

/// A box on the canvas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Unique id, used by edges and faults.
    pub id: NodeId,
    /// Label shown on the canvas; the id when empty.
    #[serde(default)]
    pub name: String,
    /// Position of the node's centre on the canvas, in canvas points.
    #[serde(default)]
    pub pos: (f32, f32),
    /// What the node stands for, with its parameters.
    pub kind: NodeKind,
}

impl Node {
    /// The label to show: the name, or the id when the name is empty.
    pub fn label(&self) -> &str {
        if self.name.is_empty() { &self.id.0 } else { &self.name }
    }
}

/// One stroke of a kind's icon, in units of half the icon's size around its centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IconPart {
    /// A circle outline.
    Ring {
        /// Centre.
        at: (f32, f32),
        /// Radius.
        r: f32,
    },
    /// A filled circle.
    Dot {
        /// Centre.
        at: (f32, f32),
        /// Radius.
        r: f32,
    },
    /// A straight line.
    Line {
        /// From.
        a: (f32, f32),
        /// To.
        b: (f32, f32),
    },
    /// A rectangle outline.
    Frame {
        /// Centre.
        at: (f32, f32),
        /// Width and height.
        size: (f32, f32),
    },
    /// A filled rectangle.
    Block {
        /// Centre.
        at: (f32, f32),
        /// Width and height.
        size: (f32, f32),
    },
}

/// The kinds of node and their parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NodeKind {
    /// Users or a caller sending requests.
    Client(ClientParams),
    /// A load balancer (Elastic Load Balancing, application type).
    Balancer(BalancerParams),
    /// One or more EC2 instances running the same service.
    Instance(InstanceParams),
    /// A publish/subscribe topic (SNS).
    Topic(TopicParams),
    /// A message queue (SQS).
    Queue(QueueParams),
    /// A serverless function (Lambda).
    Function(FunctionParams),
    /// A container service (ECS) or deployment (EKS) of identical tasks, on Fargate or EC2.
    Containers(ContainersParams),
}

/// The kind of a node without its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// See [`NodeKind::Client`].
    Client,
    /// See [`NodeKind::Balancer`].
    Balancer,
    /// See [`NodeKind::Instance`].
    Instance,
    /// See [`NodeKind::Topic`].
    Topic,
    /// See [`NodeKind::Queue`].
    Queue,
    /// See [`NodeKind::Function`].
    Function,
    /// See [`NodeKind::Containers`].
    Containers,
}

impl Kind {
    /// Every kind, in palette order.
    pub const ALL: [Self; 7] =
        [Self::Client, Self::Balancer, Self::Instance, Self::Containers, Self::Topic, Self::Queue, Self::Function];

    /// Lower-case name, as used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Balancer => "balancer",
            Self::Instance => "instance",
            Self::Topic => "topic",
            Self::Queue => "queue",
            Self::Function => "function",
            Self::Containers => "containers",
        }
    }

    // What kinds can do. Each is a whole `match`, so that a new kind is a compile error here
    // rather than a silent "no" wherever a list of kinds was written out.

    /// Whether a node of this kind answers synchronous calls (the caller waits).
    pub fn answers_calls(self) -> bool {
        match self {
            Self::Balancer | Self::Instance | Self::Function | Self::Containers => true,
            Self::Client | Self::Topic | Self::Queue => false,
        }
    }

    /// Whether a node of this kind makes synchronous calls along its edges (and waits for them).
    pub fn makes_calls(self) -> bool {
        match self {
            Self::Client | Self::Balancer | Self::Instance | Self::Function | Self::Containers => true,
            Self::Topic | Self::Queue => false,
        }
    }

    /// Whether a node of this kind takes asynchronous messages (the sender does not wait).
    pub fn takes_messages(self) -> bool {
        match self {
            Self::Topic | Self::Queue => true,
            Self::Client | Self::Balancer | Self::Instance | Self::Function | Self::Containers => false,
        }
    }

    /// Whether a node of this kind reads messages from a queue along an edge from the queue.
    pub fn consumes_queues(self) -> bool {
        match self {
            Self::Instance | Self::Function | Self::Containers => true,
            Self::Client | Self::Balancer | Self::Topic | Self::Queue => false,
        }
    }

    /// Whether work waits in a node of this kind (a queue's visible messages, the backlogs of an
    /// instance node's machines or of a service's tasks): the "Waiting work" chart plots it.
    pub fn has_backlog(self) -> bool {
        match self {
            Self::Queue | Self::Instance | Self::Containers => true,
            Self::Client | Self::Balancer | Self::Topic | Self::Function => false,
        }
    }

    /// Whether a node of this kind keeps messages until a consumer deletes them, so they have an
    /// age.
    pub fn keeps_messages(self) -> bool {
        match self {
            Self::Queue => true,
            Self::Client | Self::Balancer | Self::Instance | Self::Topic | Self::Function | Self::Containers => false,
        }
    }

    /// Whether a node of this kind runs a number of identical machines (instances, tasks) that
    /// launch, warm up and may scale: the "Instances" chart and the "running" badge show them.
    pub fn runs_machines(self) -> bool {
        match self {
            Self::Instance | Self::Containers => true,
            Self::Client | Self::Balancer | Self::Topic | Self::Queue | Self::Function => false,
        }
    }

    /// Whether a node of this kind can fail: crash, fail at random, be failed by hand.
    pub fn can_fail(self) -> bool {
        match self {
            Self::Balancer | Self::Instance | Self::Function | Self::Containers => true,
            Self::Client | Self::Topic | Self::Queue => false,
        }
    }

    /// Whether a node of this kind does work that takes time, so it can be slowed and has a
    /// utilisation.
    pub fn does_work(self) -> bool {
        match self {
            Self::Instance | Self::Function | Self::Containers => true,
            Self::Client | Self::Balancer | Self::Topic | Self::Queue => false,
        }
    }

    /// Whether a topic delivers to a node of this kind over HTTP (retried on failure) rather than
    /// handing the copy over as a message or an asynchronous invocation.
    pub fn is_http_endpoint(self) -> bool {
        match self {
            Self::Balancer | Self::Instance | Self::Containers => true,
            Self::Client | Self::Topic | Self::Queue | Self::Function => false,
        }
    }

    // What a kind is called, explained as and drawn with: what the window shows of it, kept with
    // the kind so that a new kind says it here, once.

    /// The kind's name as shown to people: "Instances (EC2)".
    pub fn title(self) -> &'static str {
        match self {
            Self::Client => "Client",
            Self::Balancer => "Load balancer",
            Self::Instance => "Instances (EC2)",
            Self::Topic => "Topic (SNS)",
            Self::Queue => "Queue (SQS)",
            Self::Function => "Function (Lambda)",
            Self::Containers => "Containers (ECS/EKS)",
        }
    }

    /// What the kind stands for, for someone learning cloud architecture.
    pub fn help(self) -> &'static str {
        match self {
            Self::Client => {
                "The people (or programs) using your system. Each request they send either gets an answer, \
                 fails, or is still waiting. Poisson arrivals model many independent users; a pattern shapes \
                 the rate over the day. A timeout is how long a user waits before giving up; retries try \
                 again after a growing pause (backoff), with jitter so that everyone does not retry at once."
            }
            Self::Balancer => {
                "Spreads incoming requests over several targets so that no single server is overwhelmed, and \
                 stops sending to a target once its health checks fail. It only notices a dead target after \
                 a few failed checks in a row, so some requests still fail in between. Round robin takes turns; \
                 least outstanding picks the target with the least work in progress; random picks at random."
            }
            Self::Instance => {
                "Virtual servers (EC2) running your code. Each instance serves a few requests at once (its \
                 workers) and lets the rest wait in a backlog. The instance type sets the hardware and the price: \
                 general purpose for balanced work, compute optimized for heavy processing, memory optimized for \
                 large data in memory, accelerated for GPU work, storage optimized for big fast disks. When an \
                 instance runs several components of one application (a monolith), they fail together."
            }
            Self::Topic => {
                "Publish/subscribe (SNS): a sender publishes a message once, and every subscriber gets its own \
                 copy — like a newsletter. Subscriptions can filter by message type, so each subscriber only \
                 gets what it asked for. The sender does not wait for the subscribers."
            }
            Self::Queue => {
                "A buffer between parts of an application (SQS), like an order board between cashier and barista: \
                 the sender drops a message and moves on; consumers take messages when they are free. A message \
                 being processed is hidden for the visibility timeout and deleted when done; if the consumer fails, \
                 it reappears and is tried again. After too many tries it goes to a dead-letter queue. FIFO queues \
                 keep order, at the cost of processing one message per group at a time."
            }
            Self::Function => {
                "Serverless code (Lambda): no servers to manage, you pay per request and per GB-second of running \
                 time. Each concurrent run needs an execution environment; a new one takes extra time to start \
                 (a cold start), idle ones are kept warm for a while. Beyond the concurrency limit, direct calls \
                 are refused (throttled), while work from a queue simply waits."
            }
            Self::Containers => containers::HELP,
        }
    }

    /// The kind's accent colour (its stripe on the canvas and its palette entry), as RGB.
    pub fn colour(self) -> (u8, u8, u8) {
        match self {
            Self::Client => (0x4c, 0x9a, 0xe0),
            Self::Balancer => (0x8e, 0x6c, 0xd8),
            Self::Instance => (0xe0, 0x8a, 0x2c),
            Self::Topic => (0xd8, 0x4f, 0x8a),
            Self::Queue => (0x3a, 0xb0, 0x8a),
            Self::Function => (0xd9, 0xb3, 0x2b),
            Self::Containers => (0xe0, 0x5d, 0x3a),
        }
    }

    /// The symbol of a node kind, drawn from shapes (not font glyphs) so that it looks the same
    /// whatever fonts a machine has.
    pub fn icon(self) -> Vec<IconPart> {
        use IconPart::{Block, Dot, Frame, Line, Ring};
        match self {
            // Two people.
            Self::Client => [-0.35f32, 0.35]
                .into_iter()
                .flat_map(|dx| {
                    [
                        Ring { at: (dx, -0.35), r: 0.25 },
                        Line { a: (dx - 0.4, 0.75), b: (dx + 0.4, 0.75) },
                        Line { a: (dx - 0.4, 0.75), b: (dx, 0.05) },
                        Line { a: (dx + 0.4, 0.75), b: (dx, 0.05) },
                    ]
                })
                .collect(),
            // One line in, three out.
            Self::Balancer => {
                let hub = (-0.2, 0.0);
                let mut parts = vec![Line { a: (-0.9, 0.0), b: hub }, Dot { at: hub, r: 0.18 }];
                for dy in [-0.7, 0.0, 0.7] {
                    parts.push(Line { a: hub, b: (0.8, dy) });
                    parts.push(Dot { at: (0.8, dy), r: 0.13 });
                }
                parts
            }
            // A rack of servers.
            Self::Instance => [-0.55f32, 0.0, 0.55]
                .into_iter()
                .flat_map(|dy| [Frame { at: (0.0, dy), size: (1.6, 0.42) }, Dot { at: (0.55, dy), r: 0.08 }])
                .collect(),
            // One point fanning out to three.
            Self::Topic => {
                let from = (-0.75, 0.0);
                let mut parts = vec![Dot { at: from, r: 0.2 }];
                for dy in [-0.7f32, 0.0, 0.7] {
                    let to = (0.8, dy);
                    parts.push(Line { a: from, b: to });
                    parts.push(Line { a: to, b: (to.0 - 0.25, dy - 0.12 - dy * 0.1) });
                    parts.push(Line { a: to, b: (to.0 - 0.25, dy + 0.12 - dy * 0.1) });
                }
                parts
            }
            // Messages waiting in line.
            Self::Queue => {
                [-0.6f32, 0.0, 0.6].into_iter().map(|dx| Block { at: (dx, 0.0), size: (0.42, 1.2) }).collect()
            }
            // A host holding four containers.
            Self::Containers => {
                let mut parts = vec![Frame { at: (0.0, 0.0), size: (1.8, 1.6) }];
                for (dx, dy) in [(-0.4f32, -0.35f32), (0.4, -0.35), (-0.4, 0.35), (0.4, 0.35)] {
                    parts.push(Block { at: (dx, dy), size: (0.6, 0.5) });
                }
                parts
            }
            // Lambda.
            Self::Function => vec![
                Line { a: (-0.7, 0.8), b: (0.0, -0.1) },
                Line { a: (-0.45, -0.8), b: (0.7, 0.8) },
                Line { a: (-0.75, -0.8), b: (-0.45, -0.8) },
            ],
        }
    }

    /// The words of a running node's badge: what its running count is ("3/4 running"), and what
    /// its waiting work is ("12 waiting") — `None` where the kind has no such figure.
    pub fn badge_words(self) -> (Option<&'static str>, Option<&'static str>) {
        match self {
            Self::Instance => (Some("running"), Some("waiting")),
            Self::Containers => (Some("tasks"), Some("waiting")),
            Self::Function => (Some("executing"), None),
            Self::Queue => (None, Some("in queue")),
            Self::Client | Self::Balancer | Self::Topic => (None, None),
        }
    }

    /// The name and parameters of a new node of the kind.
    pub fn default_node(self) -> (&'static str, NodeKind) {
        match self {
            Self::Client => ("Users", NodeKind::Client(ClientParams::default())),
            Self::Balancer => ("Load balancer", NodeKind::Balancer(BalancerParams::default())),
            Self::Instance => ("Instances", NodeKind::Instance(InstanceParams::default())),
            Self::Topic => ("Topic", NodeKind::Topic(TopicParams::default())),
            Self::Queue => ("Queue", NodeKind::Queue(QueueParams::default())),
            Self::Function => ("Function", NodeKind::Function(FunctionParams::default())),
            Self::Containers => ("Containers", NodeKind::Containers(ContainersParams::default())),
        }
    }

    /// The kinds that can do `what`, in palette order.
    pub fn all_that(what: fn(Self) -> bool) -> Vec<Self> {
        Self::ALL.into_iter().filter(|&k| what(k)).collect()
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl NodeKind {
    /// The kind without parameters.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Client(_) => Kind::Client,
            Self::Balancer(_) => Kind::Balancer,
            Self::Instance(_) => Kind::Instance,
            Self::Topic(_) => Kind::Topic,
            Self::Queue(_) => Kind::Queue,
            Self::Function(_) => Kind::Function,
            Self::Containers(_) => Kind::Containers,
        }
    }

    /// The node's parameters as every kind offers them: checks, summary, limits. The one match
    /// from a node's kind to its parameters' [`KindParams`].
    pub fn params(&self) -> &dyn KindParams {
        match self {
            Self::Client(p) => p,
            Self::Balancer(p) => p,
            Self::Instance(p) => p,
            Self::Topic(p) => p,
            Self::Queue(p) => p,
            Self::Function(p) => p,
            Self::Containers(p) => p,
        }
    }

    /// The named parts that can fail inside the node (an instance node's components).
    pub fn components(&self) -> &[String] {
        self.params().components()
    }

    /// The node's Auto Scaling group (an instance node's, or a container service's Service Auto
    /// Scaling), if it has one.
    pub fn auto_scaling(&self) -> Option<&AutoScaling> {
        self.params().auto_scaling()
    }

    /// The availability zones the node's machines run in, in order (none for kinds without
    /// machines of their own).
    pub fn zone_names(&self) -> Vec<String> {
        self.params().zone_names()
    }
}

/// What the rest of the program asks of a kind's parameters, whatever the kind. Each kind
/// implements it next to its parameters (`params.rs`, `containers.rs`), so its checks, its
/// summary and its share of the diagram's limits are in one place; validation, the canvas and the
/// editor reach them through [`NodeKind::params`].
pub trait KindParams {
    /// A one-line summary of the main parameters, shown under the node's name on its card.
    fn summary(&self) -> String;

    /// The node's own checks, each reported with the field it is about ([`validate::NO_FIELD`]
    /// when it is about the node as a whole). `catalog` answers what the instance types offer.
    fn check(&self, catalog: &dyn validate::Offerings, bad: &mut dyn FnMut(&'static str, String));

    /// The texts the node holds besides its id and name, each with what it is ("a component"),
    /// for the length limit.
    fn texts(&self) -> Vec<(&'static str, &str)> {
        Vec::new()
    }

    /// The node's time settings in seconds, each named, for the upper bound on any time.
    fn time_settings(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }

    /// What the node adds to the diagram's totals at most (machines, workers, FIFO groups).
    fn size(&self, _catalog: &dyn validate::Offerings) -> validate::Size {
        validate::Size::default()
    }

    /// Why a crash fault cannot name this node — or its part `instance` (a machine, a cluster
    /// instance) or `task` (a container service's) — or `None` when it can. `id` is the node's,
    /// for the message.
    fn crash_refusal(&self, _id: &NodeId, instance: Option<u32>, task: Option<u32>) -> Option<String> {
        if task.is_some() {
            Some("only a container service has tasks".to_owned())
        } else {
            instance.map(|_| "only an instance node (or a container service) has numbered machines".to_owned())
        }
    }

    /// What a crash of this node can name, as a picker offers it: a label ("all machines",
    /// "machine 2", "task 0", "cluster instance 1") with the fault's `instance` and `task`. Empty
    /// for a kind whose crash is of the whole node; at most 64 of each numbered part.
    fn crash_parts(&self) -> Vec<(String, Option<u32>, Option<u32>)> {
        Vec::new()
    }

    /// The named parts that can fail inside the node (an instance node's components).
    fn components(&self) -> &[String] {
        &[]
    }

    /// The node's Auto Scaling group, if it has one.
    fn auto_scaling(&self) -> Option<&AutoScaling> {
        None
    }

    /// The availability zones the node's machines run in, in order.
    fn zone_names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// An arrow from one node to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// The sending or calling node.
    pub from: NodeId,
    /// The receiving or called node.
    pub to: NodeId,
    /// One-way network delay in milliseconds; a synchronous call pays it there and back.
    #[serde(default = "default_edge_latency_ms")]
    pub latency_ms: f64,
    /// Queue → queue only: the second queue is the first one's dead-letter queue.
    #[serde(default)]
    pub dead_letter: bool,
    /// Topic → subscriber only: message types this subscription accepts; empty accepts all.
    #[serde(default)]
    pub filter: Vec<String>,
}

/// Default one-way edge latency: half a millisecond, a hop inside one data centre.
pub const DEFAULT_EDGE_LATENCY_MS: f64 = 0.5;

fn default_edge_latency_ms() -> f64 {
    DEFAULT_EDGE_LATENCY_MS
}

impl Edge {
    /// An edge with the default latency and no options.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            from: NodeId::new(from),
            to: NodeId::new(to),
            latency_ms: DEFAULT_EDGE_LATENCY_MS,
            dead_letter: false,
            filter: Vec::new(),
        }
    }
}

/// A whole number with thousands separated by commas, as messages and reports write counts.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
