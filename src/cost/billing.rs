//! The billing formulas: simulated usage in, dollars out.
//!
//! The engine records usage (instance running time, balancer traffic per hour, queue and topic
//! requests, function invocations and GB-seconds) in [`NodeUsage`]; [`Bill::compute`] prices it
//! with a [`Catalog`]. Keeping the two apart means the formulas are plain functions that tests
//! check against the published examples.

use super::catalog::Catalog;
use crate::model::{OptionKind, PurchaseOption};
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
    /// Bytes through the balancer to and from instance targets, both directions.
    pub processed_bytes: u64,
    /// Bytes to and from function (Lambda) targets, which count more per GB.
    pub lambda_bytes: u64,
    /// Rule evaluations beyond the free ones per request.
    pub rule_evaluations: u64,
}

impl BalancerHour {
    /// LCU-hours used in this hour: the largest of the four dimensions, each as a share of what
    /// one LCU covers for an hour.
    pub fn lcu_hours(&self, catalog: &Catalog) -> f64 {
        let rates = &catalog.balancer;
        let by_new = self.new_connections as f64 / (rates.lcu_new_connections_per_sec * HOUR_SECS);
        // 3,000 active connections per minute means 3,000 connections open on average.
        let by_active = self.connection_secs / (rates.lcu_active_connections_per_min * HOUR_SECS);
        let by_bytes = self.processed_bytes as f64 / 1e9 / rates.lcu_processed_gb_per_hour
            + self.lambda_bytes as f64 / 1e9 / rates.lcu_processed_gb_per_hour_lambda;
        let by_rules = self.rule_evaluations as f64 / (rates.lcu_rule_evaluations_per_sec * HOUR_SECS);
        by_new.max(by_active).max(by_bytes).max(by_rules)
    }
}

/// What one node used, as the engine recorded it.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeUsage {
    /// A client: the answers it received came out of AWS to the internet.
    Client {
        /// Bytes of answers (data transfer out).
        bytes_out: u64,
    },
    /// EC2 instances, line by line.
    Instances(Vec<InstanceLine>),
    /// A load balancer.
    Balancer {
        /// Seconds the balancer has existed.
        existed_secs: f64,
        /// Traffic per clock hour, oldest first (the engine keeps the last few hours open and
        /// folds older ones into `closed_lcu_hours`).
        hours: Vec<BalancerHour>,
        /// LCU-hours of the hours already closed.
        closed_lcu_hours: f64,
        /// Multiplies the LCU-hours (1; more when a run is projected to a month).
        lcu_scale: f64,
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
    /// A container service: its Fargate tasks, its cluster's EC2 instances, its EKS control plane.
    Containers(ContainerUsage),
}

/// What a container service used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerUsage {
    /// Fargate: each task's run, billed by its requested size.
    pub tasks: Vec<TaskRun>,
    /// EC2 launch type: the cluster's instances, billed as an instance node's machines.
    pub hosts: Vec<InstanceLine>,
    /// Hours of an EKS control plane in standard support, and in extended support.
    pub eks_hours: f64,
    pub eks_extended_hours: f64,
}

/// One run of one Fargate task, from the start of its image download to its stop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskRun {
    /// Seconds it has run (so far, or until it stopped).
    pub running_secs: f64,
    /// Requested vCPU and memory (GB), as billed (EKS pods already rounded up).
    pub vcpu: f64,
    pub memory_gb: f64,
    /// Ephemeral storage, GB (20 are included).
    pub storage_gb: f64,
    /// On Graviton (arm64).
    pub arm: bool,
    /// On Fargate Spot.
    pub spot: bool,
}

impl TaskRun {
    /// The task's price per hour of running.
    pub fn per_hour(&self, catalog: &Catalog) -> f64 {
        let r = &catalog.containers;
        let (per_vcpu, per_gb) = if self.arm {
            (r.fargate_arm_per_vcpu_hour, r.fargate_arm_per_gb_hour)
        } else {
            (r.fargate_x86_per_vcpu_hour, r.fargate_x86_per_gb_hour)
        };
        let storage = (self.storage_gb - crate::model::containers::FARGATE_INCLUDED_STORAGE_GB).max(0.0);
        let full = self.vcpu * per_vcpu + self.memory_gb * per_gb + storage * r.fargate_storage_per_gb_hour;
        if self.spot { full * (1.0 - r.fargate_spot_discount) } else { full }
    }

