//! The `plumbline` binary: parse arguments, run, print errors.

use std::process::ExitCode;

use clap::Parser;

/// The error and its causes, each cause only when the message so far does not already say it.
fn describe(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message = format!("{message}: {cause}");
        }
    }
    message
}

fn main() -> ExitCode {
    let cli = plumbline::commands::cli::Cli::parse();
    match plumbline::commands::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("plumbline: {}", describe(&error));
            ExitCode::FAILURE
        }
    }
}
