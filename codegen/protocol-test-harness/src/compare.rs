//! Semantic comparison of values and bodies, as the Smithy test cases ask.

use ferrostack_runtime::Value;
use serde_json::Value as Json;

/// Values match when equal, with float members compared at single precision (the
/// typed round trip narrows `float` shapes to `f32`).
pub fn assert_values(actual: &Value, expected: &Value, what: &str) {
    assert!(values_match(actual, expected), "{what} differs:\n  actual:   {actual:?}\n  expected: {expected:?}");
}

pub fn values_match(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => floats_match(*x, *y),
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => floats_match(*x as f64, *y),
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| values_match(a, b)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && values_match(v, v2)))
        }
        (Value::Struct(x), Value::Struct(y)) => {
            let x: Vec<_> = x.iter().filter(|(_, v)| !v.is_null()).collect();
            let y: Vec<_> = y.iter().filter(|(_, v)| !v.is_null()).collect();
            x.len() == y.len() && x.iter().all(|(i, v)| y.iter().any(|(j, w)| i == j && values_match(v, w)))
        }
        _ => a == b,
    }
}

fn floats_match(x: f64, y: f64) -> bool {
    x == y || (x.is_nan() && y.is_nan()) || ((x - y).abs() <= 1e-6 * x.abs().max(y.abs()))
}

/// Header values match exactly, or as comma-separated lists with optional spaces.
pub fn header_values_match(actual: &str, expected: &str) -> bool {
    let norm = |s: &str| s.split(',').map(|p| p.trim().to_owned()).collect::<Vec<_>>();
    actual == expected || norm(actual) == norm(expected)
}

pub fn assert_bodies(actual: &[u8], expected: &[u8], media_type: &str) {
    // Some cases give no media type; their bodies say what they are.
    let media_type = match (media_type, expected.trim_ascii_start().first()) {
        ("", Some(b'<')) => "application/xml",
        ("", Some(b'{')) => "application/json",
        (m, _) => m,
    };
    let show = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    if expected.is_empty() {
        assert!(
            actual.is_empty() || actual == b"{}" && media_type.contains("json"),
            "expected an empty body, got {:?}",
            show(actual)
        );
        return;
    }
    let ok = if media_type.contains("json") {
        match (serde_json::from_slice::<Json>(actual), serde_json::from_slice::<Json>(expected)) {
            (Ok(a), Ok(e)) => json_match(&a, &e),
            _ => false,
        }
    } else if media_type.contains("xml") {
        match (xml_tree(actual), xml_tree(expected)) {
            (Some(mut a), Some(e)) => {
                drop_envelope_extras(&mut a, &e);
                xml_match(&a, &e)
            }
            _ => false,
        }
    } else if media_type == "application/cbor" {
        match (cbor_tree(actual), cbor_tree(expected)) {
            (Some(a), Some(e)) => cbor_match(&a, &e),
            _ => false,
        }
    } else if media_type.contains("x-www-form-urlencoded") {
        let pairs = |b: &[u8]| {
            let mut v: Vec<(String, String)> = form_urlencoded::parse(b).into_owned().collect();
            v.sort();
            v
        };
        pairs(actual) == pairs(expected)
    } else {
        actual == expected
    };
    assert!(ok, "body differs ({media_type}):\n  actual:   {}\n  expected: {}", show(actual), show(expected));
}

fn json_match(a: &Json, e: &Json) -> bool {
    match (a, e) {
        (Json::Number(x), Json::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => floats_match(x, y),
            _ => x == y,
        },
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_match(a, b)),
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_match(v, w)))
        }
        _ => a == e,
    }
}

/// An XML element with sorted attributes and trimmed, whitespace-free-between-elements
/// text: enough to compare documents that differ only in layout.
#[derive(Debug, PartialEq)]
struct XmlNode {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<XmlNode>,
}

/// ferrostack's awsQuery envelopes carry what real AWS sends and the test bodies leave out:
/// `<ResponseMetadata><RequestId>` and the `<RequestId>` of errors (a fresh id per
/// request), and the service namespace on `<ErrorResponse>`. They are dropped from the
/// actual body where the expected one has no such element or attribute.
fn drop_envelope_extras(actual: &mut XmlNode, expected: &XmlNode) {
    if !expected.attributes.iter().any(|(k, _)| k == "xmlns") {
        actual.attributes.retain(|(k, _)| k != "xmlns");
    }
    for extra in ["ResponseMetadata", "RequestId"] {
        if !expected.children.iter().any(|c| c.name == extra) {
            actual.children.retain(|c| c.name != extra);
        }
    }
    // Where both carry a request id, its value is not compared.
    if let Some(id) = expected.children.iter().find(|c| c.name == "RequestId") {
        for c in actual.children.iter_mut().filter(|c| c.name == "RequestId") {
            c.text = id.text.clone();
        }
    }
    if let Some(metadata) = expected.children.iter().find(|c| c.name == "ResponseMetadata") {
        for c in actual.children.iter_mut().filter(|c| c.name == "ResponseMetadata") {
            drop_envelope_extras(c, metadata);
        }
    }
}

