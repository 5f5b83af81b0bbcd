// Turns bursts of change events into one refresh plan. A sync can send thousands of events; the
// shell applies them at most once per interval (a trailing throttle), refetching each affected
// list once instead of once per event.
import type { Kind } from '../bindings/Kind';
import type { AppEvent } from '../bindings/AppEvent';

/** What a batch of events asks the shell to reload. */
export type Plan = {
  /** Lists to refetch (`project`: the project's settings). */
  kinds: Set<Kind>;
  /** `${kind}:${key}` of entities whose open editors should reload. */
  entities: Set<string>;
  /** A new base: every entity may have changed. */
  base: boolean;
  status: boolean;
  workspaces: boolean;
};

export function emptyPlan(): Plan {
  return { kinds: new Set(), entities: new Set(), base: false, status: false, workspaces: false };
}

/**
 * Adds `events` for workspace `workspaceId` to `plan`. `bumpOwn` says whether the user's own
 * writes reload editors too (yes after undo/redo; no for the editor's own saves, which would
 * otherwise reload it under the user's fingers).
 */
export function addToPlan(plan: Plan, events: AppEvent[], workspaceId: number | null, bumpOwn: boolean): Plan {
  for (const event of events) {
    if (event.subject === 'workspace') {
      plan.workspaces = true;
      // The open workspace itself changed (re-imported, re-cloned): refetch everything shown.
      if (event.workspaceId === workspaceId) {
        plan.status = true;
        plan.kinds.add('flag').add('segment').add('project');
      }
      continue;
    }
    if (event.workspaceId !== workspaceId || event.subject === 'progress') continue;
    switch (event.subject) {
      case 'draft':
      case 'conflict':
        plan.status = true;
        if (event.entityKind) {
          plan.kinds.add(event.entityKind);
          if (event.key && (event.source !== 'user' || bumpOwn)) {
            plan.entities.add(`${event.entityKind}:${event.key}`);
          }
        }
        break;
      case 'base':
        plan.base = true;
        plan.status = true;
        plan.kinds.add('flag').add('segment').add('project');
        break;
      case 'syncRun':
        plan.status = true;
        break;
      default:
        break;
    }
  }
  return plan;
}

/** Marks everything of the open workspace for reloading: events were lost (a resync). */
export function addEverything(plan: Plan): Plan {
  plan.workspaces = true;
  plan.base = true;
  plan.status = true;
  plan.kinds.add('flag').add('segment').add('project');
  return plan;
}

/** Calls `flush` at most once per `ms`, after the first call to `poke` since the last flush. */
export class Throttle {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ms: number,
    private readonly flush: () => void,
  ) {}

  poke(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.ms);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
