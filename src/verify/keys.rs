//! Verification keys: HMAC secrets, PEM (SPKI, PKCS#1), JWK and JWK Sets parsed and checked
//! once into a [`KeySet`], and the signature check. Keys are kept as their public material
//! (RSA `n` and `e`, an EC point, an Ed25519 point), read from DER without big-number arithmetic;
//! HMAC is verified here, RSA, ECDSA and EdDSA by the [`backend`](super::backend) (natively) or
//! by the platform's WebCrypto (the npm package), with the key exported as a JWK.

use crate::prelude::*;
use core::fmt;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use pkcs1::der::Decode;
use serde_json::{Map, Value};
use spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};

use super::algorithm::{Algorithm, Family};
use super::{backend, curves, ed25519};
use crate::error::{Error, ErrorCode};
use crate::json::type_name;
use crate::token::parse_object;

/// The error for a signature that the key does not verify (in Rust or by the platform).
pub(crate) fn signature_mismatch() -> Error {
    Error::new(ErrorCode::InvalidSignature, "the signature does not verify")
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
/// The DER inside a PEM document labelled `label` (`"PRIVATE KEY"`, ...), or `invalid_key`.
#[cfg_attr(not(feature = "aws-lc"), allow(dead_code))]
pub(crate) fn pem_body(pem: &str, label: &str) -> Result<Vec<u8>, Error> {
    let rest = pem
        .trim_start()
        .strip_prefix("-----BEGIN ")
        .and_then(|rest| rest.strip_prefix(label))
        .and_then(|rest| rest.strip_prefix("-----"))
        .ok_or_else(|| invalid_key(format!("not a PEM \"{label}\" document")))?;
    pem_contents(label, rest)
        .ok_or_else(|| invalid_key(format!("malformed PEM \"{label}\" document")))
}

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
    pub(crate) material: KeyMaterial,
    /// The backend's parsed key, when one is compiled in (natively).
    #[cfg_attr(
        not(any(feature = "aws-lc", feature = "rust-crypto")),
        allow(dead_code)
    )]
    pub(crate) native: backend::NativeKey,
}

