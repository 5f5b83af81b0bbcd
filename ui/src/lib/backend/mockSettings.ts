// Dev-only: the issue-7 sync, audit and settings commands of the mock host (G3). The first
// sync finds two conflicts in "New checkout" (as if a teammate had pushed edits to the same
// fields); once both are answered the next sync sends everything. Syncs report their stages as
// `progress` events. Identity and credentials live in memory (a real host uses the keyring).
import type { AppEvent } from '../bindings/AppEvent';
import type { AuditView } from '../bindings/AuditView';
import type { ConflictView } from '../bindings/ConflictView';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { BackendError } from './backend';
import { MOCK_USER } from './mockGovernance';

type Emit = (events: AppEvent[]) => void;
type Person = { id: string; name: string; email: string; publicKey: string };

const DAY = 86_400;
const START = Math.floor(Date.parse('2026-11-21T09:00:00Z') / 1000);

const state = {
  syncs: 0,
  conflicts: [] as ConflictView[],
  // The user of the mock's changes screens (the governance mock's Dana); `?mock&newUser` starts without one.
  person: (typeof location !== 'undefined' && new URLSearchParams(location.search).has('newUser') ? null : MOCK_USER) as Person | null,
  secret: null as string | null,
  lastSync: 'succeeded' as 'succeeded' | 'failed',
  lastSummary: { result: 'pulled', summary: '2 changes from your team' } as JsonValue,
  // Newest first, as the host lists them.
  audit: [
    entry(1, START - 3 * DAY, 'Dana Ruiz', 'entity.saved', { entity: { kind: 'flag', key: 'new-checkout' }, draft: true, path: '/environments/production/fallthrough' }),
    entry(2, START - 3 * DAY + 600, 'Dana Ruiz', 'sync.pushed', { summary: '1 flag changed', commit: '4f1c2aa' }, 'sync'),
    entry(3, START - 2 * DAY, 'Erin Cho', 'change.created', { title: 'Raise the new checkout to 25 %', environment: 'production' }),
    entry(4, START - 2 * DAY + 3600, 'Sam Patel', 'change.approved', { title: 'Raise the new checkout to 25 %', environment: 'production' }),
    entry(5, START - DAY, 'Erin Cho', 'change.published', { title: 'Raise the new checkout to 25 %', environment: 'production' }),
    entry(6, START - 3600, 'Sam Patel', 'entity.saved', { entity: { kind: 'segment', key: 'beta-testers' }, draft: true }),
    entry(7, START - 1800, 'Dana Ruiz', 'sync.pulled', { summary: '2 changes from your team', commit: '9ab03de' }, 'sync'),
  ].reverse() as AuditView[],
};

function entry(id: number, at: number, actor: string, action: string, details: JsonValue, source: AuditView['source'] = 'user'): AuditView {
  return { id, at, actor, action, source, details };
}

function conflictsOf(): ConflictView[] {
  const flag = { kind: 'flag' as const, key: 'new-checkout' };
  return [
    { id: 101, entity: flag, path: '/environments/production/fallthrough', entityName: 'flag new-checkout', resolved: false, resolution: null,
      base: { rollout: [{ variation: 'on', weight: 5 }, { variation: 'off', weight: 95 }] },
      local: { rollout: [{ variation: 'on', weight: 25 }, { variation: 'off', weight: 75 }] },
      remote: { rollout: [{ variation: 'on', weight: 10 }, { variation: 'off', weight: 90 }] } },
    { id: 102, entity: flag, path: '/description', entityName: 'flag new-checkout', resolved: false, resolution: null,
      base: 'The redesigned checkout', local: 'The redesigned checkout, one page', remote: 'The redesigned checkout with Apple Pay' },
  ];
}

/** The status's sync fields, for the mock's `status` (which knows the drafts and undo). */
export function mockSyncStatus(): Record<string, unknown> {
  const open = state.conflicts.filter((c) => !c.resolved).length;
  return { openConflicts: open, resolvedConflicts: state.conflicts.length - open, lastSync: state.lastSync, lastSyncSummary: state.lastSummary };
}

