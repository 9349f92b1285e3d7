//! The request body, from `--content`, `--json`, `--data`, `--files` and the body
//! items: which one applies, and the errors for mixing them.

use std::path::PathBuf;

use serde::ser::{Serialize, SerializeMap, Serializer};
use xhttp::{Multipart, Part, RequestBuilder};

use crate::exit::CliError;
use crate::items::Item;

/// The body to send.
#[derive(Debug, PartialEq)]
pub(crate) enum Payload {
    /// No body.
    Empty,
    /// `--content`: sent as given, without a `Content-Type`.
    Content(String),
    /// `--json`: checked, then sent as written with `Content-Type: application/json`
    /// (unless the user gave a `Content-Type`).
    JsonText(String),
    /// `name=value` and `name:=json` items: one JSON object, in the items' order.
    JsonObject(Vec<(String, serde_json::Value)>),
    /// `--data` or items with `--form`: urlencoded.
    Form(Vec<(String, String)>),
    /// `--files` or `name@file` items, with any text fields first.
    Multipart {
        /// The text fields.
        fields: Vec<(String, String)>,
        /// The files.
        files: Vec<Upload>,
    },
}

/// A file to upload.
#[derive(Debug, PartialEq)]
pub(crate) struct Upload {
    /// The field name.
    pub(crate) name: String,
    /// The file.
    pub(crate) path: PathBuf,
    /// The part's media type, when given (else guessed from the file name).
    pub(crate) mime: Option<String>,
}

/// The body options as given on the command line.
#[derive(Debug, Default)]
pub(crate) struct BodyOptions {
    /// `--content`.
    pub(crate) content: Option<String>,
    /// `--json`.
    pub(crate) json: Option<String>,
    /// `--data` pairs.
    pub(crate) data: Vec<(String, String)>,
    /// `--files` pairs.
    pub(crate) files: Vec<(String, String)>,
    /// `--form`.
    pub(crate) form: bool,
}

impl Payload {
    /// Chooses the body from the options and the body items (`items` may hold others:
    /// they are skipped).
    pub(crate) fn choose(options: BodyOptions, items: &[Item]) -> Result<Payload, CliError> {
        let mut fields = Vec::new();
        let mut json_fields = Vec::new();
        let mut uploads: Vec<Upload> = options
            .files
            .into_iter()
            .map(|(name, path)| Upload {
                name,
                path: PathBuf::from(path),
                mime: None,
            })
            .collect();
        for item in items {
            match item {
                Item::Field(name, value) => fields.push((name.clone(), value.clone())),
                Item::JsonField(name, value) => json_fields.push((name.clone(), value.clone())),
                Item::File { name, path, mime } => uploads.push(Upload {
                    name: name.clone(),
                    path: path.clone(),
                    mime: mime.clone(),
                }),
                Item::Header(..) | Item::Query(..) => {}
            }
        }
        let has_fields = !fields.is_empty() || !json_fields.is_empty();
        let has_data = !options.data.is_empty();
        let has_files = !uploads.is_empty();

        let others = [
            (options.content.is_some(), "--content"),
            (options.json.is_some(), "--json"),
            (
                has_data || has_files || has_fields,
                "form, file or field items",
            ),
        ];
        let given: Vec<&str> = others
            .iter()
            .filter(|(present, _)| *present)
            .map(|(_, name)| *name)
            .collect();
        if given.len() > 1 {
            return Err(CliError::usage(format!(
                "give one request body: {} cannot be combined",
                given.join(" and ")
            )));
        }
        if let Some(content) = options.content {
            return Ok(Payload::Content(content));
        }
        if let Some(json) = options.json {
            if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(&json) {
                return Err(CliError::usage(format!("--json: not valid JSON: {error}")));
            }
            return Ok(Payload::JsonText(json));
        }
        let form = options.form || has_data || has_files;
        if form {
            if let Some((name, _)) = json_fields.first() {
                return Err(CliError::usage(format!(
                    "'{name}:=' items need a JSON body; they cannot go in a form \
                     (--form, --data or files)"
                )));
            }
            let mut all = options.data;
            all.extend(fields);
            return Ok(if has_files {
                Payload::Multipart {
                    fields: all,
                    files: uploads,
                }
            } else {
                Payload::Form(all)
            });
        }
        if !has_fields {
            return Ok(Payload::Empty);
        }
        let mut object: Vec<(String, serde_json::Value)> = Vec::new();
        // Items in their order on the command line: fields and JSON fields interleave.
        for item in items {
            let (name, value) = match item {
                Item::Field(name, value) => (name, serde_json::Value::String(value.clone())),
                Item::JsonField(name, value) => (name, value.clone()),
                _ => continue,
            };
            match object.iter_mut().find(|(known, _)| known == name) {
                Some(slot) => slot.1 = value,
                None => object.push((name.clone(), value)),
            }
        }
        Ok(Payload::JsonObject(object))
    }

