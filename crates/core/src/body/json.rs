//! `application/json` bodies: compact `serde_json`, with non-finite floats refused.
//!
//! `serde_json` writes `NaN` and the infinities as `null`, silently changing the
//! caller's data; httpx refuses them ("Out of range float values are not JSON
//! compliant"). xhttp refuses them too: a first pass over the value looks for them
//! (and names where it found one), then `serde_json` writes the bytes.

use std::fmt::{self, Display};

use serde::Serialize;
use serde::ser;

use crate::{Error, ErrorKind};

/// `value` as compact JSON (`{"a":1}`, UTF-8, non-ASCII written as it is), as httpx's
/// `json=`.
///
/// ```
/// use xhttp_core::body::encode_json;
///
/// let json = encode_json(&serde_json::json!({"a": [1, "é"]}))?;
/// assert_eq!(json, r#"{"a":[1,"é"]}"#.as_bytes());
/// assert!(encode_json(&[1.0, f64::NAN]).is_err());
/// # Ok::<(), xhttp_core::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::InvalidBody`] for a NaN or infinite float anywhere in the value, or a
/// value `serde_json` cannot write (a map with non-string keys, a failing `Serialize`).
pub fn encode_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut path = String::new();
    value
        .serialize(FiniteCheck { path: &mut path })
        .map_err(|Invalid(message)| Error::new(ErrorKind::InvalidBody).with_message(message))?;
    serde_json::to_vec(value).map_err(|error| {
        Error::new(ErrorKind::InvalidBody)
            .with_message(format!("cannot encode the JSON body: {error}"))
    })
}

/// Why the check stopped.
#[derive(Debug)]
struct Invalid(String);

impl Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

impl ser::Error for Invalid {
    fn custom<M: Display>(message: M) -> Invalid {
        Invalid(format!("cannot encode the JSON body: {message}"))
    }
}

/// A serializer that writes nothing and fails on the first non-finite float; `path`
/// is where it is (`.items[2].price`).
struct FiniteCheck<'p> {
    path: &'p mut String,
}

impl FiniteCheck<'_> {
    fn float(self, value: f64) -> Result<(), Invalid> {
        if value.is_finite() {
            return Ok(());
        }
        let at = if self.path.is_empty() {
            String::new()
        } else {
            format!(" (at {})", self.path)
        };
        Err(Invalid(format!(
            "out of range float values are not JSON compliant: {value}{at}"
        )))
    }

    /// Checks `value` with `segment` appended to the path.
    fn nested<T: Serialize + ?Sized>(
        path: &mut String,
        segment: fmt::Arguments<'_>,
        value: &T,
    ) -> Result<(), Invalid> {
        let length = path.len();
        fmt::Write::write_fmt(path, segment).map_err(|_| Invalid("path".to_owned()))?;
        let result = value.serialize(FiniteCheck { path: &mut *path });
        path.truncate(length);
        result
    }
}

/// The state of a sequence, tuple, map or struct being checked.
struct Compound<'p> {
    path: &'p mut String,
    index: usize,
    /// The key of the map entry whose value comes next.
    key: String,
}

impl<'p> ser::Serializer for FiniteCheck<'p> {
    type Ok = ();
    type Error = Invalid;
    type SerializeSeq = Compound<'p>;
    type SerializeTuple = Compound<'p>;
    type SerializeTupleStruct = Compound<'p>;
    type SerializeTupleVariant = Compound<'p>;
    type SerializeMap = Compound<'p>;
    type SerializeStruct = Compound<'p>;
    type SerializeStructVariant = Compound<'p>;

