//! Smithy HTTP bindings shared by restJson1 and restXml: labels (greedy too), query
//! strings and query maps, headers and prefix headers, payloads and response codes.
