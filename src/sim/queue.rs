//! Queues: messages wait until a consumer receives them; a received message is hidden for the
//! visibility timeout and deleted when processed; one not deleted in time comes back (at-least-once
//! delivery); after `max_receives` receives it goes to the dead-letter queue; one older than the
//! retention period expires.

use super::call::Payload;
use super::events::Event;
use super::kinds::{Behaviour, Gauges, NodeBehaviour, for_kind, mean_ms};
use super::slab::{Key, Slab};
use super::stats::TimeAverage;
use super::time::secs_to_nanos;
use super::{Engine, FailReason};
use super::{LiveNode, NodeFigures};
use crate::cost::NodeUsage;
use crate::cost::billing::chunked_requests;
use crate::model::{NodeKind, QueueParams, QueueType};
use smallvec::SmallVec;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// The queues a consumer reads, and which it polls first next time.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    pub queues: Vec<u32>,
    pub next: usize,
}

/// One message in a queue (visible or received).
#[derive(Debug)]
pub(crate) struct Message {
    queue: u32,
    /// When it entered the queue; retention counts from here.
    enqueued_at: u64,
    group: u32,
    receive_count: u32,
    receive_seq: u32,
    in_flight: bool,
    /// Entered its queue after warm-up: counted in that queue's totals.
    measured: bool,
    payload: Payload,
}

/// One receive call: the messages it took, and how many are still being processed.
#[derive(Debug)]
pub(crate) struct Receive {
    queue: u32,
    /// The messages taken, with their receive numbers (a batch is at most 10, held inline).
    messages: SmallVec<[(Key, u32); 10]>,
    remaining: u32,
    deleted: u32,
}

/// A queue node's running state and totals.
#[derive(Debug)]
pub(crate) struct QueueState {
    pub fifo: bool,
    visibility_ns: u64,
    retention_ns: u64,
    max_receives: Option<u32>,
    pub batch_size: u32,
    /// Visible messages, one FIFO per message group (a standard queue has one). A message that
    /// expired may leave its key behind (it finds nothing): `visible` counts the real ones.
    groups: Vec<VecDeque<Key>>,
    /// Visible messages now.
    visible: u64,
    /// Messages in the order they were sent, so the oldest first: what expiry looks at. Entries
    /// of messages since received or gone are dropped as they reach the front.
    arrivals: VecDeque<Key>,
    /// Messages visible again after a receive (older than those in `arrivals` behind them),
    /// oldest first.
    returned: BinaryHeap<Reverse<(u64, Key)>>,
    /// Received messages by the end of their visibility timeout, earliest first: (deadline, key,
    /// receive number). Entries of messages deleted since stay until their deadline and then find
    /// nothing; with one timeout per queue, deadlines arrive in order (a retune that shortens it
    /// inserts in place).
    deadlines: VecDeque<(u64, Key, u32)>,
    /// When the pending [`Event::VisibilityCheck`] of this queue is due, if one is.
    check_at: Option<u64>,
    /// FIFO: messages of each group being processed (the group waits while any are).
    group_in_flight: Vec<u32>,
    next_group: usize,
    sent_seq: u64,
    pub consumers: Vec<u32>,
    next_consumer: usize,
    pub dead_letter: Option<u32>,
    /// Visible messages over time.
    pub depth: TimeAverage,
    pub in_flight: u64,
    /// Totals over messages that entered after warm-up.
    pub sent: u64,
    pub received: u64,
    pub deleted: u64,
    pub expired: u64,
    pub dead_lettered: u64,
    /// Time counted messages waited before their first receive, summed, and how many.
    pub wait_ns: f64,
    pub waits: u64,
    /// Processed after their visibility timeout had already returned them: done twice.
    pub duplicates: u64,
    /// Billable requests since the start (send, receive, delete; chunked by size).
    pub billable_requests: u64,
    /// Counted messages lost because the queue was deleted while they were in it.
    pub removed: u64,
    /// When the oldest visible message entered the queue, as of the last sweep (each chart
    /// sample); `None` when none was visible.
    pub oldest_visible_at: Option<u64>,
    /// Messages looked at by expiry sweeps so far (what the sweeps cost).
    pub expiry_checks: u64,
    /// Counted messages refused because they had gone round a loop (see [`super::MAX_HOPS`]).
    pub loop_detected: u64,
}

