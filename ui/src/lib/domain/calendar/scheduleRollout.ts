// "Schedule a rollout" from the calendar: the same template code as the schedule editor, applied
// through the same flag editor controller, so the steps land as one draft edit (one undo).
import type { AppState } from '../../state/app.svelte';
import { FlagEditor } from '../../state/flagEditor.svelte';
import { newEnvironment } from '../flags/model';
import { applyTemplate, type TemplateId } from '../schedule/templates';

export type RolloutPlan = { env: string; template: TemplateId; start: number; variation: string };

/** Resolves once the editor has no save running or queued. */
export async function settled(editor: FlagEditor, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (editor.busy && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

/** Opens `key` for editing (to offer its variations, then to add the plan). */
export async function openFlag(app: AppState, key: string): Promise<FlagEditor> {
  const editor = new FlagEditor(app, key);
  await editor.load();
  return editor;
}

/**
 * Adds the plan's steps to the environment's schedule (setting the environment up first when the
 * flag is not used there yet) and waits for the draft to be saved. Returns a sentence on failure.
 */
export async function scheduleRollout(editor: FlagEditor, plan: RolloutPlan): Promise<string | null> {
  if (!editor.flag) return editor.loadError ?? 'The flag could not be opened.';
  editor.edit((f) => {
    f.environments = f.environments ?? {};
    if (!f.environments[plan.env]) f.environments[plan.env] = newEnvironment(f);
    applyTemplate(f, plan.env, plan.template, plan.start, plan.variation);
  });
  await settled(editor);
  return editor.saveState.kind === 'error' ? editor.saveState.message : null;
}
