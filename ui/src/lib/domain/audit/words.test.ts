import { describe, expect, it } from 'vitest';
import type { AuditView } from '../../bindings/AuditView';
import { NO_AUDIT_FILTER, auditEnvironments, auditSentence, matchesAudit } from './words';

const entry = (action: string, details: AuditView['details'], extra: Partial<AuditView> = {}): AuditView => ({ id: 1, at: 1_000, actor: 'Dana Ruiz', action, source: 'user', details, ...extra });

describe('audit words', () => {
  it('says each action in a sentence', () => {
    expect(auditSentence(entry('entity.saved', { entity: { kind: 'flag', key: 'new-checkout' }, draft: true }))).toBe('Edited flag new-checkout');
    expect(auditSentence(entry('sync.pushed', { summary: '1 flag changed', commit: 'abc' }))).toBe('Sent changes to the repository: 1 flag changed');
    // The plan's summary was written before the sync; the log says what happened.
    expect(auditSentence(entry('sync.pushed', { summary: '1 local change to push', commit: 'abc' }))).toBe('Sent changes to the repository: 1 local change sent');
    expect(auditSentence(entry('sync.pulled', { summary: '14 flags, 6 segments and the project settings will change, 2 local changes to push' })))
      .toBe("Brought in the team's changes: 14 flags, 6 segments and the project settings changed, 2 local changes sent");
    expect(auditSentence(entry('conflict.resolved', { entity: { kind: 'flag', key: 'x' }, path: '/environments/production/enabled', choice: { choice: 'remote' } }), { production: 'Production' }))
      .toBe("Resolved a conflict in flag x (Production › On or off): took the repository's value");
    expect(auditSentence(entry('change.approved', { title: 'Raise to 25 %' }))).toBe('Approved a change request: Raise to 25 %');
    expect(auditSentence(entry('something.new', {}))).toBe('something new');
  });

  it('finds the environment an entry is about', () => {
    const keys = ['staging', 'production'];
    expect(auditEnvironments(entry('conflict.resolved', { path: '/environments/production/fallthrough' }), keys)).toEqual(['production']);
    expect(auditEnvironments(entry('change.created', { environment: 'staging' }), keys)).toEqual(['staging']);
    expect(auditEnvironments(entry('sync.pushed', { summary: 'x' }), keys)).toEqual([]);
  });

  it('filters by who, what, environment and time', () => {
    const keys = ['production'];
    const e = entry('conflict.resolved', { path: '/environments/production/enabled' }, { at: 5_000 });
    expect(matchesAudit(e, NO_AUDIT_FILTER, keys)).toBe(true);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, who: 'dana' }, keys)).toBe(true);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, who: 'erin' }, keys)).toBe(false);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, what: 'conflict' }, keys)).toBe(true);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, what: 'sync' }, keys)).toBe(false);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, what: 'conflict.resolved' }, keys)).toBe(true);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, environment: 'production' }, keys)).toBe(true);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, environment: 'staging' }, keys)).toBe(false);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, since: 5_000, until: 5_001 }, keys)).toBe(true);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, since: 5_001 }, keys)).toBe(false);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, until: 4_999 }, keys)).toBe(false);
    expect(matchesAudit(e, { ...NO_AUDIT_FILTER, until: 5_000 }, keys)).toBe(true);
  });
});
