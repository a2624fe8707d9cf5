//! Unit tests of the expression languages: parsing, every function and comparator,
//! precedence, cross-type comparisons, updates, projections, key conditions and errors.

use dynamodb_api::types::AttributeValue as V;
use ferrostack_runtime as rt;

use super::*;

pub(crate) fn s(x: &str) -> V {
    V::S(x.into())
}
pub(crate) fn n(x: &str) -> V {
    V::N(x.into())
}
fn b(x: &[u8]) -> V {
    V::B(rt::Bytes::copy_from_slice(x))
}
fn ss(x: &[&str]) -> V {
    V::Ss(x.iter().map(|s| s.to_string()).collect())
}
fn ns(x: &[&str]) -> V {
    V::Ns(x.iter().map(|s| s.to_string()).collect())
}
fn l(x: Vec<V>) -> V {
    V::L(x)
}
fn m(x: Vec<(&str, V)>) -> V {
    V::M(x.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}
pub(crate) fn item(x: Vec<(&str, V)>) -> Item {
    x.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}
fn values(x: Vec<(&str, V)>) -> rt::IndexMap<String, V> {
    x.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}
fn names(x: &[(&str, &str)]) -> rt::IndexMap<String, String> {
    x.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A sample item with every type.
fn sample() -> Item {
    item(vec![
        ("id", s("k1")),
        ("str", s("hello world")),
        ("num", n("42")),
        ("neg", n("-3.5")),
        ("bin", b(b"\x01\x02\x03")),
        ("ss", ss(&["a", "b"])),
        ("ns", ns(&["1", "2", "3"])),
        ("bs", V::Bs(vec![rt::Bytes::from_static(b"x")])),
        ("lst", l(vec![s("x"), n("1"), m(vec![("deep", s("v"))])])),
        ("mp", m(vec![("a", n("1")), ("b", m(vec![("c", s("d"))])), ("arr", l(vec![n("10"), n("20")]))])),
        ("t", V::Bool(true)),
        ("nul", V::Null(true)),
        ("blank", s("")),
    ])
}

/// Evaluates a ConditionExpression over `it` with values :a :b :c ... given.
fn eval_with(expr: &str, it: &Item, vals: Vec<(&str, V)>) -> Result<bool, ExprError> {
    let vals = values(vals);
    let mut cx = ExprContext::new(None, if vals.is_empty() { None } else { Some(&vals) });
    let c = parse_condition(expr, &mut cx)?;
    eval_condition(&c, it)
}

fn t(expr: &str, vals: Vec<(&str, V)>) -> bool {
    eval_with(expr, &sample(), vals).unwrap_or_else(|e| panic!("{expr}: {e}"))
}

fn cond_err(expr: &str, vals: Vec<(&str, V)>) -> String {
    let vals = values(vals);
    let mut cx = ExprContext::new(None, Some(&vals));
    parse_condition(expr, &mut cx).map(|c| panic!("{expr} parsed: {c:?}")).unwrap_err().into_message()
}

#[test]
fn comparisons_of_each_type() {
    assert!(t("num = :v", vec![(":v", n("42.0"))]));
    assert!(t("num < :v", vec![(":v", n("100"))])); // numeric, not text order
    assert!(t("neg < :v", vec![(":v", n("-1"))]));
    assert!(t("num >= :v", vec![(":v", n("42"))]));
    assert!(t("num <= :v", vec![(":v", n("42"))]));
    assert!(!t("num > :v", vec![(":v", n("42"))]));
    assert!(t("str > :v", vec![(":v", s("hello"))]));
    assert!(t("str <> :v", vec![(":v", s("x"))]));
    assert!(t("bin < :v", vec![(":v", b(b"\x01\x03"))]));
    assert!(t("ss = :v", vec![(":v", ss(&["b", "a"]))])); // sets ignore order
    assert!(t("ns = :v", vec![(":v", ns(&["3.0", "1", "2"]))]));
    assert!(t(
        "mp = :v",
        vec![(":v", m(vec![("arr", l(vec![n("10"), n("20")])), ("b", m(vec![("c", s("d"))])), ("a", n("1"))]))]
    ));
    assert!(t("lst[2].deep = :v", vec![(":v", s("v"))]));
    assert!(t("mp.b.c = :v", vec![(":v", s("d"))]));
    assert!(t("mp.arr[1] = :v", vec![(":v", n("20"))]));
    assert!(t("t = :v", vec![(":v", V::Bool(true))]));
    assert!(t("nul = :v", vec![(":v", V::Null(true))]));
    assert!(t("num = num2 OR num <> neg", vec![]));
}

#[test]
fn comparisons_across_types_are_false_not_errors() {
    assert!(!t("num = :v", vec![(":v", s("42"))]));
    assert!(t("num <> :v", vec![(":v", s("42"))]));
    assert!(!t("num < :v", vec![(":v", s("zzz"))]));
    assert!(!t("num > :v", vec![(":v", s("0"))]));
    assert!(!t("str BETWEEN :a AND :b", vec![(":a", n("1")), (":b", n("2"))]));
    assert!(!t("t < num", vec![]));
    assert!(!t("ss > str", vec![]));
    // Missing attributes: = is false, <> is true, ordering is false.
    assert!(!t("absent = :v", vec![(":v", s("x"))]));
    assert!(t("absent <> :v", vec![(":v", s("x"))]));
    assert!(!t("absent < :v", vec![(":v", n("1"))]));
    assert!(!t("mp.nope.deeper = :v", vec![(":v", n("1"))]));
    assert!(!t("str[0] = :v", vec![(":v", s("h"))]));
    assert!(!t("lst.x = :v", vec![(":v", s("x"))]));
}

#[test]
fn between_and_in() {
    assert!(t("num BETWEEN :a AND :b", vec![(":a", n("1")), (":b", n("42"))]));
    assert!(t("num BETWEEN :a AND :b", vec![(":a", n("42")), (":b", n("42"))]));
    assert!(!t("num BETWEEN :a AND :b", vec![(":a", n("43")), (":b", n("100"))]));
    assert!(t("str between :a and :b", vec![(":a", s("h")), (":b", s("i"))]));
    assert!(t("num IN (:a, :b)", vec![(":a", n("1")), (":b", n("42"))]));
    assert!(!t("num IN (:a)", vec![(":a", s("42"))]));
    assert!(t("str in (:a,:b,:c)", vec![(":a", n("1")), (":b", s("x")), (":c", s("hello world"))]));
    assert!(!t("absent IN (:a)", vec![(":a", n("1"))]));
}

#[test]
fn functions() {
    assert!(t("attribute_exists(mp.b.c)", vec![]));
    assert!(!t("attribute_exists(mp.b.x)", vec![]));
    assert!(t("attribute_not_exists(nope)", vec![]));
    assert!(t("attribute_exists(lst[2])", vec![]));
    assert!(!t("attribute_exists(lst[3])", vec![]));
    for (attr, ty) in [
        ("str", "S"),
        ("num", "N"),
        ("bin", "B"),
        ("ss", "SS"),
        ("ns", "NS"),
        ("bs", "BS"),
        ("lst", "L"),
        ("mp", "M"),
        ("t", "BOOL"),
        ("nul", "NULL"),
    ] {
        assert!(t(&format!("attribute_type({attr}, :t)"), vec![(":t", s(ty))]), "{attr}");
        let oth = if ty == "S" { "N" } else { "S" };
        assert!(!t(&format!("attribute_type({attr}, :t)"), vec![(":t", s(oth))]), "{attr}");
    }
    assert!(t("begins_with(str, :p)", vec![(":p", s("hell"))]));
    assert!(!t("begins_with(str, :p)", vec![(":p", s("world"))]));
    assert!(t("begins_with(bin, :p)", vec![(":p", b(b"\x01"))]));
    assert!(!t("begins_with(num, :p)", vec![(":p", s("4"))]));
    assert!(t("contains(str, :p)", vec![(":p", s("o w"))]));
    assert!(t("contains(ss, :p)", vec![(":p", s("a"))]));
    assert!(!t("contains(ss, :p)", vec![(":p", s("c"))]));
    assert!(t("contains(ns, :p)", vec![(":p", n("2.0"))]));
    assert!(t("contains(bs, :p)", vec![(":p", b(b"x"))]));
    assert!(t("contains(lst, :p)", vec![(":p", n("1"))]));
    assert!(t("contains(lst, :p)", vec![(":p", m(vec![("deep", s("v"))]))]));
    assert!(t("contains(bin, :p)", vec![(":p", b(b"\x02\x03"))]));
    assert!(!t("contains(num, :p)", vec![(":p", n("4"))]));
    assert!(!t("contains(ss, :p)", vec![(":p", n("1"))]));
    assert!(t("contains(str, str2) OR contains(:p, :p2)", vec![(":p", s("abc")), (":p2", s("b"))]));
}

#[test]
fn size_of_each_type() {
    for (attr, want) in [
        ("str", "11"),
        ("bin", "3"),
        ("ss", "2"),
        ("ns", "3"),
        ("bs", "1"),
        ("lst", "3"),
        ("mp", "3"),
        ("blank", "0"),
        ("mp.arr", "2"),
    ] {
        assert!(t(&format!("size({attr}) = :n"), vec![(":n", n(want))]), "{attr}");
    }
    // Numbers, booleans and nulls have no size: the comparison is false.
    for attr in ["num", "t", "nul", "absent"] {
        assert!(!t(&format!("size({attr}) >= :n"), vec![(":n", n("0"))]), "{attr}");
    }
    assert!(t("size(str) > size(ss)", vec![]));
    assert!(t("size(str) BETWEEN :a AND :b", vec![(":a", n("10")), (":b", n("12"))]));
    let unicode = item(vec![("u", s("héllo"))]);
    assert!(eval_with("size(u) = :n", &unicode, vec![(":n", n("5"))]).unwrap());
}

#[test]
fn precedence_not_and_or() {
    // NOT binds tighter than AND, which binds tighter than OR.
    let tr = || (":t", s("hello world"));
    let f = || (":f", s("nope"));
    // a OR b AND c  ==  a OR (b AND c)
    assert!(t("str = :t OR str = :f AND str = :f", vec![tr(), f()]));
    // (a OR b) AND c
    assert!(!t("(str = :t OR str = :f) AND str = :f", vec![tr(), f()]));
    // NOT a AND b == (NOT a) AND b
    assert!(!t("NOT str = :t AND str = :t", vec![tr()]));
    assert!(t("NOT str = :f AND str = :t", vec![tr(), f()]));
    // NOT a OR b == (NOT a) OR b
    assert!(t("NOT str = :t OR str = :t", vec![tr()]));
    assert!(!t("NOT (str = :t OR str = :t)", vec![tr()]));
    assert!(t("NOT NOT str = :t", vec![tr()]));
    // Parenthesised operands are accepted too.
    assert!(t("( ( ( size ( str )) < num ) AND (str) = :t )", vec![tr()]));
    assert!(t("num BETWEEN (:a) AND (:b)", vec![(":a", n("1")), (":b", n("50"))]));
    assert!(t("str = :f or str = :f or str = :t", vec![tr(), f()]));
    assert!(!t("str = :t and str = :t and str = :f", vec![tr(), f()]));
    assert!(t("not attribute_exists(x) and (str = :f or begins_with(str, :t))", vec![tr(), f()]));
}

#[test]
fn placeholders_and_reserved_words() {
    let nm = names(&[("#s", "status"), ("#d", "a.b"), ("#unused", "x")]);
    let vals = values(vec![(":v", s("ok")), (":w", s("ok2"))]);
    let mut cx = ExprContext::new(Some(&nm), Some(&vals));
    let c = parse_condition("#s = :v AND #d = :v", &mut cx).unwrap();
    let it = item(vec![("status", s("ok")), ("a.b", s("ok"))]);
    assert!(eval_condition(&c, &it).unwrap());
    assert_eq!(
        cx.finish().unwrap_err().message(),
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"
    );
    let nm = names(&[("#s", "status")]);
    let mut cx = ExprContext::new(Some(&nm), Some(&vals));
    parse_condition("#s = :v", &mut cx).unwrap();
    assert_eq!(
        cx.finish().unwrap_err().message(),
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"
    );
    // Used across several expressions of one request.
    let mut cx = ExprContext::new(Some(&nm), Some(&vals));
    parse_condition("#s = :v", &mut cx).unwrap();
    parse_update("SET x = :w", &mut cx).unwrap();
    cx.finish().unwrap();

    assert_eq!(
        cond_err("status = :v", vec![(":v", n("1"))]),
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    );
    assert_eq!(
        cond_err("a.Name = :v", vec![(":v", n("1"))]),
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Name"
    );
    assert_eq!(
        cond_err("a = :nope", vec![(":v", n("1"))]),
        "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope"
    );
    assert_eq!(
        cond_err("#nope = :v", vec![(":v", n("1"))]),
        "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope"
    );
    let mut cx = ExprContext::empty();
    assert_eq!(
        parse_filter("a = :v", &mut cx).unwrap_err().message(),
        "Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :v"
    );
}

#[test]
fn context_map_rules() {
    let bad_key = names(&[("n", "a")]);
    let mut cx = ExprContext::new(Some(&bad_key), None);
    parse_condition("attribute_exists(a)", &mut cx).unwrap();
    assert_eq!(
        cx.finish().unwrap_err().message(),
        "ExpressionAttributeNames contains invalid key: Syntax error; key: \"n\""
    );
    let bad_value = values(vec![(":v", n("abc"))]);
    let mut cx = ExprContext::new(None, Some(&bad_value));
    assert_eq!(
        parse_condition("a = :v", &mut cx).unwrap_err().message(),
        "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: abc for key :v"
    );
    let empty_set = values(vec![(":v", ss(&[]))]);
    let mut cx = ExprContext::new(None, Some(&empty_set));
    assert_eq!(
        parse_condition("a = :v", &mut cx).unwrap_err().message(),
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v"
    );
    // Numbers are canonical once resolved.
    let num = values(vec![(":v", n("1.50"))]);
    let mut cx = ExprContext::new(None, Some(&num));
    assert_eq!(
        parse_condition("a = :v", &mut cx).unwrap(),
        Condition::Compare(Operand::Path(Path::attr("a")), CmpOp::Eq, Operand::Value(n("1.5")))
    );
    let empty_names = names(&[]);
    let cx = ExprContext::new(Some(&empty_names), None);
    assert_eq!(cx.finish().unwrap_err().message(), "ExpressionAttributeNames must not be empty");
    let empty_values = values(vec![]);
    let cx = ExprContext::new(None, Some(&empty_values));
    assert_eq!(cx.finish().unwrap_err().message(), "ExpressionAttributeValues must not be empty");
    let nm = names(&[("#a", "a")]);
    let cx = ExprContext::new(Some(&nm), None);
    assert_eq!(
        cx.finish().unwrap_err().message(),
        "ExpressionAttributeNames can only be specified when using expressions"
    );
    let vals = values(vec![(":a", n("1")), (":b", n("2"))]);
    let mut cx = ExprContext::new(None, Some(&vals));
    parse_condition("x = :a", &mut cx).unwrap();
    assert_eq!(
        cx.finish().unwrap_err().message(),
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"
    );
}

#[test]
fn syntax_errors() {
    let v = || vec![(":v", n("1")), (":w", n("2"))];
    assert_eq!(cond_err("a = = :v", v()), "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= = :v\"");
    assert_eq!(
        cond_err("a = :v AND", v()),
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\""
    );
    assert_eq!(cond_err("a x :v", v()), "Invalid ConditionExpression: Syntax error; token: \"x\", near: \"a x :v\"");
    assert_eq!(
        cond_err("my-attr = :v", v()),
        "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"my-attr\""
    );
    assert_eq!(cond_err("a = 5", v()), "Invalid ConditionExpression: Syntax error; token: \"5\", near: \"= 5\"");
    assert_eq!(cond_err("", v()), "Invalid ConditionExpression: The expression can not be empty;");
    assert_eq!(cond_err("   ", v()), "Invalid ConditionExpression: The expression can not be empty;");
    assert!(cond_err("(a = :v", v()).contains("Syntax error; token: \"<EOF>\""));
    assert!(cond_err("a = :v)", v()).contains("Syntax error; token: \")\""));
    assert!(cond_err("a != :v", v()).contains("Syntax error; token: \"!\""));
    assert!(cond_err("a[x] = :v", v()).contains("Syntax error; token: \"x\""));
    // Unescaped names start with a letter.
    assert_eq!(
        upd_err("SET _123 = :v", vec![(":v", n("1"))]),
        "Invalid UpdateExpression: Syntax error; token: \"_\", near: \"SET _123\""
    );
    assert!(upd_err("SET 123a = :v", vec![(":v", n("1"))]).contains("Syntax error; token: \"123\""));
    let mut it = item(vec![]);
    upd("SET Alpha_Numeric_123 = :v, A123_ = :v", &mut it, vec![(":v", n("1"))]).unwrap();
    assert_eq!(it.len(), 2);
    assert!(cond_err("a BETWEEN :v OR :w", v()).contains("Syntax error; token: \"OR\""));
    assert!(cond_err("a IN :v", v()).contains("Syntax error; token: \":v\""));
    assert_eq!(cond_err("((a = :v))", v()), "Invalid ConditionExpression: The expression has redundant parentheses;");
    // One pair of parentheses is fine.
    eval_with("(a = :v) AND (b = :v)", &sample(), vec![(":v", n("1"))]).unwrap();
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let v = || vec![(":v", n("1"))];
    // Within the 4 KB limit, but deeper than any real expression.
    let parens = format!("{}a = :v{}", "(".repeat(1500), ")".repeat(1500));
    assert!(cond_err(&parens, v()).starts_with("Invalid ConditionExpression: "));
    let nots = format!("{}a = :v", "NOT ".repeat(900));
    assert!(cond_err(&nots, v()).starts_with("Invalid ConditionExpression: Syntax error"));
    let calls = format!("SET a = {}:l{}", "list_append(".repeat(200), ", :l)".repeat(200));
    let vals = values(vec![(":l", l(vec![]))]);
    let mut cx = ExprContext::new(None, Some(&vals));
    assert!(parse_update(&calls, &mut cx).unwrap_err().message().starts_with("Invalid UpdateExpression: Syntax error"));
    // Sixty levels (more than any real expression) still parse and evaluate.
    let nested = format!("{}a = :v{}", "(a = :v OR ".repeat(60), ")".repeat(60));
    assert!(eval_with(&nested, &item(vec![("a", n("1"))]), v()).unwrap());
    let nots = format!("{}a = :v", "NOT ".repeat(60));
    assert!(eval_with(&nots, &item(vec![("a", n("1"))]), v()).unwrap());
}

#[test]
fn function_and_operand_errors() {
    let v = || vec![(":v", n("1")), (":s", s("x")), (":m", m(vec![]))];
    assert_eq!(cond_err("foo(a)", v()), "Invalid ConditionExpression: Invalid function name; function: foo");
    assert_eq!(
        cond_err("attribute_exists(a, b)", v()),
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"
    );
    assert_eq!(
        cond_err("begins_with(a)", v()),
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"
    );
    assert_eq!(
        cond_err("attribute_exists(:v)", v()),
        "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"
    );
    assert_eq!(
        cond_err("begins_with(a, :v)", v()),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
    );
    assert_eq!(
        cond_err("size(:v) = :v", v()),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"
    );
    assert_eq!(
        cond_err("size(size(a)) = :v", v()),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"
    );
    // DynamoDB also takes a literal whose size is defined.
    assert!(eval_with("size(:s) = :one", &item(vec![]), vec![(":s", s("abc")), (":one", n("3"))]).unwrap());
    assert_eq!(
        cond_err("attribute_type(a, :s)", v()),
        "Invalid ConditionExpression: Invalid attribute type name found; type: x, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }"
    );
    assert_eq!(
        cond_err("attribute_type(a, :v)", v()),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"
    );
    assert_eq!(
        cond_err("a < :m", v()),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: M"
    );
    assert_eq!(
        cond_err("a = a", v()),
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"
    );
    assert_eq!(
        cond_err("a BETWEEN :v AND :s", v()),
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:x}"
    );
    let bad = vec![(":lo", n("5")), (":hi", n("1"))];
    assert_eq!(
        cond_err("a BETWEEN :lo AND :hi", bad),
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"
    );
    assert_eq!(cond_err("size(a)", v()), "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \")\"");
    let many: Vec<String> = (0..101).map(|_| ":v".to_string()).collect();
    assert_eq!(
        cond_err(&format!("a IN ({})", many.join(",")), v()),
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"
    );
    let long = format!("a = :v{}", " OR a = :v".repeat(410));
    assert_eq!(
        cond_err(&long, v()),
        format!(
            "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: {}",
            long.len()
        )
    );
    let deep: Vec<String> = (0..33).map(|i| format!("a{i}")).collect();
    assert_eq!(
        cond_err(&format!("{} = :v", deep.join(".")), v()),
        "Invalid ConditionExpression: The document path has too many nesting levels; nesting levels: 33"
    );
}

// ---- updates ----

fn upd(expr: &str, it: &mut Item, vals: Vec<(&str, V)>) -> Result<(), ExprError> {
    let vals = values(vals);
    let mut cx = ExprContext::new(None, if vals.is_empty() { None } else { Some(&vals) });
    let u = parse_update(expr, &mut cx)?;
    apply_update(&u, it)
}

fn upd_err(expr: &str, vals: Vec<(&str, V)>) -> String {
    let mut it = sample();
    upd(expr, &mut it, vals).unwrap_err().into_message()
}

#[test]
fn update_set_forms() {
    let mut it = sample();
    upd(
        "SET a = :v, num = num + :one, neg = neg - :one, mp.b.c = :v, lst[0] = :v, lst[10] = :w, mp.newkey = :w",
        &mut it,
        vec![(":v", s("new")), (":one", n("1")), (":w", n("9"))],
    )
    .unwrap();
    assert_eq!(it["a"], s("new"));
    assert_eq!(it["num"], n("43"));
    assert_eq!(it["neg"], n("-4.5"));
    assert_eq!(
        it["mp"],
        m(vec![("a", n("1")), ("b", m(vec![("c", s("new"))])), ("arr", l(vec![n("10"), n("20")])), ("newkey", n("9"))])
    );
    // Past the end of a list appends.
    assert_eq!(it["lst"], l(vec![s("new"), n("1"), m(vec![("deep", s("v"))]), n("9")]));

    let mut it = sample();
    upd(
        "SET c = if_not_exists(c, :z), num = if_not_exists(num, :z), l2 = list_append(mp.arr, :more), l3 = list_append(:more, mp.arr)",
        &mut it,
        vec![(":z", n("0")), (":more", l(vec![n("30")]))],
    )
    .unwrap();
    assert_eq!(it["c"], n("0"));
    assert_eq!(it["num"], n("42"));
    assert_eq!(it["l2"], l(vec![n("10"), n("20"), n("30")]));
    assert_eq!(it["l3"], l(vec![n("30"), n("10"), n("20")]));

    // SETs past the end append in element-number order.
    let mut it = item(vec![("a", l(vec![s("one"), s("two"), s("three")]))]);
    upd(
        "SET a[84] = :a1, a[37] = :a2, a[17] = :a3, a[50] = :a4",
        &mut it,
        vec![(":a1", s("a1")), (":a2", s("a2")), (":a3", s("a3")), (":a4", s("a4"))],
    )
    .unwrap();
    assert_eq!(it["a"], l(vec![s("one"), s("two"), s("three"), s("a3"), s("a2"), s("a4"), s("a1")]));
    // Indexes in REMOVE and SET both mean positions before the update.
    let mut it = item(vec![("a", l(["2", "3", "4", "5", "6", "7"].iter().map(|x| n(x)).collect()))]);
    upd("REMOVE a[1] SET a[3] = :v", &mut it, vec![(":v", n("17"))]).unwrap();
    assert_eq!(it["a"], l(["2", "4", "17", "6", "7"].iter().map(|x| n(x)).collect()));
    // Right-hand sides see the item as it was: a swap.
    let mut it = item(vec![("x", n("1")), ("y", n("2"))]);
    upd("SET x = y, y = x", &mut it, vec![]).unwrap();
    assert_eq!((it["x"].clone(), it["y"].clone()), (n("2"), n("1")));

    // Counter from nothing, and arithmetic across fractions.
    let mut it = item(vec![]);
    upd("set cnt = if_not_exists(cnt, :zero) + :inc", &mut it, vec![(":zero", n("0")), (":inc", n("0.1"))]).unwrap();
    upd("set cnt = if_not_exists(cnt, :zero) + :inc", &mut it, vec![(":zero", n("0")), (":inc", n("0.2"))]).unwrap();
    assert_eq!(it["cnt"], n("0.3"));
}

#[test]
fn update_remove_add_delete() {
    let mut it = sample();
    upd("REMOVE str, mp.b, lst[0], lst[2], nothing_here", &mut it, vec![]).unwrap();
    assert!(!it.contains_key("str"));
    assert_eq!(it["mp"], m(vec![("a", n("1")), ("arr", l(vec![n("10"), n("20")]))]));
    assert_eq!(it["lst"], l(vec![n("1")]));

    let mut it = sample();
    upd(
        "ADD num :five, ss :more, newnum :five, newset :set DELETE ns :two, bs :bx",
        &mut it,
        vec![
            (":five", n("5")),
            (":more", ss(&["b", "c"])),
            (":set", ns(&["7"])),
            (":two", ns(&["2.0"])),
            (":bx", V::Bs(vec![rt::Bytes::from_static(b"x")])),
        ],
    )
    .unwrap();
    assert_eq!(it["num"], n("47"));
    assert_eq!(it["ss"], ss(&["a", "b", "c"]));
    assert_eq!(it["newnum"], n("5"));
    assert_eq!(it["newset"], ns(&["7"]));
    assert_eq!(it["ns"], ns(&["1", "3"]));
    // Deleting the last member removes the attribute.
    assert!(!it.contains_key("bs"));
    // DELETE on a missing attribute is a no-op.
    let mut it = sample();
    upd("DELETE nope :s", &mut it, vec![(":s", ss(&["a"]))]).unwrap();
    // Keywords in any case, sections in any order.
    upd("remove t add num :one set x = :one", &mut it, vec![(":one", n("1"))]).unwrap();
    assert_eq!(it["num"], n("43"));
    assert!(!it.contains_key("t"));
}

#[test]
fn update_errors() {
    let u = |e: &str| format!("Invalid UpdateExpression: {e}");
    assert_eq!(
        upd_err("SET a = :v, a.b = :v", vec![(":v", n("1"))]),
        u(
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
        )
    );
    assert_eq!(
        upd_err("SET a = :v REMOVE a", vec![(":v", n("1"))]),
        u(
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"
        )
    );
    assert_eq!(
        upd_err("SET a.b = :v, a[0] = :v", vec![(":v", n("1"))]),
        u(
            "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]"
        )
    );
    assert_eq!(
        upd_err("SET a = :v SET b = :v", vec![(":v", n("1"))]),
        u("The \"SET\" section can only be used once in an update expression;")
    );
    assert_eq!(
        upd_err("ADD a :v", vec![(":v", s("x"))]),
        u("Incorrect operand type for operator or function; operator: ADD, operand type: STRING")
    );
    assert_eq!(
        upd_err("DELETE a :v", vec![(":v", n("1"))]),
        u("Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER")
    );
    assert_eq!(upd_err("SET a = foo(b)", vec![]), u("Invalid function name; function: foo"));
    assert_eq!(upd_err("", vec![]), u("The expression can not be empty;"));
    assert_eq!(upd_err("SET", vec![]), u("Syntax error; token: \"<EOF>\", near: \"SET\""));
    assert_eq!(
        upd_err("UPSERT a = :v", vec![(":v", n("1"))]),
        u("Syntax error; token: \"UPSERT\", near: \"UPSERT a\"")
    );
    assert_eq!(
        upd_err("SET status = :v", vec![(":v", n("1"))]),
        u("Attribute name is a reserved keyword; reserved keyword: status")
    );
    assert_eq!(
        upd_err("SET a = if_not_exists(:v, b)", vec![(":v", n("1"))]),
        u("Operator or function requires a document path; operator or function: if_not_exists")
    );
    assert_eq!(
        upd_err("SET a = if_not_exists(if_not_exists(a, :v), :v)", vec![(":v", n("1"))]),
        u("Operator or function requires a document path; operator or function: if_not_exists")
    );
    assert_eq!(
        upd_err("SET a = list_append(list_append(:l, :l), :l)", vec![(":l", l(vec![]))]),
        u("The function is not allowed to be used this way in an expression; function: list_append")
    );
    assert_eq!(
        upd_err("SET a = LIST_APPEND(:l, :l)", vec![(":l", l(vec![]))]),
        u("Invalid function name; function: LIST_APPEND")
    );
    assert!(upd_err("SET a = if_not_exists(a, :v + :v)", vec![(":v", n("1"))]).contains("Syntax error; token: \"+\""));
    assert_eq!(
        upd_err("SET a = list_append(:v, b)", vec![(":v", n("1"))]),
        u("Incorrect operand type for operator or function; operator or function: list_append, operand type: N")
    );
    // Errors found while applying.
    assert_eq!(
        upd_err("SET a = str + :v", vec![(":v", n("1"))]),
        "An operand in the update expression has an incorrect data type"
    );
    assert_eq!(
        upd_err("SET a = nope + :v", vec![(":v", n("1"))]),
        "The provided expression refers to an attribute that does not exist in the item"
    );
    assert_eq!(
        upd_err("SET a = list_append(str, lst)", vec![]),
        "An operand in the update expression has an incorrect data type"
    );
    assert_eq!(
        upd_err("ADD str :v", vec![(":v", n("1"))]),
        "An operand in the update expression has an incorrect data type"
    );
    assert_eq!(
        upd_err("ADD ss :v", vec![(":v", ns(&["1"]))]),
        "An operand in the update expression has an incorrect data type"
    );
    assert_eq!(
        upd_err("DELETE num :v", vec![(":v", ns(&["1"]))]),
        "An operand in the update expression has an incorrect data type"
    );
    assert_eq!(
        upd_err("SET nope.a = :v", vec![(":v", n("1"))]),
        "The document path provided in the update expression is invalid for update"
    );
    assert_eq!(
        upd_err("SET str.a = :v", vec![(":v", n("1"))]),
        "The document path provided in the update expression is invalid for update"
    );
    assert_eq!(
        upd_err("SET mp[0] = :v", vec![(":v", n("1"))]),
        "The document path provided in the update expression is invalid for update"
    );
    assert_eq!(
        upd_err("SET num = :v + :v", vec![(":v", n("9.9999999999999999999999999999999999999e125"))]),
        crate::number::OVERFLOW
    );
}

// ---- projection ----

fn proj(expr: &str) -> Item {
    let mut cx = ExprContext::empty();
    project(&parse_projection(expr, &mut cx).unwrap(), &sample())
}

#[test]
fn projections() {
    assert_eq!(proj("str, num"), item(vec![("str", s("hello world")), ("num", n("42"))]));
    assert_eq!(proj("mp.b.c"), item(vec![("mp", m(vec![("b", m(vec![("c", s("d"))]))]))]));
    assert_eq!(proj("lst[2], lst[0]"), item(vec![("lst", l(vec![s("x"), m(vec![("deep", s("v"))])]))]));
    assert_eq!(proj("lst[2].deep"), item(vec![("lst", l(vec![m(vec![("deep", s("v"))])]))]));
    assert_eq!(proj("mp.arr[1], mp.a"), item(vec![("mp", m(vec![("arr", l(vec![n("20")])), ("a", n("1"))]))]));
    assert_eq!(proj("nope, mp.nope, lst[9]"), item(vec![]));
    let nm = names(&[("#n", "num")]);
    let mut cx = ExprContext::new(Some(&nm), None);
    let p = parse_projection("#n", &mut cx).unwrap();
    cx.finish().unwrap();
    assert_eq!(project(&p, &sample()), item(vec![("num", n("42"))]));
    let mut cx = ExprContext::empty();
    assert_eq!(
        parse_projection("a, a.b", &mut cx).unwrap_err().message(),
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
    );
    assert_eq!(
        parse_projection("a, name", &mut cx).unwrap_err().message(),
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"
    );
    assert_eq!(
        parse_projection("", &mut cx).unwrap_err().message(),
        "Invalid ProjectionExpression: The expression can not be empty;"
    );
    assert_eq!(
        parse_projection("a,", &mut cx).unwrap_err().message(),
        "Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\""
    );
}

// ---- key conditions ----

fn key(expr: &str, vals: Vec<(&str, V)>) -> Result<KeyCondition, ExprError> {
    let vals = values(vals);
    let mut cx = ExprContext::new(None, Some(&vals));
    parse_key_condition(expr, &mut cx, "pk", Some("sk"))
}

#[test]
fn key_conditions() {
    let v = || vec![(":h", s("p")), (":a", n("1")), (":b", n("5"))];
    let k = key("pk = :h", v()).unwrap();
    assert_eq!((k.hash_key.as_str(), k.hash_value.clone(), k.range.clone()), ("pk", s("p"), None));
    let k = key("pk = :h AND sk BETWEEN :a AND :b", v()).unwrap();
    assert_eq!(k.range_key.as_deref(), Some("sk"));
    let r = k.range.unwrap();
    assert!(
        r.matches(&n("1")) && r.matches(&n("5")) && r.matches(&n("3.5")) && !r.matches(&n("6")) && !r.matches(&s("3"))
    );
    let k = key("sk < :b and pk = :h", v()).unwrap();
    assert!(k.range.as_ref().unwrap().matches(&n("4")) && !k.range.as_ref().unwrap().matches(&n("5")));
    let k = key(":b >= sk AND pk = :h", v()).unwrap();
    assert!(k.range.as_ref().unwrap().matches(&n("5")) && !k.range.as_ref().unwrap().matches(&n("6")));
    let k = key("(pk = :h) AND (begins_with(sk, :p))", vec![(":h", s("p")), (":p", s("ab"))]).unwrap();
    assert!(k.range.as_ref().unwrap().matches(&s("abc")) && !k.range.as_ref().unwrap().matches(&s("b")));
    for (op, yes, no) in [("=", "5", "4"), ("<", "4", "5"), ("<=", "5", "6"), (">", "6", "5"), (">=", "5", "4")] {
        let k = key(&format!("pk = :h AND sk {op} :b"), v()).unwrap();
        let r = k.range.unwrap();
        assert!(r.matches(&n(yes)) && !r.matches(&n(no)), "{op}");
    }
    k_types();
}

fn k_types() {
    let k = key("pk = :h AND sk > :a", vec![(":h", s("p")), (":a", n("1"))]).unwrap();
    k.check_types("S", Some("N")).unwrap();
    assert_eq!(
        k.check_types("N", Some("N")).unwrap_err().message(),
        "One or more parameter values were invalid: Condition parameter type does not match schema type"
    );
}

#[test]
fn key_condition_errors() {
    let e = |expr: &str| key(expr, vec![(":h", s("p")), (":a", n("1")), (":b", n("2"))]).unwrap_err().into_message();
    assert_eq!(e("sk = :a"), "Query condition missed key schema element: pk");
    assert_eq!(e("oth = :a"), "Query condition missed key schema element: pk");
    assert_eq!(e("pk = :h AND oth = :a"), "Query key condition not supported");
    assert_eq!(e("pk < :h"), "Query key condition not supported");
    assert_eq!(e("pk = :h OR sk = :a"), "Invalid operator used in KeyConditionExpression: OR");
    assert_eq!(e("NOT pk = :h"), "Invalid operator used in KeyConditionExpression: NOT");
    assert_eq!(e("pk = :h AND sk <> :a"), "Invalid operator used in KeyConditionExpression: <>");
    assert_eq!(e("pk = :h AND sk IN (:a, :b)"), "Invalid operator used in KeyConditionExpression: IN");
    assert_eq!(
        e("pk = :h AND attribute_exists(sk)"),
        "Invalid operator used in KeyConditionExpression: attribute_exists"
    );
    assert_eq!(e("pk = :h AND contains(sk, :a)"), "Invalid operator used in KeyConditionExpression: contains");
    assert_eq!(e("pk = :h AND sk = :a AND sk = :b"), "KeyConditionExpressions must only contain one condition per key");
    assert_eq!(e("pk = :h AND sk.x = :a"), "KeyConditionExpressions cannot have conditions on nested attributes");
    assert_eq!(e("pk = :h AND sk = pk"), "Query key condition not supported");
    assert_eq!(
        e("pk = :h AND begins_with(sk, :a)"),
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
    );
    assert_eq!(
        e("pk = :nope"),
        "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope"
    );
    assert_eq!(
        e("status = :h"),
        "Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    );
    assert_eq!(e("pk = :h AND"), "Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
}

#[test]
fn key_order_is_numeric_for_numbers() {
    use std::cmp::Ordering::*;
    assert_eq!(key_order(&n("10"), &n("9")), Greater);
    assert_eq!(key_order(&n("-10"), &n("-9")), Less);
    assert_eq!(key_order(&n("1.0"), &n("1")), Equal);
    assert_eq!(key_order(&s("B"), &s("a")), Less);
    assert_eq!(key_order(&b(b"\xff"), &b(b"\x01\x00")), Greater);
}
