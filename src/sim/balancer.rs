//! Balancers: route each call to one target they believe healthy, by round robin, least
//! outstanding requests or at random. Targets behind an instance node are its machines, one by
//! one. A balancer learns that a target died only from its health checks: until `unhealthy_threshold`
//! checks in a row have failed, it keeps sending there, and those calls fail.

use super::call::{Caller, Link, NO_INSTANCE, Phase};
use super::events::Event;
use super::faults::Scope;
use super::kinds::{Behaviour, NodeBehaviour, for_kind};
use super::slab::Key;
use super::time::secs_to_nanos;
use super::{BalancerFigures, NodeFigures};
use super::{Engine, FailReason};
use crate::cost::NodeUsage;
use crate::cost::billing::BalancerHour;
use crate::model::NodeKind;
use crate::model::{BalancerAlgorithm, BalancerParams, Location};
use rand::Rng;

/// Clock hours of traffic a balancer keeps apart (connections longer than this are rare).
const OPEN_HOURS: usize = 3;

/// One target as the balancer sees it.
#[derive(Debug)]
pub(crate) struct Target {
    link: usize,
    node: u32,
    /// The machine, for instance nodes.
    instance: u32,
    healthy: bool,
    failed_checks: u32,
    passed_checks: u32,
    outstanding: u32,
    /// The target's node or machine is gone (deleted, scaled in); never chosen again.
    removed: bool,
    /// The target is a function (its bytes count more towards capacity units).
    function: bool,
}

/// A balancer node's running state.
#[derive(Debug)]
pub(crate) struct BalancerState {
    algorithm: BalancerAlgorithm,
    pub interval_ns: u64,
    unhealthy_threshold: u32,
    healthy_threshold: u32,
    targets: Vec<Target>,
    /// Each target's place in `targets`, by (node, machine): a group of thousands of machines
    /// must not cost a search per launch.
    index: std::collections::HashMap<(u32, u32), usize>,
    /// The healthy targets' places in `targets`, in order, rebuilt after any change of health
    /// (picking among thousands of unhealthy or removed targets must not cost a scan per call).
    healthy: Vec<usize>,
    healthy_stale: bool,
    next: usize,
    /// Traffic per clock hour for LCU billing: the last [`OPEN_HOURS`] hours, oldest first (an
    /// hour per element for ten years of run would be megabytes per balancer, copied at every
    /// chart sample); older hours are folded into `closed_lcu_hours`.
    pub hours: Vec<BalancerHour>,
    /// The clock hour of `hours[0]`.
    first_hour: usize,
    /// LCU-hours of the hours folded away.
    pub closed_lcu_hours: f64,
    /// Calls refused for want of a healthy target (after warm-up).
    pub no_target: u64,
    /// Listener rules evaluated per request, and how many of them are free.
    rules_per_request: u32,
    free_rules: u32,
}

impl BalancerState {
    /// A balancer with no target yet (edges add them); `free_rules` rules per request are not
    /// billed.
    pub fn new(p: &BalancerParams, free_rules: u32) -> Self {
        let mut b = Self {
            algorithm: p.algorithm,
            interval_ns: 0,
            unhealthy_threshold: 0,
            healthy_threshold: 0,
            targets: Vec::new(),
            index: std::collections::HashMap::new(),
            healthy: Vec::new(),
            healthy_stale: false,
            next: 0,
            hours: Vec::new(),
            first_hour: 0,
            closed_lcu_hours: 0.0,
            no_target: 0,
            rules_per_request: 0,
            free_rules,
        };
        b.retune(p);
        b
    }

    /// Takes the parameters of `p`, keeping targets and what the balancer believes of them.
    pub fn retune(&mut self, p: &BalancerParams) {
        self.algorithm = p.algorithm;
        self.interval_ns = secs_to_nanos(p.health_check_interval_secs).max(1);
        self.unhealthy_threshold = p.unhealthy_threshold;
        self.healthy_threshold = p.healthy_threshold;
        self.rules_per_request = p.rules_per_request;
    }

