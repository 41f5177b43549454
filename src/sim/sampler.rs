//! Random draws of durations, prepared once per node so that each draw is cheap.

use super::time::ms_to_nanos;
use crate::model::Distribution;
use rand::Rng;
use rand_distr::{Distribution as _, Exp1, StandardNormal};

/// The longest single draw, in nanoseconds (10^17 ns, about three years).
const MAX_DRAW_NS: f64 = 1e17;

/// A drawn time stretched by a slow-down `factor`, capped like a draw so that adding it to the
/// clock can never overflow.
pub(crate) fn slowed(ns: u64, factor: f64) -> u64 {
    if factor == 1.0 { ns } else { ((ns as f64 * factor).clamp(0.0, MAX_DRAW_NS) + 0.5) as u64 }
}

/// A duration distribution ready to draw from, in nanoseconds.
#[derive(Debug, Clone, Copy)]
pub enum Sampler {
    /// Always the same.
    Constant(u64),
    /// Exponential with this mean.
    Exponential { mean_ns: f64 },
    /// Log-normal with these parameters of the underlying normal (in ln nanoseconds).
    LogNormal { mu: f64, sigma: f64 },
    /// Uniform between two bounds.
    Uniform { min_ns: f64, max_ns: f64 },
}

impl Sampler {
    /// Prepares a distribution from the file's parameters.
    pub fn new(d: &Distribution) -> Self {
        match *d {
            Distribution::Constant { ms } => Self::Constant(ms_to_nanos(ms)),
            Distribution::Exponential { mean_ms } => Self::Exponential { mean_ns: mean_ms * 1e6 },
            Distribution::LogNormal { mean_ms, std_dev_ms } => {
                // Match the requested mean and standard deviation:
                // σ² = ln(1 + (sd/mean)²), μ = ln(mean) − σ²/2.
                let mean_ns = mean_ms * 1e6;
                let cv = std_dev_ms / mean_ms;
                let sigma2 = cv.mul_add(cv, 1.0).ln();
                Self::LogNormal { mu: mean_ns.ln() - sigma2 / 2.0, sigma: sigma2.sqrt() }
            }
            Distribution::Uniform { min_ms, max_ms } => Self::Uniform { min_ns: min_ms * 1e6, max_ns: max_ms * 1e6 },
        }
    }

    /// One draw, in whole nanoseconds.
    pub fn draw(&self, rng: &mut impl Rng) -> u64 {
        let ns = match *self {
            Self::Constant(ns) => return ns,
            Self::Exponential { mean_ns } => {
                let e: f64 = Exp1.sample(rng);
                e * mean_ns
            }
            Self::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                z.mul_add(sigma, mu).exp()
            }
            Self::Uniform { min_ns, max_ns } => {
                if max_ns > min_ns {
                    rng.random_range(min_ns..max_ns)
                } else {
                    min_ns
                }
            }
        };
        // Non-negative: adding one half and truncating rounds. A draw from a long tail is capped at
        // about three years, so that adding it to the clock can never overflow.
        (ns.clamp(0.0, MAX_DRAW_NS) + 0.5) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn mean_and_sd(s: &Sampler, n: usize) -> (f64, f64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let xs: Vec<f64> = (0..n).map(|_| s.draw(&mut rng) as f64 / 1e6).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt())
    }

    #[test]
    fn lognormal_has_the_requested_mean_and_spread() {
        let (m, sd) = mean_and_sd(&Sampler::new(&Distribution::LogNormal { mean_ms: 20.0, std_dev_ms: 10.0 }), 400_000);
        assert!((m - 20.0).abs() < 0.1, "mean {m}");
        assert!((sd - 10.0).abs() < 0.2, "sd {sd}");
    }

    #[test]
    fn exponential_and_uniform_means() {
        let (m, sd) = mean_and_sd(&Sampler::new(&Distribution::Exponential { mean_ms: 10.0 }), 400_000);
        assert!((m - 10.0).abs() < 0.06 && (sd - 10.0).abs() < 0.1, "{m} {sd}");
        let (m, _) = mean_and_sd(&Sampler::new(&Distribution::Uniform { min_ms: 2.0, max_ms: 4.0 }), 100_000);
        assert!((m - 3.0).abs() < 0.01, "{m}");
    }
}
