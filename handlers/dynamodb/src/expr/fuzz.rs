//! Property test: random inputs (token soup and well-formed random expressions) go through
//! every parser and, when they parse, through the evaluator, updater and projector. The
//! property is "no panic, and errors are ValidationException texts"; a seeded generator
//! keeps it reproducible and dependency-free.

use dynamodb_api::types::AttributeValue as V;
use ferrostack_runtime as rt;

use super::tests::{item, n, s};
use super::*;

/// xorshift64*: small, fast and good enough to pick tokens.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const SOUP: &[&str] = &[
    "a",
    "b",
    "c",
    "#n",
    "#m",
    "#x",
    ":s",
    ":n",
    ":l",
    ":m",
    ":ss",
    ":ns",
    ":zz",
    "(",
    ")",
    "[",
    "]",
    "[0]",
    "[7]",
    ".",
    ",",
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "AND",
    "OR",
    "NOT",
    "BETWEEN",
    "IN",
    "SET",
    "REMOVE",
    "ADD",
    "DELETE",
    "size",
    "contains",
    "begins_with",
    "attribute_exists",
    "attribute_not_exists",
    "attribute_type",
    "if_not_exists",
    "list_append",
    "status",
    "99999999999999999999999",
    "!",
    "$",
    "é",
    "\"",
    "'",
    " ",
    "",
];

const PATHS: &[&str] = &["a", "b", "c", "#n", "a.b", "a[0]", "l[1]", "m.x.y", "#n.b[2]", "l[0].z"];
const VALUES: &[&str] = &[":s", ":n", ":l", ":m", ":ss", ":ns"];

fn operand(r: &mut Rng) -> String {
    match r.below(4) {
        0 => r.pick(VALUES).to_string(),
        1 => format!("size({})", r.pick(PATHS)),
        _ => r.pick(PATHS).to_string(),
    }
}

fn condition(r: &mut Rng, depth: usize) -> String {
    if depth > 4 {
        return format!("{} = {}", r.pick(PATHS), r.pick(VALUES));
    }
    match r.below(11) {
        0 => format!("{} AND {}", condition(r, depth + 1), condition(r, depth + 1)),
        1 => format!("{} OR {}", condition(r, depth + 1), condition(r, depth + 1)),
        2 => format!("NOT {}", condition(r, depth + 1)),
        3 => format!("({})", condition(r, depth + 1)),
        4 => format!("{} BETWEEN {} AND {}", operand(r), operand(r), operand(r)),
        5 => format!("{} IN ({}, {})", operand(r), operand(r), operand(r)),
        6 => format!("attribute_exists({})", r.pick(PATHS)),
        7 => format!("attribute_type({}, {})", r.pick(PATHS), r.pick(VALUES)),
        8 => format!("begins_with({}, {})", operand(r), operand(r)),
        9 => format!("contains({}, {})", operand(r), operand(r)),
        _ => format!("{} {} {}", operand(r), r.pick(&["=", "<>", "<", "<=", ">", ">="]), operand(r)),
    }
}

fn set_operand(r: &mut Rng, depth: usize) -> String {
    match (r.below(5), depth > 2) {
        (0, false) => format!("if_not_exists({}, {})", r.pick(PATHS), set_operand(r, depth + 1)),
        (1, false) => format!("list_append({}, {})", set_operand(r, depth + 1), set_operand(r, depth + 1)),
        (2, _) => r.pick(VALUES).to_string(),
        _ => r.pick(PATHS).to_string(),
    }
}

fn update(r: &mut Rng) -> String {
    let mut out = String::new();
    for section in ["SET", "REMOVE", "ADD", "DELETE"] {
        if r.below(2) == 0 {
            continue;
        }
        let k = 1 + r.below(3);
        let actions: Vec<String> = (0..k)
            .map(|_| match section {
                "SET" => {
                    let rhs = match r.below(3) {
                        0 => format!("{} + {}", set_operand(r, 0), set_operand(r, 0)),
                        1 => format!("{} - {}", set_operand(r, 0), set_operand(r, 0)),
                        _ => set_operand(r, 0),
                    };
                    format!("{} = {rhs}", r.pick(PATHS))
                }
                "REMOVE" => r.pick(PATHS).to_string(),
                _ => format!("{} {}", r.pick(PATHS), r.pick(VALUES)),
            })
            .collect();
        out.push_str(&format!("{section} {} ", actions.join(", ")));
    }
    out
}

fn item_sample() -> Item {
    item(vec![
        ("a", V::M([("b".to_string(), n("1"))].into_iter().collect())),
        ("b", n("5")),
        ("c", s("text")),
        ("l", V::L(vec![n("1"), V::M(rt::IndexMap::new()), s("z")])),
        ("nm", V::Ns(vec!["1".into(), "2".into()])),
    ])
}

