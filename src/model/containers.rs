//! The Containers kind's side of the model: a service (Amazon ECS) or deployment (Amazon EKS) of
//! identical tasks, run on AWS Fargate or on a cluster of EC2 instances — its parameters and
//! defaults, the Fargate task sizes, its checks, and what the window says about it.
//!
//! A service of `tasks` tasks × `workers_per_task` workers behaves like an instance node of that
//! many machines: one FIFO backlog per task, a balancer in front spreads calls over tasks, Service
//! Auto Scaling changes the task count with the Auto Scaling group's policies. What differs is
//! where the tasks run and how they are billed: on Fargate each task is billed per second of its
//! requested vCPU and memory (one-minute minimum); on EC2 the cluster's instances are billed as
//! EC2 and the tasks are placed on them by vCPU and memory.

use super::params::{AutoScaling, Distribution, FunctionArchitecture, PurchaseOption};
use super::{KindParams, NodeId, validate};
use serde::{Deserialize, Serialize};

/// Which orchestrator runs the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Orchestrator {
    /// Amazon ECS: no charge for orchestration.
    #[default]
    Ecs,
    /// Amazon EKS on a Kubernetes version in standard support: the control plane is billed per
    /// cluster-hour; a pod on Fargate gets 256 MB more memory and is rounded up to a Fargate size.
    Eks,
    /// Amazon EKS on a version in extended support: the control plane costs more per hour.
    EksExtendedSupport,
}

impl Orchestrator {
    /// Whether this is Kubernetes (EKS).
    pub fn is_eks(self) -> bool {
        match self {
            Self::Ecs => false,
            Self::Eks | Self::EksExtendedSupport => true,
        }
    }

    /// A name for a person.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ecs => "ECS",
            Self::Eks => "EKS",
            Self::EksExtendedSupport => "EKS (extended support)",
        }
    }
}

/// Where the tasks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LaunchType {
    /// AWS Fargate: each task on its own, billed per second of its vCPU and memory.
    #[default]
    Fargate,
    /// Fargate Spot (ECS only): the same at a discount; a task may be interrupted after a
    /// two-minute warning, and the service starts a replacement.
    FargateSpot,
    /// EC2: the tasks are placed on the cluster's instances, which are billed as EC2.
    Ec2,
}

impl LaunchType {
    /// A name for a person.
    pub fn label(self) -> &'static str {
        match self {
            Self::Fargate => "Fargate",
            Self::FargateSpot => "Fargate Spot",
            Self::Ec2 => "EC2",
        }
    }

    /// Whether the tasks run on Fargate (Spot or not).
    pub fn is_fargate(self) -> bool {
        match self {
            Self::Fargate | Self::FargateSpot => true,
            Self::Ec2 => false,
        }
    }
}

/// How ECS chooses the instance for a new task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Placement {
    /// The instance with the least memory left that still fits the task: few instances, full.
    #[default]
    Binpack,
    /// The instance with the fewest tasks (ties: the zone with the fewest tasks): tasks spread out.
    Spread,
}

/// The EC2 instances of a cluster (launch type EC2), with their capacity provider: an Auto
/// Scaling group that launches instances for tasks that fit nowhere and removes empty ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Cluster {
    /// An instance type from the pricing catalog.
    pub instance_type: String,
    /// How the instances are paid for (every option an instance node has).
    pub purchase: PurchaseOption,
    /// Instances at the start, and the fewest the capacity provider keeps.
    pub instances: u32,
    /// Most instances the capacity provider launches (equal to `instances`: no scaling).
    pub max_instances: u32,
    /// How tasks are placed on the instances.
    pub placement: Placement,
    /// Seconds from launching an instance until it takes tasks (boot and agent registration).
    pub boot_secs: f64,
    /// An instance with no tasks for this long is removed (above `instances`).
    pub scale_in_after_secs: f64,
}

impl Default for Cluster {
    fn default() -> Self {
        Self {
            instance_type: "m5.large".to_owned(),
            purchase: PurchaseOption::OnDemand,
            instances: 2,
            max_instances: 2,
            placement: Placement::Binpack,
            boot_secs: 40.0,
            scale_in_after_secs: 900.0,
        }
    }
}

