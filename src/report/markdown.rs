//! The report as tables of labelled values — the summary, the failures, the cost, a row per node
//! named as on the canvas — shared by the window's Report and its Markdown export, so both say the
//! same things.

use super::Report;
use super::verdict::grouped;
use std::fmt::Write as _;

/// The columns of the per-node table.
pub const NODE_COLUMNS: [&str; 10] = [
    "node",
    "kind",
    "arrivals",
    "completed",
    "failed",
    "wait",
    "time in node",
    "mean backlog",
    "utilisation",
    "cost so far",
];

/// One node's row of the per-node table, its id (for a tooltip), and what only its kind has.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRow {
    /// The node's id.
    pub id: String,
    /// The cells, one per [`NODE_COLUMNS`].
    pub cells: [String; 10],
    /// The figures of its kind (a client's requests, a queue's messages…), in a sentence.
    pub detail: Option<String>,
}

fn ms(v: f64) -> String {
    if v >= 10_000.0 { format!("{:.1} s", v / 1000.0) } else { format!("{v:.1} ms") }
}

fn share(part: u64, whole: u64) -> String {
    if whole == 0 { "—".to_owned() } else { format!("{:.2} %", 100.0 * part as f64 / whole as f64) }
}

/// The summary of the run: (what, value) pairs, in reading order.
pub fn summary(r: &Report) -> Vec<(String, String)> {
    let totals = &r.requests;
    let latency = &r.latency_ms;
    let cost = &r.cost_usd;
    let mut rows = vec![
        (
            "simulated".to_owned(),
            format!("{:.1} s (statistics after {:.1} s), seed {}", r.sim_seconds, r.warmup_seconds, r.seed),
        ),
        ("requests generated".to_owned(), grouped(totals.generated)),
        (
            "succeeded".to_owned(),
            format!("{} ({})", grouped(totals.succeeded), share(totals.succeeded, totals.generated)),
        ),
        ("failed".to_owned(), format!("{} ({})", grouped(totals.failed), share(totals.failed, totals.generated))),
        ("in flight".to_owned(), grouped(totals.in_flight)),
        ("throughput".to_owned(), format!("{:.1} requests/s", r.throughput_rps)),
        (
            "latency p50 / p95 / p99".to_owned(),
            format!("{} / {} / {}", ms(latency.p50), ms(latency.p95), ms(latency.p99)),
        ),
        ("latency mean / max".to_owned(), format!("{} / {}", ms(latency.mean), ms(latency.max))),
    ];
    if let Some(stop) = &r.stopped {
        rows.insert(1, ("stopped early".to_owned(), stop.message.clone()));
    }
    let work = &r.work;
    if work.fulfilled + work.lost + work.pending > 0
        && (work.fulfilled != totals.succeeded || work.lost != totals.failed)
    {
        let fulfil = &r.time_to_fulfil_ms;
        rows.push((
            "work end to end".to_owned(),
            format!(
                "{} fulfilled, {} lost, {} pending",
                grouped(work.fulfilled),
                grouped(work.lost),
                grouped(work.pending)
            ),
        ));
        rows.push((
            "time to fulfil p50 / p95 / p99".to_owned(),
            format!("{} / {} / {}", ms(fulfil.p50), ms(fulfil.p95), ms(fulfil.p99)),
        ));
    }
    rows.push(("cost so far".to_owned(), format!("${:.4}", cost.total)));
    rows.push((
        "at this pace".to_owned(),
        format!("${:.4}/hour, ${:.2}/month (730 h)", cost.per_hour, cost.monthly_projection),
    ));
    rows.push(("per million successful requests".to_owned(), format!("${:.2}", cost.per_million_requests)));
    let billed = |m: &std::collections::BTreeMap<String, f64>| {
        let items: Vec<String> =
            m.iter().filter(|(_, v)| **v > 0.0).map(|(k, v)| format!("{} ${v:.4}", k.replace('_', " "))).collect();
        if items.is_empty() { "nothing billed".to_owned() } else { items.join(", ") }
    };
    rows.push(("by service".to_owned(), billed(&cost.by_service)));
    if cost.by_purchase_option.values().any(|v| *v > 0.0) {
        rows.push(("EC2 by purchase option".to_owned(), billed(&cost.by_purchase_option)));
    }
    if cost.free_tier {
        rows.push(("free tier".to_owned(), format!("on: ${:.4} taken off", cost.free_tier_savings)));
    }
    rows
}

/// Final failures by reason, most first.
pub fn failures(r: &Report) -> Vec<(String, String)> {
    let mut list: Vec<(&String, &u64)> = r.failures.iter().collect();
    list.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    list.into_iter().map(|(reason, n)| (reason.replace('_', " "), grouped(*n))).collect()
}

