// Dev-only: the issue-7 change-request commands of the mock host, with a small policy
// (production needs one approval from the release managers; emergencies allowed there), three
// people (the user is Dana), seeded requests in every status, and sentences for the drafts made
// by a simple diff (the real host's come from flagdeck-app). Publishing moves the drafts of the
// request's entities to the published side, through `publish`.
import type { FlagFile } from '../bindings/FlagFile';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { type ChangeLine, type ChangeView, type DraftChange, type EntityId, type PublishReport } from '../domain/changes/model';
import { serveWords } from '../domain/changes/values';
import { BackendError } from './backend';
import { PROJECT } from './mockData';
import type { Store } from './mockPreview';

type Json = JsonValue | null;
type Request = ChangeView['request'];
type FieldChange = ChangeLine['fields'][number];

export const ME = 'dana';
const PEOPLE = [
  { id: 'alice', name: 'Alice Liu', email: 'alice@acme.example', publicKey: 'ed25519:YWxpY2UtcHVibGljLWtleS0zMi1ieXRlcy1sb25nISE=' },
  { id: 'bob', name: 'Bob Ortiz', email: 'bob@acme.example', publicKey: 'ed25519:Ym9iLXB1YmxpYy1rZXktMzItYnl0ZXMtbG9uZy4uLiE=' },
  { id: 'dana', name: 'Dana Ruiz', email: 'dana@acme.example', publicKey: 'ed25519:ZGFuYS1wdWJsaWMta2V5LTMyLWJ5dGVzLWxvbmcuLiE=' },
];
/** The mock's user, already registered in people/; `identity` is answered by mockSettings.ts. */
export const MOCK_USER = PEOPLE.find((p) => p.id === ME) ?? null;
const REVIEWERS = ['alice', 'bob', 'dana'];
const POLICY = {
  groups: [{ key: 'release-managers', name: 'Release managers', members: REVIEWERS }],
  rules: [{ name: 'Production', when: { environments: ['production'] }, require: { approvals: 1, from: ['group:release-managers'] } }],
  emergency: { allowed: true, environments: ['production'] },
};

type Mock = { requests: Request[]; versions: Map<string, number>; localOnly: Set<string>; next: number };
const states = new WeakMap<Store, Mock>();

export function answerGovernance(command: string, args: Record<string, unknown>, store: Store, publish: (ids: string[]) => void): unknown {
  let mock = states.get(store);
  if (!mock) {
    mock = seed(store);
    states.set(store, mock);
  }
  const id = String(args.id ?? '');
  switch (command) {
    case 'draftChanges':
      return drafts(store);
    case 'changeRequests':
      return [...mock.requests].reverse().map((r) => view(mock, r));
    case 'changeRequest':
      return view(mock, find(mock, id));
    case 'createChangeRequest':
    case 'createEmergencyChangeRequest':
      return view(mock, create(mock, store, args, command === 'createEmergencyChangeRequest'));
    case 'approveChangeRequest':
    case 'rejectChangeRequest':
      return view(mock, decide(mock, find(mock, id), command === 'approveChangeRequest' ? 'approve' : 'reject', (args.comment as string | null) ?? null));
    case 'commentChangeRequest': {
      const request = find(mock, id);
      request.comments = [...(request.comments ?? []), { by: ME, at: new Date().toISOString(), text: String(args.text) }];
      return view(mock, request);
    }
    case 'withdrawChangeRequest':
      return view(mock, withdraw(mock, find(mock, id)));
    case 'updateChangeRequest':
      return view(mock, update(mock, store, find(mock, id)));
    case 'publishChangeRequest':
      return publishRequest(mock, find(mock, id), publish);
    case 'entity': {
      const ref = args.entity as { kind: string; key: string };
      if (ref.kind !== 'policy') return undefined;
      return { entity: ref, json: POLICY as unknown as JsonValue, base: POLICY as unknown as JsonValue, hasDraft: false, diagnostics: [] };
    }
    case 'listEntities':
      if (args.kind !== 'person') return undefined;
      return PEOPLE.map((p) => ({ kind: 'person', key: p.id, name: p.name, description: p.email, flagType: null, tags: [], owner: null, state: 'unchanged', environments: [] }));
    default:
      return undefined;
  }
}

function find(mock: Mock, id: string): Request {
  const request = mock.requests.find((r) => r.id === id);
  if (!request) throw new BackendError({ code: 'notFound', message: `There is no change request ${id}.` });
  return request;
}

// ---- Reports ----------------------------------------------------------------------------