/// Parameters of a container service: `tasks` identical tasks of `cpu` vCPU and `memory_gb` GB,
/// each with `workers_per_task` workers and a FIFO backlog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContainersParams {
    /// ECS or EKS.
    pub orchestrator: Orchestrator,
    /// Fargate, Fargate Spot or EC2.
    pub launch_type: LaunchType,
    /// vCPU per task (a Fargate size: 0.25, 0.5, 1, 2, 4, 8 or 16).
    pub cpu: f64,
    /// Memory per task in GB (the sizes allowed depend on `cpu`).
    pub memory_gb: f64,
    /// Fargate only: ephemeral storage per task in GB (20 included, up to 200; EKS up to 175).
    pub storage_gb: f64,
    /// Fargate's processor architecture (arm64 about 20 % cheaper; ECS only).
    pub architecture: FunctionArchitecture,
    /// Tasks that run (with `auto_scaling`, the group's desired count is used instead).
    pub tasks: u32,
    /// Requests one task serves at once.
    pub workers_per_task: u32,
    /// Time one worker spends on one request.
    pub service_time: Distribution,
    /// Requests that may wait for a worker in one task; `None` means no limit.
    pub backlog_limit: Option<u32>,
    /// Seconds from launching a task until it serves (image pull and start; billed, not serving).
    /// `None`: the default for the launch type (Fargate 45 s, EKS on Fargate 60 s, EC2 2 s).
    pub start_secs: Option<f64>,
    /// Service Auto Scaling of the task count (its `warmup_secs` is not used: a new task serves
    /// after `start_secs`). `None`: a fixed count.
    pub auto_scaling: Option<AutoScaling>,
    /// Availability zones the tasks (and the cluster's instances) spread over. Empty: `"a"`.
    pub zones: Vec<String>,
    /// Launch type EC2: the cluster's instances.
    pub cluster: Cluster,
}

impl Default for ContainersParams {
    fn default() -> Self {
        Self {
            orchestrator: Orchestrator::Ecs,
            launch_type: LaunchType::Fargate,
            cpu: 1.0,
            memory_gb: 2.0,
            storage_gb: FARGATE_INCLUDED_STORAGE_GB,
            architecture: FunctionArchitecture::X86_64,
            tasks: 2,
            workers_per_task: 4,
            service_time: Distribution::Exponential { mean_ms: 50.0 },
            backlog_limit: None,
            start_secs: None,
            auto_scaling: None,
            zones: Vec::new(),
            cluster: Cluster::default(),
        }
    }
}

/// Ephemeral storage every Fargate task has at no charge, GB.
pub const FARGATE_INCLUDED_STORAGE_GB: f64 = 20.0;
/// Memory EKS adds to each Fargate pod for its own agents (kubelet, kube-proxy, containerd), GB.
pub const EKS_POD_OVERHEAD_GB: f64 = 0.25;

/// The memory a Fargate vCPU size offers, in GB: a short list, or a range with its step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FargateMemory {
    /// These sizes only.
    List(&'static [f64]),
    /// From `low` to `high` by `step`.
    Range { low: f64, high: f64, step: f64 },
}

/// The Fargate task sizes: each vCPU with the memory it offers.
pub const FARGATE_SIZES: [(f64, FargateMemory); 7] = [
    (0.25, FargateMemory::List(&[0.5, 1.0, 2.0])),
    (0.5, FargateMemory::Range { low: 1.0, high: 4.0, step: 1.0 }),
    (1.0, FargateMemory::Range { low: 2.0, high: 8.0, step: 1.0 }),
    (2.0, FargateMemory::Range { low: 4.0, high: 16.0, step: 1.0 }),
    (4.0, FargateMemory::Range { low: 8.0, high: 30.0, step: 1.0 }),
    (8.0, FargateMemory::Range { low: 16.0, high: 60.0, step: 4.0 }),
    (16.0, FargateMemory::Range { low: 32.0, high: 120.0, step: 8.0 }),
];

