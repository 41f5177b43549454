//! The billing meter of an instance node: what its machines have run, by purchase option, as the
//! lines of [`InstanceLine`] the bill prices.
//!
//! On demand, savings plan and spot bill each launch by its running time (60-second minimum).
//! A reservation covers the machines present when it starts, for every hour whether they run or
//! not; machines beyond it run on demand. A dedicated host bills every host the machines need, by
//! vCPU, from the start. On-premises servers bill from their purchase to the end, busy or not, and
//! are never sold during a run. A new type or option closes the period and starts another.

use super::stats::{HourlyArea, TimeAverage};
use crate::cost::{Catalog, InstanceLine};
use crate::model::PurchaseOption;

/// Seconds in an hour, as nanoseconds.
const HOUR_NS: f64 = 3.6e12;

/// The meter of one instance node.
#[derive(Debug)]
pub(crate) struct InstanceMeter {
    instance_type: String,
    pub option: PurchaseOption,
    /// Start of the current period.
    since: u64,
    /// Machines present now.
    present: u32,
    /// Reserved: machines the reservation covers.
    reserved: u32,
    /// Reserved: machines beyond the reservation, over time.
    overflow: TimeAverage,
    /// Dedicated host: hosts needed, over time.
    hosts: TimeAverage,
    /// vCPUs of the type and of its host, for counting hosts.
    host_fit: Option<(u32, u32)>,
    /// On premises: servers owned (never fewer), over time.
    owned: TimeAverage,
    /// Lines of periods and launches that have ended.
    ended: Vec<InstanceLine>,
    /// Running seconds of the launches of this period that have ended (for what-if prices).
    closed_runs: Vec<f64>,
    /// Machines present × their on-demand rate, per clock hour: the usage a savings plan would
    /// cover.
    pub hourly_on_demand: HourlyArea,
    /// On-demand rate of the type now.
    on_demand_rate: f64,
}

/// Whether `option` bills machine by machine, by running time.
fn per_launch(option: &PurchaseOption) -> bool {
    matches!(option, PurchaseOption::OnDemand | PurchaseOption::SavingsPlan { .. } | PurchaseOption::Spot { .. })
}

impl InstanceMeter {
    /// A meter for `present` machines of `instance_type` starting at `now`.
    pub fn new(instance_type: &str, option: &PurchaseOption, catalog: &Catalog, present: u32, now: u64) -> Self {
        let mut meter = Self {
            instance_type: String::new(),
            option: PurchaseOption::OnDemand,
            since: now,
            present: 0,
            reserved: 0,
            overflow: TimeAverage::default(),
            hosts: TimeAverage::default(),
            host_fit: None,
            owned: TimeAverage::default(),
            ended: Vec::new(),
            closed_runs: Vec::new(),
            hourly_on_demand: HourlyArea::default(),
            on_demand_rate: 0.0,
        };
        meter.begin(instance_type, option, catalog, present, now);
        meter
    }

    /// Starts a period: levels from zero, a reservation for what is present.
    fn begin(&mut self, instance_type: &str, option: &PurchaseOption, catalog: &Catalog, present: u32, now: u64) {
        instance_type.clone_into(&mut self.instance_type);
        self.option = option.clone();
        self.since = now;
        let rate = catalog.instance_type(instance_type).map_or(0.0, |t| t.on_demand_per_hour);
        let before = f64::from(self.present) * self.on_demand_rate;
        self.hourly_on_demand.add(now, f64::from(present) * rate - before);
        self.on_demand_rate = rate;
        self.closed_runs.clear();
        self.present = present;
        self.reserved = present;
        self.overflow = TimeAverage::default();
        self.hosts = TimeAverage::default();
        self.owned = TimeAverage::default();
        let vcpu = catalog.instance_type(instance_type).map_or(1, |t| t.vcpu);
        self.host_fit = catalog.dedicated_host(instance_type).map(|h| (vcpu, h.vcpus));
        self.overflow.add(now, 0, 0.0);
        self.hosts.add(now, 0, f64::from(self.hosts_for(present)));
        self.owned.add(now, 0, f64::from(present));
    }

    fn hosts_for(&self, machines: u32) -> u32 {
        self.host_fit.map_or(0, |(vcpu, host)| (machines * vcpu).div_ceil(host.max(1)))
    }