    /// What the run costs: whole seconds (rounded up), at least the minimum.
    pub fn cost(&self, catalog: &Catalog) -> f64 {
        let secs = (self.running_secs - 1e-9).ceil().max(catalog.containers.fargate_minimum_secs);
        secs / HOUR_SECS * self.per_hour(catalog)
    }
}

impl ContainerUsage {
    /// The cost by service: Fargate, EC2 (the cluster's instances) and EKS.
    pub fn by_service(&self, catalog: &Catalog) -> [(Service, f64); 3] {
        [
            (Service::Fargate, self.tasks.iter().map(|t| t.cost(catalog)).sum()),
            (Service::Ec2, self.hosts.iter().map(|l| l.cost(catalog).0).sum()),
            (Service::Eks, self.eks_cost(catalog)),
        ]
    }

    /// What the EKS control plane cost.
    pub fn eks_cost(&self, catalog: &Catalog) -> f64 {
        let r = &catalog.containers;
        self.eks_hours * r.eks_per_cluster_hour + self.eks_extended_hours * r.eks_extended_per_cluster_hour
    }
}

/// One line of an instance node's bill.
#[derive(Debug, Clone, PartialEq)]
pub enum InstanceLine {
    /// One launch of one machine, billed by running time with a 60-second minimum, at the rate of
    /// `option` (on demand, savings plan or spot).
    Launch {
        /// Instance type name in the catalog.
        instance_type: String,
        /// How it is paid for.
        option: PurchaseOption,
        /// Seconds it has run (so far, or until it stopped).
        running_secs: f64,
    },
    /// Capacity paid by the hour whether used or not: reserved instances, dedicated hosts,
    /// on-premises servers. `unit_hours` counts instances, hosts or servers × hours.
    Committed {
        /// Instance type name in the catalog.
        instance_type: String,
        /// How it is paid for.
        option: PurchaseOption,
        /// Units × hours.
        unit_hours: f64,
    },
    /// Running time beyond a reservation, billed on demand (per second, without a minimum).
    Overflow {
        /// Instance type name in the catalog.
        instance_type: String,
        /// Machine-seconds beyond the reservation.
        running_secs: f64,
    },
}

impl InstanceLine {
    /// A launch billed on demand.
    pub fn on_demand(instance_type: &str, running_secs: f64) -> Self {
        Self::Launch { instance_type: instance_type.to_owned(), option: PurchaseOption::OnDemand, running_secs }
    }

    /// The cost of the line and the purchase option it counts under.
    pub fn cost(&self, catalog: &Catalog) -> (f64, OptionKind) {
        let on_demand = |t: &str| catalog.instance_type(t).map_or(0.0, |t| t.on_demand_per_hour);
        match self {
            Self::Launch { instance_type, option, running_secs } => {
                let t = instance_type.as_str();
                let rate = catalog.machine_per_hour(t, option).unwrap_or_else(|| on_demand(t));
                (running_secs.max(INSTANCE_MINIMUM_SECS) * rate / HOUR_SECS, option.kind())
            }
            Self::Committed { instance_type, option, unit_hours } => {
                let t = instance_type.as_str();
                let rate = match option {
                    PurchaseOption::DedicatedHost => catalog.dedicated_host(t).map_or(0.0, |h| h.on_demand_per_hour),
                    other => catalog.machine_per_hour(t, other).unwrap_or_else(|| on_demand(t)),
                };
                (unit_hours * rate, option.kind())
            }
            Self::Overflow { instance_type, running_secs } => {
                (running_secs * on_demand(instance_type) / HOUR_SECS, OptionKind::OnDemand)
            }
        }
    }
}

