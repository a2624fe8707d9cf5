//! Protocol test services: the Smithy conformance models in
//! `../shared/protocol-tests/smithy/` become crates `generated/protocol-test-<service>/`,
//! built by the same emitters as the real services, plus one Rust test per server-side
//! case (`tests/cases.rs`) that runs it through `protocol-test-harness`.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use heck::{ToKebabCase, ToSnakeCase};
use serde_json::Value as Json;

use crate::ir::{self, Service};
use crate::model::{local_name, Model};
use crate::Files;

/// The protocol files served by ferrostack and their protocol trait.
const PROTOCOLS: &[(&str, &str, &str)] = &[
    ("awsJson1_0.json", "awsJson1_0", "aws.protocols#awsJson1_0"),
    ("awsJson1_1.json", "awsJson1_1", "aws.protocols#awsJson1_1"),
    ("restJson1.json", "restJson1", "aws.protocols#restJson1"),
    ("restXml.json", "restXml", "aws.protocols#restXml"),
    ("awsQuery.json", "awsQuery", "aws.protocols#awsQuery"),
    ("rpcv2Cbor.json", "rpcv2Cbor", "smithy.protocols#rpcv2Cbor"),
];

const CASE_TRAITS: &[(&str, &str)] = &[
    ("smithy.test#httpRequestTests", "request"),
    ("smithy.test#httpResponseTests", "response"),
    ("smithy.test#httpMalformedRequestTests", "malformed"),
];

/// Where the protocol test models are, if present.
pub fn find_tests(workspace: &Path) -> Option<PathBuf> {
    let dir = workspace.join("../shared/protocol-tests/smithy");
    dir.join("awsJson1_0.json").is_file().then_some(dir)
}

pub fn generate(workspace: &Path, files: &mut Files) -> Result<(), String> {
    let Some(dir) = find_tests(workspace) else { return Ok(()) };
    for (file, protocol, protocol_trait) in PROTOCOLS {
        let model = Model::load(&dir.join(file))?;
        for service_id in model.services() {
            let def = model.get(service_id).expect("listed");
            if !def.has_trait(protocol_trait) {
                continue;
            }
            let signing = def
                .traits
                .get("aws.auth#sigv4")
                .and_then(|s| s.get("name"))
                .and_then(Json::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| local_name(service_id).to_snake_case());
            let name = format!("protocol-test-{}", local_name(service_id).to_kebab_case());
            let entry = crate::entry_for(&name, vec![protocol.to_string()], &signing);
            let svc = Service::build(&model, service_id, entry)?;
            let crate_dir = PathBuf::from("generated").join(&name);
            crate::emit_crate(files, &crate_dir, &svc, "../../codegen/runtime")?;
            // Test crates also need the harness and a shape-by-shape round trip through
            // the typed structs.
            let cargo = crate_dir.join("Cargo.toml");
            let toml = files.remove(&cargo).expect("emitted");
            files.insert(
                cargo,
                format!("{toml}\n[dev-dependencies]\nprotocol-test-harness = {{ path = \"../../codegen/protocol-test-harness\" }}\n"),
            );
            let lib = crate_dir.join("src/lib.rs");
            let lib_text = files.remove(&lib).expect("emitted");
            files.insert(lib, crate::rustfmt::format(&format!("{lib_text}\n{}", roundtrip_fn(&svc)))?);
            let cases = emit_cases(&model, &svc, protocol_trait)?;
            files.insert(crate_dir.join("tests/cases.rs"), crate::rustfmt::format(&cases)?);
        }
    }
    Ok(())
}

/// `roundtrip(shape, value)`: moves a value through the shape's Rust type and back, so
/// the tests exercise the generated conversions as well as the codecs.
fn roundtrip_fn(svc: &Service) -> String {
    let mut arms = String::new();
    for (i, shape) in svc.shapes.iter().enumerate() {
        if matches!(shape.kind(), "structure" | "union") && !shape.is_unit() {
            let _ = writeln!(
                arms,
                "        {i} => types::{}::from_value(value).map(IntoValue::into_value),",
                ir::type_name(&shape.name)
            );
        }
    }
    let mut out = String::from(
        "/// Moves `value` through the Rust type of `shape` and back.\npub fn roundtrip(shape: u32, value: ferrostack_runtime::Value) -> Result<ferrostack_runtime::Value, ferrostack_runtime::ConvertError> {\n",
    );
    if arms.is_empty() {
        // Without structures there is nothing to convert: no match on the shape, and no
        // imports (they would warn).
        out.push_str("    let _ = shape;\n    Ok(value)\n}\n");
    } else {
        out.push_str("    use ferrostack_runtime::{FromValue, IntoValue};\n");
        out.push_str("    match shape {\n");
        out.push_str(&arms);
        out.push_str("        _ => Ok(value),\n    }\n}\n");
    }
    out
}

