// Dev-only: the example project (crates/flagdeck-core/src/example.rs), abridged, in the shapes
// the host returns. Used by the mock backend (`?mock` in the URL) to look at screens without a host.
import type { AttributeInfo } from '../bindings/AttributeInfo';
import type { FlagEnvironment } from '../bindings/FlagEnvironment';
import type { FlagFile } from '../bindings/FlagFile';
import type { FlagType } from '../bindings/FlagType';
import type { ProjectInfo } from '../bindings/ProjectInfo';
import type { SegmentFile } from '../bindings/SegmentFile';
import type { JsonValue } from '../bindings/serde_json/JsonValue';

// The operators of each attribute type, in the order the app lists them (flagdeck-core's
// `AttributeType::operators`, then the presence checks).
const OPERATORS: Record<AttributeInfo['type'], string[]> = {
  string: ['equals', 'not_equals', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'ends_with'],
  number: ['equals', 'not_equals', 'in', 'not_in', 'lt', 'lte', 'gt', 'gte'],
  boolean: ['is_true', 'is_false'],
  semver: ['semver_eq', 'semver_neq', 'semver_lt', 'semver_lte', 'semver_gt', 'semver_gte', 'semver_caret', 'semver_tilde'],
  datetime: ['before', 'after'],
};

function attribute(key: string, type: AttributeInfo['type'], description: string, values: string[] | null = null): AttributeInfo {
  return { key, type, description, values, operators: [...OPERATORS[type], 'exists', 'not_exists'] };
}

export const PROJECT: ProjectInfo = {
  name: 'Acme Shop',
  bucketBy: 'targetingKey',
  environments: [
    { key: 'development', name: 'Development', description: 'Local machines and preview builds' },
    { key: 'staging', name: 'Staging', description: 'The release candidate, used by QA' },
    { key: 'production', name: 'Production', description: 'What customers see' },
  ],
  attributes: [
    attribute('targetingKey', 'string', 'Stable user id'),
    attribute('email', 'string', "The user's e-mail address"),
    attribute('country', 'string', 'ISO 3166 country code', ['DE', 'FR', 'ES', 'US', 'JP']),
    attribute('plan', 'string', 'Subscription plan', ['free', 'pro', 'enterprise']),
    attribute('companyId', 'string', 'The customer account the user belongs to'),
    attribute('appVersion', 'semver', 'Version of the mobile app'),
    attribute('age', 'number', 'Age in years'),
    attribute('beta', 'boolean', 'Opted into beta features'),
    attribute('signupAt', 'datetime', 'Unix seconds'),
  ],
  freezes: [{ name: 'Spring sale', from: '2027-03-01T00:00:00Z', to: '2027-03-03T00:00:00Z', environments: ['production'] }],
};

export const SEGMENTS: SegmentFile[] = [
  { key: 'beta-testers', name: 'Beta testers', description: 'Opted into beta, or on a paid plan', when: { any: [{ attribute: 'beta', op: 'is_true' }, { attribute: 'plan', op: 'in', values: ['pro', 'enterprise'] }] }, include: ['user-1', 'user-2'], exclude: ['user-9'] },
  { key: 'early-adopters', name: 'Early adopters', description: 'Beta testers on app version 2 or later', when: { all: [{ segment: 'beta-testers' }, { attribute: 'appVersion', op: 'semver_gte', value: '2.0.0' }] } },
  { key: 'eu-customers', name: 'EU customers', description: 'Customers in the European Union', when: { attribute: 'country', op: 'in', values: ['DE', 'FR', 'ES', 'IT', 'NL'] } },
  { key: 'internal-staff', name: 'Internal staff', description: 'Everyone with an Acme e-mail address', when: { attribute: 'email', op: 'ends_with', value: '@acme.example' }, include: ['qa-1', 'qa-2'] },
  { key: 'new-signups', name: 'New sign-ups', description: 'Signed up after the summer campaign, and not staff', when: { all: [{ attribute: 'signupAt', op: 'after', value: '2026-06-01T00:00:00Z' }, { not: { segment: 'internal-staff' } }] } },
  { key: 'vip-accounts', name: 'VIP accounts', description: 'Hand-picked accounts, by user id', include: ['user-42', 'user-77'] },
];

