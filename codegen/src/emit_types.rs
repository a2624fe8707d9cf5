//! Emits `src/types.rs`: a Rust type per structure, union and enum, with the moves to and
//! from the runtime's value tree.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::Value as Json;

use crate::ir::{type_name, variant_name, Member, Service, Shape};

pub fn emit(svc: &Service) -> String {
    let mut out = String::new();
    out.push_str(crate::HEADER);
    out.push_str("//! The service's shapes as Rust types.\n\n");
    out.push_str("#![allow(clippy::all, non_camel_case_types)]\n\n");
    let mut types = String::new();
    for shape in &svc.shapes {
        if shape.is_unit() {
            continue;
        }
        match shape.kind() {
            "structure" => emit_struct(&mut types, svc, shape),
            "union" => emit_union(&mut types, svc, shape),
            _ if shape.is_enum() => emit_enum(&mut types, shape),
            _ => {}
        }
    }
    // A service without shapes of its own (a protocol test service can be one) has no
    // use for the runtime here, and an unused import is a warning in every build.
    if types.contains("rt::") {
        out.push_str("use ferrostack_runtime as rt;\n\n");
    }
    out.push_str(&types);
    out
}

/// The Rust type holding a value of shape `target`.
pub fn rust_type(svc: &Service, target: u32) -> String {
    let shape = svc.shape(target);
    if shape.is_unit() {
        return "rt::Unit".into();
    }
    if shape.is_enum() {
        return format!("crate::types::{}", type_name(&shape.name));
    }
    let sparse = shape.def.has_trait("smithy.api#sparse");
    let element = |m: &Member| {
        let t = rust_type(svc, m.target);
        if sparse {
            format!("::std::option::Option<{t}>")
        } else {
            t
        }
    };
    match shape.kind() {
        "blob" if shape.def.has_trait("smithy.api#streaming") => "rt::ByteStream".into(),
        "blob" => "rt::Bytes".into(),
        "boolean" => "bool".into(),
        "string" => "::std::string::String".into(),
        "byte" => "i8".into(),
        "short" => "i16".into(),
        "integer" | "intEnum" => "i32".into(),
        "long" => "i64".into(),
        "float" => "f32".into(),
        "double" => "f64".into(),
        "bigInteger" | "bigDecimal" => "rt::BigNumber".into(),
        "timestamp" => "rt::DateTime".into(),
        "document" => "rt::Document".into(),
        "list" | "set" => format!("::std::vec::Vec<{}>", element(&shape.members[0])),
        "map" => format!("rt::IndexMap<::std::string::String, {}>", element(&shape.members[1])),
        "structure" | "union" => format!("crate::types::{}", type_name(&shape.name)),
        other => panic!("no Rust type for {other}"),
    }
}

/// The type of a structure field: optional unless required or defaulted.
fn field_type(svc: &Service, m: &Member) -> String {
    let mut t = rust_type(svc, m.target);
    if m.boxed {
        t = format!("::std::boxed::Box<{t}>");
    }
    if m.is_required() || m.default_value().is_some() {
        t
    } else {
        format!("::std::option::Option<{t}>")
    }
}

