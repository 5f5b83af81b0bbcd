// A flag's state in one environment, as the host computes it for the list (EnvState.ts) and as
// the UI words it. `envStateOf` mirrors the Rust rule so the mock host and the editor's tabs say
// the same as the list: killed = disabled with an off variation; off = missing, or disabled
// without one (applications use their code default); scheduled = a schedule step still to come.
import type { EnvState } from '../bindings/EnvState';
import type { FlagEnvironment } from '../bindings/FlagEnvironment';

export type EnvStateName = EnvState['state'];

export const ENV_STATE_WORDS: Record<EnvStateName, string> = { on: 'On', off: 'Off', killed: 'Killed', scheduled: 'Scheduled' };

/** The filter's choices, in the order the list shows them. */
export const ENV_STATES: readonly EnvStateName[] = ['on', 'off', 'killed', 'scheduled'];

export function envStateOf(env: FlagEnvironment | null | undefined, now: Date = new Date()): EnvStateName {
  if (!env) return 'off';
  const steps = (env.schedule ?? []).map((s) => ({ at: Date.parse(s.at), enabled: s.enabled })).sort((a, b) => a.at - b.at);
  let enabled = env.enabled;
  // Steps that switch the environment on or off count from their instant on.
  for (const step of steps) if (step.at <= now.getTime() && typeof step.enabled === 'boolean') enabled = step.enabled;
  if (!enabled && env.offVariation) return 'killed';
  if (steps.some((s) => s.at > now.getTime())) return 'scheduled';
  return enabled ? 'on' : 'off';
}
