// Dev-only mock host, loaded by main.ts only when the URL has `?mock` (a separate chunk that
// production never fetches otherwise). It keeps the example project in memory and answers the
// commands the shell and the editors use, with change events, so screens can be looked at and
// screenshotted without a Rust host. `?mock=empty` starts with no workspace (the welcome screen),
// `?mock=10000` adds that many synthetic flags, `&fail=<command>` makes a command fail offline.
import type { AppEvent } from '../bindings/AppEvent';
import type { CommandName } from '../bindings/Commands';
import type { EntityListItem } from '../bindings/EntityListItem';
import type { EnvState } from '../bindings/EnvState';
import type { FlagFile } from '../bindings/FlagFile';
import type { Serve } from '../bindings/Serve';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import type { WorkspaceInfo } from '../bindings/WorkspaceInfo';
import { type Args, type Backend, BackendError, type Result } from './backend';
import { FLAGS, PROJECT, SEGMENTS, syntheticFlag } from './mockData';
import { PERSONAS } from './mockData';
import { type Store, answerIssue6 } from './mockPreview';
import { answerGovernance } from './mockGovernance';
import { answerSettings, mockSyncStatus } from './mockSettings';
import { envStateOf } from '../state/envState';
import { FREEZES, calendarEntries, demoSchedules, type MockFlag } from './mockCalendar';

type Json = JsonValue | null;
type Listener = (events: AppEvent[]) => void;
const NOW = '2026-11-21T00:00:00Z';

export class MockBackend implements Backend {
  readonly host = 'http' as const;
  private workspaces: WorkspaceInfo[] = [];
  private base = new Map<string, Json>();
  private drafts = new Map<string, Json>();
  private undoStack: { id: string; before: Json | undefined }[] = [];
  private redoStack: { id: string; before: Json | undefined }[] = [];
  private listeners: Listener[] = [];
  private nextId = 2;

  constructor(private readonly options: { empty: boolean; extraFlags: number; fail: string | null }) {
    if (!options.empty) this.workspaces.push(this.demoInfo());
    for (const seg of SEGMENTS) this.base.set(`segment:${seg.key}`, seg as unknown as JsonValue);
    for (const flag of FLAGS) this.base.set(`flag:${flag.key}`, flag as unknown as JsonValue);
    for (const persona of PERSONAS) this.base.set(`persona:${persona.key}`, persona as unknown as JsonValue);
    for (let i = 0; i < options.extraFlags; i++) this.base.set(`flag:${syntheticFlag(i).key}`, null);
    // Scheduled steps for the release calendar (one flag's as a draft).
    const scheduled = demoSchedules(FLAGS);
    for (const flag of scheduled.base) this.base.set(`flag:${flag.key}`, flag as unknown as JsonValue);
    for (const flag of scheduled.drafts) this.drafts.set(`flag:${flag.key}`, flag as unknown as JsonValue);
    // Two drafts, so "unpublished" shows.
    this.drafts.set('flag:banner-color', { ...(FLAGS[1] as unknown as Record<string, JsonValue>), owner: 'dana', tags: ['design', 'marketing', 'q4'] });
    // Issue 6: drafts that change what people see (preview) and who gets what (rebucketing),
    // made from the scheduled versions so the calendar keeps their steps.
    const scheduledBase = (key: string): FlagFile | undefined => this.base.get(`flag:${key}`) as unknown as FlagFile | undefined;
    this.drafts.set('flag:hero-image', withDefault(scheduledBase('hero-image'), 'production', { variation: 'winter' }));
    this.drafts.set('flag:search-algorithm', withDefault(scheduledBase('search-algorithm'), 'production', { rollout: [{ variation: 'semantic', weight: 20 }, { variation: 'classic', weight: 80 }] }));
    this.drafts.set('flag:onboarding-tour', { ...(FLAGS[8] as unknown as Record<string, JsonValue>), description: 'Guided tour for new users, now with video' });
  }

  static fromUrl(search: string): MockBackend {
    const params = new URLSearchParams(search);
    const mock = params.get('mock') ?? '';
    return new MockBackend({ empty: mock === 'empty', extraFlags: Number(mock) || 0, fail: params.get('fail') });
  }

  async call<C extends CommandName>(command: C, args: Args<C>): Promise<Result<C>> {
    await new Promise((r) => setTimeout(r, 30));
    if (this.options.fail === command) {
      throw new BackendError({ code: 'offline', message: 'Could not reach git.example.com (network is unreachable).' });
    }
    return this.answer(command, args as Record<string, unknown>) as Result<C>;
  }

