//! Frame rate and per-frame UI time, printed to stderr every five seconds when the environment
//! variable `CLOUD_SANDBOX_FRAME_STATS` is set — to check the window keeps its frame rate on a
//! given machine (README, Performance).

use std::time::{Duration, Instant};

/// How often a line is printed.
const PERIOD: Duration = Duration::from_secs(5);

/// Frames counted since the last line.
#[derive(Debug)]
pub struct FrameStats {
    since: Instant,
    frames: u32,
    logic: Duration,
    worst: Duration,
}

impl FrameStats {
    /// Counting, if `CLOUD_SANDBOX_FRAME_STATS` is set.
    pub fn from_env() -> Option<Self> {
        std::env::var_os("CLOUD_SANDBOX_FRAME_STATS").map(|_| Self {
            since: Instant::now(),
            frames: 0,
            logic: Duration::ZERO,
            worst: Duration::ZERO,
        })
    }

    /// One frame whose UI logic (engine share included) took `logic`.
    pub fn record(&mut self, logic: Duration) {
        self.frames += 1;
        self.logic += logic;
        self.worst = self.worst.max(logic);
        let elapsed = self.since.elapsed();
        if elapsed >= PERIOD {
            let frames = f64::from(self.frames);
            eprintln!(
                "frames: {:.1} per second; UI logic per frame: mean {:.2} ms, worst {:.2} ms",
                frames / elapsed.as_secs_f64(),
                self.logic.as_secs_f64() * 1e3 / frames,
                self.worst.as_secs_f64() * 1e3
            );
            *self = Self { since: Instant::now(), frames: 0, logic: Duration::ZERO, worst: Duration::ZERO };
        }
    }
}
