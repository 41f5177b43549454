//! The parameters of each node kind, with their documented defaults.
//!
//! Every field carries its unit in its name. Every struct is `#[serde(default)]`, so a file may
//! leave out any parameter and get the default written here (and in `saves/README.md`).

use super::{KindParams, NodeId, validate};
use serde::{Deserialize, Serialize};

/// A random duration, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Distribution {
    /// Always the same.
    Constant {
        /// The duration.
        ms: f64,
    },
    /// Memoryless: most are short, a few long (the M in M/M/c).
    Exponential {
        /// The mean.
        mean_ms: f64,
    },
    /// Skewed with a long tail, as measured service times usually are.
    LogNormal {
        /// The mean.
        mean_ms: f64,
        /// The standard deviation.
        std_dev_ms: f64,
    },
    /// Anywhere between two bounds with equal chance.
    Uniform {
        /// The lower bound.
        min_ms: f64,
        /// The upper bound.
        max_ms: f64,
    },
}

impl Distribution {
    /// The mean duration in milliseconds.
    pub fn mean_ms(&self) -> f64 {
        match *self {
            Self::Constant { ms } => ms,
            Self::Exponential { mean_ms } | Self::LogNormal { mean_ms, .. } => mean_ms,
            Self::Uniform { min_ms, max_ms } => f64::midpoint(min_ms, max_ms),
        }
    }

    /// The longest time the parameters name, in seconds (for the upper bound on any time).
    pub fn longest_secs(&self) -> f64 {
        let ms = match *self {
            Self::Constant { ms } => ms,
            Self::Exponential { mean_ms } => mean_ms,
            Self::LogNormal { mean_ms, std_dev_ms } => mean_ms.max(std_dev_ms),
            Self::Uniform { min_ms, max_ms } => min_ms.max(max_ms),
        };
        ms / 1000.0
    }
}

/// How the gaps between a client's requests are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Arrival {
    /// Independent users: exponential gaps (a Poisson process).
    #[default]
    Poisson,
    /// A metronome: equal gaps of 1 / rate.
    EvenlySpaced,
}

/// One step of a [`TrafficPattern::Steps`] schedule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateStep {
    /// From this simulated time on…
    pub at_secs: f64,
    /// …requests arrive at this rate.
    pub rate_per_sec: f64,
}

/// How a client's rate changes over simulated time.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum TrafficPattern {
    /// Always `rate_per_sec`.
    #[default]
    Constant,
    /// `rate_per_sec` until `start_secs`, then a straight line to `to_rate_per_sec` over `ramp_secs`,
    /// then constant.
    Ramp {
        /// The rate at the end of the ramp.
        to_rate_per_sec: f64,
        /// When the ramp begins.
        #[serde(default)]
        start_secs: f64,
        /// How long the ramp takes.
        ramp_secs: f64,
    },
    /// A daily cycle: `rate_per_sec × (1 + amplitude × cos(2π (t − peak_at_secs) / period_secs))`.
    Diurnal {
        /// Swing around the mean, as a fraction of it (0 to 1).
        amplitude: f64,
        /// Length of one cycle; a day by default.
        #[serde(default = "default_period_secs")]
        period_secs: f64,
        /// When in the cycle the rate peaks.
        #[serde(default)]
        peak_at_secs: f64,
    },
    /// A burst: the rate is multiplied by `multiplier` from `at_secs` for `duration_secs`.
    Spike {
        /// When the burst starts.
        at_secs: f64,
        /// How long it lasts.
        duration_secs: f64,
        /// Rate multiplier during the burst.
        multiplier: f64,
    },
    /// A schedule: `rate_per_sec` before the first step, then each step's rate from its time on.
    Steps(Vec<RateStep>),
}

fn default_period_secs() -> f64 {
    86_400.0
}

/// A named type of message a client sends, for topic subscription filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageType {
    /// The value of the message's type attribute.
    pub name: String,
    /// Relative share of the client's requests that carry it.
    pub weight: f64,
}

