//! Constraint validation of decoded input against the model: `@required`, `@length`,
//! `@range`, `@pattern`, `@uniqueItems` and enum values, with AWS's and Smithy's
//! message formats.
//!
//! The walk visits the decoded input once, depth first, in member order. Shapes whose
//! closure holds no constraint at all are skipped without looking at their values (see
//! [`ShapeFlags`]), so unconstrained inputs cost next to nothing. Each failure becomes a
//! [`Violation`] that carries what both message formats need: Smithy's JSON-pointer path
//! and AWS's dotted path, the offending value as AWS quotes it, and the constraint.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::sync::{OnceLock, RwLock};

use regex::Regex;

use crate::schema::{Constraints, Member, Schema, ShapeId, ShapeKind, ValidationStyle};
use crate::value::{StructBuilder, Value};

/// One failed constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Smithy's JSON pointer built from member names: `/list/0/name`, `/map/key`.
    pub path: String,
    /// AWS's path: lowerCamel member names joined by `.`, list items as `.N.member`
    /// (1-based): `keySchema.1.member.attributeName`.
    pub aws_path: String,
    /// The offending value as AWS messages quote it; `None` for a missing value.
    pub value: Option<String>,
    pub constraint: Constraint,
    /// Whether the constraint held for the member itself or for the items, keys or
    /// values of the collection at `aws_path` (AWS words those differently).
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    Required,
    /// `actual` counts code points of strings, bytes of blobs, entries of collections.
    Length {
        min: Option<u64>,
        max: Option<u64>,
        actual: u64,
    },
    Range {
        min: Option<f64>,
        max: Option<f64>,
    },
    Pattern(&'static str),
    UniqueItems,
    /// The allowed values, already formatted: `[abc, def]`.
    Enum(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Member,
    ListItems,
    MapKeys,
    MapValues,
}

/// Checks `value`, a structure of `shape`, against the model's constraints.
pub fn validate(schema: &Schema, shape: ShapeId, value: &Value) -> Vec<Violation> {
    let flags = ShapeFlags::of(schema);
    if !flags.needs_check(shape) {
        return Vec::new();
    }
    let mut walker = Walker { schema, flags, found: Vec::new(), trail: Vec::new() };
    walker.check_children(shape, value);
    walker.found
}

/// `1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: ...`
pub fn aws_message(violations: &[Violation]) -> String {
    let details: Vec<String> = violations.iter().map(aws_detail).collect();
    format!("{} detected: {}", error_count(violations.len()), details.join("; "))
}

/// `1 validation error detected. Value at '/name' failed to satisfy constraint: ...`
pub fn smithy_message(violations: &[Violation]) -> String {
    let details: Vec<String> = violations.iter().map(smithy_detail).collect();
    format!("{} detected. {}", error_count(violations.len()), details.join("; "))
}

/// The `smithy.framework#ValidationException` value of error shape `shape`: `message`
/// and `fieldList` (one `{path, message}` per violation).
pub fn smithy_validation_value(schema: &Schema, shape: ShapeId, violations: &[Violation]) -> Value {
    let members = schema.shape(shape).kind.members();
    let mut error = StructBuilder::new(2);
    if let Some(i) = member_index(members, "message") {
        error.field(i, smithy_message(violations));
    }
    if let Some(i) = member_index(members, "fieldList") {
        let field_shape = match &schema.shape(members[i as usize].target).kind {
            ShapeKind::List { member, .. } => Some(member.target),
            _ => None,
        };
        if let Some(field_shape) = field_shape {
            let fields = violations.iter().map(|v| field_value(schema, field_shape, v)).collect();
            error.field(i, Value::List(fields));
        }
    }
    error.build()
}

fn field_value(schema: &Schema, shape: ShapeId, violation: &Violation) -> Value {
    let members = schema.shape(shape).kind.members();
    let mut field = StructBuilder::new(2);
    if let Some(i) = member_index(members, "path") {
        field.field(i, violation.path.clone());
    }
    if let Some(i) = member_index(members, "message") {
        field.field(i, smithy_detail(violation));
    }
    field.build()
}

fn member_index(members: &[Member], name: &str) -> Option<u16> {
    members.iter().position(|m| m.name == name).map(|i| i as u16)
}

fn error_count(n: usize) -> String {
    if n == 1 {
        "1 validation error".to_owned()
    } else {
        format!("{n} validation errors")
    }
}

fn smithy_detail(v: &Violation) -> String {
    let subject = match &v.constraint {
        Constraint::Length { actual, .. } => format!("Value with length {actual}"),
        _ => "Value".to_owned(),
    };
    format!("{subject} at '{}' failed to satisfy constraint: {}", v.path, smithy_rule(&v.constraint))
}

fn smithy_rule(c: &Constraint) -> String {
    match c {
        Constraint::Required => "Member must not be null".to_owned(),
        Constraint::Length { min, max, .. } => {
            format!("Member must have length {}", bounds(min.map(|m| m as f64), max.map(|m| m as f64)))
        }
        Constraint::Range { min, max } => format!("Member must be {}", bounds(*min, *max)),
        Constraint::Pattern(p) => format!("Member must satisfy regular expression pattern: {p}"),
        Constraint::UniqueItems => "Member must have unique values".to_owned(),
        Constraint::Enum(values) => format!("Member must satisfy enum value set: {values}"),
    }
}

/// `between 2 and 8, inclusive`, `greater than or equal to 2`, `less than or equal to 8`.
fn bounds(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) => format!("between {} and {}, inclusive", number(lo), number(hi)),
        (Some(lo), None) => format!("greater than or equal to {}", number(lo)),
        (None, Some(hi)) => format!("less than or equal to {}", number(hi)),
        (None, None) => "unbounded".to_owned(),
    }
}

