//! What each node is doing right now, for the badges of a live canvas.

use super::Engine;
use super::kinds::for_kind;

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
    /// A container service: tasks that fit on no instance yet.
    pub pending: u32,
    /// A container service on EC2: the cluster's instances running, and those booting.
    pub hosts: Option<(u32, u32)>,
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