impl QueueState {
    /// A queue with no consumer or dead-letter queue yet (edges add them).
    pub fn new(p: &QueueParams) -> Self {
        let fifo = p.queue_type == QueueType::Fifo;
        let groups = if fifo { p.message_groups.max(1) as usize } else { 1 };
        let mut q = Self {
            fifo,
            visibility_ns: 0,
            retention_ns: 0,
            max_receives: None,
            batch_size: 1,
            groups: vec![VecDeque::new(); groups],
            visible: 0,
            arrivals: VecDeque::new(),
            returned: BinaryHeap::new(),
            deadlines: VecDeque::new(),
            check_at: None,
            group_in_flight: vec![0; groups],
            next_group: 0,
            sent_seq: 0,
            consumers: Vec::new(),
            next_consumer: 0,
            dead_letter: None,
            depth: TimeAverage::default(),
            in_flight: 0,
            sent: 0,
            received: 0,
            deleted: 0,
            expired: 0,
            dead_lettered: 0,
            wait_ns: 0.0,
            waits: 0,
            duplicates: 0,
            billable_requests: 0,
            removed: 0,
            oldest_visible_at: None,
            expiry_checks: 0,
            loop_detected: 0,
        };
        q.retune(p);
        q
    }

    /// Takes the parameters of `p` that can change while messages are held (not the type or
    /// the number of FIFO groups).
    pub fn retune(&mut self, p: &QueueParams) {
        self.visibility_ns = secs_to_nanos(p.visibility_timeout_secs);
        self.retention_ns = secs_to_nanos(p.retention_secs);
        self.max_receives = p.max_receives;
        self.batch_size = p.batch_size.max(1);
    }

    /// Visible messages now.
    pub fn visible(&self) -> u64 {
        self.visible
    }

    /// The oldest entry of an expiry list, `key`: a visible message young enough stays, and its
    /// send time is returned; otherwise the entry is done with (the message was received since, or
    /// is gone, or it expires now — counted, its work put in `works` to be closed) and `None`.
    fn settle_oldest(
        &mut self,
        key: Key,
        messages: &mut Slab<Message>,
        now: u64,
        works: &mut Vec<Option<Key>>,
    ) -> Option<u64> {
        self.expiry_checks += 1;
        let m = messages.get(key)?;
        if m.in_flight {
            return None;
        }
        if now.saturating_sub(m.enqueued_at) <= self.retention_ns {
            return Some(m.enqueued_at);
        }
        let m = messages.remove(key)?;
        self.expired += u64::from(m.measured);
        self.visible -= 1;
        works.push(m.payload.work);
        // Its key is likely at the head of its group: clear what is gone there.
        let group = &mut self.groups[m.group as usize];
        while group.front().is_some_and(|k| messages.get(*k).is_none()) {
            group.pop_front();
        }
        None
    }
}

impl Engine {
    fn queue(&mut self, node: u32) -> &mut QueueState {
        self.state_mut(node)
    }

    /// A send reaches the queue: the message is stored and the sender gets its acknowledgement.
    pub(crate) fn queue_arrive(&mut self, node: u32, key: Key) {
        let Some(call) = self.calls.get(key) else { return };
        let payload = call.payload;
        if payload.hops >= super::MAX_HOPS {
            // Round a loop once too often: acknowledged, then dead-lettered (or dropped) and its
            // work lost, so that a loop cannot fill the memory.
            let measured = self.measured(self.now);
            let chunk = self.catalog.queue.chunk_bytes;
            let q = self.queue(node);
            q.billable_requests += chunked_requests(payload.request_bytes, chunk);
            q.loop_detected += u64::from(measured);
            let dlq = q.dead_letter;
            self.work_open(payload.work);
            self.work_close(payload.work, false);
            self.finish(key, None);
            if let Some(dlq) = dlq {
                self.count_edge(node, dlq, 1);
                self.enqueue(dlq, Payload { work: None, ..payload });
                self.dispatch_queue(dlq);
            }
            return;
        }
        self.queue_store(node, payload);
        self.finish(key, None);
        self.dispatch_queue(node);
    }

    /// Whether a send to `node` arriving now is simply stored (see [`Self::queue_store`]): the
    /// node is a queue still in the diagram and the message has not gone round a loop.
    pub(crate) fn queue_takes_at_once(&self, node: u32, payload: &Payload) -> bool {
        let n = &self.nodes[node as usize];
        matches!(n.behaviour, Behaviour::Queue(_)) && !n.removed && payload.hops < super::MAX_HOPS
    }