fn emit_struct(out: &mut String, svc: &Service, shape: &Shape) {
    let name = type_name(&shape.name);
    let custom_default: Vec<Option<String>> = shape.members.iter().map(|m| default_expr(svc, m)).collect();
    let derive_default = custom_default.iter().all(Option::is_none);
    let derives = if derive_default { "Debug, Clone, PartialEq, Default" } else { "Debug, Clone, PartialEq" };
    let _ = writeln!(out, "#[derive({derives})]\npub struct {name} {{");
    for m in &shape.members {
        let _ = writeln!(out, "    pub {}: {},", m.rust_name, field_type(svc, m));
    }
    out.push_str("}\n\n");

    if !derive_default {
        let _ =
            writeln!(out, "impl ::std::default::Default for {name} {{\n    fn default() -> Self {{\n        Self {{");
        for (m, d) in shape.members.iter().zip(&custom_default) {
            let expr = d.clone().unwrap_or_else(|| "::std::default::Default::default()".into());
            let _ = writeln!(out, "            {}: {expr},", m.rust_name);
        }
        out.push_str("        }\n    }\n}\n\n");
    }

    let _ = writeln!(
        out,
        "impl rt::FromValue for {name} {{\n    fn from_value(value: rt::Value) -> ::std::result::Result<Self, rt::ConvertError> {{"
    );
    if shape.members.is_empty() {
        out.push_str("        let _ = value;\n        Ok(Self::default())\n    }\n}\n\n");
    } else {
        // Each arm calls the runtime's `set`, shared by every member of the same type, and
        // the one `?` after the match is the function's only error exit. An inline
        // conversion and exit per member made these impls the largest part of a crate's
        // LLVM IR; sharing them cut ssm-api's by about another eighth.
        out.push_str("        let mut out = Self::default();\n        for (index, value) in rt::convert::struct_fields(value)? {\n            match index {\n");
        for (i, m) in shape.members.iter().enumerate() {
            let _ = writeln!(out, "                {i} => rt::convert::set(&mut out.{}, value),", m.rust_name);
        }
        out.push_str("                _ => Ok(()),\n            }?;\n        }\n        Ok(out)\n    }\n}\n\n");
    }

    let _ = writeln!(out, "impl rt::IntoValue for {name} {{\n    fn into_value(self) -> rt::Value {{");
    if shape.members.is_empty() {
        out.push_str("        rt::Value::Struct(::std::vec::Vec::new())\n    }\n}\n\n");
    } else {
        let _ = writeln!(out, "        let mut s = rt::StructBuilder::new({});", shape.members.len());
        for (i, m) in shape.members.iter().enumerate() {
            let _ = writeln!(out, "        s.field({i}, self.{});", m.rust_name);
        }
        out.push_str("        s.build()\n    }\n}\n\n");
    }
}

/// A Rust expression for a member's `@default` when `Default::default()` would differ.
fn default_expr(svc: &Service, m: &Member) -> Option<String> {
    let d = m.default_value()?;
    let target = svc.shape(m.target);
    let ty = rust_type(svc, m.target);
    match (d, target.kind()) {
        (Json::Bool(b), "document") => Some(format!("rt::Document::Bool({b})")),
        (Json::Object(_), "document") => Some("rt::Document::Object(::std::default::Default::default())".into()),
        (Json::Array(_), "document") => Some("rt::Document::Array(::std::vec::Vec::new())".into()),
        (Json::Number(n), "document") => Some(format!("rt::Document::from({n})")),
        (Json::String(s), "blob") if !s.is_empty() => {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
            Some(format!("rt::Bytes::from_static(&{bytes:?})"))
        }
        (Json::String(s), "document") => Some(format!("rt::Document::String({s:?}.to_owned())")),
        (Json::Bool(true), _) => Some("true".into()),
        (Json::Number(n), "float" | "double") if n.as_f64() != Some(0.0) => Some(format!("{:?}_{ty}", n.as_f64()?)),
        (Json::Number(n), "byte" | "short" | "integer" | "long" | "intEnum") if n.as_i64() != Some(0) => {
            Some(format!("{}_{ty}", n.as_i64()?))
        }
        (Json::Number(n), "timestamp") if n.as_f64() != Some(0.0) => {
            Some(format!("rt::DateTime::from_f64({:?}).unwrap_or_default()", n.as_f64()?))
        }
        (Json::String(s), _) if target.is_enum() => {
            let first = target.enum_values().first().map(|(_, v)| v.clone());
            (first.as_deref() != Some(s.as_str())).then(|| format!("{ty}::from({s:?})"))
        }
        (Json::String(s), "string") if !s.is_empty() => Some(format!("{s:?}.to_owned()")),
        _ => None,
    }
}

