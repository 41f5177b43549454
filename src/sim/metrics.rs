//! Sampling on a fixed simulated-time interval into bounded series (for charts and CSV), and the
//! totals that reports read.

use super::instance::InstanceState;
use super::kinds::for_kind;
use super::stats::{Latencies, Mergeable, Series};
use super::time::secs_to_nanos;
use super::{Behaviour, Engine, FailReason};
use crate::cost::{Bill, BillOptions, NodeUsage};
use crate::model::Diagram;
use crate::model::PurchaseOption;
use serde::Serialize;
use std::collections::BTreeMap;

/// Points kept per series before older ones are merged pairwise.
pub const SERIES_CAPACITY: usize = 4096;

/// The services the cost series are broken down by, in order.
/// The purchase options EC2 cost series are broken down by, in order.
pub const COST_OPTIONS: [&str; 6] = ["on_demand", "reserved", "savings_plan", "spot", "dedicated_host", "on_premises"];

/// One sample of the whole system.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct GlobalSample {
    /// End of the sampled interval, in simulated seconds.
    pub t_secs: f64,
    /// Length of the interval.
    pub interval_secs: f64,
    /// Client requests that succeeded in the interval.
    pub succeeded: u64,
    /// Client requests that failed in the interval.
    pub failed: u64,
    /// Latency percentiles of the interval's successes, in ms (0 when none succeeded: see
    /// `succeeded`).
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Median time from generation to final failure of the interval's failed requests, in ms (0
    /// when none failed).
    pub failed_p50_ms: f64,
    /// Pieces of work (client requests followed through queues and topics) fulfilled in the
    /// interval; only counted where the diagram has a queue or topic (see `sim::work`).
    pub fulfilled: u64,
    /// Pieces of work lost in the interval (same condition).
    pub lost: u64,
    /// Time to fulfil of the interval's fulfilled work, in ms (0 when none was fulfilled).
    pub fulfil_p50_ms: f64,
    /// 95th percentile.
    pub fulfil_p95_ms: f64,
    /// 99th percentile.
    pub fulfil_p99_ms: f64,
    /// Cost since the start, in dollars.
    pub cost_usd: f64,
    /// The same by service, in the order of [`crate::cost::billing::Service::ALL`].
    #[serde(skip)]
    pub cost_by_service: [f64; 6],
    /// EC2 cost by purchase option, in the order of [`COST_OPTIONS`].
    #[serde(skip)]
    pub cost_by_option: [f64; 6],
}

impl Mergeable for GlobalSample {
    fn merge(&self, later: &Self) -> Self {
        Self {
            t_secs: later.t_secs,
            interval_secs: self.interval_secs + later.interval_secs,
            succeeded: self.succeeded + later.succeeded,
            failed: self.failed + later.failed,
            // Percentiles do not add up; the worse of the two keeps a spike visible.
            p50_ms: self.p50_ms.max(later.p50_ms),
            p95_ms: self.p95_ms.max(later.p95_ms),
            p99_ms: self.p99_ms.max(later.p99_ms),
            failed_p50_ms: self.failed_p50_ms.max(later.failed_p50_ms),
            fulfilled: self.fulfilled + later.fulfilled,
            lost: self.lost + later.lost,
            fulfil_p50_ms: self.fulfil_p50_ms.max(later.fulfil_p50_ms),
            fulfil_p95_ms: self.fulfil_p95_ms.max(later.fulfil_p95_ms),
            fulfil_p99_ms: self.fulfil_p99_ms.max(later.fulfil_p99_ms),
            cost_usd: later.cost_usd,
            cost_by_service: later.cost_by_service,
            cost_by_option: later.cost_by_option,
        }
    }
}

/// One sample of one node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct NodeSample {
    /// End of the sampled interval, in simulated seconds.
    pub t_secs: f64,
    /// Backlog (instances), visible messages (queues) or executions (functions) at the sample.
    pub depth: f64,
    /// Busy share of capacity over the interval (instances, functions), 0 to 1.
    pub utilization: f64,
    /// Machines running (instances) at the sample.
    pub running: f64,
    /// Machines launched and still warming up (billed, not serving).
    pub warming: f64,
    /// Machines wanted: an Auto Scaling group's desired capacity, or the fixed count.
    pub desired: f64,
    /// An Auto Scaling group's minimum and maximum then (the count for a fixed node).
    pub min: f64,
    /// See `min`.
    pub max: f64,
    /// Cost of the node since the start.
    pub cost_usd: f64,
    /// Queues: how long the oldest visible message has been in the queue, in seconds (0 when
    /// the queue is empty).
    pub oldest_age_secs: f64,
}

