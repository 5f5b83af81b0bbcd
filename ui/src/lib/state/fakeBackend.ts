// A scripted Backend for unit tests: answers from handlers, records calls, emits events on demand.
import type { Backend } from '../backend';
import type { AppEvent } from '../bindings/AppEvent';
import type { CommandName } from '../bindings/Commands';
import type { Args, Result } from '../backend';

type Handler = (args: unknown) => unknown;

export class FakeBackend implements Backend {
  readonly host = 'http' as const;
  readonly calls: { command: string; args: unknown }[] = [];
  private listeners: ((events: AppEvent[]) => void)[] = [];
  private resyncs: (() => void)[] = [];

  constructor(private readonly handlers: Partial<Record<string, Handler>> = {}) {}

  on(command: string, handler: Handler): this {
    this.handlers[command] = handler;
    return this;
  }

  async call<C extends CommandName>(command: C, args: Args<C>): Promise<Result<C>> {
    this.calls.push({ command, args });
    const handler = this.handlers[command] ?? this.derived(command);
    if (!handler) throw new Error(`FakeBackend: no handler for ${command}`);
    return (await handler(args)) as Result<C>;
  }

  async onEvents(listener: (events: AppEvent[]) => void, onResync?: () => void): Promise<() => void> {
    this.listeners.push(listener);
    if (onResync) this.resyncs.push(onResync);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(events: unknown[]): void {
    for (const listener of this.listeners) listener(events as AppEvent[]);
  }

  /** As the HTTP host's `event: resync`: events were dropped. */
  resync(): void {
    for (const onResync of this.resyncs) onResync();
  }

  /** `listEntitiesStart` answered from `listEntities`, as the hosts do, when a test gives only that. */
  private derived(command: string): Handler | undefined {
    const list = this.handlers.listEntities;
    if (command !== 'listEntitiesStart' || !list) return undefined;
    return async (args) => {
      const items = (await list(args)) as unknown[];
      return { items: items.slice(0, (args as { limit: number }).limit), total: items.length };
    };
  }

  count(command: string): number {
    return this.calls.filter((c) => c.command === command).length;
  }
}
