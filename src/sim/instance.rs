//! Instances: `count` machines, each with `workers` servers and one FIFO backlog. A worker that
//! frees up takes the oldest waiting call, then messages already received, then polls the queues
//! the node consumes from.
//!
//! The same pool of machines runs a container service's tasks ([`super::containers`]): a task is a
//! machine here, and the container service adds where it runs and how it is billed.

use super::call::{Caller, NO_INSTANCE, Phase};
use super::events::Event;
use super::faults::Scope;
use super::kinds::{Gauges, NodeBehaviour, mean_ms};
use super::meter::InstanceMeter;
use super::sampler::Sampler;
use super::scaling::ScalingState;
use super::slab::Key;
use super::stats::TimeAverage;
use super::time::secs_to_nanos;
use super::{Engine, FailReason};
use super::{InstanceFigures, LiveNode, NodeFigures};
use crate::cost::{Catalog, NodeUsage};
use crate::model::{InstanceParams, Location, NodeKind, PurchaseOption};
use rand_distr::{Distribution as _, Exp1};
use std::collections::VecDeque;

/// One machine of an instance node.
#[derive(Debug)]
pub(crate) struct Machine {
    /// Outages in force (crash and component faults may overlap).
    pub down_count: u32,
    pub down_reason: FailReason,
    /// Bumped at each crash so that completions scheduled before it are ignored.
    epoch: u32,
    slots: Vec<Option<Key>>,
    free: Vec<u32>,
    backlog: VecDeque<Key>,
    /// Messages received from a queue and not yet started: (receive, index in it).
    prefetched: VecDeque<(Key, u32)>,
    launched_at: u64,
    /// Terminated (scaled in, interrupted, or its node deleted): billed no more; the slot may be
    /// reused.
    pub terminated: bool,
    /// Counts launches of this slot (and billing periods), so that a spot interruption meant for
    /// an earlier launch is ignored.
    pub launch: u32,
    /// Index of its availability zone in the node's `zones`.
    pub zone: u8,
    /// Launched and still warming up (billed, not serving).
    pub warming: bool,
    /// Down (crashed, failed) since then.
    down_since: Option<u64>,
}

impl Machine {
    fn new(workers: u32, now: u64) -> Self {
        Self {
            down_count: 0,
            down_reason: FailReason::NodeDown,
            epoch: 0,
            slots: vec![None; workers as usize],
            free: (0..workers).rev().collect(),
            backlog: VecDeque::new(),
            prefetched: VecDeque::new(),
            launched_at: now,
            terminated: false,
            launch: 0,
            zone: 0,
            warming: false,
            down_since: None,
        }
    }

    /// When the machine went down, if it is down (warming up does not count).
    pub fn down_since(&self) -> Option<u64> {
        self.down_since
    }

    /// Whether the machine serves.
    pub fn is_up(&self) -> bool {
        self.down_count == 0
    }
}

/// An instance node's running state.
#[derive(Debug)]
pub(crate) struct InstanceState {
    pub instance_type: String,
    pub workers: u32,
    backlog_limit: Option<u32>,
    sampler: Sampler,
    pub machines: Vec<Machine>,
    next_machine: usize,
    /// Busy workers over time.
    pub busy: TimeAverage,
    /// Workers of running machines over time.
    pub capacity: TimeAverage,
    /// Calls waiting in backlogs over time.
    pub backlog: TimeAverage,
    /// Sum and count of waits before service, for calls arriving after warm-up.
    pub wait_ns: f64,
    pub waits: u64,
    /// What the machines cost, by purchase option.
    pub meter: InstanceMeter,
    /// The Auto Scaling group, if the node is one.
    pub scaling: Option<ScalingState>,
    /// Availability zones the machines spread over.
    pub zones: Vec<String>,
    /// Runs in the company's own data centre.
    pub on_premises: bool,
    /// Mean service time, in ms (predictive scaling sizes capacity with it).
    pub mean_service_ms: f64,
    /// Terminated machines' places, lowest first: a launch reuses one (a search per launch made
    /// launching thousands cost machines²).
    vacant: std::collections::BinaryHeap<std::cmp::Reverse<u32>>,
    /// Present machines per zone, for spreading launches (kept as machines come and go).
    per_zone: Vec<u32>,
    /// What a machine is called in logs: "instance", or "task" for a container service.
    pub unit: &'static str,
    /// Nanoseconds a machine launched by a live change or as a replacement takes to serve (a
    /// container task's start time); `None`: it serves at once (an instance node's machine).
    pub start: Option<u64>,
    /// A container service keeps its task count without Auto Scaling too: lost tasks (interrupted,
    /// on a failed instance) are replaced up to this count.
    pub keeps: Option<u32>,
}