    /// The presence changed to `present` machines at `now`.
    fn set_present(&mut self, present: u32, now: u64) {
        let excess = |n: u32| f64::from(n.saturating_sub(self.reserved));
        self.overflow.add(now, 0, excess(present) - excess(self.present));
        self.hosts.add(now, 0, f64::from(self.hosts_for(present)) - f64::from(self.hosts_for(self.present)));
        let owned = self.owned.level();
        if f64::from(present) > owned {
            self.owned.add(now, 0, f64::from(present) - owned);
        }
        let delta = f64::from(present) - f64::from(self.present);
        self.hourly_on_demand.add(now, delta * self.on_demand_rate);
        self.present = present;
    }

    /// One machine launched at `now`.
    pub fn launched(&mut self, now: u64) {
        self.set_present(self.present + 1, now);
    }

    /// One machine, launched at `launched_at`, terminated at `now`.
    pub fn terminated(&mut self, launched_at: u64, now: u64) {
        if per_launch(&self.option) {
            self.ended.push(self.launch_line(launched_at, now));
        }
        self.closed_runs.push(now.saturating_sub(launched_at.max(self.since)) as f64 / 1e9);
        self.set_present(self.present.saturating_sub(1), now);
    }

    fn launch_line(&self, launched_at: u64, now: u64) -> InstanceLine {
        InstanceLine::Launch {
            instance_type: self.instance_type.clone(),
            option: self.option.clone(),
            running_secs: now.saturating_sub(launched_at.max(self.since)) as f64 / 1e9,
        }
    }

    /// The lines of the current period up to `now`; `launches` are the launch times of the
    /// machines present.
    fn period_lines(&self, launches: &[u64], now: u64) -> Vec<InstanceLine> {
        self.lines_as(&self.option, launches, now, false)
    }

    /// The lines of the current period as they would be under `option`; with `all_runs`, ended
    /// launches are included (they are already in `ended` for the real bill).
    fn lines_as(&self, option: &PurchaseOption, launches: &[u64], now: u64, all_runs: bool) -> Vec<InstanceLine> {
        let hours = now.saturating_sub(self.since) as f64 / HOUR_NS;
        let committed = |unit_hours: f64| InstanceLine::Committed {
            instance_type: self.instance_type.clone(),
            option: option.clone(),
            unit_hours,
        };
        let launch = |running_secs: f64| InstanceLine::Launch {
            instance_type: self.instance_type.clone(),
            option: option.clone(),
            running_secs,
        };
        match option {
            PurchaseOption::OnDemand | PurchaseOption::SavingsPlan { .. } | PurchaseOption::Spot { .. } => {
                let open = launches.iter().map(|&at| now.saturating_sub(at.max(self.since)) as f64 / 1e9);
                let closed = self.closed_runs.iter().copied().filter(|_| all_runs);
                open.chain(closed).map(launch).collect()
            }
            PurchaseOption::Reserved { .. } => vec![
                committed(f64::from(self.reserved) * hours),
                InstanceLine::Overflow {
                    instance_type: self.instance_type.clone(),
                    running_secs: self.overflow.total_area_until(now) / 1e9,
                },
            ],
            PurchaseOption::DedicatedHost => vec![committed(self.hosts.total_area_until(now) / HOUR_NS)],
            PurchaseOption::OnPremises { .. } => vec![committed(self.owned.total_area_until(now) / HOUR_NS)],
        }
    }

    /// The lines so far as they would be had this period been under `option` (earlier periods as
    /// billed). Spot is priced as if no machine had been interrupted.
    pub fn usage_as(&self, option: &PurchaseOption, launches: &[u64], now: u64) -> Vec<InstanceLine> {
        let mut lines = if per_launch(&self.option) {
            // The launches of this period already ended are in `ended`; they are priced again here.
            let closed = self.closed_runs.len();
            let mut ended = self.ended.clone();
            ended.truncate(ended.len() - closed.min(ended.len()));
            ended
        } else {
            self.ended.clone()
        };
        lines.extend(self.lines_as(option, launches, now, true));
        lines
    }

    /// Every line so far.
    pub fn usage(&self, launches: &[u64], now: u64) -> Vec<InstanceLine> {
        let mut lines = self.ended.clone();
        lines.extend(self.period_lines(launches, now));
        lines.retain(|l| !matches!(l, InstanceLine::Overflow { running_secs, .. } if *running_secs == 0.0));
        lines
    }

    /// A new type or purchase option from `now`: the current period ends (the caller relaunches
    /// the machines present, for billing, at `now`).
    pub fn change(
        &mut self,
        instance_type: &str,
        option: &PurchaseOption,
        catalog: &Catalog,
        launches: &[u64],
        now: u64,
    ) {
        let lines = self.period_lines(launches, now);
        self.ended.extend(lines);
        self.begin(instance_type, option, catalog, launches.len() as u32, now);
    }
}
