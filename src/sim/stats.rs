//! Statistics kept while the engine runs: time averages, latency histograms and bounded series.
//!
//! Nothing here keeps per-request history: memory stays the same however long a run goes.

use hdrhistogram::Histogram;

/// The time average of a level that changes in steps (queue length, busy workers), counted from
/// `from` on (the end of the warm-up). One integral from time 0 is kept; the part before `from` is
/// noted once, when time first passes it, so that a change costs one multiplication.
#[derive(Debug, Clone, Default)]
pub struct TimeAverage {
    level: f64,
    last: u64,
    /// The area from time 0 up to `last`, warm-up included (for charts).
    area_all: f64,
    /// The area from 0 up to `from`, once time has passed `from`.
    area_before: Option<f64>,
    max: f64,
}

impl TimeAverage {
    /// Moves the level by `delta` at time `now`; time before `from` is not counted.
    #[inline]
    pub fn add(&mut self, now: u64, from: u64, delta: f64) {
        self.settle(now, from);
        self.level += delta;
        if now >= from && self.level > self.max {
            self.max = self.level;
        }
    }

    /// Accounts the time up to `now` at the current level.
    #[inline]
    pub fn settle(&mut self, now: u64, from: u64) {
        if self.area_before.is_none() && now >= from {
            self.pass_from(from);
        }
        if now > self.last {
            self.area_all += self.level * (now - self.last) as f64;
            self.last = now;
        }
    }

    /// Time reaches `from` for the first time: the area so far is the warm-up's, and the level
    /// then in force is the first one measured.
    #[cold]
    fn pass_from(&mut self, from: u64) {
        self.area_before = Some(self.area_all + self.level * from.saturating_sub(self.last) as f64);
        self.max = self.max.max(self.level);
    }

    /// The current level.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The integral of the level over time up to `now` (level × nanoseconds), from `from` on.
    pub fn area_until(&self, now: u64, from: u64) -> f64 {
        match self.area_before {
            Some(before) => self.total_area_until(now) - before,
            None if now > from => self.level * (now - from) as f64,
            None => 0.0,
        }
    }

    /// The integral of the level over time from 0 to `now`, warm-up included.
    pub fn total_area_until(&self, now: u64) -> f64 {
        self.area_all + if now > self.last { self.level * (now - self.last) as f64 } else { 0.0 }
    }

    /// The average level over `[from, now]`.
    pub fn mean(&self, now: u64, from: u64) -> f64 {
        if now > from { self.area_until(now, from) / (now - from) as f64 } else { self.level }
    }

    /// The highest level reached since `from`.
    pub fn max(&self) -> f64 {
        self.max
    }
}

/// A level integrated over time into clock-hour buckets (for hourly usage): one number per
/// simulated hour.
#[derive(Debug, Clone, Default)]
pub struct HourlyArea {
    level: f64,
    last: u64,
    /// Level × hours, per clock hour from time 0.
    buckets: Vec<f64>,
}

const HOUR_NS: u64 = 3_600_000_000_000;

impl HourlyArea {
    /// Moves the level by `delta` at `now`.
    pub fn add(&mut self, now: u64, delta: f64) {
        self.settle(now);
        self.level += delta;
    }

    fn settle(&mut self, now: u64) {
        while self.last < now {
            let hour = self.last / HOUR_NS;
            let until = ((hour + 1) * HOUR_NS).min(now);
            if self.level != 0.0 {
                if self.buckets.len() <= hour as usize {
                    self.buckets.resize(hour as usize + 1, 0.0);
                }
                self.buckets[hour as usize] += self.level * (until - self.last) as f64 / HOUR_NS as f64;
            }
            self.last = until;
        }
    }

    /// Level × hours in each clock hour up to `now` (the last one partial), with each bucket's
    /// length in hours.
    pub fn hours_until(&self, now: u64) -> Vec<(f64, f64)> {
        let mut copy = self.clone();
        copy.settle(now);
        let hours = now.div_ceil(HOUR_NS) as usize;
        copy.buckets.resize(hours, 0.0);
        (0..hours)
            .map(|h| {
                let start = h as u64 * HOUR_NS;
                let length = (now.min(start + HOUR_NS) - start) as f64 / HOUR_NS as f64;
                (copy.buckets[h], length)
            })
            .collect()
    }
}

/// Latencies in microseconds, with exact count, sum and maximum beside the histogram.
#[derive(Debug, Clone)]
pub struct Latencies {
    histogram: Histogram<u64>,
    count: u64,
    sum_ns: f64,
    max_ns: u64,
}

impl Default for Latencies {
    fn default() -> Self {
        // Three significant digits: percentiles within 0.1 %.
        Self::with_precision(3)
    }
}

impl Latencies {
    /// An empty set whose percentiles keep `digits` significant digits (1 to 5; clamped).
    #[must_use]
    pub fn with_precision(digits: u8) -> Self {
        // Auto-resizing, so no value is ever refused; the range starts at 1 µs.
        let histogram = match Histogram::new(digits.clamp(1, 5)) {
            Ok(mut h) => {
                h.auto(true);
                h
            }
            // Every precision from 1 to 5 is valid for hdrhistogram.
            Err(e) => unreachable!("histogram with {digits} significant figures: {e}"),
        };
        Self { histogram, count: 0, sum_ns: 0.0, max_ns: 0 }
    }
}

/// Summary of a set of latencies, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct LatencySummary {
    /// How many were recorded.
    pub count: u64,
    /// Exact mean.
    pub mean: f64,
    /// Median (histogram, ±0.1 %).
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Exact maximum.
    pub max: f64,
}