impl InstanceState {
    pub fn new(p: &InstanceParams, catalog: &Catalog) -> Self {
        let workers = crate::model::validate::workers_per_machine(p, catalog);
        let zones = p.zone_names().len().clamp(1, 255);
        let scaling = p.auto_scaling.as_ref().map(ScalingState::new);
        let count = scaling.as_ref().map_or(p.count, |g| g.desired);
        let mut per_zone = vec![0; zones];
        for i in 0..count as usize {
            per_zone[i % zones] += 1;
        }
        Self {
            instance_type: p.instance_type.clone(),
            workers,
            backlog_limit: p.backlog_limit,
            sampler: Sampler::new(&p.service_time),
            machines: (0..count)
                .map(|i| Machine { zone: (i as usize % zones) as u8, ..Machine::new(workers, 0) })
                .collect(),
            next_machine: 0,
            busy: TimeAverage::default(),
            capacity: TimeAverage::default(),
            backlog: TimeAverage::default(),
            wait_ns: 0.0,
            waits: 0,
            meter: InstanceMeter::new(&p.instance_type, &p.purchase, catalog, count, 0),
            scaling,
            zones: p.zone_names().into_iter().take(255).collect(),
            on_premises: p.purchase.on_premises(),
            mean_service_ms: p.service_time.mean_ms(),
            vacant: std::collections::BinaryHeap::new(),
            per_zone,
            unit: "instance",
            start: None,
            keeps: None,
        }
    }

    /// Present machines per zone (`zones` of them; machines of zones beyond wrap around).
    pub fn present_per_zone(&self) -> Vec<u32> {
        let zones = self.zones.len().max(1);
        if self.per_zone.len() == zones {
            return self.per_zone.clone();
        }
        let mut count = vec![0u32; zones];
        for m in self.machines.iter().filter(|m| !m.terminated) {
            count[m.zone as usize % zones] += 1;
        }
        count
    }

    /// Machine `machine` now counts in zone index `zone` (a task placed on a cluster's instance).
    pub fn rezone(&mut self, machine: u32, zone: u8) {
        let zones = self.per_zone.len().max(1);
        let m = &mut self.machines[machine as usize];
        if m.zone == zone {
            return;
        }
        if let Some(n) = self.per_zone.get_mut(m.zone as usize % zones) {
            *n = n.saturating_sub(1);
        }
        m.zone = zone;
        if let Some(n) = self.per_zone.get_mut(zone as usize % zones) {
            *n += 1;
        }
    }

    /// Counts the present machines per zone again (after zones were set directly).
    pub fn recount_zones(&mut self) {
        self.per_zone = Vec::new();
        self.per_zone = self.present_per_zone();
    }

    /// What a lost machine is replaced to: an Auto Scaling group's desired capacity with its
    /// warm-up, or a container service's task count with its start time; `None` when lost
    /// machines are not replaced.
    pub fn replacement(&self) -> Option<(u32, u64)> {
        let start = self.start.unwrap_or(0);
        self.scaling
            .as_ref()
            .map(|g| (g.desired, secs_to_nanos(g.params.warmup_secs)))
            .or(self.keeps.map(|n| (n, start)))
    }