/// Bounds print as the model wrote them: `2`, not `2.0`; `2.2`.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn aws_detail(v: &Violation) -> String {
    let value = match &v.value {
        Some(text) => format!("'{text}'"),
        None => "null".to_owned(),
    };
    let rule = aws_rule(v);
    let rule = match v.scope {
        Scope::Member => rule,
        Scope::ListItems => format!("Member must satisfy constraint: [{rule}]"),
        Scope::MapKeys => format!("Map keys must satisfy constraint: [{rule}]"),
        Scope::MapValues => format!("Map value must satisfy constraint: [{rule}]"),
    };
    format!("Value {value} at '{}' failed to satisfy constraint: {rule}", v.aws_path)
}

/// AWS names only the bound that was crossed, and says "have value" for numbers.
fn aws_rule(v: &Violation) -> String {
    match &v.constraint {
        Constraint::Length { min, max, actual } => match (min, max) {
            (Some(lo), _) if actual < lo => format!("Member must have length greater than or equal to {lo}"),
            (_, Some(hi)) => format!("Member must have length less than or equal to {hi}"),
            _ => smithy_rule(&v.constraint),
        },
        Constraint::Range { min, max } => {
            let below = match (min, v.value.as_deref().and_then(|t| t.parse::<f64>().ok())) {
                (Some(lo), Some(n)) => n < *lo,
                _ => max.is_none(),
            };
            match (min, max) {
                (Some(lo), _) if below => format!("Member must have value greater than or equal to {}", number(*lo)),
                (_, Some(hi)) => format!("Member must have value less than or equal to {}", number(*hi)),
                _ => smithy_rule(&v.constraint),
            }
        }
        other => smithy_rule(other),
    }
}

/// Per-schema facts the walk needs, computed once: whether a shape's closure holds
/// anything to check, and which members of a structure or union can fail a check.
pub(crate) struct ShapeFlags {
    needs_check: Vec<bool>,
    /// By shape: the indexes, in member order, of the members that are required or hold
    /// something to check. S3's inputs model dozens of members and constrain a few, so the
    /// walk looks at those few rather than at every member.
    visit: Vec<Box<[u16]>>,
}

impl ShapeFlags {
    fn of(schema: &Schema) -> &ShapeFlags {
        schema.derived.checks.get_or_init(|| {
            let needs_check = closure_flags(schema);
            let visit = schema
                .shapes
                .iter()
                .map(|shape| match &shape.kind {
                    ShapeKind::Structure { members } | ShapeKind::Union { members } => members
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| {
                            m.required
                                || m.constraints.is_some()
                                || needs_check.get(m.target as usize).copied().unwrap_or(false)
                        })
                        .map(|(i, _)| i as u16)
                        .collect(),
                    _ => Box::default(),
                })
                .collect();
            ShapeFlags { needs_check, visit }
        })
    }

    #[inline]
    fn needs_check(&self, shape: ShapeId) -> bool {
        self.needs_check.get(shape as usize).copied().unwrap_or(false)
    }

    fn visit(&self, shape: ShapeId) -> &[u16] {
        self.visit.get(shape as usize).map(|v| &v[..]).unwrap_or(&[])
    }
}