/// The per-node table, in diagram order, nodes named as on the canvas.
pub fn node_rows(r: &Report) -> Vec<NodeRow> {
    r.nodes
        .iter()
        .map(|n| {
            let f = &n.figures;
            let detail = if let Some(c) = &n.client {
                Some(format!(
                    "requests: {} generated, {} succeeded, {} failed, {} in flight",
                    grouped(c.generated),
                    grouped(c.succeeded),
                    grouped(c.failed),
                    grouped(c.in_flight)
                ))
            } else if let Some(q) = &n.queue {
                Some(format!(
                    "messages: {} sent, {} received, {} deleted, {} expired, {} dead-lettered, {} in the queue, at most {}{}",
                    grouped(q.sent),
                    grouped(q.received),
                    grouped(q.deleted),
                    grouped(q.expired),
                    grouped(q.dead_lettered),
                    grouped(q.in_queue_at_end),
                    grouped(q.max_depth),
                    looped(q.loop_detected)
                ))
            } else if let Some(fu) = &f.function {
                Some(format!(
                    "{} invocations, {} throttled, {} cold starts, {} timeouts",
                    grouped(fu.invocations),
                    grouped(fu.throttled),
                    grouped(fu.cold_starts),
                    grouped(fu.timeouts)
                ))
            } else if let Some(t) = &f.topic {
                Some(format!(
                    "{} published, {} copies delivered, {} given up, {} filtered out{}",
                    grouped(t.published),
                    grouped(t.delivered),
                    grouped(t.delivery_failures),
                    grouped(t.filtered_out),
                    looped(t.loop_detected)
                ))
            } else if let (Some(i), Some(c)) = (&f.instance, &f.containers) {
                Some(format!(
                    "{} of {} tasks running, {} workers each; {} ever pending{}",
                    i.running,
                    i.desired,
                    i.workers_per_instance,
                    c.tasks_ever_pending,
                    if c.max_cluster_instances > 0 {
                        format!("; {} cluster instances (at most {})", c.cluster_instances, c.max_cluster_instances)
                    } else {
                        String::new()
                    }
                ))
            } else if let Some(i) = &f.instance {
                Some(format!("{} of {} machines running, {} workers each", i.running, i.desired, i.workers_per_instance))
            } else {
                f.balancer.map(|b| format!("{} of {} targets healthy", b.healthy_targets, b.targets))
            };
            let busy = f.instance.is_some() || f.function.is_some();
            NodeRow {
                id: n.id.clone(),
                cells: [
                    n.name.clone(),
                    n.kind.name().to_owned(),
                    grouped(f.arrivals),
                    grouped(f.completed),
                    grouped(f.failed),
                    ms(f.mean_wait_ms),
                    ms(f.mean_sojourn_ms),
                    format!("{:.2}", f.mean_backlog),
                    if busy { format!("{:.1} %", 100.0 * f.utilization) } else { "—".to_owned() },
                    format!("${:.4}", n.cost_usd),
                ],
                detail,
            }
        })
        .collect()
}

/// Escapes what Markdown would read as table syntax or emphasis.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace('*', "\\*").replace('_', "\\_")
}

/// The report as Markdown: a title, the summary and failures as two-column tables, the per-node
/// table, then each node's own figures, faults and scaling activities.
pub fn to_markdown(r: &Report) -> String {
    let mut out = String::new();
    let title = if r.scenario.is_empty() { "Run" } else { r.scenario.as_str() };
    let _ = writeln!(out, "# {}\n", cell(title));
    let _ = writeln!(out, "| | |\n|---|---|");
    for (what, value) in summary(r) {
        let _ = writeln!(out, "| {} | {} |", cell(&what), cell(&value));
    }
    let failures = failures(r);
    if !failures.is_empty() {
        let _ = writeln!(out, "\n## Failures\n\n| reason | requests |\n|---|---:|");
        for (reason, n) in failures {
            let _ = writeln!(out, "| {} | {n} |", cell(&reason));
        }
    }
    let _ = writeln!(out, "\n## Nodes\n");
    let _ = writeln!(out, "| {} |", NODE_COLUMNS.join(" | "));
    let _ = writeln!(out, "|---|---|{}", "---:|".repeat(NODE_COLUMNS.len() - 2));
    let rows = node_rows(r);
    for row in &rows {
        let mut cells: Vec<String> = row.cells.iter().map(|c| cell(c)).collect();
        cells[0] = format!("{} (`{}`)", cells[0], row.id.replace('`', "'"));
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    let details: Vec<&NodeRow> = rows.iter().filter(|r| r.detail.is_some()).collect();
    if !details.is_empty() {
        let _ = writeln!(out);
        for row in details {
            let _ = writeln!(out, "- **{}**: {}", cell(&row.cells[0]), cell(row.detail.as_deref().unwrap_or_default()));
        }
    }
    if !r.faults.is_empty() {
        let _ = writeln!(
            out,
            "\n## Faults\n\n| what | from | to | failed during | back to normal after |\n|---|---:|---:|---:|---:|"
        );
        for f in &r.faults {
            let w = &f.window;
            let end = w.end_secs.map_or_else(|| "still going".to_owned(), |e| format!("{e:.0} s"));
            let recovery = f.recovery.both.map_or_else(|| "—".to_owned(), |s| format!("{s:.0} s"));
            let _ = writeln!(
                out,
                "| {} | {:.0} s | {end} | {} | {recovery} |",
                cell(&format!("{}: {}", w.node, w.what)),
                w.start_secs,
                grouped(f.failed_during)
            );
        }
    }
    if !r.scaling_activities.is_empty() {
        let _ =
            writeln!(out, "\n## Scaling activities\n\n| time | group | from | to | why |\n|---:|---|---:|---:|---|");
        for a in &r.scaling_activities {
            let _ = writeln!(
                out,
                "| {:.0} s | {} | {} | {} | {} |",
                a.t_secs,
                cell(&a.node),
                a.from,
                a.to,
                cell(&a.reason)
            );
        }
    }
    out
}

/// ", N stopped in a loop" when a loop of queues and topics refused messages here.
fn looped(n: u64) -> String {
    if n == 0 { String::new() } else { format!(", {} stopped in a loop of queues and topics", grouped(n)) }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn table_syntax_in_names_is_escaped() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("*bold*_x_"), "\\*bold\\*\\_x\\_");
    }
}
