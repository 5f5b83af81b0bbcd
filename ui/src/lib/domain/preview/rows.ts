// Which preview rows show: the search (name or key) and "changes only" (a draft changes the
// variation somewhere among the shown environments).
import type { PreviewFlag } from '../../bindings/PreviewFlag';

export function changedSomewhere(flag: PreviewFlag, environments: readonly string[]): boolean {
  return flag.environments.some((cell) => cell.changed && environments.includes(cell.environment));
}

export function visibleRows(flags: readonly PreviewFlag[], query: string, changesOnly: boolean, environments: readonly string[]): PreviewFlag[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return flags.filter((flag) => {
    if (changesOnly && !changedSomewhere(flag, environments)) return false;
    const text = `${flag.key} ${flag.name}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
