//! A one-line summary of an X.509 certificate (subject, issuer, validity, SHA-256
//! fingerprint) from its DER bytes, read with a small DER walker: just the fields
//! shown, and `None` rather than a panic for anything unexpected.

use sha2::{Digest, Sha256};

/// What `-v` shows of a certificate.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Summary {
    /// The subject, as `CN=localhost, O=...`.
    pub(crate) subject: String,
    /// The issuer, in the same form.
    pub(crate) issuer: String,
    /// Not valid before, as `2024-01-01 00:00:00 UTC`.
    pub(crate) not_before: String,
    /// Not valid after.
    pub(crate) not_after: String,
}

/// The SHA-256 fingerprint of `der`, as colon-separated upper-case hex.
pub(crate) fn fingerprint(der: &[u8]) -> String {
    let digest = Sha256::digest(der);
    let hex: Vec<String> = digest.iter().map(|byte| format!("{byte:02X}")).collect();
    hex.join(":")
}

/// The summary of a DER certificate, or `None` when it cannot be read.
pub(crate) fn summary(der: &[u8]) -> Option<Summary> {
    let (SEQUENCE, certificate, _) = tlv(der)? else {
        return None;
    };
    let (SEQUENCE, tbs, _) = tlv(certificate)? else {
        return None;
    };
    let mut rest = tbs;
    let (tag, _, after) = tlv(rest)?;
    if tag == VERSION {
        rest = after;
    }
    let (_serial, _, rest) = tlv(rest)?;
    let (_algorithm, _, rest) = tlv(rest)?;
    let (SEQUENCE, issuer, rest) = tlv(rest)? else {
        return None;
    };
    let (SEQUENCE, validity, rest) = tlv(rest)? else {
        return None;
    };
    let (SEQUENCE, subject, _) = tlv(rest)? else {
        return None;
    };
    let (before_tag, before, after) = tlv(validity)?;
    let (after_tag, not_after, _) = tlv(after)?;
    Some(Summary {
        subject: name(subject)?,
        issuer: name(issuer)?,
        not_before: time(before_tag, before)?,
        not_after: time(after_tag, not_after)?,
    })
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;
/// `[0] EXPLICIT Version`.
const VERSION: u8 = 0xA0;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;

/// One tag-length-value: `(tag, content, rest)`. Single-byte tags only (all that a
/// certificate's head uses).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, input) = input.split_first()?;
    let (&first, mut input) = input.split_first()?;
    let length = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7F);
        if count == 0 || count > 4 || input.len() < count {
            return None;
        }
        let (bytes, rest) = input.split_at(count);
        input = rest;
        bytes
            .iter()
            .fold(0usize, |length, &byte| (length << 8) | usize::from(byte))
    };
    if input.len() < length {
        return None;
    }
    let (content, rest) = input.split_at(length);
    Some((tag, content, rest))
}

/// A distinguished name as `CN=..., O=...`, with the usual attributes only.
fn name(mut input: &[u8]) -> Option<String> {
    let mut parts = Vec::new();
    while !input.is_empty() {
        let (SET, mut set, rest) = tlv(input)? else {
            return None;
        };
        input = rest;
        while !set.is_empty() {
            let (SEQUENCE, attribute, rest) = tlv(set)? else {
                return None;
            };
            set = rest;
            let (OID, oid, value) = tlv(attribute)? else {
                return None;
            };
            let (_, value, _) = tlv(value)?;
            let label = match oid {
                [0x55, 0x04, 0x03] => "CN",
                [0x55, 0x04, 0x06] => "C",
                [0x55, 0x04, 0x07] => "L",
                [0x55, 0x04, 0x08] => "ST",
                [0x55, 0x04, 0x0A] => "O",
                [0x55, 0x04, 0x0B] => "OU",
                _ => continue,
            };
            parts.push(format!("{label}={}", String::from_utf8_lossy(value)));
        }
    }
    Some(parts.join(", "))
}

/// A UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) as
/// `YYYY-MM-DD HH:MM:SS UTC`.
fn time(tag: u8, value: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(value).ok()?;
    let digits = text.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = match (tag, digits.len()) {
        (UTC_TIME, 12) => {
            let short: u32 = digits[..2].parse().ok()?;
            let year = if short >= 50 {
                1900 + short
            } else {
                2000 + short
            };
            (year.to_string(), &digits[2..])
        }
        (GENERALIZED_TIME, 14) => (digits[..4].to_owned(), &digits[4..]),
        _ => return None,
    };
    Some(format!(
        "{year}-{}-{} {}:{}:{} UTC",
        &rest[0..2],
        &rest[2..4],
        &rest[4..6],
        &rest[6..8],
        &rest[8..10]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DER element.
    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        if content.len() < 0x80 {
            out.push(u8::try_from(content.len()).unwrap());
        } else {
            let length = u16::try_from(content.len()).unwrap().to_be_bytes();
            out.push(0x82);
            out.extend_from_slice(&length);
        }
        out.extend_from_slice(content);
        out
    }

    fn rdn(oid_last: u8, value: &str) -> Vec<u8> {
        let attribute = [
            der(OID, &[0x55, 0x04, oid_last]),
            der(0x0C, value.as_bytes()),
        ]
        .concat();
        der(SET, &der(SEQUENCE, &attribute))
    }

    fn certificate(not_after: Vec<u8>) -> Vec<u8> {
        let issuer = der(
            SEQUENCE,
            &[rdn(0x0A, "Test Org"), rdn(0x03, "Test CA")].concat(),
        );
        let subject = der(SEQUENCE, &rdn(0x03, "localhost"));
        let validity = der(
            SEQUENCE,
            &[der(UTC_TIME, b"240102030405Z"), not_after].concat(),
        );
        let tbs = [
            der(VERSION, &der(0x02, &[2])),
            der(0x02, &[1, 2, 3]),
            der(SEQUENCE, &der(OID, &[1, 2])),
            issuer,
            validity,
            subject,
            // A long field, for the long length form.
            der(SEQUENCE, &[0u8; 300]),
        ]
        .concat();
        der(
            SEQUENCE,
            &[der(SEQUENCE, &tbs), der(SEQUENCE, &[])].concat(),
        )
    }

    #[test]
    fn reads_names_and_validity() {
        let cert = certificate(der(GENERALIZED_TIME, b"20510607080910Z"));
        assert_eq!(
            summary(&cert),
            Some(Summary {
                subject: "CN=localhost".into(),
                issuer: "O=Test Org, CN=Test CA".into(),
                not_before: "2024-01-02 03:04:05 UTC".into(),
                not_after: "2051-06-07 08:09:10 UTC".into(),
            })
        );
    }

    #[test]
    fn truncated_or_odd_input_gives_none() {
        let cert = certificate(der(UTC_TIME, b"not a time"));
        assert_eq!(summary(&cert), None);
        let good = certificate(der(UTC_TIME, b"300101000000Z"));
        for cut in 0..good.len() {
            assert_eq!(summary(&good[..cut]), None, "cut at {cut}");
        }
        assert_eq!(summary(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]), None);
        assert_eq!(summary(&[]), None);
    }

    #[test]
    fn fingerprints_are_sha256_hex() {
        assert_eq!(
            fingerprint(b"abc"),
            "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD"
        );
    }
}
