//! The purchase option of an instance node in the inspector: a picker with the option's own
//! settings, and the options side by side for the chosen type — price per hour and per month,
//! the saving against on demand, and what each commits to. Clicking a row chooses it.

use super::inspector::combo;
use crate::cost::Catalog;
use crate::cost::whatif::offered_options;
use crate::model::{OptionKind, Payment, PurchaseOption, ReservedClass, SavingsPlanKind};
use egui::{DragValue, Ui};

/// The option a kind starts as when picked.
fn starting(kind: OptionKind, catalog: &Catalog, instance_type: &str) -> PurchaseOption {
    match kind {
        OptionKind::OnDemand => PurchaseOption::OnDemand,
        OptionKind::Reserved => {
            PurchaseOption::Reserved { class: ReservedClass::Standard, term_years: 1, payment: Payment::NoUpfront }
        }
        OptionKind::SavingsPlan => PurchaseOption::SavingsPlan { plan: SavingsPlanKind::Compute, term_years: 1 },
        OptionKind::Spot => PurchaseOption::Spot { interruptions_per_hour: None },
        OptionKind::DedicatedHost => PurchaseOption::DedicatedHost,
        OptionKind::OnPremises => catalog.on_premises_for(instance_type),
    }
}

/// What choosing `option` commits to, for one machine of `instance_type`.
fn commitment(option: &PurchaseOption, catalog: &Catalog, instance_type: &str) -> String {
    match option {
        PurchaseOption::OnDemand => "nothing; per second, 1-minute minimum".to_owned(),
        PurchaseOption::Reserved { class, term_years, payment } => {
            let upfront = catalog
                .purchase
                .reserved
                .iter()
                .find(|r| r.class == *class && r.term_years == *term_years && r.payment == *payment)
                .zip(catalog.instance_type(instance_type))
                .zip(catalog.instance_type(&catalog.purchase.reserved_reference_type))
                .map_or(0.0, |((r, t), reference)| r.upfront_usd * t.on_demand_per_hour / reference.on_demand_per_hour);
            format!("{term_years} years, used or not; ${upfront:.0} upfront per machine")
        }
        PurchaseOption::SavingsPlan { term_years, .. } => format!("a spend per hour for {term_years} years"),
        PurchaseOption::Spot { .. } => "nothing; can be taken back with 2 minutes' notice".to_owned(),
        PurchaseOption::DedicatedHost => catalog.dedicated_host(instance_type).map_or_else(
            || "no host for this family in the catalog".to_owned(),
            |h| format!("whole {} hosts ({} vCPU) at ${:.3}/h each", h.family, h.vcpus, h.on_demand_per_hour),
        ),
        PurchaseOption::OnPremises { hardware_usd, amortisation_years, .. } => {
            format!("${hardware_usd:.0} of hardware per server, written off over {amortisation_years} years")
        }
    }
}

