// The audit log in words: what an entry's action and details mean ("Sent 2 changes to the
// repository"), the kinds of action a person filters by, and which environment an entry is about.
import type { AuditView } from '../../bindings/AuditView';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import { fieldLabel } from '../conflicts/words';

/** The "What" filter's choices: a group of actions (`change`) or one action, and its name. */
export const ACTION_GROUPS: { value: string; label: string }[] = [
  { value: 'entity', label: 'Edits' },
  { value: 'conflict', label: 'Conflicts resolved' },
  { value: 'sync', label: 'Syncs' },
  { value: 'change', label: 'Change requests' },
  { value: 'change.published', label: 'Publishing' },
];

type Details = { [key: string]: JsonValue };

function details(entry: AuditView): Details {
  const d = entry.details;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? d : {};
}

/**
 * A sync plan's summary, written before the sync ("1 flag will change, 2 local changes to
 * push"), said of a sync that happened ("1 flag changed, 2 local changes sent").
 */
function done(summary: string): string {
  return summary.replace(/ will change\b/g, ' changed').replace(/\b(local changes?) to push\b/g, '$1 sent');
}

function text(value: JsonValue | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** "flag new-checkout" from an entity reference `{kind, key}`. */
function entityWords(value: JsonValue | undefined): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const kind = text(value.kind) ?? 'item';
    const key = text(value.key);
    if (kind === 'project') return 'the project settings';
    if (kind === 'policy') return 'the policy';
    return key ? `${kind} ${key}` : kind;
  }
  return 'an item';
}

/** One sentence for an entry. */
export function auditSentence(entry: AuditView, envNames: Record<string, string> = {}): string {
  const d = details(entry);
  const summary = text(d.summary);
  const title = text(d.title);
  switch (entry.action) {
    case 'entity.saved':
      return d.draft === false ? `Put ${entityWords(d.entity)} back as published` : `Edited ${entityWords(d.entity)}`;
    case 'entity.deleted':
      return `Deleted ${entityWords(d.entity)}`;
    case 'conflict.resolved': {
      const where = typeof d.path === 'string' ? ` (${fieldLabel(d.path, envNames)})` : '';
      const choice = typeof d.choice === 'object' && d.choice !== null && !Array.isArray(d.choice) ? text(d.choice.choice) : null;
      const how = choice === 'local' ? 'kept the value from this computer' : choice === 'remote' ? "took the repository's value" : 'typed a new value';
      return `Resolved a conflict in ${entityWords(d.entity)}${where}: ${how}`;
    }
    case 'sync.pushed':
      return `Sent changes to the repository${summary ? `: ${done(summary)}` : ''}`;
    case 'sync.pulled':
      return `Brought in the team's changes${summary ? `: ${done(summary)}` : ''}`;
    case 'sync.published':
      return `Synced and published${summary ? `: ${done(summary)}` : ''}`;
    case 'sync.violations':
      return 'Found changes in the repository that skipped review';
    case 'change.created':
      return `Requested review${title ? `: ${title}` : ''}`;
    case 'change.emergency':
      return `Emergency change${text(d.reason) ? `: ${text(d.reason)}` : title ? `: ${title}` : ''}`;
    case 'change.updated':
      return `Updated a change request${title ? `: ${title}` : ''}`;
    case 'change.approved':
      return `Approved a change request${title ? `: ${title}` : ''}`;
    case 'change.rejected':
      return `Rejected a change request${title ? `: ${title}` : ''}`;
    case 'change.commented':
      return `Commented on a change request${title ? `: ${title}` : ''}`;
    case 'change.withdrawn':
      return `Withdrew a change request${title ? `: ${title}` : ''}`;
    case 'change.published':
      return `Published a change request${title ? `: ${title}` : ''}`;
    default:
      return entry.action.replace(/[._]/g, ' ');
  }
}

/** The environments an entry names (by a path through `environments/`, or an `environment` field). */
export function auditEnvironments(entry: AuditView, envKeys: readonly string[]): string[] {
  const d = details(entry);
  const found = new Set<string>();
  const direct = text(d.environment);
  if (direct) found.add(direct);
  const flat = JSON.stringify(entry.details ?? null);
  for (const key of envKeys) if (flat.includes(`/environments/${key}`) || flat.includes(`"environment":"${key}"`)) found.add(key);
  return [...found];
}

export type AuditFilter = { who: string; what: string; environment: string; since: number | null; until: number | null };
export const NO_AUDIT_FILTER: AuditFilter = { who: '', what: '', environment: '', since: null, until: null };

/**
 * Whether `entry` passes the filter. The host filters too (`auditLog`'s optional arguments);
 * this keeps the table right while a new answer is on its way, and in hosts without filters.
 */
export function matchesAudit(entry: AuditView, filter: AuditFilter, envKeys: readonly string[]): boolean {
  if (filter.who.trim() && !entry.actor.toLowerCase().includes(filter.who.trim().toLowerCase())) return false;
  if (filter.what && !(filter.what.includes('.') ? entry.action === filter.what : entry.action.startsWith(`${filter.what}.`))) return false;
  if (filter.environment && !auditEnvironments(entry, envKeys).includes(filter.environment)) return false;
  if (filter.since !== null && entry.at < filter.since) return false;
  if (filter.until !== null && entry.at > filter.until) return false;
  return true;
}