/// Marks shapes that hold, themselves or somewhere below, a required member, a
/// constraint or an enum. Iterates to a fixpoint so recursive shapes settle.
fn closure_flags(schema: &Schema) -> Vec<bool> {
    schema.closure(shape_needs_check)
}

fn shape_needs_check(kind: &ShapeKind, flags: &[bool]) -> bool {
    let member_needs = |m: &Member| m.constraints.is_some() || flags.get(m.target as usize).copied().unwrap_or(false);
    match kind {
        ShapeKind::Enum(_) | ShapeKind::IntEnum(_) => true,
        ShapeKind::Structure { members } => members.iter().any(|m| m.required || member_needs(m)),
        ShapeKind::Union { members } => members.iter().any(member_needs),
        ShapeKind::List { member, .. } => member_needs(member),
        ShapeKind::Map { key, value, .. } => member_needs(key) || member_needs(value),
        _ => false,
    }
}

/// The depth-first walk. `trail` holds the location of the value being checked and grows
/// and shrinks as the walk descends and returns; it becomes path text only when a
/// violation is reported, which most requests never do.
struct Walker<'s, 'v> {
    schema: &'s Schema,
    flags: &'s ShapeFlags,
    found: Vec<Violation>,
    trail: Vec<Step<'v>>,
}

/// One step of the walk's location.
#[derive(Debug, Clone, Copy)]
enum Step<'v> {
    Member(&'static str),
    /// A list item. `aws` is false while the item's own constraints are checked: AWS
    /// names those at the list's path.
    Item {
        index: usize,
        aws: bool,
    },
    /// A map value; `aws` as for items.
    Entry {
        key: &'v str,
        aws: bool,
    },
}

