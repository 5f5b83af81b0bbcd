// The root controller: the backend, the open workspace, its project settings, the normalized
// entity lists (fed by change events), the route, and the user-facing messages.
//
// Contract for views (helpers code against these members; the shell owns the implementation):
//   app.backend                 the Backend
//   app.workspaceId             number | null — the open workspace
//   app.project                 ProjectInfo | null — environments and typed attributes
//   app.flags / app.segments    EntityListItem[] (with per-environment states) of the open
//                               workspace, kept fresh by events
//   app.status                  StatusView | null
//   app.route / app.navigate(r) where the user is
//   app.fail(error)             shows an error (BackendError → a headline by code + its message)
//   app.notify(text)            a short confirmation
//   app.entityVersion           `${kind}:${key}` → number; bumps when someone other than the
//                               editor changed the entity (watcher, sync, import, undo/redo), so
//                               open editors reload. The editor's own saves do not bump it.
// Shell-only members: workspaces, phase, progress, flagFilter, segmentQuery, open*/create*/remove*, undo/redo, start/stop.
import type { Backend } from '../backend';
import type { AppEvent } from '../bindings/AppEvent';
import type { EntityListItem } from '../bindings/EntityListItem';
import type { Progress } from '../bindings/Progress';
import type { Kind } from '../bindings/Kind';
import type { ProjectInfo } from '../bindings/ProjectInfo';
import type { StatusView } from '../bindings/StatusView';
import type { WorkspaceInfo } from '../bindings/WorkspaceInfo';
import { type Plan, Throttle, addEverything, addToPlan, emptyPlan } from './changes';
import { type Toast, ToastList } from './toasts.svelte';
import { type ListFilter, NO_FILTER } from './listFilter';
import { type Route, hashToRoute, routeToHash } from './route';
import { WorkspaceMemory } from './memory';
import { markStep } from './readiness';

export type { Toast } from './toasts.svelte';
/** starting: first load; welcome: no workspace yet; loading: opening one; ready: one is open. */
export type Phase = 'starting' | 'welcome' | 'loading' | 'ready';

/**
 * How many flags the window asks for first: more than a screenful. A 10,000-flag list is
 * 2.8 MB, which takes longer to receive and read than to show (docs/BENCHMARKS.md).
 */
export const FIRST_ROWS = 100;

/** How long bursts of events are gathered before the lists are refetched. */
export const REFRESH_MS = 150;
/** How long after undo/redo the user's own events still reload open editors. */
const UNDO_ECHO_MS = 1500;

export class AppState {
  readonly backend: Backend;
  workspaces = $state<WorkspaceInfo[]>([]);
  workspaceId = $state<number | null>(null);
  phase = $state<Phase>('starting');
  project = $state<ProjectInfo | null>(null);
  flags = $state.raw<EntityListItem[]>([]);
  segments = $state.raw<EntityListItem[]>([]);
  /** The project's personas (`personas/<key>.json`). */
  personas = $state.raw<EntityListItem[]>([]);
  /**
   * False while only the first rows of the flags are in (`flagCount` says how many there are)
   * and the segments are on their way: views say "loading" rather than "none" or "no match".
   */
  listsComplete = $state(false);
  /** How many flags the workspace has, known before the whole list arrives. */
  flagCount = $state(0);
  status = $state<StatusView | null>(null);
  route = $state<Route>({ screen: 'flags' });
  entityVersion = $state<Record<string, number>>({});
  progress = $state<Progress | null>(null);
  /** The lists' search and filters, kept while the user visits an editor. */
  flagFilter = $state<ListFilter>({ ...NO_FILTER });
  segmentQuery = $state('');
  private readonly messages = new ToastList();
  private plan: Plan = emptyPlan();
  private readonly throttle = new Throttle(REFRESH_MS, () => void this.applyPlan());
  private ownEchoUntil = 0;
  private unsubscribe: (() => void) | null = null;
  private readonly memory: WorkspaceMemory;

  constructor(backend: Backend, memory = new WorkspaceMemory()) {
    this.backend = backend;
    this.memory = memory;
  }

  get workspace(): WorkspaceInfo | null {
    return this.workspaces.find((w) => w.id === this.workspaceId) ?? null;
  }

