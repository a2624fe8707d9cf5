//! Items: the compact byte form they are stored in, their size as DynamoDB bills and limits
//! it, and the checks on attribute values DynamoDB applies on write.
//!
//! Stored items are kept in a tag/length byte encoding, so memory per item stays close to
//! the item's own size (a decoded `IndexMap` of `AttributeValue`s costs several times more
//! in headers, hash slots and small allocations). `encode`/`try_decode` write and read a
//! self-contained item (PartiQL NextTokens); `encode_stored`/`decode_stored` are storage's
//! form, whose top-level names come from the table's `Names` dictionary.

use dynamodb_api::types::AttributeValue;
use ferrostack_runtime as rt;

pub type Item = rt::IndexMap<String, AttributeValue>;

/// DynamoDB's item size limit, 400 KB.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

const T_S: u8 = 1;
const T_N: u8 = 2;
const T_B: u8 = 3;
const T_SS: u8 = 4;
const T_NS: u8 = 5;
const T_BS: u8 = 6;
const T_M: u8 = 7;
const T_L: u8 = 8;
const T_NULL: u8 = 9;
const T_FALSE: u8 = 10;
const T_TRUE: u8 = 11;
/// A string, number or binary shorter than 32 bytes takes one tag byte for type and length:
/// `SHORT × kind + length`, kind 1 (S), 2 (N) or 3 (B), the tags 32..=127.
const SHORT: u8 = 32;

/// Appends a scalar of tag `tag` (T_S, T_N or T_B): short ones with their length in the tag.
fn put_scalar(out: &mut Vec<u8>, tag: u8, b: &[u8]) {
    if b.len() < SHORT as usize {
        out.push(SHORT * tag + b.len() as u8);
        out.extend_from_slice(b);
    } else {
        out.push(tag);
        put_bytes(out, b);
    }
}

/// Appends `n` as a varint (7 bits a byte, low first); storage rows prefix their key with it too.
pub(crate) fn put_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len());
    out.extend_from_slice(b);
}

fn put_map(out: &mut Vec<u8>, m: &Item) {
    put_len(out, m.len());
    for (k, v) in m {
        put_bytes(out, k.as_bytes());
        put_value(out, v);
    }
}

fn put_value(out: &mut Vec<u8>, v: &AttributeValue) {
    match v {
        AttributeValue::S(s) => put_scalar(out, T_S, s.as_bytes()),
        AttributeValue::N(n) => put_scalar(out, T_N, n.as_bytes()),
        AttributeValue::B(b) => put_scalar(out, T_B, b),
        AttributeValue::Ss(set) | AttributeValue::Ns(set) => {
            out.push(if matches!(v, AttributeValue::Ss(_)) { T_SS } else { T_NS });
            put_len(out, set.len());
            for s in set {
                put_bytes(out, s.as_bytes());
            }
        }
        AttributeValue::Bs(set) => {
            out.push(T_BS);
            put_len(out, set.len());
            for b in set {
                put_bytes(out, b);
            }
        }
        AttributeValue::M(m) => {
            out.push(T_M);
            put_map(out, m);
        }
        AttributeValue::L(l) => {
            out.push(T_L);
            put_len(out, l.len());
            for v in l {
                put_value(out, v);
            }
        }
        AttributeValue::Null(_) | AttributeValue::Unknown => out.push(T_NULL),
        AttributeValue::Bool(b) => out.push(if *b { T_TRUE } else { T_FALSE }),
    }
}

pub fn encode(item: &Item) -> Box<[u8]> {
    encode_except(item, |_| false)
}

/// Encodes the item without the attributes `skip` names.
pub fn encode_except(item: &Item, skip: impl Fn(&str) -> bool) -> Box<[u8]> {
    let mut out = Vec::with_capacity(64);
    put_len(&mut out, item.keys().filter(|k| !skip(k)).count());
    for (k, v) in item.iter().filter(|(k, _)| !skip(k)) {
        put_bytes(&mut out, k.as_bytes());
        put_value(&mut out, v);
    }
    out.into_boxed_slice()
}