    /// Adds machine `instance` of `node` (reached by link `link`) as a target. A target added
    /// while the run goes must pass `healthy_threshold` checks before it gets traffic, as a newly
    /// registered target does; those present from the start are trusted at once.
    pub fn add_target(&mut self, link: usize, node: u32, instance: u32, trusted: bool) {
        self.healthy_stale = true;
        if let Some(t) = self.index.get(&(node, instance)).map(|&i| &mut self.targets[i]) {
            t.link = link;
            if t.removed {
                *t = Target { outstanding: t.outstanding, ..Target::new(link, node, instance, false) };
            }
            return;
        }
        self.index.insert((node, instance), self.targets.len());
        self.targets.push(Target::new(link, node, instance, trusted));
    }

    /// Stops routing to `node` (machine `instance`, or all of them).
    pub fn remove_targets(&mut self, node: u32, instance: Option<u32>) {
        self.healthy_stale = true;
        let forget = |t: &mut Target| {
            t.removed = true;
            t.healthy = false;
        };
        match instance {
            Some(i) => {
                if let Some(&t) = self.index.get(&(node, i)) {
                    forget(&mut self.targets[t]);
                }
            }
            None => self.targets.iter_mut().filter(|t| t.node == node).for_each(forget),
        }
    }

    /// Points each target at its node's current link index (after links were removed).
    pub fn relink(&mut self, links: &[Link]) {
        self.healthy_stale = true;
        for t in &mut self.targets {
            if let Some(link) = links.iter().position(|l| l.to == t.node) {
                t.link = link;
            } else {
                t.removed = true;
                t.healthy = false;
            }
        }
    }

    /// Targets believed healthy now, out of all (removed ones left out).
    pub fn healthy_targets(&self) -> (usize, usize) {
        let present = self.targets.iter().filter(|t| !t.removed);
        (present.clone().filter(|t| t.healthy).count(), present.count())
    }

    /// The traffic of the clock hour of `t`. A connection that opened in an hour already folded
    /// (over [`OPEN_HOURS`] ago) counts in the oldest open one.
    #[inline]
    fn hour(&mut self, t: u64, catalog: &crate::cost::Catalog) -> &mut BalancerHour {
        let h = (t / 3_600_000_000_000) as usize;
        // Nearly always the newest open hour.
        if h + 1 == self.first_hour + self.hours.len() {
            let last = self.hours.len() - 1;
            return &mut self.hours[last];
        }
        self.open_hour(h, catalog)
    }

    /// [`Self::hour`] when `h` is not the newest open hour: hours are opened up to it, and those
    /// beyond the last [`OPEN_HOURS`] folded into the closed total.
    #[cold]
    fn open_hour(&mut self, h: usize, catalog: &crate::cost::Catalog) -> &mut BalancerHour {
        while self.first_hour + self.hours.len() <= h {
            self.hours.push(BalancerHour::default());
        }
        while self.hours.len() > OPEN_HOURS {
            self.closed_lcu_hours += self.hours.remove(0).lcu_hours(catalog);
            self.first_hour += 1;
        }
        let at = h.saturating_sub(self.first_hour);
        &mut self.hours[at]
    }
}

impl Target {
    fn new(link: usize, node: u32, instance: u32, healthy: bool) -> Self {
        Self {
            link,
            node,
            instance,
            healthy,
            failed_checks: 0,
            passed_checks: 0,
            outstanding: 0,
            removed: false,
            function: false,
        }
    }
}

impl Engine {
    /// Adds every machine of `to` (or `to` itself) as a target of balancer `balancer`.
    pub(crate) fn add_balancer_targets(&mut self, balancer: u32, to: u32) {
        let Some(link) = self.links[balancer as usize].iter().position(|l| l.to == to) else { return };
        let machines: Vec<u32> = match for_kind!(self, to, machines(self, to)) {
            Some(machines) => machines.into_iter().map(|(m, _)| m).collect(),
            None => vec![NO_INSTANCE],
        };
        // Targets present from the start are trusted at once, if they serve (a container task
        // still waiting for room on its cluster does not).
        let up: Vec<bool> =
            machines.iter().map(|&m| self.now == 0 && for_kind!(self, to, unit_up(self, to, m))).collect();
        let function = matches!(self.nodes[to as usize].behaviour, Behaviour::Function(_));
        let b = self.balancer(balancer);
        for (instance, trusted) in machines.into_iter().zip(up) {
            b.add_target(link, to, instance, trusted);
        }
        for t in b.targets.iter_mut().filter(|t| t.node == to) {
            t.function = function;
        }
    }

