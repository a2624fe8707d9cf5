//! Server-side encryption with customer-provided keys (SSE-C): the key is checked on write,
//! only its MD5 is kept, and every read of the object must present the same key.

use base64::Engine;
use ferrostack_runtime as rt;

use crate::digest::{base64, md5};
use crate::errors;

/// What S3 remembers of a customer key: the algorithm and the key's MD5 (never the key).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerKey {
    pub algorithm: String,
    pub key_md5: String,
}

const ALGORITHM_HEADER: &str = "x-amz-server-side-encryption-customer-algorithm";
const KEY_HEADER: &str = "x-amz-server-side-encryption-customer-key";
const KEY_MD5_HEADER: &str = "x-amz-server-side-encryption-customer-key-MD5";

/// [`requested`] on the `x-amz-server-side-encryption-customer-*` members every write
/// request names identically; `copy_source` reads the `x-amz-copy-source-...` ones a copy
/// presents to read its source.
#[macro_export]
macro_rules! requested_customer_key {
    ($input:ident) => {
        $crate::sse::requested(
            $input.sse_customer_algorithm.as_deref(),
            $input.sse_customer_key.as_deref(),
            $input.sse_customer_key_md5.as_deref(),
        )
    };
    ($input:ident, copy_source) => {
        $crate::sse::requested(
            $input.copy_source_sse_customer_algorithm.as_deref(),
            $input.copy_source_sse_customer_key.as_deref(),
            $input.copy_source_sse_customer_key_md5.as_deref(),
        )
    };
}

/// `$output { $members }` with the members that report how a written object is encrypted:
/// an SSE-C object reports the customer key's algorithm and MD5 instead of an SSE algorithm.
/// The output's remaining members are left at their defaults.
#[macro_export]
macro_rules! with_encryption {
    ($output:ident { $($member:ident $(: $value:expr)?),* $(,)? }, $encryption:expr, $customer_key:expr $(,)?) => {{
        let encryption: $crate::stored::Encryption = $encryption;
        let customer_key: Option<$crate::sse::CustomerKey> = $customer_key;
        $output {
            $($member $(: $value)?,)*
            server_side_encryption: customer_key.is_none().then_some(encryption.algorithm),
            ssekms_key_id: encryption.kms_key_id,
            bucket_key_enabled: encryption.bucket_key_enabled,
            sse_customer_algorithm: customer_key.as_ref().map(|k| k.algorithm.clone()),
            sse_customer_key_md5: customer_key.map(|k| k.key_md5),
            ..Default::default()
        }
    }};
}

/// The customer key a request supplies (`None` when it uses none), checked as S3 checks it.
pub fn requested(
    algorithm: Option<&str>,
    key: Option<&str>,
    key_md5: Option<&str>,
) -> Result<Option<CustomerKey>, rt::CommonError> {
    if algorithm.is_none() && key.is_none() && key_md5.is_none() {
        return Ok(None);
    }
    let Some(algorithm) = algorithm else {
        return Err(errors::invalid_argument(
            "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption \
             algorithm.",
            ALGORITHM_HEADER,
            "null",
        ));
    };
    if algorithm != "AES256" {
        return Err(rt::ServiceError::new(
            400,
            "InvalidEncryptionAlgorithmError",
            "The Encryption request you specified is not valid. Supported value: AES256.",
        )
        .with_field("ArgumentName", ALGORITHM_HEADER)
        .with_field("ArgumentValue", algorithm)
        .into());
    }
    let Some(key) = key else {
        return Err(errors::invalid_argument(
            "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate \
             secret key.",
            KEY_HEADER,
            "null",
        ));
    };
    let decoded = base64::engine::general_purpose::STANDARD.decode(key.trim()).ok().filter(|k| k.len() == 32);
    let Some(decoded) = decoded else {
        return Err(errors::invalid_argument(
            "The secret key was invalid for the specified algorithm.",
            KEY_HEADER,
            "null",
        ));
    };
    let computed = base64(&md5(&decoded));
    if let Some(given) = key_md5 {
        if given.trim() != computed {
            return Err(errors::invalid_argument(
                "The calculated MD5 hash of the key did not match the hash that was provided.",
                KEY_MD5_HEADER,
                given,
            ));
        }
    }
    Ok(Some(CustomerKey { algorithm: algorithm.to_owned(), key_md5: computed }))
}

/// A read of an object must present the key it was written with, and only then.
pub fn check_read(stored: Option<&CustomerKey>, given: Option<&CustomerKey>) -> Result<(), rt::CommonError> {
    match (stored, given) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(errors::invalid_request("The encryption parameters are not applicable to this object.")),
        (Some(_), None) => Err(errors::invalid_request(
            "The object was stored using a form of Server Side Encryption. The correct parameters must be provided \
             to retrieve the object.",
        )),
        (Some(a), Some(b)) if a.key_md5 != b.key_md5 => Err(errors::access_denied()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        let key = base64(&[7u8; 32]);
        let good = requested(Some("AES256"), Some(&key), None).unwrap().unwrap();
        assert_eq!(good.key_md5, base64(&md5(&[7u8; 32])));
        assert!(requested(Some("AES256"), Some(&key), Some(&good.key_md5)).is_ok());
        assert!(requested(Some("AES256"), Some(&key), Some("bad")).is_err());
        assert!(requested(Some("AES128"), Some(&key), None).is_err());
        assert!(requested(Some("AES256"), Some(&base64(b"short")), None).is_err());
        assert!(requested(None, Some(&key), None).is_err());
        assert_eq!(requested(None, None, None).unwrap(), None);
        assert!(check_read(Some(&good), Some(&good)).is_ok());
        assert!(check_read(Some(&good), None).is_err());
        let other = requested(Some("AES256"), Some(&base64(&[8u8; 32])), None).unwrap();
        assert!(check_read(Some(&good), other.as_ref()).is_err());
    }
}
