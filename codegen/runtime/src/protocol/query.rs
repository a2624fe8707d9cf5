//! awsQuery request parameters: `Member.member.N`, flattened `Member.N`,
//! `Member.entry.N.key/value`, nested structures as `A.B`.
//!
//! Keys are resolved as the awsQuery spec says: a structure member by its `@xmlName`
//! (else its name), a list item by the list member's `@xmlName` (else `member`), map
//! keys and values by the map members' `@xmlName` (else `key` / `value`). Flattened
//! collections drop the `member` / `entry` segment.
//!
//! Decoding sorts the parameters in place, level by level: at each level every parameter
//! gets a slot (the structure member, list index or map entry its next key segment
//! names), the slice is sorted by slot, and each run of equal slots is decoded from the
//! remaining key segments. That needs no per-level allocation and orders list items by
//! index whatever order, or gaps, they arrive in.

use std::borrow::Cow;

use crate::protocol::xml::scalar_from_text;
use crate::protocol::DecodeError;
use crate::schema::{Member, Schema, ShapeId, ShapeKind};
use crate::value::Value;

/// Keys nested deeper than this are rejected: recursive shapes would otherwise let a
/// long key exhaust the stack.
const MAX_DEPTH: usize = 100;

/// The slot of parameters the current level does not know; they sort last and are
/// dropped.
const UNMATCHED: u64 = u64::MAX;

/// Builds a structure value of `shape` from decoded form parameters (`Action` and
/// `Version` already removed).
pub fn read_params(schema: &Schema, shape: ShapeId, params: &[(String, String)]) -> Result<Value, DecodeError> {
    read_pairs(schema, shape, params.iter().map(|(key, value)| (key.as_str(), value.as_str())))
}

/// [`read_params`] over borrowed pairs, so that callers holding the decoded form as
/// `Cow`s need not copy it.
pub fn read_pairs<'a>(
    schema: &Schema,
    shape: ShapeId,
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Value, DecodeError> {
    let mut pending: Vec<Param<'a>> = pairs.map(|(key, value)| Param { key, value, slot: 0 }).collect();
    let members = schema.shape(shape).kind.members();
    read_struct(schema, members, &mut pending, 0)
}

/// A form parameter being decoded: the part of its key not yet consumed, its value, and
/// the slot it sorts into at the current level.
struct Param<'a> {
    key: &'a str,
    value: &'a str,
    slot: u64,
}

/// Splits off the first key segment: `A.B.C` → (`A`, `B.C`).
fn split_segment(key: &str) -> (&str, &str) {
    key.split_once('.').unwrap_or((key, ""))
}

