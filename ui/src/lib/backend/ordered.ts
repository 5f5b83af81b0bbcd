// Keeps the window's writes in the order the person made them. Both hosts run requests
// concurrently (HTTP requests on a thread pool, Tauri commands on the blocking pool), so an
// "undo" clicked right after flipping a switch could reach the app before that flip's save and
// undo the step before it. Writes therefore go one after another; reads never wait. A sync is
// not queued: it is long, and the app merges drafts saved while it runs.
import type { AppEvent } from '../bindings/AppEvent';
import type { CommandName } from '../bindings/Commands';
import type { Args, Backend, Result } from './backend';

/** Commands that change drafts, whose order matters to undo and redo. */
export const ORDERED_WRITES: ReadonlySet<CommandName> = new Set<CommandName>([
  'saveEntity',
  'deleteEntity',
  'discard',
  'undo',
  'redo',
  'resolveConflict',
]);

export class OrderedBackend implements Backend {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly inner: Backend) {}

  get host(): Backend['host'] {
    return this.inner.host;
  }

  get startWorkspace(): number | undefined {
    return this.inner.startWorkspace;
  }

  call<C extends CommandName>(command: C, args: Args<C>): Promise<Result<C>> {
    if (!ORDERED_WRITES.has(command)) return this.inner.call(command, args);
    const run = this.last.then(
      () => this.inner.call(command, args),
      () => this.inner.call(command, args),
    );
    this.last = run.catch(() => undefined);
    return run;
  }

  onEvents(listener: (events: AppEvent[]) => void, onResync?: () => void): Promise<() => void> {
    return this.inner.onEvents(listener, onResync);
  }
}