/// The memory sizes Fargate offers with `cpu` vCPU (empty when `cpu` is not a Fargate size).
pub fn fargate_memory_sizes(cpu: f64) -> Vec<f64> {
    match FARGATE_SIZES.iter().find(|s| s.0 == cpu).map(|s| s.1) {
        None => Vec::new(),
        Some(FargateMemory::List(sizes)) => sizes.to_vec(),
        Some(FargateMemory::Range { low, high, step }) => {
            let steps = ((high - low) / step).round() as u32;
            (0..=steps).map(|k| low + f64::from(k) * step).collect()
        }
    }
}

/// Whether (`cpu`, `memory_gb`) is a Fargate task size.
pub fn is_fargate_size(cpu: f64, memory_gb: f64) -> bool {
    fargate_memory_sizes(cpu).iter().any(|&m| (m - memory_gb).abs() < 1e-9)
}

/// The smallest Fargate size with at least `cpu` vCPU and `memory_gb` GB (by vCPU, then memory),
/// as EKS rounds a pod's request up; `None` beyond the largest.
pub fn fargate_size_at_least(cpu: f64, memory_gb: f64) -> Option<(f64, f64)> {
    FARGATE_SIZES
        .iter()
        .filter(|s| s.0 >= cpu - 1e-9)
        .find_map(|s| fargate_memory_sizes(s.0).into_iter().find(|&m| m >= memory_gb - 1e-9).map(|m| (s.0, m)))
}

impl ContainersParams {
    /// Tasks at the start: the count, or Service Auto Scaling's desired count (or min).
    pub fn initial_count(&self) -> u32 {
        self.auto_scaling.as_ref().map_or(self.tasks, |g| g.desired.unwrap_or(g.min))
    }

    /// The zones the tasks spread over (`["a"]` when none are named).
    pub fn zone_names(&self) -> Vec<String> {
        if self.zones.is_empty() { vec!["a".to_owned()] } else { self.zones.clone() }
    }

    /// Seconds a new task takes to serve: `start_secs`, or the launch type's default (AWS gives
    /// no figure; these are the middle of the launch times users measured).
    pub fn start_time_secs(&self) -> f64 {
        self.start_secs.unwrap_or(match (self.launch_type, self.orchestrator.is_eks()) {
            (LaunchType::Fargate | LaunchType::FargateSpot, false) => 45.0,
            (LaunchType::Fargate | LaunchType::FargateSpot, true) => 60.0,
            (LaunchType::Ec2, _) => 2.0,
        })
    }

    /// The vCPU and memory Fargate bills for one task: as asked on ECS; on EKS the pod's request
    /// plus 256 MB, rounded up to a Fargate size. `None` when no size is that large.
    pub fn billed_size(&self) -> Option<(f64, f64)> {
        if self.orchestrator.is_eks() {
            fargate_size_at_least(self.cpu, self.memory_gb + EKS_POD_OVERHEAD_GB)
        } else {
            Some((self.cpu, self.memory_gb))
        }
    }
}

/// What the window's help says about the kind.
pub const HELP: &str = "A container service: identical tasks (ECS) or pods (EKS), each with its own \
workers and backlog, like an instance node's machines. On Fargate each task is billed per second for \
the vCPU and memory it asks for (one-minute minimum) and takes about 45 s to start; Fargate Spot is \
about two thirds cheaper but a task can be stopped after a two-minute warning. On EC2 the tasks are \
placed on the cluster's instances by vCPU and memory (binpack fills few instances, spread uses all); \
a task that fits nowhere waits as pending until the capacity provider has launched an instance \
(about 40 s). EKS adds its control plane by the hour, and on Fargate 256 MB per pod.";

impl KindParams for ContainersParams {
    /// "4 × 1/2 GB, Fargate" (vCPU / memory per task).
    fn summary(&self) -> String {
        let count = self
            .auto_scaling
            .as_ref()
            .map_or_else(|| format!("{} ×", self.tasks), |g| format!("{}–{} ×", g.min, g.max.max(g.min)));
        format!("{count} {}/{} GB, {}", self.cpu, self.memory_gb, self.launch_type.label())
    }

