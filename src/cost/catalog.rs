//! The pricing catalog: instance types and service rates with their sources.

use crate::model::file::SyntaxError;
use crate::model::{Payment, PurchaseOption, ReservedClass, SavingsPlanKind};
use serde::{Deserialize, Serialize};
use std::path::Path;
use thiserror::Error;

/// The most vCPUs an instance type may have (the largest EC2 types have 448): it is the default
/// number of workers per machine, so it bounds what one machine holds.
pub const MAX_VCPU: u32 = 1024;
/// The most memory an instance type may have, in GiB (the largest EC2 types have 24,576).
pub const MAX_MEMORY_GIB: f64 = 100_000.0;
/// The highest price any line of a catalog may have, in dollars per unit: far above any published
/// price, low enough that no bill of a bounded run can overflow.
pub const MAX_PRICE_USD: f64 = 1_000_000.0;

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
    /// The file cannot be read as text (a device, a pipe, too large).
    #[error(transparent)]
    File(#[from] crate::model::file::FileError),
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
    /// …or this many gigabytes processed per hour for instance targets…
    pub lcu_processed_gb_per_hour: f64,
    /// …or this many for Lambda targets…
    pub lcu_processed_gb_per_hour_lambda: f64,
    /// …or this many rule evaluations per second (the largest of them is billed).
    pub lcu_rule_evaluations_per_sec: f64,
    /// Rules processed per request that are free.
    pub free_rules_per_request: u32,
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

/// Container rates: AWS Fargate per vCPU-hour and GB-hour (billed per second with a minimum),
/// Fargate Spot's discount, and the EKS control plane per cluster-hour. ECS itself is free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerRates {
    /// Fargate Linux/x86, per vCPU-hour.
    pub fargate_x86_per_vcpu_hour: f64,
    /// Fargate Linux/x86, per GB-hour of memory.
    pub fargate_x86_per_gb_hour: f64,
    /// Fargate Linux/ARM (Graviton), per vCPU-hour.
    pub fargate_arm_per_vcpu_hour: f64,
    /// Fargate Linux/ARM, per GB-hour.
    pub fargate_arm_per_gb_hour: f64,
    /// Ephemeral storage beyond the 20 GB included, per GB-hour.
    pub fargate_storage_per_gb_hour: f64,
    /// Each task is billed for at least this long.
    pub fargate_minimum_secs: f64,
    /// Fargate Spot's discount off the Fargate price (0.67: a third of the price).
    pub fargate_spot_discount: f64,
    /// Interruptions per Fargate Spot task-hour.
    pub fargate_spot_interruptions_per_hour: f64,
    /// The EKS control plane, per cluster-hour, on a Kubernetes version in standard support.
    pub eks_per_cluster_hour: f64,
    /// The same in extended support.
    pub eks_extended_per_cluster_hour: f64,
    /// Where the figures come from.
    pub source: String,
}

impl ContainerRates {
    /// The built-in catalog's rates, for catalogs written before containers: read from its
    /// `containers` section alone, so that the figures are written once, in `assets/pricing.ron`.
    pub fn published() -> Self {
        #[derive(Deserialize)]
        struct Section {
            containers: ContainerRates,
        }
        match ron::from_str::<Section>(EMBEDDED_CATALOG) {
            Ok(s) => ContainerRates {
                source: format!("built-in rates (the catalog file has none): {}", s.containers.source),
                ..s.containers
            },
            // The embedded copy is checked by a unit test; reaching this is a build defect.
            Err(e) => unreachable!("embedded pricing catalog has no valid containers section: {e}"),
        }
    }
}

/// One Reserved Instance offering, priced for the reference type; other types scale with their
/// on-demand price (an estimate: AWS prices each type, and the sources only give the reference).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReservedRate {
    /// Standard or convertible.
    pub class: ReservedClass,
    /// Length of the commitment.
    pub term_years: u32,
    /// How much is paid at the start.
    pub payment: Payment,
    /// Paid at the start, for one instance of the reference type.
    pub upfront_usd: f64,
    /// Paid per hour, for one instance of the reference type.
    pub recurring_per_hour: f64,
}

/// One Savings Plan offering, as a discount on the on-demand rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingsPlanRate {
    /// Compute or EC2 Instance.
    pub plan: SavingsPlanKind,
    /// Length of the commitment.
    pub term_years: u32,
    /// Share taken off the on-demand rate, 0 to 1.
    pub discount: f64,
    /// The figure is an estimate, not a published rate.
    pub estimate: bool,
}

