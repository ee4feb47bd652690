//! Verification keys: HMAC secrets, PEM (SPKI, PKCS#1), JWK and JWK Sets parsed and checked
//! once into a [`KeySet`], and the signature check itself.

use crate::prelude::*;
use core::fmt;
use std::sync::Once;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::crypto::CryptoProvider;
use jsonwebtoken::DecodingKey;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::der::Decode;
use rsa::pkcs8::{ObjectIdentifier, SubjectPublicKeyInfoRef};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use serde_json::{Map, Value};

use super::algorithm::{Algorithm, Family};
use crate::error::{Error, ErrorCode};
use crate::json::type_name;
use crate::token::parse_object;

/// A verify-only provider: jsonwebtoken's pure-Rust verifiers, no signers. Only the verifier
/// function pointer is copied out of the stock provider, so the signing code (RSA private-key
/// operations, ECDSA signing, the random number generator) is not linked by scopegate's own use:
/// this matters for the WebAssembly size.
static VERIFY_ONLY: CryptoProvider = CryptoProvider {
    signer_factory: |_, _| Err(jsonwebtoken::errors::ErrorKind::InvalidAlgorithm.into()),
    verifier_factory: jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.verifier_factory,
    key_utils: jsonwebtoken::crypto::KeyUtils::new_unimplemented(),
};

/// The crypto provider scopegate verifies with (always [`VERIFY_ONLY`]), after installing a
/// process default once so that jsonwebtoken never panics for lack of one.
///
/// Natively, the default installed is jsonwebtoken's full pure-Rust provider, so an application
/// using jsonwebtoken itself (signing included) keeps working; if the application installed its
/// own first, "already installed" is ignored. In WebAssembly, where nothing else uses jsonwebtoken,
/// the verify-only provider is installed, keeping the signing code out of the module.
fn provider() -> &'static CryptoProvider {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        #[cfg(not(target_arch = "wasm32"))]
        let default = &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
        #[cfg(target_arch = "wasm32")]
        let default = &VERIFY_ONLY;
        let _ = default.install_default();
    });
    &VERIFY_ONLY
}

pub(crate) fn invalid_key(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidKey, message)
}

/// SubjectPublicKeyInfo algorithm identifiers (RFC 3279, RFC 5480, RFC 8410).
const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The DER contents of a PEM document, given what follows its `-----BEGIN {label}-----`: the
/// base64 text up to the matching `-----END {label}-----`. As lenient as the `pem` crate that
/// jsonwebtoken used: any line width, all whitespace ignored, text after the END line ignored.
fn pem_contents(label: &str, rest: &str) -> Option<Vec<u8>> {
    let (body, end) = rest.split_once("-----END ")?;
    let (end_label, _) = end.split_once("-----")?;
    if end_label != label {
        return None;
    }
    let base64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(base64).ok()
}

/// One verification key, parsed and checked.
#[derive(Clone)]
pub(crate) struct VerificationKey {
    kid: Option<String>,
    /// The JWK's own `alg`, when it has one: only that algorithm may use the key.
    alg: Option<Algorithm>,
    family: Family,
    /// Key size in bytes: the secret length (HMAC) or the modulus length (RSA).
    size: usize,
    key: KeyMaterial,
}

