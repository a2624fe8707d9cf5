//! Reading the claims of an OpenID Connect token for AssumeRoleWithWebIdentity.
//!
//! Signatures are NOT checked: no identity provider is reachable from a local emulator, so
//! any token is accepted. When the token is a JWT its `sub`, `aud`, `iss` and `exp` claims
//! are read (and an expired token is refused, as AWS refuses it); OAuth 2.0 access tokens
//! that are not JWTs are accepted as they are.

use base64::Engine;
use serde_json::Value;

#[derive(Debug, Default, PartialEq)]
pub struct Claims {
    pub subject: Option<String>,
    pub audience: Option<String>,
    pub issuer: Option<String>,
    pub expires: Option<i64>,
}

fn decode_segment(segment: &str) -> Option<Vec<u8>> {
    let trimmed = segment.trim_end_matches('=');
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(trimmed)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed))
        .ok()
}

/// The claims of a `header.payload.signature` token, or `None` when it is not one.
pub fn claims(token: &str) -> Option<Claims> {
    let mut parts = token.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let json: Value = serde_json::from_slice(&decode_segment(payload)?).ok()?;
    let text = |key: &str| json.get(key).and_then(Value::as_str).map(str::to_string);
    let audience = match json.get("aud") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(list)) => list.first().and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    Some(Claims {
        subject: text("sub"),
        audience: audience.or_else(|| text("azp")),
        issuer: text("iss"),
        expires: json.get("exp").and_then(Value::as_i64),
    })
}

/// Issuers appear without their scheme, as AWS reports them (`accounts.google.com`).
pub fn provider_from_issuer(issuer: &str) -> String {
    issuer.trim_start_matches("https://").trim_start_matches("http://").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", enc(r#"{"alg":"RS256"}"#), enc(payload))
    }

    #[test]
    fn reads_claims() {
        let c = claims(&token(r#"{"sub":"user-1","aud":["client-a","b"],"iss":"https://idp.example.com","exp":99}"#))
            .unwrap();
        assert_eq!(c.subject.as_deref(), Some("user-1"));
        assert_eq!(c.audience.as_deref(), Some("client-a"));
        assert_eq!(provider_from_issuer(c.issuer.as_deref().unwrap()), "idp.example.com");
        assert_eq!(c.expires, Some(99));
        assert_eq!(claims("opaque-oauth-access-token"), None);
        assert_eq!(claims("a.b.c"), None);
    }
}