impl<'v> Walker<'_, 'v> {
    /// Checks everything inside a value of `shape`: members, items, entries.
    fn check_children(&mut self, shape: ShapeId, value: &'v Value) {
        if !self.flags.needs_check(shape) {
            return;
        }
        match &self.schema.shape(shape).kind {
            ShapeKind::Structure { members } => self.check_members(shape, members, value, true),
            ShapeKind::Union { members } => self.check_members(shape, members, value, false),
            ShapeKind::List { member, .. } => self.check_items(member, value),
            ShapeKind::Map { key, value: value_member, .. } => self.check_entries(key, value_member, value),
            _ => {}
        }
    }

    fn check_members(&mut self, shape: ShapeId, members: &'static [Member], value: &'v Value, check_required: bool) {
        let Value::Struct(fields) = value else { return };
        for &index in self.flags.visit(shape) {
            let member = &members[index as usize];
            let field = fields.iter().find(|(i, _)| *i == index).map(|(_, v)| v).filter(|v| !v.is_null());
            match field {
                Some(field) if member.constraints.is_some() || self.flags.needs_check(member.target) => {
                    self.trail.push(Step::Member(member.name));
                    self.check_member(member, field);
                    self.trail.pop();
                }
                None if member.required && check_required => {
                    self.trail.push(Step::Member(member.name));
                    self.report(None, Constraint::Required, Scope::Member);
                    self.trail.pop();
                }
                _ => {}
            }
        }
    }

    /// The member's own constraints, then what is inside its value.
    fn check_member(&mut self, member: &Member, value: &'v Value) {
        self.check_own(member, value, Scope::Member);
        self.check_children(member.target, value);
    }

    fn check_items(&mut self, item: &'static Member, value: &'v Value) {
        let Value::List(items) = value else { return };
        for (index, entry) in items.iter().enumerate() {
            if entry.is_null() {
                continue;
            }
            self.trail.push(Step::Item { index, aws: false });
            self.check_own(item, entry, Scope::ListItems);
            self.trail.pop();
            self.trail.push(Step::Item { index, aws: true });
            self.check_children(item.target, entry);
            self.trail.pop();
        }
    }

    fn check_entries(&mut self, key: &'static Member, value_member: &'static Member, value: &'v Value) {
        let Value::Map(entries) = value else { return };
        for (k, v) in entries {
            self.check_own(key, &Value::Str(k.clone()), Scope::MapKeys);
            if v.is_null() {
                continue;
            }
            self.trail.push(Step::Entry { key: k, aws: false });
            self.check_own(value_member, v, Scope::MapValues);
            self.trail.pop();
            self.trail.push(Step::Entry { key: k, aws: true });
            self.check_children(value_member.target, v);
            self.trail.pop();
        }
    }

    /// Constraints that apply to the value itself: length, range, pattern, unique items,
    /// enum membership.
    fn check_own(&mut self, member: &Member, value: &Value, scope: Scope) {
        if let Some(constraints) = member.constraints {
            self.check_constraints(constraints, value, scope);
        }
        if self.schema.service.validation == ValidationStyle::AwsOpenEnums {
            return;
        }
        match (&self.schema.shape(member.target).kind, value) {
            (ShapeKind::Enum(values), Value::Str(s)) if !values.iter().any(|(_, v)| v == s) => {
                let hidden = self.schema.shape(member.target).internal_values;
                let allowed: Vec<&str> = values.iter().map(|(_, v)| *v).filter(|v| !hidden.contains(v)).collect();
                self.report(aws_text(value), Constraint::Enum(format!("[{}]", allowed.join(", "))), scope);
            }
            (ShapeKind::IntEnum(values), Value::Int(n)) if !values.iter().any(|(_, v)| *v as i64 == *n) => {
                let allowed: Vec<String> = values.iter().map(|(_, v)| v.to_string()).collect();
                self.report(aws_text(value), Constraint::Enum(format!("[{}]", allowed.join(", "))), scope);
            }
            _ => {}
        }
    }

    fn check_constraints(&mut self, c: &'static Constraints, value: &Value, scope: Scope) {
        if let Some((min, max)) = c.length {
            if let Some(actual) = length_of(value) {
                if min.is_some_and(|m| actual < m) || max.is_some_and(|m| actual > m) {
                    self.report(aws_text(value), Constraint::Length { min, max, actual }, scope);
                }
            }
        }
        if let Some(pattern) = c.pattern {
            if let Value::Str(s) = value {
                if !pattern_matches(pattern, s) {
                    self.report(aws_text(value), Constraint::Pattern(pattern), scope);
                }
            }
        }
        if let Some((min, max)) = c.range {
            if let Some(n) = number_of(value) {
                if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                    self.report(aws_text(value), Constraint::Range { min, max }, scope);
                }
            }
        }
        if c.unique_items {
            if let Value::List(items) = value {
                if has_duplicates(items) {
                    self.report(aws_text(value), Constraint::UniqueItems, scope);
                }
            }
        }
    }

    fn report(&mut self, value: Option<String>, constraint: Constraint, scope: Scope) {
        let (path, aws_path) = self.paths();
        self.found.push(Violation { path, aws_path, value, constraint, scope });
    }

    /// The trail as Smithy's JSON pointer and as AWS's dotted path.
    fn paths(&self) -> (String, String) {
        let (mut path, mut aws_path) = (String::new(), String::new());
        for step in &self.trail {
            match *step {
                Step::Member(name) => {
                    path.push('/');
                    path.push_str(name);
                    if !aws_path.is_empty() {
                        aws_path.push('.');
                    }
                    push_lower_camel(&mut aws_path, name);
                }
                Step::Item { index, aws } => {
                    let _ = write!(path, "/{index}");
                    if aws {
                        let _ = write!(aws_path, ".{}.member", index + 1);
                    }
                }
                Step::Entry { key, aws } => {
                    push_pointer_token(&mut path, key);
                    if aws {
                        aws_path.push('.');
                        aws_path.push_str(key);
                    }
                }
            }
        }
        (path, aws_path)
    }
}

