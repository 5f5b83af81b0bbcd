//! The two sides a preview compares: the published project (the last synced base) and the
//! project with every draft applied. Drafts are kept apart from the published snapshot
//! ([`Drafts`]) so that nothing copies a 10,000-flag project; each side resolves only the
//! flags it is asked about (plus the project and every segment, which flags need).

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::checked::{self, FlagId};
use crate::model::{Condition, FlagFile, ProjectFile, SegmentFile};
use crate::sync_plan::{EntityId, Snapshot};
use crate::validate::{self, Loaded};

/// What drafts change on top of a published snapshot: the entities they save (decoded) and the
/// ones they delete.
#[derive(Debug, Clone, Default)]
pub struct Drafts {
    pub saved: Snapshot,
    pub deleted: BTreeSet<EntityId>,
}

impl Drafts {
    fn project<'a>(&'a self, base: &'a Snapshot) -> Option<&'a ProjectFile> {
        if self.deleted.contains(&EntityId::Project) {
            return None;
        }
        self.saved.project.as_ref().or(base.project.as_ref())
    }

    /// The flag as the drafts leave it.
    pub fn flag<'a>(&'a self, base: &'a Snapshot, key: &str) -> Option<&'a FlagFile> {
        if self.deleted.contains(&EntityId::Flag(key.to_owned())) {
            return None;
        }
        self.saved.flags.get(key).or_else(|| base.flags.get(key))
    }

    fn segments<'a>(
        &'a self,
        base: &'a Snapshot,
    ) -> impl Iterator<Item = (&'a String, &'a SegmentFile)> + 'a {
        let kept = base.segments.iter().filter(|(key, _)| {
            !self.saved.segments.contains_key(*key)
                && !self.deleted.contains(&EntityId::Segment((*key).clone()))
        });
        kept.chain(self.saved.segments.iter())
    }

    /// Every flag key as the drafts leave them, sorted.
    pub fn flag_keys(&self, base: &Snapshot) -> BTreeSet<String> {
        base.flags
            .keys()
            .chain(self.saved.flags.keys())
            .filter(|key| !self.deleted.contains(&EntityId::Flag((*key).clone())))
            .cloned()
            .collect()
    }
}

/// Which flags' evaluation inputs the drafts change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affected {
    /// The project file changed (attributes, environments, `bucketBy`): every flag.
    All,
    Flags(HashSet<String>),
}

impl Affected {
    pub fn contains(&self, key: &str) -> bool {
        match self {
            Affected::All => true,
            Affected::Flags(keys) => keys.contains(key),
        }
    }
}

/// The flags whose file a draft changes or deletes, and the flags whose rules reach (through
/// nested segments too) a segment a draft changes or deletes.
pub fn affected_flags(base: &Snapshot, drafts: &Drafts) -> Affected {
    let project_changed = drafts.deleted.contains(&EntityId::Project)
        || drafts
            .saved
            .project
            .as_ref()
            .is_some_and(|p| Some(p) != base.project.as_ref());
    if project_changed {
        return Affected::All;
    }
    let mut flags: HashSet<String> = HashSet::new();
    let mut segments: HashSet<String> = HashSet::new();
    for id in &drafts.deleted {
        match id {
            EntityId::Flag(key) => {
                flags.insert(key.clone());
            }
            EntityId::Segment(key) => {
                segments.insert(key.clone());
            }
            _ => {}
        }
    }
    for (key, flag) in &drafts.saved.flags {
        if base.flags.get(key) != Some(flag) {
            flags.insert(key.clone());
        }
    }
    for (key, segment) in &drafts.saved.segments {
        if base.segments.get(key) != Some(segment) {
            segments.insert(key.clone());
        }
    }
    if segments.is_empty() {
        return Affected::Flags(flags);
    }
    let reaching = segments_reaching(base, drafts, segments);
    let flag_sides = base
        .flags
        .iter()
        .chain(drafts.saved.flags.iter())
        .filter(|(key, _)| !flags.contains(*key));
    let mut more = Vec::new();
    for (key, flag) in flag_sides {
        if flag_conditions(flag).any(|c| mentions_segment(c, &reaching)) {
            more.push(key.clone());
        }
    }
    flags.extend(more);
    Affected::Flags(flags)
}

/// `changed` and every segment (before or after the drafts) that reaches one of them.
fn segments_reaching(
    base: &Snapshot,
    drafts: &Drafts,
    mut changed: HashSet<String>,
) -> HashSet<String> {
    let all: Vec<(&String, &SegmentFile)> = base
        .segments
        .iter()
        .chain(drafts.saved.segments.iter())
        .collect();
    // Segments nest acyclically, so this ends after at most one pass per nesting level.
    loop {
        let before = changed.len();
        for (key, segment) in &all {
            if !changed.contains(*key)
                && segment
                    .when
                    .as_ref()
                    .is_some_and(|c| mentions_segment(c, &changed))
            {
                changed.insert((*key).clone());
            }
        }
        if changed.len() == before {
            return changed;
        }
    }
}

