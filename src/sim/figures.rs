//! What reports read from a run: request and queue totals, failures, latencies, and each node's
//! figures (the counters every node keeps, and those its kind adds).

use super::kinds::for_kind;
use super::stats::Latencies;
use super::{Behaviour, Engine, FailReason};
use serde::Serialize;
use std::collections::BTreeMap;

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

impl Engine {
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
    /// Container services only (beside `instance`, whose machines are their tasks).
    #[serde(flatten)]
    pub containers: Option<super::containers::ContainerFigures>,
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
