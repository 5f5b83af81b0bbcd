// Saves text as a file the browser downloads (the audit export). A blob link, clicked once.
export function downloadText(fileName: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser the moment it needs to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "acme-audit-2026-11-21.csv": the project's name made safe for a file name. */
export function exportFileName(project: string, format: 'csv' | 'json', nowMs: number): string {
  const safe = project.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'flagdeck';
  return `${safe}-audit-${new Date(nowMs).toISOString().slice(0, 10)}.${format}`;
}
