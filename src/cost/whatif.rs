//! What-if pricing: the same usage under other purchase options, and the Savings Plan commitment
//! that would have cost least, worked out from the hourly usage the way AWS Cost Explorer
//! recommends one from past usage.

use super::catalog::Catalog;
use crate::model::PurchaseOption;

/// Every purchase option the catalog offers: on demand, each reservation and savings plan, spot,
/// a dedicated host, and on premises (a marker: its figures depend on the node's type, see
/// [`Catalog::on_premises_for`]).
pub fn offered_options(catalog: &Catalog) -> Vec<PurchaseOption> {
    let mut out = vec![PurchaseOption::OnDemand];
    out.extend(catalog.purchase.reserved.iter().map(|r| PurchaseOption::Reserved {
        class: r.class,
        term_years: r.term_years,
        payment: r.payment,
    }));
    out.extend(
        catalog
            .purchase
            .savings_plans
            .iter()
            .map(|s| PurchaseOption::SavingsPlan { plan: s.plan, term_years: s.term_years }),
    );
    out.push(PurchaseOption::Spot { interruptions_per_hour: None });
    out.push(PurchaseOption::DedicatedHost);
    out.push(PurchaseOption::OnPremises { hardware_usd: 0.0, amortisation_years: 1.0, running_usd_per_hour: 0.0 });
    out
}

/// The commitment recommended for a Savings Plan with `discount`, from `hourly` usage: each entry
/// is (on-demand dollars used in that clock hour, the hour's length in hours — the last may be
/// partial). A commitment of `c` dollars an hour is paid every hour and covers `c / (1 −
/// discount)` of on-demand usage; the rest is paid on demand. Returns the commitment per hour
/// that makes the total least, and that total.
pub fn recommend_commitment(hourly: &[(f64, f64)], discount: f64) -> (f64, f64) {
    let keep = 1.0 - discount;
    // Rates in dollars an hour, with their weights (hours), sorted.
    let mut rates: Vec<(f64, f64)> =
        hourly.iter().filter(|(_, w)| *w > 0.0).map(|&(dollars, w)| (dollars / w, w)).collect();
    rates.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total_weight: f64 = rates.iter().map(|r| r.1).sum();
    let cost_at = |x: f64| -> f64 {
        keep * x * total_weight + rates.iter().filter(|r| r.0 > x).map(|r| r.1 * (r.0 - x)).sum::<f64>()
    };
    // The cost is convex and piecewise linear in the covered rate x; its least value is at 0 or
    // at one of the hourly rates.
    let mut best = (0.0, cost_at(0.0));
    for &(x, _) in &rates {
        let c = cost_at(x);
        if c < best.1 - 1e-12 {
            best = (x, c);
        }
    }
    (best.0 * keep, best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_usage_is_committed_in_full() {
        // $1 an hour of on-demand usage every hour, 30 % off: commit $0.70 an hour, pay 0.70 × 10.
        let hourly = vec![(1.0, 1.0); 10];
        let (commit, total) = recommend_commitment(&hourly, 0.3);
        assert!((commit - 0.7).abs() < 1e-12 && (total - 7.0).abs() < 1e-12, "{commit} {total}");
    }

    #[test]
    fn a_short_peak_is_left_on_demand() {
        // 9 hours at $1, one at $10, 30 % off. Covering the peak too would cost 0.7 × 10 × 10 = 70;
        // covering $1: 0.7 × 10 + 9 = 16, the least.
        let mut hourly = vec![(1.0, 1.0); 9];
        hourly.push((10.0, 1.0));
        let (commit, total) = recommend_commitment(&hourly, 0.3);
        assert!((commit - 0.7).abs() < 1e-12 && (total - 16.0).abs() < 1e-12, "{commit} {total}");
        // With 95 % off, covering the peak pays: 0.05 × 10 × 10 = 5 < 0.05 × 10 + 9.
        let (commit, total) = recommend_commitment(&hourly, 0.95);
        assert!((commit - 0.5).abs() < 1e-12 && (total - 5.0).abs() < 1e-12, "{commit} {total}");
    }

    #[test]
    fn no_usage_means_no_commitment() {
        assert_eq!(recommend_commitment(&[(0.0, 1.0), (0.0, 0.5)], 0.3), (0.0, 0.0));
    }
}
