//! A `mandate serve` run in the background by a test, as an operator runs it: its address read
//! from the `listening on …` line, stopped by SIGTERM (a clean exit) or SIGKILL (a crash).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A running `serve`; its stdout read line by line, its stderr collected. Killed if dropped
/// while running, so that a failed test leaves no server behind.
pub struct Server {
    child: Child,
    lines: Option<std::io::Lines<BufReader<ChildStdout>>>,
    stderr: Option<JoinHandle<String>>,
}

impl Server {
    /// Spawns `command` (a `mandate serve …`).
    pub fn start(mut command: Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve started");
        let mut err = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            err.read_to_string(&mut text).ok();
            text
        });
        let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        Self {
            child,
            lines: Some(lines),
            stderr: Some(stderr),
        }
    }

    /// The lines printed up to `listening on …`, and the address in that line. What it prints
    /// later is read and dropped, so that it never blocks on a full pipe.
    pub fn started(&mut self) -> (Vec<String>, String) {
        let mut lines = self.lines.take().expect("not asked twice");
        let mut seen = Vec::new();
        loop {
            let line = match lines.next() {
                Some(line) => line.expect("line"),
                None => panic!("serve ended before listening:\n{}", seen.join("\n")),
            };
            if let Some(rest) = line.strip_prefix("listening on http://") {
                let address = rest.split('/').next().expect("address").to_owned();
                std::thread::spawn(move || lines.for_each(drop));
                return (seen, address);
            }
            seen.push(line);
        }
    }

    /// SIGTERM, then the exit (clean, within 45 s: the request time limit and a margin) and what went to stderr.
    pub fn stop(mut self) -> String {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("serve's status") {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(45),
                "serve still runs 45 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = self.stderr();
        assert!(status.success(), "serve exits cleanly: {status}\n{stderr}");
        stderr
    }

    /// SIGKILL: the process dies at once, wherever it was; returns what went to stderr.
    pub fn kill(mut self) -> String {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("serve killed");
        self.stderr()
    }

    fn stderr(&mut self) -> String {
        self.stderr
            .take()
            .map(|reader| reader.join().expect("stderr"))
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.stderr.is_some() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}
