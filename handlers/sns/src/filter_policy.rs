//! Subscription filter policies: parsed once when a subscription's `FilterPolicy` is set
//! (so a bad policy is refused with AWS's words at that point), then matched against every
//! message published to the topic.
//!
//! A policy is an object whose keys are attribute names (scope `MessageAttributes`) or
//! paths into a JSON message body (scope `MessageBody`, where objects nest). Each key holds
//! a list of matchers, any of which may match; all keys must match; `$or` holds policies of
//! which any may match. The operators are the ones AWS documents: exact values, `prefix`,
//! `suffix`, `equals-ignore-case`, `anything-but` (values, `prefix`, `suffix`,
//! `equals-ignore-case`), `numeric` ranges, `exists` and `cidr`.

use serde_json::Value;

/// AWS's limits on a policy's shape.
const MAX_KEYS: usize = 5;
const MAX_COMBINATIONS: usize = 150;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    MessageAttributes,
    MessageBody,
}

impl Scope {
    pub fn parse(text: &str) -> Option<Scope> {
        match text {
            "MessageAttributes" => Some(Scope::MessageAttributes),
            "MessageBody" => Some(Scope::MessageBody),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::MessageAttributes => "MessageAttributes",
            Scope::MessageBody => "MessageBody",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FilterPolicy {
    clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq)]
enum Clause {
    /// The value at `path` matches one of `matchers`.
    Key { path: Vec<String>, matchers: Vec<Matcher> },
    /// One of the policies matches.
    Or(Vec<FilterPolicy>),
}

#[derive(Debug, Clone, PartialEq)]
enum Matcher {
    Equals(Scalar),
    Prefix(String),
    Suffix(String),
    EqualsIgnoreCase(String),
    AnythingBut(AnythingBut),
    Numeric(Vec<(Comparison, f64)>),
    Exists(bool),
    Cidr { network: u32, mask: u32 },
}

#[derive(Debug, Clone, PartialEq)]
enum AnythingBut {
    Values(Vec<Scalar>),
    Prefix(String),
    Suffix(String),
    EqualsIgnoreCase(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Comparison {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A value a message offers for a key: strings and numbers from attributes, any JSON
/// scalar from a body.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

/// What a message offers for a key path: `None` when the key is absent, else the scalar
/// values found there (several for arrays; none for a binary attribute).
pub trait Lookup {
    fn lookup(&self, path: &[String]) -> Option<Vec<Scalar>>;
}

type ParseResult<T> = Result<T, String>;

fn invalid(message: impl std::fmt::Display) -> String {
    format!("FilterPolicy: {message}")
}

impl FilterPolicy {
    /// Parses a policy, or gives the message AWS words after `Invalid parameter: `.
    pub fn parse(text: &str, scope: Scope) -> ParseResult<FilterPolicy> {
        let value: Value = serde_json::from_str(text).map_err(|e| invalid(format!("failed to parse JSON. {e}")))?;
        let Value::Object(_) = value else {
            return Err(invalid("Filter policy must be a JSON object"));
        };
        // Only top-level keys count towards the limit (a nested policy counts its parents).
        if value.as_object().map_or(0, |m| m.len()) > MAX_KEYS {
            return Err(invalid(format!("Filter policy can not have more than {MAX_KEYS} keys")));
        }
        let policy = parse_object(&value, &[], scope)?;
        if combinations(&value, 1, 1) > MAX_COMBINATIONS {
            return Err(invalid("Filter policy is too complex"));
        }
        Ok(policy)
    }

    /// Whether a message offering `message`'s values passes the policy.
    pub fn matches(&self, message: &dyn Lookup) -> bool {
        self.clauses.iter().all(|clause| match clause {
            Clause::Key { path, matchers } => {
                let values = message.lookup(path);
                matchers.iter().any(|m| m.matches(values.as_deref()))
            }
            Clause::Or(policies) => policies.iter().any(|p| p.matches(message)),
        })
    }
}

/// AWS's complexity measure: each key's number of values, times the depth it is nested at,
/// multiplied across keys; `$or` branches add up. (Its documented example: four values three
/// levels deep and three values two levels deep make 3 x 4 x 2 x 3 = 72.)
fn combinations(policy: &Value, depth: usize, mut total: usize) -> usize {
    let Value::Object(map) = policy else { return total };
    for (key, value) in map {
        match value {
            Value::Object(_) => total = combinations(value, depth + 1, total),
            Value::Array(branches) if key == "$or" => {
                total = branches.iter().map(|b| combinations(b, depth, total)).fold(0usize, usize::saturating_add);
            }
            Value::Array(values) => total = total.saturating_mul(values.len()).saturating_mul(depth),
            _ => {}
        }
    }
    total
}

fn parse_object(value: &Value, prefix: &[String], scope: Scope) -> ParseResult<FilterPolicy> {
    let Value::Object(map) = value else { unreachable!("callers pass objects") };
    let mut clauses = Vec::new();
    for (key, value) in map {
        if key == "$or" {
            let Value::Array(branches) = value else {
                return Err(invalid("\"$or\" must be an array"));
            };
            if branches.len() < 2 {
                return Err(invalid("\"$or\" must have at least 2 elements"));
            }
            let mut policies = Vec::with_capacity(branches.len());
            for branch in branches {
                if !branch.is_object() {
                    return Err(invalid("\"$or\" elements must be objects"));
                }
                policies.push(parse_object(branch, prefix, scope)?);
            }
            clauses.push(Clause::Or(policies));
            continue;
        }
        let mut path = prefix.to_vec();
        path.push(key.clone());
        match value {
            Value::Array(items) => {
                if items.is_empty() {
                    return Err(invalid("Empty arrays are not allowed"));
                }
                let matchers = items.iter().map(parse_matcher).collect::<ParseResult<Vec<_>>>()?;
                clauses.push(Clause::Key { path, matchers });
            }
            Value::Object(_) if scope == Scope::MessageAttributes => {
                return Err("Filter policy scope MessageAttributes does not support nested filter policy".into());
            }
            Value::Object(_) => clauses.extend(parse_object(value, &path, scope)?.clauses),
            _ => return Err(invalid(format!("\"{key}\" must be an object or an array"))),
        }
    }
    Ok(FilterPolicy { clauses })
}

fn scalar(value: &Value) -> Option<Scalar> {
    match value {
        Value::String(s) => Some(Scalar::Str(s.clone())),
        Value::Number(n) => n.as_f64().map(Scalar::Num),
        Value::Bool(b) => Some(Scalar::Bool(*b)),
        Value::Null => Some(Scalar::Null),
        _ => None,
    }
}

fn parse_matcher(value: &Value) -> ParseResult<Matcher> {
    if let Some(s) = scalar(value) {
        return Ok(Matcher::Equals(s));
    }
    let Value::Object(map) = value else {
        return Err(invalid("Match value must be String, number, true, false, or null"));
    };
    let mut entries = map.iter();
    let (Some((operator, operand)), None) = (entries.next(), entries.next()) else {
        return Err(invalid("Only one key allowed in match expression"));
    };
    let string_operand = |name: &str| match operand {
        Value::String(s) => Ok(s.clone()),
        _ => Err(invalid(format!("{name} match pattern must be a string"))),
    };
    match operator.as_str() {
        "prefix" => Ok(Matcher::Prefix(string_operand("prefix")?)),
        "suffix" => Ok(Matcher::Suffix(string_operand("suffix")?)),
        "equals-ignore-case" => Ok(Matcher::EqualsIgnoreCase(string_operand("equals-ignore-case")?)),
        "exists" => match operand {
            Value::Bool(b) => Ok(Matcher::Exists(*b)),
            _ => Err(invalid("exists match pattern must be either true or false.")),
        },
        "numeric" => parse_numeric(operand),
        "anything-but" => parse_anything_but(operand),
        "cidr" => parse_cidr(operand),
        other => Err(invalid(format!("Unrecognized match type {other}"))),
    }
}

fn parse_anything_but(operand: &Value) -> ParseResult<Matcher> {
    let values = |items: &[Value]| -> ParseResult<Vec<Scalar>> {
        items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(Scalar::Str(s.clone())),
                Value::Number(n) => Ok(Scalar::Num(n.as_f64().unwrap_or(f64::NAN))),
                _ => Err(invalid("Inside anything but list, start|null|boolean is not supported.")),
            })
            .collect()
    };
    match operand {
        Value::String(_) | Value::Number(_) => {
            Ok(Matcher::AnythingBut(AnythingBut::Values(values(std::slice::from_ref(operand))?)))
        }
        Value::Array(items) if !items.is_empty() => Ok(Matcher::AnythingBut(AnythingBut::Values(values(items)?))),
        Value::Array(_) => Err(invalid("Empty arrays are not allowed")),
        Value::Object(map) if map.len() == 1 => {
            let (operator, inner) = map.iter().next().expect("one entry");
            let text = |name: &str| match inner {
                Value::String(s) => Ok(s.clone()),
                _ => Err(invalid(format!("{name} match pattern must be a string"))),
            };
            match operator.as_str() {
                "prefix" => Ok(Matcher::AnythingBut(AnythingBut::Prefix(text("prefix")?))),
                "suffix" => Ok(Matcher::AnythingBut(AnythingBut::Suffix(text("suffix")?))),
                "equals-ignore-case" => {
                    let list = match inner {
                        Value::String(s) => vec![s.clone()],
                        Value::Array(items) if !items.is_empty() => items
                            .iter()
                            .map(|v| v.as_str().map(str::to_owned))
                            .collect::<Option<Vec<_>>>()
                            .ok_or_else(|| invalid("equals-ignore-case match pattern must be a string"))?,
                        _ => return Err(invalid("equals-ignore-case match pattern must be a string")),
                    };
                    Ok(Matcher::AnythingBut(AnythingBut::EqualsIgnoreCase(list)))
                }
                other => Err(invalid(format!("Unsupported anything-but pattern: {other}"))),
            }
        }
        _ => Err(invalid("Value of anything-but must be an array or single string/number value.")),
    }
}

fn parse_numeric(operand: &Value) -> ParseResult<Matcher> {
    let Value::Array(items) = operand else {
        return Err(invalid("Value of numeric must be an array."));
    };
    let operator = |item: Option<&Value>| -> ParseResult<Comparison> {
        match item {
            None => Err(invalid("Invalid member in numeric match: ]")),
            Some(Value::String(op)) => match op.as_str() {
                "=" => Ok(Comparison::Eq),
                "<" => Ok(Comparison::Lt),
                "<=" => Ok(Comparison::Le),
                ">" => Ok(Comparison::Gt),
                ">=" => Ok(Comparison::Ge),
                other => Err(invalid(format!("Unrecognized numeric range operator: {other}"))),
            },
            Some(other) => Err(invalid(format!("Invalid member in numeric match: {other}"))),
        }
    };
    let number = |item: Option<&Value>, op: &str| -> ParseResult<f64> {
        item.and_then(Value::as_f64).ok_or_else(|| {
            let named = if op == "=" { "equals" } else { op };
            invalid(format!("Value of {named} must be numeric"))
        })
    };
    let first = operator(items.first())?;
    let first_op = items[0].as_str().unwrap_or_default();
    let bottom = number(items.get(1), first_op)?;
    let mut terms = vec![(first, bottom)];
    if items.len() > 2 {
        if !matches!(first, Comparison::Gt | Comparison::Ge) {
            return Err(invalid("Too many elements in numeric expression"));
        }
        let second = match &items[2] {
            Value::String(op) if op == "<" => Comparison::Lt,
            Value::String(op) if op == "<=" => Comparison::Le,
            Value::String(op) => return Err(invalid(format!("Bad numeric range operator: {op}"))),
            other => return Err(invalid(format!("Bad value in numeric range: {other}"))),
        };
        let top = number(items.get(3), items[2].as_str().unwrap_or_default())?;
        if top <= bottom {
            return Err(invalid("Bottom must be less than top"));
        }
        if items.len() > 4 {
            return Err(invalid("Too many terms in numeric range expression"));
        }
        terms.push((second, top));
    }
    Ok(Matcher::Numeric(terms))
}

fn parse_cidr(operand: &Value) -> ParseResult<Matcher> {
    // AWS answers a non-string `cidr` with the prefix wording.
    let text = operand.as_str().ok_or_else(|| invalid("prefix match pattern must be a string"))?;
    let (address, bits) = match text.split('/').collect::<Vec<_>>().as_slice() {
        [address, bits] => (*address, *bits),
        _ => return Err(invalid("Malformed CIDR, one '/' required")),
    };
    let bits: u32 = bits.parse().map_err(|_| invalid("Malformed CIDR, mask bits must be an integer"))?;
    let nonstandard = || invalid(format!("Nonstandard IP address: {address}"));
    let address: std::net::Ipv4Addr = address.parse().map_err(|_| nonstandard())?;
    if bits > 32 {
        return Err(nonstandard());
    }
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    Ok(Matcher::Cidr { network: u32::from(address) & mask, mask })
}

impl Matcher {
    fn matches(&self, values: Option<&[Scalar]>) -> bool {
        match self {
            Matcher::Exists(expected) => values.is_some() == *expected,
            _ => values.is_some_and(|vs| vs.iter().any(|v| self.matches_value(v))),
        }
    }

    fn matches_value(&self, value: &Scalar) -> bool {
        match (self, value) {
            (Matcher::Equals(expected), v) => scalars_equal(expected, v),
            (Matcher::Prefix(p), Scalar::Str(s)) => s.starts_with(p.as_str()),
            (Matcher::Suffix(p), Scalar::Str(s)) => s.ends_with(p.as_str()),
            (Matcher::EqualsIgnoreCase(p), Scalar::Str(s)) => s.to_lowercase() == p.to_lowercase(),
            (Matcher::AnythingBut(but), v) => match but {
                AnythingBut::Values(excluded) => {
                    !excluded.iter().any(|e| scalars_equal(e, v)) && matches!(v, Scalar::Str(_) | Scalar::Num(_))
                }
                AnythingBut::Prefix(p) => matches!(v, Scalar::Str(s) if !s.starts_with(p.as_str())),
                AnythingBut::Suffix(p) => matches!(v, Scalar::Str(s) if !s.ends_with(p.as_str())),
                AnythingBut::EqualsIgnoreCase(list) => {
                    matches!(v, Scalar::Str(s) if !list.iter().any(|e| e.to_lowercase() == s.to_lowercase()))
                }
            },
            (Matcher::Numeric(terms), Scalar::Num(n)) => terms.iter().all(|(c, bound)| match c {
                Comparison::Eq => n == bound,
                Comparison::Lt => n < bound,
                Comparison::Le => n <= bound,
                Comparison::Gt => n > bound,
                Comparison::Ge => n >= bound,
            }),
            (Matcher::Cidr { network, mask }, Scalar::Str(s)) => {
                s.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| u32::from(ip) & mask == *network)
            }
            _ => false,
        }
    }
}

fn scalars_equal(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Str(x), Scalar::Str(y)) => x == y,
        (Scalar::Num(x), Scalar::Num(y)) => x == y,
        (Scalar::Bool(x), Scalar::Bool(y)) => x == y,
        (Scalar::Null, Scalar::Null) => true,
        _ => false,
    }
}