/// Elements match with their children in order or, failing that, as a multiset: Smithy
/// compares XML bodies semantically, and structure members have no order.
fn xml_match(a: &XmlNode, e: &XmlNode) -> bool {
    if a.name != e.name || a.attributes != e.attributes || a.text != e.text || a.children.len() != e.children.len() {
        return false;
    }
    if a.children.iter().zip(&e.children).all(|(x, y)| xml_match(x, y)) {
        return true;
    }
    let mut used = vec![false; e.children.len()];
    a.children.iter().all(|x| {
        let found = e.children.iter().enumerate().find(|(i, y)| !used[*i] && xml_match(x, y));
        match found {
            Some((i, _)) => {
                used[i] = true;
                true
            }
            None => false,
        }
    })
}

fn xml_tree(bytes: &[u8]) -> Option<XmlNode> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut stack: Vec<XmlNode> = Vec::new();
    let mut root = None;
    let open = |e: &quick_xml::events::BytesStart| -> Option<XmlNode> {
        let mut attributes: Vec<(String, String)> = e
            .attributes()
            .map(|a| {
                let a = a.ok()?;
                Some((String::from_utf8_lossy(a.key.as_ref()).into_owned(), a.unescape_value().ok()?.into_owned()))
            })
            .collect::<Option<_>>()?;
        attributes.sort();
        Some(XmlNode {
            name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
            attributes,
            text: String::new(),
            children: Vec::new(),
        })
    };
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => stack.push(open(&e)?),
            Event::Empty(e) => {
                let node = open(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                let mut node = stack.pop()?;
                if !node.children.is_empty() {
                    node.text = node.text.trim().to_owned();
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.unescape().ok()?);
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    root
}

#[derive(Debug)]
enum Cbor {
    Int(i128),
    Float(f64),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<Cbor>),
    Map(Vec<(Cbor, Cbor)>),
    Bool(bool),
    Null,
    Tag(u64, Box<Cbor>),
}

fn cbor_tree(bytes: &[u8]) -> Option<Cbor> {
    let mut d = minicbor::Decoder::new(bytes);
    let v = cbor_item(&mut d)?;
    Some(v)
}

fn cbor_item(d: &mut minicbor::Decoder) -> Option<Cbor> {
    use minicbor::data::Type;
    Some(match d.datatype().ok()? {
        Type::Bool => Cbor::Bool(d.bool().ok()?),
        Type::Null | Type::Undefined => {
            d.skip().ok()?;
            Cbor::Null
        }
        Type::U8 | Type::U16 | Type::U32 | Type::U64 | Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
            Cbor::Int(i128::from(d.int().ok()?))
        }
        Type::F16 => Cbor::Float(d.f16().ok()? as f64),
        Type::F32 => Cbor::Float(d.f32().ok()? as f64),
        Type::F64 => Cbor::Float(d.f64().ok()?),
        Type::Bytes => Cbor::Bytes(d.bytes().ok()?.to_vec()),
        Type::BytesIndef => {
            let mut out = Vec::new();
            for chunk in d.bytes_iter().ok()? {
                out.extend_from_slice(chunk.ok()?);
            }
            Cbor::Bytes(out)
        }
        Type::String => Cbor::Text(d.str().ok()?.to_owned()),
        Type::StringIndef => {
            let mut out = String::new();
            for chunk in d.str_iter().ok()? {
                out.push_str(chunk.ok()?);
            }
            Cbor::Text(out)
        }
        Type::Array | Type::ArrayIndef => {
            let len = d.array().ok()?;
            let mut items = Vec::new();
            match len {
                Some(n) => {
                    for _ in 0..n {
                        items.push(cbor_item(d)?);
                    }
                }
                None => loop {
                    if d.datatype().ok()? == Type::Break {
                        d.skip().ok()?;
                        break;
                    }
                    items.push(cbor_item(d)?);
                },
            }
            Cbor::Array(items)
        }
        Type::Map | Type::MapIndef => {
            let len = d.map().ok()?;
            let mut entries = Vec::new();
            match len {
                Some(n) => {
                    for _ in 0..n {
                        entries.push((cbor_item(d)?, cbor_item(d)?));
                    }
                }
                None => loop {
                    if d.datatype().ok()? == Type::Break {
                        d.skip().ok()?;
                        break;
                    }
                    entries.push((cbor_item(d)?, cbor_item(d)?));
                },
            }
            Cbor::Map(entries)
        }
        Type::Tag => {
            let tag = d.tag().ok()?;
            Cbor::Tag(u64::from(tag), Box::new(cbor_item(d)?))
        }
        _ => return None,
    })
}

fn cbor_match(a: &Cbor, e: &Cbor) -> bool {
    match (a, e) {
        (Cbor::Int(x), Cbor::Int(y)) => x == y,
        (Cbor::Float(x), Cbor::Float(y)) => floats_match(*x, *y),
        (Cbor::Int(x), Cbor::Float(y)) | (Cbor::Float(y), Cbor::Int(x)) => floats_match(*x as f64, *y),
        (Cbor::Bytes(x), Cbor::Bytes(y)) => x == y,
        (Cbor::Text(x), Cbor::Text(y)) => x == y,
        (Cbor::Bool(x), Cbor::Bool(y)) => x == y,
        (Cbor::Null, Cbor::Null) => true,
        (Cbor::Array(x), Cbor::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| cbor_match(a, b)),
        (Cbor::Map(x), Cbor::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| cbor_match(k, k2) && cbor_match(v, v2)))
        }
        (Cbor::Tag(t, x), Cbor::Tag(u, y)) => t == u && cbor_match(x, y),
        _ => false,
    }
}