/// The top-level attribute names of one table's stored items, each stored once: a stored
/// item refers to a known name by its number (one byte for the first 64 names) instead of
/// repeating it in every item, which for typical items with short values is a fifth or more
/// of their bytes. Append-only and capped, so a table with ever-new attribute names keeps
/// those inline rather than growing the dictionary without bound.
#[derive(Debug, Clone, Default)]
pub struct Names {
    ids: std::collections::HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

/// How many names one table's dictionary holds at most.
const MAX_NAMES: usize = 4096;

impl Names {
    fn id(&mut self, name: &str) -> Option<u32> {
        if let Some(id) = self.ids.get(name) {
            return Some(*id);
        }
        if self.names.len() >= MAX_NAMES {
            return None;
        }
        let id = self.names.len() as u32;
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        Some(id)
    }

    fn name(&self, id: usize) -> Option<&str> {
        self.names.get(id).map(|n| &n[..])
    }
}

/// Encodes an item for storage without the attributes `skip` names (the key attributes: the
/// row's key holds them), naming attributes through `names`. A name is a varint: an odd
/// one is `2 × id + 1`, an even one `2 × length` followed by the name itself.
pub fn encode_stored(item: &Item, skip: impl Fn(&str) -> bool, names: &mut Names) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    put_len(&mut out, item.keys().filter(|k| !skip(k)).count());
    for (k, v) in item.iter().filter(|(k, _)| !skip(k)) {
        match names.id(k) {
            Some(id) => put_len(&mut out, 2 * id as usize + 1),
            None => {
                put_len(&mut out, 2 * k.len());
                out.extend_from_slice(k.as_bytes());
            }
        }
        put_value(&mut out, v);
    }
    out
}

/// Adds the attributes of an item written by `encode_stored` to `item`.
pub fn decode_stored(bytes: &[u8], names: &Names, item: &mut Item) {
    let mut r = Reader { b: bytes, at: 0 };
    let Some(n) = r.count() else { return };
    for _ in 0..n {
        let Some(name) = r.stored_name(names) else { return };
        let name = name.to_string();
        let Some(v) = r.value() else { return };
        item.insert(name, v);
    }
}

/// `item_size` of an item written by `encode_stored`, read off its bytes.
pub fn stored_size(bytes: &[u8], names: &Names) -> usize {
    let mut r = Reader { b: bytes, at: 0 };
    let mut size = || -> Option<usize> {
        let n = r.count()?;
        let mut size = 0;
        for _ in 0..n {
            size += r.stored_name(names)?.len() + r.value_size()?;
        }
        Some(size)
    };
    size().unwrap_or(0)
}

/// How many attributes a stored item has (its first varint).
pub fn attribute_count(bytes: &[u8]) -> usize {
    Reader { b: bytes, at: 0 }.len().unwrap_or(0)
}

