//! The `Condition` block: operators, set qualifiers, `...IfExists`, and the request
//! context they test.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde_json::Value;

use crate::wildcard;

/// The request's context keys (`aws:SourceIp`, `s3:prefix`, ...). Key names compare
/// without regard to case, as IAM compares them.
#[derive(Debug, Clone, Default)]
pub struct Context {
    values: BTreeMap<String, Vec<String>>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    pub fn insert(&mut self, key: &str, values: Vec<String>) {
        self.values.insert(key.to_lowercase(), values);
    }

    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.values.get(&key.to_lowercase()).map(Vec::as_slice)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnEquals,
    ArnLike,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Qualifier {
    ForAnyValue,
    ForAllValues,
}

/// One key test: `"StringLike": {"s3:prefix": ["home/*"]}` gives one Condition per key.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
    op: Op,
    negated: bool,
    qualifier: Option<Qualifier>,
    if_exists: bool,
}

fn operator(name: &str) -> Option<(Op, bool, Option<Qualifier>, bool)> {
    let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(Qualifier::ForAnyValue), r)
    } else if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(Qualifier::ForAllValues), r)
    } else {
        (None, name)
    };
    let (if_exists, base) = match rest.strip_suffix("IfExists") {
        Some(b) if b != "Null" => (true, b),
        _ => (false, rest),
    };
    let (op, negated) = match base {
        "StringEquals" => (Op::StringEquals, false),
        "StringNotEquals" => (Op::StringEquals, true),
        "StringEqualsIgnoreCase" => (Op::StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Op::StringEqualsIgnoreCase, true),
        "StringLike" => (Op::StringLike, false),
        "StringNotLike" => (Op::StringLike, true),
        "NumericEquals" => (Op::NumericEquals, false),
        "NumericNotEquals" => (Op::NumericEquals, true),
        "NumericLessThan" => (Op::NumericLessThan, false),
        "NumericLessThanEquals" => (Op::NumericLessThanEquals, false),
        "NumericGreaterThan" => (Op::NumericGreaterThan, false),
        "NumericGreaterThanEquals" => (Op::NumericGreaterThanEquals, false),
        "DateEquals" => (Op::DateEquals, false),
        "DateNotEquals" => (Op::DateEquals, true),
        "DateLessThan" => (Op::DateLessThan, false),
        "DateLessThanEquals" => (Op::DateLessThanEquals, false),
        "DateGreaterThan" => (Op::DateGreaterThan, false),
        "DateGreaterThanEquals" => (Op::DateGreaterThanEquals, false),
        "Bool" => (Op::Bool, false),
        "BinaryEquals" => (Op::BinaryEquals, false),
        "IpAddress" => (Op::IpAddress, false),
        "NotIpAddress" => (Op::IpAddress, true),
        "ArnEquals" => (Op::ArnEquals, false),
        "ArnNotEquals" => (Op::ArnEquals, true),
        "ArnLike" => (Op::ArnLike, false),
        "ArnNotLike" => (Op::ArnLike, true),
        "Null" => (Op::Null, false),
        _ => return None,
    };
    Some((op, negated, qualifier, if_exists))
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Condition {
    /// The whole `Condition` object; `None` when it is not shaped as IAM requires or
    /// names an operator IAM does not have.
    pub(crate) fn parse_block(v: &Value) -> Option<Vec<Condition>> {
        let mut out = Vec::new();
        for (name, keys) in v.as_object()? {
            let (op, negated, qualifier, if_exists) = operator(name)?;
            for (key, values) in keys.as_object()? {
                let values = match values {
                    Value::Array(items) => items.iter().map(scalar).collect::<Option<Vec<_>>>()?,
                    one => vec![scalar(one)?],
                };
                out.push(Condition {
                    operator: name.clone(),
                    key: key.clone(),
                    values,
                    op,
                    negated,
                    qualifier,
                    if_exists,
                });
            }
        }
        Some(out)
    }

    /// Whether the condition holds for `context`.
    pub fn holds(&self, context: &Context) -> bool {
        let present = context.get(&self.key);
        if self.op == Op::Null {
            // "Null": true means the key must be absent.
            let want_absent = self.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
            return want_absent == present.is_none_or(|v| v.is_empty());
        }
        let Some(actual) = present.filter(|v| !v.is_empty()) else {
            return match self.qualifier {
                // Every one of no values matches.
                Some(Qualifier::ForAllValues) => true,
                Some(Qualifier::ForAnyValue) => false,
                // A missing key fails a positive test and passes a negated one.
                None => self.if_exists || self.negated,
            };
        };
        // Policy variables in the values are filled in from the context; a value whose
        // variable is missing matches nothing.
        let expected: Vec<String> = self.values.iter().filter_map(|v| substitute(v, context)).collect();
        let one = |value: &str| {
            let hit = expected.iter().any(|p| compare(self.op, value, p));
            hit != self.negated
        };
        match self.qualifier {
            Some(Qualifier::ForAllValues) => actual.iter().all(|v| one(v)),
            Some(Qualifier::ForAnyValue) => actual.iter().any(|v| one(v)),
            None => {
                let hit = actual.iter().any(|v| expected.iter().any(|p| compare(self.op, v, p)));
                hit != self.negated
            }
        }
    }

    /// The key is needed but absent (for the simulator's MissingContextValues).
    pub fn missing_in(&self, context: &Context) -> bool {
        self.op != Op::Null && !self.if_exists && context.get(&self.key).is_none()
    }
}