    /// The task's size and times, the service's count and scaling, and — on EC2 — the cluster's
    /// instance type and purchase option, and whether a task fits on an instance.
    fn check(&self, catalog: &dyn validate::Offerings, bad: &mut dyn FnMut(&'static str, String)) {
        if !self.launch_type.is_fargate() {
            if !(self.cpu.is_finite() && self.cpu > 0.0 && self.cpu <= 192.0) {
                bad("cpu", format!("cpu must be above 0 and at most 192 vCPU, not {}", self.cpu));
            }
        } else if fargate_memory_sizes(self.cpu).is_empty() {
            bad("cpu", format!("Fargate has no task of {} vCPU: use 0.25, 0.5, 1, 2, 4, 8 or 16", self.cpu));
        } else if !self.orchestrator.is_eks() && !is_fargate_size(self.cpu, self.memory_gb) {
            let sizes: Vec<String> = fargate_memory_sizes(self.cpu).iter().map(|m| format!("{m}")).collect();
            bad(
                "memory_gb",
                format!(
                    "Fargate has no task of {} vCPU with {} GB: with {} vCPU the memory is one of {} GB",
                    self.cpu,
                    self.memory_gb,
                    self.cpu,
                    sizes.join(", ")
                ),
            );
        }
        if !(self.memory_gb.is_finite() && self.memory_gb > 0.0 && self.memory_gb <= 120.0) {
            bad("memory_gb", format!("memory_gb must be above 0 and at most 120, not {}", self.memory_gb));
        } else if self.launch_type.is_fargate() && self.orchestrator.is_eks() && self.billed_size().is_none() {
            bad(
                "memory_gb",
                format!(
                    "an EKS pod of {} GB plus the 256 MB Fargate adds fits no Fargate size (at most 120 GB)",
                    self.memory_gb
                ),
            );
        }
        let storage_max = if self.orchestrator.is_eks() { 175.0 } else { 200.0 };
        if !(self.storage_gb.is_finite() && (FARGATE_INCLUDED_STORAGE_GB..=storage_max).contains(&self.storage_gb)) {
            bad("storage_gb", format!("storage_gb must be from 20 to {storage_max}, not {}", self.storage_gb));
        }
        if self.launch_type == LaunchType::FargateSpot && self.orchestrator.is_eks() {
            bad("launch_type", "Fargate Spot is for ECS only: EKS runs pods on regular Fargate".to_owned());
        }
        if self.architecture == FunctionArchitecture::Arm64
            && self.orchestrator.is_eks()
            && self.launch_type.is_fargate()
        {
            bad("architecture", "EKS on Fargate runs Linux on x86 only: use x86_64".to_owned());
        }
        if self.workers_per_task == 0 || self.workers_per_task > 65_535 {
            bad(
                "workers_per_task",
                format!("workers_per_task must be from 1 to 65,535, not {}", self.workers_per_task),
            );
        }
        if self.auto_scaling.is_none() && self.tasks > 65_535 {
            bad("tasks", format!("tasks must be at most 65,535, not {}", self.tasks));
        }
        if let Some(s) = self.start_secs
            && !(s.is_finite() && (0.0..=3600.0).contains(&s))
        {
            bad("start_secs", format!("start_secs must be from 0 to 3,600 s, not {s}"));
        }
        if let Some(g) = &self.auto_scaling
            && g.warmup_secs != AutoScaling::default().warmup_secs
        {
            bad(
                "auto_scaling.warmup_secs",
                "a container service's new task serves after its start time: set start_secs instead of \
                 auto_scaling.warmup_secs"
                    .to_owned(),
            );
        }
        if self.launch_type == LaunchType::Ec2 {
            let c = &self.cluster;
            if c.instances > 10_000 || c.max_instances > 10_000 {
                bad("cluster.max_instances", "a cluster has at most 10,000 instances here".to_owned());
            }
            if c.max_instances < c.instances {
                bad(
                    "cluster.max_instances",
                    format!("cluster.max_instances ({}) is below cluster.instances ({})", c.max_instances, c.instances),
                );
            }
            if c.max_instances == 0 {
                bad("cluster.max_instances", "a cluster needs at least one instance to run tasks on".to_owned());
            }
            if !(c.boot_secs.is_finite() && (0.0..=3600.0).contains(&c.boot_secs)) {
                bad("cluster.boot_secs", format!("cluster.boot_secs must be from 0 to 3,600 s, not {}", c.boot_secs));
            }
            if !(c.scale_in_after_secs.is_finite() && (0.0..=86_400.0).contains(&c.scale_in_after_secs)) {
                bad(
                    "cluster.scale_in_after_secs",
                    format!("cluster.scale_in_after_secs must be from 0 to 86,400 s, not {}", c.scale_in_after_secs),
                );
            }
            if c.purchase.on_premises() {
                bad("cluster.purchase", "a cluster runs in the cloud: ECS Anywhere is not modelled".to_owned());
            }
        }
        validate::check_distribution("service_time", &self.service_time, bad);
        if let Some(g) = &self.auto_scaling {
            validate::check_scaling(g, ("tasks", self.tasks, Self::default().tasks), bad);
        }
        if self.auto_scaling.is_none() && self.tasks == 0 {
            bad("tasks", "tasks must be at least 1 (or use auto_scaling with a minimum of 0)".to_owned());
        }
        let most = u64::from(self.auto_scaling.as_ref().map_or(self.tasks, validate::most_machines));
        if most * u64::from(self.workers_per_task) > validate::MAX_WORKERS_PER_NODE {
            bad(
                "workers_per_task",
                format!(
                    "{most} tasks (the most this service can run) × {} workers each is {}; at most 1,000,000 workers \
                     per node",
                    self.workers_per_task,
                    most * u64::from(self.workers_per_task)
                ),
            );
        }
        if self.launch_type != LaunchType::Ec2 {
            return;
        }
        let c = &self.cluster;
        let Some(vcpu) = catalog.vcpus(&c.instance_type) else {
            bad("cluster.instance_type", format!("instance type '{}' is not in the pricing catalog", c.instance_type));
            return;
        };
        validate::check_purchase(&c.instance_type, &c.purchase, "cluster.purchase", catalog, bad);
        let memory = catalog.memory_gib(&c.instance_type).unwrap_or(0.0);
        if self.cpu > f64::from(vcpu) || self.memory_gb > memory {
            bad(
                "cpu",
                format!(
                    "a task of {} vCPU / {} GB does not fit on a {} ({vcpu} vCPU, {memory} GiB): it would never be \
                     placed",
                    self.cpu, self.memory_gb, c.instance_type
                ),
            );
        }
    }

    fn time_settings(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("service_time", self.service_time.longest_secs()),
            ("start_secs", self.start_time_secs()),
            ("cluster.boot_secs", self.cluster.boot_secs),
            ("cluster.scale_in_after_secs", self.cluster.scale_in_after_secs),
        ]
    }

