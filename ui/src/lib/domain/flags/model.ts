// Facts about a flag the editor needs in words: where a variation is used (so removing it can be
// refused with a reason), what users get when an environment is killed, and fresh parts (a new
// environment, rule or variation) with sensible defaults.
import type { FlagEnvironment } from '../../bindings/FlagEnvironment';
import type { FlagFile } from '../../bindings/FlagFile';
import type { Serve } from '../../bindings/Serve';
import type { Variation } from '../../bindings/Variation';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';

/** A variation's display name: its name, else its key. */
export function variationLabel(flag: FlagFile, key: string | null | undefined): string {
  if (!key) return '';
  const v = flag.variations.find((x) => x.key === key);
  return v?.name || key;
}

function serves(serve: Serve | null | undefined, key: string): boolean {
  if (!serve) return false;
  if (serve.variation === key) return true;
  if (serve.rollout?.some((w) => w.variation === key)) return true;
  return serve.ramp?.variation === key;
}

/** Every place that names variation `key`, in words ("Production: rule 'EU customers'"). */
export function variationUses(flag: FlagFile, key: string, envName: (env: string) => string = (e) => e): string[] {
  const uses: string[] = [];
  for (const [envKey, env] of Object.entries(flag.environments ?? {})) {
    const where = envName(envKey);
    if (env.offVariation === key) uses.push(`${where}: served when switched off`);
    if (env.targets?.some((t) => t.variation === key && t.keys.length > 0)) uses.push(`${where}: individual targets`);
    for (const [i, rule] of (env.rules ?? []).entries()) {
      if (serves(rule.serve, key)) uses.push(`${where}: rule '${rule.name || `#${i + 1}`}'`);
    }
    if (serves(env.fallthrough, key)) uses.push(`${where}: everyone else`);
    for (const step of env.schedule ?? []) {
      const inStep = serves(step.fallthrough, key) || Object.values(step.rules ?? {}).some((o) => serves(o.serve, key));
      if (inStep) uses.push(`${where}: the change scheduled for ${step.at}`);
    }
  }
  return uses;
}

/** What everyone in `envName` gets while the kill switch is on, as a sentence. */
export function killedSentence(flag: FlagFile, env: FlagEnvironment, envName: string): string {
  if (env.offVariation) return `Everyone in ${envName} will get '${variationLabel(flag, env.offVariation)}'.`;
  return `Everyone in ${envName} will get the application's built-in default.`;
}

/** What happens when the kill switch is turned off again, as a sentence. */
export function revivedSentence(env: FlagEnvironment, envName: string): string {
  const rules = env.rules?.length ?? 0;
  const ruleWords = rules === 0 ? '' : rules === 1 ? ', its rule' : `, its ${rules} rules`;
  return `${envName} will serve by its targets${ruleWords} and the default for everyone else again.`;
}

/** A fresh environment for a flag: on, serving the first variation, off → the "off" one. */
export function newEnvironment(flag: FlagFile): FlagEnvironment {
  const first = flag.variations[0]?.key ?? null;
  const off = flag.variations.find((v) => v.value === false)?.key ?? flag.variations[flag.variations.length - 1]?.key ?? null;
  return { enabled: true, offVariation: off, targets: [], rules: [], fallthrough: { variation: first } };
}

/** The first `prefix-N` not yet taken. */
export function freshKey(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n += 1) if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
}

/** A rule id unique within its environment. */
export function freshRuleId(env: FlagEnvironment): string {
  return freshKey('rule', (env.rules ?? []).map((r) => r.id));
}

/** A new variation for a flag of the given type, with a key not yet used. */
export function newVariation(flag: FlagFile): Variation {
  const key = freshKey('variation', flag.variations.map((v) => v.key));
  const values: Record<FlagFile['type'], JsonValue> = {
    boolean: !flag.variations.some((v) => v.value === true),
    string: '',
    number: 0,
    object: {},
  };
  return { key, name: `Variation ${flag.variations.length + 1}`, value: values[flag.type] };
}