/// JSON pointer tokens escape `~` and `/` (RFC 6901).
fn push_pointer_token(path: &mut String, token: &str) {
    path.push('/');
    for c in token.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// AWS paths spell members in lowerCamel case (`QueueName` → `queueName`).
fn push_lower_camel(out: &mut String, name: &str) {
    let mut chars = name.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_lowercase());
        out.push_str(chars.as_str());
    }
}

fn length_of(value: &Value) -> Option<u64> {
    match value {
        Value::Str(s) => Some(s.chars().count() as u64),
        Value::Blob(b) => Some(b.len() as u64),
        Value::Stream(s) => s.len(),
        Value::List(items) => Some(items.len() as u64),
        Value::Map(entries) => Some(entries.len() as u64),
        _ => None,
    }
}

fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Int(n) => Some(*n as f64),
        Value::Float(f) if !f.is_nan() => Some(*f),
        Value::BigNum(text) => text.parse().ok(),
        _ => None,
    }
}

fn has_duplicates(items: &[Value]) -> bool {
    // Hash the common scalar lists; compare pairwise otherwise.
    if items.iter().all(|v| matches!(v, Value::Str(_))) {
        let mut seen = HashSet::with_capacity(items.len());
        return !items.iter().all(|v| matches!(v, Value::Str(s) if seen.insert(s.as_str())));
    }
    if items.iter().all(|v| matches!(v, Value::Int(_))) {
        let mut seen = HashSet::with_capacity(items.len());
        return !items.iter().all(|v| matches!(v, Value::Int(n) if seen.insert(*n)));
    }
    items.iter().enumerate().any(|(i, a)| items[i + 1..].iter().any(|b| a == b))
}

/// The value as AWS messages quote it.
fn aws_text(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => f.to_string(),
        Value::BigNum(s) | Value::Str(s) => s.clone(),
        Value::Blob(b) => format!("java.nio.HeapByteBuffer[pos=0 lim={0} cap={0}]", b.len()),
        Value::Stream(_) => "stream".to_owned(),
        Value::Timestamp(t) => t.to_rfc3339(),
        Value::Document(d) => d.to_string(),
        Value::List(items) => {
            let parts: Vec<String> = items.iter().map(|v| aws_text(v).unwrap_or_else(|| "null".into())).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Map(entries) => {
            let parts: Vec<String> =
                entries.iter().map(|(k, v)| format!("{k}={}", aws_text(v).unwrap_or_else(|| "null".into()))).collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Struct(_) => "{...}".to_owned(),
    })
}

/// Whether `text` matches the ECMA 262 `pattern` somewhere (patterns are not anchored).
/// Patterns the `regex` crate cannot express (look-arounds, back-references) match
/// everything, with one debug log per pattern.
fn pattern_matches(pattern: &'static str, text: &str) -> bool {
    match compiled(pattern) {
        Some(re) => re.is_match(text),
        None => true,
    }
}

/// Compiles each pattern once; keyed by the static string's address.
fn compiled(pattern: &'static str) -> Option<&'static Regex> {
    type Cache = HashMap<(usize, usize), Option<&'static Regex>>;
    static CACHE: OnceLock<RwLock<Cache>> = OnceLock::new();
    let key = (pattern.as_ptr() as usize, pattern.len());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return *found;
    }
    let mut cache = cache.write().unwrap_or_else(|e| e.into_inner());
    *cache.entry(key).or_insert_with(|| match Regex::new(&ecma_to_rust(pattern)) {
        Ok(re) => Some(Box::leak(Box::new(re))),
        Err(e) => {
            tracing::debug!(pattern, error = %e, "skipping @pattern the regex crate cannot compile");
            None
        }
    })
}

