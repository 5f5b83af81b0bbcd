// The preview screen's controller: who (a persona, or an ad-hoc context seeded from one), when
// (now, next week, any instant), where (environments side by side), and the result of `preview`
// for every flag. Runs again, debounced, whenever one of them changes or a draft is saved.
import type { Backend } from '../backend';
import { BackendError } from '../backend';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { type Context, withAttribute } from '../domain/personas/context';
import { nextWeek } from '../domain/preview/instant';
import type { PersonaFile } from '../bindings/PersonaFile';
import type { PreviewResult } from '../bindings/PreviewResult';
import { PERSONA_KIND } from './personaEditor.svelte';

/** Which persona the preview opens with (set by "Preview as …" in the persona editor). */
export const previewChoice = $state<{ persona: string | null }>({ persona: null });

export type InstantMode = 'now' | 'nextWeek' | 'custom';
const DEBOUNCE_MS = 120;

export class PreviewState {
  personaKey = $state<string | null>(null);
  context = $state<Context>({});
  /** The context differs from the chosen persona's (edited ad hoc). */
  edited = $state(false);
  mode = $state<InstantMode>('now');
  /** Unix seconds of the chosen instant (ignored in `now` mode, which asks at run time). */
  at = $state(Math.floor(Date.now() / 1000));
  environments = $state<string[]>([]);
  query = $state('');
  changesOnly = $state(false);
  result = $state.raw<PreviewResult | null>(null);
  running = $state(false);
  error = $state<string | null>(null);

  private personaContext: Context = {};
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;

  constructor(
    private readonly backend: Backend,
    private readonly workspaceId: number,
    private readonly timeZone: string,
    private readonly clock: () => Date = now,
  ) {}

  async choosePersona(key: string | null): Promise<void> {
    this.personaKey = key;
    if (key === null) {
      this.personaContext = {};
      this.context = {};
      this.edited = false;
      this.schedule();
      return;
    }
    try {
      const view = await this.backend.call('entity', { workspaceId: this.workspaceId, entity: { kind: PERSONA_KIND, key } });
      const file = view.json as unknown as PersonaFile | null;
      this.personaContext = file?.context && typeof file.context === 'object' ? { ...file.context } : {};
    } catch (error) {
      this.personaContext = {};
      this.error = messageOf(error);
    }
    if (this.personaKey !== key) return;
    this.context = { ...this.personaContext };
    this.edited = false;
    this.schedule();
  }

  setAttribute(key: string, value: JsonValue | undefined): void {
    this.context = withAttribute(this.context, key, value);
    this.edited = JSON.stringify(sorted(this.context)) !== JSON.stringify(sorted(this.personaContext));
    this.schedule();
  }

  resetContext(): void {
    this.context = { ...this.personaContext };
    this.edited = false;
    this.schedule();
  }

  setNow(): void {
    this.mode = 'now';
    this.at = Math.floor(this.clock().getTime() / 1000);
    this.schedule();
  }

  setNextWeek(): void {
    this.mode = 'nextWeek';
    this.at = Math.floor(nextWeek(this.clock(), this.timeZone).getTime() / 1000);
    this.schedule();
  }

  setAt(seconds: number): void {
    this.mode = 'custom';
    this.at = seconds;
    this.schedule();
  }

  toggleEnvironment(key: string, order: readonly string[]): void {
    const on = this.environments.includes(key);
    if (on && this.environments.length === 1) return;
    const next = on ? this.environments.filter((e) => e !== key) : [...this.environments, key];
    this.environments = order.filter((e) => next.includes(e));
    this.schedule();
  }

  /** The instant the next run asks about. */
  instant(): number {
    return this.mode === 'now' ? Math.floor(this.clock().getTime() / 1000) : this.at;
  }

  /** Runs `preview` after a short pause (typing, clicking through environments). */
  schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, DEBOUNCE_MS);
  }

  async run(): Promise<void> {
    if (this.environments.length === 0) return;
    const generation = ++this.generation;
    this.running = true;
    try {
      const at = this.instant();
      if (this.mode === 'now') this.at = at;
      const result = await this.backend.call('preview', {
        workspaceId: this.workspaceId, context: JSON.parse(JSON.stringify(this.context)) as Context, at, environments: [...this.environments], keys: null,
      });
      if (generation !== this.generation) return;
      this.result = result;
      this.error = null;
    } catch (error) {
      if (generation !== this.generation) return;
      this.error = messageOf(error);
    } finally {
      if (generation === this.generation) this.running = false;
    }
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.generation++;
  }
}

/** The wall clock (tests pass their own). */
function now(): Date {
  return new Date(Date.now());
}

function sorted(context: Context): [string, JsonValue][] {
  return Object.entries(context).sort(([a], [b]) => a.localeCompare(b));
}

function messageOf(error: unknown): string {
  if (error instanceof BackendError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