    /// Indices of the machines not terminated.
    pub fn present_machines(&self) -> impl Iterator<Item = u32> + '_ {
        self.machines.iter().enumerate().filter(|(_, m)| !m.terminated).map(|(i, _)| i as u32)
    }

    /// Machines not terminated: the capacity wanted.
    pub fn desired(&self) -> u32 {
        self.machines.iter().filter(|m| !m.terminated).count() as u32
    }

    /// The machines start running at `now`.
    pub fn start(&mut self, now: u64, from: u64) {
        let running = self.machines.iter().filter(|m| m.is_up()).count() as f64;
        self.capacity.add(now, from, running * f64::from(self.workers));
    }

    /// Machines launched and still warming up.
    pub fn warming(&self) -> u32 {
        self.machines.iter().filter(|m| m.warming && !m.terminated).count() as u32
    }

    /// Machines running now.
    pub fn running(&self) -> u32 {
        self.machines.iter().filter(|m| m.is_up() && !m.terminated).count() as u32
    }

    /// Calls waiting in backlogs now.
    pub fn backlog_now(&self) -> u64 {
        self.machines.iter().map(|m| m.backlog.len() as u64).sum()
    }

    /// What the machines have cost so far, line by line, for billing.
    pub fn usage(&self, now: u64) -> NodeUsage {
        NodeUsage::Instances(self.meter.usage(&self.launches(), now))
    }

    /// The lines so far had this node run on `option` (see [`InstanceMeter::usage_as`]).
    pub fn usage_as(&self, option: &PurchaseOption, now: u64) -> Vec<crate::cost::InstanceLine> {
        self.meter.usage_as(option, &self.launches(), now)
    }

    /// Launch times of the machines present.
    pub fn launches(&self) -> Vec<u64> {
        self.machines.iter().filter(|m| !m.terminated).map(|m| m.launched_at).collect()
    }
}

impl Engine {
    /// The machines of `node`, an instance node or a container service (to read).
    #[inline]
    pub(crate) fn pool(&self, node: u32) -> &InstanceState {
        self.nodes[node as usize].behaviour.pool().unwrap_or_else(|| no_pool(node))
    }

    /// The machines of `node`, an instance node or a container service.
    #[inline]
    pub(crate) fn instance(&mut self, node: u32) -> &mut InstanceState {
        self.nodes[node as usize].behaviour.pool_mut().unwrap_or_else(|| no_pool(node))
    }

    /// A call reaches an instance node: a worker takes it, or it waits, or it is refused.
    pub(crate) fn instance_arrive(&mut self, node: u32, key: Key) {
        let (now, from) = (self.now, self.measure_from);
        // The call and the machines are borrowed side by side (one lookup of each on the hot path).
        let Some(call) = self.calls.get_mut(key) else { return };
        let Some(s) = self.nodes[node as usize].behaviour.pool_mut() else { return };
        let machine = if call.instance == NO_INSTANCE {
            // Called directly: round robin over the running machines.
            let n = s.machines.len();
            let first = if s.next_machine < n { s.next_machine } else { 0 };
            let found = (first..n).chain(0..first).find(|&m| s.machines[m].is_up());
            if let Some(m) = found {
                s.next_machine = m + 1;
                m
            } else {
                let reason = s.machines.first().map_or(FailReason::NodeDown, |m| m.down_reason);
                self.finish(key, Some(reason));
                return;
            }
        } else {
            call.instance as usize
        };
        let m = &mut s.machines[machine];
        if !m.is_up() {
            let reason = m.down_reason;
            self.finish(key, Some(reason));
            return;
        }
        call.instance = machine as u32;
        if let Some(slot) = m.free.pop() {
            self.start_work(node, machine as u32, slot, key);
        } else if s.backlog_limit.is_none_or(|limit| m.backlog.len() < limit as usize) {
            m.backlog.push_back(key);
            s.backlog.add(now, from, 1.0);
        } else {
            self.finish(key, Some(FailReason::BacklogFull));
        }
    }

    fn start_work(&mut self, node: u32, machine: u32, slot: u32, key: Key) {
        let (now, from) = (self.now, self.measure_from);
        let slow = self.nodes[node as usize].slow_factor;
        let Some(call) = self.calls.get_mut(key) else { return };
        call.phase = Phase::Working;
        call.started_at = now;
        let arrived_at = call.arrived_at;
        let Some(s) = self.nodes[node as usize].behaviour.pool_mut() else { return };
        let m = &mut s.machines[machine as usize];
        m.slots[slot as usize] = Some(key);
        let epoch = m.epoch;
        s.busy.add(now, from, 1.0);
        if arrived_at >= from {
            s.wait_ns += (now - arrived_at) as f64;
            s.waits += 1;
        }
        let service = super::sampler::slowed(s.sampler.draw(&mut self.rng), slow);
        self.events.push(now + service, Event::WorkDone { node, instance: machine as u16, slot: slot as u16, epoch });
    }

