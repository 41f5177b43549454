//! Auto Scaling groups: an instance node whose machines follow demand between a minimum and a
//! maximum. Every evaluation period the group reads its metric — utilisation of the serving
//! machines, or queue backlog per serving machine — and sets the capacity that would bring it to
//! the target (target tracking: capacity × metric ÷ target, rounded up). It scales out at once
//! unless machines it launched are still warming up, and scales in only after the cooldown since
//! its last activity. New machines are billed from launch and serve after their warm-up. A machine
//! down for longer than the health check grace period is terminated and replaced. Scheduled
//! actions change min, max or desired at set times. Step scaling replaces target tracking with
//! fixed changes for ranges of the metric. Predictive scaling launches, ahead of time, what the
//! clients' traffic patterns will need `lead_secs` from now. Every change is an [`Activity`].

use super::client::ClientState;
use super::events::Event;
use super::instance::InstanceState;
use super::queue::QueueState;
use super::time::secs_to_nanos;
use super::{Behaviour, Engine, FailReason};
use crate::model::{AutoScaling, ScalingMetric};
use serde::Serialize;
use std::collections::VecDeque;

/// Activities kept (the oldest are dropped beyond this).
const ACTIVITY_LIMIT: usize = 1000;

/// One scaling activity, as AWS lists them: when, the group, the capacity before and after, why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// Simulated seconds.
    pub t_secs: f64,
    /// The node's id.
    pub node: String,
    /// Desired capacity before.
    pub from: u32,
    /// Desired capacity after.
    pub to: u32,
    /// Why.
    pub reason: String,
}

/// The running state of an Auto Scaling group.
#[derive(Debug)]
pub(crate) struct ScalingState {
    pub params: AutoScaling,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    /// Last change of desired capacity, and the last scale-out.
    last_activity: Option<u64>,
    last_out: Option<u64>,
    /// Busy and capacity areas at the last evaluation.
    last_areas: (f64, f64),
    /// The node's arrivals (since the start) at the last evaluation.
    last_arrivals: u64,
    /// The node's arrivals and its feeding clients' requests (since the start) at the last
    /// forecast.
    last_forecast: (u64, u64),
}

impl ScalingState {
    pub fn new(p: &AutoScaling) -> Self {
        let desired = p.desired.unwrap_or(p.min).clamp(p.min, p.max.max(p.min));
        Self {
            params: p.clone(),
            min: p.min,
            max: p.max.max(p.min),
            desired,
            last_activity: None,
            last_out: None,
            last_areas: (0.0, 0.0),
            last_arrivals: 0,
            last_forecast: (0, 0),
        }
    }

    /// Takes new parameters during a run; min and max from them, desired kept within.
    pub fn retune(&mut self, p: &AutoScaling) {
        self.params = p.clone();
        self.min = p.min;
        self.max = p.max.max(p.min);
        self.desired = self.desired.clamp(self.min, self.max);
    }
}

impl Engine {
    fn scaling(&mut self, node: u32) -> Option<&mut ScalingState> {
        self.nodes[node as usize].behaviour.pool_mut().and_then(|s| s.scaling.as_mut())
    }

    /// Starts a group's evaluations and scheduled actions.
    pub(crate) fn start_scaling(&mut self, node: u32) {
        let Some(g) = self.scaling(node) else { return };
        let every = secs_to_nanos(g.params.evaluation_secs).max(1);
        let scheduled: Vec<f64> = g.params.scheduled.iter().map(|a| a.at_secs).collect();
        let now = self.now;
        self.events.push(now + every, Event::ScaleCheck { node });
        for (i, at) in scheduled.into_iter().enumerate() {
            let at = secs_to_nanos(at);
            if at >= now {
                self.events.push(at, Event::ScheduledScaling { node, action: i as u32 });
            }
        }
    }

