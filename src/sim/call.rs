//! Calls: a piece of work travelling to a node, being handled there, and its answer travelling
//! back. Synchronous requests, message sends, topic deliveries and queue messages being processed
//! are all calls; what differs is who waits for the answer (the [`Caller`]).

use super::events::Event;
use super::kinds::for_kind;
use super::slab::Key;
use super::{Engine, FailReason};
use crate::model::{Diagram, NodeKind};

/// A node's outgoing edge, as the engine uses it.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    /// Target node index.
    pub to: u32,
    /// One-way latency.
    pub latency_ns: u64,
    /// Topic subscriptions: accepted message type ids; empty accepts all.
    pub filter: Vec<u16>,
    /// Index of the edge in the diagram (for per-edge traffic counts).
    pub edge: u32,
    /// The target is a queue (whose sends can be taken at once: see [`Engine::send`]).
    pub to_queue: bool,
}

/// What a request carries through the system.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Payload {
    pub request_bytes: u32,
    pub response_bytes: u32,
    /// Message type id (0: untyped).
    pub message_type: u16,
    /// The client request's end-to-end work this belongs to (`None`: nobody follows it).
    pub work: Option<Key>,
    /// Queues and topics it has passed through (see [`super::MAX_HOPS`]).
    pub hops: u8,
}

/// Who waits for a call's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A client's attempt.
    Client { request: Key, attempt: u32 },
    /// Another call, waiting for all its downstream calls.
    Call(Key),
    /// An instance consumer processing message `index` of a receive.
    QueueMessage { receive: Key, index: u32 },
    /// A function consumer processing a whole receive as one batch.
    QueueBatch { receive: Key },
    /// A topic delivering a copy to a subscriber.
    Delivery(Key),
    /// Nobody any more: the caller gave up waiting.
    Detached,
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// On its way to the target.
    Travelling,
    /// Waiting at the target (instance backlog, function async queue).
    Waiting,
    /// Being worked on.
    Working,
    /// Waiting for its own downstream calls.
    Downstream,
    /// Finished; the answer is on its way back.
    Done,
}

/// No instance chosen (or not an instance node).
pub(crate) const NO_INSTANCE: u32 = u32::MAX;

/// One call in flight.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub target: u32,
    pub caller: Caller,
    /// Instance nodes: which instance; balancers: which target.
    pub instance: u32,
    pub arrived_at: u64,
    pub started_at: u64,
    /// Latency of the way back to the caller.
    pub back_ns: u64,
    pub pending: u32,
    pub failure: Option<FailReason>,
    pub phase: Phase,
    pub payload: Payload,
    /// Functions: messages in the batch (1 for a plain invocation).
    pub batch: u32,
    /// Functions: the run was cut off by the function timeout.
    pub timed_out: bool,
    /// The edge it travelled along (`NO_EDGE` for work a consumer took from a queue).
    pub edge: u32,
}

/// No edge: the call started at its own node.
pub(crate) const NO_EDGE: u32 = u32::MAX;

/// The message type names used in the diagram, sorted, each once.
pub(crate) fn message_type_names(diagram: &Diagram) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for node in &diagram.nodes {
        if let NodeKind::Client(p) = &node.kind {
            names.extend(p.message_types.iter().map(|t| t.name.as_str()));
        }
    }
    names.extend(diagram.edges.iter().flat_map(|e| e.filter.iter().map(String::as_str)));
    names.sort_unstable();
    names.dedup();
    names
}

impl Engine {
    /// Starts a call from node `from` along its link `link` (index into its links).
    /// Returns the call's key ([`Key::NONE`] when it was answered at once without being stored).
    pub(crate) fn send(&mut self, from: u32, link: usize, caller: Caller, payload: Payload, instance: u32) -> Key {
        let Link { to, latency_ns, edge, to_queue, .. } = self.links[from as usize][link];
        self.edge_sent[edge as usize] += 1;
        if to_queue && latency_ns == 0 && self.queue_takes_at_once(to, &payload) {
            // The hot path of a send to a queue: stored and acknowledged in the same instant, so
            // no call is kept for it (the queue's counters see an arrival finished at once).
            self.count_passed(to);
            self.queue_store(to, payload);
            self.answer(caller, None, edge);
            self.dispatch_queue(to);
            return Key::NONE;
        }
        let key = self.calls.insert(Call {
            target: to,
            caller,
            instance,
            arrived_at: 0,
            started_at: 0,
            back_ns: latency_ns,
            pending: 0,
            failure: None,
            phase: Phase::Travelling,
            payload,
            batch: 1,
            timed_out: false,
            edge,
        });
        if latency_ns == 0 {
            self.arrive(key);
        } else {
            self.events.push(self.now + latency_ns, Event::Arrive { call: key });
        }
        key
    }

    /// Creates a call that starts at `node` itself (a consumer taking messages from a queue).
    pub(crate) fn local_call(&mut self, node: u32, caller: Caller, payload: Payload, instance: u32, batch: u32) -> Key {
        let key = self.calls.insert(Call {
            target: node,
            caller,
            instance,
            arrived_at: self.now,
            started_at: 0,
            back_ns: 0,
            pending: 0,
            failure: None,
            phase: Phase::Waiting,
            payload,
            batch,
            timed_out: false,
            edge: NO_EDGE,
        });
        self.count_arrival(node);
        key
    }

    /// A call that arrived at `node` at `arrived_at` finishes there now: it leaves the node, and
    /// one that arrived after warm-up counts as completed or failed, with its time there.
    fn count_finished(&mut self, node: u32, arrived_at: u64, failure: Option<FailReason>) {
        let (now, from) = (self.now, self.measure_from);
        let c = &mut self.nodes[node as usize].counters;
        c.in_node.add(now, from, -1.0);
        if arrived_at >= from {
            if failure.is_some() {
                c.failed += 1;
            } else {
                c.completed += 1;
            }
            c.sojourn_ns += (now - arrived_at) as f64;
        }
    }

