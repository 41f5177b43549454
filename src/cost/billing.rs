//! The billing formulas: simulated usage in, dollars out.
//!
//! The engine records usage (instance running time, balancer traffic per hour, queue and topic
//! requests, function invocations and GB-seconds) in [`NodeUsage`]; [`Bill::compute`] prices it
//! with a [`Catalog`]. Keeping the two apart means the formulas are plain functions that tests
//! check against the published examples.

use super::catalog::Catalog;
use std::collections::BTreeMap;

/// Seconds in an hour.
const HOUR_SECS: f64 = 3600.0;
/// EC2 Linux bills each launch for at least a minute.
pub const INSTANCE_MINIMUM_SECS: f64 = 60.0;

/// Traffic through a balancer during one clock hour of simulated time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BalancerHour {
    /// New connections opened (one per request: clients do not keep connections alive here).
    pub new_connections: u64,
    /// Connection-seconds: the integral of open connections over the hour.
    pub connection_secs: f64,
    /// Bytes through the balancer, both directions.
    pub processed_bytes: u64,
}

impl BalancerHour {
    /// LCU-hours used in this hour: the largest of the three dimensions, each as a share of what
    /// one LCU covers for an hour.
    pub fn lcu_hours(&self, catalog: &Catalog) -> f64 {
        let rates = &catalog.balancer;
        let by_new = self.new_connections as f64 / (rates.lcu_new_connections_per_sec * HOUR_SECS);
        // 3,000 active connections per minute means 3,000 connections open on average.
        let by_active = self.connection_secs / (rates.lcu_active_connections_per_min * HOUR_SECS);
        let by_bytes = self.processed_bytes as f64 / 1e9 / rates.lcu_processed_gb_per_hour;
        by_new.max(by_active).max(by_bytes)
    }
}

/// What one node used, as the engine recorded it.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeUsage {
    /// Clients cost nothing.
    Free,
    /// EC2 instances: one entry per launch (a change of instance type is a stop and a new launch).
    Instances(Vec<InstanceRun>),
    /// A load balancer.
    Balancer {
        /// Seconds the balancer has existed.
        existed_secs: f64,
        /// Traffic per clock hour, oldest first.
        hours: Vec<BalancerHour>,
    },
    /// A queue.
    Queue {
        /// FIFO queues cost more per request.
        fifo: bool,
        /// Billable requests (send, receive, delete; each 64 KB chunk counts once).
        billable_requests: u64,
    },
    /// A topic.
    Topic {
        /// Billable publish requests (each 64 KB chunk counts once).
        billable_publishes: u64,
        /// Deliveries to HTTP endpoints (instance subscribers).
        http_deliveries: u64,
    },
    /// A function.
    Function {
        /// Invocations started.
        invocations: u64,
        /// Memory (GB = MB / 1024) × billed duration (rounded up to 1 ms), summed, on `x86_64`.
        gb_seconds_x86: f64,
        /// The same on arm64 (the architecture can change during a run).
        gb_seconds_arm: f64,
    },
}

/// One launch of one EC2 instance.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceRun {
    /// Instance type name in the catalog.
    pub instance_type: String,
    /// Seconds it has run (so far, or until it was stopped).
    pub running_secs: f64,
}

impl InstanceRun {
    /// `count` launches of `instance_type`, each running `secs`.
    pub fn many(instance_type: &str, secs: f64, count: usize) -> Vec<Self> {
        vec![Self { instance_type: instance_type.to_owned(), running_secs: secs }; count]
    }
}

/// The service name a node's cost is listed under.
pub fn service_name(usage: &NodeUsage) -> &'static str {
    match usage {
        NodeUsage::Free => "none",
        NodeUsage::Instances { .. } => "EC2",
        NodeUsage::Balancer { .. } => "Elastic Load Balancing",
        NodeUsage::Queue { .. } => "SQS",
        NodeUsage::Topic { .. } => "SNS",
        NodeUsage::Function { .. } => "Lambda",
    }
}

/// Requests a payload of `bytes` is billed as: one per started chunk, at least one.
pub fn chunked_requests(bytes: u32, chunk_bytes: u32) -> u64 {
    u64::from(bytes.div_ceil(chunk_bytes.max(1)).max(1))
}

/// Billed duration of a function run: rounded up to the next whole millisecond.
pub fn billed_function_ms(duration_ms: f64) -> f64 {
    // A tiny tolerance so that 200 ms computed as 200.0000000001 is not billed as 201 ms.
    (duration_ms - 1e-9).ceil().max(0.0)
}

/// The GB-seconds of one function run.
pub fn function_gb_seconds(memory_mb: u32, duration_ms: f64) -> f64 {
    f64::from(memory_mb) / 1024.0 * billed_function_ms(duration_ms) / 1000.0
}