impl NodeUsage {
    /// The same usage `factor` times as long: running time, capacity-hours, requests, bytes and
    /// GB-seconds scale; minimums and partial hours are worked out anew.
    #[must_use]
    pub fn scaled(&self, factor: f64) -> Self {
        let n = |v: u64| (v as f64 * factor).round() as u64;
        match self {
            Self::Client { bytes_out } => Self::Client { bytes_out: n(*bytes_out) },
            Self::Instances(lines) => Self::Instances(scaled_lines(lines, factor)),
            Self::Balancer { existed_secs, hours, closed_lcu_hours, lcu_scale } => Self::Balancer {
                existed_secs: existed_secs * factor,
                hours: hours.clone(),
                closed_lcu_hours: *closed_lcu_hours,
                lcu_scale: lcu_scale * factor,
            },
            Self::Queue { fifo, billable_requests } => {
                Self::Queue { fifo: *fifo, billable_requests: n(*billable_requests) }
            }
            Self::Topic { billable_publishes, http_deliveries } => {
                Self::Topic { billable_publishes: n(*billable_publishes), http_deliveries: n(*http_deliveries) }
            }
            Self::Function { invocations, gb_seconds_x86, gb_seconds_arm } => Self::Function {
                invocations: n(*invocations),
                gb_seconds_x86: gb_seconds_x86 * factor,
                gb_seconds_arm: gb_seconds_arm * factor,
            },
            Self::Containers(u) => Self::Containers(ContainerUsage {
                tasks: u.tasks.iter().map(|t| TaskRun { running_secs: t.running_secs * factor, ..*t }).collect(),
                hosts: scaled_lines(&u.hosts, factor),
                eks_hours: u.eks_hours * factor,
                eks_extended_hours: u.eks_extended_hours * factor,
            }),
        }
    }
}

/// Instance lines `factor` times as long.
fn scaled_lines(lines: &[InstanceLine], factor: f64) -> Vec<InstanceLine> {
    lines
        .iter()
        .map(|l| match l {
            InstanceLine::Launch { instance_type, option, running_secs } => InstanceLine::Launch {
                instance_type: instance_type.clone(),
                option: option.clone(),
                running_secs: running_secs * factor,
            },
            InstanceLine::Committed { instance_type, option, unit_hours } => InstanceLine::Committed {
                instance_type: instance_type.clone(),
                option: option.clone(),
                unit_hours: unit_hours * factor,
            },
            InstanceLine::Overflow { instance_type, running_secs } => {
                InstanceLine::Overflow { instance_type: instance_type.clone(), running_secs: running_secs * factor }
            }
        })
        .collect()
}

/// An AWS service a bill has lines for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// EC2 instances (and dedicated hosts, and owned servers).
    Ec2,
    /// Application load balancers.
    LoadBalancing,
    /// Queues.
    Sqs,
    /// Topics.
    Sns,
    /// Functions.
    Lambda,
    /// Container tasks on AWS Fargate.
    Fargate,
    /// EKS control planes.
    Eks,
    /// Data out to the internet.
    DataTransfer,
}

impl Service {
    /// Every service, in the order bills and charts list them.
    pub const ALL: [Self; 8] = [
        Self::Ec2,
        Self::Fargate,
        Self::Eks,
        Self::LoadBalancing,
        Self::Sqs,
        Self::Sns,
        Self::Lambda,
        Self::DataTransfer,
    ];

    /// The name reports use (and AWS bills): "Elastic Load Balancing".
    pub fn name(self) -> &'static str {
        match self {
            Self::Ec2 => "EC2",
            Self::LoadBalancing => "Elastic Load Balancing",
            Self::Sqs => "SQS",
            Self::Sns => "SNS",
            Self::Lambda => "Lambda",
            Self::Fargate => "Fargate",
            Self::Eks => "EKS",
            Self::DataTransfer => "Data transfer",
        }
    }

    /// A shorter name for a chart's legend: "Load balancing".
    pub fn short_name(self) -> &'static str {
        match self {
            Self::LoadBalancing => "Load balancing",
            Self::Ec2 | Self::Sqs | Self::Sns | Self::Lambda | Self::Fargate | Self::Eks | Self::DataTransfer => {
                self.name()
            }
        }
    }

    /// The service a node's cost is listed under (a container service's is split: see
    /// [`ContainerUsage::by_service`]; this is its main one).
    pub fn of(usage: &NodeUsage) -> Self {
        match usage {
            NodeUsage::Client { .. } => Self::DataTransfer,
            NodeUsage::Instances { .. } => Self::Ec2,
            NodeUsage::Balancer { .. } => Self::LoadBalancing,
            NodeUsage::Queue { .. } => Self::Sqs,
            NodeUsage::Topic { .. } => Self::Sns,
            NodeUsage::Function { .. } => Self::Lambda,
            NodeUsage::Containers(u) if u.tasks.is_empty() && !u.hosts.is_empty() => Self::Ec2,
            NodeUsage::Containers(_) => Self::Fargate,
        }
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

/// Balancer hours billed for `existed_secs`: each partial hour as a full hour.
fn balancer_hours(existed_secs: f64) -> f64 {
    (existed_secs / HOUR_SECS - 1e-9).ceil().max(0.0)
}

/// Quantities the free tier applies to, and their unit prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Allowance {
    FunctionRequests,
    FunctionGbSeconds,
    QueueRequests,
    TopicPublishes,
    TopicHttp,
    BalancerHours,
    BalancerLcuHours,
    DataOutGb,
}