/// Spot capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpotRates {
    /// Share taken off the on-demand rate, 0 to 1.
    pub discount: f64,
    /// Interruptions per machine-hour, unless a node sets its own.
    pub interruptions_per_hour: f64,
    /// Warning before an interrupted machine stops.
    pub notice_secs: f64,
    /// Where the figures come from.
    pub source: String,
}

/// A Dedicated Host of one instance family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DedicatedHostRate {
    /// The family, as the start of a type's name (`m5` for `m5.large`).
    pub family: String,
    /// vCPUs one host offers to instances.
    pub vcpus: u32,
    /// Per host-hour, on demand.
    pub on_demand_per_hour: f64,
    /// Where the figures come from.
    pub source: String,
}

/// Starting values for an on-premises server of a given size (the node can change them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnPremisesDefaults {
    /// Hardware price per vCPU of the server.
    pub hardware_usd_per_vcpu: f64,
    /// Years the hardware is written off over.
    pub amortisation_years: f64,
    /// Power, space, network and upkeep per vCPU-hour.
    pub running_usd_per_vcpu_hour: f64,
    /// Where the figures come from.
    pub source: String,
}

/// Everything but on-demand: reservations, savings plans, spot, hosts, on premises.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchaseRates {
    /// The instance type the reserved prices are given for.
    pub reserved_reference_type: String,
    /// Reserved Instance offerings for the reference type.
    pub reserved: Vec<ReservedRate>,
    /// Where the reserved prices come from.
    pub reserved_source: String,
    /// Savings Plan offerings.
    pub savings_plans: Vec<SavingsPlanRate>,
    /// Where the savings plan figures come from.
    pub savings_plans_source: String,
    /// Spot capacity.
    pub spot: SpotRates,
    /// Dedicated Hosts by family.
    pub dedicated_hosts: Vec<DedicatedHostRate>,
    /// Defaults for on-premises servers.
    pub on_premises: OnPremisesDefaults,
}

/// Data sent out to the internet (the answers to clients).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataTransferRates {
    /// Per GB out to the internet (first tier).
    pub out_per_gb: f64,
    /// Where the figures come from.
    pub source: String,
}

