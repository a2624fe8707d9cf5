//! Parameter names, paths, selectors and ARNs, with the messages AWS gives for bad ones.

use ferrostack_runtime as rt;

/// Parameter hierarchies are limited to fifteen levels.
pub const MAX_HIERARCHY_LEVELS: usize = 15;
/// Longest fully qualified name, counted with the ARN text in front of it.
pub const MAX_NAME_WITH_ARN: usize = 1011;

/// The catch-all message SSM gives for any malformed parameter name.
pub const INVALID_NAME: &str = "Parameter name: can't be prefixed with \"ssm\" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_";

/// The message GetParametersByPath gives for a malformed path.
pub const INVALID_PATH: &str = "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\". It can't be prefixed with \\\"aws\\\" or \\\"ssm\\\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". Valid example: /get/parameters2-/by1./path0_.";

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum NameError {
    /// `ValidationException` with the given message.
    Invalid(String),
    /// Names under `aws`/`ssm` are reserved for AWS.
    Reserved(String),
    /// More than fifteen levels.
    TooDeep,
}

fn valid_segment_chars(segment: &str) -> bool {
    !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

/// The shape every name must have, for reads and writes alike: plain names, or paths that
/// start with `/` and have no empty segment.
pub fn check_shape(name: &str) -> Result<(), NameError> {
    let invalid = || NameError::Invalid(INVALID_NAME.to_string());
    let body = match name.strip_prefix('/') {
        Some(rest) => rest,
        None if name.contains('/') => return Err(invalid()),
        None => name,
    };
    // Counted as they are checked: every parameter call names one, so no Vec is collected.
    let mut levels = 0;
    for segment in body.split('/') {
        if !valid_segment_chars(segment) {
            return Err(invalid());
        }
        levels += 1;
    }
    if levels > MAX_HIERARCHY_LEVELS {
        return Err(NameError::TooDeep);
    }
    Ok(())
}

/// The extra rules for creating a parameter: reserved prefixes and overall length.
pub fn check_new(ctx: &rt::RequestContext, name: &str) -> Result<(), NameError> {
    check_shape(name)?;
    let lower = name.trim_start_matches('/').to_ascii_lowercase();
    if lower.starts_with("aws") || lower.starts_with("ssm") {
        return Err(NameError::Reserved(name.to_string()));
    }
    if arn(ctx, name).len() > MAX_NAME_WITH_ARN {
        return Err(NameError::Invalid(format!(
            "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to {MAX_NAME_WITH_ARN}"
        )));
    }
    Ok(())
}

/// `arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>`
/// Public `/aws/service/…` parameters belong to no account: their ARNs leave it empty.
pub fn arn(ctx: &rt::RequestContext, name: &str) -> String {
    let account = if name.starts_with("/aws/service/") { "" } else { ctx.account_id.as_str() };
    // Concatenated rather than formatted: every parameter read builds one, and the
    // formatting machinery costs several times the copying.
    ["arn:aws:ssm:", &ctx.region, ":", account, ":parameter/", name.trim_start_matches('/')].concat()
}

/// The parameter name an ARN refers to, or the text itself when it is not an ARN. A name
/// with a hierarchy gets its leading slash back.
pub fn strip_arn(text: &str) -> String {
    if !text.starts_with("arn:") {
        return text.to_string();
    }
    match text.split_once(":parameter/") {
        Some((_, rest)) if rest.contains('/') => format!("/{rest}"),
        Some((_, rest)) => rest.to_string(),
        None => text.to_string(),
    }
}

/// Which version a `name:selector` refers to.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    Latest,
    Version(i64),
    Label(String),
}

impl Selector {
    /// The `Selector` member of a returned parameter (`:3`, `:prod`).
    pub fn render(&self) -> Option<String> {
        match self {
            Selector::Latest => None,
            Selector::Version(v) => Some(format!(":{v}")),
            Selector::Label(l) => Some(format!(":{l}")),
        }
    }
}

