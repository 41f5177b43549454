//! Container services: a service (ECS) or deployment (EKS) of identical tasks.
//!
//! The tasks are machines of an [`InstanceState`] — each with its workers and FIFO backlog, spread
//! over zones, registered with balancers, scaled by Service Auto Scaling through the Auto Scaling
//! code — so what is said here is only what containers add:
//!
//! - **Where a task runs.** On Fargate anywhere, at once. On EC2 on one of the cluster's instances
//!   with room for its vCPU and memory, chosen by the placement strategy (binpack: the instance
//!   with the least memory left that fits; spread: the zone, then the instance, with the fewest
//!   tasks). A task that fits nowhere waits as *pending* (not serving, not billed) until room
//!   appears; the capacity provider launches instances for pending tasks (serving after
//!   `boot_secs`) up to `max_instances`, and removes an instance empty for `scale_in_after_secs`
//!   down to `instances`. An instance that stops (interrupted on Spot, removed) takes its tasks
//!   with it, and the service starts replacements wherever they fit.
//! - **Start time.** A new task is billed from its launch and serves `start_secs` later.
//! - **Billing.** Fargate: each task's run per second (one-minute minimum) at its requested size —
//!   an EKS pod's size with 256 MB added, rounded up to a Fargate size — on x86 or ARM, a third of
//!   the price on Fargate Spot (whose tasks are interrupted at random after a two-minute warning,
//!   and replaced). EC2: the cluster's instances, as an instance node's machines of that type and
//!   purchase option. EKS: the control plane per cluster-hour.

use super::events::Event;
use super::faults::Scope;
use super::instance::InstanceState;
use super::kinds::{Gauges, KindState, NodeBehaviour};
use super::meter::InstanceMeter;
use super::time::secs_to_nanos;
use super::{Engine, FailReason, LiveNode, NodeFigures};
use crate::cost::{Catalog, ContainerUsage, InstanceLine, NodeUsage, TaskRun};
use crate::model::{
    AutoScaling, ContainersParams, FunctionArchitecture, InstanceParams, LaunchType, NodeKind, Placement,
    PurchaseOption,
};
use serde::Serialize;
use std::collections::VecDeque;

/// The timers of a container service (the `what` of [`Event::KindTimer`]).
const HOST_BOOTED: u16 = 0;
const HOST_IDLE: u16 = 1;
const HOST_SPOT_NOTICE: u16 = 2;
const HOST_SPOT_END: u16 = 3;

/// Where a new task goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskPlace {
    /// Not on a cluster (Fargate, or an instance node's machine): wherever its zone is.
    Anywhere,
    /// On instance `host` of the cluster, in zone index `zone`.
    Host { host: u32, zone: u8 },
    /// It fits on no instance now.
    Pending,
}

impl TaskPlace {
    /// The zone the place decides, if it decides one.
    pub fn zone(self) -> Option<u8> {
        match self {
            Self::Host { zone, .. } => Some(zone),
            Self::Anywhere | Self::Pending => None,
        }
    }

    /// Whether the task waits for room.
    pub fn is_pending(self) -> bool {
        self == Self::Pending
    }
}

/// A task's or an instance's size in ECS's units: CPU units (1,024 per vCPU) and MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Size {
    cpu: u32,
    mem: u32,
}

impl Size {
    fn of(vcpu: f64, gib: f64) -> Self {
        Self { cpu: (vcpu * 1024.0).round() as u32, mem: (gib * 1024.0).round() as u32 }
    }

    /// One instance of `instance_type` (1 vCPU / 1 GiB when the catalog lacks it: `check` refuses
    /// such a cluster, so only a Fargate service's what-if can see it).
    fn of_type(catalog: &Catalog, instance_type: &str) -> Self {
        let t = catalog.instance_type(instance_type);
        Self::of(f64::from(t.map_or(1, |t| t.vcpu)), t.map_or(1.0, |t| t.memory_gib))
    }

    /// `self` less `n` of `need`.
    fn less(self, need: Self, n: usize) -> Self {
        let n = n as u32;
        Self { cpu: self.cpu - need.cpu * n, mem: self.mem - need.mem * n }
    }

    fn fits(self, need: Self) -> bool {
        self.cpu >= need.cpu && self.mem >= need.mem
    }

    /// How many of `need` fit in `self`.
    fn holds(self, need: Self) -> u32 {
        (self.cpu / need.cpu.max(1)).min(self.mem / need.mem.max(1))
    }
}

/// One EC2 instance of a cluster. Its free room is derived: the instance's size less its tasks'
/// (every task of a cluster has the same size).
#[derive(Debug)]
struct Host {
    tasks: Vec<u32>,
    /// Launched, not yet registered (billed, takes no task).
    booting: bool,
    terminated: bool,
    /// Counts launches of this slot, so that a timer meant for an earlier launch is ignored.
    launch: u32,
    launched_at: u64,
    zone: u8,
    /// Since when it has had no task.
    empty_since: Option<u64>,
    /// Crashed (a scheduled fault): still billed, takes no task until it recovers.
    down: bool,
}

