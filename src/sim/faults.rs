//! Faults: the scenario's script (crashes, slow-downs, component failures, zone and location
//! outages, random failures by MTBF/MTTR, latency spikes on an edge, traffic surges), failing by
//! hand, and the fault log (windows for the report, the Activity tab and the chart bands).

use super::events::Event;
use super::kinds::for_kind;
use super::time::{ms_to_nanos, secs_to_nanos};
use super::{Behaviour, Engine, FailReason};
use crate::model::{Diagram, Fault, Location};
use rand_distr::{Distribution as _, Exp1};
use serde::Serialize;

/// Faults kept in the log (the oldest are dropped beyond this).
const FAULT_LOG_LIMIT: usize = 1000;

/// No machine: a random failure of a whole node.
const WHOLE_NODE: u16 = u16::MAX;

/// A fault as it happened: what it hit, what, from when until when (`None`: still going).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultWindow {
    /// What it hit: a node's id, an edge ("a → b"), a zone ("zone b") or a location.
    pub node: String,
    /// What happened, for a person.
    pub what: String,
    /// Simulated seconds it began.
    pub start_secs: f64,
    /// Simulated seconds it ended, if it has.
    pub end_secs: Option<f64>,
    /// The scheduled fault's index in the scenario, or `None` for one made by hand.
    #[serde(skip)]
    pub scheduled: Option<u32>,
    /// Tells apart windows of one fault that overlap (the machine of a random failure).
    #[serde(skip)]
    tag: u32,
}

/// What scheduled faults in force hold on to, so that their end undoes exactly what they did.
#[derive(Debug, Default)]
pub(crate) struct ActiveFaults {
    /// Outages: the fault, what it covers, the machines (node, machine, launch) and the whole
    /// nodes it took down.
    outages: Vec<Outage>,
    /// Random-failure faults whose window is open.
    random: Vec<u32>,
    /// Faults added during the run (numbered after the scenario's), and whether each has ended.
    injected: Vec<Fault>,
    /// Faults (scenario's or injected) ended early, by hand: their scheduled end is ignored.
    ended_early: Vec<u32>,
}

#[derive(Debug)]
struct Outage {
    fault: u32,
    scope: Scope,
    machines: Vec<(u32, u32, u32)>,
    nodes: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scope {
    Zone(String),
    Location(Location),
}

impl Engine {
    pub(crate) fn log_fault_start(&mut self, subject: String, what: String, scheduled: Option<u32>, tag: u32) {
        if self.fault_log.len() == FAULT_LOG_LIMIT {
            self.fault_log.remove(0);
        }
        self.fault_log.push(FaultWindow {
            node: subject,
            what,
            start_secs: self.now as f64 / 1e9,
            end_secs: None,
            scheduled,
            tag,
        });
    }

    pub(crate) fn log_fault_end(&mut self, subject: &str, scheduled: Option<u32>, tag: u32) {
        let now = self.now as f64 / 1e9;
        if let Some(w) = self
            .fault_log
            .iter_mut()
            .rev()
            .find(|w| w.end_secs.is_none() && w.node == subject && w.scheduled == scheduled && w.tag == tag)
        {
            w.end_secs = Some(now);
        }
    }

    /// Faults so far, in the order they began (the last thousand).
    pub fn fault_log(&self) -> &[FaultWindow] {
        &self.fault_log
    }

    pub(crate) fn node_id(&self, node: u32) -> String {
        self.diagram.nodes[node as usize].id.0.clone()
    }

    /// Fault `fault`: the scenario's, then those injected during the run.
    fn fault_def(&self, fault: u32) -> Option<&Fault> {
        let script = &self.diagram.scenario.faults;
        let i = fault as usize;
        script.get(i).or_else(|| self.active_faults.injected.get(i.checked_sub(script.len())?))
    }

    /// Adds a fault to the running simulation: it starts now (whatever its `at_secs`) and lasts its
    /// `for_secs`. The scenario's own script is left as it is. Refused, with the reason, if the
    /// fault does not fit the diagram.
    pub fn inject_fault(&mut self, fault: Fault) -> Result<(), String> {
        let now = self.now as f64 / 1e9;
        let (_, len) = fault.window_secs();
        let mut fault = fault;
        *fault.window_mut().0 = now;
        let live = Diagram {
            nodes: self
                .diagram
                .nodes
                .iter()
                .zip(&self.nodes)
                .filter(|(_, s)| !s.removed)
                .map(|(n, _)| n.clone())
                .collect(),
            ..self.diagram.clone()
        };
        if let Some(problem) = crate::model::validate::fault_problems(&live, &fault).into_iter().next() {
            return Err(problem);
        }
        let index = (self.diagram.scenario.faults.len() + self.active_faults.injected.len()) as u32;
        self.active_faults.injected.push(fault);
        self.fault_start(index);
        if let Some(len) = len {
            self.events.push(self.now.saturating_add(secs_to_nanos(len)), Event::FaultEnd { fault: index });
        }
        Ok(())
    }

