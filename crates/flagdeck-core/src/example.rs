//! The example project that `flagdeck init --example` writes: a small web shop with three
//! environments, flags of every type, nested segments, a rollout schedule and a ramp, and
//! personas (saved contexts) that the flags treat differently.
//!
//! It doubles as a fixture: it uses every operator of DESIGN §3, so that validation, evaluation,
//! the compiler and the JSON Schemas all see every shape of the format at least once.

use indexmap::IndexMap;
use serde_json::{Number, Value, json};

use crate::format::{SourceFile, to_canonical_json};
use crate::model::{
    AttributeDef, AttributeType, Condition, EnvironmentDef, FORMAT_VERSION, FlagEnvironment,
    FlagFile, FlagType, FreezeDef, PersonaFile, ProjectFile, Ramp, Rule, RuleOverride,
    ScheduleStep, SegmentFile, Serve, Target, Variation, WeightedVariation,
};

/// Every file of the example project, in canonical form: `flagdeck.json`, then segments, then
/// flags, then personas.
pub fn example_project() -> Vec<SourceFile> {
    let mut files = vec![SourceFile::new(
        "flagdeck.json",
        to_canonical_json(&project()),
    )];
    for segment in segments() {
        files.push(SourceFile::new(
            format!("segments/{}.json", segment.key),
            to_canonical_json(&segment),
        ));
    }
    for flag in flags() {
        files.push(SourceFile::new(
            format!("flags/{}.json", flag.key),
            to_canonical_json(&flag),
        ));
    }
    for persona in personas() {
        files.push(SourceFile::new(
            format!("personas/{}.json", persona.key),
            to_canonical_json(&persona),
        ));
    }
    files
}

// ---------------------------------------------------------------------------------------------
// Personas

/// People to preview the shop as. Chosen so that the flags serve them differently: a paying
/// customer in the EU (beta tester, EU colour test), a free customer in the US (the plain
/// shop), a member of staff (targeted by QA rules) and an early adopter on the mobile app.
fn personas() -> Vec<PersonaFile> {
    vec![
        persona(
            "anna-de-pro",
            "Anna (Germany, Pro)",
            "A paying customer in the EU: a beta tester by plan",
            json!({"targetingKey": "user-1001", "email": "anna@example.de", "country": "DE",
                   "plan": "pro", "age": 34, "beta": false, "signupAt": 1_741_996_800}),
        ),
        persona(
            "bob-us-free",
            "Bob (US, Free)",
            "A free customer in the US who signed up after the summer campaign",
            json!({"targetingKey": "user-100", "email": "bob@example.com", "country": "US",
                   "plan": "free", "age": 27, "signupAt": 1_782_864_000}),
        ),
        persona(
            "qa-tester",
            "QA tester",
            "Acme's own QA account: internal staff, targeted by key",
            json!({"targetingKey": "qa-1", "email": "qa@acme.example", "country": "FR",
                   "plan": "enterprise", "companyId": "acme"}),
        ),
        persona(
            "kenji-jp-mobile",
            "Kenji (Japan, mobile beta)",
            "Opted into beta on app version 2.3: an early adopter",
            json!({"targetingKey": "user-2002", "country": "JP", "plan": "free", "beta": true,
                   "appVersion": "2.3.0", "companyId": "kaisha-7"}),
        ),
    ]
}