/// Rewrites the ECMA 262 classes whose meaning differs in the `regex` crate: ECMA's
/// `\d` and `\w` are ASCII-only, the crate's are Unicode-aware.
fn ecma_to_rust(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('d') => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
                Some('w') => out.push_str(if in_class { "0-9A-Za-z_" } else { "[0-9A-Za-z_]" }),
                Some('D') if !in_class => out.push_str("[^0-9]"),
                Some('W') if !in_class => out.push_str("[^0-9A-Za-z_]"),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` right after `[` or `[^` is a literal in ECMA; the crate agrees.
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ServiceInfo, Shape};

    const fn member(name: &'static str, target: ShapeId) -> Member {
        Member { name, target, ..Member::DEFAULT }
    }

    const fn shape(name: &'static str, kind: ShapeKind) -> Shape {
        Shape { name, kind, ..Shape::DEFAULT }
    }

    const fn constraints() -> Constraints {
        Constraints { length: None, range: None, pattern: None, unique_items: false }
    }

    static LENGTH_2_8: Constraints = Constraints { length: Some((Some(2), Some(8))), ..constraints() };
    static MIN_2: Constraints = Constraints { length: Some((Some(2), None)), ..constraints() };
    static RANGE_2_8: Constraints = Constraints { range: Some((Some(2.0), Some(8.0))), ..constraints() };
    static RANGE_F: Constraints = Constraints { range: Some((Some(2.2), Some(8.8))), ..constraints() };
    static PATTERN: Constraints = Constraints { pattern: Some("^[a-m]+$"), ..constraints() };
    static EVIL: Constraints = Constraints { pattern: Some("^([0-9]+)+$"), ..constraints() };
    static UNIQUE: Constraints = Constraints { unique_items: true, ..constraints() };

    const STRING: ShapeId = 0;
    const INTEGER: ShapeId = 1;
    const FLOAT: ShapeId = 2;
    const ENUM: ShapeId = 3;
    const INPUT: ShapeId = 4;
    const LIST: ShapeId = 5;
    const MAP: ShapeId = 6;
    const UNION: ShapeId = 7;
    const NESTED: ShapeId = 8;
    const NESTED_LIST: ShapeId = 9;
    const VALIDATION_EXCEPTION: ShapeId = 10;
    const FIELD_LIST: ShapeId = 11;
    const FIELD: ShapeId = 12;
    const PLAIN: ShapeId = 13;

    static LIST_ITEM: Member = Member { constraints: Some(&LENGTH_2_8), ..member("member", STRING) };
    static MAP_KEY: Member = Member { constraints: Some(&PATTERN), ..member("key", STRING) };
    static MAP_VALUE: Member = member("value", ENUM);
    static NESTED_ITEM: Member = member("member", NESTED);
    static FIELD_ITEM: Member = member("member", FIELD);

    static SHAPES: [Shape; 14] = [
        shape("String", ShapeKind::String { media_type: None }),
        shape("Integer", ShapeKind::Integer),
        shape("Float", ShapeKind::Float),
        shape("EnumString", ShapeKind::Enum(&[("ABC", "abc"), ("DEF", "def"), ("JKL", "jkl")])),
        shape(
            "Input",
            ShapeKind::Structure {
                members: &[
                    Member { constraints: Some(&LENGTH_2_8), ..member("string", STRING) },
                    Member { constraints: Some(&MIN_2), ..member("minString", STRING) },
                    Member { constraints: Some(&RANGE_2_8), ..member("integer", INTEGER) },
                    Member { constraints: Some(&RANGE_F), ..member("float", FLOAT) },
                    Member { constraints: Some(&PATTERN), ..member("pattern", STRING) },
                    member("enum", ENUM),
                    Member { constraints: Some(&UNIQUE), ..member("list", LIST) },
                    member("map", MAP),
                    member("union", UNION),
                    member("nestedList", NESTED_LIST),
                    Member { required: true, ..member("requiredString", STRING) },
                    Member { constraints: Some(&EVIL), ..member("evilString", STRING) },
                ],
            },
        ),
        shape("List", ShapeKind::List { member: &LIST_ITEM, sparse: false }),
        shape("Map", ShapeKind::Map { key: &MAP_KEY, value: &MAP_VALUE, sparse: false }),
        shape("Union", ShapeKind::Union { members: &[member("first", ENUM), member("second", STRING)] }),
        shape("Nested", ShapeKind::Structure { members: &[Member { required: true, ..member("Hi", STRING) }] }),
        shape("NestedList", ShapeKind::List { member: &NESTED_ITEM, sparse: false }),
        shape(
            "ValidationException",
            ShapeKind::Structure { members: &[member("message", STRING), member("fieldList", FIELD_LIST)] },
        ),
        shape("ValidationExceptionFieldList", ShapeKind::List { member: &FIELD_ITEM, sparse: false }),
        shape(
            "ValidationExceptionField",
            ShapeKind::Structure { members: &[member("path", STRING), member("message", STRING)] },
        ),
        shape("Plain", ShapeKind::Structure { members: &[member("free", STRING)] }),
    ];

    static SCHEMA: Schema = Schema {
        service: ServiceInfo {
            name: "validation",
            shape_name: "Validation",
            namespace: "test",
            version: "1",
            signing_name: "validation",
            target_prefix: "",
            protocols: &[],
            query_compatible: false,
            xml_namespace: None,
            xml_no_error_wrapping: false,
            validation: ValidationStyle::SmithyFramework,
            validation_code: "ValidationException",
        },
        shapes: &SHAPES,
        operations: &[],
        derived: crate::schema::Derived::new(),
    };

    fn input(fields: Vec<(u16, Value)>) -> Value {
        let mut all = vec![(10, Value::Str("present".into()))];
        all.extend(fields);
        Value::Struct(all)
    }

    fn check(fields: Vec<(u16, Value)>) -> Vec<Violation> {
        validate(&SCHEMA, INPUT, &input(fields))
    }

    fn smithy(fields: Vec<(u16, Value)>) -> String {
        smithy_message(&check(fields))
    }

    fn aws(fields: Vec<(u16, Value)>) -> String {
        aws_message(&check(fields))
    }

    fn s(text: &str) -> Value {
        Value::Str(text.into())
    }

    #[test]
    fn valid_input_has_no_violations() {
        let fields = vec![
            (0, s("abcd")),
            (2, Value::Int(5)),
            (3, Value::Float(8.8)),
            (4, s("abc")),
            (5, s("def")),
            (6, Value::List(vec![s("ab"), s("cd")])),
            (7, Value::Map(vec![("abc".into(), s("jkl"))])),
            (8, Value::Struct(vec![(0, s("abc"))])),
        ];
        assert_eq!(check(fields), vec![]);
    }

    #[test]
    fn unconstrained_shapes_are_skipped() {
        assert_eq!(validate(&SCHEMA, PLAIN, &Value::Struct(vec![(0, s(""))])), vec![]);
        assert!(!ShapeFlags::of(&SCHEMA).needs_check(PLAIN));
        assert!(ShapeFlags::of(&SCHEMA).needs_check(NESTED_LIST));
    }

    #[test]
    fn length_messages() {
        assert_eq!(
            smithy(vec![(0, s("a"))]),
            "1 validation error detected. Value with length 1 at '/string' failed to satisfy constraint: \
             Member must have length between 2 and 8, inclusive"
        );
        // Code points, not UTF-16 units or bytes.
        assert_eq!(
            check(vec![(0, s("\u{1F44D}"))])[0].constraint,
            Constraint::Length { min: Some(2), max: Some(8), actual: 1 }
        );
        assert_eq!(
            smithy(vec![(1, s("a"))]),
            "1 validation error detected. Value with length 1 at '/minString' failed to satisfy constraint: \
             Member must have length greater than or equal to 2"
        );
        assert_eq!(
            aws(vec![(0, s("abcdefghijk"))]),
            "1 validation error detected: Value 'abcdefghijk' at 'string' failed to satisfy constraint: \
             Member must have length less than or equal to 8"
        );
    }

    #[test]
    fn range_messages() {
        assert_eq!(
            smithy(vec![(2, Value::Int(9))]),
            "1 validation error detected. Value at '/integer' failed to satisfy constraint: Member must be between 2 and 8, inclusive"
        );
        assert_eq!(
            smithy(vec![(3, Value::Float(2.1))]),
            "1 validation error detected. Value at '/float' failed to satisfy constraint: Member must be between 2.2 and 8.8, inclusive"
        );
        assert_eq!(
            aws(vec![(2, Value::Int(1))]),
            "1 validation error detected: Value '1' at 'integer' failed to satisfy constraint: \
             Member must have value greater than or equal to 2"
        );
        assert_eq!(
            aws(vec![(3, Value::Float(9.5))]),
            "1 validation error detected: Value '9.5' at 'float' failed to satisfy constraint: \
             Member must have value less than or equal to 8.8"
        );
    }

    #[test]
    fn pattern_enum_and_unique_messages() {
        assert_eq!(
            smithy(vec![(4, s("ABC"))]),
            "1 validation error detected. Value at '/pattern' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: ^[a-m]+$"
        );
        assert_eq!(
            smithy(vec![(5, s("XYZ"))]),
            "1 validation error detected. Value at '/enum' failed to satisfy constraint: \
             Member must satisfy enum value set: [abc, def, jkl]"
        );
        assert_eq!(
            smithy(vec![(6, Value::List(vec![s("ab"), s("ab")]))]),
            "1 validation error detected. Value at '/list' failed to satisfy constraint: Member must have unique values"
        );
        // Backtracking-prone patterns finish: the regex crate runs in linear time.
        let evil = format!("{}!", "0".repeat(80));
        assert_eq!(check(vec![(11, s(&evil))])[0].path, "/evilString");
    }

    #[test]
    fn nested_paths() {
        let v = check(vec![(6, Value::List(vec![s("abc"), s("a")]))]);
        assert_eq!(v[0].path, "/list/1");
        assert_eq!(
            aws_message(&v),
            "1 validation error detected: Value 'a' at 'list' failed to satisfy constraint: \
             Member must satisfy constraint: [Member must have length greater than or equal to 2]"
        );
        let v = check(vec![(7, Value::Map(vec![("ABC".into(), s("abc")), ("abc".into(), s("XYZ"))]))]);
        assert_eq!(v.iter().map(|v| v.path.as_str()).collect::<Vec<_>>(), ["/map", "/map/abc"]);
        assert_eq!(
            aws_message(&v),
            "2 validation errors detected: Value 'ABC' at 'map' failed to satisfy constraint: \
             Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^[a-m]+$]; \
             Value 'XYZ' at 'map' failed to satisfy constraint: Map value must satisfy constraint: \
             [Member must satisfy enum value set: [abc, def, jkl]]"
        );
        assert_eq!(check(vec![(8, Value::Struct(vec![(0, s("XYZ"))]))])[0].path, "/union/first");
        let v = check(vec![(9, Value::List(vec![Value::Struct(vec![(0, s("x"))]), Value::Struct(vec![])]))]);
        assert_eq!(v[0].path, "/nestedList/1/Hi");
        assert_eq!(
            aws_message(&v),
            "1 validation error detected: Value null at 'nestedList.2.member.hi' failed to satisfy constraint: \
             Member must not be null"
        );
    }

    #[test]
    fn required_members() {
        let v = validate(&SCHEMA, INPUT, &Value::Struct(vec![(0, s("abcd")), (10, Value::Null)]));
        assert_eq!(
            smithy_message(&v),
            "1 validation error detected. Value at '/requiredString' failed to satisfy constraint: Member must not be null"
        );
        assert_eq!(
            aws_message(&v),
            "1 validation error detected: Value null at 'requiredString' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn several_violations_are_counted() {
        let v = check(vec![(0, s("a")), (2, Value::Int(0))]);
        assert_eq!(v.len(), 2);
        assert!(smithy_message(&v).starts_with("2 validation errors detected. Value with length 1 at '/string'"));
        assert!(aws_message(&v).contains("; Value '0' at 'integer'"));
    }

    #[test]
    fn validation_exception_value() {
        let v = check(vec![(0, s("a"))]);
        let value = smithy_validation_value(&SCHEMA, VALIDATION_EXCEPTION, &v);
        let message = "Value with length 1 at '/string' failed to satisfy constraint: Member must have length between 2 and 8, inclusive";
        let expected = Value::Struct(vec![
            (0, Value::Str(format!("1 validation error detected. {message}"))),
            (1, Value::List(vec![Value::Struct(vec![(0, s("/string")), (1, s(message))])])),
        ]);
        assert_eq!(value, expected);
    }

    #[test]
    fn ecma_classes_are_ascii() {
        assert_eq!(ecma_to_rust(r"^\d+[\w.-]*$"), r"^[0-9]+[0-9A-Za-z_.-]*$");
        assert!(!pattern_matches(r"^\d+$", "\u{0663}"));
        assert!(pattern_matches(r"^[\p{L}\p{Z}]+$", "hé llo"));
        // Look-ahead is outside the crate's syntax: skipped, so everything matches.
        assert!(pattern_matches(r"^(?!aws:).*$", "aws:x"));
    }
}
