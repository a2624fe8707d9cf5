//! Reading a SAML 2.0 response for AssumeRoleWithSAML.
//!
//! Signatures are NOT checked (no identity provider metadata is trusted locally): any
//! assertion is accepted. When it is base64-encoded XML, the subject (NameID and its
//! format), issuer, audience and the AWS RoleSessionName / SessionDuration attributes are
//! read from it; otherwise sensible defaults stand in.

use base64::Engine;

#[derive(Debug, Default, PartialEq)]
pub struct Assertion {
    pub subject: Option<String>,
    pub subject_type: Option<String>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    pub session_name: Option<String>,
    pub session_duration: Option<i32>,
}

const ROLE_SESSION_NAME: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
const SESSION_DURATION: &str = "https://aws.amazon.com/SAML/Attributes/SessionDuration";

/// Every element with local name `local` (any namespace prefix): its attribute text and
/// its text content up to the next tag.
fn elements<'a>(xml: &'a str, local: &str) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..end];
        let name_end = tag.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(tag.len());
        let name = &tag[..name_end];
        let name = name.rsplit(':').next().unwrap_or(name);
        if name == local {
            let attrs = &tag[name_end..];
            let body = &rest[end + 1..];
            let text = if tag.ends_with('/') { "" } else { &body[..body.find('<').unwrap_or(body.len())] };
            out.push((attrs, text.trim()));
        }
        rest = &rest[end + 1..];
    }
    out
}

fn attribute<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let at = attrs.find(&format!("{key}="))?;
    let rest = &attrs[at + key.len() + 1..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    Some(&rest[..rest.find(quote)?])
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The values of the SAML `<Attribute Name="name">`.
fn attribute_value(xml: &str, name: &str) -> Option<String> {
    let at = xml.find(&format!("\"{name}\"")).or_else(|| xml.find(&format!("'{name}'")))?;
    elements(&xml[at..], "AttributeValue").first().map(|(_, text)| unescape(text))
}

pub fn parse(encoded: &str) -> Assertion {
    let cleaned: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(xml) = base64::engine::general_purpose::STANDARD
        .decode(&cleaned)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|x| x.contains('<'))
    else {
        return Assertion::default();
    };
    let name_id = elements(&xml, "NameID").into_iter().next();
    // `urn:oasis:names:tc:SAML:2.0:nameid-format:persistent` is reported as `persistent`.
    let subject_type = name_id
        .and_then(|(attrs, _)| attribute(attrs, "Format"))
        .map(|f| f.rsplit_once("nameid-format:").map_or(f.to_string(), |(_, short)| short.to_string()));
    Assertion {
        subject: name_id.map(|(_, text)| unescape(text)).filter(|s| !s.is_empty()),
        subject_type,
        issuer: elements(&xml, "Issuer").first().map(|(_, t)| unescape(t)).filter(|s| !s.is_empty()),
        audience: elements(&xml, "Audience").first().map(|(_, t)| unescape(t)).filter(|s| !s.is_empty()),
        session_name: attribute_value(&xml, ROLE_SESSION_NAME),
        session_duration: attribute_value(&xml, SESSION_DURATION).and_then(|d| d.parse().ok()),
    }
}

/// `BASE64(SHA1(issuer + account + "/" + provider name))`, as AWS documents NameQualifier.
pub fn name_qualifier(issuer: &str, account: &str, provider_name: &str) -> String {
    let digest = sha1(format!("{issuer}{account}/{provider_name}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// SHA-1 (FIPS 180-4); only used to derive the NameQualifier identifier.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend(((data.len() as u64) * 8).to_be_bytes());
    for chunk in message.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_vectors() {
        let hex = |d: [u8; 20]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(hex(sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hex(sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }

    #[test]
    fn reads_assertion() {
        let xml = r#"<samlp:Response><saml:Issuer>https://idp.example.com/saml</saml:Issuer><saml:Assertion><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">alice@example.com</saml:NameID></saml:Subject><saml:Conditions><saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><saml:AttributeValue>1800</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#;
        let a = parse(&base64::engine::general_purpose::STANDARD.encode(xml));
        assert_eq!(a.subject.as_deref(), Some("alice@example.com"));
        assert_eq!(a.subject_type.as_deref(), Some("persistent"));
        assert_eq!(a.issuer.as_deref(), Some("https://idp.example.com/saml"));
        assert_eq!(a.audience.as_deref(), Some("https://signin.aws.amazon.com/saml"));
        assert_eq!(a.session_name.as_deref(), Some("alice"));
        assert_eq!(a.session_duration, Some(1800));
        assert_eq!(parse("not base64 xml"), Assertion::default());
    }
}
