//! Topics: every publish is acknowledged at once and copied to each subscriber whose filter
//! accepts it. Queue and function subscribers take their copy as it comes; an instance subscriber
//! is an HTTP endpoint, and a failed delivery to it is retried after a delay, then counted failed.

use super::call::{Caller, NO_INSTANCE, Payload};
use super::events::Event;
use super::kinds::NodeBehaviour;
use super::slab::Key;
use super::time::secs_to_nanos;
use super::{Engine, FailReason};
use super::{NodeFigures, TopicFigures};
use crate::cost::NodeUsage;
use crate::cost::billing::chunked_requests;
use crate::model::NodeKind;
use crate::model::TopicParams;

/// One copy of a published message on its way to one subscriber.
#[derive(Debug)]
pub(crate) struct Delivery {
    topic: u32,
    /// The subscription's edge (links move when others are deleted; edges do not).
    edge: u32,
    /// The subscriber.
    to: u32,
    attempt: u32,
    payload: Payload,
    measured: bool,
}

/// A topic node's running state and totals.
#[derive(Debug)]
pub(crate) struct TopicState {
    pub retries: u32,
    pub retry_delay_ns: u64,
    /// Totals for publishes after warm-up.
    pub published: u64,
    pub deliveries: u64,
    pub delivered: u64,
    pub delivery_failures: u64,
    pub filtered_out: u64,
    /// Billing, since the start.
    pub billable_publishes: u64,
    pub http_deliveries: u64,
    /// Counted publishes refused because they had gone round a loop (see [`super::MAX_HOPS`]).
    pub loop_detected: u64,
}

impl TopicState {
    pub fn new(p: &TopicParams) -> Self {
        Self {
            retries: p.http_delivery_retries,
            retry_delay_ns: secs_to_nanos(p.http_retry_delay_secs),
            published: 0,
            deliveries: 0,
            delivered: 0,
            delivery_failures: 0,
            filtered_out: 0,
            billable_publishes: 0,
            http_deliveries: 0,
            loop_detected: 0,
        }
    }
}

impl Engine {
    fn topic(&mut self, node: u32) -> &mut TopicState {
        self.state_mut(node)
    }

    /// A publish reaches the topic: acknowledged, then fanned out.
    pub(crate) fn topic_arrive(&mut self, node: u32, key: Key) {
        let Some(call) = self.calls.get(key) else { return };
        let mut payload = call.payload;
        let measured = self.measured(self.now);
        let chunk = self.catalog.topic.chunk_bytes;
        let t = self.topic(node);
        t.billable_publishes += chunked_requests(payload.request_bytes, chunk);
        if payload.hops >= super::MAX_HOPS {
            // Round a loop once too often: acknowledged, not fanned out, its work lost.
            t.loop_detected += u64::from(measured);
            self.work_open(payload.work);
            self.work_close(payload.work, false);
            self.finish(key, None);
            return;
        }
        payload.hops += 1;
        if measured {
            t.published += 1;
        }
        // The publisher's answer may close its branch at once: hold the work open until every
        // copy has its own branch.
        self.work_open(payload.work);
        self.finish(key, None);
        for link in 0..self.links[node as usize].len() {
            let filter = &self.links[node as usize][link].filter;
            if !filter.is_empty() && !filter.contains(&payload.message_type) {
                if measured {
                    self.topic(node).filtered_out += 1;
                }
                continue;
            }
            if measured {
                self.topic(node).deliveries += 1;
            }
            let (edge, to) = (self.links[node as usize][link].edge, self.links[node as usize][link].to);
            let delivery = self.deliveries.insert(Delivery { topic: node, edge, to, attempt: 0, payload, measured });
            self.work_open(payload.work);
            self.deliver(delivery);
        }
        self.work_close(payload.work, true);
    }

    /// Sends (or sends again) one delivery.
    pub(crate) fn deliver(&mut self, delivery: Key) {
        let Some(d) = self.deliveries.get_mut(delivery) else { return };
        d.attempt += 1;
        let (topic, edge, payload) = (d.topic, d.edge, d.payload);
        let Some(link) = self.links[topic as usize].iter().position(|l| l.edge == edge) else {
            // The subscription was deleted: the copy is lost.
            self.delivery_done(delivery, Some(FailReason::Removed));
            return;
        };
        let to = self.links[topic as usize][link].to;
        if self.diagram.nodes[to as usize].kind.kind().is_http_endpoint() {
            self.topic(topic).http_deliveries += 1;
        }
        self.send(topic, link, Caller::Delivery(delivery), payload, NO_INSTANCE);
    }

    /// A delivery's outcome came back.
    pub(crate) fn delivery_done(&mut self, delivery: Key, failure: Option<FailReason>) {
        let Some(d) = self.deliveries.get(delivery) else { return };
        let (topic, to, attempt, measured) = (d.topic, d.to, d.attempt, d.measured);
        let http = self.diagram.nodes[to as usize].kind.kind().is_http_endpoint();
        let now = self.now;
        let t = self.topic(topic);
        match failure {
            None => {
                if measured {
                    t.delivered += 1;
                }
                if let Some(d) = self.deliveries.remove(delivery) {
                    self.work_close(d.payload.work, true);
                }
            }
            Some(reason) if http && reason != FailReason::Removed && attempt <= t.retries => {
                let at = now + t.retry_delay_ns;
                self.events.push(at, Event::Redeliver { delivery });
            }
            Some(_) => {
                if measured {
                    t.delivery_failures += 1;
                }
                if let Some(d) = self.deliveries.remove(delivery) {
                    self.work_close(d.payload.work, false);
                }
            }
        }
    }

    /// Deliveries of `node` published after warm-up and not yet delivered or failed.
    pub(crate) fn deliveries_pending(&self, node: u32) -> u64 {
        self.deliveries.iter().filter(|(_, d)| d.topic == node && d.measured).count() as u64
    }
}

impl NodeBehaviour for TopicState {
    type Params = TopicParams;

    fn new_state(engine: &mut Engine, _node: &crate::model::Node, p: &TopicParams) -> Self {
        engine.work.track = true;
        Self::new(p)
    }

    fn start(_engine: &mut Engine, _node: u32) {}

    fn arrive(engine: &mut Engine, node: u32, call: Key) {
        engine.topic_arrive(node, call);
    }

    // A managed service that this model keeps available.
    fn take_down(_engine: &mut Engine, _node: u32, _machine: Option<u32>, _reason: FailReason) {}

    fn bring_up(_engine: &mut Engine, _node: u32, _machine: Option<u32>) {}

    fn retune(engine: &mut Engine, node: u32, kind: &NodeKind) {
        if let NodeKind::Topic(p) = kind {
            let t = engine.topic(node);
            t.retries = p.http_delivery_retries;
            t.retry_delay_ns = secs_to_nanos(p.http_retry_delay_secs);
        }
    }

    // Copies on their way still arrive; nothing is published to it any more.
    fn remove(_engine: &mut Engine, _node: u32) {}

    fn usage(engine: &Engine, node: u32) -> NodeUsage {
        let t = engine.state::<Self>(node);
        NodeUsage::Topic { billable_publishes: t.billable_publishes, http_deliveries: t.http_deliveries }
    }

    fn figures(engine: &Engine, node: u32, f: &mut NodeFigures) {
        let t = engine.state::<Self>(node);
        f.topic = Some(TopicFigures {
            published: t.published,
            deliveries: t.deliveries,
            delivered: t.delivered,
            delivery_failures: t.delivery_failures,
            filtered_out: t.filtered_out,
            deliveries_pending: engine.deliveries_pending(node),
            loop_detected: t.loop_detected,
        });
    }
}
