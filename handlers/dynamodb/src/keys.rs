//! Primary and index keys: which attributes form them, the checks DynamoDB applies to them,
//! and their order-preserving byte encoding.
//!
//! Storage keys are byte strings whose bytewise order is DynamoDB's order: strings by
//! UTF-8 bytes, binaries by unsigned bytes, numbers by numeric value. Every component is
//! self-delimiting, so components can be concatenated (partition hash, partition key, sort
//! key, and for index entries the base table key) and a partition is one contiguous range.

use dynamodb_api::types::*;

use crate::expr::short_type;
use crate::item::Item;

/// The attributes forming a key: a hash key and an optional range key, each with its type.
#[derive(Debug, Clone)]
pub struct KeyDef {
    pub hash: (String, ScalarAttributeType),
    pub range: Option<(String, ScalarAttributeType)>,
}

impl KeyDef {
    pub fn new(schema: &[KeySchemaElement], defs: &[AttributeDefinition]) -> KeyDef {
        let typed = |name: &str| {
            let t = defs
                .iter()
                .find(|d| d.attribute_name == name)
                .map_or(ScalarAttributeType::S, |d| d.attribute_type.clone());
            (name.to_string(), t)
        };
        let hash = schema.iter().find(|k| k.key_type == KeyType::Hash).map(|k| typed(&k.attribute_name));
        let range = schema.iter().find(|k| k.key_type == KeyType::Range).map(|k| typed(&k.attribute_name));
        KeyDef { hash: hash.unwrap_or_else(|| (String::new(), ScalarAttributeType::S)), range }
    }

    /// The key attributes with their types: the hash key, then the range key if any.
    pub fn attributes(&self) -> impl Iterator<Item = &(String, ScalarAttributeType)> {
        std::iter::once(&self.hash).chain(self.range.as_ref())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.attributes().map(|(name, _)| name.as_str())
    }

    pub fn is_key(&self, name: &str) -> bool {
        self.names().any(|n| n == name)
    }

    /// The key attributes of `item` (which must hold them).
    pub fn key_of(&self, item: &Item) -> Item {
        self.names().filter_map(|n| item.get(n).map(|v| (n.to_string(), v.clone()))).collect()
    }
}

pub fn type_name(t: &ScalarAttributeType) -> &'static str {
    match t {
        ScalarAttributeType::S => "S",
        ScalarAttributeType::N => "N",
        ScalarAttributeType::B => "B",
        _ => "S",
    }
}

fn matches_type(v: &AttributeValue, t: &ScalarAttributeType) -> bool {
    matches!(
        (v, t),
        (AttributeValue::S(_), ScalarAttributeType::S)
            | (AttributeValue::N(_), ScalarAttributeType::N)
            | (AttributeValue::B(_), ScalarAttributeType::B)
    )
}

/// "string" or "binary" when `v` is an empty one, as the messages about empty key values name it.
fn empty_scalar(v: &AttributeValue) -> Option<&'static str> {
    match v {
        AttributeValue::S(s) if s.is_empty() => Some("string"),
        AttributeValue::B(b) if b.is_empty() => Some("binary"),
        _ => None,
    }
}

/// A table key attribute must not be an empty string or binary.
fn check_not_empty(name: &str, v: &AttributeValue) -> Result<(), String> {
    match empty_scalar(v) {
        Some(kind) => Err(format!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {name}"
        )),
        None => Ok(()),
    }
}

const MAX_HASH_KEY_BYTES: usize = 2048;
const MAX_RANGE_KEY_BYTES: usize = 1024;

fn key_len(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::B(b) => b.len(),
        AttributeValue::N(n) => n.len(),
        _ => 0,
    }
}

fn check_key_sizes(def: &KeyDef, item: &Item) -> Result<(), String> {
    if item.get(&def.hash.0).map_or(0, key_len) > MAX_HASH_KEY_BYTES {
        return Err(format!(
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of{MAX_HASH_KEY_BYTES} bytes"
        ));
    }
    if let Some((r, _)) = &def.range {
        if item.get(r).map_or(0, key_len) > MAX_RANGE_KEY_BYTES {
            return Err(format!(
                "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of {MAX_RANGE_KEY_BYTES} bytes"
            ));
        }
    }
    Ok(())
}

