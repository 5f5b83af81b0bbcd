// HAND-WRITTEN STAND-INS for issue 6's generated bindings (ISSUE6.md, helper A2): `Freeze`,
// `ProjectInfo.freezes`, `CalendarEntry`, `CalendarWarning` and the `calendar` command. Replace
// with the generated files in ../bindings/ at merge and delete this file; only the cast in
// `callCalendar` goes away.
import type { Backend } from '../backend/backend';
import type { ProjectInfo } from '../bindings/ProjectInfo';

export type Freeze = { name: string; from: string; to: string; environments: string[] };

export type CalendarWarning = { code: 'closeSteps' | 'inFreeze' | 'inPast'; message: string };

export type CalendarEntry = {
  flag: string;
  flagName: string;
  tags: string[];
  environment: string;
  at: string;
  rampEndsAt: string | null;
  summary: string;
  unpublished: boolean;
  warnings: CalendarWarning[];
};

export type CalendarArgs = { workspaceId: number; from: string; to: string };

/** The project's freeze windows (none until the backend sends `freezes`). */
export function freezesOf(project: ProjectInfo | null): Freeze[] {
  const freezes = (project as (ProjectInfo & { freezes?: Freeze[] }) | null)?.freezes;
  return Array.isArray(freezes) ? freezes : [];
}

/** `calendar` through the backend, typed by hand until Commands has it. */
export function callCalendar(backend: Backend, args: CalendarArgs): Promise<CalendarEntry[]> {
  const call = backend.call.bind(backend) as unknown as (command: string, args: CalendarArgs) => Promise<CalendarEntry[]>;
  return call('calendar', args);
// HAND-WRITTEN, TEMPORARY: the issue-6 command shapes from ISSUE6.md (personas, preview,
// rebucketing impact, the OFREP preview server) until flagdeck-app's generated bindings
// (ui/src/lib/bindings/) have them. At merge, replace these types by the generated ones and
// `callPending` by `backend.call`; nothing else should need to change.
import type { Backend } from '../backend';
import { BackendError } from '../backend';
import type { CommandName } from '../bindings/Commands';
import type { FlagType } from '../bindings/FlagType';
import type { JsonValue } from '../bindings/serde_json/JsonValue';

/** `personas/<key>.json`. */
export type PersonaFile = { key: string; name: string; description?: string; context: { [attribute: string]: JsonValue } };

export type Truth = 'true' | 'false' | 'unknown';
export type StepKind =
  | 'environment' | 'schedule' | 'disabled' | 'targets' | 'rule' | 'condition' | 'segment'
  | 'serve' | 'rollout' | 'ramp' | 'jsonLogic' | 'fallthrough' | 'result';

/** flagdeck-core's explanation step (eval/explain.rs). */
export type ExplainStep = {
  kind: StepKind;
  message: string;
  depth: number;
  ruleId?: string;
  segmentKey?: string;
  attribute?: string;
  matched?: Truth;
  variation?: string;
  bucket?: number;
};

export type Evaluation = {
  value: JsonValue | null;
  variant: string | null;
  reason: string;
  errorCode: string | null;
  explain: ExplainStep[];
};

export type PreviewCell = { environment: string; published: Evaluation; draft: Evaluation | null; changed: boolean };
export type PreviewFlag = { key: string; name: string; type: FlagType; environments: PreviewCell[] };
export type PreviewResult = { at: number; flags: PreviewFlag[]; warnings?: string[] };

export type RebucketSample = { kind: 'generated'; count: number; seed: number } | { kind: 'csv'; csv: string };
export type Transition = { from: string | null; to: string | null; count: number };
export type EnvImpact = { environment: string; total: number; changed: number; unbucketable: number; transitions: Transition[] };
export type RebucketImpact = { key: string; sampleSize: number; triggers: string[]; environments: EnvImpact[]; problems: string[] };

export type PreviewServerInfo = { workspaceId: number; url: string; port: number; pins: { [flag: string]: string }; startedAt: string };

export type PendingCommands = {
  preview: { args: { workspaceId: number; context: { [k: string]: JsonValue }; at: number; environments: string[]; keys: string[] | null }; result: PreviewResult };
  rebucketImpact: { args: { workspaceId: number; key: string; at: number; sample: RebucketSample }; result: RebucketImpact };
  previewServerStart: { args: { workspaceId: number; port: number | null }; result: PreviewServerInfo };
  previewServerStop: { args: { workspaceId: number }; result: null };
  previewServerStatus: { args: { workspaceId: number }; result: PreviewServerInfo | null };
  previewServerPin: { args: { workspaceId: number; flag: string; variation: string | null }; result: PreviewServerInfo };
};
export type PendingName = keyof PendingCommands;

/** Calls an issue-6 command the generated `Commands` map does not list yet. */
export function callPending<C extends PendingName>(backend: Backend, command: C, args: PendingCommands[C]['args']): Promise<PendingCommands[C]['result']> {
  const call = backend.call.bind(backend) as unknown as (c: CommandName, a: unknown) => Promise<unknown>;
  return call(command as unknown as CommandName, args) as Promise<PendingCommands[C]['result']>;
}

/**
 * Whether a failure means "this host does not have the command (or the persona kind) yet", so a
 * screen can say so instead of showing a raw error. Hosts answer unknown commands with
 * `invalidInput` ("The request is not a command of the app: unknown variant …"); the mock host
 * says it "does not know" the command.
 */
export function isUnsupported(error: unknown): boolean {
  if (!(error instanceof BackendError) || error.code !== 'invalidInput') return false;
  return /not a command of the app|unknown (command|variant|kind)|does not know|not supported/i.test(error.message);
}
