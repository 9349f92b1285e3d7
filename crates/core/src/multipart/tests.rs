use std::io;

use super::*;
use crate::body::temp_file;

/// Every byte of a body, in memory or read through its reader.
fn bytes_of(mut body: Body) -> Vec<u8> {
    if let Some(bytes) = body.as_bytes() {
        return bytes.to_vec();
    }
    let mut reader = body.take_reader().expect("a reader body");
    let mut all = Vec::new();
    while let Some(chunk) = reader.read_chunk().expect("readable") {
        all.extend_from_slice(&chunk);
    }
    all
}

#[test]
fn the_whole_body_byte_for_byte() {
    let path = temp_file("multipart", b"file data\n");
    let file_name = path.file_name().unwrap().to_str().unwrap().to_owned();
    let form = Multipart::new()
        .boundary("XyZ")
        .file("upload", &path)
        .text("a", "1")
        .part(
            "raw",
            Part::bytes(&b"\x00\xff"[..])
                .file_name("b.png")
                .header("X-Extra", "yes"),
        )
        .text("é \"q\"", "line\r\nbreak");
    let (body, content_type) = form.into_body().unwrap();
    assert_eq!(content_type, "multipart/form-data; boundary=XyZ");
    let length = body.content_length();
    let bytes = bytes_of(body);
    std::fs::remove_file(&path).unwrap();

    let mut expected = Vec::new();
    expected.extend_from_slice(b"--XyZ\r\n");
    expected.extend_from_slice(b"Content-Disposition: form-data; name=\"a\"\r\n");
    expected.extend_from_slice(b"\r\n");
    expected.extend_from_slice(b"1\r\n");
    expected.extend_from_slice(b"--XyZ\r\n");
    expected.extend_from_slice("Content-Disposition: form-data; name=\"é %22q%22\"\r\n".as_bytes());
    expected.extend_from_slice(b"\r\n");
    expected.extend_from_slice(b"line\r\nbreak\r\n");
    expected.extend_from_slice(b"--XyZ\r\n");
    expected.extend_from_slice(b"Content-Disposition: form-data; name=\"upload\"; filename=\"");
    expected.extend_from_slice(file_name.as_bytes());
    expected.extend_from_slice(b"\"\r\n");
    expected.extend_from_slice(b"Content-Type: application/octet-stream\r\n");
    expected.extend_from_slice(b"\r\n");
    expected.extend_from_slice(b"file data\n\r\n");
    expected.extend_from_slice(b"--XyZ\r\n");
    expected
        .extend_from_slice(b"Content-Disposition: form-data; name=\"raw\"; filename=\"b.png\"\r\n");
    expected.extend_from_slice(b"X-Extra: yes\r\n");
    expected.extend_from_slice(b"Content-Type: image/png\r\n");
    expected.extend_from_slice(b"\r\n");
    expected.extend_from_slice(b"\x00\xff\r\n");
    expected.extend_from_slice(b"--XyZ--\r\n");
    assert_eq!(
        String::from_utf8_lossy(&bytes),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(bytes, expected);
    assert_eq!(length, Some(expected.len() as u64));
}

#[test]
fn an_empty_form_is_just_the_closing_line() {
    let (body, _) = Multipart::new().boundary("b").into_body().unwrap();
    assert_eq!(body.as_bytes(), Some(&b"--b--\r\n"[..]));
}

#[test]
fn parts_without_a_file_name_have_no_filename_and_no_content_type() {
    let form = Multipart::new()
        .boundary("b")
        .part("x", Part::bytes("1"))
        .part("y", Part::bytes("2").file_name("y.txt").without_file_name())
        .part("z", Part::bytes("3").mime("text/x-custom"));
    let (body, _) = form.into_body().unwrap();
    assert_eq!(
        body.as_bytes().unwrap(),
        b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n\
          --b\r\nContent-Disposition: form-data; name=\"y\"\r\n\r\n2\r\n\
          --b\r\nContent-Disposition: form-data; name=\"z\"\r\nContent-Type: text/x-custom\r\n\r\n3\r\n\
          --b--\r\n"
    );
}

#[test]
fn a_content_type_header_on_a_part_wins_in_its_place() {
    let part = Part::bytes("{}")
        .file_name("a.txt")
        .mime("text/plain")
        .header("content-type", "application/json")
        .header("X-After", "1");
    assert_eq!(part.content_type(), Some("application/json"));
    let (body, _) = Multipart::new()
        .boundary("b")
        .part("p", part)
        .into_body()
        .unwrap();
    assert_eq!(
        body.as_bytes().unwrap(),
        b"--b\r\nContent-Disposition: form-data; name=\"p\"; filename=\"a.txt\"\r\n\
          content-type: application/json\r\nX-After: 1\r\n\r\n{}\r\n--b--\r\n"
    );
}

#[test]
fn filenames_are_quoted_the_html5_way_and_kept_utf8() {
    let part = Part::bytes("x").file_name("we\"ird\\na\nme 😀.txt");
    let (body, _) = Multipart::new()
        .boundary("b")
        .part("f", part)
        .into_body()
        .unwrap();
    let text = String::from_utf8(body.as_bytes().unwrap().to_vec()).unwrap();
    assert!(
        text.contains("filename=\"we%22ird\\\\na%0Ame 😀.txt\"\r\nContent-Type: text/plain"),
        "{text}"
    );
}

#[test]
fn a_reader_part_of_unknown_length_makes_the_form_chunked_and_one_shot() {
    let form = Multipart::new().boundary("b").part(
        "r",
        Part::reader(io::Cursor::new(b"streamed".to_vec()), None),
    );
    assert!(!form.is_replayable() && form.try_clone().is_none());
    let (body, _) = form.into_body().unwrap();
    assert_eq!(body.content_length(), None);
    assert!(!body.is_replayable());
    assert_eq!(
        bytes_of(body),
        b"--b\r\nContent-Disposition: form-data; name=\"r\"\r\n\r\nstreamed\r\n--b--\r\n"
    );
}

#[test]
fn a_reader_part_of_known_length_keeps_the_length_exact() {
    let form = Multipart::new().boundary("b").part(
        "r",
        Part::reader(io::Cursor::new(b"12345".to_vec()), Some(5)),
    );
    let (body, _) = form.into_body().unwrap();
    let length = body.content_length().expect("exact");
    assert_eq!(bytes_of(body).len() as u64, length);
}

#[test]
fn forms_of_files_and_bytes_replay() {
    let path = temp_file("replay-form", b"abc");
    let form = Multipart::new().text("t", "v").file("f", &path);
    assert!(form.is_replayable());
    let copy = form.try_clone().expect("replayable");
    let (body, content_type) = form.into_body().unwrap();
    assert!(body.is_replayable());
    let again = body.try_clone().expect("a copy of the body");
    let first = bytes_of(body);
    assert_eq!(first, bytes_of(again));
    let boundary = content_type.rsplit('=').next().unwrap().to_owned();
    let (other, _) = copy.boundary(boundary).into_body().unwrap();
    assert_eq!(first, bytes_of(other));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn mistakes_are_reported_when_encoding() {
    let missing = Multipart::new().file("f", "/no/such/xhttp/upload.txt");
    let error = missing.into_body().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidBody);
    assert!(
        error.to_string().contains("/no/such/xhttp/upload.txt"),
        "{error}"
    );

    let error = Multipart::new()
        .boundary("bad\r\n")
        .into_body()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidBody);

    let part = Part::bytes("x").header("X-Bad", "a\r\nInjected: 1");
    let error = Multipart::new().part("p", part).into_body().unwrap_err();
    assert!(error.to_string().contains("X-Bad"), "{error}");

    let part = Part::bytes("x").header("Bad Name", "v");
    assert!(Multipart::new().part("p", part).into_body().is_err());
    let part = Part::bytes("x").mime("text/plain\n");
    assert!(Multipart::new().part("p", part).into_body().is_err());
}