impl Host {
    /// An instance launched at `now` in zone index `zone`, booting or already registered.
    fn new(now: u64, zone: u8, booting: bool) -> Self {
        Self {
            tasks: Vec::new(),
            booting,
            terminated: false,
            launch: 0,
            launched_at: now,
            zone,
            empty_since: (!booting).then_some(now),
            down: false,
        }
    }
}

/// The EC2 instances of a cluster, and which task runs where.
#[derive(Debug)]
struct Cluster {
    params: crate::model::Cluster,
    /// One instance's size.
    size: Size,
    /// One task's size.
    need: Size,
    hosts: Vec<Host>,
    meter: InstanceMeter,
    /// Tasks waiting for room, oldest first.
    pending: VecDeque<u32>,
    /// The instance each task runs on, by task index.
    task_host: Vec<Option<u32>>,
    zones: usize,
    /// Instances present (not terminated) at most, so far.
    peak_hosts: u32,
}

impl Cluster {
    /// The cluster's starting instances, registered at `now`.
    fn new(p: &ContainersParams, catalog: &Catalog, now: u64) -> Self {
        let c = &p.cluster;
        let zones = p.zone_names().len().clamp(1, 255);
        Self {
            params: c.clone(),
            size: Size::of_type(catalog, &c.instance_type),
            need: Size::of(p.cpu, p.memory_gb),
            hosts: (0..c.instances).map(|i| Host::new(now, (i as usize % zones) as u8, false)).collect(),
            meter: InstanceMeter::new(&c.instance_type, &c.purchase, catalog, c.instances, now),
            pending: VecDeque::new(),
            task_host: Vec::new(),
            zones,
            peak_hosts: c.instances,
        }
    }

    fn present(&self) -> impl Iterator<Item = (usize, &Host)> {
        self.hosts.iter().enumerate().filter(|(_, h)| !h.terminated)
    }

    /// What instance `h` has left.
    fn free(&self, h: &Host) -> Size {
        self.size.less(self.need, h.tasks.len())
    }

    /// The instance a new task goes to by the placement strategy, if one has room.
    fn choose(&self) -> Option<u32> {
        let room = self.present().filter(|(_, h)| !h.booting && !h.down && self.free(h).fits(self.need));
        match self.params.placement {
            Placement::Binpack => {
                room.min_by_key(|(i, h)| (self.free(h).mem, self.free(h).cpu, *i)).map(|(i, _)| i as u32)
            }
            Placement::Spread => {
                let mut per_zone = vec![0usize; self.zones];
                for (_, h) in self.present() {
                    per_zone[h.zone as usize % self.zones] += h.tasks.len();
                }
                room.min_by_key(|(i, h)| (per_zone[h.zone as usize % self.zones], h.tasks.len(), *i))
                    .map(|(i, _)| i as u32)
            }
        }
    }

    fn bind(&mut self, task: u32, host: u32) {
        if self.task_host.len() <= task as usize {
            self.task_host.resize(task as usize + 1, None);
        }
        self.task_host[task as usize] = Some(host);
        let h = &mut self.hosts[host as usize];
        h.tasks.push(task);
        h.empty_since = None;
    }

    /// Frees the room of `task`; the instance it was on, if it is now empty.
    fn unbind(&mut self, task: u32, now: u64) -> Option<u32> {
        self.pending.retain(|&t| t != task);
        let host = self.task_host.get_mut(task as usize)?.take()?;
        let h = &mut self.hosts[host as usize];
        h.tasks.retain(|&t| t != task);
        if h.tasks.is_empty() && !h.terminated {
            h.empty_since = Some(now);
            return Some(host);
        }
        None
    }

    fn launches(&self) -> Vec<u64> {
        self.present().map(|(_, h)| h.launched_at).collect()
    }

    /// Instances serving (registered) and booting now.
    fn counts(&self) -> (u32, u32) {
        let booting = self.present().filter(|(_, h)| h.booting).count() as u32;
        (self.present().count() as u32 - booting, booting)
    }
}

/// A container service's running state.
#[derive(Debug)]
pub(crate) struct ContainersState {
    /// The tasks, as machines.
    pub pool: InstanceState,
    params: ContainersParams,
    /// A task's run as Fargate bills it, without its length.
    billed: TaskRun,
    cluster: Option<Cluster>,
    /// What earlier deployments (before a live change of size, launch type or cluster) used.
    closed: ContainerUsage,
    /// Since when the current deployment bills (its tasks' runs, its EKS hours).
    since: u64,
    /// Tasks that ever had to wait for room, and the most waiting at once.
    went_pending: u64,
    peak_pending: u32,
    /// The cluster's instances the present tasks would fill if packed perfectly, over time (for
    /// the what-if of a service run on EC2), and how many tasks one instance holds.
    packed: super::stats::TimeAverage,
    per_host: u32,
}

/// The instance-node parameters the tasks run with.
fn pool_params(p: &ContainersParams, catalog: &Catalog) -> InstanceParams {
    let start = p.start_time_secs();
    InstanceParams {
        // No EC2 type: the pool's own meter prices nothing and only counts the tasks' runs.
        instance_type: String::new(),
        count: p.initial_count(),
        workers_per_instance: Some(p.workers_per_task),
        service_time: p.service_time,
        backlog_limit: p.backlog_limit,
        components: Vec::new(),
        purchase: if p.launch_type == LaunchType::FargateSpot {
            PurchaseOption::Spot {
                interruptions_per_hour: Some(catalog.containers.fargate_spot_interruptions_per_hour),
            }
        } else {
            PurchaseOption::OnDemand
        },
        auto_scaling: p.auto_scaling.as_ref().map(|g| AutoScaling { warmup_secs: start, ..g.clone() }),
        zones: p.zones.clone(),
    }
}