    /// Stores (and bills) a message sent to the queue `node` now: for [`Self::queue_arrive`], and
    /// for a send that [`Self::queue_takes_at_once`] accepts without a call.
    pub(crate) fn queue_store(&mut self, node: u32, payload: Payload) {
        let chunk = self.catalog.queue.chunk_bytes;
        self.queue(node).billable_requests += chunked_requests(payload.request_bytes, chunk);
        self.enqueue(node, payload);
    }

    fn enqueue(&mut self, node: u32, mut payload: Payload) {
        let (now, from) = (self.now, self.measure_from);
        let measured = now >= from;
        payload.hops = payload.hops.saturating_add(1);
        self.work_open(payload.work);
        let q = self.queue(node);
        let group = (q.sent_seq % q.groups.len() as u64) as u32;
        q.sent_seq += 1;
        let key = self.messages.insert(Message {
            queue: node,
            enqueued_at: now,
            group,
            receive_count: 0,
            receive_seq: 0,
            in_flight: false,
            measured,
            payload,
        });
        let q = self.queue(node);
        q.groups[group as usize].push_back(key);
        q.arrivals.push_back(key);
        q.visible += 1;
        q.depth.add(now, from, 1.0);
        if measured {
            q.sent += 1;
        }
    }

    /// A message of `node` past its retention period is dropped; its work is lost.
    fn expire(&mut self, node: u32, key: Key) {
        let Some(m) = self.messages.remove(key) else { return };
        self.queue(node).expired += u64::from(m.measured);
        self.work_close(m.payload.work, false);
    }

    /// Lets the consumers take what they can.
    pub(crate) fn dispatch_queue(&mut self, node: u32) {
        let q = self.queue(node);
        if q.visible() == 0 || q.consumers.is_empty() {
            return;
        }
        let n = q.consumers.len();
        let start = q.next_consumer;
        q.next_consumer = (start + 1) % n;
        for k in 0..n {
            let consumer = self.queue(node).consumers[(start + k) % n];
            for_kind!(self, consumer, pull(self, consumer));
            if self.queue(node).visible() == 0 {
                break;
            }
        }
    }

    /// A consumer receives up to `max` messages; `None` when none is available.
    pub(crate) fn receive(&mut self, node: u32, max: u32) -> Option<(Key, u32)> {
        let (now, from) = (self.now, self.measure_from);
        let mut taken: SmallVec<[(Key, u32); 10]> = SmallVec::new();
        loop {
            let q = self.queue(node);
            if taken.len() >= max as usize {
                break;
            }
            // Standard: the one group. FIFO: the first group in turn with nothing in flight; a
            // batch stays within that group so its order holds.
            let group = if q.fifo {
                let n = q.groups.len();
                let fixed = taken.first().map(|&(k, _)| k);
                if let Some(first) = fixed {
                    self.messages.get(first).map_or(0, |m| m.group as usize)
                } else {
                    let found = (0..n)
                        .map(|k| (q.next_group + k) % n)
                        .find(|&g| q.group_in_flight[g] == 0 && !q.groups[g].is_empty());
                    let Some(g) = found else { break };
                    q.next_group = (g + 1) % n;
                    g
                }
            } else {
                0
            };
            let q = self.queue(node);
            let Some(key) = q.groups[group].pop_front() else { break };
            let (retention, visibility) = (q.retention_ns, q.visibility_ns);
            // The key of a message that expired meanwhile finds nothing: it was counted then.
            let Some(m) = self.messages.get_mut(key) else { continue };
            let Behaviour::Queue(q) = &mut self.nodes[node as usize].behaviour else {
                unreachable!("node {node} is not a queue")
            };
            q.visible -= 1;
            q.depth.add(now, from, -1.0);
            if now.saturating_sub(m.enqueued_at) > retention {
                self.expire(node, key);
                continue;
            }
            m.in_flight = true;
            let first_wait = (m.receive_count == 0 && m.measured).then(|| (now - m.enqueued_at) as f64);
            m.receive_count += 1;
            m.receive_seq = m.receive_seq.wrapping_add(1);
            let (seq, measured, group) = (m.receive_seq, m.measured, m.group);
            let q = self.queue(node);
            let deadline = now + visibility;
            if q.deadlines.back().is_none_or(|d| d.0 <= deadline) {
                q.deadlines.push_back((deadline, key, seq));
            } else {
                let at = q.deadlines.partition_point(|d| d.0 <= deadline);
                q.deadlines.insert(at, (deadline, key, seq));
            }
            if q.check_at.is_none_or(|t| t > deadline) {
                q.check_at = Some(deadline);
                self.events.push(deadline, Event::VisibilityCheck { queue: node });
            }
            let q = self.queue(node);
            q.in_flight += 1;
            q.group_in_flight[group as usize] += 1;
            if measured {
                q.received += 1;
            }
            if let Some(wait) = first_wait {
                q.wait_ns += wait;
                q.waits += 1;
            }
            taken.push((key, seq));
        }
        if taken.is_empty() {
            return None;
        }
        // One receive call, billed by each started 64 KB of what it returns.
        let bytes: u64 =
            taken.iter().filter_map(|(k, _)| self.messages.get(*k)).map(|m| u64::from(m.payload.request_bytes)).sum();
        let chunk = u64::from(self.catalog.queue.chunk_bytes.max(1));
        self.queue(node).billable_requests += bytes.div_ceil(chunk).max(1);
        let count = taken.len() as u32;
        let receive = self.receives.insert(Receive { queue: node, messages: taken, remaining: count, deleted: 0 });
        Some((receive, count))
    }