    /// Registers a newly launched machine of instance node `node` with every balancer that sends
    /// to the node (only that machine: re-adding all of them at each launch made a group's
    /// scale-out cost machines²).
    pub(crate) fn add_machine_target(&mut self, node: u32, machine: u32) {
        let trusted = self.now == 0;
        for i in 0..self.balancers.len() {
            let b = self.balancers[i];
            if self.nodes[b as usize].removed {
                continue;
            }
            let Some(link) = self.links[b as usize].iter().position(|l| l.to == node) else { continue };
            self.balancer(b).add_target(link, node, machine, trusted);
        }
    }

    /// Every balancer forgets machine `machine` of `node`.
    pub(crate) fn remove_machine_target(&mut self, node: u32, machine: u32) {
        for i in 0..self.balancers.len() {
            let b = self.balancers[i];
            self.balancer(b).remove_targets(node, Some(machine));
        }
    }

    fn balancer(&mut self, node: u32) -> &mut BalancerState {
        self.state_mut(node)
    }

    /// A call reaches the balancer: it picks a healthy target and forwards the call there.
    pub(crate) fn balancer_arrive(&mut self, node: u32, key: Key) {
        if self.nodes[node as usize].down_count > 0 {
            self.finish(key, Some(FailReason::NodeDown));
            return;
        }
        let now = self.now;
        let measured = self.measured(now);
        let Some(call) = self.calls.get(key) else { return };
        let payload = call.payload;
        let Behaviour::Balancer(b) = &mut self.nodes[node as usize].behaviour else { return };
        let billed_rules = u64::from(b.rules_per_request.saturating_sub(b.free_rules));
        let n = b.targets.len();
        if b.healthy_stale {
            b.healthy.clear();
            b.healthy.extend(b.targets.iter().enumerate().filter(|(_, t)| t.healthy).map(|(i, _)| i));
            b.healthy_stale = false;
        }
        // The healthy targets from the round-robin position on, wrapping around.
        let start = b.healthy.partition_point(|&t| t < b.next);
        let chosen = match b.algorithm {
            BalancerAlgorithm::RoundRobin => {
                let found = b.healthy.get(start).or_else(|| b.healthy.first()).copied();
                if let Some(t) = found {
                    b.next = (t + 1) % n;
                }
                found
            }
            BalancerAlgorithm::LeastOutstanding => b.healthy[start..]
                .iter()
                .chain(&b.healthy[..start])
                .copied()
                .min_by_key(|&t| b.targets[t].outstanding)
                .inspect(|&t| b.next = (t + 1) % n),
            BalancerAlgorithm::Random => {
                if b.healthy.is_empty() {
                    None
                } else {
                    let pick = self.rng.random_range(0..b.healthy.len());
                    Some(b.healthy[pick])
                }
            }
        };
        // The connection and its rules are billed whether or not a target takes it.
        let to_function = chosen.is_some_and(|t| b.targets[t].instance == NO_INSTANCE && b.targets[t].function);
        let hour = b.hour(now, &self.catalog);
        hour.new_connections += 1;
        hour.rule_evaluations += billed_rules;
        let Some(t) = chosen else {
            if measured {
                b.no_target += 1;
            }
            self.finish(key, Some(FailReason::NoHealthyTarget));
            return;
        };
        let bytes = u64::from(payload.request_bytes) + u64::from(payload.response_bytes);
        if to_function {
            hour.lambda_bytes += bytes;
        } else {
            hour.processed_bytes += bytes;
        }
        let target = &mut b.targets[t];
        target.outstanding += 1;
        let (link, instance) = (target.link, target.instance);
        if let Some(call) = self.calls.get_mut(key) {
            call.instance = t as u32;
            call.phase = Phase::Downstream;
            call.pending = 1;
        }
        self.send(node, link, Caller::Call(key), payload, instance);
    }

    /// The chosen target answered (or the balancer gave up): the balancer answers its caller.
    pub(crate) fn balancer_complete(&mut self, node: u32, key: Key) {
        let now = self.now;
        let Some(call) = self.calls.get(key) else { return };
        let (t, arrived_at, failure) = (call.instance as usize, call.arrived_at, call.failure);
        let Behaviour::Balancer(b) = &mut self.nodes[node as usize].behaviour else { return };
        if let Some(target) = b.targets.get_mut(t) {
            target.outstanding = target.outstanding.saturating_sub(1);
        }
        b.hour(arrived_at, &self.catalog).connection_secs += (now - arrived_at) as f64 / 1e9;
        self.finish(key, failure);
    }