/// A task's run as Fargate bills it, without its length.
fn billed_run(p: &ContainersParams) -> TaskRun {
    let (vcpu, memory_gb) = p.billed_size().unwrap_or((p.cpu, p.memory_gb));
    TaskRun {
        running_secs: 0.0,
        vcpu,
        memory_gb,
        storage_gb: p.storage_gb,
        arm: p.architecture == FunctionArchitecture::Arm64,
        spot: p.launch_type == LaunchType::FargateSpot,
    }
}

/// How many tasks one instance of the cluster's type holds.
fn tasks_per_host(p: &ContainersParams, catalog: &Catalog) -> u32 {
    Size::of_type(catalog, &p.cluster.instance_type).holds(Size::of(p.cpu, p.memory_gb))
}

/// The pool's settings that make its machines a service's tasks: called tasks, serving a start
/// time after a live change or a replacement, and (without Auto Scaling) their count kept.
fn as_tasks(pool: &mut InstanceState, p: &ContainersParams) {
    pool.unit = "task";
    pool.start = Some(secs_to_nanos(p.start_time_secs()));
    pool.keeps = p.auto_scaling.is_none().then_some(p.tasks);
}

impl ContainersState {
    pub fn new(p: &ContainersParams, catalog: &Catalog, now: u64) -> Self {
        let mut pool = InstanceState::new(&pool_params(p, catalog), catalog);
        as_tasks(&mut pool, p);
        let mut cluster = (p.launch_type == LaunchType::Ec2).then(|| Cluster::new(p, catalog, now));
        if let Some(c) = cluster.as_mut() {
            // The tasks present at the start are placed like any other; those that fit nowhere wait.
            for (i, m) in pool.machines.iter_mut().enumerate() {
                if let Some(h) = c.choose() {
                    c.bind(i as u32, h);
                    m.zone = c.hosts[h as usize].zone;
                } else {
                    c.pending.push_back(i as u32);
                    m.down_count = 1;
                    m.warming = true;
                }
            }
            pool.recount_zones();
        }
        let pending = cluster.as_ref().map_or(0, |c| c.pending.len() as u32);
        let per_host = tasks_per_host(p, catalog);
        let mut packed = super::stats::TimeAverage::default();
        packed.add(now, 0, f64::from(pool.desired().div_ceil(per_host.max(1))));
        Self {
            pool,
            params: p.clone(),
            billed: billed_run(p),
            cluster,
            closed: ContainerUsage::default(),
            since: now,
            went_pending: u64::from(pending),
            peak_pending: pending,
            packed,
            per_host,
        }
    }

    /// What the service has used so far.
    fn usage(&self, now: u64) -> ContainerUsage {
        let mut u = self.closed.clone();
        if self.params.launch_type.is_fargate() {
            u.tasks.extend(self.runs(now).into_iter().map(|running_secs| TaskRun { running_secs, ..self.billed }));
        }
        if let Some(c) = &self.cluster {
            u.hosts.extend(c.meter.usage(&c.launches(), now));
        }
        let hours = now.saturating_sub(self.since) as f64 / 3.6e12;
        match self.params.orchestrator {
            crate::model::Orchestrator::Ecs => {}
            crate::model::Orchestrator::Eks => u.eks_hours += hours,
            crate::model::Orchestrator::EksExtendedSupport => u.eks_extended_hours += hours,
        }
        u
    }

    fn pending(&self) -> u32 {
        self.cluster.as_ref().map_or(0, |c| c.pending.len() as u32)
    }

    /// The packed instance count follows the present tasks.
    fn repack(&mut self, now: u64) {
        let want = f64::from(self.pool.desired().div_ceil(self.per_host.max(1)));
        let delta = want - self.packed.level();
        if delta != 0.0 {
            self.packed.add(now, 0, delta);
        }
    }

    /// The service's task runs so far, in seconds (on any launch type: launch to stop).
    fn runs(&self, now: u64) -> Vec<f64> {
        let lines = self.pool.meter.usage(&self.pool.launches(), now).into_iter();
        lines
            .filter_map(|l| if let InstanceLine::Launch { running_secs, .. } = l { Some(running_secs) } else { None })
            .collect()
    }
}

/// One way to run a container service, priced at the run's usage so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerOption {
    /// "Fargate", "Fargate Spot", "EC2 m5.large, On demand" …
    pub label: String,
    /// What the service would have cost so far, and in a 730-hour month at that pace.
    pub so_far_usd: f64,
    pub month_usd: f64,
    /// How the service runs now.
    pub current: bool,
}

/// What one container service would have cost on Fargate, Fargate Spot and EC2 (each purchase
/// option of its cluster's instance type) for the tasks it ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerWhatIf {
    /// The node's id.
    pub node: String,
    pub options: Vec<ContainerOption>,
}

