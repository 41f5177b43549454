//! The clock that turns wall time into simulated time for a live view: pausable, speed-scaled, and
//! with each frame's step capped, so that a stalled frame never makes simulated time jump, and a
//! diagram too heavy for real time runs "behind" instead of piling up debt ("Fix Your Timestep").

use super::SimTime;
use super::time::secs_to_nanos;

/// The longest wall time one frame may account for; a longer stall counts as this much (and the
/// clock reports that it is behind).
pub const MAX_FRAME_SECS: f64 = 0.25;

/// How fast simulated time runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speed {
    /// Simulated seconds per wall second (0.1 to 1000 in the window).
    Times(f64),
    /// As many events as the frame's time allows.
    AsFastAsPossible,
}

/// The state of the live clock.
#[derive(Debug, Clone)]
pub struct SimClock {
    /// Whether simulated time advances.
    pub playing: bool,
    /// How fast.
    pub speed: Speed,
    behind: bool,
    capped: bool,
    achieved: f64,
}

impl Default for SimClock {
    fn default() -> Self {
        Self { playing: false, speed: Speed::Times(1.0), behind: false, capped: false, achieved: 0.0 }
    }
}

impl SimClock {
    /// The simulated time to run to this frame, from where the simulation stands and the wall time
    /// since the last frame; `None` when paused. The deadline never runs ahead of the engine by more
    /// than one capped frame, whatever happened before.
    pub fn deadline(&self, sim_now: SimTime, end: SimTime, wall_dt_secs: f64) -> Option<SimTime> {
        if !self.playing {
            return None;
        }
        let dt = wall_dt_secs.clamp(0.0, MAX_FRAME_SECS);
        let target = match self.speed {
            Speed::Times(factor) => SimTime(sim_now.0.saturating_add(secs_to_nanos(dt * factor.max(0.0)))),
            Speed::AsFastAsPossible => end,
        };
        Some(target.min(end))
    }

    /// Records how the frame went: how far simulated time moved in how much wall time, and whether
    /// the engine reached the deadline within its budget.
    pub fn record(&mut self, sim_advanced_secs: f64, wall_dt_secs: f64, reached_deadline: bool) {
        // Behind: the engine could not reach the deadline, or the frame took longer than the cap.
        self.capped = wall_dt_secs > MAX_FRAME_SECS;
        self.behind = !reached_deadline || self.capped;
        if wall_dt_secs > 0.0 {
            let now = sim_advanced_secs / wall_dt_secs;
            // A short moving average keeps the figure readable.
            self.achieved = if self.achieved == 0.0 { now } else { 0.9 * self.achieved + 0.1 * now };
        }
    }

    /// Whether the last frame could not keep up with the requested speed.
    pub fn behind(&self) -> bool {
        self.behind && self.playing
    }

    /// Simulated seconds per wall second actually achieved, averaged over recent frames.
    pub fn achieved_speed(&self) -> f64 {
        if self.playing { self.achieved } else { 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const END: SimTime = SimTime(1_000_000_000_000);

    #[test]
    fn paused_clock_gives_no_deadline() {
        let clock = SimClock::default();
        assert_eq!(clock.deadline(SimTime(5), END, 0.016), None);
    }

    #[test]
    fn speed_scales_wall_time() {
        let clock = SimClock { playing: true, speed: Speed::Times(10.0), ..SimClock::default() };
        assert_eq!(clock.deadline(SimTime::from_secs(3.0), END, 0.02), Some(SimTime::from_secs(3.2)));
    }

    #[test]
    fn a_stalled_frame_does_not_make_time_jump() {
        let clock = SimClock { playing: true, speed: Speed::Times(100.0), ..SimClock::default() };
        // Five seconds without a frame count as one capped frame: 0.25 s × 100.
        assert_eq!(clock.deadline(SimTime::ZERO, END, 5.0), Some(SimTime::from_secs(25.0)));
    }

    #[test]
    fn deadlines_stop_at_the_end_and_max_speed_aims_for_it() {
        let fast = SimClock { playing: true, speed: Speed::AsFastAsPossible, ..SimClock::default() };
        assert_eq!(fast.deadline(SimTime::ZERO, END, 0.016), Some(END));
        let clock = SimClock { playing: true, speed: Speed::Times(1000.0), ..SimClock::default() };
        assert_eq!(clock.deadline(SimTime(END.0 - 5), END, 0.1), Some(END));
    }

    #[test]
    fn behind_and_achieved_speed_are_reported() {
        let mut clock = SimClock { playing: true, ..SimClock::default() };
        clock.record(0.5, 1.0, false);
        assert!(clock.behind());
        assert!((clock.achieved_speed() - 0.5).abs() < 1e-12);
        clock.record(0.1, 0.1, true);
        assert!(!clock.behind());
        assert!((clock.achieved_speed() - 0.55).abs() < 1e-12);
        // A frame slower than the cap is behind even if the engine kept up.
        clock.record(0.25, 0.5, true);
        assert!(clock.behind());
    }
}