impl Mergeable for NodeSample {
    fn merge(&self, later: &Self) -> Self {
        Self {
            t_secs: later.t_secs,
            depth: self.depth.max(later.depth),
            utilization: f64::midpoint(self.utilization, later.utilization),
            running: later.running,
            warming: later.warming,
            desired: later.desired,
            min: later.min,
            max: later.max,
            cost_usd: later.cost_usd,
            oldest_age_secs: self.oldest_age_secs.max(later.oldest_age_secs),
        }
    }
}

/// Totals of client requests (after warm-up).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ClientTotals {
    /// Requests generated.
    pub generated: u64,
    /// Requests answered successfully (possibly after retries).
    pub succeeded: u64,
    /// Requests that failed for good.
    pub failed: u64,
    /// Requests without an outcome yet.
    pub in_flight: u64,
    /// Attempts made (first tries plus retries).
    pub attempts: u64,
}

/// Totals of one queue (messages that entered after warm-up).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueTotals {
    /// Messages that entered the queue.
    pub sent: u64,
    /// Receives of them (a message received twice counts twice).
    pub received: u64,
    /// Deleted after successful processing.
    pub deleted: u64,
    /// Dropped for age.
    pub expired: u64,
    /// Moved to (or counted for) the dead-letter queue.
    pub dead_lettered: u64,
    /// Still in the queue, visible or received.
    pub in_queue_at_end: u64,
    /// Most visible messages at once.
    pub max_depth: u64,
    /// Lost because the queue was deleted during the run.
    pub removed: u64,
    /// Refused for having gone round a loop of queues and topics (see [`super::MAX_HOPS`]).
    pub loop_detected: u64,
}

/// The sampled series of a run.
#[derive(Debug)]
pub(crate) struct Metrics {
    pub interval_ns: u64,
    pub global: Series<GlobalSample>,
    pub nodes: Vec<Series<NodeSample>>,
    /// Latencies of the successes since the last sample (all clients).
    pub interval_latencies: Latencies,
    /// Times from generation to final failure since the last sample.
    pub interval_fail_times: Latencies,
    /// Times to fulfil of the work fulfilled since the last sample.
    pub interval_fulfil_times: Latencies,
    last_t: u64,
    last_succeeded: u64,
    last_failed: u64,
    last_fulfilled: u64,
    last_lost: u64,
    /// Busy and capacity areas at the previous sample, per node.
    last_areas: Vec<(f64, f64)>,
}

impl Metrics {
    /// Series for the scenario of `diagram`, with no node yet.
    pub fn new(diagram: &Diagram) -> Self {
        Self {
            interval_ns: secs_to_nanos(diagram.scenario.sample_interval_secs).max(1),
            global: Series::new(SERIES_CAPACITY),
            nodes: Vec::new(),
            // Two significant digits (1 %) are plenty for a chart, and keep sampling cheap.
            interval_latencies: Latencies::with_precision(2),
            interval_fail_times: Latencies::with_precision(2),
            interval_fulfil_times: Latencies::with_precision(2),
            last_t: 0,
            last_succeeded: 0,
            last_failed: 0,
            last_fulfilled: 0,
            last_lost: 0,
            last_areas: Vec::new(),
        }
    }

    /// Series for one more node.
    pub fn add_node(&mut self) {
        self.nodes.push(Series::new(SERIES_CAPACITY));
        self.last_areas.push((0.0, 0.0));
    }
}

