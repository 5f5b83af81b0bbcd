// Desktop measurements (docs/BENCHMARKS.md, "Desktop app"), run by scripts/measure-desktop.sh
// inside Xvfb and a throw-away keyring:
//
//   node tests/desktop/measure.mjs --runs 5 --remote file:///.../large.git
//
// Setup (untimed): a data folder with one git workspace cloned from --remote (if given).
// Each run starts the app fresh on that data folder and reports:
// - cold start to first paint: Date.now() just before the WebDriver request that spawns the
//   process, to performance.timeOrigin + __flagdeckTimings.shell (both on the wall clock);
// - window open to list: __flagdeckTimings.list (ms since the page's navigation start), or, if
//   the UI waits for a workspace to be picked, from that click to the list; the first rows
//   come first, so the whole list (__flagdeckTimings.complete) is reported too;
// - idle memory: after 10 s idle, the sum of PSS (/proc/<pid>/smaps_rollup) over the app's
//   process and every process below it (WebKitWebProcess, WebKitNetworkProcess, ...).
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchApp, waitFor, tid } from './webdriver.mjs';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    remote: { type: 'string' },
    idle: { type: 'string', default: '10' },
    'data-dir': { type: 'string' },
  },
});
const runs = Number(opts.runs);
const idleSeconds = Number(opts.idle);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** pid → parent pid for every process. */
function parents() {
  const map = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      map.set(Number(name), Number(fields[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  return map;
}

function descendants(pid, ppids = parents()) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    for (const [child, parent] of ppids) if (parent === out[i]) out.push(child);
  }
  return out;
}

const exeName = (pid) => {
  try {
    return basename(readlinkSync(`/proc/${pid}/exe`));
  } catch {
    return '?';
  }
};

/** The app's own process among tauri-driver's descendants. */
function appPid(driverPid) {
  const pid = descendants(driverPid).find((p) => exeName(p) === 'flagdeck-desktop');
  if (!pid) throw new Error('the app process was not found below tauri-driver');
  return pid;
}

function pssKiB(pid) {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const dataDir = opts['data-dir'] ?? mkdtempSync(join(tmpdir(), 'flagdeck-measure-'));
let workspaceId;
if (opts.remote) {
  const setup = await launchApp({ dataDir });
  try {
    const t = Date.now();
    const created = await setup.call({ command: 'createGitWorkspace', args: { name: 'Bench', url: opts.remote } });
    if (!created.ok) throw new Error(`createGitWorkspace: ${JSON.stringify(created.err)}`);
    workspaceId = created.ok.id;
    const flags = await setup.call({ command: 'listEntities', args: { workspaceId, kind: 'flag' } });
    console.error(`setup: cloned workspace ${workspaceId} (${flags.ok?.length} flags) in ${Date.now() - t} ms`);
  } finally {
    await setup.quit();
  }
}

const results = [];
for (let run = 1; run <= runs; run++) {
  const app = await launchApp({ dataDir });
  try {
    await waitFor('the shell', () => app.execute('return window.__flagdeckTimings && window.__flagdeckTimings.shell'), 30000, 20);
    const t = await app.execute('return { origin: performance.timeOrigin, ...window.__flagdeckTimings }');
    const coldStart = t.origin + t.shell - app.startedAt;

    let list;
    let listHow = 'since navigation start';
    let since = 0;
    const listed = await waitFor('the list', () => app.execute('return window.__flagdeckTimings.list'), 5000, 20).catch(() => null);
    if (listed) {
      list = listed;
    } else {
      // The UI waits for a workspace to be picked: time from that click to the list.
      const clickedAt = await app.execute(`
        const item = document.querySelector('${tid('workspace-item')}[data-id="${workspaceId}"]') || document.querySelector('${tid('workspace-item')}');
        if (!item) return null;
        const at = performance.now(); item.click(); return at;`);
      if (clickedAt === null) throw new Error('no list and no workspace to pick');
      const at = await waitFor('the list after a click', () => app.execute('return window.__flagdeckTimings.list'), 30000, 20);
      list = at - clickedAt;
      since = clickedAt;
      listHow = 'from clicking the workspace';
    }

    // The whole list: the window shows the first rows first (AppState.openWorkspace).
    const complete = (await waitFor('the whole list', () => app.execute('return window.__flagdeckTimings.complete'), 30000, 20)) - since;
    // Where the time to the list went: the UI's marks (readiness.ts markStep) since navigation start.
    const steps = await app.execute("return performance.getEntriesByType('mark').filter((m) => m.name.startsWith('flagdeck:')).map((m) => [m.name.slice(9), Math.round(m.startTime)])");
    await sleep(idleSeconds * 1000);
    const main = appPid(app.driver.pid);
    const processes = descendants(main).map((pid) => ({ pid, exe: exeName(pid), pssKiB: pssKiB(pid) }));
    const memoryMiB = processes.reduce((sum, p) => sum + p.pssKiB, 0) / 1024;
    results.push({ run, coldStart, shellSinceNavigation: t.shell, list, listHow, complete, steps: Object.fromEntries(steps), memoryMiB, processes });
    console.error(`run ${run}: cold start ${coldStart.toFixed(0)} ms, list ${list.toFixed(0)} ms (${listHow}), whole list ${complete.toFixed(0)} ms, idle PSS ${memoryMiB.toFixed(1)} MiB over ${processes.map((p) => p.exe).join(', ')}`);
    console.error(`  steps (ms since navigation start): shell ${Math.round(t.shell)}, ${steps.map(([name, at]) => `${name} ${at}`).join(', ')}, list ${Math.round(t.list ?? list)}`);
  } finally {
    await app.quit();
  }
}
if (!opts['data-dir']) rmSync(dataDir, { recursive: true, force: true });

const summary = {
  runs,
  coldStartToFirstPaintMs: median(results.map((r) => r.coldStart)),
  windowOpenToListMs: median(results.map((r) => r.list)),
  windowOpenToWholeListMs: median(results.map((r) => r.complete)),
  listMeasured: results[0]?.listHow,
  idleMemoryMiB: median(results.map((r) => r.memoryMiB)),
  processes: results[0]?.processes.map((p) => p.exe),
};
console.log(JSON.stringify({ summary, results }, null, 1));
console.log(`\nmedians of ${runs} runs: cold start to first paint ${summary.coldStartToFirstPaintMs.toFixed(0)} ms; window open to list ${summary.windowOpenToListMs.toFixed(0)} ms (${summary.listMeasured}), to the whole list ${summary.windowOpenToWholeListMs.toFixed(0)} ms; idle memory ${summary.idleMemoryMiB.toFixed(1)} MiB (PSS, all processes)`);