    fn size(&self, _catalog: &dyn validate::Offerings) -> validate::Size {
        let most = u64::from(self.auto_scaling.as_ref().map_or(self.tasks, validate::most_machines));
        validate::Size {
            machines: most + u64::from(self.cluster.max_instances),
            workers: most * u64::from(self.workers_per_task),
            groups: 0,
        }
    }

    /// `task` names a task; `instance` on EC2 the cluster's instance, on Fargate a task.
    fn crash_refusal(&self, id: &NodeId, instance: Option<u32>, task: Option<u32>) -> Option<String> {
        let on_ec2 = self.launch_type == LaunchType::Ec2;
        // On Fargate `instance` names a task too.
        let task = match (task, instance) {
            (Some(_), Some(_)) => return Some("name either a task or an instance to crash, not both".to_owned()),
            (Some(k), None) => k,
            (None, Some(k)) if !on_ec2 => k,
            (None, Some(k)) => {
                let n = self.cluster.instances;
                let have = if n == 0 { "no instances".to_owned() } else { format!("{n} instances, 0 to {}", n - 1) };
                return (k >= n).then(|| {
                    format!(
                        "cluster instance {k} does not exist: service '{id}' starts with {have} (on EC2, instance \
                         names the cluster's instance)"
                    )
                });
            }
            (None, None) => return None,
        };
        let n = self.initial_count();
        (task >= n).then(|| {
            format!("task {task} does not exist: service '{id}' starts with {n} tasks (0 to {})", n.saturating_sub(1))
        })
    }

