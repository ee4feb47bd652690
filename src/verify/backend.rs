//! The backend that verifies RSA, ECDSA and EdDSA signatures natively: jsonwebtoken's aws-lc
//! provider (feature `aws-lc`, the default) or its pure-Rust provider (feature `rust-crypto`).
//! Without either (the npm package's WebAssembly), the platform's WebCrypto verifies them: the
//! JavaScript glue receives what to check from [`Verifier::begin`](crate::Verifier) and the key as
//! a JWK; HMAC is verified in Rust everywhere.

#[cfg(any(feature = "aws-lc", feature = "rust-crypto"))]
mod provider {
    use crate::prelude::*;
    use std::sync::Once;

    use jsonwebtoken::crypto::CryptoProvider;
    use jsonwebtoken::DecodingKey;

    use crate::error::{Error, ErrorCode};
    use crate::verify::algorithm::Algorithm;
    use crate::verify::keys::{KeyMaterial, VerificationKey};

    /// The provider compiled in (aws-lc when both features are on).
    #[cfg(feature = "aws-lc")]
    use jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER as STOCK;
    #[cfg(not(feature = "aws-lc"))]
    use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER as STOCK;

    /// A verify-only provider: the stock provider's verifiers, no signers, so scopegate's own use
    /// links no signing code.
    static VERIFY_ONLY: CryptoProvider = CryptoProvider {
        signer_factory: |_, _| Err(jsonwebtoken::errors::ErrorKind::InvalidAlgorithm.into()),
        verifier_factory: STOCK.verifier_factory,
        key_utils: jsonwebtoken::crypto::KeyUtils::new_unimplemented(),
    };

    /// The provider scopegate verifies with, after installing the stock provider as the process
    /// default once, so that an application using jsonwebtoken itself (signing included) keeps
    /// working; if it installed its own first, "already installed" is ignored.
    fn provider() -> &'static CryptoProvider {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let _ = STOCK.install_default();
        });
        &VERIFY_ONLY
    }

    /// A key as the provider reads it (`None` for HMAC, verified without the provider). Points
    /// were checked on their curves when the key was read (`curves`).
    #[derive(Clone)]
    pub(crate) struct NativeKey(Option<DecodingKey>);

    impl NativeKey {
        pub(crate) fn new(material: &KeyMaterial) -> Self {
            NativeKey(match material {
                KeyMaterial::Hmac(_) => None,
                KeyMaterial::Rsa { n, e } => Some(DecodingKey::from_rsa_raw_components(n, e)),
                KeyMaterial::Ec(point) => Some(DecodingKey::from_ec_der(point)),
                KeyMaterial::Ed25519(x) => Some(DecodingKey::from_ed_der(x)),
            })
        }
    }

    /// Verifies `signature` over `message` with an RSA, EC or Ed25519 key.
    pub(crate) fn verify(
        key: &VerificationKey,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool, Error> {
        let Some(decoding) = &key.native.0 else {
            return Ok(false);
        };
        let verifier = (provider().verifier_factory)(&alg.to_jwt(), decoding).map_err(|e| {
            Error::new(
                ErrorCode::InvalidKey,
                format!("the key cannot verify {alg}: {e}"),
            )
        })?;
        Ok(verifier.verify(message, &signature.to_vec()).is_ok())
    }
}

#[cfg(not(any(feature = "aws-lc", feature = "rust-crypto")))]
mod provider {
    use crate::prelude::*;

    use crate::error::{Error, ErrorCode};
    use crate::verify::algorithm::Algorithm;
    use crate::verify::keys::{KeyMaterial, VerificationKey};

    /// No backend: keys are kept as their material only.
    #[derive(Clone)]
    pub(crate) struct NativeKey;

    impl NativeKey {
        pub(crate) fn new(_: &KeyMaterial) -> Self {
            NativeKey
        }
    }

    /// Without a backend, RSA, ECDSA and EdDSA cannot be verified in Rust.
    pub(crate) fn verify(
        _: &VerificationKey,
        alg: Algorithm,
        _: &[u8],
        _: &[u8],
    ) -> Result<bool, Error> {
        Err(Error::new(
            ErrorCode::AlgorithmNotAllowed,
            format!(
                "alg {alg}: this build has no signature backend (in JavaScript, the npm package verifies it with the platform's WebCrypto; a Rust program enables the `aws-lc` or `rust-crypto` feature)"
            ),
        ))
    }
}

#[cfg(all(
    not(target_arch = "wasm32"),
    not(any(feature = "aws-lc", feature = "rust-crypto"))
))]
compile_error!(
    "the `verify` feature needs a signature backend natively: enable `aws-lc` (the default) or `rust-crypto`"
);

pub(crate) use provider::{verify, NativeKey};