    /// A worker finishes its call: it takes the next piece of work, and the call goes downstream.
    pub(crate) fn work_done(&mut self, node: u32, machine: u16, slot: u16, epoch: u32) {
        let (machine, slot) = (u32::from(machine), u32::from(slot));
        let (now, from) = (self.now, self.measure_from);
        let s = self.instance(node);
        let m = &mut s.machines[machine as usize];
        if m.epoch != epoch {
            return;
        }
        let Some(key) = m.slots[slot as usize].take() else { return };
        // A worker beyond a lowered worker count retires once its call is done.
        if slot < s.workers {
            m.free.push(slot);
        }
        s.busy.add(now, from, -1.0);
        self.fill_workers(node, machine);
        self.spawn_downstream(key);
    }

    /// Gives every free worker of a running machine something to do, if there is anything.
    pub(crate) fn fill_workers(&mut self, node: u32, machine: u32) {
        loop {
            let (now, from) = (self.now, self.measure_from);
            let s = self.instance(node);
            let m = &mut s.machines[machine as usize];
            if !m.is_up() || m.free.is_empty() {
                return;
            }
            if let Some(key) = m.backlog.pop_front() {
                let slot = m.free.pop().unwrap_or_default();
                s.backlog.add(now, from, -1.0);
                self.start_work(node, machine, slot, key);
            } else if let Some((receive, index)) = m.prefetched.pop_front() {
                let slot = m.free.pop().unwrap_or_default();
                let Some(payload) = self.received_payload(receive, index) else {
                    self.message_done(receive, index, false);
                    m_restore_slot(self, node, machine, slot);
                    continue;
                };
                let key = self.local_call(node, Caller::QueueMessage { receive, index }, payload, machine, 1);
                self.start_work(node, machine, slot, key);
            } else {
                let Some((receive, count)) = self.poll_sources(node) else { return };
                let m = &mut self.instance(node).machines[machine as usize];
                m.prefetched.extend((0..count).map(|i| (receive, i)));
            }
        }
    }

    /// Whether the node could take a queue message now on some machine; if so, that machine polls.
    pub(crate) fn instance_pull(&mut self, node: u32) {
        let n = self.instance(node).machines.len();
        for machine in 0..n {
            let m = &self.instance(node).machines[machine];
            if m.is_up() && !m.free.is_empty() {
                self.fill_workers(node, machine as u32);
            }
        }
    }

    /// Machine `machine` (or every machine) of `node` goes down for `reason`.
    pub(crate) fn instance_down(&mut self, node: u32, machine: Option<u32>, reason: FailReason) {
        let machines: Vec<u32> = match machine {
            Some(m) => vec![m],
            None => (0..self.instance(node).machines.len() as u32).collect(),
        };
        self.machines_down(node, &machines, reason);
    }

    /// Machines `machines` of `node` go down: their work fails for `reason`. The calls are looked
    /// through once for all of them (once per machine would make a group's scale-in cost
    /// machines × calls).
    pub(crate) fn machines_down(&mut self, node: u32, machines: &[u32], reason: FailReason) {
        let (now, from) = (self.now, self.measure_from);
        let mut went_down = vec![false; self.instance(node).machines.len()];
        for &i in machines {
            let s = self.instance(node);
            let workers = f64::from(s.workers);
            let m = &mut s.machines[i as usize];
            m.down_count += 1;
            if m.down_count > 1 {
                continue;
            }
            m.down_reason = reason;
            m.down_since = Some(now);
            m.epoch = m.epoch.wrapping_add(1);
            let busy = m.slots.iter().filter(|s| s.is_some()).count() as f64;
            m.slots = vec![None; workers as usize];
            m.free = (0..workers as u32).rev().collect();
            let waiting = m.backlog.len() as f64;
            m.backlog.clear();
            let prefetched: Vec<(Key, u32)> = m.prefetched.drain(..).collect();
            s.busy.add(now, from, -busy);
            s.backlog.add(now, from, -waiting);
            s.capacity.add(now, from, -workers);
            // Received messages never started: not deleted, so they come back after their
            // visibility timeout.
            for (receive, index) in prefetched {
                self.message_done(receive, index, false);
            }
            went_down[i as usize] = true;
        }
        if went_down.contains(&true) {
            self.fail_calls_where(node, reason, |i| went_down.get(i as usize).copied().unwrap_or(false));
        }
    }

