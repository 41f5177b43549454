//! The pricing catalog: instance types and service rates with their sources.

use crate::model::file::SyntaxError;
use serde::{Deserialize, Serialize};
use std::path::Path;
use thiserror::Error;

/// The catalog built into the program (a copy of `assets/pricing.ron`).
pub const EMBEDDED_CATALOG: &str = include_str!("../../assets/pricing.ron");

/// What is wrong with a catalog file.
#[derive(Debug, Error)]
pub enum CatalogError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The text is not a valid catalog.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// A value that cannot be a price or a size.
    #[error("{origin}: {message}")]
    Invalid {
        /// File name or label.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// The EC2 instance families, as AWS groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceFamily {
    /// Balanced compute, memory and network (t3, m5, m6i).
    GeneralPurpose,
    /// Fast processors for compute-bound work (c5, c6i).
    ComputeOptimized,
    /// Large memory for in-memory data (r5, r6i).
    MemoryOptimized,
    /// GPUs or other accelerators (g4dn, p3).
    AcceleratedComputing,
    /// Fast local disks for large data sets (i3, d2).
    StorageOptimized,
}

impl InstanceFamily {
    /// A readable name.
    pub fn label(self) -> &'static str {
        match self {
            Self::GeneralPurpose => "general purpose",
            Self::ComputeOptimized => "compute optimized",
            Self::MemoryOptimized => "memory optimized",
            Self::AcceleratedComputing => "accelerated computing",
            Self::StorageOptimized => "storage optimized",
        }
    }
}

/// One EC2 instance type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceType {
    /// API name, e.g. `m5.large`.
    pub name: String,
    /// Which family it belongs to.
    pub family: InstanceFamily,
    /// Virtual CPUs.
    pub vcpu: u32,
    /// Memory in GiB.
    pub memory_gib: f64,
    /// On-demand price per hour.
    pub on_demand_per_hour: f64,
    /// Where the figures come from, with the date the source shows.
    pub source: String,
}

/// Application load balancer rates and the size of one load-balancer capacity unit (LCU).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalancerRates {
    /// Per balancer-hour; a partial hour is billed as a full hour.
    pub per_hour: f64,
    /// Per LCU-hour.
    pub per_lcu_hour: f64,
    /// One LCU covers this many new connections per second…
    pub lcu_new_connections_per_sec: f64,
    /// …or this many active connections per minute…
    pub lcu_active_connections_per_min: f64,
    /// …or this many gigabytes processed per hour (the largest of the three is billed).
    pub lcu_processed_gb_per_hour: f64,
    /// Where the figures come from.
    pub source: String,
}

/// Queue (SQS) rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueRates {
    /// Standard queue, per million requests.
    pub standard_per_million_requests: f64,
    /// FIFO queue, per million requests.
    pub fifo_per_million_requests: f64,
    /// Each chunk of this many bytes of a payload counts as one request.
    pub chunk_bytes: u32,
    /// Where the figures come from.
    pub source: String,
}

/// Topic (SNS) rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicRates {
    /// Per million publish requests.
    pub publish_per_million_requests: f64,
    /// Per million deliveries to HTTP(S) endpoints (instance subscribers).
    pub http_delivery_per_million: f64,
    /// Each chunk of this many bytes of a payload counts as one request.
    pub chunk_bytes: u32,
    /// Where the figures come from.
    pub source: String,
}

/// Function (Lambda) rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionRates {
    /// Per million invocations.
    pub per_million_requests: f64,
    /// Per GB-second of duration, x86.
    pub x86_per_gb_second: f64,
    /// Per GB-second of duration, arm64.
    pub arm_per_gb_second: f64,
    /// Where the figures come from.
    pub source: String,
}

/// The whole pricing catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// The region the prices are for.
    pub region: String,
    /// Currency of every price.
    pub currency: String,
    /// EC2 instance types.
    pub instance_types: Vec<InstanceType>,
    /// Load balancer rates.
    pub balancer: BalancerRates,
    /// Queue rates.
    pub queue: QueueRates,
    /// Topic rates.
    pub topic: TopicRates,
    /// Function rates.
    pub function: FunctionRates,
}

