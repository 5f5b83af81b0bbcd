// Controllers of the Changes screens. `ChangesState`: the drafts (with their sentences and a
// selection), the change requests, and making a request from the chosen drafts (a normal one
// for review, or an emergency one with a reason where the policy allows). `ChangeRequestState`:
// one request and what the user may do with it. Both reload when the shell's status changes
// (a draft saved, a sync, an undo): the host sends no separate event for change requests.
import type { Backend } from '../backend';
import { BackendError } from '../backend';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import {
  type ChangeView, type DraftChange, type EntityId, type IdentityStatus, type PublishReport,
  entityKey, isActive,
} from '../domain/changes/model';

/** What the policy says about emergency changes (policy.json `emergency`), read for the UI. */
export type EmergencyPolicy = { allowed: boolean; environments: string[] | null };

const NO_EMERGENCY: EmergencyPolicy = { allowed: false, environments: null };

export class ChangesState {
  drafts = $state.raw<DraftChange[]>([]);
  requests = $state.raw<ChangeView[]>([]);
  identity = $state.raw<IdentityStatus | null>(null);
  emergency = $state.raw<EmergencyPolicy>(NO_EMERGENCY);
  /** Person id → name, from `people/`. */
  names = $state.raw<Record<string, string>>({});
  /** `entityKey`s of the chosen drafts. */
  selected = $state<string[]>([]);
  loading = $state(true);
  /** Show every request, or only those still open or approved. */
  showAll = $state(false);

  constructor(
    private readonly backend: Backend,
    private readonly workspaceId: number,
    private readonly fail: (error: unknown) => void,
  ) {}

  get shownRequests(): ChangeView[] {
    return this.showAll ? this.requests : this.requests.filter(isActive);
  }

  get chosen(): DraftChange[] {
    return this.drafts.filter((d) => this.selected.includes(entityKey(d.entity)));
  }

  /** The signed-in person's id, or null without an identity. */
  get me(): string | null {
    return this.identity?.person?.id ?? null;
  }

  async load(): Promise<void> {
    const id = this.workspaceId;
    try {
      const [drafts, requests, identity, emergency] = await Promise.all([
        this.backend.call('draftChanges', { workspaceId: id }),
        this.backend.call('changeRequests', { workspaceId: id }),
        this.backend.call('identity', {}),
        readEmergencyPolicy(this.backend, id),
      ]);
      this.drafts = drafts;
      this.requests = requests;
      this.identity = identity;
      this.emergency = emergency;
      // Drafts that went away (published, discarded) leave the selection.
      const present = drafts.map((d) => entityKey(d.entity));
      this.selected = this.selected.filter((k) => present.includes(k));
      this.names = await loadNames(this.backend, id);
    } catch (error) {
      this.fail(error);
    } finally {
      this.loading = false;
    }
  }

  toggle(key: string): void {
    this.selected = this.selected.includes(key) ? this.selected.filter((k) => k !== key) : [...this.selected, key];
  }

  /** Chooses every draft, or none when all are chosen already. */
  toggleAll(): void {
    this.selected = this.selected.length === this.drafts.length ? [] : this.drafts.map((d) => entityKey(d.entity));
  }

  /** Makes a change request of the chosen drafts; returns it, or throws a BackendError. */
  async requestReview(title: string, description: string): Promise<ChangeView> {
    const view = await this.backend.call('createChangeRequest', {
      workspaceId: this.workspaceId, title: title.trim(), description: description.trim() === '' ? null : description.trim(), entities: this.chosenEntities(),
    });
    this.selected = [];
    return view;
  }

  /** Makes an emergency change request of the chosen drafts (the reason is required). */
  async requestEmergency(title: string, reason: string): Promise<ChangeView> {
    const view = await this.backend.call('createEmergencyChangeRequest', {
      workspaceId: this.workspaceId, title: title.trim(), reason: reason.trim(), entities: this.chosenEntities(),
    });
    this.selected = [];
    return view;
  }

  private chosenEntities(): EntityId[] {
    return this.chosen.map((d) => d.entity);
  }
}

/** The number of requests still open or approved, for the navigation's count. */
export async function countOpen(backend: Backend, workspaceId: number): Promise<number> {
  const requests = await backend.call('changeRequests', { workspaceId });
  return requests.filter(isActive).length;
}

export type Action = 'approve' | 'reject' | 'comment' | 'withdraw' | 'update' | 'publish';

export class ChangeRequestState {
  view = $state.raw<ChangeView | null>(null);
  identity = $state.raw<IdentityStatus | null>(null);
  /** Person id → name, from `people/`. */
  names = $state.raw<Record<string, string>>({});
  /** Why the request could not be shown (not found...), in words. */
  problem = $state<string | null>(null);
  busy = $state<Action | null>(null);
  /** Index of each line whose field-level view is open. */
  expanded = $state<number[]>([]);

