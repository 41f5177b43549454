//! Functions: up to `concurrency_limit` executions at once, each in an execution environment that
//! is reused while warm and costs a cold start when new. Synchronous calls beyond the limit are
//! throttled; asynchronous ones (topic deliveries) wait in the function's own queue; queue-driven
//! runs are only started when there is room, so their messages wait in the queue.

use super::call::{Caller, Phase};
use super::events::Event;
use super::faults::Scope;
use super::kinds::{Gauges, KindState, NodeBehaviour, mean_ms};
use super::sampler::Sampler;
use super::slab::Key;
use super::stats::TimeAverage;
use super::time::{ms_to_nanos, secs_to_nanos};
use super::{Engine, FailReason};
use super::{FunctionFigures, LiveNode, NodeFigures};
use crate::cost::NodeUsage;
use crate::cost::billing::function_gb_seconds;
use crate::model::{FunctionArchitecture, FunctionParams, Location, NodeKind};
use std::collections::VecDeque;

/// A function node's running state and totals.
#[derive(Debug)]
pub(crate) struct FunctionState {
    pub memory_mb: u32,
    pub architecture: FunctionArchitecture,
    sampler: Sampler,
    pub limit: u32,
    cold_start_ns: u64,
    idle_expiry_ns: u64,
    timeout_ns: u64,
    /// Executions running now.
    pub running: u32,
    /// When each idle environment was last released, oldest first.
    idle_since: VecDeque<u64>,
    /// Asynchronous invocations waiting for room.
    waiting: VecDeque<Key>,
    /// Executions over time.
    pub concurrency: TimeAverage,
    /// Totals for invocations arriving after warm-up.
    pub invocations: u64,
    pub throttled: u64,
    pub cold_starts: u64,
    pub timeouts: u64,
    pub wait_ns: f64,
    pub waits: u64,
    /// The concurrency limit over time (it can change during a run).
    pub limit_avg: TimeAverage,
    /// Billing, since the start.
    pub invocations_all: u64,
    /// GB-seconds on `x86_64` and on `arm64`.
    pub gb_seconds: [f64; 2],
}

impl FunctionState {
    /// A function reading no queue yet (edges add them).
    pub fn new(p: &FunctionParams) -> Self {
        Self {
            memory_mb: p.memory_mb,
            architecture: p.architecture,
            sampler: Sampler::new(&p.duration),
            limit: p.concurrency_limit,
            cold_start_ns: ms_to_nanos(p.cold_start_ms),
            idle_expiry_ns: secs_to_nanos(p.idle_expiry_secs),
            timeout_ns: secs_to_nanos(p.timeout_secs),
            running: 0,
            idle_since: VecDeque::new(),
            waiting: VecDeque::new(),
            concurrency: TimeAverage::default(),
            invocations: 0,
            throttled: 0,
            cold_starts: 0,
            timeouts: 0,
            wait_ns: 0.0,
            waits: 0,
            limit_avg: TimeAverage::default(),
            invocations_all: 0,
            gb_seconds: [0.0; 2],
        }
    }

    /// Takes the parameters of `p`, keeping executions, environments and totals.
    pub fn retune(&mut self, p: &FunctionParams, now: u64, from: u64) {
        self.limit_avg.add(now, from, f64::from(p.concurrency_limit) - f64::from(self.limit));
        self.memory_mb = p.memory_mb;
        self.architecture = p.architecture;
        self.sampler = Sampler::new(&p.duration);
        self.limit = p.concurrency_limit;
        self.cold_start_ns = ms_to_nanos(p.cold_start_ms);
        self.idle_expiry_ns = secs_to_nanos(p.idle_expiry_secs);
        self.timeout_ns = secs_to_nanos(p.timeout_secs);
    }

    /// Warm environments idle now.
    pub fn warm_idle(&self, now: u64) -> u64 {
        self.idle_since.iter().filter(|&&t| now.saturating_sub(t) <= self.idle_expiry_ns).count() as u64
    }
}

impl Engine {
    fn function(&mut self, node: u32) -> &mut FunctionState {
        self.state_mut(node)
    }

