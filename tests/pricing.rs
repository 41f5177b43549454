//! The bill of a simulated run against the published formulas: the four worked examples of
//! `../shared/reference/pricing.md` §9, each run headless as a small diagram and compared to the
//! cent, with and without the free tier; purchase options (reserved billed when idle, spot stopping
//! at its interruption, savings plans, dedicated hosts, on premises); per-second billing; Lambda's
//! 1 ms rounding; SQS 64 KB chunks. Expected values are computed from the catalog's rates and the
//! reference's formulas, never copied from a run.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::{Bill, BillOptions, Catalog};
use cloud_sandbox::model::{
    Arrival, BalancerParams, ClientParams, Diagram, Distribution, Fault, FunctionArchitecture, FunctionParams,
    InstanceParams, NodeId, NodeKind, OptionKind, Payment, PurchaseOption, QueueParams, QueueType, RateStep,
    ReservedClass, SavingsPlanKind, TopicParams, TrafficPattern,
};
use cloud_sandbox::sim::{Engine, RunOptions};
use common::*;

const HOUR: f64 = 3600.0;
const MONTH: f64 = 730.0 * HOUR;

fn cents(actual: f64, expected: f64, what: &str) {
    assert!((actual - expected).abs() < 0.005, "{what}: ${actual:.4} but the formula gives ${expected:.4}");
}

fn steady(rate: f64, request_bytes: u32, response_bytes: u32) -> NodeKind {
    NodeKind::Client(ClientParams {
        rate_per_sec: rate,
        arrival: Arrival::EvenlySpaced,
        request_bytes,
        response_bytes,
        timeout_ms: None,
        retries: 0,
        ..ClientParams::default()
    })
}

/// Like [`steady`], stopping at `until_secs` (so that the run can end with nothing in flight).
fn until(rate: f64, request_bytes: u32, until_secs: f64) -> NodeKind {
    let NodeKind::Client(mut p) = steady(rate, request_bytes, 0) else { unreachable!() };
    p.pattern = TrafficPattern::Steps(vec![RateStep { at_secs: until_secs, rate_per_sec: 0.0 }]);
    NodeKind::Client(p)
}

fn machines(count: u32, purchase: PurchaseOption) -> NodeKind {
    NodeKind::Instance(InstanceParams {
        count,
        workers_per_instance: Some(4),
        service_time: Distribution::Constant { ms: 5.0 },
        purchase,
        ..InstanceParams::default()
    })
}

/// A client sending one small request a second to `count` machines bought as `option`.
fn one_group(option: PurchaseOption, count: u32, secs: f64) -> Diagram {
    diagram(vec![node("c", steady(1.0, 1, 1)), node("s", machines(count, option))], vec![edge("c", "s")], secs, 0.0)
}

/// Two hours of [`one_group`] on demand, with `change` applied to the group live at one hour.
fn changed_after_an_hour(change: impl FnOnce(&mut InstanceParams)) -> Engine {
    let mut d = one_group(PurchaseOption::OnDemand, 2, 2.0 * HOUR);
    let mut e = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()).unwrap();
    e.run_until(cloud_sandbox::sim::SimTime(3_600_000_000_000), u64::MAX);
    if let NodeKind::Instance(p) = &mut d.nodes[1].kind {
        change(p);
    }
    e.apply_live(&d).unwrap();
    e.run_to_end();
    e
}

fn run_engine(d: &Diagram) -> Engine {
    run(d, &RunOptions::default())
}

fn with_free_tier(e: &Engine) -> Bill {
    let options = BillOptions { free_tier: true, hours: e.now().as_secs() / HOUR };
    Bill::compute(&e.usages(), e.catalog(), options)
}

fn service(bill: &Bill, name: &str) -> f64 {
    let service = cloud_sandbox::cost::billing::Service::ALL.into_iter().find(|s| s.name() == name);
    bill.by_service.get(&service.unwrap()).copied().unwrap_or(0.0)
}