fn flag_conditions(flag: &FlagFile) -> impl Iterator<Item = &Condition> {
    flag.environments
        .values()
        .flat_map(|env| env.rules.iter())
        .filter_map(|rule| rule.when.as_ref())
}

fn mentions_segment(c: &Condition, keys: &HashSet<String>) -> bool {
    c.segment.as_ref().is_some_and(|s| keys.contains(s))
        || c.all.iter().flatten().any(|c| mentions_segment(c, keys))
        || c.any.iter().flatten().any(|c| mentions_segment(c, keys))
        || c.not.as_ref().is_some_and(|c| mentions_segment(c, keys))
}

/// One side, resolved: the project (with the flags asked about that are valid), or why there
/// is none; and, per flag left out, its first problem.
#[derive(Debug)]
pub struct Side {
    pub project: Option<checked::Project>,
    /// Why there is no project (a problem in `flagdeck.json` or a segment).
    pub problem: Option<String>,
    pub flag_problems: HashMap<String, String>,
    /// The project's `bucketBy` (default `targetingKey`), for the rebucketing triggers.
    pub bucket_by: String,
}

/// A flag looked up on one side.
pub enum FlagOnSide<'a> {
    Found(&'a checked::Project, FlagId),
    /// The flag is not in this side (new in a draft, or deleted by one).
    Missing,
    /// The flag (or the whole side) has a problem that keeps it from being evaluated.
    Problem(&'a str),
}

impl Side {
    pub fn flag(&self, key: &str) -> FlagOnSide<'_> {
        if let Some(problem) = &self.problem {
            return FlagOnSide::Problem(problem);
        }
        if let Some(problem) = self.flag_problems.get(key) {
            return FlagOnSide::Problem(problem);
        }
        match &self.project {
            Some(project) => match project.flag_id(key) {
                Some(id) => FlagOnSide::Found(project, id),
                None => FlagOnSide::Missing,
            },
            None => FlagOnSide::Missing,
        }
    }
}

/// The published side with the flags `keys` (all when `None`).
pub fn published(base: &Snapshot, keys: Option<&BTreeSet<String>>) -> Side {
    let flags = base
        .flags
        .iter()
        .filter(|(key, _)| keys.is_none_or(|keys| keys.contains(*key)));
    resolve(
        "published",
        base.project.as_ref(),
        base.segments.iter(),
        flags,
    )
}

/// The side with every draft applied, with the flags `keys` (all when `None`).
pub fn drafted(base: &Snapshot, drafts: &Drafts, keys: Option<&BTreeSet<String>>) -> Side {
    let all = drafts.flag_keys(base);
    let flags = all
        .iter()
        .filter(|key| keys.is_none_or(|keys| keys.contains(*key)))
        .filter_map(|key| Some((key, drafts.flag(base, key)?)));
    resolve(
        "drafted",
        drafts.project(base),
        drafts.segments(base),
        flags,
    )
}

fn resolve<'a>(
    which: &str,
    project: Option<&ProjectFile>,
    segments: impl Iterator<Item = (&'a String, &'a SegmentFile)>,
    flags: impl Iterator<Item = (&'a String, &'a FlagFile)>,
) -> Side {
    let bucket_by = project
        .and_then(|p| p.bucket_by.clone())
        .unwrap_or_else(|| "targetingKey".to_owned());
    let loaded = Loaded {
        project: project.cloned(),
        flags: flags
            .map(|(key, f)| (EntityId::Flag(key.clone()).path(), f.clone()))
            .collect(),
        segments: segments
            .map(|(key, s)| (EntityId::Segment(key.clone()).path(), s.clone()))
            .collect(),
        ..Loaded::default()
    };
    let mut loaded = loaded;
    loaded.flags.sort_by(|a, b| a.0.cmp(&b.0));
    loaded.segments.sort_by(|a, b| a.0.cmp(&b.0));
    let mut diagnostics = Vec::new();
    let project = validate::check_owned(loaded, &mut diagnostics);
    let mut flag_problems = HashMap::new();
    let mut problem = None;
    for d in diagnostics.iter().filter(|d| d.is_error()) {
        match EntityId::of_path(&d.file) {
            Some(EntityId::Flag(key)) => {
                flag_problems.entry(key).or_insert_with(|| {
                    format!("The {which} flag has a problem ({}): {}", d.file, d.message)
                });
            }
            _ => {
                problem.get_or_insert_with(|| {
                    format!(
                        "The {which} project has a problem in {}: {}",
                        d.file, d.message
                    )
                });
            }
        }
    }
    if problem.is_none() && project.is_none() {
        problem = Some(format!("The {which} project has no flagdeck.json."));
    }
    Side {
        project: if problem.is_some() { None } else { project },
        problem,
        flag_problems,
        bucket_by,
    }
}