    /// An invocation reaches the function.
    pub(crate) fn function_arrive(&mut self, node: u32, key: Key) {
        if self.nodes[node as usize].down_count > 0 {
            self.finish(key, Some(FailReason::NodeDown));
            return;
        }
        let asynchronous = self.calls.get(key).is_some_and(|c| matches!(c.caller, Caller::Delivery(_)));
        let measured = self.measured(self.now);
        let f = self.function(node);
        if f.running < f.limit {
            self.function_start(node, key);
        } else if asynchronous {
            f.waiting.push_back(key);
        } else {
            if measured {
                f.throttled += 1;
            }
            self.finish(key, Some(FailReason::Throttled));
        }
    }

    fn function_start(&mut self, node: u32, key: Key) {
        let (now, from) = (self.now, self.measure_from);
        let slow = self.nodes[node as usize].slow_factor;
        let Some(call) = self.calls.get_mut(key) else { return };
        call.phase = Phase::Working;
        call.started_at = now;
        let (arrived_at, batch) = (call.arrived_at, call.batch);
        let Some(f) = FunctionState::of_mut(&mut self.nodes[node as usize].behaviour) else { return };
        f.running += 1;
        f.concurrency.add(now, from, 1.0);
        f.invocations_all += 1;
        // Environments idle past the expiry are gone; reuse the most recently used one left.
        while f.idle_since.front().is_some_and(|&t| now.saturating_sub(t) > f.idle_expiry_ns) {
            f.idle_since.pop_front();
        }
        let cold = f.idle_since.pop_back().is_none();
        let measured = arrived_at >= from;
        if measured {
            f.invocations += 1;
            f.wait_ns += (now - arrived_at) as f64;
            f.waits += 1;
            if cold {
                f.cold_starts += 1;
            }
        }
        let work: u64 = (0..batch).map(|_| f.sampler.draw(&mut self.rng)).sum();
        let work = super::sampler::slowed(work, slow);
        let run = work + if cold { f.cold_start_ns } else { 0 };
        let timeout = f.timeout_ns;
        let (done_at, timed_out) = if run > timeout { (now + timeout, true) } else { (now + run, false) };
        if let Some(call) = self.calls.get_mut(key) {
            call.timed_out = timed_out;
        }
        self.events.push(done_at, Event::FunctionDone { call: key });
    }

    /// An execution's own work is over: stop at the timeout, or go downstream.
    pub(crate) fn function_done(&mut self, key: Key) {
        let Some(call) = self.calls.get(key) else { return };
        if call.phase != Phase::Working {
            return;
        }
        let node = call.target;
        if call.timed_out {
            if call.arrived_at >= self.measure_from {
                self.function(node).timeouts += 1;
            }
            self.function_end(node, key, Some(FailReason::FunctionTimeout));
        } else {
            self.spawn_downstream(key);
        }
    }

    /// An execution ends (its downstream calls answered, or it failed): bill it, free its slot.
    pub(crate) fn function_end(&mut self, node: u32, key: Key, failure: Option<FailReason>) {
        let (now, from) = (self.now, self.measure_from);
        let Some(call) = self.calls.get(key) else { return };
        if call.phase == Phase::Waiting {
            self.finish(key, failure);
            return;
        }
        let started_at = call.started_at;
        let f = self.function(node);
        f.running -= 1;
        f.concurrency.add(now, from, -1.0);
        let arch = usize::from(f.architecture == FunctionArchitecture::Arm64);
        f.gb_seconds[arch] += function_gb_seconds(f.memory_mb, (now - started_at) as f64 / 1e6);
        f.idle_since.push_back(now);
        self.finish(key, failure);
        self.function_pull(node);
    }

    /// Starts waiting invocations, then polls the queues the function reads, while there is room.
    pub(crate) fn function_pull(&mut self, node: u32) {
        loop {
            if self.nodes[node as usize].down_count > 0 {
                return;
            }
            let f = self.function(node);
            if f.running >= f.limit {
                return;
            }
            if let Some(key) = f.waiting.pop_front() {
                self.function_start(node, key);
                continue;
            }
            let Some((receive, count)) = self.poll_sources(node) else { return };
            let payload = self.batch_payload(receive);
            let key = self.local_call(node, Caller::QueueBatch { receive }, payload, super::call::NO_INSTANCE, count);
            self.function_start(node, key);
        }
    }