#[test]
fn a_part_file_is_named_after_its_path_and_typed_by_extension() {
    let path = temp_file("named", b"{}");
    let json = path.with_extension("json");
    std::fs::rename(&path, &json).unwrap();
    let part = Part::file(&json).unwrap();
    assert_eq!(part.content_type(), Some("application/json"));
    assert_eq!(part.length(), Some(2));
    assert_eq!(
        part.file_name.as_deref(),
        json.file_name().and_then(|name| name.to_str())
    );
    std::fs::remove_file(&json).unwrap();
}

fn request_body(form: Multipart, header: Option<&str>) -> (Vec<u8>, Option<String>) {
    let header = header.map(|value| HeaderValue::from_str(value).unwrap());
    let (body, set) = form.into_request_body(header.as_ref()).unwrap();
    let set = set.map(|value| value.to_str().unwrap().to_owned());
    (bytes_of(body), set)
}

#[test]
fn the_boundary_of_a_callers_content_type_is_used_and_the_header_kept() {
    let form = || Multipart::new().text("a", "b");
    let (bytes, set) = request_body(
        form(),
        Some("multipart/form-data; charset=utf-8; BOUNDARY=\"given\";"),
    );
    assert_eq!(set, None);
    assert!(bytes.starts_with(b"--given\r\n") && bytes.ends_with(b"--given--\r\n"));

    let error = form()
        .boundary("other")
        .into_request_body(Some(&HeaderValue::from_static(
            "multipart/form-data; boundary=given",
        )))
        .unwrap_err();
    assert!(error.to_string().contains("differs"), "{error}");
    let (_, set) = request_body(
        form().boundary("given"),
        Some("multipart/form-data; boundary=given"),
    );
    assert_eq!(set, None);
}

