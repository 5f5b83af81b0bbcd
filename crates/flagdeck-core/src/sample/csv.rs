//! Contexts from a CSV file of real users: the header row names attributes, each cell is typed
//! by the schema (number; `true`/`false`; a version like `1.2.3`; a datetime as Unix seconds or
//! RFC 3339; an empty cell is an absent attribute). A row with a bad cell is left out and
//! reported with its row and column; rows are numbered as a spreadsheet shows them (the header
//! is row 1).

use serde_json::Value;

use super::{Context, json_number, schema};
use crate::model::{AttributeDef, AttributeType, ProjectFile};

/// The largest file read, in bytes (20 MB).
pub const MAX_BYTES: usize = 20 * 1_000_000;
/// The most rows read, besides the header.
pub const MAX_ROWS: usize = 100_000;
/// Problems listed one by one; the rest are counted in one last sentence.
pub const MAX_PROBLEMS: usize = 50;

/// The contexts of a CSV file and the problems met reading it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsvContexts {
    pub contexts: Vec<Context>,
    pub problems: Vec<String>,
}

/// Reads `bytes` as CSV contexts for `project`'s attributes. `Err` is a sentence saying why
/// nothing could be read (too large, too many rows, no header); problems with single rows and
/// columns are in [`CsvContexts::problems`].
pub fn read_contexts(project: &ProjectFile, bytes: &[u8]) -> Result<CsvContexts, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "The CSV file is {:.1} MB; at most 20 MB can be imported. Import a sample of its rows.",
            bytes.len() as f64 / 1_000_000.0
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(Ok(header)) if header.iter().any(|cell| !cell.is_empty()) => header,
        Some(Err(e)) => return Err(format!("The CSV file's header row cannot be read: {e}.")),
        _ => {
            return Err("The CSV file is empty: its first row must name the attributes, for example targetingKey,country,plan.".to_owned());
        }
    };
    let attributes = schema(project);
    let mut problems = Problems::default();
    let columns = columns(&header, &attributes, &mut problems);
    let mut contexts = Vec::new();
    for (index, record) in records.enumerate() {
        if index >= MAX_ROWS {
            return Err(format!(
                "The CSV file has more than {} rows; import at most {} (a sample of them measures the impact as well).",
                crate::eval::thousands(MAX_ROWS as u64),
                crate::eval::thousands(MAX_ROWS as u64)
            ));
        }
        let row = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(format!("Row {row} cannot be read ({e}); it is left out."));
                continue;
            }
        };
        if record.len() > header.len() {
            problems.push(format!(
                "Row {row} has {} cells but the header names {} columns; the row is left out.",
                record.len(),
                header.len()
            ));
            continue;
        }
        if let Some(context) = context(row, &record, &columns, &mut problems) {
            contexts.push(context);
        }
    }
    Ok(CsvContexts {
        contexts,
        problems: problems.finish(),
    })
}

/// For each header cell, the attribute it fills (`None`: ignored, with a problem said once).
fn columns<'a>(
    header: &csv::ByteRecord,
    attributes: &'a [AttributeDef],
    problems: &mut Problems,
) -> Vec<Option<&'a AttributeDef>> {
    let known: Vec<&str> = attributes.iter().map(|a| a.key.as_str()).collect();
    let mut seen = Vec::new();
    header
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            let name = String::from_utf8_lossy(cell);
            if name.is_empty() {
                problems.push(format!(
                    "Column {} has no name in the header row; it is ignored.",
                    i + 1
                ));
                return None;
            }
            let Some(attribute) = attributes.iter().find(|a| a.key == name) else {
                problems.push(format!(
                    "Column {name} is not an attribute declared in flagdeck.json{}; it is ignored.",
                    crate::suggest::suggest(&known, &name)
                ));
                return None;
            };
            if seen.contains(&attribute.key) {
                problems.push(format!(
                    "Column {name} appears twice in the header row; only the first is read."
                ));
                return None;
            }
            seen.push(attribute.key.clone());
            Some(attribute)
        })
        .collect()
}

