// Dev-only: the issue-6 commands of the mock host (preview, rebucketImpact, previewServer*),
// evaluated simply so screens and component tests have honest data: the kill switch, targets,
// schedule steps in force, the fallthrough's variation or rollout (hash bucketing). Rules are
// NOT evaluated here (the explanation says so); the real host uses flagdeck-core.
import type { FlagEnvironment } from '../bindings/FlagEnvironment';
import type { FlagFile } from '../bindings/FlagFile';
import type { Serve } from '../bindings/Serve';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import type { EnvImpact } from '../bindings/EnvImpact';
import type { Evaluation } from '../bindings/Evaluation';
import type { ExplainStep } from '../bindings/ExplainStep';
import type { PreviewFlag } from '../bindings/PreviewFlag';
import type { PreviewResult } from '../bindings/PreviewResult';
import type { PreviewServerInfo } from '../bindings/PreviewServerInfo';
import type { RebucketImpact } from '../bindings/RebucketImpact';
import type { RebucketSample } from '../bindings/RebucketSample';
import { BackendError } from './backend';
import { PROJECT } from './mockData';

type Json = JsonValue | null;
export type Store = { keys(kind: string): string[]; base(id: string): Json; content(id: string): Json; hasDraft(id: string): boolean };

const servers = new Map<number, PreviewServerInfo>();

export function answerIssue6(command: string, args: Record<string, unknown>, store: Store): unknown {
  const workspaceId = Number(args.workspaceId);
  switch (command) {
    case 'preview':
      return preview(store, args.context as Record<string, JsonValue>, Number(args.at), args.environments as string[], args.keys as string[] | null);
    case 'rebucketImpact':
      return rebucket(store, String(args.key), Number(args.at), args.sample as RebucketSample);
    case 'previewServerStart': {
      const port = Number(args.port) || 8016;
      const info: PreviewServerInfo = servers.get(workspaceId) ?? { workspaceId, url: `http://127.0.0.1:${port}`, port, pins: {}, startedAt: new Date().toISOString() };
      servers.set(workspaceId, info);
      return info;
    }
    case 'previewServerStop':
      servers.delete(workspaceId);
      return null;
    case 'previewServerStatus':
      return servers.get(workspaceId) ?? null;
    case 'previewServerPin': {
      const info = servers.get(workspaceId);
      if (!info) throw new BackendError({ code: 'refused', message: 'The preview server is not running: start it first.' });
      const pins = { ...info.pins };
      if (args.variation === null) delete pins[String(args.flag)];
      else pins[String(args.flag)] = String(args.variation);
      const next: PreviewServerInfo = { ...info, pins };
      servers.set(workspaceId, next);
      return next;
    }
    default:
      return undefined;
  }
}

function preview(store: Store, context: Record<string, JsonValue>, at: number, environments: string[], keys: string[] | null): PreviewResult {
  const flags: PreviewFlag[] = [];
  for (const key of keys ?? store.keys('flag')) {
    const published = store.base(`flag:${key}`) as FlagFile | null;
    const current = store.content(`flag:${key}`) as FlagFile | null;
    const shown = current ?? published;
    if (!shown) continue;
    const cells = environments.map((environment) => {
      const before = evaluate(published, environment, context, at);
      const after = store.hasDraft(`flag:${key}`) ? evaluate(current, environment, context, at) : null;
      const draft = after && JSON.stringify(after) !== JSON.stringify(before) ? after : null;
      return { environment, published: before, draft, changed: draft !== null && (draft.variant !== before.variant || JSON.stringify(draft.value) !== JSON.stringify(before.value)) };
    });
    flags.push({ key, name: shown.name, type: shown.type, environments: cells });
  }
  const declared = new Set(PROJECT.attributes.map((a) => a.key));
  const warnings = Object.keys(context).filter((k) => !declared.has(k)).map((k) => `The attribute ${k} is not declared in flagdeck.json.`);
  return { at, flags, warnings };
}

function evaluate(flag: FlagFile | null, environment: string, context: Record<string, JsonValue>, at: number): Evaluation {
  const steps: ExplainStep[] = [];
  const done = (variant: string | null, reason: string, errorCode: string | null = null): Evaluation => {
    const value = flag?.variations.find((v) => v.key === variant)?.value ?? null;
    steps.push({ kind: 'result', depth: 0, message: variant ? `Serves ${variant}.` : 'Serves the code default.', ...(variant ? { variation: variant } : {}) });
    return { value, variant, reason, errorCode, explain: steps };
  };
  const env = flag?.environments?.[environment];
  if (!flag || !env) {
    steps.push({ kind: 'environment', depth: 0, message: `The flag is not configured in ${environment}.` });
    return done(null, 'ERROR', 'FLAG_NOT_FOUND');
  }
  const live = inForce(env, at, steps);
  if (!live.enabled) {
    steps.push({ kind: 'disabled', depth: 0, message: 'The flag is switched off here: everyone gets the off variation.' });
    return done(live.offVariation, 'DISABLED');
  }
  const key = typeof context.targetingKey === 'string' ? context.targetingKey : null;
  for (const target of live.targets ?? []) {
    const hit = key !== null && target.keys.includes(key);
    steps.push({ kind: 'targets', depth: 0, message: `Target list for ${target.variation}: ${key ?? '(no targetingKey)'} ${hit ? 'is listed' : 'is not listed'}.`, matched: hit ? 'true' : 'false' });
    if (hit) return done(target.variation, 'TARGETING_MATCH');
  }
  if ((live.rules ?? []).length > 0) steps.push({ kind: 'rule', depth: 0, message: `${live.rules?.length} rule(s) skipped: the mock host does not evaluate rules.` });
  return serve(flag, live.fallthrough, context, steps, done);
}

