//! The policy grammar: parsing a JSON document into statements.

use serde_json::{Map, Value};

use crate::condition::Condition;

/// Why IAM would reject a document; the text is the message AWS gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

fn syntax() -> ParseError {
    ParseError("Syntax errors in policy.".into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` or `NotAction` (likewise resources): the listed patterns, or everything but them.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueSet {
    Listed(Vec<String>),
    AllBut(Vec<String>),
}

/// Who a resource policy (or a trust policy) speaks about.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// `"*"`: anyone.
    Anyone,
    /// `{"AWS": [...], "Service": [...], ...}` as (type, values).
    Listed(Vec<(String, Vec<String>)>),
}

/// 1-based line and column, as IAM reports statement positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: i32,
    pub column: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    /// True when the principal came as `NotPrincipal`.
    pub not_principal: bool,
    pub action: Option<ValueSet>,
    pub resource: Option<ValueSet>,
    pub conditions: Vec<Condition>,
    /// Where the statement starts and ends in the document text.
    pub span: Option<(Position, Position)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl Policy {
    pub fn parse(text: &str) -> Result<Policy, ParseError> {
        let value: Value = serde_json::from_str(text).map_err(|_| syntax())?;
        let Value::Object(top) = value else { return Err(syntax()) };
        let mut version = None;
        let mut id = None;
        let mut statement_value = None;
        for (k, v) in &top {
            match k.as_str() {
                "Version" => version = Some(v.as_str().ok_or_else(syntax)?.to_owned()),
                "Id" => id = Some(v.as_str().ok_or_else(syntax)?.to_owned()),
                "Statement" => statement_value = Some(v),
                _ => return Err(syntax()),
            }
        }
        if let Some(v) = &version {
            if v != "2012-10-17" && v != "2008-10-17" {
                return Err(ParseError("The policy failed legacy parsing".into()));
            }
        }
        let raw = match statement_value.ok_or_else(syntax)? {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            one @ Value::Object(_) => vec![one],
            _ => return Err(syntax()),
        };
        if raw.is_empty() {
            return Err(syntax());
        }
        let spans = statement_spans(text);
        let mut statements = Vec::with_capacity(raw.len());
        for (i, item) in raw.into_iter().enumerate() {
            let Value::Object(map) = item else { return Err(syntax()) };
            let mut s = statement(map)?;
            s.span = spans.get(i).copied();
            statements.push(s);
        }
        Ok(Policy { version, id, statements })
    }
}

fn strings(v: &Value) -> Result<Vec<String>, ParseError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items.iter().map(|i| i.as_str().map(str::to_owned).ok_or_else(syntax)).collect(),
        _ => Err(syntax()),
    }
}

fn principal(v: &Value) -> Result<Principal, ParseError> {
    match v {
        Value::String(s) if s == "*" => Ok(Principal::Anyone),
        Value::Object(m) => {
            let mut out = Vec::new();
            for (kind, values) in m {
                if !matches!(kind.as_str(), "AWS" | "Service" | "Federated" | "CanonicalUser") {
                    return Err(syntax());
                }
                out.push((kind.clone(), strings(values)?));
            }
            Ok(Principal::Listed(out))
        }
        _ => Err(syntax()),
    }
}

fn statement(map: &Map<String, Value>) -> Result<Statement, ParseError> {
    let mut s = Statement {
        sid: None,
        effect: Effect::Allow,
        principal: None,
        not_principal: false,
        action: None,
        resource: None,
        conditions: Vec::new(),
        span: None,
    };
    let mut effect = None;
    for (k, v) in map {
        match k.as_str() {
            "Sid" => s.sid = Some(v.as_str().ok_or_else(syntax)?.to_owned()),
            "Effect" => {
                effect = Some(match v.as_str() {
                    Some("Allow") => Effect::Allow,
                    Some("Deny") => Effect::Deny,
                    _ => return Err(syntax()),
                })
            }
            "Principal" | "NotPrincipal" => {
                if s.principal.is_some() {
                    return Err(syntax());
                }
                s.principal = Some(principal(v)?);
                s.not_principal = k == "NotPrincipal";
            }
            "Action" | "NotAction" => {
                if s.action.is_some() {
                    return Err(syntax());
                }
                let list = strings(v)?;
                s.action = Some(if k == "Action" { ValueSet::Listed(list) } else { ValueSet::AllBut(list) });
            }
            "Resource" | "NotResource" => {
                if s.resource.is_some() {
                    return Err(syntax());
                }
                let list = strings(v)?;
                s.resource = Some(if k == "Resource" { ValueSet::Listed(list) } else { ValueSet::AllBut(list) });
            }
            "Condition" => s.conditions = Condition::parse_block(v).ok_or_else(syntax)?,
            _ => return Err(syntax()),
        }
    }
    s.effect = effect.ok_or_else(syntax)?;
    Ok(s)
}

/// Byte spans of the statements in the text, in order, found by a small scanner (the
/// parsed value has no positions). Empty when the layout is not the usual one.
fn statement_spans(text: &str) -> Vec<(Position, Position)> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return Vec::new();
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        if b.get(i) != Some(&b'"') {
            return Vec::new();
        }
        let key_end = value_end(b, i);
        let key = &text[i + 1..key_end.saturating_sub(1).max(i + 1)];
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return Vec::new();
        }
        i = skip_ws(b, i + 1);
        let end = value_end(b, i);
        if key == "Statement" {
            return match b.get(i) {
                Some(b'{') => vec![(position(text, i), position(text, end - 1))],
                Some(b'[') => {
                    let mut out = Vec::new();
                    let mut j = skip_ws(b, i + 1);
                    while j < end - 1 && b.get(j) == Some(&b'{') {
                        let e = value_end(b, j);
                        out.push((position(text, j), position(text, e - 1)));
                        j = skip_ws(b, e);
                        if b.get(j) == Some(&b',') {
                            j = skip_ws(b, j + 1);
                        }
                    }
                    out
                }
                _ => Vec::new(),
            };
        }
        i = skip_ws(b, end);
        if b.get(i) != Some(&b',') {
            return Vec::new();
        }
        i += 1;
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The index just past the JSON value starting at `i`.
fn value_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_string = false;
                if depth == 0 {
                    return i + 1;
                }
            }
        } else {
            match c {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                b',' if depth == 0 => return i,
                _ if depth == 0 && c.is_ascii_whitespace() => return i,
                _ => {}
            }
        }
        i += 1;
    }
    i
}

fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as i32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as i32 + 1;
    Position { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_statement_and_lists() {
        let p =
            Policy::parse(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#)
                .unwrap();
        assert_eq!(p.statements.len(), 1);
        assert_eq!(p.statements[0].action, Some(ValueSet::Listed(vec!["s3:*".into()])));
        let p = Policy::parse(
            "{\n \"Statement\": [\n  {\"Effect\": \"Deny\", \"NotAction\": [\"iam:*\"], \"NotResource\": \"x\"},\n  {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}\n ]\n}",
        )
        .unwrap();
        assert_eq!(p.statements[0].effect, Effect::Deny);
        assert_eq!(p.statements[0].action, Some(ValueSet::AllBut(vec!["iam:*".into()])));
        assert_eq!(p.statements[0].span.unwrap().0, Position { line: 3, column: 3 });
        assert_eq!(p.statements[1].span.unwrap().0, Position { line: 4, column: 3 });
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"Statement":[]}"#,
            r#"{"Statement":{"Action":"s3:*"}}"#,
            r#"{"Statement":{"Effect":"Maybe","Action":"s3:*"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"a","NotAction":"b"}}"#,
            r#"{"Statement":{"Effect":"Allow","Bogus":1}}"#,
        ] {
            assert!(Policy::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Policy::parse(r#"{"Version":"2011-01-01","Statement":{"Effect":"Allow"}}"#).unwrap_err().0,
            "The policy failed legacy parsing"
        );
    }

    #[test]
    fn principals() {
        let p = Policy::parse(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
        )
        .unwrap();
        assert_eq!(
            p.statements[0].principal,
            Some(Principal::Listed(vec![("Service".into(), vec!["lambda.amazonaws.com".into()])]))
        );
    }

    /// Property: no truncation or corruption of a document makes the parser panic, and
    /// every span it reports lies inside the text.
    #[test]
    fn never_panics_on_mangled_documents() {
        let base = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"é\\\"x\", \"Effect\": \"Allow\", \"Action\": [\"s3:*\"], \"Resource\": \"*\",\n     \"Condition\": {\"StringLike\": {\"k\": [\"v*\"]}}}\n  ]\n}";
        assert!(Policy::parse(base).is_ok());
        let mut seed = 42u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as usize
        };
        let boundaries: Vec<usize> = base.char_indices().map(|(i, _)| i).collect();
        for &cut in &boundaries {
            let _ = Policy::parse(&base[..cut]);
        }
        let noise = ['{', '}', '[', ']', '"', ',', ':', '\\', 'é', ' '];
        for _ in 0..3000 {
            let mut text = base.to_string();
            for _ in 0..(1 + next() % 3) {
                let at = boundaries[next() % boundaries.len()].min(text.len());
                if text.is_char_boundary(at) {
                    text.insert(at, noise[next() % noise.len()]);
                }
            }
            if let Ok(p) = Policy::parse(&text) {
                let lines = text.lines().count() as i32;
                for s in &p.statements {
                    if let Some((a, b)) = s.span {
                        assert!(a.line >= 1 && b.line <= lines && (a.line, a.column) <= (b.line, b.column));
                    }
                }
            }
        }
    }
}
