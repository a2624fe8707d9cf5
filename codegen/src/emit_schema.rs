//! Emits `src/schema.rs`: the static tables the runtime codecs walk.

use std::fmt::Write;

use serde_json::Value as Json;

use crate::ir::{protocol_variant, Member, Service, Shape};

pub fn emit(svc: &Service) -> String {
    let mut out = String::new();
    out.push_str(crate::HEADER);
    out.push_str("//! The service's schema tables.\n\n");
    out.push_str("use ferrostack_runtime::schema::*;\n\n");
    emit_service(&mut out, svc);
    let _ = writeln!(out, "static SHAPES: [Shape; {}] = [", svc.shapes.len());
    for (i, shape) in svc.shapes.iter().enumerate() {
        let _ = writeln!(out, "// {i}");
        emit_shape(&mut out, svc, shape);
    }
    out.push_str("];\n\n");
    let _ = writeln!(out, "static OPERATIONS: [Operation; {}] = [", svc.operations.len());
    for op in &svc.operations {
        let errors: Vec<String> = op.errors.iter().map(u32::to_string).collect();
        let http = match op.def.traits.get("smithy.api#http") {
            Some(h) => format!(
                "Some(HttpTrait {{ method: {:?}, uri: {:?}, code: {} }})",
                h.get("method").and_then(Json::as_str).unwrap_or("POST"),
                h.get("uri").and_then(Json::as_str).unwrap_or("/"),
                h.get("code").and_then(Json::as_u64).unwrap_or(200)
            ),
            None => "None".into(),
        };
        let _ = writeln!(
            out,
            "Operation {{ name: {:?}, input: {}, output: {}, errors: &[{}], http: {http}, unit_input: {}, unit_output: {} }},",
            op.name,
            op.input,
            op.output,
            errors.join(", "),
            op.unit_input,
            op.unit_output
        );
    }
    out.push_str("];\n");
    out
}

fn emit_service(out: &mut String, svc: &Service) {
    let e = &svc.entry;
    let protocols: Vec<String> = e
        .protocols
        .iter()
        .map(|p| format!("Protocol::{}", protocol_variant(p).expect("checked by manifest")))
        .collect();
    let xml_namespace = e.xml_namespace.clone().or_else(|| {
        svc.service_trait("smithy.api#xmlNamespace")
            .and_then(|n| n.get("uri"))
            .and_then(Json::as_str)
            .map(str::to_owned)
    });
    let no_wrapping = svc
        .service_trait("aws.protocols#restXml")
        .and_then(|t| t.get("noErrorWrapping"))
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let _ = writeln!(
        out,
        "pub static SCHEMA: Schema = Schema {{\n    service: ServiceInfo {{\n        name: {:?},\n        shape_name: {:?},\n        namespace: {:?},\n        version: {:?},\n        signing_name: {:?},\n        target_prefix: {:?},\n        protocols: &[{}],\n        query_compatible: {},\n        xml_namespace: {:?},\n        xml_no_error_wrapping: {},\n        validation: ValidationStyle::{},\n        validation_code: {:?},\n    }},\n    shapes: &SHAPES,\n    operations: &OPERATIONS,\n    derived: Derived::new(),\n}};\n",
        e.name,
        svc.shape_name(),
        svc.namespace(),
        svc.version,
        e.signing_name,
        e.target_prefix.clone().unwrap_or_else(|| svc.shape_name().to_owned()),
        protocols.join(", "),
        e.query_compatible.unwrap_or_else(|| svc.service_trait("aws.protocols#awsQueryCompatible").is_some()),
        xml_namespace,
        no_wrapping,
        match (svc.smithy_validation, e.open_enums) {
            (true, _) => "SmithyFramework",
            (false, true) => "AwsOpenEnums",
            (false, false) => "Aws",
        },
        e.validation_code,
    );
}

