//! `cargo run -p codegen -- [MODELS_DIR] [--check]`
//!
//! Regenerates `generated/` from the manifest and the models (default: `models/aws/`,
//! then `../shared/models`). With `--check`, writes nothing and fails if `generated/`
//! differs from what the models and this generator produce.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let models = match args.iter().find(|a| !a.starts_with("--")) {
        Some(dir) => PathBuf::from(dir),
        None => match codegen::find_models(&workspace) {
            Some(dir) => dir,
            None => {
                eprintln!("no models found: run models/fetch.sh or pass the model folder");
                return ExitCode::FAILURE;
            }
        },
    };
    let started = std::time::Instant::now();
    let mut files = match codegen::generate(&workspace, &models) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("codegen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let generated = PathBuf::from("generated");
    if let Err(e) = codegen::protocol_tests::generate(&workspace, &mut files) {
        eprintln!("codegen: protocol tests: {e}");
        return ExitCode::FAILURE;
    }
    if check {
        let stale = codegen::diff(&workspace, &files, &generated);
        if stale.is_empty() {
            println!("generated/ is up to date ({} files)", files.len());
            return ExitCode::SUCCESS;
        }
        for p in &stale {
            eprintln!("differs: {}", p.display());
        }
        eprintln!("generated/ is stale: run `cargo run -p codegen`");
        return ExitCode::FAILURE;
    }
    if let Err(e) = codegen::write(&workspace, &files, &generated) {
        eprintln!("codegen: writing: {e}");
        return ExitCode::FAILURE;
    }
    println!("generated {} files in {:.1?}", files.len(), started.elapsed());
    ExitCode::SUCCESS
}
