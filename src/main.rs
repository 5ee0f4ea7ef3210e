use std::process::ExitCode;

use clap::Parser;

use fudao::cli::{self, Cli};
use fudao::config::Settings;
use fudao::telemetry;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log);
    match cli::run(cli, settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(code = error.code(), cause = ?error, "command failed");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