/// Parameters of a client node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClientParams {
    /// Mean request rate (the base rate the pattern shapes).
    pub rate_per_sec: f64,
    /// How gaps between requests are drawn.
    pub arrival: Arrival,
    /// How the rate changes over time.
    pub pattern: TrafficPattern,
    /// Give up on an attempt after this long; `None` waits forever.
    pub timeout_ms: Option<f64>,
    /// Extra attempts after a failed or timed-out one.
    pub retries: u32,
    /// Wait before retry n is `backoff_base_ms × 2^(n−1)`, capped at `backoff_max_ms`.
    pub backoff_base_ms: f64,
    /// Upper bound of the backoff wait.
    pub backoff_max_ms: f64,
    /// Draw each wait uniformly between 0 and the backoff ("full jitter"), so retries spread out.
    pub jitter: bool,
    /// Size of each request (also each message's size in queues and topics).
    pub request_bytes: u32,
    /// Size of each answer.
    pub response_bytes: u32,
    /// Types of message, for topic filters; empty means untyped.
    pub message_types: Vec<MessageType>,
}

impl ClientParams {
    /// The highest rate the traffic pattern reaches, in requests per second.
    pub fn peak_rate_per_sec(&self) -> f64 {
        let base = self.rate_per_sec;
        match &self.pattern {
            TrafficPattern::Constant => base,
            TrafficPattern::Ramp { to_rate_per_sec, .. } => base.max(*to_rate_per_sec),
            TrafficPattern::Diurnal { amplitude, .. } => base * (1.0 + amplitude),
            TrafficPattern::Spike { multiplier, .. } => base * multiplier.max(1.0),
            TrafficPattern::Steps(steps) => steps.iter().map(|s| s.rate_per_sec).fold(base, f64::max),
        }
    }
}

impl Default for ClientParams {
    fn default() -> Self {
        Self {
            rate_per_sec: 10.0,
            arrival: Arrival::Poisson,
            pattern: TrafficPattern::Constant,
            timeout_ms: None,
            retries: 0,
            backoff_base_ms: 100.0,
            backoff_max_ms: 20_000.0,
            jitter: true,
            request_bytes: 1024,
            response_bytes: 4096,
            message_types: Vec::new(),
        }
    }
}

/// How a balancer picks a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BalancerAlgorithm {
    /// Each healthy target in turn.
    #[default]
    RoundRobin,
    /// The healthy target with the fewest requests in progress (ties: the first).
    LeastOutstanding,
    /// A healthy target at random.
    Random,
}

/// Parameters of a balancer node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BalancerParams {
    /// How a target is picked.
    pub algorithm: BalancerAlgorithm,
    /// Time between health checks of each target (AWS: 5–300 s).
    pub health_check_interval_secs: f64,
    /// Failed checks in a row before a target is taken out (AWS: 2–10).
    pub unhealthy_threshold: u32,
    /// Passed checks in a row before a target is put back (AWS: 2–10).
    pub healthy_threshold: u32,
    /// Listener rules evaluated per request; beyond the first 10 (free) they count towards the
    /// load balancer capacity units billed.
    pub rules_per_request: u32,
}

impl Default for BalancerParams {
    fn default() -> Self {
        // The AWS defaults for an application load balancer's target group.
        Self {
            algorithm: BalancerAlgorithm::RoundRobin,
            health_check_interval_secs: 30.0,
            unhealthy_threshold: 2,
            healthy_threshold: 5,
            rules_per_request: 1,
        }
    }
}

/// Parameters of an instance node: `count` identical instances of one type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InstanceParams {
    /// An instance type from the pricing catalog, e.g. `"m5.large"`.
    pub instance_type: String,
    /// How many instances run.
    pub count: u32,
    /// Requests one instance serves at once; `None` means one per vCPU of the type.
    pub workers_per_instance: Option<u32>,
    /// Time one worker spends on one request.
    pub service_time: Distribution,
    /// Requests that may wait for a worker on one instance; `None` means no limit.
    pub backlog_limit: Option<u32>,
    /// Parts of the application that run inside these instances and share their fate.
    pub components: Vec<String>,
    /// How the instances are paid for (and whether they run in the cloud or on premises).
    pub purchase: PurchaseOption,
    /// Run the instances as an Auto Scaling group (then `count` is not used: the group starts at
    /// its desired capacity). `None`: a fixed count.
    pub auto_scaling: Option<AutoScaling>,
    /// Availability zones the machines are spread over, e.g. `["a", "b"]`; a new machine goes to
    /// the zone with the fewest machines among those not in an outage. Empty: one zone, `"a"`.
    pub zones: Vec<String>,
}

/// What an Auto Scaling group's target tracking follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScalingMetric {
    /// Busy workers over serving workers, averaged over the evaluation period (0 to 1).
    Utilization,
    /// Visible messages in the queues the group consumes, per serving machine.
    BacklogPerInstance,
    /// Requests arriving per second per serving machine (or task), over the evaluation period —
    /// ALB's request count per target, per second.
    RequestsPerTarget,
}