impl Catalog {
    /// The catalog built into the program.
    pub fn embedded() -> Self {
        match Self::from_ron_str(EMBEDDED_CATALOG, "assets/pricing.ron (embedded)") {
            Ok(catalog) => catalog,
            // The embedded copy is checked by a unit test; reaching this is a build defect.
            Err(e) => unreachable!("embedded pricing catalog is invalid: {e}"),
        }
    }

    /// Reads a catalog from a file.
    pub fn load(path: &Path) -> Result<Self, CatalogError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| CatalogError::Io { path: path.display().to_string(), source })?;
        Self::from_ron_str(&text, &path.display().to_string())
    }

    /// Parses and checks a catalog; `origin` names it in error messages.
    pub fn from_ron_str(text: &str, origin: &str) -> Result<Self, CatalogError> {
        let catalog: Self = ron::from_str(text).map_err(|e| SyntaxError::from_ron(&e, origin))?;
        catalog.check().map_err(|message| CatalogError::Invalid { origin: origin.to_owned(), message })?;
        Ok(catalog)
    }

    fn check(&self) -> Result<(), String> {
        let price = |what: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(format!("{what} must be a price of 0 or more, not {v}"))
            }
        };
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.instance_types {
            if !seen.insert(t.name.as_str()) {
                return Err(format!("instance type {} is listed twice", t.name));
            }
            price(&format!("instance type {}: on_demand_per_hour", t.name), t.on_demand_per_hour)?;
            if t.vcpu == 0 {
                return Err(format!("instance type {}: vcpu must be at least 1", t.name));
            }
            if !(t.memory_gib.is_finite() && t.memory_gib > 0.0) {
                return Err(format!("instance type {}: memory_gib must be above 0", t.name));
            }
        }
        let b = &self.balancer;
        price("balancer.per_hour", b.per_hour)?;
        price("balancer.per_lcu_hour", b.per_lcu_hour)?;
        for (what, v) in [
            ("balancer.lcu_new_connections_per_sec", b.lcu_new_connections_per_sec),
            ("balancer.lcu_active_connections_per_min", b.lcu_active_connections_per_min),
            ("balancer.lcu_processed_gb_per_hour", b.lcu_processed_gb_per_hour),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("{what} must be above 0"));
            }
        }
        price("queue.standard_per_million_requests", self.queue.standard_per_million_requests)?;
        price("queue.fifo_per_million_requests", self.queue.fifo_per_million_requests)?;
        price("topic.publish_per_million_requests", self.topic.publish_per_million_requests)?;
        price("topic.http_delivery_per_million", self.topic.http_delivery_per_million)?;
        price("function.per_million_requests", self.function.per_million_requests)?;
        price("function.x86_per_gb_second", self.function.x86_per_gb_second)?;
        price("function.arm_per_gb_second", self.function.arm_per_gb_second)?;
        if self.queue.chunk_bytes == 0 || self.topic.chunk_bytes == 0 {
            return Err("chunk_bytes must be at least 1".to_owned());
        }
        Ok(())
    }

    /// The instance type with this name.
    pub fn instance_type(&self, name: &str) -> Option<&InstanceType> {
        self.instance_types.iter().find(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_parses_and_has_the_reference_prices() {
        let c = Catalog::from_ron_str(EMBEDDED_CATALOG, "embedded").unwrap();
        assert_eq!(c.instance_type("m5.large").unwrap().on_demand_per_hour, 0.096);
        assert_eq!(c.instance_type("t3.medium").unwrap().on_demand_per_hour, 0.0416);
        assert_eq!(c.balancer.per_hour, 0.0225);
        assert_eq!(c.function.x86_per_gb_second, 0.000_016_666_7);
    }

    #[test]
    fn negative_price_is_refused_with_the_type_named() {
        let text = EMBEDDED_CATALOG.replace("on_demand_per_hour: 0.096", "on_demand_per_hour: -0.096");
        let err = Catalog::from_ron_str(&text, "bad.ron").unwrap_err().to_string();
        assert!(err.contains("m5.large") && err.contains("price"), "{err}");
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let err = Catalog::from_ron_str("(region: 1)", "bad.ron").unwrap_err().to_string();
        assert!(err.starts_with("bad.ron:1:"), "{err}");
    }
}
