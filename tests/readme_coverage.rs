//! The README's coverage table is the one `cargo run --bin coverage` prints.
//! `FERROSTACK_UPDATE_README=1 cargo test --test readme_coverage` rewrites it.

use std::path::Path;
use std::process::Command;

const START: &str = "<!-- coverage:start -->\n";
const END: &str = "<!-- coverage:end -->";

#[test]
fn readme_coverage_table_is_current() {
    let output = Command::new(env!("CARGO_BIN_EXE_coverage")).output().expect("coverage runs");
    assert!(output.status.success(), "coverage failed: {}", String::from_utf8_lossy(&output.stderr));
    let table = String::from_utf8(output.stdout).expect("utf-8 table");

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme.find(START).expect("coverage start marker") + START.len();
    let end = readme.find(END).expect("coverage end marker");
    if readme[start..end] == table {
        return;
    }
    if std::env::var("FERROSTACK_UPDATE_README").as_deref() == Ok("1") {
        let updated = format!("{}{}{}", &readme[..start], table, &readme[end..]);
        std::fs::write(&path, updated).expect("writing README.md");
        return;
    }
    panic!(
        "README coverage table is stale; run `FERROSTACK_UPDATE_README=1 cargo test --test readme_coverage`.\nExpected:\n{table}"
    );
}
