//! The Containers kind against the containers reference
//! (`shared/reference/pricing-containers-network.md`): its worked examples (a)–(d) priced by small
//! diagrams, the one-minute minimum, EKS's pod rounding, a Fargate service against Erlang C,
//! pending tasks on a full cluster, and Fargate Spot's two-minute warning. Expected figures come
//! from the reference's rates and formulas, never from the engine's output.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::cost::billing::Service;
use cloud_sandbox::model::{
    AutoScaling, Cluster, ContainersParams, Distribution, FunctionArchitecture, LaunchType, NodeKind, Orchestrator,
    QueueParams, ScheduledAction,
};
use cloud_sandbox::report::Report;
use cloud_sandbox::sim::{Engine, RunOptions, SimTime};
use common::*;

/// One idle container service (no traffic) for `hours`, charts sampled hourly.
fn idle(p: ContainersParams, hours: f64) -> Engine {
    let mut d = diagram(vec![node("svc", NodeKind::Containers(p))], vec![], hours * 3600.0, 0.0);
    d.scenario.sample_interval_secs = 3600.0;
    run(&d, &RunOptions::default())
}

fn service(e: &Engine, s: Service) -> f64 {
    e.bill().by_service.get(&s).copied().unwrap_or(0.0)
}

fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[test]
fn worked_example_a_four_fargate_tasks_for_a_month() {
    // 4 × (1 vCPU, 2 GB) × 730 h: 4 × 0.04048 × 730 + 8 × 0.004445 × 730 = $144.16 on x86.
    let p = ContainersParams { tasks: 4, cpu: 1.0, memory_gb: 2.0, ..ContainersParams::default() };
    let e = idle(p.clone(), 730.0);
    assert_eq!(cents(service(&e, Service::Fargate)), 144.16);
    assert_eq!(cents(e.bill().total), 144.16);
    // ARM: 4 × 0.03238 × 730 + 8 × 0.00356 × 730 = $115.34.
    let arm = idle(ContainersParams { architecture: FunctionArchitecture::Arm64, ..p.clone() }, 730.0);
    assert_eq!(cents(service(&arm, Service::Fargate)), 115.34);
    // Fargate Spot at the catalog's 67 % off: $144.16 × 0.33 = $47.57 (no interruption on an idle
    // month at the default rate is not promised, so the rate is set to 0 here).
    let mut catalog = Catalog::embedded();
    catalog.containers.fargate_spot_interruptions_per_hour = 0.0;
    let mut d = diagram(
        vec![node("svc", NodeKind::Containers(ContainersParams { launch_type: LaunchType::FargateSpot, ..p }))],
        vec![],
        730.0 * 3600.0,
        0.0,
    );
    d.scenario.sample_interval_secs = 3600.0;
    let mut spot = Engine::new(&d, &catalog, &RunOptions::default()).unwrap();
    spot.run_to_end();
    assert_eq!(cents(spot.bill().by_service[&Service::Fargate]), 47.57);
}

/// A service of `tasks` tasks that the service scales to 0 after `secs`, so each task runs that long.
fn short_tasks(tasks: u32, secs: f64) -> ContainersParams {
    ContainersParams {
        cpu: 0.25,
        memory_gb: 0.5,
        auto_scaling: Some(AutoScaling {
            min: 0,
            max: tasks,
            desired: Some(tasks),
            metric: None,
            scheduled: vec![ScheduledAction { at_secs: secs, min: Some(0), max: None, desired: Some(0) }],
            ..AutoScaling::default()
        }),
        ..ContainersParams::default()
    }
}

#[test]
fn worked_example_b_short_tasks_pay_the_one_minute_minimum() {
    // 0.25 vCPU / 0.5 GB is $0.0123425 an hour. A 20-second run is billed 60 s: $0.000206; a
    // 90-second run 90 s: $0.000309. A thousand 20-second runs cost $0.21, not $0.07.
    let hourly: f64 = 0.25 * 0.04048 + 0.5 * 0.004_445;
    assert!((hourly - 0.012_342_5).abs() < 1e-12);
    let one = idle(short_tasks(1, 20.0), 0.1);
    assert!((service(&one, Service::Fargate) - hourly / 60.0).abs() < 1e-9, "{}", service(&one, Service::Fargate));
    assert!((service(&one, Service::Fargate) - 0.000_206).abs() < 5e-7);
    let longer = idle(short_tasks(1, 90.0), 0.1);
    assert!((service(&longer, Service::Fargate) - 0.000_309).abs() < 5e-7);
    let thousand = idle(short_tasks(1000, 20.0), 0.1);
    assert_eq!(cents(service(&thousand, Service::Fargate)), 0.21);
    // Ephemeral storage: 50 GB is 30 GB above the included 20, $0.00333 an hour, $2.43 a month.
    let base = ContainersParams { tasks: 1, cpu: 0.25, memory_gb: 0.5, ..ContainersParams::default() };
    let plain = idle(base.clone(), 730.0);
    let stored = idle(ContainersParams { storage_gb: 50.0, ..base }, 730.0);
    assert_eq!(cents(service(&stored, Service::Fargate) - service(&plain, Service::Fargate)), 2.43);
}

