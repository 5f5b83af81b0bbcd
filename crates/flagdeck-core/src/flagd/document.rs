//! Reading a flagd file without building what the evaluator never looks at: flag `metadata`
//! and unknown fields are skipped while parsing, which matters for files of thousands of flags.

use serde::Deserializer;
use serde::de::{DeserializeSeed, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// The parts of a flagd file that evaluation needs.
pub struct Document {
    /// `flags` as `(key, flag)` pairs, or `Err` with a sentence when it is not a flag list.
    pub flags: Result<Vec<(String, Value)>, String>,
    pub evaluators: Map<String, Value>,
}

/// The fields of a flag that are kept (`key` for flagd's list form).
const FLAG_FIELDS: [&str; 5] = ["state", "variants", "defaultVariant", "targeting", "key"];

pub fn read(text: &str) -> Result<Document, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let doc = de.deserialize_any(DocumentVisitor).map_err(describe)?;
    de.end().map_err(describe)?;
    Ok(doc)
}

fn describe(e: serde_json::Error) -> String {
    format!("The file is not a valid flagd file: {e}.")
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Document;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object with \"flags\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
        let mut doc = Document {
            flags: Ok(Vec::new()),
            evaluators: Map::new(),
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "flags" => doc.flags = map.next_value_seed(FlagsSeed)?,
                "$evaluators" => {
                    doc.evaluators = match map.next_value::<Value>()? {
                        Value::Object(m) => m,
                        _ => Map::new(),
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(doc)
    }
}

/// `flags`: an object of flags, or a list of flags with a `key` each.
struct FlagsSeed;

type Flags = Result<Vec<(String, Value)>, String>;

impl<'de> DeserializeSeed<'de> for FlagsSeed {
    type Value = Flags;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Flags, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FlagsSeed {
    type Value = Flags;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of flags")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Flags, A::Error> {
        let mut flags = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(key) = map.next_key::<String>()? {
            flags.push((key, map.next_value_seed(FlagSeed)?));
        }
        Ok(Ok(flags))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Flags, A::Error> {
        let mut flags = Vec::new();
        while let Some(flag) = seq.next_element_seed(FlagSeed)? {
            match flag.get("key") {
                Some(Value::String(key)) => flags.push((key.clone(), flag)),
                _ => {
                    let n = flags.len() + 1;
                    return Ok(Err(format!("Flag number {n} of the list has no \"key\".")));
                }
            }
        }
        Ok(Ok(flags))
    }

    fn visit_unit<E: Error>(self) -> Result<Flags, E> {
        Ok(Ok(Vec::new()))
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<Flags, E> {
        Ok(not_flags())
    }

    fn visit_i64<E: Error>(self, _: i64) -> Result<Flags, E> {
        Ok(not_flags())
    }

    fn visit_u64<E: Error>(self, _: u64) -> Result<Flags, E> {
        Ok(not_flags())
    }

    fn visit_f64<E: Error>(self, _: f64) -> Result<Flags, E> {
        Ok(not_flags())
    }

    fn visit_str<E: Error>(self, _: &str) -> Result<Flags, E> {
        Ok(not_flags())
    }
}

fn not_flags() -> Flags {
    Err("\"flags\" must be an object of flags.".into())
}

/// One flag: an object with only the fields evaluation reads; anything else becomes `null`
/// (which the caller rejects as "not an object").
struct FlagSeed;

impl<'de> DeserializeSeed<'de> for FlagSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FlagSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a flag")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut flag = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if FLAG_FIELDS.contains(&key.as_str()) {
                flag.insert(key, map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Value::Object(flag))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Null)
    }

    fn visit_unit<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_i64<E: Error>(self, _: i64) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_u64<E: Error>(self, _: u64) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_f64<E: Error>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_str<E: Error>(self, _: &str) -> Result<Value, E> {
        Ok(Value::Null)
    }
}
