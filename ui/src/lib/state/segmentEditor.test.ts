import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend';
import { BackendError } from '../backend';
import type { Diagnostic } from '../bindings/Diagnostic';
import { SegmentEditor, fromFile, saveStateText, toFile } from './segmentEditor.svelte';

type Call = { command: string; args: Record<string, unknown> };

/** A backend holding one segment in memory, recording calls; saves wait until released. */
function fakeBackend(stored: Record<string, unknown> | null, options: { holdSaves?: boolean } = {}) {
  const calls: Call[] = [];
  const releases: (() => void)[] = [];
  let current = stored;
  let diagnostics: Diagnostic[] = [];
  let failNextSave: BackendError | null = null;
  const backend: Backend = {
    host: 'http',
    async onEvents() {
      return () => {};
    },
    call: (async (command: string, args: Record<string, unknown>) => {
      calls.push({ command, args: structuredClone(args) });
      if (command === 'entity') {
        if (current === null) throw new BackendError({ code: 'notFound', message: 'No such segment' });
        return { entity: args.entity, json: current, base: stored, hasDraft: current !== stored, diagnostics };
      }
      if (command === 'saveEntity') {
        if (options.holdSaves) await new Promise<void>((resolve) => releases.push(resolve));
        if (failNextSave) {
          const error = failNextSave;
          failNextSave = null;
          throw error;
        }
        current = args.json as Record<string, unknown>;
        return { hasDraft: true, diagnostics };
      }
      if (command === 'segmentUsage') {
        return [{ kind: 'flag', key: 'new-checkout', name: 'New checkout', environment: 'production', rule: 'beta' }];
      }
      throw new Error(`unexpected ${command}`);
    }) as Backend['call'],
  };
  return {
    backend,
    calls,
    saves: () => calls.filter((c) => c.command === 'saveEntity').map((c) => c.args.json),
    release: () => releases.shift()?.(),
    setDiagnostics: (d: Diagnostic[]) => (diagnostics = d),
    failNextSave: (e: BackendError) => (failNextSave = e),
    stored: () => current,
  };
}

const BETA = {
  key: 'beta-testers',
  name: 'Beta testers',
  description: 'Opted into beta',
  when: { attribute: 'beta', op: 'is_true' },
  include: ['user-1', 'user-2'],
  exclude: ['user-9'],
};

function diagnostic(pointer: string, message: string, severity: 'error' | 'warning' = 'error'): Diagnostic {
  return { severity, code: 'invalid-key', file: 'segments/beta-testers.json', pointer, line: null, column: null, message };
}