#[test]
fn worked_example_c_eks_pods_round_up_and_the_control_plane_bills() {
    // Pods of 0.5 vCPU / 1 GB get 256 MB and round up to 0.5 vCPU / 2 GB:
    // 3 × (0.5 × 0.04048 + 2 × 0.004445) × 730 = $63.79; control plane 0.10 × 730 = $73.00.
    let p = ContainersParams {
        orchestrator: Orchestrator::Eks,
        tasks: 3,
        cpu: 0.5,
        memory_gb: 1.0,
        ..ContainersParams::default()
    };
    let e = idle(p.clone(), 730.0);
    assert_eq!(cents(service(&e, Service::Fargate)), 63.79);
    assert_eq!(cents(service(&e, Service::Eks)), 73.00);
    assert_eq!(cents(e.bill().total), 136.79);
    // On a version in extended support the control plane is $0.60 an hour: $501.79 in all.
    let extended = idle(ContainersParams { orchestrator: Orchestrator::EksExtendedSupport, ..p }, 730.0);
    assert_eq!(cents(extended.bill().total), 501.79);
}

#[test]
fn worked_example_d_ecs_on_two_m5_large() {
    // 2 × 0.096 × 730 = $140.16; ECS adds nothing, and the tasks on them cost nothing more.
    let p = ContainersParams {
        launch_type: LaunchType::Ec2,
        tasks: 4,
        cpu: 0.5,
        memory_gb: 1.0,
        cluster: Cluster { instance_type: "m5.large".into(), instances: 2, max_instances: 2, ..Cluster::default() },
        ..ContainersParams::default()
    };
    let e = idle(p, 730.0);
    assert_eq!(cents(service(&e, Service::Ec2)), 140.16);
    assert_eq!(service(&e, Service::Fargate), 0.0);
    assert_eq!(cents(e.bill().total), 140.16);
}

#[test]
fn a_fargate_service_behind_a_queue_is_erlang_c_for_all_its_workers() {
    // 3 tasks × 4 workers take messages from one queue as each worker frees: M/M/12 with
    // λ = 1,080/s and μ = 100/s (ρ = 0.9). Wq from Erlang C; 3·10^6 messages estimate it with a
    // relative standard deviation of about 1.5 % (ρ = 0.9, batch means), so allow 3 of them.
    let svc = ContainersParams {
        tasks: 3,
        workers_per_task: 4,
        service_time: Distribution::Exponential { mean_ms: 10.0 },
        ..ContainersParams::default()
    };
    let queue = QueueParams { batch_size: 1, ..QueueParams::default() };
    let customers = 3.0e6;
    let d = diagram(
        vec![node("c", poisson(1080.0)), node("q", NodeKind::Queue(queue)), node("svc", NodeKind::Containers(svc))],
        vec![edge("c", "q"), edge("q", "svc")],
        customers / 1080.0 + 20.0,
        20.0,
    );
    let r = Report::from_engine(&run(&d, &RunOptions::default()), 0.0);
    let q = r.nodes.iter().find(|n| n.id == "q").unwrap();
    let expected = mmc_wait_ms(1080.0, 100.0, 12);
    let wq = q.figures.mean_wait_ms;
    assert!((wq - expected).abs() / expected < 0.045, "Wq {wq} ms, Erlang C {expected} ms");
    let svc = r.nodes.iter().find(|n| n.id == "svc").unwrap();
    assert!((svc.figures.utilization - 0.9).abs() < 0.01, "{}", svc.figures.utilization);
}