impl Engine {
    /// Takes one sample of every series, and drops expired queue messages.
    pub(crate) fn sample(&mut self) {
        let now = self.now;
        for i in 0..self.nodes.len() as u32 {
            if matches!(self.nodes[i as usize].behaviour, Behaviour::Queue(_)) {
                self.sweep_expired(i);
            }
        }
        let bill = self.bill();
        let (mut succeeded, mut failed) = (0, 0);
        for node in &self.nodes {
            if let Behaviour::Client(c) = &node.behaviour {
                succeeded += c.succeeded_all;
                failed += c.failed_all;
            }
        }
        let (fulfilled, lost) = (self.work.fulfilled_all, self.work.lost_all);
        let m = &mut self.metrics;
        let s = m.interval_latencies.summary();
        m.interval_latencies.clear();
        let fail = m.interval_fail_times.summary();
        m.interval_fail_times.clear();
        let fulfil = m.interval_fulfil_times.summary();
        m.interval_fulfil_times.clear();
        m.global.push(GlobalSample {
            t_secs: now as f64 / 1e9,
            interval_secs: (now - m.last_t) as f64 / 1e9,
            succeeded: succeeded - m.last_succeeded,
            failed: failed - m.last_failed,
            p50_ms: s.p50,
            p95_ms: s.p95,
            p99_ms: s.p99,
            failed_p50_ms: fail.p50,
            fulfilled: fulfilled - m.last_fulfilled,
            lost: lost - m.last_lost,
            fulfil_p50_ms: fulfil.p50,
            fulfil_p95_ms: fulfil.p95,
            fulfil_p99_ms: fulfil.p99,
            cost_usd: bill.total,
            cost_by_service: crate::cost::billing::Service::ALL
                .map(|s| bill.by_service.get(&s).copied().unwrap_or(0.0)),
            cost_by_option: COST_OPTIONS.map(|name| bill.by_purchase_option.get(name).copied().unwrap_or(0.0)),
        });
        m.last_succeeded = succeeded;
        m.last_failed = failed;
        m.last_fulfilled = fulfilled;
        m.last_lost = lost;
        m.last_t = now;
        for i in 0..self.nodes.len() {
            // Areas from the start (warm-up included): charts show the whole run.
            let g = for_kind!(self, i, gauges(self, i as u32));
            let (last_busy, last_capacity) = self.metrics.last_areas[i];
            let d_capacity = g.capacity_area - last_capacity;
            let utilization = if d_capacity > 0.0 { (g.busy_area - last_busy) / d_capacity } else { 0.0 };
            self.metrics.last_areas[i] = (g.busy_area, g.capacity_area);
            self.metrics.nodes[i].push(NodeSample {
                t_secs: now as f64 / 1e9,
                depth: g.depth,
                utilization,
                running: g.running,
                warming: g.warming,
                desired: g.desired,
                min: g.min,
                max: g.max,
                cost_usd: bill.by_node[i],
                oldest_age_secs: g.oldest_age_secs,
            });
        }
        self.schedule_sample(now + self.metrics.interval_ns);
    }

    /// The whole-system series.
    pub fn global_series(&self) -> &[GlobalSample] {
        self.metrics.global.points()
    }

    /// One node's series, by node index in the diagram.
    pub fn node_series(&self, node: usize) -> &[NodeSample] {
        self.metrics.nodes.get(node).map_or(&[], |s| s.points())
    }

    /// Request totals over all clients.
    pub fn client_totals(&self) -> ClientTotals {
        let mut t = ClientTotals::default();
        for node in &self.nodes {
            if let Behaviour::Client(c) = &node.behaviour {
                t.generated += c.generated;
                t.succeeded += c.succeeded;
                t.failed += c.failed;
                t.attempts += c.attempts;
            }
        }
        t.in_flight = self.requests_in_flight(None);
        t
    }

    /// Request totals of one client node.
    pub fn client_totals_of(&self, node: usize) -> Option<ClientTotals> {
        let Behaviour::Client(c) = &self.nodes.get(node)?.behaviour else { return None };
        Some(ClientTotals {
            generated: c.generated,
            succeeded: c.succeeded,
            failed: c.failed,
            in_flight: self.requests_in_flight(Some(node as u32)),
            attempts: c.attempts,
        })
    }

    /// Final failures of client requests by reason, over all clients.
    pub fn failures(&self) -> BTreeMap<FailReason, u64> {
        let mut out = BTreeMap::new();
        for node in &self.nodes {
            if let Behaviour::Client(c) = &node.behaviour {
                for (r, n) in &c.failures {
                    *out.entry(*r).or_default() += n;
                }
            }
        }
        out
    }

    /// End-to-end latency of successful client requests, over all clients.
    pub fn latencies(&self) -> Latencies {
        let mut all = Latencies::default();
        for node in &self.nodes {
            if let Behaviour::Client(c) = &node.behaviour {
                all.merge(&c.latencies);
            }
        }
        all
    }

