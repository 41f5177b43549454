//! The Cost tab of the dock: the bill of the live run so far and at its pace, by service, by
//! purchase option and by node; what the same run would have cost with every instance on each
//! purchase option; and the Savings Plan commitment that would have cost least, from the run's
//! hourly usage (as AWS Cost Explorer recommends one from past usage).

use super::action::Action;
use super::live::LiveRun;
use crate::cost::Bill;
use crate::cost::whatif::{offered_options, recommend_commitment};
use crate::model::{NodeId, Payment, PurchaseOption, SavingsPlanKind};
use egui::Ui;
use std::time::{Duration, Instant};

/// How often the what-if figures are worked out again while the run plays.
const REFRESH: Duration = Duration::from_millis(500);

/// One row of the what-if table: the option, and the bill so far and for a month under it
/// (`None`: not offered for some node's type).
#[derive(Debug, Clone)]
struct WhatIfRow {
    label: String,
    totals: Option<(f64, f64)>,
}

/// One savings plan recommendation.
#[derive(Debug, Clone)]
struct Advice {
    label: String,
    commitment_per_hour: f64,
    with_plan: f64,
}

/// The what-if figures, kept between frames.
#[derive(Debug, Default)]
pub struct CostCache {
    /// Simulated time and wall time they were worked out at.
    at: Option<(u64, Instant)>,
    rows: Vec<WhatIfRow>,
    advice: Vec<Advice>,
    on_demand_ec2: f64,
    /// The real bill at the same moment, and a month at its pace.
    bill: Bill,
    month: Bill,
    /// Successful client requests at the same moment.
    succeeded: u64,
    /// Each container service run the other ways.
    containers: Vec<crate::sim::ContainerWhatIf>,
}

impl CostCache {
    fn refresh(&mut self, run: &LiveRun) {
        let now = run.engine.now().0;
        if self.at.is_some_and(|(t, wall)| t == now || wall.elapsed() < REFRESH) {
            return;
        }
        let catalog = run.engine.catalog();
        let estimated = |plan, years| {
            catalog.purchase.savings_plans.iter().any(|s| s.plan == plan && s.term_years == years && s.estimate)
        };
        self.rows = offered_options(catalog)
            .into_iter()
            // Partial upfront sits between the other two; the inspector lists it.
            .filter(|o| !matches!(o, PurchaseOption::Reserved { payment: Payment::PartialUpfront, .. }))
            .map(|option| {
                let note = match option {
                    PurchaseOption::SavingsPlan { plan, term_years } if estimated(plan, term_years) => " (estimate)",
                    PurchaseOption::Spot { .. } => " (if never interrupted)",
                    PurchaseOption::OnPremises { .. } => " (catalog's starting figures)",
                    _ => "",
                };
                WhatIfRow {
                    label: format!("{}{note}", option.describe()),
                    totals: run.engine.what_if(&option).map(|(bill, month)| (bill.total, month.total)),
                }
            })
            .collect();
        self.containers = run.engine.container_what_if();
        let hourly = run.engine.hourly_on_demand();
        self.on_demand_ec2 = hourly.iter().map(|h| h.0).sum();
        self.advice = catalog
            .purchase
            .savings_plans
            .iter()
            .map(|s| {
                let (commitment_per_hour, with_plan) = recommend_commitment(&hourly, s.discount);
                let plan = if s.plan == SavingsPlanKind::Compute { "Compute" } else { "EC2 Instance" };
                let estimate = if s.estimate { ", estimated rate" } else { "" };
                Advice { label: format!("{plan}, {} yr{estimate}", s.term_years), commitment_per_hour, with_plan }
            })
            .collect();
        self.bill = run.engine.bill();
        self.month = run.engine.monthly_bill().unwrap_or_default();
        self.succeeded = run.engine.client_totals().succeeded;
        self.at = Some((now, Instant::now()));
    }
}