/// Worked example (a): four m5.large for 730 hours behind an ALB at one LCU all month. One LCU
/// is 1 GB processed per hour: 1,000 requests an hour of 1 MB each (one every 3.6 s).
fn example_a(purchase: PurchaseOption) -> Engine {
    let mut d = diagram(
        vec![
            node("users", steady(1.0 / 3.6, 999_999, 1)),
            node(
                "alb",
                NodeKind::Balancer(BalancerParams { health_check_interval_secs: 300.0, ..BalancerParams::default() }),
            ),
            node("web", machines(4, purchase)),
        ],
        vec![edge("users", "alb"), edge("alb", "web")],
        MONTH,
        0.0,
    );
    d.scenario.sample_interval_secs = HOUR;
    run_engine(&d)
}

#[test]
fn worked_example_a_four_m5_large_behind_an_alb_for_a_month() {
    let e = example_a(PurchaseOption::OnDemand);
    let bill = e.bill();
    // 4 × 0.096 × 730 = 280.32; 0.0225 × 730 + 1 × 0.008 × 730 = 22.265; total 302.585.
    cents(service(&bill, "EC2"), 4.0 * 0.096 * 730.0, "EC2");
    cents(service(&bill, "Elastic Load Balancing"), 0.0225 * 730.0 + 0.008 * 730.0, "ALB");
    cents(service(&bill, "EC2") + service(&bill, "Elastic Load Balancing"), 302.585, "EC2 + ALB");
    // The answers went out to the internet: 730,000 bytes at $0.09 per GB.
    cents(service(&bill, "Data transfer"), 730_000.0 / 1e9 * 0.09, "data transfer");
    assert_eq!(bill.by_purchase_option.keys().copied().collect::<Vec<_>>(), vec![OptionKind::OnDemand]);
    // With the free tier: 750 ALB hours and 15 LCU-hours a month are free; EC2 is not covered.
    let free = with_free_tier(&e);
    cents(service(&free, "Elastic Load Balancing"), (730.0 - 15.0) * 0.008, "ALB with free tier");
    cents(service(&free, "EC2"), 280.32, "EC2 with free tier");
    // A month-long run projects to itself.
    cents(e.monthly_bill().unwrap().total, bill.total, "monthly projection of a month");
}

#[test]
fn worked_example_a_on_reserved_instances() {
    let standard =
        |term_years, payment| PurchaseOption::Reserved { class: ReservedClass::Standard, term_years, payment };
    // 1-year Standard, No Upfront: 4 × 0.060 × 730 = 175.20; with the ALB, 197.465.
    let e = example_a(standard(1, Payment::NoUpfront));
    let bill = e.bill();
    cents(service(&bill, "EC2"), 175.20, "EC2 on 1-year standard no-upfront");
    cents(service(&bill, "EC2") + service(&bill, "Elastic Load Balancing"), 197.465, "total");
    assert_eq!(bill.by_purchase_option.keys().copied().collect::<Vec<_>>(), vec![OptionKind::Reserved]);
    // 3-year Standard, All Upfront: $949 spread over 26,280 hours = 0.036111/h; 105.44, total 127.71.
    let e = example_a(standard(3, Payment::AllUpfront));
    let bill = e.bill();
    cents(service(&bill, "EC2"), 4.0 * 949.0 / 26_280.0 * 730.0, "EC2 on 3-year standard all-upfront");
    cents(service(&bill, "EC2") + service(&bill, "Elastic Load Balancing"), 127.709, "total");
}

/// Worked example (b): 10 million invocations of 512 MB and 200 ms.
fn example_b(architecture: FunctionArchitecture) -> Engine {
    let f = NodeKind::Function(FunctionParams {
        memory_mb: 512,
        architecture,
        concurrency_limit: 3000,
        duration: Distribution::Constant { ms: 200.0 },
        cold_start_ms: 0.0,
        timeout_secs: 3.0,
        ..FunctionParams::default()
    });
    let mut d =
        diagram(vec![node("c", until(10_000.0, 1024, 1000.0)), node("f", f)], vec![edge("c", "f")], 1001.0, 0.0);
    d.scenario.sample_interval_secs = 100.0;
    run_engine(&d)
}