/// `${aws:username}`-style policy variables filled in from the context; `None` when a
/// variable has no value (the pattern then matches nothing).
pub(crate) fn substitute(pattern: &str, context: &Context) -> Option<String> {
    if !pattern.contains("${") {
        return Some(pattern.to_owned());
    }
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let name = &after[..end];
        match name {
            // Escapes for the characters that would otherwise be wildcards or syntax; a
            // literal `*` or `?` is the best a glob can do.
            "*" => out.push('*'),
            "?" => out.push('?'),
            "$" => out.push('$'),
            _ => {
                let (key, default) = match name.split_once(',') {
                    Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_owned())),
                    None => (name.trim(), None),
                };
                let value = context.get(key).and_then(|v| v.first().cloned()).or(default)?;
                out.push_str(&value);
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// `actual` (from the request) against `expected` (from the policy) under `op`.
fn compare(op: Op, actual: &str, expected: &str) -> bool {
    match op {
        Op::StringEquals => actual == expected,
        Op::StringEqualsIgnoreCase => actual.to_lowercase() == expected.to_lowercase(),
        Op::StringLike => wildcard::matches(expected, actual, false),
        Op::NumericEquals
        | Op::NumericLessThan
        | Op::NumericLessThanEquals
        | Op::NumericGreaterThan
        | Op::NumericGreaterThanEquals => match (actual.trim().parse::<f64>(), expected.trim().parse::<f64>()) {
            (Ok(a), Ok(e)) => ordered(op, a, e),
            _ => false,
        },
        Op::DateEquals
        | Op::DateLessThan
        | Op::DateLessThanEquals
        | Op::DateGreaterThan
        | Op::DateGreaterThanEquals => match (parse_date(actual), parse_date(expected)) {
            (Some(a), Some(e)) => ordered(op, a, e),
            _ => false,
        },
        Op::Bool => actual.eq_ignore_ascii_case(expected),
        Op::BinaryEquals => actual == expected,
        Op::IpAddress => in_cidr(actual, expected),
        Op::ArnEquals => arn_match(expected, actual, false),
        Op::ArnLike => arn_match(expected, actual, true),
        Op::Null => false,
    }
}

fn ordered(op: Op, a: f64, e: f64) -> bool {
    match op {
        Op::NumericEquals | Op::DateEquals => a == e,
        Op::NumericLessThan | Op::DateLessThan => a < e,
        Op::NumericLessThanEquals | Op::DateLessThanEquals => a <= e,
        Op::NumericGreaterThan | Op::DateGreaterThan => a > e,
        _ => a >= e,
    }
}

/// ARNs compare field by field: a wildcard never reaches across the first five colons.
fn arn_match(pattern: &str, arn: &str, like: bool) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    if p.len() != a.len() {
        return like && p.len() == 1 && wildcard::matches(pattern, arn, false);
    }
    p.iter().zip(&a).all(|(p, a)| if like { wildcard::matches(p, a, false) } else { p == a })
}