/// Reads the encoding back. Every read is checked, so bytes from outside (a PartiQL
/// NextToken) give `None` instead of a panic.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.b.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn len(&mut self) -> Option<usize> {
        let mut n = 0usize;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            n |= ((b & 0x7f) as usize).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
            shift += 7;
            if shift > 56 {
                return None;
            }
        }
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    /// The next `n` bytes.
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    /// A value's tag, with a short scalar's tag turned into its kind and its bytes read.
    fn tag(&mut self) -> Option<(u8, Option<&'a [u8]>)> {
        let tag = self.byte()?;
        Some(match tag {
            SHORT..=127 => (tag / SHORT, Some(self.take((tag % SHORT) as usize)?)),
            T_S | T_N | T_B => (tag, Some(self.bytes()?)),
            _ => (tag, None),
        })
    }

    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    /// A top-level attribute name as `encode_stored` writes it.
    fn stored_name<'n>(&mut self, names: &'n Names) -> Option<&'n str>
    where
        'a: 'n,
    {
        let n = self.len()?;
        if n % 2 == 1 {
            return names.name(n / 2);
        }
        let s = self.b.get(self.at..self.at.checked_add(n / 2)?)?;
        self.at += n / 2;
        std::str::from_utf8(s).ok()
    }

    fn count(&mut self) -> Option<usize> {
        // Every element takes at least one byte: a longer count is corrupt.
        let n = self.len()?;
        (n <= self.b.len() - self.at).then_some(n)
    }

    fn map(&mut self) -> Option<Item> {
        let n = self.count()?;
        let mut m = Item::with_capacity(n);
        for _ in 0..n {
            let k = self.string()?;
            let v = self.value()?;
            m.insert(k, v);
        }
        Some(m)
    }

    /// `value_size` of the value at the cursor, skipping over it.
    fn value_size(&mut self) -> Option<usize> {
        let (tag, scalar) = self.tag()?;
        Some(match (tag, scalar) {
            (T_S | T_B, Some(b)) => b.len(),
            (T_N, Some(b)) => number_size(std::str::from_utf8(b).ok()?),
            (_, Some(_)) => return None,
            (tag, None) => match tag {
                T_SS | T_BS => (0..self.count()?).map(|_| self.bytes().map(<[u8]>::len)).sum::<Option<usize>>()?,
                T_NS => (0..self.count()?)
                    .map(|_| self.bytes().and_then(|b| std::str::from_utf8(b).ok()).map(number_size))
                    .sum::<Option<usize>>()?,
                T_M => {
                    let n = self.count()?;
                    let mut size = 3;
                    for _ in 0..n {
                        size += self.bytes()?.len() + self.value_size()? + 1;
                    }
                    size
                }
                T_L => 3 + (0..self.count()?).map(|_| self.value_size().map(|s| s + 1)).sum::<Option<usize>>()?,
                T_TRUE | T_FALSE | T_NULL => 1,
                _ => return None,
            },
        })
    }

    fn value(&mut self) -> Option<AttributeValue> {
        let (tag, scalar) = self.tag()?;
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).ok();
        Some(match (tag, scalar) {
            (T_S, Some(b)) => AttributeValue::S(text(b)?),
            (T_N, Some(b)) => AttributeValue::N(text(b)?),
            (T_B, Some(b)) => AttributeValue::B(rt::Bytes::copy_from_slice(b)),
            (_, Some(_)) => return None,
            (tag, None) => match tag {
                T_SS | T_NS => {
                    let n = self.count()?;
                    let set = (0..n).map(|_| self.string()).collect::<Option<Vec<_>>>()?;
                    if tag == T_SS {
                        AttributeValue::Ss(set)
                    } else {
                        AttributeValue::Ns(set)
                    }
                }
                T_BS => {
                    let n = self.count()?;
                    AttributeValue::Bs(
                        (0..n).map(|_| self.bytes().map(rt::Bytes::copy_from_slice)).collect::<Option<Vec<_>>>()?,
                    )
                }
                T_M => AttributeValue::M(self.map()?),
                T_L => {
                    let n = self.count()?;
                    AttributeValue::L((0..n).map(|_| self.value()).collect::<Option<Vec<_>>>()?)
                }
                T_TRUE => AttributeValue::Bool(true),
                T_FALSE => AttributeValue::Bool(false),
                T_NULL => AttributeValue::Null(true),
                _ => return None,
            },
        })
    }
}

/// Decodes a stored item (always well formed).
pub fn decode(bytes: &[u8]) -> Item {
    try_decode(bytes).unwrap_or_default()
}

/// Decodes bytes that may not be an encoded item.
pub fn try_decode(bytes: &[u8]) -> Option<Item> {
    let mut r = Reader { b: bytes, at: 0 };
    let item = r.map()?;
    (r.at == bytes.len()).then_some(item)
}

// ---- size ----

fn number_size(n: &str) -> usize {
    // Significant digits: from the first non-zero digit to the last, in the mantissa.
    let (mut seen, mut first, mut last) = (0usize, None, 0usize);
    for b in n.bytes().take_while(|b| *b != b'e' && *b != b'E').filter(u8::is_ascii_digit) {
        if b != b'0' {
            first.get_or_insert(seen);
            last = seen;
        }
        seen += 1;
    }
    let significant = first.map_or(1, |f| last - f + 1);
    significant.div_ceil(2) + 1 + n.starts_with('-') as usize
}

/// The size DynamoDB counts for a value: strings and binaries by length, numbers by
/// significant digits, documents with 3 bytes of overhead plus 1 per element.
pub fn value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.len(),
        AttributeValue::Ss(set) => set.iter().map(String::len).sum(),
        AttributeValue::Ns(set) => set.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(set) => set.iter().map(|b| b.len()).sum(),
        AttributeValue::M(m) => 3 + m.iter().map(|(k, v)| k.len() + value_size(v) + 1).sum::<usize>(),
        AttributeValue::L(l) => 3 + l.iter().map(|v| value_size(v) + 1).sum::<usize>(),
        AttributeValue::Null(_) | AttributeValue::Bool(_) | AttributeValue::Unknown => 1,
    }
}

/// An item's size: attribute names plus values.
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

// ---- value checks ----

const INVALID: &str = "One or more parameter values were invalid:";