/// A key's public material.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum KeyMaterial {
    Hmac(Vec<u8>),
    /// Modulus and public exponent, big endian without leading zeros.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// The SEC1 uncompressed point `04 ‖ x ‖ y`.
    Ec(Vec<u8>),
    Ed25519([u8; 32]),
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

    /// Checks what can be checked of a raw signature (the JWS encoding: `r ‖ s` for ECDSA)
    /// without the key's arithmetic: its length, and for Ed25519 a canonical `S` and an `R` not
    /// of small order. `alg` has passed [`check_alg`](Self::check_alg).
    pub(crate) fn precheck(&self, alg: Algorithm, signature: &[u8]) -> Result<(), Error> {
        let bad_signature = |message: &str| Error::new(ErrorCode::InvalidSignature, message);
        if signature.len() != self.signature_len(alg) {
            return Err(bad_signature(&format!(
                "a {alg} signature with this key is {} bytes, this one has {}",
                self.signature_len(alg),
                signature.len()
            )));
        }
        if self.family == Family::Ed25519 && !ed25519::signature_is_strict(signature) {
            return Err(bad_signature("the signature does not verify"));
        }
        Ok(())
    }

    /// Whether this key's signatures are verified by a backend (or the platform): RSA, ECDSA
    /// and EdDSA; HMAC is verified here.
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn is_asymmetric(&self) -> bool {
        self.family != Family::Hmac
    }

    /// Verifies a raw signature over `message` that passed [`precheck`](Self::precheck): HMAC
    /// here (constant-time), the others through the backend compiled in.
    pub(crate) fn verify(
        &self,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let verified = match &self.material {
            KeyMaterial::Hmac(secret) => hmac_verifies(alg, secret, message, signature),
            _ => backend::verify(self, alg, message, signature)?,
        };
        if verified {
            Ok(())
        } else {
            Err(signature_mismatch())
        }
    }

    /// The public key as a JWK (RFC 7517), for the platform's WebCrypto to import: `kty` and the
    /// key's members, `alg` when the key has its own; `None` for an HMAC secret, which stays in
    /// Rust.
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn public_jwk(&self) -> Option<Map<String, Value>> {
        let mut jwk = Map::new();
        let b64 = |bytes: &[u8]| Value::String(URL_SAFE_NO_PAD.encode(bytes));
        match &self.material {
            KeyMaterial::Hmac(_) => return None,
            KeyMaterial::Rsa { n, e } => {
                jwk.insert("kty".into(), "RSA".into());
                jwk.insert("n".into(), b64(n));
                jwk.insert("e".into(), b64(e));
            }
            KeyMaterial::Ec(point) => {
                let len = (point.len().saturating_sub(1)) / 2;
                jwk.insert("kty".into(), "EC".into());
                let crv = if self.family == Family::P384 {
                    "P-384"
                } else {
                    "P-256"
                };
                jwk.insert("crv".into(), crv.into());
                jwk.insert("x".into(), b64(point.get(1..1 + len).unwrap_or_default()));
                jwk.insert("y".into(), b64(point.get(1 + len..).unwrap_or_default()));
            }
            KeyMaterial::Ed25519(x) => {
                jwk.insert("kty".into(), "OKP".into());
                jwk.insert("crv".into(), "Ed25519".into());
                jwk.insert("x".into(), b64(x));
            }
        }
        Some(jwk)
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

    fn new(
        family: Family,
        size: usize,
        material: KeyMaterial,
        kid: Option<String>,
    ) -> Result<Self, Error> {
        if !curves::on_curve(family, &material) {
            return Err(invalid_key(format!(
                "{} is not a valid public key: its point is not on the curve",
                family.describe()
            )));
        }
        let native = backend::NativeKey::new(&material);
        Ok(VerificationKey {
            kid,
            alg: None,
            family,
            size,
            material,
            native,
        })
    }

    fn hmac(secret: &[u8], kid: Option<String>) -> Result<Self, Error> {
        if secret.len() < 32 {
            return Err(invalid_key(format!(
                "an HMAC secret must be at least 32 bytes (RFC 7518 §3.2), this one has {}",
                secret.len()
            )));
        }
        let material = KeyMaterial::Hmac(secret.to_vec());
        VerificationKey::new(Family::Hmac, secret.len(), material, kid)
    }

    /// An RSA key from its modulus and public exponent (big endian): 2048 to 4096 bits, an odd
    /// modulus, an odd exponent from 3 to 2^33 - 1 (the bounds of the `rsa` crate).
    fn rsa(n: &[u8], e: &[u8], kid: Option<String>) -> Result<Self, Error> {
        let trim = |bytes: &[u8]| -> Vec<u8> {
            let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
            bytes.get(start..).unwrap_or_default().to_vec()
        };
        let (n, e) = (trim(n), trim(e));
        let bits = n.first().map_or(0, |&top| {
            (n.len() - 1) * 8 + (8 - top.leading_zeros() as usize)
        });
        if bits < 2048 {
            return Err(invalid_key(format!(
                "RSA keys must have at least 2048 bits, this one has {bits}"
            )));
        }
        if bits > 4096 {
            return Err(invalid_key(format!(
                "RSA keys may have at most 4096 bits, this one has {bits}"
            )));
        }
        let exponent = e.iter().fold(0u64, |acc, &b| {
            acc.saturating_mul(256).saturating_add(u64::from(b))
        });
        let odd = |bytes: &[u8]| bytes.last().is_some_and(|b| b % 2 == 1);
        if e.len() > 5 || !(3..(1 << 33)).contains(&exponent) || !odd(&e) || !odd(&n) {
            return Err(invalid_key(
                "invalid RSA public key: the modulus must be odd and the exponent an odd number from 3 to 2^33 - 1",
            ));
        }
        let size = n.len();
        VerificationKey::new(Family::Rsa, size, KeyMaterial::Rsa { n, e }, kid)
    }

    /// An EC key (SEC1 uncompressed point). The backend, when one is compiled in, checks that the
    /// point is on its curve; WebCrypto does when it imports the key.
    fn ec(family: Family, point: &[u8], kid: Option<String>) -> Result<Self, Error> {
        VerificationKey::new(family, 0, KeyMaterial::Ec(point.to_vec()), kid)
    }

    /// An Ed25519 public key: 32 bytes, and not one of the small-order ("weak") points, with
    /// which a forged signature (R of small order, S = 0) verifies for any message.
    fn ed25519(x: &[u8], kid: Option<String>) -> Result<Self, Error> {
        let bytes: [u8; 32] = x.try_into().map_err(|_| {
            invalid_key(format!(
                "an Ed25519 public key is 32 bytes, this one has {}",
                x.len()
            ))
        })?;
        if ed25519::is_small_order(&bytes) {
            return Err(invalid_key(
                "an Ed25519 key of small order (a weak key: any message would verify with a forged signature) is refused",
            ));
        }
        VerificationKey::new(Family::Ed25519, 0, KeyMaterial::Ed25519(bytes), kid)
    }

    /// An RSA public key from its PKCS#1 `RSAPublicKey` DER.
    fn rsa_pkcs1_der(der: &[u8]) -> Result<Self, Error> {
        let public = pkcs1::RsaPublicKey::from_der(der)
            .map_err(|e| invalid_key(format!("invalid RSA public key: {e}")))?;
        VerificationKey::rsa(
            public.modulus.as_bytes(),
            public.public_exponent.as_bytes(),
            None,
        )
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
            "RSA" => VerificationKey::rsa(&bytes("n")?, &bytes("e")?, kid)?,
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
        crate::order::sort(&mut named);
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
        let key = self.key(self.select(kid, alg)?)?;
        key.precheck(alg, signature)?;
        key.verify(alg, message, signature)
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

    /// The index of the key a token naming `kid` and `alg` gets.
    pub(crate) fn select(&self, kid: Option<&str>, alg: Algorithm) -> Result<usize, Error> {
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
            return Ok(0);
        }
        match kid {
            None => match self.keys.as_slice() {
                [only] => {
                    only.check_alg(alg)?;
                    Ok(0)
                }
                keys => Err(not_found(format!(
                    "the token has no kid and the key set holds {} keys",
                    keys.len()
                ))),
            },
            Some(wanted) => {
                let mut first_error = None;
                for (index, key) in self.keys.iter().enumerate() {
                    if key.kid.as_deref() != Some(wanted) {
                        continue;
                    }
                    match key.check_alg(alg) {
                        Ok(()) => return Ok(index),
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                Err(first_error.unwrap_or_else(|| not_found(format!("no key with kid {wanted:?}"))))
            }
        }
    }

    /// The key at `index`, as [`select`](Self::select) gives it.
    pub(crate) fn get(&self, index: usize) -> Option<&VerificationKey> {
        self.keys.get(index)
    }

    /// The key at `index`; [`ErrorCode::KeyNotFound`] for an index `select` did not give.
    pub(crate) fn key(&self, index: usize) -> Result<&VerificationKey, Error> {
        self.get(index)
            .ok_or_else(|| Error::new(ErrorCode::KeyNotFound, "no key at this index"))
    }
}

/// Whether `signature` is the HMAC of `message` with `secret` for `alg` (compared in constant
/// time).
fn hmac_verifies(alg: Algorithm, secret: &[u8], message: &[u8], signature: &[u8]) -> bool {
    fn check<M: Mac + hmac::digest::KeyInit>(
        secret: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(secret) else {
            return false;
        };
        mac.update(message);
        mac.verify_slice(signature).is_ok()
    }
    match alg {
        Algorithm::HS256 => check::<Hmac<sha2::Sha256>>(secret, message, signature),
        Algorithm::HS384 => check::<Hmac<sha2::Sha384>>(secret, message, signature),
        Algorithm::HS512 => check::<Hmac<sha2::Sha512>>(secret, message, signature),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// The JWK handed to WebCrypto is the key that was read: read back, it is the same material,
    /// from every form (PEM, JWK), and HMAC secrets are never given out.
    #[test]
    fn public_jwks_are_the_keys_read() {
        let keys = fixture("keys.json");
        let forms = [
            "rsa_spki_pem",
            "rsa_pkcs1_pem",
            "rsa_jwk",
            "p256_spki_pem",
            "p256_jwk",
            "p384_spki_pem",
            "p384_jwk",
            "ed25519_spki_pem",
            "ed25519_jwk",
        ];
        for form in forms {
            let set = match &keys[form] {
                Value::String(pem) => KeySet::from_pem(pem),
                jwk => KeySet::from_jwk(&jwk.to_string()),
            }
            .unwrap();
            let key = set.key(0).unwrap();
            let jwk = key.public_jwk().unwrap();
            assert!(!jwk.contains_key("d"), "{form}");
            let again = KeySet::from_jwk(&Value::Object(jwk).to_string()).unwrap();
            let read_back = again.key(0).unwrap();
            assert!(read_back.material == key.material, "{form}");
            assert_eq!(read_back.family, key.family, "{form}");
        }
        let secret = KeySet::hmac_secret(&[7; 32]).unwrap();
        assert!(secret.key(0).unwrap().public_jwk().is_none());
        assert!(secret.key(1).is_err());
    }
}
