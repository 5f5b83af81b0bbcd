import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend';
import type { FlagFile } from '../bindings/FlagFile';
import { AppState } from './app.svelte';
import { FlagEditor } from './flagEditor.svelte';

type Call = { command: string; args: unknown };

function fakeBackend(flag: FlagFile, calls: Call[], gate?: Promise<void>): Backend {
  let stored: unknown = structuredClone(flag);
  return {
    host: 'http',
    async call(command: string, args: unknown) {
      calls.push({ command, args: structuredClone(args) });
      if (command === 'entity') return { entity: { kind: 'flag', key: flag.key }, json: stored, base: flag, hasDraft: false, diagnostics: [] };
      if (command === 'saveEntity') {
        if (gate) await gate;
        stored = (args as { json: unknown }).json;
        return { hasDraft: true, diagnostics: [{ severity: 'error', code: 'invalid-key', file: 'flags/x.json', pointer: '/name', line: null, column: null, message: 'Bad name.' }] };
      }
      throw new Error(`unexpected ${command}`);
    },
    async onEvents() {
      return () => {};
    },
  } as Backend;
}

const flag: FlagFile = { key: 'x', name: 'X', type: 'boolean', variations: [{ key: 'on', value: true }, { key: 'off', value: false }] };

describe('FlagEditor', () => {
  it('loads, saves an edit as a draft and maps diagnostics to pointers', async () => {
    const calls: Call[] = [];
    const app = new AppState(fakeBackend(flag, calls));
    app.workspaceId = 3;
    const editor = new FlagEditor(app, 'x');
    await editor.load();
    expect(editor.flag?.name).toBe('X');
    expect(editor.saveText).toBe('Published');
    editor.edit((f) => { f.name = 'Renamed'; });
    expect(editor.saveText).toBe('Saving…');
    await new Promise((r) => setTimeout(r, 0));
    expect(editor.saveText).toBe('Saved as draft');
    expect(editor.errors.get('/name')).toBe('Bad name.');
    const save = calls.find((c) => c.command === 'saveEntity');
    expect(save?.args).toMatchObject({ workspaceId: 3, entity: { kind: 'flag', key: 'x' }, json: { name: 'Renamed' } });
  });

  it('folds edits made during a save into one follow-up save and skips outside reloads meanwhile', async () => {
    const calls: Call[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const app = new AppState(fakeBackend(flag, calls, gate));
    app.workspaceId = 1;
    const editor = new FlagEditor(app, 'x');
    await editor.load();
    editor.edit((f) => { f.name = 'A'; });
    editor.edit((f) => { f.name = 'B'; });
    editor.edit((f) => { f.name = 'C'; });
    editor.reloadIfIdle();
    open();
    await new Promise((r) => setTimeout(r, 0));
    const saves = calls.filter((c) => c.command === 'saveEntity');
    expect(saves.map((s) => (s.args as { json: { name: string } }).json.name)).toEqual(['A', 'C']);
    expect(calls.filter((c) => c.command === 'entity')).toHaveLength(1);
    expect(editor.flag?.name).toBe('C');
  });

  it('says when the flag does not exist', async () => {
    const app = new AppState({ ...fakeBackend(flag, []), call: async () => ({ json: null, hasDraft: false, diagnostics: [] }) } as unknown as Backend);
    app.workspaceId = 1;
    const editor = new FlagEditor(app, 'gone');
    await editor.load();
    expect(editor.loadError).toMatch(/does not exist/);
  });
});
