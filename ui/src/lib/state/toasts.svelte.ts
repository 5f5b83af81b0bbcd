// The user-facing messages: errors (one per code, kept until dismissed) and short confirmations
// (gone after a few seconds).
import { describeError } from './errors';

export type Toast = { id: number; kind: 'error' | 'info'; text: string; detail?: string; code?: string };

const INFO_MS = 4000;

export class ToastList {
  items = $state<Toast[]>([]);
  private nextId = 1;

  error(error: unknown): void {
    const { code, title, detail } = describeError(error);
    const toast: Toast = { id: this.nextId++, kind: 'error', text: title, detail, ...(code ? { code } : {}) };
    // One toast per code: a second "offline" replaces the first instead of stacking up.
    const others = code ? this.items.filter((t) => t.code !== code) : this.items;
    this.items = [...others, toast];
  }

  info(text: string): void {
    const id = this.nextId++;
    this.items = [...this.items, { id, kind: 'info', text }];
    setTimeout(() => this.dismiss(id), INFO_MS);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}
