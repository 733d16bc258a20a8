//! Lowercase hexadecimal, for token texts and stored digests and secrets.

/// `bytes` as lowercase hex.
pub(crate) fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of a hex text, or `None` if it is not one.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let bytes = [0u8, 15, 16, 255];
        assert_eq!(super::encode(&bytes), "000f10ff");
        assert_eq!(super::decode("000f10ff").unwrap(), bytes);
        for bad in ["0", "zz", "0g", "é0"] {
            assert!(super::decode(bad).is_none(), "{bad}");
        }
    }
}