/// One row as a context; `None` (with its problems) when a cell is not of its column's type.
fn context(
    row: usize,
    record: &csv::ByteRecord,
    columns: &[Option<&AttributeDef>],
    problems: &mut Problems,
) -> Option<Context> {
    let mut context = Context::new();
    let mut ok = true;
    for (cell, column) in record.iter().zip(columns) {
        let Some(attribute) = column else { continue };
        if cell.is_empty() {
            continue;
        }
        let typed = std::str::from_utf8(cell)
            .map_err(|_| "the cell is not UTF-8 text".to_owned())
            .and_then(|text| typed_cell(attribute, text));
        match typed {
            Ok(value) => {
                context.insert(attribute.key.clone(), value);
            }
            Err(why) => {
                problems.push(format!("Row {row}, column {}: {why}", attribute.key));
                ok = false;
            }
        }
    }
    ok.then_some(context)
}

/// A cell's text as the attribute's type, or why it is not one.
pub fn typed_cell(attribute: &AttributeDef, text: &str) -> Result<Value, String> {
    match attribute.kind {
        AttributeType::String => {
            let declared: Vec<&str> = attribute
                .values
                .iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if declared.is_empty() || declared.contains(&text) {
                Ok(Value::from(text))
            } else {
                Err(format!("'{text}' is not one of {}", declared.join(", ")))
            }
        }
        AttributeType::Number => number(text)
            .map(json_number)
            .ok_or_else(|| format!("'{text}' is not a number")),
        AttributeType::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("'{text}' is neither true nor false")),
        },
        AttributeType::Semver => match crate::semver::parse_strict(text) {
            Some(_) => Ok(Value::from(text)),
            None => Err(format!("'{text}' is not a version like 1.2.3")),
        },
        AttributeType::Datetime => number(text)
            .or_else(|| crate::instant::parse_rfc3339(text).map(|p| p.as_f64()))
            .map(json_number)
            .ok_or_else(|| {
                format!("'{text}' is neither Unix seconds nor a time like 2026-12-01T09:00:00Z")
            }),
    }
}

/// A finite decimal number (`12`, `-0.5`, `1e3`).
fn number(text: &str) -> Option<f64> {
    let looks_numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'));
    text.parse::<f64>()
        .ok()
        .filter(|x| looks_numeric && x.is_finite())
}

/// Problem sentences, at most [`MAX_PROBLEMS`] of them plus a count of the rest.
#[derive(Default)]
struct Problems {
    listed: Vec<String>,
    more: usize,
}