    /// A consumer polls the queues it reads, in turn from where it left off, until one hands it
    /// messages; returns that receive and how many messages it holds.
    pub(crate) fn poll_sources(&mut self, consumer: u32) -> Option<(Key, u32)> {
        let sources = &self.nodes[consumer as usize].sources;
        let (n, start) = (sources.queues.len(), sources.next);
        for k in 0..n {
            let queue = self.nodes[consumer as usize].sources.queues[(start + k) % n];
            let q = self.queue(queue);
            if q.visible == 0 {
                continue;
            }
            let batch = q.batch_size;
            if let Some(got) = self.receive(queue, batch) {
                self.nodes[consumer as usize].sources.next = (start + k + 1) % n;
                self.count_edge(queue, consumer, u64::from(got.1));
                return Some(got);
            }
        }
        None
    }

    /// What message `index` of a receive carries, if it still exists.
    pub(crate) fn received_payload(&self, receive: Key, index: u32) -> Option<Payload> {
        let r = self.receives.get(receive)?;
        let (key, _) = r.messages.get(index as usize)?;
        self.messages.get(*key).map(|m| m.payload)
    }

    /// The first message's payload of a receive (a function batch is described by it).
    pub(crate) fn batch_payload(&self, receive: Key) -> Payload {
        self.received_payload(receive, 0).unwrap_or_default()
    }

    /// A consumer finished message `index` of a receive; on success it deletes the message.
    pub(crate) fn message_done(&mut self, receive: Key, index: u32, success: bool) {
        let Some(r) = self.receives.get_mut(receive) else { return };
        let queue = r.queue;
        let (key, seq) = r.messages[index as usize];
        r.remaining -= 1;
        if success {
            let current = self.messages.get(key).is_some_and(|m| m.in_flight && m.receive_seq == seq);
            if current {
                if let Some(m) = self.messages.remove(key) {
                    self.work_close(m.payload.work, true);
                    let q = self.queue(queue);
                    q.in_flight -= 1;
                    q.group_in_flight[m.group as usize] -= 1;
                    if m.measured {
                        q.deleted += 1;
                    }
                }
                if let Some(r) = self.receives.get_mut(receive) {
                    r.deleted += 1;
                }
            } else {
                // The message came back (or went on) before this consumer finished: the work was
                // done, but another receive owns the message now.
                self.queue(queue).duplicates += 1;
            }
        }
        let Some(r) = self.receives.get(receive) else { return };
        if r.remaining == 0 {
            // One delete call (DeleteMessage, or DeleteMessageBatch for a batch) if any succeeded.
            if r.deleted > 0 {
                self.queue(queue).billable_requests += 1;
            }
            self.receives.remove(receive);
            // A FIFO group may be free again. (A standard queue has nothing new to hand out: its
            // consumers took what they could when the messages arrived and when workers freed.)
            if self.queue(queue).fifo {
                self.dispatch_queue(queue);
            }
        }
    }