fn emit_shape(out: &mut String, svc: &Service, shape: &Shape) {
    let def = &shape.def;
    let kind = match def.kind.as_str() {
        "blob" => format!(
            "ShapeKind::Blob {{ streaming: {}, media_type: {:?} }}",
            def.has_trait("smithy.api#streaming"),
            def.trait_str("smithy.api#mediaType")
        ),
        "boolean" => "ShapeKind::Boolean".into(),
        "string" if shape.is_enum() => enum_kind(shape),
        "string" => format!("ShapeKind::String {{ media_type: {:?} }}", def.trait_str("smithy.api#mediaType")),
        "enum" => enum_kind(shape),
        "intEnum" => {
            let values: Vec<String> = shape.int_enum_values().iter().map(|(n, v)| format!("({n:?}, {v})")).collect();
            format!("ShapeKind::IntEnum(&[{}])", values.join(", "))
        }
        "byte" => "ShapeKind::Byte".into(),
        "short" => "ShapeKind::Short".into(),
        "integer" => "ShapeKind::Integer".into(),
        "long" => "ShapeKind::Long".into(),
        "float" => "ShapeKind::Float".into(),
        "double" => "ShapeKind::Double".into(),
        "bigInteger" => "ShapeKind::BigInteger".into(),
        "bigDecimal" => "ShapeKind::BigDecimal".into(),
        "timestamp" => "ShapeKind::Timestamp".into(),
        "document" => "ShapeKind::Document".into(),
        "list" | "set" => format!(
            "ShapeKind::List {{ member: &{}, sparse: {} }}",
            member_expr(svc, &shape.members[0]),
            def.has_trait("smithy.api#sparse")
        ),
        "map" => format!(
            "ShapeKind::Map {{ key: &{}, value: &{}, sparse: {} }}",
            member_expr(svc, &shape.members[0]),
            member_expr(svc, &shape.members[1]),
            def.has_trait("smithy.api#sparse")
        ),
        "structure" | "union" => {
            let members: Vec<String> = shape.members.iter().map(|m| member_expr(svc, m)).collect();
            let variant = if def.kind == "union" { "Union" } else { "Structure" };
            format!("ShapeKind::{variant} {{ members: &[{}] }}", members.join(",\n"))
        }
        other => panic!("unsupported shape type {other} ({})", shape.id),
    };
    let mut fields = vec![format!("name: {:?}", shape.name), format!("kind: {kind}")];
    if let Some(n) = def.trait_str("smithy.api#xmlName") {
        fields.push(format!("xml_name: Some({n:?})"));
    }
    if let Some(ns) = def.traits.get("smithy.api#xmlNamespace") {
        fields.push(format!("xml_namespace: Some({})", xml_namespace(ns)));
    }
    if let Some(fault) = def.trait_str("smithy.api#error") {
        let server = fault == "server";
        let status =
            def.traits.get("smithy.api#httpError").and_then(Json::as_u64).unwrap_or(if server { 500 } else { 400 });
        let query = def.traits.get("aws.protocols#awsQueryError");
        let query_code = query.and_then(|q| q.get("code")).and_then(Json::as_str);
        let query_status = query.and_then(|q| q.get("httpResponseCode")).and_then(Json::as_u64);
        fields.push(format!(
            "error: Some(ErrorInfo {{ fault: Fault::{}, http_status: {status}, query_code: {query_code:?}, query_status: {query_status:?} }})",
            if server { "Server" } else { "Client" }
        ));
    }
    let internal: Vec<String> = shape
        .def
        .members
        .0
        .iter()
        .filter(|(_, m)| m.traits.contains_key("smithy.api#internal"))
        .filter_map(|(_, m)| m.traits.get("smithy.api#enumValue").and_then(Json::as_str))
        .map(|v| format!("{v:?}"))
        .collect();
    // Smithy 1.0 `@enum` strings mark theirs with the `internal` tag.
    let mut internal = internal;
    if let Some(list) = def.traits.get("smithy.api#enum").and_then(Json::as_array) {
        for e in list {
            let tagged = e.get("tags").and_then(Json::as_array).is_some_and(|t| t.iter().any(|t| t == "internal"));
            if let (true, Some(v)) = (tagged, e.get("value").and_then(Json::as_str)) {
                internal.push(format!("{v:?}"));
            }
        }
    }
    if !internal.is_empty() {
        fields.push(format!("internal_values: &[{}]", internal.join(", ")));
    }
    if fields.len() < 6 {
        fields.push("..Shape::DEFAULT".into());
    }
    let _ = writeln!(out, "Shape {{ {} }},", fields.join(", "));
}

fn enum_kind(shape: &Shape) -> String {
    let values: Vec<String> = shape.enum_values().iter().map(|(n, v)| format!("({n:?}, {v:?})")).collect();
    format!("ShapeKind::Enum(&[{}])", values.join(", "))
}

fn xml_namespace(ns: &Json) -> String {
    format!(
        "XmlNamespace {{ uri: {:?}, prefix: {:?} }}",
        ns.get("uri").and_then(Json::as_str).unwrap_or(""),
        ns.get("prefix").and_then(Json::as_str)
    )
}