/// An Auto Scaling group: capacity that follows demand between a floor and a ceiling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AutoScaling {
    /// Fewest machines.
    pub min: u32,
    /// Most machines.
    pub max: u32,
    /// Machines at the start; `None` means `min`.
    pub desired: Option<u32>,
    /// Target tracking on this metric; `None`: only scheduled actions change the capacity.
    pub metric: Option<ScalingMetric>,
    /// The value the group keeps the metric near (utilisation 0–1, or messages per machine).
    pub target: f64,
    /// Seconds between two evaluations of the metric (the metric's period).
    pub evaluation_secs: f64,
    /// After a scaling activity, no scaling in for this long.
    pub cooldown_secs: f64,
    /// A new machine is billed from launch but serves only after this long.
    pub warmup_secs: f64,
    /// A machine down for this long is replaced.
    pub health_check_grace_secs: f64,
    /// Changes of min, max or desired at given times.
    pub scheduled: Vec<ScheduledAction>,
    /// Step scaling instead of target tracking: each evaluation, the step whose range holds the
    /// metric's value changes the desired capacity by its `change`. Empty: target tracking.
    pub steps: Vec<ScalingStep>,
    /// Predictive scaling: capacity launched ahead of the traffic pattern's demand. `None`: off.
    pub predictive: Option<PredictiveScaling>,
}

/// One step of a step scaling policy: while the metric is in `from` ..< `to`, change the desired
/// capacity by `change` machines (negative to scale in) at each evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalingStep {
    /// Lower bound of the metric, included.
    pub from: f64,
    /// Upper bound, excluded; `None`: no upper bound.
    #[serde(default)]
    pub to: Option<f64>,
    /// Machines to add (or, negative, to remove).
    pub change: i32,
}

/// Predictive scaling: from the clients' traffic patterns (known ahead, as a forecast would be),
/// the capacity needed `lead_secs` from now is launched now, so that it has warmed up when the
/// demand comes. Dynamic scaling may add more; the group never goes below the forecast's need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PredictiveScaling {
    /// How far ahead to look (AWS's scheduling buffer); at least the warm-up. Default 300.
    pub lead_secs: f64,
    /// The utilisation the forecast capacity is sized for. Default 0.6.
    pub utilization: f64,
}

impl Default for PredictiveScaling {
    fn default() -> Self {
        Self { lead_secs: 300.0, utilization: 0.6 }
    }
}

impl Default for AutoScaling {
    fn default() -> Self {
        Self {
            min: 1,
            max: 4,
            desired: None,
            metric: Some(ScalingMetric::Utilization),
            target: 0.6,
            evaluation_secs: 60.0,
            cooldown_secs: 300.0,
            warmup_secs: 60.0,
            health_check_grace_secs: 300.0,
            scheduled: Vec::new(),
            steps: Vec::new(),
            predictive: None,
        }
    }
}

/// A scheduled change of an Auto Scaling group's capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledAction {
    /// When, in simulated seconds.
    pub at_secs: f64,
    /// New minimum, if any.
    #[serde(default)]
    pub min: Option<u32>,
    /// New maximum, if any.
    #[serde(default)]
    pub max: Option<u32>,
    /// New desired capacity, if any.
    #[serde(default)]
    pub desired: Option<u32>,
}

/// Reserved Instance class: standard (one type) or convertible (exchangeable, smaller discount).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReservedClass {
    /// Tied to one instance family; the larger discount.
    Standard,
    /// Can be exchanged for another type; a smaller discount.
    Convertible,
}

/// How much of a reservation is paid at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Payment {
    /// Everything by the hour.
    NoUpfront,
    /// Part at the start, the rest by the hour.
    PartialUpfront,
    /// Everything at the start.
    AllUpfront,
}

/// Savings Plan kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SavingsPlanKind {
    /// Any instance family, Region or operating system (also Fargate and Lambda).
    Compute,
    /// One instance family in one Region; a larger discount.
    Ec2Instance,
}

