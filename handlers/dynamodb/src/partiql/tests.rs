use dynamodb_api::types::AttributeValue as V;

use super::*;
use crate::expr::tests::{item, n, s};

fn sel(sql: &str, params: &[V]) -> Select {
    match parse(sql, params).unwrap_or_else(|e| panic!("{sql}: {e}")) {
        Statement::Select(s) => s,
        other => panic!("{other:?}"),
    }
}

fn err(sql: &str, params: &[V]) -> String {
    parse(sql, params).map(|s| panic!("{sql} parsed: {s:?}")).unwrap_err().into_message()
}

fn row() -> Item {
    item(vec![
        ("pk", s("a")),
        ("sk", n("2")),
        ("name", s("Widget")),
        ("price", n("9.5")),
        ("tags", V::Ss(vec!["x".into(), "y".into()])),
        ("info", V::M([("color".to_string(), s("red"))].into_iter().collect())),
        ("parts", V::L(vec![s("p0"), s("p1")])),
    ])
}

#[test]
fn select_forms() {
    let q = sel(r#"SELECT * FROM "Music" WHERE pk = 'a' AND sk > 1"#, &[]);
    assert_eq!((q.table.as_str(), q.index.as_deref(), q.projection.is_none()), ("Music", None, true));
    assert!(q.matches(&row()));
    let k = q.key_condition("pk", Some("sk")).unwrap();
    assert_eq!(k.hash_value, s("a"));
    assert!(k.range.unwrap().matches(&n("2")));

    let q = sel(
        r#"select name, info.color, parts[1] from "Music"."byName" where price between ? and ?"#,
        &[n("9"), n("10")],
    );
    assert_eq!(q.index.as_deref(), Some("byName"));
    assert!(q.matches(&row()));
    assert!(q.key_condition("pk", None).is_none());
    // PartiQL names each selected value after the last name in its path.
    let out = q.output(&row());
    assert_eq!(out, item(vec![("name", s("Widget")), ("color", s("red")), ("parts", s("p1"))]));

    assert!(sel("SELECT * FROM t WHERE pk = 'a' ORDER BY sk DESC", &[]).descending);
    assert!(!sel("SELECT * FROM t WHERE pk = 'a' ORDER BY sk ASC", &[]).descending);
    let yes = [
        "SELECT * FROM t WHERE pk = 'a'",
        "SELECT * FROM t WHERE price >= 9.5 AND price <= 9.5",
        "SELECT * FROM t WHERE price <> 1 AND price != 2",
        "SELECT * FROM t WHERE name IN ['x', 'Widget']",
        "SELECT * FROM t WHERE name IN ('x', 'Widget')",
        "SELECT * FROM t WHERE begins_with(name, 'Wid')",
        "SELECT * FROM t WHERE contains(tags, 'x')",
        "SELECT * FROM t WHERE attribute_type(price, 'N')",
        "SELECT * FROM t WHERE missing_attr IS MISSING",
        "SELECT * FROM t WHERE name IS NOT MISSING",
        "SELECT * FROM t WHERE nothing IS NULL",
        "SELECT * FROM t WHERE size(parts) = 2",
        "SELECT * FROM t WHERE NOT pk = 'b' AND (sk = 1 OR sk = 2)",
        "SELECT * FROM t WHERE info.color = 'red' AND parts[0] = 'p0'",
        "SELECT * FROM t WHERE \"name\" = 'Widget';",
        "SELECT * FROM t WHERE pk = 'a' -- a comment",
    ];
    for sql in yes {
        assert!(sel(sql, &[]).matches(&row()), "{sql}");
    }
    let no = [
        "SELECT * FROM t WHERE pk = 'b'",
        "SELECT * FROM t WHERE price > 10",
        "SELECT * FROM t WHERE name IS MISSING",
        "SELECT * FROM t WHERE price = '9.5'",
        "SELECT * FROM t WHERE pk = 'a' AND sk = 3",
    ];
    for sql in no {
        assert!(!sel(sql, &[]).matches(&row()), "{sql}");
    }
}

#[test]
fn insert_update_delete() {
    let ins = parse(
        "INSERT INTO \"t\" VALUE {'pk': ?, 'sk': 1, 'm': {'a': [1, 'two', true, null]}, 'ss': <<'a', 'b'>>, 'ns': <<1, 2>>}",
        &[s("k")],
    )
    .unwrap();
    let Statement::Insert(i) = &ins else { panic!() };
    assert_eq!(i.item["pk"], s("k"));
    assert_eq!(i.item["ns"], V::Ns(vec!["1".into(), "2".into()]));
    assert_eq!(write_key(&ins, "pk", Some("sk")).unwrap(), item(vec![("pk", s("k")), ("sk", n("1"))]));
    let out = apply_write(&ins, "pk", Some("sk"), None).unwrap();
    assert!(matches!(out.action, WriteAction::Put(_)));
    assert_eq!(apply_write(&ins, "pk", Some("sk"), Some(&row())), Err(WriteError::DuplicateItem));
    assert_eq!(
        write_key(&ins, "id", None).unwrap_err().message(),
        "One or more parameter values were invalid: Missing the key id in the item"
    );

    let up = parse(
        "UPDATE t SET price = price + 1 SET tags = set_add(tags, <<'z'>>) REMOVE parts[0] WHERE pk = 'a' AND sk = 2 RETURNING ALL NEW *",
        &[],
    )
    .unwrap();
    assert_eq!(write_key(&up, "pk", Some("sk")).unwrap(), item(vec![("pk", s("a")), ("sk", n("2"))]));
    let out = apply_write(&up, "pk", Some("sk"), Some(&row())).unwrap();
    let WriteAction::Put(new) = out.action else { panic!() };
    assert_eq!(new["price"], n("10.5"));
    assert_eq!(new["tags"], V::Ss(vec!["x".into(), "y".into(), "z".into()]));
    assert_eq!(new["parts"], V::L(vec![s("p1")]));
    assert_eq!(out.returned, Some(new.clone()));
    assert_eq!(apply_write(&up, "pk", Some("sk"), None), Err(WriteError::ConditionalCheckFailed));

    let cond = parse("UPDATE t SET a = 1 WHERE pk = 'a' AND sk = 2 AND price > 100", &[]).unwrap();
    assert_eq!(apply_write(&cond, "pk", Some("sk"), Some(&row())), Err(WriteError::ConditionalCheckFailed));
    let key_change = parse("UPDATE t SET pk = 'b' WHERE pk = 'a'", &[]).unwrap();
    assert_eq!(
        write_key(&key_change, "pk", None).unwrap_err().message(),
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
    );
    let partial = parse("UPDATE t SET a = 1 WHERE pk = 'a'", &[]).unwrap();
    assert_eq!(
        write_key(&partial, "pk", Some("sk")).unwrap_err().message(),
        "Where clause does not contain a mandatory equality on all key attributes"
    );

    let del = parse("DELETE FROM t WHERE pk = 'a' AND sk = 2 RETURNING ALL OLD *", &[]).unwrap();
    let out = apply_write(&del, "pk", Some("sk"), Some(&row())).unwrap();
    assert_eq!((out.action, out.returned), (WriteAction::Delete, Some(row())));
    assert_eq!(apply_write(&del, "pk", Some("sk"), None).unwrap().action, WriteAction::Nothing);
    let del_cond = parse("DELETE FROM t WHERE pk = 'a' AND sk = 2 AND price = 1", &[]).unwrap();
    assert_eq!(apply_write(&del_cond, "pk", Some("sk"), None), Err(WriteError::ConditionalCheckFailed));
    assert_eq!(apply_write(&del_cond, "pk", Some("sk"), Some(&row())), Err(WriteError::ConditionalCheckFailed));
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let parens = format!("SELECT * FROM t WHERE {}a = 1{}", "(".repeat(5000), ")".repeat(5000));
    assert!(parse(&parens, &[]).is_err());
    let nots = format!("SELECT * FROM t WHERE {}a = 1", "NOT ".repeat(5000));
    assert!(parse(&nots, &[]).is_err());
    let lists = format!("INSERT INTO t VALUE {{'pk': {}1{}}}", "[".repeat(5000), "]".repeat(5000));
    assert!(parse(&lists, &[]).is_err());
    let calls = format!("UPDATE t SET a = {}[]{} WHERE pk = 'x'", "list_append(".repeat(3000), ", [])".repeat(3000));
    assert!(parse(&calls, &[]).is_err());
}

#[test]
fn exists_condition_checks() {
    let yes = parse("EXISTS(SELECT * FROM \"t\" WHERE pk = 'a' AND sk = 2 AND price > 9)", &[]).unwrap();
    assert!(!yes.is_read());
    assert_eq!(write_key(&yes, "pk", Some("sk")).unwrap(), item(vec![("pk", s("a")), ("sk", n("2"))]));
    assert_eq!(apply_write(&yes, "pk", Some("sk"), Some(&row())).unwrap().action, WriteAction::Nothing);
    assert_eq!(apply_write(&yes, "pk", Some("sk"), None), Err(WriteError::ConditionalCheckFailed));
    let no = parse("NOT EXISTS(SELECT * FROM t WHERE pk = ? AND sk = 2)", &[s("a")]).unwrap();
    assert_eq!(no.table(), "t");
    assert_eq!(apply_write(&no, "pk", Some("sk"), None).unwrap().action, WriteAction::Nothing);
    assert_eq!(apply_write(&no, "pk", Some("sk"), Some(&row())), Err(WriteError::ConditionalCheckFailed));
    assert!(parse("EXISTS(SELECT * FROM t)", &[]).is_err());
    assert!(parse("EXISTS(SELECT * FROM t WHERE pk = 'a'", &[]).is_err());
}

#[test]
fn errors() {
    assert_eq!(err("SELECT * FROM t WHERE a = ?", &[]), "Number of parameters in request and statement don't match.");
    assert_eq!(err("SELECT * FROM t", &[n("1")]), "Number of parameters in request and statement don't match.");
    assert!(err("SELEC * FROM t", &[]).starts_with("Statement wasn't well formed, can't be processed: "));
    assert!(err("SELECT * FROM", &[]).starts_with("Statement wasn't well formed, can't be processed: "));
    assert!(err("SELECT * FROM t WHERE 'unterminated", &[]).starts_with("Statement wasn't well formed"));
    assert!(err("INSERT INTO t VALUE 5", &[]).starts_with("Statement wasn't well formed"));
    assert!(err("UPDATE t WHERE pk = 'a'", &[]).starts_with("Statement wasn't well formed"));
    assert!(err("DELETE FROM t", &[]).starts_with("Statement wasn't well formed"));
    assert!(err("SELECT * FROM t WHERE a = <<1, 'x'>>", &[]).starts_with("Statement wasn't well formed"));
    assert_eq!(err("SELECT * FROM t WHERE a = 1e999", &[]), crate::number::OVERFLOW);
    assert_eq!(
        err("SELECT pk FROM t WHERE pk = 'x' AND val < ?", &[V::Bool(true)]),
        "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"
    );
    assert_eq!(
        err("SELECT * FROM \"t\".\"i\".\"x\"", &[]),
        "A path may contain at most 2 components in the FROM clause"
    );
    assert_eq!(err("SELECT * FROM \"\" WHERE pk = 'x'", &[]), "Path component cannot be an empty string");
    assert_eq!(err("SELECT * FROM \"t\".\"\"", &[]), "Path component cannot be an empty string");
    for r in ["MODIFIED OLD *", "ALL NEW *", "MODIFIED NEW *"] {
        assert_eq!(
            err(&format!("DELETE FROM t WHERE pk = 'x' RETURNING {r}"), &[]),
            format!(
                "Invalid returning clause: RETURNING {r}. Only RETURNING ALL OLD * is allowed in DELETE statements."
            )
        );
    }
}