    /// Machine `machine` (or every machine) of `node` comes back.
    pub(crate) fn instance_up(&mut self, node: u32, machine: Option<u32>) {
        let (now, from) = (self.now, self.measure_from);
        let n = self.instance(node).machines.len() as u32;
        for i in (0..n).filter(|i| machine.is_none_or(|m| m == *i)) {
            let s = self.instance(node);
            let workers = f64::from(s.workers);
            let m = &mut s.machines[i as usize];
            if m.down_count == 0 || m.terminated {
                continue;
            }
            m.down_count -= 1;
            if m.down_count == 0 {
                m.down_since = None;
                m.warming = false;
                s.capacity.add(now, from, workers);
                self.fill_workers(node, i);
            }
        }
    }
}

impl Engine {
    /// Takes the parameters of `p` for instance node `node` while it runs: more machines are
    /// launched, surplus ones terminated (work on them fails as "removed"), a new type stops and
    /// relaunches every machine for billing (as changing an EC2 type does) without losing its
    /// work, and workers are added or retire when their call is done.
    pub(crate) fn retune_instance(&mut self, node: u32, p: &InstanceParams) {
        let workers = crate::model::validate::workers_per_machine(p, &self.catalog);
        let now = self.now;
        let Some(s) = self.nodes[node as usize].behaviour.pool_mut() else { return };
        s.backlog_limit = p.backlog_limit;
        s.zones = p.zone_names().into_iter().take(255).collect();
        s.on_premises = p.purchase.on_premises();
        let zones = s.zones.len().max(1);
        for m in &mut s.machines {
            m.zone = (m.zone as usize % zones) as u8;
        }
        s.sampler = Sampler::new(&p.service_time);
        s.mean_service_ms = p.service_time.mean_ms();
        if s.instance_type != p.instance_type || s.meter.option != p.purchase {
            let launches = s.launches();
            s.meter.change(&p.instance_type, &p.purchase, &self.catalog, &launches, now);
            s.instance_type.clone_from(&p.instance_type);
            for m in s.machines.iter_mut().filter(|m| !m.terminated) {
                m.launched_at = now;
                m.launch = m.launch.wrapping_add(1);
            }
            let present: Vec<u32> = s.present_machines().collect();
            for m in present {
                self.schedule_spot_interruption(node, m);
            }
        }
        self.set_workers(node, workers);
        // Machines the change adds serve at once; a container service's tasks after their start.
        let s = self.instance(node);
        let start = s.start.unwrap_or(0);
        if let (Some(params), Some(g)) = (&p.auto_scaling, s.scaling.as_mut()) {
            let before = g.desired;
            g.retune(params);
            let desired = g.desired;
            if desired == before {
                self.match_capacity(node, desired, start);
            } else {
                self.set_desired(node, desired, "new minimum or maximum".to_owned());
            }
        } else {
            self.match_capacity(node, p.count, start);
        }
    }

    /// Changes the workers per machine.
    fn set_workers(&mut self, node: u32, workers: u32) {
        let (now, from) = (self.now, self.measure_from);
        let s = self.instance(node);
        let old = s.workers;
        if workers == old {
            return;
        }
        s.workers = workers;
        let mut up = 0.0;
        for m in s.machines.iter_mut().filter(|m| !m.terminated) {
            if m.is_up() {
                up += 1.0;
            }
            if m.slots.len() < workers as usize {
                m.slots.resize(workers as usize, None);
            }
            if workers > old {
                m.free.extend((old..workers).rev().filter(|&w| m.slots[w as usize].is_none()));
            } else {
                m.free.retain(|&w| w < workers);
            }
        }
        s.capacity.add(now, from, up * (f64::from(workers) - f64::from(old)));
        if workers > old {
            self.instance_pull(node);
        }
    }