fn member_expr(svc: &Service, m: &Member) -> String {
    let mut fields = vec![format!("name: {:?}", m.name), format!("target: {}", m.target)];
    let s = |name: &str| m.get(name).and_then(Json::as_str);
    if let Some(n) = s("smithy.api#jsonName") {
        // The runtime writes member keys as they are, without escaping.
        assert!(
            !n.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20),
            "{}: a jsonName that JSON would need escaped: {n:?}",
            m.name
        );
        fields.push(format!("json_name: Some({n:?})"));
    }
    if let Some(n) = s("smithy.api#xmlName") {
        fields.push(format!("xml_name: Some({n:?})"));
    }
    if m.has("smithy.api#xmlAttribute") {
        fields.push("xml_attribute: true".into());
    }
    if m.has("smithy.api#xmlFlattened") {
        fields.push("xml_flattened: true".into());
    }
    if let Some(ns) = m.get("smithy.api#xmlNamespace") {
        fields.push(format!("xml_namespace: Some({})", xml_namespace(ns)));
    }
    if let Some(f) = s("smithy.api#timestampFormat") {
        let variant = match f {
            "date-time" => "DateTime",
            "http-date" => "HttpDate",
            _ => "EpochSeconds",
        };
        fields.push(format!("timestamp_format: Some(TimestampFormat::{variant})"));
    }
    if let Some(binding) = http_binding(m) {
        fields.push(format!("http: {binding}"));
    }
    if m.is_required() {
        fields.push("required: true".into());
    }
    if let Some(d) = m.default_value() {
        fields.push(format!("default: Some(&{})", default_value(svc, m, d)));
    }
    if m.has("smithy.api#idempotencyToken") {
        fields.push("idempotency_token: true".into());
    }
    if let Some(c) = constraints(m) {
        fields.push(format!("constraints: Some(&{c})"));
    }
    fields.push("..Member::DEFAULT".into());
    format!("Member {{ {} }}", fields.join(", "))
}

fn http_binding(m: &Member) -> Option<String> {
    let s = |name: &str| m.get(name).and_then(Json::as_str);
    Some(if m.has("smithy.api#httpLabel") {
        "HttpBinding::Label".into()
    } else if let Some(q) = s("smithy.api#httpQuery") {
        format!("HttpBinding::Query({q:?})")
    } else if m.has("smithy.api#httpQueryParams") {
        "HttpBinding::QueryParams".into()
    } else if let Some(h) = s("smithy.api#httpHeader") {
        format!("HttpBinding::Header({h:?})")
    } else if let Some(p) = s("smithy.api#httpPrefixHeaders") {
        format!("HttpBinding::PrefixHeaders({p:?})")
    } else if m.has("smithy.api#httpPayload") {
        "HttpBinding::Payload".into()
    } else if m.has("smithy.api#httpResponseCode") {
        "HttpBinding::ResponseCode".into()
    } else {
        return None;
    })
}

fn default_value(svc: &Service, m: &Member, d: &Json) -> String {
    let target = svc.shape(m.target);
    match d {
        Json::Bool(b) => format!("DefaultValue::Bool({b})"),
        Json::Number(n) => match target.kind() {
            "float" | "double" | "bigDecimal" => format!("DefaultValue::Float({:?})", n.as_f64().unwrap_or(0.0)),
            "timestamp" => format!("DefaultValue::Float({:?})", n.as_f64().unwrap_or(0.0)),
            _ => format!("DefaultValue::Int({})", n.as_i64().unwrap_or(0)),
        },
        Json::String(s) => format!("DefaultValue::Str({s:?})"),
        Json::Array(_) => "DefaultValue::EmptyList".into(),
        Json::Object(_) if target.kind() == "document" => "DefaultValue::EmptyDocument".into(),
        Json::Object(_) => "DefaultValue::EmptyMap".into(),
        Json::Null => unreachable!("filtered by default_value()"),
    }
}

fn constraints(m: &Member) -> Option<String> {
    let bound = |v: Option<&Json>, key: &str| v.and_then(|v| v.get(key)).and_then(Json::as_f64);
    let mut fields = Vec::new();
    if let Some(l) = m.get("smithy.api#length") {
        let b = |k: &str| l.get(k).and_then(Json::as_u64).map(|v| format!("Some({v})")).unwrap_or("None".into());
        fields.push(format!("length: Some(({}, {}))", b("min"), b("max")));
    }
    if let Some(r) = m.get("smithy.api#range") {
        let b = |k: &str| bound(Some(r), k).map(|v| format!("Some({v:?})")).unwrap_or("None".into());
        fields.push(format!("range: Some(({}, {}))", b("min"), b("max")));
    }
    if let Some(p) = m.get("smithy.api#pattern").and_then(Json::as_str) {
        fields.push(format!("pattern: Some({p:?})"));
    }
    if m.has("smithy.api#uniqueItems") {
        fields.push("unique_items: true".into());
    }
    if fields.is_empty() {
        return None;
    }
    if fields.len() < 4 {
        fields.push("..Constraints::NONE".into());
    }
    Some(format!("Constraints {{ {} }}", fields.join(", ")))
}