function hashOf(mock: Mock, request: Request): string {
  return `sha256:${request.id}-v${mock.versions.get(request.id) ?? 1}`;
}

function linesOf(request: Request): ChangeLine[] {
  return request.entities.flatMap((e) => lines(entityOfPath(e.path), e.before, e.after));
}

function view(mock: Mock, request: Request): ChangeView {
  const hash = hashOf(mock, request);
  const lines = linesOf(request);
  const governed = lines.some((l) => l.environment === 'production' || l.environment === null);
  const current = new Map<string, 'approve' | 'reject'>();
  const notes: string[] = [];
  for (const a of request.approvals) {
    if (a.contentHash !== hash) notes.push(`${name(a.by)}'s ${a.decision === 'approve' ? 'approval' : 'rejection'} was for an earlier version of this change.`);
    else if (a.by === request.author) notes.push(`${name(a.by)} can't approve their own change.`);
    else if (!REVIEWERS.includes(a.by)) notes.push(`${name(a.by)} is not a release manager.`);
    else current.set(a.by, a.decision);
  }
  const approvedBy = [...current].filter(([, d]) => d === 'approve').map(([p]) => p);
  const rejectedBy = [...current].filter(([, d]) => d === 'reject').map(([p]) => p);
  const satisfied = approvedBy.length >= 1 && rejectedBy.length === 0;
  const rules = governed ? [{ name: 'Production', required: 1, approvedBy, rejectedBy, satisfied, needs: satisfied ? [] : rejectedBy.length > 0 ? [`rejected by ${rejectedBy.map(name).join(', ')}`] : ['needs 1 more approval from Release managers'] }] : [];
  const emergency = request.emergency !== undefined && request.emergency !== null && rejectedBy.length === 0 && lines.every((l) => l.environment === 'production');
  const publishable = emergency || rules.every((r) => r.satisfied);
  const reasons = publishable ? (emergency ? ['An emergency change that only reduces exposure in Production: no approval needed.'] : rules.length === 0 ? ['No rule applies.'] : ['Every rule that applies is met.']) : rules.flatMap((r) => r.needs.map((n) => `Production ${n}.`));
  const fixed = request.status === 'published' || request.status === 'withdrawn' || request.status === 'rejected';
  return {
    request,
    report: { publishable, contentHash: hash, emergency, rules, reasons, notes },
    status: fixed ? request.status : publishable ? 'approved' : 'open',
    localOnly: mock.localOnly.has(request.id),
    lines,
  };
}

// ---- Actions ----------------------------------------------------------------------------

function create(mock: Mock, store: Store, args: Record<string, unknown>, emergency: boolean): Request {
  const title = String(args.title ?? '').trim();
  if (title === '') throw new BackendError({ code: 'invalid', message: 'A change request needs a title.', field: 'title' });
  const reason = String(args.reason ?? '').trim();
  if (emergency && reason === '') throw new BackendError({ code: 'invalid', message: 'An emergency change needs a reason.', field: 'reason' });
  const entities = (args.entities as EntityId[]).map((e) => entityChange(store, e));
  if (entities.length === 0) throw new BackendError({ code: 'invalidInput', message: 'Choose at least one draft.' });
  const id = `cr-${(0x1a2b + mock.next++).toString(16)}`;
  const description = typeof args.description === 'string' ? args.description : null;
  const request: Request = { id, title, author: ME, base: 'a1b2c3d4e5f6', entities, status: 'open', approvals: [], comments: [], ...(description ? { description } : {}), ...(emergency ? { emergency: { reason } } : {}) } as Request;
  mock.requests.push(request);
  mock.localOnly.add(id);
  return request;
}

function decide(mock: Mock, request: Request, decision: 'approve' | 'reject', comment: string | null): Request {
  active(request);
  if (request.author === ME && decision === 'approve') throw new BackendError({ code: 'refused', message: `${name(ME)} can't approve their own change: Production needs an approval from Release managers.` });
  request.approvals = [...request.approvals, { by: ME, decision, contentHash: hashOf(mock, request), signature: 'ed25519:mock', at: new Date().toISOString(), ...(comment ? { comment } : {}) }];
  if (decision === 'reject') request.status = 'rejected';
  return request;
}

function withdraw(mock: Mock, request: Request): Request {
  active(request);
  mine(request);
  request.status = 'withdrawn';
  mock.localOnly.delete(request.id);
  return request;
}

function update(mock: Mock, store: Store, request: Request): Request {
  mine(request);
  if (request.status === 'published' || request.status === 'withdrawn') throw new BackendError({ code: 'refused', message: `Change request ${request.id} is ${request.status}: it can no longer change.` });
  request.entities = request.entities.map((e) => entityChange(store, entityOfPath(e.path)));
  request.status = 'open';
  mock.versions.set(request.id, (mock.versions.get(request.id) ?? 1) + 1);
  return request;
}