/// How an instance node's machines are paid for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum PurchaseOption {
    /// Per second of running time at the on-demand rate (60-second minimum per launch).
    #[default]
    OnDemand,
    /// A reservation for the machines present at the start, billed for the whole run whether
    /// they run or not, at its effective hourly rate (upfront spread over the term). Machines
    /// beyond it run on demand.
    Reserved {
        /// Standard or convertible.
        class: ReservedClass,
        /// 1 or 3.
        term_years: u32,
        /// How much is paid at the start.
        payment: Payment,
    },
    /// Running time billed at the plan's discounted rate (the commitment is assumed to match
    /// the usage; the what-if panel recommends one from the run).
    SavingsPlan {
        /// Compute or EC2 Instance.
        plan: SavingsPlanKind,
        /// 1 or 3.
        term_years: u32,
    },
    /// Spare capacity at a discount; machines are interrupted at random (after a two-minute
    /// notice) and their billing stops.
    Spot {
        /// Interruptions per machine-hour; `None` takes the catalog's figure.
        interruptions_per_hour: Option<f64>,
    },
    /// Whole physical hosts for this node alone, billed per host-hour from the start; as many
    /// hosts as the machines need by vCPU.
    DedicatedHost,
    /// The company's own servers: hardware bought upfront and spread over its life, plus the cost
    /// of running it (power, space, people) by the hour — billed whether busy or not.
    OnPremises {
        /// Price of one server.
        hardware_usd: f64,
        /// Years the hardware cost is spread over.
        amortisation_years: f64,
        /// Running cost of one server per hour.
        running_usd_per_hour: f64,
    },
}

/// The kinds of purchase option, without their settings: what bills, cost series and the
/// picker are keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OptionKind {
    OnDemand,
    Reserved,
    SavingsPlan,
    Spot,
    DedicatedHost,
    OnPremises,
}

impl OptionKind {
    /// Every kind, in the order of the cost charts and the inspector's picker.
    pub const ALL: [Self; 6] =
        [Self::OnDemand, Self::Reserved, Self::SavingsPlan, Self::Spot, Self::DedicatedHost, Self::OnPremises];

    /// The name reports use (the keys of `by_purchase_option`): `on_demand`, `savings_plan` …
    pub fn name(self) -> &'static str {
        match self {
            Self::OnDemand => "on_demand",
            Self::Reserved => "reserved",
            Self::SavingsPlan => "savings_plan",
            Self::Spot => "spot",
            Self::DedicatedHost => "dedicated_host",
            Self::OnPremises => "on_premises",
        }
    }

    /// The name a person reads: "On demand", "Savings plan" …
    pub fn label(self) -> &'static str {
        match self {
            Self::OnDemand => "On demand",
            Self::Reserved => "Reserved",
            Self::SavingsPlan => "Savings plan",
            Self::Spot => "Spot",
            Self::DedicatedHost => "Dedicated host",
            Self::OnPremises => "On premises",
        }
    }
}

impl PurchaseOption {
    /// Which kind of option this is.
    pub fn kind(&self) -> OptionKind {
        match self {
            Self::OnDemand => OptionKind::OnDemand,
            Self::Reserved { .. } => OptionKind::Reserved,
            Self::SavingsPlan { .. } => OptionKind::SavingsPlan,
            Self::Spot { .. } => OptionKind::Spot,
            Self::DedicatedHost => OptionKind::DedicatedHost,
            Self::OnPremises { .. } => OptionKind::OnPremises,
        }
    }

    /// A short name, as the report's `by_purchase_option` uses it.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// A short description for a person: "Reserved std 1 y, no upfront".
    pub fn describe(&self) -> String {
        match self {
            Self::OnDemand => "On demand".to_owned(),
            Self::Reserved { class, term_years, payment } => {
                let class = if *class == ReservedClass::Standard { "std" } else { "conv." };
                let payment = match payment {
                    Payment::NoUpfront => "no upfront",
                    Payment::PartialUpfront => "partial",
                    Payment::AllUpfront => "all upfront",
                };
                format!("Reserved {class} {term_years} y, {payment}")
            }
            Self::SavingsPlan { plan, term_years } => {
                let plan = if *plan == SavingsPlanKind::Compute { "Compute" } else { "EC2" };
                format!("{plan} Savings Plan {term_years} y")
            }
            Self::Spot { .. } => "Spot".to_owned(),
            Self::DedicatedHost => "Dedicated host".to_owned(),
            Self::OnPremises { .. } => "On premises".to_owned(),
        }
    }

    /// Whether the machines run in the company's own data centre.
    pub fn on_premises(&self) -> bool {
        matches!(self, Self::OnPremises { .. })
    }
}