impl Problems {
    fn push(&mut self, sentence: String) {
        if self.listed.len() < MAX_PROBLEMS {
            self.listed.push(sentence);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.listed.push(format!(
                "… and {} more problems like these.",
                crate::eval::thousands(self.more as u64)
            ));
        }
        self.listed
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn project() -> ProjectFile {
        serde_json::from_value(json!({
            "format": 1, "name": "P",
            "environments": [{"key": "production", "name": "Production"}],
            "attributes": [
                {"key": "plan", "type": "string", "values": ["free", "pro"]},
                {"key": "age", "type": "number"},
                {"key": "beta", "type": "boolean"},
                {"key": "appVersion", "type": "semver"},
                {"key": "signupAt", "type": "datetime"}
            ]
        }))
        .unwrap()
    }

    fn read(text: &str) -> CsvContexts {
        read_contexts(&project(), text.as_bytes()).unwrap()
    }

    #[test]
    fn cells_are_typed_by_the_schema() {
        let read = read(
            "targetingKey,plan,age,beta,appVersion,signupAt\n\
             u1,pro,42,true,1.2.3,2026-12-01T09:00:00Z\n\
             u2,,17.5,FALSE,,1796115600\n",
        );
        assert_eq!(read.problems, Vec::<String>::new());
        assert_eq!(
            read.contexts,
            vec![
                json!({"targetingKey": "u1", "plan": "pro", "age": 42, "beta": true,
                       "appVersion": "1.2.3", "signupAt": 1_796_115_600})
                .as_object()
                .unwrap()
                .clone(),
                json!({"targetingKey": "u2", "age": 17.5, "beta": false, "signupAt": 1_796_115_600})
                    .as_object()
                    .unwrap()
                    .clone(),
            ]
        );
    }

    #[test]
    fn bad_cells_are_located_by_row_and_column() {
        let read = read(
            "targetingKey,plan,age,beta,appVersion,signupAt\n\
             u1,gold,42,true,1.2.3,1\n\
             u2,free,old,yes,1.2,tomorrow\n\
             u3,free,1,true,1.0.0,2\n",
        );
        assert_eq!(read.contexts.len(), 1, "rows with bad cells are left out");
        assert_eq!(
            read.problems,
            [
                "Row 2, column plan: 'gold' is not one of free, pro",
                "Row 3, column age: 'old' is not a number",
                "Row 3, column beta: 'yes' is neither true nor false",
                "Row 3, column appVersion: '1.2' is not a version like 1.2.3",
                "Row 3, column signupAt: 'tomorrow' is neither Unix seconds nor a time like 2026-12-01T09:00:00Z",
            ]
        );
    }

    #[test]
    fn undeclared_and_unnamed_columns_are_problems() {
        let read = read("targetingKey,pln,,plan,plan\nu1,x,y,free,pro\nu2,a,b,c,d,e\n");
        assert_eq!(
            read.problems,
            [
                "Column pln is not an attribute declared in flagdeck.json (did you mean 'plan'?); it is ignored.",
                "Column 3 has no name in the header row; it is ignored.",
                "Column plan appears twice in the header row; only the first is read.",
                "Row 3 has 6 cells but the header names 5 columns; the row is left out.",
            ]
        );
        assert_eq!(
            read.contexts,
            vec![
                json!({"targetingKey": "u1", "plan": "free"})
                    .as_object()
                    .unwrap()
                    .clone()
            ]
        );
    }

    #[test]
    fn limits_and_empty_files_are_sentences() {
        let empty = read_contexts(&project(), b"").unwrap_err();
        assert!(empty.contains("empty"), "{empty}");
        let big = vec![b'a'; MAX_BYTES + 1];
        let too_big = read_contexts(&project(), &big).unwrap_err();
        assert!(too_big.contains("at most 20 MB"), "{too_big}");
        let mut many = String::from("targetingKey\n");
        for i in 0..=MAX_ROWS {
            many.push_str(&format!("u{i}\n"));
        }
        let too_many = read_contexts(&project(), many.as_bytes()).unwrap_err();
        assert!(too_many.contains("more than 100,000 rows"), "{too_many}");
        let exactly = many
            .lines()
            .take(MAX_ROWS + 1)
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(
            read_contexts(&project(), exactly.as_bytes())
                .unwrap()
                .contexts
                .len(),
            MAX_ROWS
        );
    }

    #[test]
    fn spreadsheet_exports_read_alike() {
        // A byte order mark, CRLF line ends, quoted cells with commas, spaces around cells.
        let read = read("\u{feff}targetingKey , plan\r\n\"u,1\", pro \r\n\r\n\"u2\",free\r\n");
        assert_eq!(read.problems, Vec::<String>::new());
        assert_eq!(
            read.contexts,
            vec![
                json!({"targetingKey": "u,1", "plan": "pro"})
                    .as_object()
                    .unwrap()
                    .clone(),
                json!({"targetingKey": "u2", "plan": "free"})
                    .as_object()
                    .unwrap()
                    .clone(),
            ]
        );
    }

    #[test]
    fn problems_are_capped_with_a_count() {
        let mut text = String::from("targetingKey,age\n");
        for i in 0..60 {
            text.push_str(&format!("u{i},x\n"));
        }
        let read = read(&text);
        assert_eq!(read.problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(
            read.problems.last().unwrap(),
            "… and 10 more problems like these."
        );
    }
}
