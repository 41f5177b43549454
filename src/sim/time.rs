//! Simulated time: whole nanoseconds since the start of the run.

use std::fmt;

/// A point in simulated time, in nanoseconds since the start. Integer, so that sums are exact and
/// events at equal times are truly equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub u64);

/// Nanoseconds per second.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;

impl SimTime {
    /// The start of every run.
    pub const ZERO: Self = Self(0);

    /// The time `secs` seconds after the start, rounded to the nanosecond (negative → 0).
    pub fn from_secs(secs: f64) -> Self {
        Self(secs_to_nanos(secs))
    }

    /// Seconds since the start.
    pub fn as_secs(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} s", self.as_secs())
    }
}

/// Seconds to whole nanoseconds, rounded; negative and NaN give 0, huge values saturate.
pub fn secs_to_nanos(secs: f64) -> u64 {
    // Adding one half and truncating rounds a non-negative value without a libm call.
    if secs.is_nan() || secs <= 0.0 { 0 } else { (secs * NANOS_PER_SEC as f64 + 0.5) as u64 }
}

/// Milliseconds to whole nanoseconds, rounded.
pub fn ms_to_nanos(ms: f64) -> u64 {
    secs_to_nanos(ms / 1000.0)
}

/// Nanoseconds to milliseconds.
pub fn nanos_to_ms(nanos: u64) -> f64 {
    nanos as f64 / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_clamp() {
        assert_eq!(SimTime::from_secs(1.5).0, 1_500_000_000);
        assert_eq!(ms_to_nanos(0.000_000_4), 0);
        assert_eq!(ms_to_nanos(0.0004), 400);
        assert_eq!(ms_to_nanos(0.000_000_6), 1);
        assert_eq!(secs_to_nanos(-3.0), 0);
        assert_eq!(secs_to_nanos(f64::NAN), 0);
        assert_eq!(nanos_to_ms(2_500_000), 2.5);
    }
}
