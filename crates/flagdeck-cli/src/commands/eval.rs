//! `flagdeck eval`: one evaluation, or a JSONL batch, natively (--project) or from a flagd file
//! (--flagd). Output: one JSON object per evaluation, `{"flag", "value", "variant", "reason",
//! "errorCode"}` (+ `"explain"`).

use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use flagdeck_core::checked::{EnvId, Project};
use flagdeck_core::flagd::{Definitions, FlagdType};
use flagdeck_core::resolution::{ErrorCode, Resolution};
use flagdeck_core::{eval, instant};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{CliError, CliResult};
use crate::output::{Format, count, print_diagnostics};
use crate::{EvalArgs, FlagdTypeArg};
use flagdeck_app::project_dir;

enum Source {
    Project { project: Box<Project>, env: EnvId },
    Flagd(Box<Definitions>),
}

pub fn run(args: EvalArgs, _format: Format) -> CliResult {
    let source = match (&args.project, &args.flagd) {
        (Some(dir), _) => match open_project(dir, args.env.as_deref())? {
            Ok(source) => source,
            Err(code) => return Ok(code),
        },
        (None, Some(file)) => Source::Flagd(Box::new(open_flagd(file)?)),
        (None, None) => {
            return Err(CliError::Usage(
                "Give --project DIR --env ENV, or --flagd FILE.".to_owned(),
            ));
        }
    };
    if let Some(cases) = &args.cases {
        return run_cases(&source, cases);
    }
    let flag = args.flag.clone().unwrap_or_default();
    let context = match &args.context {
        Some(text) => parse_context(text).map_err(CliError::Usage)?,
        None => Map::new(),
    };
    let at = match &args.at {
        Some(text) => parse_instant_text(text).map_err(CliError::Usage)?,
        None => now(),
    };
    let default = match &args.default {
        Some(text) => Some(serde_json::from_str::<Value>(text).map_err(|e| {
            CliError::Usage(format!(
                "--default is not JSON ({e}); for text, quote it: '\"blue\"'."
            ))
        })?),
        None => None,
    };
    let kind = args.kind.map(flagd_type);
    let line = match (&source, args.explain) {
        (Source::Project { project, env }, true) => {
            let (resolution, steps) = match project.flag_id(&flag) {
                Some(id) => eval::explain(project, *env, id, &context, at),
                None => (not_found(&flag), Vec::new()),
            };
            let mut out = result_object(&flag, &resolution);
            out.insert(
                "explain".to_owned(),
                serde_json::to_value(steps).unwrap_or(Value::Null),
            );
            out
        }
        _ => result_object(
            &flag,
            &evaluate(&source, &flag, &context, at, kind, default.as_ref()),
        ),
    };
    println!("{}", Value::Object(line));
    Ok(ExitCode::SUCCESS)
}

fn open_project(dir: &Path, env: Option<&str>) -> Result<Result<Source, ExitCode>, CliError> {
    let checked = project_dir::check(dir)?;
    let Some(project) = checked.project else {
        print_diagnostics(&checked.diagnostics);
        eprintln!(
            "The project has {}; fix them (flagdeck validate) before evaluating.",
            count(
                checked.diagnostics.iter().filter(|d| d.is_error()).count(),
                "error"
            )
        );
        return Ok(Err(ExitCode::from(1)));
    };
    let env_key = env.unwrap_or_default();
    let Some(env) = project.env_id(env_key) else {
        let known: Vec<&str> = project
            .environments
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        return Err(CliError::Usage(format!(
            "The project has no environment '{env_key}' (it has: {}).",
            known.join(", ")
        )));
    };
    Ok(Ok(Source::Project {
        project: Box::new(project),
        env,
    }))
}

fn open_flagd(file: &Path) -> Result<Definitions, CliError> {
    let meta = fs::metadata(file).map_err(|e| CliError::io("read", file, &e))?;
    if meta.len() > 64 * 1024 * 1024 {
        return Err(CliError::Usage(format!(
            "{} is larger than 64 MB; it is not read.",
            file.display()
        )));
    }
    let text = fs::read_to_string(file).map_err(|e| CliError::io("read", file, &e))?;
    Definitions::parse(&text).map_err(|why| {
        CliError::Usage(format!(
            "{} is not a usable flagd file: {why}",
            file.display()
        ))
    })
}

fn evaluate(
    source: &Source,
    flag: &str,
    ctx: &Map<String, Value>,
    at: i64,
    kind: Option<FlagdType>,
    default: Option<&Value>,
) -> Resolution {
    match source {
        Source::Project { project, env } => match project.flag_id(flag) {
            Some(id) => eval::evaluate(project, *env, id, ctx, at),
            None => not_found(flag),
        },
        Source::Flagd(defs) => {
            let kind = kind.unwrap_or_else(|| guess_type(defs, flag));
            defs.resolve(flag, kind, default, ctx, at)
        }
    }
}

fn not_found(flag: &str) -> Resolution {
    Resolution::error(
        ErrorCode::FlagNotFound,
        format!("There is no flag '{flag}'."),
    )
}

