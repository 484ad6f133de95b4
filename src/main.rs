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

/// The output went to a pipe whose reader has gone (`plumbline check | head -1`): nothing is
/// wrong, there is just no one left to tell.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    let cli = plumbline::commands::cli::Cli::parse();
    match plumbline::commands::cli::run(cli) {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("plumbline: {}", describe(&error));
            ExitCode::FAILURE
        }
    }
}