    /// A function finished a whole batch: every message succeeded or none did.
    pub(crate) fn batch_done(&mut self, receive: Key, success: bool) {
        let count = self.receives.get(receive).map_or(0, |r| r.messages.len() as u32);
        for index in 0..count {
            self.message_done(receive, index, success);
        }
    }

    /// The queue's earliest visibility deadline has come: each message received and not deleted
    /// by its deadline comes back; the next check is scheduled at the deadline of the first
    /// message still being processed (those deleted meanwhile are passed over, so a queue whose
    /// consumers keep up has about one check per visibility timeout, not one per message). A check
    /// event that is no longer the queue's pending one (a retune scheduled an earlier one) does
    /// nothing.
    pub(crate) fn visibility_check(&mut self, node: u32) {
        let now = self.now;
        let q = self.queue(node);
        if q.check_at != Some(now) {
            return;
        }
        q.check_at = None;
        while let Some(&(deadline, key, seq)) = self.queue(node).deadlines.front() {
            let live = self.messages.get(key).is_some_and(|m| m.in_flight && m.receive_seq == seq);
            if !live {
                // Deleted (or back already): nothing to do at its deadline, so no event for it.
                self.queue(node).deadlines.pop_front();
                continue;
            }
            if deadline > now {
                // A receive made while messages came back may have scheduled it already.
                let q = self.queue(node);
                if q.check_at.is_none_or(|t| t > deadline) {
                    q.check_at = Some(deadline);
                    self.events.push(deadline, Event::VisibilityCheck { queue: node });
                }
                break;
            }
            self.queue(node).deadlines.pop_front();
            self.visibility_expire(key, seq);
        }
    }

    /// A received message was not deleted in time: it becomes visible again, or is dead-lettered.
    fn visibility_expire(&mut self, key: Key, receive_seq: u32) {
        let (now, from) = (self.now, self.measure_from);
        let Some(m) = self.messages.get_mut(key) else { return };
        if !m.in_flight || m.receive_seq != receive_seq {
            return;
        }
        m.in_flight = false;
        let (queue, group, receives, measured, enqueued_at) =
            (m.queue, m.group, m.receive_count, m.measured, m.enqueued_at);
        let removed = self.nodes[queue as usize].removed;
        let q = self.queue(queue);
        q.in_flight -= 1;
        q.group_in_flight[group as usize] -= 1;
        if removed {
            // Its queue is gone: the message is lost.
            q.removed += u64::from(measured);
            if let Some(m) = self.messages.remove(key) {
                self.work_close(m.payload.work, false);
            }
            return;
        }
        if q.max_receives.is_some_and(|max| receives >= max) {
            if measured {
                q.dead_lettered += 1;
            }
            // Dead-lettered work is lost: someone may look at it later, but it was not done.
            let dlq = q.dead_letter;
            if let Some(m) = self.messages.remove(key) {
                self.work_close(m.payload.work, false);
                if let Some(dlq) = dlq {
                    self.count_edge(queue, dlq, 1);
                    self.enqueue(dlq, Payload { work: None, ..m.payload });
                    self.dispatch_queue(dlq);
                }
            }
        } else if now.saturating_sub(enqueued_at) > q.retention_ns {
            // Older than the retention period by now: it expires instead of coming back.
            self.expire(queue, key);
        } else {
            // Back where it was: at the head of its group for FIFO, at the end for standard.
            if q.fifo {
                q.groups[group as usize].push_front(key);
            } else {
                q.groups[group as usize].push_back(key);
            }
            q.returned.push(Reverse((enqueued_at, key)));
            q.visible += 1;
            q.depth.add(now, from, 1.0);
        }
        self.dispatch_queue(queue);
    }

    /// The queue is deleted: its visible messages are lost; those being processed are lost when
    /// their visibility timeout ends (a delete after that finds nothing).
    pub(crate) fn queue_removed(&mut self, node: u32) {
        let (now, from) = (self.now, self.measure_from);
        let Behaviour::Queue(q) = &mut self.nodes[node as usize].behaviour else { return };
        let mut lost = 0;
        let mut visible = 0u64;
        let mut works = Vec::new();
        for group in &mut q.groups {
            for key in group.drain(..) {
                if let Some(m) = self.messages.remove(key) {
                    visible += 1;
                    lost += u64::from(m.measured);
                    works.push(m.payload.work);
                }
            }
        }
        q.visible = 0;
        q.arrivals.clear();
        q.returned.clear();
        // Received messages stay listed: they are lost when their deadline comes.
        q.removed += lost;
        q.depth.add(now, from, -(visible as f64));
        q.consumers.clear();
        q.dead_letter = None;
        for work in works {
            self.work_close(work, false);
        }
    }

