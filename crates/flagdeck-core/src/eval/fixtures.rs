//! Building [`Project`]s by hand for tests: shapes that validation would refuse (dangling ids,
//! cycles) and IR-level cases without writing files.

use std::collections::HashMap;

use serde_json::Value;

use crate::checked::{
    Cond, EnvId, Environment, Flag, FlagEnv, FlagId, FlagVariation, Leaf, Op, Phase, Project,
    Rollout, Rule, Segment, SegmentId, ServePlan, Target, VariationId,
};
use crate::model::{AttributeType, FlagType};

/// A project under construction.
pub struct ProjectBuilder {
    project: Project,
}

impl ProjectBuilder {
    /// A project with these environments (ids in order).
    pub fn new(envs: &[&str]) -> Self {
        let environments: Vec<Environment> = envs
            .iter()
            .map(|k| Environment {
                key: (*k).to_owned(),
                name: capitalize(k),
            })
            .collect();
        let env_index = envs
            .iter()
            .enumerate()
            .map(|(i, k)| ((*k).to_owned(), i))
            .collect();
        Self {
            project: Project {
                name: "Test".to_owned(),
                environments,
                attributes: Vec::new(),
                segments: Vec::new(),
                flags: Vec::new(),
                env_index,
                flag_index: HashMap::new(),
                segment_index: HashMap::new(),
            },
        }
    }

    pub fn segment(
        &mut self,
        key: &str,
        include: &[&str],
        exclude: &[&str],
        when: Option<Cond>,
    ) -> SegmentId {
        let id = self.project.segments.len();
        self.project.segments.push(Segment {
            key: key.to_owned(),
            name: capitalize(key),
            include: include.iter().map(|s| (*s).to_owned()).collect(),
            exclude: exclude.iter().map(|s| (*s).to_owned()).collect(),
            when,
        });
        self.project.segment_index.insert(key.to_owned(), id);
        id
    }

    /// A flag with these variations, configured in no environment yet.
    pub fn flag(&mut self, key: &str, kind: FlagType, variations: Vec<(&str, Value)>) -> FlagId {
        let id = self.project.flags.len();
        self.project.flags.push(Flag {
            key: key.to_owned(),
            name: capitalize(key),
            kind,
            variations: variations
                .into_iter()
                .map(|(k, value)| FlagVariation {
                    key: k.to_owned(),
                    value,
                })
                .collect(),
            envs: vec![None; self.project.environments.len()],
        });
        self.project.flag_index.insert(key.to_owned(), id);
        id
    }

    /// A boolean flag with variations `on` (0, true) and `off` (1, false).
    pub fn bool_flag(&mut self, key: &str) -> FlagId {
        self.flag(
            key,
            FlagType::Boolean,
            vec![("on", Value::Bool(true)), ("off", Value::Bool(false))],
        )
    }

    pub fn configure(&mut self, flag: FlagId, env: EnvId, config: FlagEnv) {
        if let Some(slot) = self
            .project
            .flags
            .get_mut(flag)
            .and_then(|f| f.envs.get_mut(env))
        {
            *slot = Some(config);
        }
    }

    /// Mutable access for what the helpers do not cover (e.g. a cycle of segments).
    pub fn project_mut(&mut self) -> &mut Project {
        &mut self.project
    }

    pub fn build(self) -> Project {
        self.project
    }
}