/// Container-service figures for the report.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ContainerFigures {
    /// Tasks waiting for room on the cluster at the end.
    pub tasks_pending: u32,
    /// Tasks that ever waited for room, and the most waiting at once.
    pub tasks_ever_pending: u64,
    pub max_tasks_pending: u32,
    /// The cluster's instances at the end (serving and booting), and the most at once.
    pub cluster_instances: u32,
    pub max_cluster_instances: u32,
}

impl Engine {
    fn containers(&mut self, node: u32) -> &mut ContainersState {
        self.state_mut(node)
    }

    /// Where a new task of `node` goes (anywhere, for a node that is not a container service on EC2).
    pub(crate) fn place_new_task(&self, node: u32) -> TaskPlace {
        let Some(c) = self.state_if::<ContainersState>(node).and_then(|s| s.cluster.as_ref()) else {
            return TaskPlace::Anywhere;
        };
        match c.choose() {
            Some(host) => TaskPlace::Host { host, zone: c.hosts[host as usize].zone },
            None => TaskPlace::Pending,
        }
    }

    /// Task `task` of `node` was launched to `place`.
    pub(crate) fn task_launched(&mut self, node: u32, task: u32, place: TaskPlace) {
        let now = self.now;
        let Some(s) = ContainersState::of_mut(&mut self.nodes[node as usize].behaviour) else { return };
        s.repack(now);
        let Some(c) = s.cluster.as_mut() else { return };
        match place {
            TaskPlace::Host { host, .. } => c.bind(task, host),
            TaskPlace::Pending => {
                c.pending.push_back(task);
                s.went_pending += 1;
                s.peak_pending = s.peak_pending.max(c.pending.len() as u32);
                self.provide_capacity(node);
            }
            TaskPlace::Anywhere => {}
        }
    }

    /// Task `task` of `node` stopped: its room is free (pending tasks may take it), and an instance
    /// left empty may be removed later.
    pub(crate) fn task_stopped(&mut self, node: u32, task: u32) {
        let now = self.now;
        let Some(s) = ContainersState::of_mut(&mut self.nodes[node as usize].behaviour) else { return };
        s.repack(now);
        let Some(c) = s.cluster.as_mut() else { return };
        if let Some(host) = c.unbind(task, now) {
            self.idle_check(node, host);
        }
        self.place_pending(node);
    }

    /// Instance `host`, empty now, is looked at again once it could have been empty long enough
    /// to be removed.
    fn idle_check(&mut self, node: u32, host: u32) {
        let Some(c) = self.containers(node).cluster.as_ref() else { return };
        let (launch, after) = (c.hosts[host as usize].launch, secs_to_nanos(c.params.scale_in_after_secs));
        self.events.push(self.now + after, Event::KindTimer { node, what: HOST_IDLE, index: host as u16, launch });
    }

    /// The cluster's instances as a deployment starts: spot ones get their interruption drawn,
    /// empty ones an idle check.
    fn start_cluster(&mut self, node: u32) {
        let hosts: Vec<(u32, bool)> = self
            .containers(node)
            .cluster
            .as_ref()
            .map_or_else(Vec::new, |c| c.present().map(|(i, h)| (i as u32, h.tasks.is_empty())).collect());
        for (host, empty) in hosts {
            self.schedule_host_interruption(node, host);
            if empty {
                self.idle_check(node, host);
            }
        }
        self.provide_capacity(node);
    }

    /// `tasks` of `node` stop for `reason` (their instance went away or down), and the service
    /// starts replacements wherever they fit.
    fn stop_and_replace(&mut self, node: u32, tasks: &[u32], reason: FailReason) {
        self.terminate_machines(node, tasks, reason);
        if let Some((wanted, start)) = self.pool(node).replacement() {
            self.match_capacity(node, wanted, start);
        }
    }

    /// Pending tasks go where they now fit, oldest first, and start.
    fn place_pending(&mut self, node: u32) {
        let start = secs_to_nanos(self.containers(node).params.start_time_secs());
        loop {
            let s = self.containers(node);
            let Some(c) = s.cluster.as_mut() else { return };
            let Some(&task) = c.pending.front() else { return };
            let Some(host) = c.choose() else { return };
            c.pending.pop_front();
            c.bind(task, host);
            let zone = c.hosts[host as usize].zone;
            s.pool.rezone(task, zone);
            let launch = s.pool.machines[task as usize].launch;
            if start > 0 {
                self.events.push(self.now + start, Event::WarmedUp { node, machine: task as u16, launch });
            } else {
                self.instance_up(node, Some(task));
            }
        }
    }

    /// The capacity provider launches the instances the pending tasks need, beyond those booting.
    fn provide_capacity(&mut self, node: u32) {
        let Some(c) = self.containers(node).cluster.as_ref() else { return };
        let per_host = c.size.holds(c.need).max(1);
        let (_, booting) = c.counts();
        let waiting = c.pending.len() as u32;
        let uncovered = waiting.saturating_sub(booting * per_host);
        let present = c.present().count() as u32;
        let launch = uncovered.div_ceil(per_host).min(c.params.max_instances.saturating_sub(present));
        for _ in 0..launch {
            self.launch_host(node);
        }
    }