impl InstanceParams {
    /// Machines at the start: the count, or an Auto Scaling group's desired capacity (or min).
    pub fn initial_count(&self) -> u32 {
        self.auto_scaling.as_ref().map_or(self.count, |g| g.desired.unwrap_or(g.min))
    }

    /// The zones the machines spread over (`["a"]` when none are named).
    pub fn zone_names(&self) -> Vec<String> {
        if self.zones.is_empty() { vec!["a".to_owned()] } else { self.zones.clone() }
    }
}

impl Default for InstanceParams {
    fn default() -> Self {
        Self {
            instance_type: "m5.large".to_owned(),
            count: 1,
            workers_per_instance: None,
            service_time: Distribution::Exponential { mean_ms: 50.0 },
            backlog_limit: None,
            components: Vec::new(),
            purchase: PurchaseOption::OnDemand,
            auto_scaling: None,
            zones: Vec::new(),
        }
    }
}

/// Parameters of a topic node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TopicParams {
    /// Extra attempts to deliver to an instance (HTTP) subscriber that fails.
    pub http_delivery_retries: u32,
    /// Wait between those attempts.
    pub http_retry_delay_secs: f64,
}

impl Default for TopicParams {
    fn default() -> Self {
        // SNS's default HTTP delivery policy makes three immediate retries; a short delay keeps
        // them from all landing inside one outage.
        Self { http_delivery_retries: 3, http_retry_delay_secs: 20.0 }
    }
}

/// Standard or FIFO queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum QueueType {
    /// Nearly unlimited throughput; order is best effort.
    #[default]
    Standard,
    /// First in, first out within a message group; a group waits while one of its messages is
    /// being processed.
    Fifo,
}

/// Parameters of a queue node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QueueParams {
    /// Standard or FIFO.
    pub queue_type: QueueType,
    /// FIFO only: messages are spread over this many groups, each kept in order.
    pub message_groups: u32,
    /// A received message stays hidden this long; not deleted by then, it comes back.
    pub visibility_timeout_secs: f64,
    /// A message older than this is dropped (expired).
    pub retention_secs: f64,
    /// After this many receives without success a message goes to the dead-letter queue;
    /// `None` means it keeps coming back until it expires.
    pub max_receives: Option<u32>,
    /// Messages one receive call takes at most (1–10).
    pub batch_size: u32,
}

impl Default for QueueParams {
    fn default() -> Self {
        // SQS defaults: visibility timeout 30 s, retention 4 days.
        Self {
            queue_type: QueueType::Standard,
            message_groups: 1,
            visibility_timeout_secs: 30.0,
            retention_secs: 345_600.0,
            max_receives: None,
            batch_size: 1,
        }
    }
}

/// Processor architecture of a function, which sets its price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FunctionArchitecture {
    /// Intel/AMD.
    #[default]
    X86_64,
    /// Graviton (about 20 % cheaper per GB-second).
    Arm64,
}

/// Parameters of a function node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FunctionParams {
    /// Memory given to each execution (128–10,240 MB); billing is per GB-second of it.
    pub memory_mb: u32,
    /// Processor architecture.
    pub architecture: FunctionArchitecture,
    /// Time one execution takes (per message when it handles a batch).
    pub duration: Distribution,
    /// Executions at once at most; beyond it synchronous calls are throttled.
    pub concurrency_limit: u32,
    /// Extra time a new execution environment needs before its first run (billed).
    pub cold_start_ms: f64,
    /// An environment idle this long is shut down; the next run needs a new one.
    pub idle_expiry_secs: f64,
    /// An execution running longer is stopped and fails (1–900 s).
    pub timeout_secs: f64,
}

impl Default for FunctionParams {
    fn default() -> Self {
        // Lambda defaults: 1,000 concurrent executions, 3 s timeout. Cold start and idle expiry are
        // typical observed values for a small Node.js or Python function.
        Self {
            memory_mb: 512,
            architecture: FunctionArchitecture::X86_64,
            duration: Distribution::Exponential { mean_ms: 100.0 },
            concurrency_limit: 1000,
            cold_start_ms: 250.0,
            idle_expiry_secs: 600.0,
            timeout_secs: 3.0,
        }
    }
}

// What validation, the canvas and the editor ask of each kind (see [`KindParams`]): each kind's
// checks next to its parameters.

impl KindParams for ClientParams {
    fn summary(&self) -> String {
        format!("{} req/s", self.rate_per_sec)
    }

