//! The command line: `run`, `compare`, `check` and `open`; no arguments opens the window.
//!
//! Exit codes: 0 ok, 1 the diagram has problems, 2 the file cannot be read or the arguments are
//! wrong. Errors go to stderr and say what and where.

use crate::cost::Catalog;
use crate::model::{Diagram, file, validate};
use crate::report::{Report, to_text};
use crate::sim::clock::Speed;
use crate::sim::{Engine, RunOptions};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Exit code: all good.
pub const EXIT_OK: u8 = 0;
/// Exit code: the diagram has problems.
pub const EXIT_INVALID: u8 = 1;
/// Exit code: unreadable file or bad arguments.
pub const EXIT_UNREADABLE: u8 = 2;
/// Exit code: the run stopped before its end because it held more than the engine allows at once
/// ([`crate::sim::MAX_HELD`]); the report printed is of what ran.
pub const EXIT_STOPPED: u8 = 3;
/// Exit code: interrupted (Ctrl-C); the report printed is of what ran.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Set by the first Ctrl-C: runs stop at the next slice and report what they have.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes the first Ctrl-C stop the run (which then reports what it has) and a second one end the
/// program at once.
fn stop_on_ctrl_c() {
    use std::sync::atomic::Ordering;
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    });
}

/// The exit code of a run that ended: 0, or why it stopped early (said on stderr).
fn ended(engine: &Engine, name: &str) -> u8 {
    match engine.stopped() {
        None => EXIT_OK,
        Some(stop) => {
            eprintln!("{name}: {}", stop.message);
            match stop.reason {
                crate::sim::StopReason::HeldLimit => EXIT_STOPPED,
                crate::sim::StopReason::Interrupted => EXIT_INTERRUPTED,
            }
        }
    }
}

/// Cloud Sandbox: draw a cloud architecture, run it, see throughput, latency, failures and cost.
#[derive(Debug, Parser)]
#[command(name = "cloud-sandbox", version, about, long_about = None)]
pub struct Cli {
    /// What to do; without a command the window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a diagram in the window.
    Open {
        /// The diagram file (.ron).
        file: PathBuf,
        /// Start the simulation at once.
        #[arg(long)]
        play: bool,
        /// Simulated seconds per wall second (0.1 to 1000), or "max" for as fast as possible.
        #[arg(long, value_parser = parse_speed)]
        speed: Option<Speed>,
        /// Open the Compare view: this diagram against FILE (with --play, both start at once).
        #[arg(long, value_name = "FILE")]
        compare: Option<PathBuf>,
    },
    /// Run a diagram without a window and print its report.
    Run {
        /// The diagram file (.ron).
        file: PathBuf,
        /// Simulated time to run, e.g. 90s, 10m, 1h (default: the duration set in the file).
        #[arg(long, value_parser = parse_run_length_secs)]
        duration: Option<f64>,
        /// Seed of the random stream (default: the file's seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Simulated seconds before statistics start, e.g. 10 or 30s (default: the warm-up set in the file).
        #[arg(long, value_parser = parse_duration_secs)]
        warmup: Option<f64>,
        /// Print the report as JSON instead of a table.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// Print the report as Markdown (the window's Report, as File → Export → Report writes it).
        #[arg(long)]
        markdown: bool,
        /// Read prices from this catalog instead of the built-in one.
        #[arg(long)]
        pricing: Option<PathBuf>,
        /// Also write the sampled series as CSV (global.csv, nodes.csv) into this folder.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
        /// Take the AWS free tier's monthly allowances off the bill (whatever the file says).
        #[arg(long)]
        free_tier: bool,
    },
    /// Run two diagrams with the same seed, duration and faults, and print them side by side.
    Compare {
        /// The first diagram (.ron); its seed, duration and warm-up apply to both unless given.
        a: PathBuf,
        /// The second diagram (.ron).
        b: PathBuf,
        /// Simulated time to run each, e.g. 90s, 10m, 1h (default: the first diagram's).
        #[arg(long, value_parser = parse_run_length_secs)]
        duration: Option<f64>,
        /// Seed of the random stream for both (default: the first diagram's).
        #[arg(long)]
        seed: Option<u64>,
        /// One fault script for both, replacing their own: a RON list of faults, or a diagram whose
        /// faults to take. Faults are matched to each diagram by node or component name.
        #[arg(long, value_name = "FILE")]
        faults: Option<PathBuf>,
        /// Print {"seed": N, "runs": [A, B]} as JSON, each run the `run --json` report plus "file".
        #[arg(long)]
        json: bool,
        /// Read prices from this catalog instead of the built-in one.
        #[arg(long)]
        pricing: Option<PathBuf>,
    },
    /// Draw a diagram as a picture (SVG or PNG) without a window, and, run to a moment, its charts.
    Export {
        /// The diagram file (.ron).
        file: PathBuf,
        /// Write the diagram as SVG to this file.
        #[arg(long, value_name = "OUT.svg")]
        svg: Option<PathBuf>,
        /// Write the diagram as PNG to this file.
        #[arg(long, value_name = "OUT.png")]
        png: Option<PathBuf>,
        /// Run the simulation to this simulated time first (e.g. 5m) and draw each node's badges
        /// of that moment (without it the picture shows the diagram alone).
        #[arg(long, value_parser = parse_run_length_secs)]
        at: Option<f64>,
        /// Also write each chart of the run (to --at, or to the end) into this folder, as PNG and SVG.
        #[arg(long, value_name = "DIR")]
        charts: Option<PathBuf>,
        /// Draw in the light theme instead of the dark one.
        #[arg(long)]
        light: bool,
        /// Read prices from this catalog instead of the built-in one.
        #[arg(long)]
        pricing: Option<PathBuf>,
    },
    /// Check a diagram file and list its problems.
    Check {
        /// The diagram file (.ron).
        file: PathBuf,
        /// Check instance types against this catalog instead of the built-in one.
        #[arg(long)]
        pricing: Option<PathBuf>,
    },
}