impl Allowance {
    fn monthly(self, f: &super::catalog::FreeTier) -> f64 {
        match self {
            Self::FunctionRequests => f.function_requests,
            Self::FunctionGbSeconds => f.function_gb_seconds,
            Self::QueueRequests => f.queue_requests,
            Self::TopicPublishes => f.topic_publishes,
            Self::TopicHttp => f.topic_http_deliveries,
            Self::BalancerHours => f.balancer_hours,
            Self::BalancerLcuHours => f.balancer_lcu_hours,
            Self::DataOutGb => f.data_transfer_out_gb,
        }
    }
}

/// What a node used that the free tier can cover: (allowance, units, price per unit).
fn covered_units(usage: &NodeUsage, catalog: &Catalog) -> Vec<(Allowance, f64, f64)> {
    match usage {
        NodeUsage::Client { bytes_out } => {
            vec![(Allowance::DataOutGb, *bytes_out as f64 / 1e9, catalog.data_transfer.out_per_gb)]
        }
        NodeUsage::Instances(_) | NodeUsage::Containers(_) => Vec::new(),
        NodeUsage::Balancer { existed_secs, hours, closed_lcu_hours, lcu_scale } => {
            let r = &catalog.balancer;
            let lcu: f64 = (closed_lcu_hours + hours.iter().map(|h| h.lcu_hours(catalog)).sum::<f64>()) * lcu_scale;
            vec![
                (Allowance::BalancerHours, balancer_hours(*existed_secs), r.per_hour),
                (Allowance::BalancerLcuHours, lcu, r.per_lcu_hour),
            ]
        }
        NodeUsage::Queue { fifo, billable_requests } => {
            let r = &catalog.queue;
            let rate = if *fifo { r.fifo_per_million_requests } else { r.standard_per_million_requests };
            vec![(Allowance::QueueRequests, *billable_requests as f64, rate / 1e6)]
        }
        NodeUsage::Topic { billable_publishes, http_deliveries } => {
            let r = &catalog.topic;
            vec![
                (Allowance::TopicPublishes, *billable_publishes as f64, r.publish_per_million_requests / 1e6),
                (Allowance::TopicHttp, *http_deliveries as f64, r.http_delivery_per_million / 1e6),
            ]
        }
        NodeUsage::Function { invocations, gb_seconds_x86, gb_seconds_arm } => {
            let r = &catalog.function;
            vec![
                (Allowance::FunctionRequests, *invocations as f64, r.per_million_requests / 1e6),
                (Allowance::FunctionGbSeconds, *gb_seconds_x86, r.x86_per_gb_second),
                (Allowance::FunctionGbSeconds, *gb_seconds_arm, r.arm_per_gb_second),
            ]
        }
    }
}

/// Cost of one node's usage, before any free tier.
pub fn node_cost(usage: &NodeUsage, catalog: &Catalog) -> f64 {
    match usage {
        NodeUsage::Instances(lines) => lines.iter().map(|l| l.cost(catalog).0).sum(),
        NodeUsage::Containers(u) => u.by_service(catalog).iter().map(|(_, c)| c).sum(),
        other => covered_units(other, catalog).iter().map(|(_, units, price)| units * price).sum(),
    }
}

/// How a bill is worked out.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BillOptions {
    /// Apply the free tier's monthly allowances.
    pub free_tier: bool,
    /// Hours the usage covers: the allowances apply once per started 730-hour month.
    pub hours: f64,
}