    /// The capacity provider launches one instance, which takes tasks after its boot time.
    fn launch_host(&mut self, node: u32) {
        let now = self.now;
        let Some(c) = self.containers(node).cluster.as_mut() else { return };
        let mut per_zone = vec![0u32; c.zones];
        for (_, h) in c.present() {
            per_zone[h.zone as usize % c.zones] += 1;
        }
        let zone = (0..c.zones).min_by_key(|&z| (per_zone[z], z)).unwrap_or(0) as u8;
        let boot = secs_to_nanos(c.params.boot_secs);
        let host = Host::new(now, zone, true);
        let index = if let Some(i) = c.hosts.iter().position(|h| h.terminated) {
            let launch = c.hosts[i].launch.wrapping_add(1);
            c.hosts[i] = Host { launch, ..host };
            i
        } else {
            c.hosts.push(host);
            c.hosts.len() - 1
        };
        c.meter.launched(now);
        c.peak_hosts = c.peak_hosts.max(c.present().count() as u32);
        let launch = c.hosts[index].launch;
        self.events.push(now + boot, Event::KindTimer { node, what: HOST_BOOTED, index: index as u16, launch });
        self.schedule_host_interruption(node, index as u32);
    }

    /// On Spot, draws when instance `host` of the cluster will be told it is interrupted.
    fn schedule_host_interruption(&mut self, node: u32, host: u32) {
        let Some(c) = self.containers(node).cluster.as_ref() else { return };
        let (option, launch) = (c.params.purchase.clone(), c.hosts[host as usize].launch);
        if let Some(at) = self.spot_notice_at(&option) {
            self.events.push(at, Event::KindTimer { node, what: HOST_SPOT_NOTICE, index: host as u16, launch });
        }
    }

    /// Instance `host` of the cluster stops: billing ends, its tasks stop for `reason`, and the
    /// service starts replacements wherever they fit.
    fn terminate_host(&mut self, node: u32, host: u32, reason: FailReason) {
        let now = self.now;
        let Some(c) = self.containers(node).cluster.as_mut() else { return };
        let h = &mut c.hosts[host as usize];
        if h.terminated {
            return;
        }
        h.terminated = true;
        let (tasks, launched_at) = (h.tasks.clone(), h.launched_at);
        c.meter.terminated(launched_at, now);
        self.stop_and_replace(node, &tasks, reason);
    }
}

impl Engine {
    /// Every container service priced three ways at the run's usage so far: its tasks' runs on
    /// Fargate and on Fargate Spot (ECS only; as if never interrupted), and on EC2 under each
    /// purchase option — a service on EC2 with its own cluster's instances as they ran, one on
    /// Fargate with as many instances of its cluster's type as its tasks would fill, packed
    /// perfectly (no boot or scale-in delay). The EKS control plane is in every line.
    pub fn container_what_if(&self) -> Vec<ContainerWhatIf> {
        let (now, catalog) = (self.now, &self.catalog);
        let hours = now as f64 / 3.6e12;
        let month = |usd: f64| if hours > 0.0 { usd * 730.0 / hours } else { 0.0 };
        let mut out = Vec::new();
        for node in 0..self.nodes.len() as u32 {
            let Some(s) = self.state_if::<ContainersState>(node) else { continue };
            if self.nodes[node as usize].removed {
                continue;
            }
            let p = &s.params;
            let eks = s.usage(now).eks_cost(catalog);
            let runs = s.runs(now);
            let fargate = |spot: bool| -> f64 {
                runs.iter().map(|&secs| TaskRun { running_secs: secs, spot, ..s.billed }.cost(catalog)).sum()
            };
            let mut options = Vec::new();
            let mut push = |label: String, usd: f64, current: bool| {
                options.push(ContainerOption { label, so_far_usd: usd + eks, month_usd: month(usd + eks), current });
            };
            push("Fargate".to_owned(), fargate(false), p.launch_type == LaunchType::Fargate);
            if !p.orchestrator.is_eks() {
                push(
                    "Fargate Spot (if never interrupted)".to_owned(),
                    fargate(true),
                    p.launch_type == LaunchType::FargateSpot,
                );
            }
            let instance_type = &p.cluster.instance_type;
            for option in crate::cost::whatif::offered_options(catalog) {
                if matches!(option, PurchaseOption::OnPremises { .. } | PurchaseOption::DedicatedHost)
                    || matches!(option, PurchaseOption::Reserved { payment: crate::model::Payment::PartialUpfront, .. })
                {
                    continue;
                }
                let Some(rate) = catalog.machine_per_hour(instance_type, &option) else { continue };
                let usd = match &s.cluster {
                    Some(c) => crate::cost::billing::node_cost(
                        &NodeUsage::Instances(c.meter.usage_as(&option, &c.launches(), now)),
                        catalog,
                    ),
                    // A reservation is paid for every hour, for the most instances ever needed.
                    None if matches!(option, PurchaseOption::Reserved { .. }) => s.packed.max() * hours * rate,
                    None => s.packed.total_area_until(now) / 3.6e12 * rate,
                };
                let spot = |o: &PurchaseOption| matches!(o, PurchaseOption::Spot { .. });
                let current = p.launch_type == LaunchType::Ec2
                    && (p.cluster.purchase == option || spot(&p.cluster.purchase) && spot(&option));
                push(format!("EC2 {instance_type}, {}", option.describe()), usd, current);
            }
            out.push(ContainerWhatIf { node: self.node_id(node), options });
        }
        out
    }
}