    /// Every evaluation period: replace machines down past their grace period, then scale: by
    /// step or target tracking on the metric, never below what predictive scaling forecasts.
    pub(crate) fn scale_check(&mut self, node: u32) {
        if self.nodes[node as usize].removed {
            return;
        }
        let now = self.now;
        let Some(g) = self.scaling(node) else { return };
        let params = g.params.clone();
        self.events.push(now + secs_to_nanos(params.evaluation_secs).max(1), Event::ScaleCheck { node });
        self.replace_unhealthy(node, &params);
        let value = params.metric.map(|m| (m, self.metric_value(node, m)));
        let forecast = params.predictive.as_ref().map(|p| self.forecast_need(node, p));
        let Some(g) = self.scaling(node) else { return };
        let (min, max, desired) = (g.min, g.max, g.desired);
        let (last_out, last_activity) = (g.last_out, g.last_activity);
        let describe = |m: ScalingMetric, v: f64| match m {
            ScalingMetric::Utilization => format!("utilisation {:.0} %", v * 100.0),
            ScalingMetric::BacklogPerInstance => format!("{v:.1} messages per instance"),
            ScalingMetric::RequestsPerTarget => format!("{v:.1} requests/s per target"),
        };
        // What the dynamic policy wants.
        let dynamic = match value {
            Some((m, v)) if !params.steps.is_empty() => {
                params.steps.iter().find(|s| v >= s.from && s.to.is_none_or(|to| v < to)).map(|s| {
                    let to = s.to.map_or_else(|| "∞".to_owned(), |t| format!("{t}"));
                    let wanted = (i64::from(desired) + i64::from(s.change)).clamp(0, i64::from(u32::MAX)) as u32;
                    (wanted, format!("step scaling: {} in [{}, {to}): {:+}", describe(m, v), s.from, s.change))
                })
            }
            Some((m, v)) => {
                let serving = self.nodes[node as usize].behaviour.pool().map_or(0, InstanceState::running);
                // Target tracking: the capacity that would bring the metric to the target.
                let base = f64::from(serving.max(1));
                let wanted = ((base * v / params.target.max(1e-9)) - 1e-9).ceil().max(0.0) as u32;
                let target = match m {
                    ScalingMetric::Utilization => format!("{:.0} %", params.target * 100.0),
                    ScalingMetric::BacklogPerInstance | ScalingMetric::RequestsPerTarget => {
                        format!("{:.1}", params.target)
                    }
                };
                Some((wanted, format!("target tracking: {}, target {target}", describe(m, v))))
            }
            None => None,
        };
        let (mut wanted, mut reason) = dynamic.unwrap_or((desired, String::new()));
        let mut predictive_out = false;
        if let Some((need, why)) = forecast
            && need > wanted
        {
            predictive_out = need > desired;
            wanted = need;
            reason = why;
        }
        let wanted = wanted.clamp(min, max);
        let warm = secs_to_nanos(params.warmup_secs);
        let cooldown = secs_to_nanos(params.cooldown_secs);
        // Scale out at once, unless machines of the last scale-out still warm up (a forecast's
        // launch is planned ahead and does not wait); scale in only after the cooldown.
        if wanted > desired && (predictive_out || last_out.is_none_or(|t| now >= t + warm)) {
            if let Some(g) = self.scaling(node) {
                g.last_out = Some(now);
            }
            self.set_desired(node, wanted, reason);
        } else if wanted < desired && last_activity.is_none_or(|t| now >= t + cooldown) {
            self.set_desired(node, wanted, reason);
        }
    }