    /// Drops visible messages older than the retention period, oldest first: the sweep looks at
    /// the messages that expire and the first one that does not, never at every message held
    /// (each chart sample sweeps). Also finds the oldest visible message's age.
    pub(crate) fn sweep_expired(&mut self, node: u32) {
        let (now, from) = (self.now, self.measure_from);
        let Behaviour::Queue(q) = &mut self.nodes[node as usize].behaviour else { return };
        let messages = &mut self.messages;
        let mut works = Vec::new();
        let removed_before = q.visible;
        let mut oldest = None;
        while let Some(key) = q.arrivals.front().copied() {
            if let Some(at) = q.settle_oldest(key, messages, now, &mut works) {
                oldest = Some(at);
                break;
            }
            q.arrivals.pop_front();
        }
        while let Some(&Reverse((_, key))) = q.returned.peek() {
            if let Some(at) = q.settle_oldest(key, messages, now, &mut works) {
                oldest = Some(oldest.map_or(at, |o: u64| o.min(at)));
                break;
            }
            q.returned.pop();
        }
        q.oldest_visible_at = oldest;
        let removed = removed_before - q.visible;
        if removed > 0 {
            q.depth.add(now, from, -(removed as f64));
        }
        for work in works {
            self.work_close(work, false);
        }
    }

    /// Messages looked at by expiry sweeps so far, over all queues (a measure of what expiry costs).
    pub fn expiry_checks(&self) -> u64 {
        self.nodes.iter().map(|n| if let Behaviour::Queue(q) = &n.behaviour { q.expiry_checks } else { 0 }).sum()
    }

    /// Counted messages still in the queue (visible or received), found by looking at each one.
    pub(crate) fn messages_present(&self, node: u32) -> u64 {
        self.messages.iter().filter(|(_, m)| m.queue == node && m.measured).count() as u64
    }
}

impl NodeBehaviour for QueueState {
    type Params = QueueParams;

    fn new_state(engine: &mut Engine, _node: &crate::model::Node, p: &QueueParams) -> Self {
        engine.work.track = true;
        Self::new(p)
    }

    fn start(_engine: &mut Engine, _node: u32) {}

    fn arrive(engine: &mut Engine, node: u32, call: Key) {
        engine.queue_arrive(node, call);
    }

    // A managed service that this model keeps available.
    fn take_down(_engine: &mut Engine, _node: u32, _machine: Option<u32>, _reason: FailReason) {}

    fn bring_up(_engine: &mut Engine, _node: u32, _machine: Option<u32>) {}

    fn retune(engine: &mut Engine, node: u32, kind: &NodeKind) {
        if let NodeKind::Queue(p) = kind {
            engine.queue(node).retune(p);
        }
    }

    fn remove(engine: &mut Engine, node: u32) {
        engine.queue_removed(node);
    }

    fn usage(engine: &Engine, node: u32) -> NodeUsage {
        let q = engine.state::<Self>(node);
        NodeUsage::Queue { fifo: q.fifo, billable_requests: q.billable_requests }
    }

    fn gauges(engine: &Engine, node: u32) -> Gauges {
        let q = engine.state::<Self>(node);
        Gauges {
            depth: q.visible() as f64,
            oldest_age_secs: q.oldest_visible_at.map_or(0.0, |at| (engine.now - at) as f64 / 1e9),
            ..Gauges::default()
        }
    }

    fn live(engine: &Engine, node: u32, _utilization: f64) -> LiveNode {
        LiveNode { depth: engine.state::<Self>(node).visible(), ..LiveNode::default() }
    }

    fn figures(engine: &Engine, node: u32, f: &mut NodeFigures) {
        let (q, now, from) = (engine.state::<Self>(node), engine.now, engine.measure_from);
        f.mean_wait_ms = mean_ms(q.wait_ns, q.waits);
        f.mean_backlog = q.depth.mean(now, from);
        f.max_backlog = q.depth.max();
    }
}
