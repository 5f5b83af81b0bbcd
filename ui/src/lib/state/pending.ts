// Adapters for the parts of the host contract (UI.md) whose bindings arrive when the Rust
// helpers' branches merge: `EntityListItem.environments`, `AppEvent.progress` and the `openDemo`
// command. Everything that touches them goes through this one file.
// TODO(after merge): use the generated types and `backend.call('openDemo', {})` directly.
import type { Backend } from '../backend';
import type { AppEvent } from '../bindings/AppEvent';
import type { EntityListItem } from '../bindings/EntityListItem';
import type { WorkspaceInfo } from '../bindings/WorkspaceInfo';

/** A flag's state in one environment (UI.md: killed > scheduled > on/off). */
export type EnvStateName = 'on' | 'off' | 'killed' | 'scheduled';
export type EnvState = { key: string; state: EnvStateName };

/** A list entry with its per-environment states (empty or absent for segments). */
export type ListItem = EntityListItem & { environments?: EnvState[] };

/** A long task's progress (cloning a repository). */
export type Progress = { task: string; done: number; total: number; message: string };

/** A change event, including the `progress` subject. */
export type LiveEvent = Omit<AppEvent, 'subject'> & {
  subject: AppEvent['subject'] | 'progress';
  progress?: Progress;
};

type DemoCaller = { call(command: 'openDemo', args: Record<string, never>): Promise<WorkspaceInfo> };

/** Opens (creating on first use) the demo workspace. */
export function callOpenDemo(backend: Backend): Promise<WorkspaceInfo> {
  return (backend as unknown as DemoCaller).call('openDemo', {});
}
