//! Sampling on a fixed simulated-time interval into bounded series, for charts and CSV. (What
//! reports read is in `figures.rs`, the bill in `bill.rs`, the badges in `badges.rs`.)

use super::kinds::for_kind;
use super::stats::{Latencies, Mergeable, Series};
use super::time::secs_to_nanos;
use super::{Behaviour, Engine};
use crate::model::Diagram;
use serde::Serialize;

/// Points kept per series before older ones are merged pairwise.
pub const SERIES_CAPACITY: usize = 4096;

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
    pub cost_by_service: [f64; crate::cost::billing::Service::ALL.len()],
    /// EC2 cost by purchase option, in the order of [`OptionKind::ALL`](crate::model::OptionKind::ALL).
    #[serde(skip)]
    pub cost_by_option: [f64; crate::model::OptionKind::ALL.len()],
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
            cost_by_option: crate::model::OptionKind::ALL
                .map(|k| bill.by_purchase_option.get(&k).copied().unwrap_or(0.0)),
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
}