#[test]
fn pending_tasks_launch_an_instance_and_start_after_its_boot() {
    // Tasks of 1 vCPU / 4 GB: an m5.large (2 vCPU, 8 GiB) holds two. Four tasks on one instance:
    // two wait; the capacity provider launches one instance, which boots for 40 s; the two tasks
    // then start (2 s) and serve from 42 s.
    let params = ContainersParams {
        launch_type: LaunchType::Ec2,
        tasks: 4,
        cpu: 1.0,
        memory_gb: 4.0,
        start_secs: Some(2.0),
        cluster: Cluster { instances: 1, max_instances: 3, boot_secs: 40.0, ..Cluster::default() },
        ..ContainersParams::default()
    };
    let mut d = diagram(vec![node("svc", NodeKind::Containers(params))], vec![], 120.0, 0.0);
    d.scenario.sample_interval_secs = 1.0;
    let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
    let at = |e: &mut Engine, secs: f64| {
        e.run_until(SimTime::from_secs(secs), u64::MAX);
        e.live_nodes()[0]
    };
    let live = at(&mut e, 1.0);
    assert_eq!((live.running, live.pending, live.hosts), (2, 2, Some((1, 1))), "{live:?}");
    let live = at(&mut e, 39.9);
    assert_eq!((live.running, live.pending), (2, 2), "{live:?}");
    let live = at(&mut e, 41.0);
    assert_eq!((live.running, live.pending, live.hosts), (2, 0, Some((2, 0))), "{live:?}");
    let live = at(&mut e, 42.5);
    assert_eq!(live.running, 4, "{live:?}");
    e.run_to_end();
    let r = Report::from_engine(&e, 0.0);
    let figures = r.nodes[0].figures.containers.unwrap();
    assert_eq!((figures.tasks_ever_pending, figures.max_tasks_pending, figures.max_cluster_instances), (2, 2, 2));
    // Two m5.large for 120 s (the second from its launch at 0, booting included).
    assert!((service(&e, Service::Ec2) - 2.0 * 0.096 * 120.0 / 3600.0).abs() < 1e-9);
}

#[test]
fn fargate_spot_tasks_are_interrupted_two_minutes_after_the_warning_and_replaced() {
    let mut catalog = Catalog::embedded();
    catalog.containers.fargate_spot_interruptions_per_hour = 2.0;
    let p = ContainersParams {
        launch_type: LaunchType::FargateSpot,
        tasks: 5,
        start_secs: Some(45.0),
        ..ContainersParams::default()
    };
    let d = diagram(vec![node("svc", NodeKind::Containers(p))], vec![], 4.0 * 3600.0, 0.0);
    let mut e = Engine::new(&d, &catalog, &RunOptions::default()).unwrap();
    e.run_to_end();
    let windows: Vec<_> = e.fault_log().iter().filter(|w| w.what.contains("interrupted")).collect();
    // About 5 tasks × 2 per hour × 4 h = 40 interruptions.
    assert!(windows.len() > 15, "{} interruptions", windows.len());
    for w in &windows {
        let end = w.end_secs.unwrap_or(f64::INFINITY);
        if w.start_secs + 120.0 < 4.0 * 3600.0 {
            assert!((end - w.start_secs - 120.0).abs() < 1e-6, "{w:?}");
        }
    }
    // The service keeps its five tasks: replacements are launched at each interruption.
    let live = e.live_nodes()[0];
    assert_eq!(live.capacity, 5);
    assert!(e.activities().iter().any(|a| a.reason.contains("interrupted spot task")));
}

#[test]
fn an_invalid_task_size_is_refused_with_the_valid_ones() {
    let p = ContainersParams { cpu: 2.0, memory_gb: 2.0, ..ContainersParams::default() };
    let d = diagram(vec![node("svc", NodeKind::Containers(p))], vec![], 10.0, 0.0);
    let problems = cloud_sandbox::model::validate::check(&d, &Catalog::embedded());
    let p = problems.iter().find(|p| p.field == Some("memory_gb")).unwrap();
    assert!(p.message.contains("4, 5, 6"), "{}", p.message);
    // A task larger than the cluster's instances could never be placed.
    let big = ContainersParams {
        launch_type: LaunchType::Ec2,
        cpu: 4.0,
        memory_gb: 8.0,
        cluster: Cluster { instance_type: "m5.large".into(), ..Cluster::default() },
        ..ContainersParams::default()
    };
    let d = diagram(vec![node("svc", NodeKind::Containers(big))], vec![], 10.0, 0.0);
    let problems = cloud_sandbox::model::validate::check(&d, &Catalog::embedded());
    assert!(problems.iter().any(|p| p.message.contains("does not fit on a m5.large")), "{problems:?}");
    // With Service Auto Scaling the group sets the count: a task count of its own is refused.
    let scaled =
        ContainersParams { tasks: 4, auto_scaling: Some(AutoScaling::default()), ..ContainersParams::default() };
    let d = diagram(vec![node("svc", NodeKind::Containers(scaled))], vec![], 10.0, 0.0);
    let problems = cloud_sandbox::model::validate::check(&d, &Catalog::embedded());
    assert!(
        problems.iter().any(|p| p.field == Some("tasks") && p.message.contains("tasks (4) does not apply")),
        "{problems:?}"
    );
}

