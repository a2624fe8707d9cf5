//! `generated/` must be exactly what the generator makes of the models.

use std::path::PathBuf;

#[test]
fn generated_crates_match_the_models() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let Some(models) = codegen::find_models(&workspace) else {
        eprintln!("skipped: no Smithy models (run models/fetch.sh)");
        return;
    };
    let mut files = codegen::generate(&workspace, &models).expect("generation succeeds");
    codegen::protocol_tests::generate(&workspace, &mut files).expect("protocol test generation succeeds");
    let stale = codegen::diff(&workspace, &files, &PathBuf::from("generated"));
    assert!(stale.is_empty(), "generated/ is stale, run `cargo run -p codegen`: {stale:#?}");
}

#[test]
fn generation_is_deterministic() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let Some(models) = codegen::find_models(&workspace) else {
        return;
    };
    let a = codegen::generate(&workspace, &models).expect("generation succeeds");
    let b = codegen::generate(&workspace, &models).expect("generation succeeds");
    assert!(a == b, "two runs of the generator differ");
}
