//! The `mandate` command: wires the command line to the engine.

mod commands;
mod monitoring;
mod requests;

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
    /// Folder of reminder policies (`*.yaml`) besides the built-in default; a plan names one
    /// with `reminder_policy`.
    #[arg(long, global = true, env = "MANDATE_REMINDER_POLICIES")]
    reminder_policies: Option<PathBuf>,
    /// How logs are written to standard error: `text` (coloured only on a terminal) or `json`
    /// (one object a line; lines written while a request is served carry its `request_id`).
    /// Which lines: `RUST_LOG` (default `info,sqlx=warn,sea_orm=warn`).
    #[arg(long, global = true, env = "MANDATE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// The form of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Bring the database schema up to date.
    Migrate,
    /// Load the bundled seed plans (Romanian and Polish) and show their status.
    Demo,
    /// Show every plan with its tasks counted per state, and how many are overdue.
    Status,
    /// Check plan files and print every problem as FILE:LINE:COLUMN: MESSAGE.
    ///
    /// A plan table (.xlsx, .ods, .csv, .docx) is checked with its header file; its problems are
    /// printed as FILE:CELL: MESSAGE.
    Validate {
        /// Plan files (YAML) or plan tables.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The header file of the plan tables (default: TABLE.header.yaml beside each table).
        #[arg(long)]
        header: Option<PathBuf>,
    },
    /// Validate a plan file or plan table, then write it in one transaction (re-import updates
    /// in place).
    Import {
        /// The plan file (YAML) or plan table (.xlsx, .ods, .csv, .docx).
        file: PathBuf,
        /// The header file of a plan table (default: TABLE.header.yaml beside it).
        #[arg(long)]
        header: Option<PathBuf>,
        /// Show what would change and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a plan table (.xlsx, .ods, .csv, .docx) as a plan file, for review.
    ///
    /// The table holds objectives and actions, one action a row, under a header row naming its
    /// columns in Romanian, English or Polish (objective, action, indicators, deadline,
    /// responsible, partners, funding; see docs/plan-tables.md). The plan header and the
    /// institutions cannot come from a table: they are read from a header file, a plan file
    /// with `plan:` and `institutions:` (or `institutions_file:`) and no `objectives:`. The
    /// header file is TABLE.header.yaml beside the table unless --header names another. The
    /// plan is checked before anything is written; problems name the table cell, e.g.
    /// plan.xlsx:Plan!E7.
    Convert {
        /// The plan table.
        table: PathBuf,
        /// The header file (default: TABLE.header.yaml beside the table).
        #[arg(long)]
        header: Option<PathBuf>,
        /// Where to write the plan file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Archive a plan: it stays, with its whole audit trail, and no more reminders are sent for
    /// it (plans are never deleted).
    Archive {
        /// The plan's code.
        code: String,
    },
    /// Turn a deadline wording ("anual", "primul semestru 2021", "II kwartał 2024") into periods,
    /// or read one counted in days ("30 de zile de la înregistrare") and its due date.
    Deadline {
        /// The wording, as a plan writes it.
        wording: String,
        /// The plan's period, START..END (for a wording of dates and periods).
        #[arg(long)]
        plan_period: Option<String>,
        /// When the case's event happened (RFC 3339, e.g. 2024-05-02T10:00:00+03:00), for a
        /// wording counted in days; the holidays are those of the time zone's country.
        #[arg(long)]
        from: Option<String>,
        /// The plan's time zone (IANA name); due dates are end of day there.
        #[arg(long, default_value = "Europe/Bucharest")]
        tz: String,
        /// Cron expression for "periodic" wording.
        #[arg(long)]
        recurrence: Option<String>,
        /// Print JSON: [{"start", "end", "due"}], or {"days", "count", "from", "due_date", "due"}.
        #[arg(long)]
        json: bool,
    },
    /// Write a plan's monitoring report for a period as XLSX, DOCX, HTML or CSV.
    Report(commands::report::ReportArgs),
    /// Serve the GraphQL API (and GraphiQL) over HTTP until Ctrl-C or SIGTERM.
    Serve(commands::serve::ServeArgs),
    /// Run one reminder pass as of an instant (e.g. 2021-06-25T08:00:00+03:00), then send.
    Tick {
        /// The instant, RFC 3339.
        #[arg(long)]
        at: String,
        /// Write the outbox only; send nothing.
        #[arg(long)]
        no_send: bool,
        #[command(flatten)]
        mail: commands::mail::MailArgs,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: commands::accounts::UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: commands::accounts::TokenCommand,
    },
    /// Register cases in a register of cases (petitions) and route them to departments.
    Case {
        #[command(subcommand)]
        command: commands::cases::CaseCommand,
    },
    /// Check the audit trail.
    Audit {
        #[command(subcommand)]
        command: commands::audit::AuditCommand,
    },
    /// Measure the engine's throughput and latency.
    Bench {
        #[command(subcommand)]
        target: commands::bench::Target,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs(cli.log_format);
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
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// Logs to standard error in `format`, the lines `RUST_LOG` asks for.
fn init_logs(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        LogFormat::Json => logs.json().init(),
    }
}

/// An error and its causes on one line: messages from drivers and parsers may span several,
/// and a cause its wrapper already quotes (`Connection Error: X` caused by `X`) is said once.
fn one_line(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() && !parts.last().is_some_and(|last| last.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = commands::Config {
        database: cli.database,
        lifecycles: cli.lifecycles,
        reminder_policies: cli.reminder_policies,
    };
    match cli.command {
        Command::Migrate => commands::migrate(&config).await,
        Command::Demo => commands::demo::run(&config).await,
        Command::Status => commands::status::run(&config).await,
        Command::Validate { files, header } => {
            commands::plans::validate(&config, &files, header.as_deref())
        }
        Command::Import {
            file,
            header,
            dry_run,
        } => commands::plans::import(&config, &file, header.as_deref(), dry_run).await,
        Command::Convert {
            table,
            header,
            output,
        } => commands::plans::convert(&config, &table, header.as_deref(), output.as_deref()),
        Command::Archive { code } => commands::plans::archive(&config, &code).await,
        Command::Deadline {
            wording,
            plan_period,
            from,
            tz,
            recurrence,
            json,
        } => commands::plans::deadline(
            &wording,
            commands::plans::Against {
                plan_period: plan_period.as_deref(),
                from: from.as_deref(),
            },
            &tz,
            recurrence.as_deref(),
            json,
        ),
        Command::Serve(args) => commands::serve::run(&config, args).await,
        Command::Report(args) => commands::report::run(&config, args).await,
        Command::Tick { at, no_send, mail } => {
            commands::mail::tick(&config, &at, !no_send, &mail).await
        }
        Command::User { command } => commands::accounts::user(&config, command).await,
        Command::Token { command } => commands::accounts::token(&config, command).await,
        Command::Case { command } => commands::cases::run(&config, command).await,
        Command::Audit { command } => commands::audit::run(&config, command).await,
        Command::Bench { target } => commands::bench::run(&config, target).await,
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn errors_are_one_line_and_causes_said_once() {
        let cause = std::io::Error::other("unable to open\ndatabase file");
        let wrapped = anyhow::Error::new(cause)
            .context("Connection Error: unable to open database file")
            .context("cannot open database sqlite://x.db");
        assert_eq!(
            one_line(&wrapped),
            "cannot open database sqlite://x.db: Connection Error: unable to open database file"
        );
    }
}