#[test]
fn worked_example_b_lambda_ten_million_invocations() {
    let e = example_b(FunctionArchitecture::X86_64);
    assert_eq!(e.client_totals().succeeded, 10_000_000);
    // Without the free tier: $2.00 + 1,000,000 GB-s × 0.0000166667 = $18.67.
    cents(service(&e.bill(), "Lambda"), 2.0 + 1e6 * 0.000_016_666_7, "x86 without free tier");
    // With it: (10M − 1M) × $0.20/M + (1,000,000 − 400,000) × 0.0000166667 = $11.80.
    cents(service(&with_free_tier(&e), "Lambda"), 1.80 + 600_000.0 * 0.000_016_666_7, "x86 with free tier");
    cents(service(&with_free_tier(&e), "Lambda"), 11.80, "x86 with free tier, as published");
}

#[test]
fn worked_example_b_on_arm64() {
    let e = example_b(FunctionArchitecture::Arm64);
    // $2.00 + $13.3334 = $15.33 without; $1.80 + 600,000 × 0.0000133334 = $9.80 with.
    cents(service(&e.bill(), "Lambda"), 15.3334, "arm64 without free tier");
    cents(service(&with_free_tier(&e), "Lambda"), 9.80, "arm64 with free tier");
}

/// Worked example (c): 100 million SQS requests. 6.25 million sends of 1 MiB are 16 chunks of
/// 64 KB each: 100 million billable requests. Nobody reads them; they expire after a minute.
fn example_c(queue_type: QueueType) -> Engine {
    let q = NodeKind::Queue(QueueParams { queue_type, retention_secs: 60.0, ..QueueParams::default() });
    let mut d = diagram(vec![node("c", steady(6250.0, 1_048_576, 0)), node("q", q)], vec![edge("c", "q")], 1000.0, 0.0);
    d.scenario.sample_interval_secs = 1.0;
    run_engine(&d)
}

#[test]
fn worked_example_c_a_hundred_million_sqs_requests() {
    let e = example_c(QueueType::Standard);
    assert_eq!(e.client_totals().succeeded, 6_250_000);
    cents(service(&e.bill(), "SQS"), 40.00, "standard without free tier");
    cents(service(&with_free_tier(&e), "SQS"), 39.60, "standard with free tier");
    let e = example_c(QueueType::Fifo);
    cents(service(&e.bill(), "SQS"), 50.00, "FIFO without free tier");
    cents(service(&with_free_tier(&e), "SQS"), 49.50, "FIFO with free tier");
}

#[test]
fn a_100_kb_message_is_two_requests() {
    let q = NodeKind::Queue(QueueParams { retention_secs: 60.0, ..QueueParams::default() });
    let d = diagram(vec![node("c", steady(10.0, 100 * 1024, 0)), node("q", q)], vec![edge("c", "q")], 100.0, 0.0);
    let e = run_engine(&d);
    let sends = e.client_totals().succeeded as f64;
    assert_eq!(sends, 1000.0);
    cents(service(&e.bill(), "SQS") * 1e6, 2.0 * sends * 0.40, "2 requests per 100 KB message (in micro-dollars)");
}

/// Worked example (d): 5 million SNS publish requests fanned out to three SQS queues. 1.25 million
/// publishes of 256 KB are 4 chunks each: 5 million billable publishes, and 15 million billable
/// SQS sends from SNS.
#[test]
fn worked_example_d_sns_fan_out_to_three_queues() {
    let q = || NodeKind::Queue(QueueParams { retention_secs: 60.0, ..QueueParams::default() });
    let mut d = diagram(
        vec![
            node("c", steady(1250.0, 262_144, 0)),
            node("t", NodeKind::Topic(TopicParams::default())),
            node("q1", q()),
            node("q2", q()),
            node("q3", q()),
        ],
        vec![edge("c", "t"), edge("t", "q1"), edge("t", "q2"), edge("t", "q3")],
        1000.0,
        0.0,
    );
    d.scenario.sample_interval_secs = 10.0;
    let e = run_engine(&d);
    assert_eq!(e.client_totals().succeeded, 1_250_000);
    let (bill, free) = (e.bill(), with_free_tier(&e));
    // Deliveries to SQS cost nothing on the SNS side.
    cents(service(&bill, "SNS"), 2.50, "SNS without free tier");
    cents(service(&free, "SNS"), 2.00, "SNS with free tier");
    cents(service(&bill, "SQS"), 15.0 * 0.40, "SQS sends without free tier");
    cents(service(&free, "SQS"), 5.60, "SQS sends with free tier");
    cents(service(&free, "SNS") + service(&free, "SQS"), 7.60, "end to end, as published");
}