function inForce(env: FlagEnvironment, at: number, steps: ExplainStep[]): FlagEnvironment {
  let live = env;
  for (const step of env.schedule ?? []) {
    if (Date.parse(step.at) / 1000 > at) continue;
    steps.push({ kind: 'schedule', depth: 0, message: `The schedule step of ${step.at} is in force.` });
    live = { ...live, ...(step.enabled != null ? { enabled: step.enabled } : {}), ...(step.fallthrough ? { fallthrough: step.fallthrough } : {}) };
  }
  return live;
}

function serve(flag: FlagFile, how: Serve, context: Record<string, JsonValue>, steps: ExplainStep[], done: (v: string | null, r: string) => Evaluation): Evaluation {
  if (how.variation) {
    steps.push({ kind: 'fallthrough', depth: 0, message: `No rule matched: the default serves ${how.variation}.`, variation: how.variation });
    return done(how.variation, 'DEFAULT');
  }
  const rollout = how.rollout ?? [];
  const by = how.bucketBy ?? PROJECT.bucketBy;
  const id = context[by];
  if (rollout.length === 0 || typeof id !== 'string') {
    steps.push({ kind: 'rollout', depth: 0, message: `No ${by} in the context: the rollout cannot bucket it.`, attribute: by });
    return done(null, 'ERROR');
  }
  const bucket = hash(`${flag.key}.${id}`) % 100_000;
  const total = rollout.reduce((sum, w) => sum + w.weight, 0) || 1;
  let edge = 0;
  for (const part of rollout) {
    edge += (part.weight / total) * 100_000;
    if (bucket < edge) {
      steps.push({ kind: 'rollout', depth: 0, message: `Rollout: bucket ${bucket} of 100,000 falls in ${part.variation}.`, bucket, variation: part.variation });
      return done(part.variation, 'SPLIT');
    }
  }
  return done(rollout[rollout.length - 1]?.variation ?? null, 'SPLIT');
}

/** FNV-1a, enough to spread mock buckets. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function rebucket(store: Store, key: string, at: number, sample: RebucketSample): RebucketImpact {
  const published = store.base(`flag:${key}`) as FlagFile | null;
  const current = store.content(`flag:${key}`) as FlagFile | null;
  const problems: string[] = [];
  let contexts: Record<string, JsonValue>[];
  if (sample.kind === 'generated') contexts = Array.from({ length: sample.count }, (_, i) => ({ targetingKey: `user-${sample.seed}-${i}` }));
  else ({ contexts } = fromCsv(sample.csv, problems));
  const triggers: string[] = [];
  const environments: EnvImpact[] = [];
  for (const { key: env, name } of PROJECT.environments) {
    const a = published?.environments?.[env]?.fallthrough;
    const b = current?.environments?.[env]?.fallthrough;
    if (JSON.stringify(a) !== JSON.stringify(b)) triggers.push(`${name}: weights of the default rollout changed`);
    const moves = new Map<string, { from: string | null; to: string | null; count: number }>();
    let changed = 0;
    for (const context of contexts) {
      const from = evaluate(published, env, context, at).variant;
      const to = evaluate(current, env, context, at).variant;
      if (from !== to) changed++;
      const id = `${from}>${to}`;
      const move = moves.get(id) ?? { from, to, count: 0 };
      move.count++;
      moves.set(id, move);
    }
    environments.push({ environment: env, total: contexts.length, changed, unbucketable: 0, transitions: [...moves.values()] });
  }
  return { key, sampleSize: contexts.length, triggers, environments, problems };
}

function fromCsv(csv: string, problems: string[]): { contexts: Record<string, JsonValue>[] } {
  const [header, ...rows] = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const columns = (header ?? '').split(',').map((c) => c.trim());
  const contexts: Record<string, JsonValue>[] = [];
  rows.forEach((line, index) => {
    const cells = line.split(',');
    const context: Record<string, JsonValue> = {};
    columns.forEach((column, c) => {
      const value = (cells[c] ?? '').trim();
      const attribute = PROJECT.attributes.find((a) => a.key === column);
      if (attribute?.values && value !== '' && !attribute.values.includes(value)) {
        problems.push(`Row ${index + 2}, column ${column}: '${value}' is not one of ${attribute.values.join(', ')}`);
      } else if (value !== '') context[column] = value;
    });
    contexts.push(context);
  });
  return { contexts };
}