/// The flagd type matching a flag's variants, for cases that do not say (a number is a float).
fn guess_type(defs: &Definitions, flag: &str) -> FlagdType {
    match defs.flag(flag).and_then(|f| f.variants().values().next()) {
        Some(Value::String(_)) => FlagdType::String,
        Some(Value::Number(_)) => FlagdType::Float,
        Some(Value::Object(_) | Value::Array(_)) => FlagdType::Object,
        _ => FlagdType::Boolean,
    }
}

fn flagd_type(arg: FlagdTypeArg) -> FlagdType {
    match arg {
        FlagdTypeArg::Boolean => FlagdType::Boolean,
        FlagdTypeArg::String => FlagdType::String,
        FlagdTypeArg::Integer => FlagdType::Integer,
        FlagdTypeArg::Float => FlagdType::Float,
        FlagdTypeArg::Object => FlagdType::Object,
    }
}

fn result_object(flag: &str, r: &Resolution) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("flag".to_owned(), Value::String(flag.to_owned()));
    out.insert("value".to_owned(), r.value.clone().unwrap_or(Value::Null));
    out.insert(
        "variant".to_owned(),
        r.variant.clone().map_or(Value::Null, Value::String),
    );
    out.insert(
        "reason".to_owned(),
        serde_json::to_value(r.reason).unwrap_or(Value::Null),
    );
    out.insert(
        "errorCode".to_owned(),
        serde_json::to_value(r.error_code).unwrap_or(Value::Null),
    );
    if let Some(message) = &r.error_message {
        out.insert("errorMessage".to_owned(), Value::String(message.clone()));
    }
    out
}

/// One line of a `--cases` file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    flag: String,
    #[serde(default)]
    context: Option<Map<String, Value>>,
    #[serde(default)]
    at: Option<Value>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    default: Option<Value>,
}

fn run_cases(source: &Source, path: &Path) -> CliResult {
    let file = fs::File::open(path).map_err(|e| CliError::io("read", path, &e))?;
    let reader = BufReader::with_capacity(1 << 16, file);
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let now = now();
    let empty = Map::new();
    for (index, line) in reader.lines().enumerate() {
        let line_no = index + 1;
        let line = line.map_err(|e| CliError::io("read", path, &e))?;
        if line.trim().is_empty() {
            continue;
        }
        let located = |why: String| CliError::Usage(format!("{}:{line_no}: {why}", path.display()));
        let case: Case = serde_json::from_str(&line)
            .map_err(|e| located(format!("this case is not valid: {e}.")))?;
        let at = match &case.at {
            None => now,
            Some(v) => parse_instant_value(v).map_err(located)?,
        };
        let kind = match case.kind.as_deref() {
            None => None,
            Some(k) => Some(parse_type_name(k).map_err(located)?),
        };
        let ctx = case.context.as_ref().unwrap_or(&empty);
        let resolution = evaluate(source, &case.flag, ctx, at, kind, case.default.as_ref());
        let result = Value::Object(result_object(&case.flag, &resolution));
        serde_json::to_writer(&mut out, &result)
            .map_err(|e| CliError::Io(format!("Could not write the result: {e}.")))?;
        out.write_all(b"\n")
            .map_err(|e| CliError::Io(format!("Could not write the result: {e}.")))?;
    }
    out.flush()
        .map_err(|e| CliError::Io(format!("Could not write the results: {e}.")))?;
    Ok(ExitCode::SUCCESS)
}

fn parse_type_name(name: &str) -> Result<FlagdType, String> {
    Ok(match name {
        "boolean" => FlagdType::Boolean,
        "string" => FlagdType::String,
        "integer" => FlagdType::Integer,
        "float" | "number" => FlagdType::Float,
        "object" => FlagdType::Object,
        other => {
            return Err(format!(
                "'{other}' is not a flagd type (boolean, string, integer, float, object)."
            ));
        }
    })
}

fn parse_context(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("The context must be a JSON object, like {\"targetingKey\": \"user-1\", \"country\": \"DE\"}.".to_owned()),
        Err(e) => Err(format!("The context is not valid JSON: {e}.")),
    }
}

/// An instant given as RFC 3339 text, floored to whole seconds (flagd's clock has seconds).
fn parse_instant_text(text: &str) -> Result<i64, String> {
    instant::parse_rfc3339(text)
        .map(|p| p.seconds)
        .ok_or_else(|| format!("'{text}' is not a date and time like 2026-12-01T09:00:00Z."))
}

/// A case's `at`: Unix seconds, or RFC 3339 text.
fn parse_instant_value(value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite() && f.abs() < 9.2e18)
                    .map(|f| f.floor() as i64)
            })
            .ok_or_else(|| format!("'at' is {n}, which is not a Unix time in seconds.")),
        Value::String(s) => parse_instant_text(s),
        other => Err(format!(
            "'at' must be Unix seconds or RFC 3339 text, not {other}."
        )),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