    /// A call that arrives at `node` and finishes there in the same instant (a send a queue takes
    /// at once): an arrival and a completion with no time in the node — what `count_arrival` then
    /// `count_finished` would count, without moving the level of calls in the node up and down.
    fn count_passed(&mut self, node: u32) {
        let now = self.now;
        let c = &mut self.nodes[node as usize].counters;
        c.arrivals_all += 1;
        if now >= self.measure_from {
            c.arrivals += 1;
            c.completed += 1;
        }
    }

    fn count_arrival(&mut self, node: u32) {
        let (now, from) = (self.now, self.measure_from);
        let c = &mut self.nodes[node as usize].counters;
        c.arrivals_all += 1;
        if now >= from {
            c.arrivals += 1;
        }
        c.in_node.add(now, from, 1.0);
    }

    /// A call reaches its target.
    pub(crate) fn arrive(&mut self, key: Key) {
        let Some(call) = self.calls.get_mut(key) else { return };
        call.arrived_at = self.now;
        call.phase = Phase::Waiting;
        let target = call.target;
        self.count_arrival(target);
        if self.nodes[target as usize].removed {
            self.finish(key, Some(FailReason::Removed));
            return;
        }
        for_kind!(self, target, arrive(self, target, key));
    }

    /// The target is done with a call (`failure` says how); the answer starts back.
    pub(crate) fn finish(&mut self, key: Key, failure: Option<FailReason>) {
        let now = self.now;
        let Some(call) = self.calls.get_mut(key) else { return };
        if call.phase == Phase::Done {
            return;
        }
        call.phase = Phase::Done;
        call.failure = failure;
        let (target, arrived_at, back_ns) = (call.target, call.arrived_at, call.back_ns);
        self.count_finished(target, arrived_at, failure);
        if back_ns == 0 {
            self.respond(key);
        } else {
            self.events.push(now + back_ns, Event::Respond { call: key });
        }
    }

    /// A finished call's answer reaches its caller.
    pub(crate) fn respond(&mut self, key: Key) {
        let Some(call) = self.calls.remove(key) else { return };
        self.answer(call.caller, call.failure, call.edge);
    }

    /// An answer (`failure` says how it went) reaches `caller`, back along `edge`.
    fn answer(&mut self, caller: Caller, failure: Option<FailReason>, edge: u32) {
        if failure.is_some() && edge != NO_EDGE {
            self.edge_failed[edge as usize] += 1;
        }
        match caller {
            Caller::Client { request, attempt } => self.attempt_done(request, attempt, failure),
            Caller::Call(parent) => self.child_done(parent, failure),
            Caller::QueueMessage { receive, index } => self.message_done(receive, index, failure.is_none()),
            Caller::QueueBatch { receive } => self.batch_done(receive, failure.is_none()),
            Caller::Delivery(delivery) => self.delivery_done(delivery, failure),
            Caller::Detached => {}
        }
    }

    /// Sends a call along every link of the call's node, then waits for all answers.
    pub(crate) fn spawn_downstream(&mut self, key: Key) {
        let Some(call) = self.calls.get_mut(key) else { return };
        let node = call.target;
        let count = self.links[node as usize].len();
        call.phase = Phase::Downstream;
        call.pending = count as u32;
        let payload = call.payload;
        if count == 0 {
            self.downstream_complete(key);
            return;
        }
        // After the last send the parent may already be finished (an answer can come back at
        // once), so nothing touches it after the loop.
        for link in 0..count {
            self.send(node, link, Caller::Call(key), payload, super::call::NO_INSTANCE);
        }
    }

    /// One downstream answer reached its parent.
    fn child_done(&mut self, parent: Key, failure: Option<FailReason>) {
        let Some(call) = self.calls.get_mut(parent) else { return };
        if call.phase != Phase::Downstream {
            return;
        }
        if call.failure.is_none() {
            call.failure = failure;
        }
        call.pending -= 1;
        if call.pending == 0 {
            self.downstream_complete(parent);
        }
    }

    /// All downstream answers are in: the node finishes the call.
    fn downstream_complete(&mut self, key: Key) {
        let Some(call) = self.calls.get(key) else { return };
        let (node, failure) = (call.target, call.failure);
        for_kind!(self, node, downstream_done(self, node, key, failure));
    }

    /// Fails every call being handled at `node` (at instance `instance`, if given), as when the node
    /// crashes. Calls still travelling there will find it down when they arrive.
    pub(crate) fn fail_calls_at(&mut self, node: u32, instance: Option<u32>, reason: FailReason) {
        self.fail_calls_where(node, reason, |i| instance.is_none_or(|m| m == i));
    }

    /// Fails every call being handled at `node` by a machine that `machine` accepts.
    pub(crate) fn fail_calls_where(&mut self, node: u32, reason: FailReason, machine: impl Fn(u32) -> bool) {
        let doomed: Vec<Key> = self
            .calls
            .iter()
            .filter(|(_, c)| {
                c.target == node
                    && matches!(c.phase, Phase::Waiting | Phase::Working | Phase::Downstream)
                    && machine(c.instance)
            })
            .map(|(k, _)| k)
            .collect();
        for key in doomed {
            self.end_call_at_node(node, key, reason);
        }
    }

    fn end_call_at_node(&mut self, node: u32, key: Key, reason: FailReason) {
        for_kind!(self, node, abort(self, node, key, reason));
    }
}