impl NodeBehaviour for ContainersState {
    type Params = ContainersParams;

    fn new_state(engine: &mut Engine, _node: &crate::model::Node, p: &ContainersParams) -> Self {
        Self::new(p, &engine.catalog, engine.now)
    }

    #[inline]
    fn pool(&self) -> Option<&InstanceState> {
        Some(&self.pool)
    }

    #[inline]
    fn pool_mut(&mut self) -> Option<&mut InstanceState> {
        Some(&mut self.pool)
    }

    /// The cluster's instances bought as `option` (on premises is not offered for a cluster); a
    /// Fargate service, or a cluster on premises, bills as it is.
    fn usage_as(engine: &Engine, node: u32, option: &PurchaseOption) -> Option<NodeUsage> {
        let s = engine.state::<Self>(node);
        let Some(c) = s.cluster.as_ref().filter(|_| !option.on_premises()) else {
            return Some(<Self as NodeBehaviour>::usage(engine, node));
        };
        // A type without that offering makes the whole what-if unavailable.
        engine.catalog.machine_per_hour(&c.params.instance_type, option)?;
        let mut u = s.usage(engine.now);
        u.hosts.clone_from(&s.closed.hosts);
        u.hosts.extend(c.meter.usage_as(option, &c.launches(), engine.now));
        Some(NodeUsage::Containers(u))
    }

    fn hourly_on_demand(engine: &Engine, node: u32) -> Vec<(f64, f64)> {
        let s = engine.state::<Self>(node);
        s.cluster.as_ref().map_or_else(Vec::new, |c| c.meter.hourly_on_demand.hours_until(engine.now))
    }

    fn start(engine: &mut Engine, node: u32) {
        <InstanceState as NodeBehaviour>::start(engine, node);
        engine.start_cluster(node);
    }

    fn arrive(engine: &mut Engine, node: u32, call: super::slab::Key) {
        <InstanceState as NodeBehaviour>::arrive(engine, node, call);
    }

    fn pull(engine: &mut Engine, node: u32) {
        <InstanceState as NodeBehaviour>::pull(engine, node);
    }

    fn take_down(engine: &mut Engine, node: u32, machine: Option<u32>, reason: FailReason) {
        <InstanceState as NodeBehaviour>::take_down(engine, node, machine, reason);
    }

    /// On EC2, a crash of instance `k` is the cluster's instance `k`: its tasks stop and the
    /// service starts replacements where they fit (or pending); the instance stays, billed, without
    /// tasks until it recovers. On Fargate (or for the whole service) the tasks go down.
    fn crash(engine: &mut Engine, node: u32, machine: Option<u32>) {
        let now = engine.now;
        let Some(k) = machine else {
            Self::take_down(engine, node, None, FailReason::NodeDown);
            return;
        };
        let Some(c) = engine.containers(node).cluster.as_mut() else {
            Self::take_down(engine, node, machine, FailReason::NodeDown);
            return;
        };
        let Some(h) = c.hosts.get_mut(k as usize).filter(|h| !h.terminated) else { return };
        h.down = true;
        h.empty_since = Some(now);
        let tasks = h.tasks.clone();
        engine.stop_and_replace(node, &tasks, FailReason::NodeDown);
    }

    fn recover(engine: &mut Engine, node: u32, machine: Option<u32>) {
        let now = engine.now;
        let (Some(k), Some(c)) = (machine, engine.containers(node).cluster.as_mut()) else {
            Self::bring_up(engine, node, machine);
            return;
        };
        let Some(h) = c.hosts.get_mut(k as usize).filter(|h| !h.terminated && h.down) else { return };
        h.down = false;
        h.empty_since = Some(now);
        engine.idle_check(node, k);
        engine.place_pending(node);
    }

    fn bring_up(engine: &mut Engine, node: u32, machine: Option<u32>) {
        // A pending task stays down when a fault ends: it still waits for room.
        let pending: Vec<u32> =
            engine.containers(node).cluster.as_ref().map_or_else(Vec::new, |c| c.pending.iter().copied().collect());
        let n = engine.pool(node).machines.len() as u32;
        for m in (0..n).filter(|m| machine.is_none_or(|x| x == *m)) {
            if !pending.contains(&m) {
                engine.instance_up(node, Some(m));
            } else if let Some(t) = engine.instance(node).machines.get_mut(m as usize)
                && t.down_count > 1
            {
                t.down_count -= 1;
            }
        }
    }

    fn is_down(engine: &Engine, node: u32) -> bool {
        <InstanceState as NodeBehaviour>::is_down(engine, node)
    }

    fn machines(engine: &Engine, node: u32) -> Option<Vec<(u32, u32)>> {
        <InstanceState as NodeBehaviour>::machines(engine, node)
    }

    fn unit_up(engine: &Engine, node: u32, machine: u32) -> bool {
        <InstanceState as NodeBehaviour>::unit_up(engine, node, machine)
    }