#[test]
fn reserved_instances_are_billed_when_idle_or_down() {
    // Two reserved m5.large with no traffic at all, crashed for half of the hour.
    let option =
        PurchaseOption::Reserved { class: ReservedClass::Convertible, term_years: 1, payment: Payment::PartialUpfront };
    let mut d = diagram(
        vec![node("c", steady(0.0, 1, 1)), node("s", machines(2, option.clone()))],
        vec![edge("c", "s")],
        HOUR,
        0.0,
    );
    d.scenario.faults.push(Fault::Crash {
        node: NodeId::new("s"),
        instance: None,
        task: None,
        at_secs: 600.0,
        for_secs: Some(1800.0),
    });
    let e = run_engine(&d);
    let rate = 294.0 / 8760.0 + 0.034;
    cents(service(&e.bill(), "EC2"), 2.0 * rate, "two convertible 1-year partial-upfront machines for an hour");
    assert_eq!(e.catalog().machine_per_hour("m5.large", &option), Some(rate));
}

#[test]
fn spot_machines_stop_billing_when_interrupted() {
    // One spot machine told of an interruption about once a minute: after the notice (two
    // minutes) it stops, and the bill stops with it.
    let option = PurchaseOption::Spot { interruptions_per_hour: Some(60.0) };
    let d =
        diagram(vec![node("c", steady(10.0, 1, 1)), node("s", machines(1, option))], vec![edge("c", "s")], HOUR, 0.0);
    let e = run_engine(&d);
    let spot = 0.096 * (1.0 - e.catalog().purchase.spot.discount);
    let ran_until = e.node_series(1).iter().find(|p| p.running == 0.0).map(|p| p.t_secs).unwrap();
    assert!(ran_until > 120.0 && ran_until < 1800.0, "interrupted after the notice: {ran_until} s");
    let cost = service(&e.bill(), "EC2");
    let (low, high) = ((ran_until - 1.0).max(60.0) * spot / HOUR, ran_until.max(60.0) * spot / HOUR);
    assert!(cost >= low - 1e-12 && cost <= high + 1e-12, "{cost} not within [{low}, {high}]");
    // Requests sent to the machine after it stopped fail: the node is down.
    assert!(e.client_totals().failed > 0);
}

#[test]
fn savings_plans_dedicated_hosts_and_on_premises_follow_their_formulas() {
    let hour_of =
        |option: PurchaseOption, count: u32| service(&run_engine(&one_group(option, count, HOUR)).bill(), "EC2");
    // EC2 Instance Savings Plan, 1 year: 37.5 % off 0.096 = 0.060 an hour per machine.
    let sp = PurchaseOption::SavingsPlan { plan: SavingsPlanKind::Ec2Instance, term_years: 1 };
    cents(hour_of(sp, 3), 3.0 * 0.096 * (1.0 - 0.375), "EC2 Instance savings plan");
    // Three m5.large (6 vCPUs) fit on one m5 host of 96 vCPUs: one host-hour.
    cents(hour_of(PurchaseOption::DedicatedHost, 3), 5.069, "host");
    // 49 m5.large need 98 vCPUs: two hosts.
    cents(hour_of(PurchaseOption::DedicatedHost, 49), 2.0 * 5.069, "two hosts");
    // On premises: $8,000 over 4 years plus $0.50 an hour, per server, busy or not.
    let own = PurchaseOption::OnPremises { hardware_usd: 8000.0, amortisation_years: 4.0, running_usd_per_hour: 0.5 };
    cents(hour_of(own, 2), 2.0 * (8000.0 / (4.0 * 8760.0) + 0.5), "on premises");
}

