// Change requests as release owners read them: a status in words, who did what when (a
// timeline of decisions and comments), and which entity a draft is.
import type { Result } from '../../backend';

/** The generated result types of the issue-7 commands (bindings/Commands.ts). */
export type ChangeView = Result<'changeRequest'>;
export type DraftChange = Result<'draftChanges'>[number];
export type IdentityStatus = Result<'identity'>;
export type PublishReport = Result<'publishChangeRequest'>;
export type ChangeLine = ChangeView['lines'][number];
export type EntityId = DraftChange['entity'];
export type ChangeStatus = ChangeView['status'];

export type Tone = 'neutral' | 'info' | 'warning' | 'danger' | 'ok';

/** A stable string for an entity (`flag:new-checkout`, `policy:`), for selections and keys. */
export function entityKey(entity: EntityId): string {
  return `${entity.kind}:${'key' in entity ? entity.key : ''}`;
}

/** Still going somewhere: waiting for approval or approved and not yet published. */
export function isActive(view: ChangeView): boolean {
  return view.status === 'open' || view.status === 'approved';
}

/** The status in a few words and a tone for its badge. */
export function statusWords(view: ChangeView): { text: string; tone: Tone } {
  switch (view.status) {
    case 'published':
      return { text: 'Published', tone: 'ok' };
    case 'withdrawn':
      return { text: 'Withdrawn', tone: 'neutral' };
    case 'rejected':
      return { text: 'Rejected', tone: 'danger' };
    case 'approved':
      return { text: view.report.emergency ? 'Emergency — can publish now' : 'Approved — ready to publish', tone: 'ok' };
    case 'open':
      return { text: 'Waiting for review', tone: 'warning' };
  }
}

/** One sentence that says where the request stands and what happens next. */
export function nextStep(view: ChangeView, me: string | null): string {
  const mine = me !== null && view.request.author === me;
  switch (view.status) {
    case 'published':
      return 'This change is live: it was published and the environments were rebuilt.';
    case 'withdrawn':
      return 'Its author withdrew this change; nothing was published.';
    case 'rejected':
      return mine ? 'A reviewer rejected this change. Edit your drafts and update it, or withdraw it.' : 'A reviewer rejected this change; it cannot be published as it is.';
    case 'approved':
      return view.localOnly ? 'It can be published. It is only on this computer until you sync.' : 'It has every approval it needs and can be published.';
    case 'open':
      if (view.localOnly) return 'It is only on this computer: sync to send it to your reviewers.';
      return mine ? 'Waiting for your reviewers. Sync now and then to see their decisions.' : 'It needs a decision: approve or reject it, with a comment if you like.';
  }
}

export type TimelineItem =
  | { kind: 'approve' | 'reject'; by: string; at: string; comment: string | null; stale: boolean }
  | { kind: 'comment'; by: string; at: string; text: string }
  | { kind: 'published'; by: string; at: string; commit: string | null };

/**
 * Decisions, comments and publication in time order. A decision signed for an earlier version
 * of the request (another content hash) is `stale`: it no longer counts.
 */
export function timeline(view: ChangeView): TimelineItem[] {
  const { request, report } = view;
  const items: TimelineItem[] = [
    ...request.approvals.map((a): TimelineItem => ({ kind: a.decision, by: a.by, at: a.at, comment: a.comment ?? null, stale: a.contentHash !== report.contentHash })),
    ...(request.comments ?? []).map((c): TimelineItem => ({ kind: 'comment', by: c.by, at: c.at, text: c.text })),
  ];
  if (request.published) items.push({ kind: 'published', by: request.published.by, at: request.published.at, commit: request.published.commit ?? null });
  return items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The environments a request's lines touch, by name, for the publish confirmation. */
export function environmentsOf(lines: readonly ChangeLine[], name: (key: string) => string): string[] {
  const keys = [...new Set(lines.map((l) => l.environment).filter((e): e is string => e !== null))];
  return keys.map(name);
}

/** "3 changes" / "1 change". */
export function changesCount(n: number): string {
  return `${n} change${n === 1 ? '' : 's'}`;
}

/** An instant for people: "21 Nov 2026, 09:00" in the browser's time zone. */
export function formatWhen(rfc3339: string): string {
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return rfc3339;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}