    fn serialize_f32(self, value: f32) -> Result<(), Invalid> {
        self.float(f64::from(value))
    }
    fn serialize_f64(self, value: f64) -> Result<(), Invalid> {
        self.float(value)
    }
    fn serialize_bool(self, _: bool) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_i128(self, _: i128) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_u128(self, _: u128) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_char(self, _: char) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Invalid> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Invalid> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Invalid> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Invalid> {
        FiniteCheck::nested(self.path, format_args!(".{variant}"), value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'p>, Invalid> {
        Ok(self.compound())
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'p>, Invalid> {
        Ok(self.compound())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'p>, Invalid> {
        Ok(self.compound())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'p>, Invalid> {
        Ok(self.compound())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'p>, Invalid> {
        Ok(self.compound())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'p>, Invalid> {
        Ok(self.compound())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'p>, Invalid> {
        Ok(self.compound())
    }
}

impl<'p> FiniteCheck<'p> {
    fn compound(self) -> Compound<'p> {
        Compound {
            path: self.path,
            index: 0,
            key: String::new(),
        }
    }
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Invalid> {
        let index = self.index;
        self.index += 1;
        FiniteCheck::nested(self.path, format_args!("[{index}]"), value)
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Invalid> {
        FiniteCheck::nested(self.path, format_args!(".{name}"), value)
    }
}

macro_rules! sequence_like {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Invalid;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Invalid> {
                self.element(value)
            }
            fn end(self) -> Result<(), Invalid> {
                Ok(())
            }
        }
    )*};
}

sequence_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

macro_rules! struct_like {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Invalid;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<(), Invalid> {
                self.field(name, value)
            }
            fn end(self) -> Result<(), Invalid> {
                Ok(())
            }
        }
    )*};
}

struct_like!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Invalid;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Invalid> {
        // A float key is checked too; the key is kept, as JSON, to name the path.
        let index = self.index;
        FiniteCheck::nested(self.path, format_args!("[key {index}]"), key)?;
        self.key = serde_json::to_string(key).unwrap_or_else(|_| index.to_string());
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Invalid> {
        self.index += 1;
        let key = std::mem::take(&mut self.key);
        FiniteCheck::nested(self.path, format_args!("[{key}]"), value)
    }
    fn end(self) -> Result<(), Invalid> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct Item {
        name: &'static str,
        price: f64,
    }

    #[derive(Serialize)]
    enum Shape {
        Circle { radius: f32 },
    }

    fn message(error: Error) -> String {
        assert_eq!(error.kind(), ErrorKind::InvalidBody);
        error.to_string()
    }

    #[test]
    fn compact_utf8_json() {
        let value = serde_json::json!({"a": 1, "b": [true, null], "c": "é \"q\""});
        let expected = "{\"a\":1,\"b\":[true,null],\"c\":\"é \\\"q\\\"\"}";
        assert_eq!(encode_json(&value).unwrap(), expected.as_bytes());
        assert_eq!(encode_json(&1.5).unwrap(), b"1.5");
        assert_eq!(encode_json(&None::<f64>).unwrap(), b"null");
    }

    #[test]
    fn nan_and_infinities_are_refused_with_the_path() {
        let message_nan = message(encode_json(&f64::NAN).unwrap_err());
        assert!(message_nan.contains("out of range float values are not JSON compliant"));
        assert!(message_nan.contains("NaN"), "{message_nan}");

        let items = vec![
            Item {
                name: "a",
                price: 1.0,
            },
            Item {
                name: "b",
                price: f64::INFINITY,
            },
        ];
        let text = message(encode_json(&items).unwrap_err());
        assert!(text.contains("inf (at [1].price)"), "{text}");

        let map = BTreeMap::from([("x", vec![0.0, f64::NEG_INFINITY])]);
        let text = message(encode_json(&map).unwrap_err());
        assert!(text.contains("-inf (at [\"x\"][1])"), "{text}");

        let text = message(encode_json(&Shape::Circle { radius: f32::NAN }).unwrap_err());
        assert!(text.contains("(at .radius)"), "{text}");

        let text = message(encode_json(&(1, Some(f64::NAN))).unwrap_err());
        assert!(text.contains("(at [1])"), "{text}");
    }

    #[test]
    fn finite_extremes_pass() {
        let json = encode_json(&[f64::MAX, -0.0]).unwrap();
        assert_eq!(json, b"[1.7976931348623157e+308,-0.0]");
    }

    #[test]
    fn values_serde_json_refuses_are_typed_errors() {
        let map = BTreeMap::from([(vec![1], 1)]);
        let text = message(encode_json(&map).unwrap_err());
        assert!(text.contains("cannot encode the JSON body"), "{text}");
    }
}
