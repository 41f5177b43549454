//! The sampled series as CSV: `global.csv` (one row per sample of the whole system) and
//! `nodes.csv` (one row per sample and node). The same files come from `run --csv DIR` and from the
//! window's File → Export metrics.

use crate::model::file::{FileError, write_atomically};
use crate::sim::Engine;
use std::fmt::Write as _;
use std::path::Path;

/// The whole-system series: time, throughput, latency percentiles, work fulfilled and lost, time
/// to fulfil, cost. A percentile cell is empty when nothing it measures happened in the interval
/// (no request succeeded, none failed, no work was fulfilled).
pub fn global_csv(engine: &Engine) -> String {
    let mut out = String::from(
        "t_secs,interval_secs,succeeded_per_sec,failed_per_sec,p50_ms,p95_ms,p99_ms,cost_usd,\
         failed_p50_ms,fulfilled_per_sec,lost_per_sec,fulfil_p50_ms,fulfil_p95_ms,fulfil_p99_ms\n",
    );
    for s in engine.global_series() {
        let per_sec = |n: u64| n as f64 / s.interval_secs.max(1e-9);
        let when = |n: u64, v: f64| if n > 0 { v.to_string() } else { String::new() };
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            s.t_secs,
            s.interval_secs,
            per_sec(s.succeeded),
            per_sec(s.failed),
            when(s.succeeded, s.p50_ms),
            when(s.succeeded, s.p95_ms),
            when(s.succeeded, s.p99_ms),
            s.cost_usd,
            when(s.failed, s.failed_p50_ms),
            per_sec(s.fulfilled),
            per_sec(s.lost),
            when(s.fulfilled, s.fulfil_p50_ms),
            when(s.fulfilled, s.fulfil_p95_ms),
            when(s.fulfilled, s.fulfil_p99_ms),
        );
    }
    out
}

/// The per-node series: waiting work, utilisation, machines running, cost so far, and (queues)
/// the age of the oldest visible message.
pub fn nodes_csv(engine: &Engine) -> String {
    let mut out = String::from("t_secs,node,kind,depth,utilization,running,cost_usd,oldest_age_secs\n");
    for (i, node) in engine.diagram().nodes.iter().enumerate() {
        for p in engine.node_series(i) {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{}",
                p.t_secs,
                csv_field(&node.id.0),
                node.kind.kind().name(),
                p.depth,
                p.utilization,
                p.running,
                p.cost_usd,
                p.oldest_age_secs
            );
        }
    }
    out
}

/// A text cell: a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` before it, so that
/// a spreadsheet never reads it as a formula; quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// Writes `global.csv` and `nodes.csv` into `dir` (created if missing), each atomically.
pub fn write_dir(engine: &Engine, dir: &Path) -> Result<(), FileError> {
    std::fs::create_dir_all(dir).map_err(|source| FileError::Io { path: dir.to_owned(), source })?;
    write_atomically(&dir.join("global.csv"), global_csv(engine).as_bytes())?;
    write_atomically(&dir.join("nodes.csv"), nodes_csv(engine).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\", ok"), "\"say \"\"hi\"\", ok\"");
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("-x"), "'-x");
        assert_eq!(csv_field("a\rb"), "\"a\rb\"");
    }
}
