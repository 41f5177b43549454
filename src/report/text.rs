//! The readable table printed by `cloud-sandbox run`.

use super::Report;
use std::fmt::Write as _;

/// Formats a report as a few aligned tables for a terminal.
pub fn to_text(r: &Report) -> String {
    let mut out = String::new();
    let title = if r.scenario.is_empty() { "run" } else { r.scenario.as_str() };
    let _ = writeln!(
        out,
        "{title}: {:.1} s simulated (statistics after {:.1} s), seed {}, {} events in {:.3} s",
        r.sim_seconds, r.warmup_seconds, r.seed, r.events, r.wall_seconds
    );
    if let Some(stop) = &r.stopped {
        let _ = writeln!(out, "STOPPED EARLY: {}", stop.message);
    }
    let totals = &r.requests;
    let pct = |n: u64| if totals.generated > 0 { 100.0 * n as f64 / totals.generated as f64 } else { 0.0 };
    let _ = writeln!(
        out,
        "requests: {} generated, {} succeeded ({:.2} %), {} failed ({:.2} %), {} in flight; {:.1} req/s",
        totals.generated,
        totals.succeeded,
        pct(totals.succeeded),
        totals.failed,
        pct(totals.failed),
        totals.in_flight,
        r.throughput_rps
    );
    if !r.failures.is_empty() {
        let list: Vec<String> = r.failures.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(out, "failures: {}", list.join(", "));
    }
    let l = &r.latency_ms;
    let _ = writeln!(
        out,
        "latency ms: mean {:.3}  p50 {:.3}  p95 {:.3}  p99 {:.3}  max {:.3}",
        l.mean, l.p50, l.p95, l.p99, l.max
    );
    let work = &r.work;
    let fulfil = &r.time_to_fulfil_ms;
    let _ = writeln!(
        out,
        "work end to end: {} fulfilled, {} lost, {} pending; time to fulfil ms: p50 {:.1}  p95 {:.1}  p99 {:.1}",
        work.fulfilled, work.lost, work.pending, fulfil.p50, fulfil.p95, fulfil.p99
    );
    let c = &r.cost_usd;
    let _ = writeln!(
        out,
        "cost: ${:.4} total, ${:.4}/hour, ${:.2}/month (730 h), ${:.4} per million requests",
        c.total, c.per_hour, c.monthly_projection, c.per_million_requests
    );
    let list = |m: &std::collections::BTreeMap<String, f64>| {
        let items: Vec<String> = m.iter().filter(|(_, v)| **v > 0.0).map(|(k, v)| format!("{k} ${v:.4}")).collect();
        if items.is_empty() { "nothing billed".to_owned() } else { items.join(", ") }
    };
    let _ = writeln!(out, "  by service: {}", list(&c.by_service));
    if !c.by_purchase_option.is_empty() {
        let _ = writeln!(out, "  EC2 by purchase option: {}", list(&c.by_purchase_option));
    }
    if c.free_tier {
        let _ = writeln!(out, "  free tier on: ${:.4} taken off", c.free_tier_savings);
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<20} {:<9} {:>10} {:>10} {:>8} {:>10} {:>10} {:>9} {:>9} {:>6} {:>10}",
        "node", "kind", "arrivals", "completed", "failed", "wait ms", "time ms", "backlog", "max", "util", "cost $"
    );
    for n in &r.nodes {
        let f = &n.figures;
        let _ = writeln!(
            out,
            "{:<20} {:<9} {:>10} {:>10} {:>8} {:>10.3} {:>10.3} {:>9.2} {:>9.0} {:>5.1}% {:>10.4}",
            truncate(&n.id, 20),
            n.kind.name(),
            f.arrivals,
            f.completed,
            f.failed,
            f.mean_wait_ms,
            f.mean_sojourn_ms,
            f.mean_backlog,
            f.max_backlog,
            100.0 * f.utilization,
            n.cost_usd
        );
        if let Some(ct) = &n.client {
            let _ = writeln!(
                out,
                "{:<20}   requests generated {} succeeded {} failed {} in flight {}",
                "", ct.generated, ct.succeeded, ct.failed, ct.in_flight
            );
        }
        if let Some(qt) = &n.queue {
            let _ = writeln!(
                out,
                "{:<20}   sent {} received {} deleted {} expired {} dead-lettered {} in queue {} max depth {}{}",
                "",
                qt.sent,
                qt.received,
                qt.deleted,
                qt.expired,
                qt.dead_lettered,
                qt.in_queue_at_end,
                qt.max_depth,
                looped(qt.loop_detected)
            );
        }
        if let Some(fu) = &f.function {
            let _ = writeln!(
                out,
                "{:<20}   invocations {} throttled {} cold starts {} timeouts {}",
                "", fu.invocations, fu.throttled, fu.cold_starts, fu.timeouts
            );
        }
        if let Some(t) = &f.topic {
            let _ = writeln!(
                out,
                "{:<20}   published {} deliveries {} delivered {} failed {} filtered out {}{}",
                "",
                t.published,
                t.deliveries,
                t.delivered,
                t.delivery_failures,
                t.filtered_out,
                looped(t.loop_detected)
            );
        }
        match (&f.instance, &f.containers) {
            (Some(pool), Some(tasks)) => {
                let _ = writeln!(
                    out,
                    "{:<20}   tasks running {} of {}, {} workers each; pending now {}, ever {}, at most {} at once{}",
                    "",
                    pool.running,
                    pool.desired,
                    pool.workers_per_instance,
                    tasks.tasks_pending,
                    tasks.tasks_ever_pending,
                    tasks.max_tasks_pending,
                    if tasks.max_cluster_instances > 0 {
                        format!(
                            "; cluster instances {} (at most {})",
                            tasks.cluster_instances, tasks.max_cluster_instances
                        )
                    } else {
                        String::new()
                    }
                );
            }
            (Some(pool), None) => {
                let _ = writeln!(
                    out,
                    "{:<20}   instances running {} of {}, {} workers each",
                    "", pool.running, pool.desired, pool.workers_per_instance
                );
            }
            (None, _) => {}
        }
    }
    out
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width { s.to_owned() } else { s.chars().take(width - 1).chain(['…']).collect() }
}

/// " stopped in a loop N" when a loop of queues and topics refused messages here.
fn looped(n: u64) -> String {
    if n == 0 { String::new() } else { format!(" stopped in a loop {n}") }
}
