//! Segments: keys, conditions, include/exclude lists, and cycles between segments.

use std::collections::HashMap;

use super::{Loc, Scope, check_entity_key, cond};
use crate::checked;
use crate::diag::Code;
use crate::model::SegmentFile;

/// Checks every segment; returns them in id order when all could be resolved.
pub(crate) fn check_all(
    scope: &mut Scope<'_>,
    files: &[(String, SegmentFile)],
) -> Option<Vec<checked::Segment>> {
    let mut resolved: Vec<Option<checked::Segment>> = vec![None; scope.segment_index.len()];
    let mut refs_by_key: HashMap<String, (String, Vec<String>)> = HashMap::new();
    let mut ok = true;
    for (path, file) in files {
        if !check_entity_key(scope, path, &file.key, "segment") {
            ok = false;
            continue;
        }
        let Some(id) = scope.segment_index.get(&file.key).copied() else {
            ok = false;
            continue;
        };
        let mut refs = Vec::new();
        let when = match &file.when {
            None => Some(None),
            Some(c) => cond::check(scope, &Loc::new(path).at("when"), c, &mut refs).map(Some),
        };
        for key in file.include.iter().filter(|k| file.exclude.contains(k)) {
            scope.warning(
                Code::DuplicateKey,
                path,
                "/exclude",
                format!("'{key}' is both included and excluded; being included wins, so the exclusion has no effect."),
            );
        }
        refs_by_key.insert(file.key.clone(), (path.clone(), refs));
        match when {
            Some(when) => {
                resolved[id] = Some(checked::Segment {
                    key: file.key.clone(),
                    name: file.name.clone(),
                    include: file.include.clone(),
                    exclude: file.exclude.clone(),
                    when,
                });
            }
            None => ok = false,
        }
    }
    if report_cycles(scope, &refs_by_key) {
        ok = false;
    }
    if !ok {
        return None;
    }
    resolved.into_iter().collect()
}

/// Reports each cycle once, at the file of its alphabetically first segment; true if any.
fn report_cycles(scope: &mut Scope<'_>, refs: &HashMap<String, (String, Vec<String>)>) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    fn visit(
        key: &str,
        refs: &HashMap<String, (String, Vec<String>)>,
        marks: &mut HashMap<String, Mark>,
        stack: &mut Vec<String>,
        cycles: &mut Vec<Vec<String>>,
    ) {
        match marks.get(key) {
            Some(Mark::Done) => return,
            Some(Mark::Visiting) => {
                if let Some(start) = stack.iter().position(|k| k == key) {
                    cycles.push(stack[start..].to_vec());
                }
                return;
            }
            None => {}
        }
        marks.insert(key.to_owned(), Mark::Visiting);
        stack.push(key.to_owned());
        if let Some((_, next)) = refs.get(key) {
            for n in next {
                visit(n, refs, marks, stack, cycles);
            }
        }
        stack.pop();
        marks.insert(key.to_owned(), Mark::Done);
    }
    let mut keys: Vec<&String> = refs.keys().collect();
    keys.sort();
    let mut marks = HashMap::new();
    let mut cycles = Vec::new();
    for key in keys {
        visit(key, refs, &mut marks, &mut Vec::new(), &mut cycles);
    }
    for cycle in &cycles {
        let Some(first) = cycle.iter().min() else {
            continue;
        };
        let Some((path, _)) = refs.get(first) else {
            continue;
        };
        let start = cycle.iter().position(|k| k == first).unwrap_or(0);
        let mut names: Vec<&str> = cycle[start..]
            .iter()
            .chain(&cycle[..start])
            .map(String::as_str)
            .collect();
        names.push(first);
        let path = path.clone();
        scope.error(
            Code::SegmentCycle,
            &path,
            "/when",
            format!(
                "Segments refer to each other in a circle ({}), so none of them can be decided.",
                names.join(" → ")
            ),
        );
    }
    !cycles.is_empty()
}