/// The picker and the chosen option's settings; returns whether `option` changed.
pub fn field(
    ui: &mut Ui,
    label: egui::Id,
    catalog: &Catalog,
    instance_type: &str,
    option: &mut PurchaseOption,
) -> bool {
    let mut changed = false;
    let current = option.kind();
    egui::ComboBox::from_id_salt(label.with("purchase"))
        .selected_text(current.label())
        .show_ui(ui, |ui| {
            for k in OptionKind::ALL {
                if ui.selectable_label(k == current, k.label()).clicked() && k != current {
                    *option = starting(k, catalog, instance_type);
                    changed = true;
                }
            }
        })
        .response
        .labelled_by(label);
    match option {
        PurchaseOption::Reserved { class, term_years, payment } => {
            ui.horizontal(|ui| {
                changed |= combo(
                    ui,
                    label,
                    class,
                    &[(ReservedClass::Standard, "standard"), (ReservedClass::Convertible, "convertible")],
                );
                changed |= combo(ui, label, term_years, &[(1, "1 year"), (3, "3 years")]);
                changed |= combo(
                    ui,
                    label,
                    payment,
                    &[
                        (Payment::NoUpfront, "no upfront"),
                        (Payment::PartialUpfront, "partial upfront"),
                        (Payment::AllUpfront, "all upfront"),
                    ],
                );
            });
        }
        PurchaseOption::SavingsPlan { plan, term_years } => {
            ui.horizontal(|ui| {
                changed |= combo(
                    ui,
                    label,
                    plan,
                    &[(SavingsPlanKind::Compute, "Compute"), (SavingsPlanKind::Ec2Instance, "EC2 Instance")],
                );
                changed |= combo(ui, label, term_years, &[(1, "1 year"), (3, "3 years")]);
            });
        }
        PurchaseOption::Spot { interruptions_per_hour } => {
            let default = catalog.purchase.spot.interruptions_per_hour;
            ui.horizontal(|ui| {
                let mut own = interruptions_per_hour.is_some();
                if ui.checkbox(&mut own, "own interruption rate").changed() {
                    *interruptions_per_hour = own.then_some(0.5);
                    changed = true;
                }
                match interruptions_per_hour {
                    Some(rate) => {
                        changed |= ui
                            .add(DragValue::new(rate).range(0.0..=60.0).speed(0.01).max_decimals(4).suffix(" per hour"))
                            .on_hover_text("Interruptions per machine-hour")
                            .changed();
                    }
                    None => {
                        ui.weak(format!("catalog: {:.2} % a day", default * 24.0 * 100.0));
                    }
                }
            });
        }
        PurchaseOption::OnPremises { hardware_usd, amortisation_years, running_usd_per_hour } => {
            ui.horizontal(|ui| {
                changed |= ui
                    .add(DragValue::new(hardware_usd).range(0.0..=1e7).speed(10.0).prefix("$").suffix(" per server"))
                    .on_hover_text("Price of one server")
                    .changed();
                changed |= ui
                    .add(DragValue::new(amortisation_years).range(0.1..=50.0).speed(0.1).suffix(" years"))
                    .on_hover_text("Years the hardware is written off over")
                    .changed();
            });
            changed |= ui
                .add(
                    DragValue::new(running_usd_per_hour)
                        .range(0.0..=1000.0)
                        .speed(0.001)
                        .prefix("$")
                        .suffix(" per hour to run"),
                )
                .on_hover_text("Power, cooling, space and upkeep of one server")
                .changed();
        }
        PurchaseOption::OnDemand | PurchaseOption::DedicatedHost => {}
    }
    if let Some(rate) = catalog.machine_per_hour(instance_type, option) {
        ui.weak(format!("${rate:.4} per machine-hour, ${:.2} a month", rate * 730.0));
    }
    changed
}

/// The options side by side for one machine of `instance_type`; returns the one clicked.
pub fn comparison(
    ui: &mut Ui,
    catalog: &Catalog,
    instance_type: &str,
    chosen: &PurchaseOption,
) -> Option<PurchaseOption> {
    let on_demand = catalog.instance_type(instance_type)?.on_demand_per_hour;
    let options = offered_options(catalog).into_iter().map(|option| match option {
        PurchaseOption::OnPremises { .. } if chosen.on_premises() => chosen.clone(),
        PurchaseOption::OnPremises { .. } => catalog.on_premises_for(instance_type),
        other => other,
    });
    let mut picked = None;
    egui::CollapsingHeader::new(format!("Purchase options for {instance_type}")).default_open(true).show(ui, |ui| {
        ui.weak("Per machine. Hover an option for what it commits to; click it to use it.");
        egui::Grid::new("purchase-comparison").num_columns(4).striped(true).spacing([8.0, 2.0]).show(ui, |ui| {
            ui.strong("option");
            ui.strong("$/hour");
            ui.strong("$/month");
            ui.strong("vs OD");
            ui.end_row();
            for option in options {
                let Some(rate) = catalog.machine_per_hour(instance_type, &option) else { continue };
                let selected = std::mem::discriminant(&option) == std::mem::discriminant(chosen)
                    && (option == *chosen
                        || matches!(option, PurchaseOption::Spot { .. } | PurchaseOption::OnPremises { .. }));
                let commits = format!("Commits to: {}", commitment(&option, catalog, instance_type));
                if ui.selectable_label(selected, option.describe()).on_hover_text(commits).clicked() {
                    picked = Some(option.clone());
                }
                ui.monospace(format!("{rate:.4}"));
                ui.monospace(format!("{:.2}", rate * 730.0));
                let saved = 1.0 - rate / on_demand;
                ui.monospace(if saved.abs() < 5e-4 { "—".to_owned() } else { format!("{:+.0}%", -saved * 100.0) });
                ui.end_row();
            }
        });
        ui.label("Sources").on_hover_text(format!(
            "Reserved: {}\n\nSavings plans: {}\n\nSpot: {}",
            catalog.purchase.reserved_source, catalog.purchase.savings_plans_source, catalog.purchase.spot.source
        ));
    });
    picked
}