    /// Every target is checked; beliefs change after enough checks in a row.
    pub(crate) fn health_check(&mut self, node: u32) {
        if self.nodes[node as usize].removed {
            return;
        }
        let up: Vec<bool> = {
            let Behaviour::Balancer(b) = &self.nodes[node as usize].behaviour else { return };
            b.targets.iter().map(|t| self.target_is_up(t.node, t.instance)).collect()
        };
        let now = self.now;
        let b = self.balancer(node);
        b.healthy_stale = true;
        let (unhealthy_after, healthy_after) = (b.unhealthy_threshold, b.healthy_threshold);
        for (target, up) in b.targets.iter_mut().zip(up) {
            if target.removed {
                continue;
            }
            if up {
                target.failed_checks = 0;
                target.passed_checks += 1;
                if !target.healthy && target.passed_checks >= healthy_after {
                    target.healthy = true;
                }
            } else {
                target.passed_checks = 0;
                target.failed_checks += 1;
                if target.healthy && target.failed_checks >= unhealthy_after {
                    target.healthy = false;
                }
            }
        }
        let next = now + b.interval_ns;
        self.events.push(next, Event::HealthCheck { balancer: node });
    }

    fn target_is_up(&self, node: u32, instance: u32) -> bool {
        for_kind!(self, node, unit_up(self, node, instance))
    }
}

impl NodeBehaviour for BalancerState {
    type Params = BalancerParams;

    fn new_state(engine: &mut Engine, _node: &crate::model::Node, p: &BalancerParams) -> Self {
        Self::new(p, engine.catalog.balancer.free_rules_per_request)
    }

    fn start(engine: &mut Engine, node: u32) {
        let at = engine.now + engine.balancer(node).interval_ns;
        engine.events.push(at, Event::HealthCheck { balancer: node });
    }

    fn arrive(engine: &mut Engine, node: u32, call: Key) {
        engine.balancer_arrive(node, call);
    }

    fn downstream_done(engine: &mut Engine, node: u32, call: Key, _failure: Option<FailReason>) {
        // The call holds the failure already; the balancer accounts the connection and finishes.
        engine.balancer_complete(node, call);
    }

    fn abort(engine: &mut Engine, node: u32, call: Key, reason: FailReason) {
        if let Some(c) = engine.calls.get_mut(call) {
            c.failure = Some(reason);
        }
        engine.balancer_complete(node, call);
    }

    fn take_down(engine: &mut Engine, node: u32, _machine: Option<u32>, reason: FailReason) {
        engine.nodes[node as usize].down_count += 1;
        engine.fail_calls_at(node, None, reason);
    }

    fn bring_up(engine: &mut Engine, node: u32, _machine: Option<u32>) {
        let n = &mut engine.nodes[node as usize];
        n.down_count = n.down_count.saturating_sub(1);
    }

    // A regional service: a zone outage leaves it up, an outage of the cloud takes it down.
    fn in_outage(_engine: &Engine, _node: u32, scope: &Scope, _zone: Option<u8>) -> bool {
        matches!(scope, Scope::Location(Location::Cloud))
    }

    fn retune(engine: &mut Engine, node: u32, kind: &NodeKind) {
        if let NodeKind::Balancer(p) = kind {
            engine.balancer(node).retune(p);
        }
    }

    fn remove(engine: &mut Engine, node: u32) {
        Self::take_down(engine, node, None, FailReason::Removed);
    }

    fn usage(engine: &Engine, node: u32) -> NodeUsage {
        let b = engine.state::<Self>(node);
        NodeUsage::Balancer {
            existed_secs: engine.now as f64 / 1e9,
            hours: b.hours.clone(),
            closed_lcu_hours: b.closed_lcu_hours,
            lcu_scale: 1.0,
        }
    }

    fn figures(engine: &Engine, node: u32, figures: &mut NodeFigures) {
        let b = engine.state::<Self>(node);
        let (healthy_targets, targets) = b.healthy_targets();
        figures.balancer = Some(BalancerFigures { healthy_targets, targets, no_healthy_target: b.no_target });
    }
}