/// The monthly allowances of the AWS free tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreeTier {
    /// Lambda requests.
    pub function_requests: f64,
    /// Lambda GB-seconds (x86 and arm together).
    pub function_gb_seconds: f64,
    /// SQS requests (standard and FIFO together).
    pub queue_requests: f64,
    /// SNS publish requests.
    pub topic_publishes: f64,
    /// SNS deliveries to HTTP(S) endpoints.
    pub topic_http_deliveries: f64,
    /// Load balancer hours (12-month offer for new accounts).
    pub balancer_hours: f64,
    /// Load balancer LCU-hours (12-month offer for new accounts).
    pub balancer_lcu_hours: f64,
    /// GB out to the internet.
    pub data_transfer_out_gb: f64,
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
    /// Container rates (Fargate, EKS); catalogs without them take the published ones.
    #[serde(default = "ContainerRates::published")]
    pub containers: ContainerRates,
    /// Purchase options for instances.
    pub purchase: PurchaseRates,
    /// Data transfer out.
    pub data_transfer: DataTransferRates,
    /// Free-tier allowances (applied when the scenario asks).
    pub free_tier: FreeTier,
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
        let text = crate::model::file::read_text(path)?;
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
            if v.is_finite() && (0.0..=MAX_PRICE_USD).contains(&v) {
                Ok(())
            } else {
                Err(format!("{what} must be a price from 0 to 1,000,000, not {v}"))
            }
        };
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.instance_types {
            if !seen.insert(t.name.as_str()) {
                return Err(format!("instance type {} is listed twice", t.name));
            }
            price(&format!("instance type {}: on_demand_per_hour", t.name), t.on_demand_per_hour)?;
            if t.vcpu == 0 || t.vcpu > MAX_VCPU {
                return Err(format!("instance type {}: vcpu must be from 1 to {MAX_VCPU}, not {}", t.name, t.vcpu));
            }
            if !(t.memory_gib.is_finite() && t.memory_gib > 0.0 && t.memory_gib <= MAX_MEMORY_GIB) {
                return Err(format!("instance type {}: memory_gib must be above 0 and at most 100,000", t.name));
            }
        }
        let b = &self.balancer;
        price("balancer.per_hour", b.per_hour)?;
        price("balancer.per_lcu_hour", b.per_lcu_hour)?;
        for (what, v) in [
            ("balancer.lcu_new_connections_per_sec", b.lcu_new_connections_per_sec),
            ("balancer.lcu_active_connections_per_min", b.lcu_active_connections_per_min),
            ("balancer.lcu_processed_gb_per_hour", b.lcu_processed_gb_per_hour),
            ("balancer.lcu_processed_gb_per_hour_lambda", b.lcu_processed_gb_per_hour_lambda),
            ("balancer.lcu_rule_evaluations_per_sec", b.lcu_rule_evaluations_per_sec),
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
        let k = &self.containers;
        for (what, v) in [
            ("containers.fargate_x86_per_vcpu_hour", k.fargate_x86_per_vcpu_hour),
            ("containers.fargate_x86_per_gb_hour", k.fargate_x86_per_gb_hour),
            ("containers.fargate_arm_per_vcpu_hour", k.fargate_arm_per_vcpu_hour),
            ("containers.fargate_arm_per_gb_hour", k.fargate_arm_per_gb_hour),
            ("containers.fargate_storage_per_gb_hour", k.fargate_storage_per_gb_hour),
            ("containers.fargate_minimum_secs", k.fargate_minimum_secs),
            ("containers.fargate_spot_interruptions_per_hour", k.fargate_spot_interruptions_per_hour),
            ("containers.eks_per_cluster_hour", k.eks_per_cluster_hour),
            ("containers.eks_extended_per_cluster_hour", k.eks_extended_per_cluster_hour),
        ] {
            price(what, v)?;
        }
        share("containers.fargate_spot_discount", k.fargate_spot_discount)?;
        if self.queue.chunk_bytes == 0 || self.topic.chunk_bytes == 0 {
            return Err("chunk_bytes must be at least 1".to_owned());
        }
        self.check_purchase(&price)?;
        price("data_transfer.out_per_gb", self.data_transfer.out_per_gb)?;
        let f = &self.free_tier;
        for (what, v) in [
            ("function_requests", f.function_requests),
            ("function_gb_seconds", f.function_gb_seconds),
            ("queue_requests", f.queue_requests),
            ("topic_publishes", f.topic_publishes),
            ("topic_http_deliveries", f.topic_http_deliveries),
            ("balancer_hours", f.balancer_hours),
            ("balancer_lcu_hours", f.balancer_lcu_hours),
            ("data_transfer_out_gb", f.data_transfer_out_gb),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("free_tier.{what} must be 0 or more, not {v}"));
            }
        }
        Ok(())
    }

    fn check_purchase(&self, price: &dyn Fn(&str, f64) -> Result<(), String>) -> Result<(), String> {
        let p = &self.purchase;
        if self.instance_type(&p.reserved_reference_type).is_none() {
            return Err(format!(
                "purchase.reserved_reference_type: {} is not an instance type of this catalog",
                p.reserved_reference_type
            ));
        }
        for r in &p.reserved {
            let what = format!("reserved {:?} {} year {:?}", r.class, r.term_years, r.payment);
            price(&format!("{what}: upfront_usd"), r.upfront_usd)?;
            price(&format!("{what}: recurring_per_hour"), r.recurring_per_hour)?;
            if r.term_years == 0 {
                return Err(format!("{what}: term_years must be at least 1"));
            }
        }
        for s in &p.savings_plans {
            share(&format!("savings plan {:?} {} year: discount", s.plan, s.term_years), s.discount)?;
        }
        share("spot.discount", p.spot.discount)?;
        price("spot.interruptions_per_hour", p.spot.interruptions_per_hour)?;
        price("spot.notice_secs", p.spot.notice_secs)?;
        for h in &p.dedicated_hosts {
            price(&format!("dedicated host {}: on_demand_per_hour", h.family), h.on_demand_per_hour)?;
            if h.vcpus == 0 {
                return Err(format!("dedicated host {}: vcpus must be at least 1", h.family));
            }
        }
        let o = &p.on_premises;
        price("on_premises.hardware_usd_per_vcpu", o.hardware_usd_per_vcpu)?;
        price("on_premises.running_usd_per_vcpu_hour", o.running_usd_per_vcpu_hour)?;
        if !(o.amortisation_years.is_finite() && o.amortisation_years > 0.0) {
            return Err("on_premises.amortisation_years must be above 0".to_owned());
        }
        Ok(())
    }

    /// The instance type with this name.
    pub fn instance_type(&self, name: &str) -> Option<&InstanceType> {
        self.instance_types.iter().find(|t| t.name == name)
    }

    /// The effective hourly rate of one reserved instance of `type_name`: the upfront spread over
    /// the term (8,760 hours a year) plus the recurring rate, scaled from the reference type by
    /// on-demand price.
    pub fn reserved_per_hour(
        &self,
        type_name: &str,
        class: ReservedClass,
        years: u32,
        payment: Payment,
    ) -> Option<f64> {
        let p = &self.purchase;
        let r = p.reserved.iter().find(|r| r.class == class && r.term_years == years && r.payment == payment)?;
        let reference = self.instance_type(&p.reserved_reference_type)?.on_demand_per_hour;
        let scale = self.instance_type(type_name)?.on_demand_per_hour / reference;
        Some(scale * (r.upfront_usd / (8760.0 * f64::from(years)) + r.recurring_per_hour))
    }

    /// The hourly rate of `type_name` under a savings plan.
    pub fn savings_plan_per_hour(&self, type_name: &str, plan: SavingsPlanKind, years: u32) -> Option<f64> {
        let s = self.purchase.savings_plans.iter().find(|s| s.plan == plan && s.term_years == years)?;
        Some(self.instance_type(type_name)?.on_demand_per_hour * (1.0 - s.discount))
    }

    /// The hourly rate of `type_name` on spot.
    pub fn spot_per_hour(&self, type_name: &str) -> Option<f64> {
        Some(self.instance_type(type_name)?.on_demand_per_hour * (1.0 - self.purchase.spot.discount))
    }

    /// The Dedicated Host for the family of `type_name` (`m5` for `m5.large`).
    pub fn dedicated_host(&self, type_name: &str) -> Option<&DedicatedHostRate> {
        let family = type_name.split('.').next()?;
        self.purchase.dedicated_hosts.iter().find(|h| h.family == family)
    }

    /// Hosts needed for `machines` instances of `type_name`.
    pub fn hosts_needed(&self, type_name: &str, machines: u32) -> Option<u32> {
        let host = self.dedicated_host(type_name)?;
        let vcpu = self.instance_type(type_name)?.vcpu;
        Some((machines * vcpu).div_ceil(host.vcpus))
    }

    /// What one machine of `type_name` costs per hour under `option`, for comparison: for a
    /// dedicated host its share of the host by vCPU; for reserved and on premises, the effective
    /// rate. `None` when the catalog has no such offering.
    pub fn machine_per_hour(&self, type_name: &str, option: &PurchaseOption) -> Option<f64> {
        let t = self.instance_type(type_name)?;
        match option {
            PurchaseOption::OnDemand => Some(t.on_demand_per_hour),
            PurchaseOption::Reserved { class, term_years, payment } => {
                self.reserved_per_hour(type_name, *class, *term_years, *payment)
            }
            PurchaseOption::SavingsPlan { plan, term_years } => {
                self.savings_plan_per_hour(type_name, *plan, *term_years)
            }
            PurchaseOption::Spot { .. } => self.spot_per_hour(type_name),
            PurchaseOption::DedicatedHost => {
                let h = self.dedicated_host(type_name)?;
                Some(h.on_demand_per_hour * f64::from(t.vcpu) / f64::from(h.vcpus))
            }
            PurchaseOption::OnPremises { hardware_usd, amortisation_years, running_usd_per_hour } => {
                Some(on_premises_per_hour(*hardware_usd, *amortisation_years, *running_usd_per_hour))
            }
        }
    }

    /// The on-premises option with the catalog's starting values for a server the size of
    /// `type_name`.
    pub fn on_premises_for(&self, type_name: &str) -> PurchaseOption {
        let vcpu = f64::from(self.instance_type(type_name).map_or(2, |t| t.vcpu));
        let o = &self.purchase.on_premises;
        PurchaseOption::OnPremises {
            hardware_usd: (o.hardware_usd_per_vcpu * vcpu).round(),
            amortisation_years: o.amortisation_years,
            running_usd_per_hour: o.running_usd_per_vcpu_hour * vcpu,
        }
    }
}