    /// Ends now every fault in force that names `node` (scripted or injected), as if its time were
    /// up; returns how many. Their scheduled ends are then ignored.
    pub fn end_faults_on(&mut self, node: &str) -> usize {
        let count = self.diagram.scenario.faults.len() + self.active_faults.injected.len();
        let mut ended = 0;
        for i in 0..count as u32 {
            let open = self.fault_log.iter().any(|w| w.scheduled == Some(i) && w.end_secs.is_none());
            let names = self.fault_def(i).is_some_and(|f| f.nodes().iter().any(|n| n.0 == node));
            if open && names && !self.active_faults.ended_early.contains(&i) {
                self.fault_end(i);
                self.active_faults.ended_early.push(i);
                ended += 1;
            }
        }
        ended
    }

    /// A scheduled fault begins.
    pub(crate) fn fault_start(&mut self, fault: u32) {
        let Some(f) = self.fault_def(fault).cloned() else { return };
        let node = f.nodes().first().and_then(|id| self.live_index(&id.0));
        let subject = fault_subject(&f);
        match (&f, node) {
            (Fault::Crash { task: Some(k), .. }, Some(n)) => {
                // A task is one machine of the service's pool, wherever it runs.
                self.log_fault_start(subject, format!("task {k} crashes"), Some(fault), 0);
                for_kind!(self, n, take_down(self, n, Some(*k), FailReason::NodeDown));
            }
            (Fault::Crash { instance, .. }, Some(n)) => {
                let what = instance.map_or_else(|| "crashes".to_owned(), |i| format!("instance {i} crashes"));
                self.log_fault_start(subject, what, Some(fault), 0);
                for_kind!(self, n, crash(self, n, *instance));
            }
            (Fault::ComponentFailure { component, .. }, Some(n)) => {
                self.log_fault_start(subject, format!("component {component} fails"), Some(fault), 0);
                self.take_down(n, None, FailReason::ComponentFailed);
            }
            (Fault::Slow { factor, .. }, Some(n)) => {
                self.log_fault_start(subject, format!("{factor}× slower"), Some(fault), 0);
                self.nodes[n as usize].slow_factor = *factor;
            }
            (Fault::ZoneOutage { zone, .. }, _) => {
                self.log_fault_start(subject, "zone outage".to_owned(), Some(fault), 0);
                self.outage_start(fault, Scope::Zone(zone.clone()));
            }
            (Fault::LocationOutage { location, .. }, _) => {
                self.log_fault_start(subject, format!("outage of {}", location.name()), Some(fault), 0);
                self.outage_start(fault, Scope::Location(*location));
            }
            (Fault::RandomFailures { .. }, Some(n)) => {
                self.active_faults.random.push(fault);
                match for_kind!(self, n, machines(self, n)) {
                    Some(machines) => {
                        for (m, launch) in machines {
                            self.schedule_random(fault, m as u16, launch, false);
                        }
                    }
                    None => self.schedule_random(fault, WHOLE_NODE, 0, false),
                }
            }
            (Fault::LatencySpike { to, extra_ms, .. }, Some(a)) => {
                let Some(b) = self.live_index(&to.0) else { return };
                self.log_fault_start(subject, format!("+{extra_ms} ms latency"), Some(fault), 0);
                for link in self.links[a as usize].iter_mut().filter(|l| l.to == b) {
                    link.latency_ns = link.latency_ns.saturating_add(ms_to_nanos(*extra_ms));
                }
            }
            (Fault::TrafficSurge { multiplier, .. }, Some(n)) => {
                self.log_fault_start(subject, format!("traffic ×{multiplier}"), Some(fault), 0);
                if let Behaviour::Client(c) = &mut self.nodes[n as usize].behaviour {
                    c.set_surge(fault, Some(*multiplier));
                    self.schedule_next_request(n);
                }
            }
            // The node was deleted during the run: nothing left to act on.
            (_, None) => {}
        }
    }

    /// A scheduled fault's time is up (unless it was ended early by hand).
    pub(crate) fn fault_due_end(&mut self, fault: u32) {
        if !self.active_faults.ended_early.contains(&fault) {
            self.fault_end(fault);
        }
    }