  /** Subscribes to events, lists the workspaces and reopens the last one. */
  async start(): Promise<void> {
    try {
      this.unsubscribe = await this.backend.onEvents(
        (events) => this.receive(events),
        () => this.resync(),
      );
    } catch (error) {
      // Without events the lists only refresh on reopening; still better than no app.
      this.fail(error);
    }
    try {
      this.workspaces = await this.backend.call('workspaces', {});
      markStep('workspaces');
    } catch (error) {
      this.fail(error);
    }
    // The workspace the host was started with (serve DIR); else the last one used; else the only
    // one there is, so a single workspace never needs a choice.
    const byId = (id: number | null | undefined) => this.workspaces.find((w) => w.id === id);
    const last =
      byId(this.backend.startWorkspace) ?? byId(this.memory.get()) ?? (this.workspaces.length === 1 ? this.workspaces[0] : undefined);
    if (last) await this.openWorkspace(last.id);
    else if (this.workspaces.length > 0) {
      this.phase = 'ready';
      this.navigate({ screen: 'workspaces' });
    } else this.phase = 'welcome';
  }

  stop(): void {
    this.unsubscribe?.();
    this.throttle.cancel();
  }

  async openWorkspace(id: number): Promise<boolean> {
    this.phase = 'loading';
    this.workspaceId = id;
    this.listsComplete = false;
    try {
      const [project, start, status] = await Promise.all([
        this.backend.call('project', { workspaceId: id }).finally(() => markStep('project')),
        this.backend.call('listEntitiesStart', { workspaceId: id, kind: 'flag', limit: FIRST_ROWS }).finally(() => markStep('firstFlags')),
        this.backend.call('status', { workspaceId: id }).finally(() => markStep('status')),
      ]);
      if (this.workspaceId !== id) return false;
      this.project = project;
      this.flags = start.items;
      this.flagCount = start.total;
      this.segments = [];
      this.status = status;
      this.memory.set(id);
      this.phase = 'ready';
      void this.completeLists(id);
      return true;
    } catch (error) {
      this.fail(error);
      this.clearWorkspace();
      this.phase = this.workspaces.length > 0 ? 'ready' : 'welcome';
      if (this.workspaces.length > 0) this.navigate({ screen: 'workspaces' });
      return false;
    }
  }

  /** The whole flags list, the segments and the personas, after the first rows are shown. */
  private async completeLists(id: number): Promise<void> {
    await Promise.all([this.reloadList(id, 'flag'), this.reloadList(id, 'segment'), this.reloadPersonas(id)]);
    if (this.workspaceId === id) this.listsComplete = true;
  }

  openDemo(): Promise<boolean> {
    return this.adopt(() => this.backend.call('openDemo', {}));
  }

  createLocal(name: string, example: boolean): Promise<boolean> {
    return this.adopt(() => this.backend.call('createLocalWorkspace', { name, example }));
  }

  openFolder(name: string, folder: string): Promise<boolean> {
    return this.adopt(() => this.backend.call('openFolderWorkspace', { name, folder }));
  }

  async clone(name: string, url: string): Promise<boolean> {
    this.progress = { task: 'clone', done: 0, total: 0, message: 'Connecting…' };
    try {
      return await this.adopt(() => this.backend.call('createGitWorkspace', { name, url }));
    } finally {
      this.progress = null;
    }
  }

  async removeWorkspace(id: number): Promise<void> {
    try {
      await this.backend.call('removeWorkspace', { workspaceId: id });
      this.workspaces = this.workspaces.filter((w) => w.id !== id);
      if (this.workspaceId === id) {
        this.clearWorkspace();
        this.memory.set(null);
      }
      if (this.workspaces.length === 0) this.phase = 'welcome';
    } catch (error) {
      this.fail(error);
    }
  }

  undo(): Promise<void> {
    return this.step('undo');
  }

  redo(): Promise<void> {
    return this.step('redo');
  }

  navigate(route: Route): void {
    this.route = route;
    if (typeof window !== 'undefined') {
      const hash = routeToHash(route);
      if (window.location.hash !== hash) window.history.pushState(null, '', hash);
    }
  }

  routeFromLocation(hash: string): void {
    this.route = hashToRoute(hash);
  }

  get toasts(): Toast[] {
    return this.messages.items;
  }

  fail(error: unknown): void {
    this.messages.error(error);
  }

  notify(text: string): void {
    this.messages.info(text);
  }

