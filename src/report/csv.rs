//! The sampled series as CSV: `global.csv` (one row per sample of the whole system) and
//! `nodes.csv` (one row per sample and node). The same files come from `run --csv DIR` and from the
//! window's File → Export metrics.

use crate::model::file::{FileError, write_atomically};
use crate::sim::Engine;
use std::fmt::Write as _;
use std::path::Path;

/// The whole-system series: time, throughput, latency percentiles, cost.
pub fn global_csv(engine: &Engine) -> String {
    let mut out = String::from("t_secs,interval_secs,succeeded_per_sec,failed_per_sec,p50_ms,p95_ms,p99_ms,cost_usd\n");
    for s in engine.global_series() {
        let per_sec = |n: u64| n as f64 / s.interval_secs.max(1e-9);
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            s.t_secs,
            s.interval_secs,
            per_sec(s.succeeded),
            per_sec(s.failed),
            s.p50_ms,
            s.p95_ms,
            s.p99_ms,
            s.cost_usd
        );
    }
    out
}

/// The per-node series: waiting work, utilisation, machines running, cost so far.
pub fn nodes_csv(engine: &Engine) -> String {
    let mut out = String::from("t_secs,node,kind,depth,utilization,running,cost_usd\n");
    for (i, node) in engine.diagram().nodes.iter().enumerate() {
        for p in engine.node_series(i) {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{}",
                p.t_secs,
                csv_field(&node.id.0),
                node.kind.kind().name(),
                p.depth,
                p.utilization,
                p.running,
                p.cost_usd
            );
        }
    }
    out
}

/// Quotes a field when it needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
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
    }
}