    fn check(&self, _catalog: &dyn validate::Offerings, bad: &mut dyn FnMut(&'static str, String)) {
        if !validate::finite_at_least(self.rate_per_sec, 0.0) {
            bad("rate_per_sec", format!("rate_per_sec must be 0 or more, not {}", self.rate_per_sec));
        }
        if self.rate_per_sec > validate::MAX_RATE_PER_SEC {
            bad("rate_per_sec", format!("rate_per_sec must be at most 10,000,000, not {}", self.rate_per_sec));
        } else if self.peak_rate_per_sec() > validate::MAX_RATE_PER_SEC {
            bad(
                "pattern",
                format!(
                    "the traffic pattern peaks at {} requests a second; at most 10,000,000",
                    self.peak_rate_per_sec()
                ),
            );
        }
        if let Some(t) = self.timeout_ms
            && !(t.is_finite() && t > 0.0)
        {
            bad("timeout_ms", format!("timeout_ms must be above 0, not {t}"));
        }
        if self.retries > validate::MAX_RETRIES {
            bad("retries", format!("retries must be at most 100, not {}", self.retries));
        }
        if !validate::finite_at_least(self.backoff_base_ms, 0.0) || !validate::finite_at_least(self.backoff_max_ms, 0.0)
        {
            bad("backoff_base_ms", "backoff_base_ms and backoff_max_ms must be 0 or more".to_owned());
        } else if self.retries > 0 && self.backoff_base_ms < 1.0 {
            // Retries at the same instant could keep simulated time from moving.
            bad(
                "backoff_base_ms",
                format!("backoff_base_ms must be at least 1 ms when there are retries, not {}", self.backoff_base_ms),
            );
        } else if self.backoff_max_ms < self.backoff_base_ms {
            bad(
                "backoff_max_ms",
                format!("backoff_max_ms ({}) is below backoff_base_ms ({})", self.backoff_max_ms, self.backoff_base_ms),
            );
        }
        for t in &self.message_types {
            if !(t.weight.is_finite() && t.weight > 0.0) {
                bad("message_types", format!("message type '{}': weight must be above 0", t.name));
            }
        }
        validate::check_pattern(&self.pattern, bad);
    }

    fn texts(&self) -> Vec<(&'static str, &str)> {
        self.message_types.iter().map(|t| ("a message type", t.name.as_str())).collect()
    }

    fn time_settings(&self) -> Vec<(&'static str, f64)> {
        let mut out = vec![
            ("timeout_ms", self.timeout_ms.unwrap_or(0.0) / 1000.0),
            ("backoff_max_ms", self.backoff_max_ms / 1000.0),
            ("backoff_base_ms", self.backoff_base_ms / 1000.0),
        ];
        match &self.pattern {
            TrafficPattern::Ramp { start_secs, ramp_secs, .. } => {
                out.push(("ramp start_secs", *start_secs));
                out.push(("ramp_secs", *ramp_secs));
            }
            TrafficPattern::Diurnal { period_secs, peak_at_secs, .. } => {
                out.push(("period_secs", *period_secs));
                out.push(("peak_at_secs", peak_at_secs.abs()));
            }
            TrafficPattern::Spike { at_secs, duration_secs, .. } => {
                out.push(("spike at_secs", *at_secs));
                out.push(("spike duration_secs", *duration_secs));
            }
            TrafficPattern::Steps(steps) => out.extend(steps.iter().map(|s| ("step at_secs", s.at_secs))),
            TrafficPattern::Constant => {}
        }
        out
    }

    fn crash_refusal(&self, _id: &NodeId, _instance: Option<u32>, _task: Option<u32>) -> Option<String> {
        Some("a client cannot crash; to stop traffic, change its rate or pattern".to_owned())
    }
}

impl KindParams for BalancerParams {
    fn summary(&self) -> String {
        match self.algorithm {
            BalancerAlgorithm::RoundRobin => "round robin",
            BalancerAlgorithm::LeastOutstanding => "least outstanding",
            BalancerAlgorithm::Random => "random",
        }
        .to_owned()
    }