impl Latencies {
    /// Records one latency.
    #[inline]
    pub fn record(&mut self, ns: u64) {
        self.count += 1;
        self.sum_ns += ns as f64;
        self.max_ns = self.max_ns.max(ns);
        // Microseconds, at least 1 (the histogram cannot hold 0 with auto-resize from 1).
        let _ = self.histogram.record((ns / 1000).max(1));
    }

    /// How many were recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.histogram.reset();
        self.count = 0;
        self.sum_ns = 0.0;
        self.max_ns = 0;
    }

    /// Adds another set to this one.
    pub fn merge(&mut self, other: &Self) {
        let _ = self.histogram.add(&other.histogram);
        self.count += other.count;
        self.sum_ns += other.sum_ns;
        self.max_ns = self.max_ns.max(other.max_ns);
    }

    /// Mean and percentiles in milliseconds (zeros when empty).
    pub fn summary(&self) -> LatencySummary {
        if self.count == 0 {
            return LatencySummary::default();
        }
        let q = |p: f64| self.histogram.value_at_quantile(p) as f64 / 1000.0;
        LatencySummary {
            count: self.count,
            mean: self.sum_ns / self.count as f64 / 1e6,
            p50: q(0.50),
            p95: q(0.95),
            p99: q(0.99),
            max: self.max_ns as f64 / 1e6,
        }
    }
}

/// A series sampled on a fixed interval that never holds more than `capacity` points: when full,
/// neighbouring points are merged pairwise, so old data loses resolution instead of memory growing.
#[derive(Debug, Clone)]
pub struct Series<P> {
    points: Vec<P>,
    capacity: usize,
    /// How many raw samples each stored point now stands for.
    stride: usize,
    pending: Option<(P, usize)>,
}

/// A sample that two neighbours can be merged into.
pub trait Mergeable: Clone {
    /// The point standing for `self` followed by `later`.
    #[must_use]
    fn merge(&self, later: &Self) -> Self;
}

impl<P: Mergeable> Series<P> {
    /// An empty series holding at most `capacity` points (at least 2).
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self { points: Vec::new(), capacity: capacity.max(2), stride: 1, pending: None }
    }

    /// Appends one raw sample.
    pub fn push(&mut self, point: P) {
        let (merged, n) = match self.pending.take() {
            Some((p, n)) => (p.merge(&point), n + 1),
            None => (point, 1),
        };
        if n < self.stride {
            self.pending = Some((merged, n));
            return;
        }
        if self.points.len() == self.capacity {
            self.points =
                self.points.chunks(2).map(|c| if c.len() == 2 { c[0].merge(&c[1]) } else { c[0].clone() }).collect();
            self.stride *= 2;
        }
        self.points.push(merged);
    }

    /// The stored points, oldest first (without a partly filled last point).
    pub fn points(&self) -> &[P] {
        &self.points
    }

    /// How many raw samples each stored point stands for.
    pub fn stride(&self) -> usize {
        self.stride
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct Count {
        t: u64,
        n: u64,
    }
    impl Mergeable for Count {
        fn merge(&self, later: &Self) -> Self {
            Self { t: later.t, n: self.n + later.n }
        }
    }

    #[test]
    fn series_stays_bounded_and_keeps_totals() {
        let mut s = Series::new(64);
        for t in 0..100_000 {
            s.push(Count { t, n: 1 });
        }
        assert!(s.points().len() <= 64);
        let total: u64 = s.points().iter().map(|p| p.n).sum();
        // Everything except a partly filled last point is kept.
        assert!(total <= 100_000 && total > 100_000 - s.stride() as u64, "{total}");
        assert_eq!(s.points().last().unwrap().t + 1, total);
    }

    #[test]
    fn time_average_of_a_step() {
        let mut a = TimeAverage::default();
        a.add(0, 0, 2.0);
        a.add(10, 0, -2.0);
        assert_eq!(a.mean(20, 0), 1.0);
        assert_eq!(a.max(), 2.0);
        // Counting from 5: level 2 for 5 ns, then 0 for 10 ns.
        let mut b = TimeAverage::default();
        b.add(0, 5, 2.0);
        b.add(10, 5, -2.0);
        assert!((b.mean(20, 5) - 10.0 / 15.0).abs() < 1e-12);
        // The charts' area counts the warm-up too: level 2 for 10 ns.
        assert_eq!(b.total_area_until(20), 20.0);
    }

    #[test]
    fn hourly_area_splits_at_hour_boundaries() {
        let hour = HOUR_NS;
        let mut a = HourlyArea::default();
        a.add(hour / 2, 2.0);
        a.add(hour + hour / 4, 2.0);
        let h = a.hours_until(2 * hour + hour / 2);
        // Level 2 for half an hour, then 4 for a quarter, then 4 for an hour and a half.
        assert_eq!(h, vec![(1.0, 1.0), (0.5 + 3.0, 1.0), (2.0, 0.5)]);
    }

    #[test]
    fn latency_percentiles() {
        let mut l = Latencies::default();
        for ms in 1..=100u64 {
            l.record(ms * 1_000_000);
        }
        let s = l.summary();
        assert_eq!(s.count, 100);
        assert!((s.mean - 50.5).abs() < 1e-9);
        assert!((s.p50 - 50.0).abs() < 0.1, "{}", s.p50);
        assert!((s.p99 - 99.0).abs() < 0.1, "{}", s.p99);
        assert_eq!(s.max, 100.0);
    }
}