    fn crash_parts(&self) -> Vec<(String, Option<u32>, Option<u32>)> {
        let tasks = (0..self.initial_count().min(64)).map(|k| (format!("task {k}"), None, Some(k)));
        let hosts = if self.launch_type == LaunchType::Ec2 { self.cluster.instances.min(64) } else { 0 };
        let hosts = (0..hosts).map(|k| (format!("cluster instance {k}"), Some(k), None));
        std::iter::once(("all tasks".to_owned(), None, None)).chain(tasks).chain(hosts).collect()
    }

    fn auto_scaling(&self) -> Option<&AutoScaling> {
        self.auto_scaling.as_ref()
    }

    fn zone_names(&self) -> Vec<String> {
        Self::zone_names(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A catalog without instance types: enough for the checks of a Fargate service.
    struct NoCatalog;

    impl validate::Offerings for NoCatalog {
        fn vcpus(&self, _: &str) -> Option<u32> {
            None
        }
        fn lacks(&self, _: &str, _: &PurchaseOption) -> Option<String> {
            None
        }
        fn memory_gib(&self, _: &str) -> Option<f64> {
            None
        }
    }

    #[test]
    fn fargate_sizes_follow_the_table() {
        assert_eq!(fargate_memory_sizes(0.25), vec![0.5, 1.0, 2.0]);
        assert_eq!(fargate_memory_sizes(0.5), vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(fargate_memory_sizes(4.0).len(), 23); // 8 … 30 GB
        assert_eq!(
            fargate_memory_sizes(8.0),
            vec![16.0, 20.0, 24.0, 28.0, 32.0, 36.0, 40.0, 44.0, 48.0, 52.0, 56.0, 60.0]
        );
        assert_eq!(fargate_memory_sizes(16.0).first(), Some(&32.0));
        assert_eq!(fargate_memory_sizes(16.0).last(), Some(&120.0));
        assert!(fargate_memory_sizes(3.0).is_empty());
        assert!(is_fargate_size(1.0, 2.0));
        assert!(!is_fargate_size(1.0, 1.0));
    }

    #[test]
    fn eks_pods_get_256_mb_and_round_up() {
        // The reference's worked example (c): 0.5 vCPU / 1 GB becomes 0.5 vCPU / 2 GB.
        let p = ContainersParams { orchestrator: Orchestrator::Eks, cpu: 0.5, memory_gb: 1.0, ..Default::default() };
        assert_eq!(p.billed_size(), Some((0.5, 2.0)));
        // 0.25 vCPU / 2 GB + 256 MB no longer fits 0.25 vCPU: the next vCPU row.
        assert_eq!(fargate_size_at_least(0.25, 2.25), Some((0.5, 3.0)));
        assert_eq!(fargate_size_at_least(16.0, 120.25), None);
        // ECS bills what it asks.
        let ecs = ContainersParams { cpu: 0.5, memory_gb: 1.0, ..Default::default() };
        assert_eq!(ecs.billed_size(), Some((0.5, 1.0)));
    }

    #[test]
    fn an_invalid_pair_names_the_valid_memory_sizes() {
        let p = ContainersParams { cpu: 0.5, memory_gb: 8.0, ..Default::default() };
        let mut problems = Vec::new();
        p.check(&NoCatalog, &mut |field, message| problems.push((field, message)));
        let (field, message) = &problems[0];
        assert_eq!(*field, "memory_gb");
        assert!(message.contains("1, 2, 3, 4 GB"), "{message}");
    }
}
