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

  /** Everyone who appears in the log, for the "Who" choices. */
  get people(): string[] {
    return [...new Set(this.entries.map((e) => e.actor))].sort((a, b) => a.localeCompare(b));
  }

  get filtered(): boolean {
    const f = this.filter;
    return f.who !== '' || f.what !== '' || f.environment !== '' || f.since !== null || f.until !== null;
  }

  async load(): Promise<void> {
    try {
      this.entries = await this.app.backend.call('auditLog', { workspaceId: this.workspaceId, limit: AUDIT_LIMIT });
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
      save(exportFileName(this.app.project?.name ?? 'flagdeck', format, new Date()), text, format === 'csv' ? 'text/csv' : 'application/json');
      this.app.notify(`The audit log was saved as ${format.toUpperCase()}.`);
      return true;
    } catch (error) {
      this.app.fail(error);
      return false;
    } finally {
      this.exporting = false;
    }
  }
}
