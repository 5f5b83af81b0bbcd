// The segment editor's controller: loads one segment, saves it after every discrete action
// (a name committed, a chip added or removed, a condition changed), and keeps the save state,
// the diagnostics by JSON pointer and the "where used" list. Saves are serialised: the latest
// content always wins, and a reload never lands on top of an edit still being saved.
import type { Backend } from '../backend';
import { BackendError } from '../backend';
import type { Condition } from '../bindings/Condition';
import type { Diagnostic } from '../bindings/Diagnostic';
import type { SegmentFile } from '../bindings/SegmentFile';
import { byPointer, ownDiagnostics } from '../domain/segments/diagnostics';
import { type AddResult, type ListName, addKeys, keysInBoth, removeKey } from '../domain/segments/keyList';
import { type SegmentUse, fetchSegmentUsage } from '../domain/segments/usage';

export type SaveState =
  | { kind: 'saving' }
  | { kind: 'draft' }
  | { kind: 'published' }
  | { kind: 'error'; message: string };

/** The words UI.md fixes for the `save-state` element. */
export function saveStateText(state: SaveState): string {
  switch (state.kind) {
    case 'saving':
      return 'Saving…';
    case 'draft':
      return 'Saved as draft';
    case 'published':
      return 'Published';
    case 'error':
      return `Not saved: ${state.message}`;
  }
}

/** The editable fields of a segment, always present so the view binds without null checks. */
export type SegmentDraft = {
  key: string;
  name: string;
  description: string;
  when: Condition | null;
  include: string[];
  exclude: string[];
};

export function fromFile(file: SegmentFile): SegmentDraft {
  return {
    key: file.key,
    name: file.name,
    description: file.description ?? '',
    when: file.when ?? null,
    include: [...(file.include ?? [])],
    exclude: [...(file.exclude ?? [])],
  };
}

/** The file as the format writes it: empty optional fields left out. */
export function toFile(draft: SegmentDraft): SegmentFile {
  const file: SegmentFile = { key: draft.key, name: draft.name };
  if (draft.description.trim() !== '') file.description = draft.description;
  if (draft.when) file.when = draft.when;
  if (draft.include.length > 0) file.include = [...draft.include];
  if (draft.exclude.length > 0) file.exclude = [...draft.exclude];
  return file;
}

export class SegmentEditor {
  segment = $state<SegmentDraft | null>(null);
  /** `loading` until the first answer; `missing` when the segment does not exist (any more). */
  phase = $state<'loading' | 'ready' | 'missing' | 'failed'>('loading');
  loadError = $state<string | null>(null);
  saveState = $state<SaveState | null>(null);
  diagnostics = $state<Diagnostic[]>([]);
  usage = $state<SegmentUse[] | null>(null);
  usageError = $state<string | null>(null);

  private readonly backend: Backend;
  private readonly workspaceId: number;
  readonly key: string;
  /** The content waiting to be saved after the save in flight. */
  private pending: SegmentDraft | null = null;
  private saving: Promise<void> | null = null;
  /** A change event arrived while saving: reload once the saves are done. */
  private staleAfterSave = false;

  constructor(backend: Backend, workspaceId: number, key: string) {
    this.backend = backend;
    this.workspaceId = workspaceId;
    this.key = key;
  }

  /** Problems of this segment's file, by JSON pointer ("" = the whole file); errors first. */
  get fieldErrors(): Map<string, string> {
    return byPointer(this.diagnostics);
  }

  /** Keys in both include and exclude (include wins; the view explains it). */
  get inBoth(): string[] {
    return this.segment ? keysInBoth(this.segment.include, this.segment.exclude) : [];
  }

  async load(): Promise<void> {
    try {
      const view = await this.backend.call('entity', {
        workspaceId: this.workspaceId,
        entity: { kind: 'segment', key: this.key },
      });
      if (view.json === null || typeof view.json !== 'object' || Array.isArray(view.json)) {
        this.segment = null;
        this.phase = 'missing';
        return;
      }
      this.segment = fromFile(view.json as unknown as SegmentFile);
      this.diagnostics = ownDiagnostics(view.diagnostics, this.key);
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

  /** Called when a change event names this segment (undo, redo, sync, an edit on disk). */
  async refresh(): Promise<void> {
    if (this.saving) {
      this.staleAfterSave = true;
      return;
    }
    await Promise.all([this.load(), this.loadUsage()]);
  }

  async loadUsage(): Promise<void> {
    try {
      this.usage = await fetchSegmentUsage(this.backend, this.workspaceId, this.key);
      this.usageError = null;
    } catch (error) {
      this.usageError = messageOf(error);
    }
  }

  setName(name: string): void {
    if (this.segment && name !== this.segment.name) this.save({ ...this.segment, name });
  }

  setDescription(description: string): void {
    if (this.segment && description !== this.segment.description) this.save({ ...this.segment, description });
  }

  setCondition(when: Condition | null): void {
    if (this.segment) this.save({ ...this.segment, when });
  }

  /** Adds the keys typed or pasted into one list; returns what happened for the chips' message. */
  addKeys(list: ListName, text: string): AddResult {
    if (!this.segment) return { next: [], added: [], message: null };
    const result = addKeys(this.segment[list], text);
    if (result.added.length > 0) this.save({ ...this.segment, [list]: result.next });
    return result;
  }

  removeKey(list: ListName, key: string): void {
    if (!this.segment) return;
    const next = removeKey(this.segment[list], key);
    if (next.length !== this.segment[list].length) this.save({ ...this.segment, [list]: next });
  }

  /** Shows `next` at once and saves it after any save in flight. */
  private save(next: SegmentDraft): Promise<void> {
    this.segment = next;
    this.pending = next;
    this.saveState = { kind: 'saving' };
    this.saving ??= this.drain();
    return this.saving;
  }

  /** Waits for every queued save (tests and the view's teardown use it). */
  async settled(): Promise<void> {
    while (this.saving) await this.saving;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const draft = this.pending;
        this.pending = null;
        try {
          const outcome = await this.backend.call('saveEntity', {
            workspaceId: this.workspaceId,
            entity: { kind: 'segment', key: this.key },
            json: toFile($state.snapshot(draft) as SegmentDraft),
          });
          this.diagnostics = ownDiagnostics(outcome.diagnostics, this.key);
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
      // A failed save stays visible after the reload shows what is really stored.
      if (failed) this.saveState = failed;
    }
  }
}

function messageOf(error: unknown): string {
  if (error instanceof BackendError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