type Vars = [key: string, name: string, value: JsonValue][];
/** Per environment: [fallthrough variation, off variation, enabled, future schedule?]. */
type Envs = Record<string, [string, string | null, boolean?, boolean?]>;

const ON_OFF: Vars = [['on', 'On', true], ['off', 'Off', false]];

function flag(key: string, name: string, description: string, type: FlagType, owner: string, tags: string[], vars: Vars, envs: Envs): FlagFile {
  const environments: Record<string, FlagEnvironment> = {};
  for (const [env, [serve, off, enabled = true, scheduled = false]] of Object.entries(envs)) {
    environments[env] = {
      enabled,
      offVariation: off,
      fallthrough: { variation: serve },
      ...(scheduled ? { schedule: [{ at: '2027-01-11T09:00:00Z', fallthrough: { variation: vars[0]?.[0] ?? serve } }] } : {}),
    };
  }
  const variations = vars.map(([k, n, value]) => ({ key: k, name: n, value }));
  return { key, name, description, type, owner, tags, variations, environments };
}

export const FLAGS: FlagFile[] = [
  flag('new-checkout', 'New checkout', 'Single-page checkout redesign', 'boolean', 'alice', ['checkout', 'redesign'], ON_OFF, { development: ['on', 'off'], staging: ['on', 'off'], production: ['off', 'off', true, true] }),
  flag('banner-color', 'Banner colour', 'Colour of the promotion banner', 'string', 'dana', ['design', 'marketing'], [['orange', 'Sunset orange', '#ff6b35'], ['blue', 'Ocean blue', '#1e88e5'], ['green', 'Fresh green', '#43a047']], { development: ['orange', 'blue'], staging: ['orange', 'blue'], production: ['blue', 'blue'] }),
  flag('hero-image', 'Hero image', 'The image at the top of the home page', 'string', 'dana', ['design'], [['summer', 'Summer', 'https://cdn.acme.example/hero/summer-2026.jpg'], ['winter', 'Winter', 'https://cdn.acme.example/hero/winter-2026.jpg'], ['holiday', 'Holiday sale', 'https://cdn.acme.example/hero/holiday-sale.webp']], { development: ['holiday', 'summer'], staging: ['holiday', 'summer'], production: ['summer', 'summer', true, true] }),
  flag('max-cart-items', 'Maximum cart items', 'How many items fit into one cart', 'number', 'bob', ['checkout', 'limits'], [['small', '10 items', 10], ['medium', '25 items', 25], ['large', '50 items', 50]], { development: ['large', 'small'], staging: ['medium', 'small'], production: ['small', 'small'] }),
  flag('pricing-table', 'Pricing table', 'Plans shown on the pricing page', 'object', 'erin', ['pricing', 'marketing'], [['classic', 'Classic', { currency: 'EUR', highlight: 'pro', plans: [{ key: 'free', price: 0 }, { key: 'pro', price: 19 }] }], ['annual', 'Annual discount', { currency: 'EUR', billing: 'annual', discountPercent: 20 }]], { development: ['annual', 'classic'], staging: ['annual', 'classic'], production: ['classic', 'classic'] }),
  flag('team-workspaces', 'Team workspaces', 'Shared workspaces for whole companies', 'boolean', 'carol', ['collaboration'], ON_OFF, { staging: ['on', 'off'], production: ['off', 'off', true, true] }),
  flag('search-algorithm', 'Search algorithm', 'Which engine answers searches', 'string', 'frank', ['search'], [['classic', 'Keyword search', 'classic'], ['semantic', 'Semantic search', 'semantic']], { development: ['semantic', 'classic'], staging: ['semantic', 'classic'], production: ['classic', 'classic', true, true] }),
  flag('free-shipping-threshold', 'Free shipping threshold', 'Order value in euros from which shipping is free', 'number', 'bob', ['checkout', 'pricing'], [['standard', '49 €', 49], ['reduced', '29.90 €', 29.9], ['free', 'Always free', 0]], { staging: ['reduced', 'standard'], production: ['standard', 'standard', true, true] }),
  flag('onboarding-tour', 'Onboarding tour', 'Guided tour for new users', 'boolean', 'carol', ['growth'], ON_OFF, { development: ['on', 'off'], staging: ['on', 'off'], production: ['off', 'off'] }),
  flag('recommendations-widget', 'Recommendations widget', "Layout of the 'you may also like' block", 'object', 'frank', ['discovery'], [['carousel', 'Carousel', { layout: 'carousel', items: 8 }], ['grid', 'Grid', { layout: 'grid', items: 6, columns: 3 }], ['hidden', 'Hidden', { layout: 'none', items: 0 }]], { staging: ['grid', 'hidden'], production: ['carousel', 'hidden'] }),
  flag('promo-code-field', 'Promo code field', 'Placeholder text of the promo code field', 'string', 'erin', ['checkout', 'copy'], [['hidden', 'Hidden', ''], ['plain', 'Plain', 'Promo code'], ['friendly', 'Friendly', 'Got a code? Enter it here 🎁']], { development: ['friendly', 'hidden'], staging: ['friendly', 'hidden'], production: ['hidden', 'hidden'] }),
  flag('legacy-export', 'Legacy CSV export', 'The old export, kept for a few customers', 'boolean', 'bob', ['reports', 'deprecated'], ON_OFF, { development: ['on', 'off'], staging: ['on', 'off', false], production: ['off', 'off', true, true] }),
  flag('maintenance-banner', 'Maintenance banner', 'Text of the banner announcing planned maintenance', 'string', 'grace', ['operations'], [['none', 'No banner', ''], ['upcoming', 'Upcoming', 'Wartung am 2. Januar, 02:00–04:00 Uhr']], { development: ['upcoming', 'none'], production: ['upcoming', null, false, true] }),
  flag('mobile-payments', 'Mobile payments', "Pay with the phone's wallet in the app", 'boolean', 'alice', ['checkout', 'mobile'], ON_OFF, { staging: ['on', 'off'], production: ['off', 'off', true, true] }),
];