/// What verifies: jsonwebtoken's key (HMAC, RSA, ECDSA) or an Ed25519 point, verified strictly.
#[derive(Clone)]
enum KeyMaterial {
    Jwt(DecodingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

impl VerificationKey {
    /// Whether this key may verify `alg`; the reason when not.
    pub(crate) fn check_alg(&self, alg: Algorithm) -> Result<(), Error> {
        if alg.family() != self.family {
            return Err(Error::new(
                ErrorCode::AlgorithmNotAllowed,
                format!(
                    "alg {alg} needs {}, the selected key is {}",
                    alg.family().describe(),
                    self.family.describe()
                ),
            ));
        }
        if let Some(key_alg) = self.alg {
            if key_alg != alg {
                return Err(Error::new(
                    ErrorCode::AlgorithmNotAllowed,
                    format!("alg {alg} is not the key's own alg {key_alg}"),
                ));
            }
        }
        if self.family == Family::Hmac && self.size < alg.hmac_len() {
            return Err(invalid_key(format!(
                "{alg} needs a secret of at least {} bytes, this one has {} (RFC 7518 §3.2)",
                alg.hmac_len(),
                self.size
            )));
        }
        Ok(())
    }

    /// Checks a raw signature (the JWS encoding: `r ‖ s` for ECDSA) over `message`; `alg` has
    /// passed [`check_alg`](Self::check_alg).
    pub(crate) fn verify(
        &self,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let bad_signature = |message: &str| Error::new(ErrorCode::InvalidSignature, message);
        if signature.len() != self.signature_len(alg) {
            return Err(bad_signature(&format!(
                "a {alg} signature with this key is {} bytes, this one has {}",
                self.signature_len(alg),
                signature.len()
            )));
        }
        let verified = match &self.key {
            // RFC 8032 §5.1.7 with the strict checks: canonical S, and R and the key not of
            // small order (so one signature cannot be turned into another that also verifies).
            KeyMaterial::Ed25519(point) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|signature| point.verify_strict(message, &signature).is_ok()),
            KeyMaterial::Jwt(key) => {
                let verifier = (provider().verifier_factory)(&alg.to_jwt(), key)
                    .map_err(|e| invalid_key(format!("the key cannot verify {alg}: {e}")))?;
                verifier.verify(message, &signature.to_vec()).is_ok()
            }
        };
        if verified {
            Ok(())
        } else {
            Err(bad_signature("the signature does not verify"))
        }
    }

    /// The expected signature length in bytes.
    fn signature_len(&self, alg: Algorithm) -> usize {
        match self.family {
            Family::Hmac => alg.hmac_len(),
            Family::Rsa => self.size,
            Family::P256 | Family::Ed25519 => 64,
            Family::P384 => 96,
        }
    }

    fn hmac(secret: &[u8], kid: Option<String>) -> Result<Self, Error> {
        if secret.len() < 32 {
            return Err(invalid_key(format!(
                "an HMAC secret must be at least 32 bytes (RFC 7518 §3.2), this one has {}",
                secret.len()
            )));
        }
        Ok(VerificationKey {
            kid,
            alg: None,
            family: Family::Hmac,
            size: secret.len(),
            key: KeyMaterial::Jwt(DecodingKey::from_secret(secret)),
        })
    }

    fn rsa(public: &RsaPublicKey, key: DecodingKey, kid: Option<String>) -> Result<Self, Error> {
        let bits = public.n().bits();
        if bits < 2048 {
            return Err(invalid_key(format!(
                "RSA keys must have at least 2048 bits, this one has {bits}"
            )));
        }
        Ok(VerificationKey {
            kid,
            alg: None,
            family: Family::Rsa,
            size: public.size(),
            key: KeyMaterial::Jwt(key),
        })
    }

    /// An EC key (SEC1 uncompressed point), checked by building its verifier once.
    fn ec(family: Family, point: &[u8], kid: Option<String>) -> Result<Self, Error> {
        let alg = match family {
            Family::P384 => Algorithm::ES384,
            _ => Algorithm::ES256,
        };
        let key = DecodingKey::from_ec_der(point);
        if (provider().verifier_factory)(&alg.to_jwt(), &key).is_err() {
            return Err(invalid_key(format!(
                "{} is not a valid public key",
                family.describe()
            )));
        }
        Ok(VerificationKey {
            kid,
            alg: None,
            family,
            size: 0,
            key: KeyMaterial::Jwt(key),
        })
    }

    /// An Ed25519 public key: a valid point encoding, and not one of the small-order ("weak")
    /// points, with which a forged signature (R of small order, S = 0) verifies for any message.
    fn ed25519(x: &[u8], kid: Option<String>) -> Result<Self, Error> {
        let bytes: &[u8; 32] = x.try_into().map_err(|_| {
            invalid_key(format!(
                "an Ed25519 public key is 32 bytes, this one has {}",
                x.len()
            ))
        })?;
        let point = ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map_err(|_| invalid_key("an Ed25519 key is not a valid public key"))?;
        if point.is_weak() {
            return Err(invalid_key(
                "an Ed25519 key of small order (a weak key: any message would verify with a forged signature) is refused",
            ));
        }
        Ok(VerificationKey {
            kid,
            alg: None,
            family: Family::Ed25519,
            size: 0,
            key: KeyMaterial::Ed25519(point),
        })
    }

    /// An RSA public key from its PKCS#1 `RSAPublicKey` DER.
    fn rsa_pkcs1_der(der: &[u8]) -> Result<Self, Error> {
        let public = RsaPublicKey::from_pkcs1_der(der)
            .map_err(|e| invalid_key(format!("invalid RSA public key: {e}")))?;
        VerificationKey::rsa(&public, DecodingKey::from_rsa_der(der), None)
    }

    fn from_pem(pem: &str) -> Result<Self, Error> {
        let (label, rest) = pem
            .trim_start()
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.split_once("-----"))
            .ok_or_else(|| invalid_key("not a PEM document (no -----BEGIN line)"))?;
        match label {
            "PUBLIC KEY" | "RSA PUBLIC KEY" => {}
            l if l.contains("PRIVATE") => {
                return Err(invalid_key(
                    "this PEM holds a private key: give the public key (SPKI \"PUBLIC KEY\")",
                ))
            }
            other => {
                return Err(invalid_key(format!(
                    "unsupported PEM label {other:?}: expected \"PUBLIC KEY\" or \"RSA PUBLIC KEY\""
                )))
            }
        }
        let malformed = || {
            invalid_key(
                "unsupported or malformed public key: expected RSA, EC P-256/P-384 or Ed25519",
            )
        };
        let der = pem_contents(label, rest).ok_or_else(malformed)?;
        if label == "RSA PUBLIC KEY" {
            return VerificationKey::rsa_pkcs1_der(&der);
        }
        let spki = SubjectPublicKeyInfoRef::from_der(&der).map_err(|_| malformed())?;
        // The BIT STRING's bytes: PKCS#1 DER (RSA), the SEC1 point (EC) or the raw key (Ed25519).
        let key = spki.subject_public_key.raw_bytes();
        let algorithm = spki.algorithm.oid;
        if algorithm == OID_RSA_ENCRYPTION {
            return VerificationKey::rsa_pkcs1_der(key);
        }
        if algorithm == OID_EC_PUBLIC_KEY {
            let curve = spki.algorithm.parameters_oid().ok();
            let family = match key.len() {
                65 if curve == Some(OID_P256) => Family::P256,
                97 if curve == Some(OID_P384) => Family::P384,
                _ => return Err(invalid_key(
                    "unsupported EC key: only P-256 and P-384 uncompressed points are supported",
                )),
            };
            return VerificationKey::ec(family, key, None);
        }
        if algorithm == OID_ED25519 {
            return VerificationKey::ed25519(key, None);
        }
        Err(malformed())
    }