#[test]
fn instances_bill_per_second_after_the_first_minute() {
    let secs = |duration: f64| service(&run_engine(&one_group(PurchaseOption::OnDemand, 1, duration)).bill(), "EC2");
    assert!((secs(30.0) - 60.0 * 0.096 / HOUR).abs() < 1e-12, "a minute at least");
    assert!((secs(90.5) - 90.5 * 0.096 / HOUR).abs() < 1e-12, "then by the second");
}

#[test]
fn lambda_duration_is_billed_in_whole_milliseconds() {
    let f = NodeKind::Function(FunctionParams {
        memory_mb: 1024,
        duration: Distribution::Constant { ms: 200.4 },
        cold_start_ms: 0.0,
        ..FunctionParams::default()
    });
    let d = diagram(vec![node("c", until(10.0, 1, 100.0)), node("f", f)], vec![edge("c", "f")], 101.0, 0.0);
    let e = run_engine(&d);
    let n = e.client_totals().succeeded as f64;
    assert_eq!(n, 1000.0);
    // 1 GB × 0.201 s each, not 0.2004 s.
    let expected = n * 0.20 / 1e6 + n * 0.201 * 0.000_016_666_7;
    assert!((service(&e.bill(), "Lambda") - expected).abs() < 1e-12, "{}", service(&e.bill(), "Lambda"));
}

#[test]
fn changing_the_purchase_option_during_a_run_bills_each_period_at_its_rate() {
    let e = changed_after_an_hour(|p| p.purchase = PurchaseOption::Spot { interruptions_per_hour: Some(0.0) });
    let spot = 0.096 * (1.0 - e.catalog().purchase.spot.discount);
    cents(service(&e.bill(), "EC2"), 2.0 * 0.096 + 2.0 * spot, "an hour on demand, an hour on spot");
    let by = &e.bill().by_purchase_option;
    cents(by[&OptionKind::OnDemand], 2.0 * 0.096, "on-demand part");
    cents(by[&OptionKind::Spot], 2.0 * spot, "spot part");
}

#[test]
fn what_if_prices_the_same_run_under_every_option_and_recommends_a_commitment() {
    // Two m5.large for an hour, then six for the next hour (a live edit at 1 h).
    let e = changed_after_an_hour(|p| p.count = 6);
    let ec2 = |option: PurchaseOption| service(&e.what_if(&option).unwrap().0, "EC2");
    cents(ec2(PurchaseOption::OnDemand), 8.0 * 0.096, "on demand: 8 machine-hours");
    cents(service(&e.bill(), "EC2"), 8.0 * 0.096, "the real bill agrees");
    let spot = e.catalog().purchase.spot.discount;
    cents(ec2(PurchaseOption::Spot { interruptions_per_hour: None }), 8.0 * 0.096 * (1.0 - spot), "spot");
    // A reservation covers the two machines of the start for both hours; four more run on demand
    // in the second hour.
    let reserved =
        PurchaseOption::Reserved { class: ReservedClass::Standard, term_years: 1, payment: Payment::NoUpfront };
    cents(ec2(reserved), 2.0 * 2.0 * 0.060 + 4.0 * 0.096, "reserved");
    // Six m5.large need 12 vCPUs: one host for both hours.
    cents(ec2(PurchaseOption::DedicatedHost), 2.0 * 5.069, "dedicated host");
    // The hourly on-demand usage: $0.192 then $0.576.
    let hourly = e.hourly_on_demand();
    assert_eq!(hourly.len(), 2);
    assert!((hourly[0].0 - 0.192).abs() < 1e-9 && (hourly[1].0 - 0.576).abs() < 1e-9, "{hourly:?}");
    // 37.5 % off: committing to the $0.192 base costs 2 × 0.12 + 0.384 = 0.624; to the peak,
    // 2 × 0.36 = 0.72. The base is recommended.
    let (commit, total) = cloud_sandbox::cost::whatif::recommend_commitment(&hourly, 0.375);
    assert!((commit - 0.12).abs() < 1e-9 && (total - 0.624).abs() < 1e-9, "{commit} {total}");
}