#[test]
fn a_callers_multipart_content_type_without_boundary_gets_ours() {
    let (bytes, set) = request_body(
        Multipart::new().boundary("ours"),
        Some("multipart/form-data;"),
    );
    assert_eq!(set.as_deref(), Some("multipart/form-data; boundary=ours"));
    assert_eq!(bytes, b"--ours--\r\n");
}

#[test]
fn a_callers_other_content_type_is_kept_and_none_gets_the_default() {
    let (_, set) = request_body(Multipart::new().boundary("b"), Some("text/plain"));
    assert_eq!(set, None);
    let (_, set) = request_body(Multipart::new().boundary("b"), None);
    assert_eq!(set.as_deref(), Some("multipart/form-data; boundary=b"));
    let (bytes, set) = request_body(Multipart::new(), None);
    let set = set.unwrap();
    let boundary = set.strip_prefix("multipart/form-data; boundary=").unwrap();
    assert_eq!(boundary.len(), 32);
    assert_eq!(bytes, format!("--{boundary}--\r\n").into_bytes());
}

#[test]
fn form_fields_given_separately_come_first() {
    let mut form = Multipart::new().boundary("b").text("own", "1");
    form.prepend_texts(vec![("form".to_owned(), "0".to_owned())]);
    let (body, _) = form.into_body().unwrap();
    let text = String::from_utf8(body.as_bytes().unwrap().to_vec()).unwrap();
    let form_at = text.find("name=\"form\"").unwrap();
    let own_at = text.find("name=\"own\"").unwrap();
    assert!(form_at < own_at, "{text}");
}

#[test]
fn an_empty_boundary_in_the_callers_header_is_an_error() {
    for header in [
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=",
    ] {
        let error = Multipart::new()
            .text("a", "1")
            .into_request_body(Some(&HeaderValue::from_static(header)))
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidBody, "{header}");
        assert!(error.to_string().contains("empty boundary"), "{error}");
    }
}

#[test]
fn the_boundary_of_a_callers_header_is_checked_as_ours() {
    for header in [
        "multipart/form-data; boundary=a@b",
        "multipart/form-data; boundary=\"semi;colon\"",
        "multipart/form-data; boundary=\"quote\\\"d\"",
    ] {
        let error = Multipart::new()
            .into_request_body(Some(&HeaderValue::from_static(header)))
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidBody, "{header}");
        assert!(error.to_string().contains("Content-Type"), "{error}");
    }
    let long = format!("multipart/form-data; boundary={}", "x".repeat(71));
    let error = Multipart::new()
        .into_request_body(Some(&HeaderValue::from_str(&long).unwrap()))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidBody);
}

#[test]
fn a_chosen_boundary_found_in_the_data_is_an_error() {
    let error = Multipart::new()
        .boundary("b0")
        .text("note", "see\r\n--b0\r\nsecret-value")
        .into_body()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidBody);
    let message = error.to_string();
    assert!(
        message.contains("\"note\"") && message.contains("--b0"),
        "{message}"
    );
    assert!(!message.contains("secret-value"), "{message}");

    let error = Multipart::new()
        .part("raw", Part::bytes(&b"--b0\x00"[..]))
        .into_request_body(Some(&HeaderValue::from_static(
            "multipart/form-data; boundary=b0",
        )))
        .unwrap_err();
    assert!(error.to_string().contains("\"raw\""), "{error}");

    // A mere prefix of the delimiter is fine, as is the boundary without its dashes,
    // or with them but not at the start of a line.
    let (bytes, _) = request_body(
        Multipart::new()
            .boundary("b0")
            .text("t", "-b0 b0 --b use --b0 here\n--b0"),
        None,
    );
    assert!(bytes.ends_with(b"--b0--\r\n"));
}

#[test]
fn debug_shows_text_names_and_lengths_not_values() {
    let form = Multipart::new()
        .text("password", "hunter2")
        .part("f", Part::bytes("file-s3cret"));
    let debug = format!("{form:?}");
    assert!(debug.contains("(\"password\", 7)"), "{debug}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("file-s3cret"),
        "{debug}"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Any names, values and file names encode without panicking, to exactly the
        /// announced length, and the header reader never panics.
        #[test]
        fn any_text_encodes_to_its_announced_length(
            name in any::<String>(),
            value in any::<String>(),
            file_name in any::<String>(),
            data in proptest::collection::vec(any::<u8>(), 0..64),
            header in any::<String>(),
        ) {
            let form = Multipart::new()
                .text(name.clone(), value)
                .part(name, Part::bytes(data).file_name(file_name));
            let (body, _) = form.into_body().unwrap();
            let length = body.content_length();
            prop_assert_eq!(length, Some(bytes_of(body).len() as u64));
            let _ = boundary::declared(header.as_bytes());
            let _ = guess_mime(&header);
            let _ = check_boundary(&header);
        }
    }
}
