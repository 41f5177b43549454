//! `cloud-sandbox`: without arguments opens the window; `open FILE` opens a file in it; `run` and
//! `check` work headless.

use clap::Parser;
use cloud_sandbox::cli::{Cli, Command, EXIT_UNREADABLE, run_command};
use cloud_sandbox::sim::clock::Speed;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_UNREADABLE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        None => window(None, false, None, None),
        Some(Command::Open { file, play, speed, compare }) if cfg!(feature = "gui") => {
            window(Some(file), play, speed, compare.as_deref())
        }
        Some(command) => ExitCode::from(run_command(command)),
    }
}

#[cfg(feature = "gui")]
fn window(path: Option<PathBuf>, play: bool, speed: Option<Speed>, compare: Option<&Path>) -> ExitCode {
    match cloud_sandbox::ui::run(path, play, speed, compare) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: could not open the window: {e}");
            eprintln!("(the headless commands still work: cloud-sandbox run FILE, cloud-sandbox check FILE)");
            ExitCode::from(EXIT_UNREADABLE)
        }
    }
}

#[cfg(not(feature = "gui"))]
fn window(_path: Option<PathBuf>, _play: bool, _speed: Option<Speed>, _compare: Option<&Path>) -> ExitCode {
    eprintln!(
        "cloud-sandbox: this build has no window (built without the gui feature). Use \
         `cloud-sandbox run FILE` or `cloud-sandbox check FILE`; see `cloud-sandbox --help`."
    );
    ExitCode::from(EXIT_UNREADABLE)
}