/// Shows the tab.
pub fn show(ui: &mut Ui, run: &LiveRun, free_tier: bool, cache: &mut CostCache, actions: &mut Vec<Action>) {
    // Worked out at most twice a second (see `REFRESH`), not every frame.
    cache.refresh(run);
    let engine = &run.engine;
    let (bill, month) = (&cache.bill, &cache.month);
    let (succeeded, at) = (cache.succeeded, cache.at.map_or(0, |(t, _)| t));
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.strong(format!("${:.4} so far", bill.total));
            ui.label(format!(
                "in {:.1} simulated minutes · at this pace ${:.4}/hour, ${:.2} a 730-hour month",
                at as f64 / 60e9,
                month.total / 730.0,
                month.total
            ));
            if succeeded > 0 {
                ui.label(format!("· ${:.4} per million successful requests", bill.total / succeeded as f64 * 1e6));
            }
            let mut on = free_tier;
            if ui
                .checkbox(&mut on, "Free tier")
                .on_hover_text(
                    "Take the AWS free tier's monthly allowances off (Lambda, SQS, SNS, load balancer, data out)",
                )
                .changed()
            {
                actions.push(Action::SetFreeTier(on));
            }
            if free_tier {
                ui.weak(format!("(${:.4} taken off)", bill.free_tier_savings));
            }
        });
        ui.separator();
        ui.columns(3, |columns| {
            let ui = &mut columns[0];
            ui.strong("By service");
            let mut services: Vec<_> = bill.by_service.iter().filter(|(_, c)| **c > 0.0).collect();
            services.sort_by(|a, b| b.1.total_cmp(a.1));
            for (service, cost) in services {
                ui.label(format!("{}: ${cost:.4}", service.name()));
            }
            let ui = &mut columns[1];
            ui.strong("EC2 by purchase option");
            if bill.by_purchase_option.is_empty() {
                ui.weak("no instances");
            }
            for (kind, cost) in &bill.by_purchase_option {
                ui.label(format!("{}: ${cost:.4}", kind.label()));
            }
            let ui = &mut columns[2];
            ui.strong("Nodes by cost");
            let diagram = engine.diagram();
            let mut nodes: Vec<(usize, f64)> =
                bill.by_node.iter().copied().enumerate().filter(|(_, c)| *c > 0.0).collect();
            nodes.sort_by(|a, b| b.1.total_cmp(&a.1));
            for (i, cost) in nodes {
                let node = &diagram.nodes[i];
                let share = if bill.total > 0.0 { cost / bill.total * 100.0 } else { 0.0 };
                let text = format!("{}: ${cost:.4} ({share:.0} %)", node.label());
                if engine.is_removed(i) {
                    ui.weak(text);
                } else if ui.link(text).on_hover_text("Select it").clicked() {
                    actions.push(Action::SelectNode(NodeId(node.id.0.clone()), false));
                }
            }
        });
        ui.separator();
        what_if(ui, cache);
        if !cache.containers.is_empty() {
            ui.separator();
            containers_what_if(ui, cache);
        }
    });
}

/// Each container service on Fargate, Fargate Spot and EC2 under each purchase option.
fn containers_what_if(ui: &mut Ui, cache: &CostCache) {
    ui.strong("Each container service run another way…").on_hover_text(
        "The tasks the service ran, priced on Fargate (per task-second, one-minute minimum), on Fargate \
         Spot if never interrupted, and on EC2: its own cluster's instances under each option, or — for \
         a service on Fargate — as many instances of its cluster's type as its tasks fill, packed \
         perfectly (a reservation for the most ever needed). The EKS control plane is in every line.",
    );
    // Side by side, up to three services a row.
    for (row, services) in cache.containers.chunks(3).enumerate() {
        ui.columns(3, |columns| {
            for (k, s) in services.iter().enumerate() {
                service_what_if(&mut columns[k], row * 3 + k, s);
            }
        });
    }
}

fn service_what_if(ui: &mut Ui, i: usize, s: &crate::sim::ContainerWhatIf) {
    {
        ui.label(egui::RichText::new(&s.node).monospace());
        egui::Grid::new(("containers-what-if", i)).num_columns(3).striped(true).spacing([10.0, 2.0]).show(ui, |ui| {
            ui.strong("run on");
            ui.strong("so far");
            ui.strong("a month");
            ui.end_row();
            for o in &s.options {
                if o.current {
                    ui.strong(format!("{} (now)", o.label));
                } else {
                    ui.label(&o.label);
                }
                ui.monospace(format!("${:.4}", o.so_far_usd));
                ui.monospace(format!("${:.2}", o.month_usd));
                ui.end_row();
            }
        });
    }
}

fn what_if(ui: &mut Ui, cache: &CostCache) {
    let now_total = cache.bill.total;
    ui.columns(2, |columns| {
        let ui = &mut columns[0];
        ui.strong("What if every instance were on…").on_hover_text(
            "The same run, its instances priced under each option; spot as if never interrupted, \
             on premises with the catalog's starting figures, a reservation for the machines of the start",
        );
        egui::Grid::new("what-if").num_columns(4).striped(true).spacing([10.0, 2.0]).show(ui, |ui| {
            ui.strong("option");
            ui.strong("so far");
            ui.strong("a month");
            ui.strong("vs this run");
            ui.end_row();
            for row in &cache.rows {
                ui.label(&row.label);
                if let Some((total, month)) = row.totals {
                    ui.monospace(format!("${total:.4}"));
                    ui.monospace(format!("${month:.2}"));
                    let change = if now_total > 0.0 { (total / now_total - 1.0) * 100.0 } else { 0.0 };
                    ui.monospace(if change.abs() < 0.05 { "—".to_owned() } else { format!("{change:+.0} %") });
                } else {
                    ui.weak("not offered");
                    ui.label("");
                    ui.label("");
                }
                ui.end_row();
            }
        });
        let ui = &mut columns[1];
        ui.strong("Savings plan recommendation").on_hover_text(
            "From the run's hourly on-demand usage of its instances: the commitment per hour that would \
             have made the total least, as AWS Cost Explorer recommends one from past usage",
        );
        if cache.on_demand_ec2 <= 0.0 {
            ui.weak("No instance usage yet.");
            return;
        }
        ui.label(format!("On demand, the instances cost ${:.4} so far.", cache.on_demand_ec2));
        for a in &cache.advice {
            let saved = (1.0 - a.with_plan / cache.on_demand_ec2) * 100.0;
            ui.label(format!(
                "{}: commit ${:.4}/hour and pay ${:.4} ({saved:.0} % less)",
                a.label, a.commitment_per_hour, a.with_plan
            ));
        }
    });
}