#[test]
fn the_what_if_prices_the_same_tasks_on_fargate_and_on_ec2() {
    // Worked examples (a) and (d) are one service two ways: 4 tasks of 1 vCPU / 2 GB are $144.16 a
    // month on Fargate, and fill two m5.large (two such tasks each: 2 vCPU) for $140.16.
    let p = ContainersParams { tasks: 4, cpu: 1.0, memory_gb: 2.0, ..ContainersParams::default() };
    let e = idle(p, 730.0);
    let w = e.container_what_if();
    let price = |label: &str| w[0].options.iter().find(|o| o.label == label).map(|o| cents(o.so_far_usd));
    assert_eq!(price("Fargate"), Some(144.16));
    assert_eq!(price("Fargate Spot (if never interrupted)"), Some(47.57));
    assert_eq!(price("EC2 m5.large, On demand"), Some(140.16));
    assert!(w[0].options.iter().find(|o| o.label == "Fargate").unwrap().current);
}

#[test]
fn service_auto_scaling_tracks_requests_per_task() {
    // 300 requests a second, evenly spaced, at a target of 55 a second per task: the first
    // evaluation sees 150 per task on 2 tasks and asks for ceil(2 × 150 / 55) = 6; with 6 serving
    // each sees 50, and ceil(6 × 50 / 55) = 6 holds.
    let svc = ContainersParams {
        start_secs: Some(10.0),
        auto_scaling: Some(AutoScaling {
            min: 2,
            max: 20,
            metric: Some(cloud_sandbox::model::ScalingMetric::RequestsPerTarget),
            target: 55.0,
            ..AutoScaling::default()
        }),
        service_time: Distribution::Constant { ms: 5.0 },
        ..ContainersParams::default()
    };
    let d = diagram(
        vec![node("c", steady(300.0)), node("svc", NodeKind::Containers(svc))],
        vec![edge("c", "svc")],
        400.0,
        0.0,
    );
    let e = run(&d, &RunOptions::default());
    let first = &e.activities()[0];
    assert_eq!((first.from, first.to), (2, 6), "{first:?}");
    assert!(first.reason.contains("150.0 requests/s per target"), "{}", first.reason);
    assert_eq!(e.activities().len(), 1, "{:?}", e.activities());
    assert_eq!(e.live_nodes()[1].running, 6);
}

#[test]
fn a_crashed_cluster_instance_takes_its_tasks_and_they_wait_for_room() {
    // Two m5.large, each holding two tasks of 1 vCPU / 4 GB. Instance 0 crashes at 10 s for 60 s.
    // With no room and no instance to add, its two tasks wait as pending until it recovers, then
    // start (2 s). With room for a third instance, the capacity provider launches one instead.
    let params = |max_instances| ContainersParams {
        launch_type: LaunchType::Ec2,
        tasks: 4,
        cpu: 1.0,
        memory_gb: 4.0,
        start_secs: Some(2.0),
        cluster: Cluster { instances: 2, max_instances, boot_secs: 40.0, ..Cluster::default() },
        ..ContainersParams::default()
    };
    let crash = cloud_sandbox::model::Fault::Crash {
        node: cloud_sandbox::model::NodeId::new("svc"),
        instance: Some(0),
        task: None,
        at_secs: 10.0,
        for_secs: Some(60.0),
    };
    let engine = |max| {
        let mut d = diagram(vec![node("svc", NodeKind::Containers(params(max)))], vec![], 200.0, 0.0);
        d.scenario.faults = vec![crash.clone()];
        assert!(
            cloud_sandbox::model::validate::check(&d, &Catalog::embedded())
                .iter()
                .all(cloud_sandbox::model::validate::Problem::is_warning)
        );
        Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap()
    };
    let at = |e: &mut Engine, secs: f64| {
        e.run_until(SimTime::from_secs(secs), u64::MAX);
        e.live_nodes()[0]
    };
    let mut stuck = engine(2);
    let live = at(&mut stuck, 11.0);
    assert_eq!((live.running, live.pending, live.capacity), (2, 2, 4), "{live:?}");
    let live = at(&mut stuck, 69.0);
    assert_eq!((live.running, live.pending), (2, 2), "{live:?}");
    let live = at(&mut stuck, 71.0);
    assert_eq!((live.running, live.pending), (2, 0), "{live:?}");
    let live = at(&mut stuck, 72.5);
    assert_eq!(live.running, 4, "{live:?}");
    let mut grown = engine(3);
    let live = at(&mut grown, 11.0);
    assert_eq!((live.pending, live.hosts), (2, Some((2, 1))), "{live:?}");
    let live = at(&mut grown, 52.5);
    assert_eq!((live.running, live.pending), (4, 0), "{live:?}");
    // A crash naming an instance the cluster does not start with is refused.
    let mut d = diagram(vec![node("svc", NodeKind::Containers(params(2)))], vec![], 200.0, 0.0);
    d.scenario.faults = vec![cloud_sandbox::model::Fault::Crash {
        node: cloud_sandbox::model::NodeId::new("svc"),
        instance: Some(2),
        task: None,
        at_secs: 10.0,
        for_secs: None,
    }];
    let problems = cloud_sandbox::model::validate::check(&d, &Catalog::embedded());
    assert!(problems.iter().any(|p| p.message.contains("cluster instance 2 does not exist")), "{problems:?}");
}