    fn in_outage(engine: &Engine, node: u32, scope: &Scope, zone: Option<u8>) -> bool {
        <InstanceState as NodeBehaviour>::in_outage(engine, node, scope, zone)
    }

    fn timer(engine: &mut Engine, node: u32, what: u16, index: u16, launch: u32) {
        if engine.nodes[node as usize].removed {
            return;
        }
        let now = engine.now;
        let Some(c) = engine.containers(node).cluster.as_mut() else { return };
        let (min, present, after) =
            (c.params.instances, c.present().count() as u32, secs_to_nanos(c.params.scale_in_after_secs));
        let Some(h) = c.hosts.get_mut(index as usize) else { return };
        if h.terminated || h.launch != launch {
            return;
        }
        let host = u32::from(index);
        match what {
            HOST_BOOTED => {
                h.booting = false;
                h.empty_since = Some(now);
                engine.place_pending(node);
                engine.idle_check(node, host);
            }
            HOST_IDLE => {
                let idle =
                    h.tasks.is_empty() && !h.booting && !h.down && h.empty_since.is_some_and(|t| now >= t + after);
                if idle && present > min {
                    engine.terminate_host(node, host, FailReason::Removed);
                }
            }
            HOST_SPOT_NOTICE => {
                let notice = engine.catalog.purchase.spot.notice_secs;
                let subject = engine.node_id(node);
                engine.log_fault_start(
                    subject,
                    format!("spot cluster instance {host} interrupted ({notice:.0} s notice)"),
                    None,
                    0x2_0000 + host,
                );
                let at = now.saturating_add(secs_to_nanos(notice));
                engine.events.push(at, Event::KindTimer { node, what: HOST_SPOT_END, index, launch });
            }
            HOST_SPOT_END => {
                let subject = engine.node_id(node);
                engine.log_fault_end(&subject, None, 0x2_0000 + host);
                engine.terminate_host(node, host, FailReason::SpotInterrupted);
            }
            _ => unreachable!("container timer {what}"),
        }
    }

    fn retune(engine: &mut Engine, node: u32, kind: &NodeKind) {
        let NodeKind::Containers(p) = kind else { return };
        let old = engine.containers(node).params.clone();
        let redeploy = old.launch_type != p.launch_type
            || old.orchestrator != p.orchestrator
            || (old.cpu, old.memory_gb, old.storage_gb) != (p.cpu, p.memory_gb, p.storage_gb)
            || old.architecture != p.architecture
            || (p.launch_type == LaunchType::Ec2
                && (old.cluster.instance_type != p.cluster.instance_type
                    || old.cluster.purchase != p.cluster.purchase));
        if redeploy {
            redeploy_service(engine, node, p);
            return;
        }
        let catalog = engine.catalog.clone();
        let pool = pool_params(p, &catalog);
        let s = engine.containers(node);
        as_tasks(&mut s.pool, p);
        s.params = p.clone();
        if let Some(c) = s.cluster.as_mut() {
            c.params = p.cluster.clone();
        }
        engine.retune_instance(node, &pool);
        engine.provide_capacity(node);
        engine.place_pending(node);
    }

    fn remove(engine: &mut Engine, node: u32) {
        <InstanceState as NodeBehaviour>::remove(engine, node);
        let hosts = engine.containers(node).cluster.as_ref().map_or(0, |c| c.hosts.len() as u32);
        for h in 0..hosts {
            engine.terminate_host(node, h, FailReason::Removed);
        }
    }

    fn usage(engine: &Engine, node: u32) -> NodeUsage {
        NodeUsage::Containers(engine.state::<Self>(node).usage(engine.now))
    }

    fn gauges(engine: &Engine, node: u32) -> Gauges {
        <InstanceState as NodeBehaviour>::gauges(engine, node)
    }

    fn live(engine: &Engine, node: u32, utilization: f64) -> LiveNode {
        let s = engine.state::<Self>(node);
        LiveNode {
            pending: s.pending(),
            hosts: s.cluster.as_ref().map(Cluster::counts),
            ..<InstanceState as NodeBehaviour>::live(engine, node, utilization)
        }
    }

    fn figures(engine: &Engine, node: u32, f: &mut NodeFigures) {
        <InstanceState as NodeBehaviour>::figures(engine, node, f);
        let s = engine.state::<Self>(node);
        f.containers = Some(ContainerFigures {
            tasks_pending: s.pending(),
            tasks_ever_pending: s.went_pending,
            max_tasks_pending: s.peak_pending,
            cluster_instances: s.cluster.as_ref().map_or(0, |c| c.present().count() as u32),
            max_cluster_instances: s.cluster.as_ref().map_or(0, |c| c.peak_hosts),
        });
    }
}

