//! Scheduled faults from the scenario: crashes, slow-downs and component failures.

use super::{Behaviour, Engine, FailReason};
use crate::model::Fault;
use serde::Serialize;

/// Faults kept in the log (the oldest are dropped beyond this).
const FAULT_LOG_LIMIT: usize = 1000;

/// A fault as it happened: which node, what, from when until when (`None`: still going).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultWindow {
    /// The node's id.
    pub node: String,
    /// What happened, for a person.
    pub what: String,
    /// Simulated seconds it began.
    pub start_secs: f64,
    /// Simulated seconds it ended, if it has.
    pub end_secs: Option<f64>,
    /// The scheduled fault's index in the scenario, or `None` for one made by hand.
    #[serde(skip)]
    scheduled: Option<u32>,
}

impl Engine {
    fn log_fault_start(&mut self, node: u32, what: String, scheduled: Option<u32>) {
        if self.fault_log.len() == FAULT_LOG_LIMIT {
            self.fault_log.remove(0);
        }
        self.fault_log.push(FaultWindow {
            node: self.diagram.nodes[node as usize].id.0.clone(),
            what,
            start_secs: self.now as f64 / 1e9,
            end_secs: None,
            scheduled,
        });
    }

    fn log_fault_end(&mut self, node: u32, scheduled: Option<u32>) {
        let id = &self.diagram.nodes[node as usize].id.0;
        let now = self.now as f64 / 1e9;
        if let Some(w) =
            self.fault_log.iter_mut().rev().find(|w| w.end_secs.is_none() && &w.node == id && w.scheduled == scheduled)
        {
            w.end_secs = Some(now);
        }
    }

    /// Faults so far, in the order they began (the last thousand).
    pub fn fault_log(&self) -> &[FaultWindow] {
        &self.fault_log
    }

    fn fault_node(&self, fault: u32) -> Option<(Fault, u32)> {
        let f = self.diagram.scenario.faults.get(fault as usize)?.clone();
        let index = self.diagram.nodes.iter().position(|n| &n.id == f.node())? as u32;
        Some((f, index))
    }

    /// A fault begins.
    pub(crate) fn fault_start(&mut self, fault: u32) {
        let Some((f, node)) = self.fault_node(fault) else { return };
        let what = match &f {
            Fault::Crash { instance: Some(i), .. } => format!("instance {i} crashes"),
            Fault::Crash { .. } => "crashes".to_owned(),
            Fault::ComponentFailure { component, .. } => format!("component {component} fails"),
            Fault::Slow { factor, .. } => format!("{factor}× slower"),
        };
        self.log_fault_start(node, what, Some(fault));
        match f {
            Fault::Crash { instance, .. } => self.take_down(node, instance, FailReason::NodeDown),
            Fault::ComponentFailure { .. } => self.take_down(node, None, FailReason::ComponentFailed),
            Fault::Slow { factor, .. } => self.nodes[node as usize].slow_factor = factor,
        }
    }

    /// A fault ends.
    pub(crate) fn fault_end(&mut self, fault: u32) {
        let Some((f, node)) = self.fault_node(fault) else { return };
        self.log_fault_end(node, Some(fault));
        match f {
            Fault::Crash { instance, .. } => self.bring_up(node, instance),
            Fault::ComponentFailure { .. } => self.bring_up(node, None),
            Fault::Slow { .. } => self.nodes[node as usize].slow_factor = 1.0,
        }
    }

    /// Whether a node can be failed by hand: instances, functions and balancers.
    pub fn can_fail(&self, node: usize) -> bool {
        self.nodes.get(node).is_some_and(|n| {
            matches!(n.behaviour, Behaviour::Instance(_) | Behaviour::Function(_) | Behaviour::Balancer(_))
        })
    }

    /// Whether a node is down now (for instance nodes: every machine).
    pub fn is_down(&self, node: usize) -> bool {
        match self.nodes.get(node).map(|n| &n.behaviour) {
            Some(Behaviour::Instance(s)) => s.running() == 0,
            Some(_) => self.nodes[node].down_count > 0,
            None => false,
        }
    }

    /// Fails a node now, as a crash would (the live view's right-click); `for_secs` schedules its
    /// recovery. Nothing happens to a node that is already down or cannot fail.
    pub fn fail_node(&mut self, node: usize, for_secs: Option<f64>) {
        if !self.can_fail(node) || self.is_down(node) {
            return;
        }
        self.take_down(node as u32, None, FailReason::NodeDown);
        self.log_fault_start(node as u32, "failed by hand".to_owned(), None);
        if let Some(secs) = for_secs {
            let at = self.now.saturating_add(super::time::secs_to_nanos(secs));
            self.events.push(at, super::events::Event::Recover { node: node as u32 });
        }
    }

    /// Brings a node failed by hand back up.
    pub fn recover_node(&mut self, node: usize) {
        if self.can_fail(node) && self.is_down(node) {
            self.bring_up(node as u32, None);
            self.log_fault_end(node as u32, None);
        }
    }

    fn take_down(&mut self, node: u32, instance: Option<u32>, reason: FailReason) {
        match self.nodes[node as usize].behaviour {
            Behaviour::Instance(_) => self.instance_down(node, instance, reason),
            Behaviour::Function(_) => {
                self.nodes[node as usize].down_count += 1;
                self.function_down(node, reason);
            }
            Behaviour::Balancer(_) => {
                self.nodes[node as usize].down_count += 1;
                self.fail_calls_at(node, None, reason);
            }
            // Validation refuses faults on clients; queues and topics are managed services that
            // this model keeps available.
            Behaviour::Client(_) | Behaviour::Queue(_) | Behaviour::Topic(_) => {}
        }
    }

    fn bring_up(&mut self, node: u32, instance: Option<u32>) {
        match self.nodes[node as usize].behaviour {
            Behaviour::Instance(_) => self.instance_up(node, instance),
            Behaviour::Function(_) => {
                let n = &mut self.nodes[node as usize];
                n.down_count = n.down_count.saturating_sub(1);
                self.function_pull(node);
            }
            _ => {
                let n = &mut self.nodes[node as usize];
                n.down_count = n.down_count.saturating_sub(1);
            }
        }
    }
}
