//! What a run reports: totals, failures by reason, latency percentiles, per-node figures and cost,
//! as a readable table or as JSON (the keys described in the product design, in snake case).

pub mod compare;
pub mod csv;
pub mod markdown;
mod text;
pub mod verdict;

use crate::model::Kind;
use crate::sim::stats::LatencySummary;
use crate::sim::{ClientTotals, Engine, FaultWindow, NodeFigures, QueueTotals};
use serde::Serialize;
use std::collections::BTreeMap;

pub use text::to_text;

/// Hours in the month used for projections (the AWS Pricing Calculator's convention).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The report of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// Seed of the run.
    pub seed: u64,
    /// Simulated seconds run.
    pub sim_seconds: f64,
    /// Simulated seconds before statistics started.
    pub warmup_seconds: f64,
    /// Events the engine ran.
    pub events: u64,
    /// Wall-clock seconds the run took.
    pub wall_seconds: f64,
    /// Client requests generated after warm-up, by outcome.
    pub requests: ClientTotals,
    /// Final failures of client requests by reason.
    pub failures: BTreeMap<String, u64>,
    /// End-to-end latency of successful client requests, in ms.
    pub latency_ms: LatencyMs,
    /// Successful client requests per second of measured time.
    pub throughput_rps: f64,
    /// The bill.
    pub cost_usd: CostReport,
    /// Per-node figures, in diagram order.
    pub nodes: Vec<NodeReport>,
    /// Auto Scaling activities (time, group, capacity before and after, reason), oldest first.
    pub scaling_activities: Vec<crate::sim::Activity>,
    /// Faults as they happened (node, what, start and end in simulated seconds), each with the
    /// time the system took to recover after it.
    pub faults: Vec<FaultReport>,
    /// Client requests' work followed end to end through queues and topics: fulfilled when the
    /// request and everything it caused downstream are done, lost when any of it failed for good.
    pub work: crate::sim::WorkTotals,
    /// From a request's generation to its work's fulfilment, in ms.
    pub time_to_fulfil_ms: LatencyMs,
    /// Why the run stopped before its scenario's end (`null` when it did not): it held more than
    /// the engine allows at once, or it was interrupted. The figures are those up to then.
    pub stopped: Option<crate::sim::Stopped>,
}

/// A fault as it happened, and how long after its end the system was back to normal.
#[derive(Debug, Clone, Serialize)]
pub struct FaultReport {
    /// What, where, from when until when.
    #[serde(flatten)]
    pub window: FaultWindow,
    /// How long after its end failures stopped and queues drained.
    #[serde(flatten)]
    pub recovery: Recovery,
    /// Client requests that failed (finally) during the fault, read from the chart samples that
    /// overlap it.
    pub failed_during: u64,
}

impl FaultReport {
    /// The window with its recovery times, read from the engine's chart series.
    pub fn of(engine: &Engine, window: &FaultWindow) -> Self {
        let end = window.end_secs.unwrap_or(f64::INFINITY);
        let failed_during = engine
            .global_series()
            .iter()
            .filter(|p| p.t_secs > window.start_secs && p.t_secs - p.interval_secs < end)
            .map(|p| p.failed)
            .sum();
        Self { window: window.clone(), recovery: Recovery::of(engine, window), failed_during }
    }
}

/// How long after a fault's end the system was back to normal, by each measure, in seconds from
/// the fault's end to a chart sample; `None` if that never happened before the end of the run, or
/// the fault has not ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Recovery {
    /// To the first sample at which no client request failed and every queue held no more than
    /// before the fault (plus 10 %, or 5 messages).
    #[serde(rename = "recovery_secs")]
    pub both: Option<f64>,
    /// To the first sample in which no client request failed.
    #[serde(rename = "failures_stopped_secs")]
    pub failures_stopped: Option<f64>,
    /// To the first sample at which every queue was back to its depth before the fault; `None`
    /// also when the design has no queue (see `has_queues`).
    #[serde(rename = "queues_drained_secs")]
    pub queues_drained: Option<f64>,
    /// Whether the design has a queue whose draining `queues_drained` measures.
    pub has_queues: bool,
}

impl Recovery {
    /// Reads the three times from the engine's chart series.
    pub fn of(engine: &Engine, window: &FaultWindow) -> Self {
        let queues: Vec<usize> = (0..engine.diagram().nodes.len())
            .filter(|&i| engine.diagram().nodes[i].kind.kind() == Kind::Queue)
            .collect();
        let mut out = Self { has_queues: !queues.is_empty(), ..Self::default() };
        let Some(end) = window.end_secs else { return out };
        let before: Vec<f64> = queues
            .iter()
            .map(|&q| {
                let series = engine.node_series(q);
                series.iter().rev().find(|p| p.t_secs <= window.start_secs).map_or(0.0, |p| p.depth)
            })
            .collect();
        for sample in engine.global_series().iter().filter(|p| p.t_secs >= end) {
            let drained = queues.iter().zip(&before).all(|(&q, &b)| {
                let series = engine.node_series(q);
                let at = series.partition_point(|p| p.t_secs < sample.t_secs);
                series.get(at).is_none_or(|p| p.depth <= (b * 1.1).max(b + 5.0))
            });
            let after = (sample.t_secs - end).max(0.0);
            let calm = sample.failed == 0;
            out.failures_stopped = out.failures_stopped.or(calm.then_some(after));
            out.queues_drained = out.queues_drained.or((drained && out.has_queues).then_some(after));
            // Both at once: the other two were settled at this sample or before.
            if calm && drained {
                out.both = Some(after);
                break;
            }
        }
        out
    }
}