    /// Launches one machine (reusing a terminated machine's slot), serving after `warmup`
    /// nanoseconds (billed from now); balancers in front register it and send traffic once its
    /// health checks pass.
    pub(crate) fn launch_machine_warming(&mut self, node: u32, warmup: u64) -> u32 {
        let (now, from) = (self.now, self.measure_from);
        // A container service's task on EC2 goes where it fits, or waits as pending.
        let place = self.place_new_task(node);
        let zone = place.zone().unwrap_or_else(|| self.zone_for_launch(node));
        let pending = place.is_pending();
        let s = self.instance(node);
        let workers = s.workers;
        let mut fresh = Machine { zone, ..Machine::new(workers, now) };
        if warmup > 0 || pending {
            fresh.warming = true;
            fresh.down_count = 1;
        }
        if s.per_zone.len() != s.zones.len().max(1) {
            // The zones changed (a live edit): count again.
            s.per_zone = s.present_per_zone();
        }
        let zones = s.per_zone.len();
        s.per_zone[zone as usize % zones] += 1;
        let index = if let Some(std::cmp::Reverse(i)) = s.vacant.pop() {
            let i = i as usize;
            let (epoch, launch) = (s.machines[i].epoch.wrapping_add(1), s.machines[i].launch.wrapping_add(1));
            s.machines[i] = Machine { epoch, launch, ..fresh };
            i
        } else {
            s.machines.push(fresh);
            s.machines.len() - 1
        } as u32;
        if warmup == 0 && !pending {
            s.capacity.add(now, from, f64::from(workers));
        }
        s.meter.launched(now);
        let launch = s.machines[index as usize].launch;
        if warmup > 0 && !pending {
            self.events.push(now + warmup, Event::WarmedUp { node, machine: index as u16, launch });
        }
        self.task_launched(node, index, place);
        self.add_machine_target(node, index);
        self.schedule_spot_interruption(node, index);
        self.launched_into_faults(node, index);
        self.fill_workers(node, index);
        index
    }

    /// A machine's warm-up is over: it serves.
    pub(crate) fn warmed_up(&mut self, node: u32, machine: u16, launch: u32) {
        if self.nodes[node as usize].removed {
            return;
        }
        let s = self.instance(node);
        let Some(m) = s.machines.get(machine as usize) else { return };
        if m.terminated || m.launch != launch || !m.warming {
            return;
        }
        self.instance_up(node, Some(u32::from(machine)));
    }

    /// On spot, draws when machine `machine` will be told it is interrupted.
    pub(crate) fn schedule_spot_interruption(&mut self, node: u32, machine: u32) {
        let s = self.instance(node);
        let (option, launch) = (s.meter.option.clone(), s.machines[machine as usize].launch);
        if let Some(at) = self.spot_notice_at(&option) {
            self.events.push(at, Event::SpotNotice { node, machine: machine as u16, launch, ended: false });
        }
    }

    /// When a machine launched now on `option` is told it is interrupted: an exponential time at
    /// the option's rate (or the catalog's); `None` off spot, at a rate of 0, or after the run.
    pub(crate) fn spot_notice_at(&mut self, option: &PurchaseOption) -> Option<u64> {
        let PurchaseOption::Spot { interruptions_per_hour } = option else { return None };
        let rate = interruptions_per_hour.unwrap_or(self.catalog.purchase.spot.interruptions_per_hour);
        if rate <= 0.0 {
            return None;
        }
        let hours: f64 = Exp1.sample(&mut self.rng);
        let at = self.now.saturating_add(secs_to_nanos(hours / rate * 3600.0));
        (at <= self.end).then_some(at)
    }