    /// Totals of a queue node; `in_queue_at_end` is found by looking at every stored message.
    pub fn queue_totals(&self, node: usize) -> Option<QueueTotals> {
        let Behaviour::Queue(q) = &self.nodes.get(node)?.behaviour else { return None };
        Some(QueueTotals {
            sent: q.sent,
            received: q.received,
            deleted: q.deleted,
            expired: q.expired,
            dead_lettered: q.dead_lettered,
            in_queue_at_end: self.messages_present(node as u32),
            max_depth: q.depth.max() as u64,
            removed: q.removed,
            loop_detected: q.loop_detected,
        })
    }

    /// The bill so far.
    pub fn bill(&self) -> Bill {
        let options = BillOptions { free_tier: self.diagram.scenario.free_tier, hours: self.now as f64 / 3.6e12 };
        Bill::compute(&self.usages(), &self.catalog, options)
    }

    /// The bill so far, and its 730-hour projection, had every instance node run on `option`
    /// (on premises: the catalog's starting figures for each node's type). Spot is priced as if
    /// no machine had been interrupted. `None` when a node's type has no such offering (a
    /// dedicated host for its family, say).
    pub fn what_if(&self, option: &PurchaseOption) -> Option<(Bill, Bill)> {
        let now = self.now;
        let mut usages = Vec::with_capacity(self.nodes.len());
        for i in 0..self.nodes.len() as u32 {
            // Only instance nodes have purchase options; the rest bill as they are.
            let usage = match self.state_if::<InstanceState>(i) {
                Some(s) => {
                    let option = match option {
                        PurchaseOption::OnPremises { .. } => self.catalog.on_premises_for(&s.instance_type),
                        other => other.clone(),
                    };
                    self.catalog.machine_per_hour(&s.instance_type, &option)?;
                    NodeUsage::Instances(s.usage_as(&option, now))
                }
                None => self.usage_of(i),
            };
            usages.push(usage);
        }
        let hours = now as f64 / 3.6e12;
        let free_tier = self.diagram.scenario.free_tier;
        let bill = Bill::compute(&usages, &self.catalog, BillOptions { free_tier, hours });
        let month = if hours > 0.0 {
            let scaled: Vec<_> = usages.iter().map(|u| u.scaled(730.0 / hours)).collect();
            Bill::compute(&scaled, &self.catalog, BillOptions { free_tier, hours: 730.0 })
        } else {
            Bill::default()
        };
        Some((bill, month))
    }

    /// The on-demand value of the instances present, per clock hour so far: (dollars, the hour's
    /// length in hours), for savings plan recommendations.
    pub fn hourly_on_demand(&self) -> Vec<(f64, f64)> {
        let mut total: Vec<(f64, f64)> = Vec::new();
        for node in &self.nodes {
            if let Behaviour::Instance(s) = &node.behaviour {
                for (h, (dollars, length)) in s.meter.hourly_on_demand.hours_until(self.now).into_iter().enumerate() {
                    if total.len() <= h {
                        total.push((0.0, length));
                    }
                    total[h].0 += dollars;
                }
            }
        }
        if total.is_empty() {
            total = crate::sim::stats::HourlyArea::default().hours_until(self.now);
        }
        total
    }

    /// The bill of a 730-hour month at the pace of the run so far: its usage scaled to a month,
    /// minimums and partial hours worked out anew, free tier (if on) taken once. `None` before
    /// any simulated time has passed.
    pub fn monthly_bill(&self) -> Option<Bill> {
        let hours = self.now as f64 / 3.6e12;
        if hours <= 0.0 {
            return None;
        }
        let scaled: Vec<_> = self.usages().iter().map(|u| u.scaled(730.0 / hours)).collect();
        let options = BillOptions { free_tier: self.diagram.scenario.free_tier, hours: 730.0 };
        Some(Bill::compute(&scaled, &self.catalog, options))
    }
}