/** A boring boolean flag for big synthetic workspaces. */
export function syntheticFlag(i: number): FlagFile {
  const team = ['growth', 'checkout', 'search', 'platform', 'mobile'][i % 5] ?? 'growth';
  const envs: Envs = { development: ['on', 'off'], staging: [i % 3 ? 'on' : 'off', 'off', i % 17 !== 0], production: ['off', 'off', i % 23 !== 0, i % 11 === 0] };
  return flag(`generated-${String(i).padStart(5, '0')}`, `Generated feature ${i}`, `Synthetic flag number ${i}`, 'boolean', `owner-${i % 9}`, [team], ON_OFF, envs);
}

/** Issue 6: the example's personas (`personas/<key>.json`). */
export const PERSONAS: { key: string; name: string; description?: string; context: Record<string, JsonValue> }[] = [
  { key: 'anna-de-pro', name: 'Anna (Germany, Pro)', description: 'A paying customer in Berlin on the latest app', context: { targetingKey: 'user-anna', email: 'anna@example.de', country: 'DE', plan: 'pro', appVersion: '2.4.0', beta: true, signupAt: 1751328000 } },
  { key: 'bob-us-free', name: 'Bob (USA, Free)', description: 'A free user in the US on an old app version', context: { targetingKey: 'user-bob', email: 'bob@example.com', country: 'US', plan: 'free', appVersion: '1.9.3', beta: false } },
  { key: 'qa-tester', name: 'QA tester', description: 'Acme staff testing releases', context: { targetingKey: 'qa-1', email: 'qa@acme.example', country: 'FR', plan: 'enterprise', beta: true } },
];