    /// The metric's value over the last evaluation period.
    fn metric_value(&mut self, node: u32, metric: ScalingMetric) -> f64 {
        let now = self.now;
        let sources = self.nodes[node as usize].sources.queues.clone();
        let arrivals = self.nodes[node as usize].counters.arrivals_all;
        let period = self.scaling(node).map_or(1.0, |g| g.params.evaluation_secs.max(1e-9));
        let Some(s) = self.nodes[node as usize].behaviour.pool_mut() else { return 0.0 };
        let serving = s.running();
        let (busy, capacity) = (s.busy.total_area_until(now), s.capacity.total_area_until(now));
        let backlog = s.backlog_now();
        let Some(g) = s.scaling.as_mut() else { return 0.0 };
        let (last_busy, last_capacity) = std::mem::replace(&mut g.last_areas, (busy, capacity));
        match metric {
            ScalingMetric::Utilization => {
                let d = capacity - last_capacity;
                if d > 0.0 {
                    (busy - last_busy) / d
                } else if backlog > 0 {
                    1.0
                } else {
                    0.0
                }
            }
            ScalingMetric::RequestsPerTarget => {
                let before = std::mem::replace(&mut g.last_arrivals, arrivals);
                arrivals.saturating_sub(before) as f64 / period / f64::from(serving.max(1))
            }
            ScalingMetric::BacklogPerInstance => {
                let waiting: u64 =
                    sources.iter().map(|&q| self.state_if::<QueueState>(q).map_or(0, QueueState::visible)).sum();
                waiting as f64 / f64::from(serving.max(1))
            }
        }
    }

    /// The clients whose requests can reach `node` (along calls, deliveries and queues).
    fn feeders(&self, node: u32) -> Vec<u32> {
        let n = self.nodes.len();
        let next = |i: usize| -> Vec<u32> {
            let mut out: Vec<u32> = self.links[i].iter().map(|l| l.to).collect();
            if let Behaviour::Queue(q) = &self.nodes[i].behaviour {
                out.extend(&q.consumers);
            }
            out
        };
        (0..n as u32)
            .filter(|&c| {
                matches!(self.nodes[c as usize].behaviour, Behaviour::Client(_)) && !self.nodes[c as usize].removed
            })
            .filter(|&c| {
                let mut seen = vec![false; n];
                let mut stack = vec![c];
                while let Some(i) = stack.pop() {
                    if i == node {
                        return true;
                    }
                    if !std::mem::replace(&mut seen[i as usize], true) {
                        stack.extend(next(i as usize));
                    }
                }
                false
            })
            .collect()
    }

    /// The rate (requests a second) the clients in `clients` send at `t` nanoseconds, by their
    /// patterns and any surge in force now.
    fn planned_rate(&self, clients: &[u32], t: u64) -> f64 {
        clients
            .iter()
            .map(|&c| {
                self.state_if::<ClientState>(c)
                    .map_or(0.0, |s| super::client::rate_at(&s.params, t as f64 / 1e9) * s.surge())
            })
            .sum()
    }

    /// Predictive scaling: the machines needed `lead_secs` from now. The node's arrivals per
    /// client request are measured over the last evaluation period (a balancer may spread them,
    /// a topic copy them); the clients' patterns give the demand ahead.
    fn forecast_need(&mut self, node: u32, p: &crate::model::PredictiveScaling) -> (u32, String) {
        let now = self.now;
        let clients = self.feeders(node);
        let arrivals = self.nodes[node as usize].counters.arrivals_all;
        let slow = self.nodes[node as usize].slow_factor;
        let Some(s) = self.nodes[node as usize].behaviour.pool() else { return (0, String::new()) };
        let (workers, service_secs) = (f64::from(s.workers.max(1)), s.mean_service_ms / 1000.0 * slow);
        let Some(g) = s.scaling.as_ref() else { return (0, String::new()) };
        let (arrived_before, sent_before) = g.last_forecast;
        let sent: u64 = clients.iter().map(|&c| self.state_if::<ClientState>(c).map_or(0, |s| s.generated_all)).sum();
        // Arrivals at this node per client request over the last period (1 before any).
        let (new_sent, new_arrived) = (sent.saturating_sub(sent_before), arrivals.saturating_sub(arrived_before));
        let ratio = if new_sent > 0 && new_arrived > 0 { new_arrived as f64 / new_sent as f64 } else { 1.0 };
        let ahead = now.saturating_add(secs_to_nanos(p.lead_secs));
        let demand = ratio * self.planned_rate(&clients, ahead);
        let need = (demand * service_secs / (workers * p.utilization.max(1e-9)) - 1e-9).ceil().max(0.0) as u32;
        if let Some(s) = self.nodes[node as usize].behaviour.pool_mut()
            && let Some(g) = s.scaling.as_mut()
        {
            g.last_forecast = (arrivals, sent);
        }
        let at = ahead as f64 / 1e9;
        (need, format!("predictive scaling: {demand:.0} requests/s forecast at {at:.0} s need {need}"))
    }

