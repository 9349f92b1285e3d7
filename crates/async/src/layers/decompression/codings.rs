//! Which content codings a response carries, and which of them this build can undo.

use http::HeaderMap;
use http::header::CONTENT_ENCODING;

/// A content coding the layer can undo (only the ones compiled in exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    /// `gzip` and `x-gzip`.
    #[cfg(feature = "gzip")]
    Gzip,
    /// `deflate`: zlib-wrapped or raw (sniffed from the first bytes).
    #[cfg(feature = "deflate")]
    Deflate,
    /// `br`.
    #[cfg(feature = "brotli")]
    Brotli,
    /// `zstd`.
    #[cfg(feature = "zstd")]
    Zstd,
}

impl Coding {
    /// The token, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "gzip")]
            Coding::Gzip => "gzip",
            #[cfg(feature = "deflate")]
            Coding::Deflate => "deflate",
            #[cfg(feature = "brotli")]
            Coding::Brotli => "br",
            #[cfg(feature = "zstd")]
            Coding::Zstd => "zstd",
        }
    }

    #[allow(clippy::match_single_binding, unreachable_patterns)] // arms vary by features
    fn bit(self) -> u8 {
        match self {
            #[cfg(feature = "gzip")]
            Coding::Gzip => Codecs::GZIP,
            #[cfg(feature = "deflate")]
            Coding::Deflate => Codecs::DEFLATE,
            #[cfg(feature = "brotli")]
            Coding::Brotli => Codecs::BROTLI,
            #[cfg(feature = "zstd")]
            Coding::Zstd => Codecs::ZSTD,
        }
    }
}

/// A set of codecs, as bits: which ones a layer decodes and advertises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Codecs(u8);

/// `Accept-Encoding` for each set of codecs, indexed by its bits.
const ACCEPT: [&str; 16] = [
    "",
    "gzip",
    "deflate",
    "gzip, deflate",
    "br",
    "gzip, br",
    "deflate, br",
    "gzip, deflate, br",
    "zstd",
    "gzip, zstd",
    "deflate, zstd",
    "gzip, deflate, zstd",
    "br, zstd",
    "gzip, br, zstd",
    "deflate, br, zstd",
    "gzip, deflate, br, zstd",
];

impl Codecs {
    pub(crate) const GZIP: u8 = 1;
    pub(crate) const DEFLATE: u8 = 2;
    pub(crate) const BROTLI: u8 = 4;
    pub(crate) const ZSTD: u8 = 8;

    /// The codecs compiled in (by the cargo features `gzip`, `deflate`, `brotli`,
    /// `zstd`).
    pub(crate) const COMPILED: Codecs = Codecs(
        Self::bit_if(cfg!(feature = "gzip"), Self::GZIP)
            | Self::bit_if(cfg!(feature = "deflate"), Self::DEFLATE)
            | Self::bit_if(cfg!(feature = "brotli"), Self::BROTLI)
            | Self::bit_if(cfg!(feature = "zstd"), Self::ZSTD),
    );

    const fn bit_if(on: bool, bit: u8) -> u8 {
        if on { bit } else { 0 }
    }

    /// The set with `bit` on or off (never a codec that is not compiled in).
    pub(crate) fn with(self, bit: u8, on: bool) -> Codecs {
        let bits = if on { self.0 | bit } else { self.0 & !bit };
        Codecs(bits & Self::COMPILED.0)
    }

    pub(crate) const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The `Accept-Encoding` value naming exactly these codecs.
    pub(crate) const fn accept_encoding(self) -> &'static str {
        ACCEPT[(self.0 & 15) as usize]
    }

    fn has(self, coding: Coding) -> bool {
        self.0 & coding.bit() != 0
    }
}

/// What a response's `Content-Encoding` asks of the layer.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Nothing to undo: no header, or `identity` only.
    Nothing,
    /// Undo these, in reverse order (they are listed in the order applied).
    Decode(Vec<Coding>),
    /// A coding this layer does not decode (unknown, or turned off): the body passes
    /// through as received.
    PassThrough,
}

/// Reads every `Content-Encoding` header: comma lists, repeated headers, tokens in any
/// case, `identity` and empty elements ignored.
pub(crate) fn plan(headers: &HeaderMap, codecs: Codecs) -> Plan {
    let mut codings = Vec::new();
    for value in headers.get_all(CONTENT_ENCODING) {
        let Ok(value) = value.to_str() else {
            return Plan::PassThrough;
        };
        for token in value.split(',') {
            let token = token.trim_matches([' ', '\t']);
            if token.is_empty() || token.eq_ignore_ascii_case("identity") {
                continue;
            }
            match known(token).filter(|coding| codecs.has(*coding)) {
                Some(coding) => codings.push(coding),
                None => return Plan::PassThrough,
            }
        }
    }
    if codings.is_empty() {
        Plan::Nothing
    } else {
        Plan::Decode(codings)
    }
}

fn known(token: &str) -> Option<Coding> {
    let is = |name: &str| token.eq_ignore_ascii_case(name);
    #[cfg(feature = "gzip")]
    if is("gzip") || is("x-gzip") {
        return Some(Coding::Gzip);
    }
    #[cfg(feature = "deflate")]
    if is("deflate") {
        return Some(Coding::Deflate);
    }
    #[cfg(feature = "brotli")]
    if is("br") {
        return Some(Coding::Brotli);
    }
    #[cfg(feature = "zstd")]
    if is("zstd") {
        return Some(Coding::Zstd);
    }
    let _ = is;
    None
}

#[cfg(all(
    test,
    feature = "gzip",
    feature = "deflate",
    feature = "brotli",
    feature = "zstd"
))]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(CONTENT_ENCODING, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn lists_repeats_case_and_identity() {
        let all = Codecs::COMPILED;
        assert_eq!(plan(&headers(&[]), all), Plan::Nothing);
        assert_eq!(plan(&headers(&["identity", " "]), all), Plan::Nothing);
        assert_eq!(
            plan(&headers(&["GZip , identity,br"]), all),
            Plan::Decode(vec![Coding::Gzip, Coding::Brotli])
        );
        assert_eq!(
            plan(&headers(&["deflate", "X-GZIP", "zstd"]), all),
            Plan::Decode(vec![Coding::Deflate, Coding::Gzip, Coding::Zstd])
        );
        assert_eq!(plan(&headers(&["gzip, compress"]), all), Plan::PassThrough);
        assert_eq!(plan(&headers(&["snappy"]), all), Plan::PassThrough);
        let no_br = all.with(Codecs::BROTLI, false);
        assert_eq!(plan(&headers(&["br"]), no_br), Plan::PassThrough);
    }

    #[test]
    fn accept_encoding_names_exactly_the_codecs() {
        assert_eq!(
            Codecs::COMPILED.accept_encoding(),
            "gzip, deflate, br, zstd"
        );
        let some = Codecs::COMPILED
            .with(Codecs::DEFLATE, false)
            .with(Codecs::ZSTD, false);
        assert_eq!(some.accept_encoding(), "gzip, br");
        assert!(Codecs(0).is_empty());
    }
}
