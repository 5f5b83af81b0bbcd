// The OFREP preview server as the preview screen drives it: its status, start/stop, and the pins
// (a flag served with a chosen variation). Errors stay on the panel, not in toasts.
import type { Backend } from '../backend';
import { BackendError } from '../backend';
import type { PreviewServerInfo } from '../bindings/PreviewServerInfo';

export class PreviewServer {
  info = $state<PreviewServerInfo | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);

  constructor(
    private readonly backend: Backend,
    private readonly workspaceId: number,
  ) {}

  load(): Promise<void> {
    return this.attempt(async () => {
      this.info = await this.backend.call('previewServerStatus', { workspaceId: this.workspaceId });
    });
  }

  start(): Promise<void> {
    return this.attempt(async () => {
      this.info = await this.backend.call('previewServerStart', { workspaceId: this.workspaceId, port: null });
    });
  }

  stop(): Promise<void> {
    return this.attempt(async () => {
      await this.backend.call('previewServerStop', { workspaceId: this.workspaceId });
      this.info = null;
    });
  }

  pin(flag: string, variation: string | null): Promise<void> {
    return this.attempt(async () => {
      this.info = await this.backend.call('previewServerPin', { workspaceId: this.workspaceId, flag, variation });
    });
  }

  private async attempt(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await action();
      this.error = null;
    } catch (error) {
      this.error = error instanceof BackendError || error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }
}

/** The base URL an OFREP provider is given: the server's address (the provider adds /ofrep/v1). */
export function providerSnippet(url: string): string {
  return `import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';\nOpenFeature.setProvider(new OFREPWebProvider({ baseUrl: '${url}' }));`;
}