/// Parses a speed: a factor from 0.1 to 1000 (`10`, `10x`), or `max`.
pub fn parse_speed(text: &str) -> Result<Speed, String> {
    // (`max` first: trimming a trailing "x" would spoil it.)
    if text.trim().eq_ignore_ascii_case("max") {
        return Ok(Speed::AsFastAsPossible);
    }
    let t = text.trim().trim_end_matches(['x', '×']);
    match t.parse::<f64>() {
        Ok(f) if (0.1..=1000.0).contains(&f) => Ok(Speed::Times(f)),
        _ => Err(format!("'{text}' is not a speed: give a factor from 0.1 to 1000, or max")),
    }
}

/// Parses `90s`, `10m`, `1h`, `2d`, `250ms`, or a plain number of seconds (`1e3` too), from 0 to
/// ten years.
pub fn parse_duration_secs(text: &str) -> Result<f64, String> {
    let t = text.trim();
    // A plain number (1e3 included) is seconds; otherwise the trailing letters are the unit.
    let (number, unit) = if t.parse::<f64>().is_ok() {
        (t, "")
    } else {
        let split = t.len() - t.chars().rev().take_while(char::is_ascii_alphabetic).count();
        t.split_at(split)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a duration: use a number with s, m, h or d, e.g. 90s, 10m, 1h"))?;
    let scale = match unit.trim() {
        "" | "s" | "sec" | "secs" => 1.0,
        "ms" => 0.001,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        other => return Err(format!("unknown unit '{other}' in '{text}': use ms, s, m, h or d")),
    };
    let secs = value * scale;
    if !(secs.is_finite() && secs >= 0.0) {
        return Err(format!("'{text}' must be a duration of 0 or more"));
    }
    if secs > validate::MAX_SECS {
        return Err(format!("'{text}' is beyond ten years, the longest a run may be"));
    }
    Ok(secs)
}

/// Parses a length of run: a duration (see [`parse_duration_secs`]) above zero.
pub fn parse_run_length_secs(text: &str) -> Result<f64, String> {
    let secs = parse_duration_secs(text)?;
    if secs > 0.0 { Ok(secs) } else { Err(format!("'{text}': a run must last more than 0 s")) }
}

/// Reads the catalog (given or built in) and the diagram; on failure, reports it and returns the
/// exit code.
fn load_inputs(file: &Path, pricing: Option<&PathBuf>) -> Result<(Catalog, Diagram), u8> {
    let catalog = match pricing {
        Some(p) => Catalog::load(p).map_err(|e| fail(&format!("pricing catalog: {e}"), EXIT_UNREADABLE))?,
        None => Catalog::embedded(),
    };
    let diagram = file::load(file).map_err(|e| fail(&e.to_string(), EXIT_UNREADABLE))?;
    Ok((catalog, diagram))
}

/// Runs a headless command; returns the process exit code. (`open` is the window's: `main` handles
/// it, and here it only explains that.)
pub fn run_command(command: Command) -> u8 {
    match command {
        Command::Open { file, .. } => fail(
            &format!(
                "cannot open {} here: this build has no window (it was built without the gui feature)",
                file.display()
            ),
            EXIT_UNREADABLE,
        ),
        Command::Run { file, duration, seed, warmup, json, markdown, pricing, csv, free_tier } => {
            let (catalog, diagram) = match load_inputs(&file, pricing.as_ref()) {
                Ok(inputs) => inputs,
                Err(code) => return code,
            };
            for w in validate::warnings(&diagram) {
                eprintln!("warning: {w}");
            }
            let options = RunOptions {
                seed,
                duration_secs: duration,
                warmup_secs: warmup,
                free_tier: free_tier.then_some(true),
                ..RunOptions::default()
            };
            let mut engine = match Engine::new(&diagram, &catalog, &options) {
                Ok(e) => e,
                Err(e) => return fail(&format!("{}: {e}", file.display()), EXIT_INVALID),
            };
            let started = Instant::now();
            stop_on_ctrl_c();
            run_with_progress(&mut engine);
            let report = Report::from_engine(&engine, started.elapsed().as_secs_f64());
            if let Some(dir) = csv
                && let Err(e) = crate::report::csv::write_dir(&engine, &dir)
            {
                return fail(&format!("could not write the CSV files: {e}"), EXIT_UNREADABLE);
            }
            if json {
                println!("{}", report.to_json());
            } else if markdown {
                print!("{}", crate::report::markdown::to_markdown(&report));
            } else {
                print!("{}", to_text(&report));
            }
            ended(&engine, &file.display().to_string())
        }
        Command::Compare { a, b, duration, seed, faults, json, pricing } => {
            compare(&a, &b, duration, seed, faults.as_deref(), json, pricing.as_ref())
        }
        Command::Export { file, svg, png, at, charts, light, pricing } => {
            export(&file, svg.as_deref(), png.as_deref(), at, charts.as_deref(), !light, pricing.as_ref())
        }
        Command::Check { file, pricing } => {
            let (catalog, diagram) = match load_inputs(&file, pricing.as_ref()) {
                Ok(inputs) => inputs,
                Err(code) => return code,
            };
            let problems = validate::check_all(&diagram, &catalog);
            let (warnings, errors): (Vec<_>, Vec<_>) = problems.iter().partition(|p| p.is_warning());
            for p in &errors {
                eprintln!("  error: {p}");
            }
            for p in &warnings {
                eprintln!("  warning: {p}");
            }
            if errors.is_empty() {
                let with = match warnings.len() {
                    0 => String::new(),
                    1 => ", with 1 warning".to_owned(),
                    n => format!(", with {n} warnings"),
                };
                println!(
                    "{}: valid ({} nodes, {} edges, {} faults){with}",
                    file.display(),
                    diagram.nodes.len(),
                    diagram.edges.len(),
                    diagram.scenario.faults.len()
                );
                EXIT_OK
            } else {
                eprintln!(
                    "{}: {} problem(s) that stop it from running{}",
                    file.display(),
                    errors.len(),
                    if warnings.is_empty() { String::new() } else { format!(", and {} warning(s)", warnings.len()) }
                );
                EXIT_INVALID
            }
        }
    }
}

/// `export FILE`: the diagram drawn (with the badges of a moment of its run, with `--at`) as SVG
/// and PNG, and the run's charts with `--charts`.
fn export(
    file: &Path,
    svg: Option<&Path>,
    png: Option<&Path>,
    at: Option<f64>,
    charts: Option<&Path>,
    dark: bool,
    pricing: Option<&PathBuf>,
) -> u8 {
    use crate::scene::{charts as chart, diagram::Picture, export};
    if svg.is_none() && png.is_none() && charts.is_none() {
        return fail("say what to write: --svg OUT.svg, --png OUT.png and/or --charts DIR", EXIT_UNREADABLE);
    }
    let (catalog, diagram) = match load_inputs(file, pricing) {
        Ok(inputs) => inputs,
        Err(code) => return code,
    };
    // The run, when the picture shows a moment of it or the charts are asked for.
    let engine = if at.is_some() || charts.is_some() {
        let mut engine = match Engine::new(&diagram, &catalog, &RunOptions::default()) {
            Ok(e) => e,
            Err(e) => return fail(&format!("{}: cannot run it: {e}", file.display()), EXIT_INVALID),
        };
        stop_on_ctrl_c();
        match at {
            Some(t) => {
                engine.run_until(crate::sim::SimTime(crate::sim::time::secs_to_nanos(t)), u64::MAX);
            }
            None => run_with_progress(&mut engine),
        }
        Some(engine)
    } else {
        None
    };
    let code = engine.as_ref().map_or(EXIT_OK, |e| ended(e, &file.display().to_string()));
    let states: Option<Vec<Option<crate::sim::LiveNode>>> =
        engine.as_ref().filter(|_| at.is_some()).map(|e| e.live_nodes().into_iter().map(Some).collect());
    let mut picture = Picture::new(&diagram, states.as_deref(), dark);
    if let (Some(e), Some(_)) = (&engine, at) {
        picture = picture.at(e.now().as_secs(), e.end().as_secs());
    }
    let text = picture.svg();
    for (out, format) in [(svg, export::Format::Svg), (png, export::Format::Png)] {
        let Some(out) = out else { continue };
        if let Err(e) = export::write_as(out, &text, format) {
            return fail(&e, EXIT_UNREADABLE);
        }
        eprintln!("wrote {}", out.display());
    }
    if let (Some(dir), Some(engine)) = (charts, &engine) {
        match export::write_charts(engine, dir, &chart::ChartOptions::default(), dark) {
            Ok(n) => eprintln!("wrote {n} charts (PNG and SVG) into {}", dir.display()),
            Err(e) => return fail(&e, EXIT_UNREADABLE),
        }
    }
    code
}

/// `compare A B`: both diagrams prepared alike, run one after the other, printed side by side.
fn compare(
    a: &Path,
    b: &Path,
    duration: Option<f64>,
    seed: Option<u64>,
    faults: Option<&Path>,
    json: bool,
    pricing: Option<&PathBuf>,
) -> u8 {
    use crate::report::compare::{CompareOptions, CompareRun, Comparison, prepare};
    let (catalog, first) = match load_inputs(a, pricing) {
        Ok(inputs) => inputs,
        Err(code) => return code,
    };
    let second = match file::load(b) {
        Ok(d) => d,
        Err(e) => return fail(&e.to_string(), EXIT_UNREADABLE),
    };
    let script = match faults.map(file::load_faults).transpose() {
        Ok(f) => f,
        Err(e) => return fail(&format!("fault script: {e}"), EXIT_UNREADABLE),
    };
    let options = CompareOptions { seed, duration_secs: duration, faults: script };
    let (a_name, b_name) = (a.display().to_string(), b.display().to_string());
    let (da, db) = match prepare((&a_name, &first), (&b_name, &second), &options) {
        Ok(pair) => pair,
        Err(e) => return fail(&e, EXIT_INVALID),
    };
    let mut runs = Vec::new();
    let mut code = EXIT_OK;
    stop_on_ctrl_c();
    for (name, d) in [(a_name, da), (b_name, db)] {
        let mut engine = match Engine::new(&d, &catalog, &RunOptions::default()) {
            Ok(e) => e,
            Err(e) => return fail(&format!("{name}: {e}"), EXIT_INVALID),
        };
        let started = Instant::now();
        run_with_progress(&mut engine);
        code = code.max(ended(&engine, &name));
        runs.push(CompareRun { file: name, report: Report::from_engine(&engine, started.elapsed().as_secs_f64()) });
    }
    let finished = runs.iter().all(|r| r.report.stopped.is_none());
    let comparison = Comparison::new(runs.first().map_or(0, |r| r.report.seed), runs, finished);
    if json {
        println!("{}", serde_json::to_string_pretty(&comparison).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")));
    } else {
        print!("{}", crate::report::compare::to_text(&comparison));
    }
    code
}

fn fail(message: &str, code: u8) -> u8 {
    eprintln!("error: {message}");
    code
}

/// Runs to the end in slices of simulated time; after two seconds of wall time, and only when
/// stderr is a terminal, shows a progress bar.
fn run_with_progress(engine: &mut Engine) {
    const SLICE_EVENTS: u64 = 2_000_000;
    let started = Instant::now();
    let end = engine.end();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let interactive = std::io::stderr().is_terminal();
    while !engine.finished() {
        if INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
            engine.interrupt();
            break;
        }
        engine.run_until(end, SLICE_EVENTS);
        if interactive && bar.is_none() && started.elapsed().as_secs_f64() > 2.0 {
            let b = indicatif::ProgressBar::new(end.0 / 1_000_000);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:40} {percent:>3}% of simulated time, eta {eta}")
            {
                b.set_style(style);
            }
            bar = Some(b);
        }
        if let Some(b) = &bar {
            b.set_position(engine.now().0 / 1_000_000);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration_secs("90s"), Ok(90.0));
        assert_eq!(parse_duration_secs("10m"), Ok(600.0));
        assert_eq!(parse_duration_secs("1h"), Ok(3600.0));
        assert_eq!(parse_duration_secs("250ms"), Ok(0.25));
        assert_eq!(parse_duration_secs("42"), Ok(42.0));
        assert!(parse_duration_secs("ten").is_err());
        assert!(parse_duration_secs("5y").unwrap_err().contains("unknown unit"));
        assert!(parse_duration_secs("-3s").is_err());
    }

    #[test]
    fn speeds_parse_as_factors_or_max() {
        assert!(matches!(parse_speed("max"), Ok(Speed::AsFastAsPossible)));
        assert!(matches!(parse_speed("MAX"), Ok(Speed::AsFastAsPossible)));
        assert!(matches!(parse_speed("10"), Ok(Speed::Times(f)) if f == 10.0));
        assert!(matches!(parse_speed("0.5x"), Ok(Speed::Times(f)) if f == 0.5));
        assert!(parse_speed("5000").is_err());
        assert!(parse_speed("fast").is_err());
    }
}