  async onEvents(listener: Listener): Promise<() => void> {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  private answer(command: string, args: Record<string, unknown>): unknown {
    const issue6 = answerIssue6(command, args, this.store);
    if (issue6 !== undefined) return issue6;
    const governance = answerGovernance(command, args, this.store, (ids) => ids.forEach((id) => this.publishDraft(id)));
    if (governance !== undefined) return governance;
    const settings = answerSettings(command, args, (events) => this.emit(events));
    if (settings !== undefined) return settings;
    switch (command) {
      case 'workspaces':
        return this.workspaces;
      case 'openDemo':
        if (!this.workspaces.some((w) => w.id === 1)) this.workspaces.push(this.demoInfo());
        return this.demoInfo();
      case 'createLocalWorkspace':
      case 'openFolderWorkspace':
        return this.addWorkspace(String(args.name), command === 'createLocalWorkspace' ? 'local' : 'folder', String(args.folder ?? `/home/me/.local/share/flagdeck/${args.name}`), null);
      case 'createGitWorkspace':
        return this.cloneSlowly(String(args.name), String(args.url));
      case 'removeWorkspace':
        this.workspaces = this.workspaces.filter((w) => w.id !== args.workspaceId);
        return null;
      case 'project':
        return { ...PROJECT, freezes: FREEZES };
      case 'calendar':
        return calendarEntries(this.calendarFlags(), String(args.from), String(args.to), Date.now());
      case 'listEntities':
        return this.list(String(args.kind));
      case 'listEntitiesStart': {
        const items = this.list(String(args.kind));
        return { items: items.slice(0, Number(args.limit)), total: items.length };
      }
      case 'entity':
        return this.entity(args.entity as { kind: string; key: string });
      case 'saveEntity':
      case 'deleteEntity':
        return this.save(Number(args.workspaceId), args.entity as { kind: string; key: string }, command === 'saveEntity' ? (args.json as Json) : null);
      case 'undo':
      case 'redo':
        return this.step(Number(args.workspaceId), command);
      case 'status':
        return { drafts: this.drafts.size, openConflicts: 0, resolvedConflicts: 0, pendingPush: this.drafts.size > 0, lastSync: 'succeeded', lastSyncSummary: null, canUndo: this.undoStack.length > 0, canRedo: this.redoStack.length > 0, governanceViolations: 0, ...mockSyncStatus() };
      case 'validate':
      case 'conflicts':
      case 'auditLog':
        return [];
      default:
        throw new BackendError({ code: 'invalidInput', message: `The mock host does not know "${command}".` });
    }
  }

  private readonly store: Store = {
    keys: (kind) => this.list(kind).filter((item) => item.state !== 'deleted').map((item) => item.key),
    base: (id) => this.baseOf(id),
    content: (id) => this.content(id),
    hasDraft: (id) => this.drafts.has(id),
  };

  /** Makes an entity's draft its published content (a mock change request was published). */
  private publishDraft(id: string): void {
    if (!this.drafts.has(id)) return;
    const json = this.drafts.get(id) ?? null;
    this.drafts.delete(id);
    if (json === null) this.base.delete(id);
    else this.base.set(id, json);
    const [kind, ...key] = id.split(':');
    this.emit([{ workspaceId: 1, subject: 'base', entityKind: kind as AppEvent['entityKind'], key: key.join(':'), change: 'updated', source: 'sync' }]);
  }

  private demoInfo(): WorkspaceInfo {
    return { id: 1, name: 'Demo', kind: 'git', location: '/home/me/.local/share/flagdeck/demo', remoteUrl: 'file:///home/me/.local/share/flagdeck/demo.git', baseCommit: 'a1b2c3d' };
  }

  private addWorkspace(name: string, kind: WorkspaceInfo['kind'], location: string, remoteUrl: string | null): WorkspaceInfo {
    const info = { id: this.nextId++, name, kind, location, remoteUrl, baseCommit: null };
    this.workspaces.push(info);
    return info;
  }

  private async cloneSlowly(name: string, url: string): Promise<WorkspaceInfo> {
    for (let done = 0; done <= 100; done += 20) {
      this.emit([{ workspaceId: 0, subject: 'progress', change: 'updated', source: 'user', progress: { task: 'clone', done, total: 100, message: 'Receiving objects' } }]);
      await new Promise((r) => setTimeout(r, 250));
    }
    return this.addWorkspace(name, 'git', `/home/me/.local/share/flagdeck/${name}`, url);
  }

  private baseOf(id: string): Json {
    const base = this.base.get(id);
    if (base === null && id.startsWith('flag:generated-')) return syntheticFlag(Number(id.slice(15))) as unknown as JsonValue;
    return base ?? null;
  }

  private content(id: string): Json {
    return this.drafts.has(id) ? (this.drafts.get(id) ?? null) : this.baseOf(id);
  }

  private list(kind: string): EntityListItem[] {
    const ids = new Set([...this.base.keys(), ...this.drafts.keys()].filter((id) => id.startsWith(`${kind}:`)));
    const items: EntityListItem[] = [];
    for (const id of ids) {
      const json = this.content(id) as Record<string, unknown> | null;
      const key = id.slice(kind.length + 1);
      const state = !this.drafts.has(id) ? 'unchanged' : !this.base.has(id) ? 'added' : json === null ? 'deleted' : 'modified';
      const shown = (json ?? this.baseOf(id)) as Record<string, unknown> | null;
      items.push({ kind: kind as EntityListItem['kind'], key, name: (shown?.name as string) ?? null, description: (shown?.description as string) ?? null, flagType: (shown?.type as string) ?? null, tags: (shown?.tags as string[]) ?? [], owner: (shown?.owner as string) ?? null, state, environments: kind === 'flag' && json !== null ? envStates(shown as FlagFile | null) : [] });
    }
    return items.sort((a, b) => a.key.localeCompare(b.key));
  }

  private calendarFlags(): MockFlag[] {
    const ids = new Set([...this.base.keys(), ...this.drafts.keys()].filter((id) => id.startsWith('flag:')));
    return [...ids]
      .map((id) => ({ current: this.content(id) as unknown as FlagFile | null, base: this.baseOf(id) as unknown as FlagFile | null }))
      .filter((f): f is MockFlag => f.current !== null);
  }

  private entity(ref: { kind: string; key: string }): unknown {
    const id = `${ref.kind}:${ref.key}`;
    return { entity: ref, json: this.content(id), base: this.baseOf(id), hasDraft: this.drafts.has(id), diagnostics: [] };
  }

  private save(workspaceId: number, ref: { kind: string; key: string }, json: Json): unknown {
    const id = `${ref.kind}:${ref.key}`;
    this.undoStack.push({ id, before: this.drafts.has(id) ? this.drafts.get(id) : undefined });
    this.redoStack = [];
    this.drafts.set(id, json);
    this.emit([{ workspaceId, subject: 'draft', entityKind: ref.kind as AppEvent['entityKind'], key: ref.key, change: 'updated', source: 'user' }]);
    return { hasDraft: true, diagnostics: [] };
  }

  private step(workspaceId: number, command: 'undo' | 'redo'): boolean {
    const [from, to] = command === 'undo' ? [this.undoStack, this.redoStack] : [this.redoStack, this.undoStack];
    const entry = from.pop();
    if (!entry) return false;
    to.push({ id: entry.id, before: this.drafts.has(entry.id) ? this.drafts.get(entry.id) : undefined });
    if (entry.before === undefined) this.drafts.delete(entry.id);
    else this.drafts.set(entry.id, entry.before);
    const [kind, ...key] = entry.id.split(':');
    this.emit([{ workspaceId, subject: 'draft', entityKind: kind as AppEvent['entityKind'], key: key.join(':'), change: 'updated', source: 'user' }]);
    return true;
  }

  private emit(events: AppEvent[]): void {
    setTimeout(() => this.listeners.forEach((l) => l(events)), 0);
  }
}

/** A copy of `flag` whose default in `env` serves `fallthrough` (a draft for the previews). */
function withDefault(flag: FlagFile | undefined, env: string, fallthrough: Serve): JsonValue {
  const copy = JSON.parse(JSON.stringify(flag ?? {})) as FlagFile;
  const target = copy.environments?.[env];
  if (target) target.fallthrough = fallthrough;
  return copy as unknown as JsonValue;
}

function envStates(flag: FlagFile | null): EnvState[] {
  return PROJECT.environments.map(({ key }) => ({ key, state: envStateOf(flag?.environments?.[key], new Date(NOW)) }));
}