/// A priced bill.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bill {
    /// Total in dollars.
    pub total: f64,
    /// Cost of each node, in the order given (free tier taken off).
    pub by_node: Vec<f64>,
    /// Cost per service name.
    pub by_service: BTreeMap<Service, f64>,
    /// EC2 cost per purchase option (`on_demand`, `reserved`, …).
    pub by_purchase_option: BTreeMap<OptionKind, f64>,
    /// What the free tier took off.
    pub free_tier_savings: f64,
}

impl Bill {
    /// Prices every node's usage.
    pub fn compute<'a>(
        usages: impl IntoIterator<Item = &'a NodeUsage>,
        catalog: &Catalog,
        options: BillOptions,
    ) -> Self {
        let usages: Vec<&NodeUsage> = usages.into_iter().collect();
        let mut bill = Self::default();
        // The free tier: each allowance is shared by the nodes that use it, in proportion.
        let mut used: BTreeMap<Allowance, f64> = BTreeMap::new();
        if options.free_tier {
            for usage in &usages {
                for (allowance, units, _) in covered_units(usage, catalog) {
                    *used.entry(allowance).or_default() += units;
                }
            }
        }
        let months = (options.hours / 730.0 - 1e-9).ceil().max(1.0);
        let free_share = |a: Allowance| {
            let total = used.get(&a).copied().unwrap_or(0.0);
            if total > 0.0 { (a.monthly(&catalog.free_tier) * months / total).min(1.0) } else { 0.0 }
        };
        for usage in usages {
            let mut cost = node_cost(usage, catalog);
            if options.free_tier {
                let credit: f64 =
                    covered_units(usage, catalog).iter().map(|&(a, units, price)| units * free_share(a) * price).sum();
                bill.free_tier_savings += credit;
                cost -= credit;
            }
            let cost = cost.max(0.0);
            bill.total += cost;
            bill.by_node.push(cost);
            let lines = match usage {
                NodeUsage::Instances(lines) => lines.as_slice(),
                NodeUsage::Containers(u) => u.hosts.as_slice(),
                NodeUsage::Client { .. }
                | NodeUsage::Balancer { .. }
                | NodeUsage::Queue { .. }
                | NodeUsage::Topic { .. }
                | NodeUsage::Function { .. } => &[],
            };
            for line in lines {
                let (c, option) = line.cost(catalog);
                *bill.by_purchase_option.entry(option).or_default() += c;
            }
            if let NodeUsage::Containers(u) = usage {
                // No free tier for containers: the parts add up to the node's cost.
                for (service, c) in u.by_service(catalog) {
                    if c > 0.0 {
                        *bill.by_service.entry(service).or_default() += c;
                    }
                }
            } else if cost > 0.0 || !matches!(usage, NodeUsage::Client { .. }) {
                *bill.by_service.entry(Service::of(usage)).or_default() += cost;
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
        let ec2 = NodeUsage::Instances(vec![InstanceLine::on_demand("m5.large", month); 4]);
        // One LCU for every hour: 25 new connections a second.
        let hour = BalancerHour { new_connections: 25 * 3600, ..BalancerHour::default() };
        let alb =
            NodeUsage::Balancer { existed_secs: month, hours: vec![hour; 730], closed_lcu_hours: 0.0, lcu_scale: 1.0 };
        let bill = Bill::compute([&ec2, &alb], &c, BillOptions::default());
        assert!((bill.by_node[0] - 280.32).abs() < 1e-6, "{}", bill.by_node[0]);
        assert!((bill.total - 302.585).abs() < 1e-6, "{}", bill.total);
    }

    #[test]
    fn instance_is_billed_per_second_with_a_one_minute_minimum() {
        let c = catalog();
        let cost = |secs: f64| node_cost(&NodeUsage::Instances(vec![InstanceLine::on_demand("m5.large", secs)]), &c);
        assert!((cost(10.0) - 60.0 * 0.096 / 3600.0).abs() < 1e-12);
        assert!((cost(61.0) - 61.0 * 0.096 / 3600.0).abs() < 1e-12);
    }

    #[test]
    fn balancer_partial_hour_is_a_full_hour() {
        let c = catalog();
        let idle = |secs: f64| {
            node_cost(
                &NodeUsage::Balancer { existed_secs: secs, hours: vec![], closed_lcu_hours: 0.0, lcu_scale: 1.0 },
                &c,
            )
        };
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
