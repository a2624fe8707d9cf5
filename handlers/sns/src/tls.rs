//! The TLS side of deliveries to `https://` subscribers: one rustls client configuration
//! for the whole process, built on the first HTTPS delivery (loading the system's trust
//! store costs a few milliseconds and a file read, which a run without HTTPS subscribers
//! should not pay at startup).
//!
//! Certificates and host names are verified as AWS verifies them. Trust roots come from the
//! system store through rustls-native-certs, which reads `SSL_CERT_FILE` / `SSL_CERT_DIR`
//! instead when they are set: that is how a user trusts the CA of a local endpoint.
//! `SNS_HTTPS_VERIFY=0` skips verification altogether, for self-signed local endpoints.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

/// The variable that turns certificate verification off (`0`, `false`, `no`, `off`).
pub const VERIFY_VAR: &str = "SNS_HTTPS_VERIFY";

/// The client configuration every HTTPS delivery shares.
pub async fn client_config() -> Arc<ClientConfig> {
    static CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    if let Some(config) = CONFIG.get() {
        return config.clone();
    }
    // The first time reads the trust store from disk: off the async workers, which may be
    // the only thread serving requests.
    let init =
        || CONFIG.get_or_init(|| Arc::new(build(verification_wanted(std::env::var(VERIFY_VAR).ok().as_deref()))));
    match tokio::task::spawn_blocking(move || init().clone()).await {
        Ok(config) => config,
        Err(_) => init().clone(), // the blocking pool is shutting down: do it here
    }
}

/// Whether the variable's value leaves verification on: anything but an explicit "off".
fn verification_wanted(value: Option<&str>) -> bool {
    !matches!(value.map(|v| v.trim().to_ascii_lowercase()).as_deref(), Some("0" | "false" | "no" | "off"))
}

fn build(verify: bool) -> ClientConfig {
    // The provider is named here rather than installed process-wide, so no other crate's
    // choice of provider can make this one ambiguous.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports TLS 1.2 and 1.3");
    if !verify {
        tracing::warn!("sns: {VERIFY_VAR}=0: HTTPS deliveries do not verify the endpoint's certificate or host name");
        return builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider.signature_verification_algorithms)))
            .with_no_client_auth();
    }
    let loaded = rustls_native_certs::load_native_certs();
    for error in &loaded.errors {
        tracing::warn!(%error, "sns: could not read trusted certificates");
    }
    let mut roots = rustls::RootCertStore::empty();
    let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
    if added == 0 {
        tracing::warn!("sns: no trusted CA certificates found: HTTPS deliveries will fail verification");
    }
    tracing::debug!(added, ignored, "sns: trusted CA certificates for HTTPS deliveries");
    builder.with_root_certificates(roots).with_no_client_auth()
}

/// Accepts any certificate for any name, but still checks that the peer holds the key of
/// the certificate it presented (the handshake signatures), so the session is the one the
/// peer meant: only the identity check is skipped.
#[derive(Debug)]
struct AnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_explicit_off_turns_verification_off() {
        for off in ["0", "false", "FALSE", " no ", "off"] {
            assert!(!verification_wanted(Some(off)), "{off}");
        }
        for on in [None, Some("1"), Some("true"), Some(""), Some("yes")] {
            assert!(verification_wanted(on), "{on:?}");
        }
    }

    #[test]
    fn both_configurations_build() {
        // Neither panics, whatever trust store this machine has (or lacks).
        build(true);
        build(false);
    }
}