    /// The whole function goes down: running executions and waiting invocations fail.
    pub(crate) fn function_down(&mut self, node: u32, reason: FailReason) {
        let waiting: Vec<Key> = self.function(node).waiting.drain(..).collect();
        for key in waiting {
            self.finish(key, Some(reason));
        }
        self.fail_calls_at(node, None, reason);
    }
}

impl NodeBehaviour for FunctionState {
    type Params = FunctionParams;

    fn new_state(_engine: &mut Engine, _node: &crate::model::Node, p: &FunctionParams) -> Self {
        Self::new(p)
    }

    fn start(engine: &mut Engine, node: u32) {
        let (now, from) = (engine.now, engine.measure_from);
        let f = engine.function(node);
        f.limit_avg.add(now, from, f64::from(f.limit));
    }

    fn arrive(engine: &mut Engine, node: u32, call: Key) {
        engine.function_arrive(node, call);
    }

    fn downstream_done(engine: &mut Engine, node: u32, call: Key, failure: Option<FailReason>) {
        engine.function_end(node, call, failure);
    }

    fn abort(engine: &mut Engine, node: u32, call: Key, reason: FailReason) {
        let running = engine.calls.get(call).is_some_and(|c| matches!(c.phase, Phase::Working | Phase::Downstream));
        if running {
            engine.function_end(node, call, Some(reason));
        } else {
            engine.finish(call, Some(reason));
        }
    }

    fn pull(engine: &mut Engine, node: u32) {
        engine.function_pull(node);
    }

    fn take_down(engine: &mut Engine, node: u32, _machine: Option<u32>, reason: FailReason) {
        engine.nodes[node as usize].down_count += 1;
        engine.function_down(node, reason);
    }

    fn bring_up(engine: &mut Engine, node: u32, _machine: Option<u32>) {
        let n = &mut engine.nodes[node as usize];
        n.down_count = n.down_count.saturating_sub(1);
        engine.function_pull(node);
    }

    // A regional service: a zone outage leaves it up, an outage of the cloud takes it down.
    fn in_outage(_engine: &Engine, _node: u32, scope: &Scope, _zone: Option<u8>) -> bool {
        matches!(scope, Scope::Location(Location::Cloud))
    }

    fn retune(engine: &mut Engine, node: u32, kind: &NodeKind) {
        if let NodeKind::Function(p) = kind {
            let (now, from) = (engine.now, engine.measure_from);
            engine.function(node).retune(p, now, from);
            engine.function_pull(node);
        }
    }

    fn remove(engine: &mut Engine, node: u32) {
        Self::take_down(engine, node, None, FailReason::Removed);
    }

    fn usage(engine: &Engine, node: u32) -> NodeUsage {
        let f = engine.state::<Self>(node);
        NodeUsage::Function {
            invocations: f.invocations_all,
            gb_seconds_x86: f.gb_seconds[0],
            gb_seconds_arm: f.gb_seconds[1],
        }
    }

    fn gauges(engine: &Engine, node: u32) -> Gauges {
        let (f, now) = (engine.state::<Self>(node), engine.now);
        Gauges {
            depth: f64::from(f.running),
            busy_area: f.concurrency.total_area_until(now),
            capacity_area: f.limit_avg.total_area_until(now),
            ..Gauges::default()
        }
    }

    fn live(engine: &Engine, node: u32, utilization: f64) -> LiveNode {
        let f = engine.state::<Self>(node);
        LiveNode {
            utilization,
            depth: u64::from(f.running),
            running: f.running,
            capacity: f.limit,
            down: Self::is_down(engine, node),
            ..LiveNode::default()
        }
    }

    fn figures(engine: &Engine, node: u32, f: &mut NodeFigures) {
        let (fs, now, from) = (engine.state::<Self>(node), engine.now, engine.measure_from);
        f.mean_wait_ms = mean_ms(fs.wait_ns, fs.waits);
        let capacity = fs.limit_avg.area_until(now, from);
        f.utilization = if capacity > 0.0 { fs.concurrency.area_until(now, from) / capacity } else { 0.0 };
        f.function = Some(FunctionFigures {
            invocations: fs.invocations,
            throttled: fs.throttled,
            cold_starts: fs.cold_starts,
            timeouts: fs.timeouts,
            concurrent_at_end: fs.running,
            warm_idle_at_end: fs.warm_idle(now),
        });
    }
}
