//! Clients: generate requests by an arrival process and a traffic pattern, wait for answers,
//! time out, and retry with exponential backoff.

use super::call::{Caller, NO_INSTANCE, Payload};
use super::events::Event;
use super::kinds::{Behaviour, NodeBehaviour};
use super::slab::Key;
use super::stats::Latencies;
use super::time::{ms_to_nanos, secs_to_nanos};
use super::{Engine, FailReason};
use crate::cost::NodeUsage;
use crate::model::NodeKind;
use crate::model::{Arrival, ClientParams, TrafficPattern};
use rand::Rng;
use rand::SeedableRng;
use rand_distr::{Distribution as _, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BTreeMap;

/// A client's running state and its end-to-end statistics.
#[derive(Debug)]
pub(crate) struct ClientState {
    pub params: ClientParams,
    peak_rate: f64,
    /// Mean gap at the peak rate, in ns (multiplying is much cheaper than dividing per arrival).
    peak_gap_ns: f64,
    next_link: usize,
    /// Bumped when the parameters change, so that the request scheduled before is dropped.
    pub epoch: u32,
    /// Cumulative weights of the message types, with their ids.
    type_cdf: Vec<(f64, u16)>,
    timeout_ns: Option<u64>,
    /// Counted for requests generated after warm-up.
    pub generated: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub failures: BTreeMap<FailReason, u64>,
    pub attempts: u64,
    pub latencies: Latencies,
    /// Bytes of answers received (data transfer out, for billing), warm-up included.
    pub bytes_out: u64,
    /// Every outcome, warm-up included, for the charts.
    pub succeeded_all: u64,
    pub failed_all: u64,
    /// Traffic surges in force: (fault, multiplier).
    pub surges: Vec<(u32, f64)>,
    /// Requests generated since the start.
    pub generated_all: u64,
    /// The client's own random stream for its arrivals and message types, seeded from the run's
    /// seed and the client's id: the same client sends the same traffic whatever is behind it, so
    /// two designs compared under one seed get identical requests.
    pub arrivals: Xoshiro256PlusPlus,
}

/// One logical request of a client (all its attempts).
#[derive(Debug)]
pub(crate) struct Request {
    client: u32,
    generated_at: u64,
    pub measured: bool,
    attempt: u32,
    /// The attempt's call, while one is outstanding.
    call: Option<Key>,
    payload: Payload,
}

/// The client's rate at `t_secs` under its pattern.
pub(crate) fn rate_at(p: &ClientParams, t_secs: f64) -> f64 {
    let base = p.rate_per_sec;
    match &p.pattern {
        TrafficPattern::Constant => base,
        TrafficPattern::Ramp { to_rate_per_sec, start_secs, ramp_secs } => {
            if t_secs <= *start_secs {
                base
            } else if *ramp_secs <= 0.0 || t_secs >= start_secs + ramp_secs {
                *to_rate_per_sec
            } else {
                base + (to_rate_per_sec - base) * (t_secs - start_secs) / ramp_secs
            }
        }
        TrafficPattern::Diurnal { amplitude, period_secs, peak_at_secs } => {
            let phase = std::f64::consts::TAU * (t_secs - peak_at_secs) / period_secs;
            base * amplitude.mul_add(phase.cos(), 1.0)
        }
        TrafficPattern::Spike { at_secs, duration_secs, multiplier } => {
            if t_secs >= *at_secs && t_secs < at_secs + duration_secs { base * multiplier } else { base }
        }
        TrafficPattern::Steps(steps) => {
            steps.iter().rev().find(|s| t_secs >= s.at_secs).map_or(base, |s| s.rate_per_sec)
        }
    }
}

impl ClientState {
    pub fn new(p: &ClientParams, message_types: &BTreeMap<String, u16>) -> Self {
        let mut client = Self {
            params: p.clone(),
            peak_rate: 0.0,
            peak_gap_ns: 0.0,
            next_link: 0,
            epoch: 0,
            type_cdf: Vec::new(),
            timeout_ns: None,
            generated: 0,
            succeeded: 0,
            failed: 0,
            failures: BTreeMap::new(),
            attempts: 0,
            latencies: Latencies::default(),
            bytes_out: 0,
            succeeded_all: 0,
            failed_all: 0,
            surges: Vec::new(),
            generated_all: 0,
            arrivals: Xoshiro256PlusPlus::seed_from_u64(0),
        };
        client.retune(p, message_types);
        client
    }

    /// Takes the parameters of `p`, keeping totals (the caller reschedules the next request).
    pub fn retune(&mut self, p: &ClientParams, message_types: &BTreeMap<String, u16>) {
        let mut total = 0.0;
        self.type_cdf = p
            .message_types
            .iter()
            .map(|t| {
                total += t.weight;
                (total, message_types[t.name.as_str()])
            })
            .collect();
        self.params = p.clone();
        self.timeout_ns = p.timeout_ms.map(ms_to_nanos);
        self.rescale();
    }

    /// Works out the peak rate that arrivals are drawn at (the pattern's, times the surges) and
    /// drops the request scheduled at the old one (the caller reschedules).
    fn rescale(&mut self) {
        self.peak_rate = self.params.peak_rate_per_sec() * self.surge();
        self.peak_gap_ns = 1e9 / self.peak_rate;
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// The product of the traffic surges in force (1 without any).
    pub fn surge(&self) -> f64 {
        self.surges.iter().map(|(_, m)| m).product()
    }

    /// Starts (`Some`) or ends (`None`) surge `fault`; the caller reschedules the next request.
    pub fn set_surge(&mut self, fault: u32, multiplier: Option<f64>) {
        self.surges.retain(|(f, _)| *f != fault);
        if let Some(m) = multiplier {
            self.surges.push((fault, m));
        }
        self.rescale();
    }
}

impl Engine {
    fn client(&mut self, node: u32) -> &mut ClientState {
        self.state_mut(node)
    }

    /// Schedules the client's next request, if one comes before the end.
    pub(crate) fn schedule_next_request(&mut self, node: u32) {
        let now = self.now;
        let end = self.end;
        let Behaviour::Client(c) = &mut self.nodes[node as usize].behaviour else { return };
        let (peak, peak_gap_ns, epoch) = (c.peak_rate, c.peak_gap_ns, c.epoch);
        if peak <= 0.0 {
            return;
        }
        let constant = matches!(c.params.pattern, TrafficPattern::Constant);
        let next = match c.params.arrival {
            Arrival::Poisson => {
                // Thinning (Lewis & Shedler): candidates at the peak rate, each kept with
                // probability rate(t) / peak. With a constant pattern every candidate is kept.
                let mut t = now;
                loop {
                    let gap: f64 = Exp1.sample(&mut c.arrivals);
                    // Non-negative: adding one half and truncating rounds.
                    t += ((gap * peak_gap_ns + 0.5) as u64).max(1);
                    if t > end {
                        return;
                    }
                    if constant {
                        break t;
                    }
                    let keep = rate_at(&c.params, t as f64 / 1e9) * c.surge() / peak;
                    if c.arrivals.random::<f64>() < keep {
                        break t;
                    }
                }
            }
            Arrival::EvenlySpaced => {
                // One gap of 1 / rate(now); while the rate is zero, look again every 100 ms.
                let mut t = now;
                loop {
                    let rate = rate_at(&c.params, t as f64 / 1e9) * c.surge();
                    if rate > 0.0 {
                        t += secs_to_nanos(1.0 / rate).max(1);
                        break;
                    }
                    t += 100_000_000;
                    if t > end {
                        return;
                    }
                }
                t
            }
        };
        if next <= end {
            self.events.push(next, Event::Generate { client: node, epoch });
        }
    }

    /// A client produces a request.
    pub(crate) fn generate(&mut self, node: u32, epoch: u32) {
        let now = self.now;
        let measured = self.measured(now);
        let Behaviour::Client(c) = &mut self.nodes[node as usize].behaviour else { return };
        if c.epoch != epoch {
            return;
        }
        let message_type = match c.type_cdf.last() {
            Some(&(total, _)) => {
                let draw: f64 = c.arrivals.random();
                c.type_cdf.iter().find(|(w, _)| draw * total < *w).map_or(0, |&(_, id)| id)
            }
            None => 0,
        };
        let (request_bytes, response_bytes) = (c.params.request_bytes, c.params.response_bytes);
        c.generated_all += 1;
        if measured {
            c.generated += 1;
        }
        let work = self.work_start();
        let payload = Payload { request_bytes, response_bytes, message_type, work, hops: 0 };
        let request = self.requests.insert(Request {
            client: node,
            generated_at: now,
            measured,
            attempt: 1,
            call: None,
            payload,
        });
        self.schedule_next_request(node);
        self.start_attempt(request);
    }

    fn start_attempt(&mut self, request: Key) {
        let Some(r) = self.requests.get(request) else { return };
        let (node, attempt, payload, measured) = (r.client, r.attempt, r.payload, r.measured);
        let links = self.links[node as usize].len();
        let c = self.client(node);
        if measured {
            c.attempts += 1;
        }
        let timeout = c.timeout_ns;
        // Round robin over the client's targets (no division on the common one-target path).
        let link = if c.next_link < links { c.next_link } else { 0 };
        c.next_link = link + 1;
        if let Some(t) = timeout {
            self.events.push(self.now + t, Event::AttemptTimeout { request, attempt });
        }
        // Validation guarantees every client has a target.
        let call = self.send(node, link, Caller::Client { request, attempt }, payload, NO_INSTANCE);
        // The answer may already be in (zero latency): only keep the call if still waiting.
        if let Some(r) = self.requests.get_mut(request)
            && r.attempt == attempt
            && self.calls.get(call).is_some()
        {
            r.call = Some(call);
        }
    }

    /// An attempt's answer came back.
    pub(crate) fn attempt_done(&mut self, request: Key, attempt: u32, failure: Option<FailReason>) {
        let Some(r) = self.requests.get_mut(request) else { return };
        if r.attempt != attempt {
            return;
        }
        r.call = None;
        match failure {
            None => {
                let Some(r) = self.requests.remove(request) else { return };
                let latency = self.now - r.generated_at;
                self.work_request_done(r.payload.work, r.measured, r.generated_at, true);
                self.metrics.interval_latencies.record(latency);
                let c = self.client(r.client);
                c.succeeded_all += 1;
                c.bytes_out += u64::from(r.payload.response_bytes);
                if r.measured {
                    c.succeeded += 1;
                    c.latencies.record(latency);
                }
            }
            Some(reason) => self.retry_or_fail(request, reason),
        }
    }

    /// The client stops waiting for an attempt.
    pub(crate) fn attempt_timeout(&mut self, request: Key, attempt: u32) {
        let Some(r) = self.requests.get_mut(request) else { return };
        if r.attempt != attempt {
            return;
        }
        let Some(call) = r.call.take() else { return };
        // The work goes on downstream, but nobody waits for its answer any more.
        if let Some(c) = self.calls.get_mut(call) {
            c.caller = Caller::Detached;
        }
        self.retry_or_fail(request, FailReason::Timeout);
    }

    fn retry_or_fail(&mut self, request: Key, reason: FailReason) {
        let Some(r) = self.requests.get(request) else { return };
        let (node, attempt) = (r.client, r.attempt);
        let p = &self.client(node).params;
        if attempt <= p.retries {
            let exponent = attempt.saturating_sub(1).min(62);
            let backoff_ms = (p.backoff_base_ms * 2f64.powf(f64::from(exponent))).min(p.backoff_max_ms);
            let jitter = p.jitter;
            let wait_ms = if jitter { self.rng.random::<f64>() * backoff_ms } else { backoff_ms };
            self.events.push(self.now + ms_to_nanos(wait_ms), Event::Retry { request });
        } else if let Some(r) = self.requests.remove(request) {
            self.work_request_done(r.payload.work, r.measured, r.generated_at, false);
            self.metrics.interval_fail_times.record(self.now - r.generated_at);
            let c = self.client(node);
            c.failed_all += 1;
            if r.measured {
                c.failed += 1;
                *c.failures.entry(reason).or_default() += 1;
            }
        }
    }

    /// The next attempt starts after its backoff.
    pub(crate) fn retry(&mut self, request: Key) {
        let Some(r) = self.requests.get_mut(request) else { return };
        r.attempt += 1;
        self.start_attempt(request);
    }

    /// Requests generated after warm-up, still without an outcome, whose work is not in the ledger.
    pub(crate) fn untracked_requests_in_flight(&self) -> u64 {
        self.requests.iter().filter(|(_, r)| r.measured && r.payload.work.is_none()).count() as u64
    }

    /// Requests of `node` (or of all clients) generated after warm-up and still without an outcome.
    pub(crate) fn requests_in_flight(&self, node: Option<u32>) -> u64 {
        self.requests.iter().filter(|(_, r)| r.measured && node.is_none_or(|n| r.client == n)).count() as u64
    }
}

impl NodeBehaviour for ClientState {
    type Params = ClientParams;

    fn new_state(engine: &mut Engine, node: &crate::model::Node, p: &ClientParams) -> Self {
        let mut c = Self::new(p, &engine.message_types);
        c.arrivals = Xoshiro256PlusPlus::seed_from_u64(super::client_stream_seed(engine.seed, &node.id.0));
        c
    }

    fn start(engine: &mut Engine, node: u32) {
        engine.schedule_next_request(node);
    }

    fn arrive(engine: &mut Engine, _node: u32, call: Key) {
        // Validation refuses edges into clients.
        engine.finish(call, None);
    }

    // Validation refuses faults on clients.
    fn take_down(_engine: &mut Engine, _node: u32, _machine: Option<u32>, _reason: FailReason) {}

    fn bring_up(_engine: &mut Engine, _node: u32, _machine: Option<u32>) {}

    fn retune(engine: &mut Engine, node: u32, kind: &NodeKind) {
        if let (Behaviour::Client(c), NodeKind::Client(p)) = (&mut engine.nodes[node as usize].behaviour, kind) {
            c.retune(p, &engine.message_types);
            engine.schedule_next_request(node);
        }
    }

    fn remove(engine: &mut Engine, node: u32) {
        let c = engine.client(node);
        c.epoch = c.epoch.wrapping_add(1);
    }

    fn usage(engine: &Engine, node: u32) -> NodeUsage {
        NodeUsage::Client { bytes_out: engine.state::<Self>(node).bytes_out }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RateStep;

    fn params(pattern: TrafficPattern) -> ClientParams {
        ClientParams { rate_per_sec: 100.0, pattern, ..ClientParams::default() }
    }

    #[test]
    fn patterns_give_the_documented_rates() {
        let ramp = params(TrafficPattern::Ramp { to_rate_per_sec: 300.0, start_secs: 10.0, ramp_secs: 20.0 });
        assert_eq!(rate_at(&ramp, 5.0), 100.0);
        assert_eq!(rate_at(&ramp, 20.0), 200.0);
        assert_eq!(rate_at(&ramp, 99.0), 300.0);
        let day = params(TrafficPattern::Diurnal { amplitude: 0.5, period_secs: 100.0, peak_at_secs: 25.0 });
        assert!((rate_at(&day, 25.0) - 150.0).abs() < 1e-9);
        assert!((rate_at(&day, 75.0) - 50.0).abs() < 1e-9);
        let spike = params(TrafficPattern::Spike { at_secs: 10.0, duration_secs: 5.0, multiplier: 4.0 });
        assert_eq!(rate_at(&spike, 12.0), 400.0);
        assert_eq!(rate_at(&spike, 15.0), 100.0);
        let steps = params(TrafficPattern::Steps(vec![
            RateStep { at_secs: 10.0, rate_per_sec: 50.0 },
            RateStep { at_secs: 20.0, rate_per_sec: 0.0 },
        ]));
        assert_eq!(rate_at(&steps, 0.0), 100.0);
        assert_eq!(rate_at(&steps, 10.0), 50.0);
        assert_eq!(rate_at(&steps, 25.0), 0.0);
        assert_eq!(steps.peak_rate_per_sec(), 100.0);
    }
}
