//! The future event list: a binary heap ordered by time, then by scheduling order (FIFO ties).

use super::slab::Key;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Something that will happen at a simulated time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A client produces its next request (unless its `epoch` has moved on: parameters changed).
    Generate { client: u32, epoch: u32 },
    /// A call or message reaches its target node.
    Arrive { call: Key },
    /// A finished call's answer reaches its caller.
    Respond { call: Key },
    /// A worker of an instance finishes its request. Machine and slot are 16-bit so that an event
    /// stays 16 bytes (a node has at most 65,535 machines of 65,535 workers).
    WorkDone { node: u32, instance: u16, slot: u16, epoch: u32 },
    /// A function execution finishes its own work.
    FunctionDone { call: Key },
    /// A client stops waiting for an attempt.
    AttemptTimeout { request: Key, attempt: u32 },
    /// A client starts its next attempt after backoff.
    Retry { request: Key },
    /// A balancer checks its targets.
    HealthCheck { balancer: u32 },
    /// A queue's earliest visibility deadline comes: received messages not deleted by now become
    /// visible again. One such event per queue is pending, not one per message received (which
    /// would keep a heap of a visibility timeout's worth of receives).
    VisibilityCheck { queue: u32 },
    /// A topic tries a failed delivery again.
    Redeliver { delivery: Key },
    /// Metrics are sampled.
    Sample,
    /// A scheduled fault begins.
    FaultStart { fault: u32 },
    /// A scheduled fault ends.
    FaultEnd { fault: u32 },
    /// A node failed by hand comes back.
    Recover { node: u32 },
    /// An Auto Scaling group evaluates its metric.
    ScaleCheck { node: u32 },
    /// A scheduled action of an Auto Scaling group comes due.
    ScheduledScaling { node: u32, action: u32 },
    /// A launched machine has warmed up and serves.
    WarmedUp { node: u32, machine: u16, launch: u32 },
    /// A spot machine gets its interruption notice (`ended: false`) or stops (`ended: true`).
    SpotNotice { node: u32, machine: u16, launch: u32, ended: bool },
    /// Under a `RandomFailures` fault, a machine (`machine` of the fault's node, or the whole node
    /// when it is `u16::MAX`) fails (`repair: false`) or is repaired (`repair: true`).
    RandomFailure { fault: u32, machine: u16, launch: u32, repair: bool },
    /// A timer of a node's own kind (a container cluster's instance has booted, say): `what` and
    /// `index` are the kind's to read; `launch` lets it ignore a timer meant for an earlier launch.
    KindTimer { node: u32, what: u16, index: u16, launch: u32 },
}

#[derive(Debug, Clone, Copy)]
struct Scheduled {
    time: u64,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Scheduled {
    /// Time and scheduling order as one number, so that ordering is a single comparison.
    #[inline]
    fn order_key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.seq)
    }
}

impl Ord for Scheduled {
    // BinaryHeap is a max-heap: reverse, so the earliest (time, seq) comes out first.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.order_key().cmp(&self.order_key())
    }
}

/// Pending events, earliest first; equal times come out in the order they were scheduled.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Scheduled>,
    next_seq: u64,
    /// The top of `heap` was handed out by [`Self::pop`] and is gone: the next push takes its
    /// place (one sift down, where a pop and a push would cost a sift to the bottom and one up —
    /// most events schedule another at once), or the next look at the queue removes it.
    taken: bool,
}

impl EventQueue {
    /// Schedules `event` at `time` (nanoseconds).
    pub fn push(&mut self, time: u64, event: Event) {
        let item = Scheduled { time, seq: self.next_seq, event };
        self.next_seq += 1;
        if self.taken {
            self.taken = false;
            if let Some(mut top) = self.heap.peek_mut() {
                *top = item;
                return;
            }
        }
        self.heap.push(item);
    }

    /// Removes the event handed out last, if nothing has taken its place.
    fn settle(&mut self) {
        if self.taken {
            self.taken = false;
            self.heap.pop();
        }
    }

    /// The time of the earliest pending event.
    pub fn peek_time(&mut self) -> Option<u64> {
        self.settle();
        self.heap.peek().map(|s| s.time)
    }

    /// Removes and returns the earliest pending event.
    pub fn pop(&mut self) -> Option<(u64, Event)> {
        self.settle();
        let top = self.heap.peek().map(|s| (s.time, s.event))?;
        self.taken = true;
        Some(top)
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len() - usize::from(self.taken)
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_stay_small() {
        assert!(std::mem::size_of::<Event>() <= 16);
        assert!(std::mem::size_of::<Scheduled>() <= 32);
    }

    #[test]
    fn earliest_first_and_fifo_among_equal_times() {
        let mut q = EventQueue::default();
        q.push(5, Event::HealthCheck { balancer: 1 });
        q.push(3, Event::Sample);
        q.push(5, Event::HealthCheck { balancer: 2 });
        q.push(5, Event::HealthCheck { balancer: 3 });
        assert_eq!(q.pop(), Some((3, Event::Sample)));
        for b in 1..=3 {
            assert_eq!(q.pop(), Some((5, Event::HealthCheck { balancer: b })));
        }
        assert!(q.is_empty());
    }

    #[test]
    fn comes_out_sorted_whatever_the_order_in() {
        // A simple generator (no rand needed): times with many ties, pushes between pops.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut q = EventQueue::default();
        let mut expected: Vec<(u64, u32)> = Vec::new();
        let mut out: Vec<(u64, u32)> = Vec::new();
        let mut now = 0;
        for i in 0..5_000u32 {
            let t = now + next() % 50;
            q.push(t, Event::HealthCheck { balancer: i });
            expected.push((t, i));
            if next() % 3 == 0 {
                let (t, e) = q.pop().unwrap_or((0, Event::Sample));
                let Event::HealthCheck { balancer } = e else { panic!("not pushed: {e:?}") };
                now = t;
                out.push((t, balancer));
            }
        }
        while let Some((t, e)) = q.pop() {
            let Event::HealthCheck { balancer } = e else { panic!("not pushed: {e:?}") };
            out.push((t, balancer));
        }
        // Earliest first, ties in push order: what a stable sort of the pushes gives, since every
        // push came at or after the last time popped.
        expected.sort_by_key(|&(t, _)| t);
        assert_eq!(out, expected);
    }
}
