//! Functions: up to `concurrency_limit` executions at once, each in an execution environment that
//! is reused while warm and costs a cold start when new. Synchronous calls beyond the limit are
//! throttled; asynchronous ones (topic deliveries) wait in the function's own queue; queue-driven
//! runs are only started when there is room, so their messages wait in the queue.

use super::call::{Caller, Phase};
use super::events::Event;
use super::queue::Sources;
use super::sampler::Sampler;
use super::slab::Key;
use super::stats::TimeAverage;
use super::time::{ms_to_nanos, secs_to_nanos};
use super::{Behaviour, Engine, FailReason};
use crate::cost::billing::function_gb_seconds;
use crate::model::{FunctionArchitecture, FunctionParams};
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
    /// Queues this function consumes from.
    pub sources: Sources,
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
            sources: Sources::default(),
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
        match &mut self.nodes[node as usize].behaviour {
            Behaviour::Function(f) => f,
            _ => unreachable!("node {node} is not a function"),
        }
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
        let Behaviour::Function(f) = &mut self.nodes[node as usize].behaviour else { return };
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
