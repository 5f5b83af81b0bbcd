// The persona editor's controller, on the segment editor's pattern: loads one persona, saves it
// as a draft after every discrete action (a name committed, an attribute set or cleared), keeps
// the save state and the problems by JSON pointer (`/context/plan`). Saves are serialised: the
// latest content wins, and a reload never lands on top of an edit still being saved.
import type { Backend } from '../backend';
import { BackendError } from '../backend';
import type { Diagnostic } from '../bindings/Diagnostic';
import type { Kind } from '../bindings/Kind';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { type Context, withAttribute } from '../domain/personas/context';
import { byPointer } from '../domain/segments/diagnostics';
import type { PersonaFile } from '../bindings/PersonaFile';
import type { SaveState } from './segmentEditor.svelte';

export type PersonaDraft = { key: string; name: string; description: string; context: Context };

export function personaFromFile(file: PersonaFile): PersonaDraft {
  const context = file.context && typeof file.context === 'object' && !Array.isArray(file.context) ? file.context : {};
  return { key: file.key, name: file.name ?? file.key, description: file.description ?? '', context: { ...context } };
}

/** The file as the format writes it: an empty description left out. */
export function personaToFile(draft: PersonaDraft): PersonaFile {
  const file: PersonaFile = { key: draft.key, name: draft.name, context: { ...draft.context } };
  if (draft.description.trim() !== '') file.description = draft.description;
  return file;
}

/** A new persona: only its targetingKey, so rollouts can place it. */
export function newPersona(key: string, name: string): PersonaFile {
  return { key, name: name.trim() || key, context: { targetingKey: key } };
}

export const PERSONA_KIND = 'persona' as Kind;

export class PersonaEditor {
  persona = $state<PersonaDraft | null>(null);
  phase = $state<'loading' | 'ready' | 'missing' | 'failed'>('loading');
  loadError = $state<string | null>(null);
  saveState = $state<SaveState | null>(null);
  diagnostics = $state<Diagnostic[]>([]);

  private pending: PersonaDraft | null = null;
  private saving: Promise<void> | null = null;
  private staleAfterSave = false;

  constructor(
    private readonly backend: Backend,
    private readonly workspaceId: number,
    readonly key: string,
  ) {}

  /** Problems of this persona's file by JSON pointer ("" = the whole file); errors first. */
  get fieldErrors(): Map<string, string> {
    return byPointer(this.diagnostics);
  }

  async load(): Promise<void> {
    try {
      const view = await this.backend.call('entity', { workspaceId: this.workspaceId, entity: { kind: PERSONA_KIND, key: this.key } });
      if (view.json === null || typeof view.json !== 'object' || Array.isArray(view.json)) {
        this.persona = null;
        this.phase = 'missing';
        return;
      }
      this.persona = personaFromFile(view.json as unknown as PersonaFile);
      this.diagnostics = own(view.diagnostics, this.key);
      this.saveState = view.hasDraft ? { kind: 'draft' } : { kind: 'published' };
      this.phase = 'ready';
    } catch (error) {
      if (error instanceof BackendError && error.code === 'notFound') {
        this.phase = 'missing';
        return;
      }
      this.loadError = messageOf(error);
      this.phase = 'failed';
    }
  }

  /** A change event named this persona (undo, redo, sync, an edit on disk). */
  async refresh(): Promise<void> {
    if (this.saving) {
      this.staleAfterSave = true;
      return;
    }
    await this.load();
  }

  setName(name: string): void {
    if (this.persona && name !== this.persona.name) void this.save({ ...this.persona, name });
  }

  setDescription(description: string): void {
    if (this.persona && description !== this.persona.description) void this.save({ ...this.persona, description });
  }

  /** Sets one attribute; `undefined` clears it (the attribute leaves the context). */
  setAttribute(attribute: string, value: JsonValue | undefined): void {
    if (!this.persona) return;
    if (value !== undefined && JSON.stringify(this.persona.context[attribute]) === JSON.stringify(value)) return;
    if (value === undefined && !(attribute in this.persona.context)) return;
    void this.save({ ...this.persona, context: withAttribute(this.persona.context, attribute, value) });
  }

  async delete(): Promise<boolean> {
    try {
      await this.settled();
      await this.backend.call('deleteEntity', { workspaceId: this.workspaceId, entity: { kind: PERSONA_KIND, key: this.key } });
      return true;
    } catch (error) {
      this.saveState = { kind: 'error', message: messageOf(error) };
      return false;
    }
  }

  async settled(): Promise<void> {
    while (this.saving) await this.saving;
  }

  private save(next: PersonaDraft): Promise<void> {
    this.persona = next;
    this.pending = next;
    this.saveState = { kind: 'saving' };
    this.saving ??= this.drain();
    return this.saving;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const draft = this.pending;
        this.pending = null;
        // A plain copy (the draft is a reactive proxy); JSON is all a persona holds.
        const json = JSON.parse(JSON.stringify(personaToFile(draft))) as JsonValue;
        try {
          const outcome = await this.backend.call('saveEntity', {
            workspaceId: this.workspaceId,
            entity: { kind: PERSONA_KIND, key: this.key },
            json,
          });
          this.diagnostics = own(outcome.diagnostics, this.key);
          if (!this.pending) this.saveState = outcome.hasDraft ? { kind: 'draft' } : { kind: 'published' };
        } catch (error) {
          this.saveState = { kind: 'error', message: messageOf(error) };
          this.pending = null;
          this.staleAfterSave = true;
        }
      }
    } finally {
      this.saving = null;
    }
    if (this.staleAfterSave) {
      this.staleAfterSave = false;
      const failed = this.saveState?.kind === 'error' ? this.saveState : null;
      await this.refresh();
      if (failed) this.saveState = failed;
    }
  }
}

function own(diagnostics: readonly Diagnostic[], key: string): Diagnostic[] {
  return diagnostics.filter((d) => d.file === `personas/${key}.json`);
}

function messageOf(error: unknown): string {
  if (error instanceof BackendError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
