//! Outgoing HTTP(S): every client Fudao builds (the WeChat API, the SMS providers, the CLI's
//! simulator) starts here. reqwest is linked without a TLS crypto provider of its own, because the
//! database drivers' TLS already brings ring; one process-wide provider keeps a second
//! cryptography library out of the binary. Certificates are checked against the system's roots.

use std::sync::Once;

static PROVIDER: Once = Once::new();

/// A client builder whose TLS is ready to use.
pub fn builder() -> reqwest::ClientBuilder {
    PROVIDER.call_once(|| {
        // An error means another part of the process installed a provider first; that one serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
}

#[cfg(test)]
mod tests {
    #[test]
    fn clients_build_with_the_linked_provider() {
        // Without a provider installed, reqwest panics while building the TLS configuration.
        let client = super::builder().build();
        assert!(client.is_ok(), "{client:?}");
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