/// Cost of one node's usage.
pub fn node_cost(usage: &NodeUsage, catalog: &Catalog) -> f64 {
    match usage {
        NodeUsage::Free => 0.0,
        NodeUsage::Instances(runs) => runs
            .iter()
            .map(|run| {
                let per_hour = catalog.instance_type(&run.instance_type).map_or(0.0, |t| t.on_demand_per_hour);
                run.running_secs.max(INSTANCE_MINIMUM_SECS) * per_hour / HOUR_SECS
            })
            .sum(),
        NodeUsage::Balancer { existed_secs, hours } => {
            let rates = &catalog.balancer;
            // Each partial hour is billed as a full hour.
            let billed_hours = (existed_secs / HOUR_SECS - 1e-9).ceil().max(0.0);
            let lcu_hours: f64 = hours.iter().map(|h| h.lcu_hours(catalog)).sum();
            billed_hours * rates.per_hour + lcu_hours * rates.per_lcu_hour
        }
        NodeUsage::Queue { fifo, billable_requests } => {
            let rate = if *fifo {
                catalog.queue.fifo_per_million_requests
            } else {
                catalog.queue.standard_per_million_requests
            };
            *billable_requests as f64 / 1e6 * rate
        }
        NodeUsage::Topic { billable_publishes, http_deliveries } => {
            *billable_publishes as f64 / 1e6 * catalog.topic.publish_per_million_requests
                + *http_deliveries as f64 / 1e6 * catalog.topic.http_delivery_per_million
        }
        NodeUsage::Function { invocations, gb_seconds_x86, gb_seconds_arm } => {
            let rates = &catalog.function;
            *invocations as f64 / 1e6 * rates.per_million_requests
                + gb_seconds_x86 * rates.x86_per_gb_second
                + gb_seconds_arm * rates.arm_per_gb_second
        }
    }
}

/// A priced bill.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bill {
    /// Total in dollars.
    pub total: f64,
    /// Cost of each node, in the order given.
    pub by_node: Vec<f64>,
    /// Cost per service name.
    pub by_service: BTreeMap<&'static str, f64>,
}

impl Bill {
    /// Prices every node's usage.
    pub fn compute<'a>(usages: impl IntoIterator<Item = &'a NodeUsage>, catalog: &Catalog) -> Self {
        let mut bill = Self::default();
        for usage in usages {
            let cost = node_cost(usage, catalog);
            bill.total += cost;
            bill.by_node.push(cost);
            if !matches!(usage, NodeUsage::Free) {
                *bill.by_service.entry(service_name(usage)).or_default() += cost;
            }
        }
        bill
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::embedded()
    }

    #[test]
    fn worked_example_a_four_m5_large_and_an_alb_for_a_month() {
        // pricing reference §9(a): 4 × 0.096 × 730 + 0.0225 × 730 + 1 LCU × 0.008 × 730 = 302.585.
        let c = catalog();
        let month = 730.0 * HOUR_SECS;
        let ec2 = NodeUsage::Instances(InstanceRun::many("m5.large", month, 4));
        // One LCU for every hour: 25 new connections a second.
        let hour = BalancerHour { new_connections: 25 * 3600, connection_secs: 0.0, processed_bytes: 0 };
        let alb = NodeUsage::Balancer { existed_secs: month, hours: vec![hour; 730] };
        let bill = Bill::compute([&ec2, &alb], &c);
        assert!((bill.by_node[0] - 280.32).abs() < 1e-6, "{}", bill.by_node[0]);
        assert!((bill.total - 302.585).abs() < 1e-6, "{}", bill.total);
    }

    #[test]
    fn instance_is_billed_per_second_with_a_one_minute_minimum() {
        let c = catalog();
        let cost = |secs: f64| node_cost(&NodeUsage::Instances(InstanceRun::many("m5.large", secs, 1)), &c);
        assert!((cost(10.0) - 60.0 * 0.096 / 3600.0).abs() < 1e-12);
        assert!((cost(61.0) - 61.0 * 0.096 / 3600.0).abs() < 1e-12);
    }

    #[test]
    fn balancer_partial_hour_is_a_full_hour() {
        let c = catalog();
        let idle = |secs: f64| node_cost(&NodeUsage::Balancer { existed_secs: secs, hours: vec![] }, &c);
        assert!((idle(60.0) - 0.0225).abs() < 1e-12);
        assert!((idle(3600.0) - 0.0225).abs() < 1e-12);
        assert!((idle(3601.0) - 0.045).abs() < 1e-12);
    }

    #[test]
    fn worked_example_b_lambda_without_free_tier() {
        // 10 M invocations, 512 MB, 200 ms → 1,000,000 GB-s; $2.00 + $16.6667 = $18.67.
        let c = catalog();
        let gb_s = function_gb_seconds(512, 200.0) * 10e6;
        assert!((gb_s - 1e6).abs() < 1e-3);
        let usage = NodeUsage::Function { invocations: 10_000_000, gb_seconds_x86: gb_s, gb_seconds_arm: 0.0 };
        assert!((node_cost(&usage, &c) - 18.6667).abs() < 0.005);
        let arm = NodeUsage::Function { invocations: 10_000_000, gb_seconds_x86: 0.0, gb_seconds_arm: gb_s };
        assert!((node_cost(&arm, &c) - 15.3334).abs() < 0.005);
    }

    #[test]
    fn lambda_duration_rounds_up_to_the_millisecond() {
        assert_eq!(billed_function_ms(0.2), 1.0);
        assert_eq!(billed_function_ms(200.0), 200.0);
        assert_eq!(billed_function_ms(200.01), 201.0);
    }

    #[test]
    fn worked_example_c_sqs_chunks() {
        let c = catalog();
        assert_eq!(chunked_requests(1024, 65_536), 1);
        assert_eq!(chunked_requests(65_536, 65_536), 1);
        assert_eq!(chunked_requests(100 * 1024, 65_536), 2);
        let cost = |fifo, n| node_cost(&NodeUsage::Queue { fifo, billable_requests: n }, &c);
        assert!((cost(false, 100_000_000) - 40.0).abs() < 1e-9);
        assert!((cost(true, 100_000_000) - 50.0).abs() < 1e-9);
        assert!((cost(false, 200_000_000) - 80.0).abs() < 1e-9);
    }
}