fn capitalize(key: &str) -> String {
    let mut chars = key.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A flag environment with one enabled phase (no schedule).
pub fn flag_env(
    off: Option<VariationId>,
    targets: Vec<(VariationId, Vec<&str>)>,
    rules: Vec<(Rule, ServePlan)>,
    fallthrough: ServePlan,
) -> FlagEnv {
    let (rules, rule_serves): (Vec<Rule>, Vec<ServePlan>) = rules.into_iter().unzip();
    let targets: Vec<Target> = targets
        .into_iter()
        .map(|(variation, keys)| Target {
            variation,
            keys: keys.into_iter().map(str::to_owned).collect(),
        })
        .collect();
    let target_lookup = targets
        .iter()
        .flat_map(|t| t.keys.iter().map(|k| (k.clone(), t.variation)))
        .collect();
    FlagEnv {
        off_variation: off,
        targets,
        target_lookup,
        rules,
        timeline: vec![Phase {
            start: i64::MIN,
            step: None,
            enabled: true,
            fallthrough,
            rule_serves,
        }],
    }
}

/// Add a schedule phase from `start` on (phases must be added in time order).
pub fn add_phase(
    env: &mut FlagEnv,
    start: i64,
    enabled: bool,
    fallthrough: ServePlan,
    rule_serves: Vec<ServePlan>,
) {
    let step = env.timeline.len() - 1;
    env.timeline.push(Phase {
        start,
        step: Some(step),
        enabled,
        fallthrough,
        rule_serves,
    });
}

pub fn rule(id: &str, when: Option<Cond>) -> Rule {
    Rule {
        id: id.to_owned(),
        name: capitalize(id),
        when,
    }
}

/// A leaf whose attribute type follows from its operator.
pub fn leaf(attribute: &str, op: Op) -> Cond {
    let kind = match &op {
        Op::NumEquals(_)
        | Op::NumNotEquals(_)
        | Op::NumIn(_)
        | Op::NumNotIn(_)
        | Op::Lt(_)
        | Op::Lte(_)
        | Op::Gt(_)
        | Op::Gte(_) => AttributeType::Number,
        Op::IsTrue | Op::IsFalse => AttributeType::Boolean,
        Op::Semver(..) => AttributeType::Semver,
        Op::Before(_) | Op::After(_) => AttributeType::Datetime,
        _ => AttributeType::String,
    };
    Cond::Leaf(Leaf {
        attribute: attribute.to_owned(),
        kind,
        op,
    })
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A rollout; weights in thousandths of a percent.
pub fn rollout(buckets: &[(VariationId, u32)], bucket_by: &str) -> ServePlan {
    ServePlan::Rollout(Rollout {
        buckets: buckets.to_vec(),
        bucket_by: bucket_by.to_owned(),
    })
}

/// The benchmark's project (benches/eval.rs builds the same from files): a flag with three rules
/// over segments (env 0, flag 0), and a flag whose fallthrough is a 20/80 rollout (flag 1).
pub fn bench_project() -> Project {
    let mut b = ProjectBuilder::new(&["production"]);
    let beta = b.segment(
        "beta-testers",
        &["user-1"],
        &["user-9"],
        Some(Cond::Any(vec![
            leaf("beta", Op::IsTrue),
            leaf("plan", Op::StrIn(strings(&["pro"]))),
        ])),
    );
    let eu = b.segment(
        "eu-adults",
        &[],
        &[],
        Some(Cond::All(vec![
            leaf("country", Op::StrIn(strings(&["DE", "FR", "IT"]))),
            leaf("age", Op::Gte(18.0)),
        ])),
    );
    let version = crate::semver::parse_strict("2.0.0").unwrap_or_else(|| crate::semver::Version {
        major: 2,
        minor: 0,
        patch: 0,
        pre: Vec::new(),
    });
    let new_app = b.segment(
        "new-app",
        &[],
        &[],
        Some(leaf(
            "appVersion",
            Op::Semver(crate::checked::SemverOp::Gte, version),
        )),
    );
    let rules_flag = b.bool_flag("three-rules");
    let rules = vec![
        (
            rule("beta", Some(Cond::Segment(beta))),
            ServePlan::Variation(0),
        ),
        (
            rule("eu", Some(Cond::Segment(eu))),
            rollout(&[(0, 20_000), (1, 80_000)], "targetingKey"),
        ),
        (
            rule("new-app", Some(Cond::Segment(new_app))),
            ServePlan::Variation(0),
        ),
    ];
    b.configure(
        rules_flag,
        0,
        flag_env(Some(1), vec![], rules, ServePlan::Variation(1)),
    );
    let rollout_flag = b.bool_flag("rollout");
    b.configure(
        rollout_flag,
        0,
        flag_env(
            Some(1),
            vec![],
            vec![],
            rollout(&[(0, 20_000), (1, 80_000)], "targetingKey"),
        ),
    );
    b.build()
}