  dismiss(id: number): void {
    this.messages.dismiss(id);
  }

  private clearWorkspace(): void {
    this.workspaceId = null;
    this.project = null;
    this.flags = [];
    this.flagCount = 0;
    this.segments = [];
    this.personas = [];
    this.listsComplete = false;
    this.status = null;
  }

  /** Runs a command that yields a workspace, lists it and opens it. */
  private async adopt(create: () => Promise<WorkspaceInfo>): Promise<boolean> {
    let info: WorkspaceInfo;
    try {
      info = await create();
    } catch (error) {
      this.fail(error);
      return false;
    }
    this.workspaces = [...this.workspaces.filter((w) => w.id !== info.id), info];
    const opened = await this.openWorkspace(info.id);
    if (opened) this.navigate({ screen: 'flags' });
    return opened;
  }

  private async step(command: 'undo' | 'redo'): Promise<void> {
    const id = this.workspaceId;
    if (id === null) return;
    this.ownEchoUntil = Date.now() + UNDO_ECHO_MS;
    try {
      const done = await this.backend.call(command, { workspaceId: id });
      if (!done) this.notify(command === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
      this.ownEchoUntil = Date.now() + UNDO_ECHO_MS;
      this.status = await this.backend.call('status', { workspaceId: id });
    } catch (error) {
      this.fail(error);
    }
  }

  private receive(events: AppEvent[]): void {
    for (const event of events) {
      if (event.subject === 'progress' && event.progress) this.progress = event.progress;
    }
    addToPlan(this.plan, events, this.workspaceId, Date.now() < this.ownEchoUntil);
    this.throttle.poke();
  }

  /** Events were dropped on the way: reload the workspaces and everything of the open one. */
  private resync(): void {
    addEverything(this.plan);
    this.throttle.poke();
  }

  /** Refetches what the gathered events touched; public for tests. */
  async applyPlan(): Promise<void> {
    const plan = this.plan;
    this.plan = emptyPlan();
    const id = this.workspaceId;
    const jobs: Promise<void>[] = [];
    if (plan.workspaces) jobs.push(this.reloadWorkspaces());
    if (id !== null) {
      for (const kind of plan.kinds) jobs.push(this.reloadList(id, kind));
      if (plan.status) jobs.push(this.reloadStatus(id));
      if (plan.base) jobs.push(this.reloadPersonas(id));
    }
    await Promise.all(jobs);
    if (plan.base) for (const item of [...this.flags, ...this.segments, ...this.personas]) plan.entities.add(`${item.kind}:${item.key}`);
    for (const key of plan.entities) this.entityVersion[key] = (this.entityVersion[key] ?? 0) + 1;
  }

  private async reloadList(id: number, kind: Kind): Promise<void> {
    if (kind === 'project') return this.reloadProject(id);
    if ((kind as string) === 'persona') return this.reloadPersonas(id);
    if (kind !== 'flag' && kind !== 'segment') return;
    try {
      const items = await this.backend.call('listEntities', { workspaceId: id, kind });
      if (this.workspaceId !== id) return;
      if (kind === 'flag') {
        this.flags = items;
        this.flagCount = items.length;
      } else this.segments = items;
    } catch (error) {
      this.fail(error);
    }
  }

  /** Reloads the personas list. */
  async reloadPersonas(id: number): Promise<void> {
    try {
      const items = await this.backend.call('listEntities', { workspaceId: id, kind: 'persona' });
      if (this.workspaceId !== id) return;
      this.personas = items;
    } catch (error) {
      if (this.workspaceId !== id) return;
      this.personas = [];
      this.fail(error);
    }
  }

  private async reloadProject(id: number): Promise<void> {
    try {
      const project = await this.backend.call('project', { workspaceId: id });
      if (this.workspaceId === id) this.project = project;
    } catch (error) {
      this.fail(error);
    }
  }

  private async reloadStatus(id: number): Promise<void> {
    try {
      const status = await this.backend.call('status', { workspaceId: id });
      if (this.workspaceId === id) this.status = status;
    } catch (error) {
      this.fail(error);
    }
  }

  private async reloadWorkspaces(): Promise<void> {
    try {
      this.workspaces = await this.backend.call('workspaces', {});
      markStep('workspaces');
    } catch (error) {
      this.fail(error);
    }
  }
}
