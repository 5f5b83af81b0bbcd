// An in-memory Backend for the dev harness: `entity` / `saveEntity` over the example flags, with
// a tiny validator (unknown variations, rollouts not summing to 100) so field errors show.
import type { Backend } from '../src/lib/backend';
import type { Diagnostic } from '../src/lib/bindings/Diagnostic';
import type { FlagFile } from '../src/lib/bindings/FlagFile';
import type { Serve } from '../src/lib/bindings/Serve';
import type { JsonValue } from '../src/lib/bindings/serde_json/JsonValue';
import { totalOf } from '../src/lib/domain/flags/rollout';
import { pointer } from '../src/lib/domain/flags/pointer';

function diagnose(flag: FlagFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const keys = new Set(flag.variations.map((v) => v.key));
  const problem = (at: string, message: string): Diagnostic => ({
    severity: 'error', code: 'unknown-variation', file: `flags/${flag.key}.json`, pointer: at, line: null, column: null, message,
  });
  const check = (serve: Serve, at: string, where: string) => {
    if (serve.variation && !keys.has(serve.variation)) out.push(problem(at, `${where} serves '${serve.variation}', which is not a variation of '${flag.key}'.`));
    if (serve.rollout && totalOf(serve.rollout) !== 100_000) out.push({ ...problem(`${at}/rollout`, `${where}: the percentages add up to ${totalOf(serve.rollout) / 1000}, not 100.`), code: 'weights-do-not-sum' });
  };
  for (const [envKey, env] of Object.entries(flag.environments ?? {})) {
    (env.rules ?? []).forEach((rule, i) => check(rule.serve, `${pointer('environments', envKey, 'rules', i)}/serve`, `Rule '${rule.name ?? rule.id}' in ${envKey}`));
    check(env.fallthrough, pointer('environments', envKey, 'fallthrough'), `The default in ${envKey}`);
  }
  return out;
}

export function fakeBackend(flags: FlagFile[], onSaved: (key: string) => void, latencyMs = 150): Backend {
  const base = new Map(flags.map((f) => [f.key, JSON.stringify(f)]));
  const current = new Map(base);
  const wait = () => new Promise((r) => setTimeout(r, latencyMs));
  return {
    host: 'http',
    async call(command: string, args: unknown): Promise<never> {
      await wait();
      const a = args as { entity: { key: string }; json?: JsonValue };
      const text = current.get(a.entity?.key);
      if (command === 'entity') {
        const json = text ? (JSON.parse(text) as FlagFile) : null;
        const view = {
          entity: { kind: 'flag', key: a.entity.key }, json, base: JSON.parse(base.get(a.entity.key) ?? 'null'),
          hasDraft: text !== base.get(a.entity.key), diagnostics: json ? diagnose(json) : [],
        };
        return view as never;
      }
      if (command === 'saveEntity' && a.json) {
        const saved = JSON.stringify(a.json);
        current.set(a.entity.key, saved);
        setTimeout(() => onSaved(a.entity.key), 0);
        return { hasDraft: saved !== base.get(a.entity.key), diagnostics: diagnose(a.json as unknown as FlagFile) } as never;
      }
      throw { code: 'notFound', message: `The dev harness does not know '${command}'.` };
    },
    async onEvents() {
      return () => {};
    },
  } as Backend;
}