  constructor(
    private readonly backend: Backend,
    private readonly workspaceId: number,
    readonly id: string,
    private readonly fail: (error: unknown) => void,
  ) {}

  get me(): string | null {
    return this.identity?.person?.id ?? null;
  }

  get isAuthor(): boolean {
    return this.view !== null && this.me !== null && this.view.request.author === this.me;
  }

  get active(): boolean {
    return this.view !== null && isActive(this.view);
  }

  nameOf(personId: string): string {
    return this.names[personId] ?? personId;
  }

  async load(): Promise<void> {
    try {
      const [view, identity] = await Promise.all([
        this.backend.call('changeRequest', { workspaceId: this.workspaceId, id: this.id }),
        this.backend.call('identity', {}),
      ]);
      this.view = view;
      this.identity = identity;
      this.problem = null;
    } catch (error) {
      if (error instanceof BackendError && error.code === 'notFound') this.problem = error.message;
      else this.fail(error);
    }
    this.names = await loadNames(this.backend, this.workspaceId);
  }

  toggleLine(index: number): void {
    this.expanded = this.expanded.includes(index) ? this.expanded.filter((i) => i !== index) : [...this.expanded, index];
  }

  approve(comment: string): Promise<boolean> {
    return this.run('approve', () => this.backend.call('approveChangeRequest', { workspaceId: this.workspaceId, id: this.id, comment: blankToNull(comment) }));
  }

  reject(comment: string): Promise<boolean> {
    return this.run('reject', () => this.backend.call('rejectChangeRequest', { workspaceId: this.workspaceId, id: this.id, comment: blankToNull(comment) }));
  }

  comment(text: string): Promise<boolean> {
    return this.run('comment', () => this.backend.call('commentChangeRequest', { workspaceId: this.workspaceId, id: this.id, text: text.trim() }));
  }

  withdraw(): Promise<boolean> {
    return this.run('withdraw', () => this.backend.call('withdrawChangeRequest', { workspaceId: this.workspaceId, id: this.id }));
  }

  update(): Promise<boolean> {
    return this.run('update', () => this.backend.call('updateChangeRequest', { workspaceId: this.workspaceId, id: this.id }));
  }

  /** Publishes; returns what publishing did, or null after a failure (already shown). */
  async publish(): Promise<PublishReport | null> {
    if (this.busy !== null) return null;
    this.busy = 'publish';
    try {
      const report = await this.backend.call('publishChangeRequest', { workspaceId: this.workspaceId, id: this.id });
      await this.load();
      return report;
    } catch (error) {
      this.fail(error);
      return null;
    } finally {
      this.busy = null;
    }
  }

  private async run(action: Action, call: () => Promise<ChangeView>): Promise<boolean> {
    if (this.busy !== null) return false;
    this.busy = action;
    try {
      this.view = await call();
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    } finally {
      this.busy = null;
    }
  }
}

/** Person id → name from the project's `people/`; empty when they cannot be listed (ids are shown then). */
async function loadNames(backend: Backend, workspaceId: number): Promise<Record<string, string>> {
  try {
    const people = await backend.call('listEntities', { workspaceId, kind: 'person' });
    return Object.fromEntries(people.filter((p) => p.name).map((p) => [p.key, p.name as string]));
  } catch {
    return {};
  }
}

function blankToNull(text: string): string | null {
  return text.trim() === '' ? null : text.trim();
}

/** policy.json's `emergency`, read defensively (an absent or unreadable policy allows none). */
async function readEmergencyPolicy(backend: Backend, workspaceId: number): Promise<EmergencyPolicy> {
  try {
    const view = await backend.call('entity', { workspaceId, entity: { kind: 'policy', key: 'policy' } });
    const emergency = field(view.json, 'emergency');
    if (field(emergency, 'allowed') !== true) return NO_EMERGENCY;
    const environments = field(emergency, 'environments');
    return { allowed: true, environments: Array.isArray(environments) ? environments.filter((e): e is string => typeof e === 'string') : null };
  } catch {
    return NO_EMERGENCY;
  }
}

function field(value: JsonValue | null | undefined, key: string): JsonValue | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value[key] : undefined;
}

/** The navigation's count of open change requests; null until known (or on a host without them). */
export class OpenChangesCount {
  count = $state<number | null>(null);
  private generation = 0;

  async refresh(backend: Backend, workspaceId: number | null): Promise<void> {
    const generation = ++this.generation;
    if (workspaceId === null) {
      this.count = null;
      return;
    }
    try {
      const count = await countOpen(backend, workspaceId);
      if (generation === this.generation) this.count = count;
    } catch {
      // A count is not worth a toast: the Changes screen reports failures itself.
      if (generation === this.generation) this.count = null;
    }
  }
}