    /// A scheduled fault ends.
    fn fault_end(&mut self, fault: u32) {
        let Some(f) = self.fault_def(fault).cloned() else { return };
        let node = f.nodes().first().and_then(|id| self.live_index(&id.0));
        if node.is_some() || f.nodes().is_empty() {
            self.log_fault_end(&fault_subject(&f), Some(fault), 0);
        }
        match (&f, node) {
            (Fault::Crash { task: Some(k), .. }, Some(n)) => for_kind!(self, n, bring_up(self, n, Some(*k))),
            (Fault::Crash { instance, .. }, Some(n)) => for_kind!(self, n, recover(self, n, *instance)),
            (Fault::ComponentFailure { .. }, Some(n)) => self.bring_up(n, None),
            (Fault::Slow { .. }, Some(n)) => self.nodes[n as usize].slow_factor = 1.0,
            (Fault::ZoneOutage { .. } | Fault::LocationOutage { .. }, _) => self.outage_end(fault),
            // Failures stop starting; those under way are still repaired.
            (Fault::RandomFailures { .. }, _) => self.active_faults.random.retain(|&f| f != fault),
            (Fault::LatencySpike { to, extra_ms, .. }, Some(a)) => {
                let Some(b) = self.live_index(&to.0) else { return };
                for link in self.links[a as usize].iter_mut().filter(|l| l.to == b) {
                    link.latency_ns = link.latency_ns.saturating_sub(ms_to_nanos(*extra_ms));
                }
            }
            (Fault::TrafficSurge { .. }, Some(n)) => {
                if let Behaviour::Client(c) = &mut self.nodes[n as usize].behaviour {
                    c.set_surge(fault, None);
                    self.schedule_next_request(n);
                }
            }
            (_, None) => {}
        }
    }

    /// Whether an outage in force covers machines of `node` in zone index `zone`.
    fn outage_covers(&self, scope: &Scope, node: u32, zone: Option<u8>) -> bool {
        let n = &self.nodes[node as usize];
        if n.removed {
            return false;
        }
        for_kind!(self, node, in_outage(self, node, scope, zone))
    }

    fn outage_start(&mut self, fault: u32, scope: Scope) {
        let mut outage = Outage { fault, scope, machines: Vec::new(), nodes: Vec::new() };
        for node in 0..self.nodes.len() as u32 {
            if !self.outage_covers(&outage.scope, node, None) {
                continue;
            }
            if let Some(s) = self.nodes[node as usize].behaviour.pool() {
                let hit: Vec<(u32, u32)> = s
                    .present_machines()
                    .filter(|&m| self.outage_covers(&outage.scope, node, Some(s.machines[m as usize].zone)))
                    .map(|m| (m, s.machines[m as usize].launch))
                    .collect();
                let machines: Vec<u32> = hit.iter().map(|&(m, _)| m).collect();
                self.machines_down(node, &machines, FailReason::NodeDown);
                outage.machines.extend(hit.into_iter().map(|(m, launch)| (node, m, launch)));
            } else {
                self.take_down(node, None, FailReason::NodeDown);
                outage.nodes.push(node);
            }
        }
        self.active_faults.outages.push(outage);
    }

    fn outage_end(&mut self, fault: u32) {
        let Some(i) = self.active_faults.outages.iter().position(|o| o.fault == fault) else { return };
        let outage = self.active_faults.outages.remove(i);
        for (node, m, launch) in outage.machines {
            if self.nodes[node as usize].removed {
                continue;
            }
            let Some(s) = self.nodes[node as usize].behaviour.pool() else { continue };
            if s.machines.get(m as usize).is_some_and(|x| x.launch == launch && !x.terminated) {
                self.instance_up(node, Some(m));
            }
        }
        for node in outage.nodes {
            self.bring_up(node, None);
        }
    }

    /// The zone a new machine of `node` goes to: the one with the fewest machines among the zones
    /// not in an outage (all zones if every one is); ties go to the first.
    pub(crate) fn zone_for_launch(&self, node: u32) -> u8 {
        let Some(s) = self.nodes[node as usize].behaviour.pool() else { return 0 };
        let zones = s.zones.len().max(1);
        let count = s.present_per_zone();
        let healthy: Vec<usize> = (0..zones)
            .filter(|&z| !self.active_faults.outages.iter().any(|o| self.outage_covers(&o.scope, node, Some(z as u8))))
            .collect();
        let pool = if healthy.is_empty() { (0..zones).collect() } else { healthy };
        pool.into_iter().min_by_key(|&z| (count[z], z)).unwrap_or(0) as u8
    }