function publishRequest(mock: Mock, request: Request, publish: (ids: string[]) => void): PublishReport {
  active(request);
  const shown = view(mock, request);
  if (!shown.report.publishable) throw new BackendError({ code: 'refused', message: shown.report.reasons.join(' ') });
  publish(request.entities.map((e) => idOf(entityOfPath(e.path))));
  const commit = `f00ba4${(mock.next++).toString(16).padStart(4, '0')}c0ffee`;
  request.status = 'published';
  request.published = { by: ME, at: new Date().toISOString(), commit };
  mock.localOnly.delete(request.id);
  return { commit, message: `Publish ${request.id}: ${request.title}`, files: [...request.entities.map((e) => e.path), `changes/${request.id}.json`, 'dist/production.flagd.json'], retries: 0 };
}

function active(request: Request): void {
  if (request.status === 'published' || request.status === 'withdrawn') throw new BackendError({ code: 'refused', message: `Change request ${request.id} is ${request.status}.` });
}

function mine(request: Request): void {
  if (request.author !== ME) throw new BackendError({ code: 'refused', message: `Only its author (${request.author}) can change change request ${request.id}.` });
}

// ---- Drafts and sentences ---------------------------------------------------------------

function drafts(store: Store): DraftChange[] {
  const out: DraftChange[] = [];
  for (const kind of ['flag', 'segment'] as const) {
    for (const key of store.keys(kind)) {
      const id = `${kind}:${key}`;
      if (!store.hasDraft(id)) continue;
      const entity: EntityId = { kind, key };
      const before = store.base(id);
      const after = store.content(id);
      const lines = linesFor(entity, before, after);
      const shown = (after ?? before) as { name?: string } | null;
      out.push({ entity, name: shown?.name ?? key, lines, governed: lines.some((l) => l.environment === 'production' || l.environment === null) });
    }
  }
  return out;
}

function linesFor(entity: EntityId, before: Json, after: Json): ChangeLine[] {
  return lines(entity, before, after);
}

function lines(entity: EntityId, before: Json | undefined, after: Json | undefined): ChangeLine[] {
  const b = (before ?? null) as Record<string, JsonValue> | null;
  const a = (after ?? null) as Record<string, JsonValue> | null;
  const label = String((a ?? b)?.name ?? ('key' in entity ? entity.key : entity.kind));
  const noun = entity.kind === 'flag' ? 'flag' : entity.kind;
  if (b === null) return [{ entity, environment: null, sentence: `New ${noun} ${label}`, fields: [] }];
  if (a === null) return [{ entity, environment: null, sentence: `${label} deleted`, fields: [] }];
  const out: ChangeLine[] = [];
  const top = Object.keys({ ...b, ...a }).filter((k) => k !== 'environments' && JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  if (top.length > 0) {
    out.push({ entity, environment: null, sentence: `${label}: ${top.map(words).join(', ')} changed`, fields: top.map((k) => ({ path: `/${k}`, label: capital(words(k)), before: b[k] ?? null, after: a[k] ?? null })) });
  }
  if (entity.kind !== 'flag') return out;
  const envsB = ((b as unknown as FlagFile).environments ?? {}) as Record<string, Record<string, JsonValue>>;
  const envsA = ((a as unknown as FlagFile).environments ?? {}) as Record<string, Record<string, JsonValue>>;
  for (const { key: env, name: envLabel } of PROJECT.environments) {
    const eb = envsB[env] ?? {};
    const ea = envsA[env] ?? {};
    const keys = Object.keys({ ...eb, ...ea }).filter((k) => JSON.stringify(eb[k]) !== JSON.stringify(ea[k]));
    if (keys.length === 0) continue;
    const fields: FieldChange[] = keys.map((k) => ({ path: `/environments/${env}/${k}`, label: `${envLabel} › ${capital(words(k))}`, before: eb[k] ?? null, after: ea[k] ?? null }));
    out.push({ entity, environment: env, sentence: `${envLabel}: ${label} ${keys.map((k) => envPhrase(k, eb[k], ea[k])).join(', ')}`, fields });
  }
  return out;
}

function envPhrase(key: string, before: JsonValue | undefined, after: JsonValue | undefined): string {
  if (key === 'enabled') return after === false ? 'switched off (kill switch)' : 'switched on';
  if (key === 'fallthrough') return `default ${serve(before)} → ${serve(after)}`;
  if (key === 'schedule') return `schedule changed (${Array.isArray(after) ? after.length : 0} steps)`;
  return `${words(key)} changed`;
}

function serve(value: JsonValue | undefined): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'nothing';
  return serveWords(value) ?? 'a custom serve';
}

