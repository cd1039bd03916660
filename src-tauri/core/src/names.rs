//! The names of the domain's enums, taken from serde so they are written once.
//!
//! A unit-only enum's names are its `#[serde(rename_all = …)]` / `#[serde(rename = …)]`
//! spellings: they are what IPC, bundles, the store's TEXT columns and the CLI's words all
//! use. Rather than a hand-written `as_str`/`parse` pair beside the derive (two lists that
//! can drift), the enums ask serde: the list of names is the one serde's derived
//! `Deserialize` hands to `deserialize_enum`, a variant's name is what its derived
//! `Serialize` writes, and parsing is serde's own deserialization from a string.

use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
use serde::{Serialize, forward_to_deserialize_any};

use crate::error::{Error, Result};

/// Every name serde accepts for `T`'s variants, in declaration order; empty if `T` is not
/// an enum.
pub(crate) fn variants<T: DeserializeOwned>() -> &'static [&'static str] {
    match T::deserialize(VariantNames) {
        Err(Captured(Some(names))) => names,
        _ => &[],
    }
}

/// The name serde writes for `value`, a unit variant of an enum (empty for anything else,
/// which the enums' tests rule out).
pub(crate) fn name_of<T: Serialize + DeserializeOwned>(value: &T) -> &'static str {
    let written = serde_json::to_value(value).ok();
    let written = written.as_ref().and_then(serde_json::Value::as_str);
    variants::<T>()
        .iter()
        .copied()
        .find(|name| Some(*name) == written)
        .unwrap_or_default()
}

/// The variant serde reads from exactly `name`.
pub(crate) fn from_name<T: DeserializeOwned>(name: &str) -> Option<T> {
    T::deserialize(IntoDeserializer::<de::value::Error>::into_deserializer(
        name,
    ))
    .ok()
}

/// What a person typed, read leniently (surrounding space and case ignored); when it is
/// none of the names, the sentence says so and lists them: "`x` is not {what}; use a, b or c."
pub(crate) fn parse<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    let text = text.trim().to_ascii_lowercase();
    from_name(&text).ok_or_else(|| {
        Error::invalid(format!(
            "`{text}` is not {what}; use {}.",
            one_of(variants::<T>())
        ))
    })
}

/// "a, b or c".
fn one_of(names: &[&str]) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// A deserializer that reads nothing: it only catches the variant names a derived
/// `Deserialize` passes to `deserialize_enum`, and hands them back as its "error".
struct VariantNames;

#[derive(Debug)]
struct Captured(Option<&'static [&'static str]>);

impl std::fmt::Display for Captured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a unit-only enum")
    }
}

impl std::error::Error for Captured {}

impl de::Error for Captured {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Captured(None)
    }
}

impl<'de> Deserializer<'de> for VariantNames {
    type Error = Captured;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Captured> {
        Err(Captured(None))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Captured> {
        Err(Captured(Some(variants)))
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_worded_as_a_person_would() {
        assert_eq!(one_of(&[]), "");
        assert_eq!(one_of(&["a"]), "a");
        assert_eq!(one_of(&["a", "b"]), "a or b");
        assert_eq!(one_of(&["a", "b", "c"]), "a, b or c");
    }

    #[test]
    fn a_type_that_is_not_an_enum_has_no_names() {
        assert!(variants::<String>().is_empty());
        assert!(variants::<u8>().is_empty());
        assert_eq!(name_of(&"text".to_string()), "");
    }
}