/// A JSON message body, for scope `MessageBody`: keys are paths through nested objects,
/// arrays on the way are searched element by element.
pub struct JsonBody<'a>(pub &'a Value);

impl Lookup for JsonBody<'_> {
    fn lookup(&self, path: &[String]) -> Option<Vec<Scalar>> {
        let mut current = vec![self.0];
        for key in path {
            let mut next = Vec::new();
            for value in current {
                collect_key(value, key, &mut next);
            }
            if next.is_empty() {
                return None;
            }
            current = next;
        }
        let mut out = Vec::new();
        for value in current {
            flatten_scalars(value, &mut out);
        }
        Some(out)
    }
}

fn collect_key<'a>(value: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => out.extend(map.get(key)),
        Value::Array(items) => items.iter().for_each(|v| collect_key(v, key, out)),
        _ => {}
    }
}

fn flatten_scalars(value: &Value, out: &mut Vec<Scalar>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| flatten_scalars(v, out)),
        other => out.extend(scalar(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Message attributes as `name -> values` (absent names are absent).
    struct Attrs(HashMap<String, Vec<Scalar>>);

    impl Lookup for Attrs {
        fn lookup(&self, path: &[String]) -> Option<Vec<Scalar>> {
            self.0.get(&path[0]).cloned()
        }
    }

    fn attrs(pairs: &[(&str, Scalar)]) -> Attrs {
        Attrs(pairs.iter().map(|(k, v)| (k.to_string(), vec![v.clone()])).collect())
    }

    fn s(v: &str) -> Scalar {
        Scalar::Str(v.into())
    }

    fn on_attrs(policy: &str, pairs: &[(&str, Scalar)]) -> bool {
        FilterPolicy::parse(policy, Scope::MessageAttributes).unwrap().matches(&attrs(pairs))
    }

    fn on_body(policy: &str, body: &str) -> bool {
        let body: Value = serde_json::from_str(body).unwrap();
        FilterPolicy::parse(policy, Scope::MessageBody).unwrap().matches(&JsonBody(&body))
    }

    fn error(policy: &str, scope: Scope) -> String {
        FilterPolicy::parse(policy, scope).unwrap_err()
    }

    #[test]
    fn exact_values() {
        assert!(on_attrs(r#"{"color":["red","blue"]}"#, &[("color", s("blue"))]));
        assert!(!on_attrs(r#"{"color":["red"]}"#, &[("color", s("green"))]));
        assert!(!on_attrs(r#"{"color":["red"]}"#, &[]));
        assert!(on_attrs(r#"{"n":[5]}"#, &[("n", Scalar::Num(5.0))]));
        assert!(!on_attrs(r#"{"n":["5"]}"#, &[("n", Scalar::Num(5.0))]));
    }

    #[test]
    fn all_keys_must_match() {
        let p = r#"{"a":["1"],"b":["2"]}"#;
        assert!(on_attrs(p, &[("a", s("1")), ("b", s("2"))]));
        assert!(!on_attrs(p, &[("a", s("1"))]));
    }

    #[test]
    fn prefix_suffix_and_equals_ignore_case() {
        assert!(on_attrs(r#"{"k":[{"prefix":"ord"}]}"#, &[("k", s("order-1"))]));
        assert!(!on_attrs(r#"{"k":[{"prefix":"ord"}]}"#, &[("k", s("xorder"))]));
        assert!(on_attrs(r#"{"k":[{"suffix":".png"}]}"#, &[("k", s("a.png"))]));
        assert!(!on_attrs(r#"{"k":[{"suffix":".png"}]}"#, &[("k", s("a.jpg"))]));
        assert!(on_attrs(r#"{"k":[{"equals-ignore-case":"RED"}]}"#, &[("k", s("rEd"))]));
        assert!(!on_attrs(r#"{"k":[{"equals-ignore-case":"RED"}]}"#, &[("k", s("reds"))]));
    }

    #[test]
    fn anything_but() {
        assert!(on_attrs(r#"{"k":[{"anything-but":["a","b"]}]}"#, &[("k", s("c"))]));
        assert!(!on_attrs(r#"{"k":[{"anything-but":["a","b"]}]}"#, &[("k", s("a"))]));
        assert!(!on_attrs(r#"{"k":[{"anything-but":"a"}]}"#, &[]), "an absent key is no match");
        assert!(on_attrs(r#"{"k":[{"anything-but":100}]}"#, &[("k", Scalar::Num(5.0))]));
        assert!(!on_attrs(r#"{"k":[{"anything-but":100}]}"#, &[("k", Scalar::Num(100.0))]));
        assert!(on_attrs(r#"{"k":[{"anything-but":{"prefix":"x"}}]}"#, &[("k", s("yes"))]));
        assert!(!on_attrs(r#"{"k":[{"anything-but":{"prefix":"x"}}]}"#, &[("k", s("xyz"))]));
        assert!(!on_attrs(r#"{"k":[{"anything-but":{"suffix":"z"}}]}"#, &[("k", s("xyz"))]));
        assert!(!on_attrs(r#"{"k":[{"anything-but":{"equals-ignore-case":["A"]}}]}"#, &[("k", s("a"))]));
        assert!(on_attrs(r#"{"k":[{"anything-but":{"equals-ignore-case":["A"]}}]}"#, &[("k", s("b"))]));
    }

    #[test]
    fn numeric_ranges() {
        let p = r#"{"price":[{"numeric":[">",0,"<=",100]}]}"#;
        assert!(on_attrs(p, &[("price", Scalar::Num(100.0))]));
        assert!(!on_attrs(p, &[("price", Scalar::Num(0.0))]));
        assert!(!on_attrs(p, &[("price", s("50"))]), "strings are not numbers");
        assert!(on_attrs(r#"{"p":[{"numeric":["=",3.5]}]}"#, &[("p", Scalar::Num(3.5))]));
        assert!(on_attrs(r#"{"p":[{"numeric":[">=",10]}]}"#, &[("p", Scalar::Num(10.0))]));
        assert!(!on_attrs(r#"{"p":[{"numeric":["<",10]}]}"#, &[("p", Scalar::Num(10.0))]));
    }

    #[test]
    fn exists() {
        assert!(on_attrs(r#"{"k":[{"exists":true}]}"#, &[("k", s("x"))]));
        assert!(!on_attrs(r#"{"k":[{"exists":true}]}"#, &[]));
        assert!(on_attrs(r#"{"k":[{"exists":false}]}"#, &[]));
        assert!(!on_attrs(r#"{"k":[{"exists":false}]}"#, &[("k", s("x"))]));
    }

    #[test]
    fn cidr() {
        let p = r#"{"ip":[{"cidr":"10.0.0.0/24"}]}"#;
        assert!(on_attrs(p, &[("ip", s("10.0.0.255"))]));
        assert!(!on_attrs(p, &[("ip", s("10.0.1.1"))]));
    }

    #[test]
    fn or_of_policies() {
        let p = r#"{"$or":[{"a":["1"]},{"b":["2"]}]}"#;
        assert!(on_attrs(p, &[("b", s("2"))]));
        assert!(!on_attrs(p, &[("a", s("2"))]));
        let p = r#"{"c":["x"],"$or":[{"a":["1"]},{"b":["2"]}]}"#;
        assert!(on_attrs(p, &[("c", s("x")), ("a", s("1"))]));
        assert!(!on_attrs(p, &[("a", s("1"))]));
    }

    #[test]
    fn body_nested_keys_arrays_and_scalars() {
        let body = r#"{"order":{"status":"paid","total":42,"items":[{"sku":"a"},{"sku":"b"}],"gift":false,"note":null},"tags":["x","y"]}"#;
        assert!(on_body(r#"{"order":{"status":["paid"]}}"#, body));
        assert!(on_body(r#"{"order":{"total":[{"numeric":[">",40]}]}}"#, body));
        assert!(on_body(r#"{"order":{"items":{"sku":["b"]}}}"#, body));
        assert!(on_body(r#"{"tags":["y"]}"#, body));
        assert!(on_body(r#"{"order":{"gift":[false],"note":[null]}}"#, body));
        assert!(!on_body(r#"{"order":{"status":["open"]}}"#, body));
        assert!(on_body(r#"{"order":{"missing":[{"exists":false}]}}"#, body));
        assert!(on_body(r#"{"$or":[{"order":{"status":["x"]}},{"tags":["x"]}]}"#, body));
    }

    #[test]
    fn validation_messages() {
        assert_eq!(
            error(r#"{"a":{"b":["c"]}}"#, Scope::MessageAttributes),
            "Filter policy scope MessageAttributes does not support nested filter policy"
        );
        assert_eq!(
            error(r#"{"a":"b"}"#, Scope::MessageAttributes),
            "FilterPolicy: \"a\" must be an object or an array"
        );
        assert_eq!(
            error(r#"{"a":[{"foo":1}]}"#, Scope::MessageAttributes),
            "FilterPolicy: Unrecognized match type foo"
        );
        assert_eq!(
            error(r#"{"a":[{"numeric":[">","x"]}]}"#, Scope::MessageAttributes),
            "FilterPolicy: Value of > must be numeric"
        );
        assert_eq!(
            error(r#"{"a":[{"exists":"yes"}]}"#, Scope::MessageAttributes),
            "FilterPolicy: exists match pattern must be either true or false."
        );
        assert_eq!(error(r#"{"a":[]}"#, Scope::MessageAttributes), "FilterPolicy: Empty arrays are not allowed");
        assert_eq!(
            error(r#"{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}"#, Scope::MessageAttributes),
            "FilterPolicy: Filter policy can not have more than 5 keys"
        );
        let wide: Vec<String> = (0..13).map(|i| format!("\"v{i}\"")).collect();
        let list = wide.join(",");
        assert_eq!(
            error(&format!(r#"{{"a":[{list}],"b":[{list}]}}"#), Scope::MessageAttributes),
            "FilterPolicy: Filter policy is too complex"
        );
        assert!(error("[1]", Scope::MessageAttributes).starts_with("FilterPolicy: "));
        assert!(error("{", Scope::MessageAttributes).starts_with("FilterPolicy: failed to parse JSON"));
    }

    #[test]
    fn numeric_and_cidr_validation_messages() {
        let e = |p: &str| error(p, Scope::MessageAttributes);
        assert_eq!(e(r#"{"a":[{"numeric":[]}]}"#), "FilterPolicy: Invalid member in numeric match: ]");
        assert_eq!(e(r#"{"a":[{"numeric":["!",1]}]}"#), "FilterPolicy: Unrecognized numeric range operator: !");
        assert_eq!(e(r#"{"a":[{"numeric":["=","x"]}]}"#), "FilterPolicy: Value of equals must be numeric");
        assert_eq!(e(r#"{"a":[{"numeric":["<",1,">",0]}]}"#), "FilterPolicy: Too many elements in numeric expression");
        assert_eq!(e(r#"{"a":[{"numeric":[">",1,">",0]}]}"#), "FilterPolicy: Bad numeric range operator: >");
        assert_eq!(e(r#"{"a":[{"numeric":[">",5,"<",1]}]}"#), "FilterPolicy: Bottom must be less than top");
        assert_eq!(
            e(r#"{"a":[{"numeric":[">",0,"<",1,"x"]}]}"#),
            "FilterPolicy: Too many terms in numeric range expression"
        );
        assert_eq!(e(r#"{"a":[{"cidr":"10.0.0.1"}]}"#), "FilterPolicy: Malformed CIDR, one '/' required");
        assert_eq!(e(r#"{"a":[{"cidr":"10.0.0/8"}]}"#), "FilterPolicy: Nonstandard IP address: 10.0.0");
    }

    #[test]
    fn complexity_counts_nesting_depth() {
        // AWS's documented example: 3 x 4 x 2 x 3 = 72, within the limit of 150.
        let nested = r#"{"a":{"b":{"c":["1","2","3","4"]}},"d":{"e":["1","2","3"]}}"#;
        assert!(FilterPolicy::parse(nested, Scope::MessageBody).is_ok());
        let deeper = r#"{"a":{"b":{"c":["1","2","3","4","5","6","7"]}},"d":{"e":["1","2","3","4"]}}"#;
        assert_eq!(error(deeper, Scope::MessageBody), "FilterPolicy: Filter policy is too complex");
    }

    #[test]
    fn empty_policy_matches_everything() {
        assert!(on_attrs("{}", &[]));
    }
}
