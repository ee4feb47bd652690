//! The backend that verifies RSA, ECDSA and EdDSA signatures natively: AWS-LC through aws-lc-rs
//! (feature `aws-lc`, the default; each key parsed once per algorithm and kept, as
//! `ParsedPublicKey`: jsonwebtoken's aws-lc provider parses the key again on every verification,
//! which costs more than the RSA check itself) or jsonwebtoken's pure-Rust provider (feature
//! `rust-crypto`).
//! Without either (the npm package's WebAssembly), the platform's WebCrypto verifies them: the
//! JavaScript glue receives what to check from [`Verifier::begin`](crate::Verifier) and the key as
//! a JWK; HMAC is verified in Rust everywhere.

#[cfg(all(feature = "rust-crypto", not(feature = "aws-lc")))]
mod provider {
    use crate::prelude::*;
    use std::sync::Once;

    use jsonwebtoken::crypto::CryptoProvider;
    use jsonwebtoken::DecodingKey;

    use crate::error::{Error, ErrorCode};
    use crate::verify::algorithm::Algorithm;
    use crate::verify::keys::{KeyMaterial, VerificationKey};

    /// The provider compiled in (aws-lc when both features are on).
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

#[cfg(feature = "aws-lc")]
mod provider {
    use crate::prelude::*;
    use std::sync::OnceLock;

    use aws_lc_rs::signature::{self as lc, ParsedPublicKey, RsaParameters, VerificationAlgorithm};

    use crate::error::{Error, ErrorCode};
    use crate::verify::algorithm::Algorithm;
    use crate::verify::keys::{KeyMaterial, VerificationKey};

    /// How AWS-LC verifies each algorithm (the JWS encodings: ECDSA as `r ‖ s`).
    enum Scheme {
        Rsa(&'static RsaParameters),
        Other(&'static dyn VerificationAlgorithm),
    }

    /// The slot of `alg`'s parsed key and its scheme (`None`: HMAC, verified in Rust).
    fn scheme(alg: Algorithm) -> Option<(usize, Scheme)> {
        Some(match alg {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => return None,
            Algorithm::RS256 => (0, Scheme::Rsa(&lc::RSA_PKCS1_2048_8192_SHA256)),
            Algorithm::RS384 => (1, Scheme::Rsa(&lc::RSA_PKCS1_2048_8192_SHA384)),
            Algorithm::RS512 => (2, Scheme::Rsa(&lc::RSA_PKCS1_2048_8192_SHA512)),
            Algorithm::PS256 => (3, Scheme::Rsa(&lc::RSA_PSS_2048_8192_SHA256)),
            Algorithm::PS384 => (4, Scheme::Rsa(&lc::RSA_PSS_2048_8192_SHA384)),
            Algorithm::PS512 => (5, Scheme::Rsa(&lc::RSA_PSS_2048_8192_SHA512)),
            Algorithm::ES256 => (6, Scheme::Other(&lc::ECDSA_P256_SHA256_FIXED)),
            Algorithm::ES384 => (7, Scheme::Other(&lc::ECDSA_P384_SHA384_FIXED)),
            Algorithm::EdDSA => (8, Scheme::Other(&lc::ED25519)),
        })
    }

    /// The key as AWS-LC reads it, parsed on first use for each algorithm and kept.
    #[derive(Clone)]
    pub(crate) struct NativeKey {
        material: KeyMaterial,
        parsed: [OnceLock<Option<ParsedPublicKey>>; 9],
    }

    impl NativeKey {
        pub(crate) fn new(material: &KeyMaterial) -> Self {
            NativeKey {
                material: material.clone(),
                parsed: Default::default(),
            }
        }

        fn parse(&self, scheme: Scheme) -> Option<ParsedPublicKey> {
            match (&self.material, scheme) {
                (KeyMaterial::Rsa { n, e }, Scheme::Rsa(params)) => {
                    lc::RsaPublicKeyComponents { n, e }
                        .to_parsed_public_key(params)
                        .ok()
                }
                (KeyMaterial::Ec(point), Scheme::Other(algorithm)) => {
                    ParsedPublicKey::new(algorithm, point).ok()
                }
                (KeyMaterial::Ed25519(x), Scheme::Other(algorithm)) => {
                    ParsedPublicKey::new(algorithm, x).ok()
                }
                _ => None,
            }
        }
    }

    pub(crate) fn verify(
        key: &VerificationKey,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool, Error> {
        let Some((slot, scheme)) = scheme(alg) else {
            return Ok(false);
        };
        let native = &key.native;
        let parsed = native
            .parsed
            .get(slot)
            .map(|cell| cell.get_or_init(|| native.parse(scheme)));
        match parsed {
            Some(Some(parsed)) => Ok(parsed.verify_sig(message, signature).is_ok()),
            _ => Err(Error::new(
                ErrorCode::InvalidKey,
                format!("the key cannot verify {alg}"),
            )),
        }
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
