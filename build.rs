//! Keeps `generated/` honest: when the Smithy models are present (`models/aws/` or
//! `../shared/models`), the build regenerates every service crate in memory and fails if
//! the committed files differ. `FERROSTACK_REGENERATE=1 cargo build` rewrites them
//! instead (build once more afterwards: crates compiled before the rewrite are stale).
//! A fresh clone without models builds from what is committed.

use std::path::PathBuf;

fn main() {
    // A position-dependent executable: the loader then has no relocations to apply to the
    // schema tables at start-up (84k of them), which halves startup time and idle RSS.
    // Not for musl: rustc links its static binaries with start files of its own choosing
    // (a static PIE's, unless `.cargo/config.toml` asks for the static relocation model),
    // and `-no-pie` on top of a static PIE's start files gives a binary that crashes at
    // its first instruction.
    if std::env::var("CARGO_CFG_TARGET_ENV").as_deref() != Ok("musl") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }

    let workspace = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    // Only paths that exist: cargo counts a missing one as changed, which would rerun this
    // check (and rebuild the crate) on every build. `models` covers the manifest and the
    // `models/aws` folder the fetch script may create later; a `../shared` that appears
    // after the first build is noticed on the next change to the generator or generated/.
    for path in ["codegen/src", "models", "generated", "../shared/models", "../shared/protocol-tests"] {
        if workspace.join(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-env-changed=FERROSTACK_REGENERATE");

    let Some(models) = codegen::find_models(&workspace) else {
        println!("cargo:warning=no Smithy models found; building from the committed generated/");
        return;
    };
    let mut files = match codegen::generate(&workspace, &models) {
        Ok(files) => files,
        Err(e) => {
            // Without rustfmt (or another tool) the check cannot run; the committed
            // crates still build.
            println!("cargo:warning=cannot check generated/: {e}");
            return;
        }
    };
    if let Err(e) = codegen::protocol_tests::generate(&workspace, &mut files) {
        println!("cargo:warning=cannot check the protocol test crates: {e}");
        return;
    }
    let generated = PathBuf::from("generated");
    let stale = codegen::diff(&workspace, &files, &generated);
    if stale.is_empty() {
        return;
    }
    if std::env::var("FERROSTACK_REGENERATE").as_deref() == Ok("1") {
        codegen::write(&workspace, &files, &generated).expect("writing generated/");
        println!("cargo:warning=regenerated {} files under generated/; build again", stale.len());
        return;
    }
    let list: Vec<String> = stale.iter().take(10).map(|p| p.display().to_string()).collect();
    panic!(
        "generated/ does not match the models and the generator ({} files differ, e.g. {}).\n\
         Run `cargo run -p codegen` (or build with FERROSTACK_REGENERATE=1) and commit the result.",
        stale.len(),
        list.join(", ")
    );
}