#[test]
fn a_crashed_task_on_ec2_leaves_its_instance_and_comes_back_where_it_was() {
    // Two m5.large with two tasks of 1 vCPU / 4 GB each (full). Task 1 crashes at 10 s for 30 s:
    // the other three serve, both instances stay up, nothing is pending or launched (its instance
    // keeps its room), and at 40 s the task is back. Calls at 100/s of 5 ms each keep flowing.
    let svc = ContainersParams {
        launch_type: LaunchType::Ec2,
        tasks: 4,
        cpu: 1.0,
        memory_gb: 4.0,
        start_secs: Some(2.0),
        service_time: Distribution::Constant { ms: 5.0 },
        cluster: Cluster { instances: 2, max_instances: 4, boot_secs: 40.0, ..Cluster::default() },
        ..ContainersParams::default()
    };
    let crash = |instance, task| cloud_sandbox::model::Fault::Crash {
        node: cloud_sandbox::model::NodeId::new("svc"),
        instance,
        task,
        at_secs: 10.0,
        for_secs: Some(30.0),
    };
    let mut d = diagram(
        vec![node("c", steady(100.0)), node("svc", NodeKind::Containers(svc))],
        vec![edge("c", "svc")],
        60.0,
        0.0,
    );
    d.scenario.faults = vec![crash(None, Some(1))];
    let problems = cloud_sandbox::model::validate::check(&d, &Catalog::embedded());
    assert!(problems.iter().all(cloud_sandbox::model::validate::Problem::is_warning), "{problems:?}");
    let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
    let at = |e: &mut Engine, secs: f64| {
        e.run_until(SimTime::from_secs(secs), u64::MAX);
        e.live_nodes()[1]
    };
    let live = at(&mut e, 9.0);
    assert_eq!((live.running, live.capacity, live.hosts), (4, 4, Some((2, 0))), "{live:?}");
    let live = at(&mut e, 20.0);
    assert_eq!((live.running, live.pending, live.hosts), (3, 0, Some((2, 0))), "{live:?}");
    let live = at(&mut e, 41.0);
    assert_eq!((live.running, live.pending, live.hosts), (4, 0, Some((2, 0))), "{live:?}");
    let window = &e.fault_log()[0];
    assert_eq!((window.what.as_str(), window.start_secs, window.end_secs), ("task 1 crashes", 10.0, Some(40.0)));

    // A task that does not exist, both a task and an instance, a task of an instance node: refused.
    let refused = |fault, kind: NodeKind| {
        let mut d = diagram(vec![node("svc", kind)], vec![], 60.0, 0.0);
        d.scenario.faults = vec![fault];
        cloud_sandbox::model::validate::check(&d, &Catalog::embedded())
            .into_iter()
            .filter(|p| !p.is_warning())
            .map(|p| p.message)
            .collect::<Vec<_>>()
    };
    let four = || NodeKind::Containers(ContainersParams { tasks: 4, ..ContainersParams::default() });
    assert!(refused(crash(None, Some(4)), four())[0].contains("task 4 does not exist"));
    assert!(refused(crash(Some(0), Some(0)), four())[0].contains("not both"));
    let instance = NodeKind::Instance(cloud_sandbox::model::InstanceParams::default());
    assert!(refused(crash(None, Some(0)), instance)[0].contains("only a container service has tasks"));
}