/// Sorts `params` by slot and calls `decode` on each run of one slot, skipping the
/// unmatched ones. The sort is stable, so a repeated key keeps its request order.
fn for_each_slot<'a>(
    params: &mut [Param<'a>],
    mut decode: impl FnMut(u64, &mut [Param<'a>]) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    params.sort_by_key(|p| p.slot);
    for run in params.chunk_by_mut(|a, b| a.slot == b.slot) {
        if run[0].slot == UNMATCHED {
            break;
        }
        decode(run[0].slot, run)?;
    }
    Ok(())
}

/// Structure and union members: `Name[.rest]`, matched on the member's `@xmlName`.
fn read_struct(
    schema: &Schema,
    members: &'static [Member],
    params: &mut [Param<'_>],
    depth: usize,
) -> Result<Value, DecodeError> {
    check_depth(depth)?;
    for param in params.iter_mut() {
        let (head, rest) = split_segment(param.key);
        let by_xml_name = members.iter().position(|m| m.xml_name() == head);
        // botocore sends an empty flattened list as a bare `MemberName=`, under the member's
        // own name even when items would carry an `@xmlName`.
        let empty_collection = || {
            let is_collection =
                |m: &Member| matches!(schema.shape(m.target).kind, ShapeKind::List { .. } | ShapeKind::Map { .. });
            members.iter().position(|m| m.name == head && is_collection(m))
        };
        let index = by_xml_name.or_else(|| if rest.is_empty() { empty_collection() } else { None });
        param.slot = index.map_or(UNMATCHED, |i| i as u64);
        param.key = rest;
    }
    let mut fields = Vec::new();
    for_each_slot(params, |slot, run| {
        if let Some(value) = read_member(schema, &members[slot as usize], run, depth + 1)? {
            fields.push((slot as u16, value));
        }
        Ok(())
    })?;
    Ok(Value::Struct(fields))
}

/// The value of one member from the parameters under its key; `None` when they hold
/// nothing for it (e.g. only `Name.Unknown=..` for a scalar).
fn read_member(
    schema: &Schema,
    member: &Member,
    params: &mut [Param<'_>],
    depth: usize,
) -> Result<Option<Value>, DecodeError> {
    match &schema.shape(member.target).kind {
        ShapeKind::Structure { members } | ShapeKind::Union { members } => {
            read_struct(schema, members, params, depth).map(Some)
        }
        ShapeKind::List { member: item, .. } => read_list(schema, item, params, depth).map(Some),
        ShapeKind::Map { key, value, .. } => read_map(schema, key, value, params, depth).map(Some),
        _ => read_scalar(schema, member, params),
    }
}

/// A scalar is the value of a parameter whose key ended here; the last one wins.
fn read_scalar(schema: &Schema, member: &Member, params: &[Param<'_>]) -> Result<Option<Value>, DecodeError> {
    let Some(param) = params.iter().rev().find(|p| p.key.is_empty()) else {
        return Ok(None);
    };
    scalar_from_text(schema, member, Cow::Borrowed(param.value)).map(Some).map_err(DecodeError::Serialization)
}

/// List items: `member.N[.rest]`, or `N[.rest]` when flattened, `member` being the list
/// member's `@xmlName` if it has one. Both spellings are accepted either way, as they
/// cannot be confused. A bare `Name=` is how clients send an empty list.
fn read_list(schema: &Schema, item: &Member, params: &mut [Param<'_>], depth: usize) -> Result<Value, DecodeError> {
    check_depth(depth)?;
    for param in params.iter_mut() {
        if param.key.is_empty() {
            param.slot = UNMATCHED;
            continue;
        }
        let (index, rest) = split_index(param.key, item.xml_name())?;
        param.slot = index as u64;
        param.key = rest;
    }
    let mut items = Vec::new();
    for_each_slot(params, |_, run| {
        if let Some(value) = read_member(schema, item, run, depth + 1)? {
            items.push(value);
        }
        Ok(())
    })?;
    Ok(Value::List(items))
}

/// Map entries: `entry.N.key` and `entry.N.value[.rest]`, or `N.key` / `N.value` when
/// flattened, with the map members' `@xmlName`s in place of `key` and `value`. The slot
/// is the index shifted left, plus one for the value, so that within an entry the key
/// sorts first. A bare `Name=` is an empty map.
fn read_map(
    schema: &Schema,
    key: &Member,
    value: &Member,
    params: &mut [Param<'_>],
    depth: usize,
) -> Result<Value, DecodeError> {
    check_depth(depth)?;
    for param in params.iter_mut() {
        if param.key.is_empty() {
            param.slot = UNMATCHED;
            continue;
        }
        let (index, rest) = split_index(param.key, "entry")?;
        let (part, rest) = split_segment(rest);
        param.key = rest;
        param.slot = if part == key.xml_name() {
            (index as u64) << 1
        } else if part == value.xml_name() {
            (index as u64) << 1 | 1
        } else {
            UNMATCHED
        };
    }
    params.sort_by_key(|p| p.slot);
    let mut entries = Vec::new();
    for entry in params.chunk_by_mut(|a, b| a.slot >> 1 == b.slot >> 1) {
        if entry[0].slot == UNMATCHED {
            break;
        }
        entries.push(read_entry(schema, key, value, entry, depth + 1)?);
    }
    Ok(Value::Map(entries))
}

/// One map entry from its key parameters (sorted first) and value parameters.
fn read_entry(
    schema: &Schema,
    key: &Member,
    value: &Member,
    params: &mut [Param<'_>],
    depth: usize,
) -> Result<(String, Value), DecodeError> {
    let index = params[0].slot >> 1;
    let values_start = params.iter().position(|p| p.slot & 1 == 1).unwrap_or(params.len());
    let (key_params, value_params) = params.split_at_mut(values_start);
    let Some(entry_key) = key_params.iter().rev().find(|p| p.key.is_empty()) else {
        return Err(DecodeError::Serialization(format!("map entry {index} has no {}", key.xml_name())));
    };
    let entry_value = if value_params.is_empty() { None } else { read_member(schema, value, value_params, depth)? };
    Ok((entry_key.value.to_owned(), entry_value.unwrap_or(Value::Null)))
}

/// Reads the index of a collection item from `[wrapper.]N[.rest]`, returning it with
/// the rest of the key.
fn split_index<'a>(key: &'a str, wrapper: &str) -> Result<(u32, &'a str), DecodeError> {
    let (head, rest) = split_segment(key);
    let (index, rest) = if head == wrapper { split_segment(rest) } else { (head, rest) };
    match parse_index(index) {
        Some(n) => Ok((n, rest)),
        None => Err(DecodeError::Serialization(format!("'{index}' is not a valid collection index"))),
    }
}

/// A decimal index (1-based on the wire, though 0 is tolerated: only order matters).
fn parse_index(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn check_depth(depth: usize) -> Result<(), DecodeError> {
    if depth > MAX_DEPTH {
        return Err(DecodeError::Serialization("query parameters nested too deeply".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::xml::fixtures::*;
    use crate::time::DateTime;

    fn params(query: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    }

    fn read(query: &str) -> Value {
        read_params(&SCHEMA, TOP, &params(query)).unwrap_or_else(|e| panic!("{e:?} for {query}"))
    }

    fn read_err(query: &str) -> DecodeError {
        read_params(&SCHEMA, TOP, &params(query)).expect_err(query)
    }

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|i| s(i)).collect())
    }

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    fn only(name: &str, value: Value) -> Value {
        Value::Struct(vec![(top(name), value)])
    }

    #[test]
    fn reads_scalars() {
        let v = read(
            "Str=val1&Int=10&Bool=true&Float=10.8&Double=-Infinity&Long=-5&Byte=127&Big=1.5e3\
             &Enum=Foo&IntEnum=1&Data=dmFsdWU%3D",
        );
        let expected = Value::Struct(vec![
            (top("Str"), s("val1")),
            (top("Int"), Value::Int(10)),
            (top("Bool"), Value::Bool(true)),
            (top("Float"), Value::Float(10.8)),
            (top("Double"), Value::Float(f64::NEG_INFINITY)),
            (top("Long"), Value::Int(-5)),
            (top("Byte"), Value::Int(127)),
            (top("Big"), Value::BigNum("1.5e3".into())),
            (top("Enum"), s("Foo")),
            (top("IntEnum"), Value::Int(1)),
            (top("Data"), Value::Blob(bytes::Bytes::from_static(b"value"))),
        ]);
        assert_eq!(v, expected);
        assert!(matches!(read("Float=NaN").field(top("Float")), Some(Value::Float(f)) if f.is_nan()));
        assert_eq!(read("Bool=false"), only("Bool", Value::Bool(false)));
        // Strings keep their whitespace; empty values are empty strings.
        assert_eq!(read("Str=+a+b+"), only("Str", s(" a b ")));
        assert_eq!(read("Str="), only("Str", s("")));
    }

    #[test]
    fn reads_timestamps_in_each_format() {
        let t = || Value::Timestamp(DateTime::from_secs(1422172800));
        let v = read("Time=2015-01-25T08%3A00%3A00Z&Epoch=1422172800&HttpDate=Sun%2C+25+Jan+2015+08%3A00%3A00+GMT");
        assert_eq!(v, Value::Struct(vec![(top("Time"), t()), (top("Epoch"), t()), (top("HttpDate"), t())]));
        assert_eq!(
            read("Epoch=1422172800.5").field(top("Epoch")),
            Some(&Value::Timestamp(DateTime::from_millis(1422172800500)))
        );
    }

    #[test]
    fn reads_nested_structures() {
        let v = read("Nested.foo=a&Nested.nested.foo=b&Nested.nested.nested.a=c&Choice.n.foo=d");
        let expected = Value::Struct(vec![
            (
                top("Nested"),
                Value::Struct(vec![
                    (0, s("a")),
                    (1, Value::Struct(vec![(0, s("b")), (1, Value::Struct(vec![(2, s("c"))]))])),
                ]),
            ),
            (top("Choice"), Value::Struct(vec![(1, Value::Struct(vec![(0, s("d"))]))])),
        ]);
        assert_eq!(v, expected);
    }

    #[test]
    fn reads_wrapped_flattened_and_renamed_lists() {
        assert_eq!(
            read("List.member.1=foo&List.member.2=bar&List.member.3=baz"),
            only("List", strs(&["foo", "bar", "baz"]))
        );
        assert_eq!(read("renamed.item.1=A&renamed.item.2=B"), only("RenamedList", strs(&["A", "B"])));
        // Flattened: the list member's xmlName is not used.
        assert_eq!(read("Flat.1=A&Flat.2=B"), only("Flat", strs(&["A", "B"])));
        assert_eq!(
            read("Structs.item.1.foo=hello&Structs.item.2.foo=hola"),
            only(
                "Structs",
                Value::List(vec![Value::Struct(vec![(0, s("hello"))]), Value::Struct(vec![(0, s("hola"))])])
            )
        );
        assert_eq!(
            read("NestedList.member.1.member.1=a&NestedList.member.1.member.2=b&NestedList.member.2.member.1=c"),
            only("NestedList", Value::List(vec![strs(&["a", "b"]), strs(&["c"])]))
        );
        assert_eq!(read("Nested.nested.foo=x&List.member.1=A").field(top("List")), Some(&strs(&["A"])));
    }

    #[test]
    fn orders_items_by_index_whatever_the_arrival_order() {
        assert_eq!(
            read("List.member.10=j&List.member.2=b&List.member.1=a&List.member.7=g"),
            only("List", strs(&["a", "b", "g", "j"]))
        );
        assert_eq!(
            read("Structs.item.2.foo=two&Structs.item.1.a=x&Structs.item.2.a=y&Structs.item.1.foo=one"),
            only(
                "Structs",
                Value::List(vec![
                    Value::Struct(vec![(0, s("one")), (2, s("x"))]),
                    Value::Struct(vec![(0, s("two")), (2, s("y"))])
                ])
            )
        );
    }

    #[test]
    fn reads_empty_collections() {
        assert_eq!(read("List="), only("List", strs(&[])));
        assert_eq!(read("Flat="), only("Flat", strs(&[])));
        assert_eq!(read("Map="), only("Map", map(vec![])));
        // A list renamed by `@xmlName`: botocore names an empty one by the member.
        assert_eq!(read("RenamedList="), only("RenamedList", strs(&[])));
        assert_eq!(read(""), Value::Struct(vec![]));
    }

    #[test]
    fn reads_wrapped_flattened_and_renamed_maps() {
        assert_eq!(
            read("Map.entry.1.key=bar&Map.entry.1.value=Bar&Map.entry.2.key=foo&Map.entry.2.value=Foo"),
            only("Map", map(vec![("bar", s("Bar")), ("foo", s("Foo"))]))
        );
        assert_eq!(
            read("Renamed.entry.1.K=bar&Renamed.entry.1.V=Bar"),
            only("RenamedMap", map(vec![("bar", s("Bar"))]))
        );
        assert_eq!(
            read("KVP.2.V=Foo&KVP.1.K=bar&KVP.1.V=Bar&KVP.2.K=foo"),
            only("FlatMap", map(vec![("bar", s("Bar")), ("foo", s("Foo"))]))
        );
        assert_eq!(
            read(
                "MapOfLists.entry.1.key=bar&MapOfLists.entry.1.value.member.1=C&MapOfLists.entry.1.value.member.2=D\
                  &MapOfLists.entry.2.key=foo&MapOfLists.entry.2.value.member.1=A"
            ),
            only("MapOfLists", map(vec![("bar", strs(&["C", "D"])), ("foo", strs(&["A"]))]))
        );
        // A key without a value is a null (sparse) value.
        assert_eq!(read("Map.entry.1.key=k"), only("Map", map(vec![("k", Value::Null)])));
    }

    #[test]
    fn ignores_unknown_keys() {
        assert_eq!(read("Unknown=1&Str=x&Nested.unknown=2&Map.entry.1.key=k&Map.entry.1.other=v"), {
            Value::Struct(vec![
                (top("Str"), s("x")),
                (top("Nested"), Value::Struct(vec![])),
                (top("Map"), map(vec![("k", Value::Null)])),
            ])
        });
    }

    #[test]
    fn last_repeated_scalar_wins() {
        assert_eq!(read("Str=a&Str=b"), only("Str", s("b")));
    }

    #[test]
    fn rejects_malformed_values_and_keys() {
        for bad in [
            "Int=ten",
            "Int=99999999999",
            "Byte=-129",
            "Bool=yes",
            "Float=fast",
            "Time=yesterday",
            "Data=%21%21",
            "Big=1.2.3",
            "List.member.x=a",
            "List.one=a",
            "List.member.=a",
            "Map.entry.1.value=v",
            "Map.entry.one.key=k",
        ] {
            assert!(matches!(read_err(bad), DecodeError::Serialization(_)), "{bad}");
        }
    }

    #[test]
    fn rejects_excessive_nesting() {
        let key = format!("Nested.{}foo", "nested.".repeat(10_000));
        assert!(matches!(read_err(&format!("{key}=x")), DecodeError::Serialization(_)));
    }

    #[test]
    fn random_params_never_panic() {
        let segments = [
            "List",
            "member",
            "entry",
            "key",
            "value",
            "Map",
            "KVP",
            "K",
            "V",
            "Flat",
            "Nested",
            "nested",
            "foo",
            "a",
            "Structs",
            "item",
            "MapOfLists",
            "1",
            "2",
            "0",
            "99999999999",
            "",
            "Int",
            "Str",
            "Time",
            "Data",
        ];
        let values = ["", "x", "1", "true", "NaN", "2015-01-25T08:00:00Z", "dmFsdWU=", "-1", "\u{fffd}"];
        let mut rng = XorShift(7);
        for _ in 0..20_000 {
            let mut pairs = Vec::new();
            for _ in 0..rng.below(8) {
                let key: Vec<&str> = (0..1 + rng.below(6)).map(|_| segments[rng.below(segments.len())]).collect();
                pairs.push((key.join("."), values[rng.below(values.len())].to_owned()));
            }
            let _ = read_params(&SCHEMA, TOP, &pairs);
        }
        for _ in 0..5_000 {
            let raw: Vec<u8> = (0..rng.below(48)).map(|_| b"=&.%12abmKV"[rng.below(11)]).collect();
            let pairs: Vec<(String, String)> =
                form_urlencoded::parse(&raw).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            let _ = read_params(&SCHEMA, TOP, &pairs);
        }
    }
}