struct Case {
    kind: &'static str,
    id: String,
    operation: String,
    error: Option<String>,
    json: Json,
}

fn emit_cases(model: &Model, svc: &Service, protocol_trait: &str) -> Result<String, String> {
    let mut cases = Vec::new();
    // Cases on operations.
    for op in &svc.operations {
        collect(&op.def.traits, &op.name, None, protocol_trait, &mut cases);
    }
    // Response cases on error structures, run against the first operation raising them.
    let mut seen = BTreeSet::new();
    for op in &svc.operations {
        for &e in &op.errors {
            let shape = svc.shape(e);
            if seen.insert(shape.id.clone()) {
                let def = model.get(&shape.id).expect("in closure");
                collect(&def.traits, &op.name, Some(shape.name.clone()), protocol_trait, &mut cases);
            }
        }
    }
    let mut out = String::from(crate::HEADER);
    let _ = writeln!(
        out,
        "//! Smithy's server-side protocol test cases for `{}`.\n\nuse protocol_test_harness::{{run, Kind}};\n",
        svc.id
    );
    let mut names = BTreeSet::new();
    for case in cases {
        let base = format!("{}_{}", case.kind, case.id.to_snake_case());
        let mut expanded = expand(&case.json);
        if case.kind == "malformed" {
            expanded.iter_mut().for_each(unescape_dollars);
        }
        for (i, json) in expanded.iter().enumerate() {
            let mut name = if expanded.len() > 1 { format!("{base}_{i}") } else { base.clone() };
            while !names.insert(name.clone()) {
                name.push('_');
            }
            let kind = match case.kind {
                "request" => "Kind::Request",
                "response" => "Kind::Response",
                _ => "Kind::Malformed",
            };
            let error = match &case.error {
                Some(e) => format!("Some({e:?})"),
                None => "None".into(),
            };
            let text = serde_json::to_string(json).map_err(|e| e.to_string())?;
            let _ = writeln!(
                out,
                "#[test]\nfn {name}() {{\n    run(&{crate_name}::SCHEMA, {crate_name}::roundtrip, {kind}, {:?}, {error}, r##\"{text}\"##);\n}}\n",
                case.operation,
                crate_name = crate::emit_service::crate_package(svc).replace('-', "_"),
            );
        }
    }
    Ok(out)
}

fn collect(traits: &crate::model::Traits, op: &str, error: Option<String>, protocol_trait: &str, out: &mut Vec<Case>) {
    for (trait_name, kind) in CASE_TRAITS {
        let Some(list) = traits.get(*trait_name).and_then(Json::as_array) else { continue };
        for case in list {
            if case.get("protocol").and_then(Json::as_str) != Some(protocol_trait) {
                continue;
            }
            if case.get("appliesTo").and_then(Json::as_str) == Some("client") {
                continue;
            }
            let mut json = case.clone();
            if let Some(obj) = json.as_object_mut() {
                obj.remove("documentation");
            }
            out.push(Case {
                kind,
                id: case.get("id").and_then(Json::as_str).unwrap_or("unnamed").to_owned(),
                operation: op.to_owned(),
                error: error.clone(),
                json,
            });
        }
    }
}

/// Malformed cases with `testParameters` stand for one concrete case per index: in their
/// strings, `$name:L` becomes the parameter's value at that index and `$name:S` the same
/// value as a quoted string.
fn expand(case: &Json) -> Vec<Json> {
    let Some(params) = case.get("testParameters").and_then(Json::as_object) else { return vec![case.clone()] };
    let count = params.values().filter_map(Json::as_array).map(Vec::len).max().unwrap_or(0);
    (0..count)
        .map(|i| {
            let mut c = case.clone();
            if let Some(obj) = c.as_object_mut() {
                obj.remove("testParameters");
            }
            substitute(&mut c, params, i);
            c
        })
        .collect()
}

/// Malformed cases escape a literal `$` as `$$` (their patterns end in `$$`).
fn unescape_dollars(v: &mut Json) {
    match v {
        Json::String(s) if s.contains("$$") => *s = s.replace("$$", "$"),
        Json::Array(items) => items.iter_mut().for_each(unescape_dollars),
        Json::Object(map) => map.values_mut().for_each(unescape_dollars),
        _ => {}
    }
}

fn substitute(v: &mut Json, params: &serde_json::Map<String, Json>, i: usize) {
    match v {
        Json::String(s) => {
            for (name, values) in params {
                let value = values.get(i).and_then(Json::as_str).unwrap_or("");
                let literal = format!("${name}:L");
                if s.contains(&literal) {
                    *s = s.replace(&literal, value);
                }
                let quoted = format!("${name}:S");
                if s.contains(&quoted) {
                    *s = s.replace(&quoted, &Json::from(value).to_string());
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|x| substitute(x, params, i)),
        Json::Object(map) => map.values_mut().for_each(|x| substitute(x, params, i)),
        _ => {}
    }
}
