//! The protocol test cases ferrostack does not pass yet, each with the reason.
//! Keyed by `kind:id` (ids are unique per kind within a protocol).

use crate::Kind;

pub static SKIPS: &[(&str, &str)] = &[
    // The client compresses the body itself, so these cases carry no body a server could
    // decode; gzip request bodies are decompressed by `protocol::decompress` (unit-tested).
    ("request:SDKAppliedContentEncoding_awsJson1_0", "case has no request body (client-side compression test)"),
    ("request:SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_0", "case has no request body (client-side compression test)"),
    ("request:SDKAppliedContentEncoding_awsJson1_1", "case has no request body (client-side compression test)"),
    ("request:SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_1", "case has no request body (client-side compression test)"),
    ("request:SDKAppliedContentEncoding_restJson1", "case has no request body (client-side compression test)"),
    ("request:SDKAppendedGzipAfterProvidedEncoding_restJson1", "case has no request body (client-side compression test)"),
    ("request:SDKAppliedContentEncoding_restXml", "case has no request body (client-side compression test)"),
    ("request:SDKAppendedGzipAfterProvidedEncoding_restXml", "case has no request body (client-side compression test)"),
    ("request:SDKAppliedContentEncoding_awsQuery", "case has no request body (client-side compression test)"),
    ("request:SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsQuery", "case has no request body (client-side compression test)"),
    // awsQuery sends nothing for an empty map, so a server reads it as absent.
    ("request:QueryEmptyQueryMaps", "an empty map and an absent one are the same awsQuery request"),
];

pub fn reason(kind: Kind, id: &str) -> Option<&'static str> {
    let key = format!("{}:{id}", kind.name());
    SKIPS.iter().find(|(k, _)| *k == key).map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    #[test]
    fn print_skip_list() {
        println!("{} protocol test cases are skipped:", super::SKIPS.len());
        for (case, reason) in super::SKIPS {
            println!("  {case}: {reason}");
        }
    }
}
