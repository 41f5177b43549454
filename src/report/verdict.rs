//! The verdict of a comparison in plain words, written from the measured figures: what the two
//! designs had in common (the faults), what each lost, how the queues behind them coped, and what
//! each cost per million successful requests.

use super::{FaultReport, Report};
pub use crate::model::grouped;
use std::fmt::Write as _;

/// A share in per cent with as many decimals as it needs to say something.
fn percent(part: u64, whole: u64) -> String {
    let p = if whole > 0 { 100.0 * part as f64 / whole as f64 } else { 0.0 };
    if p >= 10.0 {
        format!("{p:.0} %")
    } else if p >= 0.1 {
        format!("{p:.1} %")
    } else {
        format!("{p:.2} %")
    }
}

/// A length of time as an adjective: "2-minute", "90-second", "1-hour".
fn length(secs: f64) -> String {
    let s = secs.round().max(0.0) as u64;
    if s >= 3600 && s.is_multiple_of(3600) {
        format!("{}-hour", s / 3600)
    } else if s >= 60 && s.is_multiple_of(60) {
        format!("{}-minute", s / 60)
    } else {
        format!("{s}-second")
    }
}

/// What a fault hit, as a person would say it: the component of a failed component, else the node
/// (or zone, location, edge) named in the log.
fn subject(f: &FaultReport) -> String {
    f.window
        .what
        .strip_prefix("component ")
        .and_then(|rest| rest.split_whitespace().next())
        .map_or_else(|| f.window.node.clone(), |c| c.trim_matches('\'').to_owned())
}

/// Whether the fault takes things down (rather than slowing them, adding latency or traffic).
fn is_outage(f: &FaultReport) -> bool {
    let w = &f.window.what;
    w.contains("crashes") || w.contains("fails") || w.contains("outage")
}

/// "Under the same 2-minute barista outage, " and the like: what both runs went through.
fn context(a: &Report, b: &Report) -> String {
    match (a.faults.as_slice(), b.faults.len()) {
        ([], 0) => "Under the same traffic, ".to_owned(),
        ([f], _) => {
            let what = if is_outage(f) {
                format!("{} outage", subject(f))
            } else {
                format!("{} ({})", subject(f), f.window.what)
            };
            match f.window.end_secs {
                Some(end) => format!("Under the same {} {what}, ", length(end - f.window.start_secs)),
                None => format!("During the same {what}, "),
            }
        }
        (faults, _) => format!("Under the same {} faults, ", faults.len().max(b.faults.len())),
    }
}

/// What one side lost, and how its queues coped.
fn outcome(tag: &str, r: &Report) -> String {
    let (failed, lost) = (r.requests.failed, r.work.lost);
    let mut out = if failed == 0 {
        format!("{tag} failed none")
    } else {
        format!("{tag} failed {} requests ({})", grouped(failed), percent(failed, r.requests.generated))
    };
    if lost == 0 && failed == 0 {
        out.push_str(" and lost no work");
    } else if lost > failed {
        let _ = write!(out, " and lost the work of {} in all", grouped(lost));
    }
    let deepest = r.nodes.iter().filter_map(|n| n.queue.map(|q| (q.max_depth, &n.name))).max_by_key(|(d, _)| *d);
    if let Some((peak, name)) = deepest.filter(|(d, _)| *d > 0) {
        let _ = write!(out, " — its queue \"{name}\" peaked at {}", grouped(peak));
        if let [f] = r.faults.as_slice()
            && f.window.end_secs.is_some()
        {
            match f.recovery.queues_drained {
                Some(s) => {
                    let _ = write!(out, " and drained {s:.0} s after the fault");
                }
                None => out.push_str(" and had not drained by the end"),
            }
        }
    }
    out
}

/// What each costs per million successful requests, and by how much they differ.
fn cost(a: &Report, b: &Report) -> Option<String> {
    let (ca, cb) = (a.cost_usd.per_million_requests, b.cost_usd.per_million_requests);
    if a.requests.succeeded == 0 || b.requests.succeeded == 0 || ca <= 0.0 || cb <= 0.0 {
        return None;
    }
    if (ca - cb).abs() <= 0.01 * ca.max(cb) {
        return Some(format!("Both cost about ${ca:.2} per million successful requests."));
    }
    let (dear, cheap, more, less) = if cb > ca { ("B", "A", cb, ca) } else { ("A", "B", ca, cb) };
    Some(format!(
        "{dear} costs {:.0} % more per million successful requests than {cheap} (${more:.2} against ${less:.2}).",
        (more / less - 1.0) * 100.0
    ))
}

/// The verdict of a comparison of `a` (side A) and `b` (side B); `finished`: both runs are over
/// (else it says "So far").
pub fn verdict(a: &Report, b: &Report, finished: bool) -> String {
    let mut out = String::new();
    if !finished {
        out.push_str("So far: ");
    }
    let context = context(a, b);
    let context = if finished { context } else { lower_first(&context) };
    let _ = write!(out, "{context}{}; {}.", outcome("A", a), outcome("B", b));
    if let Some(cost) = cost(a, b) {
        out.push(' ');
        out.push_str(&cost);
    }
    out
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(2_457), "2,457");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(percent(2_457, 17_507), "14 %");
        assert_eq!(percent(3, 1000), "0.3 %");
        assert_eq!(percent(1, 10_000), "0.01 %");
        assert_eq!(length(120.0), "2-minute");
        assert_eq!(length(90.0), "90-second");
        assert_eq!(length(7200.0), "2-hour");
    }
}
