// The settings screen's state: who I am (identity, public key, registering in the project
// through a change request), the open workspace's credentials (stored in the OS keyring, never
// read back), and the connection test.
import type { ConnectionTest } from '../bindings/ConnectionTest';
import type { CredentialsStatus } from '../bindings/CredentialsStatus';
import type { IdentityStatus } from '../bindings/IdentityStatus';
import type { AppState } from './app.svelte';

export type IdentityForm = { name: string; email: string; id: string };

/** A person's id from their name: "Dana Ruiz" → "dana-ruiz" (the file `people/dana-ruiz.json`). */
export function personIdFrom(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

/**
 * Whether a remote is reached with a password or token: an https or ssh address does, a folder
 * on this computer (a path or file://) does not.
 */
export function remoteTakesSecret(url: string | null): boolean {
  if (!url) return false;
  return /^(https?|ssh|git):\/\//i.test(url) || /^[^/\s]+@[^/:\s]+:/.test(url);
}

/** What is wrong with the form, by field; empty when it can be sent. */
export function identityProblems(form: IdentityForm): Partial<Record<keyof IdentityForm, string>> {
  const problems: Partial<Record<keyof IdentityForm, string>> = {};
  if (form.name.trim() === '') problems.name = 'Enter your name as your team knows it.';
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.email.trim())) problems.email = 'Enter an email address, like dana@example.com.';
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(form.id.trim())) problems.id = 'Use lowercase letters, digits, dots, dashes or underscores, like dana-ruiz.';
  return problems;
}

export class SettingsState {
  identity = $state.raw<IdentityStatus | null>(null);
  credentials = $state.raw<CredentialsStatus | null>(null);
  test = $state.raw<ConnectionTest | null>(null);
  busy = $state<'identity' | 'register' | 'save' | 'delete' | 'test' | null>(null);
  /** The change request that registers me, once made this session. */
  registered = $state.raw<{ id: string; title: string } | null>(null);

  constructor(
    private readonly app: AppState,
    private readonly workspaceId: number | null,
  ) {}

  async load(): Promise<void> {
    try {
      this.identity = await this.app.backend.call('identity', {});
    } catch (error) {
      this.app.fail(error);
    }
    await this.loadCredentials();
  }

  private async loadCredentials(): Promise<void> {
    if (this.workspaceId === null) return;
    try {
      this.credentials = await this.app.backend.call('credentialsStatus', { workspaceId: this.workspaceId });
    } catch (error) {
      this.app.fail(error);
    }
  }

  async createIdentity(form: IdentityForm): Promise<boolean> {
    return this.run('identity', async () => {
      await this.app.backend.call('createIdentity', { personId: form.id.trim(), name: form.name.trim(), email: form.email.trim() });
      this.identity = await this.app.backend.call('identity', {});
      this.app.notify('Your identity is ready. Register it in the project so your approvals count.');
    });
  }

  /** Drafts `people/<me>.json` and asks for its review: approvals only count once it is in. */
  async register(): Promise<boolean> {
    const id = this.workspaceId;
    const person = this.identity?.person;
    if (id === null || !person) return false;
    return this.run('register', async () => {
      const entity = await this.app.backend.call('proposePerson', { workspaceId: id });
      const title = `Add ${person.name || person.id} to the project`;
      const change = await this.app.backend.call('createChangeRequest', {
        workspaceId: id,
        title,
        description: `Registers ${person.name} <${person.email}> and their public key, so their approvals and signatures are recognised.`,
        entities: [entity],
      });
      this.registered = { id: change.request.id, title };
      this.app.notify('Your registration is waiting for review as a change request.');
    });
  }

  async saveSecret(secret: string): Promise<boolean> {
    const id = this.workspaceId;
    if (id === null || secret === '') return false;
    return this.run('save', async () => {
      this.credentials = await this.app.backend.call('setCredentials', { workspaceId: id, secret });
      this.test = null;
      this.app.notify('Saved in the system keychain.');
    });
  }

  async deleteSecret(): Promise<boolean> {
    const id = this.workspaceId;
    if (id === null) return false;
    return this.run('delete', async () => {
      this.credentials = await this.app.backend.call('deleteCredentials', { workspaceId: id });
      this.test = null;
      this.app.notify('Removed from the system keychain.');
    });
  }

  async testConnection(): Promise<boolean> {
    const id = this.workspaceId;
    if (id === null) return false;
    return this.run('test', async () => {
      this.test = await this.app.backend.call('testConnection', { workspaceId: id });
    });
  }

  private async run(what: NonNullable<SettingsState['busy']>, job: () => Promise<void>): Promise<boolean> {
    if (this.busy !== null) return false;
    this.busy = what;
    try {
      await job();
      return true;
    } catch (error) {
      this.app.fail(error);
      return false;
    } finally {
      this.busy = null;
    }
  }
}