    /// A machine was just launched: an outage covering its zone takes it down at once, and random
    /// failures in force for its node start for it too.
    pub(crate) fn launched_into_faults(&mut self, node: u32, machine: u32) {
        let Some(s) = self.nodes[node as usize].behaviour.pool() else { return };
        let (zone, launch) = (s.machines[machine as usize].zone, s.machines[machine as usize].launch);
        let covering = self.active_faults.outages.iter().position(|o| self.outage_covers(&o.scope, node, Some(zone)));
        if let Some(i) = covering {
            self.instance_down(node, Some(machine), FailReason::NodeDown);
            self.active_faults.outages[i].machines.push((node, machine, launch));
        }
        let id = &self.diagram.nodes[node as usize].id;
        let random: Vec<u32> = self
            .active_faults
            .random
            .iter()
            .copied()
            .filter(|&f| self.fault_def(f).is_some_and(|x| x.nodes().first() == Some(&id)))
            .collect();
        for f in random {
            self.schedule_random(f, machine as u16, launch, false);
        }
    }

    /// Draws when the next failure (or repair) of a random-failures fault comes.
    fn schedule_random(&mut self, fault: u32, machine: u16, launch: u32, repair: bool) {
        let Some(Fault::RandomFailures { mtbf_secs, mttr_secs, .. }) = self.fault_def(fault) else {
            return;
        };
        let mean = if repair { *mttr_secs } else { *mtbf_secs };
        let draw: f64 = Exp1.sample(&mut self.rng);
        let at = self.now.saturating_add(secs_to_nanos(draw * mean).max(1));
        if at <= self.end {
            self.events.push(at, Event::RandomFailure { fault, machine, launch, repair });
        }
    }

    /// A random failure or repair comes due.
    pub(crate) fn random_failure(&mut self, fault: u32, machine: u16, launch: u32, repair: bool) {
        let Some(f) = self.fault_def(fault) else { return };
        let Some(node) = f.nodes().first().and_then(|id| self.live_index(&id.0)) else { return };
        let subject = self.node_id(node);
        let (tag, active) = (u32::from(machine), self.active_faults.random.contains(&fault));
        // A whole node, or the machine of that launch if it is still there (not replaced).
        let one = (machine != WHOLE_NODE).then_some(u32::from(machine));
        let current = one.is_none_or(|m| {
            for_kind!(self, node, machines(self, node)).is_some_and(|machines| machines.contains(&(m, launch)))
        });
        if repair {
            // Logged as over even if the machine was replaced meanwhile.
            self.log_fault_end(&subject, Some(fault), tag);
            if current {
                self.bring_up(node, one);
                if active {
                    self.schedule_random(fault, machine, launch, false);
                }
            }
        } else if current && active {
            let what = one.map_or_else(|| "fails at random".to_owned(), |m| format!("instance {m} fails at random"));
            self.log_fault_start(subject, what, Some(fault), tag);
            self.take_down(node, one, FailReason::NodeDown);
            self.schedule_random(fault, machine, launch, true);
        }
    }

    /// Whether a node can be failed by hand: instances, functions and balancers.
    pub fn can_fail(&self, node: usize) -> bool {
        self.diagram.nodes.get(node).is_some_and(|n| n.kind.kind().can_fail())
    }

    /// Whether a node is down now (for instance nodes: every machine).
    pub fn is_down(&self, node: usize) -> bool {
        node < self.nodes.len() && for_kind!(self, node, is_down(self, node as u32))
    }

    /// Fails a node now, as a crash would (the live view's right-click); `for_secs` schedules its
    /// recovery. Nothing happens to a node that is already down or cannot fail.
    pub fn fail_node(&mut self, node: usize, for_secs: Option<f64>) {
        if !self.can_fail(node) || self.is_down(node) {
            return;
        }
        self.take_down(node as u32, None, FailReason::NodeDown);
        self.log_fault_start(self.node_id(node as u32), "failed by hand".to_owned(), None, 0);
        if let Some(secs) = for_secs {
            let at = self.now.saturating_add(secs_to_nanos(secs));
            self.events.push(at, Event::Recover { node: node as u32 });
        }
    }

    /// Brings a node failed by hand back up.
    pub fn recover_node(&mut self, node: usize) {
        if self.can_fail(node) && self.is_down(node) {
            self.bring_up(node as u32, None);
            self.log_fault_end(&self.node_id(node as u32), None, 0);
        }
    }

    fn take_down(&mut self, node: u32, instance: Option<u32>, reason: FailReason) {
        for_kind!(self, node, take_down(self, node, instance, reason));
    }

    fn bring_up(&mut self, node: u32, instance: Option<u32>) {
        for_kind!(self, node, bring_up(self, node, instance));
    }
}

/// What a fault hits, as its log names it: a node's id, an edge, a zone or a location.
fn fault_subject(f: &Fault) -> String {
    match f {
        Fault::ZoneOutage { zone, .. } => format!("zone {zone}"),
        Fault::LocationOutage { location, .. } => location.name().to_owned(),
        Fault::LatencySpike { from, to, .. } => format!("{from} → {to}"),
        other => other.nodes().first().map(|n| n.0.clone()).unwrap_or_default(),
    }
}
