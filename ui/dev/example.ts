// A slice of the example project (crates/flagdeck-core/src/example.rs) for the dev harness:
// the project's settings as `project` returns them, its segments, and a few flags.
import type { FlagFile } from '../src/lib/bindings/FlagFile';

export { PROJECT as project } from '../src/lib/backend/mockData';

export const segments = [
  ['beta-testers', 'Beta testers'],
  ['early-adopters', 'Early adopters'],
  ['eu-customers', 'EU customers'],
  ['internal-staff', 'Internal staff'],
  ['new-signups', 'New sign-ups'],
  ['vip-accounts', 'VIP accounts'],
].map(([key, name]) => ({ key: key ?? '', name: name ?? '' }));

const onOff = [{ key: 'on', name: 'On', value: true }, { key: 'off', name: 'Off', value: false }];
const env = (variation: string, off: string) => ({ enabled: true, offVariation: off, fallthrough: { variation } });

export const flags: FlagFile[] = [
  {
    key: 'new-checkout', name: 'New checkout', description: 'Single-page checkout redesign', type: 'boolean', owner: 'alice',
    tags: ['checkout', 'redesign'], variations: onOff,
    environments: {
      development: env('on', 'off'),
      staging: env('on', 'off'),
      production: {
        enabled: true, offVariation: 'off',
        targets: [{ variation: 'on', keys: ['qa-1', 'qa-2'] }],
        rules: [
          { id: 'staff', name: 'Internal staff', when: { segment: 'internal-staff' }, serve: { variation: 'on' } },
          {
            id: 'eu', name: 'EU customers',
            when: { all: [{ segment: 'eu-customers' }, { attribute: 'appVersion', op: 'semver_gte', value: '2.0.0' }] },
            serve: { rollout: [{ variation: 'on', weight: 20 }, { variation: 'off', weight: 80 }] },
          },
        ],
        fallthrough: { variation: 'off' },
        schedule: [
          { at: '2026-12-01T09:00:00Z', fallthrough: { rollout: [{ variation: 'on', weight: 5 }, { variation: 'off', weight: 95 }] } },
          { at: '2026-12-03T09:00:00Z', fallthrough: { rollout: [{ variation: 'on', weight: 25 }, { variation: 'off', weight: 75 }] } },
          { at: '2026-12-08T09:00:00Z', fallthrough: { variation: 'on' } },
        ],
      },
    },
  },
  {
    key: 'banner-color', name: 'Banner colour', description: 'Colour of the promotion banner', type: 'string', owner: 'dana',
    tags: ['design', 'marketing'],
    variations: [
      { key: 'orange', name: 'Sunset orange', value: '#ff6b35' },
      { key: 'blue', name: 'Ocean blue', value: '#1e88e5' },
      { key: 'green', name: 'Fresh green', value: '#43a047' },
    ],
    environments: {
      development: env('orange', 'blue'),
      staging: env('orange', 'blue'),
      production: {
        enabled: true, offVariation: 'blue',
        rules: [{
          id: 'eu-test', name: 'Colour test in the EU', when: { attribute: 'country', op: 'in', values: ['DE', 'FR', 'ES'] },
          serve: { rollout: [{ variation: 'orange', weight: 33.334 }, { variation: 'blue', weight: 33.333 }, { variation: 'green', weight: 33.333 }] },
        }],
        fallthrough: { variation: 'blue' },
      },
    },
  },
  {
    key: 'pricing-table', name: 'Pricing table', description: 'Plans and prices shown on the pricing page', type: 'object', owner: 'erin',
    tags: ['pricing', 'marketing'],
    variations: [
      { key: 'classic', name: 'Classic', value: { currency: 'EUR', highlight: 'pro', accent: '#1f5fbf', plans: [{ key: 'free', price: 0 }, { key: 'pro', price: 19 }, { key: 'enterprise', price: 99 }] } },
      { key: 'annual', name: 'Annual discount', value: { currency: 'EUR', highlight: 'pro', billing: 'annual', discountPercent: 20, plans: [{ key: 'free', price: 0 }, { key: 'pro', price: 15.2 }, { key: 'enterprise', price: 79.2 }] } },
    ],
    environments: { production: env('classic', 'classic') },
  },
  {
    key: 'hero-image', name: 'Hero image', description: 'The big picture on the home page', type: 'string', owner: 'dana', tags: ['design'],
    variations: [
      { key: 'summer', name: 'Summer', value: 'https://cdn.acme.example/hero/summer-2026.jpg' },
      { key: 'inline', name: 'Inline sample', value: 'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" width="160" height="90"%3E%3Crect width="160" height="90" fill="%2343a047"/%3E%3Ccircle cx="120" cy="30" r="16" fill="%23ffd54f"/%3E%3C/svg%3E' },
    ],
    environments: { production: env('summer', 'summer') },
  },
];