    fn check(&self, _catalog: &dyn validate::Offerings, bad: &mut dyn FnMut(&'static str, String)) {
        if !(5.0..=300.0).contains(&self.health_check_interval_secs) {
            bad(
                "health_check_interval_secs",
                format!(
                    "health_check_interval_secs must be between 5 and 300, not {}",
                    self.health_check_interval_secs
                ),
            );
        }
        if self.rules_per_request > 100 {
            bad(
                "rules_per_request",
                format!("rules_per_request must be at most 100 (a listener's limit), not {}", self.rules_per_request),
            );
        }
        for (name, v) in
            [("unhealthy_threshold", self.unhealthy_threshold), ("healthy_threshold", self.healthy_threshold)]
        {
            if !(2..=10).contains(&v) {
                bad(name, format!("{name} must be between 2 and 10, not {v}"));
            }
        }
    }
}

impl KindParams for InstanceParams {
    fn summary(&self) -> String {
        match &self.auto_scaling {
            Some(g) => format!("{} to {} × {}", g.min, g.max, self.instance_type),
            None => format!("{} × {}", self.count, self.instance_type),
        }
    }

    fn check(&self, catalog: &dyn validate::Offerings, bad: &mut dyn FnMut(&'static str, String)) {
        if catalog.vcpus(&self.instance_type).is_none() {
            bad("instance_type", format!("instance type '{}' is not in the pricing catalog", self.instance_type));
        }
        if self.count == 0 {
            bad("count", "count must be at least 1".to_owned());
        }
        if self.count > 65_535 {
            bad("count", format!("count must be at most 65,535, not {}", self.count));
        }
        // Workers as the run will have them: the type's vCPUs unless given, on as many
        // machines as the node can ever run (a group's maximum, raised by its actions).
        let most = self.size(catalog);
        if most.workers > validate::MAX_WORKERS_PER_NODE {
            bad(
                "workers_per_instance",
                format!(
                    "{} machines (the most this node can run) × {} workers each is {}; at most 1,000,000 workers \
                     per node",
                    most.machines,
                    validate::workers_per_machine(self, catalog),
                    most.workers
                ),
            );
        }
        match self.workers_per_instance {
            Some(0) => bad("workers_per_instance", "workers_per_instance must be at least 1".to_owned()),
            Some(w) if w > 65_535 => {
                bad("workers_per_instance", format!("workers_per_instance must be at most 65,535, not {w}"));
            }
            _ => {}
        }
        validate::check_distribution("service_time", &self.service_time, bad);
        validate::check_purchase(&self.instance_type, &self.purchase, "purchase", catalog, bad);
        if let Some(g) = &self.auto_scaling {
            validate::check_scaling(g, ("count", self.count, InstanceParams::default().count), bad);
        }
        let mut seen = std::collections::BTreeSet::new();
        for c in &self.components {
            if !seen.insert(c) {
                bad("components", format!("component '{c}' is listed twice"));
            }
        }
    }

    fn texts(&self) -> Vec<(&'static str, &str)> {
        self.components.iter().map(|c| ("a component", c.as_str())).collect()
    }

    fn time_settings(&self) -> Vec<(&'static str, f64)> {
        vec![("service_time", self.service_time.longest_secs())]
    }

    fn size(&self, catalog: &dyn validate::Offerings) -> validate::Size {
        let most = u64::from(self.auto_scaling.as_ref().map_or(self.count, validate::most_machines));
        validate::Size {
            machines: most,
            workers: most * u64::from(validate::workers_per_machine(self, catalog)),
            groups: 0,
        }
    }

    fn crash_refusal(&self, id: &NodeId, instance: Option<u32>, task: Option<u32>) -> Option<String> {
        if task.is_some() {
            return Some("only a container service has tasks; name a machine with instance".to_owned());
        }
        let n = self.initial_count();
        instance
            .filter(|&k| k >= n)
            .map(|k| format!("instance {k} does not exist: node '{id}' starts with {n} (0 to {})", n.saturating_sub(1)))
    }

    fn crash_parts(&self) -> Vec<(String, Option<u32>, Option<u32>)> {
        let machines = (0..self.initial_count().min(64)).map(|k| (format!("machine {k}"), Some(k), None));
        std::iter::once(("all machines".to_owned(), None, None)).chain(machines).collect()
    }

    fn components(&self) -> &[String] {
        &self.components
    }

    fn auto_scaling(&self) -> Option<&AutoScaling> {
        self.auto_scaling.as_ref()
    }

    fn zone_names(&self) -> Vec<String> {
        Self::zone_names(self)
    }
}

impl KindParams for TopicParams {
    fn summary(&self) -> String {
        "fan-out".to_owned()
    }