    /// A spot notice or the end of one: after the notice the machine is terminated.
    pub(crate) fn spot_event(&mut self, node: u32, machine: u16, launch: u32, ended: bool) {
        if self.nodes[node as usize].removed {
            return;
        }
        let s = self.instance(node);
        let Some(m) = s.machines.get(machine as usize) else { return };
        if m.terminated || m.launch != launch || !matches!(s.meter.option, PurchaseOption::Spot { .. }) {
            return;
        }
        // Logged from the notice to the end, as a fault of its own (tags apart from hand failures).
        let (subject, tag) = (self.node_id(node), 0x1_0000 + u32::from(machine));
        if ended {
            self.log_fault_end(&subject, None, tag);
            self.terminate_machine(node, u32::from(machine), FailReason::SpotInterrupted);
            // An Auto Scaling group (or a container service) launches a replacement.
            if let Some((desired, warmup)) = self.instance(node).replacement() {
                self.match_capacity(node, desired, warmup);
                let unit = self.instance(node).unit;
                self.log_activity(node, desired, desired, format!("replacing interrupted spot {unit} {machine}"));
            }
        } else {
            let (notice, unit) = (self.catalog.purchase.spot.notice_secs, self.instance(node).unit);
            self.log_fault_start(
                subject,
                format!("spot {unit} {machine} interrupted ({notice:.0} s notice)"),
                None,
                tag,
            );
            let at = self.now.saturating_add(secs_to_nanos(notice));
            self.events.push(at, Event::SpotNotice { node, machine, launch, ended: true });
        }
    }

    /// Terminates machine `machine`: its work fails for `reason`, billing stops, balancers forget it.
    pub(crate) fn terminate_machine(&mut self, node: u32, machine: u32, reason: FailReason) {
        self.terminate_machines(node, &[machine], reason);
    }

    /// Terminates machines `machines` of `node` at once (see [`Self::terminate_machine`]).
    pub(crate) fn terminate_machines(&mut self, node: u32, machines: &[u32], reason: FailReason) {
        self.machines_down(node, machines, reason);
        let now = self.now;
        for &machine in machines {
            let s = self.instance(node);
            let m = &mut s.machines[machine as usize];
            if m.terminated {
                continue;
            }
            m.terminated = true;
            let (zone, launched_at) = (m.zone as usize, m.launched_at);
            s.vacant.push(std::cmp::Reverse(machine));
            let zones = s.per_zone.len().max(1);
            if let Some(n) = s.per_zone.get_mut(zone % zones) {
                *n = n.saturating_sub(1);
            }
            s.meter.terminated(launched_at, now);
            self.remove_machine_target(node, machine);
            self.task_stopped(node, machine);
        }
    }
}

/// Out of line, so that the accessors stay small enough to inline on the hot path.
#[cold]
#[inline(never)]
fn no_pool(node: u32) -> ! {
    unreachable!("node {node} has no machines")
}

/// Puts a worker slot back after a prefetched message turned out to be gone.
fn m_restore_slot(engine: &mut Engine, node: u32, machine: u32, slot: u32) {
    engine.instance(node).machines[machine as usize].free.push(slot);
}

impl NodeBehaviour for InstanceState {
    type Params = InstanceParams;

    fn new_state(engine: &mut Engine, _node: &crate::model::Node, p: &InstanceParams) -> Self {
        Self::new(p, &engine.catalog)
    }

    #[inline]
    fn pool(&self) -> Option<&InstanceState> {
        Some(self)
    }

    #[inline]
    fn pool_mut(&mut self) -> Option<&mut InstanceState> {
        Some(self)
    }

    fn usage_as(engine: &Engine, node: u32, option: &PurchaseOption) -> Option<NodeUsage> {
        let s = engine.state::<Self>(node);
        let option = match option {
            PurchaseOption::OnPremises { .. } => engine.catalog.on_premises_for(&s.instance_type),
            other => other.clone(),
        };
        engine.catalog.machine_per_hour(&s.instance_type, &option)?;
        Some(NodeUsage::Instances(s.usage_as(&option, engine.now)))
    }

    fn hourly_on_demand(engine: &Engine, node: u32) -> Vec<(f64, f64)> {
        engine.state::<Self>(node).meter.hourly_on_demand.hours_until(engine.now)
    }