fn run_all(text: &str) {
    let names: rt::IndexMap<String, String> =
        [("#n", "nm"), ("#m", "a"), ("#x", "l")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let values: rt::IndexMap<String, V> = [
        (":s", s("te")),
        (":n", n("2")),
        (":l", V::L(vec![n("3")])),
        (":m", V::M(rt::IndexMap::new())),
        (":ss", V::Ss(vec!["x".into()])),
        (":ns", V::Ns(vec!["2".into()])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut cx = ExprContext::new(Some(&names), Some(&values));
    let it = item_sample();
    let check = |e: &ExprError| assert!(!e.message().is_empty(), "{text}");
    match parse_condition(text, &mut cx) {
        Ok(c) => {
            eval_condition(&c, &it).unwrap();
        }
        Err(e) => check(&e),
    }
    match parse_update(text, &mut cx) {
        Ok(u) => {
            let mut copy = it.clone();
            if let Err(e) = apply_update(&u, &mut copy) {
                check(&e);
            }
        }
        Err(e) => check(&e),
    }
    match parse_projection(text, &mut cx) {
        Ok(p) => {
            project(&p, &it);
        }
        Err(e) => check(&e),
    }
    match parse_key_condition(text, &mut cx, "b", Some("c")) {
        Ok(k) => {
            if let Some(r) = k.range {
                r.matches(&s("x"));
            }
        }
        Err(e) => check(&e),
    }
    let _ = cx.finish();
    let _ = crate::partiql::parse(text, &[]);
}

#[test]
fn random_inputs_never_panic() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let len = r.below(12);
        let soup: Vec<&str> = (0..len).map(|_| r.pick(SOUP)).collect();
        run_all(&soup.join(" "));
        run_all(&soup.concat());
        run_all(&condition(&mut r, 0));
        run_all(&update(&mut r));
    }
}

#[test]
fn random_conditions_parse_and_evaluate() {
    // Well-formed random conditions must parse whenever their paths are distinct from
    // their operands; those that parse always evaluate to a boolean.
    let mut r = Rng(42);
    let mut parsed = 0;
    for _ in 0..2000 {
        let text = condition(&mut r, 0);
        let values: rt::IndexMap<String, V> =
            VALUES.iter().map(|k| (k.to_string(), n("1"))).chain([(":s".to_string(), s("x"))]).collect();
        let names: rt::IndexMap<String, String> = [("#n".to_string(), "nm".to_string())].into_iter().collect();
        let mut cx = ExprContext::new(Some(&names), Some(&values));
        if let Ok(c) = parse_condition(&text, &mut cx) {
            parsed += 1;
            eval_condition(&c, &item_sample()).unwrap();
        }
    }
    assert!(parsed > 500, "only {parsed} parsed");
}

const PARTIQL_SOUP: &[&str] = &[
    "SELECT",
    "INSERT",
    "INTO",
    "UPDATE",
    "DELETE",
    "FROM",
    "WHERE",
    "VALUE",
    "SET",
    "REMOVE",
    "RETURNING",
    "ALL",
    "MODIFIED",
    "OLD",
    "NEW",
    "ORDER",
    "BY",
    "DESC",
    "AND",
    "OR",
    "NOT",
    "IS",
    "MISSING",
    "NULL",
    "BETWEEN",
    "IN",
    "*",
    "\"t\"",
    "\"t\".\"i\"",
    "t",
    "pk",
    "sk",
    "a",
    "a.b",
    "a[0]",
    "'s'",
    "'it''s'",
    "1",
    "-2.5",
    "1e999",
    "?",
    "true",
    "{",
    "}",
    ":",
    "[",
    "]",
    "<<",
    ">>",
    "(",
    ")",
    ",",
    "=",
    "<>",
    "!=",
    "<",
    ">=",
    "+",
    "-",
    ";",
    "begins_with",
    "contains",
    "size",
    "set_add",
    "list_append",
    "'",
    "\"",
];

#[test]
fn random_partiql_never_panics() {
    use crate::partiql;
    let mut r = Rng(7);
    let params = [s("x"), n("1"), V::Bool(true)];
    let it = item(vec![("pk", s("x")), ("sk", n("1")), ("a", V::L(vec![n("1")]))]);
    for _ in 0..4000 {
        let len = r.below(14);
        let mut words: Vec<&str> = (0..len).map(|_| r.pick(PARTIQL_SOUP)).collect();
        // Start most statements with a verb so the parser gets past the first token.
        if r.below(4) != 0 {
            words.insert(
                0,
                r.pick(&["SELECT * FROM t WHERE", "UPDATE t SET", "DELETE FROM t WHERE", "INSERT INTO t VALUE"]),
            );
        }
        let text = words.join(" ");
        let k = r.below(params.len() + 1);
        let Ok(stmt) = partiql::parse(&text, &params[..k]) else { continue };
        match &stmt {
            partiql::Statement::Select(sel) => {
                sel.matches(&it);
                sel.output(&it);
                sel.key_condition("pk", Some("sk"));
            }
            _ => {
                if partiql::write_key(&stmt, "pk", Some("sk")).is_ok() {
                    let _ = partiql::apply_write(&stmt, "pk", Some("sk"), Some(&it));
                    let _ = partiql::apply_write(&stmt, "pk", Some("sk"), None);
                }
            }
        }
    }
}