async function sync(workspaceId: number, emit: Emit): Promise<unknown> {
  const stages = ['Fetching from the remote', 'Comparing your changes with the team’s', 'Sending your changes'];
  for (const [done, message] of stages.entries()) {
    emit([{ workspaceId, subject: 'progress', change: 'updated', source: 'sync', progress: { task: 'sync', done, total: stages.length, message } }]);
    await new Promise((r) => setTimeout(r, 400));
  }
  state.syncs += 1;
  const base = { changes: [], diagnostics: [], retries: 0, governanceViolations: [], side: null, message: null };
  let report: Record<string, unknown>;
  if (state.syncs === 1) {
    state.conflicts = conflictsOf();
    report = { ...base, result: 'conflicts', summary: '2 conflicts in flag new-checkout', conflicts: [], commit: null };
  } else if (state.conflicts.some((c) => !c.resolved)) {
    report = { ...base, result: 'conflicts', summary: 'Some conflicts still need a choice', conflicts: [], commit: null };
  } else {
    state.conflicts = [];
    report = { ...base, result: 'pushed', summary: 'Your changes are in the repository', conflicts: [], commit: 'c0ffee1' };
    state.audit = [entry(state.audit.length + 1, Math.floor(Date.now() / 1000), 'You', 'sync.pushed', { summary: 'Your changes', commit: 'c0ffee1' }, 'sync'), ...state.audit];
  }
  state.lastSync = 'succeeded';
  state.lastSummary = { result: report.result as string, summary: report.summary as string };
  emit([
    { workspaceId, subject: 'progress', change: 'updated', source: 'sync', progress: { task: 'sync', done: stages.length, total: stages.length, message: 'Done' } },
    { workspaceId, subject: 'syncRun', change: 'updated', source: 'sync' },
    { workspaceId, subject: 'conflict', change: 'updated', source: 'sync' },
  ]);
  return report;
}

function resolve(workspaceId: number, id: number, choice: { choice: string; value?: JsonValue }, emit: Emit): ConflictView {
  const conflict = state.conflicts.find((c) => c.id === id);
  if (!conflict) throw new BackendError({ code: 'notFound', message: `There is no conflict number ${id} in this workspace.` });
  const value = choice.choice === 'local' ? conflict.local : choice.choice === 'remote' ? conflict.remote : (choice.value ?? null);
  const resolved = { ...conflict, resolved: true, resolution: value };
  state.conflicts = state.conflicts.map((c) => (c.id === id ? resolved : c));
  state.audit = [entry(state.audit.length + 1, Math.floor(Date.now() / 1000), 'You', 'conflict.resolved', { entity: conflict.entity, path: conflict.path, choice: { choice: choice.choice } }), ...state.audit];
  emit([{ workspaceId, subject: 'conflict', entityKind: 'flag', key: conflict.entity.key, change: 'updated', source: 'user' }]);
  return resolved;
}

function exportAudit(format: string): string {
  const rows = [...state.audit].reverse();
  if (format === 'json') return `${JSON.stringify(rows.map((e) => ({ ...e, at: new Date(e.at * 1000).toISOString() })), null, 2)}\n`;
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = rows.map((e) => [String(e.id), new Date(e.at * 1000).toISOString(), e.actor, e.action, e.source, JSON.stringify(e.details)].map(quote).join(','));
  return ['id,at,actor,action,source,details', ...lines].join('\r\n') + '\r\n';
}

function credentials(): unknown {
  return { remoteUrl: 'https://git.example.com/acme/flags.git', username: 'dana', stored: state.secret !== null };
}

/** Answers G3's commands; `undefined` for any other command. */
export function answerSettings(command: string, args: Record<string, unknown>, emit: Emit): unknown {
  const workspaceId = Number(args.workspaceId);
  switch (command) {
    case 'sync':
      return sync(workspaceId, emit);
    case 'conflicts':
      return state.conflicts;
    case 'resolveConflict':
      return resolve(workspaceId, Number(args.conflictId), args.choice as { choice: string; value?: JsonValue }, emit);
    case 'auditLog':
      return state.audit.slice(0, Number(args.limit) || 100);
    case 'exportAudit':
      return exportAudit(String(args.format));
    case 'identity':
      return { person: state.person, hasSigningKey: state.person !== null };
    case 'createIdentity':
      state.person = { id: String(args.personId), name: String(args.name), email: String(args.email), publicKey: 'ed25519:Jm3s1qXbT0v8yH2cW9pK4eLr7uNaZ6dQfG5iVo1xYhE=' };
      return state.person;
    case 'proposePerson':
      if (!state.person) throw new BackendError({ code: 'identityMissing', message: 'Create your identity first (Settings).' });
      return { kind: 'person', key: state.person.id };
    case 'createChangeRequest': {
      // Only "Register me" (a person's file); other change requests are the governance mock's.
      const entities = (args.entities as { kind: string; key?: string }[] | undefined) ?? [];
      if (entities.length === 0 || entities.some((e) => e.kind !== 'person')) return undefined;
      return { request: { id: 'cr-register', title: String(args.title) }, report: null, status: 'open', localOnly: true, lines: [] };
    }
    case 'credentialsStatus':
      return credentials();
    case 'setCredentials':
      state.secret = String(args.secret);
      return credentials();
    case 'deleteCredentials':
      state.secret = null;
      return credentials();
    case 'testConnection':
      return state.secret === 'wrong'
        ? { ok: false, message: 'The remote refused the password or token.' }
        : { ok: true, message: 'Connected: main at 9ab03de' };
    default:
      return undefined;
  }
}
