//! `cloud-sandbox`: without arguments opens the window; `run` and `check` work headless.

use clap::Parser;
use cloud_sandbox::cli::{Cli, EXIT_UNREADABLE, run_command};
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
    if let Some(command) = cli.command {
        ExitCode::from(run_command(command))
    } else {
        eprintln!(
            "cloud-sandbox: the window is not built yet. Use `cloud-sandbox run FILE` or \
             `cloud-sandbox check FILE`; see `cloud-sandbox --help`."
        );
        ExitCode::from(EXIT_UNREADABLE)
    }
}