/// A discount or share `v` must be from 0 up to (not including) 1.
fn share(what: &str, v: f64) -> Result<(), String> {
    if (0.0..1.0).contains(&v) {
        Ok(())
    } else {
        Err(format!("{what} must be from 0 up to (not including) 1, not {v}"))
    }
}

/// The hourly cost of an owned server: its price spread over its life (8,760 hours a year) plus
/// what it costs to run.
pub fn on_premises_per_hour(hardware_usd: f64, amortisation_years: f64, running_usd_per_hour: f64) -> f64 {
    hardware_usd / (8760.0 * amortisation_years) + running_usd_per_hour
}

impl crate::model::validate::Offerings for Catalog {
    fn vcpus(&self, instance_type: &str) -> Option<u32> {
        self.instance_type(instance_type).map(|t| t.vcpu)
    }

    fn memory_gib(&self, instance_type: &str) -> Option<f64> {
        self.instance_type(instance_type).map(|t| t.memory_gib)
    }

    fn lacks(&self, t: &str, option: &PurchaseOption) -> Option<String> {
        match option {
            PurchaseOption::Reserved { class, term_years, payment } => {
                self.reserved_per_hour(t, *class, *term_years, *payment).is_none().then(|| {
                    format!(
                        "the pricing catalog has no {class:?} {term_years}-year {payment:?} reservation (terms are 1 or 3 years)"
                    )
                })
            }
            PurchaseOption::SavingsPlan { plan, term_years } => {
                self.savings_plan_per_hour(t, *plan, *term_years).is_none().then(|| {
                    format!("the pricing catalog has no {plan:?} savings plan for {term_years} years (terms are 1 or 3 years)")
                })
            }
            PurchaseOption::DedicatedHost => self.dedicated_host(t).is_none().then(|| {
                let families: Vec<&str> = self.purchase.dedicated_hosts.iter().map(|h| h.family.as_str()).collect();
                format!("the pricing catalog has no dedicated host for the family of {t} (it has: {})", families.join(", "))
            }),
            PurchaseOption::OnDemand | PurchaseOption::Spot { .. } | PurchaseOption::OnPremises { .. } => None,
        }
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
    fn a_reference_type_missing_from_the_catalog_is_named() {
        let text =
            EMBEDDED_CATALOG.replace("reserved_reference_type: \"m5.large\"", "reserved_reference_type: \"m9.huge\"");
        let err = Catalog::from_ron_str(&text, "mine.ron").unwrap_err().to_string();
        assert!(
            err.starts_with("mine.ron: ") && err.contains("m9.huge") && err.contains("not an instance type"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_section_is_named() {
        let start = EMBEDDED_CATALOG.find("    free_tier: (").unwrap();
        let end = start + EMBEDDED_CATALOG[start..].find("\n    ),\n").unwrap() + 7;
        let text = format!("{}{}", &EMBEDDED_CATALOG[..start], &EMBEDDED_CATALOG[end..]);
        let err = Catalog::from_ron_str(&text, "mine.ron").unwrap_err().to_string();
        assert!(err.contains("free_tier"), "{err}");
    }

    #[test]
    fn a_catalog_without_containers_takes_the_published_rates() {
        let start = EMBEDDED_CATALOG.find("    containers: (").unwrap();
        let end = start + EMBEDDED_CATALOG[start..].find("\n    ),\n").unwrap() + 7;
        let older = format!("{}{}", &EMBEDDED_CATALOG[..start], &EMBEDDED_CATALOG[end..]);
        assert!(!older.contains("fargate_x86_per_vcpu_hour"));
        let c = Catalog::from_ron_str(&older, "older.ron").unwrap();
        // The containers reference, 1a: x86 $0.04048 per vCPU-hour and $0.004445 per GB-hour.
        assert_eq!(
            (c.containers.fargate_x86_per_vcpu_hour, c.containers.fargate_x86_per_gb_hour),
            (0.04048, 0.004_445)
        );
        assert_eq!(c.containers.eks_per_cluster_hour, 0.10);
        assert!(c.containers.source.starts_with("built-in rates"), "{}", c.containers.source);
    }

    #[test]
    fn worked_rates_follow_the_reference() {
        let c = Catalog::embedded();
        // pricing.md §2a: 3-year standard all upfront, $949 / 26,280 h = 0.036111.
        let r = c.reserved_per_hour("m5.large", ReservedClass::Standard, 3, Payment::AllUpfront).unwrap();
        assert!((r - 0.036_111).abs() < 1e-6, "{r}");
        // Other types scale with their on-demand price: r5.large is 0.126 / 0.096 of m5.large.
        let r5 = c.reserved_per_hour("r5.large", ReservedClass::Standard, 1, Payment::NoUpfront).unwrap();
        assert!((r5 - 0.060 * 0.126 / 0.096).abs() < 1e-12, "{r5}");
        assert!(c.dedicated_host("r5.large").is_none(), "no r5 host in the reference");
        assert_eq!(c.hosts_needed("m5.large", 48), Some(1));
        assert_eq!(c.hosts_needed("m5.large", 49), Some(2));
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let err = Catalog::from_ron_str("(region: 1)", "bad.ron").unwrap_err().to_string();
        assert!(err.starts_with("bad.ron:1:"), "{err}");
    }
}
