//! The `plumbline` binary: parse arguments, run, print errors.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = plumbline::cli::Cli::parse();
    match plumbline::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("plumbline: {error:#}");
            ExitCode::FAILURE
        }
    }
}