    /// Parses one JWK. The outer error is a malformed key (fails a whole JWKS); the inner error is
    /// a key that is not for signature verification or of an unsupported type (a JWKS skips it).
    fn from_jwk(jwk: &Map<String, Value>) -> Result<Result<Self, Error>, Error> {
        let text = |name: &str| -> Result<Option<&str>, Error> {
            match jwk.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(other) => Err(invalid_key(format!(
                    "JWK `{name}` must be a string, got {}",
                    type_name(other)
                ))),
            }
        };
        let bytes = |name: &str| -> Result<Vec<u8>, Error> {
            let value = text(name)?.ok_or_else(|| invalid_key(format!("JWK has no `{name}`")))?;
            URL_SAFE_NO_PAD
                .decode(value.trim_end_matches('='))
                .map_err(|_| invalid_key(format!("JWK `{name}` is not base64url")))
        };
        let kty = text("kty")?.ok_or_else(|| invalid_key("JWK has no `kty`"))?;
        let kid = text("kid")?.map(str::to_string);
        // Unusable for signature verification: reported as the inner error.
        if let Some(usage) = text("use")? {
            if usage != "sig" {
                return Ok(Err(invalid_key(format!(
                    "JWK `use` is {usage:?}, not \"sig\""
                ))));
            }
        }
        match jwk.get("key_ops") {
            None => {}
            Some(Value::Array(ops)) if ops.iter().any(|op| op.as_str() == Some("verify")) => {}
            Some(Value::Array(_)) => {
                return Ok(Err(invalid_key(
                    "JWK `key_ops` does not include \"verify\"",
                )));
            }
            Some(_) => return Err(invalid_key("JWK `key_ops` must be a list")),
        }
        let alg = match text("alg")? {
            None => None,
            Some(name) => match Algorithm::parse(name) {
                Ok(alg) => Some(alg),
                Err(_) => {
                    return Ok(Err(invalid_key(format!(
                        "JWK `alg` {name:?} is not a supported signature algorithm"
                    ))))
                }
            },
        };
        if kty != "oct" && jwk.contains_key("d") {
            return Err(invalid_key(
                "JWK holds a private key (`d`): give only the public key",
            ));
        }
        let mut key = match kty {
            "oct" => VerificationKey::hmac(&bytes("k")?, kid)?,
            "RSA" => {
                let n = bytes("n")?;
                let e = bytes("e")?;
                let public =
                    RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e))
                        .map_err(|err| invalid_key(format!("invalid RSA JWK: {err}")))?;
                VerificationKey::rsa(&public, DecodingKey::from_rsa_raw_components(&n, &e), kid)?
            }
            "EC" => {
                let (family, len) = match text("crv")? {
                    Some("P-256") => (Family::P256, 32),
                    Some("P-384") => (Family::P384, 48),
                    Some(crv) => {
                        return Ok(Err(invalid_key(format!(
                            "EC curve {crv:?} is not supported (P-256 and P-384 are)"
                        ))))
                    }
                    None => return Err(invalid_key("EC JWK has no `crv`")),
                };
                let x = bytes("x")?;
                let y = bytes("y")?;
                if x.len() != len || y.len() != len {
                    return Err(invalid_key(format!(
                        "EC JWK `x` and `y` must be {len} bytes each for its curve"
                    )));
                }
                let mut point = Vec::with_capacity(1 + 2 * len);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                VerificationKey::ec(family, &point, kid)?
            }
            "OKP" => {
                match text("crv")? {
                    Some("Ed25519") => {}
                    Some(crv) => {
                        return Ok(Err(invalid_key(format!(
                            "OKP curve {crv:?} is not supported (Ed25519 is)"
                        ))))
                    }
                    None => return Err(invalid_key("OKP JWK has no `crv`")),
                }
                VerificationKey::ed25519(&bytes("x")?, kid)?
            }
            other => {
                return Ok(Err(invalid_key(format!(
                    "JWK `kty` {other:?} is not supported"
                ))))
            }
        };
        if let Some(alg) = alg {
            if alg.family() != key.family {
                return Err(invalid_key(format!(
                    "JWK `alg` {alg} does not fit its key type ({})",
                    key.family.describe()
                )));
            }
            key.alg = Some(alg);
        }
        Ok(Ok(key))
    }
}

