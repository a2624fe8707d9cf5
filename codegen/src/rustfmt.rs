//! Formatting with the toolchain's rustfmt, so generated code is rustfmt-clean and its
//! layout never depends on the generator's string building.

use std::io::Write;
use std::process::{Command, Stdio};

/// The workspace's rustfmt settings, passed explicitly so the result does not depend on
/// the directory the generator runs in.
const CONFIG: &str = "edition=2021,max_width=120,use_small_heuristics=Max";

pub fn format(source: &str) -> Result<String, String> {
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into());
    let mut child = Command::new(rustfmt)
        .args(["--emit", "stdout", "--quiet", "--config", CONFIG])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    writer.join().map_err(|_| "rustfmt writer panicked".to_string())?.map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("rustfmt failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}