/// A change of launch type, task size, orchestrator or the cluster's instances during a run: the
/// service's tasks (and instances) stop — work in progress fails as removed — and a new deployment
/// starts, its tasks serving after their start time. What the old one used stays on the bill. The
/// tasks' slots are kept (new tasks reuse them with a new epoch), so that the stopped tasks' events
/// are recognised as stale.
fn redeploy_service(engine: &mut Engine, node: u32, p: &ContainersParams) {
    let now = engine.now;
    let used = engine.containers(node).usage(now);
    <ContainersState as NodeBehaviour>::remove(engine, node);
    let catalog = engine.catalog.clone();
    let pool = pool_params(p, &catalog);
    let s = engine.containers(node);
    s.params = p.clone();
    s.billed = billed_run(p);
    s.closed = used;
    s.since = now;
    s.cluster = (p.launch_type == LaunchType::Ec2).then(|| Cluster::new(p, &catalog, now));
    s.pool.meter = InstanceMeter::new("", &pool.purchase, &catalog, 0, now);
    as_tasks(&mut s.pool, p);
    s.per_host = tasks_per_host(p, &catalog);
    engine.retune_instance(node, &pool);
    engine.start_cluster(node);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cluster as ClusterParams, Diagram, Distribution, Node, NodeId, ScheduledAction};
    use crate::sim::{RunOptions, SimTime};
    use proptest::prelude::*;

    /// Every instance's tasks fit within its vCPU and memory (counted without the cluster's own
    /// arithmetic, which would underflow first), a task is on one instance at most, a serving task
    /// is on one, and a pending one is on none and does not serve.
    fn assert_placement(engine: &Engine) {
        let s = engine.state::<ContainersState>(0);
        let Some(c) = &s.cluster else { return };
        let mut seen = std::collections::BTreeSet::new();
        for (i, h) in c.hosts.iter().enumerate() {
            if h.terminated {
                assert!(h.tasks.is_empty(), "instance {i} ended with tasks");
                continue;
            }
            let n = h.tasks.len() as u64;
            let used = (u64::from(c.need.cpu) * n, u64::from(c.need.mem) * n);
            assert!(
                used.0 <= u64::from(c.size.cpu) && used.1 <= u64::from(c.size.mem),
                "instance {i}: {n} tasks of {:?} placed on {:?}",
                c.need,
                c.size
            );
            assert!(!h.booting || h.tasks.is_empty(), "instance {i} took tasks while booting");
            for &t in &h.tasks {
                assert!(seen.insert(t), "task {t} on two instances");
                assert_eq!(c.task_host.get(t as usize).copied().flatten(), Some(i as u32));
                assert!(!s.pool.machines[t as usize].terminated, "a stopped task {t} holds room");
            }
        }
        for m in s.pool.present_machines() {
            let placed = seen.contains(&m);
            let pending = c.pending.contains(&m);
            assert!(placed != pending, "task {m}: placed {placed}, pending {pending}");
            if pending {
                assert!(!s.pool.machines[m as usize].is_up(), "pending task {m} serves");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn placement_never_exceeds_an_instance(
            cpu in prop::sample::select(vec![0.25, 0.5, 1.0, 2.0]),
            memory_gb in prop::sample::select(vec![0.5, 1.0, 2.0, 3.0, 4.0, 6.0]),
            instance in prop::sample::select(vec!["m5.large", "m5.xlarge", "c5.large", "r5.large"]),
            desired in 0..24u32,
            later in 0..24u32,
            instances in 0..3u32,
            extra in 0..5u32,
            spread in any::<bool>(),
            spot in any::<bool>(),
            stops in prop::collection::vec(0.0..1.0f64, 4),
        ) {
            let catalog = Catalog::embedded();
            let t = catalog.instance_type(instance).unwrap();
            prop_assume!(cpu <= f64::from(t.vcpu) && memory_gb <= t.memory_gib);
            let p = ContainersParams {
                launch_type: LaunchType::Ec2,
                cpu,
                memory_gb,
                tasks: ContainersParams::default().tasks,
                start_secs: Some(1.0),
                zones: vec!["a".into(), "b".into()],
                auto_scaling: Some(AutoScaling {
                    min: 0,
                    max: 24,
                    desired: Some(desired),
                    metric: None,
                    scheduled: vec![ScheduledAction { at_secs: 150.0, min: None, max: None, desired: Some(later) }],
                    ..AutoScaling::default()
                }),
                service_time: Distribution::Exponential { mean_ms: 10.0 },
                cluster: ClusterParams {
                    instance_type: instance.to_owned(),
                    instances,
                    max_instances: (instances + extra).max(1),
                    placement: if spread { Placement::Spread } else { Placement::Binpack },
                    purchase: if spot {
                        PurchaseOption::Spot { interruptions_per_hour: Some(20.0) }
                    } else {
                        PurchaseOption::OnDemand
                    },
                    boot_secs: 30.0,
                    scale_in_after_secs: 20.0,
                },
                ..ContainersParams::default()
            };
            let mut d = Diagram::default();
            d.nodes.push(Node { id: NodeId::new("svc"), name: String::new(), pos: (0.0, 0.0), kind: NodeKind::Containers(p) });
            d.scenario.duration_secs = 400.0;
            let problems = crate::model::validate::check(&d, &catalog);
            prop_assert!(problems.iter().all(crate::model::validate::Problem::is_warning), "{problems:?}");
            let mut e = Engine::new(&d, &catalog, &RunOptions::default()).unwrap();
            assert_placement(&e);
            let mut stops = stops;
            stops.sort_by(f64::total_cmp);
            for s in stops {
                e.run_until(SimTime::from_secs(400.0 * s), u64::MAX);
                assert_placement(&e);
            }
            e.run_to_end();
            assert_placement(&e);
        }
    }
}