    /// Whether there is a body (the default method is then POST).
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Payload::Empty)
    }

    /// Puts the body on the request. `user_content_type` says whether the user's headers
    /// (already on `request`) hold a `Content-Type`: then no other one is added, since
    /// headers are appended and two would be sent.
    pub(crate) fn apply(
        self,
        request: RequestBuilder,
        user_content_type: bool,
    ) -> Result<RequestBuilder, CliError> {
        Ok(match self {
            Payload::Empty => request,
            Payload::Content(content) => request.body(content),
            Payload::JsonText(json) if user_content_type => request.body(json),
            Payload::JsonText(json) => request
                .header("content-type", "application/json")
                .body(json),
            // `json()` adds `application/json` only when no Content-Type is set.
            Payload::JsonObject(object) => request.json(&Ordered(&object)),
            Payload::Form(fields) => request.form(&fields),
            Payload::Multipart { fields, files } => {
                let mut multipart = Multipart::new();
                for (name, value) in fields {
                    multipart = multipart.text(name, value);
                }
                for upload in files {
                    let part = Part::file(&upload.path).map_err(|error| {
                        CliError::usage(format!("{}: {error}", upload.path.display()))
                    })?;
                    let part = match upload.mime {
                        Some(mime) => part.mime(mime),
                        None => part,
                    };
                    multipart = multipart.part(upload.name, part);
                }
                request.multipart(multipart)
            }
        })
    }
}

/// Whether the user's headers (`-H` pairs, then `Name:value` items) set a
/// `Content-Type`, in any case.
pub(crate) fn user_content_type(headers: &[(String, String)], items: &[Item]) -> bool {
    let is_content_type = |name: &str| name.eq_ignore_ascii_case("content-type");
    headers.iter().any(|(name, _)| is_content_type(name))
        || items
            .iter()
            .any(|item| matches!(item, Item::Header(name, _) if is_content_type(name)))
}

/// A JSON object written in the order of its pairs.
struct Ordered<'a>(&'a [(String, serde_json::Value)]);

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn items(values: &[&str]) -> Vec<Item> {
        values
            .iter()
            .map(|value| crate::items::parse(value).unwrap())
            .collect()
    }

    #[test]
    fn fields_make_an_ordered_json_object() {
        let payload = Payload::choose(
            BodyOptions::default(),
            &items(&["z=1", "a:=2", "X-H:v", "z=3"]),
        )
        .unwrap();
        assert_eq!(
            payload,
            Payload::JsonObject(vec![("z".into(), json!("3")), ("a".into(), json!(2))])
        );
        let Payload::JsonObject(object) = payload else {
            unreachable!()
        };
        assert_eq!(
            serde_json::to_string(&Ordered(&object)).unwrap(),
            r#"{"z":"3","a":2}"#
        );
    }

    #[test]
    fn data_files_and_form_choose_the_form_kinds() {
        let options = BodyOptions {
            form: true,
            ..BodyOptions::default()
        };
        assert_eq!(
            Payload::choose(options, &items(&["a=1"])).unwrap(),
            Payload::Form(vec![("a".into(), "1".into())])
        );
        let options = BodyOptions {
            data: vec![("d".into(), "1".into())],
            ..BodyOptions::default()
        };
        let payload = Payload::choose(options, &items(&["a=2", "up@f.txt"])).unwrap();
        assert_eq!(
            payload,
            Payload::Multipart {
                fields: vec![("d".into(), "1".into()), ("a".into(), "2".into())],
                files: vec![Upload {
                    name: "up".into(),
                    path: "f.txt".into(),
                    mime: None
                }],
            }
        );
    }

    #[test]
    fn mixing_bodies_is_refused() {
        let options = BodyOptions {
            content: Some("x".into()),
            json: Some("{}".into()),
            ..BodyOptions::default()
        };
        let error = Payload::choose(options, &[]).unwrap_err().to_string();
        assert!(error.contains("--content and --json"), "{error}");

        let options = BodyOptions {
            form: true,
            ..BodyOptions::default()
        };
        let error = Payload::choose(options, &items(&["a:=1"]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("need a JSON body"), "{error}");

        let options = BodyOptions {
            json: Some("{".into()),
            ..BodyOptions::default()
        };
        let error = Payload::choose(options, &[]).unwrap_err().to_string();
        assert!(error.contains("not valid JSON"), "{error}");
    }

    #[test]
    fn a_user_content_type_is_found_in_options_or_items() {
        let none: Vec<(String, String)> = Vec::new();
        assert!(!user_content_type(&none, &items(&["X-A:b", "content==x"])));
        assert!(user_content_type(&none, &items(&["CONTENT-Type:text/x"])));
        assert!(user_content_type(&none, &items(&["Content-Type;"])));
        let headers = vec![("content-TYPE".to_owned(), "text/x".to_owned())];
        assert!(user_content_type(&headers, &[]));
    }

    #[test]
    fn no_body_options_means_no_body() {
        let payload = Payload::choose(BodyOptions::default(), &items(&["q==1", "H:v"])).unwrap();
        assert!(payload.is_empty());
    }
}
