// The audit log screen's state: the entries, the filters (who, what, environment, time), and
// the export as a file.
import type { AuditView } from '../bindings/AuditView';
import { type AuditFilter, NO_AUDIT_FILTER, matchesAudit } from '../domain/audit/words';
import type { AppState } from './app.svelte';
import { downloadText, exportFileName } from './download';

/** How many entries the screen reads; the export always has all of them. */
export const AUDIT_LIMIT = 1000;

export class AuditState {
  entries = $state.raw<AuditView[]>([]);
  filter = $state<AuditFilter>({ ...NO_AUDIT_FILTER });
  loading = $state(true);
  exporting = $state(false);

  constructor(
    private readonly app: AppState,
    private readonly workspaceId: number,
  ) {}

  private get envKeys(): string[] {
    return (this.app.project?.environments ?? []).map((e) => e.key);
  }

  /** The entries that pass the filters, newest first. */
  get shown(): AuditView[] {
    return this.entries.filter((e) => matchesAudit(e, this.filter, this.envKeys));
  }

  /** Everyone seen in the log so far, for the "Who" suggestions. */
  private seen = $state.raw<string[]>([]);

  get people(): string[] {
    return this.seen;
  }

  get filtered(): boolean {
    const f = this.filter;
    return f.who !== '' || f.what !== '' || f.environment !== '' || f.since !== null || f.until !== null;
  }

  /** Asks the host for the entries that pass `filter` (the host filters; see `matchesAudit`). */
  async load(filter: AuditFilter = this.filter): Promise<void> {
    const args = {
      workspaceId: this.workspaceId,
      limit: AUDIT_LIMIT,
      ...(filter.who.trim() ? { who: filter.who.trim() } : {}),
      ...(filter.what ? { action: filter.what } : {}),
      ...(filter.environment ? { environment: filter.environment } : {}),
      ...(filter.since !== null ? { since: filter.since } : {}),
      ...(filter.until !== null ? { until: filter.until } : {}),
    };
    try {
      this.entries = await this.app.backend.call('auditLog', args);
      this.seen = [...this.seen, ...this.entries.map((e) => e.actor)].filter((name, i, all) => all.indexOf(name) === i).sort((a, b) => a.localeCompare(b));
    } catch (error) {
      this.app.fail(error);
    } finally {
      this.loading = false;
    }
  }

  clear(): void {
    this.filter = { ...NO_AUDIT_FILTER };
  }

  /** Asks the host for the whole log in `format` and saves it as a file. */
  async export(format: 'csv' | 'json', save = downloadText): Promise<boolean> {
    this.exporting = true;
    try {
      const text = await this.app.backend.call('exportAudit', { workspaceId: this.workspaceId, format });
      const name = exportFileName(this.app.project?.name ?? 'flagdeck', format, Date.now());
      save(name, text, format === 'csv' ? 'text/csv' : 'application/json');
      this.app.notify(`The audit log was saved as ${name} in your downloads.`);
      return true;
    } catch (error) {
      this.app.fail(error);
      return false;
    } finally {
      this.exporting = false;
    }
  }
}
