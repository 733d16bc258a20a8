//! The `mandate` command: wires the command line to the engine.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Mandate: a workflow engine for multi-agency action plans.
#[derive(Debug, Parser)]
#[command(name = "mandate", version, about, long_about = None)]
struct Cli {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = mandate_engine::db::DEFAULT_DATABASE_URL)]
    database: String,
    /// Folder of lifecycle definitions (`*.yaml`) besides the built-in default.
    #[arg(long, global = true, env = "MANDATE_LIFECYCLES")]
    lifecycles: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Bring the database schema up to date.
    Migrate,
    /// Show every plan with its tasks counted per state, and how many are overdue.
    Status,
    /// Measure the engine's throughput and latency.
    Bench {
        #[command(subcommand)]
        target: commands::bench::Target,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = commands::Config {
        database: cli.database,
        lifecycles: cli.lifecycles,
    };
    match cli.command {
        Command::Migrate => commands::migrate(&config).await,
        Command::Status => commands::status::run(&config).await,
        Command::Bench { target } => commands::bench::run(&config, target).await,
    }
}