#[test]
fn balancer_capacity_units_count_rule_evaluations_and_lambda_bytes() {
    // 10 requests a second for an hour: 0.4 LCU by new connections.
    let hour_of_elb = |rules: u32, to: NodeKind, request_bytes: u32| {
        let lb = BalancerParams { rules_per_request: rules, ..BalancerParams::default() };
        let mut d = diagram(
            vec![node("c", until(10.0, request_bytes, HOUR - 10.0)), node("lb", NodeKind::Balancer(lb)), node("t", to)],
            vec![edge("c", "lb"), edge("lb", "t")],
            HOUR,
            0.0,
        );
        d.scenario.sample_interval_secs = 60.0;
        service(&run_engine(&d).bill(), "Elastic Load Balancing")
    };
    let requests = 10.0 * (HOUR - 10.0);
    cents(
        hour_of_elb(1, machines(1, PurchaseOption::OnDemand), 1),
        0.0225 + requests / (25.0 * HOUR) * 0.008,
        "new connections",
    );
    // 100 rules per request, 90 of them billed: 900 evaluations a second, 0.9 LCU at most.
    let rules = requests * 90.0 / (1000.0 * HOUR);
    cents(hour_of_elb(100, machines(1, PurchaseOption::OnDemand), 1), 0.0225 + rules * 0.008, "rule evaluations");
    // 40 KB to a Lambda target: 1.44 GB an hour counts against 0.4 GB per LCU.
    let f = NodeKind::Function(FunctionParams { cold_start_ms: 0.0, ..FunctionParams::default() });
    let gb = requests * 40_000.0 / 1e9;
    cents(hour_of_elb(1, f, 40_000), 0.0225 + gb / 0.4 * 0.008, "bytes to a Lambda target");
}

#[test]
fn a_receive_is_billed_by_the_64_kb_chunks_it_returns() {
    // 1,000 messages of 100 KB, each sent (2 requests), received one at a time (2) and deleted (1).
    let q = NodeKind::Queue(QueueParams::default());
    let d = diagram(
        vec![node("c", until(10.0, 100 * 1024, 100.0)), node("q", q), node("w", machines(1, PurchaseOption::OnDemand))],
        vec![edge("c", "q"), edge("q", "w")],
        120.0,
        0.0,
    );
    let e = run_engine(&d);
    let totals = e.queue_totals(1).unwrap();
    assert_eq!((totals.sent, totals.deleted, totals.received), (1000, 1000, 1000));
    cents(service(&e.bill(), "SQS") * 1e6, 5000.0 * 0.40, "5 requests a message (in micro-dollars)");
}

#[test]
fn a_long_run_bills_every_hour_of_balancer_capacity_units_while_keeping_only_the_last_few() {
    // 50 requests a second for ten hours: 2 LCU an hour by new connections, each hour billed
    // (hours older than the last three are folded into one total as the run goes), plus ten
    // balancer-hours.
    let hours = 10.0;
    let mut d = diagram(
        vec![
            node("c", until(50.0, 1, hours * HOUR)),
            node("lb", NodeKind::Balancer(BalancerParams::default())),
            node("t", machines(2, PurchaseOption::OnDemand)),
        ],
        vec![edge("c", "lb"), edge("lb", "t")],
        hours * HOUR,
        0.0,
    );
    d.scenario.sample_interval_secs = 600.0;
    let e = run_engine(&d);
    let requests = e.client_totals().generated as f64;
    assert!((requests - 50.0 * hours * HOUR).abs() <= 1.0, "{requests}");
    cents(
        service(&e.bill(), "Elastic Load Balancing"),
        hours * 0.0225 + requests / (25.0 * HOUR) * 0.008,
        "ten balancer-hours and 20 LCU-hours",
    );
}
