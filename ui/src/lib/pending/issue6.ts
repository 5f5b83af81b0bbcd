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
}
