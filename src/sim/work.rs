//! Work followed end to end: each client request starts a piece of work that is fulfilled only when
//! its request has succeeded and every message and delivery it caused downstream (through queues
//! and topics, however deep) has been processed; it is lost as soon as any part of it fails for
//! good (the request's final failure, a message expired, dead-lettered or deleted with its queue, a
//! delivery given up). This is what "orders lost" and "time to fulfil" mean in a design where the
//! client's answer comes back long before the order is made.
//!
//! A work item counts its open branches: the request itself, and each message or delivery on its
//! way. Branches open before the step that caused them closes (a consumer sends on before deleting
//! its message), so the count reaches zero only when everything is done.
//!
//! A diagram without queues or topics has nothing asynchronous: a request's work is done when the
//! request is, so no ledger entry is kept and its outcome is counted directly (the hot path of a
//! synchronous diagram stays as fast as before). Once a queue or topic exists — from the start, or
//! added during the run — every new request is followed.

use super::Engine;
use super::slab::Key;
use super::stats::Latencies;
use serde::Serialize;

/// One client request's work while it is open.
#[derive(Debug)]
pub(crate) struct Work {
    generated_at: u64,
    measured: bool,
    /// Branches not yet done: the request, messages, deliveries.
    open: u32,
}

/// End-to-end work of the requests generated after warm-up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WorkTotals {
    /// Requests that succeeded and whose every downstream message and delivery was processed.
    pub fulfilled: u64,
    /// Requests that failed for good, or some of whose downstream work did.
    pub lost: u64,
    /// Neither yet.
    pub pending: u64,
}

/// The work ledger: open items and what became of the closed ones.
#[derive(Debug, Default)]
pub(crate) struct WorkLedger {
    /// The diagram has (or had) a queue or topic: requests are followed through them.
    pub track: bool,
    open: super::slab::Slab<Work>,
    /// Counted (after warm-up) items fulfilled and lost.
    fulfilled: u64,
    lost: u64,
    /// Since the start, for the charts.
    pub fulfilled_all: u64,
    pub lost_all: u64,
    /// Time from generation to fulfilment of counted items.
    pub time_to_fulfil: Latencies,
}

impl Engine {
    /// A request is generated: its work opens with one branch, the request itself (`None` when
    /// nothing asynchronous can follow it: see the module's notes).
    pub(crate) fn work_start(&mut self) -> Option<Key> {
        if !self.work.track {
            return None;
        }
        let now = self.now;
        let measured = self.measured(now);
        Some(self.work.open.insert(Work { generated_at: now, measured, open: 1 }))
    }

    /// A request's final outcome: closes its work's first branch, or, for work not in the ledger,
    /// is that work's outcome.
    pub(crate) fn work_request_done(&mut self, work: Option<Key>, measured: bool, generated_at: u64, success: bool) {
        if work.is_some() {
            self.work_close(work, success);
        } else {
            self.work_outcome(measured, generated_at, success);
        }
    }

    /// Counts a piece of work that ended: fulfilled (with its time) or lost.
    fn work_outcome(&mut self, measured: bool, generated_at: u64, fulfilled: bool) {
        if fulfilled {
            self.work.fulfilled_all += 1;
            // Without a queue or topic, time to fulfil is the request's latency: not kept twice.
            if self.work.track {
                self.metrics.interval_fulfil_times.record(self.now - generated_at);
            }
            if measured {
                self.work.fulfilled += 1;
                self.work.time_to_fulfil.record(self.now - generated_at);
            }
        } else {
            self.work.lost_all += 1;
            if measured {
                self.work.lost += 1;
            }
        }
    }

    /// Something the work caused (a message, a delivery) is on its way.
    pub(crate) fn work_open(&mut self, work: Option<Key>) {
        if let Some(w) = work.and_then(|k| self.work.open.get_mut(k)) {
            w.open += 1;
        }
    }

    /// A branch is done: successfully, or for good as a failure (which loses the whole item; its
    /// other branches then close without counting).
    pub(crate) fn work_close(&mut self, work: Option<Key>, success: bool) {
        let Some(key) = work else { return };
        let Some(w) = self.work.open.get_mut(key) else { return };
        w.open -= 1;
        if !success || w.open == 0 {
            let (measured, generated_at) = (w.measured, w.generated_at);
            self.work.open.remove(key);
            self.work_outcome(measured, generated_at, success);
        }
    }

    /// End-to-end work of the requests generated after warm-up, so far.
    pub fn work_totals(&self) -> WorkTotals {
        WorkTotals {
            fulfilled: self.work.fulfilled,
            lost: self.work.lost,
            pending: self.work.open.iter().filter(|(_, w)| w.measured).count() as u64
                + self.untracked_requests_in_flight(),
        }
    }

    /// Whether requests are followed through queues and topics (the diagram has, or had, one):
    /// only then do fulfilled and lost work differ from succeeded and failed requests.
    pub fn follows_work(&self) -> bool {
        self.work.track
    }

    /// Time from a request's generation to its work's fulfilment (counted items).
    pub fn time_to_fulfil(&self) -> &Latencies {
        &self.work.time_to_fulfil
    }
}