describe('SegmentEditor', () => {
  it('loads the segment and shows it as published when it has no draft', async () => {
    const fake = fakeBackend(BETA);
    const editor = new SegmentEditor(fake.backend, 7, 'beta-testers');
    await editor.load();
    expect(editor.phase).toBe('ready');
    expect(editor.segment?.include).toEqual(['user-1', 'user-2']);
    expect(editor.saveState).toEqual({ kind: 'published' });
    expect(fake.calls[0]).toEqual({ command: 'entity', args: { workspaceId: 7, entity: { kind: 'segment', key: 'beta-testers' } } });
  });

  it('says when the segment does not exist', async () => {
    const editor = new SegmentEditor(fakeBackend(null).backend, 1, 'gone');
    await editor.load();
    expect(editor.phase).toBe('missing');
  });

  it('saves the whole segment after adding keys, and refuses duplicates without saving', async () => {
    const fake = fakeBackend(BETA);
    const editor = new SegmentEditor(fake.backend, 1, 'beta-testers');
    await editor.load();
    const added = editor.addKeys('include', 'user-3, user-4');
    expect(added.message).toBeNull();
    expect(editor.saveState).toEqual({ kind: 'saving' });
    await editor.settled();
    expect(fake.saves()).toEqual([{ ...BETA, include: ['user-1', 'user-2', 'user-3', 'user-4'] }]);
    expect(editor.saveState).toEqual({ kind: 'draft' });

    const refused = editor.addKeys('include', 'user-1');
    expect(refused.message).toBe('user-1 is already in the list, so it was not added again.');
    await editor.settled();
    expect(fake.saves()).toHaveLength(1);
  });

  it('removes a key and leaves empty lists and descriptions out of the file', async () => {
    const fake = fakeBackend({ key: 'vip', name: 'VIP', include: ['user-42'] });
    const editor = new SegmentEditor(fake.backend, 1, 'vip');
    await editor.load();
    editor.removeKey('include', 'user-42');
    editor.setDescription('   ');
    await editor.settled();
    expect(fake.stored()).toEqual({ key: 'vip', name: 'VIP' });
  });

  it('queues edits made while a save is in flight and saves the latest content last', async () => {
    const fake = fakeBackend(BETA, { holdSaves: true });
    const editor = new SegmentEditor(fake.backend, 1, 'beta-testers');
    await editor.load();
    editor.addKeys('exclude', 'user-8');
    editor.setName('Beta');
    editor.addKeys('include', 'user-5');
    // The first save is in flight; the other two edits wait and are sent as one.
    await Promise.resolve();
    fake.release();
    await new Promise((r) => setTimeout(r, 0));
    fake.release();
    await editor.settled();
    const saves = fake.saves();
    expect(saves).toHaveLength(2);
    expect(saves[1]).toEqual({ ...BETA, name: 'Beta', include: ['user-1', 'user-2', 'user-5'], exclude: ['user-9', 'user-8'] });
    expect(editor.segment?.name).toBe('Beta');
  });

  it('defers a reload asked for during a save until the saves are done', async () => {
    const fake = fakeBackend(BETA, { holdSaves: true });
    const editor = new SegmentEditor(fake.backend, 1, 'beta-testers');
    await editor.load();
    editor.setName('Beta');
    await editor.refresh();
    expect(fake.calls.filter((c) => c.command === 'entity')).toHaveLength(1);
    expect(editor.segment?.name).toBe('Beta');
    fake.release();
    await editor.settled();
    expect(fake.calls.filter((c) => c.command === 'entity')).toHaveLength(2);
    expect(editor.segment?.name).toBe('Beta');
  });

  it('maps diagnostics of its own file to fields, errors before warnings', async () => {
    const fake = fakeBackend(BETA);
    fake.setDiagnostics([
      diagnostic('/include/0', 'user-1 is also excluded', 'warning'),
      diagnostic('/include/0', 'Not a key'),
      { ...diagnostic('/name', 'elsewhere'), file: 'segments/other.json' },
    ]);
    const editor = new SegmentEditor(fake.backend, 1, 'beta-testers');
    await editor.load();
    expect([...editor.fieldErrors]).toEqual([['/include/0', 'Not a key']]);
  });

  it('shows a failed save in the save state and reloads what is stored', async () => {
    const fake = fakeBackend(BETA);
    const editor = new SegmentEditor(fake.backend, 1, 'beta-testers');
    await editor.load();
    fake.failNextSave(new BackendError({ code: 'busy', message: 'The workspace is syncing.' }));
    editor.setName('Beta');
    await editor.settled();
    expect(editor.saveState).toEqual({ kind: 'error', message: 'The workspace is syncing.' });
    expect(saveStateText(editor.saveState ?? { kind: 'saving' })).toBe('Not saved: The workspace is syncing.');
    expect(editor.segment?.name).toBe('Beta testers');
  });

  it('finds keys in both lists', async () => {
    const editor = new SegmentEditor(fakeBackend({ ...BETA, exclude: ['user-2'] }).backend, 1, 'beta-testers');
    await editor.load();
    expect(editor.inBoth).toEqual(['user-2']);
  });

  it('loads where the segment is used', async () => {
    const fake = fakeBackend(BETA);
    const editor = new SegmentEditor(fake.backend, 3, 'beta-testers');
    await editor.loadUsage();
    expect(editor.usage?.[0]?.key).toBe('new-checkout');
    expect(fake.calls[0]).toEqual({ command: 'segmentUsage', args: { workspaceId: 3, key: 'beta-testers' } });
  });
});

describe('fromFile and toFile', () => {
  it('round-trip a full segment', () => {
    expect(toFile(fromFile(BETA))).toEqual(BETA);
  });

  it('the save-state words are the ones UI.md fixes', () => {
    expect(saveStateText({ kind: 'saving' })).toBe('Saving…');
    expect(saveStateText({ kind: 'draft' })).toBe('Saved as draft');
    expect(saveStateText({ kind: 'published' })).toBe('Published');
  });
});
