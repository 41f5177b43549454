//! The form of a container service: orchestrator, launch type, task size (Fargate's sizes as
//! choices), tasks or Service Auto Scaling, and on EC2 the cluster's instances — with what a task
//! costs on Fargate beside what an instance of the cluster costs.

#[allow(clippy::wildcard_imports)]
use super::*;
use crate::cost::TaskRun;
use crate::model::containers::{FARGATE_SIZES, fargate_memory_sizes};
use crate::model::{ContainersParams, LaunchType, Orchestrator, Placement};
use std::fmt::Write as _;

pub(super) fn containers_fields(ui: &mut Ui, form: &mut Form<'_>, catalog: &Catalog, p: &mut ContainersParams) {
    form.choice(
        ui,
        F("orchestrator", "Orchestrator", "ECS is free; EKS bills its control plane by the hour"),
        &mut p.orchestrator,
        &[
            (Orchestrator::Ecs, "ECS"),
            (Orchestrator::Eks, "EKS"),
            (Orchestrator::EksExtendedSupport, "EKS, extended support"),
        ],
    );
    form.choice(
        ui,
        F("launch_type", "Launch type", "Fargate: billed per task; EC2: the cluster's instances, tasks packed on them"),
        &mut p.launch_type,
        &[(LaunchType::Fargate, "Fargate"), (LaunchType::FargateSpot, "Fargate Spot"), (LaunchType::Ec2, "EC2")],
    );
    let fargate = p.launch_type.is_fargate();
    if fargate {
        form.row(ui, F("cpu", "vCPU", "A Fargate task size"), |ui, label| {
            let sizes: Vec<(f64, String)> = FARGATE_SIZES.iter().map(|s| (s.0, format!("{} vCPU", s.0))).collect();
            let mut changed = false;
            egui::ComboBox::from_id_salt(label.with("cpu"))
                .selected_text(format!("{} vCPU", p.cpu))
                .show_ui(ui, |ui| {
                    for (cpu, text) in &sizes {
                        if ui.selectable_label(p.cpu == *cpu, text).clicked() && p.cpu != *cpu {
                            p.cpu = *cpu;
                            // Keep the memory valid: the nearest size the new vCPU offers.
                            let options = fargate_memory_sizes(*cpu);
                            if !options.contains(&p.memory_gb) {
                                p.memory_gb = options
                                    .iter()
                                    .copied()
                                    .min_by(|a, b| (a - p.memory_gb).abs().total_cmp(&(b - p.memory_gb).abs()))
                                    .unwrap_or(p.memory_gb);
                            }
                            changed = true;
                        }
                    }
                })
                .response
                .labelled_by(label);
            changed
        });
        form.row(ui, F("memory_gb", "Memory", "The memory sizes Fargate offers with this vCPU"), |ui, label| {
            let mut changed = false;
            egui::ComboBox::from_id_salt(label.with("memory"))
                .selected_text(format!("{} GB", p.memory_gb))
                .show_ui(ui, |ui| {
                    for m in fargate_memory_sizes(p.cpu) {
                        if ui.selectable_label(p.memory_gb == m, format!("{m} GB")).clicked() && p.memory_gb != m {
                            p.memory_gb = m;
                            changed = true;
                        }
                    }
                })
                .response
                .labelled_by(label);
            changed
        });
        form.choice(
            ui,
            F("architecture", "Architecture", "arm64 (Graviton) is about 20 % cheaper; ECS only"),
            &mut p.architecture,
            ARCHITECTURES,
        );
        form.number(
            ui,
            F("storage_gb", "Storage", "Ephemeral storage per task; 20 GB are included"),
            &mut p.storage_gb,
            "GB",
            200.0,
        );
    } else {
        form.number(ui, F("cpu", "vCPU", "vCPU each task reserves on its instance"), &mut p.cpu, "vCPU", 192.0);
        form.number(
            ui,
            F("memory_gb", "Memory", "Memory each task reserves on its instance"),
            &mut p.memory_gb,
            "GB",
            120.0,
        );
    }
    form.row(
        ui,
        F("auto_scaling", "Auto Scaling", "Service Auto Scaling: the task count follows the load"),
        |ui, label| {
            let mut on = p.auto_scaling.is_some();
            let changed = ui.checkbox(&mut on, "service").labelled_by(label).changed();
            if changed {
                p.auto_scaling = on.then(|| AutoScaling {
                    min: p.tasks.max(1),
                    max: (p.tasks * 4).max(2),
                    ..AutoScaling::default()
                });
                p.tasks = ContainersParams::default().tasks;
            }
            changed
        },
    );
    if let Some(g) = &mut p.auto_scaling {
        scaling_fields(ui, form, g, false);
    } else {
        form.integer(ui, F("tasks", "Tasks", "How many tasks run this service"), &mut p.tasks, 1, 1000);
    }
    form.integer(
        ui,
        F("workers_per_task", "Workers each", "Requests one task serves at once"),
        &mut p.workers_per_task,
        1,
        65_535,
    );
    form.distribution(
        ui,
        F("service_time", "Service time", "Time one worker spends on one request"),
        &mut p.service_time,
    );
    form.optional_int(
        ui,
        F("backlog_limit", "Backlog limit", "Requests that may wait per task"),
        &mut p.backlog_limit,
        "no limit",
        100,
    );
    let default_start = ContainersParams { start_secs: None, ..p.clone() }.start_time_secs();
    form.optional(
        ui,
        F("start_secs", "Start time", "Image pull and start: a new task is billed at once and serves after this"),
        &mut p.start_secs,
        &format!("the launch type's ({default_start} s)"),
        default_start,
        |ui, v| ui.add(DragValue::new(v).speed(0.5).range(0.0..=3600.0).suffix(" s")),
    );
    form.list(
        ui,
        F("zones", "Zones", "Comma-separated availability zones the tasks spread over (empty: one, \"a\")"),
        &mut p.zones,
    );
    if !fargate {
        cluster_fields(ui, form, catalog, p);
    }
}

