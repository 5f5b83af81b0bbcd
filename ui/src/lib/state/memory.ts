// Remembers the last open workspace across launches (localStorage; an id, nothing secret).
const KEY = 'flagdeck.workspace';

export class WorkspaceMemory {
  constructor(private readonly storage: Storage | null = defaultStorage()) {}

  get(): number | null {
    const raw = this.storage?.getItem(KEY);
    const id = raw ? Number(raw) : NaN;
    return Number.isInteger(id) ? id : null;
  }

  set(id: number | null): void {
    if (id === null) this.storage?.removeItem(KEY);
    else this.storage?.setItem(KEY, String(id));
  }
}

function defaultStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