/// Splits `name[:version|:label]` (names never contain `:`).
pub fn split_selector(text: &str) -> (String, Selector) {
    let name = strip_arn(text);
    match name.rsplit_once(':') {
        Some((base, sel)) if !sel.is_empty() && sel.bytes().all(|b| b.is_ascii_digit()) => {
            (base.to_string(), sel.parse().map(Selector::Version).unwrap_or(Selector::Label(sel.to_string())))
        }
        Some((base, sel)) => (base.to_string(), Selector::Label(sel.to_string())),
        None => (name, Selector::Latest),
    }
}

/// A GetParametersByPath path: `/`, or `/a/b` (a trailing slash is allowed).
pub fn normalize_path(path: &str) -> Result<String, NameError> {
    let invalid = || NameError::Invalid(INVALID_PATH.to_string());
    let Some(body) = path.strip_prefix('/') else {
        return Err(invalid());
    };
    let body = body.strip_suffix('/').unwrap_or(body);
    if body.is_empty() {
        return Ok("/".to_string());
    }
    let segments: Vec<&str> = body.split('/').collect();
    if !segments.iter().all(|s| valid_segment_chars(s)) {
        return Err(invalid());
    }
    let first = segments[0].to_ascii_lowercase();
    // `/aws/service/…` is AWS's public namespace, readable by everyone.
    let public = segments[0] == "aws" && segments.get(1) == Some(&"service");
    if (first.starts_with("aws") && !public) || first.starts_with("ssm") {
        return Err(invalid());
    }
    if segments.len() > MAX_HIERARCHY_LEVELS {
        return Err(NameError::TooDeep);
    }
    Ok(format!("/{body}"))
}

/// Whether `name` sits under `path` (`"/"` or `"/a"`), directly or, when `recursive`, at
/// any depth.
pub fn is_under(name: &str, path: &str, recursive: bool) -> bool {
    let prefix = if path == "/" { "/".to_string() } else { format!("{path}/") };
    match name.strip_prefix(&prefix) {
        Some(rest) if !rest.is_empty() => recursive || !rest.contains('/'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        for ok in ["name", "/a/b/c", "a.b-c_d", "/x"] {
            assert_eq!(check_shape(ok), Ok(()), "{ok}");
        }
        for bad in ["a/b", "/a//b", "/a/", "has space", "/a/b@c", "", "/"] {
            assert!(matches!(check_shape(bad), Err(NameError::Invalid(_))), "{bad}");
        }
        let deep = "/l".repeat(16);
        assert_eq!(check_shape(&deep), Err(NameError::TooDeep));
        assert_eq!(check_shape(&"/l".repeat(15)), Ok(()));
    }

    #[test]
    fn selectors_and_arns() {
        assert_eq!(split_selector("/a/b:3"), ("/a/b".to_string(), Selector::Version(3)));
        assert_eq!(split_selector("/a/b:prod"), ("/a/b".to_string(), Selector::Label("prod".into())));
        assert_eq!(split_selector("plain"), ("plain".to_string(), Selector::Latest));
        assert_eq!(strip_arn("arn:aws:ssm:us-east-1:000000000000:parameter/a/b"), "/a/b");
        assert_eq!(strip_arn("arn:aws:ssm:us-east-1:000000000000:parameter/plain"), "plain");
        assert_eq!(
            split_selector("arn:aws:ssm:us-east-1:000000000000:parameter/a/b:2"),
            ("/a/b".to_string(), Selector::Version(2))
        );
    }

    #[test]
    fn paths() {
        assert_eq!(normalize_path("/").unwrap(), "/");
        assert_eq!(normalize_path("/a/b/").unwrap(), "/a/b");
        assert!(normalize_path("a/b").is_err());
        assert!(normalize_path("/aws/x").is_err());
        assert!(is_under("/a/b", "/a", false));
        assert!(!is_under("/a/b/c", "/a", false));
        assert!(is_under("/a/b/c", "/a", true));
        assert!(is_under("/top", "/", false));
        assert!(!is_under("/ab", "/a", true));
        assert!(!is_under("plain", "/", true));
    }
}
