//! The media type of a file part, guessed from its file name's extension.

/// Extensions (lower case) and their media types: a small built-in table of the types
/// people upload most. Anything else is `application/octet-stream`, as httpx's
/// fallback.
const TABLE: &[(&str, &str)] = &[
    ("7z", "application/x-7z-compressed"),
    ("avi", "video/x-msvideo"),
    ("avif", "image/avif"),
    ("bin", "application/octet-stream"),
    ("bmp", "image/bmp"),
    ("bz2", "application/x-bzip2"),
    ("css", "text/css"),
    ("csv", "text/csv"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("flac", "audio/flac"),
    ("gif", "image/gif"),
    ("gz", "application/gzip"),
    ("htm", "text/html"),
    ("html", "text/html"),
    ("ico", "image/vnd.microsoft.icon"),
    ("ics", "text/calendar"),
    ("jpeg", "image/jpeg"),
    ("jpg", "image/jpeg"),
    ("js", "text/javascript"),
    ("json", "application/json"),
    ("md", "text/markdown"),
    ("mjs", "text/javascript"),
    ("mov", "video/quicktime"),
    ("mp3", "audio/mpeg"),
    ("mp4", "video/mp4"),
    ("mpeg", "video/mpeg"),
    ("oga", "audio/ogg"),
    ("ogg", "audio/ogg"),
    ("ogv", "video/ogg"),
    ("otf", "font/otf"),
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("rtf", "application/rtf"),
    ("svg", "image/svg+xml"),
    ("tar", "application/x-tar"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("tsv", "text/tab-separated-values"),
    ("ttf", "font/ttf"),
    ("txt", "text/plain"),
    ("wasm", "application/wasm"),
    ("wav", "audio/wav"),
    ("weba", "audio/webm"),
    ("webm", "video/webm"),
    ("webp", "image/webp"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("xml", "application/xml"),
    ("xz", "application/x-xz"),
    ("yaml", "application/yaml"),
    ("yml", "application/yaml"),
    ("zip", "application/zip"),
];

/// The fallback for an unknown or missing extension.
pub(crate) const OCTET_STREAM: &str = "application/octet-stream";

/// The media type for `file_name`, from its extension (case-insensitive);
/// `application/octet-stream` when unknown.
///
/// ```
/// use xhttp_core::multipart::guess_mime;
///
/// assert_eq!(guess_mime("photo.JPG"), "image/jpeg");
/// assert_eq!(guess_mime("archive.tar.gz"), "application/gzip");
/// assert_eq!(guess_mime("README"), "application/octet-stream");
/// ```
pub fn guess_mime(file_name: &str) -> &'static str {
    let Some((stem, extension)) = file_name.rsplit_once('.') else {
        return OCTET_STREAM;
    };
    // A dot file (".bashrc") has no extension; path separators end the name.
    if stem.is_empty()
        || stem.ends_with('/')
        || stem.ends_with('\\')
        || extension.contains(['/', '\\'])
    {
        return OCTET_STREAM;
    }
    let extension = extension.to_ascii_lowercase();
    TABLE
        .binary_search_by(|(known, _)| (*known).cmp(extension.as_str()))
        .map_or(OCTET_STREAM, |index| TABLE[index].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_lower_case() {
        for pair in TABLE.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        assert!(
            TABLE
                .iter()
                .all(|(ext, _)| *ext == ext.to_ascii_lowercase())
        );
    }

    #[test]
    fn guesses_from_the_extension() {
        for (name, mime) in [
            ("a.txt", "text/plain"),
            ("index.HTML", "text/html"),
            ("x.htm", "text/html"),
            ("s.css", "text/css"),
            ("app.js", "text/javascript"),
            ("d.json", "application/json"),
            ("d.xml", "application/xml"),
            ("t.csv", "text/csv"),
            ("i.png", "image/png"),
            ("i.jpeg", "image/jpeg"),
            ("i.gif", "image/gif"),
            ("i.svg", "image/svg+xml"),
            ("i.webp", "image/webp"),
            ("doc.pdf", "application/pdf"),
            ("a.zip", "application/zip"),
            ("a.tar", "application/x-tar"),
            ("s.mp3", "audio/mpeg"),
            ("v.mp4", "video/mp4"),
            ("s.wav", "audio/wav"),
            ("favicon.ico", "image/vnd.microsoft.icon"),
            ("m.wasm", "application/wasm"),
            ("dir/sub/photo.Png", "image/png"),
        ] {
            assert_eq!(guess_mime(name), mime, "{name}");
        }
    }

    #[test]
    fn unknown_or_missing_extensions_fall_back() {
        for name in [
            "",
            ".",
            "noext",
            ".bashrc",
            "a.unknownext",
            "dir.d/file",
            "a.",
            "é.😀",
        ] {
            assert_eq!(guess_mime(name), OCTET_STREAM, "{name}");
        }
    }
}