/// Latency summary without the count.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct LatencyMs {
    /// Exact mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Exact maximum.
    pub max: f64,
}

impl From<LatencySummary> for LatencyMs {
    fn from(s: LatencySummary) -> Self {
        Self { mean: s.mean, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max }
    }
}

/// The bill of a run, from its start.
#[derive(Debug, Clone, Serialize)]
pub struct CostReport {
    /// Dollars since the start of the run (warm-up included: the resources ran then too).
    pub total: f64,
    /// Dollars per hour at the pace of the run: `monthly_projection` / 730.
    pub per_hour: f64,
    /// A 730-hour month at the pace of the run: its usage scaled to a month, with each launch's
    /// minute and each balancer's partial hour worked out anew and the free tier (if on) taken
    /// once — so a short run's first-hour charges are not multiplied.
    pub monthly_projection: f64,
    /// Whether the free tier's monthly allowances were taken off.
    pub free_tier: bool,
    /// What the free tier took off `total`.
    pub free_tier_savings: f64,
    /// Dollars per million successful client requests.
    pub per_million_requests: f64,
    /// Dollars by node id.
    pub by_node: BTreeMap<String, f64>,
    /// Dollars by service.
    pub by_service: BTreeMap<String, f64>,
    /// EC2 dollars by purchase option (`on_demand`, `reserved`, `savings_plan`, `spot`,
    /// `dedicated_host`, `on_premises`); machines beyond a reservation count as `on_demand`.
    pub by_purchase_option: BTreeMap<String, f64>,
    /// Each container service on Fargate, Fargate Spot and EC2 (each purchase option of its
    /// cluster's type), priced at the run's usage; left out when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub containers_what_if: Vec<crate::sim::ContainerWhatIf>,
}

/// Figures of one node. Fields that do not apply to the node's kind are left out of the JSON.
#[derive(Debug, Clone, Serialize)]
pub struct NodeReport {
    /// The node's id.
    pub id: String,
    /// The node's label.
    pub name: String,
    /// The kind, in lower case.
    pub kind: Kind,
    /// Figures every node has, and those of its kind.
    #[serde(flatten)]
    pub figures: NodeFigures,
    /// This node's cost since the start.
    pub cost_usd: f64,
    /// Clients only.
    #[serde(flatten)]
    pub client: Option<ClientTotals>,
    /// Queues only.
    #[serde(flatten)]
    pub queue: Option<QueueTotals>,
}

impl Report {
    /// Builds the report of `engine` as it stands; `wall_seconds` is how long the run took.
    pub fn from_engine(engine: &Engine, wall_seconds: f64) -> Self {
        let now_secs = engine.now().as_secs();
        let warmup = engine.diagram().scenario.warmup_secs;
        let measured_secs = (now_secs - warmup).max(0.0);
        let requests = engine.client_totals();
        let bill = engine.bill();
        let month = engine.monthly_bill().unwrap_or_default();
        let diagram = engine.diagram();
        let nodes: Vec<NodeReport> = engine
            .node_figures()
            .into_iter()
            .enumerate()
            .map(|(i, f)| NodeReport {
                id: diagram.nodes[i].id.0.clone(),
                name: diagram.nodes[i].label().to_owned(),
                kind: diagram.nodes[i].kind.kind(),
                figures: f,
                cost_usd: bill.by_node[i],
                client: engine.client_totals_of(i),
                queue: engine.queue_totals(i),
            })
            .collect();
        Self {
            scenario: diagram.scenario.name.clone(),
            seed: engine.seed(),
            sim_seconds: now_secs,
            warmup_seconds: warmup,
            events: engine.events_processed(),
            wall_seconds,
            requests,
            failures: engine.failures().into_iter().map(|(r, n)| (r.name().to_owned(), n)).collect(),
            latency_ms: engine.latencies().summary().into(),
            throughput_rps: if measured_secs > 0.0 { requests.succeeded as f64 / measured_secs } else { 0.0 },
            cost_usd: CostReport {
                total: bill.total,
                per_hour: month.total / HOURS_PER_MONTH,
                monthly_projection: month.total,
                free_tier: engine.diagram().scenario.free_tier,
                free_tier_savings: bill.free_tier_savings,
                per_million_requests: if requests.succeeded > 0 {
                    bill.total / requests.succeeded as f64 * 1e6
                } else {
                    0.0
                },
                by_node: diagram.nodes.iter().zip(&bill.by_node).map(|(n, c)| (n.id.0.clone(), *c)).collect(),
                by_service: bill.by_service.iter().map(|(s, c)| (s.name().to_owned(), *c)).collect(),
                by_purchase_option: bill.by_purchase_option.iter().map(|(k, c)| (k.name().to_owned(), *c)).collect(),
                containers_what_if: engine.container_what_if(),
            },
            nodes,
            scaling_activities: engine.activities().iter().cloned().collect(),
            faults: engine.fault_log().iter().map(|w| FaultReport::of(engine, w)).collect(),
            work: engine.work_totals(),
            time_to_fulfil_ms: engine.time_to_fulfil().summary().into(),
            stopped: engine.stopped().cloned(),
        }
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
