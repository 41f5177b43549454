//! The run's bill: what each node has used, priced by the catalog — so far, under another
//! purchase option (the what-if), by the hour on demand, and scaled to a month.

use super::Engine;
use super::kinds::for_kind;
use crate::cost::{Bill, BillOptions};
use crate::model::PurchaseOption;

impl Engine {
    /// The bill so far.
    pub fn bill(&self) -> Bill {
        let options = BillOptions { free_tier: self.diagram.scenario.free_tier, hours: self.now as f64 / 3.6e12 };
        Bill::compute(&self.usages(), &self.catalog, options)
    }

    /// The bill so far, and its 730-hour projection, had every instance node run on `option`
    /// (on premises: the catalog's starting figures for each node's type). Spot is priced as if
    /// no machine had been interrupted. `None` when a node's type has no such offering (a
    /// dedicated host for its family, say).
    pub fn what_if(&self, option: &PurchaseOption) -> Option<(Bill, Bill)> {
        let mut usages = Vec::with_capacity(self.nodes.len());
        for i in 0..self.nodes.len() as u32 {
            // Only nodes with machines bought by the hour change; the rest bill as they are.
            usages.push(for_kind!(self, i, usage_as(self, i, option))?);
        }
        let hours = self.now as f64 / 3.6e12;
        let free_tier = self.diagram.scenario.free_tier;
        let bill = Bill::compute(&usages, &self.catalog, BillOptions { free_tier, hours });
        let month = if hours > 0.0 {
            let scaled: Vec<_> = usages.iter().map(|u| u.scaled(730.0 / hours)).collect();
            Bill::compute(&scaled, &self.catalog, BillOptions { free_tier, hours: 730.0 })
        } else {
            Bill::default()
        };
        Some((bill, month))
    }

    /// The on-demand value of the instances present, per clock hour so far: (dollars, the hour's
    /// length in hours), for savings plan recommendations.
    pub fn hourly_on_demand(&self) -> Vec<(f64, f64)> {
        let mut total: Vec<(f64, f64)> = Vec::new();
        for i in 0..self.nodes.len() as u32 {
            let hours = for_kind!(self, i, hourly_on_demand(self, i));
            for (h, (dollars, length)) in hours.into_iter().enumerate() {
                if total.len() <= h {
                    total.push((0.0, length));
                }
                total[h].0 += dollars;
            }
        }
        if total.is_empty() {
            total = crate::sim::stats::HourlyArea::default().hours_until(self.now);
        }
        total
    }

    /// The bill of a 730-hour month at the pace of the run so far: its usage scaled to a month,
    /// minimums and partial hours worked out anew, free tier (if on) taken once. `None` before
    /// any simulated time has passed.
    pub fn monthly_bill(&self) -> Option<Bill> {
        let hours = self.now as f64 / 3.6e12;
        if hours <= 0.0 {
            return None;
        }
        let scaled: Vec<_> = self.usages().iter().map(|u| u.scaled(730.0 / hours)).collect();
        let options = BillOptions { free_tier: self.diagram.scenario.free_tier, hours: 730.0 };
        Some(Bill::compute(&scaled, &self.catalog, options))
    }
}