fn cluster_fields(ui: &mut Ui, form: &mut Form<'_>, catalog: &Catalog, p: &mut ContainersParams) {
    let c = &mut p.cluster;
    instance_type_field(ui, form, catalog, "cluster.instance_type", &mut c.instance_type);
    let instance_type = c.instance_type.clone();
    form.row(ui, F("cluster.purchase", "Purchase", "How the cluster's instances are paid for"), |ui, label| {
        purchase::field(ui, label, catalog, &instance_type, &mut c.purchase)
    });
    form.integer(
        ui,
        F("cluster.instances", "Instances", "The cluster's instances at the start, and the fewest kept"),
        &mut c.instances,
        0,
        10_000,
    );
    form.integer(
        ui,
        F(
            "cluster.max_instances",
            "At most",
            "The capacity provider launches instances for pending tasks up to this many",
        ),
        &mut c.max_instances,
        1,
        10_000,
    );
    form.choice(
        ui,
        F("cluster.placement", "Placement", "Binpack fills few instances; spread uses them all, zone by zone"),
        &mut c.placement,
        &[(Placement::Binpack, "binpack"), (Placement::Spread, "spread")],
    );
    form.number(
        ui,
        F("cluster.boot_secs", "Boot time", "A new instance takes tasks after this (billed from launch)"),
        &mut c.boot_secs,
        "s",
        3600.0,
    );
    form.number(
        ui,
        F("cluster.scale_in_after_secs", "Remove empty after", "An instance without tasks this long is removed"),
        &mut c.scale_in_after_secs,
        "s",
        86_400.0,
    );
}

/// A task's price per hour on Fargate (and Fargate Spot), beside an instance of the cluster.
pub(super) fn prices(ui: &mut Ui, catalog: &Catalog, p: &ContainersParams) {
    let Some((vcpu, memory_gb)) = p.billed_size() else { return };
    let run = |spot| TaskRun {
        running_secs: 3600.0,
        vcpu,
        memory_gb,
        storage_gb: p.storage_gb,
        arm: p.architecture == FunctionArchitecture::Arm64,
        spot,
    };
    let (on_demand, spot) = (run(false).per_hour(catalog), run(true).per_hour(catalog));
    let tasks = p.initial_count();
    let mut text = format!(
        "On Fargate a task of {vcpu} vCPU / {memory_gb} GB costs ${on_demand:.4}/h (Spot ${spot:.4}/h): \
         {tasks} tasks ${:.3}/h.",
        on_demand * f64::from(tasks)
    );
    if let Some(t) = catalog.instance_type(&p.cluster.instance_type) {
        let per_host = (f64::from(t.vcpu) / p.cpu).floor().min((t.memory_gib / p.memory_gb).floor()).max(0.0);
        let hosts = if per_host > 0.0 { (f64::from(tasks) / per_host).ceil() } else { 0.0 };
        let _ = write!(
            text,
            " On EC2 one {} (${:.4}/h on demand) holds {per_host} such tasks: {hosts} for {tasks} tasks ${:.3}/h.",
            t.name,
            t.on_demand_per_hour,
            hosts * t.on_demand_per_hour
        );
    }
    if p.orchestrator.is_eks() {
        let r = &catalog.containers;
        let plane =
            if p.orchestrator == Orchestrator::Eks { r.eks_per_cluster_hour } else { r.eks_extended_per_cluster_hour };
        let _ = write!(text, " EKS adds ${plane:.2}/h for the control plane.");
    }
    ui.add(egui::Label::new(egui::RichText::new(text).weak()).wrap());
}