/// PutItem's checks of a whole item against the table key.
pub fn check_item_key(def: &KeyDef, item: &Item) -> Result<(), String> {
    for (name, t) in def.attributes() {
        let Some(v) = item.get(name) else {
            return Err(format!("One or more parameter values were invalid: Missing the key {name} in the item"));
        };
        if !matches_type(v, t) {
            return Err(format!(
                "One or more parameter values were invalid: Type mismatch for key {name} expected: {} actual: {}",
                type_name(t),
                short_type(v)
            ));
        }
        check_not_empty(name, v)?;
    }
    check_key_sizes(def, item)
}

/// The check of a `Key` parameter (GetItem, DeleteItem, UpdateItem, ...): exactly the key
/// attributes, with the right types.
pub fn check_key(def: &KeyDef, key: &Item) -> Result<(), String> {
    const MISMATCH: &str = "The provided key element does not match the schema";
    let wanted = 1 + def.range.is_some() as usize;
    if key.len() != wanted {
        return Err(MISMATCH.into());
    }
    for (name, t) in def.attributes() {
        match key.get(name) {
            Some(v) if matches_type(v, t) => {
                if let AttributeValue::N(n) = v {
                    crate::number::Number::parse(n)?;
                }
                check_not_empty(name, v)?;
            }
            _ => return Err(MISMATCH.into()),
        }
    }
    check_key_sizes(def, key)
}

/// An item's index key attributes must have the index's types and be non-empty; an item
/// without them is simply absent from the (sparse) index.
pub fn check_index_key(def: &KeyDef, index: &str, item: &Item) -> Result<(), String> {
    for (name, t) in def.attributes() {
        let Some(v) = item.get(name) else { continue };
        if !matches_type(v, t) {
            return Err(format!(
                "One or more parameter values were invalid: Type mismatch for Index Key {name} Expected: {} Actual: {} IndexName: {index}",
                type_name(t),
                short_type(v)
            ));
        }
        if let Some(kind) = empty_scalar(v) {
            return Err(format!(
                "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty {kind} value. IndexName: {index}, IndexKey: {name}"
            ));
        }
    }
    Ok(())
}

// ---- encoding ----

/// FNV-1a then a finaliser: a fixed, well-spread hash of the encoded partition key. Fixed
/// (not randomly seeded) so scan order and parallel-scan segments are stable across restarts.
pub fn partition_hash(encoded: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in encoded {
        h = (h ^ *b as u64).wrapping_mul(0x100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Appends bytes escaped so that the result is self-delimiting and order-preserving:
/// 0x00 becomes 00 FF, and 00 00 terminates.
fn push_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        out.push(b);
        if b == 0 {
            out.push(0xFF);
        }
    }
    out.extend_from_slice(&[0, 0]);
}

/// A decimal as (negative, significant digits without leading/trailing zeros, exponent)
/// with value 0.d1d2... × 10^exponent. `None` for zero.
fn decompose(text: &str) -> Option<(bool, Vec<u8>, i32)> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i32>().unwrap_or(0)),
        None => (t, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    let mut point = int.len() as i32 + exp;
    let lead = digits.iter().take_while(|d| **d == 0).count();
    digits.drain(..lead);
    point -= lead as i32;
    while digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.is_empty() {
        return None;
    }
    Some((neg, digits, point))
}

/// Numbers: a sign byte (0 negative, 1 zero, 2 positive), a two-byte exponent, the digits
/// (1..=10) and a terminator; for negatives exponent and digits are inverted so larger
/// magnitudes sort first. (DynamoDB's exponents span about -130..=126: one byte is too few.)
fn push_number(out: &mut Vec<u8>, text: &str) {
    let exponent = |exp: i32| (exp.clamp(-30000, 30000) + 32768) as u16;
    match decompose(text) {
        None => out.push(1),
        Some((false, digits, exp)) => {
            out.push(2);
            out.extend_from_slice(&exponent(exp).to_be_bytes());
            out.extend(digits.iter().map(|d| d + 1));
            out.push(0);
        }
        Some((true, digits, exp)) => {
            out.push(0);
            out.extend_from_slice(&(!exponent(exp)).to_be_bytes());
            out.extend(digits.iter().map(|d| 10 - d));
            out.push(0xFF);
        }
    }
}