    fn start(engine: &mut Engine, node: u32) {
        let (now, from) = (engine.now, engine.measure_from);
        let s = engine.instance(node);
        s.start(now, from);
        let machines: Vec<u32> = s.present_machines().collect();
        for m in machines {
            engine.schedule_spot_interruption(node, m);
        }
        engine.start_scaling(node);
    }

    fn arrive(engine: &mut Engine, node: u32, call: Key) {
        engine.instance_arrive(node, call);
    }

    fn pull(engine: &mut Engine, node: u32) {
        engine.instance_pull(node);
    }

    fn take_down(engine: &mut Engine, node: u32, machine: Option<u32>, reason: FailReason) {
        engine.instance_down(node, machine, reason);
    }

    fn bring_up(engine: &mut Engine, node: u32, machine: Option<u32>) {
        engine.instance_up(node, machine);
    }

    fn is_down(engine: &Engine, node: u32) -> bool {
        engine.pool(node).running() == 0
    }

    fn machines(engine: &Engine, node: u32) -> Option<Vec<(u32, u32)>> {
        let s = engine.pool(node);
        Some(s.present_machines().map(|m| (m, s.machines[m as usize].launch)).collect())
    }

    fn unit_up(engine: &Engine, node: u32, machine: u32) -> bool {
        engine.pool(node).machines.get(machine as usize).is_some_and(Machine::is_up)
    }

    fn in_outage(engine: &Engine, node: u32, scope: &Scope, zone: Option<u8>) -> bool {
        let s = engine.pool(node);
        match scope {
            Scope::Zone(z) => !s.on_premises && zone.is_none_or(|i| s.zones.get(i as usize) == Some(z)),
            Scope::Location(l) => s.on_premises == (*l == Location::OnPremises),
        }
    }

    fn retune(engine: &mut Engine, node: u32, kind: &NodeKind) {
        if let NodeKind::Instance(p) = kind {
            engine.retune_instance(node, p);
        }
    }

    fn remove(engine: &mut Engine, node: u32) {
        let machines: Vec<u32> = engine.instance(node).present_machines().collect();
        engine.terminate_machines(node, &machines, FailReason::Removed);
    }

    fn usage(engine: &Engine, node: u32) -> NodeUsage {
        engine.pool(node).usage(engine.now)
    }

    fn gauges(engine: &Engine, node: u32) -> Gauges {
        let (s, now) = (engine.pool(node), engine.now);
        let wanted = f64::from(s.desired());
        let (min, max) = s.scaling.as_ref().map_or((wanted, wanted), |g| (f64::from(g.min), f64::from(g.max)));
        Gauges {
            depth: s.backlog_now() as f64,
            busy_area: s.busy.total_area_until(now),
            capacity_area: s.capacity.total_area_until(now),
            running: f64::from(s.running()),
            warming: f64::from(s.warming()),
            desired: s.scaling.as_ref().map_or(wanted, |g| f64::from(g.desired)),
            min,
            max,
            oldest_age_secs: 0.0,
        }
    }

    fn live(engine: &Engine, node: u32, utilization: f64) -> LiveNode {
        let s = engine.pool(node);
        LiveNode {
            utilization,
            depth: s.backlog_now(),
            running: s.running(),
            capacity: s.desired(),
            down: s.running() == 0 && s.warming() == 0,
            warming: s.warming(),
            range: s.scaling.as_ref().map(|g| (g.min, g.max)),
            ..LiveNode::default()
        }
    }

    fn figures(engine: &Engine, node: u32, f: &mut NodeFigures) {
        let (s, now, from) = (engine.pool(node), engine.now, engine.measure_from);
        f.mean_wait_ms = mean_ms(s.wait_ns, s.waits);
        f.mean_backlog = s.backlog.mean(now, from);
        f.max_backlog = s.backlog.max();
        let capacity = s.capacity.area_until(now, from);
        f.utilization = if capacity > 0.0 { s.busy.area_until(now, from) / capacity } else { 0.0 };
        f.instance =
            Some(InstanceFigures { running: s.running(), desired: s.desired(), workers_per_instance: s.workers });
    }
}