/// The keys a [`Verifier`](crate::Verifier) may use, parsed and checked once.
///
/// A single key (secret, PEM or JWK) is used for every token; if it has a `kid` and the token
/// names another, that is [`ErrorCode::KeyNotFound`]. A JWKS is searched by the token's `kid`; a
/// token without `kid` is accepted only when the set holds exactly one key.
///
/// Loading fails with [`ErrorCode::InvalidKey`] for: malformed keys, private keys, RSA keys under
/// 2048 bits (or over 4096), HMAC secrets under 32 bytes, EC points off their curve or of the wrong length, Ed25519
/// keys whose `x` is not 32 bytes, a JWK whose `use` is not `sig` or whose `alg` does not fit its
/// type. In a JWKS, keys not meant for signatures (`use` other than `sig`, `key_ops` without
/// `verify`) and keys of unsupported types or curves are skipped, but malformed keys of a
/// supported type fail the whole set (with a pointer such as `/keys/2`).
#[derive(Debug, Clone)]
pub struct KeySet {
    keys: Vec<VerificationKey>,
    is_set: bool,
}

impl KeySet {
    /// An HMAC secret (raw bytes, at least 32).
    pub fn hmac_secret(secret: &[u8]) -> Result<KeySet, Error> {
        Ok(KeySet {
            keys: vec![VerificationKey::hmac(secret, None)?],
            is_set: false,
        })
    }

    /// A PEM public key: SPKI (`PUBLIC KEY`: RSA, EC P-256, EC P-384, Ed25519) or PKCS#1
    /// (`RSA PUBLIC KEY`).
    pub fn from_pem(pem: &str) -> Result<KeySet, Error> {
        Ok(KeySet {
            keys: vec![VerificationKey::from_pem(pem)?],
            is_set: false,
        })
    }

    /// One JWK (RFC 7517), as JSON. Its `alg`, `use`, `key_ops` and `crv` are enforced.
    pub fn from_jwk(json: &str) -> Result<KeySet, Error> {
        let jwk = parse_object(json.as_bytes(), "JWK").map_err(|e| invalid_key(e.message()))?;
        let key = VerificationKey::from_jwk(&jwk)??;
        Ok(KeySet {
            keys: vec![key],
            is_set: false,
        })
    }

