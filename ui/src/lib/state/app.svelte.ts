// The root controller: the backend, the open workspace, its project settings, the normalized
// entity lists (fed by change events), the route, and the user-facing messages.
//
// Contract for views (helpers code against these members; the shell owns the implementation):
//   app.backend                 the Backend
//   app.workspaceId             number | null — the open workspace
//   app.project                 ProjectInfo | null — environments and typed attributes
//   app.flags / app.segments    EntityListItem[] of the open workspace, kept fresh by events
//   app.status                  StatusView | null
//   app.route / app.navigate(r) where the user is
//   app.fail(error)             shows an error (BackendError → its message, by code)
//   app.notify(text)            a short confirmation
//   app.entityVersion           bumps on every event for an entity: `${kind}:${key}` → number
import type { Backend } from '../backend';
import { BackendError } from '../backend';
import type { EntityListItem } from '../bindings/EntityListItem';
import type { ProjectInfo } from '../bindings/ProjectInfo';
import type { StatusView } from '../bindings/StatusView';
import { type Route, hashToRoute, routeToHash } from './route';

export type Toast = { id: number; kind: 'error' | 'info'; text: string };

export class AppState {
  readonly backend: Backend;
  workspaceId = $state<number | null>(null);
  project = $state<ProjectInfo | null>(null);
  flags = $state<EntityListItem[]>([]);
  segments = $state<EntityListItem[]>([]);
  status = $state<StatusView | null>(null);
  route = $state<Route>({ screen: 'flags' });
  toasts = $state<Toast[]>([]);
  entityVersion = $state<Record<string, number>>({});
  private nextToast = 1;

  constructor(backend: Backend) {
    this.backend = backend;
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

  fail(error: unknown): void {
    const text = error instanceof BackendError ? error.message : String(error);
    this.push('error', text);
  }

  notify(text: string): void {
    this.push('info', text);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  private push(kind: Toast['kind'], text: string): void {
    const id = this.nextToast++;
    this.toasts = [...this.toasts, { id, kind, text }];
  }
}
