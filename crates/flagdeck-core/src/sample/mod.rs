//! Populations of evaluation contexts for the rebucketing impact: generated from the project's
//! attribute schema ([`generate`]), or read from a CSV file of real contexts ([`csv`]). Both type
//! values exactly as evaluation reads them (datetimes as Unix seconds, numbers as JSON numbers).

pub mod csv;
pub mod generate;

use serde_json::{Map, Number, Value};

use crate::model::{AttributeDef, AttributeType, ProjectFile};

/// One evaluation context.
pub type Context = Map<String, Value>;

/// A JSON number that is an integer when it can be one, so `18` is written `18`, not `18.0`;
/// `null` for a number JSON cannot hold (NaN, infinities).
pub fn json_number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 {
        Value::from(x as i64)
    } else {
        Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// The attributes a context may carry: the declared ones, and `targetingKey` (always a string
/// attribute, declared or not).
pub(crate) fn schema(project: &ProjectFile) -> Vec<AttributeDef> {
    let mut attributes = project.attributes.clone();
    if !attributes.iter().any(|a| a.key == "targetingKey") {
        attributes.insert(
            0,
            AttributeDef {
                key: "targetingKey".to_owned(),
                kind: AttributeType::String,
                description: None,
                values: None,
            },
        );
    }
    attributes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_integers_when_whole() {
        assert_eq!(json_number(18.0).to_string(), "18");
        assert_eq!(json_number(17.999).to_string(), "17.999");
        assert_eq!(json_number(-5.0).to_string(), "-5");
        assert_eq!(json_number(f64::NAN), Value::Null);
    }
}
