//! Segments, personas, the project settings, the policy and people in sentences.

use serde_json::Value;

use super::words::{list, text_change};
use super::{Lines, value_at};
use crate::governance::{Person, Policy};
use crate::model::{PersonaFile, ProjectFile, SegmentFile};

/// Name, description and the other plain text fields of any entity.
fn text_fields(
    out: &mut Lines<'_>,
    name: &str,
    before: &Value,
    after: &Value,
    fields: &[(&str, &str)],
) {
    for (field, word) in fields {
        let pointer = format!("/{field}");
        let (b, a) = (before.pointer(&pointer), after.pointer(&pointer));
        if b != a {
            let change = text_change(b.and_then(Value::as_str), a.and_then(Value::as_str));
            let sentence = if *field == "name" {
                format!(
                    "{}: renamed to {}",
                    b.and_then(Value::as_str).unwrap_or(name),
                    a.and_then(Value::as_str).unwrap_or(name)
                )
            } else {
                format!("{name}: {word} {change}")
            };
            let f = out.labeler.fields(&pointer, b, a);
            out.push(None, sentence, f);
        }
    }
}

/// Keys added to and removed from a list: "includes qa-3; no longer includes qa-1".
fn key_list(
    out: &mut Lines<'_>,
    name: &str,
    before: &Value,
    after: &Value,
    field: &str,
    added: &str,
    removed: &str,
) {
    let pointer = format!("/{field}");
    let keys = |v: &Value| -> Vec<String> {
        v.pointer(&pointer)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|k| k.as_str().map_or_else(|| k.to_string(), str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (b, a) = (keys(before), keys(after));
    if b == a {
        return;
    }
    let new: Vec<String> = a.iter().filter(|k| !b.contains(k)).cloned().collect();
    let gone: Vec<String> = b.iter().filter(|k| !a.contains(k)).cloned().collect();
    let mut parts = Vec::new();
    if !new.is_empty() {
        parts.push(format!("{added} {}", list(&new)));
    }
    if !gone.is_empty() {
        parts.push(format!("{removed} {}", list(&gone)));
    }
    if parts.is_empty() {
        parts.push(format!("{field} reordered"));
    }
    let f = out.labeler.whole(
        &pointer,
        value_at(before, &pointer),
        value_at(after, &pointer),
    );
    out.push(None, format!("{name}: {}", parts.join("; ")), vec![f]);
}

pub(super) fn segment(
    out: &mut Lines<'_>,
    b: &SegmentFile,
    a: &SegmentFile,
    bj: &Value,
    aj: &Value,
) {
    let name = a.name.clone();
    text_fields(
        out,
        &name,
        bj,
        aj,
        &[("name", "name"), ("description", "description")],
    );
    if b.when != a.when {
        let f = out
            .labeler
            .fields("/when", bj.pointer("/when"), aj.pointer("/when"));
        out.push(None, format!("{name}: condition changed"), f);
    }
    key_list(
        out,
        &name,
        bj,
        aj,
        "include",
        "now includes",
        "no longer includes",
    );
    key_list(
        out,
        &name,
        bj,
        aj,
        "exclude",
        "now excludes",
        "no longer excludes",
    );
}

pub(super) fn persona(
    out: &mut Lines<'_>,
    b: &PersonaFile,
    a: &PersonaFile,
    bj: &Value,
    aj: &Value,
) {
    let name = a.name.clone();
    text_fields(
        out,
        &name,
        bj,
        aj,
        &[("name", "name"), ("description", "description")],
    );
    for (key, value) in &a.context {
        let pointer = format!("/context/{}", super::diff::escape(key));
        match b.context.get(key) {
            Some(old) if old == value => {}
            Some(old) => {
                let f = out.labeler.fields(&pointer, Some(old), Some(value));
                out.push(
                    None,
                    format!(
                        "{name}: {key} {} → {}",
                        super::words::value(old),
                        super::words::value(value)
                    ),
                    f,
                );
            }
            None => {
                let f = out.labeler.fields(&pointer, None, Some(value));
                out.push(
                    None,
                    format!("{name}: {key} set to {}", super::words::value(value)),
                    f,
                );
            }
        }
    }
    for (key, old) in &b.context {
        if !a.context.contains_key(key) {
            let pointer = format!("/context/{}", super::diff::escape(key));
            let f = out.labeler.fields(&pointer, Some(old), None);
            out.push(None, format!("{name}: {key} removed"), f);
        }
    }
}

/// Items of a list matched by a key field: added, removed, changed.
fn keyed_items(
    out: &mut Lines<'_>,
    prefix: &str,
    bj: &Value,
    aj: &Value,
    list_field: &str,
    key_field: &str,
    word: &str,
) {
    let pointer = format!("/{list_field}");
    let items = |v: &Value| {
        v.pointer(&pointer)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (b, a) = (items(bj), items(aj));
    let key = |v: &Value| v.get(key_field).map(Value::to_string).unwrap_or_default();
    let title = |v: &Value| {
        v.get("name")
            .or_else(|| v.get(key_field))
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    for (i, item) in a.iter().enumerate() {
        let here = format!("{pointer}/{i}");
        match b.iter().find(|old| key(old) == key(item)) {
            None => {
                let f = out.labeler.whole(&here, None, Some(item));
                out.push(
                    None,
                    format!("{prefix}{word} {} added", title(item)),
                    vec![f],
                );
            }
            Some(old) if old != item => {
                let f = out.labeler.fields(&here, Some(old), Some(item));
                out.push(None, format!("{prefix}{word} {} changed", title(item)), f);
            }
            Some(_) => {}
        }
    }
    for (i, old) in b.iter().enumerate() {
        if !a.iter().any(|item| key(item) == key(old)) {
            let here = format!("{pointer}/{i}");
            let f = out.labeler.whole(&here, Some(old), None);
            out.push(
                None,
                format!("{prefix}{word} {} removed", title(old)),
                vec![f],
            );
        }
    }
}

pub(super) fn project(
    out: &mut Lines<'_>,
    b: &ProjectFile,
    a: &ProjectFile,
    bj: &Value,
    aj: &Value,
) {
    if b.name != a.name {
        let f = out
            .labeler
            .fields("/name", bj.pointer("/name"), aj.pointer("/name"));
        out.push(
            None,
            format!("Project renamed from {} to {}", b.name, a.name),
            f,
        );
    }
    if b.bucket_by != a.bucket_by {
        let by = |v: &Option<String>| v.clone().unwrap_or_else(|| "targetingKey".to_owned());
        let f = out.labeler.fields(
            "/bucketBy",
            bj.pointer("/bucketBy"),
            aj.pointer("/bucketBy"),
        );
        out.push(
            None,
            format!(
                "Project settings: rollouts bucket by {} instead of {}",
                by(&a.bucket_by),
                by(&b.bucket_by)
            ),
            f,
        );
    }
    keyed_items(
        out,
        "Project settings: ",
        bj,
        aj,
        "environments",
        "key",
        "environment",
    );
    keyed_items(
        out,
        "Project settings: ",
        bj,
        aj,
        "attributes",
        "key",
        "attribute",
    );
    keyed_items(
        out,
        "Project settings: ",
        bj,
        aj,
        "freezes",
        "name",
        "freeze",
    );
}

pub(super) fn policy(out: &mut Lines<'_>, b: &Policy, a: &Policy, bj: &Value, aj: &Value) {
    keyed_items(out, "Policy: ", bj, aj, "groups", "key", "group");
    keyed_items(out, "Policy: ", bj, aj, "rules", "name", "rule");
    if b.emergency != a.emergency {
        let allowed = a.emergency.as_ref().is_some_and(|e| e.allowed);
        let sentence = match a.emergency.as_ref().and_then(|e| e.environments.as_ref()) {
            Some(envs) if allowed => format!("Policy: emergency changes allowed in {}", list(envs)),
            _ if allowed => "Policy: emergency changes allowed".to_owned(),
            _ => "Policy: emergency changes not allowed".to_owned(),
        };
        let f = out.labeler.fields(
            "/emergency",
            bj.pointer("/emergency"),
            aj.pointer("/emergency"),
        );
        out.push(None, sentence, f);
    }
}

pub(super) fn person(out: &mut Lines<'_>, b: &Person, a: &Person, bj: &Value, aj: &Value) {
    let name = a.display_name().to_owned();
    text_fields(out, &name, bj, aj, &[("name", "name"), ("email", "email")]);
    if b.public_key != a.public_key {
        let f = out.labeler.fields(
            "/publicKey",
            bj.pointer("/publicKey"),
            aj.pointer("/publicKey"),
        );
        out.push(None, format!("{name}: public key changed"), f);
    }
}