function words(key: string): string {
  const known: Record<string, string> = { fallthrough: 'default', offVariation: 'off variation', enabled: 'kill switch', tags: 'tags', owner: 'owner' };
  return known[key] ?? key.replace(/([A-Z])/g, ' $1').toLowerCase();
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function name(person: string): string {
  return PEOPLE.find((p) => p.id === person)?.name ?? person;
}

function idOf(entity: EntityId): string {
  return `${entity.kind}:${'key' in entity ? entity.key : entity.kind}`;
}

function entityOfPath(path: string): EntityId {
  const [folder, file] = path.split('/');
  const key = (file ?? '').replace(/\.json$/, '');
  if (folder === 'segments') return { kind: 'segment', key };
  if (folder === 'people') return { kind: 'person', key };
  return { kind: 'flag', key };
}

function entityChange(store: Store, entity: EntityId): Request['entities'][number] {
  const id = idOf(entity);
  const folder = entity.kind === 'segment' ? 'segments' : entity.kind === 'person' ? 'people' : 'flags';
  return { path: `${folder}/${'key' in entity ? entity.key : ''}.json`, before: store.base(id), after: store.content(id) };
}

// ---- Seeds ------------------------------------------------------------------------------

function seed(store: Store): Mock {
  const mock: Mock = { requests: [], versions: new Map(), localOnly: new Set(), next: 1 };
  const flag = (key: string) => store.base(`flag:${key}`) as Record<string, JsonValue> | null;
  const withProduction = (key: string, patch: Record<string, JsonValue>): Json => {
    const copy = JSON.parse(JSON.stringify(flag(key) ?? {})) as Record<string, Record<string, Record<string, JsonValue>>>;
    if (copy.environments?.production) Object.assign(copy.environments.production, patch);
    return copy as unknown as JsonValue;
  };
  const at = (day: number, hour: number) => new Date(Date.UTC(2026, 10, day, hour, 0)).toISOString();
  const base = (r: Omit<Request, 'base' | 'approvals' | 'status'> & Partial<Request>): Request => ({ base: 'a1b2c3d4e5f6', approvals: [], status: 'open', ...r }) as Request;
  const checkout = { path: 'flags/new-checkout.json', before: flag('new-checkout'), after: withProduction('new-checkout', { fallthrough: { rollout: [{ variation: 'on', weight: 25 }, { variation: 'off', weight: 75 }] } }) };
  mock.requests.push(base({ id: 'cr-0c55', title: 'Banner colour for the Q4 campaign', author: 'dana', entities: [{ path: 'flags/banner-color.json', before: flag('banner-color'), after: { ...(flag('banner-color') ?? {}), tags: ['design', 'marketing'] } }], status: 'published', published: { by: 'dana', at: at(12, 10), commit: '9f2c1e0b7a' }, approvals: [{ by: 'bob', decision: 'approve', contentHash: 'sha256:cr-0c55-v1', signature: 'ed25519:mock', at: at(12, 9) }] }));
  mock.requests.push(base({ id: 'cr-9d10', title: 'Try semantic search for everyone', author: 'alice', entities: [{ path: 'flags/search-algorithm.json', before: flag('search-algorithm'), after: withProduction('search-algorithm', { fallthrough: { variation: 'semantic' } }) }], status: 'withdrawn' }));
  mock.requests.push(base({ id: 'cr-2b91', title: 'Winter hero image in production', description: 'The winter campaign starts on 1 December; design signed off the images.', author: 'dana', entities: [entityChange(store, { kind: 'flag', key: 'hero-image' })],
    approvals: [{ by: 'bob', decision: 'approve', contentHash: 'sha256:cr-2b91-v1', signature: 'ed25519:mock', at: at(20, 14), comment: 'Images look great. Ship it.' }],
    comments: [{ by: 'alice', at: at(20, 11), text: 'Is the CDN cache warmed for the new images?' }, { by: 'dana', at: at(20, 12), text: 'Yes, warmed this morning.' }] }));
  mock.requests.push(base({ id: 'cr-7f3a', title: 'New checkout to 25% in production', description: 'Error rate flat for a week at 5 %.', author: 'alice', entities: [checkout],
    comments: [{ by: 'bob', at: at(21, 8), text: 'Dashboards ready?' }] }));
  return mock;
}