/// Checks and normalises a value about to be stored: sets non-empty and without
/// duplicates, NULL true, numbers valid (and written in canonical form).
pub fn check_value(v: &mut AttributeValue) -> Result<(), String> {
    match v {
        AttributeValue::N(n) => *n = canonical_number(n)?,
        AttributeValue::Ss(set) => check_set(set, "string", |s| s.clone())?,
        AttributeValue::Ns(set) => {
            for n in set.iter_mut() {
                *n = canonical_number(n)?;
            }
            check_set(set, "number", |s| s.clone())?
        }
        AttributeValue::Bs(set) => check_set(set, "binary", |b| {
            use std::fmt::Write;
            b.iter().fold(String::new(), |mut s, x| {
                let _ = write!(s, "{x:02x}");
                s
            })
        })?,
        AttributeValue::M(m) => {
            for v in m.values_mut() {
                check_value(v)?;
            }
        }
        AttributeValue::L(l) => {
            for v in l.iter_mut() {
                check_value(v)?;
            }
        }
        AttributeValue::Null(false) => {
            return Err(format!("{INVALID} Null attribute value types must have the value of true"));
        }
        AttributeValue::Unknown => {
            return Err("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes".into());
        }
        _ => {}
    }
    Ok(())
}

fn check_set<T>(set: &[T], kind: &str, show: impl Fn(&T) -> String) -> Result<(), String> {
    if set.is_empty() {
        return Err(format!("{INVALID} An {kind} set  may not be empty"));
    }
    let mut seen: Vec<String> = set.iter().map(&show).collect();
    let shown = seen.join(", ");
    seen.sort_unstable();
    if seen.windows(2).any(|w| w[0] == w[1]) {
        return Err(format!("{INVALID} Input collection [{shown}] contains duplicates."));
    }
    Ok(())
}

/// A number in DynamoDB's canonical text, or DynamoDB's message for why it is not one.
pub fn canonical_number(n: &str) -> Result<String, String> {
    crate::number::Number::parse(n).map(|n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut m = Item::new();
        m.insert("n".into(), AttributeValue::N("1.5".into()));
        let mut item = Item::new();
        item.insert("id".into(), AttributeValue::S("abc".into()));
        item.insert("long".into(), AttributeValue::S("x".repeat(31) + "é"));
        item.insert("e".into(), AttributeValue::S(String::new()));
        item.insert("n".into(), AttributeValue::N("-12345678901234567890123456789012.5".into()));
        item.insert("b".into(), AttributeValue::B(rt::Bytes::from_static(b"\x00\x01")));
        item.insert("ss".into(), AttributeValue::Ss(vec!["x".into(), "y".into()]));
        item.insert("m".into(), AttributeValue::M(m));
        item.insert("l".into(), AttributeValue::L(vec![AttributeValue::Bool(true), AttributeValue::Null(true)]));
        assert_eq!(decode(&encode(&item)), item);
        let mut names = Names::default();
        let stored = encode_stored(&item, |n| n == "id", &mut names);
        let mut back = Item::new();
        back.insert("id".into(), item["id"].clone());
        decode_stored(&stored, &names, &mut back);
        assert_eq!(back, item);
        assert_eq!(
            stored_size(&stored, &names),
            item_size(&item) - item_size(&back.iter().take(1).map(|(k, v)| (k.clone(), v.clone())).collect())
        );
        // Past the dictionary's cap names are written inline.
        for i in 0..MAX_NAMES {
            names.id(&format!("x{i}"));
        }
        let mut wide = Item::new();
        wide.insert("new-name".into(), AttributeValue::Bool(true));
        wide.insert("m".into(), AttributeValue::Null(true));
        let stored = encode_stored(&wide, |_| false, &mut names);
        let mut back = Item::new();
        decode_stored(&stored, &names, &mut back);
        assert_eq!(back, wide);
        assert_eq!(stored_size(&stored, &names), item_size(&wide));
        let bytes = encode(&item);
        for cut in 0..bytes.len() {
            assert!(try_decode(&bytes[..cut]).is_none());
        }
        assert!(try_decode(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).is_none());
    }

    #[test]
    fn sizes() {
        assert_eq!(number_size("12345"), 4);
        assert_eq!(number_size("-1"), 3);
        assert_eq!(number_size("100"), 2);
        let mut item = Item::new();
        item.insert("id".into(), AttributeValue::S("abc".into()));
        assert_eq!(item_size(&item), 5);
    }
}
