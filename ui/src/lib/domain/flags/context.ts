// The open flag editor, handed to its sections through Svelte context so deep parts (a rule's
// rollout) need not thread the controller through every level.
import { getContext, setContext } from 'svelte';
import type { AppState } from '../../state/app.svelte';
import type { FlagEditor } from '../../state/flagEditor.svelte';

export type FlagEditorContext = {
  readonly app: AppState;
  readonly editor: FlagEditor;
  /** An environment's display name ("Production"), else its key. */
  envName(key: string): string;
};

const KEY = Symbol('flagdeck.flagEditor');

export function provideFlagEditor(context: FlagEditorContext): void {
  setContext(KEY, context);
}

export function getFlagEditor(): FlagEditorContext {
  const context = getContext<FlagEditorContext | undefined>(KEY);
  if (!context) throw new Error('getFlagEditor() outside FlagEditorView');
  return context;
}