    fn check(&self, _catalog: &dyn validate::Offerings, bad: &mut dyn FnMut(&'static str, String)) {
        if self.http_delivery_retries > validate::MAX_RETRIES {
            bad(
                "http_delivery_retries",
                format!("http_delivery_retries must be at most 100, not {}", self.http_delivery_retries),
            );
        }
        if !validate::finite_at_least(self.http_retry_delay_secs, 0.0) {
            bad(
                "http_retry_delay_secs",
                format!("http_retry_delay_secs must be 0 or more, not {}", self.http_retry_delay_secs),
            );
        } else if self.http_delivery_retries > 0 && self.http_retry_delay_secs < 0.001 {
            bad(
                "http_retry_delay_secs",
                format!(
                    "http_retry_delay_secs must be at least 0.001 when there are retries, not {}",
                    self.http_retry_delay_secs
                ),
            );
        }
    }

    fn time_settings(&self) -> Vec<(&'static str, f64)> {
        vec![("http_retry_delay_secs", self.http_retry_delay_secs)]
    }

    fn crash_refusal(&self, _id: &NodeId, _instance: Option<u32>, _task: Option<u32>) -> Option<String> {
        Some(MANAGED.to_owned())
    }
}

/// Why a queue or a topic cannot crash.
const MANAGED: &str =
    "queues and topics are managed services that stay available in this model; crash their consumers instead";

impl KindParams for QueueParams {
    fn summary(&self) -> String {
        format!("{:?}", self.queue_type).to_lowercase()
    }

    fn check(&self, _catalog: &dyn validate::Offerings, bad: &mut dyn FnMut(&'static str, String)) {
        if !(0.0..=43_200.0).contains(&self.visibility_timeout_secs) {
            bad(
                "visibility_timeout_secs",
                format!(
                    "visibility_timeout_secs must be between 0 and 43,200 (12 h), not {}",
                    self.visibility_timeout_secs
                ),
            );
        }
        if !(60.0..=1_209_600.0).contains(&self.retention_secs) {
            bad(
                "retention_secs",
                format!("retention_secs must be between 60 and 1,209,600 (14 days), not {}", self.retention_secs),
            );
        }
        if self.max_receives == Some(0) {
            bad("max_receives", "max_receives must be at least 1".to_owned());
        }
        if !(1..=10).contains(&self.batch_size) {
            bad("batch_size", format!("batch_size must be between 1 and 10, not {}", self.batch_size));
        }
        if self.message_groups == 0 || self.message_groups > validate::MAX_FIFO_GROUPS {
            bad(
                "message_groups",
                format!("message_groups must be at least 1 and at most 100,000, not {}", self.message_groups),
            );
        }
    }

    fn size(&self, _catalog: &dyn validate::Offerings) -> validate::Size {
        let groups = if self.queue_type == QueueType::Fifo { u64::from(self.message_groups) } else { 0 };
        validate::Size { groups, ..validate::Size::default() }
    }

    fn crash_refusal(&self, _id: &NodeId, _instance: Option<u32>, _task: Option<u32>) -> Option<String> {
        Some(MANAGED.to_owned())
    }
}

impl KindParams for FunctionParams {
    fn summary(&self) -> String {
        format!("{} MB, ≤ {}", self.memory_mb, self.concurrency_limit)
    }

    fn check(&self, _catalog: &dyn validate::Offerings, bad: &mut dyn FnMut(&'static str, String)) {
        if !(128..=10_240).contains(&self.memory_mb) {
            bad("memory_mb", format!("memory_mb must be between 128 and 10,240, not {}", self.memory_mb));
        }
        if self.concurrency_limit == 0 {
            bad("concurrency_limit", "concurrency_limit must be at least 1".to_owned());
        }
        validate::check_distribution("duration", &self.duration, bad);
        if !validate::finite_at_least(self.cold_start_ms, 0.0) {
            bad("cold_start_ms", format!("cold_start_ms must be 0 or more, not {}", self.cold_start_ms));
        }
        if !validate::finite_at_least(self.idle_expiry_secs, 0.0) {
            bad("idle_expiry_secs", format!("idle_expiry_secs must be 0 or more, not {}", self.idle_expiry_secs));
        }
        if !(self.timeout_secs > 0.0 && self.timeout_secs <= 900.0) {
            bad("timeout_secs", format!("timeout_secs must be above 0 and at most 900, not {}", self.timeout_secs));
        }
    }

    fn time_settings(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("duration", self.duration.longest_secs()),
            ("cold_start_ms", self.cold_start_ms / 1000.0),
            ("idle_expiry_secs", self.idle_expiry_secs),
        ]
    }
}
