//! `mandate serve` started by a bench as a child process on the bench's database, so that its
//! memory can be read apart from the bench's own.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::commands::Config;

/// `mandate serve` as a child process on a free port.
pub(super) struct Server {
    child: Child,
    pub(super) address: SocketAddr,
}

impl Server {
    pub(super) async fn start(config: &Config) -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("cannot find the mandate executable")?;
        let mut command = Command::new(exe);
        command
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--no-scheduler",
                "--database",
                &config.database,
            ])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        if let Some(dir) = &config.lifecycles {
            command.arg("--lifecycles").arg(dir);
        }
        let mut child = command.spawn().context("cannot start mandate serve")?;
        let stdout = child
            .stdout
            .take()
            .context("no output from mandate serve")?;
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
                .await
                .context("mandate serve did not start within 60 s")??
                .context("mandate serve stopped before listening")?;
            if let Some(rest) = line.strip_prefix("listening on http://") {
                let address = rest.split('/').next().unwrap_or_default();
                break address
                    .parse()
                    .with_context(|| format!("unexpected address in `{line}`"))?;
            }
        };
        Ok(Self { child, address })
    }

    /// The child's peak resident set in KiB, where the system tells.
    pub(super) fn peak_memory_kib(&self) -> Option<u64> {
        super::peak_memory_kib(Some(self.child.id()?))
    }

    pub(super) async fn stop(&mut self) {
        self.child.kill().await.ok();
    }
}