pub fn push_value(out: &mut Vec<u8>, v: &AttributeValue) {
    match v {
        AttributeValue::S(s) => push_escaped(out, s.as_bytes()),
        AttributeValue::B(b) => push_escaped(out, b),
        AttributeValue::N(n) => push_number(out, n),
        _ => {}
    }
}

/// Reads back one component written by `push_value`: the value and the bytes it took.
fn read_value(b: &[u8], t: &ScalarAttributeType) -> Option<(AttributeValue, usize)> {
    match t {
        ScalarAttributeType::N => {
            let (neg, at) = match *b.first()? {
                1 => return Some((AttributeValue::N("0".into()), 1)),
                2 => (false, 3),
                0 => (true, 3),
                _ => return None,
            };
            let raw = u16::from_be_bytes([*b.get(1)?, *b.get(2)?]);
            let exp = (if neg { !raw } else { raw }) as i32 - 32768;
            let end = at + b.get(at..)?.iter().position(|&d| d == if neg { 0xFF } else { 0 })?;
            let digits: Vec<u8> =
                b[at..end].iter().map(|&d| if neg { 10u8.wrapping_sub(d) } else { d.wrapping_sub(1) }).collect();
            if digits.iter().any(|d| *d > 9) {
                return None;
            }
            let n = crate::number::Number::from_parts(neg, digits, exp as i64);
            Some((AttributeValue::N(n.to_string()), end + 1))
        }
        _ => {
            let mut out = Vec::new();
            let mut i = 0;
            loop {
                match (*b.get(i)?, b.get(i + 1).copied()) {
                    (0, Some(0)) => break,
                    (0, Some(0xFF)) => {
                        out.push(0);
                        i += 2;
                    }
                    (0, _) => return None,
                    (x, _) => {
                        out.push(x);
                        i += 1;
                    }
                }
            }
            let v = match t {
                ScalarAttributeType::B => AttributeValue::B(out.into()),
                _ => AttributeValue::S(String::from_utf8(out).ok()?),
            };
            Some((v, i + 2))
        }
    }
}

/// How many bytes the component written by `push_value` for type `t` takes at the start of `b`.
fn value_len(b: &[u8], t: &ScalarAttributeType) -> Option<usize> {
    match t {
        ScalarAttributeType::N => match *b.first()? {
            1 => Some(1),
            sign @ (0 | 2) => {
                let end = if sign == 0 { 0xFF } else { 0 };
                Some(4 + b.get(3..)?.iter().position(|&d| d == end)?)
            }
            _ => None,
        },
        _ => {
            let mut i = 0;
            loop {
                match (*b.get(i)?, b.get(i + 1).copied()) {
                    (0, Some(0)) => return Some(i + 2),
                    (0, Some(0xFF)) => i += 2,
                    (0, _) => return None,
                    _ => i += 1,
                }
            }
        }
    }
}

/// How long the storage key under `def` is that starts `key` (an index entry's key is the
/// index storage key followed by the base table's).
pub fn storage_key_len(def: &KeyDef, key: &[u8]) -> Option<usize> {
    let mut at = HASH_BYTES + value_len(key.get(HASH_BYTES..)?, &def.hash.1)?;
    if let Some((_, t)) = &def.range {
        at += value_len(key.get(at..)?, t)?;
    }
    Some(at)
}

/// The key attributes a storage key was made from (the inverse of `storage_key`).
pub fn decode_key(def: &KeyDef, key: &[u8]) -> Option<Item> {
    let mut item = Item::with_capacity(2);
    decode_key_into(def, key, &mut item)?;
    Some(item)
}

/// Adds the key attributes a storage key was made from to `item`.
pub fn decode_key_into(def: &KeyDef, key: &[u8], item: &mut Item) -> Option<()> {
    let (hash, used) = read_value(key.get(HASH_BYTES..)?, &def.hash.1)?;
    item.insert(def.hash.0.clone(), hash);
    if let Some((name, t)) = &def.range {
        let (range, _) = read_value(key.get(HASH_BYTES + used..)?, t)?;
        item.insert(name.clone(), range);
    }
    Some(())
}

/// The storage key of an item (or Key) under `def`: hash, partition key, sort key.
pub fn storage_key(def: &KeyDef, item: &Item) -> Vec<u8> {
    let mut out = partition_prefix(def, item);
    if let Some((r, _)) = &def.range {
        if let Some(v) = item.get(r) {
            push_value(&mut out, v);
        }
    }
    out
}