/// `ip` inside `cidr` (a bare address is a /32 or /128).
fn in_cidr(ip: &str, cidr: &str) -> bool {
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (cidr, None),
    };
    let (Ok(ip), Ok(net)) = (ip.trim().parse::<IpAddr>(), net.trim().parse::<IpAddr>()) else { return false };
    match (ip, net) {
        (IpAddr::V4(i), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(i) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(i), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            u128::from(i) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Epoch seconds from an ISO 8601 date/time (`2024-01-31`, `2024-01-31T12:00:00Z`,
/// with fractions or an offset) or from epoch seconds.
pub(crate) fn parse_date(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(n) = t.parse::<f64>() {
        return Some(n);
    }
    let (date, time) = match t.split_once(['T', 't', ' ']) {
        Some((d, tm)) => (d, Some(tm)),
        None => (t, None),
    };
    let mut parts = date.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) as f64 * 86_400.0;
    if let Some(time) = time {
        let (clock, offset) = split_offset(time)?;
        let mut hms = clock.splitn(3, ':');
        let h: f64 = hms.next()?.parse().ok()?;
        let mi: f64 = hms.next().unwrap_or("0").parse().ok()?;
        let s: f64 = hms.next().unwrap_or("0").parse().ok()?;
        secs += h * 3600.0 + mi * 60.0 + s - offset;
    }
    Some(secs)
}

/// Splits `12:00:00+02:00` into the clock and the offset in seconds.
fn split_offset(time: &str) -> Option<(&str, f64)> {
    if let Some(c) = time.strip_suffix(['Z', 'z']) {
        return Some((c, 0.0));
    }
    if let Some(i) = time.rfind(['+', '-']) {
        let (clock, off) = time.split_at(i);
        let sign = if off.starts_with('-') { -1.0 } else { 1.0 };
        let (h, m) = off[1..].split_once(':').unwrap_or((&off[1..], "0"));
        return Some((clock, sign * (h.parse::<f64>().ok()? * 3600.0 + m.parse::<f64>().ok()? * 60.0)));
    }
    Some((time, 0.0))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cond(block: Value) -> Condition {
        Condition::parse_block(&block).unwrap().remove(0)
    }

    fn ctx(pairs: &[(&str, &[&str])]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(k, v.iter().map(|s| s.to_string()).collect());
        }
        c
    }

    #[test]
    fn strings_and_negation() {
        let c = cond(json!({"StringEquals": {"aws:username": ["alice", "bob"]}}));
        assert!(c.holds(&ctx(&[("AWS:UserName", &["bob"])])));
        assert!(!c.holds(&ctx(&[("aws:username", &["carol"])])));
        assert!(!c.holds(&ctx(&[])));
        let n = cond(json!({"StringNotEquals": {"aws:username": "alice"}}));
        assert!(n.holds(&ctx(&[("aws:username", &["bob"])])));
        assert!(!n.holds(&ctx(&[("aws:username", &["alice"])])));
        assert!(n.holds(&ctx(&[])), "negated operators hold when the key is absent");
        let like = cond(json!({"StringLike": {"s3:prefix": "home/*"}}));
        assert!(like.holds(&ctx(&[("s3:prefix", &["home/alice/x"])])));
        let ic = cond(json!({"StringEqualsIgnoreCase": {"k": "ABC"}}));
        assert!(ic.holds(&ctx(&[("k", &["abc"])])));
        let var = cond(json!({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}));
        assert!(var.holds(&ctx(&[("s3:prefix", &["home/bob/x"]), ("aws:username", &["bob"])])));
        assert!(!var.holds(&ctx(&[("s3:prefix", &["home/eve/x"]), ("aws:username", &["bob"])])));
        let ie = cond(json!({"StringEqualsIfExists": {"k": "a"}}));
        assert!(ie.holds(&ctx(&[])));
        assert!(!ie.holds(&ctx(&[("k", &["b"])])));
    }

    #[test]
    fn numbers_dates_bools_ips_arns_null() {
        assert!(cond(json!({"NumericLessThan": {"n": 10}})).holds(&ctx(&[("n", &["9"])])));
        assert!(!cond(json!({"NumericLessThan": {"n": "10"}})).holds(&ctx(&[("n", &["10"])])));
        assert!(cond(json!({"NumericGreaterThanEquals": {"n": "10"}})).holds(&ctx(&[("n", &["10"])])));
        assert!(cond(json!({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}))
            .holds(&ctx(&[("aws:CurrentTime", &["2021-06-01T12:00:00Z"])])));
        assert!(cond(json!({"DateLessThan": {"t": "2020-01-01"}})).holds(&ctx(&[("t", &["1500000000"])])));
        assert!(cond(json!({"Bool": {"aws:SecureTransport": true}})).holds(&ctx(&[("aws:SecureTransport", &["TRUE"])])));
        let ip = cond(json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}));
        assert!(ip.holds(&ctx(&[("aws:SourceIp", &["10.1.2.3"])])));
        assert!(ip.holds(&ctx(&[("aws:SourceIp", &["2001:db8::1"])])));
        assert!(!ip.holds(&ctx(&[("aws:SourceIp", &["192.168.0.1"])])));
        let not_ip = cond(json!({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}));
        assert!(not_ip.holds(&ctx(&[("aws:SourceIp", &["192.168.0.1"])])));
        let arn = cond(json!({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}}));
        assert!(arn.holds(&ctx(&[("aws:SourceArn", &["arn:aws:sns:us-east-1:123456789012:topic"])])));
        assert!(!arn.holds(&ctx(&[("aws:SourceArn", &["arn:aws:sns:us-east-1:999999999999:topic"])])));
        let eq = cond(json!({"ArnEquals": {"a": "arn:aws:s3:::b"}}));
        assert!(eq.holds(&ctx(&[("a", &["arn:aws:s3:::b"])])));
        let null = cond(json!({"Null": {"aws:TokenIssueTime": "true"}}));
        assert!(null.holds(&ctx(&[])));
        assert!(!null.holds(&ctx(&[("aws:TokenIssueTime", &["x"])])));
    }

    #[test]
    fn set_qualifiers() {
        let any = cond(json!({"ForAnyValue:StringEquals": {"tags": ["a", "b"]}}));
        assert!(any.holds(&ctx(&[("tags", &["x", "b"])])));
        assert!(!any.holds(&ctx(&[("tags", &["x"])])));
        assert!(!any.holds(&ctx(&[])));
        let all = cond(json!({"ForAllValues:StringEquals": {"tags": ["a", "b"]}}));
        assert!(all.holds(&ctx(&[("tags", &["a", "b"])])));
        assert!(!all.holds(&ctx(&[("tags", &["a", "c"])])));
        assert!(all.holds(&ctx(&[])), "ForAllValues holds vacuously");
    }

    #[test]
    fn rejects_unknown_operators() {
        assert!(Condition::parse_block(&json!({"StringSortOf": {"k": "v"}})).is_none());
        assert!(Condition::parse_block(&json!({"StringEquals": "v"})).is_none());
    }
}