/// Figures every node has, plus those of its kind (left out of JSON for other kinds).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct NodeFigures {
    /// Calls or messages that reached the node after warm-up.
    pub arrivals: u64,
    /// Of those, handled successfully (including everything downstream).
    pub completed: u64,
    /// Of those, failed here or downstream.
    pub failed: u64,
    /// Mean time waiting before service (instances, functions) or before the first receive
    /// (queues), in ms.
    pub mean_wait_ms: f64,
    /// Mean time from arrival to answer, in ms.
    pub mean_sojourn_ms: f64,
    /// Mean amount of work at the node over measured time (Little's L).
    pub mean_in_node: f64,
    /// Mean waiting backlog (instances) or visible messages (queues).
    pub mean_backlog: f64,
    /// Largest waiting backlog (instances) or visible messages (queues).
    pub max_backlog: f64,
    /// Busy workers / running workers (instances) or executions / limit (functions), averaged.
    pub utilization: f64,
    /// Instance nodes only.
    #[serde(flatten)]
    pub instance: Option<InstanceFigures>,
    /// Functions only.
    #[serde(flatten)]
    pub function: Option<FunctionFigures>,
    /// Topics only.
    #[serde(flatten)]
    pub topic: Option<TopicFigures>,
    /// Balancers only.
    #[serde(flatten)]
    pub balancer: Option<BalancerFigures>,
}

/// Instance-node figures.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct InstanceFigures {
    /// Machines running at the end.
    pub running: u32,
    /// Machines wanted at the end.
    pub desired: u32,
    /// Workers per machine.
    pub workers_per_instance: u32,
}

/// Function figures.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FunctionFigures {
    /// Executions started (after warm-up).
    pub invocations: u64,
    /// Synchronous calls refused at the concurrency limit.
    pub throttled: u64,
    /// Executions that needed a new environment.
    pub cold_starts: u64,
    /// Executions stopped by the function timeout.
    pub timeouts: u64,
    /// Executions running at the end.
    pub concurrent_at_end: u32,
    /// Warm environments idle at the end.
    pub warm_idle_at_end: u64,
}

/// Topic figures.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TopicFigures {
    /// Messages published.
    pub published: u64,
    /// Copies sent to subscribers.
    pub deliveries: u64,
    /// Copies delivered.
    pub delivered: u64,
    /// Copies given up on.
    pub delivery_failures: u64,
    /// Copies not sent because a subscription filter refused them.
    pub filtered_out: u64,
    /// Copies still being delivered at the end.
    pub deliveries_pending: u64,
    /// Publishes refused for having gone round a loop of queues and topics (see
    /// [`super::MAX_HOPS`]).
    pub loop_detected: u64,
}

/// Balancer figures.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct BalancerFigures {
    /// Targets believed healthy at the end.
    pub healthy_targets: usize,
    /// All targets (machines of instance nodes count one by one).
    pub targets: usize,
    /// Calls refused because no target was believed healthy.
    pub no_healthy_target: u64,
}

impl Engine {
    /// Figures of every node, in diagram order, as things stand.
    pub fn node_figures(&self) -> Vec<NodeFigures> {
        let (now, from) = (self.now, self.measure_from);
        (0..self.nodes.len())
            .map(|i| {
                let c = &self.nodes[i].counters;
                let mut f = NodeFigures {
                    arrivals: c.arrivals,
                    completed: c.completed,
                    failed: c.failed,
                    mean_sojourn_ms: mean_ms(c.sojourn_ns, c.completed + c.failed),
                    mean_in_node: c.in_node.mean(now, from),
                    ..NodeFigures::default()
                };
                for_kind!(self, i, figures(self, i as u32, &mut f));
                f
            })
            .collect()
    }
}

/// The mean of `n` durations whose sum is `ns` nanoseconds, in milliseconds (0 for none).
pub(crate) fn mean_ms(ns: f64, n: u64) -> f64 {
    if n > 0 { ns / n as f64 / 1e6 } else { 0.0 }
}

/// What a node is doing right now, for the badges of a live canvas.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LiveNode {
    /// Busy share over the last sample interval (instances, functions), 0 to 1.
    pub utilization: f64,
    /// Work waiting now: instance backlog, visible queue messages, function executions running.
    pub depth: u64,
    /// Machines running (instances), or executions running (functions).
    pub running: u32,
    /// Machines wanted (instances), or the concurrency limit (functions).
    pub capacity: u32,
    /// The node is down (for instances: every machine).
    pub down: bool,
    /// Machines warming up (Auto Scaling groups).
    pub warming: u32,
    /// An Auto Scaling group's minimum and maximum.
    pub range: Option<(u32, u32)>,
}

impl Engine {
    /// What every node is doing now, in diagram order.
    pub fn live_nodes(&self) -> Vec<LiveNode> {
        (0..self.nodes.len())
            .map(|i| {
                let utilization = self.metrics.nodes[i].points().last().map_or(0.0, |p| p.utilization);
                for_kind!(self, i, live(self, i as u32, utilization))
            })
            .collect()
    }
}