fn persona(key: &str, name: &str, description: &str, context: Value) -> PersonaFile {
    PersonaFile {
        key: key.into(),
        name: name.into(),
        description: Some(description.into()),
        context: match context {
            Value::Object(map) => map.into_iter().collect(),
            _ => IndexMap::new(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// flagdeck.json

fn project() -> ProjectFile {
    ProjectFile {
        format: FORMAT_VERSION,
        name: "Acme Shop".into(),
        bucket_by: Some("targetingKey".into()),
        environments: vec![
            environment(
                "development",
                "Development",
                "Local machines and preview builds",
            ),
            environment("staging", "Staging", "The release candidate, used by QA"),
            environment("production", "Production", "What customers see"),
        ],
        attributes: vec![
            attribute(
                "targetingKey",
                AttributeType::String,
                "Stable user id",
                None,
            ),
            attribute(
                "email",
                AttributeType::String,
                "The user's e-mail address",
                None,
            ),
            attribute(
                "country",
                AttributeType::String,
                "ISO 3166 country code",
                Some(&["DE", "FR", "ES", "US", "JP"]),
            ),
            attribute(
                "plan",
                AttributeType::String,
                "Subscription plan",
                Some(&["free", "pro", "enterprise"]),
            ),
            attribute(
                "companyId",
                AttributeType::String,
                "The customer account the user belongs to",
                None,
            ),
            attribute(
                "appVersion",
                AttributeType::Semver,
                "Version of the mobile app",
                None,
            ),
            attribute("age", AttributeType::Number, "Age in years", None),
            attribute(
                "beta",
                AttributeType::Boolean,
                "Opted into beta features",
                None,
            ),
            attribute("signupAt", AttributeType::Datetime, "Unix seconds", None),
        ],
        freezes: vec![FreezeDef {
            // Catches legacy-export's step of 1 Mar 2027: the calendar warns about it.
            name: "Spring sale".into(),
            from: "2027-03-01T00:00:00Z".into(),
            to: "2027-03-03T00:00:00Z".into(),
            environments: strings(&["production"]),
        }],
    }
}

fn environment(key: &str, name: &str, description: &str) -> EnvironmentDef {
    EnvironmentDef {
        key: key.into(),
        name: name.into(),
        description: Some(description.into()),
    }
}

fn attribute(
    key: &str,
    kind: AttributeType,
    description: &str,
    values: Option<&[&str]>,
) -> AttributeDef {
    AttributeDef {
        key: key.into(),
        kind,
        description: Some(description.into()),
        values: values.map(|vs| vs.iter().map(|v| Value::from(*v)).collect()),
    }
}

// ---------------------------------------------------------------------------------------------
// Segments

fn segments() -> Vec<SegmentFile> {
    vec![
        segment(
            "beta-testers",
            "Beta testers",
            "Opted into beta, or on a paid plan",
            Some(any(vec![
                is("beta", "is_true"),
                one_of("plan", "in", &["pro", "enterprise"]),
            ])),
            &["user-1", "user-2"],
            &["user-9"],
        ),
        segment(
            "early-adopters",
            "Early adopters",
            "Beta testers on app version 2 or later",
            Some(all(vec![
                in_segment("beta-testers"),
                compare("appVersion", "semver_gte", json!("2.0.0")),
            ])),
            &[],
            &[],
        ),
        segment(
            "eu-customers",
            "EU customers",
            "Customers in the European Union",
            Some(one_of("country", "in", &["DE", "FR", "ES", "IT", "NL"])),
            &[],
            &[],
        ),
        segment(
            "internal-staff",
            "Internal staff",
            "Everyone with an Acme e-mail address",
            Some(compare("email", "ends_with", json!("@acme.example"))),
            &["qa-1", "qa-2"],
            &[],
        ),
        segment(
            "new-signups",
            "New sign-ups",
            "Signed up after the summer campaign, and not staff",
            Some(all(vec![
                compare("signupAt", "after", json!("2026-06-01T00:00:00Z")),
                not(in_segment("internal-staff")),
            ])),
            &[],
            &[],
        ),
        segment(
            "vip-accounts",
            "VIP accounts",
            "Hand-picked accounts, by user id",
            None,
            &["user-42", "user-77"],
            &[],
        ),
    ]
}

fn segment(
    key: &str,
    name: &str,
    description: &str,
    when: Option<Condition>,
    include: &[&str],
    exclude: &[&str],
) -> SegmentFile {
    SegmentFile {
        key: key.into(),
        name: name.into(),
        description: Some(description.into()),
        when,
        include: strings(include),
        exclude: strings(exclude),
    }
}

// ---------------------------------------------------------------------------------------------
// Flags

fn flags() -> Vec<FlagFile> {
    vec![
        new_checkout(),
        banner_color(),
        hero_image(),
        max_cart_items(),
        pricing_table(),
        team_workspaces(),
        search_algorithm(),
        free_shipping_threshold(),
        onboarding_tour(),
        recommendations_widget(),
        promo_code_field(),
        legacy_export(),
        maintenance_banner(),
        mobile_payments(),
    ]
}

/// The checkout redesign, rolled out 5% → 25% → 100% in production.
fn new_checkout() -> FlagFile {
    let mut flag = flag(
        "new-checkout",
        "New checkout",
        "Single-page checkout redesign",
        FlagType::Boolean,
        "alice",
    );
    flag.tags = strings(&["checkout", "redesign"]);
    flag.variations = on_off();
    let mut production = env(Serve::variation("off"), Some("off"));
    production.targets = vec![target("on", &["qa-1", "qa-2"])];
    production.rules = vec![
        rule(
            "staff",
            "Internal staff",
            Some(in_segment("internal-staff")),
            Serve::variation("on"),
        ),
        rule(
            "eu",
            "EU customers",
            Some(in_segment("eu-customers")),
            rollout(&[("on", weight_int(20)), ("off", weight_int(80))], None),
        ),
    ];
    production.schedule = vec![
        step_fallthrough(
            "2026-12-01T09:00:00Z",
            rollout(&[("on", weight_int(5)), ("off", weight_int(95))], None),
        ),
        step_fallthrough(
            "2026-12-03T09:00:00Z",
            rollout(&[("on", weight_int(25)), ("off", weight_int(75))], None),
        ),
        step_fallthrough("2026-12-08T09:00:00Z", Serve::variation("on")),
    ];
    flag.environments = envs(vec![
        ("development", env(Serve::variation("on"), Some("off"))),
        ("staging", env(Serve::variation("on"), Some("off"))),
        ("production", production),
    ]);
    flag
}

/// Designers' favourite: hex colours, previewed as swatches.
fn banner_color() -> FlagFile {
    let mut flag = flag(
        "banner-color",
        "Banner colour",
        "Colour of the promotion banner",
        FlagType::String,
        "dana",
    );
    flag.tags = strings(&["design", "marketing"]);
    flag.variations = vec![
        variation("orange", "Sunset orange", json!("#ff6b35")),
        variation("blue", "Ocean blue", json!("#1e88e5")),
        variation("green", "Fresh green", json!("#43a047")),
    ];
    let mut production = env(Serve::variation("blue"), Some("blue"));
    production.rules = vec![rule(
        "eu-test",
        "Colour test in the EU",
        Some(one_of("country", "in", &["DE", "FR", "ES"])),
        rollout(
            &[
                ("orange", weight_dec(33.334)),
                ("blue", weight_dec(33.333)),
                ("green", weight_dec(33.333)),
            ],
            None,
        ),
    )];
    flag.environments = envs(vec![
        ("development", env(Serve::variation("orange"), Some("blue"))),
        ("staging", env(Serve::variation("orange"), Some("blue"))),
        ("production", production),
    ]);
    flag
}

/// Image URLs, previewed as images.
fn hero_image() -> FlagFile {
    let mut flag = flag(
        "hero-image",
        "Hero image",
        "The image at the top of the home page",
        FlagType::String,
        "dana",
    );
    flag.tags = strings(&["design"]);
    flag.variations = vec![
        variation(
            "summer",
            "Summer",
            json!("https://cdn.acme.example/hero/summer-2026.jpg"),
        ),
        variation(
            "winter",
            "Winter",
            json!("https://cdn.acme.example/hero/winter-2026.jpg"),
        ),
        variation(
            "holiday",
            "Holiday sale",
            json!("https://cdn.acme.example/hero/holiday-sale.webp"),
        ),
    ];
    let mut production = env(Serve::variation("summer"), Some("summer"));
    production.rules = vec![rule(
        "japan",
        "Japan gets its own campaign",
        Some(compare("country", "equals", json!("JP"))),
        Serve::variation("winter"),
    )];
    production.schedule = vec![
        ScheduleStep {
            fallthrough: Some(Serve::variation("holiday")),
            rules: overrides(vec![("japan", Serve::variation("holiday"))]),
            ..step("2026-12-20T00:00:00Z")
        },
        step_fallthrough("2027-01-07T00:00:00Z", Serve::variation("winter")),
    ];
    flag.environments = envs(vec![
        (
            "development",
            env(Serve::variation("holiday"), Some("summer")),
        ),
        ("staging", env(Serve::variation("holiday"), Some("summer"))),
        ("production", production),
    ]);
    flag
}

fn max_cart_items() -> FlagFile {
    let mut flag = flag(
        "max-cart-items",
        "Maximum cart items",
        "How many items fit into one cart",
        FlagType::Number,
        "bob",
    );
    flag.tags = strings(&["checkout", "limits"]);
    flag.variations = vec![
        variation("small", "10 items", json!(10)),
        variation("medium", "25 items", json!(25)),
        variation("large", "50 items", json!(50)),
    ];
    let rules = vec![
        rule(
            "enterprise",
            "Enterprise plan",
            Some(compare("plan", "equals", json!("enterprise"))),
            Serve::variation("large"),
        ),
        rule(
            "minors",
            "Under 18",
            Some(compare("age", "lt", json!(18))),
            Serve::variation("small"),
        ),
        rule(
            "adults",
            "18 and over",
            Some(compare("age", "gte", json!(18))),
            Serve::variation("medium"),
        ),
    ];
    let mut production = env(Serve::variation("small"), Some("small"));
    production.rules = rules.clone();
    let mut staging = env(Serve::variation("medium"), Some("small"));
    staging.rules = rules;
    flag.environments = envs(vec![
        ("development", env(Serve::variation("large"), Some("small"))),
        ("staging", staging),
        ("production", production),
    ]);
    flag
}

/// A structured value, previewed as a table.
fn pricing_table() -> FlagFile {
    let mut flag = flag(
        "pricing-table",
        "Pricing table",
        "Plans shown on the pricing page",
        FlagType::Object,
        "erin",
    );
    flag.tags = strings(&["pricing", "marketing"]);
    flag.variations = vec![
        variation(
            "classic",
            "Classic",
            json!({"currency": "EUR", "highlight": "pro", "plans": [
                {"key": "free", "price": 0},
                {"key": "pro", "price": 19},
                {"key": "enterprise", "price": 99}
            ]}),
        ),
        variation(
            "annual",
            "Annual discount",
            json!({"currency": "EUR", "highlight": "pro", "billing": "annual", "discountPercent": 20, "plans": [
                {"key": "free", "price": 0},
                {"key": "pro", "price": 15.2},
                {"key": "enterprise", "price": 79.2}
            ]}),
        ),
    ];
    let mut production = env(Serve::variation("classic"), Some("classic"));
    production.rules = vec![
        rule(
            "outside-us",
            "Outside the United States",
            Some(compare("country", "not_equals", json!("US"))),
            Serve::variation("classic"),
        ),
        rule(
            "test",
            "Annual billing test",
            None,
            rollout(
                &[("classic", weight_dec(87.5)), ("annual", weight_dec(12.5))],
                Some("companyId"),
            ),
        ),
    ];
    flag.environments = envs(vec![
        (
            "development",
            env(Serve::variation("annual"), Some("classic")),
        ),
        ("staging", env(Serve::variation("annual"), Some("classic"))),
        ("production", production),
    ]);
    flag
}

/// Bucketed by company, so that colleagues share one experience.
fn team_workspaces() -> FlagFile {
    let mut flag = flag(
        "team-workspaces",
        "Team workspaces",
        "Shared workspaces for whole companies",
        FlagType::Boolean,
        "carol",
    );
    flag.tags = strings(&["collaboration"]);
    flag.variations = on_off();
    let mut production = env(Serve::variation("off"), Some("off"));
    production.rules = vec![
        rule(
            "no-company",
            "Users without a company",
            Some(compare("companyId", "not_exists", Value::Null)),
            Serve::variation("off"),
        ),
        rule(
            "companies",
            "Companies",
            Some(compare("companyId", "exists", Value::Null)),
            rollout(
                &[("on", weight_int(10)), ("off", weight_int(90))],
                Some("companyId"),
            ),
        ),
    ];
    production.schedule = vec![ScheduleStep {
        rules: overrides(vec![(
            "companies",
            rollout(
                &[("on", weight_int(50)), ("off", weight_int(50))],
                Some("companyId"),
            ),
        )]),
        ..step("2027-02-01T08:00:00Z")
    }];
    flag.environments = envs(vec![
        ("staging", env(Serve::variation("on"), Some("off"))),
        ("production", production),
    ]);
    flag
}

/// A ramp: semantic search moves from 0% to 100% over one week.
fn search_algorithm() -> FlagFile {
    let mut flag = flag(
        "search-algorithm",
        "Search algorithm",
        "Which engine answers searches",
        FlagType::String,
        "frank",
    );
    flag.tags = strings(&["search"]);
    flag.variations = vec![
        variation("classic", "Keyword search", json!("classic")),
        variation("semantic", "Semantic search", json!("semantic")),
    ];
    let mut production = env(Serve::variation("classic"), Some("classic"));
    production.rules = vec![rule(
        "early-adopters",
        "Early adopters",
        Some(in_segment("early-adopters")),
        Serve::variation("semantic"),
    )];
    let ramp = Serve {
        ramp: Some(Ramp {
            from: "2027-01-11T09:00:00Z".into(),
            to: "2027-01-18T09:00:00Z".into(),
            variation: "semantic".into(),
            from_weight: weight_int(0),
            to_weight: weight_int(100),
        }),
        ..Serve::default()
    };
    production.schedule = vec![step_fallthrough("2027-01-11T09:00:00Z", ramp)];
    flag.environments = envs(vec![
        (
            "development",
            env(Serve::variation("semantic"), Some("classic")),
        ),
        (
            "staging",
            env(Serve::variation("semantic"), Some("classic")),
        ),
        ("production", production),
    ]);
    flag
}

fn free_shipping_threshold() -> FlagFile {
    let mut flag = flag(
        "free-shipping-threshold",
        "Free shipping threshold",
        "Order value in euros from which shipping is free",
        FlagType::Number,
        "bob",
    );
    flag.tags = strings(&["checkout", "pricing"]);
    flag.variations = vec![
        variation("standard", "49 €", json!(49)),
        variation("reduced", "29.90 €", json!(29.9)),
        variation("free", "Always free", json!(0)),
    ];
    let mut production = env(Serve::variation("standard"), Some("standard"));
    production.rules = vec![
        rule(
            "loyal",
            "Customers since before 2025",
            Some(compare("signupAt", "before", json!("2025-01-01T00:00:00Z"))),
            Serve::variation("reduced"),
        ),
        rule(
            "seniors",
            "Seniors, except two test ages",
            Some(all(vec![
                compare("age", "gt", json!(64)),
                many("age", "not_in", vec![json!(99), json!(100)]),
            ])),
            Serve::variation("reduced"),
        ),
        rule(
            "round-ages",
            "Birthday promotion",
            Some(many("age", "in", vec![json!(30), json!(40), json!(50)])),
            Serve::variation("free"),
        ),
    ];
    production.schedule = vec![
        ScheduleStep {
            fallthrough: Some(Serve::variation("free")),
            ..step("2026-12-24T00:00:00Z")
        },
        ScheduleStep {
            fallthrough: Some(Serve::variation("standard")),
            ..step("2026-12-27T00:00:00Z")
        },
    ];
    flag.environments = envs(vec![
        (
            "staging",
            env(Serve::variation("reduced"), Some("standard")),
        ),
        ("production", production),
    ]);
    flag
}

fn onboarding_tour() -> FlagFile {
    let mut flag = flag(
        "onboarding-tour",
        "Onboarding tour",
        "Guided tour for new users",
        FlagType::Boolean,
        "carol",
    );
    flag.tags = strings(&["growth"]);
    flag.variations = on_off();
    let mut production = env(Serve::variation("off"), Some("off"));
    production.targets = vec![target("on", &["user-42"]), target("off", &["user-9"])];
    production.rules = vec![
        rule(
            "returning",
            "Returning beta users",
            Some(is("beta", "is_false")),
            Serve::variation("off"),
        ),
        rule(
            "new",
            "New sign-ups",
            Some(in_segment("new-signups")),
            Serve::variation("on"),
        ),
    ];
    // Two steps half an hour apart: the calendar warns that they are close.
    production.schedule = vec![
        step_fallthrough(
            "2027-03-08T09:00:00Z",
            rollout(&[("on", weight_int(10)), ("off", weight_int(90))], None),
        ),
        step_fallthrough(
            "2027-03-08T09:30:00Z",
            rollout(&[("on", weight_int(50)), ("off", weight_int(50))], None),
        ),
    ];
    flag.environments = envs(vec![
        ("development", env(Serve::variation("on"), Some("off"))),
        ("staging", env(Serve::variation("on"), Some("off"))),
        ("production", production),
    ]);
    flag
}

fn recommendations_widget() -> FlagFile {
    let mut flag = flag(
        "recommendations-widget",
        "Recommendations widget",
        "Layout of the 'you may also like' block",
        FlagType::Object,
        "frank",
    );
    flag.tags = strings(&["discovery"]);
    flag.variations = vec![
        variation(
            "carousel",
            "Carousel",
            json!({"layout": "carousel", "items": 8, "showPrices": true}),
        ),
        variation(
            "grid",
            "Grid",
            json!({"layout": "grid", "items": 6, "showPrices": true, "columns": 3}),
        ),
        variation(
            "hidden",
            "Hidden",
            json!({"layout": "none", "items": 0, "showPrices": false}),
        ),
    ];
    let mut production = env(Serve::variation("carousel"), Some("hidden"));
    production.rules = vec![
        rule(
            "new-app",
            "App 3.x users",
            Some(all(vec![
                compare("appVersion", "semver_caret", json!("3.0.0")),
                compare("appVersion", "semver_neq", json!("3.0.1")),
            ])),
            Serve::variation("grid"),
        ),
        rule(
            "old-app",
            "Apps older than 2.4",
            Some(any(vec![
                compare("appVersion", "semver_lt", json!("2.4.0")),
                compare("appVersion", "semver_eq", json!("2.4.0-beta.1")),
            ])),
            Serve::variation("hidden"),
        ),
        rule(
            "patched",
            "Patched 2.4 apps",
            Some(all(vec![
                compare("appVersion", "semver_tilde", json!("2.4.0")),
                compare("appVersion", "semver_lte", json!("2.4.9")),
                compare("appVersion", "semver_gt", json!("2.4.1")),
            ])),
            Serve::variation("grid"),
        ),
    ];
    flag.environments = envs(vec![
        ("staging", env(Serve::variation("grid"), Some("hidden"))),
        ("production", production),
    ]);
    flag
}

fn promo_code_field() -> FlagFile {
    let mut flag = flag(
        "promo-code-field",
        "Promo code field",
        "Placeholder text of the promo code field",
        FlagType::String,
        "erin",
    );
    flag.tags = strings(&["checkout", "copy"]);
    flag.variations = vec![
        variation("hidden", "Hidden", json!("")),
        variation("plain", "Plain", json!("Promo code")),
        variation(
            "friendly",
            "Friendly",
            json!("Got a code? Enter it here 🎁"),
        ),
    ];
    let mut production = env(Serve::variation("hidden"), Some("hidden"));
    production.rules = vec![
        rule(
            "partners",
            "Partner companies",
            Some(all(vec![
                compare("companyId", "starts_with", json!("partner-")),
                compare("companyId", "not_contains", json!("test")),
            ])),
            Serve::variation("friendly"),
        ),
        rule(
            "newsletter",
            "Newsletter readers",
            Some(all(vec![
                compare("email", "contains", json!("+newsletter")),
                one_of("plan", "not_in", &["enterprise"]),
            ])),
            Serve::variation("plain"),
        ),
    ];
    flag.environments = envs(vec![
        (
            "development",
            env(Serve::variation("friendly"), Some("hidden")),
        ),
        ("staging", env(Serve::variation("friendly"), Some("hidden"))),
        ("production", production),
    ]);
    flag
}

/// Switched off everywhere but development: the kill switch with an off variation.
fn legacy_export() -> FlagFile {
    let mut flag = flag(
        "legacy-export",
        "Legacy CSV export",
        "The old export, kept for a few customers",
        FlagType::Boolean,
        "bob",
    );
    flag.tags = strings(&["reports", "deprecated"]);
    flag.variations = on_off();
    let mut staging = env(Serve::variation("on"), Some("off"));
    staging.enabled = false;
    let mut production = env(Serve::variation("off"), Some("off"));
    production.targets = vec![target("on", &["user-77"])];
    production.rules = vec![rule(
        "vip",
        "VIP accounts",
        Some(in_segment("vip-accounts")),
        Serve::variation("on"),
    )];
    production.schedule = vec![ScheduleStep {
        enabled: Some(false),
        ..step("2027-03-01T00:00:00Z")
    }];
    flag.environments = envs(vec![
        ("development", env(Serve::variation("on"), Some("off"))),
        ("staging", staging),
        ("production", production),
    ]);
    flag
}

/// Disabled with no off variation: applications use their own code default until it is switched
/// on for a planned maintenance window.
fn maintenance_banner() -> FlagFile {
    let mut flag = flag(
        "maintenance-banner",
        "Maintenance banner",
        "Text of the banner announcing planned maintenance",
        FlagType::String,
        "grace",
    );
    flag.tags = strings(&["operations"]);
    flag.variations = vec![
        variation("none", "No banner", json!("")),
        variation(
            "upcoming",
            "Upcoming",
            json!("Wartung am 2. Januar, 02:00–04:00 Uhr · メンテナンス予定"),
        ),
    ];
    let mut production = env(Serve::variation("upcoming"), None);
    production.enabled = false;
    production.rules = vec![rule(
        "not-staff",
        "Everyone but staff",
        Some(not(in_segment("internal-staff"))),
        Serve::variation("upcoming"),
    )];
    production.schedule = vec![
        ScheduleStep {
            enabled: Some(true),
            ..step("2026-12-31T12:00:00Z")
        },
        ScheduleStep {
            enabled: Some(false),
            ..step("2027-01-02T04:00:00Z")
        },
    ];
    flag.environments = envs(vec![
        (
            "development",
            env(Serve::variation("upcoming"), Some("none")),
        ),
        ("production", production),
    ]);
    flag
}

/// Ramped in a rule: enterprise accounts move to the new payment provider over three days, one
/// company at a time.
fn mobile_payments() -> FlagFile {
    let mut flag = flag(
        "mobile-payments",
        "Mobile payments",
        "Pay with the phone's wallet in the app",
        FlagType::Boolean,
        "alice",
    );
    flag.tags = strings(&["checkout", "mobile"]);
    flag.variations = on_off();
    let enterprise = all(vec![
        compare("plan", "equals", json!("enterprise")),
        compare("companyId", "exists", Value::Null),
        compare("age", "not_equals", json!(0)),
        compare("age", "lte", json!(120)),
        not(compare("age", "equals", json!(42))),
    ]);
    let mut production = env(Serve::variation("off"), Some("off"));
    production.rules = vec![rule(
        "enterprise",
        "Enterprise accounts",
        Some(enterprise),
        Serve::variation("off"),
    )];
    let ramp = Serve {
        ramp: Some(Ramp {
            from: "2027-01-04T09:00:00Z".into(),
            to: "2027-01-07T09:00:00Z".into(),
            variation: "on".into(),
            from_weight: weight_int(10),
            to_weight: weight_int(100),
        }),
        bucket_by: Some("companyId".into()),
        ..Serve::default()
    };
    production.schedule = vec![ScheduleStep {
        rules: overrides(vec![("enterprise", ramp)]),
        ..step("2027-01-04T09:00:00Z")
    }];
    flag.environments = envs(vec![
        ("staging", env(Serve::variation("on"), Some("off"))),
        ("production", production),
    ]);
    flag
}

// ---------------------------------------------------------------------------------------------
// Builders

fn flag(key: &str, name: &str, description: &str, kind: FlagType, owner: &str) -> FlagFile {
    FlagFile {
        key: key.into(),
        name: name.into(),
        description: Some(description.into()),
        kind,
        owner: Some(owner.into()),
        tags: Vec::new(),
        variations: Vec::new(),
        environments: IndexMap::new(),
    }
}

fn on_off() -> Vec<Variation> {
    vec![
        variation("on", "On", json!(true)),
        variation("off", "Off", json!(false)),
    ]
}

fn variation(key: &str, name: &str, value: Value) -> Variation {
    Variation {
        key: key.into(),
        name: Some(name.into()),
        description: None,
        value,
    }
}

fn env(fallthrough: Serve, off_variation: Option<&str>) -> FlagEnvironment {
    FlagEnvironment {
        enabled: true,
        off_variation: off_variation.map(str::to_owned),
        targets: Vec::new(),
        rules: Vec::new(),
        fallthrough,
        schedule: Vec::new(),
    }
}

fn envs(list: Vec<(&str, FlagEnvironment)>) -> IndexMap<String, FlagEnvironment> {
    list.into_iter()
        .map(|(key, env)| (key.to_owned(), env))
        .collect()
}

fn target(variation: &str, keys: &[&str]) -> Target {
    Target {
        variation: variation.into(),
        keys: strings(keys),
    }
}

fn rule(id: &str, name: &str, when: Option<Condition>, serve: Serve) -> Rule {
    Rule {
        id: id.into(),
        name: Some(name.into()),
        description: None,
        when,
        serve,
    }
}

fn rollout(weights: &[(&str, Number)], bucket_by: Option<&str>) -> Serve {
    Serve {
        rollout: Some(
            weights
                .iter()
                .map(|(v, w)| WeightedVariation {
                    variation: (*v).to_owned(),
                    weight: w.clone(),
                })
                .collect(),
        ),
        bucket_by: bucket_by.map(str::to_owned),
        ..Serve::default()
    }
}

fn weight_int(percent: u32) -> Number {
    Number::from(percent)
}

/// A weight with decimals; the literals used here are finite, so the fallback never applies.
fn weight_dec(percent: f64) -> Number {
    Number::from_f64(percent).unwrap_or_else(|| Number::from(0))
}

fn step(at: &str) -> ScheduleStep {
    ScheduleStep {
        at: at.into(),
        enabled: None,
        fallthrough: None,
        rules: IndexMap::new(),
    }
}

fn step_fallthrough(at: &str, serve: Serve) -> ScheduleStep {
    ScheduleStep {
        fallthrough: Some(serve),
        ..step(at)
    }
}

fn overrides(list: Vec<(&str, Serve)>) -> IndexMap<String, RuleOverride> {
    list.into_iter()
        .map(|(id, serve)| (id.to_owned(), RuleOverride { serve }))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A leaf with one operand, or none when `value` is null (`exists`, `not_exists`).
fn compare(attribute: &str, op: &str, value: Value) -> Condition {
    Condition {
        value: (!value.is_null()).then_some(value),
        ..Condition::leaf(attribute, op)
    }
}

/// A leaf without operand (`is_true`, `is_false`).
fn is(attribute: &str, op: &str) -> Condition {
    Condition::leaf(attribute, op)
}

/// A leaf with a list of string operands (`in`, `not_in`).
fn one_of(attribute: &str, op: &str, values: &[&str]) -> Condition {
    many(
        attribute,
        op,
        values.iter().map(|v| Value::from(*v)).collect(),
    )
}

fn many(attribute: &str, op: &str, values: Vec<Value>) -> Condition {
    Condition {
        values: Some(values),
        ..Condition::leaf(attribute, op)
    }
}

fn in_segment(key: &str) -> Condition {
    Condition {
        segment: Some(key.into()),
        ..Condition::default()
    }
}

fn all(parts: Vec<Condition>) -> Condition {
    Condition {
        all: Some(parts),
        ..Condition::default()
    }
}

fn any(parts: Vec<Condition>) -> Condition {
    Condition {
        any: Some(parts),
        ..Condition::default()
    }
}

fn not(part: Condition) -> Condition {
    Condition {
        not: Some(Box::new(part)),
        ..Condition::default()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::format::parse;
    use crate::keys::is_entity_key;

    fn parsed_flags() -> Vec<FlagFile> {
        example_project()
            .iter()
            .filter(|f| f.path.starts_with("flags/"))
            .map(|f| parse::<FlagFile>(&f.path, &f.bytes).unwrap())
            .collect()
    }

    fn parsed_segments() -> Vec<SegmentFile> {
        example_project()
            .iter()
            .filter(|f| f.path.starts_with("segments/"))
            .map(|f| parse::<SegmentFile>(&f.path, &f.bytes).unwrap())
            .collect()
    }

    fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(file: &SourceFile) -> String {
        let value: T = parse(&file.path, &file.bytes).unwrap_or_else(|d| panic!("{d}"));
        to_canonical_json(&value)
    }

    #[test]
    fn every_file_round_trips_byte_for_byte() {
        for file in example_project() {
            let again = if file.path == "flagdeck.json" {
                round_trip::<ProjectFile>(&file)
            } else if file.path.starts_with("flags/") {
                round_trip::<FlagFile>(&file)
            } else if file.path.starts_with("personas/") {
                round_trip::<PersonaFile>(&file)
            } else {
                round_trip::<SegmentFile>(&file)
            };
            assert_eq!(
                again.as_bytes(),
                file.bytes.as_slice(),
                "{} changed on a round trip",
                file.path
            );
        }
    }

    #[test]
    fn validates_without_a_single_diagnostic() {
        let checked = crate::validate::check(&example_project());
        let lines: Vec<String> = checked
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(lines.is_empty(), "{lines:#?}");
        let project = checked
            .project
            .expect("a project without errors is resolved");
        assert_eq!(project.flags.len(), flags().len());
        assert_eq!(project.segments.len(), segments().len());
    }

    /// The stories the example tells hold when it is evaluated.
    #[test]
    fn tells_its_stories_when_evaluated() {
        use crate::eval::evaluate_key;
        use crate::instant::parse_rfc3339;
        let project = crate::validate::check(&example_project()).project.unwrap();
        let at = |text: &str| parse_rfc3339(text).unwrap().seconds;
        let ctx = |value: serde_json::Value| value.as_object().unwrap().clone();
        let variant = |flag: &str, context: &serde_json::Value, instant: &str| {
            evaluate_key(
                &project,
                "production",
                flag,
                &ctx(context.clone()),
                at(instant),
            )
            .variant
        };
        let customer = json!({"targetingKey": "user-100", "country": "US", "email": "a@b.example"});
        let on = Some("on".to_owned());
        assert_eq!(
            variant("new-checkout", &customer, "2026-11-30T00:00:00Z").as_deref(),
            Some("off")
        );
        assert_eq!(
            variant("new-checkout", &customer, "2026-12-08T09:00:00Z"),
            on
        );
        assert_eq!(
            variant(
                "new-checkout",
                &json!({"targetingKey": "qa-1"}),
                "2026-01-01T00:00:00Z"
            ),
            on
        );
        // Disabled with no off variation until the maintenance window opens.
        assert_eq!(
            variant("maintenance-banner", &customer, "2026-12-31T11:59:59Z"),
            None
        );
        assert_eq!(
            variant("maintenance-banner", &customer, "2026-12-31T12:00:00Z").as_deref(),
            Some("upcoming")
        );
        // The ramp reaches everyone by its end.
        assert_eq!(
            variant("search-algorithm", &customer, "2027-01-18T09:00:00Z").as_deref(),
            Some("semantic")
        );
    }

    #[test]
    fn file_names_are_valid_unique_keys() {
        let files = example_project();
        let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths.len(), files.len(), "two files share a path");
        for flag in parsed_flags() {
            assert!(is_entity_key(&flag.key), "{}", flag.key);
            assert!(paths.contains(format!("flags/{}.json", flag.key).as_str()));
        }
        for segment in parsed_segments() {
            assert!(is_entity_key(&segment.key), "{}", segment.key);
        }
        for persona in personas() {
            assert!(is_entity_key(&persona.key), "{}", persona.key);
            assert!(paths.contains(format!("personas/{}.json", persona.key).as_str()));
        }
    }

    /// Every two personas get a different variation of at least one flag in production (today
    /// and after the rollouts), and together they see most variations of the shop.
    #[test]
    fn personas_see_different_shops() {
        use crate::eval::evaluate_key;
        use crate::instant::parse_rfc3339;
        let project = crate::validate::check(&example_project()).project.unwrap();
        let people = personas();
        assert!((3..=4).contains(&people.len()));
        for instant in ["2026-11-21T12:00:00Z", "2027-02-01T12:00:00Z"] {
            let at = parse_rfc3339(instant).unwrap().seconds;
            let shop = |p: &PersonaFile| -> Vec<Option<String>> {
                let context = p.context.clone().into_iter().collect();
                flags()
                    .iter()
                    .map(|f| evaluate_key(&project, "production", &f.key, &context, at).variant)
                    .collect()
            };
            let shops: Vec<_> = people.iter().map(shop).collect();
            for (i, a) in shops.iter().enumerate() {
                for (j, b) in shops.iter().enumerate().skip(i + 1) {
                    assert_ne!(
                        a, b,
                        "{} and {} see the same shop at {instant}",
                        people[i].key, people[j].key
                    );
                }
            }
        }
    }

    #[test]
    fn is_as_rich_as_the_issue_asks() {
        let project = &example_project()[0];
        let project: ProjectFile = parse(&project.path, &project.bytes).unwrap();
        let env_keys: Vec<&str> = project
            .environments
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(env_keys, ["development", "staging", "production"]);
        let kinds: BTreeSet<&str> = project.attributes.iter().map(|a| a.kind.as_str()).collect();
        assert_eq!(kinds.len(), 5, "every attribute type is declared");

        let flags = parsed_flags();
        assert!(flags.len() >= 12);
        let types: BTreeSet<&str> = flags.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(types.len(), 4, "every flag type is used");
        for flag in &flags {
            for v in &flag.variations {
                assert!(
                    flag.kind.admits(&v.value),
                    "{}/{} has the wrong type",
                    flag.key,
                    v.key
                );
            }
        }
        let segments = parsed_segments();
        assert!(segments.len() >= 4);
        let names: BTreeSet<&str> = segments.iter().map(|s| s.key.as_str()).collect();
        let nested = segments.iter().any(|s| {
            let mut refs = Vec::new();
            s.when
                .iter()
                .for_each(|c| collect(c, &mut Vec::new(), &mut refs));
            refs.iter().any(|r| names.contains(r.as_str()))
        });
        assert!(nested, "a segment references another segment");
    }

    #[test]
    fn uses_every_operator() {
        let mut ops = Vec::new();
        let mut refs = Vec::new();
        for flag in parsed_flags() {
            for env in flag.environments.values() {
                for rule in &env.rules {
                    rule.when
                        .iter()
                        .for_each(|c| collect(c, &mut ops, &mut refs));
                }
            }
        }
        for segment in parsed_segments() {
            segment
                .when
                .iter()
                .for_each(|c| collect(c, &mut ops, &mut refs));
        }
        let used: BTreeSet<String> = ops.into_iter().collect();
        let mut every: Vec<&str> = AttributeType::ALL
            .iter()
            .flat_map(|k| k.operators().iter().copied())
            .collect();
        every.extend(crate::model::PRESENCE_OPERATORS);
        every.extend(["all", "any", "not"]);
        let missing: Vec<&str> = every
            .iter()
            .copied()
            .filter(|op| !used.contains(*op))
            .collect();
        assert!(missing.is_empty(), "operators never used: {missing:?}");
    }

    fn collect(c: &Condition, ops: &mut Vec<String>, refs: &mut Vec<String>) {
        if let Some(op) = &c.op {
            ops.push(op.clone());
        }
        if let Some(s) = &c.segment {
            refs.push(s.clone());
        }
        for (name, parts) in [("all", &c.all), ("any", &c.any)] {
            if let Some(parts) = parts {
                ops.push(name.into());
                parts.iter().for_each(|p| collect(p, ops, refs));
            }
        }
        if let Some(inner) = &c.not {
            ops.push("not".into());
            collect(inner, ops, refs);
        }
    }

    #[test]
    fn has_a_three_step_rollout_a_ramp_and_a_custom_bucket() {
        let flags = parsed_flags();
        let checkout = flags.iter().find(|f| f.key == "new-checkout").unwrap();
        assert_eq!(checkout.environments["production"].schedule.len(), 3);

        let mut ramps = 0;
        let mut company_buckets = 0;
        for flag in &flags {
            for env in flag.environments.values() {
                let serves = env.rules.iter().map(|r| &r.serve).chain([&env.fallthrough]);
                company_buckets += serves
                    .filter(|s| s.bucket_by.as_deref() == Some("companyId"))
                    .count();
                for step in &env.schedule {
                    assert!(
                        step.at.starts_with("2026-12") || step.at.starts_with("2027"),
                        "{}",
                        step.at
                    );
                    let step_serves = step
                        .fallthrough
                        .iter()
                        .chain(step.rules.values().map(|o| &o.serve));
                    for ramp in step_serves.filter_map(|s| s.ramp.as_ref()) {
                        assert_eq!(ramp.from, step.at, "a ramp starts at its step");
                        ramps += 1;
                    }
                }
            }
        }
        assert!(ramps >= 2, "a fallthrough ramp and a rule ramp");
        assert!(company_buckets >= 1, "a rollout buckets by companyId");
    }
}