fn emit_union(out: &mut String, svc: &Service, shape: &Shape) {
    let name = type_name(&shape.name);
    let _ = writeln!(out, "#[derive(Debug, Clone, PartialEq, Default)]\npub enum {name} {{");
    for m in &shape.members {
        if svc.shape(m.target).is_unit() {
            let _ = writeln!(out, "    {},", m.rust_name);
        } else {
            let mut t = rust_type(svc, m.target);
            if m.boxed {
                t = format!("::std::boxed::Box<{t}>");
            }
            let _ = writeln!(out, "    {}({t}),", m.rust_name);
        }
    }
    out.push_str("    /// A member this model does not know.\n    #[default]\n    Unknown,\n}\n\n");

    let _ = writeln!(
        out,
        "impl rt::FromValue for {name} {{\n    fn from_value(value: rt::Value) -> ::std::result::Result<Self, rt::ConvertError> {{\n        let Some((index, value)) = rt::convert::struct_fields(value)?.pop() else {{\n            return Ok(Self::Unknown);\n        }};\n        let _ = &value;\n        Ok(match index {{"
    );
    for (i, m) in shape.members.iter().enumerate() {
        if svc.shape(m.target).is_unit() {
            let _ = writeln!(out, "            {i} => Self::{},", m.rust_name);
        } else {
            let _ = writeln!(out, "            {i} => Self::{}(rt::FromValue::from_value(value)?),", m.rust_name);
        }
    }
    out.push_str("            _ => Self::Unknown,\n        })\n    }\n}\n\n");

    let _ = writeln!(out, "impl rt::IntoValue for {name} {{\n    fn into_value(self) -> rt::Value {{\n        let (index, value) = match self {{");
    for (i, m) in shape.members.iter().enumerate() {
        if svc.shape(m.target).is_unit() {
            let _ =
                writeln!(out, "            Self::{} => ({i}, rt::Value::Struct(::std::vec::Vec::new())),", m.rust_name);
        } else {
            let _ = writeln!(out, "            Self::{}(v) => ({i}, rt::IntoValue::into_value(v)),", m.rust_name);
        }
    }
    out.push_str("            Self::Unknown => return rt::Value::Struct(::std::vec::Vec::new()),\n        };\n        rt::Value::Struct(vec![(index, value)])\n    }\n}\n\n");
}

fn emit_enum(out: &mut String, shape: &Shape) {
    let name = type_name(&shape.name);
    let values = shape.enum_values();
    let mut used = BTreeSet::new();
    let variants: Vec<(String, String)> = values.iter().map(|(n, v)| (variant_name(n, &mut used), v.clone())).collect();
    let _ = writeln!(out, "#[derive(Debug, Clone, PartialEq, Eq, Hash)]\npub enum {name} {{");
    for (variant, _) in &variants {
        let _ = writeln!(out, "    {variant},");
    }
    out.push_str("    /// A value this model does not list.\n    Unknown(::std::string::String),\n}\n\n");

    let list: Vec<String> = variants.iter().map(|(_, v)| format!("{v:?}")).collect();
    let _ = writeln!(
        out,
        "impl {name} {{\n    pub const VALUES: &'static [&'static str] = &[{}];\n\n    pub fn as_str(&self) -> &str {{\n        match self {{",
        list.join(", ")
    );
    for (variant, value) in &variants {
        let _ = writeln!(out, "            Self::{variant} => {value:?},");
    }
    out.push_str("            Self::Unknown(s) => s,\n        }\n    }\n}\n\n");

    let _ = writeln!(
        out,
        "impl ::std::convert::From<&str> for {name} {{\n    fn from(s: &str) -> Self {{\n        match s {{"
    );
    for (variant, value) in &variants {
        let _ = writeln!(out, "            {value:?} => Self::{variant},");
    }
    out.push_str("            other => Self::Unknown(other.to_owned()),\n        }\n    }\n}\n\n");

    let first = variants
        .first()
        .map(|(v, _)| format!("Self::{v}"))
        .unwrap_or_else(|| "Self::Unknown(::std::string::String::new())".into());
    let _ = writeln!(
        out,
        "impl ::std::default::Default for {name} {{\n    fn default() -> Self {{\n        {first}\n    }}\n}}\n\n\
         impl ::std::fmt::Display for {name} {{\n    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n\n\
         impl rt::FromValue for {name} {{\n    fn from_value(value: rt::Value) -> ::std::result::Result<Self, rt::ConvertError> {{\n        let s: ::std::string::String = rt::FromValue::from_value(value)?;\n        Ok(Self::from(s.as_str()))\n    }}\n}}\n\n\
         impl rt::IntoValue for {name} {{\n    fn into_value(self) -> rt::Value {{\n        match self {{\n            Self::Unknown(s) => rt::Value::Str(s),\n            known => rt::Value::Str(known.as_str().to_owned()),\n        }}\n    }}\n}}\n"
    );
}