/// The common prefix of all storage keys in the partition of `item`'s hash key.
pub fn partition_prefix(def: &KeyDef, item: &Item) -> Vec<u8> {
    let mut pk = Vec::with_capacity(32);
    if let Some(v) = item.get(&def.hash.0) {
        push_value(&mut pk, v);
    }
    partition_prefix_of(&pk)
}

/// Bytes of partition hash that start a storage key: the top 32 bits of `partition_hash`,
/// which spread partitions as well as 64 would (segments need far fewer than 2^32 slots)
/// and take 4 bytes less in every row.
pub const HASH_BYTES: usize = 4;

pub fn partition_prefix_of(encoded_pk: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HASH_BYTES + encoded_pk.len() + 16);
    out.extend_from_slice(&((partition_hash(encoded_pk) >> 32) as u32).to_be_bytes());
    out.extend_from_slice(encoded_pk);
    out
}

/// The hash of a storage key as a 64-bit position (its first bytes, the low bits zero).
pub fn hash_of(key: &[u8]) -> u64 {
    let mut b = [0u8; HASH_BYTES];
    b.copy_from_slice(&key[..HASH_BYTES]);
    (u32::from_be_bytes(b) as u64) << 32
}

/// The smallest storage-key prefix whose `hash_of` is at least `at`.
pub fn hash_bound(at: u64) -> Vec<u8> {
    let top = (at as u128).div_ceil(1 << 32).min(u32::MAX as u128) as u32;
    top.to_be_bytes().to_vec()
}

/// True when `item` holds every attribute of `def` (is present in that index).
pub fn has_key(def: &KeyDef, item: &Item) -> bool {
    def.names().all(|n| item.contains_key(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(n: &str) -> Vec<u8> {
        let mut v = Vec::new();
        push_number(&mut v, n);
        v
    }

    #[test]
    fn numbers_sort_numerically() {
        let ordered = [
            "-1e10",
            "-100",
            "-99.5",
            "-1",
            "-0.001",
            "0",
            "0.0001",
            "0.5",
            "1",
            "1.5",
            "2",
            "10",
            "1e3",
            "12345678901234567890",
        ];
        for w in ordered.windows(2) {
            assert!(enc(w[0]) < enc(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(enc("1.50"), enc("1.5"));
        assert_eq!(enc("010"), enc("1e1"));
        assert_eq!(enc("-0"), enc("0"));
    }

    #[test]
    fn storage_keys_decode_back() {
        for (h, r) in [
            (AttributeValue::S("a\0b".into()), AttributeValue::N("-12.5".into())),
            (AttributeValue::S("".into()), AttributeValue::N("0".into())),
            (AttributeValue::S("x".into()), AttributeValue::N("1000".into())),
            (AttributeValue::S("é".into()), AttributeValue::N("0.0001".into())),
        ] {
            let def = KeyDef {
                hash: ("h".into(), ScalarAttributeType::S),
                range: Some(("r".into(), ScalarAttributeType::N)),
            };
            let mut item = Item::new();
            item.insert("h".into(), h);
            item.insert("r".into(), r);
            let k = storage_key(&def, &item);
            let mut longer = k.clone();
            longer.extend_from_slice(&[0, 0, 7]);
            assert_eq!(storage_key_len(&def, &longer), Some(k.len()));
            assert_eq!(decode_key(&def, &k), Some(item));
        }
        let def = KeyDef { hash: ("b".into(), ScalarAttributeType::B), range: None };
        let mut item = Item::new();
        item.insert("b".into(), AttributeValue::B(vec![0u8, 255, 0, 0].into()));
        assert_eq!(storage_key_len(&def, &storage_key(&def, &item)), Some(storage_key(&def, &item).len()));
        assert_eq!(decode_key(&def, &storage_key(&def, &item)), Some(item));
    }

    #[test]
    fn strings_are_self_delimiting() {
        let e = |s: &[u8]| {
            let mut v = Vec::new();
            push_escaped(&mut v, s);
            v.push(0x7f);
            v
        };
        assert!(e(b"a") < e(b"a\0"));
        assert!(e(b"a\0") < e(b"ab"));
        assert!(e(b"a") < e(b"ab"));
        assert!(e(b"") < e(b"\0"));
    }
}
