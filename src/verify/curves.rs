//! Public key points checked on their curves when a key is read, the same way in every build
//! (natively and in WebAssembly, whichever signature backend verifies): a P-256 or P-384 key must
//! be an uncompressed point `04 || x || y` with `x`, `y` below the field prime and
//! `y^2 = x^3 - 3x + b` (FIPS 186-4, D.1.2; both curves have prime order, so a point of the curve
//! is a valid public key), computed with `crypto-bigint`; an Ed25519 key must decode to a point of
//! the curve (`curve25519-dalek`). A key that is not is refused with `invalid_key` when the key
//! set is built, never discovered at the first verification.

use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
use crypto_bigint::U384;

use crate::verify::algorithm::Family;
use crate::verify::keys::KeyMaterial;

/// A short Weierstrass curve `y^2 = x^3 - 3x + b` over the prime `p`, with coordinates of `len`
/// bytes. Both curves are computed in 384-bit numbers (P-256's zero-extended): one copy of the
/// arithmetic in the module instead of one per size.
struct Curve {
    p: U384,
    b: U384,
    len: usize,
}

/// P-256's field prime and `b`.
const P256: Curve = Curve {
    p: U384::from_be_hex(concat!(
        "00000000000000000000000000000000",
        "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"
    )),
    b: U384::from_be_hex(concat!(
        "00000000000000000000000000000000",
        "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"
    )),
    len: 32,
};

/// P-384's field prime and `b`.
const P384: Curve = Curve {
    p: U384::from_be_hex(concat!(
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
        "ffffffff0000000000000000ffffffff"
    )),
    b: U384::from_be_hex(concat!(
        "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875a",
        "c656398d8a2ed19d2a85c8edd3ec2aef"
    )),
    len: 48,
};

/// Whether an EC or Ed25519 key's point is on its curve (other keys have no point: true).
pub(crate) fn on_curve(family: Family, material: &KeyMaterial) -> bool {
    match material {
        KeyMaterial::Ec(point) if family == Family::P384 => weierstrass(point, &P384),
        KeyMaterial::Ec(point) => weierstrass(point, &P256),
        KeyMaterial::Ed25519(x) => curve25519_dalek::edwards::CompressedEdwardsY(*x)
            .decompress()
            .is_some(),
        KeyMaterial::Hmac(_) | KeyMaterial::Rsa { .. } => true,
    }
}

/// A big-endian coordinate of at most 48 bytes as a 384-bit number.
fn coordinate(bytes: &[u8]) -> Option<U384> {
    let mut wide = [0u8; U384::BYTES];
    let start = U384::BYTES.checked_sub(bytes.len())?;
    wide.get_mut(start..)?.copy_from_slice(bytes);
    Some(U384::from_be_slice(&wide))
}

/// Whether `point` is `04 || x || y` on `curve`.
fn weierstrass(point: &[u8], curve: &Curve) -> bool {
    let Some((&0x04, coordinates)) = point.split_first() else {
        return false;
    };
    if coordinates.len() != 2 * curve.len {
        return false;
    }
    let (x, y) = coordinates.split_at(curve.len);
    let (Some(x), Some(y)) = (coordinate(x), coordinate(y)) else {
        return false;
    };
    if x >= curve.p || y >= curve.p {
        return false;
    }
    let field = DynResidueParams::new(&curve.p);
    let (x, y, b) = (
        DynResidue::new(&x, field),
        DynResidue::new(&y, field),
        DynResidue::new(&curve.b, field),
    );
    let three_x = x.add(&x).add(&x);
    y.square() == x.square().mul(&x).sub(&three_x).add(&b)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::prelude::*;

    fn ec(family: Family, point: &[u8]) -> bool {
        on_curve(family, &KeyMaterial::Ec(point.to_vec()))
    }

    /// The check agrees with RustCrypto's `p256`/`p384` reading a SEC1 point, on their points
    /// and on each one changed in one byte.
    #[test]
    fn agrees_with_the_curve_crates() {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        for k in 1..40u64 {
            let scalar = p256::Scalar::from(k * 7919 + 3);
            let point = (p256::ProjectivePoint::GENERATOR * scalar).to_affine();
            let bytes = point.to_encoded_point(false).as_bytes().to_vec();
            assert!(ec(Family::P256, &bytes));
            let scalar = p384::Scalar::from(k * 104_729 + 5);
            let point384 = (p384::ProjectivePoint::GENERATOR * scalar).to_affine();
            let bytes384 = point384.to_encoded_point(false).as_bytes().to_vec();
            assert!(ec(Family::P384, &bytes384));
            for (family, good) in [(Family::P256, &bytes), (Family::P384, &bytes384)] {
                let mut changed = good.clone();
                let at = 1 + (k as usize * 11) % (changed.len() - 1);
                changed[at] ^= 1 << (k % 8);
                let crate_says = match family {
                    Family::P256 => p256::PublicKey::from_sec1_bytes(&changed).is_ok(),
                    _ => p384::PublicKey::from_sec1_bytes(&changed).is_ok(),
                };
                assert_eq!(
                    ec(family, &changed),
                    crate_says,
                    "{family:?} {changed:02x?}"
                );
            }
        }
    }

    #[test]
    fn refuses_what_is_not_an_uncompressed_point() {
        let mut p = vec![0x04];
        p.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1]);
        p.extend_from_slice(&[0; 12]);
        p.extend_from_slice(&[0xff; 12]);
        p.extend_from_slice(&[0; 32]);
        assert!(!ec(Family::P256, &p), "x = p");
        assert!(!ec(Family::P256, &[0x04; 65][..64]), "short");
        assert!(!ec(Family::P256, &[0; 65]), "no 04 prefix");
        assert!(!ec(Family::P256, &[]), "empty");
        let mut infinity = vec![0x04];
        infinity.extend_from_slice(&[0; 64]);
        assert!(!ec(Family::P256, &infinity), "(0, 0)");
        assert!(!ec(Family::P384, &[0x04; 97]), "P-384 junk");
    }
}
