//! The Ed25519 checks that need no curve arithmetic, done by scopegate itself whatever verifies
//! the signature (aws-lc, RustCrypto, or the platform's WebCrypto): small-order ("weak") points,
//! refused as keys and as a signature's `R`, and a canonical `S` (RFC 8032 §5.1.7). With them,
//! one signature cannot be turned into another that also verifies, and a weak key cannot verify
//! a forgery for any message.

/// The encodings of the points of small order (the 8-torsion subgroup), as libsodium lists them
/// for `crypto_core_ed25519_is_valid_point`: compared without the sign bit (the top bit of the last
/// byte), they also cover the non-canonical encodings of the same points (`y` written as `y + p`,
/// or `x = 0` with the sign bit set).
const SMALL_ORDER: [[u8; 32]; 7] = [
    // 0 (order 4)
    [0; 32],
    // 1 (order 1: the identity)
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    // order 8
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    // order 8
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    // p - 1 (order 2)
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // p (= 0, order 4, non-canonical)
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // p + 1 (= 1, the identity, non-canonical)
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

/// The order of the Ed25519 group, `L = 2^252 + 27742317777372353535851937790883648493`, little
/// endian.
const ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// Whether the encoded point `bytes` is of small order (in any of its encodings).
pub(crate) fn is_small_order(bytes: &[u8; 32]) -> bool {
    SMALL_ORDER.iter().any(|point| {
        let (last_point, rest_point) = point.split_last().unwrap_or((&0, &[]));
        let (last, rest) = bytes.split_last().unwrap_or((&0, &[]));
        rest == rest_point && (last & 0x7f) == *last_point
    })
}

/// Whether the scalar `s` (little endian) is below the group order, as RFC 8032 §5.1.7 requires of
/// a signature's `S`.
pub(crate) fn is_canonical_scalar(s: &[u8; 32]) -> bool {
    // Compare from the most significant byte down.
    for (a, b) in s.iter().rev().zip(ORDER.iter().rev()) {
        if a != b {
            return a < b;
        }
    }
    false
}

/// Checks a 64-byte Ed25519 signature `R ‖ S` with no arithmetic: `R` not of small order and `S`
/// canonical. The signature equation itself is for the verifier.
pub(crate) fn signature_is_strict(signature: &[u8]) -> bool {
    let (Some(r), Some(s)) = (signature.get(..32), signature.get(32..64)) else {
        return false;
    };
    let (Ok(r), Ok(s)) = (<&[u8; 32]>::try_from(r), <&[u8; 32]>::try_from(s)) else {
        return false;
    };
    signature.len() == 64 && !is_small_order(r) && is_canonical_scalar(s)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use curve25519_dalek::constants::EIGHT_TORSION;
    use curve25519_dalek::edwards::CompressedEdwardsY;

    #[test]
    fn the_table_is_the_eight_torsion_subgroup() {
        // Every point of small order, in its canonical encoding and with the sign bit flipped.
        for point in EIGHT_TORSION {
            let mut bytes = point.compress().to_bytes();
            assert!(is_small_order(&bytes), "{bytes:02x?}");
            bytes[31] ^= 0x80;
            assert!(is_small_order(&bytes), "{bytes:02x?}");
        }
        // And every entry of the table decodes to a point of small order.
        for entry in SMALL_ORDER {
            let point = CompressedEdwardsY(entry).decompress().expect("a point");
            assert!(point.is_small_order(), "{entry:02x?}");
        }
    }

    #[test]
    fn other_points_are_not_of_small_order() {
        // Points from hashing counters onto the curve (where they decode), and the basepoint.
        let mut seen = 0;
        for i in 0u32..2000 {
            let mut bytes = [0u8; 32];
            bytes[..4].copy_from_slice(&i.to_le_bytes());
            bytes[5] = 0x5a;
            if let Some(point) = CompressedEdwardsY(bytes).decompress() {
                seen += 1;
                assert_eq!(
                    is_small_order(&bytes),
                    point.is_small_order(),
                    "{bytes:02x?}"
                );
            }
        }
        assert!(seen > 500);
        let base = curve25519_dalek::constants::ED25519_BASEPOINT_COMPRESSED.to_bytes();
        assert!(!is_small_order(&base));
    }

    #[test]
    fn scalars_below_the_order_are_canonical() {
        assert!(is_canonical_scalar(&[0; 32]));
        let mut order_minus_one = ORDER;
        order_minus_one[0] -= 1;
        assert!(is_canonical_scalar(&order_minus_one));
        assert!(!is_canonical_scalar(&ORDER));
        let mut above = ORDER;
        above[31] = 0x11;
        assert!(!is_canonical_scalar(&above));
        assert!(!is_canonical_scalar(&[0xff; 32]));
    }
}