    /// A JWK Set (`{"keys": [...]}`), as JSON. Keys are selected by `kid`.
    pub fn from_jwks(json: &str) -> Result<KeySet, Error> {
        let set = parse_object(json.as_bytes(), "JWKS").map_err(|e| invalid_key(e.message()))?;
        let Some(Value::Array(entries)) = set.get("keys") else {
            return Err(invalid_key("a JWKS is an object with a `keys` list"));
        };
        let mut keys = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            let Value::Object(jwk) = entry else {
                return Err(
                    invalid_key("a JWKS entry is not an object").at(format!("/keys/{index}"))
                );
            };
            match VerificationKey::from_jwk(jwk) {
                Ok(Ok(key)) => keys.push(key),
                Ok(Err(_unusable)) => {}
                Err(e) => {
                    return Err(invalid_key(format!("key {index}: {}", e.message()))
                        .at(format!("/keys/{index}")))
                }
            }
        }
        if keys.is_empty() {
            return Err(invalid_key(
                "the JWKS holds no usable signature-verification key",
            ));
        }
        // Two keys of one type under one `kid`: a token naming it could mean either.
        let mut named: Vec<(&str, Family)> = keys
            .iter()
            .filter_map(|key| Some((key.kid.as_deref()?, key.family)))
            .collect();
        named.sort_unstable();
        if let Some(pair) = named.windows(2).find(|pair| pair.first() == pair.get(1)) {
            let (kid, family) = pair.first().copied().unwrap_or(("", Family::Hmac));
            return Err(invalid_key(format!(
                "the JWKS holds two keys of one type ({}) with kid {kid:?}: each kid must name one key",
                family.describe()
            )));
        }
        Ok(KeySet { keys, is_set: true })
    }

    /// The same single key, named: tokens naming another `kid` are then refused.
    pub fn with_key_id(mut self, kid: impl Into<String>) -> KeySet {
        if let (false, [key]) = (self.is_set, self.keys.as_mut_slice()) {
            key.kid = Some(kid.into());
        }
        self
    }

    /// Verifies a detached signature over `message` with the key a token naming `kid` and `alg`
    /// would get (the same selection, algorithm and key checks as [`Verifier::verify`](crate::Verifier::verify)). The
    /// signature is raw bytes in the JWS encoding (RFC 7518: `r ‖ s` for ECDSA). For signatures
    /// that are not on a compact JWS, such as a signed document or a test vector; tokens go
    /// through a [`Verifier`](crate::Verifier).
    ///
    /// ```
    /// use scopegate::{Algorithm, ErrorCode, KeySet};
    /// use hmac::{Hmac, Mac};
    /// let keys = KeySet::hmac_secret(&[7; 32])?;
    /// let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&[7; 32]).unwrap();
    /// mac.update(b"hello");
    /// let signature = mac.finalize().into_bytes();
    /// assert!(keys.verify_signature(Algorithm::HS256, None, b"hello", &signature).is_ok());
    /// let err = keys.verify_signature(Algorithm::HS256, None, b"hellO", &signature).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::InvalidSignature);
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn verify_signature(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        self.select(kid, alg)?.verify(alg, message, signature)
    }

    /// Whether some key of the set is of the type `alg` needs.
    pub(crate) fn fits(&self, alg: Algorithm) -> bool {
        self.keys.iter().any(|key| key.family == alg.family())
    }

    /// The number of usable keys (at least one: a set without a usable key is refused).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub(crate) fn select(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<&VerificationKey, Error> {
        let not_found = |message: String| Error::new(ErrorCode::KeyNotFound, message);
        if !self.is_set {
            let key = self
                .keys
                .first()
                .ok_or_else(|| not_found("no key configured".to_string()))?;
            if let (Some(wanted), Some(have)) = (kid, key.kid.as_deref()) {
                if wanted != have {
                    return Err(not_found(format!("no key with kid {wanted:?}")));
                }
            }
            key.check_alg(alg)?;
            return Ok(key);
        }
        match kid {
            None => match self.keys.as_slice() {
                [only] => {
                    only.check_alg(alg)?;
                    Ok(only)
                }
                keys => Err(not_found(format!(
                    "the token has no kid and the key set holds {} keys",
                    keys.len()
                ))),
            },
            Some(wanted) => {
                let mut first_error = None;
                for key in self
                    .keys
                    .iter()
                    .filter(|k| k.kid.as_deref() == Some(wanted))
                {
                    match key.check_alg(alg) {
                        Ok(()) => return Ok(key),
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                Err(first_error.unwrap_or_else(|| not_found(format!("no key with kid {wanted:?}"))))
            }
        }
    }
}