    /// A scheduled action comes due.
    pub(crate) fn scheduled_scaling(&mut self, node: u32, action: u32) {
        if self.nodes[node as usize].removed {
            return;
        }
        let Some(g) = self.scaling(node) else { return };
        let Some(a) = g.params.scheduled.get(action as usize).cloned() else { return };
        if let Some(min) = a.min {
            g.min = min;
        }
        if let Some(max) = a.max {
            g.max = max.max(g.min);
        }
        let desired = a.desired.unwrap_or(g.desired).clamp(g.min, g.max);
        let (min, max) = (g.min, g.max);
        self.set_desired(node, desired, format!("scheduled action: min {min}, max {max}"));
    }

    /// Sets the desired capacity and launches or terminates machines to match.
    pub(crate) fn set_desired(&mut self, node: u32, desired: u32, reason: String) {
        let now = self.now;
        let Some(g) = self.scaling(node) else { return };
        let from = g.desired;
        g.desired = desired;
        if from != desired {
            g.last_activity = Some(now);
        }
        let warmup = secs_to_nanos(g.params.warmup_secs);
        self.match_capacity(node, desired, warmup);
        if from != desired {
            self.log_activity(node, from, desired, reason);
        }
    }

    /// Launches (with `warmup`) or terminates machines until `desired` are present.
    pub(crate) fn match_capacity(&mut self, node: u32, desired: u32, warmup: u64) {
        let Some(s) = self.nodes[node as usize].behaviour.pool() else { return };
        let present = s.desired();
        for _ in present..desired {
            self.launch_machine_warming(node, warmup);
        }
        if desired < present {
            let Some(s) = self.nodes[node as usize].behaviour.pool() else { return };
            // Down machines go first, then the newest.
            let (down, up): (Vec<u32>, Vec<u32>) = s.present_machines().partition(|&m| !s.machines[m as usize].is_up());
            let victims: Vec<u32> =
                down.into_iter().rev().chain(up.into_iter().rev()).take((present - desired) as usize).collect();
            self.terminate_machines(node, &victims, FailReason::Removed);
        }
    }

    /// Machines down past the grace period are terminated and replaced.
    fn replace_unhealthy(&mut self, node: u32, params: &AutoScaling) {
        let now = self.now;
        let grace = secs_to_nanos(params.health_check_grace_secs);
        let Some(s) = self.nodes[node as usize].behaviour.pool() else { return };
        let doomed: Vec<u32> = s
            .present_machines()
            .filter(|&m| s.machines[m as usize].down_since().is_some_and(|t| now >= t + grace))
            .collect();
        for m in doomed {
            let desired = self.scaling(node).map_or(0, |g| g.desired);
            self.terminate_machine(node, m, FailReason::Removed);
            self.launch_machine_warming(node, secs_to_nanos(params.warmup_secs));
            let unit = self.instance(node).unit;
            self.log_activity(node, desired, desired, format!("replacing unhealthy {unit} {m}"));
        }
    }

    pub(crate) fn log_activity(&mut self, node: u32, from: u32, to: u32, reason: String) {
        let activity = Activity {
            t_secs: self.now as f64 / 1e9,
            node: self.diagram.nodes[node as usize].id.0.clone(),
            from,
            to,
            reason,
        };
        if self.activities.len() == ACTIVITY_LIMIT {
            self.activities.pop_front();
        }
        self.activities.push_back(activity);
    }

    /// Scaling activities so far, oldest first (the last thousand).
    pub fn activities(&self) -> &VecDeque<Activity> {
        &self.activities
    }
}
